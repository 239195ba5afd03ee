// The auction calendar in the registry: a year's entries written once from the rulebook
// (`auctionCalendar`: the year's volume split over its auctions in whole lots), with the market
// stability reserve's recorded monthly intakes and releases applied to the auctions of their
// month; and what an auction created for an entry takes over from earlier ones (the volume of a
// cancelled auction, or unsold volume where the rule carries it, spread over the following
// auctions of the calendar).
import { auctionCalendar, auctionsPerYear } from "../../domain/auction/index.ts";
import { auctionRefusal } from "../../domain/auction/checks.ts";
import type { Refusal } from "../../domain/ledger/checks.ts";
import type { Caller } from "../../domain/security/roles.ts";
import type { Sql } from "../../store/db.ts";
import type { Result } from "../ledger/index.ts";
import { type AuctionCtx, bad, checkKey, mayAdminister, ok, runCommand, scopeOf, whole } from "./context.ts";

export interface CalendarEntryView {
  year: number;
  number: number;
  month: string;
  planned: bigint;
  /** The reserve's intake (negative) and release of the month, shared by its auctions. */
  adjustment: bigint;
  volume: bigint;
  scheme: string;
  createdAt: string;
  /** The auction created for this entry, if any. */
  auctionId: string | null;
}

export interface CalendarInput {
  commandId: string;
  year: number;
  /** The year's volume; default the rulebook's published one. */
  volume?: string | number | undefined;
}

export function yearOf(v: unknown, field = "year"): number | Refusal {
  return Number.isInteger(v) && (v as number) >= 1990 && (v as number) <= 2200 ? (v as number) : bad(field, "must be a year from 1990 to 2200");
}

/** Net monthly changes to auction volumes from the reserve's recorded decisions, for the months of a year. */
export async function msrAdjustments(sql: Sql, year: number): Promise<Map<string, bigint>> {
  const r = await sql.query<{ schedule: Array<{ month: string; intake: string; release: string }> }>("SELECT decision->'schedule' AS schedule FROM msr_decisions ORDER BY tnac_year");
  const out = new Map<string, bigint>();
  for (const row of r.rows) {
    for (const m of row.schedule ?? []) {
      if (!m.month.startsWith(`${year}-`)) continue;
      out.set(m.month, (out.get(m.month) ?? 0n) - BigInt(m.intake) + BigInt(m.release));
    }
  }
  return out;
}

export async function calendarOf(sql: Sql, year: number): Promise<CalendarEntryView[]> {
  const r = await sql.query<{ year: number; number: number; month: string; planned: bigint; adjustment: bigint; volume: bigint; scheme: string; created_at: string; auction_id: string | null }>(
    `SELECT c.year, c.number, c.month, c.planned, c.adjustment, c.volume, c.scheme, c.created_at, a.id AS auction_id
     FROM auction_calendar c LEFT JOIN auctions a ON a.year = c.year AND a.number = c.number
     WHERE c.year = $1 ORDER BY c.number`,
    [year],
  );
  return r.rows.map((x) => ({ year: x.year, number: x.number, month: x.month, planned: x.planned, adjustment: x.adjustment, volume: x.volume, scheme: x.scheme, createdAt: x.created_at, auctionId: x.auction_id }));
}

/** Writes a year's calendar (national administrator), once. */
export async function writeCalendar(ctx: AuctionCtx, c: Caller, input: CalendarInput): Promise<Result<CalendarEntryView[]>> {
  const perm = mayAdminister(c, "writing the auction calendar");
  if (perm) return perm;
  if (typeof input !== "object" || input === null) return bad("(body)", "must be an object");
  const keyErr = checkKey(input.commandId);
  if (keyErr) return keyErr;
  const year = yearOf(input.year);
  if (typeof year !== "number") return year;
  const volume = input.volume === undefined ? undefined : whole(input.volume, "volume");
  if (volume !== undefined && typeof volume !== "bigint") return volume;
  const rb = await ctx.rulebook();
  if (!rb?.rulebook.auctions) return auctionRefusal("NO_RULES", "the registry records no rulebook with an auctions section (the server's OPENETS_RULEBOOK, or the scenario's rulebook)", {});
  const rulebook = rb.rulebook;
  const scheme = rulebook.scheme.id;
  return runCommand(
    ctx,
    { scope: scopeOf(c), key: input.commandId, kind: "calendar", request: { year, volume: volume ?? null }, actor: c.principal.userId },
    async (sql) => {
      const existing = await sql.query("SELECT 1 FROM auction_calendar WHERE year = $1 LIMIT 1", [year]);
      if (existing.rows.length > 0) return auctionRefusal("CALENDAR_EXISTS", `the calendar of ${year} is already written`, { year });
      const cal = auctionCalendar(rulebook, year, { volume, adjustments: await msrAdjustments(sql, year) });
      if (!cal.ok) {
        switch (cal.code) {
          case "calendar-no-volume":
            return auctionRefusal("CALENDAR_NO_VOLUME", `${scheme} publishes no auction volume for ${year}: give volume`, { year, field: "volume" });
          case "calendar-no-auctions":
            return auctionRefusal("CALENDAR_NO_AUCTIONS", `${scheme} sets no number of auctions a year`, { scheme });
          case "calendar-negative-volume":
            return auctionRefusal("CALENDAR_NEGATIVE_VOLUME", `the reserve's changes take the auctions of ${cal.facts.month} below zero`, { month: cal.facts.month });
        }
      }
      for (const a of cal.auctions) {
        await sql.query("INSERT INTO auction_calendar (year, number, month, planned, adjustment, volume, scheme, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", [
          year, a.number, a.month, a.planned, a.adjustment, a.volume, scheme, ctx.now(),
        ]);
      }
      return { ...ok(await calendarOf(sql, year)), target: String(year) };
    },
    async (target) => calendarOf(ctx.db, Number(target)),
  ).then((r) => ctx.registry.audit.outcome(c, "auction.calendar", String(input.year ?? ""), r, r.ok ? { entries: r.value.length, replayed: r.replayed } : {}));
}

/**
 * What an auction at (year, number) takes over from earlier results: entry k of a result's
 * `carryOver` goes to the (k + 1)-th auction after it in the calendar's order (years of
 * `perYear` auctions each).
 */
export async function carriedInto(sql: Sql, year: number, number: number, perYear: number): Promise<bigint> {
  const r = await sql.query<{ year: number; number: number; carry: string[] }>(
    `SELECT a.year, a.number, r.statement->'carryOver' AS carry FROM auction_results r JOIN auctions a ON a.id = r.auction_id
     WHERE jsonb_array_length(r.statement->'carryOver') > 0 AND (a.year < $1 OR (a.year = $1 AND a.number < $2))`,
    [year, number],
  );
  const target = year * perYear + number - 1;
  let total = 0n;
  for (const row of r.rows) {
    const at = row.year * perYear + row.number - 1;
    const k = target - at - 1;
    if (k >= 0 && k < row.carry.length) total += BigInt(row.carry[k] as string);
  }
  return total;
}

export { auctionsPerYear };
