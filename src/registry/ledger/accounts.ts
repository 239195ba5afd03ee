// Class and account commands: defining a unit class, opening an account, changing its status.
// They move no units, so they are not plans for ledger_apply; each is one database transaction
// that locks what it changes. Their ids share one namespace (ledger_commands): an id names one
// command of one kind, and using it again for anything else is refused (5002, naming `command`).
import type { AccountState, Catalogue } from "../../domain/ledger/catalog.ts";
import { refuse, type Refusal } from "../../domain/ledger/checks.ts";
import {
  canonical, firstDifference, openingRequest, type ValidClass, validateDefineClass, validateEntitlement, validateFreeze, validateOpenAccount, validateSetStatus,
} from "../../domain/ledger/commands.ts";
import { CHECK_ORDER, type CheckFns, firstFailing } from "../../domain/ledger/order.ts";
import { formatAccountNumber, type LedgerRules } from "../../domain/ledger/rules.ts";
import type { Sql } from "../../store/db.ts";
import { FREEZE_LOCK_KEY } from "../../store/migrations/ledger-005.ts";
import { numberRefusal } from "./numbers.ts";
import { getAccount, getClass } from "./reads.ts";
import type { AccountView, EntitlementView, FreezeView, Result, UnitClassView } from "./types.ts";

type CommandKind = "class.define" | "account.open" | "account.status" | "account.entitle" | "registry.freeze";

/** States in which an account no longer holds its installation, permit and monitoring plan for itself (the live-account indexes of migration ledger-005). */
const RELEASED: readonly AccountState[] = ["closed", "transfer_pending", "closure_pending"];

/** The account being closed, as a closure precondition sees it. */
export interface ClosingAccount {
  readonly id: string;
  readonly type: string;
  readonly holder: string;
  readonly installation: string | null;
  readonly status: AccountState;
}

/**
 * A rule of another part of the registry that must hold for an account to close (no pending
 * trusted-list changes, verified emissions for the years of its obligation...). It runs inside the
 * closing database transaction, under the account's lock, after the ledger's own checks; it reads
 * its own tables through `sql` and refuses with a code of its own catalogue (null when it holds).
 */
export type ClosurePrecondition = (sql: Sql, account: ClosingAccount, now: string) => Promise<Refusal | null>;

/** What the account commands need besides the database: the catalogue, the registry's rules, the closure preconditions. */
export interface AccountRules {
  readonly catalogue: Catalogue;
  readonly rules: LedgerRules;
  readonly closure: readonly ClosurePrecondition[];
}

/** The canonical request of a command as stored, with its kind, so that a replay under another kind differs at `command`. */
function stored(kind: CommandKind, request: Record<string, unknown>): unknown {
  return canonical({ command: kind, ...request });
}

async function priorCommand(tx: Sql, id: string): Promise<unknown> {
  const r = await tx.query<{ kind: CommandKind; request: Record<string, unknown> }>("SELECT kind, request FROM ledger_commands WHERE id = $1", [id]);
  const row = r.rows[0];
  return row ? stored(row.kind, row.request) : undefined;
}

async function recordCommand(tx: Sql, id: string, kind: CommandKind, target: string, request: unknown, at: string): Promise<void> {
  await tx.query("INSERT INTO ledger_commands (id, kind, target, request, at, lseq) VALUES ($1, $2, $3, $4, $5, nextval('ledger_seq'))", [
    id, kind, target, JSON.stringify(request), at,
  ]);
}

function replayDiffers(commandId: string, diff: string): Refusal {
  return refuse("REPLAY_DIFFERS", `command ${commandId} was used with a different ${diff}`, { commandId, field: diff });
}

type Tx = <T>(fn: (tx: Sql) => Promise<Result<T>>) => Promise<Result<T>>;

