// Goal: the coverage table counts and sums per entity at or above each threshold, with the two
// electricity treatments and the three bases computed by hand on a small dataset.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { coverageTable, studyLayout } from "./index.ts";
import type { CoverageInput } from "./index.ts";

const input: CoverageInput = {
  meta: { gridFactor: 0.5, nationalTotal: 1_000_000, year: 2008 },
  installations: [
    { installation: "P1", sector: "power", site: "SP", company: "Grid" },
    { installation: "S1", sector: "steel", site: "SA", company: "Steelco" },
    { installation: "S2", sector: "steel", site: "SA", company: "Steelco" },
    { installation: "O1", sector: "office", site: "SO", company: "Steelco" },
    { installation: "O2", sector: "office", site: "SQ", company: "Shops" },
  ],
  activity: [
    { installation: "P1", year: 2008, emissions: 200_000, electricityMwh: 0 },
    { installation: "S1", year: 2008, emissions: 9_000, electricityMwh: 4_000 }, // indirect 11,000
    { installation: "S2", year: 2008, emissions: 2_000, electricityMwh: 0 }, // 2,000 either way
    { installation: "O1", year: 2008, emissions: 500, electricityMwh: 9_000 }, // indirect 5,000
    { installation: "O2", year: 2008, emissions: 100, electricityMwh: 5_000 }, // indirect 2,600
    { installation: "O2", year: 2009, emissions: 999_999, electricityMwh: 0 }, // other year: ignored
  ],
};

describe("coverageTable", () => {
  it("indirect: consumers carry electricity, power generation is not counted", () => {
    const t = coverageTable(input, { thresholdsTonnes: [3000, 10000], electricity: "indirect", basis: "installation" });
    expect(t.reportedEntities).toBe(5);
    expect(t.reportedTonnes).toBe(0 + 11_000 + 2_000 + 5_000 + 2_600);
    expect(t.rows.map((r) => [r.entities, r.emissionsTonnes])).toEqual([[2, 16_000], [1, 11_000]]);
    expect(t.rows[0]?.shareOfReported).toBeCloseTo(16_000 / 20_600, 12);
    expect(t.rows[0]?.shareOfNational).toBeCloseTo(0.016, 12);
  });

  it("direct: stack emissions only", () => {
    const t = coverageTable(input, { thresholdsTonnes: [2000, 10000], electricity: "direct", basis: "installation" });
    expect(t.reportedTonnes).toBe(211_600);
    // at or above: S2's 2,000 t counts at a 2,000 t threshold
    expect(t.rows.map((r) => [r.entities, r.emissionsTonnes])).toEqual([[3, 211_000], [1, 200_000]]);
  });

  it("aggregates per site and per company before comparing with the threshold", () => {
    const site = coverageTable(input, { thresholdsTonnes: [12000], electricity: "indirect", basis: "site" });
    expect(site.reportedEntities).toBe(4);
    expect(site.rows[0]).toMatchObject({ entities: 1, emissionsTonnes: 13_000 }); // SA = S1 + S2
    const company = coverageTable(input, { thresholdsTonnes: [12000], electricity: "indirect", basis: "company" });
    expect(company.rows[0]).toMatchObject({ entities: 1, emissionsTonnes: 18_000 }); // Steelco incl. O1
  });

  it("uses another year when asked", () => {
    const t = coverageTable(input, { thresholdsTonnes: [1], electricity: "direct", basis: "installation", year: 2009 });
    expect(t.rows[0]).toMatchObject({ entities: 1, emissionsTonnes: 999_999 });
  });

  test.prop([fc.array(fc.tuple(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 0, max: 1e6 })), { maxLength: 40 }), fc.array(fc.integer({ min: 0, max: 2e6 }), { minLength: 1, maxLength: 5 })])(
    "matches a direct count and sum for any data and thresholds",
    (pairs, thresholds) => {
      const data: CoverageInput = {
        meta: { gridFactor: 0.4, nationalTotal: 1e9, year: 2010 },
        installations: pairs.map((_, i) => ({ installation: `I${i}`, sector: i % 3 === 0 ? "power" : "x", site: `S${i}`, company: `C${i % 4}` })),
        activity: pairs.map(([e, mwh], i) => ({ installation: `I${i}`, year: 2010, emissions: e, electricityMwh: mwh })),
      };
      const t = coverageTable(data, { thresholdsTonnes: thresholds, electricity: "indirect", basis: "company" });
      const byCompany = new Map<string, number>();
      pairs.forEach(([e, mwh], i) => {
        const k = `C${i % 4}`;
        byCompany.set(k, (byCompany.get(k) ?? 0) + (i % 3 === 0 ? 0 : e) + mwh * 0.4);
      });
      thresholds.forEach((th, k) => {
        const covered = [...byCompany.values()].filter((v) => v >= th);
        expect(t.rows[k]?.entities).toBe(covered.length);
        expect(t.rows[k]?.emissionsTonnes).toBeCloseTo(covered.reduce((a, b) => a + b, 0), 3);
      });
    },
  );

  it("prints in the study's layout", () => {
    const a = coverageTable(input, { thresholdsTonnes: [3000], electricity: "indirect", basis: "installation" });
    const b = coverageTable(input, { thresholdsTonnes: [3000], electricity: "direct", basis: "installation" });
    const l = studyLayout([a, b]); // direct at 3 kt: P1 + S1 = 209,000 t of 211,600 reported
    expect(l.headers[1]).toBe("reports (indirect)");
    expect(l.rows[0]).toEqual(["3,000", 2, "0.02", "77.7%", "1.6%", 2, "0.21", "98.8%", "20.9%"]);
  });
});
