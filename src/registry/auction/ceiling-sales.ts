// A hard price ceiling kept by fixed-price sales (`stability.priceCeiling.mechanism:
// fixed-price-sale`): a national administrator sells a covered entity any quantity of allowances
// at the year's ceiling price, and they are ISSUED BEYOND THE CAP for the sale. When a sale is
// first sent, its request (buyer, class, quantity, issuance account, the year's price, who, when)
// is recorded under its commandId K (ceiling-sale-requests.ts), after the checks that need no
// ledger write and before the issuance. Then two ledger transactions through the one write path,
// each idempotent by an id derived from K, both initiated through the security layer
// (SecureRegistry.initiate) like every administrator's write:
//   1. `ceiling-sale.K.issue`: an issuance of the quantity into the national issuance account.
//      Issuance is four-eyes: it waits for a second national administrator's approval, and the
//      sale answers 11709 (awaiting issuance) until then;
//   2. `ceiling-sale.K`: once the issuance is completed, any national administrator finishes the
//      sale knowing K alone (`completeCeilingSale`: the request names the rest), or by sending the
//      same sale again; a `ceiling_sale` transfer of that quantity to the buyer.
// Nothing completes the sale when the approval completes the issuance: the approval is the
// ledger's own transaction (its hooks run inside it and may not write a second ledger
// transaction), and the registry has no after-commit point to start one; the pending list
// (listPendingCeilingSales) shows what waits for its completion.
// The hook on `ceiling_sale` (ceiling-sale-hook.ts, installed from src/registry/scheme-rules.ts)
// writes the sale row (buyer, quantity, price, amount, year, issuance id, beyond the cap) in the
// transfer's own database transaction, and refuses the transfer unless the rulebook keeps its
// ceiling by fixed-price sales, the buyer is a covered entity and the transfer carries exactly what
// its own issuance created. If the process dies between the two, the issuance stands in the
// national issuance account and the sale has no row; K again finds the issuance (the ledger answers
// a repeat with its first result: never a second issuance) and completes the transfer. The ledger
// checks no cap on an issuance: what marks these allowances beyond the cap is the sale row, summed
// per year by `issuedBeyondCap`.
// The price year is the scheme year of the sale (the rulebook's fiscal year where it has one), by
// its local date in the registry's time zone, when the transfer is written.
import { auctionRefusal } from "../../domain/auction/checks.ts";
import type { Refusal } from "../../domain/ledger/checks.ts";
import { formatDecimal } from "../../domain/quantity/index.ts";
import type { Caller } from "../../domain/security/roles.ts";
import type { Db, Sql } from "../../store/db.ts";
import type { Result } from "../ledger/index.ts";
import { eligible, MAX_QUANTITY, salePrice, saleYear } from "./ceiling-sale-hook.ts";
import { differs, findRequest, recordRequest, requestDiffers } from "./ceiling-sale-requests.ts";
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
  const given = { account: input.account, classCode: input.classCode, quantity, issuanceAccount: input.issuanceAccount };
  const done = await saleRow(ctx, input.commandId);
  if (done) {
    const diff = requestDiffers({ ...done, issuanceAccount: "" }, { ...given, issuanceAccount: undefined });
    return diff ? differs(input.commandId, diff) : ok(done, true);
  }
  const asked = await findRequest(ctx.db, input.commandId);
  const diff = asked ? requestDiffers(asked, given) : null;
  if (diff) return differs(input.commandId, diff);
  // checked before anything is recorded or issued; the hook checks them again where they count
  const rb = await ctx.rulebook();
  const year = saleYear(rb?.rulebook ?? null, ctx.now());
  const price = salePrice(rb, year);
  if ("ok" in price) return price;
  const buyer = await eligible(ctx.db, input.account);
  if ("ok" in buyer) return buyer;
  const from = asked?.issuanceAccount ?? (await issuanceAccountFor(ctx, input.issuanceAccount));
  if (typeof from !== "string") return from;
  if (!asked) {
    const rec = await recordRequest(ctx.db, { commandId: input.commandId, ...given, installation: buyer.installation, issuanceAccount: from, year, ...price, requestedBy: c.principal.userId ?? "anonymous", requestedAt: ctx.now() });
    if ("ok" in rec) return rec;
  }
  return issueAndSell(ctx, c, { commandId: input.commandId, account: input.account, classCode: input.classCode, quantity, from });
}

