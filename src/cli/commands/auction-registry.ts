// `ets auction run|settle|show` and `ets auction msr tnac|decide|month`: auctions and the market
// stability reserve against the registry (src/registry/auction), through the same service and
// rules as the API, acting as a registry user (--as). `run` takes an auction from the calendar to
// settlement in steps that each carry a command id derived from --id, so running it again
// replays what was done and continues where it stopped (e.g. after a reserve release waiting for
// a second administrator): the year's calendar (written when missing), the auction of a calendar
// entry, its bidders from a file (bidder,account[,guarantee][,covered]), the bids from a file
// (bidder,quantity,price; an empty price is a non-competitive bid; a bid the rules refuse is
// reported by line and column and the others stand), the close and the settlement.
import type { Command } from "commander";
import { auctionStatusOf } from "../../domain/auction/checks.ts";
import { systemPrincipal } from "../../domain/security/roles.ts";
import { AuctionService, type AuctionView, type SettlementView } from "../../registry/auction/index.ts";
import type { Result } from "../../registry/ledger/index.ts";
import { InputError } from "../../io/csv.ts";
import { readTable } from "../../io/table.ts";
import { action, formatTable, printJson, UsageError } from "../io.ts";
import { formatDecimal } from "../../domain/quantity/index.ts";
import { parseBidderKey, rowsPage } from "../../registry/page-key.ts";
import { actingUser, type Common, type ListOpts, pageFooter, pageOptions, pages, Refused, type RegistryContext, withRegistry } from "./registry/index.ts";
import { parsedAfter } from "./registry/args.ts";
import { complianceEmissions } from "../../registry/compliance/emissions.ts";

/** A year given as an option or argument (auction.ts imports this module, so it has its own). */
function yearArg(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d{4}$/.test(v)) throw new UsageError(`option ${flag}: not a year: ${JSON.stringify(v)}`);
  return Number(v);
}

interface Out {
  json: unknown;
  text: string;
}

function runner<A extends unknown[]>(fn: (ctx: RegistryContext, svc: AuctionService, ...args: A) => Promise<Out>) {
  return action(async (...args: unknown[]) => {
    const opts = args[args.length - 2] as Common;
    const positional = args.slice(0, args.length - 2) as unknown[];
    try {
      const out = await withRegistry(opts, (ctx) => fn(ctx, new AuctionService(ctx.registry, { emissions: complianceEmissions }), ...([...positional, opts] as unknown as A)));
      if (opts.json) printJson(out.json);
      else process.stdout.write(out.text);
    } catch (err) {
      throw err;
    }
  });
}

/** A refusal of a malformed field is bad usage (exit 2, naming the flag); any other refuses the command (exit 1). */
function must<T>(r: Result<T>, flags: Record<string, string> = {}): { value: T; replayed: boolean } {
  if (r.ok) return { value: r.value, replayed: r.replayed };
  const field = typeof r.facts.field === "string" ? r.facts.field : undefined;
  if (auctionStatusOf(r.code) === 400 && field && flags[field]) throw new UsageError(`option ${flags[field]}: ${r.message}`);
  throw new Refused(r);
}

const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x)));

interface RunOpts extends Common {
  year?: string;
  number?: string;
  auction?: string;
  class?: string;
  auctionAccount?: string;
  reserveAccount?: string[];
  unsoldAccount?: string;
  volume?: string;
  bidders?: string;
  bids?: string;
  seed?: string;
  reference?: string;
  settle?: boolean;
  id?: string;
}

async function readRows(file: string, columns: Parameters<typeof readTable>[1]) {
  try {
    return await readTable(file, columns);
  } catch (err) {
    if (err instanceof InputError) throw new UsageError(err.message);
    throw err;
  }
}

function reserveAccounts(list: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const x of list ?? []) {
    const m = /^([A-Za-z0-9._-]+)=([A-Za-z0-9-]+)$/.exec(x);
    if (!m) throw new UsageError(`option --reserve-account: expected TIER=ACCOUNT (e.g. ccr=US-300-0002), got ${JSON.stringify(x)}`);
    out[m[1] as string] = m[2] as string;
  }
  return out;
}

