// The compliance cycle of a period in the registry: each installation's obligation and status as
// the registry knows it now, surrender (a ledger transaction of kind `surrender`, four-eyes, whose
// rules the hook of hook.ts keeps inside the writing transaction), closing a period after its
// deadline (status, penalty and carry-over of every installation, decided by the domain's
// closePeriod and stored in one database transaction; closing again answers the first close and
// changes nothing), and what other parts ask: whether an installation's emissions are verified
// for a list of years (closure preconditions).
import { complianceRefusal, type Refusal } from "../../domain/compliance/codes.ts";
import { closePeriod, type ClosedInstallation } from "../../domain/compliance/close.ts";
import type { Obligation, PeriodSpan } from "../../domain/compliance/obligation.ts";
import { deadlineOf } from "../../domain/compliance/obligation.ts";
import { periodPurpose } from "../../domain/compliance/periods.ts";
import { complianceStatus, type StatusResult } from "../../domain/compliance/status.ts";
import { countedValue } from "../../domain/compliance/surrender.ts";
import type { Rulebook } from "../../domain/rulebook/index.ts";
import type { Caller } from "../../domain/security/roles.ts";
import type { Db, Sql } from "../../store/db.ts";
import { permit, type SecureTransactionView } from "../secure/index.ts";
import { command, type ComplianceCtx, audited, isRefusal, mayActFor, mayRead, mayRunAdministrative, type Result } from "./context.ts";
import { localDay } from "./hook.ts";
import { installations as visibleInstallations } from "./installations.ts";
import { obligationFacts, obligationOf, periodById } from "./obligations.ts";
import { ceilingPaymentsCovering } from "../auction/ceiling-payments.ts";
import { emissionStates, getInstallation, type InstallationRow, listInstallations, type LineRow, surrenderLines } from "./store.ts";

export interface PositionView {
  installation: string;
  period: string;
  deadline: string | null;
  status: StatusResult["status"];
  due: string | null;
  emissions: string | null;
  estimatedYears: number[];
  surrendered: string;
  shortfall: string;
  reason: string;
  closed: boolean;
}

const s = (x: bigint | null | undefined) => (x === null || x === undefined ? null : x.toString());

/** Compliance value counted by the deadline (recorded on or before it), against the obligation as it stands. */
function surrenderedBy(rb: Rulebook, o: Obligation | Refusal, lines: readonly LineRow[], deadline: string | undefined): bigint {
  const inTime = lines.filter((l) => deadline === undefined || localDay(rb, l.recordedAt) <= deadline);
  if (!("ok" in o)) return countedValue(rb, o, inTime);
  return inTime.reduce((a, l) => a + l.value, 0n);
}

async function positions(sql: Sql, rb: Rulebook, rows: ReadonlyArray<{ id: string; row: InstallationRow | undefined }>, period: PeriodSpan, asOf: string): Promise<PositionView[]> {
  const facts = await obligationFacts(sql, rb, rows, period);
  const lines = await surrenderLines(sql, rows.map((r) => r.id), period.id);
  const paid = await ceilingPaymentsCovering(sql, rows.map((r) => r.id), period.id); // GX-ETS: tonnes paid for at the ceiling price count as surrendered
  const closed = await sql.query<{ installation: string; status: StatusResult["status"]; due: bigint | null; emissions: bigint | null; surrendered: bigint; shortfall: bigint; explanation: string[] }>(
    "SELECT installation, status, due, emissions, surrendered, shortfall, explanation FROM compliance_results WHERE period = $1 AND installation = ANY($2::text[])",
    [period.id, rows.map((r) => r.id)],
  );
  const closedBy = new Map(closed.rows.map((r) => [r.installation, r]));
  const deadline = deadlineOf(rb, period);
  return rows.map(({ id }) => {
    const c = closedBy.get(id);
    if (c) {
      return { installation: id, period: period.id, deadline: deadline ?? null, status: c.status, due: s(c.due), emissions: s(c.emissions), estimatedYears: [], surrendered: c.surrendered.toString(), shortfall: c.shortfall.toString(), reason: c.explanation[0] ?? "", closed: true };
    }
    const o = obligationOf(rb, facts.get(id) as NonNullable<ReturnType<typeof facts.get>>);
    const got = surrenderedBy(rb, o, lines.get(id) ?? [], deadline) + (paid.get(id) ?? 0n);
    const st = complianceStatus(o, got, asOf, deadline);
    const ok = !("ok" in o);
    return {
      installation: id, period: period.id, deadline: deadline ?? null, status: st.status, due: ok ? o.due.toString() : null, emissions: ok ? o.emissions.toString() : null,
      estimatedYears: ok ? o.estimatedYears : [], surrendered: got.toString(), shortfall: st.shortfall.toString(), reason: st.reason, closed: false,
    };
  });
}

