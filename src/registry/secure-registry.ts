// The registry as callers see it: the ledger (src/registry/ledger.ts) behind the security rules of
// the rulebook. Every operation takes a Caller (principal + address): it checks the role and the
// per-account rights, applies four-eyes, the trusted account list, the transfer delay, the
// transaction and holding limits and approval expiry, calls the ledger, and writes the audit row.
// Reads return only what the principal may see. The ledger itself stays policy-free.
//
// Holding limits are checked before the ledger call, not under the ledger's account locks. Within
// one process a per-holder lock (security-lock.ts) keeps each check and its ledger call together;
// several server processes on one database can still race past a limit together. Limits are
// checked again before a held transaction completes (approval, release).
import { AuditLog } from "../audit/index.ts";
import { type Catalogue, DEFAULT_CATALOGUE, type TransactionKind } from "../domain/ledger/catalog.ts";
import { type Refusal, refuse } from "../domain/ledger/checks.ts";
import { canonical, firstDifference, type Leg, type LegInput, validatePropose } from "../domain/ledger/commands.ts";
import { trustedActivationAt } from "../domain/security/calendar.ts";
import { printable, securityRefusal } from "../domain/security/codes.ts";
import type { SecurityConfig } from "../domain/security/config.ts";
import { type Caller, can, hasRole, type Permission, PERMISSION_SCOPE, type Principal, ROLE_PERMISSIONS } from "../domain/security/roles.ts";
import { approvalExpiresAt, checkFourEyes, checkHoldingLimit, isApprovalExpired, planHold } from "../domain/security/rules.ts";
import type { Clock } from "../platform/clock.ts";
import type { Db } from "../store/db.ts";
import { type AccountView, type HoldingView, LedgerService, type Result, type TransactionStatus, type TransactionView, type UnitClassView } from "./ledger.ts";
import { KeyedMutex } from "./security-lock.ts";
import {
  accountFacts, accountLimitRow, accountLimits, activeTrusted, classUnitTypes, heldTransactions, holderHoldings, representedAccounts, rightsOf, transactionIdsTouching,
} from "./security-store.ts";

export type { Result } from "./ledger.ts";
export type { Refusal };

/** A transaction as the security layer reports it. */
export interface SecureTransactionView extends TransactionView {
  /** "expired" when the system ended it for want of an approval in time. */
  securityStatus: TransactionStatus | "expired";
  /** When an awaiting transaction expires; null once decided. */
  approvalExpiresAt: string | null;
}

export interface InitiateInput {
  /** Caller-chosen id; also the idempotency key. */
  transactionId: string;
  /** Catalogue kind; default "transfer". */
  kind?: string | undefined;
  legs: LegInput[];
  purpose?: string | undefined;
  beneficiary?: string | undefined;
  note?: string | undefined;
}

export interface DecisionInput {
  transactionId: string;
  reason?: string | undefined;
}

export interface RepresentativeView {
  accountId: string;
  userId: string;
  initiate: boolean;
  approve: boolean;
  addedAt: string;
  addedBy: string | null;
}

export interface TrustedEntryView {
  accountId: string;
  trustedAccountId: string;
  proposedAt: string;
  /** Earliest time the entry takes effect (the working-day delay from the proposal). */
  activeFrom: string;
  /** awaiting_approval: needs a second person; pending: approved, activeFrom not reached; active: in effect. */
  status: "awaiting_approval" | "pending" | "active";
  /** True when status is active. */
  active: boolean;
  addedBy: string | null;
  approvedBy: string | null;
  approvedAt: string | null;
}

export interface AccountLimitView {
  accountId: string;
  /** Units per transaction to accounts outside the trusted list; null = only the central limit applies. */
  limit: bigint | null;
  /** A raise or removal waiting for a second person's approval. */
  pending: { limit: bigint | null; proposedBy: string | null; proposedAt: string | null } | null;
}

export interface HolderLimitView {
  holder: string;
  held: bigint;
  limit: bigint | null;
}

export interface ListOptions {
  /** Keyset cursor: the last id of the previous page. */
  after?: string | undefined;
  /** Page size 1..500, default 100. */
  limit?: number | undefined;
}

/** Drops undefined fields (the ledger's options are exact). */
function defined<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

export interface SecureRegistryOptions {
  catalogue?: Catalogue;
  /** Shared with the AuthService so both write one trail. */
  audit?: AuditLog;
}

/** The actor the system records when it ends an expired approval. */
export const EXPIRY_ACTOR = "system:approval-expiry";
/** The actor the system records when a delayed transaction fails its limits at release. */
const LIMITS_ACTOR = "system:limits";
const MAX_PAGE = 500;

const ok = <T>(value: T): { ok: true; value: T; replayed: boolean } => ({ ok: true, value, replayed: false });
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown, max = 200): v is string => typeof v === "string" && v.length > 0 && v.length <= max;

function pageLimit(limit: unknown): number {
  return Number.isInteger(limit) ? Math.max(1, Math.min(limit as number, MAX_PAGE)) : 100;
}

function bad(field: string, reason: string): Refusal {
  return securityRefusal("INPUT_INVALID", `${field}: ${reason}`, { field, reason });
}

/** The refusal when a principal lacks a permission: a missing token scope, or a missing role. */
export function permit(p: Principal, perm: Permission): Refusal | undefined {
  if (can(p, perm)) return undefined;
  if (p.roles.some((r) => ROLE_PERMISSIONS[r].includes(perm))) {
    return securityRefusal("SCOPE_MISSING", `this API token lacks the ${PERMISSION_SCOPE[perm]} scope`, { scope: PERMISSION_SCOPE[perm] });
  }
  return securityRefusal("PERMISSION_DENIED", `your roles (${p.roles.join(", ")}) do not allow ${perm}`, { permission: perm, roles: p.roles });
}

function notVisible(what: string): Refusal {
  return securityRefusal("ACCOUNT_NOT_VISIBLE", `no ${what} visible to you`, {});
}

export class SecureRegistry {
  private readonly holderLocks = new KeyedMutex();

  private constructor(
    readonly ledger: LedgerService,
    readonly audit: AuditLog,
    readonly config: SecurityConfig,
    private readonly clock: Clock,
    private readonly db: Db,
  ) {}

