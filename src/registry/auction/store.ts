// SQL reads of the auction tables: an auction (optionally locked for a command that changes it),
// its status (its last event), bidders, bids, result and awards, payments. Writes are in the
// commands themselves (auctions.ts, settle.ts), each inside one database transaction.
import type { AuctionRules } from "../../domain/auction/types.ts";
import type { Sql } from "../../store/db.ts";
import { rulesFromJson } from "./rules.ts";

export type AuctionStatus = "open" | "cleared" | "undersubscribed" | "cancelled" | "settled";

export interface AuctionRow {
  id: string;
  year: number;
  number: number;
  month: string;
  scheme: string;
  currency: string;
  classId: number;
  classCode: string;
  auctionAccount: string;
  reserveAccounts: Record<string, string>;
  unsoldAccount: string | null;
  rules: AuctionRules;
  planned: bigint;
  carriedIn: bigint;
  offered: bigint;
  createdAt: string;
  createdBy: string;
  status: AuctionStatus;
  events: Array<{ seq: number; status: AuctionStatus; at: string; actor: string | null; detail: Record<string, unknown> }>;
}

interface Raw {
  id: string;
  year: number;
  number: number;
  month: string;
  scheme: string;
  currency: string;
  class_id: number;
  class_code: string;
  auction_account: string;
  reserve_accounts: Record<string, string>;
  unsold_account: string | null;
  rules: Record<string, unknown>;
  planned: bigint;
  carried_in: bigint;
  offered: bigint;
  created_at: string;
  created_by: string;
}

const COLUMNS = `a.id, a.year, a.number, c.month, a.scheme, a.currency, a.class_id, u.code AS class_code, a.auction_account, a.reserve_accounts, a.unsold_account,
  a.rules, a.planned, a.carried_in, a.offered, a.created_at, a.created_by`;

async function withEvents(sql: Sql, rows: Raw[]): Promise<AuctionRow[]> {
  if (rows.length === 0) return [];
  const ev = await sql.query<{ auction_id: string; seq: number; status: AuctionStatus; at: string; actor: string | null; detail: Record<string, unknown> }>(
    "SELECT auction_id, seq, status, at, actor, detail FROM auction_events WHERE auction_id = ANY($1::text[]) ORDER BY auction_id, seq",
    [rows.map((r) => r.id)],
  );
  return rows.map((r) => {
    const events = ev.rows.filter((e) => e.auction_id === r.id).map((e) => ({ seq: e.seq, status: e.status, at: e.at, actor: e.actor, detail: e.detail }));
    return {
      id: r.id, year: r.year, number: r.number, month: r.month, scheme: r.scheme, currency: r.currency, classId: r.class_id, classCode: r.class_code,
      auctionAccount: r.auction_account, reserveAccounts: r.reserve_accounts, unsoldAccount: r.unsold_account, rules: rulesFromJson(r.rules),
      planned: r.planned, carriedIn: r.carried_in, offered: r.offered, createdAt: r.created_at, createdBy: r.created_by,
      status: events[events.length - 1]?.status ?? "open", events,
    };
  });
}

/** One auction, or undefined; with `lock`, its row is locked (FOR UPDATE) for the rest of the caller's transaction. */
export async function loadAuction(sql: Sql, id: string, lock = false): Promise<AuctionRow | undefined> {
  if (lock) await sql.query("SELECT id FROM auctions WHERE id = $1 FOR UPDATE", [id]);
  const r = await sql.query<Raw>(
    `SELECT ${COLUMNS} FROM auctions a JOIN unit_classes u ON u.id = a.class_id JOIN auction_calendar c ON c.year = a.year AND c.number = a.number WHERE a.id = $1`,
    [id],
  );
  return (await withEvents(sql, r.rows))[0];
}

/** Auctions newest first (year, number descending), those before `before` (the last of the previous page) when given. */
export async function listAuctionRows(sql: Sql, opts: { year?: number | undefined; limit: number; before?: { year: number; number: number } | undefined }): Promise<AuctionRow[]> {
  const r = await sql.query<Raw>(
    `SELECT ${COLUMNS} FROM auctions a JOIN unit_classes u ON u.id = a.class_id JOIN auction_calendar c ON c.year = a.year AND c.number = a.number
     WHERE ($1::int IS NULL OR a.year = $1) AND ($3::int IS NULL OR (a.year, a.number) < ($3::int, $4::int)) ORDER BY a.year DESC, a.number DESC LIMIT $2`,
    [opts.year ?? null, opts.limit, opts.before?.year ?? null, opts.before?.number ?? null],
  );
  return withEvents(sql, r.rows);
}

