// An auction's rules as stored with it (JSON: quantities and prices as strings of digits), so that
// an auction keeps the rules of its year whatever later happens to the rulebook.
import type { AuctionRules } from "../../domain/auction/types.ts";
import { canonical } from "../../domain/ledger/commands.ts";

/** An auction's rules as JSON (quantities and prices as strings of digits), stored with the auction. */
export function rulesToJson(r: AuctionRules): Record<string, unknown> {
  return canonical(r) as Record<string, unknown>;
}

export function rulesFromJson(j: Record<string, unknown>): AuctionRules {
  const big = (v: unknown) => BigInt(v as string);
  const opt = (v: unknown) => (v === null || v === undefined ? null : BigInt(v as string));
  const frac = (v: unknown) => (v === null || v === undefined ? null : { n: big((v as { n: string }).n), d: big((v as { d: string }).d) });
  const br = j.belowReference as { threshold: unknown; action: "cancel" | "exclude-bids" } | null | undefined;
  const nc = j.nonCompetitive as { maxPerBidder: string; coveredOnly: boolean } | null | undefined;
  return {
    lotSize: big(j.lotSize),
    priceDecimals: j.priceDecimals as number,
    reservePriceMinor: opt(j.reservePriceMinor),
    maxBidderShare: frac(j.maxBidderShare),
    tieBreak: j.tieBreak as AuctionRules["tieBreak"],
    undersubscribed: j.undersubscribed as AuctionRules["undersubscribed"],
    belowReference: br ? { threshold: frac(br.threshold) as { n: bigint; d: bigint }, action: br.action } : null,
    tiers: (j.tiers as Array<{ id: string; direction: "release" | "withhold"; triggerMinor: string; quantity: string }>).map((t) => ({ id: t.id, direction: t.direction, triggerMinor: big(t.triggerMinor), quantity: big(t.quantity) })),
    nonCompetitive: nc ? { maxPerBidder: big(nc.maxPerBidder), coveredOnly: nc.coveredOnly } : null,
    bidders: j.bidders as AuctionRules["bidders"],
    spreadOverNext: (j.spreadOverNext as number | null | undefined) ?? null,
    unsoldTo: j.unsoldTo as AuctionRules["unsoldTo"],
  };
}

