// The registry commands' definitions: accounts, unit classes, representatives, issuance,
// transfers, retirement, cancellation, reversal, approvals, holdings, transactions, `ets verify`,
// and `ets login` / `ets logout`. Each runs on one of two doors, chosen per command
// (src/cli/remote/target.ts): the API of a running server (--server, OPENETS_URL, or the server
// that holds the PGlite data directory), signed in with a token from `ets login`; or the store
// itself (a stopped registry, or PostgreSQL), acting as the registry user named by --as. Both go
// through the same rules, print the same text and the same JSON. A write takes --id, the caller's
// idempotency key (generated and printed when absent): the same command again with the same id
// changes nothing and prints the first result. This module loads neither the store nor the
// services: the store door's handlers are imported only when used (direct.ts).
import type { Command } from "commander";
import { action, CommandFailure, printJson, t } from "../../io.ts";
import { type ApiClient, problemError, RemoteProblem } from "../../remote/client.ts";
import { findTarget, signedInClient } from "../../remote/target.ts";
import type * as Direct from "./direct.ts";
import type { Output, ReadContext, RegistryContext } from "./context.ts";
import * as remote from "./remote.ts";
import { prefetchPgliteWasm } from "../../../store/pglite-prefetch.ts";
import { describeStore } from "../../../store/where.ts";

interface Common {
  database?: string;
  server?: string;
  json?: boolean;
  as?: string;
}

/** Prints a command's outcome; a failure with a result (verify with violations) prints the result with its error, once. */
export function emit(out: Output, json: boolean | undefined): void {
  if (out.failed) {
    if (!json) process.stdout.write(out.text);
    throw new CommandFailure(out.failed, { code: "check-failed", result: out.json as Record<string, unknown> });
  }
  if (json) printJson(out.json);
  else process.stdout.write(out.text);
}

type DirectFn<A extends unknown[], C = RegistryContext> = (d: typeof Direct, ctx: C, ...args: A) => Promise<Output>;
type RemoteFn<A extends unknown[]> = (api: ApiClient, ...args: A) => Promise<Output>;

/** A command that writes (or may): on the store it gets the whole registry, every scheme rule installed (withRegistry). */
function runner<A extends unknown[]>(direct: DirectFn<A>, viaApi: RemoteFn<A> | null) {
  return door<A>((d, opts, fn: (ctx: RegistryContext) => Promise<Output>) => d.withRegistry(opts, fn), direct, viaApi);
}

/** A command that only reads: on the store it gets the registry's reads alone (no scheme rules loaded; nothing there writes). */
function reader<A extends unknown[]>(direct: DirectFn<A, ReadContext>, viaApi: RemoteFn<A>) {
  return door<A, ReadContext>((d, opts, fn) => d.withReads(opts, fn), direct, viaApi);
}

type Opener<C> = (d: typeof Direct, opts: Common, fn: (ctx: C) => Promise<Output>) => Promise<Output>;

/**
 * A command's action on either door. commander passes the positional arguments, then the
 * options, then the command; handlers get the positional arguments and the options.
 */
function door<A extends unknown[], C = RegistryContext>(open: Opener<C>, direct: DirectFn<A, C>, viaApi: RemoteFn<A> | null) {
  return action(async (...args: unknown[]) => {
    const cmd = args[args.length - 1] as Command;
    const opts = cmd.opts() as Common;
    const handlerArgs = [...args.slice(0, args.length - 2), opts] as unknown as A;
    const target = await findTarget({ server: opts.server, database: opts.database });
    let out: Output;
    if (target.kind === "http") {
      if (!viaApi) throw new CommandFailure(t("cli.remote.needsStore", { url: target.url, command: cmd.name() }), { code: "needs-store", facts: { server: target.url } });
      const api = signedInClient(target.url, opts.as ?? (process.env.ETS_AS || undefined));
      try {
        out = await viaApi(api, ...handlerArgs);
      } catch (err) {
        throw err instanceof RemoteProblem ? problemError(err) : err;
      }
    } else {
      // A PGlite store: its WebAssembly compiles on background threads while the services load.
      if (describeStore({ database: opts.database }).kind === "pglite") prefetchPgliteWasm();
      const d = await import("./direct.ts");
      out = await open(d, opts, (ctx) => direct(d, ctx, ...handlerArgs));
    }
    emit(out, opts.json);
  });
}

