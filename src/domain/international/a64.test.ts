// Goal: A6.4ERs are issued into the pending account with the 5% share of proceeds and 2% OMGE
// cancellation taken exactly (1,000 -> 50 / 20 / 930), removals add a buffer contribution by
// risk rating, reversals cancel buffer units within the monitoring period, and only forwarded
// units become ITMOs when the host authorizes them.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { loadInternationalRules } from "../../io/international.ts";
import { type A64Rules, internationalSchema } from "../rulebook/international.ts";
import { applyA64, type A64Command, type A64Outcome, type A64State, EMPTY_A64, toArticle6 } from "./a64.ts";
import { adjustmentEntries } from "./article6/adjustments.ts";
import { applyA6, type RulesByParty } from "./article6/book.ts";
import { type A6Command, type A6State, EMPTY_A6 } from "./article6/types.ts";

const unfccc: A64Rules = loadInternationalRules("unfccc").a64!;
// Buffer contributions and the monitoring period are not published figures (see
// presets/international/unfccc.yaml): these are illustrative test values.
const withRemovals: A64Rules = { ...unfccc, removals: { bufferByRiskRating: { low: { rate: 0.1, rounding: "ceil" as const }, high: { rate: 0.3, rounding: "ceil" as const } }, monitoringYearsAfterCrediting: 10 } };

function run(cmds: readonly A64Command[], rules: A64Rules = withRemovals, from: A64State = EMPTY_A64): { state: A64State; last: A64Outcome } {
  let state = from;
  let last: A64Outcome = { state };
  for (const c of cmds) {
    const o = applyA64(state, c, rules);
    if (!o.ok) throw new Error(`${c.type}: ${o.code} ${o.message}`);
    last = o.value;
    state = o.value.state;
  }
  return { state, last };
}

const cookstoves: A64Command = { type: "registerActivity", id: "GH-1001", host: "GHA", kind: "reduction", creditingEnd: "2030-12-31" };
const forest: A64Command = { type: "registerActivity", id: "KE-2002", host: "KEN", kind: "removal", riskRating: "high", creditingEnd: "2040-12-31" };

