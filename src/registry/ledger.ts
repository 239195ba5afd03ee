// The registry ledger on SQL: the application service that validates ledger commands, checks them
// against the catalogue and the current state (numbered checks), and applies them atomically.
// Each command is one database transaction: lock (source accounts in id order, or the class row
// for an issuance), check, move serial blocks, write the immutable records and the hash-chain
// links, commit. Serialization failures and deadlocks are retried; nothing is half-applied.
import type { Refusal } from "../domain/ledger/checks.ts";
import { refuse } from "../domain/ledger/checks.ts";
import { type Catalogue, DEFAULT_CATALOGUE, type TransactionKind } from "../domain/ledger/catalog.ts";
import {
  type AccountStatus,
  canonical,
  firstDifference,
  type Leg,
  type ValidClass,
  type ValidProposal,
  validateDecide,
  validateDefineClass,
  validateOpenAccount,
  validatePropose,
  validateReverse,
  validateSetStatus,
} from "../domain/ledger/commands.ts";
import { type Clock, systemClock } from "../platform/clock.ts";
import { type Db, isRetryable, type Sql, sqlState } from "../store/db.ts";
import { GENESIS, payloadDigest } from "./hash.ts";

export type Result<T> = { ok: true; value: T; replayed: boolean } | Refusal;

export type TransactionStatus = "awaiting_approval" | "delayed" | "completed" | "rejected" | "cancelled";

export interface UnitClassView {
  code: string;
  unitType: string;
  scheme: string;
  vintage: number | null;
  commitmentPeriod: string | null;
  project: string | null;
  hostCountry: string | null;
  creditKind: string | null;
  methodology: string | null;
  article6: { authorized: boolean; use: string | null; firstTransferred: boolean } | null;
  issuanceLimit: bigint | null;
  serialStart: bigint;
  issued: bigint;
  definedAt: string;
}

export interface AccountView {
  id: string;
  type: string;
  holder: string;
  name: string;
  installation: string | null;
  status: AccountStatus;
  openedAt: string;
}

export interface BlockView {
  start: bigint;
  end: bigint;
  quantity: bigint;
}

export interface HoldingView {
  classCode: string;
  unitType: string;
  quantity: bigint;
  blockCount: number;
  blocks?: BlockView[];
}

export interface MovementView {
  legNo: number;
  classCode: string;
  from: string | null;
  to: string;
  start: bigint;
  end: bigint;
  quantity: bigint;
}

export interface TransactionEventView {
  status: TransactionStatus;
  at: string;
  actor: string | null;
  detail: Record<string, unknown>;
}

export interface TransactionView {
  id: string;
  kind: string;
  status: TransactionStatus;
  legs: Array<{ classCode: string; from: string | null; to: string; quantity: bigint }>;
  initiator: string | null;
  purpose: string | null;
  beneficiary: string | null;
  note: string | null;
  createdAt: string;
  delayUntil: string | null;
  reverses: string | null;
  reversedBy: string | null;
  events: TransactionEventView[];
  movements: MovementView[];
}

/** Thrown inside a database transaction to roll it back and return the refusal. */
class RefusalThrow extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
  }
}

/** A concurrent change made the locked view inconsistent: retry the whole transaction. */
class RetryThrow extends Error {}

const MAX_ATTEMPTS = 30;
const MAX_PAGE = 500;

interface ClassRow {
  id: number;
  code: string;
  unit_type: string;
  issuance_limit: bigint | null;
  serial_start: bigint;
}

interface AccountRow {
  id: string;
  type: string;
  holder: string;
  name: string;
  installation: string | null;
  status: AccountStatus;
  opened_at: string;
}

/** How many account and class rows the one-call transfer path remembers before it starts afresh. */
const SEEN_LIMIT = 20_000;

export class LedgerService {
  /**
   * Account and class rows seen by earlier commands: a hint for the one-call transfer path, never
   * trusted on its own (the database re-checks each account's type and status under its lock).
   */
  private readonly seenAccounts = new Map<string, AccountLock>();
  private readonly seenClasses = new Map<string, ClassRow>();
  /** How completing non-issuance proposals went: in one call, or down the general path. */
  readonly paths = { oneCall: 0, general: 0 };

  private constructor(
    readonly db: Db,
    private readonly clock: Clock,
    readonly catalogue: Catalogue,
  ) {}

  /** Opens the service on a migrated store and makes sure the catalogue's rows exist. */
  static async open(db: Db, clock: Clock = systemClock, cat: Catalogue = DEFAULT_CATALOGUE): Promise<LedgerService> {
    await db.transaction(async (tx) => {
      for (const u of cat.unitTypes.values()) {
        await tx.query("INSERT INTO unit_types (code, name, family) VALUES ($1, $2, $3) ON CONFLICT (code) DO NOTHING", [u.code, u.name, u.family]);
      }
      for (const a of cat.accountTypes.values()) {
        await tx.query("INSERT INTO account_types (code, definition) VALUES ($1, $2) ON CONFLICT (code) DO NOTHING", [a.code, JSON.stringify(a)]);
      }
      for (const k of cat.kinds.values()) {
        await tx.query("INSERT INTO transaction_kinds (code, definition) VALUES ($1, $2) ON CONFLICT (code) DO NOTHING", [k.code, JSON.stringify(k)]);
      }
    });
    return new LedgerService(db, clock, cat);
  }

  private now(): string {
    return this.clock.now().toISOString();
  }

