// Goal: a validated rulebook maps to the engine's rules for a year: per-period rates resolved,
// published correction factors used as given, the reserve and budget from the year's cap, step
// schedules held until the year before the next point, and unresolvable rules named by path.
import { describe, expect, it } from "vitest";
import { RulesMappingError, rulesFromRulebook, schedulePoints, shareInYear, show } from "../../src/domain/allocation/index.ts";
import { capFor } from "../../src/domain/rulebook/index.ts";
import { loadRulebook } from "../../src/io/rulebook.ts";

const fixture = loadRulebook(`${import.meta.dirname}/fixtures/steel-cement.yaml`);

describe("rulesFromRulebook", () => {
  it("EU ETS phase 3 in 2013: the published correction factor, power auctioned, exposed sectors free, a 5% reserve", () => {
    const rb = loadRulebook("eu-ets-phase3");
    const r = rulesFromRulebook(rb, 2013);
    expect(r.correction).toMatchObject({ kind: "factor", excludeSectors: ["power"] });
    if (r.correction.kind === "factor") expect(show(r.correction.factor)).toBe("~0.942722"); // Decision 2013/448 Annex II (UNCERTAIN, see preset)
    expect(r.auction.fullyAuctioned).toEqual(["power"]);
    expect(r.auction.exposed).toEqual(rb.leakage.exposedSectors);
    const cap = capFor(rb, 2013) as bigint;
    expect(r.reserve).toBe((cap * 5n) / 100n);
    expect(show(shareInYear(r.auction.schedule, 2020))).toBe("0.7");
  });

  it("an amount budget, the period id and underscore aliases of product ids", () => {
    const r = rulesFromRulebook(fixture, 2013);
    expect(r.correction).toEqual({ kind: "uniform", mode: "cap", budget: 180_000_000n, excludeSectors: [] });
    expect(r.reserve).toBe(100_000n);
    expect(r.period).toBe("P1");
    const steel = r.sectors.steel;
    expect(steel?.method === "benchmark" && show(steel.products.hot_metal?.value ?? { n: 0n, d: 1n })).toBe("1.286");
  });

  it("step schedules hold each value until the year before the next point", () => {
    const pts = schedulePoints({ interpolation: "step", points: [{ year: 2013, share: 0.2 }, { year: 2016, share: 0.5 }] });
    expect([2013, 2014, 2015, 2016, 2020].map((y) => show(shareInYear(pts, y)))).toEqual(["0.2", "0.2", "0.2", "0.5", "0.5"]);
  });

  it("refuses a year outside the rulebook's periods", () => {
    expect(() => rulesFromRulebook(fixture, 2030)).toThrow(/periods: 2030 is in none of the rulebook's periods \(P1 2011-2015\)/);
  });

  it("names the path when a per-period rate is missing for the year", () => {
    const rb = structuredClone(fixture);
    rb.allocation.sectors.cement = {
      method: "grandfathering",
      basePeriod: { choice: "auto", years: 3, window: { from: 2005, to: 2008 }, excludeAbnormalYear: false },
      reduction: { kind: "byPeriod", rates: { P9: 0.1 } },
      classes: {},
      topLevelFactors: {},
    };
    expect(() => rulesFromRulebook(rb, 2013)).toThrow(RulesMappingError);
    expect(() => rulesFromRulebook(rb, 2013)).toThrow(/allocation\.sectors\.cement\.reduction\.rates: no rate for period "P1"/);
  });
});