describe("Article 6.4 issuance", () => {
  it("1,000 A6.4ERs: 50 to the Adaptation Fund, 20 cancelled for OMGE, 930 forwarded (Decision 3/CMA.3; UNDP PR #360: 930 / 20 / 50)", () => {
    const { state, last } = run([cookstoves, { type: "issue", id: "ISS1", activity: "GH-1001", date: "2026-06-01", vintage: 2025, quantity: 1_000n, serialStart: 1n }], unfccc);
    expect(last.issuance).toMatchObject({ gross: 1_000n, adaptation: { start: 1n, end: 50n }, omge: { start: 51n, end: 70n }, buffer: null, pending: { start: 71n, end: 1_000n } });
    const f = run([{ type: "forward", issuance: "ISS1", date: "2026-06-02", instructions: [{ recipient: "buyer-1", quantity: 900n }, { recipient: "developer", quantity: 30n }] }], unfccc, state);
    expect(f.state.issuances.get("ISS1")?.forwarded).toEqual([
      { recipient: "buyer-1", start: 71n, end: 970n },
      { recipient: "developer", start: 971n, end: 1_000n },
    ]);
  });

  it("a removal activity also contributes to the buffer pool by its risk rating", () => {
    const { state, last } = run([forest, { type: "issue", id: "ISS2", activity: "KE-2002", date: "2026-06-01", vintage: 2025, quantity: 1_000n, serialStart: 5_001n }]);
    expect(last.issuance).toMatchObject({ adaptation: { start: 5_001n, end: 5_050n }, omge: { start: 5_051n, end: 5_070n }, buffer: { start: 5_071n, end: 5_370n }, pending: { start: 5_371n, end: 6_000n } });
    expect(state.pool).toEqual([{ issuance: "ISS2", start: 5_071n, end: 5_370n }]);
  });

  it("reversals cancel buffer units; an avoidable one also owes remediation; what the pool cannot cover is a shortfall", () => {
    const { state } = run([forest, { type: "issue", id: "ISS2", activity: "KE-2002", date: "2026-06-01", vintage: 2025, quantity: 1_000n, serialStart: 1n }]);
    const fire = run([{ type: "reportReversal", id: "R1", activity: "KE-2002", date: "2031-08-01", quantity: 120n, avoidable: false }], withRemovals, state);
    expect(fire.last.reversal).toMatchObject({ cancelled: [{ issuance: "ISS2", start: 71n, end: 190n }], remediationOwed: 0n, shortfall: 0n });
    const logging = run([{ type: "reportReversal", id: "R2", activity: "KE-2002", date: "2032-01-01", quantity: 250n, avoidable: true }], withRemovals, fire.state);
    expect(logging.last.reversal).toMatchObject({ cancelled: [{ start: 191n, end: 370n }], remediationOwed: 250n, shortfall: 70n });
    expect(logging.state.pool).toEqual([]);
  });

  it.each<[string, number, A64Command[], A64Command]>([
    ["issuance for an unregistered activity", 10801, [], { type: "issue", id: "X", activity: "nope", date: "2026-06-01", vintage: 2025, quantity: 1n, serialStart: 1n }],
    ["forwarding twice", 10802, [cookstoves, { type: "issue", id: "I", activity: "GH-1001", date: "2026-06-01", vintage: 2025, quantity: 100n, serialStart: 1n }, { type: "forward", issuance: "I", date: "2026-06-02", instructions: [{ recipient: "b", quantity: 93n }] }], { type: "forward", issuance: "I", date: "2026-06-03", instructions: [{ recipient: "b", quantity: 93n }] }],
    ["forwarding more than the pending units", 10803, [cookstoves, { type: "issue", id: "I", activity: "GH-1001", date: "2026-06-01", vintage: 2025, quantity: 100n, serialStart: 1n }], { type: "forward", issuance: "I", date: "2026-06-02", instructions: [{ recipient: "b", quantity: 94n }] }],
    ["a reversal of a reduction activity", 10804, [cookstoves], { type: "reportReversal", id: "R", activity: "GH-1001", date: "2027-01-01", quantity: 1n, avoidable: false }],
    ["a reversal after the monitoring period", 10805, [forest], { type: "reportReversal", id: "R", activity: "KE-2002", date: "2051-01-01", quantity: 1n, avoidable: false }],
    ["a removal activity with an unknown risk rating", 10007, [], { ...forest, riskRating: "extreme" } as A64Command],
    ["overlapping serials", 10001, [cookstoves, { type: "issue", id: "I", activity: "GH-1001", date: "2026-06-01", vintage: 2025, quantity: 100n, serialStart: 1n }], { type: "issue", id: "J", activity: "GH-1001", date: "2026-07-01", vintage: 2025, quantity: 10n, serialStart: 100n }],
  ])("refuses %s with %i", (_what, code, before, cmd) => {
    const { state } = run(before);
    const o = applyA64(state, cmd, withRemovals);
    expect(o.ok ? 0 : o.code).toBe(code);
  });

  it("a removal activity cannot register without removal rules", () => {
    const o = applyA64(EMPTY_A64, forest, unfccc);
    expect(o.ok ? 0 : [o.code, o.facts.rule]).toEqual([10007, "a64.removals"]);
  });

  test.prop([fc.bigInt({ min: 1n, max: 10n ** 12n }), fc.constantFrom("low", "high"), fc.bigInt({ min: 1n, max: 10n ** 12n })])("the parts of an issuance partition its serials", (q, rating, start) => {
    const { last } = run([{ ...forest, riskRating: rating } as A64Command, { type: "issue", id: "I", activity: "KE-2002", date: "2026-06-01", vintage: 2025, quantity: q, serialStart: start }]);
    const i = last.issuance!;
    const runs = [i.adaptation, i.omge, i.buffer, i.pending].filter((r) => r !== null);
    expect(runs.reduce((t, r) => t + r.end - r.start + 1n, 0n)).toBe(q);
    expect(runs[0]?.start).toBe(start);
    runs.slice(1).forEach((r, k) => expect(r.start).toBe((runs[k] as { end: bigint }).end + 1n));
  });
});

