// Goal: carbon and trade intensity by their formulas, and the EU phase 3 and US KL criteria at and
// around their boundaries (strictly above: exactly 5% is not above 5%), on hand-computed sectors.
import { describe, expect, it } from "vitest";
import { carbonIntensity, EU_PHASE3, screenSectors, sectorEmissions, tradeIntensity, US_KL } from "./index.ts";
import type { SectorEconomy } from "./index.ts";

// Value added 100 million; at a price of 30 per t, emissions of E t give CI = 30 E / 1e8.
// So 166,667 t is 5.00001%, and 1,000,000 t is 30%.
const sector = (code: string, exports: number, imports: number, domesticOutput: number): SectorEconomy => ({
  sector: code, name: code, valueAdded: 100, exports, imports, domesticOutput,
});

describe("intensities", () => {
  it("compute by the definitions", () => {
    expect(carbonIntensity(30, 1_000_000, 100)).toBeCloseTo(0.3, 12);
    expect(tradeIntensity({ exports: 20, imports: 30, domesticOutput: 470 })).toBeCloseTo(50 / 500, 12);
    expect(tradeIntensity({ exports: 0, imports: 0, domesticOutput: 0 })).toBe(0);
  });
});

describe("EU phase 3 at EUR 30/t", () => {
  const sectors = [
    sector("both-just-above", 11, 0, 100), // TI 11/100 = 11%
    sector("ci-at-5", 11, 0, 100),
    sector("ti-at-10", 10, 0, 100), // TI exactly 10%
    sector("ci-only-31", 0, 0, 100),
    sector("ti-only-31", 31, 0, 100),
    sector("power", 50, 0, 100),
  ];
  const emissions = new Map([
    ["both-just-above", 170_000], // CI 5.1%
    ["ci-at-5", 500_000 / 3], // CI exactly 5%
    ["ti-at-10", 500_000], // CI 15%
    ["ci-only-31", 1_040_000], // CI 31.2%
    ["ti-only-31", 0],
    ["power", 5_000_000],
  ]);
  const r = new Map(screenSectors(sectors, emissions, EU_PHASE3, 30).map((x) => [x.sector, x]));
  it("exposes CI > 5% and TI > 10%", () => expect(r.get("both-just-above")).toMatchObject({ exposed: true, clause: 0 }));
  it("does not expose a CI of exactly 5%", () => expect(r.get("ci-at-5")?.exposed).toBe(false));
  it("does not expose a TI of exactly 10% with CI 15%", () => expect(r.get("ti-at-10")?.exposed).toBe(false));
  it("exposes either one above 30%", () => {
    expect(r.get("ci-only-31")).toMatchObject({ exposed: true, clause: 1 });
    expect(r.get("ti-only-31")).toMatchObject({ exposed: true, clause: 2 });
  });
  it("leaves excluded sectors out", () => expect(r.get("power")).toMatchObject({ exposed: false, excluded: true }));
});

describe("US KL at USD 20/t", () => {
  // CI = 20 E / 1e8
  const sectors = [sector("a", 12, 0, 100), sector("b", 16, 0, 100), sector("c", 0, 0, 100), sector("d", 0, 0, 100)];
  const emissions = new Map([["a", 500_000], ["b", 260_000], ["c", 1_010_000], ["d", 1_000_000]]);
  const r = new Map(screenSectors(sectors, emissions, US_KL, 20).map((x) => [x.sector, x]));
  it("needs TI above 15% for the combined test (EU's 10% is not enough)", () => {
    expect(r.get("a")?.exposed).toBe(false); // CI 10%, TI 12%
    expect(r.get("b")?.exposed).toBe(true); // CI 5.2%, TI 16%
  });
  it("exposes CI above 20% alone, not at exactly 20%", () => {
    expect(r.get("c")?.exposed).toBe(true); // 20.2%
    expect(r.get("d")?.exposed).toBe(false); // 20.0%
  });
});

describe("sectorEmissions", () => {
  it("adds electricity x grid factor except for power", () => {
    const m = sectorEmissions(
      [{ installation: "A", sector: "steel" }, { installation: "P", sector: "power" }],
      [
        { installation: "A", year: 2008, emissions: 100, electricityMwh: 10 },
        { installation: "P", year: 2008, emissions: 500, electricityMwh: 10 },
        { installation: "A", year: 2009, emissions: 999, electricityMwh: 0 },
      ],
      2008,
      0.5,
    );
    expect(m.get("steel")).toBe(105);
    expect(m.get("power")).toBe(500);
  });
});

describe("criteria as data", () => {
  it("accepts the built-in criteria's own shape and names the field of a bad one", async () => {
    const { parseCriteria } = await import("./criteria.ts");
    const good = parseCriteria(JSON.parse(JSON.stringify(EU_PHASE3)));
    expect(good).toEqual({ ok: true, criteria: EU_PHASE3 });
    const bad = parseCriteria({ ...EU_PHASE3, clauses: [[{ metric: "carbonIntensity", above: -1 }]] });
    expect(bad).toMatchObject({ ok: false, path: "clauses.0.0.above" });
    const unknownMetric = parseCriteria({ ...US_KL, clauses: [[{ metric: "energy", above: 0.1 }]] });
    expect(unknownMetric).toMatchObject({ ok: false, path: "clauses.0.0.metric" });
  });
});
