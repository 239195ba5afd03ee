// `ets rulebook list|show|validate|cap`: the shipped presets, one rulebook in full, checking a
// rulebook file (exit 1 with every field path and reason), and a cap trajectory. Its words come
// from the shared catalogue (src/i18n/messages/cli-rulebook.ts): Japanese under LANG=ja_JP*; the
// rulebook's own codes, names and notes are data and print as written; --json is unchanged.
import { existsSync } from "node:fs";
import type { Command } from "commander";
import {
  auctionShareFor,
  capFor,
  capTrajectory,
  capYears,
  compliancePeriodOf,
  grandfatheringRate,
  periodOf,
  priceCeilingFor,
  priceFloorFor,
  priceMinorFor,
} from "../../domain/rulebook/index.ts";
import type { PricePath, Rulebook, SectorRule } from "../../domain/rulebook/index.ts";
import { penaltyWarnings } from "../../domain/compliance/penalty.ts";
import { formatDecimal } from "../../domain/quantity/index.ts";
import { collarFor, reserveFigures, reserveTiersFor } from "../../domain/stability/index.ts";
import { listPresets, loadRulebook, parseRulebookText, rulebookFile, RulebookLoadError } from "../../io/rulebook.ts";
import { readFileSync } from "node:fs";
import { action, type CliKey, CommandFailure, printJson, printTable, t, UsageError } from "../io.ts";

/** A rulebook named on the command line: a bad name or file is a usage error (exit 2) naming what is wrong. */
export function loadRulebookArg(nameOrPath: string): Rulebook {
  try {
    return loadRulebook(nameOrPath);
  } catch (err) {
    if (err instanceof RulebookLoadError) throw new UsageError(err.message);
    throw err;
  }
}

function yearOption(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d{4}$/.test(v)) throw new UsageError(t("cli.usage.notYear", { flag: name, value: JSON.stringify(v) }), { field: name });
  return Number(v);
}

function span(rb: Rulebook): string {
  const first = rb.periods[0];
  const last = rb.periods[rb.periods.length - 1];
  return first && last ? `${first.from}-${last.to}` : "";
}

/** The year of --date (default: this year, by the system clock). */
function dateYear(v: string | undefined): number {
  if (v === undefined) return new Date().getUTCFullYear();
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  const d = m ? new Date(`${v}T00:00:00Z`) : undefined;
  if (!m || !d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== v) throw new UsageError(t("cli.usage.notDate", { flag: "--date", value: JSON.stringify(v) }), { field: "--date" });
  return Number(m[1]);
}

/**
 * Current or not, judged by the year against the rulebook's periods: "in-force" inside them,
 * "historical" after the last, "upcoming" before the first. A rulebook declared "proposed" or
 * "illustrative" stays so: that is what it is, not when.
 */
function statusOn(rb: Rulebook, year: number): string {
  const declared = rb.scheme.status;
  if (declared === "proposed" || declared === "illustrative") return declared;
  const first = rb.periods[0];
  const last = rb.periods[rb.periods.length - 1];
  if (!first || !last) return declared;
  if (year > last.to) return "historical";
  if (year < first.from) return "upcoming";
  return "in-force";
}

/** A status judged by statusOn (or declared), in the CLI's language; an unknown one as it is. */
const STATUS: Readonly<Record<string, CliKey>> = {
  "in-force": "cli.rb.status.in-force",
  historical: "cli.rb.status.historical",
  upcoming: "cli.rb.status.upcoming",
  proposed: "cli.rb.status.proposed",
  illustrative: "cli.rb.status.illustrative",
};
const statusText = (status: string) => (STATUS[status] ? t(STATUS[status]) : status);

