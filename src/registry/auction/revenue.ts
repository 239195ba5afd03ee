// The revenue of an auction recorded in the registry: when an auction is created, the rulebook's
// revenue table of its year is stored with its rules (so later rulebook changes do not alter it);
// when it settles, the settlement batch's hook (hooks.ts) splits the proceeds (the sum of the
// payment records it has just written) by that table and writes one row per recipient, plus the
// part the table does not give out as a `retained` row, in the same database transaction as the
// deliveries. So proceeds and their split are recorded together or not at all, once.
//
// Rounding (src/domain/auction/revenue.ts `distributeRevenue`): shares are read as exact decimals;
// a table of `auctions.revenue` gives out floor(proceeds x sum of shares) and retains the rest; the
// sold uses of `allocation.distribution` (the KL bill) share all the proceeds in proportion. Within
// what is given out, each recipient gets floor(amount x its weight / total weight) in the smallest
// currency unit, and the minor units left over go one each to the largest remainders, ties to the
// earlier row of the table. The rows always sum exactly to the proceeds.
import { distributeRevenue, revenueFor, revenueTableFor } from "../../domain/auction/revenue.ts";
import { formatDecimal } from "../../domain/quantity/index.ts";
import type { Rulebook } from "../../domain/rulebook/index.ts";
import type { Sql } from "../../store/db.ts";

/** The revenue table an auction keeps with its rules (shares as the decimal text of the rulebook). */
export interface RevenueTerms {
  table: "auctions.revenue" | "allocation.distribution" | "none";
  shares: Array<{ recipient: string; share: string }>;
}

/** The year's revenue table of a rulebook, as stored with an auction. */
export function revenueTerms(rb: Rulebook, year: number): RevenueTerms {
  const table = revenueFor(rb, year, 0n).table;
  return { table, shares: table === "none" ? [] : revenueTableFor(rb, year).map((s) => ({ recipient: s.recipient, share: String(s.share) })) };
}

function termsOf(j: unknown): RevenueTerms {
  const t = j as RevenueTerms | null | undefined;
  return t && Array.isArray(t.shares) ? t : { table: "none", shares: [] };
}

export interface RevenueRow {
  seq: number;
  recipient: string;
  /** The share as the table writes it; null for the retained rest. */
  share: string | null;
  retained: boolean;
  amountMinor: bigint;
  currency: string;
  decimals: number;
  table: RevenueTerms["table"];
  batchId: string;
  recordedAt: string;
}

/**
 * Splits and records an auction's proceeds (inside the settlement's database transaction: called
 * by the delivery hook after the payment records). Nothing is written for zero proceeds.
 */
export async function recordRevenue(sql: Sql, auctionId: string, batchId: string, proceedsMinor: bigint, currency: string, decimals: number, now: string): Promise<void> {
  if (proceedsMinor === 0n) return;
  const r = await sql.query<{ revenue: unknown }>("SELECT rules->'revenue' AS revenue FROM auctions WHERE id = $1", [auctionId]);
  const terms = termsOf(r.rows[0]?.revenue);
  const shares = terms.shares.map((s) => ({ recipient: s.recipient, share: Number(s.share) }));
  const split = distributeRevenue(proceedsMinor, shares, terms.table === "auctions.revenue" ? "as-written" : "proportional");
  const rows = split.parts.map((p, i) => ({ recipient: p.recipient, share: terms.shares[i]?.share ?? null, retained: false, amount: p.amountMinor }));
  if (split.retainedMinor > 0n || rows.length === 0) rows.push({ recipient: "retained", share: null, retained: true, amount: split.retainedMinor });
  for (const [i, x] of rows.entries()) {
    await sql.query(
      `INSERT INTO auction_revenue (auction_id, seq, recipient, share, retained, amount_minor, currency, decimals, revenue_table, batch_id, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [auctionId, i + 1, x.recipient, x.share, x.retained, x.amount.toString(), currency, decimals, terms.table, batchId, now],
    );
  }
}

export async function revenueRows(sql: Sql, auctionId: string): Promise<RevenueRow[]> {
  const r = await sql.query<{ seq: number; recipient: string; share: string | null; retained: boolean; amount_minor: string; currency: string; decimals: number; revenue_table: RevenueTerms["table"]; batch_id: string; recorded_at: string }>(
    "SELECT seq, recipient, share, retained, amount_minor, currency, decimals, revenue_table, batch_id, recorded_at FROM auction_revenue WHERE auction_id = $1 ORDER BY seq",
    [auctionId],
  );
  return r.rows.map((x) => ({
    seq: x.seq, recipient: x.recipient, share: x.share, retained: x.retained, amountMinor: BigInt(x.amount_minor), currency: x.currency, decimals: x.decimals,
    table: x.revenue_table, batchId: x.batch_id, recordedAt: x.recorded_at,
  }));
}

/** The revenue distribution as the results show it (amounts as decimal strings), or null before the settlement. */
export interface RevenueView {
  table: RevenueTerms["table"];
  currency: string;
  proceeds: string;
  parts: Array<{ recipient: string; share: string | null; retained: boolean; amount: string }>;
}

export async function revenueView(sql: Sql, auctionId: string): Promise<RevenueView | null> {
  const rows = await revenueRows(sql, auctionId);
  const first = rows[0];
  if (!first) return null;
  const total = rows.reduce((s, x) => s + x.amountMinor, 0n);
  return {
    table: first.table,
    currency: first.currency,
    proceeds: formatDecimal(total, first.decimals),
    parts: rows.map((x) => ({ recipient: x.recipient, share: x.share, retained: x.retained, amount: formatDecimal(x.amountMinor, x.decimals) })),
  };
}
