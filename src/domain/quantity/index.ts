// Whole-unit and money arithmetic on bigint. Every division names its rounding; every split sums
// exactly to its total by one documented rule (largest remainder, ties to the lower index, i.e.
// the caller's stable order). No floats reach the ledger, auctions or allocations through here.

export type Rounding = "floor" | "ceil" | "halfEven" | "halfUp" | "exact";

export class ArithmeticError extends Error {}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

/** a / b rounded as named. "exact" throws when b does not divide a. */
export function div(a: bigint, b: bigint, rounding: Rounding): bigint {
  if (b === 0n) throw new ArithmeticError("division by zero");
  const q = floorDiv(a, b);
  const r = a - q * b; // 0 <= r < |b| with the sign of b; compare 2r with b via absolute values
  if (r === 0n) return q;
  switch (rounding) {
    case "floor":
      return q;
    case "ceil":
      return q + 1n;
    case "exact":
      throw new ArithmeticError(`${a} is not divisible by ${b}`);
    case "halfUp":
    case "halfEven": {
      const twice = 2n * (r < 0n ? -r : r);
      const absB = b < 0n ? -b : b;
      if (twice > absB) return q + 1n;
      if (twice < absB) return q;
      if (rounding === "halfUp") return q + 1n;
      return q % 2n === 0n ? q : q + 1n;
    }
    default:
      return assertNever(rounding);
  }
}

/** a * n / d rounded as named, without intermediate loss. */
export function mulDiv(a: bigint, n: bigint, d: bigint, rounding: Rounding): bigint {
  return div(a * n, d, rounding);
}

/**
 * Splits `total` in proportion to `weights` (non-negative), so that the parts sum exactly to
 * `total`: each part gets floor(total * w / sum), and the units left over go one each to the
 * largest remainders, ties broken by the lower index. All-zero weights give all-zero parts only
 * when total is 0; otherwise it is an error.
 */
export function largestRemainder(total: bigint, weights: readonly bigint[]): bigint[] {
  if (total < 0n) throw new ArithmeticError("largestRemainder: negative total");
  let sum = 0n;
  for (const w of weights) {
    if (w < 0n) throw new ArithmeticError("largestRemainder: negative weight");
    sum += w;
  }
  if (sum === 0n) {
    if (total === 0n) return weights.map(() => 0n);
    throw new ArithmeticError("largestRemainder: weights sum to zero");
  }
  const parts = weights.map((w) => (total * w) / sum);
  const rems = weights.map((w, i) => ({ i, r: (total * w) % sum }));
  let left = total - parts.reduce((a, b) => a + b, 0n);
  rems.sort((x, y) => (x.r === y.r ? x.i - y.i : x.r > y.r ? -1 : 1));
  for (const { i } of rems) {
    if (left === 0n) break;
    parts[i] = (parts[i] as bigint) + 1n;
    left--;
  }
  return parts;
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * Parses a decimal string into an integer of `scale` decimal places (e.g. "12.34" at scale 2 is
 * 1234n). More fractional digits than the scale is an error, never a silent rounding.
 */
export function parseDecimal(text: string, scale = 0): bigint {
  const m = DECIMAL.exec(text.trim());
  if (!m) throw new ArithmeticError(`not a decimal number: ${JSON.stringify(text)}`);
  const [, sign, whole, frac = ""] = m;
  if (frac.length > scale) throw new ArithmeticError(`${text} has more than ${scale} decimal places`);
  const v = BigInt((whole as string) + frac.padEnd(scale, "0"));
  return sign ? -v : v;
}

/** Formats an integer of `scale` decimal places as a decimal string ("1234" at 2 -> "12.34"). */
export function formatDecimal(v: bigint, scale = 0): string {
  const neg = v < 0n;
  const s = (neg ? -v : v).toString().padStart(scale + 1, "0");
  const out = scale === 0 ? s : `${s.slice(0, -scale)}.${s.slice(-scale)}`;
  return neg ? `-${out}` : out;
}

export function sum(values: Iterable<bigint>): bigint {
  let s = 0n;
  for (const v of values) s += v;
  return s;
}

export function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

export function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

export function assertNever(x: never): never {
  throw new Error(`unexpected value: ${String(x)}`);
}
