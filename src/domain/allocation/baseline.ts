// Grandfathering baselines: the variation of a series ((max - min) / mean), the steadiest run of
// N consecutive years inside a window, the baseline as the exact mean of the chosen years (one
// abnormal year may be dropped), and the revision rule for declared changes (>= 6% of baseline).
// Variations are floats (they only choose); baselines are exact ratios (they feed allocations).
import type { Ratio } from "./ratio.ts";
import { add, cmp, frac, mul, ratio, ZERO } from "./ratio.ts";

export interface YearValue {
  year: number;
  value: number;
}

/** (max - min) / mean; 0 for a constant series, Infinity when the mean is 0 but values differ. */
export function variation(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let total = 0;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
    total += v;
  }
  if (max === min) return 0;
  const mean = total / values.length;
  return mean === 0 ? Number.POSITIVE_INFINITY : (max - min) / mean;
}

export interface WindowChoice {
  from: number;
  to: number;
  variation: number;
}

/**
 * The run of `length` consecutive years (every year present) with the smallest variation, inside
 * [within.from, within.to] when given. Ties go to the earliest run. Undefined when no run fits.
 */
export function steadiestWindow(series: readonly YearValue[], length: number, within?: { from: number; to: number }): WindowChoice | undefined {
  if (!(length >= 1) || !Number.isInteger(length)) throw new RangeError(`window length must be a whole number >= 1, got ${length}`);
  const byYear = new Map(series.map((p) => [p.year, p.value]));
  const years = [...byYear.keys()].filter((y) => !within || (y >= within.from && y <= within.to)).sort((a, b) => a - b);
  let best: WindowChoice | undefined;
  for (const start of years) {
    const values: number[] = [];
    for (let y = start; y < start + length; y++) {
      const v = byYear.get(y);
      if (v === undefined || (within && y > within.to)) break;
      values.push(v);
    }
    if (values.length < length) continue;
    const v = variation(values);
    if (!best || v < best.variation) best = { from: start, to: start + length - 1, variation: v };
  }
  return best;
}

export interface BaselineResult {
  from: number;
  to: number;
  /** The years averaged (the window minus an excluded year, if any). */
  years: number[];
  excluded?: number;
  /** Exact mean of the years' values. */
  baseline: Ratio;
  variationAll: number;
  variationWindow: number;
}

export interface BaselineOptions {
  /** Years in the base period (Tokyo: 3). */
  length: number;
  /** Where the base period may lie (Tokyo: FY2002-2007); the whole series when absent. */
  within?: { from: number; to: number };
  /** The operator's choice of first year; the steadiest run when absent. */
  from?: number;
  /** Drop one abnormal year: a named year, or "auto" for the year farthest from the others' mean. */
  exclude?: number | "auto";
}

export type BaselineError =
  | { code: "no-window"; length: number; within?: { from: number; to: number } }
  | { code: "missing-year"; year: number }
  | { code: "bad-exclusion"; year: number };

function meanOf(values: readonly number[]): Ratio {
  let s = ZERO;
  for (const v of values) s = add(s, ratio(v));
  return mul(s, frac(1, values.length));
}

/** The farthest-from-the-rest year (ties: the earlier year). */
function abnormalYear(points: readonly YearValue[]): number {
  let worst = points[0] as YearValue;
  let worstGap = -1;
  const total = points.reduce((s, p) => s + p.value, 0);
  for (const p of points) {
    const others = (total - p.value) / (points.length - 1);
    const gap = Math.abs(p.value - others);
    if (gap > worstGap) {
      worst = p;
      worstGap = gap;
    }
  }
  return worst.year;
}

export function computeBaseline(series: readonly YearValue[], opts: BaselineOptions): BaselineResult | BaselineError {
  const byYear = new Map(series.map((p) => [p.year, p.value]));
  let from: number;
  let to: number;
  if (opts.from !== undefined) {
    from = opts.from;
    to = from + opts.length - 1;
    for (let y = from; y <= to; y++) if (!byYear.has(y)) return { code: "missing-year", year: y };
  } else {
    const w = steadiestWindow(series, opts.length, opts.within);
    if (!w) return opts.within ? { code: "no-window", length: opts.length, within: opts.within } : { code: "no-window", length: opts.length };
    from = w.from;
    to = w.to;
  }
  const points: YearValue[] = [];
  for (let y = from; y <= to; y++) points.push({ year: y, value: byYear.get(y) as number });
  let used = points;
  let excluded: number | undefined;
  if (opts.exclude !== undefined) {
    if (points.length < 2) return { code: "bad-exclusion", year: typeof opts.exclude === "number" ? opts.exclude : from };
    excluded = opts.exclude === "auto" ? abnormalYear(points) : opts.exclude;
    if (excluded < from || excluded > to) return { code: "bad-exclusion", year: excluded };
    used = points.filter((p) => p.year !== excluded);
  }
  const sorted = [...series].sort((a, b) => a.year - b.year);
  const result: BaselineResult = {
    from,
    to,
    years: used.map((p) => p.year),
    baseline: meanOf(used.map((p) => p.value)),
    variationAll: variation(sorted.map((p) => p.value)),
    variationWindow: variation(points.map((p) => p.value)),
  };
  if (excluded !== undefined) result.excluded = excluded;
  return result;
}

export interface RevisionResult {
  revised: boolean;
  /** |change| / baseline. */
  share: Ratio;
  baseline: Ratio;
}

/**
 * A declared change (floor area, use, equipment) of `change` t/yr revises the baseline when
 * |change| >= threshold x baseline (Tokyo: 6%). Weather, hours and output changes are not
 * declared changes; the caller does not pass them.
 */
export function reviseBaseline(baseline: Ratio, change: Ratio, threshold: Ratio = frac(6, 100)): RevisionResult {
  const abs = change.n < 0n ? { n: -change.n, d: change.d } : change;
  const share = baseline.n === 0n ? { n: 1n, d: 1n } : { n: abs.n * baseline.d, d: abs.d * baseline.n };
  const revised = cmp(abs, mul(threshold, baseline)) >= 0;
  return { revised, share, baseline: revised ? add(baseline, change) : baseline };
}
