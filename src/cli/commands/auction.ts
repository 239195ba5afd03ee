// `ets auction clear|calendar|revenue`: clear one uniform-price auction from a bids file under a
// rulebook's rules for a year (reserve price, reserve tiers and limits from the rulebook unless
// given), print its results statement; the year's auction calendar; and how proceeds are shared.
// Exact throughout: quantities are whole allowances, prices and money decimal strings.
import { randomBytes } from "node:crypto";
import type { Command } from "commander";
import { auctionCalendar, auctionRulesFor, clearAuction, defaultAuctionRules, revenueFor, settlementPlan, statementOf } from "../../domain/auction/index.ts";
import type { AuctionRules, BidIssue, Statement } from "../../domain/auction/index.ts";
import { ArithmeticError, formatDecimal, parseDecimal } from "../../domain/quantity/index.ts";
import type { Rulebook } from "../../domain/rulebook/index.ts";
import { msrDecision } from "../../domain/stability/index.ts";
import { readBidders, readBids } from "../../io/bids.ts";
import { InputError } from "../../io/csv.ts";
import { action, printJson, printTable, UsageError } from "../io.ts";
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
  if (!/^\d+$/.test(v.replace(/_/g, ""))) throw new UsageError(`option ${flag}: expected a whole number >= 0, got ${JSON.stringify(v)}`);
  return BigInt(v.replace(/_/g, ""));
}

export function yearArg(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d{4}$/.test(v)) throw new UsageError(`option ${flag}: not a year: ${JSON.stringify(v)}`);
  return Number(v);
}

function priceOption(flag: string, v: string | undefined, decimals: number): bigint | undefined {
  if (v === undefined) return undefined;
  let p: bigint;
  try {
    p = parseDecimal(v, decimals);
  } catch (err) {
    if (err instanceof ArithmeticError) throw new UsageError(`option ${flag}: ${/more than/.test(err.message) ? `${v} has more than ${decimals} decimal places` : `not a number: ${JSON.stringify(v)}`}`);
    throw err;
  }
  if (p < 0n) throw new UsageError(`option ${flag}: must not be negative`);
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
    if (o.ccr !== undefined) throw new UsageError("option --ccr: needs --rules (the rulebook's cost containment reserve gives its trigger)");
    const base = defaultAuctionRules();
    return { rules: { ...base, reservePriceMinor: priceOption("--reserve", o.reserve, base.priceDecimals) ?? null }, rulebook: undefined, year };
  }
  const rb = loadRulebookArg(o.rules);
  if (!rb.auctions) throw new UsageError(`option --rules: ${rb.scheme.id} has no auctions section (its allowances are not sold at auction)`);
  if (year === undefined) throw new UsageError("option --year: required with --rules (the rulebook's reserve price, reserves and limits are per year)");
  const decimals = rb.auctions?.priceDecimals ?? 2;
  const ccr = wholeOption("--ccr", o.ccr);
  const rules = auctionRulesFor(rb, year, { reservePriceMinor: priceOption("--reserve", o.reserve, decimals), ccr });
  if (ccr !== undefined && !rules.tiers.some((t) => t.direction === "release"))
    throw new UsageError(`option --ccr: ${rb.scheme.id} has no cost containment reserve in the auction in ${year}`);
  return { rules, rulebook: rb, year };
}

function issueLine(file: string, i: BidIssue): string {
  return `${file}:${i.row} column "${i.field}": ${i.message} [${i.code}]`;
}

function printStatement(s: Statement, r: Resolved, code: string): void {
  const out: string[] = [];
  const currency = code === "" ? "" : `${code} `;
  const where = r.rulebook ? `${r.rulebook.scheme.id} ${r.year}` : "default rules";
  out.push(`auction (${where}): ${s.status}${s.reason ? ` (${s.reason})` : ""}`);
  out.push(`  clearing price: ${s.clearingPrice === null ? "none" : `${currency}${s.clearingPrice}`}`);
  out.push(`  offered ${s.offered}; sold ${s.sold} (reserve ${s.reserveSold}); withheld ${s.withheld}; unsold ${s.unsold}; cancelled ${s.cancelled}`);
  out.push(`  bids ${s.bidVolume} (accepted ${s.demand}); cover ratio ${s.coverRatio ?? "-"}; proceeds ${currency}${s.proceeds}`);
  if (s.carryOver.length) out.push(`  carried over to the next ${s.carryOver.length} auctions: ${s.carryOver.join(", ")}`);
  if (s.tie) out.push(`  tie at ${s.tie.price} by ${s.tie.rule}${s.seed ? ` (seed ${s.seed})` : ""}: ${s.tie.order.map((f) => `${f.bidder} row ${f.row} ${f.filled}/${f.quantity}`).join(", ")}`);
  for (const t of s.reserves) out.push(`  reserve ${t.id} (${t.direction} at ${t.trigger}): ${t.quantity}; sold ${t.sold}, withheld ${t.withheld}`);
  process.stdout.write(`${out.join("\n")}\n`);
  if (s.awards.length) printTable(["bidder", "quantity", "non-competitive", "payment"], s.awards.map((a) => [a.bidder, BigInt(a.quantity), BigInt(a.nonCompetitive), a.payment]));
}

