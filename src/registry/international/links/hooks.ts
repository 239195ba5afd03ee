// Linked registries' side of the ledger's writes (../hooks.ts dispatches the link intents here).
// Each runs inside the database transaction that moves the units, so a transfer's row and its units
// never disagree, whatever crashes when:
//   sender   escrow  (external_transfer source -> the escrow slot the transfer holds): at completion,
//                    the outbox row with the message to propose (the serials that left the source);
//                    a slot holds one transfer's units at a time, so a settlement moves exactly them;
//            deliver (link_delivery escrow -> the link's sent account): after the receiver's
//                    accepted answer; the row becomes delivered, and for ITMOs the Article 6 book
//                    records the international transfer (and the first transfer, when it is one)
//                    here, once, since the delivery is one ledger transaction;
//            return  (forwarding escrow -> source): after the receiver's refusal; returned. Both
//                    free the slot. Settlements of one answer message go as one ledger batch.
//   receiver receive (issuance into the link's inbound account, one leg per accepted transfer of
//                    a message): the decisions of the whole message, accepted AND refused, in
//                    one statement, unique per (link, transfer); a transfer decided before
//                    refuses the whole receipt (the receiver reads the decisions and goes on);
//            credit  (forwarding inbound -> destination, one per transfer, a message's credits
//                    as one batch): marks the decision credited, once.
import { decide } from "../../../domain/international/article6/book.ts";
import { intlRefusal, type Refusal } from "../../../domain/international/codes.ts";
import type { ProposeBody } from "../../../domain/international/link.ts";
import type { HookStep } from "../../ledger/index.ts";
import { importArticle6 } from "../book-import.ts";
import { bookBlocks, movedRuns } from "../book-moves.ts";
import { recordedInternational, rulesByParty } from "../config.ts";
import { bookTracksAny, dateOf, type HookCtx } from "../hooks-article6.ts";
import type { Intent } from "../intents.ts";
import { exportArticle6 } from "./article6-payload.ts";
import { creditInbounds, freeSlot, getLink, getOutboundsLocked, type InboundRow, insertInbounds, settleOutbounds } from "./store.ts";

/** The Article 6 record id of a linked transfer. */
export const linkRecordId = (linkId: string, transferId: string) => `link:${linkId}:${transferId}`;

const single = (step: HookStep) => (step.legs.length === 1 ? step.legs[0] : undefined);

/** Whether the Article 6 book tracks units of any class these steps move (one statement for all). */
async function tracksAny(ctx: HookCtx, steps: readonly HookStep[]): Promise<boolean> {
  const classes = [...new Set(steps.flatMap((s) => s.legs.map((l) => l.classCode)))];
  return bookTracksAny(ctx.sql, classes);
}

/** Whether the class's units are tracked by the Article 6 book (ITMOs), and if so the book's decision on sending these moves to the peer. */
async function a6Transfer(ctx: HookCtx, step: HookStep, linkId: string, transferId: string, append: boolean, known = false): Promise<Refusal | null> {
  if (!known && !(await tracksAny(ctx, [step]))) return null;
  const link = await getLink(ctx.sql, linkId);
  const recorded = (await recordedInternational(ctx.sql)).rules;
  const party = recorded?.article6?.party;
  if (!party || !link?.peerParty) {
    return intlRefusal("RULES_MISSING", `ITMOs cross link ${linkId} only when this registry has an Article 6 Party (international.article6) and the link names the peer's Party`, { rule: "international.article6.party", linkId });
  }
  await ctx.book.lock(ctx.sql);
  const view = await ctx.book.load(ctx.sql);
  const blocks = bookBlocks(view.state, step.moves);
  if (blocks.tracked.length === 0) return null;
  const d = decide(view.state, { type: "transfer", id: linkRecordId(linkId, transferId), date: dateOf(ctx.now), from: party, to: link.peerParty, blocks: blocks.tracked }, rulesByParty(recorded));
  if (!d.ok) return d;
  if (append) await ctx.book.append(ctx.sql, d.value, { txId: step.id, origin: "local", at: ctx.now });
  return null;
}

