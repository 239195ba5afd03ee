// `ets allocate`: a year's free allocation for every installation of a dataset under a rulebook's
// allocation rules, with the explanation of each figure; `--commit` writes it to the ledger
// (idempotently: deterministic ids, so a second run allocates nothing more).
import type { Command } from "commander";
import { allocate, RulesMappingError, rulesFromRulebook } from "../../domain/allocation/index.ts";
import type { AllocationRun, InstallationAttributes } from "../../domain/allocation/index.ts";
import { capFor } from "../../domain/rulebook/index.ts";
import type { Rulebook } from "../../domain/rulebook/index.ts";
import { InputError } from "../../io/csv.ts";
import type { ColumnSpec } from "../../io/csv.ts";
import type { Dataset } from "../../io/dataset.ts";
import { loadRulebook, RulebookLoadError } from "../../io/rulebook.ts";
import { readTable, tableFormat, writeTable } from "../../io/table.ts";
import { commitAllocation, CommitRefused } from "../../registry/allocation-commit.ts";
import { LedgerService } from "../../registry/ledger.ts";
import { openStore } from "../../store/open.ts";
import { action, CommandFailure, printJson, printTable, progress, UsageError } from "../io.ts";
import { loadOrExplain } from "./common-dataset.ts";

interface Opts {
  rulebook: string;
  dataset: string;
  year: string;
  attributes?: string;
  explain?: boolean;
  json?: boolean;
  out?: string;
  commit?: boolean;
  database?: string;
  actor?: string;
}

export const ATTRIBUTE_COLUMNS: readonly ColumnSpec[] = [
  { name: "installation", type: "string" },
  { name: "class", type: "string", required: false },
  { name: "top_level", type: "string", required: false },
  { name: "base_from", type: "integer", min: 1800, required: false },
  { name: "exclude_year", type: "integer", min: 1800, required: false },
  { name: "options", type: "string", required: false },
  { name: "applied", type: "string", required: false },
  { name: "start", type: "string", required: false },
];

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Per-installation attributes the dataset does not hold (class, top-level status, entrant dates, factor options). */
export async function readAttributes(path: string, d: Dataset): Promise<Map<string, InstallationAttributes>> {
  const rows = await readTable(path, ATTRIBUTE_COLUMNS);
  const known = new Set(d.installations.map((i) => i.installation));
  const out = new Map<string, InstallationAttributes>();
  for (const r of rows) {
    const id = r.installation as string;
    if (!known.has(id)) throw new InputError(path, r.__line, "installation", `unknown installation "${id}" (not in the dataset)`);
    if (out.has(id)) throw new InputError(path, r.__line, "installation", `duplicate installation "${id}"`);
    const a: InstallationAttributes = {};
    if (r.class !== undefined) a.class = r.class as string;
    if (r.top_level !== undefined) a.topLevel = r.top_level as string;
    if (r.base_from !== undefined) a.baseFrom = r.base_from as number;
    if (r.exclude_year !== undefined) a.excludeYear = r.exclude_year as number;
    for (const k of ["applied", "start"] as const) {
      const v = r[k] as string | undefined;
      if (v === undefined) continue;
      if (!ISO_DATE.test(v) || Number.isNaN(Date.parse(v))) throw new InputError(path, r.__line, k, `not a date (YYYY-MM-DD): ${JSON.stringify(v)}`);
      a[k] = v;
    }
    if (r.options !== undefined) {
      const opts: Record<string, string> = {};
      for (const part of (r.options as string).split(";")) {
        const m = /^\s*([A-Za-z0-9._-]+)\s*=\s*([A-Za-z0-9._-]+)\s*$/.exec(part);
        if (!m) throw new InputError(path, r.__line, "options", `expected factor=option pairs separated by ";", got ${JSON.stringify(part)}`);
        opts[m[1] as string] = m[2] as string;
      }
      a.options = opts;
    }
    out.set(id, a);
  }
  return out;
}

const OUT_HEADERS = ["installation", "sector", "method", "entitlement", "auction_share", "auctioned", "free", "new_entrant", "unmet", "true_up", "explanation"];

function outRows(run: AllocationRun): unknown[][] {
  return run.results.map((r) => [
    r.installation, r.sector, r.method, r.entitlement, r.auctionShare, r.auctioned, r.free, r.newEntrant ? "yes" : "", r.unmet, r.trueUp, r.explanation.lines.join(" | "),
  ]);
}

function load(nameOrPath: string): Rulebook {
  try {
    return loadRulebook(nameOrPath);
  } catch (err) {
    if (err instanceof RulebookLoadError) throw new UsageError(err.message);
    throw err;
  }
}