  /** Runs fn in a transaction, retrying serialization failures and deadlocks; a RefusalThrow becomes the result. */
  private async atomic<T>(fn: (tx: Sql) => Promise<Result<T>>): Promise<Result<T>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction(async (tx) => {
          const out = await fn(tx);
          // A refusal returned after writing must not commit: every refused command changes nothing.
          if (!out.ok) throw new RefusalThrow(out);
          return out;
        });
      } catch (err) {
        if (err instanceof RefusalThrow) return err.refusal;
        if (!(err instanceof RetryThrow || retryable(err)) || attempt >= MAX_ATTEMPTS) throw err;
        await backOff(attempt);
      }
    }
  }

  // ---- unit classes -------------------------------------------------------------------------

  async defineClass(input: unknown): Promise<Result<UnitClassView>> {
    const v = validateDefineClass(input);
    if (!v.ok) return v;
    const c = v.value;
    if (!this.catalogue.unitTypes.has(c.unitType)) {
      return refuse("CLASS_DEFINITION_INVALID", `unknown unit type ${JSON.stringify(c.unitType)}`, { field: "unitType", known: [...this.catalogue.unitTypes.keys()] });
    }
    const def = canonical(classDefinition(c));
    return this.atomic(async (tx) => {
      const prior = await tx.query<{ code: string; command_id: string; definition: unknown }>(
        "SELECT code, command_id, definition FROM unit_classes WHERE code = $1 OR command_id = $2",
        [c.code, c.commandId],
      );
      for (const row of prior.rows) {
        const diff = firstDifference(def, row.definition);
        if (row.command_id === c.commandId) {
          if (diff) return refuse("REPLAY_DIFFERS", `command ${c.commandId} was used with a different ${diff}`, { commandId: c.commandId, field: diff });
          return { ok: true, value: await this.classView(tx, row.code), replayed: true };
        }
        return refuse("CLASS_EXISTS", `class ${c.code} is already defined`, { code: c.code });
      }
      await tx.query(
        `INSERT INTO unit_classes (code, unit_type, scheme, vintage, commitment_period, project, host_country, credit_kind, methodology,
           a6_authorized, a6_use, a6_first_transferred, issuance_limit, serial_start, command_id, definition, defined_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17)`,
        [
          c.code, c.unitType, c.scheme, c.vintage, c.commitmentPeriod, c.project, c.hostCountry, c.creditKind, c.methodology,
          c.article6?.authorized ?? null, c.article6?.use ?? null, c.article6?.firstTransferred ?? null,
          c.issuanceLimit, c.serialStart, c.commandId, JSON.stringify(def), this.now(),
        ],
      );
      return { ok: true, value: await this.classView(tx, c.code), replayed: false };
    });
  }

  async getClass(code: string): Promise<UnitClassView | undefined> {
    const r = await this.db.query<{ code: string }>("SELECT code FROM unit_classes WHERE code = $1", [code]);
    return r.rows[0] ? this.classView(this.db, code) : undefined;
  }

  async listClasses(opts: { after?: string; limit?: number } = {}): Promise<UnitClassView[]> {
    const limit = pageLimit(opts.limit);
    const r = await this.db.query<{ code: string }>("SELECT code FROM unit_classes WHERE code > $1 ORDER BY code LIMIT $2", [opts.after ?? "", limit]);
    const out: UnitClassView[] = [];
    for (const row of r.rows) out.push(await this.classView(this.db, row.code));
    return out;
  }

  private async classView(sql: Sql, code: string): Promise<UnitClassView> {
    const r = await sql.query<{
      id: number; code: string; unit_type: string; scheme: string; vintage: number | null; commitment_period: string | null;
      project: string | null; host_country: string | null; credit_kind: string | null; methodology: string | null;
      a6_authorized: boolean | null; a6_use: string | null; a6_first_transferred: boolean | null;
      issuance_limit: bigint | null; serial_start: bigint; defined_at: string; next: bigint | null;
    }>(
      `SELECT c.*, (SELECT max(m.serial_end) FROM movements m WHERE m.class_id = c.id AND m.from_account IS NULL) AS next
       FROM unit_classes c WHERE c.code = $1`,
      [code],
    );
    const row = r.rows[0];
    if (!row) throw new Error(`class ${code} vanished`);
    return {
      code: row.code,
      unitType: row.unit_type,
      scheme: row.scheme,
      vintage: row.vintage,
      commitmentPeriod: row.commitment_period,
      project: row.project,
      hostCountry: row.host_country,
      creditKind: row.credit_kind,
      methodology: row.methodology,
      article6: row.a6_authorized === null ? null : { authorized: row.a6_authorized, use: row.a6_use, firstTransferred: row.a6_first_transferred === true },
      issuanceLimit: row.issuance_limit,
      serialStart: row.serial_start,
      issued: row.next === null ? 0n : row.next - row.serial_start + 1n,
      definedAt: row.defined_at,
    };
  }

  // ---- accounts -----------------------------------------------------------------------------

  async openAccount(input: unknown): Promise<Result<AccountView>> {
    const v = validateOpenAccount(input);
    if (!v.ok) return v;
    const a = v.value;
    const type = this.catalogue.accountTypes.get(a.type);
    if (!type) return refuse("ACCOUNT_TYPE_UNKNOWN", `unknown account type ${JSON.stringify(a.type)}`, { field: "type", known: [...this.catalogue.accountTypes.keys()] });
    if (type.needsInstallation && !a.installation) {
      return refuse("INSTALLATION_REQUIRED", `an account of type ${a.type} needs an installation`, { field: "installation", type: a.type });
    }
    const request = canonical({ accountId: a.accountId, type: a.type, holder: a.holder, name: a.name, installation: a.installation });
    return this.atomic(async (tx) => {
      const prior = await tx.query<{ command_id: string; id: string }>("SELECT command_id, id FROM accounts WHERE id = $1 OR command_id = $2", [a.accountId, a.commandId]);
      for (const row of prior.rows) {
        if (row.command_id === a.commandId) {
          const ev = await tx.query<{ request: unknown }>("SELECT request FROM account_events WHERE command_id = $1", [a.commandId]);
          const diff = firstDifference(request, ev.rows[0]?.request);
          if (diff) return refuse("REPLAY_DIFFERS", `command ${a.commandId} was used with a different ${diff}`, { commandId: a.commandId, field: diff });
          return { ok: true, value: (await this.account(tx, row.id)) as AccountView, replayed: true };
        }
        return refuse("ACCOUNT_EXISTS", `account ${a.accountId} already exists`, { accountId: a.accountId });
      }
      const at = this.now();
      await tx.query(
        "INSERT INTO accounts (id, type, holder, name, installation, status, opened_at, command_id) VALUES ($1,$2,$3,$4,$5,'open',$6,$7)",
        [a.accountId, a.type, a.holder, a.name, a.installation, at, a.commandId],
      );
      await tx.query("INSERT INTO account_events (command_id, account_id, status, reason, request, at) VALUES ($1,$2,'open',NULL,$3,$4)", [
        a.commandId, a.accountId, JSON.stringify(request), at,
      ]);
      return { ok: true, value: (await this.account(tx, a.accountId)) as AccountView, replayed: false };
    });
  }

  async setAccountStatus(input: unknown): Promise<Result<AccountView>> {
    const v = validateSetStatus(input);
    if (!v.ok) return v;
    const s = v.value;
    const request = canonical({ accountId: s.accountId, status: s.status, reason: s.reason });
    return this.atomic(async (tx) => {
      const ev = await tx.query<{ request: unknown }>("SELECT request FROM account_events WHERE command_id = $1", [s.commandId]);
      if (ev.rows[0]) {
        const diff = firstDifference(request, ev.rows[0].request);
        if (diff) return refuse("REPLAY_DIFFERS", `command ${s.commandId} was used with a different ${diff}`, { commandId: s.commandId, field: diff });
        return { ok: true, value: (await this.account(tx, s.accountId)) as AccountView, replayed: true };
      }
      const acc = await tx.query<AccountRow>("SELECT * FROM accounts WHERE id = $1 FOR NO KEY UPDATE", [s.accountId]);
      const row = acc.rows[0];
      if (!row) return refuse("ACCOUNT_UNKNOWN", `no account ${s.accountId}`, { accountId: s.accountId });
      if (row.status === "closed") return refuse("ACCOUNT_STATUS_INVALID", `account ${s.accountId} is closed and cannot change status`, { accountId: s.accountId });
      if (s.status === "closed") {
        const held = await tx.query<{ q: bigint | null }>("SELECT sum(quantity)::int8 AS q FROM balances WHERE account_id = $1", [s.accountId]);
        const q = held.rows[0]?.q ?? 0n;
        if (q > 0n) return refuse("ACCOUNT_NOT_EMPTY", `account ${s.accountId} holds ${q} units`, { accountId: s.accountId, quantity: q.toString() });
      }
      const at = this.now();
      await tx.query("UPDATE accounts SET status = $2 WHERE id = $1", [s.accountId, s.status]);
      await tx.query("INSERT INTO account_events (command_id, account_id, status, reason, request, at) VALUES ($1,$2,$3,$4,$5,$6)", [
        s.commandId, s.accountId, s.status, s.reason, JSON.stringify(request), at,
      ]);
      return { ok: true, value: (await this.account(tx, s.accountId)) as AccountView, replayed: false };
    });
  }

  async getAccount(id: string): Promise<AccountView | undefined> {
    return this.account(this.db, id);
  }

  private async account(sql: Sql, id: string): Promise<AccountView | undefined> {
    const r = await sql.query<AccountRow>("SELECT * FROM accounts WHERE id = $1", [id]);
    return r.rows[0] ? accountView(r.rows[0]) : undefined;
  }

  async listAccounts(opts: { type?: string; holder?: string; status?: AccountStatus; after?: string; limit?: number } = {}): Promise<AccountView[]> {
    const r = await this.db.query<AccountRow>(
      `SELECT * FROM accounts WHERE id > $1 AND ($2::text IS NULL OR type = $2) AND ($3::text IS NULL OR holder = $3)
         AND ($4::text IS NULL OR status = $4) ORDER BY id LIMIT $5`,
      [opts.after ?? "", opts.type ?? null, opts.holder ?? null, opts.status ?? null, pageLimit(opts.limit)],
    );
    return r.rows.map(accountView);
  }

  /** Holdings of an account per class; with blocks, up to blockLimit blocks per class after blocksAfter. */
  /**
   * An account's holdings per class, undefined when there is no such account. With
   * `representedBy`, also undefined unless that user represents the account (the security
   * layer's representatives table): one statement answers both, a round trip fewer per request.
   */
  async holdings(accountId: string, opts: { blocks?: boolean; blockLimit?: number; representedBy?: string } = {}): Promise<HoldingView[] | undefined> {
    const guard = opts.representedBy === undefined ? "" : "AND EXISTS (SELECT 1 FROM representatives p WHERE p.account_id = a.id AND p.user_id = $2)";
    const r = await this.db.query<{ class_id: number | null; code: string; unit_type: string; quantity: bigint; n: bigint }>(
      `SELECT b.class_id, c.code, c.unit_type, b.quantity,
              (SELECT count(*) FROM blocks k WHERE k.account_id = b.account_id AND k.class_id = b.class_id) AS n
       FROM accounts a
       LEFT JOIN (balances b JOIN unit_classes c ON c.id = b.class_id) ON b.account_id = a.id AND b.quantity > 0
       WHERE a.id = $1 ${guard} ORDER BY c.code`,
      opts.representedBy === undefined ? [accountId] : [accountId, opts.representedBy],
    );
    // no row: no such account (or not represented by that user); one row without a class: no holdings
    if (r.rows.length === 0) return undefined;
    const out: HoldingView[] = [];
    for (const row of r.rows) {
      if (row.class_id === null) continue;
      const h: HoldingView = { classCode: row.code, unitType: row.unit_type, quantity: row.quantity, blockCount: Number(row.n) };
      if (opts.blocks) {
        const b = await this.db.query<{ serial_start: bigint; serial_end: bigint }>(
          "SELECT serial_start, serial_end FROM blocks WHERE account_id = $1 AND class_id = $2 ORDER BY serial_start LIMIT $3",
          [accountId, row.class_id, Math.min(opts.blockLimit ?? 1000, 10_000)],
        );
        h.blocks = b.rows.map((x) => ({ start: x.serial_start, end: x.serial_end, quantity: x.serial_end - x.serial_start + 1n }));
      }
      out.push(h);
    }
    return out;
  }

  // ---- transactions -------------------------------------------------------------------------

  /**
   * Proposes a transaction. Without a hold it completes at once; with hold.approval it waits for
   * approve(); with hold.delayUntil in the future it waits for releaseDue(). Units are checked at
   * proposal (early refusal) and again, under locks, when the transaction completes.
   */
  async propose(input: unknown): Promise<Result<TransactionView>> {
    const v = validatePropose(input);
    if (!v.ok) return v;
    const p = v.value;
    const request = canonical(proposalRequest(p));
    const kind = this.catalogue.kinds.get(p.kind);
    if (!kind || kind.code === "reversal") {
      return refuse("KIND_UNKNOWN", `unknown transaction kind ${JSON.stringify(p.kind)}${kind ? " (use reverse)" : ""}`, { field: "kind", kind: p.kind });
    }
    if (kind.requiresPurpose && (!p.purpose || !p.beneficiary)) {
      return refuse("PURPOSE_REQUIRED", `${kind.code} needs a purpose and a beneficiary`, { field: p.purpose ? "beneficiary" : "purpose" });
    }
    const now = this.now();
    const delayed = p.hold.delayUntil !== null && p.hold.delayUntil > now;
    const status: TransactionStatus = p.hold.approval ? "awaiting_approval" : delayed ? "delayed" : "completed";
    if (status === "completed" && kind.code !== "issuance") {
      const fast = await this.transferInOneCall(p, kind, request, now);
      if (fast) {
        this.paths.oneCall++;
        return fast;
      }
      this.paths.general++;
    }
    return this.atomic(async (tx) => {
      const completing = status === "completed";
      // One statement reads a prior use of the id (replay), the classes and the accounts; when the
      // transaction completes now, it also locks every involved account (and an issuance's
      // classes) first, so the checks below see the state the writes will change.
      const pre = await this.load(tx, p.transactionId, kind, p.legs, completing);
      if (pre.prior !== null) return this.replayOf(tx, p.transactionId, request, pre.prior);
      const resolved = this.checkLegs(kind, p.legs, pre.classes, pre.accounts);
      if (!completing) {
        const detail = p.hold.delayUntil ? { delayUntil: p.hold.delayUntil } : {};
        await insertTransaction(tx, p.transactionId, kind.code, request, p.initiator, null, now, resolved, { status, actor: p.initiator, detail });
        await this.checkSufficient(tx, resolved);
        return { ok: true, value: await this.txView(tx, p.transactionId), replayed: false };
      }
      const movements = await this.execute(tx, p.transactionId, kind, request, resolved, now, {
        insert: { initiator: p.initiator, legs: resolved }, event: { seq: 1, actor: p.initiator, detail: {} },
      });
      // The view is built from what was just written (saves five reads per transfer).
      return { ok: true, value: completedView(p, kind, now, movements), replayed: false };
    });
  }

  /** Second approval: awaiting_approval -> delayed (if a delay still applies) or completed. */
  async approve(input: unknown): Promise<Result<TransactionView>> {
    const v = validateDecide(input);
    if (!v.ok) return v;
    const d = v.value;
    return this.decide(d.transactionId, async (tx, cur) => {
      if (cur.status !== "awaiting_approval") {
        if (cur.lastActor === d.actor && (cur.status === "completed" || cur.status === "delayed") && cur.approvedBy === d.actor) return "replay";
        return refuse("TX_BAD_TRANSITION", `transaction ${d.transactionId} is ${cur.status}, not awaiting approval`, { status: cur.status });
      }
      const now = this.now();
      const delayUntil = d.delayUntil ?? cur.delayUntil;
      if (delayUntil !== null && delayUntil > now) {
        await this.event(tx, d.transactionId, cur.seq + 1, "delayed", now, d.actor, { approvedBy: d.actor, delayUntil });
        return "done";
      }
      return this.completeHeld(tx, d.transactionId, cur.seq, now, d.actor, { approvedBy: d.actor });
    });
  }

  async reject(input: unknown): Promise<Result<TransactionView>> {
    return this.endHeld(input, "rejected", ["awaiting_approval"]);
  }

  async cancel(input: unknown): Promise<Result<TransactionView>> {
    return this.endHeld(input, "cancelled", ["awaiting_approval", "delayed"]);
  }

  private async endHeld(input: unknown, to: "rejected" | "cancelled", from: TransactionStatus[]): Promise<Result<TransactionView>> {
    const v = validateDecide(input);
    if (!v.ok) return v;
    const d = v.value;
    return this.decide(d.transactionId, async (tx, cur) => {
      if (cur.status === to && cur.lastActor === d.actor) return "replay";
      if (!from.includes(cur.status)) {
        return refuse("TX_BAD_TRANSITION", `transaction ${d.transactionId} is ${cur.status}; it cannot become ${to}`, { status: cur.status, to });
      }
      await this.event(tx, d.transactionId, cur.seq + 1, to, this.now(), d.actor, d.reason ? { reason: d.reason } : {});
      return "done";
    });
  }

  /** Completes every delayed transaction whose delay has passed; returns what happened to each. */
  async releaseDue(limit = 100): Promise<Array<{ transactionId: string; result: Result<TransactionView> }>> {
    const now = this.now();
    const due = await this.db.query<{ tx_id: string }>(
      `SELECT e.tx_id FROM transaction_events e
       WHERE e.status = 'delayed' AND (e.detail->>'delayUntil') <= $1
         AND e.seq = (SELECT max(seq) FROM transaction_events x WHERE x.tx_id = e.tx_id)
       ORDER BY e.detail->>'delayUntil', e.tx_id LIMIT $2`,
      [now, Math.min(limit, 1000)],
    );
    const out: Array<{ transactionId: string; result: Result<TransactionView> }> = [];
    for (const { tx_id } of due.rows) {
      out.push({
        transactionId: tx_id,
        result: await this.decide(tx_id, async (tx, cur) => {
          if (cur.status !== "delayed") return refuse("TX_BAD_TRANSITION", `transaction ${tx_id} is ${cur.status}`, { status: cur.status });
          if (cur.delayUntil !== null && cur.delayUntil > now) return refuse("TX_NOT_DUE", `transaction ${tx_id} is delayed until ${cur.delayUntil}`, { delayUntil: cur.delayUntil });
          return this.completeHeld(tx, tx_id, cur.seq, now, null, {});
        }),
      });
    }
    return out;
  }

  /** Reverses a completed transaction: the exact serials go back from each destination to each source. */
  async reverse(input: unknown): Promise<Result<TransactionView>> {
    const v = validateReverse(input);
    if (!v.ok) return v;
    const r = v.value;
    const request = canonical({ reverses: r.reverses, actor: r.actor, reason: r.reason });
    const replay = await this.replay(r.transactionId, request);
    if (replay) return replay;
    const kind = this.catalogue.kinds.get("reversal") as TransactionKind;
    return this.atomic(async (tx) => {
      const again = await this.replay(r.transactionId, request, tx);
      if (again) return again;
      const orig = await tx.query<{ kind: string }>("SELECT kind FROM transactions WHERE id = $1 FOR NO KEY UPDATE", [r.reverses]);
      const o = orig.rows[0];
      if (!o) return refuse("TX_UNKNOWN", `no transaction ${r.reverses}`, { transactionId: r.reverses });
      if (!this.catalogue.kinds.get(o.kind)?.reversible) {
        return refuse("REVERSAL_NOT_REVERSIBLE", `a ${o.kind} transaction cannot be reversed`, { kind: o.kind });
      }
      const cur = await this.current(tx, r.reverses);
      if (cur.status !== "completed") return refuse("REVERSAL_TARGET_NOT_COMPLETED", `transaction ${r.reverses} is ${cur.status}`, { status: cur.status });
      const done = await tx.query<{ id: string }>("SELECT id FROM transactions WHERE reverses = $1", [r.reverses]);
      if (done.rows[0]) return refuse("REVERSAL_ALREADY_DONE", `transaction ${r.reverses} was reversed by ${done.rows[0].id}`, { reversedBy: done.rows[0].id });
      const mv = await tx.query<{ leg_no: number; class_id: number; code: string; from_account: string; to_account: string; serial_start: bigint; serial_end: bigint }>(
        `SELECT m.leg_no, m.class_id, c.code, m.from_account, m.to_account, m.serial_start, m.serial_end
         FROM movements m JOIN unit_classes c ON c.id = m.class_id WHERE m.tx_id = $1 ORDER BY m.leg_no, m.part_no`,
        [r.reverses],
      );
      const now = this.now();
      const sources = [...new Set(mv.rows.map((m) => m.to_account))].sort();
      const accounts = await this.lockAccounts(tx, [...sources, ...mv.rows.map((m) => m.from_account)]);
      for (const id of sources) {
        const acc = accounts.get(id) as AccountLock;
        if (this.catalogue.accountTypes.get(acc.type)?.terminal) {
          return refuse("SOURCE_TERMINAL", `units in ${id} (${acc.type}) are final and cannot be moved back`, { accountId: id, type: acc.type });
        }
      }
      // All-or-nothing, and the same precedence as the reference ledger: every range is checked
      // (6005) before anything is written.
      for (const m of mv.rows) {
        const block = await tx.query<{ id: bigint; serial_start: bigint; serial_end: bigint }>(
          `SELECT id, serial_start, serial_end FROM blocks WHERE class_id = $1 AND account_id = $2 AND serial_start <= $3 AND serial_end >= $4`,
          [m.class_id, m.to_account, m.serial_start, m.serial_end],
        );
        if (!block.rows[0]) {
          return refuse("REVERSAL_UNITS_MOVED_ON", `serials ${m.serial_start}-${m.serial_end} of ${m.code} are no longer in ${m.to_account}`, {
            classCode: m.code, start: m.serial_start.toString(), end: m.serial_end.toString(), accountId: m.to_account,
          });
        }
      }
      await tx.query("INSERT INTO transactions (id, kind, request, initiator, reverses, created_at) VALUES ($1,$2,$3,$4,$5,$6)", [
        r.transactionId, kind.code, JSON.stringify(request), r.actor, r.reverses, now,
      ]);
      // One leg per original movement, in the original order, each moving its exact range back.
      const deltas = new Map<string, bigint>();
      let legNo = 0;
      for (const m of mv.rows) {
        legNo++;
        const q = m.serial_end - m.serial_start + 1n;
        await tx.query("INSERT INTO transaction_legs (tx_id, leg_no, class_id, from_account, to_account, quantity) VALUES ($1,$2,$3,$4,$5,$6)", [
          r.transactionId, legNo, m.class_id, m.to_account, m.from_account, q,
        ]);
        const block = await tx.query<{ id: bigint; serial_start: bigint; serial_end: bigint }>(
          `SELECT id, serial_start, serial_end FROM blocks WHERE class_id = $1 AND account_id = $2 AND serial_start <= $3 AND serial_end >= $4 FOR UPDATE`,
          [m.class_id, m.to_account, m.serial_start, m.serial_end],
        );
        const b = block.rows[0];
        if (!b) throw new RetryThrow(`serials ${m.serial_start}-${m.serial_end} of ${m.code} moved while reversing; retrying`);
        await carve(tx, b, m.serial_start, m.serial_end);
        await place(tx, m.class_id, m.from_account, m.serial_start, m.serial_end);
        await tx.query(
          "INSERT INTO movements (tx_id, leg_no, part_no, class_id, from_account, to_account, serial_start, serial_end) VALUES ($1,$2,1,$3,$4,$5,$6,$7)",
          [r.transactionId, legNo, m.class_id, m.to_account, m.from_account, m.serial_start, m.serial_end],
        );
        addDelta(deltas, m.to_account, m.class_id, -q);
        addDelta(deltas, m.from_account, m.class_id, q);
      }
      await applyDeltas(tx, deltas);
      await this.event(tx, r.transactionId, 1, "completed", now, r.actor, r.reason ? { reason: r.reason } : {});
      await advanceChains(tx, r.transactionId, sources.map((s) => `account:${s}`), payloadDigest(await chainPayload(tx, r.transactionId, now)));
      return { ok: true, value: await this.txView(tx, r.transactionId), replayed: false };
    });
  }

  async getTransaction(id: string): Promise<TransactionView | undefined> {
    const r = await this.db.query<{ id: string }>("SELECT id FROM transactions WHERE id = $1", [id]);
    return r.rows[0] ? this.txView(this.db, id) : undefined;
  }

  async listTransactions(opts: { account?: string; status?: TransactionStatus; kind?: string; after?: string; limit?: number } = {}): Promise<TransactionView[]> {
    const r = await this.db.query<{ id: string }>(
      `SELECT t.id FROM transactions t
       WHERE t.id > $1 AND ($2::text IS NULL OR t.kind = $2)
         AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM transaction_legs l WHERE l.tx_id = t.id AND (l.from_account = $3 OR l.to_account = $3)))
         AND ($4::text IS NULL OR (SELECT e.status FROM transaction_events e WHERE e.tx_id = t.id ORDER BY e.seq DESC LIMIT 1) = $4)
       ORDER BY t.id LIMIT $5`,
      [opts.after ?? "", opts.kind ?? null, opts.account ?? null, opts.status ?? null, pageLimit(opts.limit)],
    );
    const out: TransactionView[] = [];
    for (const row of r.rows) out.push(await this.txView(this.db, row.id));
    return out;
  }

  // ---- internals ----------------------------------------------------------------------------

  private async replay(id: string, request: unknown, sql: Sql = this.db): Promise<Result<TransactionView> | undefined> {
    const prior = await sql.query<{ request: unknown }>("SELECT request FROM transactions WHERE id = $1", [id]);
    const row = prior.rows[0];
    if (!row) return undefined;
    return this.replayOf(sql, id, request, row.request);
  }

  private async replayOf(sql: Sql, id: string, request: unknown, prior: unknown): Promise<Result<TransactionView>> {
    const diff = firstDifference(request, prior);
    if (diff) return refuse("REPLAY_DIFFERS", `transaction ${id} was submitted with a different ${diff}`, { transactionId: id, field: diff });
    return { ok: true, value: await this.txView(sql, id), replayed: true };
  }

  /**
   * Reads, in one round trip, the request stored under the transaction id (if any), the legs'
   * classes and their accounts. With lock, the accounts are locked in ascending id order (the row
   * locks are taken after the sort) and an issuance's classes before them: every writer takes its
   * locks in this one order, so two transfers touching the same accounts queue instead of
   * deadlocking. NO KEY UPDATE rather than UPDATE, so the foreign-key checks of concurrent inserts
   * that merely reference these rows (KEY SHARE) do not wait.
   */
  private async load(tx: Sql, txId: string, kind: TransactionKind, legs: Leg[], lock: boolean): Promise<{ prior: unknown; classes: Map<string, ClassRow>; accounts: Map<string, AccountLock> }> {
    const codes = [...new Set(legs.map((l) => l.classCode))];
    const ids = [...new Set(legs.flatMap((l) => (l.from ? [l.from, l.to] : [l.to])))].sort();
    const classLock = lock && kind.code === "issuance" ? "ORDER BY id FOR NO KEY UPDATE" : "";
    const r = await tx.query<{ prior: unknown; classes: Array<{ id: number; code: string; unit_type: string; issuance_limit: string | null; serial_start: string }>; accounts: AccountLock[] }>(
      `WITH cls AS (SELECT id, code, unit_type, issuance_limit::text AS issuance_limit, serial_start::text AS serial_start
                    FROM unit_classes WHERE code = ANY($2::text[]) ${classLock}),
            acc AS (SELECT id, type, status FROM accounts WHERE id = ANY($3::text[]) ORDER BY id ${lock ? "FOR NO KEY UPDATE" : ""})
       SELECT (SELECT request FROM transactions WHERE id = $1) AS prior,
              (SELECT coalesce(jsonb_agg(to_jsonb(cls)), '[]'::jsonb) FROM cls) AS classes,
              (SELECT coalesce(jsonb_agg(to_jsonb(acc)), '[]'::jsonb) FROM acc) AS accounts`,
      [txId, codes, ids],
    );
    const row = r.rows[0];
    if (!row) throw new Error("load returned no row");
    const classes = new Map(
      row.classes.map((c) => [c.code, { id: c.id, code: c.code, unit_type: c.unit_type, issuance_limit: c.issuance_limit === null ? null : BigInt(c.issuance_limit), serial_start: BigInt(c.serial_start) }]),
    );
    this.remember(row.accounts, classes.values());
    return { prior: row.prior, classes, accounts: new Map(row.accounts.map((a) => [a.id, a])) };
  }

  /** Checks classes, accounts, kinds and types of every leg (1xxx, 2xxx, 4xxx) against loaded rows. */
  private checkLegs(kind: TransactionKind, legs: Leg[], classes: Map<string, ClassRow>, accounts: Map<string, AccountLock>): ResolvedLeg[] {
    const issuance = kind.code === "issuance";
    const out: ResolvedLeg[] = [];
    for (const [i, leg] of legs.entries()) {
      const at = { leg: i };
      const cls = classes.get(leg.classCode);
      if (issuance !== (leg.from === null)) {
        throw new RefusalThrow(refuse("SOURCE_REQUIRED", issuance ? `legs[${i}]: an issuance has no source account` : `legs[${i}]: a source account is required`, at));
      }
      if (leg.from !== null) {
        const src = accounts.get(leg.from);
        if (!src) throw new RefusalThrow(refuse("SOURCE_UNKNOWN", `legs[${i}]: no account ${leg.from}`, { ...at, accountId: leg.from }));
        if (src.status !== "open") throw new RefusalThrow(refuse("SOURCE_NOT_OPEN", `legs[${i}]: account ${leg.from} is ${src.status}`, { ...at, accountId: leg.from, status: src.status }));
        if (this.catalogue.accountTypes.get(src.type)?.terminal) {
          throw new RefusalThrow(refuse("SOURCE_TERMINAL", `legs[${i}]: ${leg.from} is a ${src.type} account, which never sends`, { ...at, accountId: leg.from, type: src.type }));
        }
        if (!kind.from.includes(src.type)) {
          throw new RefusalThrow(refuse("SOURCE_TYPE_NOT_ALLOWED", `legs[${i}]: a ${kind.code} cannot come from a ${src.type} account`, { ...at, accountId: leg.from, type: src.type, allowed: kind.from }));
        }
      }
      const dst = accounts.get(leg.to);
      if (!dst) throw new RefusalThrow(refuse("DEST_UNKNOWN", `legs[${i}]: no account ${leg.to}`, { ...at, accountId: leg.to }));
      if (dst.status === "closed" || (dst.status === "blocked" && !kind.administrative)) {
        throw new RefusalThrow(refuse("DEST_CLOSED", `legs[${i}]: account ${leg.to} is ${dst.status}`, { ...at, accountId: leg.to, status: dst.status }));
      }
      if (!kind.to.includes(dst.type)) {
        throw new RefusalThrow(refuse("DEST_TYPE_NOT_ALLOWED", `legs[${i}]: a ${kind.code} cannot go to a ${dst.type} account`, { ...at, accountId: leg.to, type: dst.type, allowed: kind.to }));
      }
      if (leg.from === leg.to) throw new RefusalThrow(refuse("DEST_SAME_AS_SOURCE", `legs[${i}]: source and destination are both ${leg.to}`, { ...at, accountId: leg.to }));
      if (!cls) throw new RefusalThrow(refuse("CLASS_UNKNOWN", `legs[${i}]: no unit class ${leg.classCode}`, { ...at, classCode: leg.classCode }));
      if (kind.unitTypes && !kind.unitTypes.includes(cls.unit_type)) {
        throw new RefusalThrow(refuse("UNIT_TYPE_NOT_ALLOWED", `legs[${i}]: a ${kind.code} cannot carry ${cls.unit_type} units`, { ...at, unitType: cls.unit_type, allowed: kind.unitTypes }));
      }
      out.push({ ...leg, cls });
    }
    return out;
  }

  private remember(accounts: Iterable<AccountLock>, classes: Iterable<ClassRow>): void {
    if (this.seenAccounts.size > SEEN_LIMIT) this.seenAccounts.clear();
    if (this.seenClasses.size > SEEN_LIMIT) this.seenClasses.clear();
    for (const a of accounts) this.seenAccounts.set(a.id, { id: a.id, type: a.type, status: a.status });
    for (const c of classes) this.seenClasses.set(c.code, c);
  }

  /**
   * A completing non-issuance proposal in one autocommit statement (ledger_transfer), when every
   * account and class has been seen before and the legs pass their checks on those rows. The
   * database confirms each account's type and status under its lock; if one changed, or the id
   * was used before, nothing is written and undefined sends the caller down the general path,
   * which loads, checks and refuses or replays under the locks. Both paths write the same rows.
   */
  private async transferInOneCall(p: ValidProposal, kind: TransactionKind, request: unknown, now: string): Promise<Result<TransactionView> | undefined> {
    const accounts = new Map<string, AccountLock>();
    const classes = new Map<string, ClassRow>();
    for (const l of p.legs) {
      const c = this.seenClasses.get(l.classCode);
      if (!c) return undefined;
      classes.set(c.code, c);
      for (const id of l.from === null ? [l.to] : [l.from, l.to]) {
        const a = this.seenAccounts.get(id);
        if (!a) return undefined;
        accounts.set(id, a);
      }
    }
    let legs: ResolvedLeg[];
    try {
      legs = this.checkLegs(kind, p.legs, classes, accounts);
    } catch (err) {
      // A refusal on remembered rows is only a hint: the general path decides under the locks.
      if (err instanceof RefusalThrow) return undefined;
      throw err;
    }
    const acc = [...accounts.values()];
    const params = [
      p.transactionId, kind.code, JSON.stringify(request), now, p.initiator,
      acc.map((a) => a.id), acc.map((a) => a.type), acc.map((a) => a.status),
      legs.map((l) => l.cls.id), legs.map((l) => l.cls.code), legs.map((l) => l.from), legs.map((l) => l.to), legs.map((l) => l.quantity.toString()),
    ];
    let rows: Array<{ o_state: string; o_leg: number | null; o_part: number | null; o_start: bigint | null; o_end: bigint | null }>;
    for (let attempt = 1; ; attempt++) {
      try {
        rows = (await this.db.query<(typeof rows)[number]>(
          "SELECT o_state, o_leg, o_part, o_start, o_end FROM ledger_transfer($1, $2, $3, $4, $5, $6::text[], $7::text[], $8::text[], $9::int[], $10::text[], $11::text[], $12::text[], $13::int8[])",
          params,
        )).rows;
        break;
      } catch (err) {
        const refusal = insufficient(err, legs);
        if (refusal) return refusal.refusal;
        if (!retryable(err) || attempt >= MAX_ATTEMPTS) throw err;
        await backOff(attempt);
      }
    }
    if (rows[0]?.o_state !== "done") {
      if (rows[0]?.o_state === "stale") for (const id of accounts.keys()) this.seenAccounts.delete(id);
      return undefined;
    }
    const movements: MovementView[] = rows.map((r) => {
      const l = legs[(r.o_leg as number) - 1] as ResolvedLeg;
      const [start, end] = [BigInt(r.o_start as bigint), BigInt(r.o_end as bigint)];
      return { legNo: r.o_leg as number, classCode: l.cls.code, from: l.from, to: l.to, start, end, quantity: end - start + 1n };
    });
    return { ok: true, value: completedView(p, kind, now, movements), replayed: false };
  }

  private async lockAccounts(tx: Sql, ids: string[]): Promise<Map<string, AccountLock>> {
    const r = await tx.query<AccountLock>("SELECT id, type, status FROM accounts WHERE id = ANY($1::text[]) ORDER BY id FOR NO KEY UPDATE", [[...new Set(ids)].sort()]);
    return new Map(r.rows.map((a) => [a.id, a]));
  }

  /** A non-locking check that each source holds enough, for an early refusal of a held transaction. */
  private async checkSufficient(tx: Sql, legs: ResolvedLeg[]): Promise<void> {
    const need = new Map<string, { from: string; cls: ClassRow; q: bigint }>();
    for (const l of legs) {
      if (l.from === null) continue;
      const k = `${l.from}\u0000${l.cls.id}`;
      const cur = need.get(k);
      need.set(k, { from: l.from, cls: l.cls, q: (cur?.q ?? 0n) + l.quantity });
    }
    if (need.size === 0) return;
    const list = [...need.values()];
    const r = await tx.query<{ i: number; quantity: bigint | null }>(
      `SELECT k.i, b.quantity FROM unnest($1::text[], $2::int[]) WITH ORDINALITY AS k(account_id, class_id, i)
       LEFT JOIN balances b ON b.account_id = k.account_id AND b.class_id = k.class_id`,
      [list.map((n) => n.from), list.map((n) => n.cls.id)],
    );
    const held = new Map(r.rows.map((x) => [Number(x.i), x.quantity ?? 0n]));
    for (const [i, n] of list.entries()) {
      const have = held.get(i + 1) ?? 0n;
      if (have < n.q) {
        throw new RefusalThrow(refuse("INSUFFICIENT_UNITS", `${n.from} holds ${have} ${n.cls.code}, ${n.q} needed`, { accountId: n.from, classCode: n.cls.code, held: have.toString(), needed: n.q.toString() }));
      }
    }
  }

  /**
   * Moves the units of every leg (the accounts, and an issuance's classes, are already locked by
   * load), then in one statement writes the transaction row and legs (when new), its completed
   * event, the balance changes and the hash-chain links. Returns the movements.
   */
  private async execute(
    tx: Sql, txId: string, kind: TransactionKind, request: unknown, legs: ResolvedLeg[], now: string,
    write: { insert?: { initiator: string | null; legs: ResolvedLeg[] }; event: { seq: number; actor: string | null; detail: Record<string, unknown> } },
  ): Promise<MovementView[]> {
    const issuance = kind.code === "issuance";
    const chains = issuance
      ? [...new Set(legs.map((l) => `class:${l.cls.code}`))].sort()
      : [...new Set(legs.map((l) => `account:${l.from as string}`))].sort();
    const deltas = new Map<string, bigint>();
    const rows: Array<[number, number, number, string | null, string, string, string]> = [];
    if (issuance) {
      for (const [i, l] of legs.entries()) {
        for (const part of await issue(tx, l)) {
          await place(tx, l.cls.id, l.to, part.start, part.end);
          await tx.query(
            "INSERT INTO movements (tx_id, leg_no, part_no, class_id, from_account, to_account, serial_start, serial_end) VALUES ($1,$2,1,$3,NULL,$4,$5,$6)",
            [txId, i + 1, l.cls.id, l.to, part.start, part.end],
          );
          rows.push([i + 1, 1, l.cls.id, null, l.to, part.start.toString(), part.end.toString()]);
        }
      }
    } else {
      // Every leg in one statement; ledger_move raises EL003 when a source holds too little.
      try {
        const parts = await tx.query<{ n: bigint; o_part: number; o_start: bigint; o_end: bigint }>(
          `SELECT x.n, m.o_part, m.o_start, m.o_end
           FROM unnest($1::int[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS x(class_id, from_account, to_account, q, n)
           CROSS JOIN LATERAL ledger_move(x.class_id, x.from_account, x.to_account, x.q::int8, $5, x.n::int) AS m
           ORDER BY x.n, m.o_part`,
          [legs.map((l) => l.cls.id), legs.map((l) => l.from), legs.map((l) => l.to), legs.map((l) => l.quantity.toString()), txId],
        );
        for (const part of parts.rows) {
          const l = legs[Number(part.n) - 1] as ResolvedLeg;
          rows.push([Number(part.n), part.o_part, l.cls.id, l.from, l.to, part.o_start.toString(), part.o_end.toString()]);
        }
      } catch (err) {
        throw insufficient(err, legs) ?? err;
      }
    }
    for (const l of legs) {
      if (l.from) addDelta(deltas, l.from, l.cls.id, -l.quantity);
      addDelta(deltas, l.to, l.cls.id, l.quantity);
    }
    const codes = new Map(legs.map((l) => [l.cls.id, l.cls.code]));
    // The chain payload is what verify will read back from the tables, built here from the same values.
    const digest = payloadDigest({
      id: txId, kind: kind.code, request, completedAt: now,
      movements: rows.map((r) => [r[0], r[1], codes.get(r[2]) as string, r[3], r[4], r[5], r[6]]),
    });
    await finish(tx, {
      txId, kind: kind.code, request, now, insert: write.insert, event: { ...write.event, status: "completed" }, deltas, chains, digest,
    });
    return rows.map((r) => ({
      legNo: r[0], classCode: codes.get(r[2]) as string, from: r[3], to: r[4], start: BigInt(r[5]), end: BigInt(r[6]), quantity: BigInt(r[6]) - BigInt(r[5]) + 1n,
    }));
  }

  private async event(tx: Sql, txId: string, seq: number, status: TransactionStatus, at: string, actor: string | null, detail: Record<string, unknown>): Promise<void> {
    await tx.query("INSERT INTO transaction_events (tx_id, seq, status, at, actor, detail) VALUES ($1,$2,$3,$4,$5,$6)", [
      txId, seq, status, at, actor, JSON.stringify(detail),
    ]);
  }

  private async current(sql: Sql, txId: string): Promise<Current> {
    const r = await sql.query<{ seq: number; status: TransactionStatus; actor: string | null; detail: Record<string, unknown> }>(
      "SELECT seq, status, actor, detail FROM transaction_events WHERE tx_id = $1 ORDER BY seq",
      [txId],
    );
    const last = r.rows[r.rows.length - 1];
    if (!last) throw new Error(`transaction ${txId} has no events`);
    let delayUntil: string | null = null;
    let approvedBy: string | null = null;
    for (const e of r.rows) {
      if (typeof e.detail.delayUntil === "string") delayUntil = e.detail.delayUntil;
      if (typeof e.detail.approvedBy === "string") approvedBy = e.detail.approvedBy;
    }
    return { seq: last.seq, status: last.status, lastActor: last.actor, delayUntil, approvedBy };
  }

  /** Runs a status decision on one transaction under its row lock; a failed completion is recorded as rejected. */
  private async decide(txId: string, fn: (tx: Sql, cur: Current) => Promise<"done" | "replay" | Refusal>): Promise<Result<TransactionView>> {
    let failedCompletion: { refusal: Refusal; seq: number } | undefined;
    const res = await this.atomic<TransactionView>(async (tx) => {
      const row = await tx.query<{ id: string }>("SELECT id FROM transactions WHERE id = $1 FOR NO KEY UPDATE", [txId]);
      if (!row.rows[0]) return refuse("TX_UNKNOWN", `no transaction ${txId}`, { transactionId: txId });
      const cur = await this.current(tx, txId);
      let out: "done" | "replay" | Refusal;
      try {
        out = await fn(tx, cur);
      } catch (err) {
        if (err instanceof RefusalThrow && (cur.status === "awaiting_approval" || cur.status === "delayed")) {
          failedCompletion = { refusal: err.refusal, seq: cur.seq };
        }
        throw err;
      }
      if (typeof out === "object") return out;
      return { ok: true, value: await this.txView(tx, txId), replayed: out === "replay" };
    });
    if (!res.ok && failedCompletion && res === failedCompletion.refusal) {
      // The completion failed its checks (e.g. the units were moved meanwhile): record the rejection.
      const f = failedCompletion;
      await this.atomic<TransactionView>(async (tx) => {
        await tx.query("SELECT id FROM transactions WHERE id = $1 FOR NO KEY UPDATE", [txId]);
        const cur = await this.current(tx, txId);
        if (cur.seq === f.seq) {
          await this.event(tx, txId, cur.seq + 1, "rejected", this.now(), null, { code: f.refusal.code, check: f.refusal.check, message: f.refusal.message });
        }
        return { ok: true, value: await this.txView(tx, txId), replayed: false };
      });
    }
    return res;
  }

  private async completeHeld(tx: Sql, txId: string, seq: number, now: string, actor: string | null, detail: Record<string, unknown>): Promise<"done"> {
    const t = await tx.query<{ kind: string; request: unknown }>("SELECT kind, request FROM transactions WHERE id = $1", [txId]);
    const kind = this.catalogue.kinds.get(t.rows[0]?.kind ?? "") as TransactionKind;
    const legs = await tx.query<{ leg_no: number; code: string; from_account: string | null; to_account: string; quantity: bigint }>(
      `SELECT l.leg_no, c.code, l.from_account, l.to_account, l.quantity FROM transaction_legs l JOIN unit_classes c ON c.id = l.class_id
       WHERE l.tx_id = $1 ORDER BY l.leg_no`,
      [txId],
    );
    const plain = legs.rows.map((l) => ({ classCode: l.code, from: l.from_account, to: l.to_account, quantity: l.quantity }));
    const pre = await this.load(tx, txId, kind, plain, true);
    const resolved = this.checkLegs(kind, plain, pre.classes, pre.accounts);
    await this.execute(tx, txId, kind, t.rows[0]?.request, resolved, now, { event: { seq: seq + 1, actor, detail } });
    return "done";
  }

  private async txView(sql: Sql, id: string): Promise<TransactionView> {
    const t = await sql.query<{ id: string; kind: string; request: Record<string, unknown>; initiator: string | null; reverses: string | null; created_at: string }>(
      "SELECT id, kind, request, initiator, reverses, created_at FROM transactions WHERE id = $1",
      [id],
    );
    const row = t.rows[0];
    if (!row) throw new Error(`transaction ${id} vanished`);
    const legs = await sql.query<{ code: string; from_account: string | null; to_account: string; quantity: bigint }>(
      `SELECT c.code, l.from_account, l.to_account, l.quantity FROM transaction_legs l JOIN unit_classes c ON c.id = l.class_id
       WHERE l.tx_id = $1 ORDER BY l.leg_no`,
      [id],
    );
    const events = await sql.query<{ status: TransactionStatus; at: string; actor: string | null; detail: Record<string, unknown> }>(
      "SELECT status, at, actor, detail FROM transaction_events WHERE tx_id = $1 ORDER BY seq",
      [id],
    );
    const mv = await sql.query<{ leg_no: number; code: string; from_account: string | null; to_account: string; serial_start: bigint; serial_end: bigint }>(
      `SELECT m.leg_no, c.code, m.from_account, m.to_account, m.serial_start, m.serial_end FROM movements m JOIN unit_classes c ON c.id = m.class_id
       WHERE m.tx_id = $1 ORDER BY m.leg_no, m.part_no LIMIT 10000`,
      [id],
    );
    const rev = await sql.query<{ id: string }>("SELECT id FROM transactions WHERE reverses = $1", [id]);
    const last = events.rows[events.rows.length - 1];
    let delayUntil: string | null = null;
    for (const e of events.rows) if (typeof e.detail.delayUntil === "string") delayUntil = e.detail.delayUntil;
    const str = (k: string) => (typeof row.request[k] === "string" ? (row.request[k] as string) : null);
    return {
      id: row.id,
      kind: row.kind,
      status: last?.status ?? "awaiting_approval",
      legs: legs.rows.map((l) => ({ classCode: l.code, from: l.from_account, to: l.to_account, quantity: l.quantity })),
      initiator: row.initiator,
      purpose: str("purpose"),
      beneficiary: str("beneficiary"),
      note: str("note"),
      createdAt: row.created_at,
      delayUntil,
      reverses: row.reverses,
      reversedBy: rev.rows[0]?.id ?? null,
      events: events.rows.map((e) => ({ status: e.status, at: e.at, actor: e.actor, detail: e.detail })),
      movements: mv.rows.map((m) => ({
        legNo: m.leg_no, classCode: m.code, from: m.from_account, to: m.to_account, start: m.serial_start, end: m.serial_end, quantity: m.serial_end - m.serial_start + 1n,
      })),
    };
  }
}

