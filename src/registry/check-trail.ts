// The checks a transaction went through, for its page in the console: which numbered rules of
// the ledger's and the security layer's catalogues applied to it at each stage (initiation,
// approval, delay, completion) and how each came out. Derived from the transaction's kind (the
// catalogue says which rules apply), the registry's security rules (limits, business hours and
// the trusted-only types apply only where configured) and its status history: a stored
// transaction passed every initiation check (a refused command stores nothing); a rejection
// recorded by the ledger names the check that failed; a transaction still held has its later
// checks pending. The ledger does not record passed checks itself; this is the documented
// derivation (docs/concepts/ledger.md lists the checks).
import type { TransactionKind } from "../domain/ledger/catalog.ts";
import { CHECKS, type CheckKey } from "../domain/ledger/checks.ts";
import { SECURITY_CHECKS, type SecurityCheckKey } from "../domain/security/codes.ts";
import type { SecurityConfig } from "../domain/security/config.ts";
import type { TransactionView } from "./ledger/index.ts";

export type Stage = "initiation" | "approval" | "delay" | "completion";
export type Outcome = "passed" | "failed" | "pending" | "not-reached";

export interface TrailCheck {
  code: number;
  check: string;
  stage: Stage;
  outcome: Outcome;
}

export interface Trail {
  transactionId: string;
  checks: TrailCheck[];
  /** A person's decision that ended the transaction (a rejection or a cancellation), when there was one. */
  decision: { status: "rejected" | "cancelled"; actor: string | null; at: string } | null;
}

type Key = { ledger: CheckKey } | { security: SecurityCheckKey };
const L = (k: CheckKey): Key => ({ ledger: k });
const S = (k: SecurityCheckKey): Key => ({ security: k });
const def = (k: Key) => ("ledger" in k ? CHECKS[k.ledger] : SECURITY_CHECKS[k.security]);

/** The rules that apply to a transaction of this kind, by stage, in the order they are checked. */
export function applicableChecks(kind: TransactionKind, cfg: SecurityConfig, opts: { systemInitiated: boolean; heldForApproval: boolean; delayed: boolean; isReversal: boolean }): Array<{ key: Key; stage: Stage }> {
  const issuance = kind.from.length === 0 && !opts.isReversal;
  const out: Array<{ key: Key; stage: Stage }> = [];
  const add = (stage: Stage, ...keys: Key[]) => {
    for (const key of keys) out.push({ key, stage });
  };
  add("initiation", L("ID_MALFORMED"), L("REPLAY_DIFFERS"));
  if (opts.isReversal) {
    add("initiation", L("TX_UNKNOWN"), L("REVERSAL_NOT_REVERSIBLE"), L("REVERSAL_TARGET_NOT_COMPLETED"), L("REVERSAL_ALREADY_DONE"), L("SOURCE_TERMINAL"), L("REVERSAL_UNITS_MOVED_ON"));
  } else {
    add("initiation", L("KIND_UNKNOWN"), L("LEGS_EMPTY_OR_TOO_MANY"), L("SOURCE_REQUIRED"));
    if (!issuance) add("initiation", L("SOURCE_UNKNOWN"), L("SOURCE_NOT_OPEN"), L("SOURCE_TYPE_NOT_ALLOWED"), L("SOURCE_TERMINAL"));
    add("initiation", L("DEST_UNKNOWN"), L("DEST_CLOSED"), L("DEST_TYPE_NOT_ALLOWED"));
    if (!issuance) add("initiation", L("DEST_SAME_AS_SOURCE"));
    add("initiation", L("QUANTITY_NOT_POSITIVE_WHOLE"), L("QUANTITY_TOO_LARGE"), L("CLASS_UNKNOWN"), L("UNIT_TYPE_NOT_ALLOWED"));
    if (kind.requiresPurpose) add("initiation", L("PURPOSE_REQUIRED"));
  }
  if (!opts.systemInitiated) {
    add("initiation", S("KIND_NOT_ALLOWED"));
    if (!kind.administrative) add("initiation", S("NOT_INITIATOR_REPRESENTATIVE"));
    if (kind.delay && cfg.businessHours?.initiate) add("initiation", S("OUTSIDE_BUSINESS_HOURS"));
    if (kind.delay && cfg.trustedList.trustedOnlyAccountTypes.length > 0) add("initiation", S("DEST_NOT_TRUSTED"));
    if (kind.delay && cfg.transactionLimitOutsideTrusted !== null) add("initiation", S("TRANSACTION_LIMIT_EXCEEDED"));
  }
  const holdingLimits = cfg.holdingLimits.defaultLimit !== null || Object.keys(cfg.holdingLimits.perHolder).length > 0;
  if (!opts.systemInitiated && holdingLimits && !kind.administrative) add("initiation", S("HOLDING_LIMIT_EXCEEDED"));
  if (opts.heldForApproval) add("approval", S("NOT_APPROVER_REPRESENTATIVE"), S("FOUR_EYES_SAME_PERSON"), S("APPROVAL_EXPIRED"));
  if (opts.delayed) add("delay", L("TX_NOT_DUE"));
  if (issuance) add("completion", L("ISSUANCE_LIMIT_EXCEEDED"));
  else if (!opts.isReversal) add("completion", L("INSUFFICIENT_UNITS"));
  if (!opts.systemInitiated && holdingLimits && !kind.administrative && (opts.heldForApproval || opts.delayed)) add("completion", S("HOLDING_LIMIT_EXCEEDED"));
  return out;
}

