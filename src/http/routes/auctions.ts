// Auctions and the market stability reserve over the API (src/registry/auction): the calendar,
// auctions, their bidders and sealed bids, the close, the settlement in one ledger batch, and the
// results as auction platforms publish them once an auction has closed; the reserve's TNAC, its
// decisions and their monthly transactions. Administrators run auctions; representatives bid for
// the bidder of an account they represent and read only its own bids and awards; the calendar,
// the auctions and their public results are open to everyone. Reserve releases, withholdings and
// the reserve's monthly movements are ledger transactions a second administrator approves.
import { z } from "@hono/zod-openapi";
import { auctionStatusOf } from "../../domain/auction/checks.ts";
import { AuctionService } from "../../registry/auction/index.ts";
import { PUBLIC_ACCESS as PUBLIC, roles } from "../access.ts";
import type { AppDeps, HttpConfig } from "../context.ts";
import { jsonSafe, ProblemError, type RefusalLike, refusalProblem, refusalStatus } from "../problem.ts";
import { op, type Op } from "../route.ts";
import { AccountId, Amount, ClassCode, page, PageQuery, Time, TransactionId } from "../schemas.ts";
import { parseBidderKey, splitKey } from "../../registry/page-key.ts";
import { cursorInvalid, pageOf, parsedKey, pageRequest, pageRequestNumber, pageWhole } from "../views.ts";
import { complianceEmissions } from "../../registry/compliance/emissions.ts";

const ADMIN = ["national-admin"] as const;
const READERS = ["national-admin", "authority", "representative"] as const;
const TAG = "auctions";


const AuctionIdParam = z.object({ auctionId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,47}$/).openapi({ examples: ["R25-1"] }) });
const YearParam = z.object({ year: z.coerce.number().int().min(1990).max(2200).openapi({ examples: [2025] }) });
const Price = z.string().regex(/^[0-9]{1,13}(\.[0-9]{1,4})?$/, "a decimal amount such as 80.05").openapi({ description: "A price or amount as a decimal string in the auction's currency", examples: ["80.05"] });
const Money = z.string().openapi({ description: "An amount of money as a decimal string, exact to the currency's minor unit", examples: ["42500.00"] });
const Count = z.union([Amount, z.number().int().nonnegative()]).openapi({ description: "Allowances as a decimal string (or a safe integer)", examples: ["10000"] });

const Event = z.object({ status: z.string(), at: Time, actor: z.string().nullable() });
const PublicResults = z
  .object({
    status: z.enum(["cleared", "undersubscribed", "cancelled"]),
    reason: z.string().nullable(),
    currency: z.string(),
    clearingPrice: Money.nullable(),
    offered: Amount,
    sold: Amount,
    reserveSold: Amount,
    withheld: Amount,
    unsold: Amount,
    cancelled: Amount,
    carryOver: z.array(Amount),
    bidVolume: Amount,
    coverRatio: z.string().nullable().openapi({ description: "Bid volume / volume offered, to two decimals" }),
    proceeds: Money,
    bidders: z.number().int(),
    winners: z.number().int(),
    closedAt: Time,
  })
  .openapi("AuctionPublicResults", { description: "What the platform publishes after the close" });
const Auction = z
  .object({
    id: z.string(),
    year: z.number().int(),
    number: z.number().int(),
    month: z.string(),
    scheme: z.string(),
    currency: z.string(),
    classCode: z.string(),
    auctionAccount: z.string(),
    reserveAccounts: z.record(z.string(), z.string()),
    unsoldAccount: z.string().nullable(),
    planned: Amount,
    carriedIn: Amount,
    offered: Amount,
    status: z.enum(["open", "cleared", "undersubscribed", "cancelled", "settled"]),
    createdAt: Time,
    rules: z.record(z.string(), z.unknown()).openapi({ description: "The rules of the auction's year, stored with it: lot size, reserve price, bidder limit, tie rule, reserve tiers" }),
    events: z.array(Event),
    results: PublicResults.nullable(),
  })
  .openapi("Auction");
