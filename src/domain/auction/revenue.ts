// Auction proceeds shared by the rulebook's table, in minor units that sum exactly to the proceeds
// (largest remainder on the shares read as exact decimals; ties to the earlier row). Without an
// `auctions.revenue` table for the year, the sold (not free) uses of `allocation.distribution`
// share the proceeds in proportion to their shares of the allowance budget (the KL bill's table).
import { div, largestRemainder, mulDiv } from "../quantity/index.ts";
import { decimalFraction, distributionFor } from "../rulebook/index.ts";
import type { Rulebook } from "../rulebook/index.ts";

export interface RevenueShare {
  recipient: string;
  share: number;
}

export interface RevenuePart {
  recipient: string;
  share: number;
  amountMinor: bigint;
}

/** The table in force in a year: `auctions.revenue`, else the non-free uses of `allocation.distribution`. */
export function revenueTableFor(rb: Rulebook, year: number): RevenueShare[] {
  const own = rb.auctions?.revenue.find((t) => t.from <= year && year <= t.to);
  if (own) return own.shares.map((s) => ({ recipient: s.recipient, share: s.share }));
  return distributionFor(rb, year)
    .filter((s) => !s.free)
    .map((s) => ({ recipient: s.recipient, share: s.share }));
}

/**
 * Splits proceeds by shares. When the shares sum to 1 (or the table is renormalised, as for the
 * distribution's sold uses) every minor unit is given out; a table that sums below 1 by its own
 * definition leaves the rest to `retained`.
 */
export function distributeRevenue(proceedsMinor: bigint, shares: readonly RevenueShare[], mode: "proportional" | "as-written"): { parts: RevenuePart[]; retainedMinor: bigint } {
  if (proceedsMinor < 0n) throw new RangeError("proceeds must not be negative");
  if (shares.length === 0) return { parts: [], retainedMinor: proceedsMinor };
  const fr = shares.map((s) => decimalFraction(s.share));
  const den = fr.reduce((l, [, d]) => (l > d ? l : d), 1n);
  // decimal denominators are powers of ten, so the largest is a multiple of each: exact
  const weights = fr.map(([n, d]) => div(n * den, d, "exact"));
  const sumW = weights.reduce((a, b) => a + b, 0n);
  let toShare = proceedsMinor;
  if (mode === "as-written") {
    if (sumW > den) throw new RangeError("revenue shares sum to more than 1");
    toShare = mulDiv(proceedsMinor, sumW, den, "floor"); // what the table gives out; the rest is retained
  }
  const amounts = largestRemainder(toShare, weights);
  return {
    parts: shares.map((s, i) => ({ recipient: s.recipient, share: s.share, amountMinor: amounts[i] as bigint })),
    retainedMinor: proceedsMinor - toShare,
  };
}

/** The year's split of auction proceeds by the rulebook. */
export function revenueFor(rb: Rulebook, year: number, proceedsMinor: bigint): { parts: RevenuePart[]; retainedMinor: bigint; table: "auctions.revenue" | "allocation.distribution" | "none" } {
  const own = rb.auctions?.revenue.some((t) => t.from <= year && year <= t.to) ?? false;
  const shares = revenueTableFor(rb, year);
  if (shares.length === 0) return { parts: [], retainedMinor: proceedsMinor, table: "none" };
  return { ...distributeRevenue(proceedsMinor, shares, own ? "as-written" : "proportional"), table: own ? "auctions.revenue" : "allocation.distribution" };
}