function describeRule(rule: SectorRule): string {
  switch (rule.method) {
    case "grandfathering": {
      const classes = Object.keys(rule.classes);
      const b = rule.basePeriod;
      return t("cli.rb.rule.grandfathering", {
        years: b.years, from: b.window.from, to: b.window.to, choice: b.choice, reduction: rule.reduction.kind,
        classes: classes.length ? t("cli.rb.rule.classes", { classes: classes.join(", ") }) : "",
      });
    }
    case "benchmark":
      return t("cli.rb.rule.benchmark", { products: rule.products.map((p) => `${p.id} ${p.value ?? t("cli.rb.rule.derived")}`).join(", ") || t("cli.rb.rule.fallBacksOnly") });
    case "output-based":
      return t("cli.rb.rule.outputBased", { intensity: rule.intensity ?? t("cli.rb.rule.fromData"), unit: rule.unit, lags: rule.lagYears.join(", -") });
    case "intensity-target":
      return t("cli.rb.rule.intensityTarget", { targets: rule.targets.map((x) => `${x.value} ${x.unit}`).join(", "), trueUp: String(rule.trueUp) });
    case "auction":
      return t("cli.rb.rule.auction");
  }
}

/** One line on what is owed, by when, what may pay it and what a shortfall costs. */
function complianceLine(rb: Rulebook): string | undefined {
  const c = rb.compliance;
  const p = rb.penalties;
  if (!c && !p) return undefined;
  const parts: string[] = [];
  if (c) {
    parts.push(t("cli.rb.deadline", { date: c.surrenderDeadline, offset: c.deadlineYearOffset }));
    if (c.obligation.kind !== "emissions") parts.push(t("cli.rb.obligation", { kind: c.obligation.kind }));
    parts.push(t("cli.rb.banking", { value: c.banking.allowed ? (c.banking.acrossPeriods ? t("cli.rb.yes") : t("cli.rb.withinPeriod")) : t("cli.rb.no") }));
    const share = c.borrowing.maxShare === undefined ? "" : t("cli.rb.share", { share: c.borrowing.maxShare * 100 });
    parts.push(t("cli.rb.borrowing", { value: c.borrowing.allowed ? `${t("cli.rb.yes")}${share}` : t("cli.rb.no") }));
  }
  const credits = rb.credits?.eligibleTypes ?? [];
  if (credits.length) parts.push(t("cli.rb.credits", { types: credits.join(", ") }));
  if (p) {
    const money =
      p.perTonne !== undefined
        ? t("cli.rb.perTonne", { currency: rb.currency, amount: String(p.perTonne), indexed: p.indexation ? t("cli.rb.indexed") : "" })
        : p.priceMultiple !== undefined
          ? t("cli.rb.priceMultiple", { upTo: p.upTo ? t("cli.rb.upTo") : "", multiple: String(p.priceMultiple), basis: String(p.priceBasis) })
          : p.maxFine !== undefined
            ? t("cli.rb.fine", { currency: rb.currency, amount: String(p.maxFine) })
            : t("cli.rb.noMoney");
    const owed = p.makeGood ? t("cli.rb.owed", { factor: p.makeGoodFactor === 1 ? "" : t("cli.rb.factor", { factor: String(p.makeGoodFactor) }) }) : "";
    parts.push(t("cli.rb.penalty", { money, owed }));
  }
  return t("cli.rb.compliance", { parts: parts.join(t("cli.rb.sep")) });
}

