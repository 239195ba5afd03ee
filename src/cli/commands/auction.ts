// `ets auction clear|calendar|revenue`: clear one uniform-price auction from a bids file under a
// rulebook's rules for a year (reserve price, reserve tiers and limits from the rulebook unless
// given), print its results statement; the year's auction calendar; and how proceeds are shared.
// Exact throughout: quantities are whole allowances, prices and money decimal strings. Its words
// come from the shared catalogue (src/i18n/messages/cli-auction.ts): Japanese under LANG=ja_JP*.
import { randomBytes } from "node:crypto";
import type { Command } from "commander";
import { auctionCalendar, auctionRulesFor, clearAuction, defaultAuctionRules, revenueFor, settlementPlan, statementOf } from "../../domain/auction/index.ts";
import type { AuctionRules, BidIssue, Statement } from "../../domain/auction/index.ts";
import { ArithmeticError, formatDecimal, parseDecimal } from "../../domain/quantity/index.ts";
import type { Rulebook } from "../../domain/rulebook/index.ts";
import { msrDecision } from "../../domain/stability/index.ts";
import { readBidders, readBids } from "../../io/bids.ts";
import { InputError } from "../../io/csv.ts";
import { action, printJson, printTable, t, UsageError } from "../io.ts";
import { registerAuctionRegistry } from "./auction-registry.ts";
import { loadRulebookArg } from "./rulebook.ts";

interface ClearOpts {
  offered?: string;
  bids?: string;
  reserve?: string;
  rules?: string;
  year?: string;
  ccr?: string;
  seed?: string;
  reference?: string;
  bidders?: string;
  id?: string;
  json?: boolean;
}

/** A whole number of allowances given as an option (digits only). */
export function wholeOption(flag: string, v: string | undefined): bigint | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v.replace(/_/g, ""))) throw new UsageError(t("cli.usage.whole", { flag, value: JSON.stringify(v) }), { field: flag });
  return BigInt(v.replace(/_/g, ""));
}

export function yearArg(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d{4}$/.test(v)) throw new UsageError(t("cli.usage.notYear", { flag, value: JSON.stringify(v) }), { field: flag });
  return Number(v);
}

function priceOption(flag: string, v: string | undefined, decimals: number): bigint | undefined {
  if (v === undefined) return undefined;
  let p: bigint;
  try {
    p = parseDecimal(v, decimals);
  } catch (err) {
    if (err instanceof ArithmeticError) {
      const message = /more than/.test(err.message) ? t("cli.auc.decimals", { flag, value: v, decimals }) : t("cli.auc.notNumber", { flag, value: JSON.stringify(v) });
      throw new UsageError(message, { field: flag });
    }
    throw err;
  }
  if (p < 0n) throw new UsageError(t("cli.usage.negative", { flag }), { field: flag });
  return p;
}

interface Resolved {
  rules: AuctionRules;
  rulebook: Rulebook | undefined;
  year: number | undefined;
}

/** The auction rules: the rulebook's for the year, with --reserve and --ccr replacing its figures. */
function resolveRules(o: ClearOpts): Resolved {
  const year = yearArg("--year", o.year);
  if (o.rules === undefined) {
    if (o.ccr !== undefined) throw new UsageError(t("cli.auc.ccrNeedsRules"), { field: "--ccr" });
    const base = defaultAuctionRules();
    return { rules: { ...base, reservePriceMinor: priceOption("--reserve", o.reserve, base.priceDecimals) ?? null }, rulebook: undefined, year };
  }
  const rb = loadRulebookArg(o.rules);
  if (!rb.auctions) throw new UsageError(t("cli.auc.noAuctions", { scheme: rb.scheme.id }), { field: "--rules" });
  if (year === undefined) throw new UsageError(t("cli.auc.yearWithRules"), { field: "--year" });
  const decimals = rb.auctions?.priceDecimals ?? 2;
  const ccr = wholeOption("--ccr", o.ccr);
  const rules = auctionRulesFor(rb, year, { reservePriceMinor: priceOption("--reserve", o.reserve, decimals), ccr });
  if (ccr !== undefined && !rules.tiers.some((x) => x.direction === "release")) throw new UsageError(t("cli.auc.noCcr", { scheme: rb.scheme.id, year }), { field: "--ccr" });
  return { rules, rulebook: rb, year };
}

