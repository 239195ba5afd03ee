// The requests for sales at a hard ceiling: what a national administrator asked when a sale was
// first sent (buyer, class, quantity, issuance account, the price of the year asked, who and when),
// one row per commandId in `ceiling_sale_requests`, written BEFORE the sale's issuance beyond the
// cap and only once the request has passed the checks made before issuing (the rulebook sells at
// its ceiling, the buyer is a covered entity, the issuance account is known). Before, because the
// issuance is the ledger's write (through `initiate`, the one path) and its hooks know nothing of a
// buyer: a request whose issuance never came (the process died, the ledger refused it) is harmless,
// listed with no issuance, and finishing it issues (the ordinary path of the same commandId). With
// the request recorded, any national administrator finishes the sale by its commandId alone once
// the issuance is approved (`completeCeilingSale` in ceiling-sales.ts), and the pending list below
// shows every request whose sale row does not exist yet, with its issuance's status.
import { auctionRefusal } from "../../domain/auction/checks.ts";
import type { Refusal } from "../../domain/ledger/checks.ts";
import { formatDecimal } from "../../domain/quantity/index.ts";
import type { Db, Sql } from "../../store/db.ts";

/** What was asked, as recorded. */
export interface CeilingSaleRequest {
  commandId: string;
  account: string;
  installation: string;
  classCode: string;
  quantity: bigint;
  issuanceAccount: string;
}

/** A request whose sale is not made yet, with what it would cost and where its issuance stands. */
export interface PendingCeilingSaleView extends CeilingSaleRequest {
  transactionId: string;
  issuanceId: string;
  /** The ledger's status of the issuance beyond the cap; null when it was never written. */
  issuanceStatus: string | null;
  /** The scheme year whose ceiling price was asked (the sale is priced when it completes). */
  year: number;
  price: string;
  amount: string;
  currency: string;
  requestedBy: string;
  requestedAt: string;
}

interface Raw {
  command_id: string;
  transaction_id: string;
  issuance_id: string;
  buyer_account: string;
  installation: string;
  class_code: string;
  quantity: bigint;
  issuance_account: string;
  year: number;
  price_minor: bigint;
  amount_minor: string;
  currency: string;
  decimals: number;
  requested_by: string;
  requested_at: string;
  issuance_status: string | null;
}

const SELECT = `SELECT r.command_id, r.transaction_id, r.issuance_id, r.buyer_account, r.installation, r.class_code, r.quantity, r.issuance_account, r.year,
  r.price_minor, r.amount_minor::text AS amount_minor, r.currency, r.decimals, r.requested_by, r.requested_at, s.status AS issuance_status
  FROM ceiling_sale_requests r LEFT JOIN tx_state s ON s.tx_id = r.issuance_id`;

const view = (r: Raw): PendingCeilingSaleView => ({
  commandId: r.command_id, transactionId: r.transaction_id, issuanceId: r.issuance_id, issuanceStatus: r.issuance_status, account: r.buyer_account, installation: r.installation,
  classCode: r.class_code, quantity: BigInt(r.quantity), issuanceAccount: r.issuance_account, year: r.year,
  price: formatDecimal(BigInt(r.price_minor), r.decimals), amount: formatDecimal(BigInt(r.amount_minor), r.decimals), currency: r.currency,
  requestedBy: r.requested_by, requestedAt: r.requested_at,
});

/** The request recorded under a commandId, if any. */
export async function findRequest(sql: Sql, commandId: string): Promise<PendingCeilingSaleView | undefined> {
  const r = await sql.query<Raw>(`${SELECT} WHERE r.command_id = $1`, [commandId]);
  return r.rows[0] ? view(r.rows[0]) : undefined;
}

/** The first field in which a repeat differs from what was asked (account, classCode, quantity, then issuanceAccount when named), or null. */
export function requestDiffers(asked: Pick<CeilingSaleRequest, "account" | "classCode" | "quantity" | "issuanceAccount">, again: { account: string; classCode: string; quantity: bigint; issuanceAccount?: string | undefined }): string | null {
  if (asked.account !== again.account) return "account";
  if (asked.classCode !== again.classCode) return "classCode";
  if (asked.quantity !== again.quantity) return "quantity";
  if (again.issuanceAccount !== undefined && asked.issuanceAccount !== again.issuanceAccount) return "issuanceAccount";
  return null;
}

export const differs = (commandId: string, field: string): Refusal =>
  auctionRefusal("COMMAND_DIFFERS", `command ${commandId} was sent before with a different ${field}`, { commandId, field });

/**
 * Records the request once: a concurrent first request under the same commandId leaves one row
 * (the primary key), and the one that lost compares its fields with the row that won.
 */
export async function recordRequest(
  sql: Sql,
  req: CeilingSaleRequest & { year: number; priceMinor: bigint; decimals: number; currency: string; requestedBy: string; requestedAt: string },
): Promise<PendingCeilingSaleView | Refusal> {
  await sql.query(
    `INSERT INTO ceiling_sale_requests (command_id, transaction_id, issuance_id, buyer_account, installation, class_code, quantity, issuance_account, year, price_minor, amount_minor, currency, decimals, requested_by, requested_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) ON CONFLICT (command_id) DO NOTHING`,
    [req.commandId, `ceiling-sale.${req.commandId}`, `ceiling-sale.${req.commandId}.issue`, req.account, req.installation, req.classCode, req.quantity, req.issuanceAccount, req.year,
      req.priceMinor, (req.quantity * req.priceMinor).toString(), req.currency, req.decimals, req.requestedBy, req.requestedAt],
  );
  const row = await findRequest(sql, req.commandId);
  if (!row) throw new Error(`the ceiling sale request ${req.commandId} was not recorded`);
  const diff = requestDiffers(row, req);
  return diff ? differs(req.commandId, diff) : row;
}

/**
 * Which pending requests to list: `open`, those a completion can still make (the issuance never
 * written, awaiting approval or delay, or completed); `ended`, those whose issuance was rejected or
 * cancelled, which no completion makes (11709 with the status); neither, all of them.
 */
export const PENDING_STATES = ["open", "ended"] as const;
export type PendingState = (typeof PENDING_STATES)[number];

/** The issuance statuses that end a sale's request. */
const ENDED = `('rejected', 'cancelled')`;

/**
 * The requests whose sale is not made yet (no sale row under their transaction id), oldest first
 * (requested_at, then commandId); with a page, those after the request `after`, at most `take`;
 * with a state, only the open or only the ended ones. A request whose issuance was rejected or
 * cancelled is never dropped from the records: unfiltered it is listed with that status, and
 * `ended` lists only those, so an administrator sees what needs a new request.
 */
export async function listPendingCeilingSales(
  sql: Db | Sql,
  opts: { after?: string | undefined; take?: number | undefined; state?: PendingState | undefined } = {},
): Promise<PendingCeilingSaleView[]> {
  const r = await sql.query<Raw>(
    `${SELECT} WHERE NOT EXISTS (SELECT 1 FROM ceiling_sales c WHERE c.transaction_id = r.transaction_id)
       AND ($1::text IS NULL OR (r.requested_at, r.command_id) > (SELECT p.requested_at, p.command_id FROM ceiling_sale_requests p WHERE p.command_id = $1))
       AND ($3::text IS NULL OR ($3 = 'ended') = coalesce(s.status IN ${ENDED}, false))
     ORDER BY r.requested_at, r.command_id LIMIT $2`,
    [opts.after ?? null, opts.take ?? null, opts.state ?? null],
  );
  return r.rows.map(view);
}
