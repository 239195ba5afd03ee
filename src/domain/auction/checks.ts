// The catalogue of numbered checks of auctions and the market stability reserve in the registry
// (src/registry/auction), beside the ledger's (1xxx-7xxx), the security rules' (80xx-82xx),
// compliance's (9xxx) and international units' (100xx). Five-digit codes, by family: 110xx input,
// ids and accounts, 111xx the calendar, 112xx bidders, 113xx bids, 114xx an auction's status,
// 115xx settlement (the rules on every auction delivery), 116xx the market stability reserve.
// A refusal has the ledger's Refusal shape, so every layer above reports all catalogues alike.
// docs/reference/auction-checks.md is generated from this table and a test keeps it in step.
import type { Refusal } from "../ledger/checks.ts";
import type { BidIssue } from "./types.ts";

export interface AuctionCheckDefinition {
  readonly code: number;
  readonly name: string;
  /** The HTTP status the API answers a refusal with: 400 malformed, 404 unknown, 409 conflicts with the state, 422 breaks a rule. */
  readonly status: 400 | 404 | 409 | 422;
  readonly rule: string;
}

export const AUCTION_CHECKS = {
  INPUT_INVALID: { code: 11001, name: "auction-input-invalid", status: 400, rule: "A field of an auction or reserve command has the wrong type, is missing or is out of range; the field is named." },
  AUCTION_UNKNOWN: { code: 11002, name: "auction-unknown", status: 404, rule: "The auction must exist." },
  COMMAND_DIFFERS: { code: 11003, name: "auction-command-differs", status: 409, rule: "A command id used again must carry the same content (the first differing field is named); the same command again answers its first result." },
  NO_RULES: { code: 11004, name: "auction-no-rules", status: 422, rule: "Auctions run on the rulebook the registry records (`ets play`, the server at start); it must have an `auctions` section (and `stability.msr` for the market stability reserve)." },
  ACCOUNT_INVALID: { code: 11005, name: "auction-account-invalid", status: 422, rule: "The accounts an auction names must exist, be open and be of their role's type: the auction account `auction`, a reserve tier's account a reserve type, a bidder's account a holding type; the account is named." },
  CLASS_INVALID: { code: 11006, name: "auction-class-invalid", status: 422, rule: "An auction sells units of one defined allowance class." },
  AUCTION_EXISTS: { code: 11007, name: "auction-exists", status: 409, rule: "An auction id is used once." },

  CALENDAR_NO_VOLUME: { code: 11101, name: "calendar-no-volume", status: 422, rule: "A year's calendar needs its auction volume: published in the rulebook (`auctions.calendar.volumes`) or given." },
  CALENDAR_NO_AUCTIONS: { code: 11102, name: "calendar-no-auctions", status: 422, rule: "A calendar needs the number of auctions a year (`auctions.calendar.auctionsPerYear` or `auctions.frequency`)." },
  CALENDAR_NEGATIVE_VOLUME: { code: 11103, name: "calendar-negative-volume", status: 422, rule: "The market stability reserve's monthly changes may not take an auction's volume below zero." },
  CALENDAR_EXISTS: { code: 11104, name: "calendar-exists", status: 409, rule: "A year's calendar is written once." },
  CALENDAR_ENTRY_UNKNOWN: { code: 11105, name: "calendar-entry-unknown", status: 404, rule: "An auction is created for an entry of the year's calendar (its number); write the calendar first." },
  CALENDAR_ENTRY_TAKEN: { code: 11106, name: "calendar-entry-taken", status: 409, rule: "A calendar entry is auctioned once." },

  BIDDER_EXISTS: { code: 11201, name: "bidder-exists", status: 409, rule: "A bidder is admitted to an auction once, with one account; an account bids for one bidder." },
  BIDDER_UNKNOWN: { code: 11202, name: "bidder-unknown", status: 404, rule: "Bids are placed for a bidder admitted to the auction." },

  BID_QUANTITY_NOT_POSITIVE: { code: 11301, name: "bid-quantity-not-positive", status: 422, rule: "A bid is for a positive number of allowances." },
  BID_NOT_WHOLE_LOTS: { code: 11302, name: "bid-not-whole-lots", status: 422, rule: "A bid is for a whole number of lots (`auctions.lotSize`)." },
  BID_PRICE_NEGATIVE: { code: 11303, name: "bid-price-negative", status: 422, rule: "A bid price is not negative, with at most the auction's price decimals." },
  BID_PRICE_MISSING: { code: 11304, name: "bid-price-missing", status: 422, rule: "A bid without a price (non-competitive) is taken only where the rules allow non-competitive bids." },
  BID_TOO_LARGE: { code: 11305, name: "bid-too-large", status: 422, rule: "A bid's quantity and price are below 2^53." },
  BIDDER_NOT_QUALIFIED: { code: 11306, name: "bidder-not-qualified", status: 422, rule: "Only bidders admitted to the auction bid." },
  BIDDER_NOT_COVERED: { code: 11307, name: "bidder-not-covered", status: 422, rule: "Where only covered entities may bid (or bid without a price), the bidder must be one." },
  BIDDER_OVER_LIMIT: { code: 11308, name: "bidder-over-limit", status: 422, rule: "A bidder's bids together may not exceed its share of the volume offered (`auctions.maxBidderShare`; RGGI 25%)." },
  BIDDER_WITHOUT_GUARANTEE: { code: 11309, name: "bidder-without-guarantee", status: 422, rule: "Where the rules require a bid guarantee, the bidder must have lodged one when admitted." },
  BID_OVER_GUARANTEE: { code: 11310, name: "bid-over-guarantee", status: 422, rule: "A bidder's bids together (quantity x price) may not exceed its bid guarantee." },
  NONCOMPETITIVE_OVER_CAP: { code: 11311, name: "noncompetitive-over-cap", status: 422, rule: "A bidder's non-competitive bids together may not exceed the per-bidder cap." },
  BIDS_SEALED: { code: 11312, name: "bids-sealed", status: 409, rule: "Bids are sealed until the auction closes: before it, each bidder sees only its own bids, and nobody else sees any." },

  NOT_OPEN: { code: 11401, name: "auction-not-open", status: 409, rule: "Bidders are admitted and bids placed only while the auction is open; it closes once." },
  NOT_CLOSED: { code: 11402, name: "auction-not-closed", status: 409, rule: "Results exist, and are published, only once the auction has closed." },
  NOT_SETTLEABLE: { code: 11403, name: "auction-not-settleable", status: 409, rule: "Only a closed auction with a clearing price is settled; a cancelled auction sells nothing." },
  RESERVE_RELEASE_PENDING: { code: 11404, name: "reserve-release-pending", status: 409, rule: "Reserve allowances sold in an auction reach the auction account by a reserve release (approved by a second administrator) before the awards are delivered; the transaction is named." },

  DELIVERY_WITHOUT_SETTLEMENT: { code: 11501, name: "delivery-without-settlement", status: 422, rule: "An auction delivery is written only by the settlement batch of a closed auction, with its payment records in the same database transaction." },
  DELIVERY_MISMATCH: { code: 11502, name: "delivery-mismatch", status: 422, rule: "A settlement delivers each award exactly once: from the auction account, of the auction's class, to the winner's account, the awarded quantity; the transfer is named." },
  DELIVERY_FINAL: { code: 11503, name: "delivery-final", status: 422, rule: "A settled auction delivery is final (delivery against payment): it is not reversed." },

  MSR_NOT_IN_FORCE: { code: 11601, name: "msr-not-in-force", status: 422, rule: "The reserve acts on the TNAC of a year for which the rulebook sets an intake rate." },
  MSR_NEGATIVE_INPUT: { code: 11602, name: "msr-negative-input", status: 400, rule: "The TNAC's figures and the reserve's holdings are not negative." },
  MSR_PREVIOUS_AUCTION_VOLUME: { code: 11603, name: "msr-previous-auction-volume-needed", status: 422, rule: "Where holdings above the previous year's auction volume are invalidated (2023), that volume must be given." },
  MSR_EMISSIONS_MISSING: { code: 11604, name: "msr-verified-emissions-missing", status: 422, rule: "The TNAC needs the verified emissions up to the end of the year: given, or from the compliance records." },
  MSR_DECISION_EXISTS: { code: 11605, name: "msr-decision-exists", status: 409, rule: "The reserve decides once on the TNAC of a year." },
  MSR_DECISION_UNKNOWN: { code: 11606, name: "msr-decision-unknown", status: 404, rule: "The month's intake or release follows a recorded decision on the TNAC of its year." },
  MSR_MONTH_UNKNOWN: { code: 11607, name: "msr-month-unknown", status: 422, rule: "Only a month of the decision's schedule has an intake or release." },

  CEILING_NONE: { code: 11701, name: "ceiling-none", status: 422, rule: "A payment in place of allowances needs a price ceiling in the rulebook for the year of the compliance period." },
  CEILING_NOT_PAYMENT: { code: 11702, name: "ceiling-not-payment", status: 422, rule: "A payment in place of allowances is taken only where the rulebook keeps its ceiling by payment in lieu (`stability.priceCeiling.mechanism: payment-in-lieu`, GX-ETS); the mechanism is named." },
  CEILING_INSTALLATION_UNKNOWN: { code: 11703, name: "ceiling-installation-unknown", status: 404, rule: "A payment in place of allowances is made for an installation registered for compliance." },
  CEILING_PERIOD_CLOSED: { code: 11704, name: "ceiling-period-closed", status: 409, rule: "A payment counts toward a compliance period only while the period is not closed." },
  CEILING_NOT_SALE: { code: 11705, name: "ceiling-not-sale", status: 422, rule: "Allowances are sold at the ceiling beyond the cap only where the rulebook keeps its ceiling by fixed-price sales (`stability.priceCeiling.mechanism: fixed-price-sale`) with a price for the year of the sale; the mechanism is named." },
  CEILING_BUYER_NOT_ELIGIBLE: { code: 11706, name: "ceiling-buyer-not-eligible", status: 422, rule: "A sale at the ceiling is made to a covered entity: an open operator holding account of an installation registered for compliance; the account is named." },
  CEILING_SALE_WITHOUT_ISSUANCE: { code: 11707, name: "ceiling-sale-without-issuance", status: 422, rule: "A ceiling_sale transaction is written only by the sale at the ceiling, one transfer of the quantity its own issuance beyond the cap created (`<sale>.issue`, completed, same class and account); each issuance is sold once." },
  CEILING_SALE_OVER_LIMIT: { code: 11708, name: "ceiling-sale-over-limit", status: 422, rule: "A sale at the ceiling is for at most 10^15 allowances, and its amount (quantity x price) at most 10^30 minor units of the currency." },
  CEILING_SALE_AWAITING_ISSUANCE: { code: 11709, name: "ceiling-sale-awaiting-issuance", status: 409, rule: "Allowances issued beyond the cap need a second national administrator: the sale's issuance (`<sale>.issue`) waits for approval, and the same commandId completes the sale once it is approved; a rejected or expired issuance ends the sale. Its status is named." },
  CEILING_SALE_UNKNOWN: { code: 11710, name: "ceiling-sale-unknown", status: 404, rule: "A sale at the ceiling is completed by its commandId only when a sale was requested under it (the request is recorded when the sale is first sent); the commandId is named." },
} as const satisfies Record<string, AuctionCheckDefinition>;

