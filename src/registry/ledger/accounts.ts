// Class and account commands: defining a unit class, opening an account, changing its status.
// They move no units, so they are not plans for ledger_apply; each is one database transaction
// that locks what it changes. Their ids share one namespace (ledger_commands): an id names one
// command of one kind, and using it again for anything else is refused (5002, naming `command`).
import type { Catalogue } from "../../domain/ledger/catalog.ts";
import { refuse, type Refusal } from "../../domain/ledger/checks.ts";
import {
  canonical, firstDifference, type ValidClass, validateDefineClass, validateOpenAccount, validateSetStatus,
} from "../../domain/ledger/commands.ts";
import { CHECK_ORDER, type CheckFns, firstFailing } from "../../domain/ledger/order.ts";
import type { Sql } from "../../store/db.ts";
import { getAccount, getClass } from "./reads.ts";
import type { AccountView, Result, UnitClassView } from "./types.ts";

type CommandKind = "class.define" | "account.open" | "account.status";

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

export async function openAccount(atomic: Tx, cat: Catalogue, now: string, input: unknown): Promise<Result<AccountView>> {
  const v = validateOpenAccount(input);
  if (!v.ok) return v;
  const a = v.value;
  const request = canonical({ accountId: a.accountId, type: a.type, holder: a.holder, name: a.name, installation: a.installation }) as Record<string, unknown>;
  return atomic(async (tx) => {
    const prior = await priorCommand(tx, a.commandId);
    const diff = prior === undefined ? undefined : firstDifference(stored("account.open", request), prior);
    if (prior !== undefined && !diff) return { ok: true, value: (await getAccount(tx, a.accountId)) as AccountView, replayed: true };
    const type = cat.accountTypes.get(a.type);
    const exists = (await tx.query("SELECT 1 FROM accounts WHERE id = $1", [a.accountId])).rows.length > 0;
    const fns: CheckFns<undefined> = {
      REPLAY_DIFFERS: () => (diff ? replayDiffers(a.commandId, diff) : undefined),
      ACCOUNT_TYPE_UNKNOWN: () => (type ? undefined : refuse("ACCOUNT_TYPE_UNKNOWN", `unknown account type ${JSON.stringify(a.type)}`, { field: "type", known: [...cat.accountTypes.keys()] })),
      INSTALLATION_REQUIRED: () =>
        type?.needsInstallation && !a.installation ? refuse("INSTALLATION_REQUIRED", `an account of type ${a.type} needs an installation`, { field: "installation", type: a.type }) : undefined,
      ACCOUNT_EXISTS: () => (exists ? refuse("ACCOUNT_EXISTS", `account ${a.accountId} already exists`, { accountId: a.accountId }) : undefined),
    };
    const r = firstFailing(CHECK_ORDER["account.open"].planned, fns, undefined);
    if (r) return r;
    await tx.query("INSERT INTO holders (id) VALUES ($1) ON CONFLICT (id) DO NOTHING", [a.holder]);
    await tx.query("INSERT INTO accounts (id, type, holder, name, installation, status, opened_at, command_id) VALUES ($1,$2,$3,$4,$5,'open',$6,$7)", [
      a.accountId, a.type, a.holder, a.name, a.installation, now, a.commandId,
    ]);
    await tx.query("INSERT INTO account_events (command_id, account_id, status, reason, request, at) VALUES ($1,$2,'open',NULL,$3,$4)", [
      a.commandId, a.accountId, JSON.stringify(request), now,
    ]);
    await recordCommand(tx, a.commandId, "account.open", a.accountId, request, now);
    return { ok: true, value: (await getAccount(tx, a.accountId)) as AccountView, replayed: false };
  });
}

export async function setAccountStatus(atomic: Tx, now: string, input: unknown): Promise<Result<AccountView>> {
  const v = validateSetStatus(input);
  if (!v.ok) return v;
  const s = v.value;
  const request = canonical({ accountId: s.accountId, status: s.status, reason: s.reason }) as Record<string, unknown>;
  return atomic(async (tx) => {
    const prior = await priorCommand(tx, s.commandId);
    const diff = prior === undefined ? undefined : firstDifference(stored("account.status", request), prior);
    if (prior !== undefined && !diff) return { ok: true, value: (await getAccount(tx, s.accountId)) as AccountView, replayed: true };
    // The account's lock: every transfer touching it takes the same lock first, so a close sees a final balance.
    const acc = await tx.query<{ status: string }>("SELECT status FROM accounts WHERE id = $1 FOR NO KEY UPDATE", [s.accountId]);
    const row = acc.rows[0];
    const held = s.status === "closed" && row ? await heldBy(tx, s.accountId) : 0n;
    const fns: CheckFns<undefined> = {
      REPLAY_DIFFERS: () => (diff ? replayDiffers(s.commandId, diff) : undefined),
      ACCOUNT_UNKNOWN: () => (row ? undefined : refuse("ACCOUNT_UNKNOWN", `no account ${s.accountId}`, { accountId: s.accountId })),
      ACCOUNT_STATUS_INVALID: () => (row?.status === "closed" ? refuse("ACCOUNT_STATUS_INVALID", `account ${s.accountId} is closed and cannot change status`, { accountId: s.accountId }) : undefined),
      ACCOUNT_NOT_EMPTY: () => (held > 0n ? refuse("ACCOUNT_NOT_EMPTY", `account ${s.accountId} holds ${held} units`, { accountId: s.accountId, quantity: held.toString() }) : undefined),
    };
    const r = firstFailing(CHECK_ORDER["account.status"].planned, fns, undefined);
    if (r) return r;
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
