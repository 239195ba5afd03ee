// Goal: the market stability reserve's rule and timing as data: the Commission's published intakes
// as vectors, the buffer rule, release of all that is left, invalidation, monthly schedules that sum
// exactly, and the same branches on model quantities as on whole allowances.
// Sources: TNAC 2018 1,654,909,824 -> 397,178,358 (Commission communication C(2019) 3288, 15 May
// 2019); TNAC 2017 1,654,574,598 -> 264,731,936 for January-August 2019 at 16% (C(2018) 2801,
// 15 May 2018); thresholds and rates: Decision (EU) 2015/1814 as amended (research/scheme-rules.md 1.1).
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { stability } from "../rulebook/stability.ts";
import { EXACT, msrDecide, msrDecision, msrInvalidate, spreadOverWindow } from "./msr.ts";
import type { MsrArithmetic } from "./msr.ts";
import { totalInCirculation } from "./tnac.ts";

const section = stability.parse({
  msr: {
    from: 2019,
    upperThreshold: 833_000_000,
    lowerThreshold: 400_000_000,
    intakeRates: [
      { from: 2017, to: 2017, rate: 0.16, window: { yearOffset: 2, startMonth: 1, months: 8 } },
      { from: 2018, to: 2029, rate: 0.24 },
      { from: 2030, rate: 0.12, minIntake: 100_000_000 },
    ],
    minIntake: 200_000_000,
    buffer: { upTo: 1_096_000_000, from: 2023 },
    release: 100_000_000,
    invalidation: [
      { from: 2023, to: 2023, above: "previous-year-auction-volume" },
      { from: 2024, above: 400_000_000 },
    ],
  },
}).msr!;

const decide = (tnacYear: number, tnac: bigint, holdings = 0n, previousAuctionVolume?: bigint) => {
  const r = msrDecision(section, { tnacYear, tnac, holdings, previousAuctionVolume });
  if (!r.ok) throw new Error(r.code);
  return r.decision;
};

describe("published intakes", () => {
  it("TNAC 1,654,909,824 (2018) -> 397,178,358 (24%, to the nearest allowance), September 2019 - August 2020", () => {
    const d = decide(2018, 1_654_909_824n);
    expect(d.intake).toBe(397_178_358n);
    expect(d.branch).toBe("intake-rate");
    expect(d.publishedBy).toBe("2019-06-01");
    expect(d.schedule.map((m) => m.month)).toEqual(["2019-09", "2019-10", "2019-11", "2019-12", "2020-01", "2020-02", "2020-03", "2020-04", "2020-05", "2020-06", "2020-07", "2020-08"]);
    expect(d.schedule.slice(0, 6).every((m) => m.intake === 33_098_197n)).toBe(true);
    expect(d.schedule.slice(6).every((m) => m.intake === 33_098_196n)).toBe(true);
  });

  it("January-August 2019 at 16% of 1,654,574,598 -> 264,731,936, 33,091,492 a month", () => {
    const d = decide(2017, 1_654_574_598n);
    expect(d.intake).toBe(264_731_936n);
    expect(d.schedule.map((m) => [m.month, m.intake])).toEqual(Array.from({ length: 8 }, (_, i) => [`2019-0${i + 1}`, 33_091_492n]));
  });
});