function issueLine(file: string, i: BidIssue): string {
  return t("cli.auc.issue", { file, row: i.row, field: i.field, message: i.message, code: i.code });
}

function printStatement(s: Statement, r: Resolved, code: string): void {
  const out: string[] = [];
  const currency = code === "" ? "" : `${code} `;
  const where = r.rulebook ? `${r.rulebook.scheme.id} ${r.year}` : t("cli.auc.defaultRules");
  out.push(t("cli.auc.statement", { where, status: s.status, reason: s.reason ? t("cli.auc.paren", { text: s.reason }) : "" }));
  out.push(t("cli.auc.clearingPrice", { price: s.clearingPrice === null ? t("cli.auc.noPrice") : `${currency}${s.clearingPrice}` }));
  out.push(t("cli.auc.volumes", { offered: s.offered, sold: s.sold, reserveSold: s.reserveSold, withheld: s.withheld, unsold: s.unsold, cancelled: s.cancelled }));
  out.push(t("cli.auc.bids", { bidVolume: s.bidVolume, demand: s.demand, cover: s.coverRatio ?? "-", proceeds: `${currency}${s.proceeds}` }));
  if (s.carryOver.length) out.push(t("cli.auc.carryOver", { count: s.carryOver.length, list: s.carryOver.join(", ") }));
  if (s.tie) {
    const order = s.tie.order.map((f) => t("cli.auc.tieEntry", { bidder: f.bidder, row: f.row, filled: f.filled, quantity: f.quantity })).join(", ");
    out.push(t("cli.auc.tie", { price: s.tie.price, rule: s.tie.rule, seed: s.seed ? t("cli.auc.seed", { seed: s.seed }) : "", order }));
  }
  for (const x of s.reserves) {
    const direction = x.direction === "release" ? t("cli.auc.release") : x.direction === "withhold" ? t("cli.auc.withhold") : String(x.direction);
    out.push(t("cli.auc.reserve", { id: x.id, direction, trigger: x.trigger, quantity: x.quantity, sold: x.sold, withheld: x.withheld }));
  }
  process.stdout.write(`${out.join("\n")}\n`);
  const headers = [t("cli.auc.col.bidder"), t("cli.auc.col.quantity"), t("cli.auc.col.nonCompetitive"), t("cli.auc.col.payment")];
  if (s.awards.length) printTable(headers, s.awards.map((a) => [a.bidder, BigInt(a.quantity), BigInt(a.nonCompetitive), a.payment]));
}

