// Views of what a plan just wrote, built from the plan and the movements the database returned,
// so that a transfer costs no read after its write. They equal what reads.ts reads back (a test
// compares them).
import type { CreateStep } from "../../domain/ledger/plan.ts";
import type { Move } from "./apply.ts";
import type { MovementView, TransactionView } from "./types.ts";

function base(step: CreateStep, now: string): Omit<TransactionView, "status" | "delayUntil" | "events" | "movements"> {
  const r = step.request as Record<string, unknown>;
  const str = (k: string) => (typeof r[k] === "string" ? (r[k] as string) : null);
  return {
    id: step.id, key: step.key, kind: step.kind,
    legs: step.legs.map((l) => ({ classCode: l.cls.code, from: l.from, to: l.to, quantity: l.quantity })),
    initiator: step.initiator, purpose: str("purpose"), beneficiary: str("beneficiary"), note: str("note"), createdAt: now,
    reverses: step.reverses, reversedBy: null, batchId: typeof r.batch === "string" ? r.batch : null,
  };
}

export function movementViews(moves: readonly Move[]): MovementView[] {
  return moves.map(([legNo, _part, classCode, from, to, s, e]) => ({ legNo, classCode, from, to, start: BigInt(s), end: BigInt(e), quantity: BigInt(e) - BigInt(s) + 1n }));
}

/** A proposal that completed at once. */
export function completedView(step: CreateStep, now: string, moves: readonly Move[]): TransactionView {
  return {
    ...base(step, now), status: "completed", delayUntil: null,
    events: [{ status: "completed", at: now, actor: step.actor, detail: { ...step.detail } }], movements: movementViews(moves),
  };
}

/** A proposal held for approval or delayed. */
export function heldView(step: CreateStep, now: string): TransactionView {
  return {
    ...base(step, now), status: step.status, delayUntil: step.delayUntil,
    events: [{ status: step.status, at: now, actor: step.actor, detail: { ...step.detail } }], movements: [],
  };
}
