// What every allocation result carries so an operator can check it by hand: the method, the
// lines of the computation in words, the factors applied (exact decimal text) and each rounding
// to whole allowances (the exact value before, the whole number after, the rule).
import type { Ratio } from "./ratio.ts";
import { show } from "./ratio.ts";

export interface Factor {
  name: string;
  value: string;
}

export interface RoundingStep {
  step: string;
  exact: string;
  rounded: bigint;
  rule: string;
}

export interface Explanation {
  method: string;
  lines: string[];
  factors: Factor[];
  roundings: RoundingStep[];
}

const NO_LINES: string[] = Object.freeze([]) as unknown as string[];
const NO_FACTORS: Factor[] = Object.freeze([]) as unknown as Factor[];
const NO_ROUNDINGS: RoundingStep[] = Object.freeze([]) as unknown as RoundingStep[];

/**
 * A new explanation; `on = false` gives a quiet one that records nothing, so that allocating a
 * million installations does not build a million texts (the engine can rebuild any one on demand).
 * Writers go through say/sayFirst/factor/rounding/note, which take thunks and skip quiet ones.
 */
export function explanation(method: string, on = true): Explanation {
  return on ? { method, lines: [], factors: [], roundings: [] } : { method, lines: NO_LINES, factors: NO_FACTORS, roundings: NO_ROUNDINGS };
}

export function isQuiet(e: Explanation): boolean {
  return e.lines === NO_LINES;
}

export function say(e: Explanation, line: () => string): void {
  if (e.lines !== NO_LINES) e.lines.push(line());
}

export function sayFirst(e: Explanation, line: () => string): void {
  if (e.lines !== NO_LINES) e.lines.unshift(line());
}

/** Records a factor; `name` may be a thunk so that quiet explanations build no text. */
export function factor(e: Explanation, name: string | (() => string), value: Ratio | string): void {
  if (e.factors !== NO_FACTORS) e.factors.push({ name: typeof name === "string" ? name : name(), value: typeof value === "string" ? value : show(value) });
}

export function addFactor(e: Explanation, f: () => Factor): void {
  if (e.factors !== NO_FACTORS) e.factors.push(f());
}

export function rounding(e: Explanation, step: string, exact: Ratio, rounded: bigint, rule: string): void {
  if (e.roundings !== NO_ROUNDINGS) e.roundings.push({ step, exact: show(exact), rounded, rule });
}

export function addRounding(e: Explanation, r: () => RoundingStep): void {
  if (e.roundings !== NO_ROUNDINGS) e.roundings.push(r());
}

/** Thousands separators for whole numbers in explanation lines. */
export function grouped(v: bigint | number): string {
  const s = typeof v === "bigint" ? v.toString() : String(v);
  const neg = s.startsWith("-");
  const [whole = "", fracPart] = (neg ? s.slice(1) : s).split(".");
  const g = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${neg ? "-" : ""}${g}${fracPart === undefined ? "" : `.${fracPart}`}`;
}
