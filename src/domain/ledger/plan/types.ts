// The planner's inputs and outputs, types only: the snapshot of the state a command is planned on
// (classes, accounts, the transactions it touches), the holding-limit policy, and the Plan with
// its steps and the expectations and checks the database confirms under its locks.
import type { Catalogue } from "../catalog.ts";
import type { AccountStatus, Leg } from "../commands.ts";
import type { LedgerRules } from "../rules.ts";

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
  /** The step's own time, when it differs from the plan's (a member of a group of proposals, plan/group.ts). */
  readonly at?: string;
}

export interface CreateStep extends StepBase {
  readonly op: "create";
  /** The canonical request (canonical(): keys sorted, bigints as decimal strings), written as it is. */
  readonly request: unknown;
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
  /** The batch's row; its request is canonical (canonical()), written as it is. */
  readonly batch: { id: string; scope: string; key: string; kind: string; request: unknown; size: number } | null;
  /** Single proposals applied together, each its own transaction at its own time (plan/group.ts); absent otherwise. */
  readonly group?: true;
  readonly steps: readonly Step[];
}

export interface PlanOptions {
  readonly catalogue: Catalogue;
  readonly holdingLimits: HoldingLimitPolicy | null;
  /** The registry's rules (account states, government routes, reversal windows, one pending per account): the rulebook's `ledger` section. */
  readonly rules?: LedgerRules;
}
