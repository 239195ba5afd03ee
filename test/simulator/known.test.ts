// Goal: the simulator reproduces the analytic answers of issue 5 (two-firm least cost, hard
// ceiling, three-year Hotelling with r = 10%) and bad scenario files are named by field.
import { describe, expect, it } from "vitest";
import { parseScenario, parseScenarioText } from "../../src/simulator/scenario.ts";
import type { Scenario } from "../../src/simulator/scenario.ts";
import { simulate } from "../../src/simulator/simulate.ts";

function scenario(v: Record<string, unknown>): Scenario {
  const r = parseScenario(v);
  if (!r.ok) throw new Error(`${r.path}: ${r.message}`);
  return r.scenario;
}

const twoFirms = (extra: Record<string, unknown> = {}, free: [number, number] = [0, 0]) =>
  scenario({
    years: [2030],
    cap: 140,
    facilities: [
      { id: "a", bau: 100, mac: { linear: { slope: 1 } }, freeAllocation: free[0] },
      { id: "b", bau: 100, mac: { linear: { slope: 3 } }, freeAllocation: free[1] },
    ],
    ...extra,
  });

describe("known answers (issue 5)", () => {
  it("two firms with MAC a and 3a, cap 140: price 45, abatement 45 and 15, cost 1,350 (equal cuts 1,800)", () => {
    const r = simulate(twoFirms());
    const y = r.years[0]!;
    expect(y.price).toBeCloseTo(45, 9);
    expect(r.facilities[0]!.abatement).toBeCloseTo(45, 9);
    expect(r.facilities[1]!.abatement).toBeCloseTo(15, 9);
    expect(y.abatementCost).toBeCloseTo(1350, 6);
    // equal cuts of 30 each: 30^2/2 + 3 * 30^2/2
    expect((1 * 30 * 30) / 2 + (3 * 30 * 30) / 2).toBe(1800);
    expect(y.emissions).toBeCloseTo(140, 9);
  });

  it("the same abatement and price for any free allocation; only payments change", () => {
    for (const free of [[0, 0], [70, 70], [140, 0], [10, 100]] as [number, number][]) {
      const r = simulate(twoFirms({}, free));
      expect(r.years[0]!.price).toBeCloseTo(45, 9);
      expect(r.facilities[0]!.abatement).toBeCloseTo(45, 9);
      expect(r.facilities[1]!.abatement).toBeCloseTo(15, 9);
      expect(r.facilities[0]!.netPurchases).toBeCloseTo(55 - free[0], 9);
      expect(r.facilities[0]!.windfall).toBeCloseTo(45 * free[0], 6);
    }
  });

  it("cap 100 with a hard ceiling of 60: price 60, emissions 120, ceiling sales 20", () => {
    const r = simulate(twoFirms({ cap: 100, priceCeiling: 60 }));
    const y = r.years[0]!;
    expect(y.price).toBeCloseTo(60, 9);
    expect(y.emissions).toBeCloseTo(120, 9);
    expect(y.ceilingSales).toBeCloseTo(20, 9);
    expect(y.bank).toBeCloseTo(0, 9);
  });

  const threeYears = (cap: number[]) =>
    scenario({ years: { from: 2026, to: 2028 }, discountRate: 0.1, cap, facilities: [{ id: "all", bau: 100, mac: { linear: { slope: 1 } } }] });

  it("one aggregate MAC a = p, BAU 100, r = 10%, caps 80, 60, 40: prices 36.2538, 39.8792, 43.8671", () => {
    const r = simulate(threeYears([80, 60, 40]));
    expect(r.years.map((y) => y.price.toFixed(4))).toEqual(["36.2538", "39.8792", "43.8671"]);
    expect(r.years[2]!.bank).toBeCloseTo(0, 9);
    expect(r.years[0]!.bank).toBeGreaterThan(0);
  });

  it("caps 60, 100, 100: prices 40, 0, 0 (the bank never fills)", () => {
    const r = simulate(threeYears([60, 100, 100]));
    expect(r.years.map((y) => y.price)).toEqual([expect.closeTo(40, 9), 0, 0]);
  });
});

