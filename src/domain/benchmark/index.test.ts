// Goal: the curve ranks by intensity, the four ways of deriving a benchmark give the hand-computed
// values, and the EU update rule clamps the annual rate as published.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { benchmarkCurve, deriveBenchmark, EU_PHASE4_2021_UPDATE, topCount, updateBenchmark } from "./index.ts";
import type { DerivedBenchmark, ProductionPoint } from "./index.ts";

// Ten installations with intensities 1..10 t/t; output 100 each except the two best (10 and 290).
const points: ProductionPoint[] = Array.from({ length: 10 }, (_, i) => {
  const output = i === 0 ? 10 : i === 1 ? 290 : 100;
  return { installation: `I${String(i + 1).padStart(2, "0")}`, output, emissions: output * (i + 1) };
});
const ok = (r: ReturnType<typeof deriveBenchmark>): DerivedBenchmark => {
  if ("code" in r) throw new Error(r.code);
  return r;
};

describe("benchmarkCurve", () => {
  it("ranks from the most efficient and accumulates output", () => {
    const c = benchmarkCurve([...points].reverse());
    expect(c.map((p) => p.intensity)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(c[1]?.cumulativeOutput).toBe(300);
    expect(c[9]?.cumulativeShare).toBe(1);
  });
  it("skips installations without output", () => {
    expect(benchmarkCurve([{ installation: "x", output: 0, emissions: 5 }])).toEqual([]);
  });
});

describe("deriveBenchmark", () => {
  it("by count: top 20% of 10 installations is 2 of them", () => {
    expect(ok(deriveBenchmark(points, { topPercent: 20, method: "boundary", weighting: "count" })).value).toBe(2);
    expect(ok(deriveBenchmark(points, { topPercent: 20, method: "average", weighting: "count" })).value).toBe(1.5);
    // 25% of 10 rounds up to 3 installations
    expect(ok(deriveBenchmark(points, { topPercent: 25, method: "average", weighting: "count" })).value).toBe(2);
  });
  it("by output: the top 10% of 1,100 t is 110 t, i.e. I01 and 100 t of I02", () => {
    const b = ok(deriveBenchmark(points, { topPercent: 10, method: "boundary", weighting: "output" }));
    expect([b.value, b.boundary, b.installationsInTop]).toEqual([2, "I02", 2]);
    const a = ok(deriveBenchmark(points, { topPercent: 10, method: "average", weighting: "output" }));
    expect(a.value).toBeCloseTo((10 * 1 + 100 * 2) / 110, 12);
  });
  it("reports no data and a bad share as values", () => {
    expect(deriveBenchmark([], { topPercent: 10, method: "average", weighting: "count" })).toEqual({ code: "no-installations" });
    expect(deriveBenchmark(points, { topPercent: 0, method: "average", weighting: "count" })).toMatchObject({ code: "bad-top-percent" });
  });
  it("top count rounds up without float noise", () => {
    expect(topCount(30, 10)).toBe(3);
    expect(topCount(12, 10)).toBe(2);
    expect(topCount(3, 10)).toBe(1);
  });
  test.prop([fc.array(fc.tuple(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 0, max: 5000 })), { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 100 })])(
    "the average of the top share never exceeds the boundary value, and both lie within the data",
    (rows, pct) => {
      const pts = rows.map(([o, e], i) => ({ installation: `I${i}`, output: o, emissions: e }));
      const min = Math.min(...pts.map((p) => p.emissions / p.output));
      for (const weighting of ["count", "output"] as const) {
        const avg = ok(deriveBenchmark(pts, { topPercent: pct, method: "average", weighting })).value;
        const edge = ok(deriveBenchmark(pts, { topPercent: pct, method: "boundary", weighting })).value;
        expect(avg).toBeLessThanOrEqual(edge * (1 + 1e-9));
        expect(avg).toBeGreaterThanOrEqual(min * (1 - 1e-9));
      }
    },
  );
});

describe("updateBenchmark (EU phase 4, 2021-25)", () => {
  // Test vectors: /work/shared/research/scheme-rules.md section 2.4 (Dec. 2011/278 values and
  // Reg. 2021/447 values, the latter marked there as still to be verified against the annex).
  it("hot metal gets the minimum cut: 1.328 -> 1.288 (rate floored at 0.2%/yr over 15 years)", () => {
    const u = updateBenchmark(1.328, 1.32, EU_PHASE4_2021_UPDATE);
    expect(u.appliedAnnualRate).toBe(0.002);
    expect(u.value).toBeCloseTo(1.28816, 10);
    expect(u.value.toFixed(3)).toBe("1.288");
  });
  it("EAF carbon steel gets the maximum cut: 0.283 -> 0.215 (rate capped at 1.6%/yr)", () => {
    const u = updateBenchmark(0.283, 0.2, EU_PHASE4_2021_UPDATE);
    expect(u.observedAnnualRate).toBeGreaterThan(0.016);
    expect(u.appliedAnnualRate).toBe(0.016);
    expect(u.value.toFixed(3)).toBe("0.215");
  });
  it("a rate inside the band is applied as observed; a worsening gets the floor", () => {
    const u = updateBenchmark(1, 0.91, EU_PHASE4_2021_UPDATE); // 1%/yr over 9 years
    expect(u.appliedAnnualRate).toBeCloseTo(0.01, 12);
    expect(u.value).toBeCloseTo(0.85, 12);
    expect(updateBenchmark(1, 1.2, EU_PHASE4_2021_UPDATE).appliedAnnualRate).toBe(0.002);
  });
});