/** Status of every installation the caller may see for a period, a page at a time. */
export async function periodStatus(ctx: ComplianceCtx, c: Caller, periodId: string, opts: { after?: string | undefined; limit?: number | undefined } = {}): Promise<Result<{ period: string; deadline: string | null; asOf: string; items: PositionView[]; next: string | null }>> {
  const rb = await ctx.rules();
  if (isRefusal(rb)) return rb;
  const period = periodById(rb, periodId);
  if ("ok" in period) return period;
  const page = await visibleInstallations(ctx, c, opts);
  if (!page.ok) return page;
  const asOf = localDay(rb, ctx.now());
  const items = await positions(ctx.db, rb, page.value.items.map((r) => ({ id: r.installation, row: r })), period, asOf);
  return { ok: true, replayed: false, value: { period: period.id, deadline: deadlineOf(rb, period) ?? null, asOf, items, next: page.value.next } };
}

/** One installation's status for a period (who may read it). */
export async function installationStatus(ctx: ComplianceCtx, c: Caller, installation: string, periodId: string): Promise<Result<PositionView>> {
  const denied = await mayRead(ctx, c.principal, installation);
  if (denied) return denied;
  const rb = await ctx.rules();
  if (isRefusal(rb)) return rb;
  const period = periodById(rb, periodId);
  if ("ok" in period) return period;
  const row = await getInstallation(ctx.db, installation);
  if (!row) return complianceRefusal("INSTALLATION_UNKNOWN", `installation ${installation} is not registered for compliance`, { installation });
  const [p] = await positions(ctx.db, rb, [{ id: installation, row }], period, localDay(rb, ctx.now()));
  return { ok: true, replayed: false, value: p as PositionView };
}

export interface SurrenderInput {
  commandId: string;
  installation: string;
  period: string;
  lines: Array<{ classCode: string; quantity: string }>;
}

/**
 * Proposes a surrender from the installation's operator account to the registry's surrender
 * account, naming the period it pays (its purpose). Four-eyes: a second representative approves
 * it. The compliance rules are the hook's, in the writing transaction, at the proposal and again
 * at the approval.
 */
export async function surrender(ctx: ComplianceCtx, c: Caller, i: SurrenderInput): Promise<Result<SecureTransactionView>> {
  const who = await mayActFor(ctx, c.principal, String(i?.installation));
  if (who) return who;
  const rb = await ctx.rules();
  if (isRefusal(rb)) return rb;
  const row = await getInstallation(ctx.db, i.installation);
  if (!row) return complianceRefusal("INSTALLATION_UNKNOWN", `installation ${i.installation} is not registered for compliance`, { installation: i.installation });
  const period = periodById(rb, String(i.period));
  if ("ok" in period) return period;
  if (!Array.isArray(i.lines) || i.lines.length === 0 || i.lines.length > 100) return complianceRefusal("INPUT_INVALID", "lines: 1 to 100 { classCode, quantity }", { field: "lines" });
  const sur = await ctx.db.query<{ id: string }>("SELECT id FROM accounts WHERE type = 'surrender' AND status = 'open' ORDER BY id LIMIT 1");
  const to = sur.rows[0]?.id;
  if (!to) return complianceRefusal("INPUT_INVALID", "the registry has no open surrender account", { field: "accounts" });
  return ctx.registry.initiate(c, {
    transactionId: i.commandId, kind: "surrender", purpose: periodPurpose(period.id),
    legs: i.lines.map((l) => ({ classCode: l?.classCode, from: row.accountId, to, quantity: l?.quantity })) as never,
  });
}

