// `ets collar pay|payments`: the price ceiling kept by payment in lieu of allowances (GX-ETS)
// against the registry (src/registry/auction/ceiling-payments.ts), through the same service and
// rules as the API, acting as a registry user (--as). `pay` records an operator's payment of the
// rulebook's ceiling price for tonnes of an installation's obligation in a compliance period;
// compliance counts them toward the obligation. `sell|sales`: a hard ceiling kept by fixed-price
// sales, allowances issued beyond the cap and sold at the ceiling price (ceiling-sales.ts);
// `complete` finishes a requested sale by its --id alone once its issuance is approved, and
// `pending` lists the requests not yet sold.
// The same --id again records nothing more.
import type { Command } from "commander";
import { auctionStatusOf } from "../../domain/auction/checks.ts";
import { AuctionService, PENDING_STATES } from "../../registry/auction/index.ts";
import type { Result } from "../../registry/ledger/index.ts";
import { action, formatTable, printJson, UsageError } from "../io.ts";
import { actingUser, type Common, type ListOpts, pageFooter, pageOptions, pages, Refused, withRegistry } from "./registry/index.ts";
import { rowsPage } from "../../registry/page-key.ts";
import { oneOf } from "./registry/args.ts";

const FLAGS: Record<string, string> = { commandId: "--id", installation: "--installation", period: "--period", quantity: "--quantity", reference: "--reference", account: "--account", classCode: "--class", issuanceAccount: "--issuance-account" };

/** A refusal of a malformed field is bad usage (exit 2, naming the flag); any other refuses the command (exit 1). */
function must<T>(r: Result<T>): { value: T; replayed: boolean } {
  if (r.ok) return { value: r.value, replayed: r.replayed };
  const field = typeof r.facts.field === "string" ? r.facts.field : undefined;
  if (auctionStatusOf(r.code) === 400 && field && FLAGS[field]) throw new UsageError(`option ${FLAGS[field]}: ${r.message}`);
  throw new Refused(r);
}

const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x)));

interface PayOpts extends Common {
  installation?: string;
  period?: string;
  quantity?: string;
  reference?: string;
  id?: string;
}

function required(o: Record<string, unknown>, names: ReadonlyArray<[key: string, flag: string]>): void {
  for (const [k, flag] of names) if (o[k] === undefined) throw new UsageError(`option ${flag} is required`);
}