  static async open(db: Db, clock: Clock, config: SecurityConfig, opts: SecureRegistryOptions = {}): Promise<SecureRegistry> {
    const ledger = await LedgerService.open(db, clock, opts.catalogue ?? DEFAULT_CATALOGUE);
    return new SecureRegistry(ledger, opts.audit ?? new AuditLog(db, clock), config, clock, db);
  }

  private now(): string {
    return this.clock.now().toISOString();
  }

  private async secureView(t: TransactionView): Promise<SecureTransactionView> {
    const last = t.events[t.events.length - 1];
    const expired = last?.status === "rejected" && last.actor === EXPIRY_ACTOR;
    return {
      ...t,
      securityStatus: expired ? "expired" : t.status,
      approvalExpiresAt: t.status === "awaiting_approval" ? approvalExpiresAt(t.createdAt, this.config) : null,
    };
  }

  private async wrap(r: Result<TransactionView>): Promise<Result<SecureTransactionView>> {
    if (!r.ok) return r;
    return { ok: true, value: await this.secureView(r.value), replayed: r.replayed };
  }

  // ---- transactions -------------------------------------------------------------------------

  /** Representative (initiate right) of every source account, or a national administrator for administrative kinds. */
  async initiate(c: Caller, input: InitiateInput): Promise<Result<SecureTransactionView>> {
    const res = await this.audit.guard(c, "transaction.initiate", () => this.initiateInner(c, input));
    return this.audit.outcome(c, "transaction.initiate", isObj(input) && str(input.transactionId) ? input.transactionId : null, res,
      res.ok ? { kind: res.value.kind, status: res.value.status, delayUntil: res.value.delayUntil, replayed: res.replayed } : {});
  }

  private async initiateInner(c: Caller, input: InitiateInput): Promise<Result<SecureTransactionView>> {
    const p = c.principal;
    if (!isObj(input)) return bad("(body)", "must be an object");
    if (p.userId === null) return permit(p, "transfers:initiate") as Refusal;
    const kindCode = input.kind ?? "transfer";
    const v = validatePropose({
      transactionId: input.transactionId, kind: kindCode, legs: input.legs, initiator: p.userId,
      purpose: input.purpose, beneficiary: input.beneficiary, note: input.note,
    });
    if (!v.ok) return v;
    const kind = this.ledger.catalogue.kinds.get(v.value.kind);
    if (!kind) return refuse("KIND_UNKNOWN", `unknown transaction kind ${JSON.stringify(v.value.kind)}`, { field: "kind", kind: v.value.kind });
    const who = await this.mayInitiate(p, kind, v.value.legs);
    if (who) return who;
    const replay = await this.replay(v.value.transactionId, { ...v.value, hold: undefined });
    if (replay) return replay;
    const facts = await this.holdFacts(kind, v.value.legs);
    const plan = planHold(facts, this.config);
    if (!plan.ok) return plan;
    const hold: { approval?: boolean; delayUntil?: string } = {};
    if (plan.value.approval) hold.approval = true;
    if (plan.value.delayUntil) hold.delayUntil = plan.value.delayUntil;
    const userId = p.userId;
    return this.underHolderLocks(v.value.legs, async () => {
      const limit = await this.checkHoldingLimits(v.value.legs);
      if (limit) return limit;
      return this.wrap(await this.ledger.propose({
        transactionId: v.value.transactionId, kind: kind.code, legs: input.legs, initiator: userId,
        ...(input.purpose !== undefined ? { purpose: input.purpose } : {}),
        ...(input.beneficiary !== undefined ? { beneficiary: input.beneficiary } : {}),
        ...(input.note !== undefined ? { note: input.note } : {}),
        hold,
      }));
    });
  }

  private limitsOn(): boolean {
    return this.config.holdingLimits.defaultLimit !== null || Object.keys(this.config.holdingLimits.perHolder).length > 0;
  }

  /** Runs fn holding the locks of the holders that receive in the legs (only when holding limits are configured). */
  private async underHolderLocks<T>(legs: readonly Leg[], fn: () => Promise<T>): Promise<T> {
    if (!this.limitsOn()) return fn();
    const accounts = await accountFacts(this.db, legs.map((l) => l.to));
    return this.holderLocks.with([...accounts.values()].map((a) => a.holder), fn);
  }

  private async mayInitiate(p: Principal, kind: TransactionKind, legs: readonly Leg[]): Promise<Refusal | undefined> {
    if (kind.code === "reversal") return securityRefusal("KIND_NOT_ALLOWED", "reversals go through reverse()", { kind: kind.code });
    if (kind.administrative) {
      if (!hasRole(p, "national-admin")) return securityRefusal("KIND_NOT_ALLOWED", `${kind.code} is an administrative kind, initiated by a national administrator`, { kind: kind.code });
      return permit(p, "admin:kinds");
    }
    const perm = permit(p, "transfers:initiate");
    if (perm) return perm;
    for (const [i, leg] of legs.entries()) {
      const r = leg.from === null ? undefined : await rightsOf(this.db, p.userId, leg.from);
      if (!r?.initiate) {
        return securityRefusal("NOT_INITIATOR_REPRESENTATIVE", `legs[${i}]: you are not a representative of ${leg.from} with the initiate right`, { leg: i, accountId: leg.from });
      }
    }
    return undefined;
  }

  /** A repeated transaction id: the same content returns the first result, other content is refused. */
  private async replay(id: string, request: Record<string, unknown>): Promise<Result<SecureTransactionView> | undefined> {
    const prior = await this.db.query<{ request: Record<string, unknown> }>("SELECT request FROM transactions WHERE id = $1", [id]);
    const row = prior.rows[0];
    if (!row) return undefined;
    const { hold: _h, ...stored } = row.request;
    const { transactionId: _t, hold: _h2, ...mine } = request;
    const diff = firstDifference(canonical(mine), canonical(stored));
    if (diff) return refuse("REPLAY_DIFFERS", `transaction ${id} was submitted with a different ${diff}`, { transactionId: id, field: diff });
    const t = (await this.ledger.getTransaction(id)) as TransactionView;
    return { ok: true, value: await this.secureView(t), replayed: true };
  }

