// `ets allocate`: a year's free allocation for every installation of a dataset under a rulebook's
// allocation rules, with the explanation of each figure; `--commit` writes it to the ledger
// (idempotently: deterministic ids, so a second run allocates nothing more). Its words come from
// the shared catalogue (src/i18n/messages/cli-allocate.ts) and the explanations from the engine's
// Texts: Japanese under LANG=ja_JP*; --json and --out keep their English keys and texts.
import type { Command } from "commander";
import { allocate, applyChanges, dayOfYear, DEFAULT_CHANGE_RULES, isQuiet, ratio, RulesMappingError, rulesFromRulebook } from "../../domain/allocation/index.ts";
import type { AllocationRun, Change, Consequence, InstallationAttributes } from "../../domain/allocation/index.ts";
import { exAnteSplit } from "../../domain/compliance/true-up.ts";
import { capFor } from "../../domain/rulebook/index.ts";
import type { Rulebook } from "../../domain/rulebook/index.ts";
import { InputError } from "../../io/csv.ts";
import type { ColumnSpec } from "../../io/csv.ts";
import type { Dataset } from "../../io/dataset.ts";
import { readTable, tableFormat, writeTable } from "../../io/table.ts";
import { commitAllocation, CommitRefused } from "../../registry/allocation-commit.ts";
import { actingUser, registryContext } from "./registry/index.ts";
import { openStore } from "../../store/open.ts";
import { loadRulebookArg } from "./rulebook.ts";
import { renderText, type Text } from "../../i18n/index.ts";
import { action, cliLang, CommandFailure, printJson, printTable, progress, t, UsageError } from "../io.ts";
import { loadOrExplain } from "./common-dataset.ts";