/** The escrow: at every step, the leg goes to the transfer's escrow account; at completion, the outbox row. */
export async function linkEscrow(ctx: HookCtx, step: HookStep, intent: Intent): Promise<Refusal | null> {
  const b = intent.body as { linkId: string; transferId: string; escrowAccount: string; destination: string; message: Omit<ProposeBody, "serials" | "quantity"> };
  const leg = single(step);
  if (!leg || leg.to !== b.escrowAccount || leg.from === null) return intlRefusal("LINK_UNKNOWN", `a linked transfer moves one leg into its escrow account ${b.escrowAccount}`, { linkId: b.linkId, transferId: b.transferId });
  // An escrow that ends without moving units gives its slot back.
  if (step.status === "rejected" || step.status === "cancelled") {
    await freeSlot(ctx.sql, b.escrowAccount, b.transferId, ctx.now);
    return null;
  }
  if (step.status !== "completed") return null;
  const moved = movedRuns(step.moves).get(leg.classCode) ?? [];
  const serials = moved.map((r) => ({ start: r.start.toString(), end: r.end.toString() }));
  const row = (message: ProposeBody) => [b.linkId, b.transferId, step.id, b.escrowAccount, leg.from, b.destination, leg.classCode, leg.quantity, JSON.stringify(serials), JSON.stringify(message), ctx.now];
  const plain: ProposeBody = { ...b.message, quantity: leg.quantity.toString(), serials };
  // One statement while the escrow's locks are held: the slot must still be this transfer's (a retried command whose slot
  // went to another transfer is refused; an escrow account of one transfer, made before slots, has no slot row), and units
  // the Article 6 book tracks nowhere (plain and JCM credits) carry no facts, so their outbox row is written at once.
  const r = (await ctx.sql.query<{ other: boolean; tracked: boolean }>(
    `WITH slot AS (SELECT transfer_id FROM intl_link_slots WHERE account_id = $4 FOR UPDATE),
          other AS (SELECT EXISTS (SELECT 1 FROM slot WHERE transfer_id IS DISTINCT FROM $2) AS v),
          tracked AS (SELECT EXISTS (SELECT 1 FROM intl_book WHERE kind = 'issuance' AND record->>'series' = $7) AS v),
          ins AS (
            INSERT INTO intl_link_outbound (link_id, transfer_id, escrow_tx, escrow_account, source, destination, class_code, quantity, serials, message, status, created_at, updated_at)
            SELECT $1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::int8, $9::jsonb, $10::jsonb, 'escrowed', $11::timestamptz, $11::timestamptz WHERE NOT (SELECT v FROM other) AND NOT (SELECT v FROM tracked)
            RETURNING 1)
     SELECT (SELECT v FROM other) AS other, (SELECT v FROM tracked) AS tracked, (SELECT count(*) FROM ins) AS written`,
    row(plain),
  )).rows[0];
  if (r?.other) return intlRefusal("LINK_STATE", `escrow slot ${b.escrowAccount} holds another transfer now; send again with a new commandId`, { linkId: b.linkId, transferId: b.transferId });
  if (!r?.tracked) return null;
  // ITMOs: the Article 6 book must allow the transfer now (it records it at delivery), and its facts travel in the message.
  const refused = await a6Transfer(ctx, step, b.linkId, b.transferId, false, true);
  if (refused) return refused;
  const article6 = await exportArticle6(ctx, { linkId: b.linkId, step });
  await ctx.sql.query(
    `INSERT INTO intl_link_outbound (link_id, transfer_id, escrow_tx, escrow_account, source, destination, class_code, quantity, serials, message, status, created_at, updated_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,'escrowed',$11,$11)`,
    row({ ...plain, ...(article6 ? { article6 } : {}) }),
  );
  return null;
}

