// Goal: the serial range map behaves exactly like a plain per-serial array (the slow, obvious
// model), keeps its pieces sorted, disjoint and merged, and never loses or invents a serial.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { count, covers, insert, type RangeMap, slice, update } from "./ranges.ts";

const same = (a: number, b: number) => a === b;

describe("range map", () => {
  it("splits a piece on update and merges equal neighbours again", () => {
    let m: RangeMap<number> = insert([], 1n, 100n, 0, same);
    m = update(m, 10n, 19n, () => 1, same);
    expect(m.map((p) => [p.start, p.end, p.value])).toEqual([[1n, 9n, 0], [10n, 19n, 1], [20n, 100n, 0]]);
    m = update(m, 10n, 19n, () => 0, same);
    expect(m.map((p) => [p.start, p.end, p.value])).toEqual([[1n, 100n, 0]]);
  });

  it("refuses an overlapping insert and reports gaps through covers", () => {
    const m = insert(insert([], 1n, 10n, 0, same), 21n, 30n, 0, same);
    expect(() => insert(m, 10n, 20n, 1, same)).toThrow(/overlaps/);
    expect(covers(m, 1n, 10n)).toBe(true);
    expect(covers(m, 5n, 25n)).toBe(false);
    expect(count(slice(m, 5n, 25n))).toBe(11n);
  });

  type Op = { kind: "insert"; s: number; n: number; v: number } | { kind: "update"; s: number; n: number; v: number };
  const op = fc.oneof(
    fc.record({ kind: fc.constant("insert" as const), s: fc.integer({ min: 1, max: 60 }), n: fc.integer({ min: 1, max: 15 }), v: fc.integer({ min: 0, max: 2 }) }),
    fc.record({ kind: fc.constant("update" as const), s: fc.integer({ min: 1, max: 60 }), n: fc.integer({ min: 1, max: 30 }), v: fc.integer({ min: 0, max: 2 }) }),
  );

  test.prop([fc.array(op, { maxLength: 40 })])("matches a per-serial array after any sequence of inserts and updates", (ops: Op[]) => {
    let m: RangeMap<number> = [];
    const model = new Map<number, number>();
    for (const o of ops) {
      const e = o.s + o.n - 1;
      if (o.kind === "insert") {
        const free = Array.from({ length: o.n }, (_, i) => o.s + i).every((x) => !model.has(x));
        if (!free) {
          expect(() => insert(m, BigInt(o.s), BigInt(e), o.v, same)).toThrow();
          continue;
        }
        m = insert(m, BigInt(o.s), BigInt(e), o.v, same);
        for (let x = o.s; x <= e; x++) model.set(x, o.v);
      } else {
        m = update(m, BigInt(o.s), BigInt(e), () => o.v, same);
        for (let x = o.s; x <= e; x++) if (model.has(x)) model.set(x, o.v);
      }
      // the map as a per-serial array equals the model; pieces sorted, disjoint, merged
      const flat = new Map<number, number>();
      m.forEach((p, i) => {
        expect(p.start <= p.end).toBe(true);
        const prev = m[i - 1];
        if (prev) {
          expect(prev.end < p.start).toBe(true);
          if (prev.end + 1n === p.start) expect(prev.value).not.toBe(p.value);
        }
        for (let x = Number(p.start); x <= Number(p.end); x++) flat.set(x, p.value);
      });
      expect(flat).toEqual(model);
    }
  });
});