export async function runAuction(ctx: RegistryContext, svc: AuctionService, o: RunOpts): Promise<Out> {
  const me = actingUser(ctx);
  const year = yearArg("--year", o.year);
  if (year === undefined) throw new UsageError("option --year: required (the calendar year of the auction)");
  if (!o.class) throw new UsageError("option --class: required (the allowance class sold)");
  if (!o.auctionAccount) throw new UsageError("option --auction-account: required (the account the allowances are sold from)");
  if (!o.bidders) throw new UsageError("option --bidders: required (a CSV or XLSX file of bidder,account[,guarantee][,covered])");
  if (!o.bids) throw new UsageError("option --bids: required (a CSV or XLSX file of bidder,quantity,price)");
  const bidderRows = await readRows(o.bidders, [
    { name: "bidder", type: "string" }, { name: "account", type: "string" }, { name: "guarantee", type: "string", required: false }, { name: "covered", type: "string", required: false },
  ]);
  const bidRows = await readRows(o.bids, [{ name: "bidder", type: "string" }, { name: "quantity", type: "string" }, { name: "price", type: "string", required: false }]);

  // the calendar: written when the year has none
  let calendar = await svc.calendar(year);
  let calendarWritten = false;
  if (calendar.length === 0) {
    calendar = must(await svc.writeCalendar(me, { commandId: `${o.id ?? `run-${year}`}.calendar`, year, ...(o.volume !== undefined ? { volume: o.volume } : {}) }), { volume: "--volume", year: "--year" }).value;
    calendarWritten = true;
  }
  let number: number;
  if (o.number !== undefined) {
    if (!/^\d{1,3}$/.test(o.number)) throw new UsageError(`option --number: not an auction number of the calendar: ${JSON.stringify(o.number)}`);
    number = Number(o.number);
  } else {
    const byId = o.auction === undefined ? undefined : calendar.find((e) => e.auctionId === o.auction);
    const free = byId ?? calendar.find((e) => e.auctionId === null);
    if (!free) throw new UsageError(`option --number: every auction of the ${year} calendar has been created; name one`);
    number = free.number;
  }
  const auctionId = o.auction ?? `${year}-${number}`;
  const id = o.id ?? `run.${auctionId}`;

  const created = must(
    await svc.create(me, { commandId: `${id}.create`, auctionId, year, number, classCode: o.class, auctionAccount: o.auctionAccount, reserveAccounts: reserveAccounts(o.reserveAccount), ...(o.unsoldAccount ? { unsoldAccount: o.unsoldAccount } : {}) }),
    { auctionId: "--auction", number: "--number", classCode: "--class", auctionAccount: "--auction-account", year: "--year" },
  ).value;

  const admitted: string[] = [];
  for (const r of bidderRows) {
    const covered = r.covered === undefined ? undefined : /^(true|yes|1)$/i.test(r.covered as string) ? true : /^(false|no|0)$/i.test(r.covered as string) ? false : null;
    if (covered === null) throw new UsageError(`${o.bidders}:${r.__line} column "covered": expected true or false, got ${JSON.stringify(r.covered)}`);
    const res = await svc.admit(me, auctionId, { commandId: `${id}.bidder.${r.bidder as string}`, bidder: r.bidder as string, accountId: r.account as string, ...(r.guarantee !== undefined ? { guarantee: r.guarantee as string } : {}), ...(covered !== undefined ? { covered } : {}) });
    if (!res.ok && res.code !== 11401) throw new UsageError(`${o.bidders}:${r.__line} column "${typeof res.facts.field === "string" && res.facts.field !== "accountId" ? res.facts.field : "account"}": ${res.message} [${res.code} ${res.check}]`);
    admitted.push(r.bidder as string);
  }

  const accepted: Array<{ line: number; bidNo: number }> = [];
  const refused: Array<{ file: string; line: number; column: string; code: number; check: string; message: string }> = [];
  for (const r of bidRows) {
    const res = await svc.bid(me, auctionId, { commandId: `${id}.bid.${r.__line}`, bidder: r.bidder as string, quantity: r.quantity as string, price: (r.price as string | undefined) ?? null });
    if (res.ok) accepted.push({ line: r.__line, bidNo: res.value.bidNo });
    else if (res.code === 11401) continue; // closed by an earlier run: the bids it took stand
    else {
      const field = typeof res.facts.field === "string" ? res.facts.field : "bidder";
      refused.push({ file: o.bids, line: r.__line, column: ["quantity", "price", "bidder"].includes(field) ? field : "quantity", code: res.code, check: res.check, message: res.message });
    }
  }

  const closed = must(await svc.close(me, auctionId, { commandId: `${id}.close`, ...(o.seed ? { seed: o.seed } : {}), ...(o.reference ? { referencePrice: o.reference } : {}) }), { seed: "--seed", referencePrice: "--reference" }).value;
  const results = must(await svc.results(me, auctionId)).value;
  let settlement: SettlementView | null = null;
  if (o.settle !== false && results.status !== "cancelled") settlement = must(await svc.settle(me, auctionId, { commandId: `${id}.settle` })).value;

  const lines = [
    calendarWritten ? `calendar ${year}: ${calendar.length} auctions written\n` : "",
    `auction ${auctionId} (${year} #${number}, ${created.month}): offered ${created.offered} ${o.class} from ${o.auctionAccount}\n`,
    `bidders admitted: ${admitted.length}; bids accepted: ${accepted.length}; refused: ${refused.length}\n`,
    ...refused.map((x) => `  ${x.file}:${x.line} column "${x.column}": ${x.message} [${x.code} ${x.check}]\n`),
    resultsText(closed, results),
    settlement ? settlementText(settlement) : results.status === "cancelled" ? "cancelled: nothing to settle\n" : "not settled (--no-settle): settle with `ets auction settle`\n",
  ];
  const now = await svc.get(me, auctionId);
  return { json: plain({ auction: now.ok ? now.value : closed, calendarWritten, bidders: admitted, bids: { accepted, refused }, results, settlement }), text: lines.join("") };
}

