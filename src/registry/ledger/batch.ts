// Batches: one command that applies many transfers of one kind (a year's free allocation to
// thousands of installations, an auction's awards, the returns of a closing period) in one
// database transaction, all or nothing, idempotent by batch id. Each transfer is its own completed
// transaction (its own id, legs, movements and chain link), so per-installation records and
// reversals work as for any transaction; the batch row ties them together.
import { refuse, type Refusal } from "../../domain/ledger/checks.ts";
import { ACCOUNT_ID_PATTERN, checkId, CLASS_CODE_PATTERN, firstDifference, type Leg, parseQuantity } from "../../domain/ledger/commands.ts";
import { MAX_BATCH, type Plan, type PlanOptions, planBatch } from "../../domain/ledger/plan.ts";
import type { Db } from "../../store/db.ts";
import type { Applied } from "./apply.ts";
import { txIdFor } from "./ids.ts";
import { transactionsOfBatch } from "./reads.ts";
import { LedgerBusyError, MAX_ATTEMPTS } from "./retry.ts";
import { readSnapshot, type SeenRows } from "./snapshot.ts";
import type { BatchView, Result } from "./types.ts";
import { completedView } from "./views.ts";

export interface BatchTransferInput {
  /** The transfer's own idempotency key; default `<batchId>:<n>` (n from 1). */
  key?: string | undefined;
  classCode: string;
  from: string;
  to: string;
  quantity: string | number | bigint;
  note?: string | undefined;
}

export interface BatchInput {
  batchId: string;
  kind: string;
  transfers: BatchTransferInput[];
  initiator?: string | null | undefined;
}

export interface ValidTransfer {
  key: string;
  leg: Leg;
  note: string | null;
}

function validate(input: BatchInput): { batchId: string; kind: string; transfers: ValidTransfer[]; initiator: string | null } | Refusal {
  if (typeof input !== "object" || input === null) return refuse("FIELD_INVALID", "batch: must be an object", { field: "batch" });
  const idErr = checkId(input.batchId, "batchId");
  if (idErr) return idErr;
  if (typeof input.kind !== "string" || input.kind.length > 64) return refuse("FIELD_INVALID", "kind: must be a string", { field: "kind" });
  if (!Array.isArray(input.transfers) || input.transfers.length < 1 || input.transfers.length > MAX_BATCH) {
    const n = Array.isArray(input.transfers) ? input.transfers.length : 0;
    return refuse("BATCH_SIZE", `transfers: a batch carries 1 to ${MAX_BATCH} transfers, got ${n}`, { field: "transfers", count: n, max: MAX_BATCH });
  }
  const out: ValidTransfer[] = [];
  const keys = new Set<string>();
  for (const [i, t] of input.transfers.entries()) {
    const p = `transfers[${i}].`;
    if (typeof t !== "object" || t === null) return refuse("FIELD_INVALID", `transfers[${i}]: must be an object`, { field: `transfers[${i}]` });
    const key = t.key ?? `${input.batchId}:${i + 1}`;
    const e = checkId(key, `${p}key`) ?? checkId(t.classCode, `${p}classCode`, CLASS_CODE_PATTERN) ?? checkId(t.from, `${p}from`, ACCOUNT_ID_PATTERN) ?? checkId(t.to, `${p}to`, ACCOUNT_ID_PATTERN);
    if (e) return e;
    if (keys.has(key)) return refuse("REPLAY_DIFFERS", `${p}key: ${key} is used twice in the batch`, { field: `${p}key`, key });
    keys.add(key);
    const q = parseQuantity(t.quantity, `${p}quantity`);
    if (!q.ok) return q;
    if (t.note !== undefined && (typeof t.note !== "string" || t.note.length > 500)) return refuse("FIELD_INVALID", `${p}note: a string of at most 500 characters`, { field: `${p}note` });
    out.push({ key, leg: { classCode: t.classCode, from: t.from, to: t.to, quantity: q.value }, note: t.note ?? null });
  }
  const initiator = input.initiator ?? null;
  return { batchId: input.batchId, kind: input.kind, transfers: out, initiator };
}

/**
 * The request of one transfer of a batch, in the shape of a proposal's (so views and replays read
 * it alike), built in canonical form (keys sorted, quantity as a decimal string: what canonical()
 * would return), so a batch of 1,000 is not walked and copied again to sort its keys.
 */
