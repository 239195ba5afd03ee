// The synthetic national dataset: Japanese-style sectors and about 16,000 installations with
// emissions, electricity use and output for FY2001-2025, reproducible from a seed.
//
// Calibration (FY2008, the reference year): the non-power installations' indirect totals
// (direct + electricity x grid factor) are drawn band by band between the study's thresholds so
// that the counts and sums at 3, 10, 25 and 100 kt equal the study's indirect columns (plus a
// band below 3 kt that makes "share of reported" 99.2%). Each installation's direct share comes
// from its sector (steel and cement almost all direct, offices mostly electricity). Power plants
// do not appear in the indirect table at all, so they are drawn last, band by band, to fill what
// the non-power installations leave of the study's direct columns. Other years follow sector
// paths (the 2009 recession, more thermal power after 2011, slow decline) times a per-installation
// random walk anchored at FY2008. Floats throughout (synthetic data).
import type { Activity, Dataset, Installation, Product, Sector } from "../io/dataset.ts";
import { drawBand } from "./bands.ts";
import { Rng } from "./random.ts";
import { STUDY_FY2008_DIRECT, STUDY_FY2008_INDIRECT, STUDY_NATIONAL_TOTAL_TONNES, reportedTotalTonnes } from "./study.ts";
import type { StudyRow } from "./study.ts";

export const NATIONAL_FIRST_YEAR = 2001;
export const NATIONAL_LAST_YEAR = 2025;
export const NATIONAL_REFERENCE_YEAR = 2008;
/** t-CO2/MWh: roughly the Japanese grid average of FY2008. */
export const NATIONAL_GRID_FACTOR = 0.444;

type Path = "industry" | "commercial" | "power";

interface SectorSpec {
  code: string;
  name: string;
  /** Millions of JPY: value added, exports, imports, domestic output (synthetic, Japan-scale). */
  economy: [number, number, number, number];
  benchmarkProduct?: string;
  /** Relative weights of being drawn in the indirect bands <3k, 3-10k, 10-25k, 25-100k, >=100k. */
  bandWeights: [number, number, number, number, number];
  /** Weight among the very largest (>= 2 Mt) installations. */
  giantWeight: number;
  /** Direct share of the indirect total: mean and spread. */
  directShare: [number, number];
  path: Path;
  label: string;
}

