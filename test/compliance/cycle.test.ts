// Goal: pre-allocation and true-up (China power), ex-post issuance (Tokyo), intensity true-ups and
// changes within a period (closure, change of owner, mid-period entry) follow the rulebook, with
// exact splits. Vectors cite their sources; property: parts always sum to the total.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { compliancePeriod, exPostIssuance, intensityTrueUpFor, obligationFor, preAllocation, splitObligation, trueUp } from "../../src/domain/compliance/index.ts";
import type { Obligation, PeriodSpan } from "../../src/domain/compliance/index.ts";
import type { Rulebook } from "../../src/domain/rulebook/index.ts";
import { loadRulebook } from "../../src/io/rulebook.ts";

const china = loadRulebook("china-national-power");

describe("pre-allocation and true-up (China power, 2019-20 plan)", () => {
  it("70% of base-year output x benchmark ex ante, the rest against verified output (ICAP node/731: pre-allocation at 70% of 2018 output)", () => {
    // 1,000,000 MWh x 0.877 t/MWh x 0.7 = 613,900
    const pre = preAllocation(china, { sector: "power", product: "coal-above-300mw", baseOutput: 1_000_000 });
    expect(pre).toMatchObject({ preAllocation: 613_900n });
    // verified 1,100,000 MWh: 964,700 final, true-up 350,800
    expect(trueUp(china, { sector: "power", product: "coal-above-300mw", verifiedOutput: 1_100_000, preAllocation: 613_900n })).toMatchObject({ final: 964_700n, trueUp: 350_800n });
    // verified output below 70% of the base year: the true-up is negative and taken back
    expect(trueUp(china, { sector: "power", product: "coal-above-300mw", verifiedOutput: 600_000, preAllocation: 613_900n })).toMatchObject({ final: 526_200n, trueUp: -87_700n });
  });

  it("adjustment factors multiply, and a rulebook may keep the pre-allocation instead of a negative true-up", () => {
    // air cooling x 1.05 ([R] preset): 1,000 x 0.877 x 1.05 x 0.7 = 644.595 -> 644 (floor)
    expect(preAllocation(china, { sector: "power", product: "coal-above-300mw", baseOutput: 1000, options: { cooling: "air" } })).toMatchObject({ preAllocation: 644n });
    const keep: Rulebook = { ...china, compliance: { ...china.compliance!, trueUp: { negative: false, rounding: "floor" } } };
    expect(trueUp(keep, { sector: "power", product: "gas", verifiedOutput: 0, preAllocation: 100n })).toMatchObject({ trueUp: 0n });
    // a deduction carried over can make the pre-allocation negative where negative true-ups are allowed
    expect(preAllocation(china, { sector: "power", product: "gas", baseOutput: 100, deduction: 50n })).toMatchObject({ preAllocation: -23n }); // 100 x 0.392 x 0.7 = 27.44 -> 27; 27 - 50
    expect(preAllocation(keep, { sector: "power", product: "gas", baseOutput: 100, deduction: 50n })).toMatchObject({ preAllocation: 0n });
  });

  it("refuses a missing base output (9305), a negative output (9002), an unknown product or option (9000)", () => {
    expect(preAllocation(china, { sector: "power", product: "gas" })).toMatchObject({ ok: false, code: 9305 });
    expect(trueUp(china, { sector: "power", product: "gas", verifiedOutput: -1, preAllocation: 0n })).toMatchObject({ ok: false, code: 9002 });
    expect(preAllocation(china, { sector: "power", product: "oil", baseOutput: 1 })).toMatchObject({ ok: false, code: 9000 });
    expect(preAllocation(china, { sector: "power", product: "gas", baseOutput: 1, options: { cooling: "magic" } })).toMatchObject({ ok: false, code: 9000 });
  });
});

describe("ex-post issuance and intensity targets", () => {
  const tokyo = loadRulebook("tokyo");
  const obligation = (rb: Rulebook, tonnes: bigint, cap: bigint): Obligation => {
    const period = compliancePeriod(rb, "P1") as PeriodSpan;
    const emissions = [2010, 2011, 2012, 2013, 2014].map((year, i) => ({ year, state: { state: "verified" as const, tonnes: i === 0 ? tonnes - (tonnes / 5n) * 4n : tonnes / 5n, version: 1, opinion: "positive" as const } }));
    return obligationFor(rb, { installation: { installation: "T1" }, period, emissions, facilityCap: cap }) as Obligation;
  };

  it("Tokyo: emissions below the facility cap are issued as credits after verification (DOMAIN.md section 2)", () => {
    // base 10,000 t/yr, factor 8% (P1, class I-1): cap 10,000 x 0.92 x 5 = 46,000; emitted 40,000 -> 6,000 issued
    expect(exPostIssuance(tokyo, obligation(tokyo, 40_000n, 46_000n))).toMatchObject({ issued: 6000n, unitType: "excess-reduction" });
    expect(exPostIssuance(tokyo, obligation(tokyo, 50_000n, 46_000n))).toMatchObject({ issued: 0n });
    const capped: Rulebook = { ...tokyo, compliance: { ...tokyo.compliance!, exPostIssuance: { unitType: "excess-reduction", maxShareOfBaseline: 0.1 } } };
    expect(exPostIssuance(capped, obligation(capped, 40_000n, 46_000n), 10_000n)).toMatchObject({ issued: 5000n });
    expect(exPostIssuance(loadRulebook("eu-ets-phase2"), obligation(tokyo, 1n, 2n))).toMatchObject({ ok: false, code: 9306 });
  });

  it("intensity target trued up against verified output (UK ETS 2002 agreement participants, placeholder target 0.5)", () => {
    const uk = loadRulebook("uk-ets-2002");
    expect(intensityTrueUpFor(uk, "agreement-participants", 2004, { output: 1001, emissions: 400 })).toMatchObject({ balance: 100n });
    expect(intensityTrueUpFor(uk, "agreement-participants", 2004, { output: 1001, emissions: 600 })).toMatchObject({ balance: -100n });
    expect(intensityTrueUpFor(uk, "direct-participants", 2004, { output: 1, emissions: 1 })).toMatchObject({ ok: false, code: 9000 });
  });
});

