// The rules of one auction in a year, resolved from the rulebook: lots, price decimals, the
// reserve price (the higher of `auctions.reservePrice` and a floor kept through the auction
// reserve), the bidder share limit, ties, undersubscription, the reference-price check, the
// in-auction reserve tiers of the year (CCR releases, ECR withholds) and non-competitive bids.
// Overrides let a caller (the CLI's --reserve and --ccr) replace the year's figures.
import { div } from "../quantity/index.ts";
import { decimalFraction } from "../rulebook/index.ts";
import type { Rulebook } from "../rulebook/index.ts";
import { auctionReservePriceFor, reserveTiersFor } from "../stability/reserves.ts";
import type { AuctionRules, AuctionTier, Fraction } from "./types.ts";

export interface RuleOverrides {
  /** Reserve price in minor units (replaces the rulebook's). */
  reservePriceMinor?: bigint | undefined;
  /** Cost containment reserve available in this auction (replaces the release tiers' quantities: all of it in the first tier). */
  ccr?: bigint | undefined;
}

function fraction(x: number): Fraction {
  const [n, d] = decimalFraction(x);
  return { n, d };
}

/** A price of `decimals` places in the auction's decimals (half up when it has more places). */
export function rescale(minor: bigint, from: number, to: number): bigint {
  if (from === to) return minor;
  if (from < to) return minor * 10n ** BigInt(to - from);
  return div(minor, 10n ** BigInt(from - to), "halfUp");
}

/** The rules with which no rulebook is given: lots of 1, cents, random ties, settle undersubscribed at the reserve. */
export function defaultAuctionRules(): AuctionRules {
  return {
    lotSize: 1n,
    priceDecimals: 2,
    reservePriceMinor: null,
    maxBidderShare: null,
    tieBreak: "random",
    undersubscribed: "reserve-price",
    belowReference: null,
    tiers: [],
    nonCompetitive: null,
    bidders: { eligible: "any-account-holder", guarantee: false },
    spreadOverNext: null,
    unsoldTo: "held",
  };
}

function reservePriceOf(rb: Rulebook, year: number, decimals: number): bigint | null {
  const rp = auctionReservePriceFor(rb, year);
  return rp ? rescale(rp.minor, rp.decimals, decimals) : null;
}

function tiersOf(rb: Rulebook, year: number, decimals: number, ccr: bigint | undefined): AuctionTier[] {
  const out: AuctionTier[] = [];
  let firstRelease = true;
  for (const t of reserveTiersFor(rb, year)) {
    if (t.sale !== "in-auction") continue;
    let quantity = t.quantity ?? 0n;
    if (ccr !== undefined && t.direction === "release") {
      quantity = firstRelease ? ccr : 0n;
      firstRelease = false;
    }
    out.push({ id: t.id, direction: t.direction, triggerMinor: rescale(t.triggerMinor, t.decimals, decimals), quantity });
  }
  return out;
}

/** The auction rules of a rulebook in a year. */
export function auctionRulesFor(rb: Rulebook, year: number, o: RuleOverrides = {}): AuctionRules {
  const a = rb.auctions;
  const base = defaultAuctionRules();
  if (!a) {
    // no auctions section: default rules, priced in the decimals of a floor kept through auctions
    const rp = auctionReservePriceFor(rb, year);
    const decimals = rp?.decimals ?? base.priceDecimals;
    return { ...base, priceDecimals: decimals, reservePriceMinor: o.reservePriceMinor ?? (rp ? rp.minor : null) };
  }
  const decimals = a.priceDecimals;
  return {
    lotSize: BigInt(a.lotSize),
    priceDecimals: decimals,
    reservePriceMinor: o.reservePriceMinor ?? reservePriceOf(rb, year, decimals),
    maxBidderShare: a.maxBidderShare === undefined ? null : fraction(a.maxBidderShare),
    tieBreak: a.tieBreak,
    undersubscribed: a.undersubscribed,
    belowReference: a.belowReference ? { threshold: fraction(a.belowReference.threshold), action: a.belowReference.action } : null,
    tiers: tiersOf(rb, year, decimals, o.ccr),
    nonCompetitive: a.nonCompetitive ? { maxPerBidder: a.nonCompetitive.maxPerBidder, coveredOnly: a.nonCompetitive.coveredOnly } : null,
    bidders: a.bidders,
    spreadOverNext: a.cancelledVolume?.spreadOverNext ?? null,
    unsoldTo: a.unsold,
  };
}