interface Current {
  seq: number;
  status: TransactionStatus;
  lastActor: string | null;
  delayUntil: string | null;
  approvedBy: string | null;
}

interface AccountLock {
  id: string;
  type: string;
  status: AccountStatus;
}

interface ResolvedLeg extends Leg {
  cls: ClassRow;
}

interface LockedBlock {
  id: bigint;
  serial_start: bigint;
  serial_end: bigint;
}

interface Part {
  block: LockedBlock | null;
  start: bigint;
  end: bigint;
}

function classDefinition(c: ValidClass): Record<string, unknown> {
  const { commandId: _ignored, ...rest } = c;
  return rest;
}

function proposalRequest(p: ValidProposal): Record<string, unknown> {
  return {
    kind: p.kind,
    legs: p.legs.map((l) => ({ classCode: l.classCode, from: l.from, to: l.to, quantity: l.quantity })),
    initiator: p.initiator,
    purpose: p.purpose,
    beneficiary: p.beneficiary,
    note: p.note,
    hold: p.hold,
  };
}

function accountView(r: AccountRow): AccountView {
  return { id: r.id, type: r.type, holder: r.holder, name: r.name, installation: r.installation, status: r.status, openedAt: r.opened_at };
}

function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return 100;
  if (!Number.isInteger(limit) || limit < 1) return 1;
  return Math.min(limit, MAX_PAGE);
}

