// GX-ETS's payment in place of allowances (the price ceiling kept by payment in lieu): an operator
// pays the reference upper price of the compliance year (JPY 4,300 in FY2026, x 1.03 a year, from
// the rulebook's `stability.priceCeiling`) for tonnes of its obligation instead of surrendering
// allowances. A national administrator records the payment the scheme received; it is written
// only here, in one database transaction with its command record, and compliance counts its
// tonnes toward the installation's obligation for the period (`ceilingPaymentsCovering`, called
// where surrendered units are summed for status and close). The payment takes the lock the
// period's close takes, so a payment and the close of its period are serialized: a payment never
// lands in a closed period. The price year is the last year of the compliance period.
import { auctionRefusal } from "../../domain/auction/checks.ts";
import { compliancePeriod } from "../../domain/compliance/obligation.ts";
import { formatDecimal } from "../../domain/quantity/index.ts";
import type { Caller } from "../../domain/security/roles.ts";
import { paymentInLieu } from "../../domain/stability/index.ts";
import type { Db, Sql } from "../../store/db.ts";
import type { Result } from "../ledger/index.ts";
import { type AuctionCtx, bad, checkKey, mayAdminister, ok, runCommand, scopeOf, whole } from "./context.ts";

export interface CeilingPaymentInput {
  commandId: string;
  installation: string;
  period: string;
  /** Tonnes of the obligation the payment covers (whole allowances). */
  quantity: string | number;
  /** The payment's reference (a receipt or transfer number), kept with it. */
  reference?: string | undefined;
}

export interface CeilingPaymentView {
  id: string;
  installation: string;
  period: string;
  priceYear: number;
  quantity: bigint;
  price: string;
  amount: string;
  currency: string;
  reference: string | null;
  recordedBy: string;
  recordedAt: string;
}

interface Raw {
  id: string;
  installation: string;
  period: string;
  price_year: number;
  quantity: bigint;
  price_minor: bigint;
  amount_minor: string;
  currency: string;
  decimals: number;
  reference: string | null;
  recorded_by: string;
  recorded_at: string;
}

const view = (r: Raw): CeilingPaymentView => ({
  id: r.id, installation: r.installation, period: r.period, priceYear: r.price_year, quantity: r.quantity,
  price: formatDecimal(r.price_minor, r.decimals), amount: formatDecimal(BigInt(r.amount_minor), r.decimals), currency: r.currency,
  reference: r.reference, recordedBy: r.recorded_by, recordedAt: r.recorded_at,
});

const COLUMNS = "id, installation, period, price_year, quantity, price_minor, amount_minor::text AS amount_minor, currency, decimals, reference, recorded_by, recorded_at";

/**
 * Tonnes of each installation's obligation for the period covered by payments in place of
 * allowances (for compliance: added where surrendered units are summed). Installations without a
 * payment are absent from the map.
 */
export async function ceilingPaymentsCovering(sql: Db | Sql, installations: readonly string[], period: string): Promise<Map<string, bigint>> {
  const r = await sql.query<{ installation: string; covered: string }>(
    "SELECT installation, sum(quantity)::text AS covered FROM ceiling_payments WHERE period = $1 AND installation = ANY($2::text[]) GROUP BY installation",
    [period, [...installations]],
  );
  return new Map(r.rows.map((x) => [x.installation, BigInt(x.covered)]));
}

/**
 * Oldest first (recorded_at, then id). With a page: those after the row with id `after` (the last
 * of the previous page, its position read from the table: rows are append-only), at most `take`.
 */
export async function listCeilingPayments(sql: Db | Sql, opts: { installation?: string | undefined; period?: string | undefined; after?: string | undefined; take?: number | undefined } = {}): Promise<CeilingPaymentView[]> {
  const r = await sql.query<Raw>(
    `SELECT ${COLUMNS} FROM ceiling_payments WHERE ($1::text IS NULL OR installation = $1) AND ($2::text IS NULL OR period = $2)
       AND ($3::text IS NULL OR (recorded_at, id) > (SELECT p.recorded_at, p.id FROM ceiling_payments p WHERE p.id = $3)) ORDER BY recorded_at, id LIMIT $4`,
    [opts.installation ?? null, opts.period ?? null, opts.after ?? null, opts.take ?? null],
  );
  return r.rows.map(view);
}