function printSummary(rb: Rulebook): void {
  const out: string[] = [];
  out.push(`${rb.scheme.name} [${rb.scheme.id}]`);
  out.push(t("cli.rb.head", { jurisdiction: rb.scheme.jurisdiction, status: statusText(rb.scheme.status), currency: rb.currency, unit: rb.unit, years: rb.yearBasis.kind }));
  out.push(t("cli.rb.periods", { periods: rb.periods.map((p) => `${p.id} ${p.from}-${p.to}`).join(", ") }));
  const years = capYears(rb);
  if (rb.cap.kind !== "trajectory") out.push(t("cli.rb.capNotTrajectory", { kind: rb.cap.kind, note: rb.cap.note ? t("cli.rb.note", { note: rb.cap.note }) : "" }));
  else if (years) {
    const path = capTrajectory(rb, years.from, years.to);
    const a = path[0];
    const b = path[path.length - 1];
    if (a && b) out.push(t("cli.rb.capTrajectory", { first: String(a.cap), firstYear: a.year, last: String(b.cap), lastYear: b.year, scheme: rb.scheme.id }));
  }
  const th = rb.coverage.thresholds.map((x) =>
    t("cli.rb.threshold", { value: x.value, unit: x.unit, basis: x.basis, average: x.averageOfYears > 1 ? t("cli.rb.average", { years: x.averageOfYears }) : "" }),
  );
  out.push(t("cli.rb.coverage", { thresholds: th.join(t("cli.rb.or")) || t("cli.rb.noThreshold"), gases: rb.coverage.gases.join(", "), electricity: rb.coverage.electricity }));
  out.push(t("cli.rb.issuance", { timing: rb.allocation.issuance.timing, correction: rb.allocation.correction.kind, sectors: rb.leakage.exposedSectors.join(", ") || t("cli.rb.none") }));
  const comp = complianceLine(rb);
  if (comp) out.push(comp);
  out.push(t("cli.rb.sectors"));
  const year = rb.periods[0]?.from ?? 0;
  for (const [id, rule] of Object.entries(rb.allocation.sectors)) {
    out.push(t("cli.rb.sector", { id, rule: describeRule(rule), year, share: (auctionShareFor(rb, id, year) * 100).toFixed(1) }));
  }
  if (rb.notes.length) out.push(t("cli.rb.notes"), ...rb.notes.map((n) => `  - ${n}`));
  out.push(t("cli.rb.sources", { sources: rb.scheme.sources.map((s) => s.id).join(", ") }));
  process.stdout.write(`${out.join("\n")}\n`);
}

/** How the collar is kept that year, and years whose inflation rate the rulebook lacks (their growth left it out). */
function priceNotes(rb: Rulebook, year: number) {
  const c = collarFor(rb, year);
  const paths = [rb.auctions?.reservePrice, rb.stability?.priceCeiling, rb.stability?.priceFloor];
  const missing = new Set<number>();
  for (const p of paths) for (const y of (p && priceMinorFor(p, year)?.inflationMissing) ?? []) missing.add(y);
  return {
    ceilingMechanism: c.ceiling?.mechanism ?? null,
    floorMechanism: c.floor?.mechanism ?? null,
    inflationMissing: [...missing].sort((a, b) => a - b),
  };
}

/** The figures a rulebook gives for one year, as `show --year` prints them. */
export function yearFigures(rb: Rulebook, year: number) {
  const rates: Record<string, number> = {};
  for (const [id, rule] of Object.entries(rb.allocation.sectors)) {
    if (rule.method !== "grandfathering") continue;
    rates[id] = grandfatheringRate(rb, id, year);
    for (const cls of Object.keys(rule.classes)) rates[`${id}/${cls}`] = grandfatheringRate(rb, id, year, { class: cls });
  }
  return {
    year,
    period: periodOf(rb, year)?.id ?? null,
    compliancePeriod: compliancePeriodOf(rb, year) ?? null,
    cap: capFor(rb, year) ?? null,
    auctionShares: Object.fromEntries(Object.keys(rb.allocation.sectors).map((id) => [id, auctionShareFor(rb, id, year)])),
    reductionRates: rates,
    priceCeiling: priceCeilingFor(rb, year) ?? null,
    priceFloor: priceFloorFor(rb, year) ?? null,
    ...reserveFigures(rb, year),
    ...priceNotes(rb, year),
  };
}