/** A transfer's move in a batch of the link's moves: its step and the intent naming the transfer. */
export interface LinkMove {
  step: HookStep;
  intent: Intent;
}

/**
 * The settlements of a plan (one transfer's, or a batch of a message's): each delivered after an
 * accepted answer or returned after a refusal, once. The statements are per plan, not per
 * transfer: the rows read and locked in one, marked settled in one, their slots freed in one (the
 * Article 6 decision of ITMOs stays per delivery, in step order).
 */
export async function linkSettle(ctx: HookCtx, moves: readonly LinkMove[]): Promise<Refusal | null> {
  if (moves.length === 0) return null;
  const keys = moves.map((m) => m.intent.body as { linkId: string; transferId: string });
  const rows = await getOutboundsLocked(ctx.sql, keys);
  const done: Array<{ linkId: string; transferId: string; status: "delivered" | "returned"; tx: string; escrowAccount: string }> = [];
  const deliveries: Array<{ step: HookStep; linkId: string; transferId: string }> = [];
  for (const [i, m] of moves.entries()) {
    const { linkId, transferId } = keys[i] as { linkId: string; transferId: string };
    const out = rows.get(`${linkId}\n${transferId}`);
    if (!out) return intlRefusal("LINK_UNKNOWN", `no transfer ${transferId} on link ${linkId}`, { linkId, transferId });
    const delivering = m.intent.kind === "link-deliver";
    const want = delivering ? "accepted" : "refused";
    const leg = single(m.step);
    if (out.status !== "escrowed" || out.answer?.body.decision !== want || !leg || leg.from !== out.escrowAccount || leg.quantity !== out.quantity || (!delivering && leg.to !== out.source)) {
      return intlRefusal("LINK_STATE", `transfer ${transferId} on link ${linkId} is ${out.status} with answer ${out.answer?.body.decision ?? "none"}: it cannot be ${delivering ? "delivered" : "returned"}`, { linkId, transferId, status: out.status });
    }
    if (m.step.status !== "completed") continue;
    if (delivering) deliveries.push({ step: m.step, linkId, transferId });
    done.push({ linkId, transferId, status: delivering ? "delivered" : "returned", tx: m.step.id, escrowAccount: out.escrowAccount });
  }
  if (deliveries.length > 0 && (await tracksAny(ctx, deliveries.map((d) => d.step)))) {
    for (const d of deliveries) {
      const refused = await a6Transfer(ctx, d.step, d.linkId, d.transferId, true);
      if (refused) return refused;
    }
  }
  await settleOutbounds(ctx.sql, done, ctx.now);
  return null;
}

/** One transfer of a receipt's intent: what the receiver decided on it, and what it needs to record. */
export interface ReceiptEntry {
  transferId: string;
  digest: string;
  destination: string;
  classCode: string;
  quantity: string;
  originSerials: Array<{ start: string; end: string }>;
  /** The Article 6 facts the sender put in the proposal (ITMOs), imported with the receipt; null for other units. */
  article6?: unknown;
  /** Null for an accepted transfer (the receipt's leg of the same index), the refusal otherwise. */
  refusal: { code: number; check: string; message: string } | null;
}

/** The body of a receipt's intent: the decisions of one proposal message; the accepted ones are the receipt's legs, in order. */
export interface ReceiptIntent {
  linkId: string;
  accepted: ReceiptEntry[];
  refused: ReceiptEntry[];
}