const CalendarEntry = z
  .object({ year: z.number().int(), number: z.number().int(), month: z.string(), planned: Amount, adjustment: z.string(), volume: Amount, scheme: z.string(), createdAt: Time, auctionId: z.string().nullable() })
  .openapi("AuctionCalendarEntry");
const Bidder = z
  .object({ bidder: z.string(), accountId: z.string(), guaranteeMinor: z.string().nullable(), covered: z.boolean(), admittedAt: Time, admittedBy: z.string() })
  .openapi("AuctionBidder");
const Bid = z
  .object({ bidNo: z.number().int(), bidder: z.string(), quantity: Amount, priceMinor: z.string().nullable().openapi({ description: "The price in minor units (cents); null for a non-competitive bid" }), submittedAt: Time, submittedBy: z.string(), key: z.string() })
  .openapi("AuctionBid");
const Results = PublicResults.extend({
  awards: z.array(z.object({ bidder: z.string(), accountId: z.string(), quantity: Amount, nonCompetitive: Amount, payment: Money })),
  revenue: z
    .object({
      table: z.enum(["auctions.revenue", "allocation.distribution", "none"]),
      currency: z.string(),
      proceeds: Money,
      parts: z.array(z.object({ recipient: z.string(), share: z.string().nullable(), retained: z.boolean(), amount: Money })),
    })
    .nullable()
    .openapi({ description: "The proceeds split by the rulebook's revenue table, recorded at settlement (the retained rest as its own row); null before the settlement" }),
  detail: z.record(z.string(), z.unknown()).nullable(),
}).openapi("AuctionResults");
const AuctionTx = z.object({ role: z.enum(["release", "withhold", "unsold"]), tier: z.string().nullable(), transactionId: z.string(), quantity: Amount, status: z.string().nullable(), refused: z.record(z.string(), z.unknown()).nullable() });
const Payment = z
  .object({ bidder: z.string(), accountId: z.string(), transactionId: z.string(), batchId: z.string(), quantity: Amount, priceMinor: z.string(), amountMinor: z.string(), currency: z.string(), decimals: z.number().int(), recordedAt: Time })
  .openapi("AuctionPayment");
const Settlement = z
  .object({
    auctionId: z.string(),
    batchId: z.string().nullable(),
    settledAt: Time.nullable(),
    totals: z.object({ payments: z.number().int(), quantity: Amount, amountMinor: z.string() }).openapi({ description: "The payment records the caller may read (all, or a representative's own) and what they sum to" }),
    payments: z.array(Payment).openapi({ description: "The first 100 of those payment records in bidder order; the rest page on GET /v1/auctions/{auctionId}/settlement/payments" }),
    paymentsNextCursor: z.string().nullable().openapi({ description: "The cursor of the payments list after those shown here; null when they are all shown" }),
    transactions: z.array(AuctionTx),
  })
  .openapi("AuctionSettlement");
const Tnac = z
  .object({ year: z.number().int(), tnac: z.string(), issuedSince2008: Amount, creditsUsed: Amount, verifiedEmissions: Amount, cancelled: Amount, reserveHoldings: Amount, emissionsFrom: z.enum(["given", "compliance-records"]), upTo: Time, issuedBeyondCap: Amount.openapi({ description: "Of the allowances issued, those issued beyond the cap by sales at a hard ceiling up to the cut-off" }) })
  .openapi("Tnac");
const Decision = z
  .object({ tnacYear: z.number().int(), figures: z.record(z.string(), z.unknown()), decision: z.record(z.string(), z.unknown()), msrAccount: z.string(), auctionAccount: z.string(), cancellationAccount: z.string().nullable(), at: Time, actor: z.string() })
  .openapi("MsrDecision");
const MonthView = z
  .object({
    tnacYear: z.number().int(), month: z.string(), intake: Amount, release: Amount, invalidated: Amount,
    transactions: z.array(z.object({ role: z.enum(["intake", "release", "invalidation"]), transactionId: z.string(), quantity: Amount, status: z.string().nullable(), refused: z.record(z.string(), z.unknown()).nullable() })),
  })
  .openapi("MsrMonth");
