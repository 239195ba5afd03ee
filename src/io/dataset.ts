// The national dataset format (owned here, read by coverage, leakage, benchmarks and allocation):
// a folder with dataset.json and the tables sectors, installations, activity and (optional)
// products, each as .csv or .xlsx. Loading validates every row and every cross-reference and
// throws the first problem as an InputError naming file, line (sheet row) and column.
// Emissions, electricity and output are floats in tonnes / MWh / product units: analyses only.
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { InputError } from "./csv.ts";
import type { ColumnSpec, Row } from "./csv.ts";
import { readTable, writeTable } from "./table.ts";

export interface DatasetMeta {
  name: string;
  /** ISO 4217 code of money in sectors (millions of this currency). */
  currency: string;
  /** t-CO2 per MWh, used for indirect electricity. */
  gridFactor: number;
  /** National inventory in t, the denominator of "share of national total". */
  nationalTotal: number;
  /** Reference year of coverage analyses. */
  year: number;
  /** Units of the dataset currency per unit of another currency (e.g. {"EUR": 152}). */
  exchangeRates?: Record<string, number>;
  description?: string;
}

export interface Sector {
  sector: string;
  name: string;
  /** Millions of the dataset currency. */
  valueAdded: number;
  exports: number;
  imports: number;
  domesticOutput: number;
  benchmarkProduct?: string;
  line: number;
}

export interface Installation {
  installation: string;
  name: string;
  sector: string;
  company: string;
  site: string;
  startYear: number;
  capacity?: number;
  product?: string;
  line: number;
}

export interface Activity {
  installation: string;
  year: number;
  /** Direct CO2 (fuel combustion + process), t. */
  emissions: number;
  /** Electricity consumed, MWh. */
  electricityMwh: number;
  /** Output in the product's unit, when the installation has a product. */
  output?: number;
  line: number;
}

export interface Product {
  product: string;
  name: string;
  unit: string;
  /** Benchmark in t-CO2 per unit, when one is set. */
  benchmark?: number;
  line: number;
}

export interface Dataset {
  meta: DatasetMeta;
  sectors: Sector[];
  installations: Installation[];
  activity: Activity[];
  products: Product[];
  /** Where each table was read from (for messages). */
  files: Record<TableName, string | undefined>;
}

export type TableName = "sectors" | "installations" | "activity" | "products";

export const columns = {
  sectors: [
    { name: "sector", type: "string" },
    { name: "name", type: "string" },
    { name: "value_added", type: "decimal", min: 0 },
    { name: "exports", type: "decimal", min: 0 },
    { name: "imports", type: "decimal", min: 0 },
    { name: "domestic_output", type: "decimal", min: 0 },
    { name: "benchmark_product", type: "string", required: false },
  ],
  installations: [
    { name: "installation", type: "string" },
    { name: "name", type: "string" },
    { name: "sector", type: "string" },
    { name: "company", type: "string" },
    { name: "site", type: "string" },
    { name: "start_year", type: "integer", min: 1800 },
    { name: "capacity", type: "decimal", min: 0, required: false },
    { name: "product", type: "string", required: false },
  ],
  activity: [
    { name: "installation", type: "string" },
    { name: "year", type: "integer", min: 1800 },
    { name: "emissions", type: "decimal", min: 0 },
    { name: "electricity_mwh", type: "decimal", min: 0 },
    { name: "output", type: "decimal", min: 0, required: false },
  ],
  products: [
    { name: "product", type: "string" },
    { name: "name", type: "string" },
    { name: "unit", type: "string" },
    { name: "benchmark", type: "decimal", min: 0, required: false },
  ],
} as const satisfies Record<TableName, readonly ColumnSpec[]>;

export const metaSchema = z.strictObject({
  name: z.string().min(1),
  currency: z.string().regex(/^[A-Z]{3}$/, "a three-letter ISO 4217 code such as JPY"),
  gridFactor: z.number().nonnegative(),
  nationalTotal: z.number().positive(),
  year: z.number().int().min(1800).max(3000),
  exchangeRates: z.record(z.string().regex(/^[A-Z]{3}$/), z.number().positive()).optional(),
  description: z.string().optional(),
});

/** Validates the parsed dataset.json; errors name the field path. */
export function parseMeta(value: unknown, file = "dataset.json"): DatasetMeta {
  const r = metaSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    const path = issue && issue.path.length > 0 ? issue.path.join(".") : undefined;
    throw new InputError(file, undefined, path, issue?.message ?? "invalid");
  }
  const m = r.data;
  const meta: DatasetMeta = { name: m.name, currency: m.currency, gridFactor: m.gridFactor, nationalTotal: m.nationalTotal, year: m.year };
  if (m.exchangeRates) meta.exchangeRates = m.exchangeRates;
  if (m.description !== undefined) meta.description = m.description;
  return meta;
}