export async function defineClass(atomic: Tx, cat: Catalogue, now: string, input: unknown): Promise<Result<UnitClassView>> {
  const v = validateDefineClass(input);
  if (!v.ok) return v;
  const c = v.value;
  const { commandId: _id, ...definition } = c;
  const def = canonical(definition) as Record<string, unknown>;
  return atomic(async (tx) => {
    const prior = await priorCommand(tx, c.commandId);
    const diff = prior === undefined ? undefined : firstDifference(stored("class.define", def), prior);
    if (prior !== undefined && !diff) return { ok: true, value: (await getClass(tx, c.code)) as UnitClassView, replayed: true };
    const exists = (await tx.query("SELECT 1 FROM unit_classes WHERE code = $1", [c.code])).rows.length > 0;
    const fns: CheckFns<undefined> = {
      REPLAY_DIFFERS: () => (diff ? replayDiffers(c.commandId, diff) : undefined),
      CLASS_DEFINITION_INVALID: () =>
        cat.unitTypes.has(c.unitType) ? undefined : refuse("CLASS_DEFINITION_INVALID", `unknown unit type ${JSON.stringify(c.unitType)}`, { field: "unitType", known: [...cat.unitTypes.keys()] }),
      CLASS_EXISTS: () => (exists ? refuse("CLASS_EXISTS", `class ${c.code} is already defined`, { code: c.code }) : undefined),
    };
    const r = firstFailing(CHECK_ORDER["class.define"].planned, fns, undefined);
    if (r) return r;
    await insertClass(tx, c, def, now);
    await recordCommand(tx, c.commandId, "class.define", c.code, def, now);
    return { ok: true, value: (await getClass(tx, c.code)) as UnitClassView, replayed: false };
  });
}

async function insertClass(tx: Sql, c: ValidClass, def: unknown, now: string): Promise<void> {
  await tx.query(
    `INSERT INTO unit_classes (code, unit_type, scheme, vintage, commitment_period, project, host_country, credit_kind, methodology,
       a6_authorized, a6_use, a6_first_transferred, issuance_limit, serial_start, command_id, definition, defined_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17)`,
    [
      c.code, c.unitType, c.scheme, c.vintage, c.commitmentPeriod, c.project, c.hostCountry, c.creditKind, c.methodology,
      c.article6?.authorized ?? null, c.article6?.use ?? null, c.article6?.firstTransferred ?? null,
      c.issuanceLimit, c.serialStart, c.commandId, JSON.stringify(def), now,
    ],
  );
}

/** The live account (not closed, closing or handing over) other than `except` that holds one of these identifiers. */
async function liveHolder(tx: Sql, except: string, ids: { installation: string | null; permitId: string | null; monitoringPlanId: string | null }): Promise<{ id: string; field: "installation" | "permitId" | "monitoringPlanId"; value: string } | undefined> {
  const r = await tx.query<{ id: string; installation: string | null; permit_id: string | null; monitoring_plan_id: string | null }>(
    `SELECT id, installation, permit_id, monitoring_plan_id FROM accounts
     WHERE id <> $1 AND NOT (status = ANY($5::text[])) AND (installation = $2 OR permit_id = $3 OR monitoring_plan_id = $4) ORDER BY id LIMIT 1`,
    [except, ids.installation, ids.permitId, ids.monitoringPlanId, RELEASED],
  );
  const row = r.rows[0];
  if (!row) return undefined;
  if (ids.installation !== null && row.installation === ids.installation) return { id: row.id, field: "installation", value: ids.installation };
  if (ids.permitId !== null && row.permit_id === ids.permitId) return { id: row.id, field: "permitId", value: ids.permitId };
  return { id: row.id, field: "monitoringPlanId", value: ids.monitoringPlanId as string };
}

function takenRefusal(t: { id: string; field: string; value: string }): Refusal {
  return t.field === "installation"
    ? refuse("INSTALLATION_HAS_ACCOUNT", `installation ${t.value} already has the live account ${t.id}`, { field: "installation", installation: t.value, accountId: t.id })
    : refuse("IDENTIFIER_IN_USE", `${t.field} ${t.value} belongs to the live account ${t.id}`, { field: t.field, value: t.value, accountId: t.id });
}