  private async holdFacts(kind: TransactionKind, legs: readonly Leg[]) {
    const sources = [...new Set(legs.flatMap((l) => (l.from === null ? [] : [l.from])))];
    const accounts = await accountFacts(this.db, legs.flatMap((l) => (l.from === null ? [l.to] : [l.from, l.to])));
    const trusted = await activeTrusted(this.db, sources, this.now());
    const sameHolder = this.config.trustedList.sameHolderTrusted;
    return {
      kind,
      legs,
      accountLimits: await accountLimits(this.db, sources),
      now: this.clock.now(),
      sourceTypes: new Map(sources.map((s) => [s, accounts.get(s)?.type ?? ""])),
      trusted: (from: string, to: string) => {
        if (trusted.get(from)?.has(to)) return true;
        const a = accounts.get(from);
        const b = accounts.get(to);
        return sameHolder && a !== undefined && b !== undefined && a.holder === b.holder;
      },
    };
  }

  /**
   * Refuses when the net units a transaction brings to a holder would take it above its limit.
   * `pending` carries increments already accepted in the same release run; accepted increments are added to it.
   */
  private async checkHoldingLimits(legs: readonly Leg[], pending?: Map<string, bigint>): Promise<Refusal | undefined> {
    const cfg = this.config.holdingLimits;
    if (cfg.defaultLimit === null && Object.keys(cfg.perHolder).length === 0) return undefined;
    const accounts = await accountFacts(this.db, legs.flatMap((l) => (l.from === null ? [l.to] : [l.from, l.to])));
    const types = await classUnitTypes(this.db, legs.map((l) => l.classCode));
    const net = new Map<string, bigint>();
    const counts = (id: string | null) => {
      const a = id === null ? undefined : accounts.get(id);
      return a !== undefined && !cfg.exemptAccountTypes.includes(a.type) ? a : undefined;
    };
    for (const l of legs) {
      if (!cfg.unitTypes.includes(types.get(l.classCode) ?? "")) continue;
      const to = counts(l.to);
      const from = counts(l.from);
      if (to) net.set(to.holder, (net.get(to.holder) ?? 0n) + l.quantity);
      if (from) net.set(from.holder, (net.get(from.holder) ?? 0n) - l.quantity);
    }
    const increases = [...net].filter(([, q]) => q > 0n).sort((a, b) => (a[0] < b[0] ? -1 : 1));
    for (const [holder, incoming] of increases) {
      const current = (await holderHoldings(this.db, holder, this.config)) + (pending?.get(holder) ?? 0n);
      const r = checkHoldingLimit(holder, current, incoming, this.config);
      if (r) return r;
    }
    for (const [holder, incoming] of increases) pending?.set(holder, (pending.get(holder) ?? 0n) + incoming);
    return undefined;
  }

  private async legsOf(t: TransactionView): Promise<Leg[]> {
    return t.legs.map((l) => ({ classCode: l.classCode, from: l.from, to: l.to, quantity: l.quantity }));
  }

  /** Who may approve or reject: another representative with the approve right, or an administrator for administrative kinds. */
  private async mayDecide(p: Principal, t: TransactionView): Promise<Refusal | undefined> {
    const kind = this.ledger.catalogue.kinds.get(t.kind);
    if (kind?.administrative) return hasRole(p, "national-admin") ? permit(p, "admin:kinds") : securityRefusal("NOT_APPROVER_REPRESENTATIVE", `${t.kind} is approved by a national administrator`, { kind: t.kind });
    const perm = permit(p, "transfers:approve");
    if (perm) return perm;
    for (const from of new Set(t.legs.map((l) => l.from))) {
      const r = from === null ? undefined : await rightsOf(this.db, p.userId, from);
      if (!r?.approve) return securityRefusal("NOT_APPROVER_REPRESENTATIVE", `you are not a representative of ${from} with the approve right`, { accountId: from });
    }
    return undefined;
  }

  private async visibleTx(p: Principal, id: unknown): Promise<TransactionView | Refusal> {
    if (!str(id, 128)) return bad("transactionId", "must be a transaction id");
    const t = await this.ledger.getTransaction(id);
    if (!t) return refuse("TX_UNKNOWN", `no transaction ${id}`, { transactionId: id });
    if (can(p, "transactions:read-all")) return t;
    const mine = new Set(await representedAccounts(this.db, p.userId));
    if (t.legs.some((l) => (l.from !== null && mine.has(l.from)) || mine.has(l.to))) return t;
    return refuse("TX_UNKNOWN", `no transaction ${id}`, { transactionId: id });
  }

  /** Another representative (approve right) of the source accounts; four-eyes; expiry; holding limits rechecked. */
  async approve(c: Caller, input: DecisionInput): Promise<Result<SecureTransactionView>> {
    const res = await this.audit.guard(c, "transaction.approve", async (): Promise<Result<SecureTransactionView>> => {
      const t = await this.visibleTx(c.principal, input?.transactionId);
      if ("ok" in t) return t;
      const who = await this.mayDecide(c.principal, t);
      if (who) return who;
      const actor = c.principal.userId as string;
      if (t.status === "awaiting_approval") {
        if (isApprovalExpired(t.createdAt, this.clock.now(), this.config)) {
          await this.expire(c, t.id);
          return securityRefusal("APPROVAL_EXPIRED", `transaction ${t.id} was not approved by ${approvalExpiresAt(t.createdAt, this.config)} and has ended`, {
            transactionId: t.id, expiredAt: approvalExpiresAt(t.createdAt, this.config),
          });
        }
        const eyes = checkFourEyes(t.initiator, actor, this.config);
        if (eyes) return eyes;
      }
      const legs = await this.legsOf(t);
      return this.underHolderLocks(legs, async () => {
        const completesNow = t.delayUntil === null || t.delayUntil <= this.now();
        if (t.status === "awaiting_approval" && completesNow) {
          const limit = await this.checkHoldingLimits(legs);
          if (limit) return limit;
        }
        return this.wrap(await this.ledger.approve({ transactionId: t.id, actor }));
      });
    });
    return this.audit.outcome(c, "transaction.approve", str(input?.transactionId, 128) ? input.transactionId : null, res, res.ok ? { status: res.value.status } : {});
  }

