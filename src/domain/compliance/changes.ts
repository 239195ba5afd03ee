// Changes within a compliance period, on the obligation side (the allocation side, returns and
// transfers, is src/domain/allocation/changes.ts):
//   - closure: the operator owes for emissions up to the day before the closure; the allocation
//     for the rest of the period returns (kept = allocation x operated days / period days, floor);
//   - change of owner: the obligation is split at the date, the old owner up to the day before,
//     the new owner from the date on;
//   - entry in mid-period: the obligation runs from the entry date.
// Each part gets its emissions from the reports made for it (emissions up to a closure or an owner
// change are reported separately where the rules ask for it) or, when only the period's total is
// known, by days: largest remainder with ties to the earlier part, so the parts sum exactly to the
// total. A facility cap (Tokyo) is pro-rated by days the same way. Dates must lie in the period,
// in order, with at most one closure and nothing after it.
import { dayOfYear, daysBetween } from "../allocation/calendar.ts";
import { largestRemainder } from "../quantity/index.ts";
import type { Refusal } from "./codes.ts";
import { complianceRefusal } from "./codes.ts";
import type { PeriodSpan } from "./obligation.ts";

export type CycleChange =
  | { kind: "closure"; date: string }
  | { kind: "owner-change"; date: string; to: string }
  | { kind: "entry"; date: string };

export interface CycleInput {
  installation: string;
  period: PeriodSpan;
  /** The holder at the start of the period (or at entry). */
  holder: string;
  changes: readonly CycleChange[];
  /** The period's total emissions, split by days when `partEmissions` is not given. */
  emissions?: bigint;
  /** Emissions reported for each part, in part order (overrides the split by days). */
  partEmissions?: readonly bigint[];
  /** Free allocation issued for the whole period (what a closure returns part of). */
  allocation?: bigint;
  /** The facility cap of the whole period (excess-over-cap schemes). */
  facilityCap?: bigint;
}

export interface ObligationPart {
  holder: string;
  from: string;
  to: string;
  days: number;
  emissions: bigint;
  facilityCap?: bigint;
}

export interface CycleResult {
  parts: ObligationPart[];
  /** Allowances returned after a closure. */
  returned: bigint;
  lines: string[];
}

function nextDay(date: string, delta: number): string {
  const d = dayOfYear(date);
  return new Date(Date.UTC(d.year, 0, d.day + delta)).toISOString().slice(0, 10);
}

function validDate(s: string): boolean {
  try {
    dayOfYear(s);
    return true;
  } catch {
    return false;
  }
}

function checkChanges(input: CycleInput, start: string, end: string): Refusal | undefined {
  let last = "";
  let closed = false;
  for (const [i, c] of input.changes.entries()) {
    if (!validDate(c.date)) return complianceRefusal("INPUT_INVALID", `changes[${i}].date: expected YYYY-MM-DD`, { field: `changes[${i}].date` });
    if (c.date < start || c.date > end) return complianceRefusal("DATE_OUTSIDE_PERIOD", `changes[${i}]: ${c.kind} on ${c.date} is outside ${input.period.id} (${start} to ${end})`, { change: i, date: c.date });
    if (closed) return complianceRefusal("CHANGES_CONFLICT", `changes[${i}]: nothing can follow a closure`, { change: i });
    if (c.date < last || (c.date === last && c.kind !== "closure")) return complianceRefusal("CHANGES_CONFLICT", `changes[${i}]: changes must come in date order`, { change: i });
    if (c.kind === "entry" && i !== 0) return complianceRefusal("CHANGES_CONFLICT", `changes[${i}]: an entry comes first`, { change: i });
    if (c.kind === "closure") closed = true;
    last = c.date;
  }
  return undefined;
}

function split(total: bigint, days: number[]): bigint[] {
  return largestRemainder(total, days.map((d) => BigInt(d)));
}

/** The parts of a period's obligation after closures, owner changes and a mid-period entry. */
export function splitObligation(input: CycleInput): CycleResult | Refusal {
  const start = `${input.period.from}-01-01`;
  const end = `${input.period.to}-12-31`;
  const bad = checkChanges(input, start, end);
  if (bad) return bad;
  const lines: string[] = [];
  const bounds: { holder: string; from: string; to: string }[] = [];
  let holder = input.holder;
  let from = start;
  let closedOn: string | undefined;
  for (const c of input.changes) {
    if (c.kind === "entry") {
      from = c.date;
      lines.push(`entry on ${c.date}: the obligation runs from then`);
      continue;
    }
    if (c.date > from) bounds.push({ holder, from, to: nextDay(c.date, -1) });
    if (c.kind === "owner-change") {
      lines.push(`owner change on ${c.date}: ${holder} owes up to ${nextDay(c.date, -1)}, ${c.to} from ${c.date}`);
      holder = c.to;
      from = c.date;
    } else {
      closedOn = c.date;
      lines.push(`closure on ${c.date}: ${holder} owes for emissions up to ${nextDay(c.date, -1)}`);
    }
  }
  if (closedOn === undefined) bounds.push({ holder, from, to: end });
  const days = bounds.map((b) => daysBetween(b.from, b.to));
  let emissions: bigint[];
  if (input.partEmissions) {
    if (input.partEmissions.length !== bounds.length) return complianceRefusal("INPUT_INVALID", `partEmissions: expected ${bounds.length} parts, got ${input.partEmissions.length}`, { field: "partEmissions" });
    if (input.partEmissions.some((e) => e < 0n)) return complianceRefusal("ACTIVITY_NEGATIVE", "partEmissions: emissions are >= 0", { field: "partEmissions" });
    emissions = [...input.partEmissions];
  } else if (input.emissions !== undefined) {
    if (input.emissions < 0n) return complianceRefusal("ACTIVITY_NEGATIVE", "emissions: must be >= 0", { field: "emissions" });
    emissions = split(input.emissions, days);
    if (bounds.length > 1) lines.push(`emissions ${input.emissions} split by days ${days.join(" / ")} (largest remainder): ${emissions.join(" / ")}`);
  } else return complianceRefusal("INPUT_INVALID", "emissions: give the period's total or each part's", { field: "emissions" });
  const periodDays = daysBetween(start, end);
  const covered = days.reduce((a, b) => a + b, 0);
  let caps: bigint[] | undefined;
  if (input.facilityCap !== undefined) {
    // the cap of the days covered (floor), then shared among the parts exactly
    const coveredCap = (input.facilityCap * BigInt(covered)) / BigInt(periodDays);
    caps = split(coveredCap, days);
    if (covered < periodDays) lines.push(`facility cap ${input.facilityCap} x ${covered}/${periodDays} days = ${coveredCap} (floor)`);
  }
  let returned = 0n;
  if (closedOn !== undefined && input.allocation !== undefined) {
    const operated = daysBetween(start, nextDay(closedOn, -1));
    const kept = (input.allocation * BigInt(operated)) / BigInt(periodDays);
    returned = input.allocation - kept;
    lines.push(`allocation ${input.allocation} x ${operated}/${periodDays} days kept = ${kept} (floor); ${returned} returned`);
  }
  const parts = bounds.map((b, i) => {
    const p: ObligationPart = { ...b, days: days[i] as number, emissions: emissions[i] as bigint };
    if (caps) p.facilityCap = caps[i] as bigint;
    return p;
  });
  return { parts, returned, lines };
}