const SECTORS: readonly SectorSpec[] = [
  { code: "steel", name: "Iron and steel", economy: [5_500_000, 4_800_000, 1_300_000, 19_000_000], benchmarkProduct: "hot_metal", bandWeights: [1, 2, 3, 5, 12], giantWeight: 55, directShare: [0.92, 0.03], path: "industry", label: "Steel works" },
  { code: "cement", name: "Cement and lime", economy: [150_000, 60_000, 5_000, 800_000], benchmarkProduct: "clinker", bandWeights: [0, 0.3, 0.6, 2, 5], giantWeight: 5, directShare: [0.93, 0.03], path: "industry", label: "Cement plant" },
  { code: "chemicals", name: "Chemicals and petrochemicals", economy: [9_500_000, 7_500_000, 5_500_000, 27_000_000], bandWeights: [3, 7, 9, 13, 20], giantWeight: 15, directShare: [0.6, 0.12], path: "industry", label: "Chemical plant" },
  { code: "refining", name: "Petroleum refining", economy: [3_500_000, 1_200_000, 2_500_000, 17_000_000], bandWeights: [0, 0.2, 0.5, 1.5, 5], giantWeight: 15, directShare: [0.9, 0.04], path: "industry", label: "Refinery" },
  { code: "paper", name: "Pulp and paper", economy: [2_400_000, 300_000, 500_000, 7_800_000], bandWeights: [2, 4, 6, 9, 7], giantWeight: 4, directShare: [0.6, 0.1], path: "industry", label: "Paper mill" },
  { code: "glass", name: "Glass and ceramics", economy: [3_300_000, 1_300_000, 600_000, 8_000_000], bandWeights: [3, 5, 5, 5, 3], giantWeight: 0, directShare: [0.55, 0.1], path: "industry", label: "Glass works" },
  { code: "nonferrous", name: "Non-ferrous metals", economy: [2_000_000, 1_700_000, 2_700_000, 9_500_000], bandWeights: [2, 3, 3, 4, 3], giantWeight: 2, directShare: [0.35, 0.12], path: "industry", label: "Smelter" },
  { code: "food", name: "Food and beverages", economy: [13_000_000, 400_000, 5_000_000, 37_000_000], bandWeights: [14, 14, 12, 8, 2], giantWeight: 0, directShare: [0.35, 0.12], path: "industry", label: "Food factory" },
  { code: "textiles", name: "Textiles", economy: [1_500_000, 700_000, 3_800_000, 4_000_000], bandWeights: [6, 5, 4, 3, 1], giantWeight: 0, directShare: [0.35, 0.12], path: "industry", label: "Textile mill" },
  { code: "machinery", name: "Machinery", economy: [15_000_000, 13_000_000, 3_500_000, 38_000_000], bandWeights: [12, 12, 10, 8, 3], giantWeight: 0, directShare: [0.22, 0.1], path: "industry", label: "Machinery plant" },
  { code: "electronics", name: "Electronics and semiconductors", economy: [17_000_000, 16_000_000, 11_000_000, 45_000_000], bandWeights: [6, 8, 10, 12, 10], giantWeight: 2, directShare: [0.12, 0.06], path: "industry", label: "Electronics fab" },
  { code: "automotive", name: "Automobiles and parts", economy: [14_000_000, 17_000_000, 2_500_000, 60_000_000], bandWeights: [6, 7, 8, 8, 6], giantWeight: 2, directShare: [0.22, 0.08], path: "industry", label: "Car plant" },
  { code: "commercial", name: "Offices, retail and services", economy: [300_000_000, 5_000_000, 4_000_000, 500_000_000], bandWeights: [45, 32, 25, 12, 3], giantWeight: 0, directShare: [0.15, 0.08], path: "commercial", label: "Building" },
  { code: "power", name: "Electricity generation", economy: [7_000_000, 0, 0, 16_000_000], benchmarkProduct: "electricity", bandWeights: [0, 0, 0, 0, 0], giantWeight: 0, directShare: [1, 0], path: "power", label: "Power station" },
];

const PRODUCTS: readonly Omit<Product, "line">[] = [
  { product: "hot_metal", name: "Hot metal (blast furnace iron)", unit: "t", benchmark: 1.286 },
  { product: "eaf_steel", name: "Electric arc furnace steel", unit: "t", benchmark: 0.058 },
  { product: "clinker", name: "Grey cement clinker", unit: "t", benchmark: 0.78 },
  { product: "electricity", name: "Electricity generated", unit: "MWh" },
  { product: "paper", name: "Paper and board", unit: "t" },
  { product: "glass", name: "Glass", unit: "t" },
];

/** Typical direct intensity (t-CO2 per unit) of the products without an EU value. */
const TYPICAL_INTENSITY: Record<string, number> = { paper: 0.55, glass: 0.5 };

export interface NationalOptions {
  seed?: number;
  /** Installations below 3 kt (indirect) in FY2008; they make "share of reported" meaningful. */
  smallInstallations?: number;
  /** Installations starting after FY2008 (not in the reference-year table). */
  newEntrants?: number;
}

interface Draft {
  sector: SectorSpec;
  product: string | undefined;
  direct2008: number;
  electricityMwh2008: number;
  intensity: number;
  startYear: number;
  lastYear: number;
}

const bandEdges = (rows: readonly StudyRow[]) => rows.map((r) => r.thresholdTonnes);

/** Counts and sums per band [t_k, t_k+1) from the study's cumulative rows ("at or above"). */
function bandsFrom(rows: readonly StudyRow[], top: number): { lo: number; hi: number; count: number; total: number }[] {
  return rows.map((r, k) => {
    const next = rows[k + 1];
    return {
      lo: r.thresholdTonnes,
      hi: next ? next.thresholdTonnes : top,
      count: r.reports - (next ? next.reports : 0),
      total: (r.emissionsMt - (next ? next.emissionsMt : 0)) * 1e6,
    };
  });
}