/** The rows of a message's decisions: the accepted ones with the local serials the receipt issued them (null without a receipt). */
export function decisionRows(b: ReceiptIntent, receipt: { id: string; moves: HookStep["moves"] } | null): Array<Omit<InboundRow, "decidedAt" | "creditTx" | "creditedAt">> {
  const row = (e: ReceiptEntry) => ({
    linkId: b.linkId, transferId: e.transferId, digest: e.digest, classCode: e.classCode, quantity: BigInt(e.quantity), destination: e.destination, originSerials: e.originSerials,
  });
  const out: Array<Omit<InboundRow, "decidedAt" | "creditTx" | "creditedAt">> = b.refused.map((e) => ({ ...row(e), decision: "refused" as const, refusal: e.refusal, receiptTx: null, localStart: null, localEnd: null }));
  // An issuance hands out one contiguous run per leg: the runs in leg order are the accepted transfers'.
  const runs = [...(receipt?.moves ?? [])].sort((x, y) => x[0] - y[0]);
  if (b.accepted.length > 0 && (!receipt || runs.length !== b.accepted.length)) throw new Error(`the receipt issued ${runs.length} runs for ${b.accepted.length} transfers`);
  for (const [i, e] of b.accepted.entries()) {
    const move = runs[i];
    if (!receipt || !move) throw new Error(`the receipt issued no run for leg ${i}`);
    out.push({ ...row(e), decision: "accepted", refusal: null, receiptTx: receipt.id, localStart: BigInt(move[5]), localEnd: BigInt(move[6]) });
  }
  return out;
}

/** The receiver's decisions on a message: the issuance of its accepted transfers into the inbound account records them all, refused ones too, once. */
export async function linkReceive(ctx: HookCtx, step: HookStep, intent: Intent): Promise<Refusal | null> {
  const b = intent.body as unknown as ReceiptIntent;
  if (step.status !== "completed") return intlRefusal("LINK_STATE", "a linked receipt completes at once", { linkId: b.linkId });
  if (step.legs.length !== b.accepted.length || b.accepted.some((e, i) => step.legs[i]?.classCode !== e.classCode || step.legs[i]?.quantity !== BigInt(e.quantity))) {
    throw new Error("a linked receipt issues one leg per accepted transfer, in order");
  }
  const rows = decisionRows(b, { id: step.id, moves: step.moves });
  const made = await insertInbounds(ctx.sql, rows, ctx.now);
  if (made !== rows.length) return intlRefusal("LINK_DECIDED", `a transfer of this message on link ${b.linkId} was decided before`, { linkId: b.linkId });
  // The Article 6 records of ITMOs, in the receipt's transaction: a transfer whose facts are refused
  // refuses the receipt, and the receiver then decides the message's transfers one at a time.
  for (const r of rows) {
    const e = b.accepted.find((a) => a.transferId === r.transferId);
    if (r.decision !== "accepted" || !e || r.localStart === null || r.localEnd === null) continue;
    const refused = await importArticle6(ctx, e.article6, { txId: step.id, linkId: b.linkId, transferId: e.transferId, series: e.classCode, localStart: r.localStart, localEnd: r.localEnd, originSerials: e.originSerials });
    if (refused) return refused;
  }
  return null;
}

/** The receiver's credits of accepted transfers to their destinations (one transfer's, or a batch of a message's), each once, marked in one statement. */
export async function linkCredit(ctx: HookCtx, moves: readonly LinkMove[]): Promise<Refusal | null> {
  if (moves.length === 0) return null;
  const keys = moves.map((m) => m.intent.body as { linkId: string; transferId: string });
  const first = keys[0] as { linkId: string; transferId: string };
  if (moves.some((m) => m.step.status !== "completed")) return intlRefusal("LINK_STATE", "a linked credit completes at once", first);
  const marked = await creditInbounds(ctx.sql, moves.map((m, i) => ({ ...(keys[i] as { linkId: string; transferId: string }), tx: m.step.id })), ctx.now);
  const missing = keys.find((k) => !marked.has(`${k.linkId}\n${k.transferId}`));
  if (missing) return intlRefusal("LINK_STATE", `transfer ${missing.transferId} on link ${missing.linkId} is not an accepted transfer awaiting its credit`, { linkId: missing.linkId, transferId: missing.transferId });
  return null;
}
