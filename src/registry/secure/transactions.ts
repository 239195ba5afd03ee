// Transactions as callers make them: who may initiate, approve, reject, cancel and reverse; the
// hold the rulebook's security rules decide (four-eyes, the delay outside the trusted list, the
// transaction limits, business hours); the approval expiry; the scheduler's release of due
// transactions; batches. Every rule that decides whether units may move (earmarks, holding
// limits, the state of the transaction) is checked by the ledger inside the database transaction
// that moves them, so any number of server processes on one database keep it.
import type { TransactionKind } from "../../domain/ledger/catalog.ts";
import { refuse, type Refusal } from "../../domain/ledger/checks.ts";
import { canonical, firstDifference, type Leg, type LegInput, validatePropose } from "../../domain/ledger/commands.ts";
import { securityRefusal } from "../../domain/security/codes.ts";
import { type Caller, hasRole, type Principal } from "../../domain/security/roles.ts";
import { approvalExpiresAt, checkFourEyes, isApprovalExpired, planHold } from "../../domain/security/rules.ts";
import { type BatchTransferInput, type BatchView, type Result, type TransactionStatus, type TransactionView } from "../ledger/index.ts";
import { mayDecide, mayInitiate, scopeOf, visibleTx } from "./authorize.ts";
import { bad, isObj, ok, permit, type SecureCtx, str, targetOf } from "./context.ts";
import { accountFacts, accountLimits, activeTrusted } from "./store.ts";

/** A transaction as the security layer reports it. */
export interface SecureTransactionView extends TransactionView {
  /** "expired" when the system ended it for want of an approval in time. */
  securityStatus: TransactionStatus | "expired";
  /** When an awaiting transaction expires; null once decided. */
  approvalExpiresAt: string | null;
}

export interface InitiateInput {
  /** The caller's idempotency key (its own space: a representative's keys are theirs alone). */
  transactionId: string;
  /** Catalogue kind; default "transfer". */
  kind?: string | undefined;
  legs: LegInput[];
  purpose?: string | undefined;
  beneficiary?: string | undefined;
  note?: string | undefined;
}

export interface DecisionInput {
  transactionId: string;
  reason?: string | undefined;
}

/** The actor the system records when it ends an expired approval. */
export const EXPIRY_ACTOR = "system:approval-expiry";

export function secureView(ctx: SecureCtx, t: TransactionView): SecureTransactionView {
  const last = t.events[t.events.length - 1];
  const expired = last?.status === "rejected" && last.actor === EXPIRY_ACTOR;
  return {
    ...t,
    securityStatus: expired ? "expired" : t.status,
    approvalExpiresAt: t.status === "awaiting_approval" ? approvalExpiresAt(t.createdAt, ctx.config) : null,
  };
}

function wrap(ctx: SecureCtx, r: Result<TransactionView>): Result<SecureTransactionView> {
  return r.ok ? { ok: true, value: secureView(ctx, r.value), replayed: r.replayed } : r;
}

/** Representative (initiate right) of every source account, or a national administrator for administrative kinds. */
export async function initiate(ctx: SecureCtx, c: Caller, input: InitiateInput): Promise<Result<SecureTransactionView>> {
  const res = await ctx.audit.guard(c, "transaction.initiate", () => initiateInner(ctx, c, input));
  return ctx.audit.outcome(c, "transaction.initiate", res.ok ? res.value.id : targetOf(input, "transactionId", 128), res,
    res.ok ? { kind: res.value.kind, status: res.value.status, delayUntil: res.value.delayUntil, replayed: res.replayed, key: res.value.key } : {});
}