export type AuctionCheckKey = keyof typeof AUCTION_CHECKS;

export function auctionRefusal(key: AuctionCheckKey, message: string, facts: Record<string, unknown> = {}): Refusal {
  const c = AUCTION_CHECKS[key];
  return { ok: false, code: c.code, check: c.name, message, facts };
}

const BY_CODE = new Map<number, AuctionCheckDefinition>(Object.values(AUCTION_CHECKS).map((c) => [c.code, c]));

/** The HTTP status of an auction check code, or undefined when the code is another catalogue's. */
export function auctionStatusOf(code: number): number | undefined {
  return BY_CODE.get(code)?.status;
}

const ISSUE_KEY: Record<BidIssue["code"], AuctionCheckKey> = {
  "bid-quantity-not-positive": "BID_QUANTITY_NOT_POSITIVE",
  "bid-not-whole-lots": "BID_NOT_WHOLE_LOTS",
  "bid-price-negative": "BID_PRICE_NEGATIVE",
  "bid-price-missing": "BID_PRICE_MISSING",
  "bid-too-large": "BID_TOO_LARGE",
  "bidder-not-qualified": "BIDDER_NOT_QUALIFIED",
  "bidder-not-covered": "BIDDER_NOT_COVERED",
  "bidder-over-limit": "BIDDER_OVER_LIMIT",
  "bidder-without-guarantee": "BIDDER_WITHOUT_GUARANTEE",
  "bid-over-guarantee": "BID_OVER_GUARANTEE",
  "noncompetitive-over-cap": "NONCOMPETITIVE_OVER_CAP",
};

