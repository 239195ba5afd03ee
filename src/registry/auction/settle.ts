// Settlement: a cleared auction's awards delivered from the auction account to each winner's
// account in ONE ledger batch (kind auction_delivery, id `auction-settle.<auction>`), with the
// payment record of each delivery written by a hook on auction_delivery inside the database
// transaction that writes the batch (src/registry/ledger/hooks.ts). So a failure leaves nothing
// half done (no delivery without its payment, no payment without its delivery), settling twice
// settles once (the batch id), and no door, batch or retry can write an auction delivery that is
// not exactly an auction's award: the hook refuses any other. A second hook keeps settled
// deliveries final (no reversal). Reserve allowances sold in the auction reach the auction account
// first by a reserve release (four-eyes, proposed at the close); withheld allowances go to their
// reserve, and unsold ones where the rules send them, by transactions proposed here.
import { auctionRefusal } from "../../domain/auction/checks.ts";
import type { Refusal } from "../../domain/ledger/checks.ts";
import type { Caller } from "../../domain/security/roles.ts";
import type { Sql } from "../../store/db.ts";
import type { HookStep, LedgerService, Result } from "../ledger/index.ts";
import type { SecureTransactionView } from "../secure/index.ts";
import { cursorOf, rowsPage } from "../page-key.ts";
import { type AuctionCtx, bad, checkKey, mayAdminister, ok } from "./context.ts";
import { appendEvent, auctionOfBatch, type AuctionRow, awardRows, loadAuction, type PaymentRow, paymentRows, paymentTotals, reserveTxId, resultRow, settlementBatchId } from "./store.ts";

/** An administrative transaction an auction made or waits for (reserve release, withholding, unsold volume). */
export interface AuctionTransaction {
  role: "release" | "withhold" | "unsold";
  tier: string | null;
  transactionId: string;
  quantity: bigint;
  status: string | null;
  /** The refusal when the registry did not take the proposal. */
  refused: { code: number; check: string; message: string } | null;
}

/** How many payment records a settlement document shows; the rest page (GET .../settlement/payments). */
export const SETTLEMENT_PAYMENTS_SHOWN = 100;

export interface SettlementView {
  auctionId: string;
  batchId: string | null;
  settledAt: string | null;
  /** The payment records the caller may read (all, or a representative's own) and what they sum to. */
  totals: { payments: number; quantity: bigint; amountMinor: bigint };
  /** The first SETTLEMENT_PAYMENTS_SHOWN of those records in bidder order: never all of a large auction. */
  payments: PaymentRow[];
  /** The cursor of the payments list after those shown, null when they are all shown. */
  paymentsNextCursor: string | null;
  transactions: AuctionTransaction[];
}

// ---------------------------------------------------------------- reserve and unsold transactions

/** The administrative transactions an auction's result calls for, as legs (before they are proposed). */
export async function plannedTransactions(sql: Sql, a: AuctionRow): Promise<Array<{ role: AuctionTransaction["role"]; tier: string | null; id: string; kind: string; from: string; to: string; quantity: bigint }>> {
  const res = await resultRow(sql, a.id);
  if (!res || res.status === "cancelled") return [];
  const out: Array<{ role: AuctionTransaction["role"]; tier: string | null; id: string; kind: string; from: string; to: string; quantity: bigint }> = [];
  const reserves = (res.statement.reserves ?? []) as Array<{ id: string; direction: string; sold: string; withheld: string }>;
  for (const t of reserves) {
    const account = a.reserveAccounts[t.id];
    if (!account) continue;
    const tier = t.id.replace(/[^A-Za-z0-9._-]/g, "-");
    if (BigInt(t.sold) > 0n) out.push({ role: "release", tier: t.id, id: reserveTxId(a.id, "release", tier), kind: "reserve_release", from: account, to: a.auctionAccount, quantity: BigInt(t.sold) });
    if (BigInt(t.withheld) > 0n) out.push({ role: "withhold", tier: t.id, id: reserveTxId(a.id, "withhold", tier), kind: "reserve_intake", from: a.auctionAccount, to: account, quantity: BigInt(t.withheld) });
  }
  const unsold = BigInt((res.statement.unsold as string | undefined) ?? "0");
  if (unsold > 0n && a.unsoldAccount && (a.rules.unsoldTo === "reserve" || a.rules.unsoldTo === "retire")) {
    out.push({ role: "unsold", tier: null, id: reserveTxId(a.id, "unsold"), kind: a.rules.unsoldTo === "reserve" ? "reserve_intake" : "mandatory_cancellation", from: a.auctionAccount, to: a.unsoldAccount, quantity: unsold });
  }
  return out;
}

/** Proposes (once: the ids are the auction's) the transactions of `roles`, as the caller; what became of each. */
export async function proposeTransactions(ctx: AuctionCtx, c: Caller, a: AuctionRow, roles: ReadonlySet<AuctionTransaction["role"]>): Promise<AuctionTransaction[]> {
  const out: AuctionTransaction[] = [];
  for (const p of await plannedTransactions(ctx.db, a)) {
    if (!roles.has(p.role)) continue;
    const existing = await ctx.registry.ledger.getTransaction(p.id);
    let status: string | null = existing?.status ?? null;
    let refused: AuctionTransaction["refused"] = null;
    if (!existing) {
      const r = await ctx.registry.initiate(c, { transactionId: p.id, kind: p.kind, legs: [{ classCode: a.classCode, from: p.from, to: p.to, quantity: p.quantity.toString() }], note: `auction ${a.id}: ${p.role}${p.tier ? ` (${p.tier})` : ""}` });
      if (r.ok) status = (r.value as SecureTransactionView).status;
      else refused = { code: r.code, check: r.check, message: r.message };
    }
    out.push({ role: p.role, tier: p.tier, transactionId: p.id, quantity: p.quantity, status, refused });
  }
  return out;
}