  async reject(c: Caller, input: DecisionInput): Promise<Result<SecureTransactionView>> {
    const res = await this.audit.guard(c, "transaction.reject", async (): Promise<Result<SecureTransactionView>> => {
      const t = await this.visibleTx(c.principal, input?.transactionId);
      if ("ok" in t) return t;
      const who = await this.mayDecide(c.principal, t);
      if (who) return who;
      if (input.reason !== undefined && !str(input.reason, 500)) return bad("reason", "must be 1 to 500 characters");
      return this.wrap(await this.ledger.reject({ transactionId: t.id, actor: c.principal.userId, ...(input.reason ? { reason: input.reason } : {}) }));
    });
    return this.audit.outcome(c, "transaction.reject", str(input?.transactionId, 128) ? input.transactionId : null, res);
  }

  /** Initiator or national administrator, while awaiting approval or delayed. */
  async cancel(c: Caller, input: DecisionInput): Promise<Result<SecureTransactionView>> {
    const res = await this.audit.guard(c, "transaction.cancel", async (): Promise<Result<SecureTransactionView>> => {
      const p = c.principal;
      const t = await this.visibleTx(p, input?.transactionId);
      if ("ok" in t) return t;
      const own = p.userId !== null && t.initiator === p.userId;
      const perm = own ? permit(p, this.ledger.catalogue.kinds.get(t.kind)?.administrative ? "admin:kinds" : "transfers:initiate") : permit(p, "transfers:cancel-any");
      if (perm) return own ? perm : securityRefusal("CANCEL_NOT_ALLOWED", `only the initiator (${t.initiator}) or a national administrator may cancel ${t.id}`, { initiator: t.initiator });
      if (input.reason !== undefined && !str(input.reason, 500)) return bad("reason", "must be 1 to 500 characters");
      return this.wrap(await this.ledger.cancel({ transactionId: t.id, actor: p.userId, ...(input.reason ? { reason: input.reason } : {}) }));
    });
    return this.audit.outcome(c, "transaction.cancel", str(input?.transactionId, 128) ? input.transactionId : null, res);
  }

  /** Reversal of a completed transaction (national administrator). */
  async reverse(c: Caller, input: { transactionId: string; reverses: string; reason?: string | undefined }): Promise<Result<SecureTransactionView>> {
    const res = await this.audit.guard(c, "transaction.reverse", async (): Promise<Result<SecureTransactionView>> => {
      const perm = hasRole(c.principal, "national-admin") ? permit(c.principal, "admin:kinds") : securityRefusal("PERMISSION_DENIED", "reversals are made by a national administrator", { permission: "admin:kinds" });
      if (perm) return perm;
      if (!isObj(input)) return bad("(body)", "must be an object");
      return this.wrap(await this.ledger.reverse({ ...input, actor: c.principal.userId }));
    });
    return this.audit.outcome(c, "transaction.reverse", isObj(input) && str(input.transactionId, 128) ? input.transactionId : null, res);
  }

  private async expire(c: Caller, txId: string): Promise<boolean> {
    const r = await this.ledger.reject({ transactionId: txId, actor: EXPIRY_ACTOR, reason: `approval expired after ${this.config.approvalExpiryHours} hours` });
    await this.audit.outcome(c, "transaction.expire", txId, r);
    return r.ok && !r.replayed;
  }

  private maySchedule(p: Principal): Refusal | undefined {
    return p.via === "system" || hasRole(p, "national-admin") ? permit(p, "admin:kinds") : securityRefusal("PERMISSION_DENIED", "only the scheduler or an administrator runs due work", {});
  }

  /** Ends every awaiting transaction whose approval window has passed; returns their ids. */
  async expireDue(c: Caller): Promise<Result<string[]>> {
    const perm = this.maySchedule(c.principal);
    if (perm) return perm;
    const cutoff = new Date(this.clock.now().getTime() - this.config.approvalExpiryHours * 3_600_000).toISOString();
    const out: string[] = [];
    for (const id of await heldTransactions(this.db, "awaiting_approval", { createdBefore: cutoff, limit: 1000 })) {
      if (await this.expire(c, id)) out.push(id);
    }
    return ok(out);
  }

  /** The scheduler's tick: ends expired approvals, then completes delayed transactions whose delay has passed (limits rechecked). */
  async releaseDue(c: Caller): Promise<Result<Array<{ transactionId: string; result: Result<SecureTransactionView> }>>> {
    const exp = await this.expireDue(c);
    if (!exp.ok) return exp;
    const due: TransactionView[] = [];
    for (const id of await heldTransactions(this.db, "delayed", { dueBy: this.now(), limit: 1000 })) due.push((await this.ledger.getTransaction(id)) as TransactionView);
    const legs = (await Promise.all(due.map((t) => this.legsOf(t)))).flat();
    return this.underHolderLocks(legs, () => this.releaseLocked(c, due));
  }

  private async releaseLocked(c: Caller, due: readonly TransactionView[]): Promise<Result<Array<{ transactionId: string; result: Result<SecureTransactionView> }>>> {
    const out: Array<{ transactionId: string; result: Result<SecureTransactionView> }> = [];
    // In the ledger's release order, so that the first transfers to fill a holder's limit go through.
    const accepted = new Map<string, bigint>();
    for (const t of due) {
      const id = t.id;
      const limit = await this.checkHoldingLimits(await this.legsOf(t), accepted);
      if (limit) {
        await this.ledger.cancel({ transactionId: id, actor: LIMITS_ACTOR, reason: `${limit.code} ${limit.check}: ${limit.message}`.slice(0, 500) });
        await this.audit.outcome(c, "transaction.release", id, limit);
        out.push({ transactionId: id, result: limit });
      }
    }
    for (const r of await this.ledger.releaseDue(1000)) {
      const result = await this.wrap(r.result);
      await this.audit.outcome(c, "transaction.release", r.transactionId, result);
      out.push({ transactionId: r.transactionId, result });
    }
    return ok(out);
  }

  // ---- reads (filtered by what the principal may see) ---------------------------------------

  async getTransaction(c: Caller, id: string): Promise<Result<SecureTransactionView>> {
    const t = await this.visibleTx(c.principal, id);
    if ("ok" in t) return t;
    return ok(await this.secureView(t));
  }