export function register(program: Command): void {
  program
    .command("allocate")
    .description("free allocation per installation for a year under a rulebook, explained; --commit writes it to the ledger")
    .requiredOption("--rulebook <name|file>", "preset name (see `ets rulebook list`) or a rulebook .yaml/.json file")
    .requiredOption("--dataset <dir>", "dataset folder (see docs/reference/dataset.md)")
    .requiredOption("--year <year>", "the allocation year")
    .option("--attributes <file>", "per-installation attributes (.csv/.xlsx): installation,class,top_level,base_from,exclude_year,options,applied,start")
    .option("--explain", "print each installation's explanation (lines, factors, roundings)")
    .option("--json", "print the run as JSON (amounts as strings of digits)")
    .option("--out <file>", "also write one row per installation to a .csv or .xlsx file")
    .option("--commit", "write the allocation to the ledger (idempotent: running it twice allocates once)")
    .option("--database <url|dir>", "store for --commit: postgres:// URL or PGlite directory (default: $DATABASE_URL or .data/pglite)")
    .option("--actor <id>", "who commits (recorded as the initiator)")
    .action(
      action(async (opts: Opts) => {
        if (!/^\d{4}$/.test(opts.year)) throw new UsageError(`option --year: not a year: ${JSON.stringify(opts.year)}`);
        const year = Number(opts.year);
        if (opts.out !== undefined && tableFormat(opts.out) === undefined) throw new UsageError(`option --out: use a .csv or .xlsx file name, got ${JSON.stringify(opts.out)}`);
        const rb = load(opts.rulebook);
        let rules;
        try {
          rules = rulesFromRulebook(rb, year);
        } catch (err) {
          if (err instanceof RulesMappingError) throw new UsageError(`${opts.rulebook}: ${err.message}`);
          throw err;
        }
        const d = await loadOrExplain(opts.dataset);
        let attributes: Map<string, InstallationAttributes> | undefined;
        if (opts.attributes !== undefined) {
          try {
            attributes = await readAttributes(opts.attributes, d);
          } catch (err) {
            if (err instanceof InputError) throw new UsageError(err.message);
            throw err;
          }
        }
        const bar = progress("allocating", d.installations.length);
        // Texts for every installation only when they are shown or written.
        const explain = opts.explain === true || opts.json === true || opts.out !== undefined;
        const run = allocate(rules, d.installations, d.activity, { explain, ...(attributes ? { attributes } : {}), onProgress: (done) => bar.update(done) });
        bar.stop();
        if (opts.out !== undefined) await writeTable(opts.out, OUT_HEADERS, outRows(run), "allocation");

        let committed: Awaited<ReturnType<typeof commitAllocation>> | undefined;
        if (opts.commit) {
          const db = await openStore({ database: opts.database });
          try {
            const ledger = await LedgerService.open(db);
            const company = new Map(d.installations.map((i) => [i.installation, i]));
            const cap = capFor(rb, year);
            const cbar = progress("committing", run.results.length);
            committed = await commitAllocation(ledger, {
              scheme: rb.scheme.id, year, ...(cap === undefined ? {} : { cap }),
              allocations: run.results.map((r) => {
                const i = company.get(r.installation);
                return { installation: r.installation, free: r.free, ...(i ? { holder: i.company, name: i.name } : {}) };
              }),
              ...(opts.actor === undefined ? {} : { actor: opts.actor }),
              onProgress: (done) => cbar.update(done),
            });
            cbar.stop();
          } catch (err) {
            if (err instanceof CommitRefused) throw new CommandFailure(`commit failed at ${err.message}`);
            throw err;
          } finally {
            await db.close();
          }
        }

        if (opts.json) {
          printJson({ ...run, ...(committed ? { committed } : {}) });
          return;
        }
        const rows = run.results.map((r) => [r.installation, r.sector, r.method, r.entitlement, r.auctionShare, r.auctioned, r.free]);
        process.stdout.write(`${run.scheme} ${year}${rules.period ? ` (period ${rules.period})` : ""}: ${run.results.length} installations allocated, ${run.skipped.length} skipped\n`);
        if (!opts.explain) printTable(["installation", "sector", "method", "entitlement", "auction share", "auctioned", "free"], rows);
        else {
          for (const r of run.results) {
            process.stdout.write(`\n${r.installation} (${r.sector}, ${r.method}): free ${r.free}, auctioned ${r.auctioned}\n`);
            for (const l of r.explanation.lines) process.stdout.write(`  ${l}\n`);
            for (const f of r.explanation.factors) process.stdout.write(`  factor ${f.name}: ${f.value}\n`);
            for (const x of r.explanation.roundings) process.stdout.write(`  rounding ${x.step}: ${x.exact} -> ${x.rounded} (${x.rule})\n`);
          }
        }
        process.stdout.write(`\ntotal: entitlement ${run.totals.entitlement}, auctioned ${run.totals.auctioned}, free ${run.totals.free}\n`);
        if (run.correction) process.stdout.write(`correction (${run.correction.kind}): factor ${run.correction.factor}${run.correction.applied ? "" : " (not needed)"}; ${run.correction.before} -> ${run.correction.after}\n`);
        if (run.reserve) process.stdout.write(`new entrants' reserve: ${run.reserve.size}, granted ${run.reserve.granted}, left ${run.reserve.remaining}, unmet demand ${run.reserve.unmet}\n`);
        for (const dv of run.derived) process.stdout.write(`derived from the data: ${dv.sector}${dv.product ? ` ${dv.product}` : ""} = ${dv.value} (${dv.how})\n`);
        if (run.skipped.length > 0) {
          process.stdout.write(`skipped:\n`);
          for (const s of run.skipped.slice(0, 20)) process.stdout.write(`  ${s.installation} (${s.sector}): ${s.reason}\n`);
          if (run.skipped.length > 20) process.stdout.write(`  ... and ${run.skipped.length - 20} more (see --json)\n`);
        }
        if (committed) process.stdout.write(`committed to the ledger: class ${committed.classCode}, issued ${committed.issued}, ${committed.transactions} transactions (${committed.replayed} already there), ${committed.accountsOpened} accounts opened\n`);
      }),
    );
}
