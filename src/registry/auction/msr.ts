// The market stability reserve against the registry. The TNAC of a year is computed from the
// ledger by the Commission's definition (`totalInCirculation`): allowances issued (put into
// circulation or into the reserve: every allowance that left the government's pool accounts,
// net of returns), plus credits used for compliance, minus verified emissions (from the
// compliance records, through VerifiedEmissionsSource, or given), allowances cancelled and the
// reserve's holdings, all to the end of the year (UTC). The reserve's decision on that TNAC
// (`msrDecision`: intake, release, invalidation, the monthly schedule) is recorded once; each
// month of the schedule then becomes ledger transactions between the government accounts,
// proposed by an administrator and approved by another (reserve_intake from the auction account,
// reserve_release back to it, mandatory_cancellation of invalidated holdings), with ids of the
// decision's own so that each is made once.
import { auctionRefusal } from "../../domain/auction/checks.ts";
import type { Refusal } from "../../domain/ledger/checks.ts";
import type { Caller } from "../../domain/security/roles.ts";
import { type MsrDecision, msrDecision, type TnacFigures, totalInCirculation } from "../../domain/stability/index.ts";
import type { Sql } from "../../store/db.ts";
import type { KeyPage } from "./store.ts";
import type { Result } from "../ledger/index.ts";
import type { SecureTransactionView } from "../secure/index.ts";
import { yearOf } from "./calendar.ts";
import { type AuctionCtx, bad, checkKey, mayAdminister, ok, runCommand, scopeOf, whole } from "./context.ts";

/** Account types whose allowances are the government's own, not yet in circulation. */
const POOL = ["national_issuance", "allocation", "auction", "new_entrants_reserve", "cost_containment_reserve"];

export interface TnacView extends TnacFigures {
  year: number;
  tnac: bigint;
  /** Where the verified emissions came from. */
  emissionsFrom: "given" | "compliance-records";
  /** The cut-off: the end of the year. */
  upTo: string;
  /** Of the allowances issued, those issued beyond the cap by sales at a hard ceiling up to the cut-off (ceiling-sales.ts). */
  issuedBeyondCap: bigint;
}

/** The ledger's figures of the TNAC up to the end of `year` (everything but verified emissions). */
export async function ledgerFigures(sql: Sql, year: number): Promise<Omit<TnacFigures, "verifiedEmissions">> {
  const cutoff = `${year + 1}-01-01T00:00:00.000Z`;
  const r = await sql.query<{ issued: string | null; credits: string | null; cancelled: string | null; reserve: string | null }>(
    `WITH m AS (
       SELECT (mv.serial_end - mv.serial_start + 1) AS q, ut.family,
              coalesce(fa.type = ANY($2::text[]), mv.from_account IS NULL) AS from_pool,
              ta.type = ANY($2::text[]) AS to_pool,
              fa.type AS from_type, ta.type AS to_type,
              (td.definition->>'fate') AS to_fate, (fd.definition->>'fate') AS from_fate
       FROM movements mv
       JOIN transaction_events e ON e.tx_id = mv.tx_id AND e.status = 'completed' AND e.at < $1
       JOIN unit_classes u ON u.id = mv.class_id
       JOIN unit_types ut ON ut.code = u.unit_type
       LEFT JOIN accounts fa ON fa.id = mv.from_account
       JOIN accounts ta ON ta.id = mv.to_account
       LEFT JOIN account_types fd ON fd.code = fa.type
       JOIN account_types td ON td.code = ta.type
     )
     SELECT
       sum(CASE WHEN family = 'allowance' AND from_pool AND NOT to_pool THEN q WHEN family = 'allowance' AND NOT from_pool AND to_pool THEN -q ELSE 0 END)::text AS issued,
       sum(CASE WHEN family <> 'allowance' AND to_fate = 'surrendered' THEN q ELSE 0 END)::text AS credits,
       sum(CASE WHEN family = 'allowance' AND to_fate = 'cancelled' AND coalesce(from_fate, '') <> 'cancelled' THEN q ELSE 0 END)::text AS cancelled,
       sum(CASE WHEN family = 'allowance' AND to_type = 'market_stability_reserve' THEN q WHEN family = 'allowance' AND from_type = 'market_stability_reserve' THEN -q ELSE 0 END)::text AS reserve
     FROM m`,
    [cutoff, POOL],
  );
  const row = r.rows[0];
  const big = (v: string | null | undefined) => BigInt(v ?? "0");
  return { issuedSince2008: big(row?.issued), creditsUsed: big(row?.credits), cancelled: big(row?.cancelled), reserveHoldings: big(row?.reserve) };
}

