// `npm run bench -- simulator`: a national-scale scenario (13,000 facilities with 5-step curves,
// 15 years, banking, a hard ceiling and a reserve tier) solved by the simulator beside HiGHS
// solving the same problem as an LP in the same run (goal: >= 100x faster, prices equal within
// 1e-6 relative). HiGHS solves 1,000 facilities, then the full size (minutes); if it cannot
// solve the full size within its time limit, the largest size it solved is compared instead and
// the output says so. Then 10,000 Monte Carlo paths of a
// 1,000-facility scenario on 2 worker threads, against 1 thread in the same run.
import { performance } from "node:perf_hooks";
import { PathRandom } from "../src/simulator/montecarlo.ts";
import { scenarioToLp } from "../src/simulator/lp.ts";
import { runBehaviour } from "../src/simulator/pool.ts";
import { parseScenario } from "../src/simulator/scenario.ts";
import type { Scenario } from "../src/simulator/scenario.ts";
import { simulate } from "../src/simulator/simulate.ts";
import { loadHighs } from "../test/support/highs.ts";
import { figure } from "./figure.ts";
import type { Figure } from "./figure.ts";

const YEARS = 15;
// HiGHS needs minutes for the full size; the limit only guards against a run that never ends.
const HIGHS_TIME_LIMIT_S = Number(process.env.SIM_BENCH_HIGHS_LIMIT ?? 3600);
// Dual simplex without presolve: on the 4,000-facility LP it took 51 s against 123 s with the
// defaults (presolve on, solver chosen by HiGHS) and 308 s with the primal simplex (2026-12-02).
const HIGHS_OPTIONS = { presolve: "off", solver: "simplex" } as const;

/** A deterministic national scenario: lognormal-ish BAU, 5 steps with distinct costs, caps falling 2.2% a year. */
export function nationalScenario(facilities: number, seed = 13): Scenario {
  const r = new PathRandom(seed, facilities);
  let bauTotal = 0;
  const fs = Array.from({ length: facilities }, (_, i) => {
    const bau = Math.round(2000 * Math.exp(1.6 * r.normal())) + 100;
    bauTotal += bau;
    let cost = 0;
    const steps = Array.from({ length: 5 }, () => {
      cost += 5 + 40 * r.uniform();
      return { quantity: Math.round(bau * (0.04 + 0.08 * r.uniform())), cost: Math.round(cost * 1000) / 1000 + r.uniform() * 1e-3 };
    });
    return { id: `f${i}`, sector: i % 3 === 0 ? "power" : i % 3 === 1 ? "steel" : "cement", bau, mac: { steps }, freeAllocation: Math.round(bau * 0.3) };
  });
  const cap = Array.from({ length: YEARS }, (_, t) => Math.round(bauTotal * 0.93 * Math.pow(1 - 0.022, t)) + 0.37 * t);
  const v = {
    name: `national-${facilities}`,
    years: { from: 2026, to: 2026 + YEARS - 1 },
    discountRate: 0.04,
    banking: true,
    cap,
    initialBank: Math.round(bauTotal * 0.05) + 0.29,
    priceCeiling: Array.from({ length: YEARS }, (_, t) => 120 * Math.pow(1.03, t)),
    reserve: [{ trigger: 95.5, quantity: Math.round(bauTotal * 0.01) + 0.11 }],
    facilities: fs,
  };
  const p = parseScenario(v);
  if (!p.ok) throw new Error(`${p.path}: ${p.message}`);
  return p.scenario;
}

function timeSim(s: Scenario, runs: number): { seconds: number; prices: number[] } {
  let prices: number[] = [];
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    prices = simulate(s, { facilities: false }).years.map((y) => y.price);
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  return { seconds: times[Math.floor(times.length / 2)] as number, prices };
}

interface Compared {
  size: number;
  simSeconds: number;
  lpSeconds: number;
  maxRel: number;
}

