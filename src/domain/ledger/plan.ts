// The planner: what a ledger command would change, decided purely from a snapshot of the state
// (classes, accounts, the transactions it touches), as a Plan that one SQL function applies in one
// round trip (ledger_apply, src/store/migrations/ledger-v2.ts). A plan carries its expectations:
// the type and status of every account it involves, the state of every transaction it changes, and
// the holding limits to keep. The database confirms them under its locks; when one no longer
// holds, the caller re-plans from a fresh snapshot. What only the database can answer under its
// locks (units available once earmarks are set aside, serials issued so far, a holder's holdings)
// are the plan's `underLock` checks (order.ts), which the database raises as typed errors.
import { type Catalogue, type TransactionKind } from "./catalog.ts";
import { refuse, type Refusal } from "./checks.ts";
import type { AccountStatus, Leg } from "./commands.ts";
import { CHECK_ORDER, type CheckFns, firstFailing, LEG_ORDER, type OrderedCommand } from "./order.ts";
import { DEFAULT_LEDGER_RULES, type LedgerRules, receives, reversalDeadline, routeAllowed, sends } from "./rules.ts";
import { securityRefusal } from "../security/codes.ts";

export type TransactionStatus = "awaiting_approval" | "delayed" | "completed" | "rejected" | "cancelled";

export interface ClassFacts {
  readonly id: number;
  readonly code: string;
  readonly unitType: string;
  /** The vintage: the year of a return of excess allocation. */
  readonly vintage?: number | null;
}

export interface AccountFacts {
  readonly id: string;
  readonly type: string;
  readonly status: AccountStatus;
  readonly holder: string;
}

export interface MovementFacts {
  readonly legNo: number;
  readonly classCode: string;
  readonly from: string | null;
  readonly to: string;
  readonly start: bigint;
  readonly end: bigint;
}

/** A transaction the command changes (approve, reject, cancel, release) or reverses. */
export interface TxFacts {
  readonly id: string;
  readonly kind: string;
  /** The canonical request stored with it (part of its chain payload). */
  readonly request: unknown;
  readonly initiator: string | null;
  readonly reverses: string | null;
  readonly legs: readonly Leg[];
  readonly status: TransactionStatus;
  readonly seq: number;
  readonly delayUntil: string | null;
  readonly approvedBy: string | null;
  readonly lastActor: string | null;
  readonly reversedBy: string | null;
  /** When it completed (a reversal window counts from it); null unless completed. */
  readonly completedAt?: string | null;
  /** Only for a completed transaction a reversal reads. */
  readonly movements: readonly MovementFacts[];
}

export interface Snapshot {
  /** The time of the command, an ISO-8601 UTC string with milliseconds (the injected clock's). */
  readonly now: string;
  readonly classes: ReadonlyMap<string, ClassFacts>;
  readonly accounts: ReadonlyMap<string, AccountFacts>;
  readonly txs: ReadonlyMap<string, TxFacts>;
  /** An administrator froze the registry's transactions for a reconciliation (a plan is made only when it is not). */
  readonly frozen?: boolean;
}

/** Holding limits (CITSS-style): a holder may not hold more than its limit of these unit types outside exempt account types. */
export interface HoldingLimitPolicy {
  readonly defaultLimit: bigint | null;
  readonly perHolder: Readonly<Record<string, bigint>>;
  readonly unitTypes: readonly string[];
  readonly exemptAccountTypes: readonly string[];
}

export interface PlanLeg {
  readonly cls: ClassFacts;
  readonly from: string | null;
  readonly to: string;
  readonly quantity: bigint;
  /** A reversal moves back exactly these serials. */
  readonly ranges?: ReadonlyArray<readonly [bigint, bigint]>;
}

interface StepBase {
  readonly id: string;
  readonly kind: string;
  readonly request: unknown;
  readonly reverses: string | null;
  readonly actor: string | null;
  readonly detail: Readonly<Record<string, unknown>>;
  readonly legs: readonly PlanLeg[];
  /** The hash chains a completion appends to: its source accounts, or an issuance's classes. */
  readonly chains: readonly string[];
}

export interface CreateStep extends StepBase {
  readonly op: "create";
  readonly scope: string;
  readonly key: string;
  readonly initiator: string | null;
  readonly status: TransactionStatus;
  readonly delayUntil: string | null;
}

export interface TransitionStep extends StepBase {
  readonly op: "transition";
  readonly to: TransactionStatus;
  readonly approvedBy: string | null;
  /** A new delay end (approve with a delay that still applies); undefined keeps the stored one. */
  readonly delayUntil?: string | null;
}

export type Step = CreateStep | TransitionStep;