export function transferRequest(kind: string, t: ValidTransfer, initiator: string | null, batchId: string): Record<string, unknown> {
  return {
    batch: batchId, beneficiary: null, hold: { approval: false, delayUntil: null }, initiator, kind,
    legs: [{ classCode: t.leg.classCode, from: t.leg.from, quantity: t.leg.quantity.toString(), to: t.leg.to }], note: t.note, purpose: null,
  };
}

/** The batch's own request, in canonical form (as transferRequest). */
export function batchRequest(kind: string, transfers: readonly ValidTransfer[], initiator: string | null): Record<string, unknown> {
  return {
    initiator, kind,
    transfers: transfers.map((t) => ({ classCode: t.leg.classCode, from: t.leg.from, key: t.key, note: t.note, quantity: t.leg.quantity.toString(), to: t.leg.to })),
  };
}

/** The pieces of the ledger's write path a batch uses. */
export interface BatchDeps {
  readonly db: Db;
  readonly options: PlanOptions;
  now(): string;
  readonly seen: SeenRows;
  apply(p: Plan, attempt: number): Promise<Applied | "retry">;
}

export async function runBatch(ledger: BatchDeps, input: BatchInput, scope: string): Promise<Result<BatchView>> {
  const v = validate(input);
  if ("ok" in v) return v;
  const batchId = txIdFor(scope, v.batchId);
  const request = batchRequest(v.kind, v.transfers, v.initiator);
  const now = ledger.now();
  const classes = [...new Set(v.transfers.map((t) => t.leg.classCode))];
  const accounts = [...new Set(v.transfers.flatMap((t) => [t.leg.from as string, t.leg.to]))];
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const prior = await priorBatch(ledger, batchId, v.batchId, request);
    if (prior) return prior;
    const snap = await readSnapshot(ledger.db, now, { classes, accounts });
    ledger.seen.remember(snap);
    const plan = planBatch(
      {
        id: batchId, scope, key: v.batchId, kind: v.kind, request, initiator: v.initiator,
        transfers: v.transfers.map((t) => ({ id: txIdFor(scope, t.key), key: t.key, leg: t.leg, request: transferRequest(v.kind, t, v.initiator, batchId) })),
      },
      snap,
      ledger.options,
    );
    if ("ok" in plan) return plan;
    const res = await ledger.apply(plan, attempt);
    if (res === "retry" || res.kind === "stale") continue;
    if (res.kind === "prior") {
      if (res.facts.batchId !== undefined) continue;
      const i = plan.steps.findIndex((s) => s.id === res.facts.transactionId);
      return refuse("REPLAY_DIFFERS", `transfers[${i}]: transaction ${plan.steps[i]?.op === "create" ? plan.steps[i].key : ""} exists outside this batch`, { field: `transfers[${i}].key`, transactionId: res.facts.transactionId });
    }
    if (res.kind === "refused") return res.refusal;
    const transactions = plan.steps.map((s, i) => (s.op === "create" ? completedView(s, now, res.moves[i] ?? []) : (undefined as never)));
    return { ok: true, value: { id: batchId, key: v.batchId, kind: v.kind, size: transactions.length, createdAt: now, transactions }, replayed: false };
  }
  throw new LedgerBusyError(`batch ${v.batchId}`);
}

async function priorBatch(ledger: BatchDeps, id: string, key: string, request: unknown): Promise<Result<BatchView> | undefined> {
  const r = await ledger.db.query<{ kind: string; request: unknown; size: number; created_at: string }>("SELECT kind, request, size, created_at FROM batches WHERE id = $1", [id]);
  const row = r.rows[0];
  if (!row) return undefined;
  const diff = firstDifference(request, row.request);
  if (diff) return refuse("REPLAY_DIFFERS", `batch ${key} was submitted with a different ${diff}`, { batchId: key, field: diff });
  const transactions = await transactionsOfBatch(ledger.db, id);
  return { ok: true, value: { id, key, kind: row.kind, size: row.size, createdAt: row.created_at, transactions }, replayed: true };
}

/** A batch as stored (its transactions in batch order), or undefined. */
export async function getBatch(db: Db, id: string): Promise<BatchView | undefined> {
  const r = await db.query<{ idem_key: string; kind: string; size: number; created_at: string }>("SELECT idem_key, kind, size, created_at FROM batches WHERE id = $1", [id]);
  const row = r.rows[0];
  if (!row) return undefined;
  return { id, key: row.idem_key, kind: row.kind, size: row.size, createdAt: row.created_at, transactions: await transactionsOfBatch(db, id) };
}