describe("scenario errors name the field", () => {
  const base = { years: [2030, 2031], cap: 100, facilities: [{ id: "a", bau: 100, mac: { linear: { slope: 1 } } }] };
  const cases: [string, Record<string, unknown>, string][] = [
    ["a per-year list of the wrong length", { ...base, cap: [1, 2, 3] }, "cap"],
    ["a negative BAU", { ...base, facilities: [{ id: "a", bau: -1, mac: { linear: { slope: 1 } } }] }, "facilities.0.bau"],
    ["an unknown field", { ...base, capp: 1 }, ""],
    ["a bad borrowing", { ...base, borrowing: "sometimes" }, "borrowing"],
    ["a zero slope", { ...base, facilities: [{ id: "a", bau: 100, mac: { linear: { slope: 0 } } }] }, "facilities.0.mac.linear.slope"],
    ["duplicate ids", { ...base, facilities: [{ id: "a", bau: 1, mac: { linear: { slope: 1 } } }, { id: "a", bau: 1, mac: { linear: { slope: 1 } } }] }, "facilities.1.id"],
    ["non-consecutive years", { ...base, years: [2030, 2032] }, "years.1"],
    ["a floor above the ceiling", { ...base, priceFloor: 50, priceCeiling: 40 }, "priceFloor"],
    ["an offsets share of 1", { ...base, offsets: { price: 5, limitShare: 1 } }, "offsets.limitShare"],
    ["wrong-length reserve lists", { ...base, reserve: [[{ trigger: 1, quantity: 1 }]] }, "reserve"],
    ["a missing cap", { years: [2030], facilities: base.facilities }, "cap"],
  ];
  for (const [name, value, path] of cases) {
    it(`${name} -> ${path || "(root)"}`, () => {
      const r = parseScenario(value);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.path).toBe(path);
        expect(r.message.length).toBeGreaterThan(0);
      }
    });
  }
  // Issue 15 item 6: errors name calendar years, not indexes, and every year at fault.
  it("a floor above the ceiling and free allocation above the cap name every calendar year at fault", () => {
    const three = { ...base, years: { from: 2030, to: 2032 } };
    const floor = parseScenario({ ...three, priceFloor: [50, 30, 60], priceCeiling: 40 });
    expect(floor).toMatchObject({ ok: false, path: "priceFloor", message: "the floor is above the ceiling in 2030 (50 > 40), 2032 (60 > 40)" });
    const free = parseScenario({ ...three, cap: [100, 50, 40], facilities: [{ id: "a", bau: 100, mac: { linear: { slope: 1 } }, freeAllocation: [90, 60, 45] }] });
    expect(free).toMatchObject({ ok: false, path: "facilities.freeAllocation", message: "free allocation exceeds the cap in 2031 (60 > 50), 2032 (45 > 40)" });
    expect(parseScenario({ ...base, years: [2030, 2032] })).toMatchObject({ ok: false, message: expect.stringContaining("2032 follows 2030") });
  });

  it("a market no price clears is named by its calendar years", () => {
    const r = parseScenario({ years: [2030, 2031], cap: 50, facilities: [{ id: "a", bau: 100, mac: { steps: [{ quantity: 10, cost: 5 }] } }] });
    if (!r.ok) throw new Error(r.message);
    expect(() => simulate(r.scenario)).toThrow(/^no price clears years 2030\.\.2031:/);
  });

  it("JSON and YAML of the same scenario give the same scenario", () => {
    const yaml = "years: [2030, 2031]\ncap: 100\nfacilities:\n  - { id: a, bau: 100, mac: { linear: { slope: 1 } } }\n";
    const a = parseScenarioText(yaml, "yaml");
    const b = parseScenarioText(JSON.stringify(base), "json");
    expect(a).toEqual(b);
    expect(a.ok).toBe(true);
  });

  it("broken YAML is reported, not thrown", () => {
    const r = parseScenarioText("years: [2030\ncap: 1", "yaml");
    expect(r.ok).toBe(false);
  });
  it("a scalar applies to every year; a single reserve list applies to every year", () => {
    const r = parseScenario({ ...base, reserve: [{ trigger: 10, quantity: 5 }], priceCeiling: 70 });
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.scenario.cap).toEqual([100, 100]);
      expect(r.scenario.priceCeiling).toEqual([70, 70]);
      expect(r.scenario.reserve).toEqual([[{ trigger: 10, quantity: 5 }], [{ trigger: 10, quantity: 5 }]]);
    }
  });
});