async function initiateInner(ctx: SecureCtx, c: Caller, input: InitiateInput): Promise<Result<SecureTransactionView>> {
  const p = c.principal;
  if (!isObj(input)) return bad("(body)", "must be an object");
  if (p.userId === null) return permit(p, "transfers:initiate") as Refusal;
  const kindCode = input.kind ?? "transfer";
  const v = validatePropose({
    transactionId: input.transactionId, kind: kindCode, legs: input.legs, initiator: p.userId, purpose: input.purpose, beneficiary: input.beneficiary, note: input.note,
  });
  if (!v.ok) return v;
  const kind = ctx.ledger.catalogue.kinds.get(v.value.kind);
  if (!kind) return refuse("KIND_UNKNOWN", `unknown transaction kind ${JSON.stringify(v.value.kind)}`, { field: "kind", kind: v.value.kind });
  const who = await mayInitiate(ctx, p, kind, v.value.legs);
  if (who) return who;
  const scope = scopeOf(p, kind);
  // A repeat answers the first result even when the hold would now differ (the trusted list, the
  // clock): the hold is the registry's decision, not part of what the caller sent.
  const replay = await replayOf(ctx, scope, v.value.transactionId, { ...v.value, hold: undefined });
  if (replay) return replay;
  const plan = planHold(await holdFacts(ctx, kind, v.value.legs), ctx.config);
  if (!plan.ok) return plan;
  const hold: { approval?: boolean; delayUntil?: string } = {};
  if (plan.value.approval) hold.approval = true;
  if (plan.value.delayUntil) hold.delayUntil = plan.value.delayUntil;
  return wrap(ctx, await ctx.ledger.propose({
    transactionId: v.value.transactionId, kind: kind.code, legs: input.legs, initiator: p.userId,
    ...(input.purpose !== undefined ? { purpose: input.purpose } : {}),
    ...(input.beneficiary !== undefined ? { beneficiary: input.beneficiary } : {}),
    ...(input.note !== undefined ? { note: input.note } : {}),
    hold,
  }, scope));
}

/** A repeated key in the caller's scope: the same content returns the first result, other content is refused. */
async function replayOf(ctx: SecureCtx, scope: string, key: string, request: Record<string, unknown>): Promise<Result<SecureTransactionView> | undefined> {
  const t = await ctx.ledger.getTransaction(ctx.ledger.idFor(scope, key));
  if (!t) return undefined;
  const stored = await ctx.db.query<{ request: Record<string, unknown> }>("SELECT request FROM transactions WHERE id = $1", [t.id]);
  const { hold: _h, ...prior } = stored.rows[0]?.request ?? {};
  const { transactionId: _t, hold: _h2, ...mine } = request;
  const diff = firstDifference(canonical(mine), canonical(prior));
  if (diff) return refuse("REPLAY_DIFFERS", `transaction ${key} was submitted with a different ${diff}`, { transactionId: key, field: diff });
  return { ok: true, value: secureView(ctx, t), replayed: true };
}

async function holdFacts(ctx: SecureCtx, kind: TransactionKind, legs: readonly Leg[]) {
  const sources = [...new Set(legs.flatMap((l) => (l.from === null ? [] : [l.from])))];
  const accounts = await accountFacts(ctx.db, legs.flatMap((l) => (l.from === null ? [l.to] : [l.from, l.to])));
  const trusted = await activeTrusted(ctx.db, sources, ctx.clock.now().toISOString());
  const sameHolder = ctx.config.trustedList.sameHolderTrusted;
  return {
    kind,
    legs,
    accountLimits: await accountLimits(ctx.db, sources),
    now: ctx.clock.now(),
    sourceTypes: new Map(sources.map((s) => [s, accounts.get(s)?.type ?? ""])),
    trusted: (from: string, to: string) => {
      if (trusted.get(from)?.has(to)) return true;
      const a = accounts.get(from);
      const b = accounts.get(to);
      return sameHolder && a !== undefined && b !== undefined && a.holder === b.holder;
    },
  };
}

