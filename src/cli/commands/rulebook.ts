// `ets rulebook list|show|validate|cap`: the shipped presets, one rulebook in full, checking a
// rulebook file (exit 1 with every field path and reason), and a cap trajectory.
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
import { action, CommandFailure, printJson, printTable, t, UsageError } from "../io.ts";

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
  if (!/^\d{4}$/.test(v)) throw new UsageError(`option ${name}: not a year: ${JSON.stringify(v)}`);
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
  if (!m || !d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== v) throw new UsageError(`option --date: not a date (YYYY-MM-DD): ${JSON.stringify(v)}`, { field: "--date" });
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

function describeRule(rule: SectorRule): string {
  switch (rule.method) {
    case "grandfathering":
      return `grandfathering (${rule.basePeriod.years} of ${rule.basePeriod.window.from}-${rule.basePeriod.window.to}, ${rule.basePeriod.choice}; reduction ${rule.reduction.kind}${Object.keys(rule.classes).length ? `; classes ${Object.keys(rule.classes).join(", ")}` : ""})`;
    case "benchmark":
      return `benchmark (${rule.products.map((p) => `${p.id} ${p.value ?? "derived"}`).join(", ") || "fall-backs only"})`;
    case "output-based":
      return `output-based (intensity ${rule.intensity ?? "from data"} ${rule.unit}, years -${rule.lagYears.join(", -")})`;
    case "intensity-target":
      return `intensity target (${rule.targets.map((t) => `${t.value} ${t.unit}`).join(", ")}, true-up ${rule.trueUp})`;
    case "auction":
      return "auction (no free allocation)";
  }
}

/** One line on what is owed, by when, what may pay it and what a shortfall costs. */
function complianceLine(rb: Rulebook): string | undefined {
  const c = rb.compliance;
  const p = rb.penalties;
  if (!c && !p) return undefined;
  const parts: string[] = [];
  if (c) {
    parts.push(`deadline ${c.surrenderDeadline} +${c.deadlineYearOffset}y`);
    if (c.obligation.kind !== "emissions") parts.push(`obligation ${c.obligation.kind}`);
    parts.push(`banking ${c.banking.allowed ? (c.banking.acrossPeriods ? "yes" : "within a period") : "no"}`);
    parts.push(`borrowing ${c.borrowing.allowed ? `yes${c.borrowing.maxShare === undefined ? "" : ` (${c.borrowing.maxShare * 100}%)`}` : "no"}`);
  }
  const credits = rb.credits?.eligibleTypes ?? [];
  if (credits.length) parts.push(`credits ${credits.join(", ")}`);
  if (p) {
    const money = p.perTonne !== undefined ? `${rb.currency} ${p.perTonne}/t${p.indexation ? " indexed" : ""}` : p.priceMultiple !== undefined ? `${p.upTo ? "up to " : ""}${p.priceMultiple} x ${p.priceBasis} price` : p.maxFine !== undefined ? `fine up to ${rb.currency} ${p.maxFine}` : "no money";
    parts.push(`penalty ${money}${p.makeGood ? `, ${p.makeGoodFactor === 1 ? "" : `${p.makeGoodFactor} x `}shortfall owed` : ""} (ets penalty)`);
  }
  return `compliance: ${parts.join("; ")}`;
}

