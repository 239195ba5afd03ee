// Goal: the corresponding-adjustments ledger gives each Party's annual emissions balance, and the
// NDC views (trajectory, averaging with a named rounding, multi-year budget) follow the methods of
// Decision 2/CMA.3, annex, section III.B, with exact averages.
import { describe, expect, it } from "vitest";
import { internationalSchema } from "../../rulebook/international.ts";
import { type AdjustmentEntry, annualBalance, ndcReport } from "./adjustments.ts";

const block = { series: "S", start: 1n, end: 1n, issuance: "I", vintage: 2022 };
const entry = (party: string, year: number, quantity: bigint): AdjustmentEntry => ({ party, year, quantity, reason: quantity > 0n ? "first-transfer" : "use", record: "r", block });

function rulesWith(ndc: Record<string, unknown>, rounding = "halfEven") {
  return internationalSchema.parse({
    article6: {
      party: "THA",
      registryId: "THA01",
      ndc,
      authorization: { revocation: { allowed: false }, oimpFirstTransfer: ["authorization"] },
      adjustments: { firstTransferYear: "vintage", averagingRounding: rounding },
      use: { vintageInNdcPeriod: true },
    },
  }).article6!;
}

// Illustrative figures: 1,916 first transferred for 2022 (the first ITMOs' size), the rest made up.
const entries = [entry("THA", 2022, 1_916n), entry("THA", 2023, 500n), entry("THA", 2023, -100n), entry("CHE", 2022, -1_916n)];
const emissions = new Map([[2021, 10_000n], [2022, 10_200n], [2023, 9_900n], [2030, 8_000n]]);

describe("annual emissions balance", () => {
  it("is emissions + first transferred - used, per year, for one Party", () => {
    expect(annualBalance(entries, "THA", 2021, 2023, emissions)).toEqual([
      { year: 2021, emissions: 10_000n, firstTransferred: 0n, used: 0n, adjustment: 0n, balance: 10_000n },
      { year: 2022, emissions: 10_200n, firstTransferred: 1_916n, used: 0n, adjustment: 1_916n, balance: 12_116n },
      { year: 2023, emissions: 9_900n, firstTransferred: 500n, used: 100n, adjustment: 400n, balance: 10_300n },
    ]);
    expect(annualBalance(entries, "CHE", 2022, 2022, new Map())[0]).toMatchObject({ used: 1_916n, adjustment: -1_916n, balance: null });
  });
});

describe("NDC views", () => {
  it("averaging: cumulative amounts / elapsed years, exact and rounded as the Party says, applied to the target year", () => {
    const r = ndcReport(entries, rulesWith({ kind: "single-year", period: { from: 2021, to: 2030 }, targetYear: 2030, method: "averaging" }), emissions, 2023);
    if (!r.ok || r.value.kind !== "single-year" || r.value.method !== "averaging") throw new Error("expected an averaging report");
    expect(r.value.elapsedYears).toBe(3);
    // (1,916 + 500) / 3 = 805.33 -> 805; 100 / 3 = 33.33 -> 33
    expect(r.value.averageFirstTransferred).toEqual({ numerator: 2_416n, denominator: 3n, rounded: 805n });
    expect(r.value.averageUsed).toEqual({ numerator: 100n, denominator: 3n, rounded: 33n });
    expect(r.value.adjustedTargetBalance).toBe(8_000n + 805n - 33n);
    // 1,916 / 2 = 958 exactly; with 1,917 the half goes to the even 958 (halfEven) or up to 959 (halfUp)
    const odd = [entry("THA", 2022, 1_917n)];
    const even = ndcReport(odd, rulesWith({ kind: "single-year", period: { from: 2021, to: 2030 }, targetYear: 2030, method: "averaging" }), new Map(), 2022);
    const up = ndcReport(odd, rulesWith({ kind: "single-year", period: { from: 2021, to: 2030 }, targetYear: 2030, method: "averaging" }, "halfUp"), new Map(), 2022);
    expect([even.ok && even.value.kind === "single-year" && even.value.method === "averaging" && even.value.averageFirstTransferred.rounded, up.ok && up.value.kind === "single-year" && up.value.method === "averaging" && up.value.averageFirstTransferred.rounded]).toEqual([958n, 959n]);
  });

  it("trajectory: each year's balance against the indicative trajectory", () => {
    const rules = rulesWith({ kind: "single-year", period: { from: 2021, to: 2030 }, targetYear: 2030, method: "trajectory", trajectory: [{ year: 2022, amount: 11_000 }, { year: 2023, amount: 10_500 }] });
    const r = ndcReport(entries, rules, emissions, 2023);
    if (!r.ok || r.value.kind !== "single-year" || r.value.method !== "trajectory") throw new Error("expected a trajectory report");
    expect(r.value.rows.map((x) => [x.year, x.trajectory, x.aboveTrajectory])).toEqual([
      [2021, null, null],
      [2022, 11_000n, 1_116n],
      [2023, 10_500n, -200n],
    ]);
  });

  it("multi-year: annual adjustments summed over the period against the budget", () => {
    const rules = rulesWith({ kind: "multi-year", period: { from: 2021, to: 2030 }, budget: 32_000 });
    const r = ndcReport(entries, rules, emissions, 2023);
    expect(r).toEqual({ ok: true, value: expect.objectContaining({ kind: "multi-year", cumulativeAdjustment: 2_316n, cumulativeBalance: 32_416n, budget: 32_000n, withinBudget: false }) });
  });

  it("refuses a year outside the NDC period (10604)", () => {
    const r = ndcReport(entries, rulesWith({ kind: "multi-year", period: { from: 2021, to: 2030 } }), emissions, 2031);
    expect(r.ok ? 0 : r.code).toBe(10604);
  });
});