/** A bid refused by the clearing rules (src/domain/auction/bids.ts) as a refusal of this catalogue, naming the field. */
export function bidRefusal(issue: BidIssue): Refusal {
  return auctionRefusal(ISSUE_KEY[issue.code], `${issue.field}: ${issue.message}`, { field: issue.field });
}

export const AUCTION_FAMILIES: ReadonlyArray<readonly [prefix: number, title: string]> = [
  [110, "input, ids, rules and accounts"],
  [111, "the auction calendar"],
  [112, "bidders"],
  [113, "bids (the clearing rules' checks, and sealing)"],
  [114, "an auction's status"],
  [115, "settlement: the rules on every auction delivery"],
  [116, "the market stability reserve"],
  [117, "price collars: the payment in place of allowances and the sale at the ceiling beyond the cap"],
];

const HEAD = "<!-- Generated by scripts/gen-auction-docs.ts from src/domain/auction/checks.ts; do not edit by hand. -->\n\n";

/** docs/reference/auction-checks.md, built from the catalogue so it cannot drift from the code. */
export function auctionChecksDoc(): string {
  const rows = Object.values(AUCTION_CHECKS)
    .sort((a, b) => a.code - b.code)
    .map((c) => `| ${c.code} | \`${c.name}\` | ${c.status} | ${c.rule} |`);
  const families = AUCTION_FAMILIES.map(([p, t]) => `- ${p}xx: ${t}`).join("\n");
  return `${HEAD}# Auction check codes

Auctions and the market stability reserve in the registry (\`src/registry/auction\`) refuse a bad
command with one of these codes, its name, a message and the facts that triggered it, in the same
shape as the ledger's [check codes](checks.md). A refused command changes nothing. The HTTP status is
the one the API answers with (400 malformed, 404 unknown, 409 in conflict with the state, 422
against a rule). The codes have five digits, apart from the ledger (1xxx-7xxx), the
[security rules](security-rules.md) (80xx-82xx), [compliance](compliance-checks.md) (9xxx) and
[international units](international-checks.md) (100xx). See [concepts/auctions.md](../concepts/auctions.md#the-auction-in-the-registry)
for the lifecycle these checks guard.

${families}

| code | name | HTTP | rule |
|---|---|---|---|
${rows.join("\n")}
`;
}