export async function nextEventSeq(sql: Sql, auctionId: string): Promise<number> {
  const r = await sql.query<{ n: number | null }>("SELECT max(seq) AS n FROM auction_events WHERE auction_id = $1", [auctionId]);
  return (r.rows[0]?.n ?? 0) + 1;
}

export async function appendEvent(sql: Sql, auctionId: string, status: AuctionStatus, at: string, actor: string | null, detail: Record<string, unknown> = {}): Promise<void> {
  await sql.query("INSERT INTO auction_events (auction_id, seq, status, at, actor, detail) VALUES ($1, $2, $3, $4, $5, $6)", [
    auctionId, await nextEventSeq(sql, auctionId), status, at, actor, JSON.stringify(detail),
  ]);
}

export interface BidderRow {
  bidder: string;
  accountId: string;
  guaranteeMinor: bigint | null;
  covered: boolean;
  admittedAt: string;
  admittedBy: string;
}

/** A keyset page of a list: the rows after a key, at most `take` of them (no page: all). */
export interface KeyPage<K> {
  after?: K | undefined;
  take?: number | undefined;
}

export async function bidderRows(sql: Sql, auctionId: string, accounts?: readonly string[], page: KeyPage<string> = {}): Promise<BidderRow[]> {
  const r = await sql.query<{ bidder: string; account_id: string; guarantee_minor: bigint | null; covered: boolean; admitted_at: string; admitted_by: string }>(
    `SELECT bidder, account_id, guarantee_minor, covered, admitted_at, admitted_by FROM auction_bidders
     WHERE auction_id = $1 AND ($2::text[] IS NULL OR account_id = ANY($2::text[])) AND ($3::text IS NULL OR bidder > $3) ORDER BY bidder LIMIT $4`,
    [auctionId, accounts ? [...accounts] : null, page.after ?? null, page.take ?? null],
  );
  return r.rows.map((x) => ({ bidder: x.bidder, accountId: x.account_id, guaranteeMinor: x.guarantee_minor, covered: x.covered, admittedAt: x.admitted_at, admittedBy: x.admitted_by }));
}

export interface BidRow {
  bidNo: number;
  bidder: string;
  quantity: bigint;
  priceMinor: bigint | null;
  submittedAt: string;
  submittedBy: string;
  key: string;
}

export async function bidRows(sql: Sql, auctionId: string, bidders?: readonly string[], page: KeyPage<number> = {}): Promise<BidRow[]> {
  const r = await sql.query<{ bid_no: number; bidder: string; quantity: bigint; price_minor: bigint | null; submitted_at: string; submitted_by: string; command_key: string }>(
    `SELECT bid_no, bidder, quantity, price_minor, submitted_at, submitted_by, command_key FROM auction_bids
     WHERE auction_id = $1 AND ($2::text[] IS NULL OR bidder = ANY($2::text[])) AND ($3::int8 IS NULL OR bid_no > $3) ORDER BY bid_no LIMIT $4`,
    [auctionId, bidders ? [...bidders] : null, page.after ?? null, page.take ?? null],
  );
  return r.rows.map((x) => ({ bidNo: x.bid_no, bidder: x.bidder, quantity: x.quantity, priceMinor: x.price_minor, submittedAt: x.submitted_at, submittedBy: x.submitted_by, key: x.command_key }));
}

export interface ResultRow {
  status: "cleared" | "undersubscribed" | "cancelled";
  clearingPriceMinor: bigint | null;
  sold: bigint;
  proceedsMinor: bigint;
  seed: string | null;
  statement: Record<string, unknown>;
  clearedAt: string;
  clearedBy: string;
}

export async function resultRow(sql: Sql, auctionId: string): Promise<ResultRow | undefined> {
  const r = await sql.query<{ status: ResultRow["status"]; clearing_price_minor: bigint | null; sold: bigint; proceeds_minor: string; seed: string | null; statement: Record<string, unknown>; cleared_at: string; cleared_by: string }>(
    "SELECT status, clearing_price_minor, sold, proceeds_minor, seed, statement, cleared_at, cleared_by FROM auction_results WHERE auction_id = $1",
    [auctionId],
  );
  const x = r.rows[0];
  return x ? { status: x.status, clearingPriceMinor: x.clearing_price_minor, sold: x.sold, proceedsMinor: BigInt(x.proceeds_minor), seed: x.seed, statement: x.statement, clearedAt: x.cleared_at, clearedBy: x.cleared_by } : undefined;
}

