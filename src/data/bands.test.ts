// Goal: drawing a band gives exactly the asked count, every value inside the band, and the asked
// total, for any feasible band; the solved exponent reproduces the band mean.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { drawBand, fitSum, solveAlpha, truncatedParetoMean } from "./bands.ts";
import { Rng } from "./random.ts";

describe("bands", () => {
  test.prop([fc.integer({ min: 1, max: 300 }), fc.integer({ min: 100, max: 100_000 }), fc.double({ min: 1.5, max: 50, noNaN: true }), fc.double({ min: 0.05, max: 0.95, noNaN: true }), fc.integer()], { numRuns: 60 })(
    "count, bounds and total are exact",
    (count, lo, ratio, position, seed) => {
      const hi = lo * ratio;
      const margin = 1;
      const mean = lo + margin + position * (hi - lo - 2 * margin);
      const total = mean * count;
      const values = drawBand(new Rng(seed), count, lo, hi, total, margin);
      expect(values).toHaveLength(count);
      for (const v of values) {
        expect(v).toBeGreaterThanOrEqual(lo + margin - 1e-6);
        expect(v).toBeLessThanOrEqual(hi - margin + 1e-6);
      }
      expect(Math.abs(values.reduce((s, v) => s + v, 0) - total)).toBeLessThan(1e-6 * total);
    },
  );
  it("solves the exponent for a mean", () => {
    const a = solveAlpha(5368, 3000, 10000);
    expect(truncatedParetoMean(a, 3000, 10000)).toBeCloseTo(5368, 6);
  });
  it("refuses an infeasible total", () => {
    expect(() => fitSum([5, 6], 0, 10, 30, 1)).toThrow(RangeError);
    expect(() => solveAlpha(20, 0.5, 10)).toThrow(RangeError);
  });
});