function addDelta(m: Map<string, bigint>, account: string, classId: number, q: bigint): void {
  const k = `${account}\u0000${classId}`;
  m.set(k, (m.get(k) ?? 0n) + q);
}

/**
 * Applies balance changes in one statement. Every balance row changed belongs to an account the
 * transaction has locked, so no ordering is needed against other writers. A missing row for a
 * decrease, or a balance going below zero, fails loudly (an invariant, not a refusal).
 */
async function applyDeltas(tx: Sql, deltas: Map<string, bigint>, chain?: { txId: string; chains: string[]; digest: string }): Promise<void> {
  const entries = [...deltas.entries()].filter(([, d]) => d !== 0n).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const dec = entries.filter(([, d]) => d < 0n);
  const inc = entries.filter(([, d]) => d > 0n);
  const cols = (list: Array<[string, bigint]>) => {
    const split = list.map(([k, d]) => [...k.split("\u0000"), d.toString()] as [string, string, string]);
    return [split.map((x) => x[0]), split.map((x) => Number(x[1])), split.map((x) => x[2])];
  };
  const balanceCtes = `d AS (
       UPDATE balances b SET quantity = b.quantity + x.q::int8
       FROM unnest($1::text[], $2::int[], $3::text[]) AS x(account_id, class_id, q)
       WHERE b.account_id = x.account_id AND b.class_id = x.class_id RETURNING 1),
     i AS (
       INSERT INTO balances (account_id, class_id, quantity)
       SELECT x.account_id, x.class_id, x.q::int8 FROM unnest($4::text[], $5::int[], $6::text[]) AS x(account_id, class_id, q)
       ON CONFLICT (account_id, class_id) DO UPDATE SET quantity = balances.quantity + EXCLUDED.quantity RETURNING 1)`;
  // With chains: the balance changes and the chain links in one statement (one round trip).
  const r = chain
    ? await tx.query<{ decreased: bigint }>(
        `WITH ${balanceCtes}
         INSERT INTO chain_links (chain, seq, tx_id, prev_hash, hash)
         SELECT c.chain, coalesce(l.seq, 0) + 1, $8, coalesce(l.hash, $9),
                encode(sha256(convert_to(coalesce(l.hash, $9) || chr(10) || $10, 'UTF8')), 'hex')
         FROM unnest($7::text[]) AS c(chain)
         LEFT JOIN LATERAL (SELECT x.seq, x.hash FROM chain_links x WHERE x.chain = c.chain ORDER BY x.seq DESC LIMIT 1) l ON true
         RETURNING (SELECT count(*) FROM d) AS decreased, (SELECT count(*) FROM i) AS increased`,
        [...cols(dec), ...cols(inc), chain.chains, chain.txId, GENESIS, chain.digest],
      )
    : await tx.query<{ decreased: bigint }>(`WITH ${balanceCtes} SELECT (SELECT count(*) FROM d) AS decreased, (SELECT count(*) FROM i) AS increased`, [
        ...cols(dec), ...cols(inc),
      ]);
  if (Number(r.rows[0]?.decreased ?? 0n) !== dec.length) throw new Error("a balance row is missing while units leave it");
}