/** `ets auction clear` as a function (the tests call it in-process). */
export async function runClear(o: ClearOpts): Promise<void> {
  const offered = wholeOption("--offered", o.offered);
  if (offered === undefined) throw new UsageError(t("cli.auc.offeredRequired"), { field: "--offered" });
  if (o.bids === undefined) throw new UsageError(t("cli.auc.bidsRequired"), { field: "--bids" });
  const r = resolveRules(o);
  const referencePriceMinor = priceOption("--reference", o.reference, r.rules.priceDecimals);
  let read: Awaited<ReturnType<typeof readBids>>;
  let bidders: Awaited<ReturnType<typeof readBidders>> | undefined;
  try {
    read = await readBids(o.bids, r.rules.priceDecimals);
    bidders = o.bidders === undefined ? undefined : await readBidders(o.bidders, r.rules.priceDecimals);
  } catch (err) {
    if (err instanceof InputError) throw new UsageError(err.message);
    throw err;
  }
  if (r.rules.bidders.guarantee && bidders === undefined) throw new UsageError(t("cli.auc.biddersRequired"), { field: "--bidders" });
  // the seed is drawn here, at the edge, and recorded in the result so the tie order can be replayed
  const seed = o.seed ?? randomBytes(16).toString("hex");
  const outcome = clearAuction(r.rules, { offered, bids: read.bids, nonCompetitive: read.nonCompetitive, bidders, seed, referencePriceMinor });
  if (!outcome.ok) {
    if (outcome.code === "auction-bids-refused") {
      const errors = outcome.issues.map((i) => ({ file: o.bids, line: i.row, column: i.field, code: i.code, message: i.message }));
      throw new UsageError(`${t("cli.auc.bidsRefused", { count: outcome.issues.length })}\n${outcome.issues.map((i) => issueLine(o.bids as string, i)).join("\n")}`, {
        code: "bids-refused", field: "--bids", facts: { count: errors.length }, result: { errors },
      });
    }
    const flag = { offered: "--offered", seed: "--seed", referencePrice: "--reference", nonCompetitive: "--bids" }[outcome.field] ?? outcome.field;
    throw new UsageError(`${flag}: ${outcome.message}`);
  }
  const s = statementOf(outcome.result);
  const currency = r.rulebook?.currency ?? "";
  if (o.json) {
    const plan = o.id === undefined ? undefined : settlementPlan(o.id, outcome.result);
    printJson({
      ...s,
      rules: { scheme: r.rulebook?.scheme.id ?? null, year: r.year ?? null, currency: r.rulebook?.currency ?? null, lotSize: r.rules.lotSize, reservePrice: r.rules.reservePriceMinor === null ? null : formatDecimal(r.rules.reservePriceMinor, r.rules.priceDecimals), tieBreak: r.rules.tieBreak, undersubscribed: r.rules.undersubscribed },
      settlement: plan ? { auctionId: plan.auctionId, legs: plan.legs, payments: plan.payments.map((p) => ({ bidder: p.bidder, amount: formatDecimal(p.amountMinor, plan.priceDecimals) })) } : null,
    });
  } else printStatement(s, r, currency);
}

async function runCalendar(name: string, o: { year?: string; volume?: string; tnac?: string; tnacHoldings?: string | undefined; json?: boolean }): Promise<void> {
  const rb = loadRulebookArg(name);
  const year = yearArg("--year", o.year);
  if (year === undefined) throw new UsageError(t("cli.usage.yearRequired"), { field: "--year" });
  const volume = wholeOption("--volume", o.volume);
  const adjustments = new Map<string, bigint>();
  const tnac = wholeOption("--tnac", o.tnac);
  if (tnac !== undefined) {
    const m = rb.stability?.msr;
    if (!m) throw new UsageError(t("cli.auc.noMsr", { scheme: rb.scheme.id }), { field: "--tnac" });
    // the TNAC of the year before last and of last year both reach this year's auctions
    for (const tnacYear of [year - 2, year - 1]) {
      const d = msrDecision(m, { tnacYear, tnac, holdings: wholeOption("--holdings", o.tnacHoldings) ?? 0n });
      if (!d.ok) continue;
      for (const x of d.decision.schedule) if (x.month.startsWith(`${year}-`)) adjustments.set(x.month, (adjustments.get(x.month) ?? 0n) - x.intake + x.release);
    }
  }
  const c = auctionCalendar(rb, year, { volume, adjustments });
  if (!c.ok) {
    const why = { "calendar-no-volume": t("cli.auc.noVolume", { year }), "calendar-no-auctions": t("cli.auc.noFrequency", { scheme: rb.scheme.id }), "calendar-negative-volume": t("cli.auc.negativeVolume") }[c.code];
    throw new UsageError(t("cli.auc.calendarRefused", { why, code: c.code, facts: JSON.stringify(c.facts, (_k, v) => (typeof v === "bigint" ? v.toString() : v)) }));
  }
  if (o.json) printJson(c);
  else printTable([t("cli.auc.col.auction"), t("cli.auc.col.month"), t("cli.auc.col.planned"), t("cli.auc.col.adjustment"), t("cli.auc.col.volume")], c.auctions.map((a) => [a.number, a.month, a.planned, a.adjustment, a.volume]));
}

