// The auction rules the ledger keeps on every write (hooks, src/registry/ledger/hooks.ts), installed
// on every door by src/registry/scheme-rules.ts: an auction delivery is written only by the
// settlement batch of a cleared auction, delivering each award exactly once, with the payment
// record of each delivery and the split of the proceeds by the revenue table written in the same
// database transaction; and a settled delivery is final. The hooks lock the auction's row, so two
// settlements of one auction are serialized.
import { auctionRefusal } from "../../domain/auction/checks.ts";
import type { Refusal } from "../../domain/ledger/checks.ts";
import type { Sql } from "../../store/db.ts";
import type { HookStep, LedgerService } from "../ledger/index.ts";
import { recordRevenue } from "./revenue.ts";
import { appendEvent, auctionOfBatch, awardRows, loadAuction, resultRow } from "./store.ts";

const NOT_SETTLEMENT = (why: string, facts: Record<string, unknown>) =>
  auctionRefusal("DELIVERY_WITHOUT_SETTLEMENT", `an auction delivery is written only by an auction's settlement batch: ${why}`, facts);

/**
 * The rule on every auction_delivery write: the plan is the settlement batch of a cleared,
 * unsettled auction and delivers each award exactly once (source, class, destination, quantity);
 * the payment records are written beside the deliveries and the auction is marked settled.
 */
export async function deliveryHook(sql: Sql, steps: readonly HookStep[], now: string): Promise<Refusal | null> {
  const batchId = steps[0]?.batchId ?? null;
  const auctionId = batchId === null ? undefined : auctionOfBatch(batchId);
  if (batchId === null || auctionId === undefined) return NOT_SETTLEMENT(batchId === null ? "this one is not part of a batch" : `batch ${batchId} is not one`, { transactionId: steps[0]?.id ?? null, batchId });
  if (steps.some((s) => s.batchId !== batchId)) return NOT_SETTLEMENT("one plan carries two batches", { batchId });
  const a = await loadAuction(sql, auctionId, true);
  if (!a || (a.status !== "cleared" && a.status !== "undersubscribed")) return NOT_SETTLEMENT(a ? `auction ${auctionId} is ${a.status}` : `no auction ${auctionId}`, { batchId, auctionId });
  const awards = await awardRows(sql, auctionId);
  const price = (await resultRow(sql, auctionId))?.clearingPriceMinor ?? null;
  if (price === null) return NOT_SETTLEMENT(`auction ${auctionId} has no clearing price`, { auctionId });
  if (steps.length !== awards.length) return auctionRefusal("DELIVERY_MISMATCH", `the batch carries ${steps.length} deliveries; auction ${auctionId} has ${awards.length} awards`, { auctionId, deliveries: steps.length, awards: awards.length });
  const byAccount = new Map(awards.map((w) => [w.accountId, w]));
  const done = new Set<string>();
  let proceeds = 0n;
  for (const [i, s] of steps.entries()) {
    const leg = s.legs[0];
    const w = leg ? byAccount.get(leg.to) : undefined;
    const why =
      s.status !== "completed" ? `it is ${s.status}` :
      s.legs.length !== 1 || !leg ? "it has more than one leg" :
      leg.from !== a.auctionAccount ? `it leaves ${leg.from}, not the auction account ${a.auctionAccount}` :
      leg.classCode !== a.classCode ? `it carries ${leg.classCode}, not ${a.classCode}` :
      !w ? `${leg.to} won nothing in auction ${auctionId}` :
      done.has(w.bidder) ? `${w.bidder}'s award is delivered twice` :
      leg.quantity !== w.quantity ? `${leg.quantity} delivered, ${w.quantity} awarded` : null;
    if (why) return auctionRefusal("DELIVERY_MISMATCH", `transfers[${i}]: ${why}`, { field: `transfers[${i}]`, auctionId, transactionId: s.id });
    done.add((w as { bidder: string }).bidder);
    await sql.query(
      `INSERT INTO auction_payments (auction_id, bidder, account_id, transaction_id, batch_id, quantity, price_minor, amount_minor, currency, decimals, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [auctionId, (w as { bidder: string }).bidder, (leg as { to: string }).to, s.id, batchId, (leg as { quantity: bigint }).quantity, price, ((leg as { quantity: bigint }).quantity * price).toString(), a.currency, a.rules.priceDecimals, now],
    );
    proceeds += (leg as { quantity: bigint }).quantity * price;
  }
  await recordRevenue(sql, auctionId, batchId, proceeds, a.currency, a.rules.priceDecimals, now);
  await appendEvent(sql, auctionId, "settled", now, steps[0]?.initiator ?? null, { batchId, deliveries: steps.length });
  return null;
}

/** A settled delivery is final: a reversal of one is refused. */
export async function reversalHook(sql: Sql, steps: readonly HookStep[]): Promise<Refusal | null> {
  const originals = steps.map((s) => s.reverses).filter((x): x is string => x !== null);
  if (originals.length === 0) return null;
  const r = await sql.query<{ transaction_id: string; auction_id: string }>("SELECT transaction_id, auction_id FROM auction_payments WHERE transaction_id = ANY($1::text[]) LIMIT 1", [originals]);
  const hit = r.rows[0];
  return hit ? auctionRefusal("DELIVERY_FINAL", `${hit.transaction_id} delivered auction ${hit.auction_id}'s award against payment; it is not reversed`, { transactionId: hit.transaction_id, auctionId: hit.auction_id }) : null;
}

/** The auction rules every door keeps (one line in src/registry/scheme-rules.ts). */
export function installAuctionRules(ledger: LedgerService): void {
  ledger.onKind("auction_delivery", deliveryHook);
  ledger.onKind("reversal", (sql, steps) => reversalHook(sql, steps));
}

