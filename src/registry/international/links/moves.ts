// The link's own moves of units (docs/concepts/linked-registries.md): the system's transactions
// straight through the ledger (the people's decisions were made when the link was configured and
// the escrow approved), each after its intent (../intents.ts) so the link hooks (hooks.ts) write the
// transfer's row in the same database transaction. One transfer's move is one transaction; the
// moves of several transfers of one message (their deliveries, returns or credits) go as one ledger
// batch, each still its own transaction with its own id, and fall back to one at a time when the
// batch is refused (one transfer settled meanwhile, one refused by a rule): the batch is an
// optimisation, never a condition of the outcome.
import { createHash } from "node:crypto";
import type { FaultStep } from "./faults.ts";
import type { Clock } from "../../../platform/clock.ts";
import type { Db } from "../../../store/db.ts";
import type { Result } from "../../ledger/index.ts";
import type { SecureRegistry } from "../../secure/index.ts";
import { type Intent, putIntent, putIntents } from "../intents.ts";
import { LINK_SYSTEM } from "./config.ts";
import type { InboundRow } from "./store.ts";

export const hashId = (...parts: string[]) => createHash("sha256").update(parts.join("\n")).digest("hex").slice(0, 24).toUpperCase();
/** Ledger ids of the system's moves of a transfer (stable, so a repeat is the same transaction). */
export const moveId = (what: "deliver" | "return" | "in" | "credit", linkId: string, transferId: string) => `link-${what}-${hashId(linkId, transferId)}`;

export interface LinkServiceOptions {
  /** How messages reach the peer (global fetch by default; tests may route to an app in process). */
  fetch?: (url: string, init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal }) => Promise<Response>;
  /** Called at each named step; the server wires it to OPENETS_LINK_FAULT in test mode only. */
  fault?: (step: FaultStep, transferId: string) => void;
  timeoutMs?: number;
}

/** What the sender's and the receiver's halves share. */
export interface LinkCtx {
  readonly reg: SecureRegistry;
  readonly db: Db;
  readonly clock: Clock;
  readonly opts: LinkServiceOptions;
  /** Hands accepted transfers to the background credits (credits.ts); without it the receiver credits before answering. */
  readonly owe?: (rows: readonly InboundRow[]) => void;
  /** Aborted when the service shuts down: a message still waiting for the peer's answer gives up at once (its transfers stay escrowed, for recovery). */
  readonly stopping?: AbortSignal;
}

export const nowOf = (ctx: LinkCtx) => ctx.clock.now().toISOString();
export const fault = (ctx: LinkCtx, step: FaultStep, transferIds: readonly string[]) => {
  for (const id of transferIds) ctx.opts.fault?.(step, id);
};

export interface Leg {
  classCode: string;
  from: string | null;
  to: string;
  quantity: bigint;
}

/** One move (one transaction of one or more legs) after its intent. */
export async function move(ctx: LinkCtx, id: string, kind: string, legs: readonly Leg[], intent: Intent): Promise<Result<unknown>> {
  const put = await putIntent(ctx.db, id, intent, nowOf(ctx));
  if (put) return put;
  return ctx.reg.ledger.propose({ transactionId: id, kind, initiator: LINK_SYSTEM.principal.userId, legs: legs.map((l) => ({ ...l, quantity: l.quantity.toString() })) });
}

/** Several one-leg moves of one kind, each its own transaction after its own intent, as one ledger batch (id from theirs). */
export async function moveBatch(ctx: LinkCtx, what: string, kind: string, items: ReadonlyArray<{ id: string; leg: Leg & { from: string }; intent: Intent }>): Promise<Result<unknown>> {
  const put = await putIntents(ctx.db, items.map((x) => ({ txId: x.id, intent: x.intent })), nowOf(ctx));
  if (put) return put;
  return ctx.reg.ledger.batch({
    batchId: `link-${what}-b-${hashId(...items.map((x) => x.id))}`, kind, initiator: LINK_SYSTEM.principal.userId,
    transfers: items.map((x) => ({ key: x.id, classCode: x.leg.classCode, from: x.leg.from, to: x.leg.to, quantity: x.leg.quantity.toString() })),
  });
}
