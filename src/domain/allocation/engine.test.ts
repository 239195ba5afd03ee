// Goal: the engine turns rules and installation data into whole allowances per installation with
// auction shares, correction to the budget and the reserve applied in that order, explains each
// result, and never lets more output lower a benchmark allocation.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { sum } from "../quantity/index.ts";
import { allocate, reductionFor } from "./engine.ts";
import type { ActivityData, AllocationResult, InstallationData } from "./engine.ts";
import { frac, ratio, show } from "./ratio.ts";
import type { AllocationRules, BenchmarkRule, GrandfatheringRule } from "./rules.ts";
import { EU_PHASE3_AUCTION } from "./shares.ts";

const gf: GrandfatheringRule = {
  method: "grandfathering",
  basePeriod: { choice: "auto", years: 3, window: { from: 2002, to: 2007 }, excludeAbnormalYear: false },
  reduction: { kind: "fixed", rate: ratio("0.06") },
  classes: { "I-1": { kind: "fixed", rate: ratio("0.08") } },
  topLevelFactors: { top: frac(1, 2), "near-top": frac(3, 4) },
};
const bm: BenchmarkRule = {
  method: "benchmark",
  products: { clinker: { value: ratio("0.766"), unit: "t/t" } },
  fallbacks: { process: { reduction: { kind: "fixed", rate: ratio("0.03") }, basePeriod: { choice: "fixed", years: 2, window: { from: 2005, to: 2006 }, excludeAbnormalYear: false } } },
  activity: { basis: "historical", window: { from: 2005, to: 2008 }, statistic: "median" },
  newEntrantUtilisation: ratio("0.8"),
  adjustmentFactors: { cooling: { air: ratio("1.05"), water: ratio(1) } },
};
const baseRules: AllocationRules = {
  scheme: "test",
  year: 2013,
  sectors: { offices: gf, cement: bm, power: { method: "auction" }, glass: bm },
  auction: { schedule: EU_PHASE3_AUCTION, fullyAuctioned: ["power"], exposed: ["cement"] },
  correction: { kind: "none" },
};

const inst = (installation: string, sector: string, extra: Partial<InstallationData> = {}): InstallationData => ({ installation, sector, startYear: 1990, ...extra });
const act = (installation: string, year: number, emissions: number, output?: number): ActivityData =>
  output === undefined ? { installation, year, emissions } : { installation, year, emissions, output };

const offices = [inst("O1", "offices"), inst("O2", "offices"), inst("O3", "offices")];
const officeActivity = ["O1", "O2", "O3"].flatMap((id) => [2002, 2003, 2004, 2005, 2006, 2007].map((y, i) => act(id, y, y === 2003 ? 13_000 : 10_000 + i)));

const byId = (rs: readonly AllocationResult[]) => new Map(rs.map((r) => [r.installation, r]));