const MARGIN_TONNES = 10; // keeps rounded values clear of a threshold
const SMALL_LO = 300;

function pickSector(rng: Rng, indirect: number, band: number): SectorSpec {
  const weights = SECTORS.map((s) => (indirect >= 2e6 ? s.giantWeight : s.bandWeights[band] ?? 0));
  return SECTORS[rng.weighted(weights)] as SectorSpec;
}

function intensityMultiplier(rng: Rng): number {
  return 1.02 + Math.abs(0.25 * rng.normal());
}

function lifetime(rng: Rng, existsIn2008: boolean): [number, number] {
  if (!existsIn2008) {
    const start = 2009 + rng.int(NATIONAL_LAST_YEAR - 2009);
    return [start, NATIONAL_LAST_YEAR];
  }
  const start = rng.next() < 0.8 ? 1960 + rng.int(NATIONAL_FIRST_YEAR - 1960 + 1) : NATIONAL_FIRST_YEAR + 1 + rng.int(NATIONAL_REFERENCE_YEAR - NATIONAL_FIRST_YEAR);
  const last = rng.next() < 0.07 ? 2009 + rng.int(2024 - 2009 + 1) : NATIONAL_LAST_YEAR;
  return [start, last];
}

function draftConsumer(rng: Rng, indirect: number, band: number, existsIn2008: boolean): Draft {
  const sector = pickSector(rng, indirect, band);
  let product: string | undefined;
  let [share, spread] = sector.directShare;
  if (sector.code === "steel") {
    product = indirect >= 1.5e6 ? "hot_metal" : "eaf_steel";
    if (product === "eaf_steel") [share, spread] = [0.3, 0.1];
  } else if (sector.code === "cement") product = "clinker";
  else if (sector.code === "paper") product = "paper";
  else if (sector.code === "glass") product = "glass";
  const f = Math.min(0.99, Math.max(0.02, share + spread * rng.normal()));
  const direct = Math.round(f * indirect);
  const base = product === undefined ? 0 : PRODUCTS.find((p) => p.product === product)?.benchmark ?? TYPICAL_INTENSITY[product] ?? 1;
  const [startYear, lastYear] = lifetime(rng, existsIn2008);
  return {
    sector, product, direct2008: direct,
    electricityMwh2008: Math.round(((indirect - direct) / NATIONAL_GRID_FACTOR) * 10) / 10,
    intensity: base * intensityMultiplier(rng), startYear, lastYear,
  };
}

function draftPower(rng: Rng, direct: number): Draft {
  const sector = SECTORS.find((s) => s.code === "power") as SectorSpec;
  const [startYear, lastYear] = lifetime(rng, true);
  // Emission factor by fuel mix: gas 0.33-0.45, oil 0.65-0.75, coal 0.8-0.95 t/MWh.
  const fuel = rng.weighted([4, 1, 4]);
  const intensity = fuel === 0 ? rng.uniform(0.33, 0.45) : fuel === 1 ? rng.uniform(0.65, 0.75) : rng.uniform(0.8, 0.95);
  return { sector, product: "electricity", direct2008: Math.round(direct), electricityMwh2008: 0, intensity, startYear, lastYear };
}

const HEAVY = new Set(["steel", "cement", "refining"]);

/**
 * Leaves the power plants at least 8% of each direct band (below the top one) with a feasible
 * mean: light-industry and commercial installations of an over-full band get a lower direct
 * share (more of their energy as electricity) so that their direct emissions fall below the first
 * threshold. Their indirect totals, and so the indirect table, do not change.
 */
