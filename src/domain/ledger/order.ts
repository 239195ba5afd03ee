// Which check wins when several fail: the order of the checks, as data. Both ledgers (the SQL one
// through the planner, src/domain/ledger/plan.ts, and the reference ledger) walk these lists with
// one function, firstFailing, each with its own predicates; docs/reference/checks.md is generated
// from them. A command is checked in stages: its shape (validate* in commands.ts, field by field),
// then whether its id was used before (a replay), then the checks of `planned` in order on the
// state the command was planned on, then, for each leg in leg order, the checks of `perLeg`, then
// the checks of `underLock`, which only the database can answer once it holds the locks (what an
// account holds, what is earmarked, the issued serials, a holder's holdings).
import { CHECKS, type CheckKey, type Refusal } from "./checks.ts";
import { SECURITY_CHECKS } from "../security/codes.ts";

/** A check of the ledger catalogue, or the security catalogue's holding limit (the ledger enforces it under its locks). */
export type OrderEntry = CheckKey | "HOLDING_LIMIT_EXCEEDED";

export interface CommandOrder {
  readonly planned: readonly OrderEntry[];
  readonly perLeg: readonly OrderEntry[];
  readonly underLock: readonly OrderEntry[];
}

/** The checks every leg of a transfer passes, in order: its source, its destination, its class. */
export const LEG_ORDER: readonly CheckKey[] = [
  "SOURCE_REQUIRED",
  "SOURCE_UNKNOWN",
  "SOURCE_NOT_OPEN",
  "SOURCE_TERMINAL",
  "SOURCE_TYPE_NOT_ALLOWED",
  "DEST_UNKNOWN",
  "DEST_CLOSED",
  "DEST_TYPE_NOT_ALLOWED",
  "DEST_SAME_AS_SOURCE",
  "GOVERNMENT_ROUTE",
  "CLASS_UNKNOWN",
  "UNIT_TYPE_NOT_ALLOWED",
];

/**
 * What only the database can answer once it holds the locks: units available beyond earmarks, the
 * serials issued, a holder's holdings (in ledger_apply), then, in the same statement
 * (ledger_write, migration ledger-005), the pending transactions of the account and what it was
 * over-allocated and has returned.
 */
const COMPLETION_UNDER_LOCK: readonly OrderEntry[] = ["INSUFFICIENT_UNITS", "ISSUANCE_LIMIT_EXCEEDED", "HOLDING_LIMIT_EXCEEDED", "RETURN_EXCEEDS_EXCESS"];
const CREATION_UNDER_LOCK: readonly OrderEntry[] = ["INSUFFICIENT_UNITS", "ISSUANCE_LIMIT_EXCEEDED", "HOLDING_LIMIT_EXCEEDED", "PENDING_OF_KIND", "RETURN_PENDING", "RETURN_EXCEEDS_EXCESS"];

