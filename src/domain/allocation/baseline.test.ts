// Goal: the variation measure and the choice of the steadiest base period behave as the design
// study describes, the baseline is the exact mean (one abnormal year may be dropped), and the 6%
// revision rule triggers at exactly 6%.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { computeBaseline, reviseBaseline, steadiestWindow, variation } from "./baseline.ts";
import type { BaselineResult } from "./baseline.ts";
import { ratio, show } from "./ratio.ts";

const series = (start: number, values: number[]) => values.map((value, i) => ({ year: start + i, value }));
const ok = (r: ReturnType<typeof computeBaseline>): BaselineResult => {
  if ("code" in r) throw new Error(r.code);
  return r;
};

describe("variation = (max - min) / mean", () => {
  it("matches the hand value and is 0 for a flat series", () => {
    expect(variation([90, 100, 110])).toBeCloseTo(0.2, 12);
    expect(variation([5, 5, 5])).toBe(0);
    expect(variation([0, 0, 1])).toBeCloseTo(3, 12);
  });
  test.prop([fc.array(fc.double({ min: 1, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 20 }), fc.double({ min: 0.1, max: 100, noNaN: true })])(
    "does not change when the series is scaled",
    (values, k) => {
      expect(variation(values.map((v) => v * k))).toBeCloseTo(variation(values), 9);
    },
  );
});

describe("steadiest window", () => {
  // Production swings: 2001-2008 varies by 40%; the steadiest 3 years (2004-2006) by 2%.
  const s = series(2001, [100, 130, 90, 101, 100, 99, 120, 80]);
  it("picks the run with the smallest variation (study: only 9 of 34 associations stayed above 5%)", () => {
    expect(variation(s.map((p) => p.value))).toBeGreaterThan(0.1);
    const w = steadiestWindow(s, 3);
    expect(w).toEqual({ from: 2004, to: 2006, variation: expect.closeTo(0.02, 12) as unknown as number });
  });
  it("stays inside the window (Tokyo: FY2002-2007) and needs consecutive years", () => {
    expect(steadiestWindow(s, 3, { from: 2001, to: 2005 })?.from).toBe(2003);
    const gap = series(2001, [1, 1, 1]).concat(series(2005, [5, 5]));
    expect(steadiestWindow(gap, 3, { from: 2002, to: 2006 })).toBeUndefined();
  });
  it("breaks ties towards the earliest run", () => {
    expect(steadiestWindow(series(2001, [7, 7, 7, 7, 7]), 3)?.from).toBe(2001);
  });
  test.prop([fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 3, maxLength: 15 }), fc.integer({ min: 1, max: 3 })])(
    "no other run of that length is steadier",
    (values, n) => {
      const s2 = series(2000, values);
      const w = steadiestWindow(s2, n);
      if (!w) throw new Error("a run must exist");
      for (let i = 0; i + n <= values.length; i++) expect(w.variation).toBeLessThanOrEqual(variation(values.slice(i, i + n)));
    },
  );
});

describe("baseline", () => {
  const s = series(2002, [1000, 1200, 1010, 1000, 990, 1500]);
  it("is the exact mean of the steadiest run", () => {
    const b = ok(computeBaseline(s, { length: 3, within: { from: 2002, to: 2007 } }));
    expect([b.from, b.to]).toEqual([2004, 2006]);
    expect(show(b.baseline)).toBe("1000");
    expect(b.variationWindow).toBeCloseTo(0.02, 12);
  });
  it("takes the operator's choice when given, and names a missing year", () => {
    expect(show(ok(computeBaseline(s, { length: 3, from: 2002 })).baseline)).toBe("1070"); // 3210 / 3
    expect(computeBaseline(s, { length: 3, from: 2006 })).toEqual({ code: "missing-year", year: 2008 });
  });
  it("drops one abnormal year (Tokyo): the mean of the other two", () => {
    const b = ok(computeBaseline(s, { length: 3, from: 2002, exclude: "auto" }));
    expect(b.excluded).toBe(2003);
    expect(b.years).toEqual([2002, 2004]);
    expect(show(b.baseline)).toBe("1005");
    expect(computeBaseline(s, { length: 3, from: 2002, exclude: 2010 })).toEqual({ code: "bad-exclusion", year: 2010 });
  });
  it("reports when no run fits the window", () => {
    expect(computeBaseline(s, { length: 3, within: { from: 1990, to: 1995 } })).toMatchObject({ code: "no-window" });
  });
});

describe("baseline revision for declared changes (Tokyo: >= 6% of the baseline)", () => {
  it("revises at exactly 6% and not below", () => {
    expect(reviseBaseline(ratio(1000), ratio(60))).toMatchObject({ revised: true, baseline: { n: 1060n, d: 1n } });
    expect(reviseBaseline(ratio(1000), ratio(-60)).revised).toBe(true);
    expect(show(reviseBaseline(ratio(1000), ratio(-60)).baseline)).toBe("940");
    const small = reviseBaseline(ratio(1000), ratio("59.99"));
    expect(small.revised).toBe(false);
    expect(show(small.baseline)).toBe("1000");
  });
});