/**
 * The last statement of a completing transaction: the transaction row and its legs (when new),
 * the event, the balance changes (every balance row changed belongs to a locked account) and one
 * hash-chain link per chain, the chain head read and the link hashed in SQL.
 */
async function finish(
  tx: Sql,
  f: {
    txId: string; kind: string; request: unknown; now: string;
    insert: { initiator: string | null; legs: ResolvedLeg[] } | undefined;
    event: { seq: number; status: TransactionStatus; actor: string | null; detail: Record<string, unknown> };
    deltas: Map<string, bigint>; chains: string[]; digest: string;
  },
): Promise<void> {
  const entries = [...f.deltas.entries()].filter(([, d]) => d !== 0n);
  const dec = entries.filter(([, d]) => d < 0n);
  const inc = entries.filter(([, d]) => d > 0n);
  const cols = (list: Array<[string, bigint]>) => {
    const split = list.map(([k, d]) => [...k.split("\u0000"), d.toString()] as [string, string, string]);
    return [split.map((x) => x[0]), split.map((x) => Number(x[1])), split.map((x) => x[2])];
  };
  const params: unknown[] = [f.txId, f.now, ...cols(dec), ...cols(inc), f.chains, GENESIS, f.digest, f.event.seq, f.event.status, f.event.actor, JSON.stringify(f.event.detail)];
  let head = "";
  if (f.insert) {
    const n = params.length;
    params.push(f.kind, JSON.stringify(f.request), f.insert.initiator, f.insert.legs.map((l) => l.cls.id), f.insert.legs.map((l) => l.from), f.insert.legs.map((l) => l.to), f.insert.legs.map((l) => l.quantity.toString()));
    head = `t AS (INSERT INTO transactions (id, kind, request, initiator, reverses, created_at) VALUES ($1, $${n + 1}, $${n + 2}, $${n + 3}, NULL, $2) RETURNING id),
     l AS (INSERT INTO transaction_legs (tx_id, leg_no, class_id, from_account, to_account, quantity)
           SELECT $1, x.n, x.class_id, x.from_account, x.to_account, x.q::int8
           FROM unnest($${n + 4}::int[], $${n + 5}::text[], $${n + 6}::text[], $${n + 7}::text[]) WITH ORDINALITY AS x(class_id, from_account, to_account, q, n) RETURNING 1),`;
  }
  const r = await tx.query<{ decreased: bigint }>(
    `WITH ${head}
     e AS (INSERT INTO transaction_events (tx_id, seq, status, at, actor, detail) VALUES ($1, $12, $13, $2, $14, $15) RETURNING 1),
     d AS (UPDATE balances b SET quantity = b.quantity + x.q::int8
           FROM unnest($3::text[], $4::int[], $5::text[]) AS x(account_id, class_id, q)
           WHERE b.account_id = x.account_id AND b.class_id = x.class_id RETURNING 1),
     i AS (INSERT INTO balances (account_id, class_id, quantity)
           SELECT x.account_id, x.class_id, x.q::int8 FROM unnest($6::text[], $7::int[], $8::text[]) AS x(account_id, class_id, q)
           ON CONFLICT (account_id, class_id) DO UPDATE SET quantity = balances.quantity + EXCLUDED.quantity RETURNING 1)
     INSERT INTO chain_links (chain, seq, tx_id, prev_hash, hash)
     SELECT c.chain, coalesce(h.seq, 0) + 1, $1, coalesce(h.hash, $10),
            encode(sha256(convert_to(coalesce(h.hash, $10) || chr(10) || $11, 'UTF8')), 'hex')
     FROM unnest($9::text[]) AS c(chain)
     LEFT JOIN LATERAL (SELECT x.seq, x.hash FROM chain_links x WHERE x.chain = c.chain ORDER BY x.seq DESC LIMIT 1) h ON true
     RETURNING (SELECT count(*) FROM d) AS decreased`,
    params,
  );
  if (Number(r.rows[0]?.decreased ?? 0n) !== dec.length) throw new Error("a balance row is missing while units leave it");
}

