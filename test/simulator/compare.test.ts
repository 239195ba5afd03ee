// Goal: the comparison criteria and the sectoral and cluster analyses measure what they say:
// free allocation changes payments but not abatement, benchmarks reward past effort, a ceiling
// below the price breaks the cap, and the sectoral potential is sum max(0, BAU - benchmark x output).
import { describe, expect, it } from "vitest";
import { clusterAnalysis, sectoralAnalysis } from "../../src/simulator/analyses.ts";
import { compareScenarios } from "../../src/simulator/compare.ts";
import { simulate } from "../../src/simulator/simulate.ts";
import { parse } from "./helpers.ts";

const plants = (free: [number, number]) => [
  { id: "dirty", sector: "steel", bau: 100, output: 50, mac: { linear: { slope: 1 } }, freeAllocation: free[0] },
  { id: "clean", sector: "steel", bau: 100, output: 100, mac: { linear: { slope: 3 } }, freeAllocation: free[1] },
];
const base = { years: [2030, 2031], discountRate: 0.05, cap: 140, sectorBenchmarks: { steel: 0.9 } };

describe("compare and analyses", () => {
  it("grandfathering vs benchmarks vs auction vs auction with a ceiling", () => {
    const c = compareScenarios([
      parse({ ...base, name: "gf", facilities: plants([60, 60]) }),
      parse({ ...base, name: "bm", facilities: plants([40, 80]) }),
      parse({ ...base, name: "auction", facilities: plants([0, 0]) }),
      parse({ ...base, name: "ceiling", priceCeiling: 30, facilities: plants([0, 0]) }),
    ]);
    const [gf, bm, au, ce] = c.scenarios;
    expect(gf!.efficiency.abatementCostPv).toBeCloseTo(bm!.efficiency.abatementCostPv, 9);
    // least cost allows shifting abatement in time for the same total emissions: slightly cheaper in PV
    expect(gf!.efficiency.ratio).toBeCloseTo(bm!.efficiency.ratio, 12);
    expect(gf!.efficiency.ratio).toBeLessThanOrEqual(1);
    expect(gf!.efficiency.ratio).toBeGreaterThan(0.99);
    expect(gf!.environmentalIntegrity.excessEmissions).toBeCloseTo(0, 9);
    expect(gf!.fairness.rewardForPastEffort).toBeCloseTo(1, 12);
    expect(bm!.fairness.rewardForPastEffort).toBeCloseTo(2, 12);
    expect(au!.fairness.rewardForPastEffort).toBeNull();
    // price 45 both years (r applies only with a bank): revenue = 45 x 140 x 2
    expect(au!.revenue.total).toBeCloseTo(45 * 140 * 2, 6);
    expect(gf!.revenue.total).toBeCloseTo(45 * 20 * 2, 6);
    expect(ce!.environmentalIntegrity.excessEmissions).toBeGreaterThan(0);
    expect(ce!.priceStability.maxPrice).toBeCloseTo(30, 9);
  });

  it("sectoral potential and cluster potential", () => {
    const s = parse({
      ...base,
      facilities: plants([0, 0]),
      countryEmissions: 1000,
      clusters: [{ id: "c", facilities: ["dirty", "clean"], pipeline: { capacity: 50, costPerTonne: 10 } }],
    });
    const sec = sectoralAnalysis(s);
    // dirty: 100 - 0.9 x 50 = 55; clean: 100 - 90 = 10
    expect(sec).toEqual([expect.objectContaining({ sector: "steel", potential: 65, emissions: 200 })]);
    // reaching it by trading within the sector: abatement 65 = p + p/3, so p = 48.75
    expect(sec[0]!.priceToReach).toBeCloseTo(48.75, 9);
    expect(sec[0]!.costToReach).toBeCloseTo(48.75 ** 2 / 2 + 3 * (48.75 / 3) ** 2 / 2, 6);
    const r = simulate(s);
    const cl = clusterAnalysis(s, r);
    expect(cl[0]).toMatchObject({ potential: 50, shareOfCountry: 0.05 });
    // at a price of 10 the plants abate 10 + 10/3; the pipeline takes the rest of the 60 needed
    expect(r.years[0]!.price).toBeCloseTo(10, 9);
    expect(cl[0]!.used).toBeCloseTo(60 - 10 - 10 / 3, 9);
  });
});
