// Planning a reversal: the original's exact serials moved back, leg by leg, after the reversal's
// checks (reversible kind, completed, not reversed yet, within the rulebook's reversal window,
// units not final in a terminal account, no return into an account that may not receive them).
import type { Catalogue, TransactionKind } from "../catalog.ts";
import { refuse, type Refusal } from "../checks.ts";
import { CHECK_ORDER, type CheckFns, firstFailing } from "../order.ts";
import { type LedgerRules, receives, reversalDeadline } from "../rules.ts";
import { basePlan, expectTx, frozen, rulesOf } from "./common.ts";
import type { AccountFacts, ClassFacts, Plan, PlanLeg, PlanOptions, Snapshot, TransactionStatus, TxFacts } from "./types.ts";

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

export const REVERSE_CHECKS: CheckFns<ReverseCtx> = {
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
export function reversalLegs(o: TxFacts, snap: Snapshot): PlanLeg[] {
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