const str = (r: Row, k: string) => r[k] as string;
const num = (r: Row, k: string) => r[k] as number;
const opt = <T>(r: Row, k: string) => r[k] as T | undefined;

type FileOf = (t: TableName) => string;

function buildProducts(rows: Row[], f: FileOf): Product[] {
  const seen = new Map<string, number>();
  return rows.map((r) => {
    const id = str(r, "product");
    const first = seen.get(id);
    if (first !== undefined) throw new InputError(f("products"), r.__line, "product", `duplicate product "${id}" (first on line ${first})`);
    seen.set(id, r.__line);
    const p: Product = { product: id, name: str(r, "name"), unit: str(r, "unit"), line: r.__line };
    const bm = opt<number>(r, "benchmark");
    if (bm !== undefined) p.benchmark = bm;
    return p;
  });
}

/** A product reference must name a row of products.csv when that table exists. */
function checkProduct(products: ReadonlySet<string>, value: string, f: FileOf, table: TableName, line: number, column: string): void {
  if (products.size > 0 && !products.has(value)) throw new InputError(f(table), line, column, `unknown product "${value}" (not in ${f("products")})`);
}

function buildSectors(rows: Row[], products: ReadonlySet<string>, f: FileOf): Sector[] {
  const seen = new Map<string, number>();
  return rows.map((r) => {
    const id = str(r, "sector");
    const first = seen.get(id);
    if (first !== undefined) throw new InputError(f("sectors"), r.__line, "sector", `duplicate sector "${id}" (first on line ${first})`);
    seen.set(id, r.__line);
    const s: Sector = {
      sector: id, name: str(r, "name"), valueAdded: num(r, "value_added"), exports: num(r, "exports"),
      imports: num(r, "imports"), domesticOutput: num(r, "domestic_output"), line: r.__line,
    };
    const bp = opt<string>(r, "benchmark_product");
    if (bp !== undefined) {
      checkProduct(products, bp, f, "sectors", r.__line, "benchmark_product");
      s.benchmarkProduct = bp;
    }
    return s;
  });
}

function buildInstallations(rows: Row[], sectors: ReadonlySet<string>, products: ReadonlySet<string>, f: FileOf): Installation[] {
  const seen = new Map<string, number>();
  return rows.map((r) => {
    const id = str(r, "installation");
    const first = seen.get(id);
    if (first !== undefined) throw new InputError(f("installations"), r.__line, "installation", `duplicate installation "${id}" (first on line ${first})`);
    seen.set(id, r.__line);
    const sector = str(r, "sector");
    if (!sectors.has(sector)) throw new InputError(f("installations"), r.__line, "sector", `unknown sector "${sector}" (known: ${[...sectors].join(", ")})`);
    const inst: Installation = {
      installation: id, name: str(r, "name"), sector, company: str(r, "company"), site: str(r, "site"),
      startYear: num(r, "start_year"), line: r.__line,
    };
    const cap = opt<number>(r, "capacity");
    if (cap !== undefined) inst.capacity = cap;
    const product = opt<string>(r, "product");
    if (product !== undefined) {
      checkProduct(products, product, f, "installations", r.__line, "product");
      inst.product = product;
    }
    return inst;
  });
}

function buildActivity(rows: Row[], installations: ReadonlyMap<string, Installation>, f: FileOf): Activity[] {
  const seen = new Map<string, number>();
  return rows.map((r) => {
    const id = str(r, "installation");
    const inst = installations.get(id);
    if (!inst) throw new InputError(f("activity"), r.__line, "installation", `unknown installation "${id}" (not in ${f("installations")})`);
    const year = num(r, "year");
    const key = `${id}\u0000${year}`;
    const first = seen.get(key);
    if (first !== undefined) throw new InputError(f("activity"), r.__line, "year", `duplicate year ${year} for installation "${id}" (first on line ${first})`);
    seen.set(key, r.__line);
    if (year < inst.startYear) throw new InputError(f("activity"), r.__line, "year", `year ${year} is before the installation's start_year ${inst.startYear}`);
    const a: Activity = { installation: id, year, emissions: num(r, "emissions"), electricityMwh: num(r, "electricity_mwh"), line: r.__line };
    const out = opt<number>(r, "output");
    if (out !== undefined) a.output = out;
    return a;
  });
}