/** The sale row of a commandId, if the sale is made. */
async function saleRow(ctx: AuctionCtx, commandId: string): Promise<CeilingSaleView | undefined> {
  const r = (await ctx.db.query<Raw>(`SELECT ${COLUMNS} FROM ceiling_sales WHERE transaction_id = $1`, [saleTransactionId(commandId)])).rows[0];
  return r ? view(r) : undefined;
}

/**
 * The two ledger writes of a recorded request, each through the security layer like every
 * administrator's write: the issuance beyond the cap (once: a repeat finds it) waits for a second
 * national administrator (four-eyes); once it is completed the ceiling_sale transfer sells.
 */
async function issueAndSell(ctx: AuctionCtx, c: Caller, s: { commandId: string; account: string; classCode: string; quantity: bigint; from: string }): Promise<Result<CeilingSaleView>> {
  const txId = saleTransactionId(s.commandId);
  const issueId = saleIssuanceId(s.commandId);
  const note = `sale at the ceiling ${s.commandId}: issued beyond the cap`;
  const prior = await ctx.registry.ledger.getTransaction(issueId);
  const issued = prior ? { ok: true as const, value: prior } : await ctx.registry.initiate(c, { transactionId: issueId, kind: "issuance", legs: [{ classCode: s.classCode, to: s.from, quantity: s.quantity.toString() }], note });
  if (!issued.ok) return issued;
  const status = (issued.value as { status: string }).status;
  if (status !== "completed") {
    return auctionRefusal("CEILING_SALE_AWAITING_ISSUANCE", `the sale's issuance ${issueId} is ${status.replace(/_/g, " ")}: ${status === "awaiting_approval" || status === "delayed" ? "once a second national administrator approves it, any national administrator completes the sale by its commandId" : "the sale cannot complete; sell under a new commandId"}`, { issuanceId: issueId, status });
  }
  const sold = await ctx.registry.initiate(c, { transactionId: txId, kind: "ceiling_sale", legs: [{ classCode: s.classCode, from: s.from, to: s.account, quantity: s.quantity.toString() }], note });
  if (!sold.ok) return sold;
  const row = await saleRow(ctx, s.commandId);
  if (!row) throw new Error(`the ceiling sale ${txId} completed without its sale row`);
  return ok(row, sold.replayed);
}

/**
 * Finishes a sale knowing only its commandId (any national administrator, also the seller or the
 * one who approved its issuance): the request recorded when it was first sent names the buyer,
 * class and quantity, and the sale goes on exactly as that request sent again would.
 */
export async function completeCeilingSale(ctx: AuctionCtx, c: Caller, commandId: string): Promise<Result<CeilingSaleView>> {
  const res = await complete(ctx, c, commandId);
  return ctx.registry.audit.outcome(c, "ceiling.sale.complete", typeof commandId === "string" ? commandId.slice(0, 100) : null, res, res.ok ? { id: res.value.id, quantity: res.value.quantity.toString(), replayed: res.replayed } : {});
}

async function complete(ctx: AuctionCtx, c: Caller, commandId: string): Promise<Result<CeilingSaleView>> {
  const perm = mayAdminister(c, "completing a sale at the ceiling");
  if (perm) return perm;
  if (typeof commandId !== "string" || !SALE_KEY_RE.test(commandId)) return bad("commandId", `must match ${SALE_KEY_RE.source}`);
  const done = await saleRow(ctx, commandId);
  if (done) return ok(done, true);
  const asked = await findRequest(ctx.db, commandId);
  if (!asked) return auctionRefusal("CEILING_SALE_UNKNOWN", `no sale at the ceiling was requested under commandId ${commandId}`, { commandId, field: "commandId" });
  return sell(ctx, c, { commandId, account: asked.account, classCode: asked.classCode, quantity: asked.quantity.toString(), issuanceAccount: asked.issuanceAccount });
}
