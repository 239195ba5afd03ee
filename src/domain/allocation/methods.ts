// The allocation methods, each giving an exact preliminary amount (a ratio of allowances) and the
// explanation of how it was reached. Rounding to whole allowances happens later, once, in the
// engine (after the auction share), so that no method rounds twice.
import type { Explanation } from "./explain.ts";
import { addFactor, addRounding, explanation, factor, grouped, say } from "./explain.ts";
import type { Ratio } from "./ratio.ts";
import { add, frac, mul, ONE, show, sub, ZERO } from "./ratio.ts";
import { renderText, text, type Text } from "./texts.ts";

export interface Amount {
  amount: Ratio;
  explanation: Explanation;
}

export type TopLevel = "top" | "near-top";

/** Tokyo: top-level facilities get their reduction rate x 1/2, near-top-level x 3/4. */
export const TOP_LEVEL_FACTORS: Readonly<Record<TopLevel, Ratio>> = { top: frac(1, 2), "near-top": frac(3, 4) };

export interface NamedFactor {
  /** The rulebook's own name (data), or the English rendering of `label`. */
  name: string;
  value: Ratio;
  /** When the engine names the factor: its Text. */
  label?: Text;
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
  rateNote?: Text;
  /** Other multiplicative factors (Germany phase 2 industry factor 0.9875, ...). */
  factors?: readonly NamedFactor[];
}

/** allowance = baseline x (1 - reduction rate x top-level factor) x factors. */
export function grandfathering(input: GrandfatheringInput, on = true): Amount {
  const e = explanation("grandfathering", on);
  let rate = input.reductionRate;
  const className = input.className;
  factor(e, () => (className !== undefined ? text("alloc.factor.reductionRateClass", { class: className }) : text("alloc.factor.reductionRate")), rate);
  const note = input.rateNote;
  if (note) say(e, () => text("alloc.line.rate", { rate: show(rate), note }));
  const level = input.topLevel;
  if (level) {
    const t = TOP_LEVEL_FACTORS[level];
    factor(e, () => text("alloc.factor.topLevelOnRate", { level }), t);
    rate = mul(rate, t);
  }
  let keep = sub(ONE, rate);
  if (keep.n < 0n) keep = ZERO;
  let amount = mul(input.baseline, keep);
  say(e, () => text("alloc.line.grandfathering", { baseline: show(input.baseline), rate: show(rate), amount: show(amount) }));
  for (const f of input.factors ?? []) {
    factor(e, f.label ?? f.name, f.value);
    amount = mul(amount, f.value);
    const at = amount;
    say(e, () => text("alloc.line.timesFactor", { name: f.label ?? f.name, value: show(f.value), amount: show(at) }));
  }
  return { amount, explanation: e };
}

/**
 * One line (sub-installation) of a benchmarked installation. The approach is the first that has
 * both data and a benchmark, in the order product, heat, fuel, process (EU fall-backs).
 */
