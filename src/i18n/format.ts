// Numbers, amounts, money, dates and years formatted for a language, with Intl and explicit
// options (time zone, digits) at every call. Amounts of units arrive from the API as decimal
// strings and are formatted as bigint, so 10^15 units keep every digit. Pure: no DOM, no clock.
import type { Lang } from "./index.ts";

/** The locale each language formats with. */
export const LOCALES: Readonly<Record<Lang, string>> = { ja: "ja-JP", en: "en-US" };

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let f = cache.get(key);
  if (!f) {
    f = make();
    if (cache.size > 200) cache.clear();
    cache.set(key, f);
  }
  return f as T;
}

const DIGITS = /^-?[0-9]{1,30}$/;

/** A whole number of units (decimal string, bigint or safe integer) with the locale's grouping. */
export function formatQuantity(lang: Lang, v: string | bigint | number): string {
  const n = typeof v === "string" ? (DIGITS.test(v) ? BigInt(v) : undefined) : v;
  if (n === undefined) return v as string;
  return cached(`q:${lang}`, () => new Intl.NumberFormat(LOCALES[lang], { maximumFractionDigits: 0 })).format(n);
}

/** A model figure (a float of the simulator, a baseline): grouped, with at most `digits` decimals. */
export function formatNumber(lang: Lang, v: number, digits = 2): string {
  if (!Number.isFinite(v)) return v > 0 ? "∞" : v < 0 ? "-∞" : "-";
  return cached(`n:${lang}:${digits}`, () => new Intl.NumberFormat(LOCALES[lang], { maximumFractionDigits: digits })).format(v);
}

/** A share (0.25) as a percentage ("25%"), with at most `digits` decimals. */
export function formatPercent(lang: Lang, v: number, digits = 1): string {
  if (!Number.isFinite(v)) return "-";
  return cached(`p:${lang}:${digits}`, () => new Intl.NumberFormat(LOCALES[lang], { style: "percent", maximumFractionDigits: digits })).format(v);
}

/** Money in major units of an ISO 4217 currency (the simulator's prices), with the currency's own decimals. */
export function formatMoney(lang: Lang, v: number, currency: string): string {
  if (!Number.isFinite(v)) return "-";
  const c = /^[A-Z]{3}$/.test(currency) ? currency : "XXX";
  return cached(`m:${lang}:${c}`, () => new Intl.NumberFormat(LOCALES[lang], { style: "currency", currency: c })).format(v);
}

/** A moment in time (ISO 8601) as date and time in the scheme's time zone, with the zone's short name. */
export function formatDateTime(lang: Lang, iso: string, timeZone: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  // dateStyle cannot be combined with timeZoneName, so the parts are named one by one.
  return cached(
    `dt:${lang}:${timeZone}`,
    () => new Intl.DateTimeFormat(LOCALES[lang], { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone, timeZoneName: "short" }),
  ).format(d);
}

/** The calendar date of a moment in the scheme's time zone. */
export function formatDate(lang: Lang, iso: string, timeZone: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return cached(`d:${lang}:${timeZone}`, () => new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: "medium", timeZone })).format(d);
}

/** A month "YYYY-MM" as the language writes it ("Apr 2026", "2026年4月"). */
export function formatMonth(lang: Lang, yearMonth: string): string {
  const m = /^([0-9]{4})-([0-9]{2})$/.exec(yearMonth);
  if (!m) return yearMonth;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 15));
  return cached(`ym:${lang}`, () => new Intl.DateTimeFormat(LOCALES[lang], { year: "numeric", month: "short", timeZone: "UTC" })).format(d);
}

/**
 * A scheme year: Japan's fiscal year starting in April is written "2026年度" in Japanese and
 * "FY2026" in English; a calendar year is just the number.
 */
export function formatYear(lang: Lang, year: number, fiscal: boolean): string {
  if (!fiscal) return String(year);
  return lang === "ja" ? `${year}年度` : `FY${year}`;
}

/** The scheme year a month belongs to: with a fiscal year starting in `startMonth`, earlier months belong to the previous year. */
export function schemeYearOf(yearMonth: string, startMonth: number): number {
  const m = /^([0-9]{4})-([0-9]{2})$/.exec(yearMonth);
  if (!m) throw new RangeError(`not a month YYYY-MM: ${yearMonth}`);
  const y = Number(m[1]);
  return Number(m[2]) >= startMonth ? y : y - 1;
}