  /**
   * Administrators and the authority see every transaction; representatives those touching their
   * accounts; everyone else (the public) only completed allocations, without the people involved.
   */
  async listTransactions(c: Caller, opts: ListOptions & { account?: string | undefined; status?: TransactionStatus | undefined; kind?: string | undefined } = {}): Promise<Result<SecureTransactionView[]>> {
    const p = c.principal;
    const limit = pageLimit(opts.limit);
    let list: TransactionView[];
    if (can(p, "transactions:read-all")) list = await this.ledger.listTransactions({ ...defined(opts), limit });
    else if (hasRole(p, "representative")) {
      const mine = await representedAccounts(this.db, p.userId);
      const scope = opts.account === undefined ? mine : mine.filter((a) => a === opts.account);
      const ids = await transactionIdsTouching(this.db, scope, { ...defined(opts), limit });
      list = [];
      for (const id of ids) list.push((await this.ledger.getTransaction(id)) as TransactionView);
    } else {
      const perm = permit(p, "accounts:read-public");
      if (perm) return perm;
      if (opts.kind !== undefined && opts.kind !== "allocation") return securityRefusal("PERMISSION_DENIED", "the public sees completed allocations only", { permission: "transactions:read-all" });
      list = (await this.ledger.listTransactions({ ...defined(opts), kind: "allocation", status: "completed", limit })).map((t) => ({
        ...t, initiator: null, note: null, events: t.events.map((e) => ({ ...e, actor: null, detail: {} })),
      }));
    }
    const out: SecureTransactionView[] = [];
    for (const t of list) out.push(await this.secureView(t));
    return ok(out);
  }

  /** Transactions awaiting an approval the caller may give (not their own). */
  async listAwaitingMyApproval(c: Caller, opts: ListOptions = {}): Promise<Result<SecureTransactionView[]>> {
    const p = c.principal;
    const ids = hasRole(p, "national-admin")
      ? (await this.ledger.listTransactions({ status: "awaiting_approval", after: opts.after ?? "", limit: MAX_PAGE })).map((t) => t.id)
      : await transactionIdsTouching(this.db, await representedAccounts(this.db, p.userId), { status: "awaiting_approval", after: opts.after ?? "", limit: MAX_PAGE });
    const out: SecureTransactionView[] = [];
    for (const id of ids) {
      if (out.length >= pageLimit(opts.limit)) break;
      const t = (await this.ledger.getTransaction(id)) as TransactionView;
      if (t.initiator === p.userId && this.config.fourEyes) continue;
      if (!(await this.mayDecide(p, t))) out.push(await this.secureView(t));
    }
    return ok(out);
  }

  /** The account register is public (like the EU's public account list). */
  async getAccount(c: Caller, id: string): Promise<Result<AccountView>> {
    const perm = permit(c.principal, "accounts:read-public");
    if (perm) return perm;
    const a = str(id, 64) ? await this.ledger.getAccount(id) : undefined;
    return a ? ok(a) : refuse("ACCOUNT_UNKNOWN", `no account ${printable(id, 64)}`, { accountId: printable(id, 64) });
  }

  async listAccounts(c: Caller, opts: ListOptions & { type?: string | undefined; holder?: string | undefined } = {}): Promise<Result<AccountView[]>> {
    const perm = permit(c.principal, "accounts:read-public");
    if (perm) return perm;
    return ok(await this.ledger.listAccounts({ ...defined(opts), limit: pageLimit(opts.limit) }));
  }

  private async maySeeAccount(p: Principal, accountId: string): Promise<boolean> {
    return can(p, "holdings:read-all") || ((await rightsOf(this.db, p.userId, accountId)) !== undefined && can(p, "accounts:read-public"));
  }

  /** Holdings: administrators, the authority and the account's representatives. */
  async holdings(c: Caller, accountId: string, opts: { blocks?: boolean | undefined; blockLimit?: number | undefined } = {}): Promise<Result<HoldingView[]>> {
    if (!str(accountId, 64)) return notVisible(`account ${printable(accountId, 64)}`);
    if (can(c.principal, "holdings:read-all")) {
      const h = await this.ledger.holdings(accountId, defined(opts));
      return h ? ok(h) : refuse("ACCOUNT_UNKNOWN", `no account ${accountId}`, { accountId });
    }
    // a representative: the rights check and the read in one statement; an account the user
    // does not represent looks the same as one that does not exist
    const userId = c.principal.userId;
    const h = userId !== null && can(c.principal, "accounts:read-public") ? await this.ledger.holdings(accountId, { ...defined(opts), representedBy: userId }) : undefined;
    return h ? ok(h) : notVisible(`account ${printable(accountId, 64)}`);
  }

  async listClasses(c: Caller, opts: ListOptions = {}): Promise<Result<UnitClassView[]>> {
    const perm = permit(c.principal, "accounts:read-public");
    if (perm) return perm;
    return ok(await this.ledger.listClasses({ ...defined(opts), limit: pageLimit(opts.limit) }));
  }

  async holderLimit(c: Caller, holder: string): Promise<Result<HolderLimitView>> {
    if (!str(holder, 200)) return bad("holder", "must be 1 to 200 characters");
    if (!can(c.principal, "holdings:read-all")) {
      const mine = await accountFacts(this.db, await representedAccounts(this.db, c.principal.userId));
      if (![...mine.values()].some((a) => a.holder === holder)) return notVisible(`holder ${holder}`);
    }
    const limit = Object.hasOwn(this.config.holdingLimits.perHolder, holder) ? (this.config.holdingLimits.perHolder[holder] as bigint) : this.config.holdingLimits.defaultLimit;
    return ok({ holder, held: await holderHoldings(this.db, holder, this.config), limit });
  }

  // ---- administration (national administrator) ----------------------------------------------

  private async admin<T>(c: Caller, action: string, target: string | null, perm: Permission, fn: () => Promise<Result<T>>): Promise<Result<T>> {
    const refused = hasRole(c.principal, "national-admin") ? permit(c.principal, perm) : securityRefusal("PERMISSION_DENIED", `${action} needs the national-admin role`, { permission: perm });
    const res = refused ?? (await this.audit.guard(c, action, fn));
    return this.audit.outcome(c, action, target, res);
  }