function makeRoom(rng: Rng, drafts: Draft[], edges: number[], bands: { lo: number; hi: number; count: number; total: number }[]): void {
  for (let k = 0; k < bands.length - 1; k++) {
    const b = bands[k] as (typeof bands)[number];
    const lo = edges[k] as number;
    const inBand = () => drafts.filter((d) => !HEAVY.has(d.sector.code) && d.sector.code !== "power" && d.direct2008 >= lo && d.direct2008 < b.hi);
    for (let guard = 0; guard < 100_000; guard++) {
      const members = inBand();
      const count = drafts.reduce((n, d) => n + (d.direct2008 >= lo && d.direct2008 < b.hi ? 1 : 0), 0);
      const total = drafts.reduce((n, d) => n + (d.direct2008 >= lo && d.direct2008 < b.hi ? d.direct2008 : 0), 0);
      const restCount = b.count - count;
      const restTotal = b.total - total;
      const mean = restTotal / restCount;
      let pick: Draft | undefined;
      if (restCount < 0.08 * b.count || restTotal < 0.08 * b.total) pick = members[rng.int(members.length)];
      else if (mean < lo + 0.1 * (b.hi - lo)) pick = members.reduce<Draft | undefined>((m, d) => (m && m.direct2008 >= d.direct2008 ? m : d), undefined);
      else if (mean > b.hi - 0.1 * (b.hi - lo)) pick = members.reduce<Draft | undefined>((m, d) => (m && m.direct2008 <= d.direct2008 ? m : d), undefined);
      else break;
      if (!pick) throw new Error(`calibration: no installation left to move out of the direct band from ${lo} t`);
      const indirect = pick.direct2008 + pick.electricityMwh2008 * NATIONAL_GRID_FACTOR;
      pick.direct2008 = Math.round(rng.uniform(0.5, 0.97) * (edges[0] ?? 3000));
      pick.electricityMwh2008 = Math.round(((indirect - pick.direct2008) / NATIONAL_GRID_FACTOR) * 10) / 10;
    }
  }
}

/** FY2008 drafts of every installation present in the reference year, calibrated to the study. */
function calibratedDrafts(rng: Rng, smallCount: number): Draft[] {
  const indirectBands = bandsFrom(STUDY_FY2008_INDIRECT, 25e6);
  const smallTotal = reportedTotalTonnes(STUDY_FY2008_INDIRECT) - (STUDY_FY2008_INDIRECT[0]?.emissionsMt ?? 0) * 1e6;
  const drafts: Draft[] = [];
  drawBand(rng, smallCount, SMALL_LO, indirectBands[0]?.lo ?? 3000, smallTotal, MARGIN_TONNES).forEach((v) => drafts.push(draftConsumer(rng, v, 0, true)));
  indirectBands.forEach((b, k) => {
    for (const v of drawBand(rng, b.count, b.lo, b.hi, b.total, MARGIN_TONNES)) drafts.push(draftConsumer(rng, v, k + 1, true));
  });
  // Power plants fill the direct columns' remainder band by band; first make room where the
  // non-power installations alone already come close to a band's count or total.
  const edges = bandEdges(STUDY_FY2008_DIRECT);
  const directBands = bandsFrom(STUDY_FY2008_DIRECT, 40e6);
  makeRoom(rng, drafts, edges, directBands);
  const have = directBands.map(() => ({ count: 0, total: 0 }));
  let belowFirst = 0;
  for (const d of drafts) {
    const k = edges.findLastIndex((e) => d.direct2008 >= e);
    if (k < 0) belowFirst += d.direct2008;
    else {
      const h = have[k] as { count: number; total: number };
      h.count++;
      h.total += d.direct2008;
    }
  }
  directBands.forEach((b, k) => {
    const h = have[k] as { count: number; total: number };
    const count = b.count - h.count;
    const total = b.total - h.total;
    if (count < 0 || (count === 0 && Math.abs(total) > 1) || (count > 0 && !(total / count > b.lo + MARGIN_TONNES && total / count < b.hi - MARGIN_TONNES))) {
      throw new Error(`calibration failed in the direct band from ${b.lo} t: non-power installations already hold ${h.count} with ${h.total} t`);
    }
    for (const v of drawBand(rng, count, b.lo, b.hi, total, MARGIN_TONNES)) drafts.push(draftPower(rng, v));
  });
  // Below the first threshold the direct total must reach the study's reported total (97.2% at
  // 3 kt): light installations under 3 kt direct get a larger direct share (their indirect
  // totals, and so the indirect table, stay as drawn); power units take any rest.
  let need = reportedTotalTonnes(STUDY_FY2008_DIRECT) - (STUDY_FY2008_DIRECT[0]?.emissionsMt ?? 0) * 1e6 - belowFirst;
  const first = edges[0] ?? 3000;
  const candidates = shuffle(rng, drafts.filter((d) => !HEAVY.has(d.sector.code) && d.sector.code !== "power" && d.direct2008 < first));
  for (const d of candidates) {
    if (need < 1) break;
    const indirect = d.direct2008 + d.electricityMwh2008 * NATIONAL_GRID_FACTOR;
    const cap = Math.min(first - 2 * MARGIN_TONNES, 0.9 * indirect);
    if (cap <= d.direct2008) continue;
    const gain = Math.min(need, Math.round(rng.uniform(0.3, 1) * (cap - d.direct2008)));
    d.direct2008 += gain;
    d.electricityMwh2008 = Math.round(((indirect - d.direct2008) / NATIONAL_GRID_FACTOR) * 10) / 10;
    need -= gain;
  }
  if (need > SMALL_LO) {
    const n = Math.max(1, Math.round(need / 1500));
    for (const v of drawBand(rng, n, SMALL_LO, first, need, MARGIN_TONNES)) drafts.push(draftPower(rng, v));
  }
  return drafts;
}

