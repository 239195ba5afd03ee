// Goal: differential test. For small random deterministic scenarios on step curves, the simulator's
// prices equal the duals of the equivalent LP solved by HiGHS (the `highs` package) within 1e-6
// relative: banking, no/limited/unlimited borrowing, ceiling, floor, reserve, offsets.
import fc from "fast-check";
import type { Highs } from "highs";
import { beforeAll, describe, expect, it } from "vitest";
import { parseScenario } from "../../src/simulator/scenario.ts";
import { simulate } from "../../src/simulator/simulate.ts";
import { loadHighs, lpPrices } from "../support/highs.ts";

let highs: Highs;
beforeAll(async () => {
  highs = await loadHighs();
});

const frac = fc.integer({ min: 0, max: 999 }).map((k) => k / 1000 + 0.0137);

const arb = fc
  .record({
    n: fc.integer({ min: 1, max: 5 }),
    facilities: fc.array(
      fc.record({
        bau: fc.integer({ min: 20, max: 200 }),
        steps: fc.array(fc.record({ quantity: fc.integer({ min: 1, max: 80 }), cost: fc.integer({ min: 1, max: 150 }) }), { minLength: 1, maxLength: 5 }),
      }),
      { minLength: 1, maxLength: 6 },
    ),
    capShare: fc.array(fc.double({ min: 0.3, max: 1.1, noNaN: true }), { minLength: 5, maxLength: 5 }),
    fr: frac,
    r: fc.constantFrom(0, 0.03, 0.1),
    banking: fc.boolean(),
    // interest on borrowing has its own property below
    borrowing: fc.constantFrom<unknown>("none", "unlimited", { limitShare: 0.2, interestRate: 0 }, { limitShare: 0.5, interestRate: 0 }),
    ceiling: fc.option(fc.integer({ min: 40, max: 160 }), { nil: undefined }),
    floor: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
    reserve: fc.option(fc.record({ trigger: fc.integer({ min: 20, max: 120 }), quantity: fc.integer({ min: 1, max: 60 }) }), { nil: undefined }),
    offsets: fc.option(fc.record({ price: fc.integer({ min: 5, max: 90 }), limitShare: fc.constantFrom(0.05, 0.1, 0.2) }), { nil: undefined }),
    initialBank: fc.integer({ min: 0, max: 40 }),
  })
  .map((x) => {
    const bau = x.facilities.reduce((a, f) => a + f.bau, 0);
    const v: Record<string, unknown> = {
      years: { from: 2030, to: 2030 + x.n - 1 },
      discountRate: x.r,
      banking: x.banking,
      borrowing: x.banking ? x.borrowing : "none",
      // fractional parts keep the data off the degenerate points where an LP dual is not unique
      cap: x.capShare.slice(0, x.n).map((c, t) => bau * c * (1 - 0.05 * t) + x.fr * (t + 1) * 0.7319),
      initialBank: x.initialBank + 0.2891,
      facilities: x.facilities.map((f, i) => ({ id: `f${i}`, bau: f.bau, mac: { steps: [...f.steps, { quantity: f.bau, cost: 170 + i }] }, freeAllocation: f.bau * 0.2 })),
    };
    if (x.ceiling !== undefined) v.priceCeiling = x.ceiling;
    if (x.floor !== undefined) v.priceFloor = x.floor;
    if (x.reserve !== undefined) v.reserve = [x.reserve];
    if (x.offsets !== undefined) v.offsets = x.offsets;
    return v;
  });

describe("simulator against the LP (HiGHS)", () => {
  it("prices agree within 1e-6 relative on random step-curve scenarios", () => {
    fc.assert(
      fc.property(arb, (v) => {
        const p = parseScenario(v);
        if (!p.ok) throw new Error(`${p.path}: ${p.message}`);
        const sim = simulate(p.scenario).years.map((y) => y.price);
        const lp = lpPrices(highs, p.scenario);
        sim.forEach((x, t) => expect(Math.abs(x - (lp[t] as number))).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(x))));
      }),
      { numRuns: 150, seed: 5, endOnFailure: true },
    );
  });
});

describe("interest on borrowing", () => {
  it("prices equal the LP's within 1e-6 relative, with no arbitrage warning (the dual recursion, src/simulator/interest.ts)", () => {
    fc.assert(
      fc.property(arb, fc.constantFrom(0.02, 0.08, 0.2), fc.constantFrom(0.1, 0.3, 1), (v, interestRate, limitShare) => {
        const p = parseScenario({ ...v, banking: true, borrowing: { limitShare, interestRate } });
        if (!p.ok) throw new Error(`${p.path}: ${p.message}`);
        const r = simulate(p.scenario);
        const lp = lpPrices(highs, p.scenario);
        r.years.forEach((y, t) => expect(Math.abs(y.price - (lp[t] as number))).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(y.price))));
        expect(r.warnings).toEqual([]);
      }),
      { numRuns: 300, seed: 9, endOnFailure: true },
    );
  });
});