describe("the rule", () => {
  it("the buffer rule from the TNAC of 2023: 833 M < TNAC <= 1,096 M takes TNAC - 833 M, above it 24%", () => {
    expect(decide(2023, 1_000_000_000n)).toMatchObject({ branch: "intake-buffer", intake: 167_000_000n });
    expect(decide(2023, 1_096_000_000n).intake).toBe(263_000_000n);
    expect(decide(2023, 1_096_000_001n)).toMatchObject({ branch: "intake-rate", intake: 263_040_000n }); // 24% of 1,096,000,001 = 263,040,000.24
    // before 2023 the buffer does not apply: 24% of 1,000 M = 240 M
    expect(decide(2022, 1_000_000_000n, 0n, 0n)).toMatchObject({ branch: "intake-rate", intake: 240_000_000n });
  });

  it("no intake by the rate below the minimum; the buffer rule's intake has no minimum; 12% from the TNAC of 2030", () => {
    expect(decide(2029, 833_000_001n)).toMatchObject({ branch: "intake-buffer", intake: 1n });
    expect(decide(2030, 1_100_000_000n)).toMatchObject({ branch: "intake-rate", intake: 132_000_000n });
    const noBuffer = stability.parse({ msr: { upperThreshold: 833_000_000, lowerThreshold: 400_000_000, intakeRates: [{ from: 2018, rate: 0.24 }], minIntake: 200_000_000, release: 100_000_000 } }).msr!;
    const below = msrDecision(noBuffer, { tnacYear: 2020, tnac: 833_100_000n, holdings: 0n }); // 24% = 199,944,000
    expect(below.ok && [below.decision.branch, below.decision.intake, below.decision.schedule]).toEqual(["below-minimum", 0n, []]);
    const at = msrDecision(noBuffer, { tnacYear: 2020, tnac: 834_000_000n, holdings: 0n }); // 24% = 200,160,000
    expect(at.ok && at.decision.intake).toBe(200_160_000n);
  });

  it("release of 100 M below 400 M, or all that is left; nothing between the thresholds", () => {
    expect(decide(2024, 399_999_999n, 1_000_000_000n)).toMatchObject({ branch: "release", release: 100_000_000n });
    expect(decide(2024, 300_000_000n, 60_000_000n)).toMatchObject({ release: 60_000_000n, holdingsAfter: 0n });
    expect(decide(2024, 500_000_000n, 10n)).toMatchObject({ branch: "none", intake: 0n, release: 0n });
  });

  it("invalidation: above 400 M from 2024 (publication year), above the previous year's auction volume in 2023", () => {
    expect(decide(2023, 500_000_000n, 450_000_000n)).toMatchObject({ invalidated: 50_000_000n, invalidationThreshold: 400_000_000n, holdingsAfter: 400_000_000n });
    expect(decide(2022, 500_000_000n, 3_000_000_000n, 486_087_000n)).toMatchObject({ invalidated: 2_513_913_000n });
    expect(msrDecision(section, { tnacYear: 2022, tnac: 1n, holdings: 1n })).toMatchObject({ ok: false, code: "msr-previous-auction-volume-needed" });
  });

  it("refusals are values: a TNAC year without a rate, negative input", () => {
    expect(msrDecision(section, { tnacYear: 2016, tnac: 1n, holdings: 0n })).toMatchObject({ ok: false, code: "msr-not-in-force" });
    expect(msrDecision(section, { tnacYear: 2020, tnac: -1n, holdings: 0n })).toMatchObject({ ok: false, code: "msr-negative-input", facts: { field: "tnac" } });
  });

  it("TNAC by the Commission's definition: issued + credits used - verified emissions - cancelled - reserve holdings", () => {
    expect(totalInCirculation({ issuedSince2008: 18_000n, creditsUsed: 1_500n, verifiedEmissions: 16_000n, cancelled: 100n, reserveHoldings: 1_400n })).toBe(2_000n);
    expect(() => totalInCirculation({ issuedSince2008: -1n, creditsUsed: 0n, verifiedEmissions: 0n, cancelled: 0n, reserveHoldings: 0n })).toThrow(/negative/);
  });
});

const FLOAT: MsrArithmetic<number, number> = { zero: 0, less: (a, b) => a < b, sub: (a, b) => a - b, min: Math.min, applyRate: (q, r) => q * r };

describe("properties (fast-check)", () => {
  test.prop([fc.bigInt({ min: 0n, max: 10n ** 10n }), fc.integer({ min: 1, max: 36 }), fc.integer({ min: 1, max: 12 })])("a window's months sum exactly to the amount and differ by at most one", (amount, months, startMonth) => {
    const parts = spreadOverWindow(amount, 2020, { yearOffset: 1, startMonth, months });
    expect(parts).toHaveLength(months);
    expect(parts.reduce((s, p) => s + p.amount, 0n)).toBe(amount);
    const amounts = parts.map((p) => p.amount);
    expect(amounts.reduce((a, b) => (a > b ? a : b)) - amounts.reduce((a, b) => (a < b ? a : b))).toBeLessThanOrEqual(1n);
  });

  test.prop([fc.integer({ min: 0, max: 2_000_000_000 }), fc.integer({ min: 0, max: 1_000_000_000 })])("model quantities take the same branch as whole allowances, and the intake within one allowance", (tnac, holdings) => {
    const exactParams = { upperThreshold: 833_000_000n, lowerThreshold: 400_000_000n, rate: { n: 24n, d: 100n, rounding: "halfUp" as const }, minIntake: 200_000_000n, bufferUpTo: 1_096_000_000n, release: 100_000_000n };
    const floatParams = { upperThreshold: 833e6, lowerThreshold: 400e6, rate: 0.24, minIntake: 200e6, bufferUpTo: 1096e6, release: 100e6 };
    const e = msrDecide(EXACT, exactParams, BigInt(tnac), BigInt(holdings));
    const f = msrDecide(FLOAT, floatParams, tnac, holdings);
    expect(f.branch).toBe(e.branch);
    expect(Math.abs(f.intake - Number(e.intake))).toBeLessThanOrEqual(1);
    expect(f.release).toBe(Number(e.release));
    expect(msrInvalidate(FLOAT, 400e6, holdings)).toBe(Number(msrInvalidate(EXACT, 400_000_000n, BigInt(holdings))));
  });
});
