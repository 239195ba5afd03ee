// The registry commands: accounts, unit classes, issuance, transfers, retirement, cancellation,
// reversal, approvals, holdings, transactions and `ets verify`. Each command opens the store
// (--database DIR|URL, else DATABASE_URL, else .data/pglite), runs one ledger command and prints
// a table or, with --json, JSON. A refusal prints its check code and message and exits 1; bad
// usage exits 2. Every command that writes takes --id, the caller's idempotency id (generated and
// printed when absent): running the same command again with the same id changes nothing and
// prints the first result.
//
// The handlers below take an open LedgerService and return what to print, so the tests can call
// them in-process; `register` wires them to commander.
import { randomBytes } from "node:crypto";
import type { Command } from "commander";
import type { Refusal } from "../../domain/ledger/checks.ts";
import type { AccountStatus } from "../../domain/ledger/commands.ts";
import { type AccountView, type HoldingView, LedgerService, type Result, type TransactionStatus, type TransactionView, type UnitClassView } from "../../registry/ledger.ts";
import { verifyLedger } from "../../registry/verify.ts";
import { openStore } from "../../store/open.ts";
import { StoreLockedError } from "../../store/lock.ts";
import { action, CommandFailure, formatTable, printJson, toJson, UsageError } from "../io.ts";

/** What a handler prints: JSON for --json, text otherwise. */
export interface Output {
  json: unknown;
  text: string;
  /** Set when the command's outcome is a failure after printing (verify with violations). */
  failed?: string;
}

/** A ledger refusal: exit 1 with the check code and message (and the refusal as JSON with --json). */
export class Refused extends CommandFailure {
  constructor(readonly refusal: Refusal) {
    super(`refused: check ${refusal.code} (${refusal.check}): ${refusal.message}`);
  }
}

