// The registry commands: accounts, unit classes, representatives, issuance, transfers,
// retirement, cancellation, reversal, approvals, holdings, transactions and `ets verify`. Each
// command opens the store, runs one operation of the secure registry and prints a table or, with
// --json, JSON. A write acts as a registry user named by --as (or ETS_AS) and follows the same
// rules as the API; a refusal prints its check code and message and exits 1; bad usage exits 2.
// Every write takes --id, the caller's idempotency key (generated and printed when absent):
// running the same command again with the same id changes nothing and prints the first result.
import type { Command } from "commander";
import { action, CommandFailure, printJson } from "../../io.ts";
import * as accounts from "./accounts.ts";
import { type Common, type Output, Refused, type RegistryContext, withRegistry } from "./context.ts";
import * as tx from "./transactions.ts";

export * from "./accounts.ts";
export * from "./transactions.ts";
export { actingUser, type Common, type Output, Refused, type RegistryContext, registryContext, withRegistry } from "./context.ts";

function runner<A extends unknown[]>(fn: (ctx: RegistryContext, ...args: A) => Promise<Output>) {
  return action(async (...args: unknown[]) => {
    // commander passes the positional arguments, then the options, then the command.
    const opts = args[args.length - 2] as Common;
    const positional = args.slice(0, args.length - 2) as unknown[];
    try {
      const out = await withRegistry(opts, (ctx) => fn(ctx, ...([...positional, opts] as unknown as A)));
      if (opts.json) printJson(out.json);
      else process.stdout.write(out.text);
      if (out.failed) throw new CommandFailure(out.failed);
    } catch (err) {
      if (err instanceof Refused && opts.json) printJson(err.refusal);
      throw err;
    }
  });
}

function common(c: Command): Command {
  return c.option("--database <dir|url>", "PGlite data directory or postgres:// URL (default: DATABASE_URL, else .data/pglite)").option("--json", "print JSON");
}

function writes(c: Command): Command {
  return common(c)
    .option("--as <user>", "the registry user this write acts as (default: ETS_AS); the same rules apply as through the API")
    .option("--id <id>", "idempotency key of this command (generated and printed when absent)");
}

function moveOptions(c: Command): Command {
  return writes(c).option("--note <text>", "free text kept with the transaction");
}

function listOptions(c: Command): Command {
  return common(c).option("--after <cursor>", "the page after this cursor (printed as `more: ...` after a full page)").option("--limit <n>", "at most n (default 100, max 500)");
}