export interface LimitCheck {
  readonly holder: string;
  readonly limit: bigint;
  readonly unitTypes: readonly string[];
  readonly exempt: readonly string[];
  /** Net units the plan brings to the holder. */
  readonly incoming: bigint;
  /** Units not moved by the plan but counted (a held transfer, checked at proposal). */
  readonly pending: bigint;
}

/** One pending of this kind from this account at most: confirmed under the account's lock. */
export interface PendingOnce {
  readonly account: string;
  readonly kind: string;
}

/**
 * A return of excess allocation from an account for a year and allocation table, confirmed under
 * the account's lock: at most one pending, and everything returned or pending at most what was
 * allocated (kinds `allocation`, from accounts of the table's types, not reversed) beyond the
 * recorded entitlement.
 */
export interface ReturnCheck {
  readonly account: string;
  readonly year: number | null;
  readonly table: string;
  /** Account types of the table: allocations from them, and returns to them, count. */
  readonly tableTypes: readonly string[];
  readonly returnKinds: readonly string[];
  readonly allocationKinds: readonly string[];
  /** A creation (the one-pending rule applies), not a completion. */
  readonly creating: boolean;
  readonly txId: string;
}

export interface Plan {
  readonly now: string;
  /** Expectation: the registry is not frozen (confirmed under the lock every writer shares). */
  readonly frozen: false;
  readonly pendingOnce: readonly PendingOnce[];
  readonly returns: readonly ReturnCheck[];
  readonly holders: readonly string[];
  readonly classes: readonly number[];
  readonly accounts: ReadonlyMap<string, { type: string; status: AccountStatus }>;
  readonly txs: ReadonlyMap<string, { seq: number; status: TransactionStatus; reversedBy: string | null }>;
  readonly limits: readonly LimitCheck[];
  readonly batch: { id: string; scope: string; key: string; kind: string; request: unknown; size: number } | null;
  readonly steps: readonly Step[];
}

export interface PlanOptions {
  readonly catalogue: Catalogue;
  readonly holdingLimits: HoldingLimitPolicy | null;
  /** The registry's rules (account states, government routes, reversal windows, one pending per account): the rulebook's `ledger` section. */
  readonly rules?: LedgerRules;
}

const rulesOf = (opts: PlanOptions): LedgerRules => opts.rules ?? DEFAULT_LEDGER_RULES;

// ---- leg checks -----------------------------------------------------------------------------

interface LegCtx {
  i: number;
  leg: Leg;
  kind: TransactionKind;
  snap: Snapshot;
  cat: Catalogue;
  rules: LedgerRules;
}

const at = (c: LegCtx) => ({ leg: c.i });

