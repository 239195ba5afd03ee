// What every allocation result carries so an operator can check it by hand: the method, the
// steps of the computation (each a Text of texts.ts, with its English rendering in `lines`), the
// factors applied (exact decimal text) and each rounding to whole allowances (the exact value
// before, the whole number after, the rule). The CLI prints the English lines; the console
// renders the steps in the reader's language.
import type { Ratio } from "./ratio.ts";
import { show } from "./ratio.ts";
import { renderText, type Text } from "./texts.ts";

export interface Factor {
  /** The name in English (a Text's rendering, or the rulebook's own name for its factors). */
  name: string;
  value: string;
  /** The name as a Text; null when the name is data (a rulebook's own factor name). */
  label: Text | null;
}

export interface RoundingStep {
  step: string;
  exact: string;
  rounded: bigint;
  rule: string;
  stepText: Text;
  ruleText: Text;
}

export interface Explanation {
  method: string;
  /** The steps in English, as the CLI prints them. */
  lines: string[];
  /** The same steps as Texts, one per line. */
  steps: Text[];
  factors: Factor[];
  roundings: RoundingStep[];
}

const NO_LINES: string[] = Object.freeze([]) as unknown as string[];
const NO_STEPS: Text[] = Object.freeze([]) as unknown as Text[];
const NO_FACTORS: Factor[] = Object.freeze([]) as unknown as Factor[];
const NO_ROUNDINGS: RoundingStep[] = Object.freeze([]) as unknown as RoundingStep[];

/**
 * A new explanation; `on = false` gives a quiet one that records nothing, so that allocating a
 * million installations does not build a million texts (the engine can rebuild any one on demand).
 * Writers go through say/sayFirst/factor/rounding, which take thunks and skip quiet ones.
 */
export function explanation(method: string, on = true): Explanation {
  return on ? { method, lines: [], steps: [], factors: [], roundings: [] } : { method, lines: NO_LINES, steps: NO_STEPS, factors: NO_FACTORS, roundings: NO_ROUNDINGS };
}

export function isQuiet(e: Explanation): boolean {
  return e.lines === NO_LINES;
}

export function say(e: Explanation, line: () => Text): void {
  if (e.lines === NO_LINES) return;
  const t = line();
  e.steps.push(t);
  e.lines.push(renderText("en", t));
}

export function sayFirst(e: Explanation, line: () => Text): void {
  if (e.lines === NO_LINES) return;
  const t = line();
  e.steps.unshift(t);
  e.lines.unshift(renderText("en", t));
}

/** Records a factor named by a Text, or by a string that is data (a rulebook's own factor name). */
export function factor(e: Explanation, name: Text | string | (() => Text), value: Ratio | string): void {
  if (e.factors === NO_FACTORS) return;
  const label = typeof name === "function" ? name() : typeof name === "string" ? null : name;
  e.factors.push({ name: label ? renderText("en", label) : (name as string), value: typeof value === "string" ? value : show(value), label });
}

export function addFactor(e: Explanation, f: () => Factor): void {
  if (e.factors !== NO_FACTORS) e.factors.push(f());
}

export function rounding(e: Explanation, step: Text, exact: Ratio, rounded: bigint, rule: Text): void {
  if (e.roundings !== NO_ROUNDINGS) e.roundings.push({ step: renderText("en", step), exact: show(exact), rounded, rule: renderText("en", rule), stepText: step, ruleText: rule });
}

export function addRounding(e: Explanation, r: () => { stepText: Text; exact: string; rounded: bigint; ruleText: Text }): void {
  if (e.roundings === NO_ROUNDINGS) return;
  const x = r();
  e.roundings.push({ step: renderText("en", x.stepText), exact: x.exact, rounded: x.rounded, rule: renderText("en", x.ruleText), stepText: x.stepText, ruleText: x.ruleText });
}

/** Thousands separators for whole numbers in explanation lines. */
export function grouped(v: bigint | number): string {
  const s = typeof v === "bigint" ? v.toString() : String(v);
  const neg = s.startsWith("-");
  const [whole = "", fracPart] = (neg ? s.slice(1) : s).split(".");
  const g = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${neg ? "-" : ""}${g}${fracPart === undefined ? "" : `.${fracPart}`}`;
}