export interface BenchmarkLine {
  id: string;
  /** `unit` says what the activity is: a Text (output of a year or window) or a plain unit written after the figure. */
  product?: { name: string; benchmark: Ratio; activity: Ratio; unit?: string | Text | (() => Text); factors?: readonly NamedFactor[] };
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

/** Input the engine cannot allocate on; the message is the English rendering of `text`. */
export class AllocationInputError extends Error {
  constructor(readonly text: Text) {
    super(renderText("en", text));
  }
}

/** A factor the engine names (its English name is the Text's rendering). */
function named(label: Text, value: Ratio): NamedFactor {
  return { name: renderText("en", label), value, label };
}

function unitOf(u: string | Text | (() => Text) | undefined): string | Text {
  if (u === undefined) return "";
  if (typeof u === "string") return ` ${u}`;
  return typeof u === "function" ? u() : u;
}

export function lineAmount(line: BenchmarkLine): { approach: LineApproach; amount: Ratio; text: () => Text; factors: () => NamedFactor[] } {
  if (line.product) {
    const p = line.product;
    let amount = mul(p.benchmark, p.activity);
    for (const f of p.factors ?? []) amount = mul(amount, f.value);
    const total = amount;
    const t = () =>
      text("alloc.line.product", {
        id: line.id, product: p.name, benchmark: show(p.benchmark), activity: show(p.activity), unit: unitOf(p.unit),
        factors: (p.factors ?? []).map((f) => text("alloc.part.factor", { name: f.label ?? f.name, value: show(f.value) })), amount: show(total),
      });
    return { approach: "product", amount, text: t, factors: () => [named(text("alloc.factor.productBenchmark", { product: p.name }), p.benchmark), ...(p.factors ?? [])] };
  }
  if (line.heat) {
    const h = line.heat;
    const amount = mul(h.benchmark, h.activity);
    return { approach: "heat", amount, text: () => text("alloc.line.heat", { id: line.id, benchmark: show(h.benchmark), activity: show(h.activity), amount: show(amount) }), factors: () => [named(text("alloc.factor.heatBenchmark"), h.benchmark)] };
  }
  if (line.fuel) {
    const f = line.fuel;
    const amount = mul(f.benchmark, f.activity);
    return { approach: "fuel", amount, text: () => text("alloc.line.fuel", { id: line.id, benchmark: show(f.benchmark), activity: show(f.activity), amount: show(amount) }), factors: () => [named(text("alloc.factor.fuelBenchmark"), f.benchmark)] };
  }
  if (line.process) {
    const pr = line.process;
    const amount = mul(pr.emissions, pr.factor);
    return { approach: "process", amount, text: () => text("alloc.line.process", { id: line.id, emissions: show(pr.emissions), factor: show(pr.factor), amount: show(amount) }), factors: () => [named(text("alloc.factor.processFactor"), pr.factor)] };
  }
  throw new AllocationInputError(text("alloc.skip.noLineData", { id: line.id }));
}

/** allowance = sum over lines of benchmark x activity (with fall-backs), plus the grandfathered rest. */
export function benchmarkAllocation(input: BenchmarkInput, on = true): Amount {
  const e = explanation(input.rest && input.lines.length > 0 ? "benchmark+grandfathering" : input.lines.length > 0 ? "benchmark" : "grandfathering", on);
  let total = ZERO;
  for (const line of input.lines) {
    const r = lineAmount(line);
    say(e, () => text("alloc.line.approach", { approach: text(`alloc.approach.${r.approach}`), text: r.text() }));
    if (on) for (const f of r.factors()) factor(e, () => text("alloc.factor.ofLine", { id: line.id, name: f.label ?? f.name }), f.value);
    total = add(total, r.amount);
  }
  if (input.rest) {
    const g = grandfathering(input.rest, on);
    for (const l of g.explanation.steps) say(e, () => text("alloc.line.rest", { line: l }));
    for (const f of g.explanation.factors) {
      addFactor(e, () => {
        const label = text("alloc.factor.rest", { name: f.label ?? f.name });
        return { name: renderText("en", label), value: f.value, label };
      });
    }
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
  factor(e, text("alloc.factor.utilisation"), input.utilisation);
  factor(e, () => text("alloc.factor.productBenchmark", { product: input.product }), input.benchmark);
  say(e, () => text("alloc.line.newEntrant", { capacity: show(input.capacity), utilisation: show(input.utilisation), product: input.product, benchmark: show(input.benchmark), amount: show(amount) }));
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
  if (input.previousOutputs.length === 0) throw new AllocationInputError(text("alloc.skip.noPreviousYears"));
  let total = ZERO;
  for (const p of input.previousOutputs) total = add(total, p.output);
  const avg = mul(total, frac(1, input.previousOutputs.length));
  const amount = mul(avg, input.intensity);
  factor(e, () => text("alloc.factor.sectorIntensity", { sector: input.sector }), input.intensity);
  say(e, () => text("alloc.line.outputs", { outputs: input.previousOutputs.map((p) => `${p.year} ${show(p.output)}`).join(", "), average: show(avg) }));
  say(e, () => text("alloc.line.outputBased", { average: show(avg), intensity: show(input.intensity), amount: show(amount) }));
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
  factor(e, text("alloc.factor.targetIntensity"), input.target);
  say(e, () => text("alloc.line.allowed", { target: show(input.target), output: show(input.output), allowed: show(allowed) }));
  say(e, () => text(balance >= 0n ? "alloc.line.overAchievement" : "alloc.line.shortfall", { allowed: show(allowed), emissions: show(input.emissions), diff: show(diff), balance: grouped(balance) }));
  addRounding(e, () => ({ stepText: text("alloc.step.trueUp"), exact: show(diff), rounded: balance, ruleText: text(balance >= 0n ? "alloc.rule.floor" : "alloc.rule.awayFromZero") }));
  return { allowed, balance, explanation: e };
}
