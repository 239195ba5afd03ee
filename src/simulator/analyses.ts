// Sectoral and cluster analyses on the simulator's scenario and result. Sectoral: what a sector
// would save if every plant reached the sector's benchmark or best-available-technology intensity
// (DOMAIN.md section 7). Clusters: the potential of a shared CO2 pipeline (capacity, cost per
// tonne; it enters the equilibrium as an extra abatement step) beside a country's emissions.
import { InfeasibleError } from "./equilibrium.ts";
import type { Scenario } from "./scenario.ts";
import { simulate } from "./simulate.ts";
import type { SimulationResult } from "./simulate.ts";

export interface SectoralPotential {
  sector: string;
  year: number;
  facilities: number;
  /** Facilities without an output, left out of the potential. */
  withoutOutput: number;
  emissions: number;
  output: number;
  benchmark: number;
  potential: number;
  share: number;
  /**
   * The same engine on the sector alone with a sectoral cap at the benchmark (sum of min(BAU,
   * benchmark x output)): the price at which trading within the sector reaches it, and the
   * abatement cost. Null when the plants' curves cannot abate that much.
   */
  priceToReach: number | null;
  costToReach: number | null;
}

/** Reduction potential per sector with a benchmark, in year index t (BAU emissions). */
export function sectoralAnalysis(s: Scenario, t = 0): SectoralPotential[] {
  return Object.entries(s.sectorBenchmarks).map(([sector, benchmark]) => {
    const fs = s.facilities.filter((f) => f.sector === sector);
    let emissions = 0;
    let output = 0;
    let potential = 0;
    let withoutOutput = 0;
    for (const f of fs) {
      const bau = f.bau[t] as number;
      emissions += bau;
      const out = f.output?.[t];
      if (out === undefined) {
        withoutOutput++;
        continue;
      }
      output += out;
      potential += Math.max(0, bau - benchmark * out);
    }
    const reach = sectorCap(s, fs.filter((f) => f.output !== undefined), t, emissions - potential - fs.filter((f) => f.output === undefined).reduce((a, f) => a + (f.bau[t] as number), 0));
    return { sector, year: s.years[t] as number, facilities: fs.length, withoutOutput, emissions, output, benchmark, potential, share: emissions > 0 ? potential / emissions : 0, ...reach };
  });
}

function sectorCap(s: Scenario, fs: Scenario["facilities"], t: number, cap: number): { priceToReach: number | null; costToReach: number | null } {
  if (fs.length === 0) return { priceToReach: null, costToReach: null };
  const one = <T>(xs: readonly T[]) => [xs[t] as T];
  const sub: Scenario = {
    ...s,
    name: "sector",
    years: one(s.years),
    cap: [Math.max(0, cap)],
    initialBank: 0,
    banking: true,
    borrowing: { kind: "none" },
    priceCeiling: [undefined],
    priceFloor: [undefined],
    reserve: [[]],
    offsets: undefined,
    msr: undefined,
    clusters: [],
    facilities: fs.map((f) => ({ ...f, bau: one(f.bau), freeAllocation: [0], output: f.output && one(f.output) })),
    monteCarlo: undefined,
  };
  try {
    const r = simulate(sub, { facilities: false });
    const y = r.years[0];
    return { priceToReach: y?.price ?? null, costToReach: y?.abatementCost ?? null };
  } catch (err) {
    if (err instanceof InfeasibleError) return { priceToReach: null, costToReach: null };
    throw err;
  }
}

export interface ClusterPotential {
  id: string;
  year: number;
  facilities: number;
  emissions: number;
  capacity: number;
  costPerTonne: number;
  /** What the pipeline could take: min(capacity, members' BAU emissions). */
  potential: number;
  /** Taken at the equilibrium price of that year (all above its cost; at its cost, the marginal share). */
  used: number;
  shareOfCountry: number | null;
}

export function clusterAnalysis(s: Scenario, r: SimulationResult, t = 0): ClusterPotential[] {
  const byId = new Map(s.facilities.map((f) => [f.id, f]));
  const price = r.years[t]?.price ?? 0;
  return s.clusters.map((c) => {
    const emissions = c.facilities.reduce((a, id) => a + (byId.get(id)?.bau[t] ?? 0), 0);
    const capacity = c.capacity[t] as number;
    const potential = Math.min(capacity, emissions);
    const atPrice = Math.abs(price - c.costPerTonne) <= 1e-9 * Math.max(1, c.costPerTonne);
    const used = atPrice ? potential * (r.marginalShare[t] ?? 1) : price > c.costPerTonne ? potential : 0;
    return {
      id: c.id,
      year: s.years[t] as number,
      facilities: c.facilities.length,
      emissions,
      capacity,
      costPerTonne: c.costPerTonne,
      potential,
      used,
      shareOfCountry: s.countryEmissions ? potential / s.countryEmissions : null,
    };
  });
}