/** Appends one link to each chain, reading the chain head and hashing in the same statement. */
async function advanceChains(tx: Sql, txId: string, chains: string[], digest: string): Promise<void> {
  await tx.query(
    `INSERT INTO chain_links (chain, seq, tx_id, prev_hash, hash)
     SELECT c.chain, coalesce(l.seq, 0) + 1, $2, coalesce(l.hash, $3),
            encode(sha256(convert_to(coalesce(l.hash, $3) || chr(10) || $4, 'UTF8')), 'hex')
     FROM unnest($1::text[]) AS c(chain)
     LEFT JOIN LATERAL (SELECT x.seq, x.hash FROM chain_links x WHERE x.chain = c.chain ORDER BY x.seq DESC LIMIT 1) l ON true`,
    [chains, txId, GENESIS, digest],
  );
}

/** Writes the transaction, its legs and its first event in one statement. */
async function insertTransaction(
  tx: Sql, id: string, kind: string, request: unknown, initiator: string | null, reverses: string | null, at: string,
  legs: ReadonlyArray<{ cls: { id: number }; from: string | null; to: string; quantity: bigint }>,
  event: { status: TransactionStatus; actor: string | null; detail: Record<string, unknown> },
): Promise<void> {
  await tx.query(
    `WITH t AS (INSERT INTO transactions (id, kind, request, initiator, reverses, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id),
     l AS (INSERT INTO transaction_legs (tx_id, leg_no, class_id, from_account, to_account, quantity)
           SELECT $1, x.n, x.class_id, x.from_account, x.to_account, x.q::int8
           FROM unnest($7::int[], $8::text[], $9::text[], $10::text[]) WITH ORDINALITY AS x(class_id, from_account, to_account, q, n) RETURNING 1)
     INSERT INTO transaction_events (tx_id, seq, status, at, actor, detail) VALUES ($1, 1, $11, $6, $12, $13)`,
    [
      id, kind, JSON.stringify(request), initiator, reverses, at,
      legs.map((l) => l.cls.id), legs.map((l) => l.from), legs.map((l) => l.to), legs.map((l) => l.quantity.toString()),
      event.status, event.actor, JSON.stringify(event.detail),
    ],
  );
}

