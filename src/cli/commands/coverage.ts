// `ets coverage`: the coverage table of a dataset at given thresholds, in the study's layout. Its
// words come from the shared catalogue (src/i18n/messages/cli-coverage.ts): Japanese under LANG=ja_JP*.
import type { Command } from "commander";
import { coverageTable, studyLayout } from "../../domain/coverage/index.ts";
import type { CoverageBasis, CoverageTable, ElectricityTreatment } from "../../domain/coverage/index.ts";
import { tableFormat, writeTable } from "../../io/table.ts";
import { action, type CliKey, printJson, printTable, t, UsageError } from "../io.ts";
import { loadOrExplain, numberList, oneOf } from "./common-dataset.ts";

interface Opts {
  dataset: string;
  thresholds: string;
  electricity: string;
  basis: string;
  year?: string;
  json?: boolean;
  out?: string;
}

const OUT_HEADERS = ["year", "electricity", "basis", "threshold_t", "entities", "emissions_t", "share_of_reported", "share_of_national"];

const BASIS: Readonly<Record<CoverageBasis, CliKey>> = { installation: "cli.cov.basis.installation", site: "cli.cov.basis.site", company: "cli.cov.basis.company" };
const ENTITIES: Readonly<Record<CoverageBasis, CliKey>> = { installation: "cli.cov.col.reports", site: "cli.cov.col.sites", company: "cli.cov.col.companies" };
const ELECTRICITY: Readonly<Record<ElectricityTreatment, CliKey>> = { direct: "cli.cov.electricity.direct", indirect: "cli.cov.electricity.indirect" };

/** The study layout's headers in the CLI's language (the same columns as studyLayout's). */
function headers(tables: readonly CoverageTable[]): string[] {
  const out = [t("cli.cov.col.threshold")];
  for (const x of tables) {
    const electricity = t(ELECTRICITY[x.electricity]);
    out.push(t(ENTITIES[x.basis], { electricity }), t("cli.cov.col.emissions"), t("cli.cov.col.shareOfReported"), t("cli.cov.col.shareOfNational"));
  }
  return out;
}

export function register(program: Command): void {
  program
    .command("coverage")
    .description("who is covered at each threshold: counts, emissions, share of reported and of the national total")
    .requiredOption("--dataset <dir>", "dataset folder (see docs/reference/dataset.md)")
    .option("--thresholds <list>", "thresholds in t/yr, comma-separated", "3000,10000,25000,100000")
    .option("--electricity <mode>", "direct, indirect or both", "both")
    .option("--basis <basis>", "installation, site or company (emissions are summed per entity first)", "installation")
    .option("--year <year>", "year to analyse (default: the dataset's reference year)")
    .option("--json", "print the tables as JSON (shares as fractions)")
    .option("--out <file>", "also write the table (numbers, one row per treatment and threshold) to a .csv or .xlsx file")
    .action(
      action(async (opts: Opts) => {
        const thresholds = numberList("--thresholds", opts.thresholds);
        const mode = oneOf("--electricity", opts.electricity, ["direct", "indirect", "both"] as const);
        const basis = oneOf<CoverageBasis>("--basis", opts.basis, ["installation", "site", "company"]);
        if (opts.out !== undefined && tableFormat(opts.out) === undefined) throw new UsageError(t("cli.usage.tableOut", { value: JSON.stringify(opts.out) }), { field: "--out" });
        let year: number | undefined;
        if (opts.year !== undefined) {
          if (!/^\d{4}$/.test(opts.year)) throw new UsageError(t("cli.usage.notYear", { flag: "--year", value: JSON.stringify(opts.year) }), { field: "--year" });
          year = Number(opts.year);
        }
        const d = await loadOrExplain(opts.dataset);
        const treatments: ElectricityTreatment[] = mode === "both" ? ["indirect", "direct"] : [mode];
        const tables: CoverageTable[] = treatments.map((electricity) =>
          coverageTable(d, { thresholdsTonnes: thresholds, electricity, basis, ...(year === undefined ? {} : { year }) }),
        );
        const layout = studyLayout(tables);
        if (opts.out !== undefined) {
          // Numbers, not formatted text, so a spreadsheet can compute with them; one row per treatment and threshold.
          const rows = tables.flatMap((x) => x.rows.map((r) => [x.year, x.electricity, x.basis, r.thresholdTonnes, r.entities, r.emissionsTonnes, r.shareOfReported, r.shareOfNational]));
          await writeTable(opts.out, OUT_HEADERS, rows, "coverage");
        }
        if (opts.json) {
          printJson(tables);
          return;
        }
        const first = tables[0];
        process.stdout.write(`${t("cli.cov.head", { name: d.meta.name, year: String(first?.year), basis: t(BASIS[basis]), total: ((first?.nationalTotalTonnes ?? 0) / 1e6).toFixed(2) })}\n`);
        for (const x of tables) process.stdout.write(`${t("cli.cov.reported", { electricity: t(ELECTRICITY[x.electricity]), entities: x.reportedEntities, total: (x.reportedTonnes / 1e6).toFixed(2) })}\n`);
        printTable(headers(tables), layout.rows);
      }),
    );
}