export async function openAccount(atomic: Tx, ctx: AccountRules, now: string, input: unknown): Promise<Result<AccountView>> {
  const v = validateOpenAccount(input);
  if (!v.ok) return v;
  const a = v.value;
  const numbering = ctx.rules.accountNumbers;
  if (a.accountId === null && numbering === null) return refuse("FIELD_INVALID", "accountId: required (this registry does not number its accounts)", { field: "accountId", reason: "required" });
  if (a.accountId !== null && numbering !== null) {
    const bad = numberRefusal(ctx.rules, a.accountId, "accountId");
    if (bad) return bad;
    const code = numbering.typeCodes[a.type];
    if (code !== undefined && a.accountId.split("-")[1] !== code) {
      return refuse("CHECK_DIGITS", `accountId ${a.accountId} is numbered for another account type than ${a.type} (${code})`, { field: "accountId", value: a.accountId, type: a.type, typeCode: code });
    }
  }
  return atomic(async (tx) => {
    const priorRow = await tx.query<{ target: string }>("SELECT target FROM ledger_commands WHERE id = $1 AND kind = 'account.open'", [a.commandId]);
    // An opening whose number the registry assigned is compared with the number it got.
    const accountId = a.accountId ?? priorRow.rows[0]?.target ?? (await assignNumber(tx, ctx, a.type));
    if (typeof accountId !== "string") return accountId;
    const request = canonical(openingRequest(a, accountId)) as Record<string, unknown>;
    const prior = await priorCommand(tx, a.commandId);
    const diff = prior === undefined ? undefined : firstDifference(stored("account.open", request), prior);
    if (prior !== undefined && !diff) return { ok: true, value: (await getAccount(tx, accountId)) as AccountView, replayed: true };
    const type = ctx.catalogue.accountTypes.get(a.type);
    const exists = (await tx.query("SELECT 1 FROM accounts WHERE id = $1", [accountId])).rows.length > 0;
    const taken = a.installation === null && a.permitId === null && a.monitoringPlanId === null ? undefined : await liveHolder(tx, accountId, a);
    const fns: CheckFns<undefined> = {
      REPLAY_DIFFERS: () => (diff ? replayDiffers(a.commandId, diff) : undefined),
      ACCOUNT_TYPE_UNKNOWN: () => (type ? undefined : refuse("ACCOUNT_TYPE_UNKNOWN", `unknown account type ${JSON.stringify(a.type)}`, { field: "type", known: [...ctx.catalogue.accountTypes.keys()] })),
      INSTALLATION_REQUIRED: () =>
        type?.needsInstallation && !a.installation ? refuse("INSTALLATION_REQUIRED", `an account of type ${a.type} needs an installation`, { field: "installation", type: a.type }) : undefined,
      ACCOUNT_EXISTS: () => (exists ? refuse("ACCOUNT_EXISTS", `account ${accountId} already exists`, { accountId }) : undefined),
      INSTALLATION_HAS_ACCOUNT: () => (taken?.field === "installation" ? takenRefusal(taken) : undefined),
      IDENTIFIER_IN_USE: () => (taken && taken.field !== "installation" ? takenRefusal(taken) : undefined),
    };
    const r = firstFailing(CHECK_ORDER["account.open"].planned, fns, undefined);
    if (r) return r;
    await tx.query("INSERT INTO holders (id) VALUES ($1) ON CONFLICT (id) DO NOTHING", [a.holder]);
    await tx.query(
      "INSERT INTO accounts (id, type, holder, name, installation, permit_id, monitoring_plan_id, status, opened_at, command_id) VALUES ($1,$2,$3,$4,$5,$6,$7,'open',$8,$9)",
      [accountId, a.type, a.holder, a.name, a.installation, a.permitId, a.monitoringPlanId, now, a.commandId],
    );
    await tx.query("INSERT INTO account_events (command_id, account_id, status, reason, request, at) VALUES ($1,$2,'open',NULL,$3,$4)", [
      a.commandId, accountId, JSON.stringify(request), now,
    ]);
    await recordCommand(tx, a.commandId, "account.open", accountId, request, now);
    return { ok: true, value: (await getAccount(tx, accountId)) as AccountView, replayed: false };
  });
}

