// A hard price ceiling kept by fixed-price sales (`stability.priceCeiling.mechanism:
// fixed-price-sale`): a national administrator sells a covered entity any quantity of allowances
// at the year's ceiling price, and they are ISSUED BEYOND THE CAP for the sale. The sale is two
// ledger transactions through the one write path, each idempotent by an id derived from the sale's
// commandId K, both initiated through the security layer (SecureRegistry.initiate) like every
// administrator's write:
//   1. `ceiling-sale.K.issue`: an issuance of the quantity into the national issuance account.
//      Issuance is four-eyes: it waits for a second national administrator's approval, and the
//      sale answers 11709 (awaiting issuance) until then;
//   2. `ceiling-sale.K`: once the issuance is completed, the same commandId sent again (by any
//      national administrator) makes a `ceiling_sale` transfer of that quantity to the buyer.
// The hook on `ceiling_sale` (ceiling-sale-hook.ts, installed from src/registry/scheme-rules.ts)
// writes the sale row (buyer, quantity, price, amount, year, issuance id, beyond the cap) in the
// transfer's own database transaction, and refuses the transfer unless the rulebook keeps its
// ceiling by fixed-price sales, the buyer is a covered entity and the transfer carries exactly what
// its own issuance created. If the process dies between the two, the issuance stands in the
// national issuance account and the sale has no row; the same commandId again finds the issuance
// (the ledger answers a repeat with its first result: never a second issuance) and completes the
// transfer. The ledger checks no cap on an issuance: what marks these allowances beyond the cap
// is the sale row, summed per year by `issuedBeyondCap`.
// The price year is the scheme year of the sale (the rulebook's fiscal year where it has one), by
// its local date in the registry's time zone.
import { auctionRefusal } from "../../domain/auction/checks.ts";
import type { Refusal } from "../../domain/ledger/checks.ts";
import { formatDecimal } from "../../domain/quantity/index.ts";
import type { Caller } from "../../domain/security/roles.ts";
import type { Db, Sql } from "../../store/db.ts";
import type { Result } from "../ledger/index.ts";
import { eligible, MAX_QUANTITY, salePrice, saleYear } from "./ceiling-sale-hook.ts";
import { type AuctionCtx, bad, mayAdminister, ok, whole } from "./context.ts";

export interface CeilingSaleInput {
  commandId: string;
  /** The buyer's operator holding account (an installation registered for compliance). */
  account: string;
  classCode: string;
  quantity: string | number;
  /** The national issuance account the allowances are issued into (default: the only open one). */
  issuanceAccount?: string | undefined;
}

export interface CeilingSaleView {
  id: string;
  transactionId: string;
  issuanceId: string;
  account: string;
  installation: string;
  classCode: string;
  year: number;
  quantity: bigint;
  price: string;
  amount: string;
  currency: string;
  beyondCap: true;
  soldBy: string | null;
  recordedAt: string;
}

interface Raw {
  id: string;
  transaction_id: string;
  issuance_id: string;
  buyer_account: string;
  installation: string;
  class_code: string;
  year: number;
  quantity: bigint;
  price_minor: bigint;
  amount_minor: string;
  currency: string;
  decimals: number;
  sold_by: string | null;
  recorded_at: string;
}

const COLUMNS = "id, transaction_id, issuance_id, buyer_account, installation, class_code, year, quantity, price_minor, amount_minor::text AS amount_minor, currency, decimals, sold_by, recorded_at";

const view = (r: Raw): CeilingSaleView => ({
  id: r.id, transactionId: r.transaction_id, issuanceId: r.issuance_id, account: r.buyer_account, installation: r.installation, classCode: r.class_code, year: r.year,
  quantity: BigInt(r.quantity), price: formatDecimal(BigInt(r.price_minor), r.decimals), amount: formatDecimal(BigInt(r.amount_minor), r.decimals), currency: r.currency,
  beyondCap: true, soldBy: r.sold_by, recordedAt: r.recorded_at,
});

/** The sale's command ids: short enough that the derived transaction ids stay within the ledger's 128 characters. */
export const SALE_KEY_RE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
export const saleTransactionId = (commandId: string) => `ceiling-sale.${commandId}`;
export const saleIssuanceId = (commandId: string) => `${saleTransactionId(commandId)}.issue`;


/**
 * Oldest first (recorded_at, then id). With a page: those after the row with id `after` (the last
 * of the previous page, its position read from the table: rows are append-only), at most `take`.
 */
export async function listCeilingSales(sql: Db | Sql, opts: { year?: number | undefined; account?: string | undefined; after?: string | undefined; take?: number | undefined } = {}): Promise<CeilingSaleView[]> {
  const r = await sql.query<Raw>(
    `SELECT ${COLUMNS} FROM ceiling_sales WHERE ($1::int IS NULL OR year = $1) AND ($2::text IS NULL OR buyer_account = $2)
       AND ($3::text IS NULL OR (recorded_at, id) > (SELECT p.recorded_at, p.id FROM ceiling_sales p WHERE p.id = $3)) ORDER BY recorded_at, id LIMIT $4`,
    [opts.year ?? null, opts.account ?? null, opts.after ?? null, opts.take ?? null],
  );
  return r.rows.map(view);
}

