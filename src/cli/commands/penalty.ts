// `ets penalty`: what a shortfall (or a missing report) costs under a rulebook's penalty rules, as
// a what-if. JSON: {amount (decimal string), currency, owed (units still to surrender),
// explanation, ...}. A penalty the rulebook cannot compute without more input (a price, a year)
// is bad usage: exit 2 naming the flag. Its words come from the shared catalogue
// (src/i18n/messages/cli-penalty.ts): Japanese under LANG=ja_JP*, where a refusal also gives the
// rule's own words (check.<name>); the explanation's lines stay as the penalty rules write them.
import type { Command } from "commander";
import type { Refusal } from "../../domain/compliance/codes.ts";
import { moneyLabel, moneyText } from "../../domain/compliance/money.ts";
import { nonReportingPenaltyFor, penaltyFor, penaltyJson } from "../../domain/compliance/penalty.ts";
import type { NonReportingPenalty, Penalty } from "../../domain/compliance/penalty.ts";
import { decimal, groupedDec } from "../../domain/quantity/decimal.ts";
import type { Decimal } from "../../domain/quantity/decimal.ts";
import { action, cliLang, codeText, printJson, t, toJson, UsageError } from "../io.ts";
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
  if (!/^\d{1,18}$/.test(v.trim())) throw new UsageError(t("cli.usage.whole", { flag: name, value: JSON.stringify(v) }), { field: name });
  return BigInt(v.trim());
}

function priceOption(v: string | undefined): Decimal | undefined {
  if (v === undefined) return undefined;
  if (!/^\d{1,15}(\.\d{1,6})?$/.test(v.trim())) throw new UsageError(t("cli.pen.price", { value: JSON.stringify(v) }), { field: "--price" });
  return decimal(v.trim());
}

function yearOption(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d{4}$/.test(v.trim())) throw new UsageError(t("cli.usage.notYear", { flag: "--year", value: JSON.stringify(v) }), { field: "--year" });
  return Number(v);
}

const FLAG_OF: Readonly<Record<number, string>> = { 9402: "--price", 9404: "--year", 9403: "--year", 9000: "--shortfall" };

/** A refusal of the penalty rules is bad input: the message names the flag to give or fix. */
function refusalToUsage(r: Refusal, json: boolean | undefined): never {
  if (json) process.stdout.write(`${toJson(r)}\n`);
  const flag = FLAG_OF[r.code];
  const rule = cliLang() === "ja" ? codeText("check", r.check) : undefined;
  const message = rule ? `「${rule.replace(/。$/, "")}」: ${r.message}` : r.message;
  throw new UsageError(t("cli.pen.refused", { flag: flag ? t("cli.pen.option", { flag }) : "", message, code: r.code, check: r.check }), flag ? { field: flag } : {});
}

function printPenalty(p: Penalty): void {
  const out: string[] = [];
  out.push(t("cli.pen.shortfall", { scheme: p.scheme, shortfall: groupedDec(p.shortfall), year: p.year === undefined ? "" : t("cli.pen.inYear", { year: p.year }) }));
  const upTo = (x: boolean | undefined) => (x ? t("cli.pen.upTo") : "");
  out.push(t("cli.pen.penalty", { upTo: upTo(p.upTo), amount: moneyLabel(p.amount), perTonne: p.perTonne ? t("cli.pen.perTonne", { amount: moneyLabel(p.perTonne) }) : "" }));
  out.push(t("cli.pen.owed", { owed: groupedDec(p.owed), order: p.order ? t("cli.pen.order") : "" }));
  const o = p.ifOrderNotMet;
  if (o) {
    const purchase = o.purchaseQuantity !== undefined && !o.purchase ? t("cli.pen.plusPurchase") : "";
    out.push(t("cli.pen.orderNotMet", { upTo: upTo(o.upTo), amount: moneyLabel(o.amount), purchase, published: o.publication ? t("cli.pen.namePublishedSuffix") : "" }));
  }
  if (p.publication) out.push(t("cli.pen.namePublished"));
  out.push(t("cli.pen.how"), ...p.explanation.map((l) => `  - ${l}`));
  for (const w of p.warnings) out.push(t("cli.usage.warning", { text: w }));
  process.stdout.write(`${out.join("\n")}\n`);
}

function printNonReporting(p: NonReportingPenalty): void {
  const out = [
    t("cli.pen.notReported", { scheme: p.scheme }),
    t("cli.pen.nonReportingPenalty", { upTo: p.upTo ? t("cli.pen.upTo") : "", amount: moneyLabel(p.amount), published: p.publication ? t("cli.pen.namePublishedSuffix") : "" }),
  ];
  out.push(t("cli.pen.how"), ...p.explanation.map((l) => `  - ${l}`));
  process.stdout.write(`${out.join("\n")}\n`);
}

/** The handler, exported so tests run every bad input in-process. */
export function runPenalty(opts: PenaltyOptions): void {
  const rb = loadRulebookArg(opts.rules);
  if (opts.notReported) {
    if (opts.shortfall !== undefined) throw new UsageError(t("cli.pen.both"), { field: "--not-reported" });
    const days = opts.daysLate === undefined ? 0 : Number(wholeOption("--days-late", opts.daysLate));
    const r = nonReportingPenaltyFor(rb, days);
    if (!r.ok) refusalToUsage(r, opts.json);
    if (opts.json) printJson({ scheme: r.scheme, amount: moneyText(r.amount), currency: r.currency, owed: "0", upTo: r.upTo, publication: r.publication, explanation: r.explanation, ...(r.uncertain ? { uncertain: r.uncertain } : {}) });
    else printNonReporting(r);
    return;
  }
  if (opts.daysLate !== undefined) throw new UsageError(t("cli.pen.daysLateOnly"), { field: "--days-late" });
  if (opts.shortfall === undefined) throw new UsageError(t("cli.pen.shortfallRequired"), { field: "--shortfall" });
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