describe("changes within a period", () => {
  const year: PeriodSpan = { id: "2022", from: 2022, to: 2022 };
  const tokyoP1: PeriodSpan = { id: "P1", from: 2010, to: 2014 };

  it("closure: the operator owes up to the day before; the rest of the allocation returns", () => {
    const r = splitObligation({ installation: "I1", period: year, holder: "A", changes: [{ kind: "closure", date: "2022-07-01" }], partEmissions: [5000n], allocation: 3650n });
    // operated 181 of 365 days: kept 3650 x 181 / 365 = 1810, returned 1840
    expect(r).toMatchObject({ parts: [{ holder: "A", from: "2022-01-01", to: "2022-06-30", days: 181, emissions: 5000n }], returned: 1840n });
  });

  it("change of owner: split at the date; by days with largest remainder when only the total is known", () => {
    const r = splitObligation({ installation: "I1", period: year, holder: "A", changes: [{ kind: "owner-change", date: "2022-04-01", to: "B" }], emissions: 1000n });
    // 90 / 275 days: 1000 x 90/365 = 246.58 -> 246 + 1 (largest remainder 0.58 vs 0.42) = 247; B 753
    expect(r).toMatchObject({ parts: [{ holder: "A", to: "2022-03-31", days: 90, emissions: 247n }, { holder: "B", from: "2022-04-01", days: 275, emissions: 753n }] });
  });

  it("mid-period entry in a five-year period (Tokyo): obligation and facility cap from the entry date", () => {
    const r = splitObligation({ installation: "I1", period: tokyoP1, holder: "A", changes: [{ kind: "entry", date: "2012-01-01" }], emissions: 30_000n, facilityCap: 46_000n });
    // 1,096 of 1,826 days: cap 46,000 x 1096 / 1826 = 27,610.07 -> 27,610
    expect(r).toMatchObject({ parts: [{ from: "2012-01-01", to: "2014-12-31", days: 1096, emissions: 30_000n, facilityCap: 27_610n }] });
  });

  it("refuses a date outside the period (9303), changes out of order or after a closure (9304)", () => {
    expect(splitObligation({ installation: "I1", period: year, holder: "A", changes: [{ kind: "closure", date: "2023-01-02" }], emissions: 1n })).toMatchObject({ ok: false, code: 9303 });
    expect(splitObligation({ installation: "I1", period: year, holder: "A", changes: [{ kind: "owner-change", date: "2022-06-01", to: "B" }, { kind: "owner-change", date: "2022-03-01", to: "C" }], emissions: 1n })).toMatchObject({ ok: false, code: 9304 });
    expect(splitObligation({ installation: "I1", period: year, holder: "A", changes: [{ kind: "closure", date: "2022-06-01" }, { kind: "owner-change", date: "2022-07-01", to: "C" }], emissions: 1n })).toMatchObject({ ok: false, code: 9304 });
  });

  const dates = fc.integer({ min: 2, max: 364 }).map((d) => new Date(Date.UTC(2022, 0, d)).toISOString().slice(0, 10));
  test.prop([fc.uniqueArray(dates, { minLength: 0, maxLength: 4 }), fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.boolean()])("parts cover the days once and their emissions sum exactly to the total", (ds, total, close) => {
    const sorted = [...ds].sort();
    const changes = sorted.map((date, i) => (close && i === sorted.length - 1 ? { kind: "closure" as const, date } : { kind: "owner-change" as const, date, to: `H${i}` }));
    const r = splitObligation({ installation: "I1", period: year, holder: "H", changes, emissions: total });
    if ("ok" in r) throw new Error(r.message);
    expect(r.parts.reduce((s, p) => s + p.emissions, 0n)).toBe(total);
    const days = r.parts.reduce((s, p) => s + p.days, 0);
    expect(days).toBe(close && sorted.length > 0 ? Number((Date.parse(sorted[sorted.length - 1] as string) - Date.UTC(2022, 0, 1)) / 86_400_000) : 365);
  });
});
