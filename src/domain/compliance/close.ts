// Closing a compliance period, pure: for every installation, the status after the deadline, the
// penalty for a shortfall (or for not reporting), and the allowances carried into the next period
// (the make-good the rulebook owes). Phase 2 runs it inside one batch and stores the result; since
// the result depends only on its inputs (the order of the entries included: they are sorted by
// installation), closing the same period twice gives the same rows, so the batch is idempotent by
// construction. All or nothing: a penalty that needs a price refuses the whole close.
import { decimal } from "../quantity/decimal.ts";
import type { Decimal } from "../quantity/decimal.ts";
import type { Rulebook } from "../rulebook/index.ts";
import type { Refusal } from "./codes.ts";
import { complianceRefusal } from "./codes.ts";
import { minorUnits, moneyText } from "./money.ts";
import type { Obligation, PeriodSpan } from "./obligation.ts";
import { deadlineOf } from "./obligation.ts";
import { nonReportingPenaltyFor, penaltyFor } from "./penalty.ts";
import { complianceStatus } from "./status.ts";
import type { StatusResult } from "./status.ts";

export interface CloseEntry {
  installation: string;
  /** The obligation, or the refusal saying the emissions are not determined. */
  obligation: Obligation | Refusal;
  /** Compliance value surrendered for the period by the deadline. */
  surrendered: bigint;
}

export interface ClosedInstallation {
  installation: string;
  status: StatusResult;
  /** Money due (decimal string in the currency's minor digits), "0" when none. */
  amount: string;
  amountMinor: bigint;
  upTo: boolean;
  /** Allowances carried into the next period's obligation. */
  carryOver: bigint;
  publication: boolean;
  explanation: string[];
}

export interface ClosedPeriod {
  ok: true;
  scheme: string;
  period: PeriodSpan;
  deadline: string;
  currency: string;
  results: ClosedInstallation[];
  totals: { installations: number; byStatus: Record<string, number>; shortfall: bigint; carryOver: bigint; amountMinor: bigint };
}

function closeOne(rb: Rulebook, e: CloseEntry, asOf: string, deadline: string, price: Decimal | undefined, year: number): ClosedInstallation | Refusal {
  const status = complianceStatus(e.obligation, e.surrendered, asOf, deadline);
  const base: ClosedInstallation = { installation: e.installation, status, amount: "0", amountMinor: 0n, upTo: false, carryOver: 0n, publication: false, explanation: [status.reason] };
  if (status.status === "not-verified") {
    if (!rb.penalties?.nonReporting) return base;
    const nr = nonReportingPenaltyFor(rb);
    if (!nr.ok) return nr;
    return { ...base, amount: moneyText(nr.amount), amountMinor: minorUnits(nr.amount), upTo: nr.upTo, publication: nr.publication, explanation: [...base.explanation, ...nr.explanation] };
  }
  if (status.shortfall === 0n || !rb.penalties) return base;
  const query: { shortfall: bigint; price?: Decimal; year: number } = { shortfall: status.shortfall, year };
  if (price !== undefined) query.price = price;
  const p = penaltyFor(rb, query);
  if (!p.ok) return { ...p, message: `${e.installation}: ${p.message}`, facts: { ...p.facts, installation: e.installation } };
  return { ...base, amount: moneyText(p.amount), amountMinor: minorUnits(p.amount), upTo: p.upTo, carryOver: p.owed, publication: p.publication, explanation: [...base.explanation, ...p.explanation] };
}

/** Status, penalty and carry-over of every installation of a period, once its deadline has passed. */
export function closePeriod(rb: Rulebook, period: PeriodSpan, entries: readonly CloseEntry[], asOf: string, price?: Decimal | string): ClosedPeriod | Refusal {
  const deadline = deadlineOf(rb, period);
  if (deadline === undefined) return complianceRefusal("INPUT_INVALID", `rulebook ${rb.scheme.id} has no compliance section (no deadline)`, { field: "compliance" });
  if (asOf <= deadline) return complianceRefusal("PERIOD_NOT_DUE", `${period.id} can be closed after its deadline ${deadline} (now ${asOf})`, { period: period.id, deadline, asOf });
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.installation)) return complianceRefusal("DUPLICATE_INSTALLATION", `${e.installation} is listed twice`, { installation: e.installation });
    seen.add(e.installation);
  }
  const p = typeof price === "string" ? decimal(price) : price;
  const results: ClosedInstallation[] = [];
  for (const e of [...entries].sort((a, b) => (a.installation < b.installation ? -1 : a.installation > b.installation ? 1 : 0))) {
    const r = closeOne(rb, e, asOf, deadline, p, period.to);
    if ("ok" in r) return r;
    results.push(r);
  }
  const byStatus: Record<string, number> = {};
  let shortfall = 0n;
  let carryOver = 0n;
  let amountMinor = 0n;
  for (const r of results) {
    byStatus[r.status.status] = (byStatus[r.status.status] ?? 0) + 1;
    shortfall += r.status.shortfall;
    carryOver += r.carryOver;
    amountMinor += r.amountMinor;
  }
  return { ok: true, scheme: rb.scheme.id, period, deadline, currency: rb.currency, results, totals: { installations: results.length, byStatus, shortfall, carryOver, amountMinor } };
}

/** The next period's obligation with the carried-over make-good added (allowances still owed). */
export function withCarryOver(next: Obligation, carried: bigint): Obligation {
  if (carried <= 0n) return next;
  return { ...next, due: next.due + carried, lines: [...next.lines, `carried over from the previous period: ${carried} allowances still owed`] };
}
