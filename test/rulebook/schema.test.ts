// Goal: a rulebook is rejected with the field path and the reason for each kind of mistake, and
// the derivations (cap, auction share, prices, periods, rates) follow the documented rules.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  auctionShareFor,
  capFor,
  compliancePeriodOf,
  decimalFraction,
  formatPath,
  parseRulebook,
  priceFor,
  scheduleValue,
} from "../../src/domain/rulebook/index.ts";
import type { RulebookInput } from "../../src/domain/rulebook/index.ts";
import { parseRulebookText } from "../../src/io/rulebook.ts";

/** A small valid rulebook to break one field at a time. */
function minimal(): RulebookInput & Record<string, unknown> {
  return {
    scheme: { id: "test", name: "Test scheme", jurisdiction: "Nowhere" },
    currency: "EUR",
    periods: [{ id: "p1", from: 2021, to: 2025 }],
    cap: { segments: [{ from: 2021, start: 1000, reduction: { kind: "amount", perYear: 100 } }] },
    coverage: { gases: ["CO2"], electricity: "direct", thresholds: [{ value: 25000, unit: "t-CO2e", basis: "installation" }] },
    allocation: {
      issuance: { timing: "ex-ante" },
      sectors: {
        steel: { method: "benchmark", products: [{ id: "hot-metal", value: 1.328, unit: "t-CO2/t" }] },
        power: { method: "auction" },
        offices: {
          method: "grandfathering",
          basePeriod: { choice: "auto", years: 3, window: { from: 2002, to: 2007 } },
          reduction: { kind: "fixed", rate: 0.1 },
        },
      },
      auctionShare: { default: { points: [{ year: 2021, share: 0.2 }, { year: 2025, share: 0.6 }] } },
    },
  } as RulebookInput & Record<string, unknown>;
}

function errorsOf(value: unknown): { path: string; message: string }[] {
  const r = parseRulebook(value);
  if (r.ok) throw new Error("expected the rulebook to be rejected");
  return r.errors;
}

describe("rulebook validation", () => {
  it("accepts the minimal rulebook and fills defaults", () => {
    const r = parseRulebook(minimal());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.rulebook.unit).toBe("t-CO2e");
    expect(r.rulebook.allocation.correction).toEqual({ kind: "none" });
    expect(r.rulebook.cap.segments[0]?.start).toBe(1000n);
  });

  it("names the path of a negative benchmark value", () => {
    const rb = minimal() as any;
    rb.allocation.sectors.steel.products[0].value = -1;
    expect(errorsOf(rb)).toContainEqual({ path: "allocation.sectors.steel.products[0].value", message: "expected a positive number" });
  });

  it("names the path of a wrong type", () => {
    const rb = minimal() as any;
    rb.periods[0].from = "2021";
    expect(errorsOf(rb)).toContainEqual({ path: "periods[0].from", message: "expected a whole year" });
  });

  it("rejects an auction share above 1", () => {
    const rb = minimal() as any;
    rb.allocation.auctionShare.default.points[1].share = 1.2;
    expect(errorsOf(rb)).toContainEqual({ path: "allocation.auctionShare.default.points[1].share", message: "expected a fraction <= 1" });
  });

  it("rejects a reference to an unknown sector", () => {
    const rb = minimal() as any;
    rb.leakage = { exposedSectors: ["steel", "cemnt"] };
    const errs = errorsOf(rb);
    expect(errs).toHaveLength(1);
    expect(errs[0]?.path).toBe("leakage.exposedSectors[1]");
    expect(errs[0]?.message).toMatch(/unknown sector "cemnt"/);
  });

  it("rejects overlapping periods", () => {
    const rb = minimal() as any;
    rb.periods.push({ id: "p2", from: 2025, to: 2030 });
    expect(errorsOf(rb)[0]).toMatchObject({ path: "periods[1].from", message: expect.stringMatching(/overlaps/) });
  });

  it("rejects overlapping compliance periods and a cap segment that overlaps the previous one", () => {
    const a = minimal() as any;
    a.compliancePeriods = [{ id: "c1", from: 2021, to: 2023 }, { id: "c2", from: 2023, to: 2025 }];
    expect(errorsOf(a)[0]).toMatchObject({ path: "compliancePeriods[1].from", message: expect.stringMatching(/overlaps/) });
    const b = minimal() as any;
    b.cap.segments = [{ from: 2021, to: 2025, start: 10, reduction: { kind: "amount", perYear: 1 } }, { from: 2024, reduction: { kind: "rate", rate: 0.1 } }];
    expect(errorsOf(b)[0]).toMatchObject({ path: "cap.segments[1].from" });
  });

  it("rejects an unknown field, an unknown method and a period rate for a missing period", () => {
    const a = minimal() as any;
    a.allocation.sectors.steel.benchmarks = [];
    expect(errorsOf(a)[0]).toEqual({ path: "allocation.sectors.steel.benchmarks", message: expect.stringMatching(/^unknown field/) });
    const b = minimal() as any;
    b.allocation.sectors.steel.method = "lottery";
    expect(errorsOf(b)[0]?.path).toBe("allocation.sectors.steel.method");
    const c = minimal() as any;
    c.allocation.sectors.offices.reduction = { kind: "byPeriod", rates: { p9: 0.08 } };
    expect(errorsOf(c)).toContainEqual({ path: "allocation.sectors.offices.reduction.rates.p9", message: expect.stringMatching(/unknown period "p9"/) });
  });

  it("rejects a reserve given both as a share and an amount, and KL-style shares above 1", () => {
    const a = minimal() as any;
    a.allocation.newEntrantReserve = { share: 0.05, amount: 10 };
    expect(errorsOf(a)[0]?.path).toBe("allocation.newEntrantReserve");
    const b = minimal() as any;
    b.allocation.distribution = [{ from: 2021, to: 2025, shares: [{ recipient: "a", share: 0.6, free: true }, { recipient: "b", share: 0.5, free: false }] }];
    expect(errorsOf(b)[0]).toMatchObject({ path: "allocation.distribution[0].shares", message: expect.stringMatching(/more than 1/) });
  });

  it("reports YAML errors with the line of the offending field", () => {
    const yaml = [
      "scheme: { id: t, name: T, jurisdiction: X }",
      "currency: EUR",
      "periods:",
      "  - { id: p1, from: 2021, to: 2025 }",
      "cap:",
      "  segments:",
      "    - from: 2021",
      "      start: -5",
      "      reduction: { kind: amount, perYear: 1 }",
      "coverage: { gases: [CO2], electricity: direct }",
      "allocation: { issuance: { timing: ex-ante }, sectors: {}, auctionShare: { default: { points: [{ year: 2021, share: 0 }] } } }",
    ].join("\n");
    const r = parseRulebookText(yaml, "x.yaml");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]).toMatchObject({ path: "cap.segments[0].start", line: 8 });
  });
});

