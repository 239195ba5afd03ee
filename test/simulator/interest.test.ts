// Goal: the dual solution with interest on borrowing (src/simulator/interest.ts) is time-consistent.
// Solving again from year t+1, with the bank the full solution left at the end of year t (a debt
// included, as a rolling window may open), gives the same later prices. This covers what the LP
// test cannot: an opening bank that is negative, which enters its first year with interest, and
// linear curves. Linear curves without a ceiling make every price unique; with step curves a
// re-solved window can sit on a flat part where a whole range of prices clears the same
// quantities, and two different price paths are then both equilibria.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { solveInterestDual } from "../../src/simulator/interest.ts";
import { buildMarkets, equilibriumOptions } from "../../src/simulator/simulate.ts";
import { parse } from "./helpers.ts";

const arb = fc
  .record({
    facilities: fc.array(
      fc.record({
        bau: fc.integer({ min: 20, max: 200 }),
        slope: fc.double({ min: 0.2, max: 5, noNaN: true }),
      }),
      { minLength: 1, maxLength: 5 },
    ),
    capShare: fc.array(fc.double({ min: 0.3, max: 1.2, noNaN: true }), { minLength: 6, maxLength: 6 }),
    r: fc.constantFrom(0, 0.03, 0.1),
    interestRate: fc.constantFrom(0.02, 0.08, 0.2),
    limitShare: fc.constantFrom(0.1, 0.3, 1),
    fr: fc.integer({ min: 0, max: 999 }).map((k) => k / 1000 + 0.0137),
  })
  .map((x) => {
    const bau = x.facilities.reduce((a, f) => a + f.bau, 0);
    const v: Record<string, unknown> = {
      years: { from: 2030, to: 2035 },
      discountRate: x.r,
      banking: true,
      borrowing: { limitShare: x.limitShare, interestRate: x.interestRate },
      // fractional parts keep the data off degenerate points, where a year's price is not unique
      // (a whole range of prices clears it) and two solutions may both be equilibria
      cap: x.capShare.map((c, t) => bau * c * (1 - 0.04 * t) + x.fr * (t + 1) * 0.7319),
      initialBank: 3.2891,
      facilities: x.facilities.map((f, i) => ({ id: `f${i}`, bau: f.bau, mac: { linear: { slope: f.slope } }, freeAllocation: f.bau * 0.2 })),
    };
    return v;
  });

describe("interest on borrowing: the dual solution", () => {
  it("re-solved from any later year with the bank left there (debts included), keeps the same prices", () => {
    let debts = 0;
    fc.assert(
      fc.property(arb, (v) => {
        const s = parse(v);
        const years = s.cap.map((_, t) => t);
        const ms = buildMarkets(s, years, undefined, []);
        const full = solveInterestDual(ms, equilibriumOptions(s, years, s.initialBank));
        expect(full).toBeDefined();
        if (!full) return;
        for (let t = 0; t + 1 < years.length; t++) {
          const bank = (full[t] as { bank: number }).bank;
          if (bank < 0) debts++;
          const later = years.slice(t + 1);
          const rest = solveInterestDual(ms.slice(t + 1), equilibriumOptions(s, later, bank));
          expect(rest).toBeDefined();
          rest?.forEach((y, k) => {
            const want = (full[t + 1 + k] as { price: number }).price;
            expect(Math.abs(y.price - want)).toBeLessThanOrEqual(1e-6 * Math.max(1, want));
          });
        }
      }),
      { numRuns: 120, seed: 17 },
    );
    // the property must have met opening debts, or it proves nothing about them
    expect(debts).toBeGreaterThan(20);
  });
});
