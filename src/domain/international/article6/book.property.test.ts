// Goal: under any sequence of commands (most of them refused), the Article 6 book keeps its
// invariants: every issued serial is in exactly one state, no serial is first transferred twice,
// nothing is used (towards an NDC or for OIMP) before being first transferred, a refusal
// makes no record, the state is the replay of the records, and the corresponding adjustments add
// up to the first-transferred and used serials. FC_SEED=n repeats a run.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { internationalSchema } from "../../rulebook/international.ts";
import { adjustmentEntries } from "./adjustments.ts";
import { applyA6, type RulesByParty } from "./book.ts";
import { replay } from "./evolve.ts";
import { type A6Command, type A6Record, type A6State, EMPTY_A6 } from "./types.ts";

const rulesOf = (party: string, revocable: boolean) =>
  internationalSchema.parse({
    article6: {
      party,
      registryId: `${party}01`,
      ndc: { kind: "multi-year", period: { from: 2021, to: 2030 } },
      authorization: { revocation: revocable ? { allowed: true } : { allowed: false }, oimpFirstTransfer: ["authorization", "issuance", "use-or-cancellation", "first-international-transfer"] },
      adjustments: { firstTransferYear: "vintage", averagingRounding: "floor" },
      use: { vintageInNdcPeriod: false },
    },
  }).article6!;
const rules: RulesByParty = new Map([["GHA", rulesOf("GHA", true)], ["KEN", rulesOf("KEN", false)], ["CHE", rulesOf("CHE", false)], ["SWE", rulesOf("SWE", true)]]);
const PARTIES = ["GHA", "KEN", "CHE", "SWE"] as const;
const DEFS = ["authorization", "issuance", "use-or-cancellation", "first-international-transfer"] as const;

// Ranges mostly aligned on runs of ten, so that many commands name blocks in one state and pass;
// some are arbitrary, to meet mixed and unknown blocks too.
const aligned = fc.integer({ min: 0, max: 9 }).map((k) => ({ start: k * 10 + 1, end: k * 10 + 10 }));
const arbitrary = fc.tuple(fc.integer({ min: 1, max: 130 }), fc.integer({ min: 0, max: 25 })).map(([s, n]) => ({ start: s, end: s + n }));
const range = fc.oneof({ weight: 8, arbitrary: aligned }, { weight: 1, arbitrary });
const series = fc.constantFrom("GHA-s", "KEN-s");
const party = fc.constantFrom(...PARTIES);
const authId = fc.constantFrom("A1", "A2", "A3");

const prelude = fc.tuple(fc.constantFrom(...DEFS), fc.constantFrom(...DEFS)).map(([d2, d3]): A6Command[] => [
  ...["GHA-s", "KEN-s"].map((sr): A6Command => ({ type: "issue", id: `i-${sr}`, date: "2025-01-02", series: sr, start: 1, end: 100, host: sr.slice(0, 3), registry: `${sr.slice(0, 3)}01`, vintage: 2024, sector: "Energy", activityType: "Solar", mitigationType: "Emission reductions", metric: "GHG", gwp: "AR5", underlying: null })),
  { type: "authorize", id: "A1", date: "2025-01-01", party: "GHA", cooperativeApproach: "CA0001", purposes: "NDC", authorizedParties: [], quantity: 100, gwp: "AR5", sectors: ["Energy"], activityTypes: ["Solar"], terms: "t" },
  { type: "authorize", id: "A2", date: "2025-01-01", party: "GHA", cooperativeApproach: "CA0001", purposes: "OIMP", oimpPurposes: ["CORSIA"], firstTransferDefinition: d2, authorizedParties: [], quantity: 100, gwp: "AR5", sectors: ["Energy"], activityTypes: ["Solar"], terms: "t" },
  { type: "authorize", id: "A3", date: "2025-01-01", party: "KEN", cooperativeApproach: "CA0002", purposes: "NDC and OIMP", oimpPurposes: ["CORSIA"], firstTransferDefinition: d3, authorizedParties: [], quantity: 100, gwp: "AR5", sectors: ["Energy"], activityTypes: ["Solar"], terms: "t" },
]);