function common(c: Command): Command {
  return c
    .option("--database <dir|url>", "PGlite data directory or postgres:// URL (default: DATABASE_URL, else .data/pglite); a server holding the directory is used over HTTP")
    .option("--server <url>", "the registry server's URL, e.g. http://localhost:3000 (default: OPENETS_URL, else the server holding the data directory)")
    .option("--json", "print JSON (errors too: {\"error\": {...}})");
}

function reads(c: Command): Command {
  return common(c).option("--as <user>", "on a server: read as this signed-in user (default: ETS_AS, else the user of the last ets login)");
}

function writes(c: Command): Command {
  return common(c)
    .option("--as <user>", "the registry user this write acts as (default: ETS_AS; on a server, the user of the last ets login); the same rules apply as through the API")
    .option("--id <id>", "idempotency key of this command (generated and printed when absent)");
}

function moveOptions(c: Command): Command {
  return writes(c).option("--note <text>", "free text kept with the transaction");
}

/** The options of every list: one page (--after, --limit) or every page (--all); see pages() in accounts.ts. */
export function pageOptions(c: Command): Command {
  return c
    .option("--after <cursor>", "the page after this cursor (printed after a page when more exist)")
    .option("--limit <n>", "at most n per page (default 100, max 500)")
    .option("--all", "every page, following the cursor");
}

function listOptions(c: Command): Command {
  return pageOptions(reads(c));
}