/** New serials for an issuance leg: the next range after the class's last issued serial. */
async function issue(tx: Sql, l: ResolvedLeg): Promise<Part[]> {
  const r = await tx.query<{ last: bigint | null }>("SELECT max(serial_end) AS last FROM movements WHERE class_id = $1 AND from_account IS NULL", [l.cls.id]);
  const start = (r.rows[0]?.last ?? l.cls.serial_start - 1n) + 1n;
  const end = start + l.quantity - 1n;
  const issued = start - l.cls.serial_start;
  if (l.cls.issuance_limit !== null && issued + l.quantity > l.cls.issuance_limit) {
    throw new RefusalThrow(
      refuse("ISSUANCE_LIMIT_EXCEEDED", `issuing ${l.quantity} ${l.cls.code} would exceed its limit ${l.cls.issuance_limit} (${issued} issued)`, {
        classCode: l.cls.code, limit: l.cls.issuance_limit.toString(), issued: issued.toString(), requested: l.quantity.toString(),
      }),
    );
  }
  if (end > 9_000_000_000_000_000_000n) throw new RefusalThrow(refuse("QUANTITY_TOO_LARGE", "serial numbers exhausted for this class", { classCode: l.cls.code }));
  return [{ block: null, start, end }];
}

/** Removes [start, end] from a locked block, keeping what lies on either side in the same account. */
async function carve(tx: Sql, b: LockedBlock, start: bigint, end: bigint): Promise<void> {
  const left = start > b.serial_start;
  const right = end < b.serial_end;
  if (!left && !right) await tx.query("DELETE FROM blocks WHERE id = $1", [b.id]);
  else if (!left) await tx.query("UPDATE blocks SET serial_start = $2 WHERE id = $1", [b.id, end + 1n]);
  else if (!right) await tx.query("UPDATE blocks SET serial_end = $2 WHERE id = $1", [b.id, start - 1n]);
  else {
    await tx.query("UPDATE blocks SET serial_end = $2 WHERE id = $1", [b.id, start - 1n]);
    await tx.query("INSERT INTO blocks (class_id, account_id, serial_start, serial_end) SELECT class_id, account_id, $2, $3 FROM blocks WHERE id = $1", [
      b.id, end + 1n, b.serial_end,
    ]);
  }
}

