// Goal: the stability reserve as an outer fixed point: intake when the bank (TNAC) is above the
// upper threshold, release below the lower one, holdings and invalidation accounted, convergence
// reported, and non-convergence reported honestly rather than hidden.
import { describe, expect, it } from "vitest";
import { msrFlows, simulate } from "../../src/simulator/simulate.ts";
import { parse } from "./helpers.ts";

const rule = { upperThreshold: 50, lowerThreshold: 20, intakeRate: 0.24, bufferThreshold: undefined, releaseQuantity: 10, invalidationThreshold: 30, initialHoldings: 0, damping: 0.5, maxIterations: 200, tolerance: 1e-9 };

describe("market stability reserve", () => {
  it("the rule: 24% of the TNAC above 833-style threshold, release below the lower one, holdings above the cap invalidated", () => {
    const f = msrFlows(rule, 100, 0, [60, 10, 10], [100, 100, 100], [0, 0, 0]);
    expect(f.intake).toEqual([24, 14.399999999999999, 0]);
    expect(f.release).toEqual([0, 0, 10]);
    expect(f.holdings).toEqual([24, 30, 20]);
    expect(f.invalidated[1]).toBeCloseTo(8.4, 12);
  });

  it("the EU buffer rule: between 833 M and 1,096 M the intake is TNAC - 833 M", () => {
    const f = msrFlows({ ...rule, upperThreshold: 833, bufferThreshold: 1096, invalidationThreshold: undefined }, 1000, 0, [0], [1e9], [0]);
    expect(f.intake[0]).toBe(167);
  });

  const v = {
    years: { from: 2030, to: 2037 },
    discountRate: 0.03,
    cap: [100, 95, 90, 85, 80, 75, 70, 65],
    initialBank: 120,
    facilities: [{ id: "a", bau: 110, mac: { linear: { slope: 1 } } }],
  };

  it("converges with damping; intake reduces auction volume and conserves allowances", () => {
    const r = simulate(parse({ ...v, msr: { upperThreshold: 60, lowerThreshold: 20, intakeRate: 0.24, releaseQuantity: 10 } }));
    expect(r.msr?.converged).toBe(true);
    expect(r.years[0]!.msrIntake).toBeCloseTo(0.24 * 120, 4);
    const base = simulate(parse(v));
    // allowances withheld early raise the first price (MSR binds: Perino & Willner 2016)
    expect(r.years[0]!.price).toBeGreaterThan(base.years[0]!.price);
    let held = 0;
    for (const y of r.years) {
      expect(y.freeAllocation + y.auctioned + y.unsold + y.msrIntake - y.msrRelease).toBeCloseTo(y.cap, 6);
      // the reserve's own account: what came in, went out or was invalidated
      expect(held + y.msrIntake - y.msrRelease - y.msrInvalidated).toBeCloseTo(y.msrHoldings, 6);
      held = y.msrHoldings;
    }
  });

  it("reports non-convergence with its residual when iterations run out", () => {
    const r = simulate(parse({ ...v, msr: { upperThreshold: 60, lowerThreshold: 20, intakeRate: 0.24, releaseQuantity: 10, maxIterations: 2 } }));
    expect(r.msr?.converged).toBe(false);
    expect(r.msr?.iterations).toBe(2);
    expect(r.msr?.residual).toBeGreaterThan(0);
  });
});