function printYear(rb: Rulebook, f: ReturnType<typeof yearFigures>): void {
  const pct = (x: number) => `${(x * 100).toFixed(2).replace(/\.?0+$/, "")}%`;
  const out = [t("cli.rb.yearHead", { scheme: rb.scheme.id, year: f.year })];
  const cp = f.compliancePeriod ? `${f.compliancePeriod.id} ${f.compliancePeriod.from}-${f.compliancePeriod.to}` : t("cli.rb.noneParen");
  out.push(t("cli.rb.yearPeriod", { period: f.period ?? t("cli.rb.noneParen"), compliancePeriod: cp }));
  out.push(t("cli.rb.yearCap", { cap: f.cap === null ? (rb.cap.kind === "trajectory" ? t("cli.rb.noCapThisYear") : rb.cap.kind) : String(f.cap) }));
  out.push(t("cli.rb.yearAuctioned", { shares: Object.entries(f.auctionShares).map(([s, v]) => `${s} ${pct(v)}`).join(", ") }));
  if (Object.keys(f.reductionRates).length) out.push(t("cli.rb.yearReduction", { rates: Object.entries(f.reductionRates).map(([s, v]) => `${s} ${pct(v)}`).join(", ") }));
  const text = (p: PricePath | undefined) => {
    const m = p && priceMinorFor(p, f.year);
    return m ? formatDecimal(m.minor, m.decimals) : null;
  };
  const st = rb.stability;
  const prices = [
    [t("cli.rb.priceCeiling"), text(st?.priceCeiling), f.ceilingMechanism],
    [t("cli.rb.priceFloor"), text(st?.priceFloor), f.floorMechanism],
    [t("cli.rb.reservePrice"), text(rb.auctions?.reservePrice), null],
  ] as const;
  for (const [label, v, how] of prices) if (v !== null) out.push(t("cli.rb.price", { label, currency: rb.currency, price: v, how: how ? t("cli.rb.note", { note: how }) : "" }));
  for (const x of reserveTiersFor(rb, f.year)) {
    out.push(
      t("cli.rb.tier", {
        id: x.id, direction: x.direction === "release" ? t("cli.rb.tierRelease") : t("cli.rb.tierWithhold"), currency: rb.currency, trigger: formatDecimal(x.triggerMinor, x.decimals),
        quantity: x.quantity === undefined || x.quantity === null ? t("cli.rb.tierNoCap") : String(x.quantity), sale: x.sale === "reserve-sale" ? t("cli.rb.tierSale") : "",
      }),
    );
  }
  if (f.inflationMissing.length) out.push(t("cli.rb.inflationMissing", { years: f.inflationMissing.join(", ") }));
  process.stdout.write(`${out.join("\n")}\n`);
}

