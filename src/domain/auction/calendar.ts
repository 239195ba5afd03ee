// The auction calendar of a year: the year's volume (published in the rulebook, or given) split
// evenly over its auctions in whole lots (largest remainder, earlier auctions take the extra lots;
// allowances short of a lot go to the first auction), each auction dated to a month, with monthly
// changes such as the market stability reserve's intake and release applied to the auctions of
// their month. Also the spreading of a cancelled or unsold volume over following auctions with the
// UK's cap of 125% of an auction's planned volume.
import { div, largestRemainder, mulDiv } from "../quantity/index.ts";
import type { Rulebook } from "../rulebook/index.ts";

const PER_YEAR = { yearly: 1, quarterly: 4, monthly: 12, weekly: 52, daily: 250 } as const;

export interface CalendarAuction {
  /** 1-based number of the auction in the year. */
  number: number;
  /** YYYY-MM */
  month: string;
  planned: bigint;
  /** Net change from monthly adjustments (negative: intake into the reserve). */
  adjustment: bigint;
  volume: bigint;
}

export type CalendarResult =
  | { ok: true; year: number; volume: bigint; auctions: CalendarAuction[] }
  | { ok: false; code: "calendar-no-volume"; facts: { year: number } }
  | { ok: false; code: "calendar-no-auctions"; facts: { scheme: string } }
  | { ok: false; code: "calendar-negative-volume"; facts: { month: string; volume: bigint; adjustment: bigint } };

export function auctionsPerYear(rb: Rulebook): number | undefined {
  const a = rb.auctions;
  if (!a) return undefined;
  return a.calendar?.auctionsPerYear ?? (a.frequency ? PER_YEAR[a.frequency] : undefined);
}

function monthOf(i: number, n: number): number {
  return n <= 12 ? Math.ceil(((i + 1) * 12) / n) : Math.floor((i * 12) / n) + 1;
}

/** Splits a volume over n auctions in whole lots; allowances short of a lot go to the first. */
export function splitVolume(volume: bigint, n: number, lot: bigint): bigint[] {
  if (n <= 0) throw new RangeError("at least one auction");
  const lots = div(volume, lot, "floor");
  const parts = largestRemainder(lots, Array.from({ length: n }, () => 1n)).map((x) => x * lot);
  parts[0] = (parts[0] as bigint) + (volume - lots * lot);
  return parts;
}

/**
 * The calendar of a year. `adjustments` maps a month (YYYY-MM) to a change of volume (e.g. minus
 * the reserve's intake, plus its release) that the auctions of that month share evenly.
 */
export function auctionCalendar(rb: Rulebook, year: number, o: { volume?: bigint | undefined; adjustments?: ReadonlyMap<string, bigint> | undefined } = {}): CalendarResult {
  const n = auctionsPerYear(rb);
  if (n === undefined) return { ok: false, code: "calendar-no-auctions", facts: { scheme: rb.scheme.id } };
  const volume = o.volume ?? rb.auctions?.calendar?.volumes.find((v) => v.year === year)?.amount;
  if (volume === undefined) return { ok: false, code: "calendar-no-volume", facts: { year } };
  const planned = splitVolume(volume, n, BigInt(rb.auctions?.lotSize ?? 1));
  const auctions: CalendarAuction[] = planned.map((p, i) => ({ number: i + 1, month: `${year}-${String(monthOf(i, n)).padStart(2, "0")}`, planned: p, adjustment: 0n, volume: p }));
  for (const [month, delta] of o.adjustments ?? []) {
    const inMonth = auctions.filter((a) => a.month === month);
    if (inMonth.length === 0 || delta === 0n) continue;
    const neg = delta < 0n;
    const parts = largestRemainder(neg ? -delta : delta, inMonth.map(() => 1n));
    inMonth.forEach((a, k) => {
      const d = parts[k] as bigint;
      a.adjustment += neg ? -d : d;
      a.volume = a.planned + a.adjustment;
    });
  }
  const bad = auctions.find((a) => a.volume < 0n);
  if (bad) return { ok: false, code: "calendar-negative-volume", facts: { month: bad.month, volume: bad.planned, adjustment: bad.adjustment } };
  return { ok: true, year, volume, auctions };
}

/**
 * A volume added to the following auctions: evenly, in whole allowances (the first take the extra
 * units); with `maxIncreaseShare`, no auction grows past planned x (1 + share) (floor) and the
 * excess moves to the others in order; what none can take is returned as `leftover`.
 */
export function spreadCarryOver(quantity: bigint, planned: readonly bigint[], maxIncreaseShare?: { n: bigint; d: bigint }): { additions: bigint[]; leftover: bigint } {
  if (planned.length === 0) return { additions: [], leftover: quantity };
  const additions = largestRemainder(quantity, planned.map(() => 1n));
  if (!maxIncreaseShare) return { additions, leftover: 0n };
  const room = planned.map((p) => mulDiv(p, maxIncreaseShare.n, maxIncreaseShare.d, "floor"));
  let excess = 0n;
  additions.forEach((a, i) => {
    const r = room[i] as bigint;
    if (a > r) {
      excess += a - r;
      additions[i] = r;
    }
  });
  for (let i = 0; i < additions.length && excess > 0n; i++) {
    const free = (room[i] as bigint) - (additions[i] as bigint);
    const take = free < excess ? free : excess;
    additions[i] = (additions[i] as bigint) + take;
    excess -= take;
  }
  return { additions, leftover: excess };
}
