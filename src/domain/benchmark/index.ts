// Product benchmarks from installation data: the benchmark curve (installations ranked from the
// most to the least efficient, with cumulative output), deriving a benchmark as the value at the
// top X% boundary or the average of the top X% (counting installations or weighting by output),
// and updating a benchmark over time by an annual rate clamped to a band (the EU phase 4 rule).
// Intensities are floats (t-CO2 per unit of product): analysis, not allocation arithmetic.

export interface ProductionPoint {
  installation: string;
  /** Product output in the product's unit (must be > 0 to have an intensity). */
  output: number;
  /** Direct emissions attributed to the product, t. */
  emissions: number;
}

export interface CurvePoint extends ProductionPoint {
  intensity: number;
  rank: number;
  /** Output of this and every more efficient installation. */
  cumulativeOutput: number;
  /** cumulativeOutput / total output. */
  cumulativeShare: number;
}

/** Ranks by intensity (ties by installation id so the curve is stable); points without output are skipped. */
export function benchmarkCurve(points: readonly ProductionPoint[]): CurvePoint[] {
  const valid = points.filter((p) => p.output > 0);
  const ranked = valid
    .map((p) => ({ ...p, intensity: p.emissions / p.output }))
    .sort((a, b) => a.intensity - b.intensity || (a.installation < b.installation ? -1 : a.installation > b.installation ? 1 : 0));
  const total = ranked.reduce((s, p) => s + p.output, 0);
  let cumulative = 0;
  return ranked.map((p, i) => {
    cumulative += p.output;
    return { ...p, rank: i + 1, cumulativeOutput: cumulative, cumulativeShare: total > 0 ? cumulative / total : 0 };
  });
}

export type BenchmarkMethod = "boundary" | "average";
export type BenchmarkWeighting = "count" | "output";

export interface DeriveOptions {
  /** The top share in percent, 0 < topPercent <= 100 (EU: 10). */
  topPercent: number;
  /** "boundary": intensity at the edge of the top X%; "average": mean intensity within the top X%. */
  method: BenchmarkMethod;
  /** "count": X% of installations (rounded up, at least one); "output": X% of total output. */
  weighting: BenchmarkWeighting;
}

export interface DerivedBenchmark {
  value: number;
  /** Installations (wholly or partly) inside the top share. */
  installationsInTop: number;
  /** The installation at the boundary of the top share. */
  boundary: string;
  /** Total output and installations on the curve. */
  installations: number;
  totalOutput: number;
}

export type DeriveError = { code: "no-installations" } | { code: "bad-top-percent"; topPercent: number };

/** Number of installations in the top X% by count: ceil(n X / 100), at least one (float noise removed). */
export function topCount(n: number, topPercent: number): number {
  return Math.min(n, Math.max(1, Math.ceil((n * topPercent) / 100 - 1e-9)));
}

export function deriveBenchmark(points: readonly ProductionPoint[], options: DeriveOptions): DerivedBenchmark | DeriveError {
  if (!(options.topPercent > 0 && options.topPercent <= 100)) return { code: "bad-top-percent", topPercent: options.topPercent };
  const curve = benchmarkCurve(points);
  const last = curve[curve.length - 1];
  if (!last) return { code: "no-installations" };
  const totalOutput = last.cumulativeOutput;
  const base = { installations: curve.length, totalOutput };
  if (options.weighting === "count") {
    const k = topCount(curve.length, options.topPercent);
    const edge = curve[k - 1] as CurvePoint;
    const value = options.method === "boundary" ? edge.intensity : curve.slice(0, k).reduce((s, p) => s + p.intensity, 0) / k;
    return { ...base, value, installationsInTop: k, boundary: edge.installation };
  }
  const target = (totalOutput * options.topPercent) / 100;
  const at = curve.findIndex((p) => p.cumulativeOutput >= target * (1 - 1e-12));
  const k = at < 0 ? curve.length : at + 1;
  const edge = curve[k - 1] as CurvePoint;
  if (options.method === "boundary") return { ...base, value: edge.intensity, installationsInTop: k, boundary: edge.installation };
  // Exactly X% of output: the boundary installation counts with the part of its output inside.
  let emissions = 0;
  for (let i = 0; i < k - 1; i++) emissions += (curve[i] as CurvePoint).emissions;
  const inside = target - (edge.cumulativeOutput - edge.output);
  emissions += inside * edge.intensity;
  return { ...base, value: emissions / target, installationsInTop: k, boundary: edge.installation };
}

export interface BenchmarkUpdateRule {
  /** Years between the data behind the previous value and the new data (EU: 2007/08 -> 2016/17 = 9). */
  observationYears: number;
  /** Years the rate is applied for (EU 2021-25: 2008 -> 2023 = 15). */
  applicationYears: number;
  /** Annual rate bounds as fractions (EU 2021-25: 0.002 and 0.016). */
  minAnnualRate: number;
  maxAnnualRate: number;
}

/** The EU phase 4 rule for 2021-2025 (Directive 2003/87/EC Art. 10a(2) as amended in 2018). */
export const EU_PHASE4_2021_UPDATE: BenchmarkUpdateRule = { observationYears: 9, applicationYears: 15, minAnnualRate: 0.002, maxAnnualRate: 0.016 };

export interface BenchmarkUpdate {
  observedAnnualRate: number;
  appliedAnnualRate: number;
  /** previous x (1 - appliedAnnualRate x applicationYears) */
  value: number;
}

/**
 * Updates a benchmark: the annual improvement seen in the data (previous -> observed over
 * observationYears) is clamped to [min, max] and applied linearly over applicationYears.
 * A worsening (observed above previous) gives the minimum rate.
 */
export function updateBenchmark(previous: number, observed: number, rule: BenchmarkUpdateRule): BenchmarkUpdate {
  if (!(previous > 0)) throw new RangeError(`previous benchmark must be positive, got ${previous}`);
  if (!(rule.minAnnualRate <= rule.maxAnnualRate)) throw new RangeError("minAnnualRate above maxAnnualRate");
  const observedAnnualRate = (previous - observed) / previous / rule.observationYears;
  const appliedAnnualRate = Math.min(rule.maxAnnualRate, Math.max(rule.minAnnualRate, observedAnnualRate));
  return { observedAnnualRate, appliedAnnualRate, value: previous * (1 - appliedAnnualRate * rule.applicationYears) };
}