type RevenueText = { table: string; currency: string; parts: Array<{ recipient: string; share: string | null; amount: string }> } | null;

function resultsText(a: AuctionView, r: { status: string; clearingPrice: string | null; currency: string; sold: string; reserveSold: string; withheld: string; unsold: string; cancelled: string; coverRatio: string | null; proceeds: string; awards: Array<{ bidder: string; accountId: string; quantity: bigint; payment: string }>; revenue?: RevenueText | undefined }): string {
  const head = `closed: ${r.status}; clearing price ${r.clearingPrice === null ? "none" : `${r.currency} ${r.clearingPrice}`}; sold ${r.sold} (reserve ${r.reserveSold}), withheld ${r.withheld}, unsold ${r.unsold}, cancelled ${r.cancelled}; cover ratio ${r.coverRatio ?? "-"}; proceeds ${r.currency} ${r.proceeds}\n`;
  const table = r.awards.length ? `${formatTable(["bidder", "account", "quantity", "payment"], r.awards.map((w) => [w.bidder, w.accountId, w.quantity, w.payment]))}\n` : "";
  const rev = r.revenue
    ? `revenue (${r.revenue.table}):\n${formatTable(["recipient", "share", `amount (${r.revenue.currency})`], r.revenue.parts.map((p) => [p.recipient, p.share ?? "(retained)", p.amount]))}\n`
    : "";
  return `${a.id} ${head}${table}${rev}`;
}

function settlementText(s: { batchId: string | null; totals: { payments: number }; transactions: Array<{ role: string; transactionId: string; quantity: bigint; status: string | null }> }): string {
  const tx = s.transactions.map((t) => `  ${t.role} ${t.quantity}: ${t.transactionId} ${t.status ?? "not proposed"}${t.status === "awaiting_approval" ? " (a second administrator approves: ets approve)" : ""}\n`).join("");
  return `settled: batch ${s.batchId ?? "(no delivery)"}, ${s.totals.payments} payment records (ets auction payments lists them)\n${tx}`;
}

async function settleCmd(ctx: RegistryContext, svc: AuctionService, auctionId: string, o: Common & { id?: string }): Promise<Out> {
  const r = must(await svc.settle(actingUser(ctx), auctionId, o.id ? { commandId: o.id } : {}), { commandId: "--id" });
  return { json: plain({ ...r.value, replayed: r.replayed }), text: `${r.replayed ? "already settled: " : ""}${settlementText(r.value)}` };
}

async function showCmd(ctx: RegistryContext, svc: AuctionService, auctionId: string): Promise<Out> {
  const caller = ctx.caller ?? { principal: systemPrincipal("cli"), ip: null };
  const a = must(await svc.get(caller, auctionId)).value;
  const results = a.results ? must(await svc.results(caller, auctionId)).value : null;
  const text = `auction ${a.id}: ${a.status}; ${a.year} #${a.number} (${a.month}); offered ${a.offered} ${a.classCode}; reserve price ${a.rules.reservePrice ?? "none"}\n${results ? resultsText(a, results) : ""}`;
  return { json: plain({ ...a, results }), text };
}

