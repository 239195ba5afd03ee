// The results statement of an auction as plain data: every quantity as a string of digits, every
// price and payment as a decimal string in the auction's decimals (proceeds to the cent, never a
// float), awards per bidder, reserve tiers, the tie order and its seed. `ets auction clear --json`
// prints it; the HTTP API and phase-2 settlement can carry it as it is.
import { formatDecimal } from "../quantity/index.ts";
import type { AuctionResult } from "./types.ts";

export interface Statement {
  status: AuctionResult["status"];
  reason: AuctionResult["reason"];
  clearingPrice: string | null;
  offered: string;
  sold: string;
  reserveSold: string;
  withheld: string;
  unsold: string;
  cancelled: string;
  carryOver: string[];
  bidVolume: string;
  demand: string;
  coverRatio: string | null;
  proceeds: string;
  awards: { bidder: string; quantity: string; nonCompetitive: string; payment: string }[];
  reserves: { id: string; direction: string; trigger: string; quantity: string; sold: string; withheld: string }[];
  tie: { price: string; rule: string; order: { row: number; bidder: string; quantity: string; filled: string }[] } | null;
  seed: string | null;
  referenceCheck: AuctionResult["referenceCheck"];
}

export function statementOf(r: AuctionResult): Statement {
  const money = (v: bigint) => formatDecimal(v, r.priceDecimals);
  return {
    status: r.status,
    reason: r.reason,
    clearingPrice: r.clearingPriceMinor === null ? null : money(r.clearingPriceMinor),
    offered: r.offered.toString(),
    sold: r.sold.toString(),
    reserveSold: r.reserveSold.toString(),
    withheld: r.withheld.toString(),
    unsold: r.unsold.toString(),
    cancelled: r.cancelled.toString(),
    carryOver: r.carryOver.map(String),
    bidVolume: r.bidVolume.toString(),
    demand: r.demand.toString(),
    coverRatio: r.coverRatio,
    proceeds: money(r.proceedsMinor),
    awards: r.awards.map((a) => ({ bidder: a.bidder, quantity: a.quantity.toString(), nonCompetitive: a.nonCompetitive.toString(), payment: money(a.paymentMinor) })),
    reserves: r.reserves.map((t) => ({ id: t.id, direction: t.direction, trigger: money(t.triggerMinor), quantity: t.quantity.toString(), sold: t.sold.toString(), withheld: t.withheld.toString() })),
    tie: r.tie ? { price: money(r.tie.priceMinor), rule: r.tie.rule, order: r.tie.order.map((f) => ({ row: f.row, bidder: f.bidder, quantity: f.quantity.toString(), filled: f.filled.toString() })) } : null,
    seed: r.seed,
    referenceCheck: r.referenceCheck,
  };
}
