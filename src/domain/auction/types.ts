// The auction's inputs, rules and results as values. Quantities are whole allowances (bigint);
// prices are integers of `priceDecimals` decimal places (minor units: EUR 80.05 at 2 is 8005n);
// payments are quantity x price in the same minor units, exact. A result carries everything that
// settlement needs (awards and payments per bidder, reserve quantities drawn, the seed of the tie
// order), so the registry only turns it into one batch of transfers (see settlement.ts).

/** A competitive bid: a quantity at a price. `row` is its line in the bids file, for errors. */
export interface Bid {
  bidder: string;
  quantity: bigint;
  priceMinor: bigint;
  row: number;
  /**
   * The bidder's number when the reader numbered bidders as it read them (0, 1, ... in order of
   * first appearance; the same bidder always the same number). Optional: clearing numbers them
   * itself when any bid lacks one; with them it sums awards in array slots rather than a map.
   */
  bidderId?: number | undefined;
}

/** A non-competitive bid: a quantity filled at the competitive clearing price. */
export interface NonCompetitiveBid {
  bidder: string;
  quantity: bigint;
  row: number;
}

/** A bidder the platform qualified: its bid guarantee (money, minor units) and whether it is a covered entity. */
export interface QualifiedBidder {
  id: string;
  guaranteeMinor?: bigint | undefined;
  covered?: boolean | undefined;
}

export interface Fraction {
  n: bigint;
  d: bigint;
}

/** A reserve tier taking part in the auction's clearing. */
export interface AuctionTier {
  id: string;
  direction: "release" | "withhold";
  triggerMinor: bigint;
  quantity: bigint;
}

export type TieBreak = "random" | "pro-rata" | "time-priority";
export type Undersubscribed = "cancel" | "reserve-price" | "lowest-bid";

/** The rules of one auction, resolved for its year (see rules.ts for the rulebook's). */
export interface AuctionRules {
  lotSize: bigint;
  priceDecimals: number;
  /** No bid below it is accepted; null when the scheme has none. */
  reservePriceMinor: bigint | null;
  /** A bidder may bid for at most this share of the allowances offered (floor to whole allowances). */
  maxBidderShare: Fraction | null;
  tieBreak: TieBreak;
  undersubscribed: Undersubscribed;
  belowReference: { threshold: Fraction; action: "cancel" | "exclude-bids" } | null;
  /** Reserve tiers in the auction (CCR releases, ECR withholds). */
  tiers: readonly AuctionTier[];
  nonCompetitive: { maxPerBidder: bigint; coveredOnly: boolean } | null;
  bidders: { eligible: "any-account-holder" | "covered-entities" | "registered-participants"; guarantee: boolean };
  /** Following auctions a cancelled volume is spread over; null: it stays with the auctioneer. */
  spreadOverNext: number | null;
  /** Where offered allowances not sold in an auction that cleared go. */
  unsoldTo: "next-auctions" | "reserve" | "retire" | "held";
}

export interface AuctionInput {
  /** Allowances offered (the calendar volume, after MSR and carried-over volumes). */
  offered: bigint;
  bids: readonly Bid[];
  nonCompetitive?: readonly NonCompetitiveBid[] | undefined;
  /** Qualified bidders; when given, a bid from anyone else is refused. */
  bidders?: ReadonlyMap<string, QualifiedBidder> | undefined;
  /** Seed of the random order of bids tied at the clearing price (required when the rule is random). */
  seed?: string | undefined;
  /** Secondary-market reference price for the `belowReference` check. */
  referencePriceMinor?: bigint | undefined;
}

/** A refused input row: the field (column) named, a code and its facts. */
export interface BidIssue {
  row: number;
  field: "bidder" | "quantity" | "price";
  code:
    | "bid-quantity-not-positive"
    | "bid-not-whole-lots"
    | "bid-price-negative"
    | "bid-price-missing"
    | "bid-too-large"
    | "bidder-not-qualified"
    | "bidder-not-covered"
    | "bidder-over-limit"
    | "bidder-without-guarantee"
    | "bid-over-guarantee"
    | "noncompetitive-over-cap";
  message: string;
}

export interface Award {
  bidder: string;
  /** Allowances won (competitive and non-competitive). */
  quantity: bigint;
  nonCompetitive: bigint;
  /** quantity x clearing price, minor units. */
  paymentMinor: bigint;
}

export interface ReserveUse {
  id: string;
  direction: "release" | "withhold";
  triggerMinor: bigint;
  quantity: bigint;
  /** Release tiers: allowances of the tier sold. */
  sold: bigint;
  /** Withhold tiers: allowances kept out of the auction. */
  withheld: bigint;
}

export interface TieFill {
  row: number;
  bidder: string;
  quantity: bigint;
  filled: bigint;
}

export type AuctionStatus = "cleared" | "undersubscribed" | "cancelled";

export interface AuctionResult {
  status: AuctionStatus;
  /** Why an auction was cancelled or left without a price. */
  reason: null | "undersubscribed" | "below-reference" | "no-bid-above-reference";
  clearingPriceMinor: bigint | null;
  priceDecimals: number;
  offered: bigint;
  /** Allowances sold, reserve allowances included. */
  sold: bigint;
  reserveSold: bigint;
  withheld: bigint;
  /** Offered allowances (not reserve ones) neither sold nor withheld, in an auction that was not cancelled. */
  unsold: bigint;
  /** Volume of a cancelled auction, or of an auction left without a price. */
  cancelled: bigint;
  /** Quantities added to each of the following auctions (cancelled volume, or unsold volume where the rule carries it). */
  carryOver: bigint[];
  /** Quantities of all bids submitted. */
  bidVolume: bigint;
  /** Accepted demand: bids at or above the reserve price, non-competitive ones included. */
  demand: bigint;
  /** Bid volume / offered, to 2 decimals (half up); null when nothing was offered. */
  coverRatio: string | null;
  awards: Award[];
  proceedsMinor: bigint;
  reserves: ReserveUse[];
  tie: { priceMinor: bigint; rule: TieBreak; order: TieFill[] } | null;
  /** The seed the tie order came from (recorded even when no tie needed it). */
  seed: string | null;
  referenceCheck: "passed" | "failed" | "not-made" | "not-required";
}

export type AuctionOutcome =
  | { ok: true; result: AuctionResult }
  | { ok: false; code: "auction-bids-refused"; issues: BidIssue[] }
  | { ok: false; code: "auction-input-invalid"; field: string; message: string };