/** An auction's payment records a page at a time (or every page with --all), as GET .../settlement/payments answers them. */
async function paymentsCmd(ctx: RegistryContext, svc: AuctionService, auctionId: string, o: ListOpts): Promise<Out> {
  const caller = ctx.caller ?? { principal: systemPrincipal("cli"), ip: null };
  const page = await pages(o, async (after, limit) => rowsPage(must(await svc.payments(caller, auctionId, { after: after === undefined ? undefined : parsedAfter(after, parseBidderKey), take: limit + 1 })).value, limit, (p) => p.bidder));
  const rows = page.items.map((p) => [p.bidder, p.accountId, p.quantity, formatDecimal(p.priceMinor, p.decimals), formatDecimal(p.amountMinor, p.decimals), p.currency, p.transactionId]);
  return { json: plain(page), text: `${formatTable(["bidder", "account", "quantity", "price", "amount", "currency", "transaction"], rows)}\n${pageFooter(page.items.length, page.nextCursor)}` };
}

async function tnacCmd(_ctx: RegistryContext, svc: AuctionService, year: string, o: Common & { emissions?: string }): Promise<Out> {
  const y = yearArg("<year>", year) as number;
  if (o.emissions !== undefined && !/^\d{1,18}$/.test(o.emissions)) throw new UsageError(`option --emissions: not a whole number: ${JSON.stringify(o.emissions)}`);
  const t = must(await svc.tnac(y, o.emissions === undefined ? undefined : BigInt(o.emissions))).value;
  return { json: plain(t), text: `TNAC ${t.year}: ${t.tnac} = issued ${t.issuedSince2008}${t.issuedBeyondCap > 0n ? ` (${t.issuedBeyondCap} of them beyond the cap)` : ""} + credits ${t.creditsUsed} - verified emissions ${t.verifiedEmissions} (${t.emissionsFrom}) - cancelled ${t.cancelled} - reserve ${t.reserveHoldings}\n` };
}

async function decideCmd(ctx: RegistryContext, svc: AuctionService, year: string, o: Common & { id?: string; emissions?: string; previousAuctionVolume?: string; msrAccount?: string; auctionAccount?: string; cancellationAccount?: string }): Promise<Out> {
  const y = yearArg("<tnac-year>", year) as number;
  if (!o.msrAccount) throw new UsageError("option --msr-account: required (the reserve's account)");
  if (!o.auctionAccount) throw new UsageError("option --auction-account: required (the account auctions sell from)");
  const r = must(
    await svc.decide(actingUser(ctx), {
      commandId: o.id ?? `msr-${y}`, tnacYear: y, msrAccount: o.msrAccount, auctionAccount: o.auctionAccount,
      ...(o.emissions !== undefined ? { verifiedEmissions: o.emissions } : {}), ...(o.previousAuctionVolume !== undefined ? { previousAuctionVolume: o.previousAuctionVolume } : {}), ...(o.cancellationAccount ? { cancellationAccount: o.cancellationAccount } : {}),
    }),
    { verifiedEmissions: "--emissions", previousAuctionVolume: "--previous-auction-volume", msrAccount: "--msr-account", auctionAccount: "--auction-account", tnacYear: "<tnac-year>" },
  );
  const d = r.value.decision as unknown as { intake: string; release: string; invalidated: string; schedule: Array<{ month: string; intake: string; release: string }> };
  const sched = d.schedule.length ? `${formatTable(["month", "intake", "release"], d.schedule.map((m) => [m.month, m.intake, m.release]))}\n` : "";
  return { json: plain({ ...r.value, replayed: r.replayed }), text: `${r.replayed ? "already decided: " : ""}TNAC ${y}: ${r.value.figures.tnac}; intake ${d.intake}, release ${d.release}, invalidated ${d.invalidated}\n${sched}` };
}