/** Allowances issued beyond the cap by sales at the ceiling, per year (years without a sale are absent). */
export async function issuedBeyondCap(sql: Db | Sql, year?: number): Promise<Array<{ year: number; quantity: bigint }>> {
  const r = await sql.query<{ year: number; quantity: string }>(
    "SELECT year, sum(quantity)::text AS quantity FROM ceiling_sales WHERE ($1::int IS NULL OR year = $1) GROUP BY year ORDER BY year",
    [year ?? null],
  );
  return r.rows.map((x) => ({ year: x.year, quantity: BigInt(x.quantity) }));
}

async function issuanceAccountFor(ctx: AuctionCtx, given: string | undefined): Promise<string | Refusal> {
  if (given !== undefined) {
    if (typeof given !== "string" || given.length < 1 || given.length > 64) return bad("issuanceAccount", "must be an account id");
    return given;
  }
  const r = await ctx.db.query<{ id: string }>("SELECT id FROM accounts WHERE type = 'national_issuance' AND status = 'open' ORDER BY id LIMIT 2");
  if (r.rows.length !== 1) return bad("issuanceAccount", r.rows.length === 0 ? "the registry has no open national issuance account" : "the registry has several national issuance accounts: name one");
  return (r.rows[0] as { id: string }).id;
}

/**
 * Sells allowances at the year's ceiling, issued beyond the cap (national administrator). Once per
 * commandId: a repeat answers the first sale; a repeat after a failure between the issuance and
 * the transfer completes the transfer without issuing again.
 */
export async function sellAtCeiling(ctx: AuctionCtx, c: Caller, input: CeilingSaleInput): Promise<Result<CeilingSaleView>> {
  const res = await sell(ctx, c, input);
  const target = typeof input?.account === "string" ? input.account.slice(0, 64) : null;
  return ctx.registry.audit.outcome(c, "ceiling.sale", target, res, res.ok ? { id: res.value.id, quantity: res.value.quantity.toString(), replayed: res.replayed } : {});
}

async function sell(ctx: AuctionCtx, c: Caller, input: CeilingSaleInput): Promise<Result<CeilingSaleView>> {
  const perm = mayAdminister(c, "selling allowances at the ceiling");
  if (perm) return perm;
  if (typeof input !== "object" || input === null) return bad("(body)", "must be an object");
  if (typeof input.commandId !== "string" || !SALE_KEY_RE.test(input.commandId)) return bad("commandId", `must match ${SALE_KEY_RE.source}`);
  if (typeof input.account !== "string" || input.account.length < 1 || input.account.length > 64) return bad("account", "must be an account id");
  if (typeof input.classCode !== "string" || input.classCode.length < 1 || input.classCode.length > 64) return bad("classCode", "must be a unit class code");
  const quantity = whole(input.quantity, "quantity", { min: 1n, max: MAX_QUANTITY });
  if (typeof quantity !== "bigint") return quantity;
  const txId = saleTransactionId(input.commandId);
  const issueId = saleIssuanceId(input.commandId);
  const done = (await ctx.db.query<Raw>(`SELECT ${COLUMNS} FROM ceiling_sales WHERE transaction_id = $1`, [txId])).rows[0];
  if (done) {
    const v = view(done);
    const diff = v.account !== input.account ? "account" : v.classCode !== input.classCode ? "classCode" : v.quantity !== quantity ? "quantity" : null;
    if (diff) return auctionRefusal("COMMAND_DIFFERS", `command ${input.commandId} was sent before with a different ${diff}`, { commandId: input.commandId, field: diff });
    return ok(v, true);
  }
  // checked before anything is issued; the hook checks them again where they count
  const rb = await ctx.rulebook();
  const price = salePrice(rb, saleYear(rb?.rulebook ?? null, ctx.now()));
  if ("ok" in price) return price;
  const buyer = await eligible(ctx.db, input.account);
  if ("ok" in buyer) return buyer;
  const from = await issuanceAccountFor(ctx, input.issuanceAccount);
  if (typeof from !== "string") return from;
  const note = `sale at the ceiling ${input.commandId}: issued beyond the cap`;
  // Through the security layer like every administrator's write: the issuance beyond the cap
  // waits for a second national administrator (four-eyes), then the same commandId sells.
  const prior = await ctx.registry.ledger.getTransaction(issueId);
  const issued = prior ? { ok: true as const, value: prior } : await ctx.registry.initiate(c, { transactionId: issueId, kind: "issuance", legs: [{ classCode: input.classCode, to: from, quantity: quantity.toString() }], note });
  if (!issued.ok) return issued;
  const status = (issued.value as { status: string }).status;
  if (status !== "completed") {
    return auctionRefusal("CEILING_SALE_AWAITING_ISSUANCE", `the sale's issuance ${issueId} is ${status.replace(/_/g, " ")}: ${status === "awaiting_approval" || status === "delayed" ? "once a second national administrator approves it, send the same commandId again" : "the sale cannot complete; sell under a new commandId"}`, { issuanceId: issueId, status });
  }
  const sold = await ctx.registry.initiate(c, { transactionId: txId, kind: "ceiling_sale", legs: [{ classCode: input.classCode, from, to: input.account, quantity: quantity.toString() }], note });
  if (!sold.ok) return sold;
  const row = (await ctx.db.query<Raw>(`SELECT ${COLUMNS} FROM ceiling_sales WHERE transaction_id = $1`, [txId])).rows[0];
  if (!row) throw new Error(`the ceiling sale ${txId} completed without its sale row`);
  return ok(view(row), sold.replayed);
}