export function newId(): string {
  return `cli-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
}

function unwrap<T>(r: Result<T>): { value: T; replayed: boolean } {
  if (!r.ok) throw new Refused(r);
  return { value: r.value, replayed: r.replayed };
}

const idLine = (id: string, generated: boolean) => (generated ? `id ${id} (generated; pass --id ${id} to repeat safely)\n` : "");

function pickId(opts: { id?: string | undefined }): { id: string; generated: boolean } {
  return opts.id === undefined ? { id: newId(), generated: true } : { id: opts.id, generated: false };
}

// ---- accounts ---------------------------------------------------------------------------------

export interface AccountOpenOpts {
  type: string;
  holder: string;
  name?: string | undefined;
  installation?: string | undefined;
  id?: string | undefined;
}

export async function accountOpen(ledger: LedgerService, accountId: string, o: AccountOpenOpts): Promise<Output> {
  const { id, generated } = pickId(o);
  const r = unwrap(
    await ledger.openAccount({ commandId: id, accountId, type: o.type, holder: o.holder, name: o.name ?? accountId, ...(o.installation ? { installation: o.installation } : {}) }),
  );
  return {
    json: { id, replayed: r.replayed, account: r.value },
    text: `${idLine(id, generated)}${r.replayed ? "already done: " : ""}opened ${accountText(r.value)}\n`,
  };
}

export async function accountStatus(ledger: LedgerService, accountId: string, status: AccountStatus, o: { reason?: string | undefined; id?: string | undefined }): Promise<Output> {
  const { id, generated } = pickId(o);
  const r = unwrap(await ledger.setAccountStatus({ commandId: id, accountId, status, ...(o.reason ? { reason: o.reason } : {}) }));
  return { json: { id, replayed: r.replayed, account: r.value }, text: `${idLine(id, generated)}${r.replayed ? "already done: " : ""}${accountText(r.value)}\n` };
}

export async function accountList(ledger: LedgerService, o: { type?: string; holder?: string; status?: string; after?: string; limit?: string }): Promise<Output> {
  const status = o.status === undefined ? undefined : oneOf("--status", o.status, ["open", "blocked", "closed"] as const);
  const list = await ledger.listAccounts({
    ...(o.type ? { type: o.type } : {}), ...(o.holder ? { holder: o.holder } : {}), ...(status ? { status } : {}), ...(o.after ? { after: o.after } : {}),
    ...(o.limit ? { limit: positiveInt("--limit", o.limit) } : {}),
  });
  return {
    json: list,
    text: `${formatTable(["id", "type", "status", "holder", "name", "installation"], list.map((a) => [a.id, a.type, a.status, a.holder, a.name, a.installation]))}\n`,
  };
}

export async function accountShow(ledger: LedgerService, accountId: string): Promise<Output> {
  const a = await ledger.getAccount(accountId);
  if (!a) throw new Refused(refusal(7006, "account-unknown", `no account ${accountId}`, { accountId }));
  const h = (await ledger.holdings(accountId)) ?? [];
  return { json: { ...a, holdings: h }, text: `${accountText(a)}\nopened ${a.openedAt}\n${holdingsText(h)}` };
}

function accountText(a: AccountView): string {
  return `${a.id} (${a.type}, ${a.status}) holder ${a.holder}, name ${a.name}${a.installation ? `, installation ${a.installation}` : ""}`;
}

// ---- classes ----------------------------------------------------------------------------------

export interface ClassDefineOpts {
  unitType: string;
  scheme: string;
  vintage?: string;
  commitmentPeriod?: string;
  project?: string;
  hostCountry?: string;
  creditKind?: string;
  methodology?: string;
  a6Authorized?: boolean;
  a6Use?: string;
  a6FirstTransferred?: boolean;
  issuanceLimit?: string;
  serialStart?: string;
  id?: string | undefined;
}

export async function classDefine(ledger: LedgerService, code: string, o: ClassDefineOpts): Promise<Output> {
  const { id, generated } = pickId(o);
  const cmd: Record<string, unknown> = { commandId: id, code, unitType: o.unitType, scheme: o.scheme };
  // Numbers are passed on as given when they are not plain digits, so the ledger names the field.
  if (o.vintage !== undefined) cmd.vintage = /^\d{1,9}$/.test(o.vintage) ? Number(o.vintage) : o.vintage;
  for (const [k, v] of [["commitmentPeriod", o.commitmentPeriod], ["project", o.project], ["hostCountry", o.hostCountry], ["creditKind", o.creditKind], ["methodology", o.methodology], ["issuanceLimit", o.issuanceLimit], ["serialStart", o.serialStart]] as const) {
    if (v !== undefined) cmd[k] = v;
  }
  if (o.a6Authorized !== undefined || o.a6Use !== undefined || o.a6FirstTransferred !== undefined) {
    cmd.article6 = { authorized: o.a6Authorized === true, ...(o.a6Use ? { use: o.a6Use } : {}), firstTransferred: o.a6FirstTransferred === true };
  }
  const r = unwrap(await ledger.defineClass(cmd));
  return { json: { id, replayed: r.replayed, class: r.value }, text: `${idLine(id, generated)}${r.replayed ? "already done: " : ""}defined ${classText(r.value)}\n` };
}

export async function classList(ledger: LedgerService, o: { after?: string; limit?: string }): Promise<Output> {
  const list = await ledger.listClasses({ ...(o.after ? { after: o.after } : {}), ...(o.limit ? { limit: positiveInt("--limit", o.limit) } : {}) });
  return {
    json: list,
    text: `${formatTable(["code", "unit type", "scheme", "vintage", "issued", "limit"], list.map((c) => [c.code, c.unitType, c.scheme, c.vintage ?? c.commitmentPeriod ?? "", c.issued, c.issuanceLimit ?? ""]))}\n`,
  };
}

export async function classShow(ledger: LedgerService, code: string): Promise<Output> {
  const c = await ledger.getClass(code);
  if (!c) throw new Refused(refusal(4001, "class-unknown", `no unit class ${code}`, { classCode: code }));
  return { json: c, text: `${classText(c)}\n${toJson(c)}\n` };
}

function classText(c: UnitClassView): string {
  return `${c.code} (${c.unitType}, ${c.scheme}${c.vintage !== null ? ` ${c.vintage}` : ""}) issued ${c.issued}${c.issuanceLimit !== null ? ` of ${c.issuanceLimit}` : ""}`;
}

// ---- transactions -----------------------------------------------------------------------------

export interface MoveOpts {
  from?: string;
  to: string;
  kind?: string;
  purpose?: string;
  beneficiary?: string;
  note?: string;
  initiator?: string;
  approval?: boolean;
  delayUntil?: string;
  id?: string | undefined;
}

/** Every unit-moving command: issue, transfer, retire, cancel. The kind fixes the rules. */
export async function move(ledger: LedgerService, kind: string, classCode: string, quantity: string, o: MoveOpts): Promise<Output> {
  const { id, generated } = pickId(o);
  const hold = o.approval || o.delayUntil ? { hold: { ...(o.approval ? { approval: true } : {}), ...(o.delayUntil ? { delayUntil: o.delayUntil } : {}) } } : {};
  const r = unwrap(
    await ledger.propose({
      transactionId: id,
      kind,
      legs: [{ classCode, from: o.from ?? null, to: o.to, quantity }],
      ...(o.initiator ? { initiator: o.initiator } : {}),
      ...(o.purpose ? { purpose: o.purpose } : {}),
      ...(o.beneficiary ? { beneficiary: o.beneficiary } : {}),
      ...(o.note ? { note: o.note } : {}),
      ...hold,
    }),
  );
  return { json: { ...r.value, replayed: r.replayed }, text: `${idLine(id, generated)}${r.replayed ? "already done: " : ""}${txText(r.value)}` };
}

export async function reverse(ledger: LedgerService, target: string, o: { actor?: string; reason?: string; id?: string | undefined }): Promise<Output> {
  const { id, generated } = pickId(o);
  const r = unwrap(await ledger.reverse({ transactionId: id, reverses: target, actor: o.actor ?? defaultActor(), ...(o.reason ? { reason: o.reason } : {}) }));
  return { json: { ...r.value, replayed: r.replayed }, text: `${idLine(id, generated)}${r.replayed ? "already done: " : ""}${txText(r.value)}` };
}

export async function decide(ledger: LedgerService, which: "approve" | "reject" | "cancel", txId: string, o: { actor?: string; reason?: string; delayUntil?: string }): Promise<Output> {
  const cmd = { transactionId: txId, actor: o.actor ?? defaultActor(), ...(o.reason ? { reason: o.reason } : {}), ...(o.delayUntil ? { delayUntil: o.delayUntil } : {}) };
  const r = unwrap(which === "approve" ? await ledger.approve(cmd) : which === "reject" ? await ledger.reject(cmd) : await ledger.cancel(cmd));
  return { json: { ...r.value, replayed: r.replayed }, text: `${r.replayed ? "already done: " : ""}${txText(r.value)}` };
}

export async function release(ledger: LedgerService): Promise<Output> {
  const all = await ledger.releaseDue();
  const json = all.map((x) => (x.result.ok ? { transactionId: x.transactionId, ok: true, status: x.result.value.status } : { transactionId: x.transactionId, ok: false, code: x.result.code, message: x.result.message }));
  const text = all.length === 0 ? "no delayed transaction is due\n" : `${formatTable(["transaction", "result"], json.map((x) => [x.transactionId, x.ok ? (x as { status: string }).status : `refused ${(x as { code: number }).code}`]))}\n`;
  return { json, text };
}

export async function txShow(ledger: LedgerService, id: string): Promise<Output> {
  const t = await ledger.getTransaction(id);
  if (!t) throw new Refused(refusal(6001, "transaction-unknown", `no transaction ${id}`, { transactionId: id }));
  const events = formatTable(["status", "at", "actor"], t.events.map((e) => [e.status, e.at, e.actor ?? ""]));
  const moves = formatTable(["leg", "class", "from", "to", "first serial", "last serial", "quantity"], t.movements.map((m) => [m.legNo, m.classCode, m.from ?? "(issued)", m.to, m.start, m.end, m.quantity]));
  return { json: t, text: `${txText(t)}\n${events}\n\n${t.movements.length ? moves : "no units moved yet"}\n` };
}

export async function txList(ledger: LedgerService, o: { account?: string; status?: string; kind?: string; after?: string; limit?: string }): Promise<Output> {
  const status = o.status === undefined ? undefined : oneOf("--status", o.status, ["awaiting_approval", "delayed", "completed", "rejected", "cancelled"] as const);
  const list = await ledger.listTransactions({
    ...(o.account ? { account: o.account } : {}), ...(status ? { status: status as TransactionStatus } : {}), ...(o.kind ? { kind: o.kind } : {}),
    ...(o.after ? { after: o.after } : {}), ...(o.limit ? { limit: positiveInt("--limit", o.limit) } : {}),
  });
  const rows = list.flatMap((t) => t.legs.map((l, i) => [i === 0 ? t.id : "", i === 0 ? t.kind : "", i === 0 ? t.status : "", l.classCode, l.from ?? "(issued)", l.to, l.quantity]));
  return { json: list, text: `${formatTable(["id", "kind", "status", "class", "from", "to", "quantity"], rows)}\n` };
}

function txText(t: TransactionView): string {
  const legs = t.legs.map((l) => `  ${l.quantity} ${l.classCode} ${l.from ?? "(issued)"} -> ${l.to}`).join("\n");
  return `transaction ${t.id} (${t.kind}) ${t.status}${t.reverses ? `, reverses ${t.reverses}` : ""}${t.reversedBy ? `, reversed by ${t.reversedBy}` : ""}\n${legs}\n`;
}

// ---- holdings and verify ----------------------------------------------------------------------

export async function holdings(ledger: LedgerService, accountId: string, o: { blocks?: boolean; blockLimit?: string }): Promise<Output> {
  const h = await ledger.holdings(accountId, { blocks: o.blocks === true, ...(o.blockLimit ? { blockLimit: positiveInt("--block-limit", o.blockLimit) } : {}) });
  if (!h) throw new Refused(refusal(7006, "account-unknown", `no account ${accountId}`, { accountId }));
  return { json: { account: accountId, holdings: h }, text: holdingsText(h) };
}

function holdingsText(h: HoldingView[]): string {
  if (h.length === 0) return "no units held\n";
  const lines = [formatTable(["class", "unit type", "quantity", "blocks"], h.map((x) => [x.classCode, x.unitType, x.quantity, x.blockCount]))];
  for (const x of h) {
    if (!x.blocks) continue;
    lines.push(`\n${x.classCode} blocks${x.blocks.length < x.blockCount ? ` (first ${x.blocks.length} of ${x.blockCount})` : ""}:`);
    lines.push(formatTable(["first serial", "last serial", "quantity"], x.blocks.map((b) => [b.start, b.end, b.quantity])));
  }
  return `${lines.join("\n")}\n`;
}

export async function verify(ledger: LedgerService): Promise<Output> {
  const r = await verifyLedger(ledger.db);
  const json = { ok: r.ok, classes: r.classes, accounts: r.accounts, blocks: r.blocks, units: r.units, violations: r.violations };
  const head = `${r.ok ? "ok" : "FAILED"}: ${r.classes} classes, ${r.accounts} accounts, ${r.blocks} blocks, ${r.units} units issued (${Object.entries(r.byFate).filter(([k]) => k !== "issued").map(([k, v]) => `${v} ${k}`).join(", ") || "none"}), ${r.transactions} transactions, ${r.chains} hash chains`;
  const viol = r.violations.map((v) => `  ${v.invariant}: ${v.message}`).join("\n");
  return { json, text: `${head}\n${viol ? `${viol}\n` : ""}`, ...(r.ok ? {} : { failed: `verify found ${r.violations.length} violation(s)` }) };
}

// ---- helpers ----------------------------------------------------------------------------------

function defaultActor(): string {
  return process.env.ETS_ACTOR ?? "registry-cli";
}

function refusal(code: number, check: string, message: string, facts: Record<string, unknown>): Refusal {
  return { ok: false, code, check, message, facts };
}

function oneOf<T extends string>(flag: string, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`option ${flag}: ${JSON.stringify(v)} is not one of ${allowed.join(", ")}`);
  return v as T;
}

function positiveInt(flag: string, v: string): number {
  if (!/^\d{1,6}$/.test(v) || Number(v) < 1) throw new UsageError(`option ${flag}: not a whole number from 1 to 999999: ${JSON.stringify(v)}`);
  return Number(v);
}

interface Common {
  database?: string;
  json?: boolean;
}

/** Opens the store and the ledger, runs the handler, prints, closes. */
export async function withLedger<T>(opts: Common, fn: (ledger: LedgerService) => Promise<T>): Promise<T> {
  let db: Awaited<ReturnType<typeof openStore>>;
  try {
    db = await openStore({ database: opts.database, poolSize: 2 });
  } catch (err) {
    if (err instanceof StoreLockedError) throw new CommandFailure(`error: ${err.message}`);
    throw err;
  }
  try {
    return await fn(await LedgerService.open(db));
  } finally {
    await db.close();
  }
}

function runner<A extends unknown[]>(fn: (ledger: LedgerService, ...args: A) => Promise<Output>) {
  return action(async (...args: unknown[]) => {
    // commander passes the positional arguments, then the options, then the command.
    const opts = args[args.length - 2] as Common;
    const positional = args.slice(0, args.length - 2) as unknown[];
    try {
      const out = await withLedger(opts, (ledger) => fn(ledger, ...([...positional, opts] as unknown as A)));
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
  return common(c).option("--id <id>", "idempotency id of this command (generated and printed when absent)");
}

function moveOptions(c: Command): Command {
  return writes(c)
    .option("--note <text>", "free text kept with the transaction")
    .option("--initiator <name>", "who proposes it")
    .option("--approval", "hold for a second representative's approval (ets approve)")
    .option("--delay-until <iso-time>", "hold until this time (ets tx release completes it)");
}

export function register(program: Command): void {
  const account = program.command("account").description("registry accounts: open, list, show, block, unblock, close");
  writes(account.command("open <account>").description("open an account (see docs/reference/account-types.md)"))
    .requiredOption("--type <type>", "account type, e.g. trading, operator_holding, national_issuance")
    .requiredOption("--holder <holder>", "the account holder")
    .option("--name <name>", "display name (default: the account id)")
    .option("--installation <id>", "installation or aircraft/ship operator (operator accounts)")
    .action(runner((l, id: string, o: AccountOpenOpts) => accountOpen(l, id, o)));
  common(account.command("list").description("list accounts in id order"))
    .option("--type <type>").option("--holder <holder>").option("--status <status>", "open, blocked or closed")
    .option("--after <id>", "start after this account id").option("--limit <n>", "at most n (default 100, max 500)")
    .action(runner((l, o: Parameters<typeof accountList>[1]) => accountList(l, o)));
  common(account.command("show <account>").description("an account and its holdings")).action(runner((l, id: string) => accountShow(l, id)));
  for (const [name, status, what] of [["block", "blocked", "block an account (it can no longer send, nor receive transfers)"], ["unblock", "open", "reopen a blocked account"], ["close", "closed", "close an empty account for good"]] as const) {
    writes(account.command(`${name} <account>`).description(what))
      .option("--reason <text>", "why (kept in the account's history)")
      .action(runner((l, id: string, o: { reason?: string; id?: string }) => accountStatus(l, id, status, o)));
  }

  const cls = program.command("class").description("unit classes: define, list, show");
  writes(cls.command("define <code>").description("define a unit class (what makes units interchangeable)"))
    .requiredOption("--unit-type <type>", "allowance, AAU, RMU, CER, tCER, lCER, ERU, JCM, J-Credit, ITMO, A6.4ER, VER")
    .requiredOption("--scheme <scheme>", "scheme or origin, e.g. JP-GX, EU, CDM")
    .option("--vintage <year>").option("--commitment-period <cp>").option("--project <id>").option("--host-country <cc>")
    .option("--credit-kind <kind>", "reduction, avoidance or removal").option("--methodology <id>")
    .option("--a6-authorized", "Article 6: authorized").option("--a6-use <use>", "Article 6 authorized use: NDC, OIMP or both").option("--a6-first-transferred", "Article 6: first transferred")
    .option("--issuance-limit <units>", "no issuance beyond this many units (e.g. the vintage's cap)")
    .option("--serial-start <n>", "first serial number (default 1)")
    .action(runner((l, code: string, o: ClassDefineOpts) => classDefine(l, code, o)));
  common(cls.command("list").description("list unit classes")).option("--after <code>").option("--limit <n>").action(runner((l, o: { after?: string; limit?: string }) => classList(l, o)));
  common(cls.command("show <code>").description("one unit class")).action(runner((l, code: string) => classShow(l, code)));

  moveOptions(program.command("issue <class> <quantity>").description("issue new units of a class (next serials) into an issuance account"))
    .requiredOption("--to <account>", "national issuance or party holding account")
    .action(runner((l, c: string, q: string, o: MoveOpts) => move(l, "issuance", c, q, o)));
  moveOptions(program.command("transfer <class> <quantity>").description("move units between accounts (lowest serials first)"))
    .requiredOption("--from <account>").requiredOption("--to <account>")
    .option("--kind <kind>", "transaction kind (docs/reference/transaction-kinds.md)", "transfer")
    .action(runner((l, c: string, q: string, o: MoveOpts) => move(l, o.kind ?? "transfer", c, q, o)));
  moveOptions(program.command("retire <class> <quantity>").description("retire units for good, with a purpose and a beneficiary"))
    .requiredOption("--from <account>").requiredOption("--to <account>", "a retirement account")
    .requiredOption("--purpose <text>").requiredOption("--beneficiary <name>")
    .action(runner((l, c: string, q: string, o: MoveOpts) => move(l, "retirement", c, q, o)));
  moveOptions(program.command("cancel <class> <quantity>").description("cancel units (voluntary cancellation; --mandatory for mandatory cancellation)"))
    .requiredOption("--from <account>").requiredOption("--to <account>", "a cancellation account")
    .option("--mandatory", "mandatory cancellation (from government or party accounts)")
    .action(runner((l, c: string, q: string, o: MoveOpts & { mandatory?: boolean }) => move(l, o.mandatory ? "mandatory_cancellation" : "voluntary_cancellation", c, q, o)));
  writes(program.command("reverse <transaction>").description("reverse a completed transaction: the same serials go back"))
    .option("--actor <name>", "who reverses it (default: ETS_ACTOR or registry-cli)").option("--reason <text>")
    .action(runner((l, t: string, o: { actor?: string; reason?: string; id?: string }) => reverse(l, t, o)));
  common(program.command("approve <transaction>").description("approve a transaction awaiting approval (it completes, or waits for its delay)"))
    .option("--actor <name>", "the approving representative (default: ETS_ACTOR or registry-cli)").option("--delay-until <iso-time>", "a delay that still applies")
    .action(runner((l, t: string, o: { actor?: string; delayUntil?: string }) => decide(l, "approve", t, o)));
  common(program.command("reject <transaction>").description("reject a transaction awaiting approval"))
    .option("--actor <name>").option("--reason <text>")
    .action(runner((l, t: string, o: { actor?: string; reason?: string }) => decide(l, "reject", t, o)));

  common(program.command("holdings <account>").description("what an account holds, per class; --blocks lists the serial blocks"))
    .option("--blocks", "list serial blocks").option("--block-limit <n>", "at most n blocks per class (default 1000)")
    .action(runner((l, a: string, o: { blocks?: boolean; blockLimit?: string }) => holdings(l, a, o)));

  const tx = program.command("tx").description("transactions: list, show, cancel a held one, release delayed ones");
  common(tx.command("list").description("list transactions in id order"))
    .option("--account <id>").option("--status <status>").option("--kind <kind>").option("--after <id>").option("--limit <n>")
    .action(runner((l, o: Parameters<typeof txList>[1]) => txList(l, o)));
  common(tx.command("show <transaction>").description("one transaction: legs, status history, serials moved")).action(runner((l, t: string) => txShow(l, t)));
  common(tx.command("cancel <transaction>").description("withdraw a transaction awaiting approval or delayed"))
    .option("--actor <name>").option("--reason <text>")
    .action(runner((l, t: string, o: { actor?: string; reason?: string }) => decide(l, "cancel", t, o)));
  common(tx.command("release").description("complete every delayed transaction whose delay has passed")).action(runner((l) => release(l)));

  common(program.command("verify").description("re-derive every ledger invariant from the database; exit 0 only when all hold"))
    .addHelpText("after", '\nJSON: {"ok", "classes", "accounts", "blocks", "units", "violations"}')
    .action(runner((l) => verify(l)));
}
