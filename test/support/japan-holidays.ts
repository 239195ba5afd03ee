// Japan's public holidays computed from the rules of the Act on National Holidays (国民の祝日に関する
// 法律, Act No. 178 of 1948, as in force since 2020), as an oracle for the japan-gx-ets preset's
// calendar: the fixed days, the "Happy Monday" days, the equinox days, the substitute holiday (a
// national holiday on a Sunday moves to the next day that is not one, Art. 3(2)) and the citizens'
// holiday (a day between two national holidays, Art. 3(3)). The equinox days are set each February
// for the next year by Cabinet decision from the National Astronomical Observatory's ephemeris;
// the formula below is the usual one for 1980-2099 and gives the Observatory's predicted dates
// (it matches the Cabinet Office's list for 2024-2027). Valid from 2022 (2020-2021 moved days for
// the Olympic Games) to 2099.

const iso = (y: number, m: number, d: number) => `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
const weekday = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d)).getUTCDay();

/** The n-th Monday of a month. */
function nthMonday(y: number, m: number, n: number): number {
  const first = weekday(y, m, 1);
  return 1 + ((8 - first) % 7) + 7 * (n - 1);
}

export function vernalEquinoxDay(y: number): number {
  return Math.floor(20.8431 + 0.242194 * (y - 1980) - Math.floor((y - 1980) / 4));
}

export function autumnalEquinoxDay(y: number): number {
  return Math.floor(23.2488 + 0.242194 * (y - 1980) - Math.floor((y - 1980) / 4));
}

/** The national holidays of a year and the days that are holidays because of them: date -> English name. */
export function japaneseHolidays(y: number): Map<string, string> {
  if (y < 2022 || y > 2099) throw new Error(`the rules here hold for 2022-2099, not ${y}`);
  const named: Array<[number, number, string]> = [
    [1, 1, "New Year's Day"],
    [1, nthMonday(y, 1, 2), "Coming of Age Day"],
    [2, 11, "National Foundation Day"],
    [2, 23, "The Emperor's Birthday"],
    [3, vernalEquinoxDay(y), "Vernal Equinox Day"],
    [4, 29, "Showa Day"],
    [5, 3, "Constitution Memorial Day"],
    [5, 4, "Greenery Day"],
    [5, 5, "Children's Day"],
    [7, nthMonday(y, 7, 3), "Marine Day"],
    [8, 11, "Mountain Day"],
    [9, nthMonday(y, 9, 3), "Respect for the Aged Day"],
    [9, autumnalEquinoxDay(y), "Autumnal Equinox Day"],
    [10, nthMonday(y, 10, 2), "Sports Day"],
    [11, 3, "Culture Day"],
    [11, 23, "Labour Thanksgiving Day"],
  ];
  const national = new Map(named.map(([m, d, name]) => [iso(y, m, d), name]));
  const out = new Map(national);
  // Art. 3(3): a day whose day before and day after are national holidays (and is not one itself).
  for (let t = Date.UTC(y, 0, 2); t < Date.UTC(y, 11, 31); t += 86_400_000) {
    const d = new Date(t).toISOString().slice(0, 10);
    const before = new Date(t - 86_400_000).toISOString().slice(0, 10);
    const after = new Date(t + 86_400_000).toISOString().slice(0, 10);
    if (!national.has(d) && national.has(before) && national.has(after)) out.set(d, "Citizens' holiday");
  }
  // Art. 3(2): a national holiday on a Sunday: the nearest later day that is not a national holiday.
  for (const d of national.keys()) {
    const [yy, mm, dd] = d.split("-").map(Number) as [number, number, number];
    if (weekday(yy, mm, dd) !== 0) continue;
    let t = Date.UTC(yy, mm - 1, dd) + 86_400_000;
    while (national.has(new Date(t).toISOString().slice(0, 10))) t += 86_400_000;
    out.set(new Date(t).toISOString().slice(0, 10), "Substitute holiday");
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * The year-end and New Year days on which national administrative organs are closed besides
 * weekends and holidays: 29 December to 3 January (Act on Holidays of Administrative Organs, Act
 * No. 91 of 1988, Art. 1(1)(iii)); 1 January is a national holiday already.
 */
export function administrativeClosures(y: number): string[] {
  return [iso(y, 1, 2), iso(y, 1, 3), iso(y, 12, 29), iso(y, 12, 30), iso(y, 12, 31)];
}