async function runRevenue(name: string, o: { year?: string; proceeds?: string; json?: boolean }): Promise<void> {
  const rb = loadRulebookArg(name);
  const year = yearArg("--year", o.year);
  if (year === undefined) throw new UsageError(t("cli.usage.yearRequired"), { field: "--year" });
  const decimals = rb.auctions?.priceDecimals ?? 2;
  const proceeds = priceOption("--proceeds", o.proceeds, decimals);
  if (proceeds === undefined) throw new UsageError(t("cli.auc.proceedsRequired"), { field: "--proceeds" });
  const r = revenueFor(rb, year, proceeds);
  if (r.table === "none") throw new UsageError(t("cli.auc.noRevenueTable", { scheme: rb.scheme.id, year }));
  const rows = r.parts.map((p) => ({ recipient: p.recipient, share: p.share, amount: formatDecimal(p.amountMinor, decimals) }));
  if (o.json) printJson({ table: r.table, proceeds: formatDecimal(proceeds, decimals), parts: rows, retained: formatDecimal(r.retainedMinor, decimals) });
  else {
    printTable([t("cli.auc.col.recipient"), t("cli.auc.col.share"), t("cli.auc.col.amount")], rows.map((x) => [x.recipient, x.share, x.amount]));
    process.stdout.write(`${t("cli.auc.retained", { table: r.table, retained: formatDecimal(r.retainedMinor, decimals) })}\n`);
  }
}

export function register(program: Command): void {
  const a = program.command("auction").description("uniform-price sealed-bid auctions: clear one from a bids file, the calendar, revenue shares (docs/guides/auctions.md)");

  a.command("clear")
    .description("clear one auction from a bids file (bidder,quantity,price; an empty price is a non-competitive bid) and print its results statement")
    .option("--offered <n>", "allowances offered (required)")
    .option("--bids <file>", "bids as .csv or .xlsx with columns bidder,quantity,price (required)")
    .option("--rules <preset>", "rulebook preset or file whose auction rules apply (default: lots of 1, cents, random ties, undersubscribed settles at the reserve)")
    .option("--year <year>", "the rulebook year (required with --rules): reserve price, reserve tiers and limits")
    .option("--reserve <price>", "reserve price, replacing the rulebook's")
    .option("--ccr <n>", "cost containment reserve available in this auction, replacing the rulebook's")
    .option("--reference <price>", "secondary-market reference price for the rulebook's below-reference check")
    .option("--bidders <file>", "qualified bidders: bidder,guarantee[,covered] (needed when the rules require guarantees)")
    .option("--seed <text>", "seed of the random order of bids tied at the clearing price (default: drawn, and printed)")
    .option("--id <auction-id>", "with --json: add the settlement plan (ledger legs and payments) under this auction id")
    .option("--json", "print the results statement as JSON (quantities as strings of digits, prices and money as decimal strings)")
    .action(action((o: ClearOpts) => runClear(o)));

  a.command("calendar")
    .description("the year's auctions: volume split evenly in whole lots, optionally less the MSR intake of each month")
    .argument("<rules>", "rulebook preset or file")
    .option("--year <year>", "the year (required)")
    .option("--volume <n>", "the year's auction volume (default: the rulebook's published one)")
    .option("--tnac <n>", "apply the market stability reserve's intake or release for this TNAC (of each of the two previous years)")
    .option("--holdings <n>", "reserve holdings for a release (with --tnac)")
    .option("--json", "print as JSON")
    .action(action((name: string, o: { year?: string; volume?: string; tnac?: string; holdings?: string; json?: boolean }) => runCalendar(name, { ...o, tnacHoldings: o.holdings })));

  a.command("revenue")
    .description("share auction proceeds by the rulebook's table, exactly to the minor unit")
    .argument("<rules>", "rulebook preset or file")
    .option("--year <year>", "the year (required)")
    .option("--proceeds <amount>", "auction proceeds (required)")
    .option("--json", "print as JSON")
    .action(action((name: string, o: { year?: string; proceeds?: string; json?: boolean }) => runRevenue(name, o)));

  registerAuctionRegistry(a);
}
