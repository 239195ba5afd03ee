// Uniform-price sealed-bid clearing. Bids are ranked from the highest price down; the clearing
// price is the highest price at which the demand at or above it covers the supply at it (for a
// fixed volume: the price of the bid at which cumulative demand first reaches the volume), with
// reserve tiers as supply steps (supply.ts); every winner pays that price; bids above it are
// filled, bids at it share what is left by the rulebook's tie rule; no bid below the reserve
// price is accepted. Undersubscription, a price significantly below the secondary market, and
// non-competitive bids follow the rules in `AuctionRules`. Pure: the seed of a random tie order is
// an input and is recorded in the result.
import { largestRemainder, mulDiv } from "../quantity/index.ts";
import { checkBids } from "./bids.ts";
import { orderByPriceDesc } from "./order.ts";
import { seededPermutation } from "./random.ts";
import { reserveUse, supplyHi, supplyLo } from "./supply.ts";
import type { Supply } from "./supply.ts";
import type { AuctionInput, AuctionOutcome, AuctionResult, AuctionRules, Award, Bid, TieFill } from "./types.ts";

/** Limits on one auction's input (a limit on everything). */
export const MAX_BIDS = 10_000_000;

/** Spreads a quantity evenly over n following auctions in whole allowances (the first ones take the extra units). */
export function spreadEvenly(quantity: bigint, n: number): bigint[] {
  if (n <= 0) return [];
  return largestRemainder(quantity, Array.from({ length: n }, () => 1n));
}

/** Bid volume / offered, to 2 decimals, half up, as a decimal string. */
export function coverRatio(bidVolume: bigint, offered: bigint): string | null {
  if (offered <= 0n) return null;
  const hundredths = mulDiv(bidVolume, 100n, offered, "halfUp");
  const s = hundredths.toString().padStart(3, "0");
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
}

/** price < reference x (1 - threshold), exactly. */
function significantlyBelow(rules: AuctionRules, price: bigint, reference: bigint): boolean {
  const t = rules.belowReference?.threshold;
  if (!t) return false;
  return price * t.d < reference * (t.d - t.n);
}

interface Found {
  price: bigint;
  /** Demand strictly above the price, and at or above it. */
  above: bigint;
  atOrAbove: bigint;
}

/** The clearing price by a walk down the ranked bids, with reserve-tier triggers as candidate prices. */
function findClearing(bids: readonly Bid[], order: Uint32Array, supply: Supply, floor: bigint | null): Found | undefined {
  const triggers = [...new Set(supply.tiers.map((t) => t.triggerMinor))].filter((t) => floor === null || t >= floor).sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
  let d = 0n;
  let ti = 0;
  let i = 0;
  const n = order.length;
  while (i < n) {
    const p = (bids[order[i] as number] as Bid).priceMinor;
    while (ti < triggers.length && (triggers[ti] as bigint) > p) {
      const t = triggers[ti] as bigint;
      if (d >= supplyLo(supply, t)) return { price: t, above: d, atOrAbove: d };
      ti++;
    }
    const before = d;
    while (i < n && (bids[order[i] as number] as Bid).priceMinor === p) {
      d += (bids[order[i] as number] as Bid).quantity;
      i++;
    }
    if (d >= supplyLo(supply, p)) return { price: p, above: before, atOrAbove: d };
    while (ti < triggers.length && (triggers[ti] as bigint) >= p) ti++;
  }
  for (; ti < triggers.length; ti++) {
    const t = triggers[ti] as bigint;
    if (d >= supplyLo(supply, t)) return { price: t, above: d, atOrAbove: d };
  }
  return undefined;
}

/** Shares `left` among the bids at the clearing price by the tie rule; returns fills in fill order. */
function shareTie(rules: AuctionRules, group: readonly { row: number; index: number; bid: Bid }[], left: bigint, seed: string | undefined): TieFill[] {
  const byRow = [...group].sort((a, b) => (a.row === b.row ? a.index - b.index : a.row - b.row));
  switch (rules.tieBreak) {
    case "pro-rata": {
      const parts = largestRemainder(left, byRow.map((g) => g.bid.quantity));
      return byRow.map((g, k) => ({ row: g.row, bidder: g.bid.bidder, quantity: g.bid.quantity, filled: parts[k] as bigint }));
    }
    case "random":
    case "time-priority": {
      const ordered = rules.tieBreak === "random" ? seededPermutation(byRow.length, seed ?? "").map((k) => byRow[k] as (typeof byRow)[number]) : byRow;
      let rest = left;
      return ordered.map((g) => {
        const f = rest < g.bid.quantity ? rest : g.bid.quantity;
        rest -= f;
        return { row: g.row, bidder: g.bid.bidder, quantity: g.bid.quantity, filled: f };
      });
    }
  }
}

