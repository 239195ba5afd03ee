// What each caller may read of an auction. The auction itself, the calendar and, once it has
// closed, its results as auction platforms publish them (clearing price, volumes, cover ratio,
// number of bidders and winners, proceeds) are public. Bids are sealed: before the close a bidder's
// representatives see only that bidder's bids and nobody else sees any (administrators included);
// after it, administrators and the authority see them all, a bidder still only its own. Awards
// and payments per bidder go to administrators, the authority and each bidder for itself; the
// split of the proceeds by the revenue table, once settled, is public.
import { auctionRefusal } from "../../domain/auction/checks.ts";
import { formatDecimal } from "../../domain/quantity/index.ts";
import { can, type Caller } from "../../domain/security/roles.ts";
import type { Result } from "../ledger/index.ts";
import { representedAccounts } from "../secure/store.ts";
import type { AuctionCtx } from "./context.ts";
import { ok } from "./context.ts";
import { type RevenueView, revenueView } from "./revenue.ts";
import { auctionTransactions, type AuctionTransaction, settlementOf, type SettlementView } from "./settle.ts";
import { type AuctionRow, awardRows, type BidderRow, bidderRows, type BidRow, bidRows, type KeyPage, listAuctionRows, loadAuction, type PaymentRow, paymentRows, resultRow } from "./store.ts";

/** The auction's rules as shown: prices as decimal strings. */
export function rulesView(a: AuctionRow) {
  const r = a.rules;
  const money = (v: bigint) => formatDecimal(v, r.priceDecimals);
  return {
    lotSize: r.lotSize,
    priceDecimals: r.priceDecimals,
    reservePrice: r.reservePriceMinor === null ? null : money(r.reservePriceMinor),
    maxBidderShare: r.maxBidderShare ? `${r.maxBidderShare.n}/${r.maxBidderShare.d}` : null,
    tieBreak: r.tieBreak,
    undersubscribed: r.undersubscribed,
    unsoldTo: r.unsoldTo,
    guarantee: r.bidders.guarantee,
    eligible: r.bidders.eligible,
    nonCompetitiveCap: r.nonCompetitive?.maxPerBidder ?? null,
    tiers: r.tiers.map((t) => ({ id: t.id, direction: t.direction, trigger: money(t.triggerMinor), quantity: t.quantity })),
  };
}

export interface PublicResults {
  status: string;
  reason: string | null;
  currency: string;
  clearingPrice: string | null;
  offered: string;
  sold: string;
  reserveSold: string;
  withheld: string;
  unsold: string;
  cancelled: string;
  carryOver: string[];
  bidVolume: string;
  coverRatio: string | null;
  proceeds: string;
  bidders: number;
  winners: number;
  closedAt: string;
}

export interface ResultsView extends PublicResults {
  /** Awards with their payments: every one for administrators and the authority, a bidder's own for its representatives, none for the public. */
  awards: Array<{ bidder: string; accountId: string; quantity: bigint; nonCompetitive: bigint; payment: string }>;
  /** The proceeds split by the rulebook's revenue table, recorded at settlement (public); null before it. */
  revenue: RevenueView | null;
  /** The clearing's detail (administrators and the authority): accepted demand, reserve tiers, the tie order and its seed, the reference check. */
  detail: Record<string, unknown> | null;
}

export function auctionView(a: AuctionRow, results: PublicResults | null) {
  return {
    id: a.id, year: a.year, number: a.number, month: a.month, scheme: a.scheme, currency: a.currency, classCode: a.classCode,
    auctionAccount: a.auctionAccount, reserveAccounts: a.reserveAccounts, unsoldAccount: a.unsoldAccount,
    planned: a.planned, carriedIn: a.carriedIn, offered: a.offered, status: a.status, createdAt: a.createdAt,
    rules: rulesView(a),
    events: a.events.map((e) => ({ status: e.status, at: e.at, actor: e.actor })),
    results,
  };
}
export type AuctionView = ReturnType<typeof auctionView>;

async function publicResults(ctx: AuctionCtx, a: AuctionRow): Promise<PublicResults | null> {
  const r = await resultRow(ctx.db, a.id);
  if (!r) return null;
  const s = r.statement as Record<string, unknown>;
  const winners = (s.awards as unknown[]).length;
  const closed = a.events.find((e) => e.status === "cleared" || e.status === "undersubscribed" || e.status === "cancelled");
  return {
    status: r.status, reason: (s.reason as string | null) ?? null, currency: a.currency, clearingPrice: s.clearingPrice as string | null,
    offered: s.offered as string, sold: s.sold as string, reserveSold: s.reserveSold as string, withheld: s.withheld as string, unsold: s.unsold as string,
    cancelled: s.cancelled as string, carryOver: s.carryOver as string[], bidVolume: s.bidVolume as string, coverRatio: s.coverRatio as string | null, proceeds: s.proceeds as string,
    bidders: Number((closed?.detail as { bidders?: number } | undefined)?.bidders ?? 0), winners, closedAt: r.clearedAt,
  };
}

const seesAll = (c: Caller) => can(c.principal, "holdings:read-all");

export async function getAuction(ctx: AuctionCtx, _c: Caller, id: string): Promise<Result<AuctionView>> {
  const a = await loadAuction(ctx.db, id);
  if (!a) return auctionRefusal("AUCTION_UNKNOWN", `no auction ${id}`, { auctionId: id });
  return ok(auctionView(a, await publicResults(ctx, a)));
}