/** The auction's transactions as they stand, without proposing anything. */
export async function auctionTransactions(ctx: AuctionCtx, a: AuctionRow): Promise<AuctionTransaction[]> {
  const out: AuctionTransaction[] = [];
  for (const p of await plannedTransactions(ctx.db, a)) {
    const t = await ctx.registry.ledger.getTransaction(p.id);
    out.push({ role: p.role, tier: p.tier, transactionId: p.id, quantity: p.quantity, status: t?.status ?? null, refused: null });
  }
  return out;
}

// ---------------------------------------------------------------- settle

/**
 * The settlement document of an auction: the payments of `accounts` only when named (a
 * representative's), their totals, the first of them and the cursor of the rest, and the
 * auction's reserve transactions.
 */
export async function settlementOf(ctx: AuctionCtx, a: AuctionRow, accounts?: readonly string[]): Promise<SettlementView> {
  const settled = a.events.find((e) => e.status === "settled");
  const all = await paymentTotals(ctx.db, a.id);
  const totals = accounts === undefined ? all : await paymentTotals(ctx.db, a.id, accounts);
  const batch = all.payments > 0 ? settlementBatchId(a.id) : null;
  const first = rowsPage(await paymentRows(ctx.db, a.id, accounts, { take: SETTLEMENT_PAYMENTS_SHOWN + 1 }), SETTLEMENT_PAYMENTS_SHOWN, (p) => p.bidder);
  return {
    auctionId: a.id, batchId: batch, settledAt: settled?.at ?? null, totals, payments: first.items, paymentsNextCursor: first.next === null ? null : cursorOf(first.next),
    transactions: await auctionTransactions(ctx, a),
  };
}

/**
 * Settles a cleared auction (national administrator): its reserve releases must be completed;
 * the awards go in one batch with their payment records; withheld and unsold allowances then go
 * where the rules say. Settling again answers the first settlement (replayed).
 */
export async function settleAuction(ctx: AuctionCtx, c: Caller, auctionId: string, input: { commandId?: string | undefined } = {}): Promise<Result<SettlementView>> {
  const perm = mayAdminister(c, "settling an auction");
  if (perm) return perm;
  if (typeof input !== "object" || input === null) return bad("(body)", "must be an object");
  if (input.commandId !== undefined) {
    const e = checkKey(input.commandId);
    if (e) return e;
  }
  const res = await settleInner(ctx, c, auctionId);
  return ctx.registry.audit.outcome(c, "auction.settle", auctionId.slice(0, 64), res, res.ok ? { payments: res.value.totals.payments, replayed: res.replayed } : {});
}

async function settleInner(ctx: AuctionCtx, c: Caller, auctionId: string): Promise<Result<SettlementView>> {
  const a = await loadAuction(ctx.db, auctionId);
  if (!a) return auctionRefusal("AUCTION_UNKNOWN", `no auction ${auctionId}`, { auctionId });
  if (a.status === "settled") return ok(await settlementOf(ctx, a), true);
  if (a.status === "open" || a.status === "cancelled") return auctionRefusal("NOT_SETTLEABLE", `auction ${auctionId} is ${a.status}: ${a.status === "open" ? "close it first" : "a cancelled auction sells nothing"}`, { auctionId, status: a.status });
  for (const t of await proposeTransactions(ctx, c, a, new Set(["release"]))) {
    if (t.status !== "completed") {
      return auctionRefusal("RESERVE_RELEASE_PENDING", `the release of ${t.quantity} reserve allowances (${t.tier}) is ${t.status ?? `refused (${t.refused?.code} ${t.refused?.check})`}: transaction ${t.transactionId}`, {
        auctionId, transactionId: t.transactionId, status: t.status, ...(t.refused ? { refusal: t.refused } : {}),
      });
    }
  }
  const awards = await awardRows(ctx.db, auctionId);
  if (awards.length === 0) {
    // nothing was sold: the auction is settled with no delivery
    await ctx.db.transaction(async (tx) => {
      const locked = await loadAuction(tx, auctionId, true);
      if (locked && (locked.status === "cleared" || locked.status === "undersubscribed")) await appendEvent(tx, auctionId, "settled", ctx.now(), c.principal.userId, { deliveries: 0 });
    });
  } else {
    const r = await ctx.registry.batch(c, {
      batchId: settlementBatchId(auctionId),
      kind: "auction_delivery",
      transfers: awards.map((w) => ({ classCode: a.classCode, from: a.auctionAccount, to: w.accountId, quantity: w.quantity.toString(), note: `auction ${auctionId}: ${w.bidder}` })),
    });
    if (!r.ok) {
      // another administrator's settlement of the same auction won the race (its batch has the
      // same id, another initiator): the auction is settled, once; answer that settlement
      const now = await loadAuction(ctx.db, auctionId);
      if (now?.status === "settled") return ok(await settlementOf(ctx, now), true);
      return r;
    }
  }
  const after = (await loadAuction(ctx.db, auctionId)) as AuctionRow;
  await proposeTransactions(ctx, c, after, new Set(["withhold", "unsold"]));
  return ok(await settlementOf(ctx, after));
}