function emptyResult(rules: AuctionRules, input: AuctionInput, bidVolume: bigint, demand: bigint): AuctionResult {
  return {
    status: "cancelled",
    reason: null,
    clearingPriceMinor: null,
    priceDecimals: rules.priceDecimals,
    offered: input.offered,
    sold: 0n,
    reserveSold: 0n,
    withheld: 0n,
    unsold: 0n,
    cancelled: input.offered,
    carryOver: spreadEvenly(input.offered, rules.spreadOverNext ?? 0),
    bidVolume,
    demand,
    coverRatio: coverRatio(bidVolume, input.offered),
    awards: [],
    proceedsMinor: 0n,
    reserves: rules.tiers.map((t) => ({ id: t.id, direction: t.direction, triggerMinor: t.triggerMinor, quantity: t.quantity, sold: 0n, withheld: 0n })),
    tie: null,
    seed: input.seed ?? null,
    referenceCheck: rules.belowReference ? (input.referencePriceMinor === undefined ? "not-made" : "passed") : "not-required",
  };
}

function inputProblem(rules: AuctionRules, input: AuctionInput): { field: string; message: string } | undefined {
  if (input.offered < 0n) return { field: "offered", message: "the volume offered must not be negative" };
  if (input.bids.length + (input.nonCompetitive?.length ?? 0) > MAX_BIDS) return { field: "bids", message: `at most ${MAX_BIDS} bids in one auction` };
  if (rules.tieBreak === "random" && (input.seed === undefined || input.seed === "")) return { field: "seed", message: "a random tie order needs a seed (it is recorded in the result)" };
  if (input.referencePriceMinor !== undefined && input.referencePriceMinor < 0n) return { field: "referencePrice", message: "the reference price must not be negative" };
  for (const t of rules.tiers) if (t.quantity < 0n || t.triggerMinor < 0n) return { field: `tiers.${t.id}`, message: "a reserve tier needs a quantity and trigger >= 0" };
  return undefined;
}

/** Clears one auction. Bad input comes back as a value naming rows and fields; nothing is thrown for it. */
export function clearAuction(rules: AuctionRules, input: AuctionInput): AuctionOutcome {
  const problem = inputProblem(rules, input);
  if (problem) return { ok: false, code: "auction-input-invalid", ...problem };
  const issues = checkBids(rules, input);
  if (issues.length > 0) return { ok: false, code: "auction-bids-refused", issues };
  const nc = input.nonCompetitive ?? [];
  let ncTotal = 0n;
  for (const b of nc) ncTotal += b.quantity;
  if (ncTotal > input.offered) return { ok: false, code: "auction-input-invalid", field: "nonCompetitive", message: `non-competitive bids (${ncTotal}) exceed the volume offered (${input.offered})` };

  const bids = input.bids;
  const n = bids.length;
  let bidVolume = ncTotal;
  const reference = input.referencePriceMinor;
  const excludeBelow = rules.belowReference?.action === "exclude-bids" && reference !== undefined;
  const accepted = new Uint8Array(n);
  const prices = new Array<bigint>(n);
  let demand = ncTotal;
  for (let i = 0; i < n; i++) {
    const b = bids[i] as Bid;
    prices[i] = b.priceMinor;
    bidVolume += b.quantity;
    if (rules.reservePriceMinor !== null && b.priceMinor < rules.reservePriceMinor) continue;
    if (excludeBelow && significantlyBelow(rules, b.priceMinor, reference)) continue;
    accepted[i] = 1;
    demand += b.quantity;
  }
  if (excludeBelow && demand === ncTotal && n > 0) {
    return { ok: true, result: { ...emptyResult(rules, input, bidVolume, demand), reason: "no-bid-above-reference", referenceCheck: "failed" } };
  }
  const order = orderByPriceDesc(prices, accepted);
  const supply: Supply = { base: input.offered - ncTotal, tiers: rules.tiers };
  const found = findClearing(bids, order, supply, rules.reservePriceMinor);
  return { ok: true, result: settle(rules, input, { bids, order, supply, found, bidVolume, demand, ncTotal }) };
}

interface Cleared {
  bids: readonly Bid[];
  order: Uint32Array;
  supply: Supply;
  found: Found | undefined;
  bidVolume: bigint;
  demand: bigint;
  ncTotal: bigint;
}

