// Planning a batch: up to MAX_BATCH single-leg transfers of one kind, each its own completed
// transaction, applied all together or not at all.
import type { TransactionKind } from "../catalog.ts";
import { refuse, type Refusal } from "../checks.ts";
import type { Leg } from "../commands.ts";
import { CHECK_ORDER, type CheckFns, firstFailing } from "../order.ts";
import { basePlan, chainsOf, frozen, limitChecks, rulesOf } from "./common.ts";
import { checkLegs } from "./legs.ts";
import { withRegistryChecks } from "./registry-rules.ts";
import type { CreateStep, Plan, PlanLeg, PlanOptions, Snapshot } from "./types.ts";

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