/** `ets auction clear` as a function (the tests call it in-process). */
export async function runClear(o: ClearOpts): Promise<void> {
  const offered = wholeOption("--offered", o.offered);
  if (offered === undefined) throw new UsageError("option --offered: required (allowances offered)");
  if (o.bids === undefined) throw new UsageError("option --bids: required (a CSV or XLSX file of bidder,quantity,price)");
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
  if (r.rules.bidders.guarantee && bidders === undefined) throw new UsageError("option --bidders: required: the rules need a bid guarantee from every bidder (a file of bidder,guarantee[,covered])");
  // the seed is drawn here, at the edge, and recorded in the result so the tie order can be replayed
  const seed = o.seed ?? randomBytes(16).toString("hex");
  const outcome = clearAuction(r.rules, { offered, bids: read.bids, nonCompetitive: read.nonCompetitive, bidders, seed, referencePriceMinor });
  if (!outcome.ok) {
    if (outcome.code === "auction-bids-refused") {
      const errors = outcome.issues.map((i) => ({ file: o.bids, line: i.row, column: i.field, code: i.code, message: i.message }));
      throw new UsageError(`${outcome.issues.length} bid(s) refused:\n${outcome.issues.map((i) => issueLine(o.bids as string, i)).join("\n")}`, {
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
  if (year === undefined) throw new UsageError("option --year: required");
  const volume = wholeOption("--volume", o.volume);
  const adjustments = new Map<string, bigint>();
  const tnac = wholeOption("--tnac", o.tnac);
  if (tnac !== undefined) {
    const m = rb.stability?.msr;
    if (!m) throw new UsageError(`option --tnac: ${rb.scheme.id} has no market stability reserve`);
    // the TNAC of the year before last and of last year both reach this year's auctions
    for (const tnacYear of [year - 2, year - 1]) {
      const d = msrDecision(m, { tnacYear, tnac, holdings: wholeOption("--holdings", o.tnacHoldings) ?? 0n });
      if (!d.ok) continue;
      for (const x of d.decision.schedule) if (x.month.startsWith(`${year}-`)) adjustments.set(x.month, (adjustments.get(x.month) ?? 0n) - x.intake + x.release);
    }
  }
  const c = auctionCalendar(rb, year, { volume, adjustments });
  if (!c.ok) {
    const why = { "calendar-no-volume": `the rulebook publishes no auction volume for ${year}: give --volume`, "calendar-no-auctions": `${rb.scheme.id} sets no auction frequency or auctions per year`, "calendar-negative-volume": "the adjustments take an auction below zero" }[c.code];
    throw new UsageError(`${why} (${c.code} ${JSON.stringify(c.facts, (_k, v) => (typeof v === "bigint" ? v.toString() : v))})`);
  }
  if (o.json) printJson(c);
  else printTable(["auction", "month", "planned", "adjustment", "volume"], c.auctions.map((a) => [a.number, a.month, a.planned, a.adjustment, a.volume]));
}

async function runRevenue(name: string, o: { year?: string; proceeds?: string; json?: boolean }): Promise<void> {
  const rb = loadRulebookArg(name);
  const year = yearArg("--year", o.year);
  if (year === undefined) throw new UsageError("option --year: required");
  const decimals = rb.auctions?.priceDecimals ?? 2;
  const proceeds = priceOption("--proceeds", o.proceeds, decimals);
  if (proceeds === undefined) throw new UsageError("option --proceeds: required (money, e.g. 80000.00)");
  const r = revenueFor(rb, year, proceeds);
  if (r.table === "none") throw new UsageError(`${rb.scheme.id} has no revenue table (auctions.revenue) nor sold uses in allocation.distribution for ${year}`);
  const rows = r.parts.map((p) => ({ recipient: p.recipient, share: p.share, amount: formatDecimal(p.amountMinor, decimals) }));
  if (o.json) printJson({ table: r.table, proceeds: formatDecimal(proceeds, decimals), parts: rows, retained: formatDecimal(r.retainedMinor, decimals) });
  else {
    printTable(["recipient", "share of table", "amount"], rows.map((x) => [x.recipient, x.share, x.amount]));
    process.stdout.write(`from ${r.table}; retained ${formatDecimal(r.retainedMinor, decimals)}\n`);
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