/** Records a payment of the ceiling price in place of allowances (national administrator); once per command id. */
export async function payInLieu(ctx: AuctionCtx, c: Caller, input: CeilingPaymentInput): Promise<Result<CeilingPaymentView>> {
  const perm = mayAdminister(c, "recording a payment in place of allowances");
  if (perm) return ctx.registry.audit.outcome(c, "ceiling.payment", null, perm);
  if (typeof input !== "object" || input === null) return bad("(body)", "must be an object");
  const keyErr = checkKey(input.commandId);
  if (keyErr) return keyErr;
  if (typeof input.installation !== "string" || input.installation.length < 1 || input.installation.length > 64) return bad("installation", "must be an installation id");
  if (typeof input.period !== "string" || input.period.length < 1 || input.period.length > 32) return bad("period", "must be a compliance period id");
  if (input.reference !== undefined && (typeof input.reference !== "string" || input.reference.length > 200)) return bad("reference", "must be text of at most 200 characters");
  const quantity = whole(input.quantity, "quantity", { min: 1n });
  if (typeof quantity !== "bigint") return quantity;
  const rb = await ctx.rulebook();
  if (!rb) return auctionRefusal("NO_RULES", "the registry records no rulebook", {});
  const period = compliancePeriod(rb.rulebook, input.period);
  if ("ok" in period) return { ...period, facts: { ...period.facts, field: "period" } };
  const year = period.to;
  const price = paymentInLieu(rb.rulebook, year, quantity);
  if (!price.ok) {
    return price.code === "ceiling-none"
      ? auctionRefusal("CEILING_NONE", `${rb.name} has no price ceiling in ${year}`, { year })
      : auctionRefusal("CEILING_NOT_PAYMENT", `${rb.name} keeps its ceiling by ${price.facts.mechanism}, not by payment in lieu of allowances`, { year, mechanism: price.facts.mechanism });
  }
  const request = { installation: input.installation, period: period.id, quantity, reference: input.reference ?? null };
  const scope = scopeOf(c);
  const res = await runCommand(
    ctx,
    { scope, key: input.commandId, kind: "ceiling-payment", request, actor: c.principal.userId },
    async (sql) => {
      // the lock the period's close takes (src/registry/compliance/cycle.ts): the close and a payment are serialized
      await sql.query("SELECT pg_advisory_xact_lock(hashtext('compliance-close:' || $1))", [period.id]);
      if ((await sql.query("SELECT 1 FROM compliance_closes WHERE period = $1", [period.id])).rows.length > 0)
        return auctionRefusal("CEILING_PERIOD_CLOSED", `compliance period ${period.id} is closed: a payment no longer counts toward it`, { period: period.id });
      if ((await sql.query("SELECT 1 FROM compliance_installations WHERE installation = $1", [input.installation])).rows.length === 0)
        return auctionRefusal("CEILING_INSTALLATION_UNKNOWN", `installation ${input.installation} is not registered for compliance`, { field: "installation", installation: input.installation });
      const id = scope === "" ? input.commandId : `${scope}:${input.commandId}`;
      await sql.query(
        `INSERT INTO ceiling_payments (id, scope, key, request, installation, period, price_year, quantity, price_minor, amount_minor, currency, decimals, reference, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
        [id, scope, input.commandId, JSON.stringify({ ...request, quantity: quantity.toString() }), input.installation, period.id, year, quantity, price.priceMinor, price.paymentMinor.toString(),
          rb.rulebook.currency, price.decimals, input.reference ?? null, c.principal.userId ?? "system", ctx.now()],
      );
      const row = (await sql.query<Raw>(`SELECT ${COLUMNS} FROM ceiling_payments WHERE id = $1`, [id])).rows[0] as Raw;
      return { ...ok(view(row)), target: id };
    },
    async (target) => view((await ctx.db.query<Raw>(`SELECT ${COLUMNS} FROM ceiling_payments WHERE id = $1`, [target])).rows[0] as Raw),
  );
  return ctx.registry.audit.outcome(c, "ceiling.payment", input.installation.slice(0, 64), res, res.ok ? { id: res.value.id, quantity: res.value.quantity.toString(), replayed: res.replayed } : {});
}