function printSummary(rb: Rulebook): void {
  const out: string[] = [];
  out.push(`${rb.scheme.name} [${rb.scheme.id}]`);
  out.push(`jurisdiction: ${rb.scheme.jurisdiction}; status: ${rb.scheme.status}; currency: ${rb.currency}; unit: ${rb.unit}; years: ${rb.yearBasis.kind}`);
  out.push(`periods: ${rb.periods.map((p) => `${p.id} ${p.from}-${p.to}`).join(", ")}`);
  const years = capYears(rb);
  if (rb.cap.kind !== "trajectory") out.push(`cap: ${rb.cap.kind}${rb.cap.note ? ` (${rb.cap.note})` : ""}`);
  else if (years) {
    const t = capTrajectory(rb, years.from, years.to);
    const a = t[0];
    const b = t[t.length - 1];
    if (a && b) out.push(`cap: ${a.cap} in ${a.year} -> ${b.cap} in ${b.year} (ets rulebook cap ${rb.scheme.id})`);
  }
  const th = rb.coverage.thresholds.map((t) => `>= ${t.value} ${t.unit} per ${t.basis}${t.averageOfYears > 1 ? ` (${t.averageOfYears}-year average)` : ""}`);
  out.push(`coverage: ${th.join(" or ") || "no threshold"}; gases ${rb.coverage.gases.join(", ")}; electricity ${rb.coverage.electricity}`);
  out.push(`issuance: ${rb.allocation.issuance.timing}; correction: ${rb.allocation.correction.kind}; exposed sectors: ${rb.leakage.exposedSectors.join(", ") || "none"}`);
  const comp = complianceLine(rb);
  if (comp) out.push(comp);
  out.push("sectors:");
  const year = rb.periods[0]?.from ?? 0;
  for (const [id, rule] of Object.entries(rb.allocation.sectors)) {
    out.push(`  ${id}: ${describeRule(rule)}; auctioned in ${year}: ${(auctionShareFor(rb, id, year) * 100).toFixed(1)}%`);
  }
  if (rb.notes.length) out.push("notes:", ...rb.notes.map((n) => `  - ${n}`));
  out.push(`sources: ${rb.scheme.sources.map((s) => s.id).join(", ")} (--json for everything)`);
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
  const out = [`${rb.scheme.id} in ${f.year}:`];
  out.push(`  period: ${f.period ?? "(none)"}; compliance period: ${f.compliancePeriod ? `${f.compliancePeriod.id} ${f.compliancePeriod.from}-${f.compliancePeriod.to}` : "(none)"}`);
  out.push(`  cap: ${f.cap ?? (rb.cap.kind === "trajectory" ? "(none this year)" : rb.cap.kind)}`);
  out.push(`  auctioned: ${Object.entries(f.auctionShares).map(([s, v]) => `${s} ${pct(v)}`).join(", ")}`);
  if (Object.keys(f.reductionRates).length) out.push(`  reduction rates: ${Object.entries(f.reductionRates).map(([s, v]) => `${s} ${pct(v)}`).join(", ")}`);
  const text = (p: PricePath | undefined) => {
    const m = p && priceMinorFor(p, f.year);
    return m ? formatDecimal(m.minor, m.decimals) : null;
  };
  const st = rb.stability;
  for (const [label, v, how] of [["price ceiling", text(st?.priceCeiling), f.ceilingMechanism], ["price floor", text(st?.priceFloor), f.floorMechanism], ["auction reserve price", text(rb.auctions?.reservePrice), null]] as const)
    if (v !== null) out.push(`  ${label}: ${rb.currency} ${v}${how ? ` (${how})` : ""}`);
  for (const t of reserveTiersFor(rb, f.year))
    out.push(`  reserve tier ${t.id}: ${t.direction === "release" ? "released at or above" : "withheld below"} ${rb.currency} ${formatDecimal(t.triggerMinor, t.decimals)}, ${t.quantity ?? "(no cap to size it)"} allowances${t.sale === "reserve-sale" ? " (reserve sale)" : ""}`);
  if (f.inflationMissing.length) out.push(`  note: no inflation rate in the rulebook for ${f.inflationMissing.join(", ")}; those years grew without it`);
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
        else printTable(["name", "scheme", "status", "years", "currency"], rows.map((r) => [r.name, r.scheme, r.status, r.years, r.currency]));
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
        if (!existsSync(path)) throw new UsageError(`${file}: no such file or preset (presets: ${listPresets().join(", ")})`);
        const text = readFileSync(path, "utf8");
        const r = parseRulebookText(text, path);
        const warnings = r.ok ? penaltyWarnings(r.rulebook) : [];
        if (r.ok) {
          if (opts.json) printJson({ valid: true, scheme: r.rulebook.scheme.id, errors: [], warnings });
          else process.stdout.write(`${path}: valid rulebook (${r.rulebook.scheme.id})\n${warnings.map((w) => `warning: ${w}\n`).join("")}`);
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
        if (from !== undefined && to !== undefined && from > to) throw new UsageError("option --from is after --to");
        if (r.cap.kind !== "trajectory") {
          if (opts.json) printJson([]);
          else process.stdout.write(`${r.scheme.id}: the cap is ${r.cap.kind}${r.cap.note ? ` (${r.cap.note})` : ""}; no yearly figure\n`);
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
        else printTable(["year", "cap", "period"], out.map((x) => [x.year, x.cap, x.period]));
      }),
    );
}