  async defineClass(c: Caller, input: unknown): Promise<Result<UnitClassView>> {
    return this.admin(c, "class.define", isObj(input) && str(input.code, 64) ? input.code : null, "admin:kinds", () => this.ledger.defineClass(input));
  }

  async openAccount(c: Caller, input: unknown): Promise<Result<AccountView>> {
    return this.admin(c, "account.open", isObj(input) && str(input.accountId, 64) ? input.accountId : null, "admin:kinds", () => this.ledger.openAccount(input));
  }

  async blockAccount(c: Caller, input: { commandId: string; accountId: string; reason?: string | undefined }): Promise<Result<AccountView>> {
    return this.admin(c, "account.block", isObj(input) && str(input.accountId, 64) ? input.accountId : null, "accounts:block", () =>
      this.ledger.setAccountStatus({ ...input, status: "blocked" }));
  }

  async unblockAccount(c: Caller, input: { commandId: string; accountId: string; reason?: string | undefined }): Promise<Result<AccountView>> {
    return this.admin(c, "account.unblock", isObj(input) && str(input.accountId, 64) ? input.accountId : null, "accounts:block", () =>
      this.ledger.setAccountStatus({ ...input, status: "open" }));
  }

  /** Close an account for good (administrator). The ledger refuses while it still holds units. */
  async closeAccount(c: Caller, input: { commandId: string; accountId: string; reason?: string | undefined }): Promise<Result<AccountView>> {
    return this.admin(c, "account.close", isObj(input) && str(input.accountId, 64) ? input.accountId : null, "accounts:block", () =>
      this.ledger.setAccountStatus({ ...input, status: "closed" }));
  }

  async addRepresentative(c: Caller, input: { accountId: string; userId: string; initiate: boolean; approve: boolean }): Promise<Result<RepresentativeView>> {
    return this.admin(c, "representative.add", isObj(input) && str(input.accountId, 64) ? input.accountId : null, "representatives:manage", async () => {
      if (!isObj(input) || !str(input.accountId, 64) || !str(input.userId, 64)) return bad("accountId/userId", "both are required strings");
      if (typeof input.initiate !== "boolean" || typeof input.approve !== "boolean") return bad("initiate/approve", "must be true or false");
      if (!input.initiate && !input.approve) return bad("initiate/approve", "a representative needs at least one right");
      if (!(await this.ledger.getAccount(input.accountId))) return refuse("ACCOUNT_UNKNOWN", `no account ${input.accountId}`, { accountId: input.accountId });
      const u = await this.db.query<{ disabled: boolean }>("SELECT disabled FROM users WHERE id = $1", [input.userId]);
      if (!u.rows[0] || u.rows[0].disabled) return securityRefusal("USER_UNKNOWN", `no active user ${input.userId}`, { userId: input.userId });
      const r = await this.db.query(
        `INSERT INTO representatives (account_id, user_id, can_initiate, can_approve, added_at, added_by) VALUES ($1,$2,$3,$4,$5,$6)
         ON CONFLICT (account_id, user_id) DO NOTHING`,
        [input.accountId, input.userId, input.initiate, input.approve, this.now(), c.principal.userId],
      );
      if (r.rowCount !== 1) return securityRefusal("REPRESENTATIVE_EXISTS", `${input.userId} already represents ${input.accountId}`, { accountId: input.accountId, userId: input.userId });
      return ok((await this.representatives(input.accountId)).find((x) => x.userId === input.userId) as RepresentativeView);
    });
  }

  async removeRepresentative(c: Caller, input: { accountId: string; userId: string }): Promise<Result<RepresentativeView>> {
    return this.admin(c, "representative.remove", isObj(input) && str(input.accountId, 64) ? input.accountId : null, "representatives:manage", async () => {
      if (!isObj(input) || !str(input.accountId, 64) || !str(input.userId, 64)) return bad("accountId/userId", "both are required strings");
      const before = (await this.representatives(input.accountId)).find((x) => x.userId === input.userId);
      if (!before) return securityRefusal("REPRESENTATIVE_UNKNOWN", `${input.userId} does not represent ${input.accountId}`, { accountId: input.accountId, userId: input.userId });
      await this.db.query("DELETE FROM representatives WHERE account_id = $1 AND user_id = $2", [input.accountId, input.userId]);
      return ok(before);
    });
  }

  private async representatives(accountId: string): Promise<RepresentativeView[]> {
    const r = await this.db.query<{ account_id: string; user_id: string; can_initiate: boolean; can_approve: boolean; added_at: string; added_by: string | null }>(
      "SELECT * FROM representatives WHERE account_id = $1 ORDER BY user_id LIMIT 1000",
      [accountId],
    );
    return r.rows.map((x) => ({ accountId: x.account_id, userId: x.user_id, initiate: x.can_initiate, approve: x.can_approve, addedAt: x.added_at, addedBy: x.added_by }));
  }

  /** Administrators, the authority, and the account's own representatives. */
  async listRepresentatives(c: Caller, accountId: string): Promise<Result<RepresentativeView[]>> {
    if (!str(accountId, 64) || !(await this.maySeeAccount(c.principal, accountId))) return notVisible(`account ${printable(accountId, 64)}`);
    return ok(await this.representatives(accountId));
  }

  // ---- trusted account list -----------------------------------------------------------------

  private async mayManageTrusted(p: Principal, accountId: string): Promise<Refusal | undefined> {
    if (hasRole(p, "national-admin")) return permit(p, "trusted:manage-any");
    const r = await rightsOf(this.db, p.userId, accountId);
    if (!r?.initiate) return securityRefusal("NOT_INITIATOR_REPRESENTATIVE", `you are not a representative of ${accountId} with the initiate right`, { accountId });
    return permit(p, "transfers:initiate");
  }

