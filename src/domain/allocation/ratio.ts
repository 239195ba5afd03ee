// Exact non-negative rationals on bigint for allocation factors (0.877, 1/2, 3/4, 1 - 1.74% x n).
// Inputs given as decimals (strings or JS numbers from the dataset) are read exactly as their
// shortest decimal text, so 0.877 is 877/1000 and never 0.87699999... Products stay exact; a
// whole number of allowances comes out only at a named rounding (see toWhole).
import { ArithmeticError, div } from "../quantity/index.ts";
import type { Rounding } from "../quantity/index.ts";

export interface Ratio {
  readonly n: bigint;
  readonly d: bigint;
}

export const ZERO: Ratio = { n: 0n, d: 1n };
export const ONE: Ratio = { n: 1n, d: 1n };

const DECIMAL = /^(-)?(\d+)(?:\.(\d*))?(?:e([+-]?\d+))?$/i;

/** Reads a decimal number (string or finite JS number) exactly. */
export function ratio(value: number | string | bigint): Ratio {
  if (typeof value === "bigint") return { n: value, d: 1n };
  if (typeof value === "number") {
    if (Number.isSafeInteger(value)) return { n: BigInt(value), d: 1n };
    if (!Number.isFinite(value)) throw new ArithmeticError(`not a finite number: ${value}`);
  }
  const text = typeof value === "number" ? String(value) : value.trim();
  const m = DECIMAL.exec(text);
  if (!m) throw new ArithmeticError(`not a decimal number: ${JSON.stringify(text)}`);
  const [, sign, whole, frac = "", exp = "0"] = m;
  let n = BigInt(`${whole as string}${frac}`);
  let d = 10n ** BigInt(frac.length);
  const e = Number(exp);
  if (e > 0) n *= 10n ** BigInt(e);
  else if (e < 0) d *= 10n ** BigInt(-e);
  if (sign) n = -n;
  return reduce({ n, d });
}

/** a / b as a ratio of whole numbers. */
export function frac(n: bigint | number, d: bigint | number): Ratio {
  const nn = BigInt(n);
  const dd = BigInt(d);
  if (dd === 0n) throw new ArithmeticError("ratio with a zero denominator");
  return dd < 0n ? { n: -nn, d: -dd } : { n: nn, d: dd };
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

export function reduce(r: Ratio): Ratio {
  const g = gcd(r.n, r.d);
  return g > 1n ? { n: r.n / g, d: r.d / g } : r;
}

export function mul(...rs: Ratio[]): Ratio {
  let n = 1n;
  let d = 1n;
  for (const r of rs) {
    n *= r.n;
    d *= r.d;
  }
  return { n, d };
}

export function add(a: Ratio, b: Ratio): Ratio {
  return a.d === b.d ? { n: a.n + b.n, d: a.d } : { n: a.n * b.d + b.n * a.d, d: a.d * b.d };
}

export function sub(a: Ratio, b: Ratio): Ratio {
  return add(a, { n: -b.n, d: b.d });
}

export function divide(a: Ratio, b: Ratio): Ratio {
  if (b.n === 0n) throw new ArithmeticError("division by zero");
  return frac(a.n * b.d, a.d * b.n);
}

export function cmp(a: Ratio, b: Ratio): number {
  const l = a.n * b.d;
  const r = b.n * a.d;
  return l < r ? -1 : l > r ? 1 : 0;
}

export function isZero(r: Ratio): boolean {
  return r.n === 0n;
}

/** The whole number nearest by the named rule (floor for allocations: never more than the rule gives). */
export function toWhole(r: Ratio, rounding: Rounding = "floor"): bigint {
  return div(r.n, r.d, rounding);
}

export function toNumber(r: Ratio): number {
  return Number(r.n) / Number(r.d);
}

/** Decimal text, exact when it terminates within `digits` places, else rounded half-even with "~". */
export function show(r: Ratio, digits = 6): string {
  const red = reduce(r);
  const neg = red.n < 0n;
  const absN = neg ? -red.n : red.n;
  const scale = 10n ** BigInt(digits);
  const exact = (absN * scale) % red.d === 0n;
  const scaled = div(absN * scale, red.d, "halfEven");
  let s = scaled.toString().padStart(digits + 1, "0");
  s = `${s.slice(0, -digits)}.${s.slice(-digits)}`.replace(/\.?0+$/, "");
  return `${neg ? "-" : ""}${exact ? "" : "~"}${s}`;
}