const list = <T extends z.ZodType>(item: T, name: string) => z.object({ items: z.array(item) }).openapi(name);

/** A refusal of any catalogue (auction checks with their own statuses) as its problem. */
function must<T>(r: { ok: true; value: T } | RefusalLike): T {
  if (!r.ok) throw new ProblemError(refusalProblem(r, auctionStatusOf(r.code) ?? refusalStatus(r)), {}, true);
  return r.value;
}
const json = (c: { json: (b: never, s?: never) => Response }, v: unknown, status = 200) => c.json(jsonSafe(v) as never, status as never);
const done = <T>(c: { json: (b: never, s?: never) => Response }, r: ({ ok: true; value: T; replayed?: boolean }) | RefusalLike) => {
  const v = must(r);
  return json(c, v, r.ok && r.replayed ? 200 : 201);
};
const both = (d: string, schema: z.ZodType) => ({ 201: { description: d, schema }, 200: { description: "A repeat of an earlier request with the same commandId: its first result", schema } });

export function auctionOps(deps: AppDeps, _config: HttpConfig): Op[] {
  // made on first use: the reference is generated from the operations without a registry
  let made: AuctionService | undefined;
  const service = () => (made ??= new AuctionService(deps.registry, { rulebook: deps.rulebook, emissions: complianceEmissions }));
  return [
    op({
      method: "get", path: "/v1/auctions", operationId: "listAuctions", tag: TAG, access: PUBLIC,
      summary: "Auctions",
      description: "The auctions of the registry, newest first (by year and number), with their status and, once closed, their public results (clearing price, volumes, cover ratio, proceeds); a page at a time with a cursor.",
      query: PageQuery.extend({ year: z.coerce.number().int().min(1990).max(2200).optional() }),
      responses: { 200: { description: "A page of auctions", schema: page(Auction, "AuctionList") } },
      handler: async ({ c, query }) => {
        const p = pageRequest(query);
        const k = p.after === undefined ? undefined : splitKey(p.after, /^[0-9]{4}$/);
        if (p.after !== undefined && (k === undefined || !/^[0-9]{1,6}$/.test(k[1]))) throw cursorInvalid();
        const rows = await service().list({ year: query.year, limit: p.take, before: k === undefined ? undefined : { year: Number(k[0]), number: Number(k[1]) } });
        return json(c, pageOf(rows, p.limit, (a) => `${a.year}/${a.number}`));
      },
    }),
    op({
      method: "get", path: "/v1/auctions/{auctionId}", operationId: "getAuction", tag: TAG, access: PUBLIC,
      summary: "An auction",
      description: "An auction: its calendar entry, volume offered, the rules of its year, its events and, once closed, its public results.",
      params: AuctionIdParam, errors: [404],
      responses: { 200: { description: "The auction", schema: Auction } },
      handler: async ({ c, caller, params }) => json(c, must(await service().get(caller, params.auctionId))),
    }),
    op({
      method: "get", path: "/v1/auction-calendar/{year}", operationId: "getAuctionCalendar", tag: TAG, access: PUBLIC,
      summary: "A year's auction calendar",
      description: "The auctions planned for a year, in the calendar's order (auction number): month, planned volume, the market stability reserve's adjustment and the volume, with the auction created for each entry; a page at a time with a cursor.",
      params: YearParam, query: PageQuery,
      responses: { 200: { description: "A page of the entries, in order", schema: page(CalendarEntry, "AuctionCalendar") } },
      handler: async ({ c, params, query }) => json(c, pageWhole(await service().calendar(params.year), query, (e) => String(e.number).padStart(6, "0"))),
    }),
    op({
      method: "post", path: "/v1/auction-calendar", operationId: "writeAuctionCalendar", tag: TAG, access: roles(ADMIN, "admin"),
      summary: "Write a year's auction calendar",
      description: "Writes a year's calendar once, from the rulebook: its volume (published, or given) split over the year's auctions in whole lots, less the reserve's recorded intakes of each month. The entries answer in the calendar's order.",
      body: z.object({ commandId: TransactionId, year: z.number().int().min(1990).max(2200), volume: Count.optional() }).strict().openapi("AuctionCalendarBody"),
      errors: [409, 422],
      responses: both("The calendar written", list(CalendarEntry, "AuctionCalendarWritten")),
      handler: async ({ c, caller, body }) => {
        const r = await service().writeCalendar(caller, body);
        return done(c, r.ok ? { ...r, value: { items: r.value } } : r);
      },
    }),
    op({
      method: "post", path: "/v1/auctions", operationId: "createAuction", tag: TAG, access: roles(ADMIN, "admin"),
      summary: "Create an auction",
      description: "Creates the auction of a calendar entry, with the rules of its year stored with it, the auction account it sells from and the reserve accounts of its tiers. It opens for bidders and bids.",
      body: z
        .object({ commandId: TransactionId, auctionId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,47}$/), year: z.number().int(), number: z.number().int(), classCode: ClassCode, auctionAccount: AccountId, reserveAccounts: z.record(z.string(), AccountId).optional(), unsoldAccount: AccountId.optional() })
        .strict()
        .openapi("CreateAuctionBody"),
      errors: [404, 409, 422],
      responses: both("The auction, open", Auction),
      handler: async ({ c, caller, body }) => done(c, await service().create(caller, body)),
    }),
    op({
      method: "post", path: "/v1/auctions/{auctionId}/bidders", operationId: "admitBidder", tag: TAG, access: roles(ADMIN, "admin"),
      summary: "Admit a bidder",
      description: "Admits a bidder to an open auction with the holding account its allowances are delivered to, its bid guarantee and whether it is a covered entity.",
      params: AuctionIdParam,
      body: z.object({ commandId: TransactionId, bidder: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/), accountId: AccountId, guarantee: Price.optional(), covered: z.boolean().optional() }).strict().openapi("AdmitBidderBody"),
      errors: [404, 409, 422],
      responses: both("The bidder", Bidder),
      handler: async ({ c, caller, params, body }) => done(c, await service().admit(caller, params.auctionId, body)),
    }),
    op({
      method: "get", path: "/v1/auctions/{auctionId}/bidders", operationId: "listAuctionBidders", tag: TAG, access: roles(READERS, "read", "representatives: only the bidders of accounts they represent"),
      summary: "An auction's bidders",
      description: "The bidders admitted to an auction with their accounts: all of them for administrators and the authority, a representative's own; in order of bidder name, a page at a time with a cursor.",
      params: AuctionIdParam, query: PageQuery, errors: [404],
      responses: { 200: { description: "A page of bidders", schema: page(Bidder, "AuctionBidders") } },
      handler: async ({ c, caller, params, query }) => {
        const p = pageRequest(query);
        return json(c, pageOf(must(await service().bidders(caller, params.auctionId, { after: p.after, take: p.take })), p.limit, (b) => b.bidder));
      },
    }),
    op({
      method: "post", path: "/v1/auctions/{auctionId}/bids", operationId: "placeBid", tag: TAG, access: roles(["national-admin", "representative"], ["transfer:initiate", "admin"], "representatives with the initiate right on the bidder's account"),
      summary: "Place a sealed bid",
      description: "Places a bid for a bidder while the auction is open: a quantity in whole lots and a price (none: a non-competitive bid where the rules take them). It is checked at once by the clearing's rules (lots, price, the bidder's share of the volume, its guarantee) and refused by field with nothing recorded.",
      params: AuctionIdParam,
      body: z.object({ commandId: TransactionId, bidder: z.string().max(64), quantity: Count, price: z.string().max(40).nullable().optional() }).strict().openapi("PlaceBidBody"),
      errors: [404, 409, 422],
      responses: both("The bid, sealed", Bid),
      handler: async ({ c, caller, params, body }) => done(c, await service().bid(caller, params.auctionId, body)),
    }),
    op({
      method: "get", path: "/v1/auctions/{auctionId}/bids", operationId: "listAuctionBids", tag: TAG, access: roles(READERS, "read", "sealed: a representative reads only its bidder's bids; administrators and the authority read all only after the close"),
      summary: "An auction's bids (sealed)",
      description: "Bids are sealed: a representative reads only the bids of the bidders it represents; administrators and the authority read all of them once the auction has closed (before, 409 bids-sealed). In the order they were placed (bid number), a page at a time with a cursor.",
      params: AuctionIdParam, query: PageQuery, errors: [404, 409],
      responses: { 200: { description: "A page of the bids the caller may read", schema: page(Bid, "AuctionBids") } },
      handler: async ({ c, caller, params, query }) => {
        const p = pageRequestNumber(query);
        return json(c, pageOf(must(await service().bids(caller, params.auctionId, { after: p.after, take: p.take })), p.limit, (b) => String(b.bidNo)));
      },
    }),
    op({
      method: "post", path: "/v1/auctions/{auctionId}/close", operationId: "closeAuction", tag: TAG, access: roles(ADMIN, "admin"),
      summary: "Close and clear an auction",
      description: "Closes an open auction (no bid enters after it) and clears it by the rules of its year: clearing price, awards, reserve tiers, ties in the seeded order (the seed is recorded). Reserve releases the result calls for are proposed for a second administrator's approval.",
      params: AuctionIdParam,
      body: z.object({ commandId: TransactionId, seed: z.string().min(1).max(128).optional(), referencePrice: Price.optional() }).strict().openapi("CloseAuctionBody"),
      errors: [404, 409, 422],
      responses: both("The auction, closed, with its results", Auction),
      handler: async ({ c, caller, params, body }) => done(c, await service().close(caller, params.auctionId, body)),
    }),
    op({
      method: "post", path: "/v1/auctions/{auctionId}/settle", operationId: "settleAuction", tag: TAG, access: roles(ADMIN, "admin"),
      summary: "Settle an auction",
      description: "Delivers every award from the auction account to the winner's account in ONE ledger batch with its payment records, all or nothing; settling again answers the first settlement. Withheld and unsold allowances are then proposed for their reserve (four-eyes).",
      params: AuctionIdParam,
      body: z.object({ commandId: TransactionId.optional() }).strict().openapi("SettleAuctionBody"),
      bodyOptional: true,
      errors: [404, 409, 422],
      responses: both("The settlement", Settlement),
      handler: async ({ c, caller, params, body }) => done(c, await service().settle(caller, params.auctionId, body ?? {})),
    }),
    op({
      method: "get", path: "/v1/auctions/{auctionId}/results", operationId: "getAuctionResults", tag: TAG, access: PUBLIC,
      summary: "An auction's results",
      description: "Once the auction has closed: the public results (clearing price, offered, sold, reserve sold, withheld, unsold, cover ratio, bidders and winners, proceeds); awards with payments for administrators and the authority, a bidder's own for its representatives.",
      params: AuctionIdParam, errors: [404, 409],
      responses: { 200: { description: "The results", schema: Results } },
      handler: async ({ c, caller, params }) => json(c, must(await service().results(caller, params.auctionId))),
    }),
    op({
      method: "get", path: "/v1/auctions/{auctionId}/settlement", operationId: "getAuctionSettlement", tag: TAG, access: roles(READERS, "read", "representatives: only their bidders' payments"),
      summary: "An auction's settlement",
      description: "The settlement batch, the totals of its payment records (a representative's own), the first 100 of them with the cursor of the rest (GET .../settlement/payments), and the reserve transactions of the auction with their status.",
      params: AuctionIdParam, errors: [404],
      responses: { 200: { description: "The settlement", schema: Settlement } },
      handler: async ({ c, caller, params }) => json(c, must(await service().settlement(caller, params.auctionId))),
    }),
    op({
      method: "get", path: "/v1/auctions/{auctionId}/settlement/payments", operationId: "listAuctionPayments", tag: TAG, access: roles(READERS, "read", "representatives: only their bidders' payments"),
      summary: "An auction's payment records",
      description: "The payment records of the settlement in bidder order (a representative's own), a page at a time with a cursor; the settlement document shows the first of them with their totals.",
      params: AuctionIdParam, query: PageQuery, errors: [404],
      responses: { 200: { description: "A page of the payment records the caller may read", schema: page(Payment, "AuctionPayments") } },
      handler: async ({ c, caller, params, query }) => {
        const p = pageRequest(query);
        const after = p.after === undefined ? undefined : parsedKey(p.after, parseBidderKey);
        return json(c, pageOf(must(await service().payments(caller, params.auctionId, { after, take: p.take })), p.limit, (x) => x.bidder));
      },
    }),
    op({
      method: "get", path: "/v1/msr/tnac/{year}", operationId: "getTnac", tag: TAG, access: roles(["national-admin", "authority"], "read"),
      summary: "The TNAC of a year",
      description: "The total number of allowances in circulation at the end of a year, computed from the registry: allowances issued into circulation and credits used, minus verified emissions (given, or from the compliance records), cancellations and the reserve's holdings.",
      params: YearParam,
      query: z.object({ verifiedEmissions: z.string().regex(/^[0-9]{1,18}$/).optional().openapi({ description: "Verified emissions up to the end of the year, when the compliance records do not give them" }) }),
      errors: [422],
      responses: { 200: { description: "The TNAC and its figures", schema: Tnac } },
      handler: async ({ c, params, query }) => json(c, must(await service().tnac(params.year, query.verifiedEmissions === undefined ? undefined : BigInt(query.verifiedEmissions)))),
    }),
    op({
      method: "get", path: "/v1/msr/decisions", operationId: "listMsrDecisions", tag: TAG, access: PUBLIC,
      summary: "The reserve's decisions",
      description: "The market stability reserve's recorded decisions, newest first (by TNAC year): the TNAC and its figures, intake, release, invalidation and the monthly schedule. Published, like the Commission's TNAC. A page at a time with a cursor.",
      query: PageQuery,
      responses: { 200: { description: "A page of decisions", schema: page(Decision, "MsrDecisions") } },
      handler: async ({ c, query }) => {
        const p = pageRequestNumber(query);
        return json(c, pageOf(await service().decisions(undefined, { after: p.after, take: p.take }), p.limit, (d) => String(d.tnacYear)));
      },
    }),
    op({
      method: "post", path: "/v1/msr/decisions", operationId: "decideMsr", tag: TAG, access: roles(ADMIN, "admin"),
      summary: "Record the reserve's decision",
      description: "Computes the TNAC of a year from the registry and records the reserve's decision on it once (intake, release, invalidation, the monthly schedule), by the rulebook's rules.",
      body: z
        .object({ commandId: TransactionId, tnacYear: z.number().int(), verifiedEmissions: Count.optional(), previousAuctionVolume: Count.optional(), msrAccount: AccountId, auctionAccount: AccountId, cancellationAccount: AccountId.optional() })
        .strict()
        .openapi("MsrDecisionBody"),
      errors: [409, 422],
      responses: both("The decision", Decision),
      handler: async ({ c, caller, body }) => done(c, await service().decide(caller, body)),
    }),
    op({
      method: "post", path: "/v1/msr/decisions/{tnacYear}/months/{month}", operationId: "applyMsrMonth", tag: TAG, access: roles(ADMIN, "admin"),
      summary: "Propose a month's reserve movements",
      description: "Proposes the month's intake (auction account to reserve) or release, and with the first month the invalidation, as transactions a second administrator approves; again, it proposes nothing new and shows where each stands.",
      params: z.object({ tnacYear: z.coerce.number().int().min(1990).max(2200), month: z.string().regex(/^[0-9]{4}-(0[1-9]|1[0-2])$/) }),
      body: z.object({ classCode: ClassCode }).strict().openapi("MsrMonthBody"),
      errors: [404, 409, 422],
      responses: { 200: { description: "The month's transactions", schema: MonthView } },
      handler: async ({ c, caller, params, body }) => json(c, must(await service().applyMonth(caller, params.tnacYear, params.month, body.classCode))),
    }),
  ];
}