  /** Representative (initiate right) of the account, or administrator; takes effect after the working-day delay. */
  async addTrusted(c: Caller, input: { accountId: string; trustedAccountId: string }): Promise<Result<TrustedEntryView>> {
    const res = await this.audit.guard(c, "trusted.add", async (): Promise<Result<TrustedEntryView>> => {
      if (!isObj(input) || !str(input.accountId, 64) || !str(input.trustedAccountId, 64)) return bad("accountId/trustedAccountId", "both are required account ids");
      const who = await this.mayManageTrusted(c.principal, input.accountId);
      if (who) return who;
      if (input.accountId === input.trustedAccountId) return securityRefusal("TRUSTED_SELF", "an account cannot trust itself", { accountId: input.accountId });
      for (const id of [input.accountId, input.trustedAccountId]) {
        if (!(await this.ledger.getAccount(id))) return refuse("ACCOUNT_UNKNOWN", `no account ${id}`, { accountId: id });
      }
      const now = this.clock.now();
      const activeFrom = trustedActivationAt(now, this.config.trustedList).toISOString();
      const exists = await this.db.query("SELECT 1 FROM trusted_accounts WHERE account_id = $1 AND trusted_account_id = $2 AND removed_at IS NULL", [input.accountId, input.trustedAccountId]);
      if (exists.rows.length > 0) return securityRefusal("TRUSTED_ENTRY_EXISTS", `${input.trustedAccountId} is already on the trusted list of ${input.accountId}`, { accountId: input.accountId, trustedAccountId: input.trustedAccountId });
      // Without the second-approval rule the proposer's addition counts as approved at once.
      const selfApproved = !this.config.trustedList.secondApproval;
      await this.db.query(
        `INSERT INTO trusted_accounts (account_id, trusted_account_id, proposed_at, active_from, added_by, approved_at, approved_by)
         VALUES ($1,$2,$3,$4,$5,$6,$7)`,
        [input.accountId, input.trustedAccountId, now.toISOString(), activeFrom, c.principal.userId, selfApproved ? now.toISOString() : null, selfApproved ? c.principal.userId : null],
      );
      return ok((await this.trusted(input.accountId)).find((e) => e.trustedAccountId === input.trustedAccountId) as TrustedEntryView);
    });
    return this.audit.outcome(c, "trusted.add", isObj(input) && str(input.accountId, 64) ? input.accountId : null, res,
      res.ok ? { trustedAccountId: res.value.trustedAccountId, activeFrom: res.value.activeFrom } : {});
  }

  /** Second approval of a proposed addition: another representative with the approve right, or an administrator; never the proposer. */
  async approveTrusted(c: Caller, input: { accountId: string; trustedAccountId: string }): Promise<Result<TrustedEntryView>> {
    const res = await this.audit.guard(c, "trusted.approve", async (): Promise<Result<TrustedEntryView>> => {
      if (!isObj(input) || !str(input.accountId, 64) || !str(input.trustedAccountId, 64)) return bad("accountId/trustedAccountId", "both are required account ids");
      const p = c.principal;
      if (hasRole(p, "national-admin")) {
        const perm = permit(p, "trusted:manage-any");
        if (perm) return perm;
      } else {
        const r = await rightsOf(this.db, p.userId, input.accountId);
        if (!r?.approve) return securityRefusal("NOT_APPROVER_REPRESENTATIVE", `you are not a representative of ${input.accountId} with the approve right`, { accountId: input.accountId });
        const perm = permit(p, "transfers:approve");
        if (perm) return perm;
      }
      const entry = (await this.trusted(input.accountId)).find((e) => e.trustedAccountId === input.trustedAccountId);
      if (!entry) return securityRefusal("TRUSTED_ENTRY_UNKNOWN", `${input.trustedAccountId} is not proposed for the trusted list of ${input.accountId}`, { accountId: input.accountId, trustedAccountId: input.trustedAccountId });
      if (entry.status !== "awaiting_approval") return securityRefusal("TRUSTED_NOT_AWAITING", `the entry was already approved by ${entry.approvedBy}`, { approvedBy: entry.approvedBy });
      if (entry.addedBy === p.userId) return securityRefusal("FOUR_EYES_SAME_PERSON", `${p.userId} proposed this entry and cannot also approve it`, { proposer: entry.addedBy, approver: p.userId });
      await this.db.query(
        `UPDATE trusted_accounts SET approved_at = $3, approved_by = $4
         WHERE account_id = $1 AND trusted_account_id = $2 AND removed_at IS NULL AND approved_at IS NULL`,
        [input.accountId, input.trustedAccountId, this.now(), p.userId],
      );
      return ok((await this.trusted(input.accountId)).find((e) => e.trustedAccountId === input.trustedAccountId) as TrustedEntryView);
    });
    return this.audit.outcome(c, "trusted.approve", isObj(input) && str(input.accountId, 64) ? input.accountId : null, res,
      res.ok ? { trustedAccountId: res.value.trustedAccountId, activeFrom: res.value.activeFrom } : {});
  }

  // ---- account-level transaction limits -------------------------------------------------------

  private limitView(accountId: string, row: { limit_units: bigint | null; pending: boolean; pending_units: bigint | null; proposed_by: string | null; proposed_at: string | null } | undefined): AccountLimitView {
    return {
      accountId,
      limit: row?.limit_units ?? null,
      pending: row?.pending ? { limit: row.pending_units, proposedBy: row.proposed_by, proposedAt: row.proposed_at } : null,
    };
  }