describe("allocate", () => {
  it("grandfathers with the class rate and the top-level factor on the rate (Tokyo)", () => {
    const attrs = new Map([["O1", { class: "I-1" }], ["O2", { class: "I-1", topLevel: "top" }]]);
    const run = allocate({ ...baseRules, auction: { schedule: [] } }, offices, officeActivity, { attributes: attrs });
    const r = byId(run.results);
    // steadiest run 2005-2007: 10,003 10,004 10,005 (variation 2/10,004, below 2004-06's 2/10,003) -> mean 10,004
    expect(r.get("O1")?.free).toBe(9203n); // 10,004 x 0.92 = 9,203.68
    expect(r.get("O2")?.free).toBe(9603n); // 10,004 x 0.96 = 9,603.84
    expect(r.get("O3")?.free).toBe(9403n); // default rate 6%: 9,403.76
    const e = r.get("O2")?.explanation;
    expect(e?.lines[0]).toMatch(/baseline: years 2005-2007/);
    expect(e?.lines.join("\n")).toMatch(/top-level status: rate 0.08 x 0.5 = 0.04/);
    expect(e?.roundings.at(-1)).toEqual({
      step: "free allocation", exact: "9603.84", rounded: 9603n, rule: "floor",
      stepText: { key: "alloc.step.freeAllocation", params: {} }, ruleText: { key: "alloc.rule.floor", params: {} },
    });
  });

  it("applies the auction share by sector and year: exposed free, power auctioned, others on the schedule", () => {
    const installations = [inst("K1", "cement"), inst("G1", "glass", { product: "clinker" }), inst("P1", "power")];
    const activity = [2005, 2006, 2007, 2008].flatMap((y) => [act("K1", y, 800, 1000), act("G1", y, 800, 1000), act("P1", y, 5000, 9000)]);
    installations[0] = inst("K1", "cement", { product: "clinker" });
    const run = allocate(baseRules, installations, activity);
    const r = byId(run.results);
    expect(r.get("K1")).toMatchObject({ entitlement: 766n, free: 766n, auctioned: 0n, auctionShare: "0" });
    expect(r.get("G1")).toMatchObject({ entitlement: 766n, free: 612n, auctioned: 154n, auctionShare: "0.2" }); // 766 x 0.8 = 612.8
    expect(r.get("P1")).toMatchObject({ method: "auction", free: 0n });
    expect(run.totals.free).toBe(766n + 612n);
  });

  it("uses the process fall-back without a product benchmark, and adjustment factors chosen per installation", () => {
    const installations = [inst("K2", "cement", { product: "lime" }), inst("K3", "cement", { product: "clinker" })];
    const activity = [2005, 2006, 2007, 2008].flatMap((y) => [act("K2", y, 1000), act("K3", y, 700, 1000)]);
    const run = allocate(baseRules, installations, activity, { attributes: new Map([["K3", { options: { cooling: "air" } }]]) });
    const r = byId(run.results);
    expect(r.get("K2")?.free).toBe(970n);
    expect(r.get("K2")?.explanation.lines.join("\n")).toMatch(/\[process\]/);
    expect(r.get("K3")?.free).toBe(804n); // 766 x 1.05 = 804.3
  });

  it("corrects incumbents to the budget exactly and serves new entrants from the reserve", () => {
    const installations = [inst("K1", "cement", { product: "clinker" }), inst("K2", "cement", { product: "clinker" }), inst("N1", "cement", { product: "clinker", capacity: 1000, startYear: 2013 }), inst("N2", "cement", { product: "clinker", capacity: 1000, startYear: 2013 })];
    const activity = [2005, 2006, 2007, 2008].flatMap((y) => [act("K1", y, 800, 1000), act("K2", y, 800, 3000)]);
    const attrs = new Map([["N1", { applied: "2013-01-05", start: "2013-07-02" }], ["N2", { applied: "2013-01-10", start: "2013-01-01" }]]);
    const run = allocate({ ...baseRules, correction: { kind: "uniform", mode: "cap", budget: 2000n, excludeSectors: [] }, reserve: 700n }, installations, activity, { attributes: attrs });
    const r = byId(run.results);
    expect((r.get("K1")?.free ?? 0n) + (r.get("K2")?.free ?? 0n)).toBe(2000n); // 766 + 2298 corrected into 2000
    expect(r.get("K1")?.free).toBe(500n);
    expect(run.correction).toMatchObject({ applied: true, before: 3064n, after: 2000n });
    // N1: 1000 x 0.8 x 0.766 = 612 a year; from 2 July: 612 x 183/365 = 306; N2 then gets 394 of 612
    expect(r.get("N1")).toMatchObject({ newEntrant: true, free: 306n });
    expect(r.get("N2")).toMatchObject({ newEntrant: true, free: 394n, unmet: 218n });
    expect(run.reserve).toEqual({ size: 700n, granted: 700n, remaining: 0n, unmet: 218n });
  });

  it("builds no texts with explain: false, and rebuilds any installation's explanation exactly", () => {
    const installations = [inst("K1", "cement", { product: "clinker" }), inst("G1", "glass", { product: "clinker" }), inst("N1", "cement", { product: "clinker", capacity: 1000, startYear: 2013 }), inst("P1", "power")];
    const activity = [2005, 2006, 2007, 2008].flatMap((y) => [act("K1", y, 800, 1000), act("G1", y, 800, 3000)]);
    const rules: AllocationRules = { ...baseRules, correction: { kind: "uniform", mode: "cap", budget: 2000n, excludeSectors: [] }, reserve: 100n };
    const eager = allocate(rules, installations, activity);
    const quiet = allocate(rules, installations, activity, { explain: false });
    expect(quiet.results.map((r) => r.free)).toEqual(eager.results.map((r) => r.free));
    expect(quiet.results.every((r) => r.explanation.lines.length === 0 && r.explanation.roundings.length === 0)).toBe(true);
    for (const r of eager.results) expect(quiet.explain(r.installation)).toEqual(r.explanation);
    expect(eager.results.find((r) => r.installation === "G1")?.explanation.lines.join("\n")).toMatch(/correction: uniform factor/);
    expect(quiet.explain("nobody")).toBeUndefined();
  });

  it("skips installations it cannot allocate and says why", () => {
    const run = allocate(baseRules, [inst("X", "textiles"), inst("K9", "cement", { product: "clinker" }), inst("F", "offices", { startYear: 2020 })], []);
    expect(run.skipped.map((s) => s.reason)).toEqual([
      'sector "textiles" has no allocation rule (not covered)',
      "no output of clinker for the activity level and no capacity-based entry",
      "starts in 2020, after 2013",
    ]);
  });

  it("output-based and intensity-target sectors", () => {
    const rules: AllocationRules = { ...baseRules, sectors: { ob: { method: "output-based", intensity: ratio("0.5"), lagYears: [1, 2] }, it: { method: "intensity-target", targets: { "*": ratio("0.5") } } } };
    const run = allocate(rules, [inst("A", "ob"), inst("B", "it")], [act("A", 2012, 0, 1000), act("A", 2011, 0, 1100), act("B", 2013, 400, 1001)]);
    const r = byId(run.results);
    expect(r.get("A")).toMatchObject({ method: "output-based", entitlement: 525n });
    expect(r.get("B")).toMatchObject({ method: "intensity-target", free: 0n, trueUp: 100n });
  });

  it("annual reductions: linear and compound (GX-ETS -1.7% a year)", () => {
    expect(show(reductionFor({ kind: "annual", annualRate: ratio("0.017"), fromYear: 2026, compound: false }, 2028).rate)).toBe("0.034");
    expect(show(reductionFor({ kind: "annual", annualRate: ratio("0.017"), fromYear: 2026, compound: true }, 2028).rate)).toBe("0.033711");
  });

  test.prop([fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 2, maxLength: 12 }), fc.nat({ max: 11 }), fc.integer({ min: 1, max: 500_000 }), fc.bigInt({ min: 1n, max: 5_000_000n })])(
    "more output never lowers a benchmark allocation, and the corrected total never exceeds the budget",
    (outputs, pick, more, budget) => {
      const k = pick % outputs.length;
      const run1 = (outs: number[]) => {
        const installations = outs.map((_, i) => inst(`I${i}`, "glass", { product: "clinker" }));
        const activity = outs.flatMap((o, i) => [2005, 2006].map((y) => act(`I${i}`, y, 1, o)));
        return allocate({ ...baseRules, correction: { kind: "uniform", mode: "cap", budget, excludeSectors: [] } }, installations, activity).results;
      };
      const before = run1(outputs);
      const after = run1(outputs.map((o, i) => (i === k ? o + more : o)));
      expect((after[k] as AllocationResult).free >= (before[k] as AllocationResult).free).toBe(true);
      expect((after[k] as AllocationResult).entitlement >= (before[k] as AllocationResult).entitlement).toBe(true);
      expect(sum(after.map((r) => r.free)) <= budget).toBe(true);
    },
  );
});