export function register(program: Command): void {
  const account = program.command("account").description("registry accounts: open, list, show, block, unblock, close; representatives");
  writes(account.command("open <account>").description("open an account (see docs/reference/account-types.md)"))
    .requiredOption("--type <type>", "account type, e.g. trading, operator_holding, national_issuance")
    .requiredOption("--holder <holder>", "the account holder")
    .option("--name <name>", "display name (default: the account id)")
    .option("--installation <id>", "installation or aircraft/ship operator (operator accounts)")
    .action(runner((c, id: string, o: accounts.AccountOpenOpts) => accounts.accountOpen(c, id, o)));
  listOptions(account.command("list").description("list accounts in id order"))
    .option("--type <type>").option("--holder <holder>").option("--status <status>", "open, blocked, restricted, suspended, transfer_pending, closure_pending or closed")
    .action(runner((c, o: Parameters<typeof accounts.accountList>[1]) => accounts.accountList(c, o)));
  common(account.command("show <account>").description("an account and its holdings")).action(runner((c, id: string) => accounts.accountShow(c, id)));
  for (const [name, status, what] of [["block", "blocked", "block an account (it can no longer send, nor receive transfers)"], ["unblock", "open", "reopen a blocked account"], ["close", "closed", "close an empty account for good"]] as const) {
    writes(account.command(`${name} <account>`).description(what))
      .option("--reason <text>", "why (kept in the account's history)")
      .action(runner((c, id: string, o: { reason?: string; id?: string }) => accounts.accountStatus(c, id, status, o)));
  }
  const rep = account.command("rep").description("an account's representatives and their rights");
  writes(rep.command("add <account> <user>").description("make a registry user a representative of the account"))
    .option("--initiate", "may initiate transfers from the account").option("--approve", "may approve them (four-eyes)")
    .action(runner((c, a: string, u: string, o: { initiate?: boolean; approve?: boolean }) => accounts.repAdd(c, a, u, o)));
  writes(rep.command("remove <account> <user>").description("remove a representative")).action(runner((c, a: string, u: string) => accounts.repRemove(c, a, u)));
  common(rep.command("list <account>").description("the account's representatives")).action(runner((c, a: string) => accounts.repList(c, a)));

  const cls = program.command("class").description("unit classes: define, list, show");
  writes(cls.command("define <code>").description("define a unit class (what makes units interchangeable)"))
    .requiredOption("--unit-type <type>", "allowance, AAU, RMU, CER, tCER, lCER, ERU, JCM, J-Credit, ITMO, A6.4ER, VER")
    .requiredOption("--scheme <scheme>", "scheme or origin, e.g. JP-GX, EU, CDM")
    .option("--vintage <year>").option("--commitment-period <cp>").option("--project <id>").option("--host-country <cc>")
    .option("--credit-kind <kind>", "reduction, avoidance or removal").option("--methodology <id>")
    .option("--a6-authorized", "Article 6: authorized").option("--a6-use <use>", "Article 6 authorized use: NDC, OIMP or both").option("--a6-first-transferred", "Article 6: first transferred")
    .option("--issuance-limit <units>", "no issuance beyond this many units (e.g. the vintage's cap)")
    .option("--serial-start <n>", "first serial number (default 1)")
    .action(runner((c, code: string, o: accounts.ClassDefineOpts) => accounts.classDefine(c, code, o)));
  listOptions(cls.command("list").description("list unit classes")).action(runner((c, o: { after?: string; limit?: string }) => accounts.classList(c, o)));
  common(cls.command("show <code>").description("one unit class")).action(runner((c, code: string) => accounts.classShow(c, code)));

  moveOptions(program.command("issue <class> <quantity>").description("issue new units of a class (next serials) into an issuance account; a second administrator approves"))
    .requiredOption("--to <account>", "national issuance or party holding account")
    .action(runner((c, k: string, q: string, o: tx.MoveOpts) => tx.move(c, "issuance", k, q, o)));
  moveOptions(program.command("transfer <class> <quantity>").description("move units between accounts (lowest serials first)"))
    .requiredOption("--from <account>").requiredOption("--to <account>")
    .option("--kind <kind>", "transaction kind (docs/reference/transaction-kinds.md)", "transfer")
    .action(runner((c, k: string, q: string, o: tx.MoveOpts) => tx.move(c, o.kind ?? "transfer", k, q, o)));
  moveOptions(program.command("retire <class> <quantity>").description("retire units for good, with a purpose and a beneficiary"))
    .requiredOption("--from <account>").requiredOption("--to <account>", "a retirement account")
    .requiredOption("--purpose <text>").requiredOption("--beneficiary <name>")
    .action(runner((c, k: string, q: string, o: tx.MoveOpts) => tx.move(c, "retirement", k, q, o)));
  moveOptions(program.command("cancel <class> <quantity>").description("cancel units (voluntary cancellation; --mandatory for mandatory cancellation)"))
    .requiredOption("--from <account>").requiredOption("--to <account>", "a cancellation account")
    .option("--mandatory", "mandatory cancellation (from government or party accounts)")
    .action(runner((c, k: string, q: string, o: tx.MoveOpts & { mandatory?: boolean }) => tx.move(c, o.mandatory ? "mandatory_cancellation" : "voluntary_cancellation", k, q, o)));
  writes(program.command("reverse <transaction>").description("reverse a completed transaction: the same serials go back (administrator)"))
    .option("--reason <text>")
    .action(runner((c, t: string, o: { reason?: string; id?: string }) => tx.reverse(c, t, o)));
  writes(program.command("approve <transaction>").description("approve a transaction awaiting approval (it completes, or waits for its delay); not by its initiator"))
    .action(runner((c, t: string) => tx.decide(c, "approve", t, {})));
  writes(program.command("reject <transaction>").description("reject a transaction awaiting approval"))
    .option("--reason <text>")
    .action(runner((c, t: string, o: { reason?: string }) => tx.decide(c, "reject", t, o)));

  common(program.command("holdings <account>").description("what an account holds, per class (total, earmarked, available); --blocks lists the serial blocks"))
    .option("--blocks", "list serial blocks").option("--block-limit <n>", "at most n blocks per class (default 1000)")
    .action(runner((c, a: string, o: { blocks?: boolean; blockLimit?: string }) => tx.holdings(c, a, o)));

  const t = program.command("tx").description("transactions: list, show, cancel a held one, release delayed ones");
  listOptions(t.command("list").description("list transactions in time order"))
    .option("--account <id>").option("--status <status>").option("--kind <kind>")
    .action(runner((c, o: Parameters<typeof tx.txList>[1]) => tx.txList(c, o)));
  common(t.command("show <transaction>").description("one transaction: legs, status history, serials moved")).action(runner((c, id: string) => tx.txShow(c, id)));
  writes(t.command("cancel <transaction>").description("withdraw a transaction awaiting approval or delayed (its initiator, or an administrator)"))
    .option("--reason <text>")
    .action(runner((c, id: string, o: { reason?: string }) => tx.decide(c, "cancel", id, o)));
  writes(t.command("release").description("complete every delayed transaction whose delay has passed (administrator)")).action(runner((c) => tx.release(c)));

  common(program.command("verify").description("re-derive every ledger invariant from the database and prove every checkpoint; exit 0 only when all hold"))
    .option("--checkpoint", "then record a checkpoint (a Merkle root over every chain head and account record) and print it for publication")
    .option("--as <user>", "with --checkpoint: the registry user recorded as having taken it (default: ETS_AS, else cli)")
    .addHelpText("after", '\nJSON: {"ok", "classes", "accounts", "blocks", "units", "violations"}; with --checkpoint: {"root", "at", "count", "id"}')
    .action(runner((c, o: { checkpoint?: boolean }) => tx.verify(c, o)));
}
