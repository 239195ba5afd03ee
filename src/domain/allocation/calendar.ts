// Day counting for pro-rata rules (pure: dates are ISO strings, no clock).
export function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInYear(year: number): number {
  return isLeap(year) ? 366 : 365;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

/** 1-based day of the year of an ISO date (YYYY-MM-DD); throws on a malformed or impossible date. */
export function dayOfYear(date: string): { year: number; day: number } {
  const m = ISO.exec(date);
  if (!m) throw new RangeError(`not an ISO date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const dom = Number(m[3]);
  const t = Date.UTC(year, month - 1, dom);
  const back = new Date(t);
  if (back.getUTCMonth() !== month - 1 || back.getUTCDate() !== dom) throw new RangeError(`no such date: ${date}`);
  return { year, day: Math.round((t - Date.UTC(year, 0, 1)) / 86_400_000) + 1 };
}

/** Days from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): number {
  const a = dayOfYear(from);
  const b = dayOfYear(to);
  const ta = Date.UTC(a.year, 0, a.day);
  const tb = Date.UTC(b.year, 0, b.day);
  return Math.round((tb - ta) / 86_400_000) + 1;
}
