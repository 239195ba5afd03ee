// The settlement interface for phase 2 (issue 12: awards delivered in one ledger batch). A cleared
// auction becomes a plan of legs between account roles: reserve allowances sold move first from
// each reserve tier's account to the auction account, then the auction account delivers each
// winner its award; the payment record carries each winner's payment. The registry maps the roles
// to accounts and applies the plan as one all-or-nothing batch whose id is the auction id, so
// settling twice does nothing. Pure: no account ids, no I/O.
import type { AuctionResult } from "./types.ts";

export type AccountRole = { kind: "auction" } | { kind: "reserve"; tier: string } | { kind: "winner"; bidder: string };

export interface SettlementLeg {
  from: AccountRole;
  to: AccountRole;
  quantity: bigint;
}

export interface SettlementPlan {
  /** The caller's id of the auction: the batch's idempotency key. */
  auctionId: string;
  legs: SettlementLeg[];
  payments: { bidder: string; amountMinor: bigint }[];
  priceDecimals: number;
  clearingPriceMinor: bigint;
  seed: string | null;
}

/**
 * The transfers that settle a result, or undefined when nothing was sold (a cancelled auction).
 * Invariant (checked): what the auction account receives plus the offered allowances sold equals
 * what it delivers.
 */
export function settlementPlan(auctionId: string, r: AuctionResult): SettlementPlan | undefined {
  if (r.status === "cancelled" || r.clearingPriceMinor === null || r.sold === 0n) return undefined;
  const legs: SettlementLeg[] = [];
  for (const t of r.reserves) if (t.sold > 0n) legs.push({ from: { kind: "reserve", tier: t.id }, to: { kind: "auction" }, quantity: t.sold });
  let delivered = 0n;
  for (const a of r.awards) {
    legs.push({ from: { kind: "auction" }, to: { kind: "winner", bidder: a.bidder }, quantity: a.quantity });
    delivered += a.quantity;
  }
  if (delivered !== r.sold) throw new Error(`settlement: awards sum to ${delivered}, sold is ${r.sold}`);
  return {
    auctionId,
    legs,
    payments: r.awards.map((a) => ({ bidder: a.bidder, amountMinor: a.paymentMinor })),
    priceDecimals: r.priceDecimals,
    clearingPriceMinor: r.clearingPriceMinor,
    seed: r.seed,
  };
}
