// Goal: the national dataset reproduces the study's FY2008 coverage table after a round trip
// through files, is deterministic per seed, and the steel/cement sample's top-10% averages are the
// EU draft benchmark values.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadDataset, writeDataset } from "../io/dataset.ts";
import type { Dataset } from "../io/dataset.ts";
import { coverageTable } from "../domain/coverage/index.ts";
import type { CoverageTable } from "../domain/coverage/index.ts";
import { deriveBenchmark } from "../domain/benchmark/index.ts";
import { generateNational } from "./national.ts";
import { EU_DRAFT_BENCHMARKS, generateSteelCement } from "./steel-cement.ts";
import { STUDY_FY2008_DIRECT, STUDY_FY2008_INDIRECT } from "./study.ts";
import type { StudyRow } from "./study.ts";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const thresholds = [3000, 10000, 25000, 100000];

/** Compares with the study (DOMAIN.md section 1, FY2008): counts and Mt within 3%, shares within 0.2 points. */
function expectStudy(t: CoverageTable, study: readonly StudyRow[]) {
  study.forEach((s, k) => {
    const r = t.rows[k];
    expect(r?.thresholdTonnes).toBe(s.thresholdTonnes);
    expect(Math.abs((r?.entities ?? 0) / s.reports - 1)).toBeLessThanOrEqual(0.03);
    expect(Math.abs((r?.emissionsTonnes ?? 0) / 1e6 / s.emissionsMt - 1)).toBeLessThanOrEqual(0.03);
    expect(Math.abs((r?.shareOfReported ?? 0) * 100 - s.shareOfReportedPct)).toBeLessThanOrEqual(0.2);
    expect(Math.abs((r?.shareOfNational ?? 0) * 100 - s.shareOfInventoryPct)).toBeLessThanOrEqual(0.2);
  });
}

describe("national dataset", () => {
  it("matches the study's FY2008 table (indirect and direct) after writing and reading the files", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ets-nat-"));
    dirs.push(dir);
    await writeDataset(dir, generateNational({ seed: 1 }));
    const d: Dataset = await loadDataset(dir);
    expect(d.activity.length).toBeGreaterThan(300_000);
    const indirect = coverageTable(d, { thresholdsTonnes: thresholds, electricity: "indirect", basis: "installation" });
    expectStudy(indirect, STUDY_FY2008_INDIRECT);
    // 99.2% at 3 kt: installations below 3 kt exist and carry the rest of what is reported.
    expect(indirect.reportedEntities - (indirect.rows[0]?.entities ?? 0)).toBeGreaterThan(2000);
    expectStudy(coverageTable(d, { thresholdsTonnes: thresholds, electricity: "direct", basis: "installation" }), STUDY_FY2008_DIRECT);
  });

  it("is calibrated for other seeds too and deterministic for a seed", () => {
    const a = generateNational({ seed: 7 });
    expectStudy(coverageTable(a, { thresholdsTonnes: thresholds, electricity: "indirect", basis: "installation" }), STUDY_FY2008_INDIRECT);
    expectStudy(coverageTable(a, { thresholdsTonnes: thresholds, electricity: "direct", basis: "installation" }), STUDY_FY2008_DIRECT);
    const b = generateNational({ seed: 7 });
    expect(b.activity.length).toBe(a.activity.length);
    expect(b.activity.slice(0, 500)).toEqual(a.activity.slice(0, 500));
    expect(b.installations).toEqual(a.installations);
    const c = generateNational({ seed: 8 });
    expect(c.installations.map((i) => i.sector)).not.toEqual(a.installations.map((i) => i.sector));
  });

  it("covers 2001-2025, with every installation's sector known and years after its start", () => {
    const d = generateNational({ seed: 2 });
    const years = new Set(d.activity.map((a) => a.year));
    expect(Math.min(...years)).toBe(2001);
    expect(Math.max(...years)).toBe(2025);
    const sectors = new Set(d.sectors.map((s) => s.sector));
    const start = new Map(d.installations.map((i) => [i.installation, i.startYear]));
    expect(d.installations.every((i) => sectors.has(i.sector))).toBe(true);
    expect(d.activity.every((a) => a.year >= (start.get(a.installation) ?? Infinity) && a.emissions >= 0 && a.electricityMwh >= 0)).toBe(true);
    expect(d.installations.some((i) => i.startYear > 2008)).toBe(true); // new entrants
  });
});

describe("steel and cement sample", () => {
  it("has the EU draft values as the FY2008 average of the top 10% (by count) per product", () => {
    const d = generateSteelCement({ seed: 1 });
    for (const [product, value] of Object.entries(EU_DRAFT_BENCHMARKS)) {
      const ids = new Set(d.installations.filter((i) => i.product === product).map((i) => i.installation));
      const pts = d.activity.filter((a) => a.year === 2008 && ids.has(a.installation)).map((a) => ({ installation: a.installation, output: a.output ?? 0, emissions: a.emissions }));
      const r = deriveBenchmark(pts, { topPercent: 10, method: "average", weighting: "count" });
      if ("code" in r) throw new Error(r.code);
      expect(r.value).toBeCloseTo(value, 5);
    }
  });

  it("matches the committed copy in data/steel-cement", async () => {
    const committed = await loadDataset(join(import.meta.dirname, "../../data/steel-cement"));
    const fresh = generateSteelCement({ seed: 1 });
    expect(committed.activity.map(({ line: _l, ...a }) => a)).toEqual(fresh.activity.map(({ line: _l, ...a }) => a));
    expect(JSON.parse(await readFile(join(import.meta.dirname, "../../data/steel-cement/dataset.json"), "utf8"))).toEqual(fresh.meta);
  });
});