/** Builds a validated Dataset from typed rows (the rows as readTable returns them). */
export function buildDataset(
  meta: DatasetMeta,
  rows: { sectors: Row[]; installations: Row[]; activity: Row[]; products?: Row[] },
  files: Record<TableName, string | undefined>,
): Dataset {
  const f: FileOf = (t) => files[t] ?? `${t}.csv`;
  const products = buildProducts(rows.products ?? [], f);
  const productIds = new Set(products.map((p) => p.product));
  const sectors = buildSectors(rows.sectors, productIds, f);
  const installations = buildInstallations(rows.installations, new Set(sectors.map((s) => s.sector)), productIds, f);
  const activity = buildActivity(rows.activity, new Map(installations.map((i) => [i.installation, i])), f);
  return { meta, sectors, installations, activity, products, files };
}

async function exists(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

/** Finds `<name>.csv` or `<name>.xlsx` in the folder (both present is an error: which one counts?). */
async function locate(dir: string, name: TableName, required: boolean): Promise<string | undefined> {
  const csv = join(dir, `${name}.csv`);
  const xlsx = join(dir, `${name}.xlsx`);
  const [hasCsv, hasXlsx] = await Promise.all([exists(csv), exists(xlsx)]);
  if (hasCsv && hasXlsx) throw new InputError(join(dir, name), undefined, undefined, `both ${name}.csv and ${name}.xlsx exist: keep one`);
  if (hasCsv) return csv;
  if (hasXlsx) return xlsx;
  if (required) throw new InputError(csv, undefined, undefined, `missing table: the dataset folder needs ${name}.csv or ${name}.xlsx`);
  return undefined;
}

/** Loads and validates a dataset folder; `onStage` hears what is being read (for progress lines). */
export async function loadDataset(dir: string, onStage: (stage: string) => void = () => {}): Promise<Dataset> {
  const metaPath = join(dir, "dataset.json");
  let text: string;
  try {
    text = await readFile(metaPath, "utf8");
  } catch {
    throw new InputError(metaPath, undefined, undefined, "missing dataset.json: is this a dataset folder?");
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError(metaPath, undefined, undefined, `not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const meta = parseMeta(json, metaPath);
  const files: Record<TableName, string | undefined> = {
    sectors: await locate(dir, "sectors", true),
    installations: await locate(dir, "installations", true),
    activity: await locate(dir, "activity", true),
    products: await locate(dir, "products", false),
  };
  const read = async (t: TableName) => {
    const path = files[t];
    if (path === undefined) return [];
    onStage(`reading ${path}`);
    return readTable(path, columns[t]);
  };
  const products = await read("products");
  const sectors = await read("sectors");
  const installations = await read("installations");
  const activity = await read("activity");
  onStage(`checking ${activity.length} activity rows`);
  return buildDataset(meta, { sectors, installations, activity, products }, files);
}

/** The tables of a dataset as header + rows, in the file format's column order. */
export function datasetTables(d: Omit<Dataset, "files">): Record<TableName, { headers: string[]; rows: unknown[][] }> {
  return {
    sectors: {
      headers: columns.sectors.map((c) => c.name),
      rows: d.sectors.map((s) => [s.sector, s.name, s.valueAdded, s.exports, s.imports, s.domesticOutput, s.benchmarkProduct]),
    },
    installations: {
      headers: columns.installations.map((c) => c.name),
      rows: d.installations.map((i) => [i.installation, i.name, i.sector, i.company, i.site, i.startYear, i.capacity, i.product]),
    },
    activity: {
      headers: columns.activity.map((c) => c.name),
      rows: d.activity.map((a) => [a.installation, a.year, a.emissions, a.electricityMwh, a.output]),
    },
    products: {
      headers: columns.products.map((c) => c.name),
      rows: d.products.map((p) => [p.product, p.name, p.unit, p.benchmark]),
    },
  };
}

/** Writes a dataset folder (dataset.json + one file per table, CSV or XLSX). Products only when present. */
export async function writeDataset(dir: string, d: Omit<Dataset, "files">, format: "csv" | "xlsx" = "csv"): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  const metaPath = join(dir, "dataset.json");
  await writeFile(metaPath, `${JSON.stringify(d.meta, null, 2)}\n`);
  written.push(metaPath);
  const tables = datasetTables(d);
  for (const name of ["sectors", "installations", "activity", "products"] as const) {
    if (name === "products" && d.products.length === 0) continue;
    const t = tables[name];
    const path = join(dir, `${name}.${format}`);
    await writeTable(path, t.headers, t.rows, name);
    written.push(path);
  }
  return written;
}