interface Opts {
  rulebook: string;
  dataset: string;
  year: string;
  attributes?: string;
  changes?: string;
  explain?: boolean;
  json?: boolean;
  out?: string;
  commit?: boolean;
  database?: string;
  as?: string;
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

export const CHANGE_COLUMNS: readonly ColumnSpec[] = [
  { name: "installation", type: "string" },
  { name: "kind", type: "string" },
  { name: "date", type: "string" },
  { name: "to", type: "string", required: false },
  { name: "normal_business", type: "string", required: false },
  { name: "lost_share", type: "decimal", min: 0, required: false },
  { name: "below_threshold", type: "string", required: false },
  { name: "new_owner", type: "string", required: false },
];

const KINDS = ["closure", "suspension", "capacity-reduction", "owner-change"] as const;

/** Closures, suspensions, capacity reductions and changes of owner during the year, checked row by row. */
export async function readChanges(path: string, d: Dataset, year: number): Promise<Change[]> {
  const rows = await readTable(path, CHANGE_COLUMNS);
  const byId = new Map(d.installations.map((i) => [i.installation, i]));
  return rows.map((r) => {
    const id = r.installation as string;
    const inst = byId.get(id);
    if (!inst) throw new InputError(path, r.__line, "installation", `unknown installation "${id}" (not in the dataset)`);
    const kind = r.kind as string;
    if (!(KINDS as readonly string[]).includes(kind)) throw new InputError(path, r.__line, "kind", `unknown kind "${kind}" (one of: ${KINDS.join(", ")})`);
    const date = (column: "date" | "to"): string => {
      const v = r[column] as string | undefined;
      if (v === undefined) throw new InputError(path, r.__line, column, `a ${kind} needs ${column === "to" ? "an end date" : "a date"}`);
      let y: number;
      try {
        y = dayOfYear(v).year;
      } catch {
        throw new InputError(path, r.__line, column, `not a date (YYYY-MM-DD): ${JSON.stringify(v)}`);
      }
      if (y !== year) throw new InputError(path, r.__line, column, `${v} is not in the allocation year ${year}`);
      return v;
    };
    const flag = (column: "normal_business" | "below_threshold"): boolean => {
      const v = r[column] as string | undefined;
      if (v === undefined || v === "no") return false;
      if (v === "yes") return true;
      throw new InputError(path, r.__line, column, `expected yes or no, got ${JSON.stringify(v)}`);
    };
    switch (kind) {
      case "closure":
        return { kind, installation: id, date: date("date") };
      case "suspension": {
        const from = date("date");
        const to = date("to");
        if (to < from) throw new InputError(path, r.__line, "to", `ends (${to}) before it starts (${from})`);
        return { kind, installation: id, from, to, normalBusiness: flag("normal_business") };
      }
      case "capacity-reduction": {
        const lost = r.lost_share as number | undefined;
        if (lost === undefined || lost > 1) throw new InputError(path, r.__line, "lost_share", "a capacity reduction needs the lost share of capacity, 0 to 1");
        return { kind, installation: id, date: date("date"), lostShare: ratio(lost), belowThreshold: flag("below_threshold") };
      }
      default: {
        const to = r.new_owner as string | undefined;
        if (to === undefined) throw new InputError(path, r.__line, "new_owner", "a change of owner needs the new owner");
        return { kind: "owner-change", installation: id, date: date("date"), from: inst.company, to };
      }
    }
  });
}

/** Ex-ante sectors (China power): each result gets its pre-allocation and, on verified output, its true-up. */
function addExAnte(rb: Rulebook, year: number, run: AllocationRun, d: Dataset, attributes: Map<string, InstallationAttributes> | undefined) {
  const lines = exAnteSplit(rb, year, run.results, d.installations, d.activity, (id) => attributes?.get(id)?.options);
  const byId = new Map(lines.map((l) => [l.installation, l]));
  for (const r of run.results) {
    const l = byId.get(r.installation);
    if (!l) continue;
    r.preAllocation = l.preAllocation;
    if (l.trueUp !== undefined) r.trueUp = l.trueUp;
    if (!isQuiet(r.explanation)) for (const line of l.lines) r.explanation.lines.push(line);
  }
  return lines;
}

function consequenceRow(c: Consequence): { installation: string; kind: string; quantity?: bigint; from?: string; to?: string; holder?: string; lines: string[] } {
  if (c.kind === "return") return { installation: c.installation, kind: c.kind, quantity: c.quantity, lines: c.explanation.lines };
  if (c.kind === "transfer") return { installation: c.installation, kind: c.kind, quantity: c.quantity, from: c.from, to: c.to, lines: c.explanation.lines };
  return { installation: c.installation, kind: c.kind, from: c.from, to: c.to, ...(c.holder === undefined ? {} : { holder: c.holder }), lines: c.explanation.lines };
}

const OUT_HEADERS = ["installation", "sector", "method", "entitlement", "auction_share", "auctioned", "free", "new_entrant", "unmet", "true_up", "explanation"];

function outRows(run: AllocationRun): unknown[][] {
  return run.results.map((r) => [
    r.installation, r.sector, r.method, r.entitlement, r.auctionShare, r.auctioned, r.free, r.newEntrant ? "yes" : "", r.unmet, r.trueUp, r.explanation.lines.join(" | "),
  ]);
}

/** An explanation's lines in the CLI's language: its Texts rendered, then any line added as text only (ex-ante lines). */
function linesOf(lines: readonly string[], steps: readonly Text[]): string[] {
  const lang = cliLang();
  if (lang === "en" || steps.length > lines.length) return [...lines];
  return [...steps.map((x) => renderText(lang, x)), ...lines.slice(steps.length)];
}
const textOf = (english: string, text: Text | null | undefined): string => (text && cliLang() !== "en" ? renderText(cliLang(), text) : english);

export function register(program: Command): void {
  program
    .command("allocate")
    .description("free allocation per installation for a year under a rulebook, explained; --commit writes it to the ledger")
    .requiredOption("--rulebook <name|file>", "preset name (see `ets rulebook list`) or a rulebook .yaml/.json file")
    .requiredOption("--dataset <dir>", "dataset folder (see docs/reference/dataset.md)")
    .requiredOption("--year <year>", "the allocation year")
    .option("--attributes <file>", "per-installation attributes (.csv/.xlsx): installation,class,top_level,base_from,exclude_year,options,applied,start")
    .option("--changes <file>", "closures, suspensions, capacity reductions and changes of owner in the year (.csv/.xlsx): installation,kind,date,to,normal_business,lost_share,below_threshold,new_owner")
    .option("--explain", "print each installation's explanation (lines, factors, roundings)")
    .option("--json", "print the run as JSON (amounts as strings of digits)")
    .option("--out <file>", "also write one row per installation to a .csv or .xlsx file")
    .option("--commit", "write the allocation to the ledger (idempotent: running it twice allocates once)")
    .option("--database <url|dir>", "store for --commit: postgres:// URL or PGlite directory (default: $DATABASE_URL or .data/pglite)")
    .option("--as <user>", "the registry administrator who commits (default: ETS_AS); the issuance waits for a second administrator's approval")
    .action(
      action(async (opts: Opts) => {
        if (!/^\d{4}$/.test(opts.year)) throw new UsageError(t("cli.usage.notYear", { flag: "--year", value: JSON.stringify(opts.year) }), { field: "--year" });
        const year = Number(opts.year);
        if (opts.out !== undefined && tableFormat(opts.out) === undefined) throw new UsageError(t("cli.usage.tableOut", { value: JSON.stringify(opts.out) }), { field: "--out" });
        const rb = loadRulebookArg(opts.rulebook);
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
        let changes: Change[] = [];
        if (opts.changes !== undefined) {
          try {
            changes = await readChanges(opts.changes, d, year);
          } catch (err) {
            if (err instanceof InputError) throw new UsageError(err.message);
            throw err;
          }
        }
        const bar = progress(t("cli.alloc.progress"), d.installations.length);
        // Texts for every installation only when they are shown or written.
        const explain = opts.explain === true || opts.json === true || opts.out !== undefined;
        const run = allocate(rules, d.installations, d.activity, { explain, ...(attributes ? { attributes } : {}), onProgress: (done) => bar.update(done) });
        bar.stop();
        const exAnte = addExAnte(rb, year, run, d, attributes);
        const freeOf = new Map(run.results.map((r) => [r.installation, r.free]));
        let consequences: ReturnType<typeof consequenceRow>[] = [];
        const consequenceSteps: Text[][] = [];
        const returnsToCommit: { installation: string; quantity: bigint; cause: string }[] = [];
        try {
          for (const change of changes) {
            const date = change.kind === "suspension" ? change.from : change.date;
            for (const c of applyChanges([change], year, (id) => freeOf.get(id), rules.changes ?? DEFAULT_CHANGE_RULES)) {
              consequences.push(consequenceRow(c));
              consequenceSteps.push(c.explanation.steps);
              if (c.kind === "return") returnsToCommit.push({ installation: c.installation, quantity: c.quantity, cause: `${change.kind}:${date}` });
            }
          }
        } catch (err) {
          if (err instanceof RangeError) throw new UsageError(`${opts.changes ?? "changes"}: ${err.message}`);
          throw err;
        }
        if (opts.out !== undefined) await writeTable(opts.out, OUT_HEADERS, outRows(run), "allocation");

        let committed: Awaited<ReturnType<typeof commitAllocation>> | undefined;
        if (opts.commit) {
          const db = await openStore({ database: opts.database, shortLived: true });
          try {
            const ctx = await registryContext(db, opts.as ?? (process.env.ETS_AS || undefined));
            const company = new Map(d.installations.map((i) => [i.installation, i]));
            const cap = capFor(rb, year);
            const cbar = progress(t("cli.alloc.committing"), run.results.length * 2);
            committed = await commitAllocation(ctx.registry, actingUser(ctx), {
              scheme: rb.scheme.id, year, ...(cap === undefined ? {} : { cap }),
              returns: returnsToCommit,
              allocations: run.results.map((r) => {
                const i = company.get(r.installation);
                return { installation: r.installation, free: r.free, ...(i ? { holder: i.company, name: i.name } : {}) };
              }),
              onProgress: (done: number) => cbar.update(done),
            });
            cbar.stop();
          } catch (err) {
            if (err instanceof CommitRefused) throw new CommandFailure(t("cli.alloc.commitFailed", { message: err.message }));
            throw err;
          } finally {
            await db.close();
          }
        }

        if (opts.json) {
          printJson({ ...run, ...(opts.changes === undefined ? {} : { changes: consequences }), ...(committed ? { committed } : {}) });
          return;
        }
        const rows = run.results.map((r) => [r.installation, r.sector, r.method, r.entitlement, r.auctionShare, r.auctioned, r.free]);
        const period = rules.period ? t("cli.alloc.period", { period: rules.period }) : "";
        process.stdout.write(`${t("cli.alloc.head", { scheme: run.scheme, year, period, allocated: run.results.length, skipped: run.skipped.length })}\n`);
        if (exAnte.length > 0) {
          const pre = exAnte.reduce((a, x) => a + x.preAllocation, 0n);
          const tu = exAnte.reduce((a, x) => a + (x.trueUp ?? 0n), 0n);
          process.stdout.write(`${t("cli.alloc.exAnte", { count: exAnte.length, pre: String(pre), trueUp: String(tu), year })}\n`);
        }
        const headers = [
          t("cli.alloc.col.installation"), t("cli.alloc.col.sector"), t("cli.alloc.col.method"), t("cli.alloc.col.entitlement"), t("cli.alloc.col.auctionShare"),
          t("cli.alloc.col.auctioned"), t("cli.alloc.col.free"),
        ];
        if (!opts.explain) printTable(headers, rows);
        else {
          for (const r of run.results) {
            process.stdout.write(`\n${t("cli.alloc.result", { installation: r.installation, sector: r.sector, method: r.method, free: String(r.free), auctioned: String(r.auctioned) })}\n`);
            for (const l of linesOf(r.explanation.lines, r.explanation.steps)) process.stdout.write(`  ${l}\n`);
            for (const f of r.explanation.factors) process.stdout.write(`  ${t("cli.alloc.factor", { name: textOf(f.name, f.label), value: f.value })}\n`);
            for (const x of r.explanation.roundings) {
              process.stdout.write(`  ${t("cli.alloc.rounding", { step: textOf(x.step, x.stepText), exact: x.exact, rounded: String(x.rounded), rule: textOf(x.rule, x.ruleText) })}\n`);
            }
          }
        }
        process.stdout.write(`\n${t("cli.alloc.total", { entitlement: String(run.totals.entitlement), auctioned: String(run.totals.auctioned), free: String(run.totals.free) })}\n`);
        const cr = run.correction;
        if (cr) process.stdout.write(`${t("cli.alloc.correction", { kind: cr.kind, factor: String(cr.factor), notNeeded: cr.applied ? "" : t("cli.alloc.notNeeded"), before: String(cr.before), after: String(cr.after) })}\n`);
        const rs = run.reserve;
        if (rs) process.stdout.write(`${t("cli.alloc.reserve", { size: String(rs.size), granted: String(rs.granted), remaining: String(rs.remaining), unmet: String(rs.unmet) })}\n`);
        const g = run.gateway;
        if (g) {
          const limit = g.limit === undefined ? "" : t("cli.alloc.gatewayLimit", { limit: String(g.limit) });
          process.stdout.write(`${t("cli.alloc.gateway", { from: g.from, to: g.to, accepted: String(g.accepted), requested: String(g.requested), limit, closed: g.closed ? t("cli.alloc.gatewayClosed") : "" })}\n`);
        }
        for (const dv of run.derived) process.stdout.write(`${t("cli.alloc.derived", { sector: dv.sector, product: dv.product ? ` ${dv.product}` : "", value: String(dv.value), how: textOf(dv.how, dv.howText) })}\n`);
        if (run.skipped.length > 0) {
          process.stdout.write(`${t("cli.alloc.skipped")}\n`);
          for (const s of run.skipped.slice(0, 20)) process.stdout.write(`  ${s.installation} (${s.sector}): ${textOf(s.reason, s.reasonText)}\n`);
          if (run.skipped.length > 20) process.stdout.write(`${t("cli.alloc.skippedMore", { count: run.skipped.length - 20 })}\n`);
        }
        if (consequences.length > 0) {
          process.stdout.write(`${t("cli.alloc.changes")}\n`);
          consequences.forEach((c, i) => {
            const quantity = String(c.quantity);
            const what =
              c.kind === "obligation"
                ? t("cli.alloc.obligation", { holder: c.holder ?? t("cli.alloc.theOperator"), from: String(c.from), to: String(c.to) })
                : c.kind === "transfer"
                  ? t("cli.alloc.move", { quantity, from: String(c.from), to: String(c.to) })
                  : t("cli.alloc.return", { quantity });
            const lines = linesOf(c.lines, consequenceSteps[i] ?? []);
            process.stdout.write(`  ${c.installation}: ${what}${lines[0] ? t("cli.alloc.because", { lines: lines.join(t("cli.alloc.sep")) }) : ""}\n`);
          });
        }
        if (committed?.state === "awaiting-approval") {
          process.stdout.write(`${t("cli.alloc.awaits", { id: committed.issuanceId, issued: String(committed.issued) })}\n`);
        } else if (committed) {
          const x = committed;
          const params = { class: x.classCode, issued: String(x.issued), batch: x.batchId, returned: String(x.returned), transactions: x.transactions, replayed: x.replayed, opened: x.accountsOpened };
          process.stdout.write(`${t("cli.alloc.committed", params)}\n`);
        }
      }),
    );
}