export function register(program: Command): void {
  const account = program.command("account").description("registry accounts: open, list, show, block, unblock, close; representatives");
  writes(account.command("open <account>").description("open an account (see docs/reference/account-types.md)"))
    .requiredOption("--type <type>", "account type, e.g. trading, operator_holding, national_issuance")
    .requiredOption("--holder <holder>", "the account holder")
    .option("--name <name>", "display name (default: the account id)")
    .option("--installation <id>", "installation or aircraft/ship operator (operator accounts)")
    .action(runner((d, c, id: string, o: Direct.AccountOpenOpts) => d.accountOpen(c, id, o), (api, id: string, o: Direct.AccountOpenOpts) => remote.accountOpen(api, id, o)));
  type AccountListOpts = Parameters<typeof Direct.accountList>[1];
  listOptions(account.command("list").description("list accounts in id order, a page at a time"))
    .option("--type <type>").option("--holder <holder>").option("--status <status>", "open, blocked, restricted, suspended, transfer_pending, closure_pending or closed")
    .action(reader((d, c, o: AccountListOpts) => d.accountList(c, o), (api, o: AccountListOpts) => remote.accountList(api, o)));
  reads(account.command("show <account>").description("an account and its holdings")).action(reader((d, c, id: string) => d.accountShow(c, id), (api, id: string) => remote.accountShow(api, id)));
  for (const [name, status, what] of [["block", "blocked", "block an account (it can no longer send, nor receive transfers)"], ["unblock", "open", "reopen a blocked account"], ["close", "closed", "close an empty account for good"]] as const) {
    writes(account.command(`${name} <account>`).description(what))
      .option("--reason <text>", "why (kept in the account's history)")
      .action(runner((d, c, id: string, o: { reason?: string; id?: string }) => d.accountStatus(c, id, status, o), (api, id: string, o: { reason?: string; id?: string }) => remote.accountStatus(api, id, status, o)));
  }
  const rep = account.command("rep").description("an account's representatives and their rights");
  writes(rep.command("add <account> <user>").description("make a registry user a representative of the account"))
    .option("--initiate", "may initiate transfers from the account").option("--approve", "may approve them (four-eyes)")
    .action(runner((d, c, a: string, u: string, o: { initiate?: boolean; approve?: boolean }) => d.repAdd(c, a, u, o), (api, a: string, u: string, o: { initiate?: boolean; approve?: boolean }) => remote.repAdd(api, a, u, o)));
  writes(rep.command("remove <account> <user>").description("remove a representative")).action(runner((d, c, a: string, u: string) => d.repRemove(c, a, u), (api, a: string, u: string) => remote.repRemove(api, a, u)));
  listOptions(rep.command("list <account>").description("the account's representatives, a page at a time"))
    .action(reader((d, c, a: string, o: Direct.ListOpts) => d.repList(c, a, o), (api, a: string, o: Direct.ListOpts) => remote.repList(api, a, o)));

  const cls = program.command("class").description("unit classes: define, list, show");
  writes(cls.command("define <code>").description("define a unit class (what makes units interchangeable)"))
    .requiredOption("--unit-type <type>", "allowance, AAU, RMU, CER, tCER, lCER, ERU, JCM, J-Credit, ITMO, A6.4ER, VER")
    .requiredOption("--scheme <scheme>", "scheme or origin, e.g. JP-GX, EU, CDM")
    .option("--vintage <year>").option("--commitment-period <cp>").option("--project <id>").option("--host-country <cc>")
    .option("--credit-kind <kind>", "reduction, avoidance or removal").option("--methodology <id>")
    .option("--a6-authorized", "Article 6: authorized").option("--a6-use <use>", "Article 6 authorized use: NDC, OIMP or both").option("--a6-first-transferred", "Article 6: first transferred")
    .option("--issuance-limit <units>", "no issuance beyond this many units (e.g. the vintage's cap)")
    .option("--serial-start <n>", "first serial number (default 1)")
    .action(runner((d, c, code: string, o: Direct.ClassDefineOpts) => d.classDefine(c, code, o), (api, code: string, o: Direct.ClassDefineOpts) => remote.classDefine(api, code, o)));
  listOptions(cls.command("list").description("list unit classes, a page at a time")).action(reader((d, c, o: Direct.ListOpts) => d.classList(c, o), (api, o: Direct.ListOpts) => remote.classList(api, o)));
  reads(cls.command("show <code>").description("one unit class")).action(reader((d, c, code: string) => d.classShow(c, code), (api, code: string) => remote.classShow(api, code)));

  const move = (kind: (o: Direct.MoveOpts & { kind?: string; mandatory?: boolean }) => string) =>
    runner(
      (d, c, k: string, q: string, o: Direct.MoveOpts & { kind?: string; mandatory?: boolean }) => d.move(c, kind(o), k, q, o),
      (api, k: string, q: string, o: Direct.MoveOpts & { kind?: string; mandatory?: boolean }) => remote.move(api, kind(o), k, q, o),
    );
  moveOptions(program.command("issue <class> <quantity>").description("issue new units of a class (next serials) into an issuance account; a second administrator approves"))
    .requiredOption("--to <account>", "national issuance or party holding account")
    .action(move(() => "issuance"));
  moveOptions(program.command("transfer <class> <quantity>").description("move units between accounts (lowest serials first)"))
    .requiredOption("--from <account>").requiredOption("--to <account>")
    .option("--kind <kind>", "transaction kind (docs/reference/transaction-kinds.md)", "transfer")
    .action(move((o) => o.kind ?? "transfer"));
  moveOptions(program.command("retire <class> <quantity>").description("retire units for good, with a purpose and a beneficiary"))
    .requiredOption("--from <account>").requiredOption("--to <account>", "a retirement account")
    .requiredOption("--purpose <text>").requiredOption("--beneficiary <name>")
    .action(move(() => "retirement"));
  moveOptions(program.command("cancel <class> <quantity>").description("cancel units (voluntary cancellation; --mandatory for mandatory cancellation)"))
    .requiredOption("--from <account>").requiredOption("--to <account>", "a cancellation account")
    .option("--mandatory", "mandatory cancellation (from government or party accounts)")
    .action(move((o) => (o.mandatory ? "mandatory_cancellation" : "voluntary_cancellation")));
  writes(program.command("reverse <transaction>").description("reverse a completed transaction: the same serials go back (administrator)"))
    .option("--reason <text>")
    .action(runner((d, c, x: string, o: { reason?: string; id?: string }) => d.reverse(c, x, o), (api, x: string, o: { reason?: string; id?: string }) => remote.reverse(api, x, o)));
  writes(program.command("approve <transaction>").description("approve a transaction awaiting approval (it completes, or waits for its delay); not by its initiator"))
    .action(runner((d, c, x: string) => d.decide(c, "approve", x, {}), (api, x: string) => remote.decide(api, "approve", x, {})));
  writes(program.command("reject <transaction>").description("reject a transaction awaiting approval"))
    .option("--reason <text>")
    .action(runner((d, c, x: string, o: { reason?: string }) => d.decide(c, "reject", x, o), (api, x: string, o: { reason?: string }) => remote.decide(api, "reject", x, o)));

  reads(program.command("holdings <account>").description("what an account holds, per class (total, earmarked, available); --blocks lists the serial blocks"))
    .option("--blocks", "list serial blocks").option("--block-limit <n>", "at most n blocks per class (default 1000)")
    .action(reader((d, c, a: string, o: { blocks?: boolean; blockLimit?: string }) => d.holdings(c, a, o), (api, a: string, o: { blocks?: boolean; blockLimit?: string }) => remote.holdings(api, a, o)));

  const tx = program.command("tx").description("transactions: list, show, cancel a held one, release delayed ones");
  type TxListOpts = Parameters<typeof Direct.txList>[1];
  listOptions(tx.command("list").description("list transactions in time order, a page at a time"))
    .option("--account <id>").option("--status <status>").option("--kind <kind>")
    .action(reader((d, c, o: TxListOpts) => d.txList(c, o), (api, o: TxListOpts) => remote.txList(api, o)));
  reads(tx.command("show <transaction>").description("one transaction: legs, status history, serials moved")).action(reader((d, c, id: string) => d.txShow(c, id), (api, id: string) => remote.txShow(api, id)));
  writes(tx.command("cancel <transaction>").description("withdraw a transaction awaiting approval or delayed (its initiator, or an administrator)"))
    .option("--reason <text>")
    .action(runner((d, c, id: string, o: { reason?: string }) => d.decide(c, "cancel", id, o), (api, id: string, o: { reason?: string }) => remote.decide(api, "cancel", id, o)));
  writes(tx.command("release").description("complete every delayed transaction whose delay has passed (administrator)")).action(runner((d, c) => d.release(c), (api) => remote.release(api)));

  common(program.command("verify").description("re-derive every ledger invariant from the database and prove every checkpoint; exit 0 only when all hold (reads the store: stop a server holding a PGlite directory first)"))
    .option("--checkpoint", "then record a checkpoint (a Merkle root over every chain head and account record) and print it for publication")
    .option("--as <user>", "with --checkpoint: the registry user recorded as having taken it (default: ETS_AS, else cli)")
    .addHelpText("after", '\nJSON: {"ok", "classes", "accounts", "blocks", "units", "byFate", "transactions", "movements", "chains", "links", "checkpoints", "checkpointLeaves", "violations"}; with --checkpoint: {"root", "at", "count", "id"}')
    .action(runner((d, c, o: { checkpoint?: boolean }) => d.verify(c, o), null));

  program
    .command("login")
    .description("sign in to a registry server and keep an API token for the CLI (in the user's config folder, readable by the user only)")
    .option("--server <url>", "the server's URL (default: OPENETS_URL, else the server holding the data directory)")
    .option("--database <dir>", "find the server by the PGlite data directory it holds (default: DATABASE_URL, else .data/pglite)")
    .requiredOption("--user <id>", "the registry user")
    .option("--totp <code>", "the 6-digit one-time code, when the user has a second factor (else asked for on a terminal)")
    .option("--days <n>", "the token's lifetime in days (default 30; at most the rulebook's apiTokens.maxDays)", "30")
    .option("--json", "print JSON")
    .addHelpText("after", "\nThe password comes from OPENETS_PASSWORD, else stdin when it is not a terminal, else it is asked for without echo.")
    .action(action(async (o: { server?: string; database?: string; user: string; totp?: string; days: string; json?: boolean }) => (await import("../../remote/login.ts")).login(o)));
  program
    .command("logout")
    .description("revoke the CLI's token at a registry server and forget it")
    .option("--server <url>", "the server's URL (default: OPENETS_URL, else the server holding the data directory)")
    .option("--database <dir>", "find the server by the PGlite data directory it holds")
    .option("--user <id>", "the user to sign out (default: the server's default user)")
    .option("--json", "print JSON")
    .action(action(async (o: { server?: string; database?: string; user?: string; json?: boolean }) => (await import("../../remote/login.ts")).logout(o)));
}
