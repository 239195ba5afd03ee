// `ets coverage`: the coverage table of a dataset at given thresholds, in the study's layout.
import type { Command } from "commander";
import { coverageTable, studyLayout } from "../../domain/coverage/index.ts";
import type { CoverageBasis, CoverageTable, ElectricityTreatment } from "../../domain/coverage/index.ts";
import { tableFormat, writeTable } from "../../io/table.ts";
import { action, printJson, printTable, UsageError } from "../io.ts";
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
        if (opts.out !== undefined && tableFormat(opts.out) === undefined) throw new UsageError(`option --out: use a .csv or .xlsx file name, got ${JSON.stringify(opts.out)}`);
        let year: number | undefined;
        if (opts.year !== undefined) {
          if (!/^\d{4}$/.test(opts.year)) throw new UsageError(`option --year: not a year: ${JSON.stringify(opts.year)}`);
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
          const rows = tables.flatMap((t) => t.rows.map((r) => [t.year, t.electricity, t.basis, r.thresholdTonnes, r.entities, r.emissionsTonnes, r.shareOfReported, r.shareOfNational]));
          await writeTable(opts.out, OUT_HEADERS, rows, "coverage");
        }
        if (opts.json) {
          printJson(tables);
          return;
        }
        const first = tables[0];
        process.stdout.write(`${d.meta.name}: year ${first?.year}, basis ${basis}, national total ${((first?.nationalTotalTonnes ?? 0) / 1e6).toFixed(2)} Mt\n`);
        for (const t of tables) process.stdout.write(`  reported (${t.electricity}): ${t.reportedEntities} entities, ${(t.reportedTonnes / 1e6).toFixed(2)} Mt\n`);
        printTable(layout.headers, layout.rows);
      }),
    );
}