async function monthCmd(ctx: RegistryContext, svc: AuctionService, year: string, month: string, o: Common & { class?: string }): Promise<Out> {
  const y = yearArg("<tnac-year>", year) as number;
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new UsageError(`<month>: expected YYYY-MM, got ${JSON.stringify(month)}`);
  if (!o.class) throw new UsageError("option --class: required (the allowance class moved)");
  const m = must(await svc.applyMonth(actingUser(ctx), y, month, o.class), { classCode: "--class" }).value;
  const tx = m.transactions.map((t) => `  ${t.role} ${t.quantity}: ${t.transactionId} ${t.status ?? `refused (${t.refused?.code} ${t.refused?.check}: ${t.refused?.message})`}\n`).join("");
  return { json: plain(m), text: `reserve ${month} (TNAC ${y}): intake ${m.intake}, release ${m.release}, invalidated ${m.invalidated}\n${tx}` };
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

function common(c: Command, write = true): Command {
  c.option("--database <dir|url>", "PGlite data directory or postgres:// URL (default: DATABASE_URL, else .data/pglite)").option("--json", "print JSON");
  if (write) c.option("--as <user>", "the registry user this acts as (default: ETS_AS); the same rules apply as through the API");
  return c;
}

/** Adds the registry's auction commands to `ets auction` (src/cli/commands/auction.ts). */
export function registerAuctionRegistry(a: Command): void {
  common(a.command("run"))
    .description("run an auction in the registry: calendar, auction, bidders, bids from a file, close and settle (one batch with payment records)")
    .option("--year <year>", "calendar year of the auction (required)")
    .option("--number <n>", "the auction's entry in the year's calendar (default: the first without an auction)")
    .option("--auction <id>", "auction id (default YEAR-NUMBER)")
    .option("--class <code>", "allowance class sold (required)")
    .option("--auction-account <account>", "account the allowances are sold from (required)")
    .option("--reserve-account <tier=account>", "the account of a reserve tier of the year's rules (repeatable)", collect)
    .option("--unsold-account <account>", "where unsold allowances go when the rules send them to a reserve or retire them")
    .option("--volume <n>", "the year's auction volume when the calendar is written (default: the rulebook's published one)")
    .option("--bidders <file>", "bidders: bidder,account[,guarantee][,covered] (required)")
    .option("--bids <file>", "bids: bidder,quantity,price; an empty price is a non-competitive bid (required)")
    .option("--seed <text>", "seed of the random order of bids tied at the clearing price (default: drawn and recorded)")
    .option("--reference <price>", "secondary-market reference price for the rules' below-reference check")
    .option("--no-settle", "stop after the close")
    .option("--id <id>", "prefix of the command ids of the steps (default run.AUCTION): the same run again replays and continues")
    .action(runner((ctx, svc, o: RunOpts) => runAuction(ctx, svc, o)));
  common(a.command("settle <auction>"))
    .description("settle a closed auction: every award in one ledger batch with its payment records; again, nothing more")
    .option("--id <id>", "idempotency key")
    .action(runner((ctx, svc, id: string, o: Common & { id?: string }) => settleCmd(ctx, svc, id, o)));
  pageOptions(common(a.command("payments <auction>"), false)).description("an auction's payment records in bidder order, a page at a time").option("--as <user>", "read as this registry user (a representative: its bidders' only; default: everything)")
    .action(runner((ctx, svc, id: string, o: ListOpts) => paymentsCmd(ctx, svc, id, o)));
  common(a.command("show <auction>"), false).description("an auction: its rules, status and, once closed, its results and awards").option("--as <user>", "read as this registry user (default: everything)")
    .action(runner((ctx, svc, id: string) => showCmd(ctx, svc, id)));

  const m = a.command("msr").description("the market stability reserve against the registry: the TNAC, the reserve's decision and its monthly movements");
  common(m.command("tnac <year>"), false).description("the TNAC at the end of a year, computed from the registry")
    .option("--emissions <n>", "verified emissions up to the end of the year (until the compliance records supply them)")
    .action(runner((ctx, svc, y: string, o: Common & { emissions?: string }) => tnacCmd(ctx, svc, y, o)));
  common(m.command("decide <tnac-year>")).description("record the reserve's decision on the TNAC of a year (once)")
    .option("--emissions <n>", "verified emissions up to the end of the year")
    .option("--previous-auction-volume <n>", "the previous year's auction volume (the 2023 invalidation rule)")
    .option("--msr-account <account>", "the reserve's account (required)")
    .option("--auction-account <account>", "the auction account intake comes from (required)")
    .option("--cancellation-account <account>", "where invalidated holdings are cancelled")
    .option("--id <id>", "idempotency key (default msr-YEAR)")
    .action(runner((ctx, svc, y: string, o: Common) => decideCmd(ctx, svc, y, o)));
  common(m.command("month <tnac-year> <month>")).description("propose a month's intake or release (and invalidation) for a second administrator's approval")
    .option("--class <code>", "the allowance class moved (required)")
    .action(runner((ctx, svc, y: string, month: string, o: Common & { class?: string }) => monthCmd(ctx, svc, y, month, o)));
}

