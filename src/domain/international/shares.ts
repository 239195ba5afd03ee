// Shares taken from an issuance (the CDM's 2% share of proceeds for adaptation, Article 6.4's 5%
// share of proceeds and 2% cancellation for overall mitigation, a removal's buffer contribution).
// Each share is computed on the gross quantity issued, as quantity x rate rounded whole by the
// rounding the rules name; what is left is forwarded, so the parts always sum exactly to the
// issuance. Rates are read as exact decimals (0.05 is 5/100), never as floats.
import { type Rounding, div } from "../quantity/index.ts";
import { decimalFraction } from "../rulebook/index.ts";

export type ShareRounding = Exclude<Rounding, "exact">;

export interface ShareRule {
  /** Fraction of the gross issuance, e.g. 0.05. */
  rate: number;
  rounding: ShareRounding;
}

/** quantity x rate, rounded whole as the rule names. */
export function shareOf(quantity: bigint, rule: ShareRule): bigint {
  if (quantity < 0n) throw new RangeError("shareOf: negative quantity");
  const [n, d] = decimalFraction(rule.rate);
  if (n < 0n || n > d) throw new RangeError(`shareOf: rate ${rule.rate} is not a fraction between 0 and 1`);
  return div(quantity * n, d, rule.rounding);
}

export interface Deductions<K extends string> {
  gross: bigint;
  /** Each named share, computed on the gross quantity. */
  shares: Record<K, bigint>;
  /** gross - every share: what is forwarded. */
  remainder: bigint;
}

/**
 * Takes every named share from the gross quantity. Each share is computed on the gross (not one
 * after another). Rounding up can ask for more than there is on a tiny issuance (two 2% shares
 * rounded up on 1 unit ask for 2): the shares are then served in the order the rules list them,
 * each capped at what is left, so the parts never exceed the issuance and the first-listed share
 * (the adaptation share of proceeds, by convention) is served first.
 */
export function deduct<K extends string>(gross: bigint, rules: Record<K, ShareRule>): Deductions<K> {
  const shares = {} as Record<K, bigint>;
  let left = gross;
  for (const k of Object.keys(rules) as K[]) {
    const wanted = shareOf(gross, rules[k]);
    shares[k] = wanted < left ? wanted : left;
    left -= shares[k];
  }
  return { gross, shares, remainder: left };
}