/** Sector activity index relative to FY2008 (1 in FY2008). */
export function pathIndex(path: Path, year: number): number {
  const before = (y0: number) => y0 + ((1 - y0) * (year - NATIONAL_FIRST_YEAR)) / (NATIONAL_REFERENCE_YEAR - NATIONAL_FIRST_YEAR);
  switch (path) {
    case "industry":
      if (year <= NATIONAL_REFERENCE_YEAR) return before(0.93);
      if (year === 2009) return 0.87;
      if (year === 2010) return 0.95;
      return 0.95 * Math.pow(0.99, year - 2010);
    case "commercial":
      if (year <= NATIONAL_REFERENCE_YEAR) return before(0.95);
      if (year <= 2010) return 0.99;
      return 0.93 * Math.pow(0.985, year - 2011);
    case "power": {
      if (year <= NATIONAL_REFERENCE_YEAR) return before(0.9);
      const table: Record<number, number> = { 2009: 0.95, 2010: 1.0, 2011: 1.12, 2012: 1.22, 2013: 1.22, 2014: 1.18 };
      return table[year] ?? 1.18 * Math.pow(0.96, year - 2014);
    }
    default: {
      const never: never = path;
      throw new Error(`unknown path ${String(never)}`);
    }
  }
}

/** A multiplicative random walk over the years, equal to 1 in FY2008. */
function walk(rng: Rng, sd: number): Map<number, number> {
  const out = new Map<number, number>([[NATIONAL_REFERENCE_YEAR, 1]]);
  let v = 1;
  for (let y = NATIONAL_REFERENCE_YEAR + 1; y <= NATIONAL_LAST_YEAR; y++) out.set(y, (v *= Math.exp(sd * rng.normal())));
  v = 1;
  for (let y = NATIONAL_REFERENCE_YEAR - 1; y >= NATIONAL_FIRST_YEAR; y--) out.set(y, (v *= Math.exp(sd * rng.normal())));
  return out;
}

function shuffle<T>(rng: Rng, xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [xs[i], xs[j]] = [xs[j] as T, xs[i] as T];
  }
  return xs;
}

/**
 * Sites and companies: most installations are a site of their own; 12% join an existing site of
 * their sector (and its company). Each sector has a growing pool of companies drawn with Zipf
 * weights, so a few companies own many sites.
 */
class Places {
  private readonly sites = new Map<string, { site: string; company: string }[]>();
  private readonly pools = new Map<string, number>();

  next(rng: Rng, sector: string, id: string): { site: string; company: string } {
    const sites = this.sites.get(sector) ?? [];
    this.sites.set(sector, sites);
    if (sites.length > 0 && rng.next() < 0.12) return sites[rng.int(sites.length)] as { site: string; company: string };
    const pool = Math.max(1, (this.pools.get(sector) ?? 0) + (rng.next() < 0.2 ? 1 : 0));
    this.pools.set(sector, pool);
    const weights = Array.from({ length: pool }, (_, r) => 1 / (r + 1));
    const place = { site: `ST-${id}`, company: `${sector.toUpperCase().slice(0, 3)}-C${String(rng.weighted(weights) + 1).padStart(3, "0")}` };
    sites.push(place);
    return place;
  }
}