/** Simulator and HiGHS on the same scenario; undefined when HiGHS does not finish within its limit. */
function compareAt(highs: Awaited<ReturnType<typeof loadHighs>>, size: number, log: (s: string) => void): Compared | undefined {
  const s = nationalScenario(size);
  const sim = timeSim(s, 9);
  const m = scenarioToLp(s);
  log(`${size} facilities: LP with ${m.columns} columns; solving with HiGHS (time limit ${HIGHS_TIME_LIMIT_S} s)`);
  const t0 = performance.now();
  const r = highs.solve(m.text, { ...HIGHS_OPTIONS, output_flag: false, time_limit: HIGHS_TIME_LIMIT_S });
  const lpSeconds = (performance.now() - t0) / 1000;
  if (r.Status !== "Optimal") {
    log(`${size} facilities: HiGHS stopped with status ${r.Status} after ${lpSeconds.toFixed(1)} s`);
    return undefined;
  }
  const rows = r.Rows as unknown as readonly { Name: string; Dual: number }[];
  const dual = new Map(rows.map((x) => [x.Name, x.Dual]));
  const lp = m.rows.map((name, t) => (dual.get(name) as number) / (m.discount[t] as number));
  const maxRel = Math.max(...sim.prices.map((p, t) => Math.abs(p - (lp[t] as number)) / Math.max(1, Math.abs(lp[t] as number))));
  log(`${size} facilities: simulator ${(sim.seconds * 1000).toFixed(1)} ms, HiGHS ${lpSeconds.toFixed(2)} s, max relative price difference ${maxRel.toExponential(2)}`);
  return { size, simSeconds: sim.seconds, lpSeconds, maxRel };
}

async function lpVersus(log: (s: string) => void): Promise<Figure[]> {
  const FULL = 13_000;
  // the full size first, before the LP solver's WebAssembly heap puts the collector under pressure
  const full = timeSim(nationalScenario(FULL), 9);
  const highs = await loadHighs();
  // ascending sizes; a size is skipped when the last solve time, scaled by size^1.5, predicts more than 3x the limit
  let best: Compared | undefined;
  for (const size of [1_000, FULL]) {
    if (best && best.lpSeconds * Math.pow(size / best.size, 1.5) > 3 * HIGHS_TIME_LIMIT_S) {
      log(`${size} facilities: skipped (HiGHS took ${best.lpSeconds.toFixed(1)} s at ${best.size}; predicted beyond ${3 * HIGHS_TIME_LIMIT_S} s)`);
      break;
    }
    const c = compareAt(highs, size, log);
    if (!c) break;
    best = c;
  }
  log(`${FULL} facilities: simulator ${(full.seconds * 1000).toFixed(1)} ms; prices ${full.prices.map((p) => p.toFixed(3)).join(" ")}`);
  const out: Figure[] = [];
  if (best) {
    const note = best.size === FULL ? "" : ` (HiGHS cannot solve ${FULL.toLocaleString("en")} within ~${HIGHS_TIME_LIMIT_S} s here; largest size solved)`;
    out.push(
      figure({ figure: `simulator equilibrium, ${best.size} facilities x 5 steps x ${YEARS} years, banking, ceiling, reserve${note}`, value: best.simSeconds, baseline: best.lpSeconds, unit: "s", baselineName: "HiGHS LP, same problem", goal: "ratio <= 0.01 (>= 100x faster)" }),
      figure({ figure: `max relative price difference simulator vs HiGHS, ${best.size} facilities`, value: best.maxRel, baseline: 1e-6, unit: "", baselineName: "tolerance 1e-6", goal: "ratio <= 1" }),
    );
  }
  if (!best || best.size !== FULL) {
    out.push(figure({ figure: `simulator equilibrium, ${FULL} facilities x 5 steps x ${YEARS} years`, value: full.seconds, baseline: best?.simSeconds ?? Number.NaN, unit: "s", baselineName: `simulator at ${best?.size ?? "-"} facilities (scaling)`, goal: "near-linear in facilities" }));
  }
  return out;
}

async function monteCarloFigure(log: (s: string) => void): Promise<Figure[]> {
  const base = nationalScenario(1000, 7);
  const s = (paths: number): Scenario => ({ ...base, monteCarlo: { paths, seed: 1, bauSigma: 0.05, behaviours: ["perfectForesight"], horizon: undefined, threads: undefined } });
  const one = 500;
  let t0 = performance.now();
  await runBehaviour(s(one), "perfectForesight", { threads: 1 });
  const oneRate = one / ((performance.now() - t0) / 1000);
  log(`Monte Carlo, 1 thread: ${oneRate.toFixed(1)} paths/s on ${one} paths`);
  const paths = Number(process.env.SIM_BENCH_PATHS ?? 10_000);
  t0 = performance.now();
  await runBehaviour(s(paths), "perfectForesight", { threads: 2 });
  const twoRate = paths / ((performance.now() - t0) / 1000);
  log(`Monte Carlo, 2 threads: ${paths} paths at ${twoRate.toFixed(1)} paths/s`);
  return [figure({ figure: `Monte Carlo paths per second, 1,000 facilities, ${YEARS} years, ${paths} paths, 2 worker threads`, value: twoRate, baseline: oneRate, unit: "paths/s", baselineName: "1 thread, same run", goal: "ratio near 2 on 2 free cores" })];
}

export async function run(log: (s: string) => void): Promise<Figure[]> {
  return [...(await lpVersus(log)), ...(await monteCarloFigure(log))];
}
