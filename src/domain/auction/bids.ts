// Checks every bid against the auction's rules before clearing, and names the row and the field of
// each refusal: a quantity that is not positive or not whole lots, a negative price, a bidder who
// is not qualified or not covered, a bidder bidding for more than its share of the volume, or
// bidding more money than its guarantee covers. Precedence within a row: quantity, price, bidder,
// limit, guarantee; one issue per row. At most MAX_ISSUES are reported.
import type { AuctionInput, AuctionRules, BidIssue } from "./types.ts";

export const MAX_ISSUES = 100;

function limitFor(rules: AuctionRules, offered: bigint): bigint | null {
  const s = rules.maxBidderShare;
  return s ? (offered * s.n) / s.d : null;
}

/** Issues of competitive and non-competitive bids; empty when every bid may take part. */
export function checkBids(rules: AuctionRules, input: AuctionInput): BidIssue[] {
  const issues: BidIssue[] = [];
  const push = (i: BidIssue) => {
    if (issues.length < MAX_ISSUES) issues.push(i);
  };
  const limit = limitFor(rules, input.offered);
  const perBidder = new Map<string, { quantity: bigint; value: bigint }>();
  const qualified = input.bidders;
  const lot = rules.lotSize;
  for (const b of input.bids) {
    if (issues.length >= MAX_ISSUES) break;
    if (b.quantity <= 0n) {
      push({ row: b.row, field: "quantity", code: "bid-quantity-not-positive", message: `quantity must be a positive number of allowances, got ${b.quantity}` });
      continue;
    }
    if (b.quantity % lot !== 0n) {
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
    if (rules.bidders.eligible === "covered-entities" && q?.covered !== true) {
      push({ row: b.row, field: "bidder", code: "bidder-not-covered", message: `bidder ${JSON.stringify(b.bidder)} is not a covered entity; only covered entities may bid` });
      continue;
    }
    const acc = perBidder.get(b.bidder) ?? { quantity: 0n, value: 0n };
    acc.quantity += b.quantity;
    acc.value += b.quantity * b.priceMinor;
    perBidder.set(b.bidder, acc);
    if (limit !== null && acc.quantity > limit) {
      push({ row: b.row, field: "quantity", code: "bidder-over-limit", message: `bidder ${JSON.stringify(b.bidder)} bids for ${acc.quantity} in all, over its limit of ${limit} (share of the ${input.offered} offered)` });
      continue;
    }
    if (rules.bidders.guarantee) {
      const g = q?.guaranteeMinor;
      if (g === undefined) {
        push({ row: b.row, field: "bidder", code: "bidder-without-guarantee", message: `bidder ${JSON.stringify(b.bidder)} has lodged no bid guarantee` });
        continue;
      }
      if (acc.value > g) push({ row: b.row, field: "quantity", code: "bid-over-guarantee", message: `bidder ${JSON.stringify(b.bidder)} bids ${acc.value} (minor units) in all, more than its guarantee of ${g}` });
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
