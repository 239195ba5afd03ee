// `ets penalty`: what a shortfall (or a missing report) costs under a rulebook's penalty rules, as
// a what-if. JSON: {amount (decimal string), currency, owed (units still to surrender),
// explanation, ...}. A penalty the rulebook cannot compute without more input (a price, a year)
// is bad usage: exit 2 naming the flag.
import type { Command } from "commander";
import type { Refusal } from "../../domain/compliance/codes.ts";
import { moneyLabel, moneyText } from "../../domain/compliance/money.ts";
import { nonReportingPenaltyFor, penaltyFor, penaltyJson } from "../../domain/compliance/penalty.ts";
import type { NonReportingPenalty, Penalty } from "../../domain/compliance/penalty.ts";
import { decimal, groupedDec } from "../../domain/quantity/decimal.ts";
import type { Decimal } from "../../domain/quantity/decimal.ts";
import { action, printJson, toJson, UsageError } from "../io.ts";
import { loadRulebookArg } from "./rulebook.ts";

export interface PenaltyOptions {
  rules: string;
  shortfall?: string;
  price?: string;
  year?: string;
  notReported?: boolean;
  daysLate?: string;
  json?: boolean;
}

function wholeOption(name: string, v: string): bigint {
  if (!/^\d{1,18}$/.test(v.trim())) throw new UsageError(`option ${name}: expected a whole number >= 0, got ${JSON.stringify(v)}`);
  return BigInt(v.trim());
}

function priceOption(v: string | undefined): Decimal | undefined {
  if (v === undefined) return undefined;
  if (!/^\d{1,15}(\.\d{1,6})?$/.test(v.trim())) throw new UsageError(`option --price: expected a price >= 0 such as 85.5, got ${JSON.stringify(v)}`);
  return decimal(v.trim());
}

function yearOption(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d{4}$/.test(v.trim())) throw new UsageError(`option --year: not a year: ${JSON.stringify(v)}`);
  return Number(v);
}

const FLAG_OF: Readonly<Record<number, string>> = { 9402: "--price", 9404: "--year", 9403: "--year", 9000: "--shortfall" };

/** A refusal of the penalty rules is bad input: the message names the flag to give or fix. */
function refusalToUsage(r: Refusal, json: boolean | undefined): never {
  if (json) process.stdout.write(`${toJson(r)}\n`);
  const flag = FLAG_OF[r.code];
  throw new UsageError(`${flag ? `option ${flag}: ` : ""}${r.message} (check ${r.code} ${r.check})`);
}

function printPenalty(p: Penalty): void {
  const out: string[] = [];
  out.push(`${p.scheme}: shortfall of ${groupedDec(p.shortfall)} allowances${p.year === undefined ? "" : ` in ${p.year}`}`);
  out.push(`  penalty: ${p.upTo ? "up to " : ""}${moneyLabel(p.amount)}${p.perTonne ? ` (${moneyLabel(p.perTonne)} per tonne)` : ""}`);
  out.push(`  owed:    ${groupedDec(p.owed)} allowances still to surrender${p.order ? " (an order)" : ""}`);
  const o = p.ifOrderNotMet;
  if (o) out.push(`  if the order is not met: ${o.upTo ? "up to " : ""}${moneyLabel(o.amount)}${o.purchaseQuantity !== undefined && !o.purchase ? " plus the billed purchase" : ""}${o.publication ? "; name published" : ""}`);
  if (p.publication) out.push("  name published: yes");
  out.push("how:", ...p.explanation.map((l) => `  - ${l}`));
  for (const w of p.warnings) out.push(`warning: ${w}`);
  process.stdout.write(`${out.join("\n")}\n`);
}

function printNonReporting(p: NonReportingPenalty): void {
  const out = [`${p.scheme}: report not submitted`, `  penalty: ${p.upTo ? "up to " : ""}${moneyLabel(p.amount)}${p.publication ? "; name published" : ""}`];
  out.push("how:", ...p.explanation.map((l) => `  - ${l}`));
  process.stdout.write(`${out.join("\n")}\n`);
}

/** The handler, exported so tests run every bad input in-process. */
export function runPenalty(opts: PenaltyOptions): void {
  const rb = loadRulebookArg(opts.rules);
  if (opts.notReported) {
    if (opts.shortfall !== undefined) throw new UsageError("option --not-reported: give either --shortfall or --not-reported, not both");
    const days = opts.daysLate === undefined ? 0 : Number(wholeOption("--days-late", opts.daysLate));
    const r = nonReportingPenaltyFor(rb, days);
    if (!r.ok) refusalToUsage(r, opts.json);
    if (opts.json) printJson({ scheme: r.scheme, amount: moneyText(r.amount), currency: r.currency, owed: "0", upTo: r.upTo, publication: r.publication, explanation: r.explanation, ...(r.uncertain ? { uncertain: r.uncertain } : {}) });
    else printNonReporting(r);
    return;
  }
  if (opts.daysLate !== undefined) throw new UsageError("option --days-late: only with --not-reported");
  if (opts.shortfall === undefined) throw new UsageError("option --shortfall: required (or --not-reported for a missing report)");
  const query = { shortfall: wholeOption("--shortfall", opts.shortfall) } as { shortfall: bigint; price?: Decimal; year?: number };
  const price = priceOption(opts.price);
  if (price !== undefined) query.price = price;
  const year = yearOption(opts.year);
  if (year !== undefined) query.year = year;
  const r = penaltyFor(rb, query);
  if (!r.ok) refusalToUsage(r, opts.json);
  if (opts.json) printJson(penaltyJson(r));
  else printPenalty(r);
}

export function register(program: Command): void {
  program
    .command("penalty")
    .description("what a shortfall (or a missing report) costs under a rulebook's penalty rules (a what-if)")
    .requiredOption("--rules <preset|file>", "rulebook: a preset name or a .yaml/.json file")
    .option("--shortfall <n>", "allowances missing at the deadline (whole number)")
    .option("--price <p>", "market price per allowance in the rulebook's currency (needed for price-multiple penalties; compared with buying)")
    .option("--year <year>", "compliance year (indexed penalties, reference price paths)")
    .option("--not-reported", "instead, the penalty for not reporting emissions")
    .option("--days-late <n>", "with --not-reported: days the report is late")
    .option("--json", 'print {"amount", "currency", "owed", "explanation", ...} (amount as a decimal string)')
    .action(action((opts: PenaltyOptions) => runPenalty(opts)));
}