async function tnacOf(ctx: AuctionCtx, sql: Sql, year: number, given: bigint | undefined): Promise<TnacView | Refusal> {
  const fromRecords = given === undefined ? await ctx.emissions.upTo(sql, year) : undefined;
  const verifiedEmissions = given ?? fromRecords;
  if (verifiedEmissions === undefined) return auctionRefusal("MSR_EMISSIONS_MISSING", `verifiedEmissions: the registry holds no verified emissions up to ${year}; give them`, { field: "verifiedEmissions", year });
  const f = { ...(await ledgerFigures(sql, year)), verifiedEmissions };
  for (const [k, v] of Object.entries(f)) if (v < 0n) return auctionRefusal("MSR_NEGATIVE_INPUT", `${k} up to ${year} is negative (${v})`, { field: k });
  const upTo = `${year + 1}-01-01T00:00:00.000Z`;
  const beyond = await sql.query<{ q: string | null }>("SELECT sum(quantity)::text AS q FROM ceiling_sales WHERE recorded_at < $1", [upTo]);
  return { ...f, year, tnac: totalInCirculation(f), emissionsFrom: given === undefined ? "compliance-records" : "given", upTo, issuedBeyondCap: BigInt(beyond.rows[0]?.q ?? "0") };
}

/** The TNAC of a year from the registry (administrators and the authority). */
export async function tnac(ctx: AuctionCtx, year: number, verifiedEmissions: bigint | undefined): Promise<Result<TnacView>> {
  const t = await tnacOf(ctx, ctx.db, year, verifiedEmissions);
  return "ok" in t ? t : ok(t);
}

export interface DecisionView {
  tnacYear: number;
  figures: TnacView;
  decision: MsrDecision;
  msrAccount: string;
  auctionAccount: string;
  cancellationAccount: string | null;
  at: string;
  actor: string;
}

export interface DecideInput {
  commandId: string;
  tnacYear: number;
  /** Verified emissions up to the end of the TNAC year, when the compliance records do not give them. */
  verifiedEmissions?: string | number | undefined;
  /** The previous year's auction volume (the 2023 invalidation rule). */
  previousAuctionVolume?: string | number | undefined;
  msrAccount: string;
  auctionAccount: string;
  /** Where invalidated holdings are cancelled (a mandatory cancellation account). */
  cancellationAccount?: string | undefined;
}

/** The reserve's decisions newest first (by TNAC year); with a page, those of years before `after` (the last year shown), at most `take`. */
export async function decisions(sql: Sql, tnacYear?: number, page: KeyPage<number> = {}): Promise<DecisionView[]> {
  const r = await sql.query<{ tnac_year: number; figures: Record<string, string>; decision: Record<string, unknown>; msr_account: string; auction_account: string; cancellation_account: string | null; at: string; actor: string }>(
    "SELECT tnac_year, figures, decision, msr_account, auction_account, cancellation_account, at, actor FROM msr_decisions WHERE ($1::int IS NULL OR tnac_year = $1) AND ($2::int IS NULL OR tnac_year < $2) ORDER BY tnac_year DESC LIMIT $3",
    [tnacYear ?? null, page.after ?? null, page.take ?? null],
  );
  return r.rows.map((x) => ({
    tnacYear: x.tnac_year, figures: x.figures as unknown as TnacView, decision: x.decision as unknown as MsrDecision,
    msrAccount: x.msr_account, auctionAccount: x.auction_account, cancellationAccount: x.cancellation_account, at: x.at, actor: x.actor,
  }));
}

