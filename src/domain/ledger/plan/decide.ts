// Planning the transitions of held transactions: approve, reject, cancel, release. A completion
// checks the legs again on the state at completion (a held reversal, the reversal's checks), and a
// check that fails there is recorded as a rejection carrying its code.
import type { TransactionKind } from "../catalog.ts";
import { refuse, type Refusal } from "../checks.ts";
import { CHECK_ORDER, type CheckFns, firstFailing, type OrderedCommand } from "../order.ts";
import { basePlan, chainsOf, expectTx, frozen, heldLegs, limitChecks, rulesOf } from "./common.ts";
import { checkLegs } from "./legs.ts";
import { withRegistryChecks } from "./registry-rules.ts";
import { REVERSE_CHECKS, reversalLegs } from "./reverse.ts";
import type { Plan, PlanOptions, Snapshot, TransactionStatus, TxFacts } from "./types.ts";

export type Decision =
  | { readonly to: "approve"; readonly actor: string; readonly delayUntil: string | null }
  | { readonly to: "reject" | "cancel"; readonly actor: string | null; readonly reason: string | null }
  | { readonly to: "release" };

/** What a decision comes to: a plan (with, when a completion failed its checks, the refusal to report after recording it), or a replay. */
export type TransitionOutcome = { plan: Plan; refusal: Refusal | null } | { replay: true } | Refusal;
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