/** The next account number for a type, where the registry numbers its accounts. */
async function assignNumber(tx: Sql, ctx: AccountRules, type: string): Promise<string | Refusal> {
  const n = ctx.rules.accountNumbers;
  const code = n?.typeCodes[type];
  if (!n || code === undefined) {
    return refuse("CHECK_DIGITS", `the registry has no account number for the type ${JSON.stringify(type)} (ledger.accountNumbers.typeCodes)`, { field: "type", type });
  }
  const r = await tx.query<{ n: bigint }>("SELECT nextval('account_number_seq') AS n");
  return formatAccountNumber(n, code, r.rows[0]?.n as bigint);
}

export async function setAccountStatus(atomic: Tx, ctx: AccountRules, now: string, input: unknown): Promise<Result<AccountView>> {
  const v = validateSetStatus(input);
  if (!v.ok) return v;
  const s = v.value;
  const bad = numberRefusal(ctx.rules, s.accountId, "accountId");
  if (bad) return bad;
  const request = canonical({ accountId: s.accountId, status: s.status, reason: s.reason }) as Record<string, unknown>;
  return atomic(async (tx) => {
    const prior = await priorCommand(tx, s.commandId);
    const diff = prior === undefined ? undefined : firstDifference(stored("account.status", request), prior);
    if (prior !== undefined && !diff) return { ok: true, value: (await getAccount(tx, s.accountId)) as AccountView, replayed: true };
    // The account's lock: every transfer touching it takes the same lock first, so a close sees a final balance.
    const acc = await tx.query<{ type: string; holder: string; installation: string | null; permit_id: string | null; monitoring_plan_id: string | null; status: AccountState }>(
      "SELECT type, holder, installation, permit_id, monitoring_plan_id, status FROM accounts WHERE id = $1 FOR NO KEY UPDATE",
      [s.accountId],
    );
    const row = acc.rows[0];
    const closing = s.status === "closed" && row !== undefined;
    const held = closing ? await heldBy(tx, s.accountId) : 0n;
    const outstanding = closing ? await awaitingOf(tx, s.accountId) : undefined;
    // An account taking its installation back (from closure or transfer pending to a live state) needs it free.
    const reclaims = row !== undefined && RELEASED.includes(row.status) && !RELEASED.includes(s.status);
    const taken = reclaims ? await liveHolder(tx, s.accountId, { installation: row.installation, permitId: row.permit_id, monitoringPlanId: row.monitoring_plan_id }) : undefined;
    const fns: CheckFns<undefined> = {
      REPLAY_DIFFERS: () => (diff ? replayDiffers(s.commandId, diff) : undefined),
      ACCOUNT_UNKNOWN: () => (row ? undefined : refuse("ACCOUNT_UNKNOWN", `no account ${s.accountId}`, { accountId: s.accountId })),
      ACCOUNT_STATUS_INVALID: () => (row?.status === "closed" ? refuse("ACCOUNT_STATUS_INVALID", `account ${s.accountId} is closed and cannot change status`, { accountId: s.accountId }) : undefined),
      ACCOUNT_GOVERNMENT: () =>
        closing && ctx.catalogue.accountTypes.get(row.type)?.government ? refuse("ACCOUNT_GOVERNMENT", `${s.accountId} is a government account (${row.type}), which is never closed`, { accountId: s.accountId, type: row.type }) : undefined,
      ACCOUNT_IN_TRANSFER: () =>
        closing && row.status === "transfer_pending" ? refuse("ACCOUNT_IN_TRANSFER", `the installation of ${s.accountId} is being transferred: settle the transfer before closing`, { accountId: s.accountId, installation: row.installation }) : undefined,
      ACCOUNT_NOT_EMPTY: () => (held > 0n ? refuse("ACCOUNT_NOT_EMPTY", `account ${s.accountId} holds ${held} units`, { accountId: s.accountId, quantity: held.toString() }) : undefined),
      ACCOUNT_OUTSTANDING: () =>
        outstanding ? refuse("ACCOUNT_OUTSTANDING", `transaction ${outstanding} of account ${s.accountId} awaits approval: decide or cancel it first`, { accountId: s.accountId, transactionId: outstanding }) : undefined,
      INSTALLATION_HAS_ACCOUNT: () => (taken ? takenRefusal(taken) : undefined),
    };
    const r = firstFailing(CHECK_ORDER["account.status"].planned, fns, undefined);
    if (r) return r;
    if (closing) {
      const account: ClosingAccount = { id: s.accountId, type: row.type, holder: row.holder, installation: row.installation, status: row.status };
      for (const precondition of ctx.closure) {
        const refused = await precondition(tx, account, now);
        if (refused) return refused;
      }
    }
    await tx.query("UPDATE accounts SET status = $2 WHERE id = $1", [s.accountId, s.status]);
    await tx.query("INSERT INTO account_events (command_id, account_id, status, reason, request, at) VALUES ($1,$2,$3,$4,$5,$6)", [
      s.commandId, s.accountId, s.status, s.reason, JSON.stringify(request), now,
    ]);
    await recordCommand(tx, s.commandId, "account.status", s.accountId, request, now);
    return { ok: true, value: (await getAccount(tx, s.accountId)) as AccountView, replayed: false };
  });
}