/** Another representative (approve right) of the source accounts; four-eyes; expiry. Holding limits and earmarks are kept by the ledger. */
export async function approve(ctx: SecureCtx, c: Caller, input: DecisionInput): Promise<Result<SecureTransactionView>> {
  const res = await ctx.audit.guard(c, "transaction.approve", async (): Promise<Result<SecureTransactionView>> => {
    const t = await visibleTx(ctx, c.principal, input?.transactionId);
    if ("ok" in t) return t;
    const who = await mayDecide(ctx, c.principal, t);
    if (who) return who;
    const actor = c.principal.userId as string;
    if (t.status === "awaiting_approval") {
      if (isApprovalExpired(t.createdAt, ctx.clock.now(), ctx.config)) {
        await expire(ctx, c, t.id);
        return securityRefusal("APPROVAL_EXPIRED", `transaction ${t.id} was not approved by ${approvalExpiresAt(t.createdAt, ctx.config)} and has ended`, {
          transactionId: t.id, expiredAt: approvalExpiresAt(t.createdAt, ctx.config),
        });
      }
      const eyes = checkFourEyes(t.initiator, actor, ctx.config);
      if (eyes) return eyes;
    }
    return wrap(ctx, await ctx.ledger.approve({ transactionId: t.id, actor }));
  });
  return ctx.audit.outcome(c, "transaction.approve", targetOf(input, "transactionId", 128), res, res.ok ? { status: res.value.status } : {});
}

export async function reject(ctx: SecureCtx, c: Caller, input: DecisionInput): Promise<Result<SecureTransactionView>> {
  const res = await ctx.audit.guard(c, "transaction.reject", async (): Promise<Result<SecureTransactionView>> => {
    const t = await visibleTx(ctx, c.principal, input?.transactionId);
    if ("ok" in t) return t;
    const who = await mayDecide(ctx, c.principal, t);
    if (who) return who;
    if (input.reason !== undefined && !str(input.reason, 500)) return bad("reason", "must be 1 to 500 characters");
    return wrap(ctx, await ctx.ledger.reject({ transactionId: t.id, actor: c.principal.userId, ...(input.reason ? { reason: input.reason } : {}) }));
  });
  return ctx.audit.outcome(c, "transaction.reject", targetOf(input, "transactionId", 128), res);
}

/** Initiator or national administrator, while awaiting approval or delayed. */
export async function cancel(ctx: SecureCtx, c: Caller, input: DecisionInput): Promise<Result<SecureTransactionView>> {
  const res = await ctx.audit.guard(c, "transaction.cancel", async (): Promise<Result<SecureTransactionView>> => {
    const p = c.principal;
    const t = await visibleTx(ctx, p, input?.transactionId);
    if ("ok" in t) return t;
    const own = p.userId !== null && t.initiator === p.userId;
    const perm = own ? permit(p, ctx.ledger.catalogue.kinds.get(t.kind)?.administrative ? "admin:kinds" : "transfers:initiate") : permit(p, "transfers:cancel-any");
    if (perm) return own ? perm : securityRefusal("CANCEL_NOT_ALLOWED", `only the initiator (${t.initiator}) or a national administrator may cancel ${t.id}`, { initiator: t.initiator });
    if (input.reason !== undefined && !str(input.reason, 500)) return bad("reason", "must be 1 to 500 characters");
    return wrap(ctx, await ctx.ledger.cancel({ transactionId: t.id, actor: p.userId, ...(input.reason ? { reason: input.reason } : {}) }));
  });
  return ctx.audit.outcome(c, "transaction.cancel", targetOf(input, "transactionId", 128), res);
}

/**
 * Reversal of a completed transaction (national administrator). Like every kind needing approval
 * it waits, under four-eyes, for a second administrator (approve); it is a planned transaction of
 * the ledger, so the checks, the reversal window and the kind hooks run when it completes.
 */