const command = fc.oneof(
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("issue" as const), series, range: arbitrary.map((r) => ({ start: r.start + 100, end: r.end + 100 })), auth: fc.option(authId, { nil: undefined }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("authorize" as const), id: fc.constantFrom("A4", "A5"), party: fc.constantFrom("GHA", "KEN"), purposes: fc.constantFrom("NDC" as const, "OIMP" as const, "NDC and OIMP" as const), def: fc.constantFrom(...DEFS), quantity: fc.integer({ min: 1, max: 60 }) }) },
  // mostly an authorization of the series' host (A1, A2 by GHA; A3 by KEN), sometimes any
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("cover" as const), auth: authId, series, range, fit: fc.boolean() }).map((c) => (c.fit ? { ...c, auth: c.series === "KEN-s" ? "A3" : c.auth === "A3" ? "A1" : c.auth } : c)) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("transfer" as const), from: party, to: fc.constantFrom("CHE", "CHE", "SWE", "GHA", "KEN"), series, range }).map((t) => (t.from === "GHA" || t.from === "KEN" ? { ...t, from: t.series.slice(0, 3) } : t)) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("use" as const), party: fc.constantFrom("CHE", "CHE", "CHE", "SWE", "GHA"), purpose: fc.constantFrom("NDC" as const, "OIMP" as const), series, range }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("cancel" as const), party, reason: fc.constantFrom("omge" as const, "voluntary" as const), series, range }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("revoke" as const), auth: authId, whole: fc.boolean(), series, range }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("firstTransfer" as const), party, series, range }) },
);
type Gen = typeof command extends fc.Arbitrary<infer T> ? T : never;

function toCommand(g: Gen, i: number): A6Command {
  const id = `c${i}`;
  const date = "2025-06-01";
  const blocks = "range" in g ? [{ series: g.series, start: g.range.start, end: g.range.end }] : [];
  switch (g.kind) {
    case "issue": {
      const host = g.series.slice(0, 3);
      return { type: "issue", id, date, series: g.series, start: g.range.start, end: g.range.end, host, registry: `${host}01`, vintage: 2024, sector: "Energy", activityType: "Solar", mitigationType: "Emission reductions", metric: "GHG", gwp: "AR5", underlying: null, ...(g.auth ? { authorization: g.auth } : {}) };
    }
    case "authorize":
      return { type: "authorize", id: g.id, date: "2025-01-01", party: g.party, cooperativeApproach: "CA0001", purposes: g.purposes, ...(g.purposes === "NDC" ? {} : { oimpPurposes: ["CORSIA"], firstTransferDefinition: g.def }), authorizedParties: [], quantity: g.quantity, gwp: "AR5", sectors: ["Energy"], activityTypes: ["Solar"], terms: "test" };
    case "cover":
      return { type: "cover", id, date, authorization: g.auth, blocks };
    case "transfer":
      return { type: "transfer", id, date, from: g.from, to: g.to, blocks };
    case "use":
      return g.purpose === "NDC" ? { type: "use", id, date, party: g.party, purpose: "NDC", forYear: 2025, blocks } : { type: "use", id, date, party: g.party, purpose: "OIMP", oimpPurpose: "CORSIA", blocks };
    case "cancel":
      return { type: "cancel", id, date, party: g.party, reason: g.reason, blocks };
    case "revoke":
      return g.whole ? { type: "revoke", id, date, authorization: g.auth } : { type: "revoke", id, date, authorization: g.auth, blocks };
    case "firstTransfer":
      return { type: "firstTransfer", id, date, party: g.party, blocks };
  }
}

const dump = (s: A6State) => JSON.stringify([[...s.blocks], [...s.authorizations], [...s.ids]], (_k, v) => (typeof v === "bigint" ? String(v) : v));

