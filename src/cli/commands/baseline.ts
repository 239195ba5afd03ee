// `ets baseline`: grandfathering baselines from a long table installation,year,emissions: the
// variation of each installation's whole series, the steadiest run of N consecutive years (inside
// --within when given), its variation and the baseline (the run's mean). Variations are fractions.
// Its words come from the shared catalogue (src/i18n/messages/cli-allocate.ts, cli.base.*):
// Japanese under LANG=ja_JP*; --json and --out keep their English keys and reasons.
import type { Command } from "commander";
import { computeBaseline, toNumber } from "../../domain/allocation/index.ts";
import type { YearValue } from "../../domain/allocation/index.ts";
import { InputError } from "../../io/csv.ts";
import type { ColumnSpec } from "../../io/csv.ts";
import { loadRulebookArg } from "./rulebook.ts";
import { readTable, tableFormat, writeTable } from "../../io/table.ts";
import { action, printJson, printTable, progress, t, UsageError } from "../io.ts";

interface Opts {
  input: string;
  window: string;
  within?: string;
  excludeAbnormal?: boolean;
  rulebook?: string;
  json?: boolean;
  out?: string;
}

export const BASELINE_COLUMNS: readonly ColumnSpec[] = [
  { name: "installation", type: "string" },
  { name: "year", type: "integer", min: 1800 },
  // At most 1e12 t a year (a thousand billion tonnes; the world emits about 5e10): beyond that, the
  // series' sums and squares lose the figures (1e308 printed Infinity and a 0% variation).
  { name: "emissions", type: "decimal", min: 0, max: 1e12 },
  { name: "sector", type: "string", required: false },
];

/** A sector's base-period rule from a rulebook: run length and the window it must lie in. */
export interface SectorBase {
  years: number;
  window: { from: number; to: number };
}

export interface BaselineRow {
  installation: string;
  variationAll: number;
  window: [number, number] | null;
  variationWindow: number | null;
  baseline: number | null;
  excluded?: number;
  reason?: string;
}

/**
 * Reads and checks the table: every row typed, no installation with the same year twice; with
 * `sectors` (from a rulebook) every row names a known grandfathered sector, one per installation.
 */
export async function readSeries(path: string, sectors?: ReadonlyMap<string, SectorBase | string>, sectorOf?: Map<string, string>): Promise<Map<string, YearValue[]>> {
  const rows = await readTable(path, BASELINE_COLUMNS);
  const series = new Map<string, YearValue[]>();
  const firstLine = new Map<string, number>();
  for (const r of rows) {
    const id = r.installation as string;
    const year = r.year as number;
    if (sectors && sectorOf) {
      const sector = r.sector as string | undefined;
      if (sector === undefined) throw new InputError(path, r.__line, "sector", "a sector is needed to take the base period from the rulebook");
      const rule = sectors.get(sector);
      if (rule === undefined) throw new InputError(path, r.__line, "sector", `unknown sector "${sector}" (the rulebook has: ${[...sectors.keys()].join(", ")})`);
      if (typeof rule === "string") throw new InputError(path, r.__line, "sector", `sector "${sector}" is not grandfathered in the rulebook (method ${rule})`);
      const before = sectorOf.get(id);
      if (before !== undefined && before !== sector) throw new InputError(path, r.__line, "sector", `installation "${id}" is in sector "${before}" on an earlier line`);
      sectorOf.set(id, sector);
    }
    const key = `${id}\u0000${year}`;
    const first = firstLine.get(key);
    if (first !== undefined) throw new InputError(path, r.__line, "year", `duplicate year ${year} for installation "${id}" (first on line ${first})`);
    firstLine.set(key, r.__line);
    const list = series.get(id);
    const point = { year, value: r.emissions as number };
    if (list) list.push(point);
    else series.set(id, [point]);
  }
  return series;
}

function parseWithin(text: string): { from: number; to: number } {
  const m = /^(\d{4})-(\d{4})$/.exec(text.trim());
  if (!m || Number(m[1]) > Number(m[2])) throw new UsageError(t("cli.base.within", { value: JSON.stringify(text) }), { field: "--within" });
  return { from: Number(m[1]), to: Number(m[2]) };
}