/** The predicates of LEG_ORDER on a snapshot (the reference ledger has its own, on its own state). */
export const LEG_CHECKS: CheckFns<LegCtx> = {
  SOURCE_REQUIRED: (c) =>
    (c.kind.code === "issuance") !== (c.leg.from === null)
      ? refuse("SOURCE_REQUIRED", c.kind.code === "issuance" ? `legs[${c.i}]: an issuance has no source account` : `legs[${c.i}]: a source account is required`, at(c))
      : undefined,
  SOURCE_UNKNOWN: (c) => (c.leg.from !== null && !c.snap.accounts.has(c.leg.from) ? refuse("SOURCE_UNKNOWN", `legs[${c.i}]: no account ${c.leg.from}`, { ...at(c), accountId: c.leg.from }) : undefined),
  SOURCE_NOT_OPEN: (c) => {
    const src = c.leg.from === null ? undefined : c.snap.accounts.get(c.leg.from);
    return src && !sends(c.rules, src.status, c.kind)
      ? refuse("SOURCE_NOT_OPEN", `legs[${c.i}]: account ${src.id} is ${src.status}: no ${c.kind.code} may leave it`, { ...at(c), accountId: src.id, status: src.status, kind: c.kind.code })
      : undefined;
  },
  SOURCE_TERMINAL: (c) => {
    const src = c.leg.from === null ? undefined : c.snap.accounts.get(c.leg.from);
    return src && c.cat.accountTypes.get(src.type)?.terminal
      ? refuse("SOURCE_TERMINAL", `legs[${c.i}]: ${src.id} is a ${src.type} account, which never sends`, { ...at(c), accountId: src.id, type: src.type })
      : undefined;
  },
  SOURCE_TYPE_NOT_ALLOWED: (c) => {
    const src = c.leg.from === null ? undefined : c.snap.accounts.get(c.leg.from);
    return src && !c.kind.from.includes(src.type)
      ? refuse("SOURCE_TYPE_NOT_ALLOWED", `legs[${c.i}]: a ${c.kind.code} cannot come from a ${src.type} account`, { ...at(c), accountId: src.id, type: src.type, allowed: c.kind.from })
      : undefined;
  },
  DEST_UNKNOWN: (c) => (!c.snap.accounts.has(c.leg.to) ? refuse("DEST_UNKNOWN", `legs[${c.i}]: no account ${c.leg.to}`, { ...at(c), accountId: c.leg.to }) : undefined),
  DEST_CLOSED: (c) => {
    const dst = c.snap.accounts.get(c.leg.to);
    return dst && !receives(c.rules, dst.status, c.kind)
      ? refuse("DEST_CLOSED", `legs[${c.i}]: account ${dst.id} is ${dst.status}: no ${c.kind.code} may arrive in it`, { ...at(c), accountId: dst.id, status: dst.status, kind: c.kind.code })
      : undefined;
  },
  DEST_TYPE_NOT_ALLOWED: (c) => {
    const dst = c.snap.accounts.get(c.leg.to);
    return dst && !c.kind.to.includes(dst.type)
      ? refuse("DEST_TYPE_NOT_ALLOWED", `legs[${c.i}]: a ${c.kind.code} cannot go to a ${dst.type} account`, { ...at(c), accountId: dst.id, type: dst.type, allowed: c.kind.to })
      : undefined;
  },
  DEST_SAME_AS_SOURCE: (c) => (c.leg.from === c.leg.to ? refuse("DEST_SAME_AS_SOURCE", `legs[${c.i}]: source and destination are both ${c.leg.to}`, { ...at(c), accountId: c.leg.to }) : undefined),
  GOVERNMENT_ROUTE: (c) => {
    const src = c.leg.from === null ? undefined : c.snap.accounts.get(c.leg.from);
    const dst = c.snap.accounts.get(c.leg.to);
    return src && dst && !routeAllowed(c.rules, c.cat, src.type, dst.type)
      ? refuse("GOVERNMENT_ROUTE", `legs[${c.i}]: a ${src.type} account may not send to a ${dst.type} account (the rulebook's government routes allow ${JSON.stringify(c.rules.governmentRoutes[src.type] ?? [])})`, {
          ...at(c), from: src.type, to: dst.type, allowed: c.rules.governmentRoutes[src.type] ?? [],
        })
      : undefined;
  },
  CLASS_UNKNOWN: (c) => (!c.snap.classes.has(c.leg.classCode) ? refuse("CLASS_UNKNOWN", `legs[${c.i}]: no unit class ${c.leg.classCode}`, { ...at(c), classCode: c.leg.classCode }) : undefined),
  UNIT_TYPE_NOT_ALLOWED: (c) => {
    const cls = c.snap.classes.get(c.leg.classCode);
    return cls && c.kind.unitTypes && !c.kind.unitTypes.includes(cls.unitType)
      ? refuse("UNIT_TYPE_NOT_ALLOWED", `legs[${c.i}]: a ${c.kind.code} cannot carry ${cls.unitType} units`, { ...at(c), unitType: cls.unitType, allowed: c.kind.unitTypes })
      : undefined;
  },
};

/** Every leg through LEG_ORDER, in leg order; the first refusal, or the legs with their classes. */
export function checkLegs(kind: TransactionKind, legs: readonly Leg[], snap: Snapshot, cat: Catalogue, rules: LedgerRules = DEFAULT_LEDGER_RULES): PlanLeg[] | Refusal {
  const out: PlanLeg[] = [];
  for (const [i, leg] of legs.entries()) {
    const r = firstFailing(LEG_ORDER, LEG_CHECKS, { i, leg, kind, snap, cat, rules });
    if (r) return r;
    out.push({ cls: snap.classes.get(leg.classCode) as ClassFacts, from: leg.from, to: leg.to, quantity: leg.quantity });
  }
  return out;
}

// ---- expectations ---------------------------------------------------------------------------

