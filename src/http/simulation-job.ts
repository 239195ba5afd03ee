// One simulation request of the API, as a pure job that runs inside a worker thread
// (simulation-runner.ts): parse the scenario (a server example or the caller's text; rulebooks
// only by preset name), check it against the API's size bounds, apply the cap, ceiling and floor
// overrides, run the simulator and measure the comparison criteria. Expected failures are values
// with a code (invalid, too large, infeasible) so the route answers a 4xx problem.
import { listPresets, loadRulebook } from "../io/rulebook.ts";
import { criteria } from "../simulator/compare.ts";
import { InfeasibleError } from "../simulator/equilibrium.ts";
import { parseScenarioText, type Scenario } from "../simulator/scenario.ts";
import { simulate } from "../simulator/simulate.ts";

/** What the API runs at most; larger scenarios belong to `ets simulate`. */
export const SIMULATION_LIMITS = { textBytes: 48 * 1024, years: 50, facilities: 500, clusters: 50, msrIterations: 500 } as const;

export type PriceOverride = { kind: "keep" } | { kind: "none" } | { kind: "value"; value: number };

export interface Overrides {
  /** Multiplies every year's cap (1 = unchanged). */
  capFactor?: number;
  priceCeiling?: PriceOverride;
  priceFloor?: PriceOverride;
}

export interface SimulationJob {
  text: string;
  format: "yaml" | "json";
  /** The name shown for the scenario (the example's id, or the uploaded file's name). */
  name: string;
  overrides: Overrides;
}

export interface SimulationOutput {
  name: string;
  rulebook: string | null;
  currency: string | null;
  facilities: number;
  monteCarloIgnored: boolean;
  parameters: { years: number[]; cap: number[]; priceCeiling: (number | null)[]; priceFloor: (number | null)[] };
  years: Array<{
    year: number; price: number; cap: number; emissions: number; abatement: number; bank: number; auctioned: number; unsold: number;
    reserveSales: number; ceilingSales: number; offsetsUsed: number; msrIntake: number; msrHoldings: number; auctionRevenue: number; abatementCost: number;
  }>;
  msr: { converged: boolean; iterations: number } | null;
  /** Year pairs whose prices do not satisfy the arbitrage conditions (see docs/concepts/simulator.md). */
  warnings: number;
  criteria: ReturnType<typeof criteria>;
}

export type JobResult = { ok: true; value: SimulationOutput } | { ok: false; code: "scenario-invalid" | "scenario-too-large" | "scenario-infeasible"; field: string; reason: string };

const invalid = (field: string, reason: string): JobResult => ({ ok: false, code: "scenario-invalid", field, reason });
const tooLarge = (reason: string): JobResult => ({ ok: false, code: "scenario-too-large", field: "", reason });

/** A rulebook named by an uploaded scenario: presets only (a request never names a server path). */
function presetOnly(name: string) {
  if (!listPresets().includes(name)) throw new Error(`"${name}" is not a rulebook preset (presets: ${listPresets().join(", ")})`);
  return loadRulebook(name);
}

export function checkBounds(s: Scenario): JobResult | undefined {
  const L = SIMULATION_LIMITS;
  if (s.years.length > L.years) return tooLarge(`${s.years.length} years (at most ${L.years})`);
  if (s.facilities.length > L.facilities) return tooLarge(`${s.facilities.length} facilities (at most ${L.facilities})`);
  if (s.clusters.length > L.clusters) return tooLarge(`${s.clusters.length} clusters (at most ${L.clusters})`);
  if (s.msr && s.msr.maxIterations > L.msrIterations) return tooLarge(`msr.maxIterations ${s.msr.maxIterations} (at most ${L.msrIterations})`);
  return undefined;
}

function price(o: PriceOverride | undefined, own: readonly (number | undefined)[]): (number | undefined)[] {
  if (!o || o.kind === "keep") return [...own];
  if (o.kind === "none") return own.map(() => undefined);
  return own.map(() => o.value);
}

/** The scenario with the overrides applied, or why they cannot be (free allocation above the new cap, floor above ceiling). */
export function applyOverrides(s: Scenario, o: Overrides): Scenario | JobResult {
  const factor = o.capFactor ?? 1;
  const cap = s.cap.map((c) => c * factor);
  const ceiling = price(o.priceCeiling, s.priceCeiling);
  const floor = price(o.priceFloor, s.priceFloor);
  for (let t = 0; t < s.years.length; t++) {
    const free = s.facilities.reduce((a, f) => a + (f.freeAllocation[t] as number), 0);
    if (free > (cap[t] as number) * (1 + 1e-12)) return invalid("overrides.capFactor", `free allocation in ${s.years[t]} (${free}) exceeds the cap (${cap[t]})`);
    const c = ceiling[t];
    const fl = floor[t];
    if (c !== undefined && fl !== undefined && fl > c) return invalid("overrides.priceFloor", `the floor (${fl}) is above the ceiling (${c}) in ${s.years[t]}`);
  }
  return { ...s, cap, priceCeiling: ceiling, priceFloor: floor };
}

export function runJob(job: SimulationJob): JobResult {
  if (Buffer.byteLength(job.text, "utf8") > SIMULATION_LIMITS.textBytes) return tooLarge(`the scenario text is larger than ${SIMULATION_LIMITS.textBytes} bytes`);
  const parsed = parseScenarioText(job.text, job.format, { rulebook: presetOnly });
  if (!parsed.ok) return invalid(parsed.path, parsed.message);
  const bounded = checkBounds(parsed.scenario);
  if (bounded) return bounded;
  const s0: Scenario = { ...parsed.scenario, name: parsed.scenario.name === "scenario" ? job.name : parsed.scenario.name, monteCarlo: undefined };
  const s = applyOverrides(s0, job.overrides);
  if ("ok" in s) return s;
  let r;
  let crit;
  try {
    r = simulate(s);
    crit = criteria(s, r);
  } catch (err) {
    if (err instanceof InfeasibleError) return { ok: false, code: "scenario-infeasible", field: "", reason: err.message };
    throw err;
  }
  const rb = s.rulebook?.name ?? null;
  return {
    ok: true,
    value: {
      name: s.name,
      rulebook: rb,
      currency: rb && listPresets().includes(rb) ? loadRulebook(rb).currency : null,
      facilities: s.facilities.length,
      monteCarloIgnored: parsed.scenario.monteCarlo !== undefined,
      parameters: { years: [...s.years], cap: [...s.cap], priceCeiling: s.priceCeiling.map((v) => v ?? null), priceFloor: s.priceFloor.map((v) => v ?? null) },
      years: r.years.map((y) => ({
        year: y.year, price: y.price, cap: y.cap, emissions: y.emissions, abatement: y.abatement, bank: y.bank, auctioned: y.auctioned, unsold: y.unsold,
        reserveSales: y.reserveSales, ceilingSales: y.ceilingSales, offsetsUsed: y.offsetsUsed, msrIntake: y.msrIntake, msrHoldings: y.msrHoldings,
        auctionRevenue: y.auctionRevenue, abatementCost: y.abatementCost,
      })),
      msr: r.msr ? { converged: r.msr.converged, iterations: r.msr.iterations } : null,
      warnings: r.warnings.length,
      criteria: crit,
    },
  };
}