async function heldBy(tx: Sql, accountId: string): Promise<bigint> {
  const r = await tx.query<{ q: bigint | null }>("SELECT sum(quantity)::int8 AS q FROM balances WHERE account_id = $1", [accountId]);
  return r.rows[0]?.q ?? 0n;
}

/** A transaction awaiting approval with a leg from or to the account (delayed ones do not count), or undefined. */
async function awaitingOf(tx: Sql, accountId: string): Promise<string | undefined> {
  const r = await tx.query<{ tx_id: string }>(
    `SELECT s.tx_id FROM tx_state s JOIN transaction_legs l ON l.tx_id = s.tx_id
     WHERE s.status = 'awaiting_approval' AND (l.from_account = $1 OR l.to_account = $1) ORDER BY s.tx_id LIMIT 1`,
    [accountId],
  );
  return r.rows[0]?.tx_id;
}

// ---- entitlements and the freeze -------------------------------------------------------------

/** Records what an account is entitled to for a year and allocation table (the latest record counts); under the account's lock, as returns are checked. */
export async function setEntitlement(atomic: Tx, ctx: AccountRules, now: string, input: unknown): Promise<Result<EntitlementView>> {
  const v = validateEntitlement(input);
  if (!v.ok) return v;
  const e = v.value;
  const bad = numberRefusal(ctx.rules, e.accountId, "accountId");
  if (bad) return bad;
  const request = canonical({ accountId: e.accountId, year: e.year, table: e.table, quantity: e.quantity }) as Record<string, unknown>;
  return atomic(async (tx) => {
    const prior = await priorCommand(tx, e.commandId);
    const diff = prior === undefined ? undefined : firstDifference(stored("account.entitle", request), prior);
    if (prior !== undefined && !diff) return { ok: true, value: (await entitlementByCommand(tx, e.commandId)) as EntitlementView, replayed: true };
    const acc = await tx.query("SELECT 1 FROM accounts WHERE id = $1 FOR NO KEY UPDATE", [e.accountId]);
    const r = firstFailing(CHECK_ORDER["account.entitle"].planned, {
      REPLAY_DIFFERS: () => (diff ? replayDiffers(e.commandId, diff) : undefined),
      ACCOUNT_UNKNOWN: () => (acc.rows.length > 0 ? undefined : refuse("ACCOUNT_UNKNOWN", `no account ${e.accountId}`, { accountId: e.accountId })),
    }, undefined);
    if (r) return r;
    await recordCommand(tx, e.commandId, "account.entitle", e.accountId, request, now);
    await tx.query(
      `INSERT INTO allocation_entitlements (command_id, account_id, year, alloc_table, quantity, at, lseq)
       SELECT $1, $2, $3, $4, $5, $6, lseq FROM ledger_commands WHERE id = $1`,
      [e.commandId, e.accountId, e.year, e.table, e.quantity, now],
    );
    return { ok: true, value: (await entitlementByCommand(tx, e.commandId)) as EntitlementView, replayed: false };
  });
}

