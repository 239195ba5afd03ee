// Small checks of international command fields: Party codes, calendar dates, quantities and ids.
// Each returns a refusal naming the field, or undefined when the value is good. Dates are civil
// dates (YYYY-MM-DD, no time zone): registries record the day an action took effect, and
// comparing such strings is comparing days.
import { type IntlCheckKey, intlRefusal, type Refusal, shown } from "./codes.ts";

export const MAX_UNITS = 10n ** 15n;
/** Ids chosen by callers. No "/": the ids of records a command makes for it are `id/...`, so they never collide with a caller's. */
export const RECORD_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
export const ALPHA2 = /^[A-Z]{2}$/;
export const ALPHA3 = /^[A-Z]{3}$/;

function bad(key: IntlCheckKey, field: string, reason: string, value?: unknown): Refusal {
  return intlRefusal(key, `${field}: ${reason}`, value === undefined ? { field, reason } : { field, reason, value: shown(value) });
}

export function checkRecordId(value: unknown, field: string): Refusal | undefined {
  if (typeof value !== "string" || !RECORD_ID.test(value)) return bad("FIELD_INVALID", field, `must be an id of 1-64 letters, digits and . _ : - (got ${shown(value)})`, value);
  return undefined;
}

export function checkText(value: unknown, field: string, max = 200): Refusal | undefined {
  if (typeof value !== "string" || value.trim() === "" || value.length > max) return bad("FIELD_INVALID", field, `must be a non-empty text of at most ${max} characters`, value);
  return undefined;
}

export function checkParty(value: unknown, field: string, form: "alpha-2" | "alpha-3"): Refusal | undefined {
  const re = form === "alpha-2" ? ALPHA2 : ALPHA3;
  if (typeof value !== "string" || !re.test(value)) return bad("PARTY_INVALID", field, `must be an ISO 3166 ${form} code in capitals (got ${shown(value)})`, value);
  return undefined;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days in a month of the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

export function isCivilDate(value: unknown): value is string {
  if (typeof value !== "string") return false;
  const m = DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return y >= 1990 && y <= 2200 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

export function checkDate(value: unknown, field: string): Refusal | undefined {
  if (!isCivilDate(value)) return bad("DATE_INVALID", field, `must be a calendar date YYYY-MM-DD between 1990 and 2200 (got ${shown(value)})`, value);
  return undefined;
}

export function yearOf(date: string): number {
  return Number(date.slice(0, 4));
}

/** The date `years` years after `date` (29 February moves to 28 February in a common year). */
export function addYears(date: string, years: number): string {
  const y = yearOf(date) + years;
  const mo = Number(date.slice(5, 7));
  const d = Math.min(Number(date.slice(8, 10)), daysInMonth(y, mo));
  return `${String(y).padStart(4, "0")}-${date.slice(5, 7)}-${String(d).padStart(2, "0")}`;
}

/** The date `days` days after `date` (days >= 0). */
export function addDays(date: string, days: number): string {
  let y = yearOf(date);
  let mo = Number(date.slice(5, 7));
  let d = Number(date.slice(8, 10)) + days;
  while (d > daysInMonth(y, mo)) {
    d -= daysInMonth(y, mo);
    mo += 1;
    if (mo > 12) {
      mo = 1;
      y += 1;
    }
  }
  return `${y}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** The day before `date`. */
export function previousDay(date: string): string {
  let y = yearOf(date);
  let mo = Number(date.slice(5, 7));
  let d = Number(date.slice(8, 10)) - 1;
  if (d === 0) {
    mo -= 1;
    if (mo === 0) {
      mo = 12;
      y -= 1;
    }
    d = daysInMonth(y, mo);
  }
  return `${y}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

export function checkYear(value: unknown, field: string): Refusal | undefined {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1990 || value > 2200) return bad("FIELD_INVALID", field, `must be a year between 1990 and 2200 (got ${shown(value)})`, value);
  return undefined;
}

/** A positive whole number of units, as a bigint, a decimal string or a safe integer. */
export function parseUnits(value: unknown, field: string): { ok: true; value: bigint } | Refusal {
  let q: bigint | undefined;
  if (typeof value === "bigint") q = value;
  else if (typeof value === "number" && Number.isSafeInteger(value)) q = BigInt(value);
  else if (typeof value === "string" && /^\d{1,16}$/.test(value)) q = BigInt(value);
  if (q === undefined || q <= 0n || q > MAX_UNITS) return bad("QUANTITY_INVALID", field, `must be a whole number of units from 1 to ${MAX_UNITS} (got ${shown(value)})`, value);
  return { ok: true, value: q };
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