export const CHECK_ORDER = {
  "class.define": { planned: ["REPLAY_DIFFERS", "CLASS_DEFINITION_INVALID", "CLASS_EXISTS"], perLeg: [], underLock: [] },
  "account.open": { planned: ["REPLAY_DIFFERS", "ACCOUNT_TYPE_UNKNOWN", "INSTALLATION_REQUIRED", "ACCOUNT_EXISTS", "INSTALLATION_HAS_ACCOUNT", "IDENTIFIER_IN_USE"], perLeg: [], underLock: [] },
  /**
   * A change of state, under the account's lock. Closing needs more than an empty account: not a
   * government account, no installation transfer pending, nothing awaiting approval; then the
   * closure preconditions other parts of the registry register (security, compliance), each with
   * its own code. Reopening an operator account needs its installation free.
   */
  "account.status": {
    planned: ["REPLAY_DIFFERS", "ACCOUNT_UNKNOWN", "ACCOUNT_STATUS_INVALID", "ACCOUNT_GOVERNMENT", "ACCOUNT_IN_TRANSFER", "ACCOUNT_NOT_EMPTY", "ACCOUNT_OUTSTANDING", "INSTALLATION_HAS_ACCOUNT"],
    perLeg: [],
    underLock: [],
  },
  "account.entitle": { planned: ["REPLAY_DIFFERS", "ACCOUNT_UNKNOWN"], perLeg: [], underLock: [] },
  "registry.freeze": { planned: ["REPLAY_DIFFERS"], perLeg: [], underLock: [] },
  /** A proposal; a held one has its units earmarked (3003 when they are not available). */
  propose: { planned: ["REPLAY_DIFFERS", "REGISTRY_FROZEN", "KIND_UNKNOWN", "PURPOSE_REQUIRED"], perLeg: LEG_ORDER, underLock: CREATION_UNDER_LOCK },
  /** A batch: every transfer is a proposal of the batch's kind that completes at once. */
  batch: { planned: ["REPLAY_DIFFERS", "REGISTRY_FROZEN", "KIND_UNKNOWN", "BATCH_SIZE"], perLeg: LEG_ORDER, underLock: CREATION_UNDER_LOCK },
  /** The second approval; completing re-checks every leg on the state at completion. */
  approve: { planned: ["TX_UNKNOWN", "TX_BAD_TRANSITION", "REGISTRY_FROZEN"], perLeg: LEG_ORDER, underLock: COMPLETION_UNDER_LOCK },
  /** The completion of a delayed transaction once its delay has passed. */
  release: { planned: ["TX_UNKNOWN", "TX_BAD_TRANSITION", "TX_NOT_DUE", "REGISTRY_FROZEN"], perLeg: LEG_ORDER, underLock: COMPLETION_UNDER_LOCK },
  reject: { planned: ["TX_UNKNOWN", "TX_BAD_TRANSITION", "REGISTRY_FROZEN"], perLeg: [], underLock: [] },
  cancel: { planned: ["TX_UNKNOWN", "TX_BAD_TRANSITION", "REGISTRY_FROZEN"], perLeg: [], underLock: [] },
  /**
   * A reversal: what the original transaction is (unknown, not reversible, not completed, already
   * reversed) comes before where its units are now, because a transaction that was reversed has, by
   * definition, moved its serials away, and "already reversed" is the answer that helps. The
   * accounts that get units back take the destination check of the reversal kind (a closed account
   * holds nothing). Units in a terminal account come back only for a kind with a reversal window,
   * within it; the window is checked again when a held reversal completes.
   */
  reverse: {
    planned: [
      "REPLAY_DIFFERS", "REGISTRY_FROZEN", "TX_UNKNOWN", "REVERSAL_NOT_REVERSIBLE", "REVERSAL_TARGET_NOT_COMPLETED", "REVERSAL_ALREADY_DONE", "REVERSAL_WINDOW_PASSED",
      "SOURCE_TERMINAL", "DEST_CLOSED",
    ],
    perLeg: [],
    underLock: ["REVERSAL_UNITS_MOVED_ON", "INSUFFICIENT_UNITS"],
  },
} as const satisfies Record<string, CommandOrder>;

export type OrderedCommand = keyof typeof CHECK_ORDER;

/** The code and name of an order entry, from its catalogue. */
export function entryOf(e: OrderEntry): { code: number; name: string } {
  return e === "HOLDING_LIMIT_EXCEEDED" ? SECURITY_CHECKS.HOLDING_LIMIT_EXCEEDED : CHECKS[e];
}

/** Predicates for some checks: each answers the refusal when its check fails on the context. */
export type CheckFns<C> = Partial<Record<OrderEntry, (ctx: C) => Refusal | undefined>>;

/**
 * The first refusal in the given order: every entry must have a predicate (a missing one is a bug
 * and throws), so an implementation cannot silently skip a check the order names.
 */
export function firstFailing<C>(order: readonly OrderEntry[], fns: CheckFns<C>, ctx: C): Refusal | undefined {
  for (const key of order) {
    const fn = fns[key];
    if (!fn) throw new Error(`no predicate for check ${key}`);
    const r = fn(ctx);
    if (r) return r;
  }
  return undefined;
}