function checkInvariants(state: A6State, records: readonly A6Record[]): void {
  // every issued serial in exactly one piece, and the pieces are exactly the issuances
  const issued = records.filter((r) => r.kind === "issuance").reduce((t, r) => t + (r.kind === "issuance" ? r.end - r.start + 1n : 0n), 0n);
  const held = [...state.blocks.values()].flat().reduce((t, p) => t + p.end - p.start + 1n, 0n);
  expect(held).toBe(issued);
  // no serial first transferred twice; every first-transferred serial carries the flag
  const seen = new Set<string>();
  for (const r of records) {
    if (r.kind !== "first-transfer") continue;
    for (const b of r.blocks) for (let x = b.start; x <= b.end; x++) {
      const k = `${b.series}:${x}`;
      expect(seen.has(k)).toBe(false);
      seen.add(k);
    }
  }
  const flagged = [...state.blocks.entries()].flatMap(([s, m]) => m.filter((p) => p.value.firstTransferred).flatMap((p) => Array.from({ length: Number(p.end - p.start + 1n) }, (_, i) => `${s}:${p.start + BigInt(i)}`)));
  expect(new Set(flagged)).toEqual(seen);
  // uses (towards NDCs or for OIMP) only of first-transferred serials: no use escapes a corresponding adjustment
  const ft = new Set<string>();
  for (const r of records) {
    if (r.kind === "first-transfer") for (const b of r.blocks) for (let x = b.start; x <= b.end; x++) ft.add(`${b.series}:${x}`);
    if (r.kind === "use") for (const b of r.blocks) for (let x = b.start; x <= b.end; x++) expect(ft.has(`${b.series}:${x}`)).toBe(true);
  }
  // the corresponding adjustments add up to the first-transferred and NDC-used serials
  const ca = adjustmentEntries(records, rules);
  if (!ca.ok) throw new Error(ca.message);
  const plus = ca.value.filter((e) => e.quantity > 0n).reduce((t, e) => t + e.quantity, 0n);
  expect(plus).toBe(BigInt(seen.size));
  const usedNdc = records.filter((r) => r.kind === "use" && r.purpose === "NDC").flatMap((r) => (r.kind === "use" ? r.blocks : [])).reduce((t, b) => t + b.end - b.start + 1n, 0n);
  expect(ca.value.filter((e) => e.quantity < 0n).reduce((t, e) => t - e.quantity, 0n)).toBe(usedNdc);
  // the state is the replay of the records
  expect(dump(replay(records, EMPTY_A6))).toBe(dump(state));
}

/** Records made across all runs, by kind: the generator must reach every kind, or the invariants prove little. */
const made = new Map<string, number>();

describe("Article 6 book invariants", () => {
  test.prop([prelude, fc.array(command, { minLength: 20, maxLength: 80, size: "max" })], { numRuns: 150, seed: Number(process.env.FC_SEED ?? Date.now() % 1_000_000) })(
    "hold after any sequence of commands",
    (start, gens) => {
      let state = EMPTY_A6;
      const records: A6Record[] = [];
      for (const c of start) {
        const o = applyA6(state, c, rules);
        if (!o.ok) throw new Error(o.message);
        state = o.value.state;
        records.push(...o.value.records);
      }
      gens.forEach((g, i) => {
        const before = dump(state);
        const o = applyA6(state, toCommand(g, i), rules);
        if (!o.ok) {
          expect(o.code).toBeGreaterThanOrEqual(10_000);
          expect(dump(state)).toBe(before);
          return;
        }
        state = o.value.state;
        records.push(...o.value.records);
      });
      for (const r of records) made.set(r.kind, (made.get(r.kind) ?? 0) + 1);
      checkInvariants(state, records);
    },
  );

  it("the runs reached every kind of record (transfers, first transfers, uses, revocations...)", () => {
    for (const k of ["issuance", "authorization", "cover", "revocation", "first-transfer", "transfer", "use", "cancellation"]) expect(made.get(k) ?? 0).toBeGreaterThan(0);
  });
});