export interface CloseInput {
  commandId: string;
  period: string;
  /** Market price for penalties tied to it (decimal, in the rulebook's currency). */
  price?: string | undefined;
}

export interface CloseView {
  period: string;
  deadline: string;
  asOf: string;
  closedBy: string;
  closedAt: string;
  currency: string;
  totals: { installations: number; byStatus: Record<string, number>; shortfall: string; carryOver: string; amountMinor: string };
  results: Array<{ installation: string; status: string; due: string | null; surrendered: string; shortfall: string; amount: string; upTo: boolean; carryOver: string; publication: boolean; explanation: string[] }>;
}

const resultView = (r: ClosedInstallation) => ({
  installation: r.installation, status: r.status.status, due: s(r.status.due), surrendered: r.status.surrendered.toString(), shortfall: r.status.shortfall.toString(),
  amount: r.amount, upTo: r.upTo, carryOver: r.carryOver.toString(), publication: r.publication, explanation: r.explanation,
});

async function storedClose(sql: Sql, period: string): Promise<CloseView | undefined> {
  const h = await sql.query<{ period: string; closed_by: string; closed_at: string; as_of: unknown; deadline: unknown; currency: string; totals: CloseView["totals"] }>("SELECT * FROM compliance_closes WHERE period = $1", [period]);
  const head = h.rows[0];
  if (!head) return undefined;
  const r = await sql.query<{ installation: string; status: string; due: bigint | null; surrendered: bigint; shortfall: bigint; amount: string; up_to: boolean; carry_over: bigint; publication: boolean; explanation: string[] }>(
    "SELECT * FROM compliance_results WHERE period = $1 ORDER BY installation",
    [period],
  );
  const d = (x: unknown) => (x instanceof Date ? x.toISOString().slice(0, 10) : String(x).slice(0, 10));
  return {
    period, deadline: d(head.deadline), asOf: d(head.as_of), closedBy: head.closed_by, closedAt: head.closed_at, currency: head.currency, totals: head.totals,
    results: r.rows.map((x) => ({ installation: x.installation, status: x.status, due: s(x.due), surrendered: x.surrendered.toString(), shortfall: x.shortfall.toString(), amount: x.amount, upTo: x.up_to, carryOver: x.carry_over.toString(), publication: x.publication, explanation: x.explanation })),
  };
}

/**
 * Closes a period after its deadline (national administrator): the status, penalty and carry-over of
 * every registered installation, in one database transaction. A period closes once: closing it
 * again (any command id) answers the stored close and changes nothing. The carry-over is owed in
 * the next period's obligation (obligations.ts adds it).
 */
