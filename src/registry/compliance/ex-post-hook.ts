// The rule every `ex_post_issuance` write keeps (a hook, src/registry/ledger/hooks.ts, installed
// from src/registry/scheme-rules.ts so the API, the CLI, `ets play` and batches all keep it): the
// transaction is the one the ex-post issuance service writes for a (period, installation), with
// the id `ex-post.<period>.<installation>`, completed at once, one transfer from the national
// issuance account to the installation's operator account, in the period's excess-reduction class,
// of exactly the figure the verified emissions give now (every year of the period verified and
// locked; exPostFigure on the obligation), and backed by a completed issuance of the same class and
// quantity into that account (`<id>.issue`, or `<id>.issue.N` after a rejected attempt). The row of
// `ex_post_issuances` is written here, in the same database transaction; its primary key makes it
// once per period and installation. Anything else is refused (9320, or 9306/9316/9318 by cause).
// The figure is computed here and in the service from the same function (figureOf), so the hook
// stands alone: a transfer from any other door is measured against the same rule.
// This file imports nothing of the service so the registry's opening can install it.
import { complianceRefusal, type Refusal } from "../../domain/compliance/codes.ts";
import { exPostClass, exPostFigure, type ExPostFigure } from "../../domain/compliance/ex-post.ts";
import type { PeriodSpan } from "../../domain/compliance/obligation.ts";
import { periodYears } from "../../domain/compliance/periods.ts";
import type { Rulebook } from "../../domain/rulebook/index.ts";
import type { Db, Sql } from "../../store/db.ts";
import type { HookStep, LedgerService } from "../ledger/index.ts";
import { getTransaction } from "../ledger/reads.ts";
import type { TransactionView } from "../ledger/types.ts";
import { obligationOf, oneObligationFacts } from "./obligations.ts";
import { emissionStates } from "./store.ts";

/** Attempts at the issuance of one (period, installation): a rejected or cancelled one leaves room for the next. */
export const MAX_ATTEMPTS = 5;

export const exPostTransactionId = (period: string, installation: string) => `ex-post.${period}.${installation}`;
export const exPostIssuanceId = (period: string, installation: string, attempt = 1) => `${exPostTransactionId(period, installation)}.issue${attempt === 1 ? "" : `.${attempt}`}`;

export interface Computed {
  figure: ExPostFigure;
  emissions: bigint;
  facilityCap: bigint;
  lines: string[];
}

/** The years of the period whose emissions are not verified and locked (an estimate is not verified). */
export async function unverifiedYears(sql: Db | Sql, installation: string, period: PeriodSpan): Promise<number[]> {
  const years = periodYears(period);
  const states = await emissionStates(sql, [installation], years);
  return years.filter((y) => states.get(`${installation}@${y}`)?.state !== "verified");
}

/**
 * The credits the installation's verified emissions earn for the period, or the refusal: 9306 on a
 * rulebook without ex-post issuance, 9316 naming the years not verified, the obligation's own
 * refusal (no facility cap), 9317 when nothing is below the cap.
 */
export async function figureOf(sql: Sql, rb: Rulebook | null, installation: string, period: PeriodSpan): Promise<Computed | Refusal> {
  if (!rb?.compliance?.exPostIssuance || rb.compliance.obligation.kind !== "excess-over-cap")
    return complianceRefusal("NOT_EX_POST", `${rb?.scheme.id ?? "the registry's rulebook"} issues no excess reductions ex post`, { scheme: rb?.scheme.id ?? null });
  const missing = await unverifiedYears(sql, installation, period);
  if (missing.length > 0)
    return complianceRefusal("EX_POST_NOT_VERIFIED", `${installation}'s emissions of ${missing.join(", ")} are not verified: excess reductions of ${period.id} are issued once every year of ${period.from}-${period.to} is verified`, { installation, period: period.id, missing });
  const facts = await oneObligationFacts(sql, rb, installation, period);
  const o = obligationOf(rb, facts);
  if ("ok" in o) return o;
  if (o.facilityCap === undefined) return complianceRefusal("INPUT_INVALID", `facilityCap: no facility cap set for ${installation} in ${period.id} (set the obligation terms)`, { field: "facilityCap" });
  const baseline = facts.facilityCap !== undefined && facts.requiredReduction !== undefined ? facts.facilityCap + facts.requiredReduction : undefined;
  const figure = exPostFigure(rb, o, baseline);
  if ("ok" in figure) return figure;
  if (figure.issued <= 0n)
    return complianceRefusal("EX_POST_NO_SURPLUS", `${installation}'s verified emissions of ${period.id} (${o.emissions} t) are not below its facility cap (${o.facilityCap} t): no excess reductions to issue`, { installation, period: period.id, emissions: o.emissions.toString(), facilityCap: o.facilityCap.toString() });
  return { figure, emissions: o.emissions, facilityCap: o.facilityCap, lines: [...o.lines, ...figure.lines] };
}

/**
 * The completed issuance behind a transfer: the first attempt (`<id>.issue`, `<id>.issue.N`) that
 * created exactly `leg` (class, quantity, account). An attempt of another figure (the verified
 * emissions were corrected after it was asked for) backs nothing.
 */
