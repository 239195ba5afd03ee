// Checks every bid against the auction's rules before clearing, and names the row and the field of
// each refusal: a quantity that is not positive or not whole lots, a negative price, a bidder who
// is not qualified or not covered, a bidder bidding for more than its share of the volume, or
// bidding more money than its guarantee covers. Precedence within a row: quantity, price, bidder,
// limit, guarantee; one issue per row. At most MAX_ISSUES are reported.
import { mulDiv } from "../quantity/index.ts";
import type { AuctionInput, AuctionRules, Bid, BidIssue } from "./types.ts";

export const MAX_ISSUES = 100;

/** Quantities and prices are below 2^53 so the clearing can hold them exactly (see clear.ts). */
const SAFE = 2n ** 53n;

function limitFor(rules: AuctionRules, offered: bigint): bigint | null {
  const s = rules.maxBidderShare;
  return s ? mulDiv(offered, s.n, s.d, "floor") : null; // a whole allowance short of the share is over it
}

/** Bidders of the bids as small integers (first appearance order), so per-bidder sums are array slots, not map entries. */
export interface BidderIndex {
  of: Int32Array;
  names: string[];
}

export function indexBidders(bids: readonly Bid[]): BidderIndex {
  const ids = new Map<string, number>();
  const names: string[] = [];
  const of = new Int32Array(bids.length);
  for (let i = 0; i < bids.length; i++) {
    const name = (bids[i] as Bid).bidder;
    let k = ids.get(name);
    if (k === undefined) {
      k = names.length;
      ids.set(name, k);
      names.push(name);
    }
    of[i] = k;
  }
  return { of, names };
}

/** Issues of competitive and non-competitive bids; empty when every bid may take part. */
export function checkBids(rules: AuctionRules, input: AuctionInput): BidIssue[] {
  const issues: BidIssue[] = [];
  const push = (i: BidIssue) => {
    if (issues.length < MAX_ISSUES) issues.push(i);
  };
  const limit = limitFor(rules, input.offered);
  const guarantee = rules.bidders.guarantee;
  // per-bidder sums only when a rule needs them (the bidder limit, the guarantee)
  const index = limit !== null || guarantee ? indexBidders(input.bids) : undefined;
  const quantityOf = index ? new Array<bigint>(index.names.length).fill(0n) : undefined;
  const valueOf = index && guarantee ? new Array<bigint>(index.names.length).fill(0n) : undefined;
  const qualified = input.bidders;
  const coveredOnly = rules.bidders.eligible === "covered-entities";
  const lot = rules.lotSize;
  const bids = input.bids;
  for (let i = 0; i < bids.length; i++) {
    if (issues.length >= MAX_ISSUES) break;
    const b = bids[i] as Bid;
    if (b.quantity <= 0n) {
      push({ row: b.row, field: "quantity", code: "bid-quantity-not-positive", message: `quantity must be a positive number of allowances, got ${b.quantity}` });
      continue;
    }
    if (lot !== 1n && b.quantity % lot !== 0n) {
      push({ row: b.row, field: "quantity", code: "bid-not-whole-lots", message: `quantity ${b.quantity} is not a whole number of lots of ${lot}` });
      continue;
    }
    if (b.priceMinor < 0n) {
      push({ row: b.row, field: "price", code: "bid-price-negative", message: "price must not be negative" });
      continue;
    }
    const q = qualified?.get(b.bidder);
    if (qualified && !q) {
      push({ row: b.row, field: "bidder", code: "bidder-not-qualified", message: `bidder ${JSON.stringify(b.bidder)} is not a qualified bidder of this auction` });
      continue;
    }
    if (coveredOnly && q?.covered !== true) {
      push({ row: b.row, field: "bidder", code: "bidder-not-covered", message: `bidder ${JSON.stringify(b.bidder)} is not a covered entity; only covered entities may bid` });
      continue;
    }
    if (b.quantity >= SAFE || b.priceMinor >= SAFE) {
      push({ row: b.row, field: b.quantity >= SAFE ? "quantity" : "price", code: "bid-too-large", message: "a bid's quantity and price must be below 2^53" });
      continue;
    }
    if (!quantityOf || !index) continue;
    const k = index.of[i] as number;
    const total = (quantityOf[k] as bigint) + b.quantity;
    quantityOf[k] = total;
    if (limit !== null && total > limit) {
      push({ row: b.row, field: "quantity", code: "bidder-over-limit", message: `bidder ${JSON.stringify(b.bidder)} bids for ${total} in all, over its limit of ${limit} (share of the ${input.offered} offered)` });
      continue;
    }
    if (valueOf) {
      const value = (valueOf[k] as bigint) + b.quantity * b.priceMinor;
      valueOf[k] = value;
      const g = q?.guaranteeMinor;
      if (g === undefined) {
        push({ row: b.row, field: "bidder", code: "bidder-without-guarantee", message: `bidder ${JSON.stringify(b.bidder)} has lodged no bid guarantee` });
        continue;
      }
      if (value > g) push({ row: b.row, field: "quantity", code: "bid-over-guarantee", message: `bidder ${JSON.stringify(b.bidder)} bids ${value} (minor units) in all, more than its guarantee of ${g}` });
    }
  }
  checkNonCompetitive(rules, input, push);
  return issues;
}

function checkNonCompetitive(rules: AuctionRules, input: AuctionInput, push: (i: BidIssue) => void): void {
  const nc = rules.nonCompetitive;
  const perBidder = new Map<string, bigint>();
  for (const b of input.nonCompetitive ?? []) {
    if (!nc) {
      push({ row: b.row, field: "price", code: "bid-price-missing", message: "this auction takes no non-competitive bids: give a price" });
      continue;
    }
    if (b.quantity <= 0n) {
      push({ row: b.row, field: "quantity", code: "bid-quantity-not-positive", message: `quantity must be a positive number of allowances, got ${b.quantity}` });
      continue;
    }
    const q = input.bidders?.get(b.bidder);
    if (input.bidders && !q) {
      push({ row: b.row, field: "bidder", code: "bidder-not-qualified", message: `bidder ${JSON.stringify(b.bidder)} is not a qualified bidder of this auction` });
      continue;
    }
    if (nc.coveredOnly && q?.covered !== true) {
      push({ row: b.row, field: "bidder", code: "bidder-not-covered", message: `bidder ${JSON.stringify(b.bidder)} is not a covered entity; only covered entities may bid without a price` });
      continue;
    }
    const total = (perBidder.get(b.bidder) ?? 0n) + b.quantity;
    perBidder.set(b.bidder, total);
    if (total > nc.maxPerBidder) push({ row: b.row, field: "quantity", code: "noncompetitive-over-cap", message: `bidder ${JSON.stringify(b.bidder)} bids ${total} without a price in all, over the cap of ${nc.maxPerBidder}` });
  }
}
