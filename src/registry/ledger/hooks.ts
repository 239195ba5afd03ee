// Rules of other parts of the registry that must hold whenever a transaction of some kind is
// written: compliance on a surrender (eligible units, credit limits, the deadline), an auction's
// payment record beside its deliveries, the international units' first transfer and adjustment
// records. Each part registers a hook per kind on the ledger (LedgerService.onKind); the ledger
// runs every hook of the kinds a plan writes inside the one database transaction that applies the
// plan, after its own checks passed and the units moved. A hook reads and writes its own tables
// through the same connection, and refuses with a Refusal of its own catalogue: the whole plan
// then rolls back and the caller gets that refusal. So there is no way to write such a
// transaction that skips the rule: not another door (API, CLI, play), not a batch, not a
// delayed release, not a retry.
//
// A hook that reads state written by concurrent commands (a count of credits already
// surrendered for an installation) serializes them itself by locking a row of its own with
// SELECT ... FOR UPDATE first; the ledger's locks cover only its own tables. A hook may run more
// than once for one command (the ledger retries a plan after a serialization failure), each time
// in a fresh transaction, so it must not act outside the database.
import type { Refusal } from "../../domain/ledger/checks.ts";
import type { Plan, TransactionStatus } from "../../domain/ledger/plan.ts";
import type { Db, Sql } from "../../store/db.ts";
import { type Applied, applyPlan, type Move } from "./apply.ts";

/** One transaction a plan creates or moves to a new status, as a hook sees it. */
export interface HookStep {
  readonly op: "create" | "transition";
  readonly id: string;
  readonly kind: string;
  /** The status the step leaves the transaction in. */
  readonly status: TransactionStatus;
  /** The person or system that started it (creations only; null for transitions). */
  readonly initiator: string | null;
  /** Who made this step (the approver of an approval; the initiator of a creation). */
  readonly actor: string | null;
  readonly batchId: string | null;
  readonly reverses: string | null;
  readonly legs: ReadonlyArray<{ classCode: string; from: string | null; to: string; quantity: bigint }>;
  /** Serial blocks moved by this step (none unless it completed): [leg, part, class, from, to, start, end]. */
  readonly moves: readonly Move[];
}

/** Returns null when the rule holds, or the refusal that rolls the whole plan back. */
export type KindHook = (sql: Sql, steps: readonly HookStep[], now: string) => Promise<Refusal | null>;

class HookRefused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
  }
}

class NotDone extends Error {
  constructor(readonly applied: Applied) {
    super(applied.kind);
  }
}

/** The hook steps of a plan for each kind that has hooks, in plan order. */
export function hookSteps(plan: Plan, moves: readonly (readonly Move[])[], kinds: ReadonlySet<string>): Map<string, HookStep[]> {
  const out = new Map<string, HookStep[]>();
  plan.steps.forEach((s, i) => {
    if (!kinds.has(s.kind)) return;
    const step: HookStep = {
      op: s.op,
      id: s.id,
      kind: s.kind,
      status: s.op === "create" ? s.status : s.to,
      initiator: s.op === "create" ? s.initiator : null,
      actor: s.actor,
      batchId: plan.batch?.id ?? null,
      reverses: s.reverses,
      legs: s.legs.map((l) => ({ classCode: l.cls.code, from: l.from, to: l.to, quantity: l.quantity })),
      moves: moves[i] ?? [],
    };
    const list = out.get(s.kind) ?? [];
    list.push(step);
    out.set(s.kind, list);
  });
  return out;
}

/**
 * Applies a plan; when some of its kinds have hooks, in one transaction with them (a refusal or an
 * unfinished apply rolls everything back). Errors other than refusals propagate unchanged, so the
 * caller's retry of serialization failures still works.
 */
export async function applyWithHooks(db: Db, plan: Plan, hooks: ReadonlyMap<string, readonly KindHook[]>): Promise<Applied> {
  const kinds = new Set(plan.steps.map((s) => s.kind).filter((k) => hooks.has(k)));
  if (kinds.size === 0) return applyPlan(db, plan);
  try {
    return await db.transaction(async (tx) => {
      const applied = await applyPlan(tx, plan);
      if (applied.kind !== "done") throw new NotDone(applied);
      for (const [kind, steps] of hookSteps(plan, applied.moves, kinds)) {
        for (const hook of hooks.get(kind) ?? []) {
          const refusal = await hook(tx, steps, plan.now);
          if (refusal) throw new HookRefused(refusal);
        }
      }
      return applied;
    });
  } catch (err) {
    if (err instanceof NotDone) return err.applied;
    if (err instanceof HookRefused) return { kind: "refused", refusal: err.refusal };
    throw err;
  }
}