function accountsOf(legs: readonly PlanLeg[], snap: Snapshot): Map<string, { type: string; status: AccountStatus }> {
  const out = new Map<string, { type: string; status: AccountStatus }>();
  for (const l of legs) {
    for (const id of l.from === null ? [l.to] : [l.from, l.to]) {
      const a = snap.accounts.get(id);
      if (!a) throw new Error(`plan: account ${id} is not in the snapshot`);
      out.set(id, { type: a.type, status: a.status });
    }
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function chainsOf(kind: string, legs: readonly PlanLeg[]): string[] {
  const names = kind === "issuance" ? legs.map((l) => `class:${l.cls.code}`) : legs.map((l) => `account:${l.from as string}`);
  return [...new Set(names)].sort();
}

/** Holders whose counted holdings the legs raise, with the net increase, under the policy. */
export function limitChecks(legs: readonly PlanLeg[], snap: Snapshot, policy: HoldingLimitPolicy | null, moved: boolean): LimitCheck[] {
  if (!policy || (policy.defaultLimit === null && Object.keys(policy.perHolder).length === 0)) return [];
  const net = new Map<string, bigint>();
  const counts = (id: string | null) => {
    const a = id === null ? undefined : snap.accounts.get(id);
    return a && !policy.exemptAccountTypes.includes(a.type) ? a : undefined;
  };
  for (const l of legs) {
    if (!policy.unitTypes.includes(l.cls.unitType)) continue;
    const to = counts(l.to);
    const from = counts(l.from);
    if (to) net.set(to.holder, (net.get(to.holder) ?? 0n) + l.quantity);
    if (from) net.set(from.holder, (net.get(from.holder) ?? 0n) - l.quantity);
  }
  const out: LimitCheck[] = [];
  for (const [holder, q] of [...net].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const limit = Object.hasOwn(policy.perHolder, holder) ? (policy.perHolder[holder] as bigint) : policy.defaultLimit;
    if (q <= 0n || limit === null) continue;
    out.push({ holder, limit, unitTypes: policy.unitTypes, exempt: policy.exemptAccountTypes, incoming: q, pending: moved ? 0n : q });
  }
  return out;
}

function basePlan(now: string, legs: readonly PlanLeg[], snap: Snapshot, kind: string, limits: LimitCheck[]): Omit<Plan, "txs" | "batch" | "steps"> {
  return {
    now,
    frozen: false,
    pendingOnce: [],
    returns: [],
    holders: limits.map((l) => l.holder),
    classes: kind === "issuance" ? [...new Set(legs.map((l) => l.cls.id))].sort((a, b) => a - b) : [],
    accounts: accountsOf(legs, snap),
    limits,
  };
}

/**
 * The registry's rules a plan's steps leave to the database under the account locks: one pending
 * transaction of a kind per account (for the rulebook's kinds; at creation), and the returns of
 * excess allocation (at creation and at completion).
 */
function withRegistryChecks(plan: Plan, snap: Snapshot, opts: PlanOptions): Plan {
  const rules = rulesOf(opts);
  const cat = opts.catalogue;
  const pendingOnce: PendingOnce[] = [];
  const returns: ReturnCheck[] = [];
  const kinds = [...cat.kinds.values()];
  const returnKinds = kinds.filter((k) => k.returnsExcess).map((k) => k.code);
  const allocationKinds = kinds.filter((k) => k.allocates).map((k) => k.code);
  for (const s of plan.steps) {
    const creating = s.op === "create";
    if (creating && rules.onePendingPerAccount.includes(s.kind)) {
      for (const account of new Set(s.legs.flatMap((l) => (l.from === null ? [] : [l.from])))) pendingOnce.push({ account, kind: s.kind });
    }
    if (!cat.kinds.get(s.kind)?.returnsExcess || !(creating || s.to === "completed")) continue;
    const seen = new Set<string>();
    for (const l of s.legs) {
      const table = cat.accountTypes.get(snap.accounts.get(l.to)?.type ?? "")?.allocationTable ?? "NAT";
      const year = l.cls.vintage ?? null;
      const key = `${l.from}|${year}|${table}`;
      if (l.from === null || seen.has(key)) continue;
      seen.add(key);
      const tableTypes = [...cat.accountTypes.values()].filter((t) => t.allocationTable === table).map((t) => t.code);
      returns.push({ account: l.from, year, table, tableTypes, returnKinds, allocationKinds, creating, txId: s.id });
    }
  }
  return pendingOnce.length === 0 && returns.length === 0 ? plan : { ...plan, pendingOnce, returns };
}

// ---- proposals ------------------------------------------------------------------------------

export interface CreateInput {
  readonly id: string;
  readonly scope: string;
  readonly key: string;
  readonly kind: string;
  readonly legs: readonly Leg[];
  /** The canonical request stored with the transaction and compared on replay. */
  readonly request: unknown;
  readonly initiator: string | null;
  readonly purpose: string | null;
  readonly beneficiary: string | null;
  readonly hold: { readonly approval: boolean; readonly delayUntil: string | null };
}

interface CommandCtx {
  kind: TransactionKind | undefined;
  input: CreateInput;
  snap: Snapshot;
}

/** The registry is frozen for a reconciliation: nothing is planned (the plan's expectation `frozen: false` is confirmed under the freeze lock). */
function frozen(snap: Snapshot): Refusal | undefined {
  return snap.frozen ? refuse("REGISTRY_FROZEN", "the registry is frozen for a reconciliation: no transaction is written until an administrator lifts the freeze", {}) : undefined;
}

const PROPOSAL_CHECKS: CheckFns<CommandCtx> = {
  // A replay is answered before planning (the service compares the stored request); a plan is
  // only made for an id not used before.
  REPLAY_DIFFERS: () => undefined,
  REGISTRY_FROZEN: (c) => frozen(c.snap),
  KIND_UNKNOWN: (c) =>
    !c.kind || c.kind.code === "reversal"
      ? refuse("KIND_UNKNOWN", `unknown transaction kind ${JSON.stringify(c.input.kind)}${c.kind ? " (use reverse)" : ""}`, { field: "kind", kind: c.input.kind })
      : undefined,
  PURPOSE_REQUIRED: (c) =>
    c.kind?.requiresPurpose && (!c.input.purpose || !c.input.beneficiary)
      ? refuse("PURPOSE_REQUIRED", `${c.kind.code} needs a purpose and a beneficiary`, { field: c.input.purpose ? "beneficiary" : "purpose" })
      : undefined,
};

/** The status a proposal starts in: held for approval, delayed, or completed at once. */
export function initialStatus(hold: CreateInput["hold"], now: string): TransactionStatus {
  if (hold.approval) return "awaiting_approval";
  return hold.delayUntil !== null && hold.delayUntil > now ? "delayed" : "completed";
}

export function planCreate(input: CreateInput, snap: Snapshot, opts: PlanOptions): Plan | Refusal {
  const kind = opts.catalogue.kinds.get(input.kind);
  const r = firstFailing(CHECK_ORDER.propose.planned, PROPOSAL_CHECKS, { kind, input, snap });
  if (r) return r;
  const k = kind as TransactionKind;
  const legs = checkLegs(k, input.legs, snap, opts.catalogue, rulesOf(opts));
  if (!Array.isArray(legs)) return legs;
  const status = initialStatus(input.hold, snap.now);
  const completes = status === "completed";
  const limits = limitChecks(legs, snap, opts.holdingLimits, completes);
  return withRegistryChecks({
    ...basePlan(snap.now, legs, snap, k.code, limits),
    txs: new Map(),
    batch: null,
    steps: [
      {
        op: "create", id: input.id, scope: input.scope, key: input.key, kind: k.code, request: input.request, initiator: input.initiator,
        reverses: null, status, delayUntil: status === "completed" ? null : input.hold.delayUntil, actor: input.initiator,
        detail: input.hold.delayUntil !== null && !completes ? { delayUntil: input.hold.delayUntil } : {}, legs,
        chains: completes ? chainsOf(k.code, legs) : [],
      },
    ],
  }, snap, opts);
}

// ---- batches --------------------------------------------------------------------------------

export const MAX_BATCH = 20_000;

export interface BatchInput {
  readonly id: string;
  readonly scope: string;
  readonly key: string;
  readonly kind: string;
  readonly request: unknown;
  readonly initiator: string | null;
  readonly transfers: ReadonlyArray<{ readonly id: string; readonly key: string; readonly leg: Leg; readonly request: unknown }>;
}

/** N transfers of one kind, each its own completed transaction, applied together or not at all. */
export function planBatch(input: BatchInput, snap: Snapshot, opts: PlanOptions): Plan | Refusal {
  const kind = opts.catalogue.kinds.get(input.kind);
  const fns: CheckFns<undefined> = {
    REPLAY_DIFFERS: () => undefined,
    REGISTRY_FROZEN: () => frozen(snap),
    KIND_UNKNOWN: () =>
      !kind || kind.code === "reversal" || kind.code === "issuance" ? refuse("KIND_UNKNOWN", `${JSON.stringify(input.kind)} is not a kind a batch can carry`, { field: "kind", kind: input.kind }) : undefined,
    BATCH_SIZE: () => {
      if (input.transfers.length < 1 || input.transfers.length > MAX_BATCH) {
        return refuse("BATCH_SIZE", `a batch carries 1 to ${MAX_BATCH} transfers, got ${input.transfers.length}`, { field: "transfers", count: input.transfers.length, max: MAX_BATCH });
      }
      if (kind?.approval || kind?.requiresPurpose) {
        return refuse("BATCH_SIZE", `${kind.code} needs an approval or a purpose per transaction and cannot be batched`, { field: "kind", kind: kind.code });
      }
      return undefined;
    },
  };
  const r = firstFailing(CHECK_ORDER.batch.planned, fns, undefined);
  if (r) return r;
  const k = kind as TransactionKind;
  const all: PlanLeg[] = [];
  const steps: CreateStep[] = [];
  for (const [i, t] of input.transfers.entries()) {
    const legs = checkLegs(k, [t.leg], snap, opts.catalogue, rulesOf(opts));
    if (!Array.isArray(legs)) return { ...legs, message: `transfers[${i}]: ${legs.message}`, facts: { ...legs.facts, transfer: i } };
    all.push(...legs);
    steps.push({
      op: "create", id: t.id, scope: input.scope, key: t.key, kind: k.code, request: t.request, initiator: input.initiator, reverses: null,
      status: "completed", delayUntil: null, actor: input.initiator, detail: {}, legs, chains: chainsOf(k.code, legs),
    });
  }
  const limits = limitChecks(all, snap, opts.holdingLimits, true);
  return withRegistryChecks({
    ...basePlan(snap.now, all, snap, k.code, limits),
    txs: new Map(),
    batch: { id: input.id, scope: input.scope, key: input.key, kind: k.code, request: input.request, size: steps.length },
    steps,
  }, snap, opts);
}

// ---- transitions of held transactions ---------------------------------------------------------

export type Decision =
  | { readonly to: "approve"; readonly actor: string; readonly delayUntil: string | null }
  | { readonly to: "reject" | "cancel"; readonly actor: string | null; readonly reason: string | null }
  | { readonly to: "release" };

/** What a decision comes to: a plan (with, when a completion failed its checks, the refusal to report after recording it), or a replay. */
export type TransitionOutcome = { plan: Plan; refusal: Refusal | null } | { replay: true } | Refusal;

function expectTx(t: TxFacts): Plan["txs"] {
  return new Map([[t.id, { seq: t.seq, status: t.status, reversedBy: t.reversedBy }]]);
}

interface DecideCtx {
  id: string;
  t: TxFacts | undefined;
  d: Decision;
  now: string;
  snap: Snapshot;
}

const WHAT: Record<Decision["to"], string> = {
  approve: "only a transaction awaiting approval can be approved",
  release: "only a delayed transaction is released",
  reject: "only a transaction awaiting approval can be rejected",
  cancel: "only a transaction awaiting approval or delayed can be cancelled",
};

const FROM: Record<Decision["to"], readonly TransactionStatus[]> = {
  approve: ["awaiting_approval"],
  release: ["delayed"],
  reject: ["awaiting_approval"],
  cancel: ["awaiting_approval", "delayed"],
};

const DECIDE_CHECKS: CheckFns<DecideCtx> = {
  TX_UNKNOWN: (c) => (c.t ? undefined : refuse("TX_UNKNOWN", `no transaction ${c.id}`, { transactionId: c.id })),
  TX_BAD_TRANSITION: (c) => {
    const t = c.t as TxFacts;
    if (FROM[c.d.to].includes(t.status)) return undefined;
    return refuse("TX_BAD_TRANSITION", `transaction ${t.id} is ${t.status}: ${WHAT[c.d.to]}`, { status: t.status, to: c.d.to });
  },
  TX_NOT_DUE: (c) => {
    const t = c.t as TxFacts;
    return t.delayUntil !== null && t.delayUntil > c.now ? refuse("TX_NOT_DUE", `transaction ${t.id} is delayed until ${t.delayUntil}`, { delayUntil: t.delayUntil }) : undefined;
  },
  REGISTRY_FROZEN: (c) => frozen(c.snap),
};

/** The same decision again by the same actor: answered with the transaction as it is. */
function isReplay(t: TxFacts, d: Decision): boolean {
  if (d.to === "approve") return t.lastActor === d.actor && t.approvedBy === d.actor && (t.status === "completed" || t.status === "delayed");
  if (d.to === "reject") return t.status === "rejected" && t.lastActor === d.actor;
  if (d.to === "cancel") return t.status === "cancelled" && t.lastActor === d.actor;
  return false;
}

function heldLegs(t: TxFacts, snap: Snapshot): PlanLeg[] {
  return t.legs.map((l) => ({ cls: snap.classes.get(l.classCode) as ClassFacts, from: l.from, to: l.to, quantity: l.quantity }));
}

export function planDecision(id: string, d: Decision, snap: Snapshot, opts: PlanOptions): TransitionOutcome {
  const t = snap.txs.get(id);
  if (t && isReplay(t, d)) return { replay: true };
  const order = CHECK_ORDER[d.to satisfies OrderedCommand];
  const r = firstFailing(order.planned, DECIDE_CHECKS, { id, t, d, now: snap.now, snap });
  if (r) return r;
  const tx = t as TxFacts;
  const legs = heldLegs(tx, snap);
  const end = (to: "rejected" | "cancelled", actor: string | null, detail: Record<string, unknown>): Plan => ({
    ...basePlan(snap.now, legs, snap, tx.kind, []),
    classes: [],
    txs: expectTx(tx),
    batch: null,
    steps: [{ op: "transition", id: tx.id, kind: tx.kind, request: tx.request, reverses: tx.reverses, actor, detail, legs, chains: [], to, approvedBy: null }],
  });
  if (d.to === "reject" || d.to === "cancel") return { plan: end(d.to === "reject" ? "rejected" : "cancelled", d.actor, d.reason ? { reason: d.reason } : {}), refusal: null };
  const approvedBy = d.to === "approve" ? d.actor : null;
  const actor = d.to === "approve" ? d.actor : null;
  const delayUntil = d.to === "approve" ? (d.delayUntil ?? tx.delayUntil) : tx.delayUntil;
  if (d.to === "approve" && delayUntil !== null && delayUntil > snap.now) {
    return {
      plan: {
        ...basePlan(snap.now, [], snap, tx.kind, []),
        txs: expectTx(tx),
        batch: null,
        steps: [{ op: "transition", id: tx.id, kind: tx.kind, request: tx.request, reverses: tx.reverses, actor, detail: { approvedBy, delayUntil }, legs, chains: [], to: "delayed", approvedBy, delayUntil }],
      },
      refusal: null,
    };
  }
  return planCompletion(tx, actor, approvedBy, snap, opts);
}

/**
 * Completing a held transaction: its legs are checked again on the state at completion. A leg
 * that fails makes the plan a rejection recorded with the check's code (under the same account
 * expectations, so the refusal rests on facts the database confirms).
 */
export function planCompletion(tx: TxFacts, actor: string | null, approvedBy: string | null, snap: Snapshot, opts: PlanOptions): TransitionOutcome {
  const kind = opts.catalogue.kinds.get(tx.kind) as TransactionKind;
  if (tx.reverses !== null) return planReversalCompletion(tx, actor, approvedBy, snap, opts);
  const checked = checkLegs(kind, tx.legs, snap, opts.catalogue, rulesOf(opts));
  if (!Array.isArray(checked)) return rejection(tx, checked, snap);
  const limits = limitChecks(checked, snap, opts.holdingLimits, true);
  return {
    plan: withRegistryChecks({
      ...basePlan(snap.now, checked, snap, kind.code, limits),
      txs: expectTx(tx),
      batch: null,
      steps: [
        {
          op: "transition", id: tx.id, kind: tx.kind, request: tx.request, reverses: null, actor, detail: approvedBy ? { approvedBy } : {},
          legs: checked, chains: chainsOf(kind.code, checked), to: "completed", approvedBy,
        },
      ],
    }, snap, opts),
    refusal: null,
  };
}

/** A held reversal completes on the original's exact serials, after the original's checks again. */
function planReversalCompletion(tx: TxFacts, actor: string | null, approvedBy: string | null, snap: Snapshot, opts: PlanOptions): TransitionOutcome {
  const orig = snap.txs.get(tx.reverses as string);
  const r = firstFailing(["REVERSAL_ALREADY_DONE", "REVERSAL_WINDOW_PASSED", "SOURCE_TERMINAL", "DEST_CLOSED"], REVERSE_CHECKS, { o: orig, snap, cat: opts.catalogue, rules: rulesOf(opts) });
  if (r) return rejection(tx, r, snap);
  const o = orig as TxFacts;
  const legs = reversalLegs(o, snap);
  return {
    plan: {
      ...basePlan(snap.now, legs, snap, "reversal", []),
      txs: new Map([...expectTx(tx), ...expectTx(o)].sort(([a], [b]) => (a < b ? -1 : 1))),
      batch: null,
      steps: [
        {
          op: "transition", id: tx.id, kind: tx.kind, request: tx.request, reverses: o.id, actor, detail: approvedBy ? { approvedBy } : {},
          legs, chains: [...new Set(legs.map((l) => `account:${l.from as string}`))].sort(), to: "completed", approvedBy,
        },
      ],
    },
    refusal: null,
  };
}

/** A completion refused by a check, recorded as a rejection carrying the check's code. */
export function rejection(tx: TxFacts, refusal: Refusal, snap: Snapshot): TransitionOutcome {
  const legs = heldLegs(tx, snap);
  return {
    plan: {
      ...basePlan(snap.now, legs, snap, tx.kind, []),
      classes: [],
      txs: expectTx(tx),
      batch: null,
      steps: [
        {
          op: "transition", id: tx.id, kind: tx.kind, request: tx.request, reverses: tx.reverses, actor: null,
          detail: { code: refusal.code, check: refusal.check, message: refusal.message }, legs, chains: [], to: "rejected", approvedBy: null,
        },
      ],
    },
    refusal,
  };
}

// ---- reversals ------------------------------------------------------------------------------

export interface ReverseInput {
  readonly id: string;
  readonly scope: string;
  readonly key: string;
  readonly reverses: string;
  readonly request: unknown;
  readonly actor: string | null;
  readonly reason: string | null;
  readonly approval: boolean;
}

interface ReverseCtx {
  o: TxFacts | undefined;
  snap: Snapshot;
  cat: Catalogue;
  rules: LedgerRules;
}

const REVERSE_CHECKS: CheckFns<ReverseCtx> = {
  REPLAY_DIFFERS: () => undefined,
  REGISTRY_FROZEN: (c) => frozen(c.snap),
  TX_UNKNOWN: (c) => (c.o ? undefined : refuse("TX_UNKNOWN", "no such transaction", {})),
  REVERSAL_NOT_REVERSIBLE: (c) => {
    const o = c.o as TxFacts;
    return c.cat.kinds.get(o.kind)?.reversible ? undefined : refuse("REVERSAL_NOT_REVERSIBLE", `a ${o.kind} transaction cannot be reversed`, { kind: o.kind });
  },
  REVERSAL_TARGET_NOT_COMPLETED: (c) => {
    const o = c.o as TxFacts;
    return o.status === "completed" ? undefined : refuse("REVERSAL_TARGET_NOT_COMPLETED", `transaction ${o.id} is ${o.status}`, { status: o.status });
  },
  REVERSAL_ALREADY_DONE: (c) => {
    const o = c.o as TxFacts;
    return o.reversedBy === null ? undefined : refuse("REVERSAL_ALREADY_DONE", `transaction ${o.id} was reversed by ${o.reversedBy}`, { reversedBy: o.reversedBy });
  },
  REVERSAL_WINDOW_PASSED: (c) => {
    const o = c.o as TxFacts;
    const deadline = o.completedAt ? reversalDeadline(c.rules, o.kind, o.completedAt) : null;
    return deadline !== null && c.snap.now > deadline
      ? refuse("REVERSAL_WINDOW_PASSED", `a ${o.kind} may be reversed until ${deadline} (${c.rules.reversalWindowDays[o.kind]} days after it completed)`, {
          kind: o.kind, completedAt: o.completedAt, deadline, days: c.rules.reversalWindowDays[o.kind],
        })
      : undefined;
  },
  // Units in a terminal account are final, unless the kind that put them there has a reversal window.
  SOURCE_TERMINAL: (c) => {
    const o = c.o as TxFacts;
    if (c.rules.reversalWindowDays[o.kind] !== undefined) return undefined;
    for (const id of new Set(o.movements.map((m) => m.to))) {
      const a = c.snap.accounts.get(id) as AccountFacts;
      if (c.cat.accountTypes.get(a.type)?.terminal) return refuse("SOURCE_TERMINAL", `units in ${id} (${a.type}) are final and cannot be moved back`, { accountId: id, type: a.type });
    }
    return undefined;
  },
  DEST_CLOSED: (c) => {
    const reversal = c.cat.kinds.get("reversal") as TransactionKind;
    for (const id of new Set((c.o as TxFacts).movements.flatMap((m) => (m.from === null ? [] : [m.from])))) {
      const a = c.snap.accounts.get(id) as AccountFacts;
      if (!receives(c.rules, a.status, reversal)) {
        return refuse("DEST_CLOSED", `units would go back to ${id}, which is ${a.status}${a.status === "closed" ? " (a closed account holds nothing)" : ": no reversal may arrive in it"}`, { accountId: id, status: a.status });
      }
    }
    return undefined;
  },
};

/** One leg per original movement, in the original order, each moving its exact range back. */
function reversalLegs(o: TxFacts, snap: Snapshot): PlanLeg[] {
  return o.movements.map((m) => ({
    cls: snap.classes.get(m.classCode) as ClassFacts, from: m.to, to: m.from as string, quantity: m.end - m.start + 1n, ranges: [[m.start, m.end] as const],
  }));
}

export function planReverse(input: ReverseInput, snap: Snapshot, opts: PlanOptions): Plan | Refusal {
  const o = snap.txs.get(input.reverses);
  const r = firstFailing(CHECK_ORDER.reverse.planned, REVERSE_CHECKS, { o, snap, cat: opts.catalogue, rules: rulesOf(opts) });
  if (r) return r;
  const orig = o as TxFacts;
  const legs = reversalLegs(orig, snap);
  const status: TransactionStatus = input.approval ? "awaiting_approval" : "completed";
  const completes = status === "completed";
  return {
    ...basePlan(snap.now, legs, snap, "reversal", []),
    txs: expectTx(orig),
    batch: null,
    steps: [
      {
        op: "create", id: input.id, scope: input.scope, key: input.key, kind: "reversal", request: input.request, initiator: input.actor,
        reverses: orig.id, status, delayUntil: null, actor: input.actor, detail: input.reason ? { reason: input.reason } : {}, legs,
        chains: completes ? [...new Set(legs.map((l) => `account:${l.from as string}`))].sort() : [],
      },
    ],
  };
}

/** The holding-limit refusal for a limit the database found exceeded (EL007). */
export function holdingLimitRefusal(f: { holder: string; held: string; incoming: string; limit: string }): Refusal {
  return securityRefusal("HOLDING_LIMIT_EXCEEDED", `holder ${f.holder} would hold ${BigInt(f.held) + BigInt(f.incoming)} units, above its holding limit of ${f.limit}`, f);
}
