// The allocation methods, each giving an exact preliminary amount (a ratio of allowances) and the
// explanation of how it was reached. Rounding to whole allowances happens later, once, in the
// engine (after the auction share), so that no method rounds twice.
import type { Explanation } from "./explain.ts";
import { addFactor, addRounding, explanation, factor, grouped, say } from "./explain.ts";
import type { Ratio } from "./ratio.ts";
import { add, frac, mul, ONE, show, sub, ZERO } from "./ratio.ts";

export interface Amount {
  amount: Ratio;
  explanation: Explanation;
}

export type TopLevel = "top" | "near-top";

/** Tokyo: top-level facilities get their reduction rate x 1/2, near-top-level x 3/4. */
export const TOP_LEVEL_FACTORS: Readonly<Record<TopLevel, Ratio>> = { top: frac(1, 2), "near-top": frac(3, 4) };

export interface NamedFactor {
  name: string;
  value: Ratio;
}

export interface GrandfatheringInput {
  /** Exact baseline emissions, t/yr. */
  baseline: Ratio;
  /** Reduction rate of the installation's class (Tokyo I-1 first period: 0.08). */
  reductionRate: Ratio;
  /** The class named in the explanation. */
  className?: string;
  topLevel?: TopLevel;
  /** How the rate was reached (e.g. "1 - (1 - 0.017)^3"), for the explanation. */
  rateNote?: string;
  /** Other multiplicative factors (Germany phase 2 industry factor 0.9875, ...). */
  factors?: readonly NamedFactor[];
}

/** allowance = baseline x (1 - reduction rate x top-level factor) x factors. */
export function grandfathering(input: GrandfatheringInput, on = true): Amount {
  const e = explanation("grandfathering", on);
  let rate = input.reductionRate;
  factor(e, () => `reduction rate${input.className ? ` (class ${input.className})` : ""}`, rate);
  if (input.rateNote) say(e, () => `reduction rate ${show(rate)}: ${input.rateNote}`);
  if (input.topLevel) {
    const t = TOP_LEVEL_FACTORS[input.topLevel];
    factor(e, () => `${input.topLevel}-level factor on the rate`, t);
    rate = mul(rate, t);
  }
  let keep = sub(ONE, rate);
  if (keep.n < 0n) keep = ZERO;
  let amount = mul(input.baseline, keep);
  say(e, () => `baseline ${show(input.baseline)} t x (1 - ${show(rate)}) = ${show(amount)}`);
  for (const f of input.factors ?? []) {
    factor(e, f.name, f.value);
    amount = mul(amount, f.value);
    say(e, () => `x ${f.name} ${show(f.value)} = ${show(amount)}`);
  }
  return { amount, explanation: e };
}

/**
 * One line (sub-installation) of a benchmarked installation. The approach is the first that has
 * both data and a benchmark, in the order product, heat, fuel, process (EU fall-backs).
 */
export interface BenchmarkLine {
  id: string;
  product?: { name: string; benchmark: Ratio; activity: Ratio; unit?: string | (() => string); factors?: readonly NamedFactor[] };
  /** Measurable heat, TJ, with the heat benchmark (t/TJ). */
  heat?: { activity: Ratio; benchmark: Ratio };
  /** Fuel input, TJ, with the fuel benchmark (t/TJ). */
  fuel?: { activity: Ratio; benchmark: Ratio };
  /** Historical process emissions, t, grandfathered at `factor` (EU phase 3: 0.97). */
  process?: { emissions: Ratio; factor: Ratio };
}

export type LineApproach = "product" | "heat" | "fuel" | "process";

export interface BenchmarkInput {
  lines: readonly BenchmarkLine[];
  /** The rest of a mixed site (lighting, air conditioning, unbenchmarked products), grandfathered. */
  rest?: GrandfatheringInput;
}

export class AllocationInputError extends Error {}

export function lineAmount(line: BenchmarkLine): { approach: LineApproach; amount: Ratio; text: () => string; factors: () => NamedFactor[] } {
  if (line.product) {
    const p = line.product;
    let amount = mul(p.benchmark, p.activity);
    for (const f of p.factors ?? []) amount = mul(amount, f.value);
    const total = amount;
    const text = () =>
      `${line.id}: ${p.name} benchmark ${show(p.benchmark)} x activity ${show(p.activity)}${p.unit ? ` ${typeof p.unit === "string" ? p.unit : p.unit()}` : ""}${(p.factors ?? []).map((f) => ` x ${f.name} ${show(f.value)}`).join("")} = ${show(total)}`;
    return { approach: "product", amount, text, factors: () => [{ name: `${p.name} benchmark`, value: p.benchmark }, ...(p.factors ?? [])] };
  }
  if (line.heat) {
    const h = line.heat;
    const amount = mul(h.benchmark, h.activity);
    return { approach: "heat", amount, text: () => `${line.id}: heat benchmark ${show(h.benchmark)} t/TJ x ${show(h.activity)} TJ = ${show(amount)}`, factors: () => [{ name: "heat benchmark", value: h.benchmark }] };
  }
  if (line.fuel) {
    const f = line.fuel;
    const amount = mul(f.benchmark, f.activity);
    return { approach: "fuel", amount, text: () => `${line.id}: fuel benchmark ${show(f.benchmark)} t/TJ x ${show(f.activity)} TJ = ${show(amount)}`, factors: () => [{ name: "fuel benchmark", value: f.benchmark }] };
  }
  if (line.process) {
    const pr = line.process;
    const amount = mul(pr.emissions, pr.factor);
    return { approach: "process", amount, text: () => `${line.id}: process emissions ${show(pr.emissions)} t x ${show(pr.factor)} = ${show(amount)}`, factors: () => [{ name: "process emissions factor", value: pr.factor }] };
  }
  throw new AllocationInputError(`line ${line.id}: no product benchmark, heat, fuel or process data to allocate on`);
}

