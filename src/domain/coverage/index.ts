// Coverage: who would be in a scheme at a given threshold. For each entity (installation, site or
// company) the year's emissions are summed first and then compared with each threshold ("at or
// above"), giving the study's table: counts, covered emissions, share of everything reported and
// share of the national inventory. Two electricity treatments: *direct* counts stack emissions
// (power plants carry their generation) and *indirect* puts electricity_mwh x gridFactor on the
// consumer while power plants' generation emissions are not counted. Floats (tonnes): analysis only.

export type ElectricityTreatment = "direct" | "indirect";
export type CoverageBasis = "installation" | "site" | "company";

/** The sector code whose direct emissions are electricity generation. */
export const POWER_SECTOR = "power";

export interface CoverageInstallation {
  installation: string;
  sector: string;
  site: string;
  company: string;
}

export interface CoverageActivity {
  installation: string;
  year: number;
  emissions: number;
  electricityMwh: number;
}

export interface CoverageInput {
  installations: readonly CoverageInstallation[];
  activity: readonly CoverageActivity[];
  meta: { gridFactor: number; nationalTotal: number; year: number };
}

export interface CoverageOptions {
  thresholdsTonnes: readonly number[];
  electricity: ElectricityTreatment;
  basis: CoverageBasis;
  /** Defaults to the dataset's reference year. */
  year?: number;
}

export interface CoverageRow {
  thresholdTonnes: number;
  entities: number;
  emissionsTonnes: number;
  /** Fractions (0..1). */
  shareOfReported: number;
  shareOfNational: number;
}

export interface CoverageTable {
  year: number;
  electricity: ElectricityTreatment;
  basis: CoverageBasis;
  /** Entities with any activity row in the year, and the sum of their attributed emissions. */
  reportedEntities: number;
  reportedTonnes: number;
  nationalTotalTonnes: number;
  rows: CoverageRow[];
}

/** The emissions attributed to one installation-year under a treatment. */
export function attributedTonnes(sector: string, a: CoverageActivity, electricity: ElectricityTreatment, gridFactor: number): number {
  switch (electricity) {
    case "direct":
      return a.emissions;
    case "indirect":
      return (sector === POWER_SECTOR ? 0 : a.emissions) + a.electricityMwh * gridFactor;
    default: {
      const never: never = electricity;
      throw new Error(`unknown electricity treatment ${String(never)}`);
    }
  }
}

/** Emissions per entity (installation, site or company) in a year, aggregated before any threshold. */
export function entityTotals(input: CoverageInput, electricity: ElectricityTreatment, basis: CoverageBasis, year: number): Map<string, number> {
  const byId = new Map<string, CoverageInstallation>();
  for (const i of input.installations) byId.set(i.installation, i);
  const totals = new Map<string, number>();
  for (const a of input.activity) {
    if (a.year !== year) continue;
    const inst = byId.get(a.installation);
    if (!inst) throw new Error(`activity for unknown installation ${a.installation}: validate the dataset first`);
    const key = basis === "installation" ? inst.installation : basis === "site" ? inst.site : inst.company;
    totals.set(key, (totals.get(key) ?? 0) + attributedTonnes(inst.sector, a, electricity, input.meta.gridFactor));
  }
  return totals;
}

export function coverageTable(input: CoverageInput, options: CoverageOptions): CoverageTable {
  const year = options.year ?? input.meta.year;
  const totals = [...entityTotals(input, options.electricity, options.basis, year).values()].sort((a, b) => b - a);
  // Sorted descending, the entities at or above any threshold form a prefix: prefix sums + binary search.
  const prefix = new Float64Array(totals.length + 1);
  for (let i = 0; i < totals.length; i++) prefix[i + 1] = (prefix[i] ?? 0) + (totals[i] ?? 0);
  const reportedTonnes = prefix[totals.length] ?? 0;
  const national = input.meta.nationalTotal;
  const rows = options.thresholdsTonnes.map((t) => {
    let lo = 0;
    let hi = totals.length; // first index with total < t
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((totals[mid] ?? 0) >= t) lo = mid + 1;
      else hi = mid;
    }
    const emissionsTonnes = prefix[lo] ?? 0;
    return {
      thresholdTonnes: t,
      entities: lo,
      emissionsTonnes,
      shareOfReported: reportedTonnes > 0 ? emissionsTonnes / reportedTonnes : 0,
      shareOfNational: national > 0 ? emissionsTonnes / national : 0,
    };
  });
  return {
    year, electricity: options.electricity, basis: options.basis,
    reportedEntities: totals.length, reportedTonnes, nationalTotalTonnes: national, rows,
  };
}

const mt = (t: number) => (t / 1e6).toFixed(2);
const pct = (f: number) => `${(f * 100).toFixed(1)}%`;

/**
 * Rows in the study's layout: one line per threshold, and for each treatment given the count,
 * emissions (Mt, 2 decimals), share of reported and share of the national inventory (1 decimal).
 * All tables must share thresholds, year and basis.
 */
export function studyLayout(tables: readonly CoverageTable[]): { headers: string[]; rows: (string | number)[][] } {
  const first = tables[0];
  if (!first) return { headers: [], rows: [] };
  const headers = ["threshold (t/yr)"];
  for (const t of tables) {
    const unit = t.basis === "installation" ? "reports" : t.basis === "company" ? "companies" : `${t.basis}s`;
    headers.push(`${unit} (${t.electricity})`, "emissions (Mt)", "share of reported", "share of national");
  }
  const rows = first.rows.map((r, i) => {
    const line: (string | number)[] = [r.thresholdTonnes.toLocaleString("en-US")];
    for (const t of tables) {
      const row = t.rows[i];
      if (!row || row.thresholdTonnes !== r.thresholdTonnes) throw new Error("coverage tables with different thresholds");
      line.push(row.entities, mt(row.emissionsTonnes), pct(row.shareOfReported), pct(row.shareOfNational));
    }
    return line;
  });
  return { headers, rows };
}