async function typed(sql: Sql, id: unknown, field: string, type: string): Promise<Refusal | undefined> {
  if (typeof id !== "string" || id.length > 64) return bad(field, "must be an account id");
  const r = await sql.query<{ type: string; status: string }>("SELECT type, status FROM accounts WHERE id = $1", [id]);
  const a = r.rows[0];
  if (!a || a.type !== type || a.status !== "open") return auctionRefusal("ACCOUNT_INVALID", `${field}: ${id} is ${a ? `a ${a.status} ${a.type} account` : "no account"}; expected an open ${type} account`, { field, accountId: id });
  return undefined;
}

/** Records the reserve's decision on the TNAC of a year, computed from the registry (national administrator). */
export async function decide(ctx: AuctionCtx, c: Caller, input: DecideInput): Promise<Result<DecisionView>> {
  const perm = mayAdminister(c, "the market stability reserve's decision");
  if (perm) return perm;
  if (typeof input !== "object" || input === null) return bad("(body)", "must be an object");
  const keyErr = checkKey(input.commandId);
  if (keyErr) return keyErr;
  const year = yearOf(input.tnacYear, "tnacYear");
  if (typeof year !== "number") return year;
  const given = input.verifiedEmissions === undefined ? undefined : whole(input.verifiedEmissions, "verifiedEmissions", { max: 10n ** 18n });
  if (given !== undefined && typeof given !== "bigint") return given;
  const previous = input.previousAuctionVolume === undefined ? undefined : whole(input.previousAuctionVolume, "previousAuctionVolume", { max: 10n ** 18n });
  if (previous !== undefined && typeof previous !== "bigint") return previous;
  const rb = await ctx.rulebook();
  const msr = rb?.rulebook.stability?.msr;
  if (!msr) return auctionRefusal("NO_RULES", "the registry's rulebook has no market stability reserve (stability.msr)", {});
  const request = { tnacYear: year, verifiedEmissions: given ?? null, previousAuctionVolume: previous ?? null, msrAccount: input.msrAccount, auctionAccount: input.auctionAccount, cancellationAccount: input.cancellationAccount ?? null };
  const res = await runCommand(
    ctx,
    { scope: scopeOf(c), key: input.commandId, kind: "msr-decide", request, actor: c.principal.userId },
    async (sql) => {
      const accErr = (await typed(sql, input.msrAccount, "msrAccount", "market_stability_reserve")) ?? (await typed(sql, input.auctionAccount, "auctionAccount", "auction"));
      if (accErr) return accErr;
      if ((await decisions(sql, year)).length > 0) return auctionRefusal("MSR_DECISION_EXISTS", `the reserve has decided on the TNAC of ${year}`, { tnacYear: year });
      const t = await tnacOf(ctx, sql, year, given);
      if ("ok" in t) return t;
      // the decision is taken on the reserve's holdings now, not at the end of the TNAC year
      const holdings = await sql.query<{ q: string | null }>("SELECT sum(b.quantity)::text AS q FROM balances b JOIN unit_classes u ON u.id = b.class_id WHERE b.account_id = $1 AND u.unit_type = 'allowance'", [input.msrAccount]);
      const d = msrDecision(msr, { tnacYear: year, tnac: t.tnac, holdings: BigInt(holdings.rows[0]?.q ?? "0"), previousAuctionVolume: previous });
      if (!d.ok) {
        switch (d.code) {
          case "msr-not-in-force":
            return auctionRefusal("MSR_NOT_IN_FORCE", `tnacYear: the rulebook sets no intake rate for the TNAC of ${year} (TNAC years: ${d.facts.years})`, { field: "tnacYear", tnacYear: year });
          case "msr-negative-input":
            return auctionRefusal("MSR_NEGATIVE_INPUT", `the TNAC of ${year} is negative (${t.tnac}): verified emissions exceed the allowances issued`, { field: d.facts.field, tnac: t.tnac });
          case "msr-previous-auction-volume-needed":
            return auctionRefusal("MSR_PREVIOUS_AUCTION_VOLUME", `previousAuctionVolume: required: in ${d.facts.year} holdings above the previous year's auction volume are invalidated`, { field: "previousAuctionVolume" });
        }
      }
      if (d.decision.invalidated > 0n) {
        const e = await typed(sql, input.cancellationAccount, "cancellationAccount", "mandatory_cancellation");
        if (e) return e;
      }
      await sql.query(
        `INSERT INTO msr_decisions (tnac_year, tnac, figures, decision, intake, release, invalidated, msr_account, auction_account, cancellation_account, at, actor)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [year, t.tnac, json(t), json(d.decision), d.decision.intake, d.decision.release, d.decision.invalidated, input.msrAccount, input.auctionAccount, input.cancellationAccount ?? null, ctx.now(), c.principal.userId ?? "system"],
      );
      return { ...ok((await decisions(sql, year))[0] as DecisionView), target: String(year) };
    },
    async (target) => (await decisions(ctx.db, Number(target)))[0] as DecisionView,
  );
  return ctx.registry.audit.outcome(c, "msr.decide", String(year), res, res.ok ? { intake: res.value.decision.intake, release: res.value.decision.release, replayed: res.replayed } : {});
}

const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));

export interface MonthView {
  tnacYear: number;
  month: string;
  intake: bigint;
  release: bigint;
  invalidated: bigint;
  transactions: Array<{ role: "intake" | "release" | "invalidation"; transactionId: string; quantity: bigint; status: string | null; refused: { code: number; check: string; message: string } | null }>;
}

/**
 * Proposes a month's intake (auction account -> reserve) or release (reserve -> auction account),
 * and with the first month of the schedule the invalidation of holdings above the threshold, as
 * administrative transactions that a second administrator approves. Repeating it proposes nothing
 * new and shows where each stands.
 */
export async function applyMonth(ctx: AuctionCtx, c: Caller, tnacYear: number, month: string, classCode: unknown): Promise<Result<MonthView>> {
  const perm = mayAdminister(c, "moving allowances into and out of the market stability reserve");
  if (perm) return perm;
  if (typeof classCode !== "string" || classCode.length > 64) return bad("classCode", "must be the class code of the allowances moved");
  const d = (await decisions(ctx.db, tnacYear))[0];
  if (!d) return auctionRefusal("MSR_DECISION_UNKNOWN", `no decision on the TNAC of ${tnacYear}`, { tnacYear });
  const schedule = d.decision.schedule as unknown as Array<{ month: string; intake: string; release: string }>;
  const row = schedule.find((m) => m.month === month);
  if (!row) return auctionRefusal("MSR_MONTH_UNKNOWN", `month: ${month} is not in the schedule of the TNAC of ${tnacYear} (${schedule.map((m) => m.month).join(", ") || "no intake or release"})`, { field: "month", month });
  const invalidated = month === schedule[0]?.month ? BigInt(d.decision.invalidated as unknown as string) : 0n;
  const plan: Array<{ role: "intake" | "release" | "invalidation"; kind: string; from: string; to: string; quantity: bigint }> = [];
  if (BigInt(row.intake) > 0n) plan.push({ role: "intake", kind: "reserve_intake", from: d.auctionAccount, to: d.msrAccount, quantity: BigInt(row.intake) });
  if (BigInt(row.release) > 0n) plan.push({ role: "release", kind: "reserve_release", from: d.msrAccount, to: d.auctionAccount, quantity: BigInt(row.release) });
  if (invalidated > 0n && d.cancellationAccount) plan.push({ role: "invalidation", kind: "mandatory_cancellation", from: d.msrAccount, to: d.cancellationAccount, quantity: invalidated });
  const transactions: MonthView["transactions"] = [];
  for (const p of plan) {
    const id = `msr-${tnacYear}-${month}-${p.role}`;
    const existing = await ctx.registry.ledger.getTransaction(id);
    if (existing) {
      transactions.push({ role: p.role, transactionId: id, quantity: p.quantity, status: existing.status, refused: null });
      continue;
    }
    const r = await ctx.registry.initiate(c, { transactionId: id, kind: p.kind, legs: [{ classCode, from: p.from, to: p.to, quantity: p.quantity.toString() }], note: `market stability reserve: ${p.role} ${month} (TNAC ${tnacYear})` });
    if (!r.ok && transactions.length === 0 && plan.length === 1) return r;
    transactions.push({ role: p.role, transactionId: id, quantity: p.quantity, status: r.ok ? (r.value as SecureTransactionView).status : null, refused: r.ok ? null : { code: r.code, check: r.check, message: r.message } });
  }
  return ok({ tnacYear, month, intake: BigInt(row.intake), release: BigInt(row.release), invalidated, transactions });
}
