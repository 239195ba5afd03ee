// Compliance periods on the calendar, for the registry: the dates a period starts and ends (a
// fiscal-year rulebook's year starts in its `startMonth`), the scheme year a date falls in, and the
// period a surrender pays when it does not name one: the earliest period that has started by the
// surrender's date and whose deadline has not yet passed (in the EU, a surrender in March 2027
// pays 2026, one in May 2027 pays 2027). Dates are local dates (YYYY-MM-DD) in the registry's
// calendar; the caller converts instants.
import type { Rulebook } from "../rulebook/index.ts";
import type { Refusal } from "./codes.ts";
import { complianceRefusal } from "./codes.ts";
import type { PeriodSpan } from "./obligation.ts";
import { compliancePeriod, deadlineOf } from "./obligation.ts";

const pad = (n: number) => String(n).padStart(2, "0");

function startMonth(rb: Rulebook): number {
  return rb.yearBasis.kind === "fiscal" ? rb.yearBasis.startMonth : 1;
}

/** The first day of a scheme year (1 January, or the fiscal year's first month). */
export function yearStart(rb: Rulebook, year: number): string {
  return `${year}-${pad(startMonth(rb))}-01`;
}

/** The last day of a scheme year (31 December, or the day before the next fiscal year starts). */
export function yearEnd(rb: Rulebook, year: number): string {
  const m = startMonth(rb);
  if (m === 1) return `${year}-12-31`;
  const last = new Date(Date.UTC(year + 1, m - 1, 0));
  return last.toISOString().slice(0, 10);
}

/** The scheme year a local date falls in (FY2026 runs April 2026 to March 2027 in Japan). */
export function schemeYearOf(rb: Rulebook, date: string): number {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  return m < startMonth(rb) ? y - 1 : y;
}

export function periodStart(rb: Rulebook, p: PeriodSpan): string {
  return yearStart(rb, p.from);
}

export function periodEnd(rb: Rulebook, p: PeriodSpan): string {
  return yearEnd(rb, p.to);
}

/** The years of a period, in order. */
export function periodYears(p: PeriodSpan): number[] {
  const out: number[] = [];
  for (let y = p.from; y <= p.to; y++) out.push(y);
  return out;
}

/** The compliance period a scheme year belongs to (its own year when the rulebook lists none). */
export function periodOfYear(rb: Rulebook, year: number): PeriodSpan | undefined {
  if (rb.compliancePeriods.length === 0) return { id: String(year), from: year, to: year };
  const p = rb.compliancePeriods.find((x) => x.from <= year && year <= x.to);
  return p ? { id: p.id, from: p.from, to: p.to } : undefined;
}

/** The periods that may be open on a date: those started by then, earliest first (a bounded look back for yearly periods). */
function candidates(rb: Rulebook, date: string): PeriodSpan[] {
  if (rb.compliancePeriods.length > 0) return rb.compliancePeriods.filter((p) => yearStart(rb, p.from) <= date).map((p) => ({ id: p.id, from: p.from, to: p.to }));
  const now = schemeYearOf(rb, date);
  const back = (rb.compliance?.deadlineYearOffset ?? 1) + 2;
  const out: PeriodSpan[] = [];
  for (let y = now - back; y <= now; y++) out.push({ id: String(y), from: y, to: y });
  return out;
}

/**
 * The period a surrender on `date` pays when it names none: the earliest that has started and
 * whose deadline has not passed. Refused (9301) when there is none: name the period.
 */
export function defaultSurrenderPeriod(rb: Rulebook, date: string): PeriodSpan | Refusal {
  for (const p of candidates(rb, date)) {
    const dl = deadlineOf(rb, p);
    if (dl !== undefined && date <= dl) return p;
  }
  return complianceRefusal("PERIOD_UNKNOWN", `no compliance period of ${rb.scheme.id} is open for surrender on ${date}; name the period`, { date });
}

/** A period named by a surrender (`period:<id>` in its purpose), or the default one on its date. */
export function surrenderPeriod(rb: Rulebook, named: string | undefined, date: string): PeriodSpan | Refusal {
  return named === undefined ? defaultSurrenderPeriod(rb, date) : compliancePeriod(rb, named);
}

/** The purpose a surrender carries to name the period it pays (read back by the registry's hook). */
export function periodPurpose(period: string): string {
  return `period:${period}`;
}

/** The period named in a surrender's purpose, or undefined when the purpose names none. */
export function periodFromPurpose(purpose: string | null | undefined): string | undefined {
  const m = purpose ? /^period:([A-Za-z0-9][A-Za-z0-9._-]{0,63})$/.exec(purpose) : null;
  return m ? (m[1] as string) : undefined;
}
