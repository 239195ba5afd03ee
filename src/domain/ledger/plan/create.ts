// Planning a proposal: a new transaction of a kind, completed at once, held for approval or
// delayed, after the proposal's checks and every leg's.
import type { TransactionKind } from "../catalog.ts";
import { refuse, type Refusal } from "../checks.ts";
import type { Leg } from "../commands.ts";
import { CHECK_ORDER, type CheckFns, firstFailing } from "../order.ts";
import { basePlan, chainsOf, frozen, limitChecks, rulesOf } from "./common.ts";
import { checkLegs } from "./legs.ts";
import { withRegistryChecks } from "./registry-rules.ts";
import type { Plan, PlanOptions, Snapshot, TransactionStatus } from "./types.ts";

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
