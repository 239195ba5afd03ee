// Working-day arithmetic for the trusted account list: an addition takes effect at a local time
// of day (EU: 12:00 CET) on the n-th working day after the day it was proposed, skipping weekends
// and configured holidays. Dates are counted in the configured IANA time zone, so daylight saving
// changes are handled by Intl (no clock or I/O here).

export interface WorkingCalendar {
  readonly activationWorkingDays: number;
  readonly activationTime: string;
  readonly timeZone: string;
  readonly weekend: readonly number[];
  readonly holidays: readonly string[];
}

interface LocalDate {
  y: number;
  m: number;
  d: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone: tz, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
    formatters.set(tz, f);
  }
  return f;
}

/** The wall-clock fields of an instant in a time zone. */
function wall(at: number, tz: string): { y: number; m: number; d: number; h: number; min: number; s: number } {
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(at))) if (p.type !== "literal") parts[p.type] = Number(p.value);
  return { y: parts.year as number, m: parts.month as number, d: parts.day as number, h: (parts.hour as number) % 24, min: parts.minute as number, s: parts.second as number };
}

/** Offset of the zone from UTC at an instant, in ms (CET: +3,600,000). */
function offsetAt(at: number, tz: string): number {
  const w = wall(at, tz);
  const asUtc = Date.UTC(w.y, w.m - 1, w.d, w.h, w.min, w.s);
  return asUtc - Math.floor(at / 1000) * 1000;
}

/** The instant at which the wall clock in tz shows the given local date and time. */
export function zonedInstant(date: LocalDate, hh: number, mm: number, tz: string): Date {
  const guess = Date.UTC(date.y, date.m - 1, date.d, hh, mm);
  let at = guess - offsetAt(guess, tz);
  const second = guess - offsetAt(at, tz);
  if (second !== at) at = second;
  return new Date(at);
}

export function localDate(at: Date, tz: string): LocalDate {
  const w = wall(at.getTime(), tz);
  return { y: w.y, m: w.m, d: w.d };
}

function nextDay(x: LocalDate): LocalDate {
  const t = new Date(Date.UTC(x.y, x.m - 1, x.d + 1));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

export function isoDate(x: LocalDate): string {
  return `${String(x.y).padStart(4, "0")}-${String(x.m).padStart(2, "0")}-${String(x.d).padStart(2, "0")}`;
}

export function isWorkingDay(x: LocalDate, cal: Pick<WorkingCalendar, "weekend" | "holidays">): boolean {
  const weekday = new Date(Date.UTC(x.y, x.m - 1, x.d)).getUTCDay();
  return !cal.weekend.includes(weekday) && !cal.holidays.includes(isoDate(x));
}

/**
 * When a trusted-list addition proposed at `proposedAt` takes effect: `activationTime` local time
 * on the n-th working day after the proposal's local date. With n = 0 it takes effect at once.
 * Example (EU, n = 4, 12:00 Europe/Brussels): proposed Monday -> Friday 12:00; proposed Friday ->
 * Thursday 12:00; proposed Saturday -> Thursday 12:00.
 */
export function trustedActivationAt(proposedAt: Date, cal: WorkingCalendar): Date {
  if (cal.activationWorkingDays === 0) return proposedAt;
  if (cal.weekend.length >= 7) throw new Error("a calendar needs at least one working weekday");
  let day = localDate(proposedAt, cal.timeZone);
  let counted = 0;
  // Bounded: at most activationWorkingDays working days, each within 7 days plus the holidays.
  for (let i = 0; counted < cal.activationWorkingDays; i++) {
    if (i > 7 * cal.activationWorkingDays + cal.holidays.length + 7) throw new Error("working-day calendar has no working days");
    day = nextDay(day);
    if (isWorkingDay(day, cal)) counted++;
  }
  const [hh, mm] = cal.activationTime.split(":").map(Number) as [number, number];
  return zonedInstant(day, hh, mm, cal.timeZone);
}

/** A daily window of local time, "HH:MM" to "HH:MM" (end exclusive), on working days. */
export interface TimeWindow {
  readonly from: string;
  readonly to: string;
}

function hm(s: string): [number, number] {
  return s.split(":").map(Number) as [number, number];
}

/** True when `at` lies inside the window on a working day of the calendar. */
export function inWindow(at: Date, w: TimeWindow, cal: Pick<WorkingCalendar, "timeZone" | "weekend" | "holidays">): boolean {
  const day = localDate(at, cal.timeZone);
  if (!isWorkingDay(day, cal)) return false;
  const start = zonedInstant(day, ...hm(w.from), cal.timeZone).getTime();
  const end = zonedInstant(day, ...hm(w.to), cal.timeZone).getTime();
  return at.getTime() >= start && at.getTime() < end;
}

/** The earliest instant at or after `at` inside the window (EU: transfers complete 12:00-18:00 on working days). */
export function nextInWindow(at: Date, w: TimeWindow, cal: Pick<WorkingCalendar, "timeZone" | "weekend" | "holidays">): Date {
  if (inWindow(at, w, cal)) return at;
  let day = localDate(at, cal.timeZone);
  for (let i = 0; i < 366 + cal.holidays.length; i++) {
    if (isWorkingDay(day, cal)) {
      const start = zonedInstant(day, ...hm(w.from), cal.timeZone);
      if (start.getTime() >= at.getTime()) return start;
    }
    day = nextDay(day);
  }
  throw new Error("working-day calendar has no working days");
}