export function register(program: Command): void {
  const rb = program.command("rulebook").description("scheme rulebooks: the presets, validation and derived figures (docs/reference/rulebook.md)");

  rb.command("list")
    .description("list the presets shipped in presets/, each judged current, historical or upcoming on a date")
    .option("--date <YYYY-MM-DD>", "the date the status is judged on (default: today)")
    .option("--json", "print as JSON")
    .action(
      action((opts: { json?: boolean; date?: string }) => {
        const year = dateYear(opts.date);
        const rows = listPresets().map((name) => {
          const r = loadRulebookArg(name);
          return { name, scheme: r.scheme.name, jurisdiction: r.scheme.jurisdiction, status: statusOn(r, year), declared: r.scheme.status, years: span(r), currency: r.currency };
        });
        if (opts.json) printJson(rows);
        else printTable([t("cli.rb.col.name"), t("cli.rb.col.scheme"), t("cli.rb.col.status"), t("cli.rb.col.years"), t("cli.rb.col.currency")], rows.map((r) => [r.name, r.scheme, statusText(r.status), r.years, r.currency]));
      }),
    );

  rb.command("show")
    .description("show a rulebook (a preset name or a file), validated and with defaults filled in")
    .argument("<name>", "preset name or path to a .yaml/.yml/.json rulebook")
    .option("--year <year>", "instead, the figures the rulebook gives for one year: period, cap, auction share per sector, reduction rates, prices")
    .option("--json", "print the whole rulebook (or the year's figures) as JSON (allowance amounts as strings)")
    .action(
      action((name: string, opts: { json?: boolean; year?: string }) => {
        const r = loadRulebookArg(name);
        const year = yearOption("--year", opts.year);
        if (year !== undefined) {
          const f = yearFigures(r, year);
          if (opts.json) printJson(f);
          else printYear(r, f);
          return;
        }
        if (opts.json) printJson(r);
        else printSummary(r);
      }),
    );

  rb.command("validate")
    .description("check a rulebook file; exit 1 listing every field path and reason when it is invalid")
    .argument("<file>", "path to a .yaml/.yml/.json rulebook (or a preset name)")
    .option("--json", 'print {"valid", "scheme", "errors": [{"path", "line", "message"}]}')
    .action(
      action((file: string, opts: { json?: boolean }) => {
        const path = rulebookFile(file);
        if (!existsSync(path)) throw new UsageError(t("cli.usage.noSuchFile", { file, presets: listPresets().join(", ") }));
        const text = readFileSync(path, "utf8");
        const r = parseRulebookText(text, path);
        const warnings = r.ok ? penaltyWarnings(r.rulebook) : [];
        if (r.ok) {
          if (opts.json) printJson({ valid: true, scheme: r.rulebook.scheme.id, errors: [], warnings });
          else process.stdout.write(`${t("cli.rb.valid", { path, scheme: r.rulebook.scheme.id })}\n${warnings.map((w) => `${t("cli.usage.warning", { text: w })}\n`).join("")}`);
          return;
        }
        // Invalid: one JSON document with the report and the error (the output contract), exit 1;
        // `scheme` is always there: the scheme's id as the file writes it, or null.
        const scheme = /^scheme:[^\n]*\n(?:[ \t]+[^\n]*\n)*?[ \t]+id:[ \t]*["']?([A-Za-z0-9._-]+)/m.exec(text)?.[1] ?? null;
        throw new CommandFailure(new RulebookLoadError(path, r.errors).message, { code: "rulebook-invalid", result: { valid: false, scheme, errors: r.errors } });
      }),
    );

  rb.command("cap")
    .description("the cap per year, derived from the rulebook's trajectory")
    .argument("<name>", "preset name or rulebook file")
    .option("--from <year>", "first year (default: the first year with a cap)")
    .option("--to <year>", "last year (default: the last year with a cap)")
    .option("--json", 'print [{"year", "cap", "period"}] (cap as a string of digits)')
    .action(
      action((name: string, opts: { from?: string; to?: string; json?: boolean }) => {
        const r = loadRulebookArg(name);
        const from = yearOption("--from", opts.from);
        const to = yearOption("--to", opts.to);
        if (from !== undefined && to !== undefined && from > to) throw new UsageError(t("cli.rb.fromAfterTo"), { field: "--from" });
        if (r.cap.kind !== "trajectory") {
          if (opts.json) printJson([]);
          else process.stdout.write(`${t("cli.rb.capKind", { scheme: r.scheme.id, kind: r.cap.kind, note: r.cap.note ? t("cli.rb.note", { note: r.cap.note }) : "" })}\n`);
          return;
        }
        const years = capYears(r);
        // A range reaching past the rulebook's cap years is clipped to them: said on stderr (stdout keeps its shape).
        if (years && ((from !== undefined && from < years.from) || (to !== undefined && to > years.to))) {
          const lo = Math.max(from ?? years.from, years.from);
          const hi = Math.min(to ?? years.to, years.to);
          process.stderr.write(`${t(lo > hi ? "cli.rb.capOutside" : "cli.rb.capClipped", { scheme: r.scheme.id, first: years.from, last: years.to, from: lo, to: hi })}\n`);
        }
        const rows = years ? capTrajectory(r, from ?? years.from, to ?? years.to) : [];
        const out = rows.map((x) => ({ year: x.year, cap: x.cap, period: periodOf(r, x.year)?.id ?? "" }));
        if (opts.json) printJson(out);
        else printTable([t("cli.rb.col.year"), t("cli.rb.col.cap"), t("cli.rb.col.period")], out.map((x) => [x.year, x.cap, x.period]));
      }),
    );
}
