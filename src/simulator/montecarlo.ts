// Monte Carlo over BAU uncertainty: each path draws one shock per year, common to all facilities,
// BAU x (1 + e) with e ~ N(0, bauSigma^2), from a generator seeded by (seed, path index) alone, so a
// path's draws do not depend on how paths are split across threads. Two behaviours: perfect
// foresight on the realised path, and a rolling horizon that re-plans each year expecting no
// further shocks and carries the realised bank forward. Statistics are computed in path order.
import type { Scenario } from "./scenario.ts";
import { simulate } from "./simulate.ts";

export type Behaviour = "perfectForesight" | "rollingHorizon";

/** splitmix64-style mixing in 32-bit halves: a seed per path from (seed, path). */
function mix(a: number, b: number): number {
  let h = (Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** A small seeded generator (mulberry32) with Box-Muller normals. */
export class PathRandom {
  private s: number;
  constructor(seed: number, path: number) {
    this.s = mix(mix(seed >>> 0, Math.floor(seed / 2 ** 32) >>> 0), path >>> 0);
  }
  uniform(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let z = this.s;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return (((z ^ (z >>> 14)) >>> 0) + 0.5) / 4294967296;
  }
  normal(): number {
    return Math.sqrt(-2 * Math.log(this.uniform())) * Math.cos(2 * Math.PI * this.uniform());
  }
}

export function pathShocks(seed: number, path: number, years: number, sigma: number): number[] {
  const r = new PathRandom(seed, path);
  return Array.from({ length: years }, () => 1 + sigma * r.normal());
}

/** The outcome of one path: per-year price, emissions, bank and government sales. */
export interface PathOutcome {
  price: number[];
  emissions: number[];
  bank: number[];
  reserveSales: number[];
  ceilingSales: number[];
  atFloor: boolean[];
  atCeiling: boolean[];
  msrConverged: boolean;
}

const near = (a: number, b: number | undefined) => b !== undefined && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

function outcome(s: Scenario, ys: { price: number; emissions: number; bank: number; reserveSales: number; ceilingSales: number }[], converged: boolean): PathOutcome {
  return {
    price: ys.map((y) => y.price),
    emissions: ys.map((y) => y.emissions),
    bank: ys.map((y) => y.bank),
    reserveSales: ys.map((y) => y.reserveSales),
    ceilingSales: ys.map((y) => y.ceilingSales),
    atFloor: ys.map((y, t) => near(y.price, s.priceFloor[t])),
    atCeiling: ys.map((y, t) => near(y.price, s.priceCeiling[t])),
    msrConverged: converged,
  };
}

/** One path under one behaviour. */
export function runPath(s: Scenario, path: number, behaviour: Behaviour): PathOutcome {
  const mc = s.monteCarlo;
  if (!mc) throw new Error("the scenario has no monteCarlo section");
  const T = s.years.length;
  const shocks = pathShocks(mc.seed, path, T, mc.bauSigma);
  if (behaviour === "perfectForesight") {
    const r = simulate(s, { bauFactor: shocks, facilities: false });
    return outcome(s, r.years, r.msr?.converged ?? true);
  }
  // rolling horizon: in year t the shock of t is known, later years are expected at BAU
  const years: Parameters<typeof outcome>[1] = [];
  let bank = s.initialBank;
  let holdings = s.msr?.initialHoldings ?? 0;
  let converged = true;
  const h = mc.horizon ?? T;
  for (let t = 0; t < T; t++) {
    const factor = shocks.map((x, k) => (k === t ? x : 1));
    const r = simulate(s, { bauFactor: factor, facilities: false, window: { from: t, to: Math.min(T - 1, t + h - 1), bank, msrHoldings: holdings } });
    const y = r.years[0];
    if (!y) throw new Error("invariant: empty rolling-horizon window");
    years.push(y);
    bank = y.bank;
    holdings = y.msrHoldings;
    converged &&= r.msr?.converged ?? true;
  }
  return outcome(s, years, converged);
}

export interface Quantiles {
  p5: number;
  p10: number;
  p50: number;
  p90: number;
  p95: number;
  mean: number;
}

export interface BehaviourSummary {
  year: number[];
  price: Quantiles[];
  emissions: Quantiles[];
  bank: Quantiles[];
  probabilityAtFloor: number[];
  probabilityAtCeiling: number[];
  expectedReserveSales: number[];
  expectedCeilingSales: number[];
  msrNotConverged: number;
}

export interface MonteCarloSummary {
  paths: number;
  seed: number;
  bauSigma: number;
  perfectForesight?: BehaviourSummary;
  rollingHorizon?: BehaviourSummary;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  return a + ((sorted[hi] as number) - a) * (pos - lo);
}

function quantiles(values: readonly number[]): Quantiles {
  const s = [...values].sort((a, b) => a - b);
  const mean = values.reduce((a, x) => a + x, 0) / Math.max(1, values.length);
  return { p5: quantile(s, 0.05), p10: quantile(s, 0.1), p50: quantile(s, 0.5), p90: quantile(s, 0.9), p95: quantile(s, 0.95), mean };
}

/** Statistics over paths given in path order (the same numbers whatever the thread count). */
export function summarise(s: Scenario, paths: readonly PathOutcome[]): BehaviourSummary {
  const T = s.years.length;
  const n = Math.max(1, paths.length);
  const col = (f: (p: PathOutcome) => readonly number[], t: number) => paths.map((p) => f(p)[t] as number);
  const mean = (f: (p: PathOutcome) => readonly number[], t: number) => col(f, t).reduce((a, x) => a + x, 0) / n;
  const share = (f: (p: PathOutcome) => readonly boolean[], t: number) => paths.filter((p) => f(p)[t]).length / n;
  const ts = Array.from({ length: T }, (_, t) => t);
  return {
    year: [...s.years],
    price: ts.map((t) => quantiles(col((p) => p.price, t))),
    emissions: ts.map((t) => quantiles(col((p) => p.emissions, t))),
    bank: ts.map((t) => quantiles(col((p) => p.bank, t))),
    probabilityAtFloor: ts.map((t) => share((p) => p.atFloor, t)),
    probabilityAtCeiling: ts.map((t) => share((p) => p.atCeiling, t)),
    expectedReserveSales: ts.map((t) => mean((p) => p.reserveSales, t)),
    expectedCeilingSales: ts.map((t) => mean((p) => p.ceilingSales, t)),
    msrNotConverged: paths.filter((p) => !p.msrConverged).length,
  };
}

/** Runs paths [from, to) in this thread. */
export function runPaths(s: Scenario, from: number, to: number, behaviour: Behaviour, onPath?: () => void): PathOutcome[] {
  const out: PathOutcome[] = [];
  for (let i = from; i < to; i++) {
    out.push(runPath(s, i, behaviour));
    onPath?.();
  }
  return out;
}