describe("rulebook derivations", () => {
  const ok = parseRulebook(minimal());
  if (!ok.ok) throw new Error("minimal rulebook invalid");
  const rb = ok.rulebook;

  it("linear cap: start - step x years, none outside the trajectory", () => {
    expect(capFor(rb, 2021)).toBe(1000n);
    expect(capFor(rb, 2024)).toBe(700n);
    expect(capFor(rb, 2020)).toBeUndefined();
    expect(capFor(rb, 2040)).toBe(0n); // never below zero
  });

  it("continuing and geometric segments, explicit overrides", () => {
    const input = minimal() as any;
    input.cap = {
      segments: [
        { from: 2021, to: 2022, start: 1000, reduction: { kind: "factor", factor: 0.022, reference: 1000 } }, // step 22
        { from: 2023, reduction: { kind: "rate", rate: 0.1 } },
      ],
      explicit: [{ year: 2030, amount: 5 }],
    };
    const r = parseRulebook(input);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(capFor(r.rulebook, 2022)).toBe(978n);
    expect(capFor(r.rulebook, 2023)).toBe(880n); // 978 x 0.9 = 880.2 -> 880
    expect(capFor(r.rulebook, 2024)).toBe(792n);
    expect(capFor(r.rulebook, 2030)).toBe(5n);
  });

  it("auction share: linear between points, nearest point outside, 1 for auction sectors", () => {
    expect(auctionShareFor(rb, "steel", 2021)).toBe(0.2);
    expect(auctionShareFor(rb, "steel", 2023)).toBeCloseTo(0.4, 12);
    expect(auctionShareFor(rb, "steel", 2030)).toBe(0.6);
    expect(auctionShareFor(rb, "power", 2021)).toBe(1);
    expect(() => auctionShareFor(rb, "cement", 2021)).toThrow(/unknown sector "cement"/);
    expect(scheduleValue({ interpolation: "step", points: [{ year: 2021, share: 0.2 }, { year: 2025, share: 0.6 }] }, 2024)).toBe(0.2);
  });

  it("prices: chained rounding differs from direct compounding", () => {
    const seg = { from: 2021, start: 2.38, growth: 0.025, decimals: 2, indexedToInflation: false };
    expect(priceFor({ segments: [{ ...seg, chained: true }] }, 2025)).toBe(2.62);
    expect(priceFor({ segments: [{ ...seg, chained: false }] }, 2025)).toBe(2.63);
    expect(priceFor({ segments: [{ ...seg, chained: true }] }, 2020)).toBeUndefined();
  });

  it("compliance periods default to single years", () => {
    expect(compliancePeriodOf(rb, 2023)).toEqual({ id: "2023", from: 2023, to: 2023 });
  });

  it("helpers: exact decimals and path formatting", () => {
    expect(decimalFraction(0.0174)).toEqual([174n, 10000n]);
    expect(decimalFraction(1e-7)).toEqual([1n, 10000000n]);
    expect(decimalFraction(4300)).toEqual([4300n, 1n]);
    expect(formatPath(["a", "b", 0, "c"])).toBe("a.b[0].c");
  });
});

describe("rulebook derivation properties", () => {
  test.prop([fc.integer({ min: 0, max: 10 ** 12 }), fc.integer({ min: 0, max: 10 ** 9 }), fc.integer({ min: 0, max: 60 })])(
    "a linear cap never rises and never goes below zero",
    (start, step, n) => {
      const input = minimal() as any;
      input.cap = { segments: [{ from: 2021, start, reduction: { kind: "amount", perYear: step } }] };
      const r = parseRulebook(input);
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      const a = capFor(r.rulebook, 2021 + n)!;
      const b = capFor(r.rulebook, 2022 + n)!;
      expect(b <= a).toBe(true);
      expect(b >= 0n).toBe(true);
      expect(a).toBe(BigInt(Math.max(0, start - step * n)));
    },
  );

  test.prop([fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 2000, max: 2060 })])(
    "an auction share stays within its points' range",
    (shares, year) => {
      const points = shares.map((share, i) => ({ year: 2010 + 5 * i, share }));
      for (const interpolation of ["linear", "step"] as const) {
        const v = scheduleValue({ interpolation, points }, year);
        expect(v).toBeGreaterThanOrEqual(Math.min(...shares) - 1e-12);
        expect(v).toBeLessThanOrEqual(Math.max(...shares) + 1e-12);
      }
    },
  );
});