export function register(program: Command): void {
  const c = program.command("collar").description("price collars in the registry: payments of the ceiling price in place of allowances (GX-ETS), sales at a hard ceiling issued beyond the cap");
  c.command("pay")
    .description("record an operator's payment of the year's ceiling price for tonnes of an installation's obligation, instead of surrendering allowances")
    .option("--installation <id>", "the installation registered for compliance (required)")
    .option("--period <id>", "the compliance period the payment counts toward (required)")
    .option("--quantity <t>", "tonnes of the obligation paid for, whole (required)")
    .option("--reference <text>", "the payment's reference (receipt or transfer number)")
    .option("--id <key>", "idempotency key (default pay.INSTALLATION.PERIOD)")
    .option("--database <dir|url>", "PGlite data directory or postgres:// URL (default: DATABASE_URL, else .data/pglite)")
    .option("--as <user>", "the registry user this acts as (default: ETS_AS); the same rules apply as through the API")
    .option("--json", "print JSON")
    .action(
      action(async (o: PayOpts) => {
        required(o as Record<string, unknown>, [["installation", "--installation"], ["period", "--period"], ["quantity", "--quantity"]]);
        if (!/^\d{1,18}$/.test(o.quantity as string)) throw new UsageError(`option --quantity: expected a whole number of tonnes, got ${JSON.stringify(o.quantity)}`);
        const out = await withRegistry(o, async (ctx) => {
          const svc = new AuctionService(ctx.registry);
          const input = { commandId: o.id ?? `pay.${o.installation}.${o.period}`, installation: o.installation as string, period: o.period as string, quantity: o.quantity as string, reference: o.reference };
          return must(await svc.payInLieu(actingUser(ctx), input));
        });
        const p = out.value;
        if (o.json) printJson(plain({ ...p, replayed: out.replayed }));
        else process.stdout.write(`${out.replayed ? "already recorded: " : ""}payment ${p.id}: ${p.installation} ${p.period}, ${p.quantity} t at ${p.currency} ${p.price} (${p.priceYear}) = ${p.currency} ${p.amount}; counts toward the obligation\n`);
      }),
    );
  c.command("sell")
    .description("sell a covered entity allowances at the year's ceiling price, issued beyond the cap (where the rulebook keeps its ceiling by fixed-price sales)")
    .option("--account <id>", "the buyer's operator holding account, of an installation registered for compliance (required)")
    .option("--class <code>", "the allowance class issued and sold (required)")
    .option("--quantity <n>", "allowances sold, whole (required)")
    .option("--issuance-account <id>", "the national issuance account they are issued into (default: the only open one)")
    .option("--id <key>", "idempotency key (required): the same key again records nothing more; once the issuance is approved, `ets collar complete --id` (or the same sale again) completes it")
    .option("--database <dir|url>", "PGlite data directory or postgres:// URL (default: DATABASE_URL, else .data/pglite)")
    .option("--as <user>", "the registry user this acts as (default: ETS_AS); the same rules apply as through the API")
    .option("--json", "print JSON")
    .action(
      action(async (o: Common & { account?: string; class?: string; quantity?: string; issuanceAccount?: string; id?: string }) => {
        required(o as Record<string, unknown>, [["account", "--account"], ["class", "--class"], ["quantity", "--quantity"], ["id", "--id"]]);
        if (!/^\d{1,16}$/.test(o.quantity as string)) throw new UsageError(`option --quantity: expected a whole number of allowances, got ${JSON.stringify(o.quantity)}`);
        const out = await withRegistry(o, async (ctx) => {
          const svc = new AuctionService(ctx.registry);
          return must(await svc.sellAtCeiling(actingUser(ctx), { commandId: o.id as string, account: o.account as string, classCode: o.class as string, quantity: o.quantity as string, issuanceAccount: o.issuanceAccount }));
        });
        const v = out.value;
        if (o.json) printJson(plain({ ...v, replayed: out.replayed }));
        else process.stdout.write(`${out.replayed ? "already recorded: " : ""}sale ${v.id}: ${v.quantity} ${v.classCode} to ${v.account} (${v.installation}) at ${v.currency} ${v.price} (${v.year}) = ${v.currency} ${v.amount}; issued beyond the cap by ${v.issuanceId}\n`);
      }),
    );
  c.command("complete")
    .description("complete a requested sale at the ceiling by its --id alone, once a second national administrator has approved its issuance beyond the cap (any national administrator)")
    .option("--id <key>", "the sale's idempotency key, as given to `ets collar sell` (required)")
    .option("--database <dir|url>", "PGlite data directory or postgres:// URL (default: DATABASE_URL, else .data/pglite)")
    .option("--as <user>", "the registry user this acts as (default: ETS_AS); the same rules apply as through the API")
    .option("--json", "print JSON")
    .action(
      action(async (o: Common & { id?: string }) => {
        required(o as Record<string, unknown>, [["id", "--id"]]);
        const out = await withRegistry(o, async (ctx) => must(await new AuctionService(ctx.registry).completeCeilingSale(actingUser(ctx), o.id as string)));
        const v = out.value;
        if (o.json) printJson(plain({ ...v, replayed: out.replayed }));
        else process.stdout.write(`${out.replayed ? "already sold: " : ""}sale ${v.id}: ${v.quantity} ${v.classCode} to ${v.account} (${v.installation}) at ${v.currency} ${v.price} (${v.year}) = ${v.currency} ${v.amount}; issued beyond the cap by ${v.issuanceId}\n`);
      }),
    );
  pageOptions(c.command("pending")
    .description("the sales at the ceiling requested and not yet made (oldest first, a page at a time), with their issuance's status"))
    .option("--state <state>", "open (a completion can still make the sale) or ended (issuance rejected or cancelled); default: both")
    .option("--database <dir|url>", "PGlite data directory or postgres:// URL (default: DATABASE_URL, else .data/pglite)")
    .option("--json", "print JSON")
    .action(
      action(async (o: Common & ListOpts & { state?: string }) => {
        const state = o.state === undefined ? undefined : oneOf("--state", o.state, PENDING_STATES);
        const page = await withRegistry(o, async (ctx) => {
          const svc = new AuctionService(ctx.registry);
          return pages(o, async (after, limit) => rowsPage(await svc.pendingCeilingSales({ after, take: limit + 1, state }), limit, (x) => x.commandId));
        });
        if (o.json) printJson(plain(page));
        else {
          const rows = page.items.map((v) => [v.commandId, v.account, v.classCode, v.quantity, v.amount, v.currency, v.issuanceStatus ?? "not issued", v.requestedBy]);
          process.stdout.write(rows.length === 0 ? "no pending sales\n" : `${formatTable(["id", "account", "class", "quantity", "amount", "currency", "issuance", "requested by"], rows)}\n${pageFooter(rows.length, page.nextCursor)}`);
        }
      }),
    );
  pageOptions(c.command("sales")
    .description("the sales at the ceiling (oldest first, a page at a time) and the allowances they issued beyond the cap per year"))
    .option("--year <y>", "only this year's")
    .option("--account <id>", "only this account's")
    .option("--database <dir|url>", "PGlite data directory or postgres:// URL (default: DATABASE_URL, else .data/pglite)")
    .option("--json", "print JSON")
    .action(
      action(async (o: Common & ListOpts & { year?: string; account?: string }) => {
        if (o.year !== undefined && !/^\d{4}$/.test(o.year)) throw new UsageError(`option --year: expected a year, got ${JSON.stringify(o.year)}`);
        const year = o.year === undefined ? undefined : Number(o.year);
        const out = await withRegistry(o, async (ctx) => {
          const svc = new AuctionService(ctx.registry);
          const page = await pages(o, async (after, limit) => rowsPage(await svc.ceilingSales({ year, account: o.account, after, take: limit + 1 }), limit, (x) => x.id));
          return { ...page, issuedBeyondCap: await svc.issuedBeyondCap(year) };
        });
        if (o.json) printJson(plain(out));
        else {
          process.stdout.write(out.items.length === 0 ? "no sales\n" : `${formatTable(["id", "account", "class", "year", "quantity", "price", "amount", "currency"], out.items.map((v) => [v.id, v.account, v.classCode, v.year, v.quantity, v.price, v.amount, v.currency]))}\n`);
          process.stdout.write(pageFooter(out.items.length, out.nextCursor));
          for (const t of out.issuedBeyondCap) process.stdout.write(`issued beyond the cap in ${t.year}: ${t.quantity}\n`);
        }
      }),
    );
  pageOptions(c.command("payments")
    .description("the payments recorded in place of allowances, oldest first, a page at a time"))
    .option("--installation <id>", "only this installation's")
    .option("--period <id>", "only this compliance period's")
    .option("--database <dir|url>", "PGlite data directory or postgres:// URL (default: DATABASE_URL, else .data/pglite)")
    .option("--json", "print JSON")
    .action(
      action(async (o: Common & ListOpts & { installation?: string; period?: string }) => {
        const page = await withRegistry(o, async (ctx) => {
          const svc = new AuctionService(ctx.registry);
          return pages(o, async (after, limit) => rowsPage(await svc.ceilingPayments({ installation: o.installation, period: o.period, after, take: limit + 1 }), limit, (x) => x.id));
        });
        const items = page.items;
        if (o.json) printJson(plain(page));
        else process.stdout.write(items.length === 0 ? "no payments\n" : `${formatTable(["id", "installation", "period", "tonnes", "price", "amount", "currency"], items.map((p) => [p.id, p.installation, p.period, p.quantity, p.price, p.amount, p.currency]))}\n${pageFooter(items.length, page.nextCursor)}`);
      }),
    );
}
