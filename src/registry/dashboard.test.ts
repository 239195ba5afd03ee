// Goal: the dashboard's fold is exact and puts units where they are: issuance creates them,
// allocation and auction delivery move them to participants, a reversal or a return subtracts
// from what was allocated, surrenders end in the surrendered stock; months without activity are
// filled; Japan's fiscal year puts March in the previous year; the unit type filters the series.
import { describe, expect, it } from "vitest";
import { loadRulebook } from "../io/rulebook.ts";
import { type FlowRow, foldDashboard, monthOf, monthRange, schemeYear } from "./dashboard.ts";

const row = (month: string, kind: string, fromType: string | null, toType: string, quantity: bigint, unitType = "allowance"): FlowRow => ({ month, kind, unitType, fromType, toType, quantity });

describe("dashboard fold", () => {
  const rows: FlowRow[] = [
    row("2026-02", "issuance", null, "national_issuance", 1_000n),
    row("2026-02", "internal_transfer", "national_issuance", "allocation", 600n),
    row("2026-02", "internal_transfer", "national_issuance", "auction", 300n),
    row("2026-04", "allocation", "allocation", "operator_holding", 500n),
    row("2026-04", "auction_delivery", "auction", "trading", 200n),
    row("2026-05", "reverse_allocation", "operator_holding", "allocation", 50n),
    row("2026-05", "reserve_intake", "auction", "market_stability_reserve", 40n),
    row("2026-06", "surrender", "operator_holding", "surrender", 300n),
    row("2026-06", "retirement", "trading", "retirement", 10n),
    row("2026-06", "reversal", "trading", "auction", 20n),
    row("2026-04", "issuance", null, "party_holding", 77n, "J-Credit"),
  ];
  const d = foldDashboard(rows, { asOf: "2026-08-10T00:00:00.000Z", currentMonth: "2026-08", unitType: "allowance", rulebook: loadRulebook("japan-gx-ets") });

  it("totals: issued, net allocated and auctioned, surrendered, retired", () => {
    expect(d.totals).toMatchObject({ issued: 1_000n, allocated: 450n, auctioned: 180n, surrendered: 300n, retired: 10n, cancelled: 0n });
  });

  it("stocks partition what was issued (conservation)", () => {
    const s = d.totals.stocks;
    // national 1000-600-300, allocation 600-500+50, auction 300-200-40+20; operator 500-50-300, trading 200-10-20
    expect(s).toEqual({ undistributed: 100n + 150n + 80n, reserves: 40n, banked: 150n + 170n, surrendered: 300n, retired: 10n, cancelled: 0n });
    expect(Object.values(s).reduce((a, b) => a + b, 0n)).toBe(d.totals.issued);
  });

  it("fills every month up to now, and the last month's stocks are the totals'", () => {
    expect(d.months.map((m) => m.month)).toEqual(["2026-02", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07", "2026-08"]);
    expect(d.months[1]?.flows.issued).toBe(0n);
    expect(d.months.at(-1)?.stocks).toEqual(d.totals.stocks);
  });

  it("groups months into fiscal years (April start): February and March belong to FY2025", () => {
    expect(d.years.map((y) => y.year)).toEqual([2025, 2026]);
    expect(d.years[0]?.flows.issued).toBe(1_000n);
    expect(d.years[1]?.flows.allocated).toBe(450n);
    // The preset's reference prices (JPY 1,700 and 4,300 in FY2026), a bottom-up cap.
    expect(d.years[1]).toMatchObject({ priceFloor: 1700, priceCeiling: 4300, cap: null });
    expect(d.cap).toEqual({ year: 2026, value: null, basis: "bottom-up" });
    expect(d.price).toMatchObject({ value: null, currency: "JPY", floor: 1700, ceiling: 4300 });
  });

  it("lists every unit type with its own stocks; the series is for one unit type", () => {
    expect(d.byUnitType.map((u) => [u.unitType, u.issued])).toEqual([["J-Credit", 77n], ["allowance", 1_000n]]);
    const credits = foldDashboard(rows, { asOf: "x", currentMonth: "2026-08", unitType: "J-Credit", rulebook: undefined });
    expect(credits.totals.issued).toBe(77n);
    expect(credits.cap).toEqual({ year: 2026, value: null, basis: "none" });
  });

  it("a rulebook with a cap shows it per year", () => {
    const eu = foldDashboard([row("2013-03", "issuance", null, "national_issuance", 5n)], { asOf: "x", currentMonth: "2013-05", unitType: "allowance", rulebook: loadRulebook("eu-ets-phase3") });
    expect(eu.cap.basis).toBe("rulebook");
    expect(eu.cap.value).toBeGreaterThan(2_000_000_000n);
    expect(eu.years[0]?.cap).toBe(eu.cap.value);
  });

  it("an empty registry still has the current month", () => {
    const e = foldDashboard([], { asOf: "x", currentMonth: "2026-05", unitType: "allowance", rulebook: undefined });
    expect(e.months.map((m) => m.month)).toEqual(["2026-05"]);
    expect(e.totals.issued).toBe(0n);
  });
});

describe("calendar helpers", () => {
  it("month ranges cross years", () => expect(monthRange("2025-11", "2026-02")).toEqual(["2025-11", "2025-12", "2026-01", "2026-02"]));
  it("scheme years", () => {
    expect(schemeYear("2026-03", 4)).toBe(2025);
    expect(schemeYear("2026-04", 4)).toBe(2026);
    expect(schemeYear("2026-01", 1)).toBe(2026);
  });
  it("the month of a moment depends on the zone", () => {
    expect(monthOf(new Date("2026-03-31T20:00:00Z"), "Asia/Tokyo")).toBe("2026-04");
    expect(monthOf(new Date("2026-03-31T20:00:00Z"), "Europe/Brussels")).toBe("2026-03");
  });
});