/** allowance = sum over lines of benchmark x activity (with fall-backs), plus the grandfathered rest. */
export function benchmarkAllocation(input: BenchmarkInput, on = true): Amount {
  const e = explanation(input.rest && input.lines.length > 0 ? "benchmark+grandfathering" : input.lines.length > 0 ? "benchmark" : "grandfathering", on);
  let total = ZERO;
  for (const line of input.lines) {
    const r = lineAmount(line);
    say(e, () => `[${r.approach}] ${r.text()}`);
    if (on) for (const f of r.factors()) factor(e, () => `${line.id} ${f.name}`, f.value);
    total = add(total, r.amount);
  }
  if (input.rest) {
    const g = grandfathering(input.rest, on);
    for (const l of g.explanation.lines) say(e, () => `[rest] ${l}`);
    for (const f of g.explanation.factors) addFactor(e, () => ({ name: `rest ${f.name}`, value: f.value }));
    total = add(total, g.amount);
  }
  return { amount: total, explanation: e };
}

export interface NewEntrantInput {
  product: string;
  capacity: Ratio;
  /** Standard capacity utilisation factor of the product (share of capacity, e.g. 0.8). */
  utilisation: Ratio;
  benchmark: Ratio;
}

/** New entrants: capacity x standard utilisation factor x benchmark (their history does not exist). */
export function newEntrant(input: NewEntrantInput, on = true): Amount {
  const e = explanation("new-entrant-benchmark", on);
  const amount = mul(input.capacity, input.utilisation, input.benchmark);
  factor(e, "standard utilisation factor", input.utilisation);
  factor(e, () => `${input.product} benchmark`, input.benchmark);
  say(e, () => `capacity ${show(input.capacity)} x utilisation ${show(input.utilisation)} x ${input.product} benchmark ${show(input.benchmark)} = ${show(amount)}`);
  return { amount, explanation: e };
}

export interface OutputBasedInput {
  year: number;
  /** Outputs of earlier years (KL bill: year - 1 and year - 2). */
  previousOutputs: readonly { year: number; output: Ratio }[];
  /** Sector average intensity, t per unit of output. */
  intensity: Ratio;
  sector: string;
}

/** US KL bill: free allocation = average output of the (two) previous years x sector average intensity. */
export function outputBased(input: OutputBasedInput, on = true): Amount {
  const e = explanation("output-based", on);
  if (input.previousOutputs.length === 0) throw new AllocationInputError("output-based allocation needs at least one previous year's output");
  let total = ZERO;
  for (const p of input.previousOutputs) total = add(total, p.output);
  const avg = mul(total, frac(1, input.previousOutputs.length));
  const amount = mul(avg, input.intensity);
  factor(e, () => `${input.sector} average intensity`, input.intensity);
  say(e, () => `output ${input.previousOutputs.map((p) => `${p.year} ${show(p.output)}`).join(", ")}: average ${show(avg)}`);
  say(e, () => `${show(avg)} x sector intensity ${show(input.intensity)} = ${show(amount)}`);
  return { amount, explanation: e };
}

export interface TrueUp {
  /** Target intensity x actual output. */
  allowed: Ratio;
  /** Whole allowances: positive = over-achievement issued ex post, negative = shortfall to cover. */
  balance: bigint;
  explanation: Explanation;
}

/**
 * Intensity target, settled ex post: allowed emissions = target x actual output. Over-achievement
 * (allowed - actual, floored) is issued as tradable allowances; a shortfall (rounded up) must be
 * covered. Such targets fix no total, which is why the gateway exists.
 */
export function intensityTrueUp(input: { target: Ratio; output: Ratio; emissions: Ratio }, on = true): TrueUp {
  const e = explanation("intensity-target", on);
  const allowed = mul(input.target, input.output);
  const diff = sub(allowed, input.emissions);
  const balance = diff.n >= 0n ? diff.n / diff.d : -((-diff.n + diff.d - 1n) / diff.d);
  factor(e, "target intensity", input.target);
  say(e, () => `allowed = target ${show(input.target)} x output ${show(input.output)} = ${show(allowed)}`);
  say(e, () => `${balance >= 0n ? "over-achievement" : "shortfall"}: ${show(allowed)} - emissions ${show(input.emissions)} = ${show(diff)} -> ${grouped(balance)} (${balance >= 0n ? "floor" : "ceiling of the shortfall"})`);
  addRounding(e, () => ({ step: "true-up", exact: show(diff), rounded: balance, rule: balance >= 0n ? "floor" : "away from zero" }));
  return { allowed, balance, explanation: e };
}
