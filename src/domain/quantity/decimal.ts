// Exact decimals on bigint: a value is `units / 10^scale`. Sums and products of decimals are
// decimals, so activity data x emission factor x oxidation factor x GWP is computed without any
// loss; only a named rounding (to whole tonnes, to cents) leaves the exact value. Inputs given as
// JS numbers are read as their shortest decimal text (0.1 is 1/10, never 0.1000000000000000055).
import { ArithmeticError, div } from "./index.ts";
import type { Rounding } from "./index.ts";

export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

const TEXT = /^(-)?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;
/** Decimal places kept at most; more is refused rather than silently rounded. */
export const MAX_SCALE = 120;
/** Longest decimal text read, and the largest exponent: a bound on the work one input can cause. */
const MAX_TEXT = 100;
const MAX_EXPONENT = 100;

function make(units: bigint, scale: number): Decimal {
  if (scale > MAX_SCALE) throw new ArithmeticError(`more than ${MAX_SCALE} decimal places`);
  return { units, scale };
}

/** Reads a decimal exactly: a string ("12.5", "-3", "1e3"), a finite number (its shortest text) or a bigint. */
export function decimal(value: string | number | bigint): Decimal {
  if (typeof value === "bigint") return { units: value, scale: 0 };
  if (typeof value === "number" && !Number.isFinite(value)) throw new ArithmeticError(`not a finite number: ${value}`);
  const text = typeof value === "number" ? String(value) : value.trim();
  if (text.length > MAX_TEXT) throw new ArithmeticError(`a decimal of more than ${MAX_TEXT} characters`);
  const m = TEXT.exec(text);
  if (!m) throw new ArithmeticError(`not a decimal number: ${JSON.stringify(text)}`);
  const [, sign, whole, frac = "", exp = "0"] = m;
  if (Math.abs(Number(exp)) > MAX_EXPONENT) throw new ArithmeticError(`exponent beyond ${MAX_EXPONENT}: ${JSON.stringify(text)}`);
  let units = BigInt(`${whole as string}${frac}`);
  let scale = frac.length - Number(exp);
  if (scale < 0) {
    units *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return normalise(make(sign ? -units : units, scale));
}

/** The same value with trailing zero decimals removed (1.500 -> 1.5), so equal values are equal objects. */
export function normalise(d: Decimal): Decimal {
  let { units, scale } = d;
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale--;
  }
  return units === d.units && scale === d.scale ? d : { units, scale };
}

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  if (a.scale === b.scale) return [a.units, b.units, a.scale];
  if (a.scale > b.scale) return [a.units, b.units * 10n ** BigInt(a.scale - b.scale), a.scale];
  return [a.units * 10n ** BigInt(b.scale - a.scale), b.units, b.scale];
}

export const DEC_ZERO: Decimal = { units: 0n, scale: 0 };
export const DEC_ONE: Decimal = { units: 1n, scale: 0 };

export function addDec(a: Decimal, b: Decimal): Decimal {
  const [x, y, s] = align(a, b);
  return normalise(make(x + y, s));
}

export function subDec(a: Decimal, b: Decimal): Decimal {
  const [x, y, s] = align(a, b);
  return normalise(make(x - y, s));
}

export function mulDec(...factors: Decimal[]): Decimal {
  let units = 1n;
  let scale = 0;
  for (const f of factors) {
    units *= f.units;
    scale += f.scale;
  }
  return normalise(make(units, scale));
}

export function sumDec(values: Iterable<Decimal>): Decimal {
  let s = DEC_ZERO;
  for (const v of values) s = addDec(s, v);
  return s;
}

export function cmpDec(a: Decimal, b: Decimal): -1 | 0 | 1 {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function isNegative(d: Decimal): boolean {
  return d.units < 0n;
}

export function isZeroDec(d: Decimal): boolean {
  return d.units === 0n;
}

/** The value rounded to `scale` decimal places by the named rule. */
export function roundDec(d: Decimal, scale: number, rounding: Rounding): Decimal {
  if (d.scale <= scale) return d;
  return normalise(make(div(d.units, 10n ** BigInt(d.scale - scale), rounding), scale));
}

/** The whole number the named rule gives (whole tonnes of a report, whole units owed). */
export function toWholeDec(d: Decimal, rounding: Rounding): bigint {
  return roundDec(d, 0, rounding).units;
}

/** a / b to `scale` decimal places, rounded as named ("exact" throws when the quotient has more places). */
export function divDec(a: Decimal, b: Decimal, scale: number, rounding: Rounding): Decimal {
  if (b.units === 0n) throw new ArithmeticError("division by zero");
  // a/b = (a.units / 10^a.scale) / (b.units / 10^b.scale); scaled by 10^scale
  const num = a.units * 10n ** BigInt(scale + b.scale);
  const den = b.units * 10n ** BigInt(a.scale);
  return normalise(make(div(num, den, rounding), scale));
}

/** a x n / d exactly when the quotient terminates within `scale` places, else rounded as named. */
export function mulRatioDec(a: Decimal, n: bigint, d: bigint, scale: number, rounding: Rounding): Decimal {
  return divDec(mulDec(a, { units: n, scale: 0 }), { units: d, scale: 0 }, scale, rounding);
}

/** Plain decimal text, no exponent, no trailing zeros ("1234.5", "-0.25", "7"). */
export function formatDec(d: Decimal): string {
  const n = normalise(d);
  const neg = n.units < 0n;
  const digits = (neg ? -n.units : n.units).toString().padStart(n.scale + 1, "0");
  const text = n.scale === 0 ? digits : `${digits.slice(0, -n.scale)}.${digits.slice(-n.scale)}`;
  return neg ? `-${text}` : text;
}

/** Decimal text with exactly `places` decimals (money: "100000.00"); the value must already fit. */
export function formatFixed(d: Decimal, places: number): string {
  const n = normalise(d);
  if (n.scale > places) throw new ArithmeticError(`${formatDec(n)} has more than ${places} decimal places`);
  const units = n.units * 10n ** BigInt(places - n.scale);
  const neg = units < 0n;
  const digits = (neg ? -units : units).toString().padStart(places + 1, "0");
  const text = places === 0 ? digits : `${digits.slice(0, -places)}.${digits.slice(-places)}`;
  return neg ? `-${text}` : text;
}

/** Decimal text with thousands separators for explanation lines ("1,234,567.5"). */
export function groupedDec(d: Decimal | bigint): string {
  const text = typeof d === "bigint" ? d.toString() : formatDec(d);
  const neg = text.startsWith("-");
  const [whole = "", frac] = (neg ? text.slice(1) : text).split(".");
  return `${neg ? "-" : ""}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}${frac === undefined ? "" : `.${frac}`}`;
}

export function minDec(a: Decimal, b: Decimal): Decimal {
  return cmpDec(a, b) <= 0 ? a : b;
}

export function maxDec(a: Decimal, b: Decimal): Decimal {
  return cmpDec(a, b) >= 0 ? a : b;
}