export interface AwardRow {
  bidder: string;
  accountId: string;
  quantity: bigint;
  nonCompetitive: bigint;
  paymentMinor: bigint;
}

export async function awardRows(sql: Sql, auctionId: string): Promise<AwardRow[]> {
  const r = await sql.query<{ bidder: string; account_id: string; quantity: bigint; non_competitive: bigint; payment_minor: string }>(
    "SELECT bidder, account_id, quantity, non_competitive, payment_minor FROM auction_awards WHERE auction_id = $1 ORDER BY bidder",
    [auctionId],
  );
  return r.rows.map((x) => ({ bidder: x.bidder, accountId: x.account_id, quantity: x.quantity, nonCompetitive: x.non_competitive, paymentMinor: BigInt(x.payment_minor) }));
}

export interface PaymentRow {
  bidder: string;
  accountId: string;
  transactionId: string;
  batchId: string;
  quantity: bigint;
  priceMinor: bigint;
  amountMinor: bigint;
  currency: string;
  decimals: number;
  recordedAt: string;
}

/** An auction's payment records in bidder order, of these accounts only when named, a keyset page of them when asked. */
export async function paymentRows(sql: Sql, auctionId: string, accounts?: readonly string[], page: KeyPage<string> = {}): Promise<PaymentRow[]> {
  const r = await sql.query<{ bidder: string; account_id: string; transaction_id: string; batch_id: string; quantity: bigint; price_minor: bigint; amount_minor: string; currency: string; decimals: number; recorded_at: string }>(
    `SELECT bidder, account_id, transaction_id, batch_id, quantity, price_minor, amount_minor, currency, decimals, recorded_at FROM auction_payments
     WHERE auction_id = $1 AND ($2::text[] IS NULL OR account_id = ANY($2::text[])) AND ($3::text IS NULL OR bidder > $3) ORDER BY bidder LIMIT $4`,
    [auctionId, accounts ? [...accounts] : null, page.after ?? null, page.take ?? null],
  );
  return r.rows.map((x) => ({
    bidder: x.bidder, accountId: x.account_id, transactionId: x.transaction_id, batchId: x.batch_id, quantity: x.quantity, priceMinor: x.price_minor,
    amountMinor: BigInt(x.amount_minor), currency: x.currency, decimals: x.decimals, recordedAt: x.recorded_at,
  }));
}

/** How many payment records an auction has (of these accounts only when named) and what they sum to. */
export async function paymentTotals(sql: Sql, auctionId: string, accounts?: readonly string[]): Promise<{ payments: number; quantity: bigint; amountMinor: bigint }> {
  const r = await sql.query<{ n: number; quantity: string; amount: string }>(
    `SELECT count(*)::int AS n, coalesce(sum(quantity), 0)::text AS quantity, coalesce(sum(amount_minor), 0)::text AS amount FROM auction_payments
     WHERE auction_id = $1 AND ($2::text[] IS NULL OR account_id = ANY($2::text[]))`,
    [auctionId, accounts ? [...accounts] : null],
  );
  const row = r.rows[0] as { n: number; quantity: string; amount: string };
  return { payments: row.n, quantity: BigInt(row.quantity), amountMinor: BigInt(row.amount) };
}

/** The settlement batch's id of an auction (the registry's own scope: the key is the id). */
export const settlementBatchId = (auctionId: string) => `auction-settle.${auctionId}`;

/** The auction a settlement batch id names, or undefined. */
export function auctionOfBatch(batchId: string): string | undefined {
  const m = /^auction-settle\.([A-Za-z0-9][A-Za-z0-9._-]{0,47})$/.exec(batchId);
  return m?.[1];
}

/** Ids of the administrative transactions an auction makes (reserve release, withholding, unsold volume). */
export const reserveTxId = (auctionId: string, what: "release" | "withhold" | "unsold", tier?: string) => `auction-${auctionId}-${what}${tier ? `-${tier}` : ""}`;