/** The price and quantities once the walk is done: undersubscription, cancellation, fills, awards. */
function settle(rules: AuctionRules, input: AuctionInput, c: Cleared): AuctionResult {
  const competitive = c.demand - c.ncTotal;
  let price: bigint;
  let sold: bigint;
  let status: AuctionResult["status"] = "cleared";
  let above: bigint;
  if (c.found) {
    price = c.found.price;
    const hi = supplyHi(c.supply, price);
    sold = c.found.atOrAbove < hi ? c.found.atOrAbove : hi;
    above = c.found.above;
  } else {
    if (rules.undersubscribed === "cancel") return { ...emptyResult(rules, input, c.bidVolume, c.demand), reason: "undersubscribed" };
    status = "undersubscribed";
    const lowest = c.order.length > 0 ? (c.bids[c.order[c.order.length - 1] as number] as Bid).priceMinor : null;
    const reserve = rules.reservePriceMinor;
    price = rules.undersubscribed === "reserve-price" ? (reserve ?? lowest ?? 0n) : (lowest ?? reserve ?? 0n);
    sold = competitive;
    above = competitive;
  }
  let referenceCheck: AuctionResult["referenceCheck"] = rules.belowReference ? (input.referencePriceMinor === undefined ? "not-made" : "passed") : "not-required";
  if (rules.belowReference?.action === "cancel" && input.referencePriceMinor !== undefined && significantlyBelow(rules, price, input.referencePriceMinor)) {
    return { ...emptyResult(rules, input, c.bidVolume, c.demand), reason: "below-reference", referenceCheck: "failed" };
  }
  // an undersubscribed auction fills every accepted bid, whatever the price it settles at
  const fills = fillBids(rules, input, c, status === "undersubscribed" ? -1n : price, sold, above);
  const use = reserveUse(c.supply, price, sold);
  const offeredBase = c.supply.base - use.withheld;
  const unsold = offeredBase - (sold - use.reserveSold);
  const awards = awardsOf(fills.byBidder, input, price);
  const total = sold + c.ncTotal;
  const result: AuctionResult = {
    status,
    reason: status === "undersubscribed" ? "undersubscribed" : null,
    clearingPriceMinor: price,
    priceDecimals: rules.priceDecimals,
    offered: input.offered,
    sold: total,
    reserveSold: use.reserveSold,
    withheld: use.withheld,
    unsold,
    cancelled: 0n,
    carryOver: rules.spreadOverNext !== null && unsold > 0n && rules.unsoldTo === "next-auctions" ? spreadEvenly(unsold, rules.spreadOverNext) : [],
    bidVolume: c.bidVolume,
    demand: c.demand,
    coverRatio: coverRatio(c.bidVolume, input.offered),
    awards,
    proceedsMinor: total * price,
    reserves: use.uses,
    tie: fills.tie,
    seed: input.seed ?? null,
    referenceCheck,
  };
  return result;
}

/** Bids priced above `price` are filled; bids at it share `sold - above` by the tie rule. */
function fillBids(rules: AuctionRules, input: AuctionInput, c: Cleared, price: bigint, sold: bigint, above: bigint): { byBidder: Map<string, bigint>; tie: AuctionResult["tie"] } {
  const byBidder = new Map<string, bigint>();
  const add = (bidder: string, q: bigint) => {
    if (q > 0n) byBidder.set(bidder, (byBidder.get(bidder) ?? 0n) + q);
  };
  const group: { row: number; index: number; bid: Bid }[] = [];
  for (let k = 0; k < c.order.length; k++) {
    const index = c.order[k] as number;
    const b = c.bids[index] as Bid;
    if (b.priceMinor > price) add(b.bidder, b.quantity);
    else if (b.priceMinor === price) group.push({ row: b.row, index, bid: b });
    else break;
  }
  let tie: AuctionResult["tie"] = null;
  const left = sold - above;
  if (group.length > 0) {
    const groupDemand = group.reduce((s, g) => s + g.bid.quantity, 0n);
    if (left >= groupDemand) for (const g of group) add(g.bid.bidder, g.bid.quantity);
    else {
      const order = shareTie(rules, group, left, input.seed);
      for (const f of order) add(f.bidder, f.filled);
      tie = { priceMinor: price, rule: rules.tieBreak, order };
    }
  }
  return { byBidder, tie };
}

function awardsOf(competitive: Map<string, bigint>, input: AuctionInput, price: bigint): Award[] {
  const nc = new Map<string, bigint>();
  for (const b of input.nonCompetitive ?? []) nc.set(b.bidder, (nc.get(b.bidder) ?? 0n) + b.quantity);
  const names = new Set([...competitive.keys(), ...nc.keys()]);
  const out: Award[] = [];
  for (const bidder of names) {
    const n = nc.get(bidder) ?? 0n;
    const q = (competitive.get(bidder) ?? 0n) + n;
    if (q > 0n) out.push({ bidder, quantity: q, nonCompetitive: n, paymentMinor: q * price });
  }
  return out.sort((a, b) => (a.bidder < b.bidder ? -1 : a.bidder > b.bidder ? 1 : 0));
}
