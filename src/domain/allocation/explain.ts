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

export function explanation(method: string): Explanation {
  return { method, lines: [], factors: [], roundings: [] };
}

export function factor(e: Explanation, name: string, value: Ratio | string): void {
  e.factors.push({ name, value: typeof value === "string" ? value : show(value) });
}

export function rounding(e: Explanation, step: string, exact: Ratio, rounded: bigint, rule: string): void {
  e.roundings.push({ step, exact: show(exact), rounded, rule });
}

/** Thousands separators for whole numbers in explanation lines. */
export function grouped(v: bigint | number): string {
  const s = typeof v === "bigint" ? v.toString() : String(v);
  const neg = s.startsWith("-");
  const [whole = "", fracPart] = (neg ? s.slice(1) : s).split(".");
  const g = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${neg ? "-" : ""}${g}${fracPart === undefined ? "" : `.${fracPart}`}`;
}