export async function completedIssuance(sql: Db | Sql, period: string, installation: string, leg: { classCode: string; to: string; quantity: bigint }): Promise<TransactionView | undefined> {
  for (let n = 1; n <= MAX_ATTEMPTS; n++) {
    const t = await getTransaction(sql, exPostIssuanceId(period, installation, n));
    if (!t) return undefined;
    if (t.status === "completed" && matches(t, leg)) return t;
  }
  return undefined;
}

/** An issuance of exactly this leg: one leg, same class, quantity and account. */
export function matches(t: TransactionView, leg: { classCode: string; to: string; quantity: bigint }): boolean {
  const l = t.legs[0];
  return t.kind === "issuance" && t.legs.length === 1 && l !== undefined && l.to === leg.to && l.classCode === leg.classCode && l.quantity === leg.quantity;
}

/** Which (period, installation) a transaction id names, for the rulebook's periods and the account's installation. */
function pairOf(rb: Rulebook, id: string, installation: string): PeriodSpan | undefined {
  const p = rb.compliancePeriods.find((x) => exPostTransactionId(x.id, installation) === id);
  if (p) return { id: p.id, from: p.from, to: p.to };
  const y = /^ex-post\.(\d{4})\./.exec(id)?.[1];
  return rb.compliancePeriods.length === 0 && y !== undefined && exPostTransactionId(y, installation) === id ? { id: y, from: Number(y), to: Number(y) } : undefined;
}

export function exPostHook(rb: Rulebook | null) {
  return async (sql: Sql, steps: readonly HookStep[], now: string): Promise<Refusal | null> => {
    for (const s of steps) {
      const without = (why: string, facts: Record<string, unknown> = {}) => complianceRefusal("EX_POST_WITHOUT_SERVICE", `${s.id}: ${why}`, { transactionId: s.id, ...facts });
      if (!rb?.compliance?.exPostIssuance) return complianceRefusal("NOT_EX_POST", `${rb?.scheme.id ?? "the registry's rulebook"} issues no excess reductions ex post`, { scheme: rb?.scheme.id ?? null });
      if (s.op !== "create" || s.status !== "completed") return without(`an ex-post issuance completes when it is written (it is ${s.status})`);
      const leg = s.legs[0];
      if (s.legs.length !== 1 || !leg || leg.from === null) return without("an ex-post issuance is one transfer from the national issuance account");
      const inst = (await sql.query<{ installation: string }>("SELECT installation FROM compliance_installations WHERE account_id = $1", [leg.to])).rows[0]?.installation;
      if (inst === undefined) return without(`${leg.to} is not the account of an installation registered for compliance`);
      const period = pairOf(rb, s.id, inst);
      if (!period) return without(`an ex-post issuance to ${inst} has the id ${exPostTransactionId("<period>", inst)}`);
      const done = (await sql.query<{ transaction_id: string }>("SELECT transaction_id FROM ex_post_issuances WHERE period = $1 AND installation = $2 FOR UPDATE", [period.id, inst])).rows[0];
      if (done) return complianceRefusal("EX_POST_ISSUED", `${inst}'s excess reductions of ${period.id} are issued already (${done.transaction_id})`, { installation: inst, period: period.id, transactionId: done.transaction_id });
      const cls = exPostClass(rb, period);
      if (leg.classCode !== cls.code) return without(`the credits of ${period.id} are issued in ${cls.code}, not ${leg.classCode}`, { classCode: leg.classCode });
      const computed = await figureOf(sql, rb, inst, period);
      if ("ok" in computed) return computed;
      if (leg.quantity !== computed.figure.issued) return without(`it carries ${leg.quantity}; the verified emissions give ${computed.figure.issued}`, { quantity: leg.quantity.toString(), figure: computed.figure.issued.toString() });
      const iss = await completedIssuance(sql, period.id, inst, { classCode: leg.classCode, to: leg.from, quantity: leg.quantity });
      if (!iss)
        return without(`no completed issuance of ${leg.quantity} ${leg.classCode} into ${leg.from} (${exPostIssuanceId(period.id, inst)}) backs it`);
      await sql.query(
        `INSERT INTO ex_post_issuances (period, installation, account_id, class_code, unit_type, vintage, emissions, facility_cap, surplus, ceiling, issued, transaction_id, issuance_id, lines, issued_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
        [period.id, inst, leg.to, cls.code, cls.unitType, cls.vintage, computed.emissions.toString(), computed.facilityCap.toString(), computed.figure.surplus.toString(),
          computed.figure.ceiling === null ? null : computed.figure.ceiling.toString(), leg.quantity.toString(), s.id, iss.id, JSON.stringify(computed.lines), s.initiator, now],
      );
    }
    return null;
  };
}

/** The ex-post rule every door keeps (one line in src/registry/scheme-rules.ts); installed for every rulebook, so none without ex-post issuance writes the kind. */
export function installExPost(ledger: LedgerService, _db: unknown, rulebook: Rulebook | null): void {
  ledger.onKind("ex_post_issuance", exPostHook(rulebook));
}