/** Puts [start, end] into an account, merging with a neighbouring block of the same account on either side. */
async function place(tx: Sql, classId: number, account: string, start: bigint, end: bigint): Promise<void> {
  const right = await tx.query<{ id: bigint; serial_end: bigint }>(
    "SELECT id, serial_end FROM blocks WHERE class_id = $1 AND serial_start = $2 AND account_id = $3 FOR UPDATE",
    [classId, end + 1n, account],
  );
  let newEnd = end;
  const r = right.rows[0];
  if (r) {
    await tx.query("DELETE FROM blocks WHERE id = $1", [r.id]);
    newEnd = r.serial_end;
  }
  const left = await tx.query<{ id: bigint }>(
    "UPDATE blocks SET serial_end = $4 WHERE class_id = $1 AND serial_end = $2 AND account_id = $3 RETURNING id",
    [classId, start - 1n, account, newEnd],
  );
  if (left.rows.length === 0) {
    await tx.query("INSERT INTO blocks (class_id, account_id, serial_start, serial_end) VALUES ($1, $2, $3, $4)", [classId, account, start, newEnd]);
  }
}

/** The payload a chain link hashes, read back from the immutable tables (verify does the same). */
export async function chainPayload(sql: Sql, txId: string, completedAt: string): Promise<import("./hash.ts").ChainPayload> {
  const t = await sql.query<{ kind: string; request: unknown }>("SELECT kind, request FROM transactions WHERE id = $1", [txId]);
  const mv = await sql.query<{ leg_no: number; part_no: number; code: string; from_account: string | null; to_account: string; serial_start: bigint; serial_end: bigint }>(
    `SELECT m.leg_no, m.part_no, c.code, m.from_account, m.to_account, m.serial_start, m.serial_end
     FROM movements m JOIN unit_classes c ON c.id = m.class_id WHERE m.tx_id = $1 ORDER BY m.leg_no, m.part_no`,
    [txId],
  );
  const row = t.rows[0];
  if (!row) throw new Error(`transaction ${txId} vanished`);
  return {
    id: txId,
    kind: row.kind,
    request: row.request,
    completedAt,
    movements: mv.rows.map((m) => [m.leg_no, m.part_no, m.code, m.from_account, m.to_account, m.serial_start.toString(), m.serial_end.toString()]),
  };
}

/** The refusal for ledger_move's EL003 (a source holds too few units), or undefined for any other error. */
function insufficient(err: unknown, legs: readonly ResolvedLeg[]): RefusalThrow | undefined {
  if (sqlState(err) !== "EL003") return undefined;
  const m = /^insufficient:(.*)\|(\d+)\|(\d+)\|(\d+)$/.exec(err instanceof Error ? err.message : "");
  const cls = legs.find((l) => l.cls.id === Number(m?.[2]))?.cls.code ?? "?";
  const [from, held, needed] = [m?.[1] ?? "?", m?.[3] ?? "?", m?.[4] ?? "?"];
  return new RefusalThrow(refuse("INSUFFICIENT_UNITS", `${from} holds ${held} ${cls}, ${needed} needed`, { accountId: from, classCode: cls, held, needed }));
}

/** Serialization failures, deadlocks and unique-key races: the whole command is tried again. */
function retryable(err: unknown): boolean {
  return isRetryable(err) || sqlState(err) === "23505";
}

/** A short random pause before attempt n + 1, so racing commands do not collide again at once. */
function backOff(attempt: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.min(50, attempt * 2) * Math.random()));
}

/** The view of a proposal that completed at once, built from what was just written. */
function completedView(p: ValidProposal, kind: TransactionKind, now: string, movements: MovementView[]): TransactionView {
  return {
    id: p.transactionId, kind: kind.code, status: "completed", legs: p.legs.map((l) => ({ classCode: l.classCode, from: l.from, to: l.to, quantity: l.quantity })),
    initiator: p.initiator, purpose: p.purpose, beneficiary: p.beneficiary, note: p.note, createdAt: now, delayUntil: null, reverses: null,
    reversedBy: null, events: [{ status: "completed", at: now, actor: p.initiator, detail: {} }], movements,
  };
}