  /**
   * Sets the account's own limit per transaction outside its trusted list (representative with the
   * initiate right, or administrator). Tightening applies at once; a raise or removal waits for a
   * second person's approval (approveAccountLimit) when four-eyes is on.
   */
  async setAccountLimit(c: Caller, input: { accountId: string; limit: string | number | bigint | null }): Promise<Result<AccountLimitView>> {
    const res = await this.audit.guard(c, "account-limit.set", async (): Promise<Result<AccountLimitView>> => {
      if (!isObj(input) || !str(input.accountId, 64)) return bad("accountId", "must be an account id");
      const who = await this.mayManageTrusted(c.principal, input.accountId);
      if (who) return who;
      let limit: bigint | null;
      if (input.limit === null) limit = null;
      else if (typeof input.limit === "bigint" || (typeof input.limit === "number" && Number.isSafeInteger(input.limit)) || (typeof input.limit === "string" && /^\d{1,16}$/.test(input.limit))) {
        limit = BigInt(input.limit);
      } else return bad("limit", "must be a whole number of units (0 to 10^15) or null");
      if (limit !== null && (limit < 0n || limit > 10n ** 15n)) return bad("limit", "must be from 0 to 10^15 units");
      if (!(await this.ledger.getAccount(input.accountId))) return refuse("ACCOUNT_UNKNOWN", `no account ${input.accountId}`, { accountId: input.accountId });
      const cur = (await accountLimitRow(this.db, input.accountId))?.limit_units ?? null;
      const tighter = limit !== null && (cur === null || limit <= cur);
      const now = this.now();
      const immediate = tighter || !this.config.fourEyes;
      await this.db.query(
        `INSERT INTO account_limits (account_id, limit_units, pending, pending_units, proposed_by, proposed_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)
         ON CONFLICT (account_id) DO UPDATE SET limit_units = $2, pending = $3, pending_units = $4, proposed_by = $5, proposed_at = $6, updated_at = $6`,
        immediate ? [input.accountId, limit, false, null, c.principal.userId, now] : [input.accountId, cur, true, limit, c.principal.userId, now],
      );
      return ok(this.limitView(input.accountId, await accountLimitRow(this.db, input.accountId)));
    });
    return this.audit.outcome(c, "account-limit.set", isObj(input) && str(input.accountId, 64) ? input.accountId : null, res,
      res.ok ? { limit: res.value.limit, pending: res.value.pending?.limit ?? null } : {});
  }

  /** Second approval of a raised or removed account limit: another representative with the approve right, or an administrator. */
  async approveAccountLimit(c: Caller, input: { accountId: string }): Promise<Result<AccountLimitView>> {
    const res = await this.audit.guard(c, "account-limit.approve", async (): Promise<Result<AccountLimitView>> => {
      if (!isObj(input) || !str(input.accountId, 64)) return bad("accountId", "must be an account id");
      const p = c.principal;
      if (hasRole(p, "national-admin")) {
        const perm = permit(p, "trusted:manage-any");
        if (perm) return perm;
      } else {
        const r = await rightsOf(this.db, p.userId, input.accountId);
        if (!r?.approve) return securityRefusal("NOT_APPROVER_REPRESENTATIVE", `you are not a representative of ${input.accountId} with the approve right`, { accountId: input.accountId });
        const perm = permit(p, "transfers:approve");
        if (perm) return perm;
      }
      const row = await accountLimitRow(this.db, input.accountId);
      if (!row?.pending) return securityRefusal("ACCOUNT_LIMIT_NOT_PENDING", `no change of the limit of ${input.accountId} awaits approval`, { accountId: input.accountId });
      if (row.proposed_by === p.userId) return securityRefusal("FOUR_EYES_SAME_PERSON", `${p.userId} proposed this change and cannot also approve it`, { proposer: row.proposed_by, approver: p.userId });
      await this.db.query(
        "UPDATE account_limits SET limit_units = pending_units, pending = false, pending_units = NULL, updated_at = $2 WHERE account_id = $1 AND pending",
        [input.accountId, this.now()],
      );
      return ok(this.limitView(input.accountId, await accountLimitRow(this.db, input.accountId)));
    });
    return this.audit.outcome(c, "account-limit.approve", isObj(input) && str(input.accountId, 64) ? input.accountId : null, res, res.ok ? { limit: res.value.limit } : {});
  }

  async getAccountLimit(c: Caller, accountId: string): Promise<Result<AccountLimitView>> {
    if (!str(accountId, 64) || !(await this.maySeeAccount(c.principal, accountId))) return notVisible(`account ${printable(accountId, 64)}`);
    return ok(this.limitView(accountId, await accountLimitRow(this.db, accountId)));
  }

  /** Removal (also of an unapproved proposal) takes effect at once. */
  async removeTrusted(c: Caller, input: { accountId: string; trustedAccountId: string }): Promise<Result<TrustedEntryView>> {
    const res = await this.audit.guard(c, "trusted.remove", async (): Promise<Result<TrustedEntryView>> => {
      if (!isObj(input) || !str(input.accountId, 64) || !str(input.trustedAccountId, 64)) return bad("accountId/trustedAccountId", "both are required account ids");
      const who = await this.mayManageTrusted(c.principal, input.accountId);
      if (who) return who;
      const before = (await this.trusted(input.accountId)).find((e) => e.trustedAccountId === input.trustedAccountId);
      if (!before) return securityRefusal("TRUSTED_ENTRY_UNKNOWN", `${input.trustedAccountId} is not on the trusted list of ${input.accountId}`, { accountId: input.accountId, trustedAccountId: input.trustedAccountId });
      await this.db.query(
        "UPDATE trusted_accounts SET removed_at = $3, removed_by = $4 WHERE account_id = $1 AND trusted_account_id = $2 AND removed_at IS NULL",
        [input.accountId, input.trustedAccountId, this.now(), c.principal.userId],
      );
      return ok(before);
    });
    return this.audit.outcome(c, "trusted.remove", isObj(input) && str(input.accountId, 64) ? input.accountId : null, res,
      res.ok ? { trustedAccountId: res.value.trustedAccountId } : {});
  }

  private async trusted(accountId: string): Promise<TrustedEntryView[]> {
    const now = this.now();
    const r = await this.db.query<{
      account_id: string; trusted_account_id: string; proposed_at: string; active_from: string; added_by: string | null; approved_at: string | null; approved_by: string | null;
    }>(
      "SELECT * FROM trusted_accounts WHERE account_id = $1 AND removed_at IS NULL ORDER BY trusted_account_id LIMIT 10000",
      [accountId],
    );
    return r.rows.map((x) => ({
      accountId: x.account_id, trustedAccountId: x.trusted_account_id, proposedAt: x.proposed_at, activeFrom: x.active_from,
      status: x.approved_at === null ? "awaiting_approval" : x.active_from <= now ? "active" : "pending",
      active: x.approved_at !== null && x.active_from <= now, addedBy: x.added_by, approvedBy: x.approved_by, approvedAt: x.approved_at,
    }));
  }

  async listTrusted(c: Caller, accountId: string): Promise<Result<TrustedEntryView[]>> {
    if (!str(accountId, 64) || !(await this.maySeeAccount(c.principal, accountId))) return notVisible(`account ${printable(accountId, 64)}`);
    return ok(await this.trusted(accountId));
  }
}