/** Auctions newest first; `limit` rows (up to 501: a page and one more), those before `before` when given. */
export async function listAuctions(ctx: AuctionCtx, opts: { year?: number | undefined; limit?: number | undefined; before?: { year: number; number: number } | undefined }): Promise<AuctionView[]> {
  const rows = await listAuctionRows(ctx.db, { year: opts.year, limit: Math.max(1, Math.min(opts.limit ?? 100, 501)), before: opts.before });
  const out: AuctionView[] = [];
  for (const a of rows) out.push(auctionView(a, await publicResults(ctx, a)));
  return out;
}

/** The bidders whose accounts the caller represents, or all of them (undefined) for administrators and the authority. */
async function ownBidders(ctx: AuctionCtx, c: Caller, auctionId: string): Promise<BidderRow[] | undefined> {
  if (seesAll(c)) return undefined;
  const mine = await representedAccounts(ctx.db, c.principal.userId);
  return mine.length === 0 ? [] : bidderRows(ctx.db, auctionId, mine);
}

/** An auction's bidders in name order, those the caller may read, a keyset page of them when asked. */
export async function listBidders(ctx: AuctionCtx, c: Caller, auctionId: string, page: KeyPage<string> = {}): Promise<Result<BidderRow[]>> {
  if (!(await loadAuction(ctx.db, auctionId))) return auctionRefusal("AUCTION_UNKNOWN", `no auction ${auctionId}`, { auctionId });
  if (seesAll(c)) return ok(await bidderRows(ctx.db, auctionId, undefined, page));
  const mine = await representedAccounts(ctx.db, c.principal.userId);
  return ok(mine.length === 0 ? [] : await bidderRows(ctx.db, auctionId, mine, page));
}

/** An auction's bids in the order placed (bid number), those the caller may read, a keyset page of them when asked. */
export async function listBids(ctx: AuctionCtx, c: Caller, auctionId: string, page: KeyPage<number> = {}): Promise<Result<BidRow[]>> {
  const a = await loadAuction(ctx.db, auctionId);
  if (!a) return auctionRefusal("AUCTION_UNKNOWN", `no auction ${auctionId}`, { auctionId });
  const own = await ownBidders(ctx, c, auctionId);
  if (own) return ok(own.length === 0 ? [] : await bidRows(ctx.db, auctionId, own.map((b) => b.bidder), page));
  if (a.status === "open") return auctionRefusal("BIDS_SEALED", `the bids of auction ${auctionId} are sealed until it closes`, { auctionId });
  return ok(await bidRows(ctx.db, auctionId, undefined, page));
}

export async function getResults(ctx: AuctionCtx, c: Caller, auctionId: string): Promise<Result<ResultsView>> {
  const a = await loadAuction(ctx.db, auctionId);
  if (!a) return auctionRefusal("AUCTION_UNKNOWN", `no auction ${auctionId}`, { auctionId });
  const pub = await publicResults(ctx, a);
  if (!pub) return auctionRefusal("NOT_CLOSED", `auction ${auctionId} is open: its results are published once it closes`, { auctionId });
  const all = seesAll(c);
  const own = all ? undefined : new Set((await ownBidders(ctx, c, auctionId))?.map((b) => b.bidder) ?? []);
  const awards = (await awardRows(ctx.db, auctionId))
    .filter((w) => own === undefined || own.has(w.bidder))
    .map((w) => ({ bidder: w.bidder, accountId: w.accountId, quantity: w.quantity, nonCompetitive: w.nonCompetitive, payment: formatDecimal(w.paymentMinor, a.rules.priceDecimals) }));
  let detail: ResultsView["detail"] = null;
  if (all) {
    const s = (await resultRow(ctx.db, auctionId))?.statement as Record<string, unknown>;
    detail = { demand: s.demand, reserves: s.reserves, tie: s.tie, seed: s.seed, referenceCheck: s.referenceCheck, transactions: await auctionTransactions(ctx, a) };
  }
  return ok({ ...pub, awards, revenue: await revenueView(ctx.db, auctionId), detail });
}

export async function getSettlement(ctx: AuctionCtx, c: Caller, auctionId: string): Promise<Result<SettlementView>> {
  const a = await loadAuction(ctx.db, auctionId);
  if (!a) return auctionRefusal("AUCTION_UNKNOWN", `no auction ${auctionId}`, { auctionId });
  if (seesAll(c)) return ok(await settlementOf(ctx, a));
  const s = await settlementOf(ctx, a, await representedAccounts(ctx.db, c.principal.userId));
  return ok({ ...s, transactions: [] as AuctionTransaction[] });
}

/** An auction's payment records in bidder order, those the caller may read (a representative its bidders'), a keyset page of them when asked. */
export async function listPayments(ctx: AuctionCtx, c: Caller, auctionId: string, page: KeyPage<string> = {}): Promise<Result<PaymentRow[]>> {
  if (!(await loadAuction(ctx.db, auctionId))) return auctionRefusal("AUCTION_UNKNOWN", `no auction ${auctionId}`, { auctionId });
  if (seesAll(c)) return ok(await paymentRows(ctx.db, auctionId, undefined, page));
  const mine = await representedAccounts(ctx.db, c.principal.userId);
  return ok(mine.length === 0 ? [] : await paymentRows(ctx.db, auctionId, mine, page));
}