export async function reverse(ctx: SecureCtx, c: Caller, input: { transactionId: string; reverses: string; reason?: string | undefined }): Promise<Result<SecureTransactionView>> {
  const res = await ctx.audit.guard(c, "transaction.reverse", async (): Promise<Result<SecureTransactionView>> => {
    const perm = hasRole(c.principal, "national-admin") ? permit(c.principal, "admin:kinds") : securityRefusal("PERMISSION_DENIED", "reversals are made by a national administrator", { permission: "admin:kinds" });
    if (perm) return perm;
    if (!isObj(input)) return bad("(body)", "must be an object");
    const approval = ctx.config.fourEyes && ctx.ledger.catalogue.kinds.get("reversal")?.approval === true;
    return wrap(ctx, await ctx.ledger.reverse({ ...input, actor: c.principal.userId }, "", { approval }));
  });
  return ctx.audit.outcome(c, "transaction.reverse", targetOf(input, "transactionId", 128), res);
}

/** A batch of one administrative kind that completes without approval (national administrator). */
export async function batch(ctx: SecureCtx, c: Caller, input: { batchId: string; kind: string; transfers: BatchTransferInput[] }): Promise<Result<BatchView>> {
  const res = await ctx.audit.guard(c, "transaction.batch", async (): Promise<Result<BatchView>> => {
    if (!isObj(input)) return bad("(body)", "must be an object");
    const p = c.principal;
    const kind = typeof input.kind === "string" ? ctx.ledger.catalogue.kinds.get(input.kind) : undefined;
    if (kind && !kind.administrative) return securityRefusal("KIND_NOT_ALLOWED", `${kind.code} is not an administrative kind; batches carry administrative kinds only`, { kind: kind.code });
    const perm = hasRole(p, "national-admin") ? permit(p, "admin:kinds") : securityRefusal("PERMISSION_DENIED", "batches are made by a national administrator", { permission: "admin:kinds" });
    if (perm) return perm;
    return ctx.ledger.batch({ batchId: input.batchId, kind: input.kind, transfers: input.transfers, initiator: p.userId });
  });
  return ctx.audit.outcome(c, "transaction.batch", res.ok ? res.value.id : targetOf(input, "batchId", 128), res,
    res.ok ? { kind: res.value.kind, size: res.value.size, replayed: res.replayed } : {});
}

async function expire(ctx: SecureCtx, c: Caller, txId: string): Promise<boolean> {
  const r = await ctx.ledger.reject({ transactionId: txId, actor: EXPIRY_ACTOR, reason: `approval expired after ${ctx.config.approvalExpiryHours} hours` });
  await ctx.audit.outcome(c, "transaction.expire", txId, r);
  return r.ok && !r.replayed;
}

function maySchedule(p: Principal): Refusal | undefined {
  return p.via === "system" || hasRole(p, "national-admin") ? permit(p, "admin:kinds") : securityRefusal("PERMISSION_DENIED", "only the scheduler or an administrator runs due work", {});
}

/** Ends every awaiting transaction whose approval window has passed; returns their ids. */
export async function expireDue(ctx: SecureCtx, c: Caller): Promise<Result<string[]>> {
  const perm = maySchedule(c.principal);
  if (perm) return perm;
  const cutoff = new Date(ctx.clock.now().getTime() - ctx.config.approvalExpiryHours * 3_600_000).toISOString();
  const out: string[] = [];
  for (const id of await ctx.ledger.awaitingIds(cutoff, 1000)) if (await expire(ctx, c, id)) out.push(id);
  return ok(out);
}

/**
 * The scheduler's tick: ends expired approvals, then completes each delayed transaction whose
 * delay has passed, one by one, each with every check under the ledger's locks (a transfer that
 * would now pass a holding limit, or whose units are gone, is rejected with the check's code).
 */
export async function releaseDue(ctx: SecureCtx, c: Caller): Promise<Result<Array<{ transactionId: string; result: Result<SecureTransactionView> }>>> {
  const exp = await expireDue(ctx, c);
  if (!exp.ok) return exp;
  const out: Array<{ transactionId: string; result: Result<SecureTransactionView> }> = [];
  for (const id of await ctx.ledger.dueIds(1000)) {
    const result = wrap(ctx, await ctx.ledger.release(id));
    await ctx.audit.outcome(c, "transaction.release", id, result);
    out.push({ transactionId: id, result });
  }
  return ok(out);
}