export function baselines(
  series: ReadonlyMap<string, YearValue[]>,
  length: number,
  within: { from: number; to: number } | undefined,
  excludeAbnormal: boolean,
  perInstallation?: (installation: string) => SectorBase | undefined,
): BaselineRow[] {
  const out: BaselineRow[] = [];
  const bar = progress(t("cli.base.progress"), series.size);
  let i = 0;
  for (const [installation, points] of series) {
    if (++i % 10_000 === 0) bar.update(i);
    points.sort((a, b) => a.year - b.year);
    const own = perInstallation?.(installation);
    const n = own?.years ?? length;
    const w = own?.window ?? within;
    const r = computeBaseline(points, { length: n, ...(w ? { within: w } : {}), ...(excludeAbnormal ? { exclude: "auto" as const } : {}) });
    if ("code" in r) {
      const values = points.map((p) => p.value);
      const min = Math.min(...values);
      const max = Math.max(...values);
      const mean = values.reduce((s, v) => s + v, 0) / values.length;
      out.push({
        installation, variationAll: max === min ? 0 : (max - min) / mean, window: null, variationWindow: null, baseline: null,
        reason: `no run of ${n} consecutive years${w ? ` in ${w.from}-${w.to}` : ""}`,
      });
      continue;
    }
    const row: BaselineRow = { installation, variationAll: r.variationAll, window: [r.from, r.to], variationWindow: r.variationWindow, baseline: toNumber(r.baseline) };
    if (r.excluded !== undefined) row.excluded = r.excluded;
    out.push(row);
  }
  bar.stop();
  return out;
}

const pct = (v: number | null) => (v === null ? "" : `${(v * 100).toFixed(2)}%`);

/** Why a row has no baseline, in the CLI's language (the row's `reason` stays in English for --json and --out). */
function reasonText(reason: string): string {
  const m = /^no run of (\d+) consecutive years(?: in (\d{4})-(\d{4}))?$/.exec(reason);
  if (!m) return reason;
  return t("cli.base.noRun", { years: String(m[1]), within: m[2] ? t("cli.base.noRunWithin", { from: String(m[2]), to: String(m[3]) }) : "" });
}

export function register(program: Command): void {
  program
    .command("baseline")
    .description("grandfathering baselines: variation of each series, the steadiest run of N years, and its mean")
    .requiredOption("--input <file>", "long table (.csv or .xlsx) with columns installation,year,emissions")
    .option("--window <n>", "years in the base period (consecutive)", "3")
    .option("--within <from-to>", "years the base period must lie in, e.g. 2002-2007 (default: the whole series)")
    .option("--rulebook <name|file>", "take each installation's run length and window from its sector's grandfathering base period (needs a sector column)")
    .option("--exclude-abnormal", "drop the year of the run farthest from the others (the baseline is the mean of the rest)")
    .option("--json", 'print [{"installation","variationAll","window":[from,to],"variationWindow","baseline"}], variations as fractions')
    .option("--out <file>", "also write the rows to a .csv or .xlsx file")
    .action(
      action(async (opts: Opts) => {
        if (!/^\d+$/.test(opts.window) || Number(opts.window) < 1) throw new UsageError(t("cli.base.window", { value: JSON.stringify(opts.window) }), { field: "--window" });
        const length = Number(opts.window);
        const within = opts.within === undefined ? undefined : parseWithin(opts.within);
        if (opts.out !== undefined && tableFormat(opts.out) === undefined) throw new UsageError(t("cli.usage.tableOut", { value: JSON.stringify(opts.out) }), { field: "--out" });
        let sectors: Map<string, SectorBase | string> | undefined;
        if (opts.rulebook !== undefined) {
          const rb = loadRulebookArg(opts.rulebook);
          sectors = new Map(Object.entries(rb.allocation.sectors).map(([id, rule]) => [id, rule.method === "grandfathering" ? { years: rule.basePeriod.years, window: { ...rule.basePeriod.window } } : rule.method]));
        }
        const sectorOf = new Map<string, string>();
        let series: Map<string, YearValue[]>;
        try {
          series = await readSeries(opts.input, sectors, sectorOf);
        } catch (err) {
          if (err instanceof InputError) throw new UsageError(err.message);
          throw err;
        }
        const perInstallation = sectors ? (id: string) => sectors.get(sectorOf.get(id) ?? "") as SectorBase | undefined : undefined;
        const rows = baselines(series, length, within, opts.excludeAbnormal === true, perInstallation);
        if (opts.out !== undefined) {
          await writeTable(opts.out, ["installation", "variation_all", "from", "to", "variation_window", "baseline", "excluded"],
            rows.map((r) => [r.installation, r.variationAll, r.window?.[0], r.window?.[1], r.variationWindow, r.baseline, r.excluded]), "baselines");
        }
        if (opts.json) {
          printJson(rows);
          return;
        }
        const headers = [t("cli.base.col.installation"), t("cli.base.col.variationAll"), t("cli.base.col.window"), t("cli.base.col.variationWindow"), t("cli.base.col.baseline")];
        const window = (r: BaselineRow) => (r.window ? `${r.window[0]}-${r.window[1]}${r.excluded === undefined ? "" : t("cli.base.without", { year: r.excluded })}` : reasonText(r.reason ?? ""));
        printTable(headers, rows.map((r) => [r.installation, pct(r.variationAll), window(r), pct(r.variationWindow), r.baseline === null ? "" : Number(r.baseline.toFixed(3))]));
      }),
    );
}