interface EntitlementRow {
  command_id: string; account_id: string; year: number; alloc_table: "NAT" | "NER"; quantity: bigint; at: string;
}

const entitlementView = (r: EntitlementRow): EntitlementView => ({ commandId: r.command_id, accountId: r.account_id, year: r.year, table: r.alloc_table, quantity: r.quantity, at: r.at });

async function entitlementByCommand(sql: Sql, commandId: string): Promise<EntitlementView | undefined> {
  const r = await sql.query<EntitlementRow>("SELECT command_id, account_id, year, alloc_table, quantity, at FROM allocation_entitlements WHERE command_id = $1", [commandId]);
  return r.rows[0] ? entitlementView(r.rows[0]) : undefined;
}

/** The entitlements in force for an account (the latest per year and table), by year and table. */
export async function entitlementsOf(sql: Sql, accountId: string): Promise<EntitlementView[]> {
  const r = await sql.query<EntitlementRow>(
    `SELECT DISTINCT ON (year, alloc_table) command_id, account_id, year, alloc_table, quantity, at FROM allocation_entitlements
     WHERE account_id = $1 ORDER BY year, alloc_table, lseq DESC LIMIT 1000`,
    [accountId],
  );
  return r.rows.map(entitlementView);
}

/**
 * Freezes the registry's transactions for a reconciliation, or lifts the freeze. The switch takes
 * the freeze lock exclusively: it waits for the writes under way (each holds the lock shared) and
 * every write after it sees the new state (ledger_write, migration ledger-005).
 */
export async function setFreeze(atomic: Tx, now: string, input: unknown): Promise<Result<FreezeView>> {
  const v = validateFreeze(input);
  if (!v.ok) return v;
  const f = v.value;
  const request = canonical({ frozen: f.frozen, reason: f.reason }) as Record<string, unknown>;
  return atomic(async (tx) => {
    const prior = await priorCommand(tx, f.commandId);
    const diff = prior === undefined ? undefined : firstDifference(stored("registry.freeze", request), prior);
    if (prior !== undefined && !diff) return { ok: true, value: await freezeState(tx), replayed: true };
    const r = firstFailing(CHECK_ORDER["registry.freeze"].planned, { REPLAY_DIFFERS: () => (diff ? replayDiffers(f.commandId, diff) : undefined) }, undefined);
    if (r) return r;
    await tx.query("SELECT pg_advisory_xact_lock($1)", [FREEZE_LOCK_KEY]);
    await recordCommand(tx, f.commandId, "registry.freeze", "registry", request, now);
    await tx.query("UPDATE registry_freeze SET frozen = $1, reason = $2, command_id = $3, at = $4 WHERE id = 1", [f.frozen, f.reason, f.commandId, now]);
    return { ok: true, value: await freezeState(tx), replayed: false };
  });
}

export async function freezeState(sql: Sql): Promise<FreezeView> {
  const r = await sql.query<{ frozen: boolean; reason: string | null; command_id: string | null; at: string | null }>("SELECT frozen, reason, command_id, at FROM registry_freeze WHERE id = 1");
  const row = r.rows[0];
  return row ? { frozen: row.frozen, reason: row.reason, commandId: row.command_id, at: row.at } : { frozen: false, reason: null, commandId: null, at: null };
}
