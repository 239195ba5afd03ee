// Drawing a given number of values inside a size band [L, U) whose sum is fixed: a truncated
// power law (Pareto) whose exponent is solved so that its mean is the band's mean, then an exact
// adjustment v' = L + k (v - L) (k by bisection, clamped inside the band) so that the counts and
// sums of a coverage table can be reproduced exactly while the shape stays heavy-tailed.
import type { Rng } from "./random.ts";

/** Mean of a power law with density ~ x^(-alpha-1) truncated to [L, U]. */
export function truncatedParetoMean(alpha: number, lo: number, hi: number): number {
  const a = Math.abs(alpha) < 1e-6 ? 1e-6 : Math.abs(alpha - 1) < 1e-6 ? 1 + 1e-6 : alpha;
  const r = Math.pow(lo / hi, a);
  return ((a * Math.pow(lo, a)) / (1 - r)) * ((Math.pow(hi, 1 - a) - Math.pow(lo, 1 - a)) / (1 - a));
}

/** The exponent whose truncated mean equals `mean` (mean strictly inside (L, U)). */
export function solveAlpha(mean: number, lo: number, hi: number): number {
  if (!(mean > lo && mean < hi)) throw new RangeError(`band mean ${mean} outside (${lo}, ${hi})`);
  let a = -20;
  let b = 20; // the mean falls as alpha rises
  for (let i = 0; i < 200; i++) {
    const m = (a + b) / 2;
    if (truncatedParetoMean(m, lo, hi) > mean) a = m;
    else b = m;
  }
  return (a + b) / 2;
}

export function sampleTruncatedPareto(rng: Rng, alpha: number, lo: number, hi: number): number {
  const a = Math.abs(alpha) < 1e-6 ? 1e-6 : alpha;
  const r = Math.pow(lo / hi, a);
  const u = rng.next();
  return lo * Math.pow(1 - u * (1 - r), -1 / a);
}

/** Moves values inside [lo+margin, hi-margin] so that they sum to `total` exactly (to float precision). */
export function fitSum(values: number[], lo: number, hi: number, total: number, margin: number): number[] {
  const min = lo + margin;
  const max = hi - margin;
  if (values.length === 0) {
    if (Math.abs(total) > 1e-6) throw new RangeError(`no values to carry ${total}`);
    return [];
  }
  if (total < values.length * min || total > values.length * max) {
    throw new RangeError(`${values.length} values in [${min}, ${max}] cannot sum to ${total}`);
  }
  const at = (k: number) => values.map((v) => Math.min(max, Math.max(min, lo + k * (v - lo))));
  const sumAt = (k: number) => at(k).reduce((s, v) => s + v, 0);
  let a = 0;
  let b = 1;
  while (sumAt(b) < total) b *= 2;
  for (let i = 0; i < 200 && b - a > 1e-15 * b; i++) {
    const m = (a + b) / 2;
    if (sumAt(m) < total) a = m;
    else b = m;
  }
  const out = at(b);
  // Spread the last float residue over the values that are not at a bound.
  const residue = total - out.reduce((s, v) => s + v, 0);
  const free = out.map((v, i) => (v > min && v < max ? i : -1)).filter((i) => i >= 0);
  if (free.length > 0) for (const i of free) out[i] = (out[i] ?? 0) + residue / free.length;
  return out;
}

/** `count` values in the band summing to `total`. */
export function drawBand(rng: Rng, count: number, lo: number, hi: number, total: number, margin: number): number[] {
  if (count === 0) return fitSum([], lo, hi, total, margin);
  const alpha = solveAlpha(total / count, lo, hi);
  const raw = Array.from({ length: count }, () => sampleTruncatedPareto(rng, alpha, lo, hi));
  return fitSum(raw, lo, hi, total, margin);
}
