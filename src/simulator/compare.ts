// Scenarios side by side on the study's criteria, each measured (DOMAIN.md section 8):
// environmental integrity (emissions against the cap), efficiency (present-value abatement cost
// against the least-cost way to the same emissions), fairness (cost per firm, its spread, windfall
// from free allocation, reward for past effort), revenue, and price stability.
import type { MonteCarloSummary } from "./montecarlo.ts";
import type { Scenario } from "./scenario.ts";
import { simulate } from "./simulate.ts";
import type { SimulationResult } from "./simulate.ts";

export interface ScenarioCriteria {
  name: string;
  environmentalIntegrity: { totalEmissions: number; totalCap: number; excessEmissions: number; emissionsToCap: number };
  efficiency: { abatementCostPv: number; leastCostPv: number; ratio: number };
  fairness: {
    meanCostPerFirm: number;
    maxCostPerFirm: number;
    minCostPerFirm: number;
    /** Gini coefficient (relative mean absolute difference / 2) of compliance cost per unit of BAU. */
    costGini: number;
    windfall: number;
    /**
     * Free allocation per tonne of BAU of the cleaner half of facilities (by BAU per unit output)
     * divided by that of the dirtier half: above 1 rewards past effort (benchmarks), 1 is neutral
     * (grandfathering), null without outputs or without free allocation.
     */
    rewardForPastEffort: number | null;
  };
  revenue: { total: number; presentValue: number };
  priceStability: { meanPrice: number; minPrice: number; maxPrice: number; logChangeSd: number; monteCarloSpread: number | null };
}

export interface Comparison {
  scenarios: ScenarioCriteria[];
}

/** The cheapest way to the same emissions path: full flexibility over time, no price rules. */
export function leastCostPv(s: Scenario, r: SimulationResult): number {
  const flexible: Scenario = {
    ...s,
    cap: r.years.map((y) => Math.max(0, y.emissions)),
    initialBank: 0,
    banking: true,
    borrowing: { kind: "unlimited" },
    priceCeiling: s.years.map(() => undefined),
    priceFloor: s.years.map(() => undefined),
    reserve: s.years.map(() => []),
    offsets: undefined,
    msr: undefined,
    facilities: s.facilities.map((f) => ({ ...f, freeAllocation: f.freeAllocation.map(() => 0) })),
    monteCarlo: undefined,
  };
  return simulate(flexible, { facilities: false }).abatementCostPv;
}

function gini(v: readonly number[]): number {
  const n = v.length;
  const mean = v.reduce((a, x) => a + Math.abs(x), 0) / Math.max(1, n);
  if (n === 0 || mean === 0) return 0;
  const sorted = [...v].sort((a, b) => a - b);
  // sum_{i<j} |v_i - v_j| in O(n log n) from the sorted values
  let acc = 0;
  let prefix = 0;
  sorted.forEach((x, i) => {
    acc += x * i - prefix;
    prefix += x;
  });
  return (2 * acc) / (2 * n * n * mean);
}

function rewardForPastEffort(s: Scenario): number | null {
  const rows = s.facilities
    .map((f) => {
      const bau = f.bau.reduce((a, x) => a + x, 0);
      const out = f.output?.reduce((a, x) => a + x, 0);
      return { bau, free: f.freeAllocation.reduce((a, x) => a + x, 0), intensity: out && out > 0 ? bau / out : undefined };
    })
    .filter((x): x is { bau: number; free: number; intensity: number } => x.intensity !== undefined && x.bau > 0);
  if (rows.length < 2 || rows.every((x) => x.free === 0)) return null;
  rows.sort((a, b) => a.intensity - b.intensity);
  const half = Math.floor(rows.length / 2);
  const rate = (xs: typeof rows) => xs.reduce((a, x) => a + x.free, 0) / xs.reduce((a, x) => a + x.bau, 0);
  const dirty = rate(rows.slice(rows.length - half));
  return dirty > 0 ? rate(rows.slice(0, half)) / dirty : null;
}

export function criteria(s: Scenario, r: SimulationResult, mc?: MonteCarloSummary): ScenarioCriteria {
  const totalEmissions = r.years.reduce((a, y) => a + y.emissions, 0);
  const totalCap = r.years.reduce((a, y) => a + y.cap, 0);
  const least = leastCostPv(s, r);
  const costs = r.facilities.map((f) => f.complianceCost);
  const perBau = r.facilities.map((f, i) => f.complianceCost / Math.max(1e-12, (s.facilities[i]?.bau ?? []).reduce((a, x) => a + x, 0)));
  const prices = r.years.map((y) => y.price);
  const logs: number[] = [];
  for (let t = 1; t < prices.length; t++) if ((prices[t - 1] as number) > 0 && (prices[t] as number) > 0) logs.push(Math.log((prices[t] as number) / (prices[t - 1] as number)));
  const mean = (xs: readonly number[]) => xs.reduce((a, x) => a + x, 0) / Math.max(1, xs.length);
  const lm = mean(logs);
  const pf = mc?.perfectForesight ?? mc?.rollingHorizon;
  const spreads = pf ? pf.price.filter((q) => q.p10 > 0).map((q) => q.p90 / q.p10) : [];
  return {
    name: s.name,
    environmentalIntegrity: { totalEmissions, totalCap, excessEmissions: totalEmissions - totalCap, emissionsToCap: totalCap > 0 ? totalEmissions / totalCap : Number.NaN },
    efficiency: { abatementCostPv: r.abatementCostPv, leastCostPv: least, ratio: r.abatementCostPv > 0 ? least / r.abatementCostPv : 1 },
    fairness: {
      meanCostPerFirm: mean(costs),
      maxCostPerFirm: Math.max(...costs),
      minCostPerFirm: Math.min(...costs),
      costGini: gini(perBau),
      windfall: r.facilities.reduce((a, f) => a + f.windfall, 0),
      rewardForPastEffort: rewardForPastEffort(s),
    },
    revenue: {
      total: r.years.reduce((a, y) => a + y.auctionRevenue, 0),
      presentValue: r.years.reduce((a, y, t) => a + y.auctionRevenue / Math.pow(1 + s.discountRate, t), 0),
    },
    priceStability: {
      meanPrice: mean(prices),
      minPrice: Math.min(...prices),
      maxPrice: Math.max(...prices),
      logChangeSd: Math.sqrt(mean(logs.map((x) => (x - lm) ** 2))),
      monteCarloSpread: spreads.length > 0 ? mean(spreads) : null,
    },
  };
}

export function compareScenarios(scenarios: readonly Scenario[], monteCarlo: readonly (MonteCarloSummary | undefined)[] = []): Comparison {
  return { scenarios: scenarios.map((s, i) => criteria(s, simulate(s), monteCarlo[i])) };
}