/** The installation's rows from its first to its last year: FY2008 exactly as drafted. */
function activityRows(rng: Rng, d: Draft, id: string): Activity[] {
  const eWalk = walk(rng, 0.035);
  const mWalk = walk(rng, 0.02);
  const rows: Activity[] = [];
  for (let y = Math.max(NATIONAL_FIRST_YEAR, d.startYear); y <= d.lastYear; y++) {
    const index = pathIndex(d.sector.path, y);
    const ref = y === NATIONAL_REFERENCE_YEAR;
    const emissions = ref ? d.direct2008 : Math.round(d.direct2008 * index * (eWalk.get(y) ?? 1));
    const mwh = ref ? d.electricityMwh2008 : Math.round(d.electricityMwh2008 * index * (eWalk.get(y) ?? 1) * (mWalk.get(y) ?? 1) * 10) / 10;
    const a: Activity = { installation: id, year: y, emissions, electricityMwh: mwh, line: 0 };
    if (d.product !== undefined) a.output = Math.round(emissions / (d.intensity * Math.pow(0.996, y - NATIONAL_REFERENCE_YEAR)));
    rows.push(a);
  }
  return rows;
}

export function generateNational(options: NationalOptions = {}): Omit<Dataset, "files"> {
  const rng = new Rng(options.seed ?? 1);
  const drafts = calibratedDrafts(rng, options.smallInstallations ?? 2600);
  for (let i = 0; i < (options.newEntrants ?? 500); i++) {
    const indirect = Math.exp(rng.uniform(Math.log(1000), Math.log(300_000)));
    const band = indirect < 3000 ? 0 : indirect < 10_000 ? 1 : indirect < 25_000 ? 2 : indirect < 100_000 ? 3 : 4;
    drafts.push(draftConsumer(rng, indirect, band, false));
  }
  shuffle(rng, drafts);
  const installations: Installation[] = [];
  const activity: Activity[] = [];
  const places = new Places();
  const counters = new Map<string, number>();
  drafts.forEach((d, idx) => {
    const id = `JP${String(idx + 1).padStart(6, "0")}`;
    const code = d.sector.code;
    const place = places.next(rng, code, id);
    const n = (counters.get(code) ?? 0) + 1;
    counters.set(code, n);
    const inst: Installation = {
      installation: id, name: `${d.sector.label} ${n}`, sector: code, company: place.company, site: place.site,
      startYear: d.startYear, line: 0,
    };
    const rows = activityRows(rng, d, id);
    activity.push(...rows);
    if (d.product !== undefined) {
      inst.product = d.product;
      const output2008 = (rows.find((a) => a.year === NATIONAL_REFERENCE_YEAR) ?? rows[0])?.output;
      if (output2008 !== undefined) inst.capacity = Math.round(output2008 / rng.uniform(0.75, 0.95));
    }
    installations.push(inst);
  });
  const sectors: Sector[] = SECTORS.map((s) => {
    const [valueAdded, exports, imports, domesticOutput] = s.economy;
    const out: Sector = { sector: s.code, name: s.name, valueAdded, exports, imports, domesticOutput, line: 0 };
    if (s.benchmarkProduct !== undefined) out.benchmarkProduct = s.benchmarkProduct;
    return out;
  });
  return {
    meta: {
      name: "Synthetic national dataset (calibrated to the FY2008 coverage study)",
      currency: "JPY",
      gridFactor: NATIONAL_GRID_FACTOR,
      nationalTotal: STUDY_NATIONAL_TOTAL_TONNES,
      year: NATIONAL_REFERENCE_YEAR,
      exchangeRates: { EUR: 152, USD: 103 },
      description: `Generated by ets dataset generate --seed ${options.seed ?? 1}. Synthetic: not real installations.`,
    },
    sectors,
    installations,
    activity,
    products: PRODUCTS.map((p) => ({ ...p, line: 0 })),
  };
}
