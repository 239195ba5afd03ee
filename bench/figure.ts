// One benchmark figure: a value, the baseline measured in the same run, and their ratio.
export interface Figure {
  figure: string;
  value: number;
  baseline: number;
  ratio: number;
  unit: string;
  baselineName: string;
  /** The goal, in words, e.g. "ratio >= 0.5". */
  goal: string;
}

export function figure(f: Omit<Figure, "ratio">): Figure {
  return { ...f, ratio: f.baseline === 0 ? Number.NaN : f.value / f.baseline };
}