describe("authorization turns forwarded A6.4ERs into ITMOs", () => {
  const ghana = internationalSchema.parse({
    article6: {
      party: "GHA",
      registryId: "GHA01",
      ndc: { kind: "single-year", period: { from: 2021, to: 2030 }, targetYear: 2030, method: "averaging" },
      authorization: { revocation: { allowed: false }, oimpFirstTransfer: ["first-international-transfer"] },
      adjustments: { firstTransferYear: "vintage", averagingRounding: "halfEven" },
      use: { vintageInNdcPeriod: true },
    },
  }).article6!;
  const rules: RulesByParty = new Map([["GHA", ghana]]);
  const { state } = run(
    [cookstoves, { type: "issue", id: "ISS1", activity: "GH-1001", date: "2026-06-01", vintage: 2025, quantity: 1_000n, serialStart: 1n }, { type: "forward", issuance: "ISS1", date: "2026-06-02", instructions: [{ recipient: "buyer", quantity: 930n }] }],
    unfccc,
  );
  const auth = (party: string, start: bigint, end: bigint) =>
    toArticle6(state, { issuance: "ISS1", start, end, party, id: "ITMO-1", authorization: "LOA-1", date: "2026-07-01", series: "A6.4-GH-1001", registry: "GHA01", sector: "Energy", activityType: "Cookstoves", gwp: "AR5" });

  it("the host's authorization of the 930 forwarded units: ITMOs with the A6.4ERs underlying, and a corresponding adjustment of 930 at the first transfer, after the share of proceeds", () => {
    const cmds = auth("GHA", 71n, 1_000n);
    if (!cmds.ok) throw new Error(cmds.message);
    expect(cmds.value[0]).toMatchObject({ type: "issue", start: 71n, end: 1_000n, vintage: 2025, underlying: { registry: "A6.4 mechanism registry", idPrefix: "GHA-GH-1001-2025-" } });
    const loa: A6Command = { type: "authorize", id: "LOA-1", date: "2026-06-20", party: "GHA", cooperativeApproach: "CA0042", purposes: "NDC", authorizedParties: [], quantity: 930n, gwp: "AR5", sectors: ["Energy"], activityTypes: ["Cookstoves"], terms: "t" };
    let a6: A6State = EMPTY_A6;
    const records = [];
    for (const c of [loa, ...cmds.value, { type: "transfer", id: "T1", date: "2026-08-01", from: "GHA", to: "CHE", blocks: [{ series: "A6.4-GH-1001", start: 71n, end: 1_000n }] } as A6Command]) {
      const o = applyA6(a6, c, rules);
      if (!o.ok) throw new Error(o.message);
      a6 = o.value.state;
      records.push(...o.value.records);
    }
    const ca = adjustmentEntries(records, rules);
    expect(ca.ok && ca.value.map((e) => [e.party, e.year, e.quantity])).toEqual([["GHA", 2025, 930n]]);
  });

  it("refuses the share of proceeds and OMGE units (10806) and another Party (10807)", () => {
    const sop = auth("GHA", 1n, 50n);
    expect(sop.ok ? 0 : [sop.code, sop.facts.part]).toEqual([10806, "adaptation"]);
    const omge = auth("GHA", 60n, 80n);
    expect(omge.ok ? 0 : [omge.code, omge.facts.part]).toEqual([10806, "omge"]);
    const other = auth("KEN", 71n, 100n);
    expect(other.ok ? 0 : other.code).toBe(10807);
  });
});
