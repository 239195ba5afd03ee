// Applying a record to the Article 6 book's state. Records are facts already decided (decide.ts
// checked them), so a record that does not fit the state is a broken invariant and throws: a
// block that is not there, or in the wrong state, means the history itself is corrupt.
import { covers, insert, type RangeMap, slice, update } from "../ranges.ts";
import type { A6Record, A6State, BlockRef, UnitState } from "./types.ts";

export function sameUnit(a: UnitState, b: UnitState): boolean {
  return a.issuance === b.issuance && a.host === b.host && a.holder === b.holder && a.authorization === b.authorization && a.firstTransferred === b.firstTransferred && a.status === b.status;
}

function change(state: A6State, refs: readonly BlockRef[], f: (u: UnitState) => UnitState, record: string): A6State {
  const blocks = new Map(state.blocks);
  for (const r of refs) {
    const map = blocks.get(r.series);
    if (!map || !covers(map, r.start, r.end)) throw new Error(`record ${record}: block ${r.series} ${r.start}-${r.end} is not in the book`);
    blocks.set(r.series, update(map, r.start, r.end, f, sameUnit));
  }
  return { ...state, blocks };
}

function expect(cond: boolean, record: string, what: string): void {
  if (!cond) throw new Error(`record ${record}: ${what}`);
}

/** The state after one record. Throws when the record does not fit (a broken invariant). */
export function evolve(state: A6State, r: A6Record): A6State {
  expect(!state.ids.has(r.id), r.id, "the record id is used twice");
  const s: A6State = { ...state, ids: new Set(state.ids).add(r.id) };
  switch (r.kind) {
    case "issuance": {
      const map: RangeMap<UnitState> = s.blocks.get(r.series) ?? [];
      expect(slice(map, r.start, r.end).length === 0, r.id, "serials issued twice");
      const unit: UnitState = { issuance: r.id, host: r.host, holder: r.host, authorization: null, firstTransferred: false, status: "active" };
      return { ...s, issuances: new Map(s.issuances).set(r.id, r), blocks: new Map(s.blocks).set(r.series, insert(map, r.start, r.end, unit, sameUnit)) };
    }
    case "authorization": {
      expect(!s.authorizations.has(r.id) && r.version === 1, r.id, "an authorization is made once, as version 1 (revocations record the later versions)");
      return { ...s, authorizations: new Map(s.authorizations).set(r.id, { ...r, covered: 0n, revoked: false }) };
    }
    case "cover": {
      const a = s.authorizations.get(r.authorization);
      expect(a !== undefined, r.id, "unknown authorization");
      const n = r.blocks.reduce((t, b) => t + b.end - b.start + 1n, 0n);
      const next = change(s, r.blocks, (u) => ({ ...u, authorization: r.authorization }), r.id);
      return { ...next, authorizations: new Map(next.authorizations).set(r.authorization, { ...(a as NonNullable<typeof a>), covered: (a?.covered ?? 0n) + n }) };
    }
    case "revocation": {
      const a = s.authorizations.get(r.authorization);
      expect(a !== undefined && a.version + 1 === r.version, r.id, "revocation of an unknown authorization or out of version order");
      const next = change(s, r.blocks, (u) => ({ ...u, authorization: null }), r.id);
      const n = r.blocks.reduce((t, b) => t + b.end - b.start + 1n, 0n);
      const revised = { ...(a as NonNullable<typeof a>), version: r.version, quantity: r.quantity, covered: (a?.covered ?? 0n) - n, revoked: r.full };
      return { ...next, authorizations: new Map(next.authorizations).set(r.authorization, revised) };
    }
    case "first-transfer":
      return change(s, r.blocks, (u) => ({ ...u, firstTransferred: true }), r.id);
    case "transfer":
      return change(s, r.blocks, (u) => ({ ...u, holder: r.to }), r.id);
    case "use":
      return change(s, r.blocks, (u) => ({ ...u, status: "used" }), r.id);
    case "cancellation":
      return change(s, r.blocks, (u) => ({ ...u, status: "cancelled" }), r.id);
    case "entity":
      return { ...s, entities: new Map(s.entities).set(r.id, r) };
  }
}

/** The state after a list of records, from the empty book or a given state. */
export function replay(records: readonly A6Record[], from: A6State): A6State {
  return records.reduce(evolve, from);
}