export function close(ctx: ComplianceCtx, c: Caller, i: CloseInput): Promise<Result<CloseView>> {
  return audited(ctx, c, "compliance.period.close", typeof i?.period === "string" ? i.period.slice(0, 64) : null, async () => {
    const perm = mayRunAdministrative(c.principal);
    if (perm) return perm;
    const rb = await ctx.rules();
    if (isRefusal(rb)) return rb;
    const period = periodById(rb, String(i?.period));
    if ("ok" in period) return period;
    const already = await storedClose(ctx.db, period.id);
    if (already) return { ok: true, value: already, replayed: true };
    if (i.price !== undefined && !/^\d{1,12}(\.\d{1,6})?$/.test(String(i.price))) return complianceRefusal("INPUT_INVALID", "price: a decimal >= 0", { field: "price" });
    return command(ctx, c, "period.close", i.commandId, { ...i, commandId: undefined }, async (tx): Promise<CloseView | Refusal> => {
      // Another close of the period may have committed since: answer it.
      await tx.query("SELECT pg_advisory_xact_lock(hashtext('compliance-close:' || $1))", [period.id]);
      const again = await storedClose(tx, period.id);
      if (again) return again;
      const asOf = localDay(rb, ctx.now());
      const rows: Array<{ id: string; row: InstallationRow }> = [];
      for (let after: string | undefined; ; ) {
        const page = await listInstallations(tx, { after, limit: 5000 });
        rows.push(...page.map((r) => ({ id: r.installation, row: r })));
        if (page.length < 5000) break;
        after = page[page.length - 1]?.installation;
      }
      const facts = await obligationFacts(tx, rb, rows, period);
      const lines = await surrenderLines(tx, rows.map((r) => r.id), period.id);
      const paid = await ceilingPaymentsCovering(tx, rows.map((r) => r.id), period.id); // GX-ETS: tonnes paid for at the ceiling price count as surrendered
      const deadline = deadlineOf(rb, period);
      const entries = rows.map(({ id }) => {
        const o = obligationOf(rb, facts.get(id) as NonNullable<ReturnType<typeof facts.get>>);
        return { installation: id, obligation: o, surrendered: surrenderedBy(rb, o, lines.get(id) ?? [], deadline) + (paid.get(id) ?? 0n) };
      });
      const closed = closePeriod(rb, period, entries, asOf, i.price);
      if (!closed.ok) return closed;
      const at = ctx.now();
      const by = c.principal.userId as string;
      const totals = { ...closed.totals, shortfall: closed.totals.shortfall.toString(), carryOver: closed.totals.carryOver.toString(), amountMinor: closed.totals.amountMinor.toString() };
      await tx.query("INSERT INTO compliance_closes (period, command_id, closed_by, closed_at, as_of, deadline, price, currency, batch_id, totals) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,NULL,$9)", [
        period.id, i.commandId, by, at, asOf, closed.deadline, i.price ?? null, closed.currency, JSON.stringify(totals),
      ]);
      const byId = new Map(entries.map((e) => [e.installation, e.obligation]));
      for (const r of closed.results) {
        const o = byId.get(r.installation);
        await tx.query(
          `INSERT INTO compliance_results (period, installation, status, due, emissions, surrendered, shortfall, amount, amount_minor, up_to, carry_over, publication, explanation)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
          [period.id, r.installation, r.status.status === "open" ? "not-verified" : r.status.status, s(r.status.due), o && !("ok" in o) ? o.emissions.toString() : null, r.status.surrendered.toString(),
            r.status.shortfall.toString(), r.amount, r.amountMinor.toString(), r.upTo, r.carryOver.toString(), r.publication, JSON.stringify(r.explanation)],
        );
      }
      return { period: period.id, deadline: closed.deadline, asOf, closedBy: by, closedAt: at, currency: closed.currency, totals, results: closed.results.map(resultView) };
    });
  });
}

/** A stored close (whoever may read all installations). */
export async function getClose(ctx: ComplianceCtx, c: Caller, periodId: string): Promise<Result<CloseView>> {
  const denied = permit(c.principal, "accounts:read-all");
  if (denied) return denied;
  const close = await storedClose(ctx.db, periodId);
  if (!close) return complianceRefusal("PERIOD_UNKNOWN", `period ${periodId} is not closed`, { period: periodId });
  return { ok: true, value: close, replayed: false };
}

/**
 * For other parts of the registry (closure preconditions, issue 17): whether every listed year of
 * the installation has verified emissions (a locked positive or qualified opinion). Estimates do
 * not count: they are not verified. The years missing are named.
 */
export async function verifiedEmissionsComplete(db: Db | Sql, installation: string, years: readonly number[]): Promise<{ complete: boolean; missing: number[] }> {
  const states = await emissionStates(db, [installation], years);
  const missing = years.filter((y) => states.get(`${installation}@${y}`)?.state !== "verified");
  return { complete: missing.length === 0, missing };
}
