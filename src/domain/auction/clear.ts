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
import { priceLevels } from "./order.ts";
import type { PriceLevels } from "./order.ts";
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

/** The clearing price by a walk down the price levels, with reserve-tier triggers as candidate prices. */
function findClearing(levels: PriceLevels, supply: Supply, floor: bigint | null): Found | undefined {
  const triggers = [...new Set(supply.tiers.map((t) => t.triggerMinor))].filter((t) => floor === null || t >= floor).sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
  const lo = (p: bigint) => Number(supplyLo(supply, p)); // exact: supply is below 2^53 (inputProblem)
  let d = 0;
  let ti = 0;
  for (let i = 0; i < levels.price.length; i++) {
    const p = levels.price[i] as number;
    while (ti < triggers.length && Number(triggers[ti] as bigint) > p) {
      const t = triggers[ti] as bigint;
      if (d >= lo(t)) return { price: t, above: BigInt(d), atOrAbove: BigInt(d) };
      ti++;
    }
    const before = d;
    d += levels.quantity[i] as number;
    const pb = BigInt(p);
    if (d >= lo(pb)) return { price: pb, above: BigInt(before), atOrAbove: BigInt(d) };
    while (ti < triggers.length && Number(triggers[ti] as bigint) >= p) ti++;
  }
  for (; ti < triggers.length; ti++) {
    const t = triggers[ti] as bigint;
    if (d >= lo(t)) return { price: t, above: BigInt(d), atOrAbove: BigInt(d) };
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
  const limit = BigInt(SAFE);
  if (input.offered + rules.tiers.reduce((s, t) => s + t.quantity, 0n) >= limit) return { field: "offered", message: `the volume and reserves must total below 2^53 allowances` };
  for (const t of rules.tiers) if (t.triggerMinor >= limit) return { field: `tiers.${t.id}`, message: "trigger price too large" };
  return undefined;
}

/**
 * Per-bid columns for the hot loops: prices and quantities as integers held exactly in doubles.
 * Every price, every quantity and the total bid volume are below 2^53 (checked: larger input is
 * refused), so every partial sum of quantities is an integer below 2^53 and each addition is
 * exact; nothing fractional is ever formed. Results leave as bigint.
 */
interface Columns {
  price: Float64Array;
  quantity: Float64Array;
  accepted: Uint8Array;
}

const SAFE = 2 ** 53;

function columnsOf(rules: AuctionRules, input: AuctionInput): { cols: Columns; bidVolume: number; demand: number } | { field: string; message: string } {
  const bids = input.bids;
  const n = bids.length;
  const price = new Float64Array(n);
  const quantity = new Float64Array(n);
  const accepted = new Uint8Array(n);
  const reserve = rules.reservePriceMinor === null ? null : Number(rules.reservePriceMinor);
  const reference = input.referencePriceMinor;
  const excludeBelow = rules.belowReference?.action === "exclude-bids" && reference !== undefined;
  let bidVolume = 0;
  let demand = 0;
  for (let i = 0; i < n; i++) {
    const b = bids[i] as Bid;
    const p = Number(b.priceMinor);
    const q = Number(b.quantity);
    price[i] = p;
    quantity[i] = q;
    bidVolume += q;
    if (reserve !== null && p < reserve) continue;
    if (excludeBelow && significantlyBelow(rules, b.priceMinor, reference)) continue;
    accepted[i] = 1;
    demand += q;
  }
  if (bidVolume >= SAFE) return { field: "bids", message: `the bids total more than ${SAFE - 1} allowances` };
  return { cols: { price, quantity, accepted }, bidVolume, demand };
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
  const c = columnsOf(rules, input);
  if ("field" in c) return { ok: false, code: "auction-input-invalid", ...c };
  const bidVolume = BigInt(c.bidVolume) + ncTotal;
  const demand = BigInt(c.demand) + ncTotal;
  if (rules.belowReference?.action === "exclude-bids" && input.referencePriceMinor !== undefined && c.demand === 0 && input.bids.length > 0) {
    return { ok: true, result: { ...emptyResult(rules, input, bidVolume, demand), reason: "no-bid-above-reference", referenceCheck: "failed" } };
  }
  const levels = priceLevels(c.cols.price, c.cols.quantity, c.cols.accepted);
  const supply: Supply = { base: input.offered - ncTotal, tiers: rules.tiers };
  const found = findClearing(levels, supply, rules.reservePriceMinor);
  return { ok: true, result: settle(rules, input, { bids: input.bids, cols: c.cols, levels, supply, found, bidVolume, demand, ncTotal }) };
}

interface Cleared {
  bids: readonly Bid[];
  cols: Columns;
  levels: PriceLevels;
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
    const lowest = c.levels.price.length > 0 ? BigInt(c.levels.price[c.levels.price.length - 1] as number) : null;
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

/** Bidder numbers: the reader's `bidderId`s when every bid has one (checked to name one bidder each), else numbered here. */
function bidderIds(bids: readonly Bid[]): { of: Int32Array; names: string[] } {
  const of = new Int32Array(bids.length);
  const names: string[] = [];
  let given = true;
  for (let i = 0; i < bids.length && given; i++) {
    const b = bids[i] as Bid;
    const id = b.bidderId;
    if (id === undefined || id < 0 || id > bids.length || !Number.isInteger(id)) given = false;
    else {
      const known = names[id];
      if (known === undefined) names[id] = b.bidder;
      else if (known !== b.bidder) given = false;
      of[i] = id;
    }
  }
  if (given && names.every((n) => n !== undefined)) return { of, names };
  const slotOf = new Map<string, number>();
  names.length = 0;
  for (let i = 0; i < bids.length; i++) {
    const name = (bids[i] as Bid).bidder;
    let slot = slotOf.get(name);
    if (slot === undefined) {
      slot = names.length;
      slotOf.set(name, slot);
      names.push(name);
    }
    of[i] = slot;
  }
  return { of, names };
}

/** Bids priced above `price` are filled; bids at it share `sold - above` by the tie rule. */
function fillBids(rules: AuctionRules, input: AuctionInput, c: Cleared, price: bigint, sold: bigint, above: bigint): { byBidder: Map<string, bigint>; tie: AuctionResult["tie"] } {
  // winners' sums in slots of exact integers (below 2^53: bounded by the bid volume)
  const ids = bidderIds(c.bids);
  const names: string[] = ids.names;
  const won = new Float64Array(names.length);
  const group: { row: number; index: number; bid: Bid }[] = [];
  const p = Number(price);
  const prices = c.cols.price;
  const quantities = c.cols.quantity;
  // in input order: memory is read in sequence, and the bids tied at the price come in row order
  const accepted = c.cols.accepted;
  for (let index = 0; index < prices.length; index++) {
    if (accepted[index] !== 1) continue;
    const bp = prices[index] as number;
    if (bp > p) {
      const slot = ids.of[index] as number;
      won[slot] = (won[slot] as number) + (quantities[index] as number);
    } else if (bp === p) group.push({ row: (c.bids[index] as Bid).row, index, bid: c.bids[index] as Bid });
  }
  const byBidder = new Map<string, bigint>();
  names.forEach((name, slot) => {
    if ((won[slot] as number) > 0) byBidder.set(name, BigInt(won[slot] as number));
  });
  const add = (bidder: string, q: bigint) => {
    if (q > 0n) byBidder.set(bidder, (byBidder.get(bidder) ?? 0n) + q);
  };
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
