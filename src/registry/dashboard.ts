// The scheme dashboard's figures, read from the ledger: what has been issued, allocated,
// auctioned, surrendered, retired and cancelled, and where the units are now (held by
// participants, in reserves, not yet distributed), per month and per scheme year, with the
// rulebook's cap and reference prices beside them. One aggregate query over completed
// transactions' legs grouped by month, kind and the types of the two accounts (a few hundred rows
// at most), then an exact bigint fold here; stocks are cumulative net flows by account group.
// Months are taken in the registry calendar's time zone.
import type { Rulebook } from "../domain/rulebook/index.ts";
import { capFor, priceCeilingFor, priceFloorFor } from "../domain/rulebook/index.ts";
import type { Sql } from "../store/db.ts";

/** Where units are: each account type belongs to one group. */
export const ACCOUNT_GROUPS = {
  /** Government accounts whose units are not yet handed out. */
  undistributed: ["national_issuance", "party_holding", "allocation", "auction", "share_of_proceeds"],
  reserves: ["new_entrants_reserve", "market_stability_reserve", "cost_containment_reserve"],
  /** Participants' accounts: units in circulation, banked for later surrender or trade. */
  banked: ["operator_holding", "aircraft_operator_holding", "maritime_operator_holding", "trading", "person_holding", "pending"],
  surrendered: ["surrender"],
  retired: ["retirement"],
  cancelled: ["voluntary_cancellation", "mandatory_cancellation"],
} as const;
export type Group = keyof typeof ACCOUNT_GROUPS;
const GROUPS = Object.keys(ACCOUNT_GROUPS) as Group[];

const OPERATOR = new Set(["operator_holding", "aircraft_operator_holding", "maritime_operator_holding"]);
const ALLOCATION_SOURCE = new Set(["allocation", "national_issuance", "new_entrants_reserve"]);
const HOLDING: ReadonlySet<string> = new Set(ACCOUNT_GROUPS.banked);

/** One aggregate row: units of a unit type moved in a month by a kind between two account types (null source: issuance). */
export interface FlowRow {
  month: string;
  kind: string;
  unitType: string;
  fromType: string | null;
  toType: string;
  quantity: bigint;
}

export interface Flows {
  issued: bigint;
  allocated: bigint;
  auctioned: bigint;
  surrendered: bigint;
  retired: bigint;
  cancelled: bigint;
}
export type Stocks = Record<Group, bigint>;

export interface MonthFigures {
  month: string;
  flows: Flows;
  /** At the end of the month. */
  stocks: Stocks;
}

export interface YearFigures {
  year: number;
  cap: bigint | null;
  flows: Flows;
  stocks: Stocks;
  priceFloor: number | null;
  priceCeiling: number | null;
}

export interface Dashboard {
  asOf: string;
  unitType: string;
  totals: Flows & { stocks: Stocks };
  months: MonthFigures[];
  years: YearFigures[];
  byUnitType: Array<{ unitType: string; issued: bigint; stocks: Stocks }>;
  cap: { year: number; value: bigint | null; basis: "rulebook" | "bottom-up" | "none" };
  price: { value: number | null; source: "none"; floor: number | null; ceiling: number | null; currency: string | null };
}

const MAX_MONTHS = 600;

const zeroFlows = (): Flows => ({ issued: 0n, allocated: 0n, auctioned: 0n, surrendered: 0n, retired: 0n, cancelled: 0n });
const zeroStocks = (): Stocks => ({ undistributed: 0n, reserves: 0n, banked: 0n, surrendered: 0n, retired: 0n, cancelled: 0n });

export function groupOf(accountType: string): Group | undefined {
  return GROUPS.find((g) => (ACCOUNT_GROUPS[g] as readonly string[]).includes(accountType));
}

/** The flows a row adds (signed: a reverse allocation or a reversal subtracts). */
export function addFlow(f: Flows, r: FlowRow): void {
  const q = r.quantity;
  if (r.fromType === null) f.issued += q;
  const from = r.fromType ?? "";
  if (ALLOCATION_SOURCE.has(from) && OPERATOR.has(r.toType)) f.allocated += q;
  if (OPERATOR.has(from) && ALLOCATION_SOURCE.has(r.toType)) f.allocated -= q;
  if (from === "auction" && HOLDING.has(r.toType)) f.auctioned += q;
  if (HOLDING.has(from) && r.toType === "auction") f.auctioned -= q;
  const to = groupOf(r.toType);
  const src = r.fromType === null ? undefined : groupOf(r.fromType);
  for (const g of ["surrendered", "retired", "cancelled"] as const) {
    if (to === g) f[g] += q;
    if (src === g) f[g] -= q;
  }
}

/** Moves a row's units between the stocks of its two groups (issuance creates them). */
export function addStock(s: Stocks, r: FlowRow): void {
  const to = groupOf(r.toType);
  if (to) s[to] += r.quantity;
  if (r.fromType !== null) {
    const from = groupOf(r.fromType);
    if (from) s[from] -= r.quantity;
  }
}

function addInto(a: Flows, b: Flows): void {
  for (const k of Object.keys(a) as (keyof Flows)[]) a[k] += b[k];
}