const STAGES: readonly Stage[] = ["initiation", "approval", "delay", "completion"];

/**
 * The trail of a transaction from its status history. `initiatorIsUser` tells whether a signed-in
 * user started it through the registry's security layer (whose rules then applied); transactions
 * written by the system (seeding, an allocation committed from the CLI) went through the ledger's
 * checks only. `expiryActor` is the actor the security layer records when an approval expires.
 */
export function checkTrail(t: TransactionView, kind: TransactionKind, cfg: SecurityConfig, o: { initiatorIsUser: boolean; expiryActor: string }): Trail {
  const statuses = t.events.map((e) => e.status);
  const heldForApproval = statuses.includes("awaiting_approval");
  const delayed = statuses.includes("delayed") || t.delayUntil !== null;
  const systemInitiated = !o.initiatorIsUser;
  const expiryActor = o.expiryActor;
  const list = applicableChecks(kind, cfg, { systemInitiated, heldForApproval, delayed, isReversal: t.kind === "reversal" });
  const last = t.events[t.events.length - 1];

  // Where the transaction stands: the stage it reached and, if it ended there, how.
  let reached: Stage = "completion";
  let failed: number | undefined;
  let decision: Trail["decision"] = null;
  if (t.status === "awaiting_approval") reached = "approval";
  else if (t.status === "delayed") reached = "delay";
  else if (t.status === "rejected" || t.status === "cancelled") {
    const code = typeof last?.detail.code === "number" ? last.detail.code : undefined;
    if (last?.actor === expiryActor) {
      reached = "approval";
      failed = SECURITY_CHECKS.APPROVAL_EXPIRED.code;
    } else if (code !== undefined) {
      failed = code;
      reached = list.find((c) => def(c.key).code === code)?.stage ?? "completion";
    } else {
      // A person rejected or cancelled it: the checks of the stages it had passed held.
      const before = statuses.length >= 2 ? statuses[statuses.length - 2] : undefined;
      reached = before === "delayed" ? "delay" : "approval";
      decision = { status: t.status, actor: last?.actor ?? null, at: last?.at ?? t.createdAt };
    }
  }
  const reachedAt = STAGES.indexOf(reached);
  const ended = t.status === "rejected" || t.status === "cancelled";
  const checks = list.map(({ key, stage }): TrailCheck => {
    const d = def(key);
    const at = STAGES.indexOf(stage);
    let outcome: Outcome;
    if (t.status === "completed") outcome = "passed";
    else if (failed !== undefined && d.code === failed && stage === reached) outcome = "failed";
    else if (at < reachedAt) outcome = "passed";
    else if (at === reachedAt) outcome = ended ? (failed !== undefined ? "passed" : decision ? "not-reached" : "passed") : "pending";
    else outcome = ended ? "not-reached" : "pending";
    return { code: d.code, check: d.name, stage, outcome };
  });
  // A failed check stops the others of its stage that come after it.
  if (failed !== undefined) {
    const i = checks.findIndex((c) => c.outcome === "failed");
    for (let k = i + 1; k < checks.length; k++) if (checks[k]?.stage === reached) (checks[k] as TrailCheck).outcome = "not-reached";
  }
  return { transactionId: t.id, checks, decision };
}