/** Every month from the first to the last (inclusive), "YYYY-MM". */
export function monthRange(first: string, last: string): string[] {
  const out: string[] = [];
  let [y, m] = first.split("-").map(Number) as [number, number];
  const [ly, lm] = last.split("-").map(Number) as [number, number];
  while ((y < ly || (y === ly && m <= lm)) && out.length < 10_000) {
    out.push(`${y}-${String(m).padStart(2, "0")}`);
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}

export function schemeYear(month: string, startMonth: number): number {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return m >= startMonth ? y : y - 1;
}

export interface FoldOptions {
  asOf: string;
  /** The month of `asOf` in the calendar's zone: the series runs to it. */
  currentMonth: string;
  unitType: string;
  rulebook: Rulebook | undefined;
}

/** The dashboard from the aggregate rows: pure, exact. */
export function foldDashboard(rows: readonly FlowRow[], o: FoldOptions): Dashboard {
  const mine = rows.filter((r) => r.unitType === o.unitType);
  const startMonth = o.rulebook?.yearBasis.kind === "fiscal" ? o.rulebook.yearBasis.startMonth : 1;
  const firstSeen = mine.reduce<string | undefined>((a, r) => (a === undefined || r.month < a ? r.month : a), undefined);
  const first = firstSeen !== undefined && firstSeen < o.currentMonth ? firstSeen : o.currentMonth;
  let months = monthRange(first, o.currentMonth);
  if (months.length > MAX_MONTHS) months = months.slice(months.length - MAX_MONTHS);
  const byMonth = new Map<string, FlowRow[]>();
  for (const r of mine) {
    const list = byMonth.get(r.month);
    if (list) list.push(r);
    else byMonth.set(r.month, [r]);
  }
  // Stocks before the first shown month (only when the series was cut).
  const stock = zeroStocks();
  const totals = zeroFlows();
  for (const r of mine) {
    addFlow(totals, r);
    if (r.month < (months[0] as string)) addStock(stock, r);
  }
  const monthFigures: MonthFigures[] = [];
  const years = new Map<number, YearFigures>();
  for (const month of months) {
    const flows = zeroFlows();
    for (const r of byMonth.get(month) ?? []) {
      addFlow(flows, r);
      addStock(stock, r);
    }
    monthFigures.push({ month, flows, stocks: { ...stock } });
    const y = schemeYear(month, startMonth);
    let yf = years.get(y);
    if (!yf) {
      yf = { year: y, cap: o.rulebook ? (capFor(o.rulebook, y) ?? null) : null, flows: zeroFlows(), stocks: zeroStocks(), priceFloor: reference(o.rulebook, y, "floor"), priceCeiling: reference(o.rulebook, y, "ceiling") };
      years.set(y, yf);
    }
    addInto(yf.flows, flows);
    yf.stocks = { ...stock };
  }
  const year = schemeYear(o.currentMonth, startMonth);
  const capValue = o.rulebook ? capFor(o.rulebook, year) : undefined;
  return {
    asOf: o.asOf,
    unitType: o.unitType,
    totals: { ...totals, stocks: { ...stock } },
    months: monthFigures,
    years: [...years.values()],
    byUnitType: byUnitType(rows),
    cap: { year, value: capValue ?? null, basis: capValue !== undefined ? "rulebook" : o.rulebook?.cap.kind === "bottom-up" ? "bottom-up" : "none" },
    price: { value: null, source: "none", floor: reference(o.rulebook, year, "floor"), ceiling: reference(o.rulebook, year, "ceiling"), currency: o.rulebook?.currency ?? null },
  };
}

function reference(rb: Rulebook | undefined, year: number, which: "floor" | "ceiling"): number | null {
  if (!rb) return null;
  return (which === "floor" ? priceFloorFor(rb, year) : priceCeilingFor(rb, year)) ?? null;
}

function byUnitType(rows: readonly FlowRow[]): Dashboard["byUnitType"] {
  const m = new Map<string, { unitType: string; issued: bigint; stocks: Stocks }>();
  for (const r of rows) {
    let e = m.get(r.unitType);
    if (!e) {
      e = { unitType: r.unitType, issued: 0n, stocks: zeroStocks() };
      m.set(r.unitType, e);
    }
    if (r.fromType === null) e.issued += r.quantity;
    addStock(e.stocks, r);
  }
  return [...m.values()].sort((a, b) => (a.unitType < b.unitType ? -1 : a.unitType > b.unitType ? 1 : 0));
}

/** The aggregate rows: completed transactions' legs by month (in `timeZone`), kind, unit type and account types. */
export async function readFlows(sql: Sql, timeZone: string): Promise<FlowRow[]> {
  const r = await sql.query<{ month: string; kind: string; unit_type: string; from_type: string | null; to_type: string; quantity: string }>(
    `SELECT to_char(e.at AT TIME ZONE $1, 'YYYY-MM') AS month, t.kind, c.unit_type, fa.type AS from_type, ta.type AS to_type, sum(l.quantity)::text AS quantity
       FROM transaction_events e
       JOIN transactions t ON t.id = e.tx_id
       JOIN transaction_legs l ON l.tx_id = t.id
       JOIN unit_classes c ON c.id = l.class_id
       LEFT JOIN accounts fa ON fa.id = l.from_account
       JOIN accounts ta ON ta.id = l.to_account
      WHERE e.status = 'completed'
      GROUP BY 1, 2, 3, 4, 5
      ORDER BY 1, 2, 3, 4, 5`,
    [timeZone],
  );
  return r.rows.map((x) => ({ month: x.month, kind: x.kind, unitType: x.unit_type, fromType: x.from_type, toType: x.to_type, quantity: BigInt(x.quantity) }));
}

/** "YYYY-MM" of a moment in a time zone. */
export function monthOf(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit" }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  return `${get("year")}-${get("month")}`;
}

export async function readDashboard(sql: Sql, o: { now: Date; timeZone: string; rulebook: Rulebook | undefined; unitType?: string }): Promise<Dashboard> {
  const rows = await readFlows(sql, o.timeZone);
  return foldDashboard(rows, { asOf: o.now.toISOString(), currentMonth: monthOf(o.now, o.timeZone), unitType: o.unitType ?? "allowance", rulebook: o.rulebook });
}
