// The sender's half of a linked transfer after its escrow (docs/concepts/linked-registries.md):
// the ready transfers of a link are COALESCED into flights. One flight per link runs at a time; the
// transfers that become ready meanwhile (concurrent sends, recovery) wait for the next, which takes
// up to MAX_LINK_BATCH of them. A flight proposes its unanswered transfers in one signed message,
// keeps the peer's signed answer once and each transfer's decision from it, then settles: the
// accepted ones delivered (escrow -> the link's sent account) and the refused ones returned
// (escrow -> source), each group as one ledger batch. Every step is idempotent per transfer, so a
// flight cut anywhere is finished by the next (recovery's) flight; coalescing only decides which
// transfers share a message, never an outcome.
import { MAX_LINK_BATCH, readAnswerMessage, type AnswerBody } from "../../../domain/international/link.ts";
import { type Envelope, readEnvelope, seal, verifySeal } from "./crypto.ts";
import { LINK_SYSTEM, sentAccountOf } from "./config.ts";
import { fault, type LinkCtx, move, moveBatch, moveId, nowOf } from "./moves.ts";
import { getLink, getOutbounds, getSelf, noteAttempt, type OutboundRow, saveAnswers } from "./store.ts";

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

/** Flights of each link, one at a time per link, of at most MAX_LINK_BATCH transfers. */
export class Flights {
  private readonly links = new Map<string, { waiting: Map<string, Waiter[]>; running: boolean }>();

  constructor(private readonly fly: (linkId: string, transferIds: string[]) => Promise<void>) {}

  /** Resolves when a flight that started after this call took each of the transfers and ended (rejects with its error). */
  async push(linkId: string, transferIds: readonly string[]): Promise<void> {
    let q = this.links.get(linkId);
    if (!q) {
      q = { waiting: new Map(), running: false };
      this.links.set(linkId, q);
    }
    const queue = q;
    const done = Promise.all(transferIds.map((id) => new Promise<void>((resolve, reject) => {
      queue.waiting.set(id, [...(queue.waiting.get(id) ?? []), { resolve, reject }]);
    })));
    if (!queue.running) void this.run(linkId, queue);
    await done;
  }

  private async run(linkId: string, q: { waiting: Map<string, Waiter[]>; running: boolean }): Promise<void> {
    q.running = true;
    try {
      while (q.waiting.size > 0) {
        const ids = [...q.waiting.keys()].slice(0, MAX_LINK_BATCH);
        const waiters = ids.flatMap((id) => {
          const w = q.waiting.get(id) ?? [];
          q.waiting.delete(id);
          return w;
        });
        try {
          await this.fly(linkId, ids);
          for (const w of waiters) w.resolve();
        } catch (err) {
          for (const w of waiters) w.reject(err);
        }
      }
    } finally {
      q.running = false;
    }
  }
}

const byCreation = (a: OutboundRow, b: OutboundRow) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.transferId < b.transferId ? -1 : 1);

/** One flight: propose what has no answer (one message), record the answers, settle what has one. Never throws for the peer's failures. */
export async function fly(ctx: LinkCtx, linkId: string, transferIds: readonly string[]): Promise<void> {
  let rows = (await getOutbounds(ctx.db, linkId, transferIds)).filter((r) => r.status === "escrowed").sort(byCreation);
  const ask = rows.filter((r) => !r.answer);
  if (ask.length > 0) {
    const ids = ask.map((r) => r.transferId);
    const got = await propose(ctx, linkId, ask);
    if ("error" in got) {
      await noteAttempt(ctx.db, linkId, ids, got.error, nowOf(ctx));
    } else {
      fault(ctx, "sender-after-answer", ids);
      await saveAnswers(ctx.db, linkId, got.envelope, got.answers, nowOf(ctx));
      fault(ctx, "sender-after-answer-saved", ids);
    }
    rows = (await getOutbounds(ctx.db, linkId, rows.map((r) => r.transferId))).filter((r) => r.status === "escrowed").sort(byCreation);
  }
  await settle(ctx, linkId, rows.filter((r) => r.answer?.body.decision === "accepted"), true);
  await settle(ctx, linkId, rows.filter((r) => r.answer?.body.decision === "refused"), false);
}

/** Delivers (accepted) or returns (refused) these answered transfers: one batch, or one at a time when the batch is refused. */
async function settle(ctx: LinkCtx, linkId: string, rows: readonly OutboundRow[], accepted: boolean): Promise<void> {
  if (rows.length === 0) return;
  const what = accepted ? "deliver" : "return";
  const kind = accepted ? "link_delivery" : "forwarding";
  const item = (row: OutboundRow) => ({
    id: moveId(what, linkId, row.transferId),
    leg: { classCode: row.classCode, from: row.escrowAccount, to: accepted ? sentAccountOf(linkId) : row.source, quantity: row.quantity },
    intent: { kind: accepted ? ("link-deliver" as const) : ("link-return" as const), body: { linkId, transferId: row.transferId } },
  });
  if (rows.length > 1) {
    const b = await moveBatch(ctx, what, kind, rows.map(item));
    if (b.ok) {
      for (const row of rows) await ctx.reg.audit.outcome(LINK_SYSTEM, accepted ? "link.deliver" : "link.return", row.transferId, b, { linkId, quantity: row.quantity.toString() });
      fault(ctx, "sender-after-settle", rows.map((r) => r.transferId));
      return;
    }
    // One at a time those still escrowed: each gets its own outcome (a transfer settled meanwhile is skipped, one refused keeps its error).
    rows = (await getOutbounds(ctx.db, linkId, rows.map((r) => r.transferId))).filter((r) => r.status === "escrowed").sort(byCreation);
  }
  for (const row of rows) {
    const x = item(row);
    const r = await move(ctx, x.id, kind, [x.leg], x.intent);
    if (!r.ok) {
      await ctx.db.query("UPDATE intl_link_outbound SET last_error = $3, updated_at = $4 WHERE link_id = $1 AND transfer_id = $2 AND status = 'escrowed'",
        [linkId, row.transferId, `${what}: ${r.code} ${r.message}`.slice(0, 500), nowOf(ctx)]);
    } else {
      await ctx.reg.audit.outcome(LINK_SYSTEM, accepted ? "link.deliver" : "link.return", row.transferId, r, { linkId, quantity: row.quantity.toString() });
      fault(ctx, "sender-after-settle", [row.transferId]);
    }
  }
}

/** Sends the signed proposal of these transfers; the verified answers (one per transfer, in order), or why there are none yet. */
async function propose(ctx: LinkCtx, linkId: string, rows: readonly OutboundRow[]): Promise<{ envelope: Envelope; answers: AnswerBody[] } | { error: string }> {
  const link = await getLink(ctx.db, linkId);
  const self = await getSelf(ctx.db);
  if (!link || !self) return { error: "the link or this registry's identity is gone" };
  const env = seal(self.privateKey, link.linkId, "propose", { transfers: rows.map((r) => r.message) }, nowOf(ctx));
  let res: Response;
  try {
    const send = ctx.opts.fetch ?? ((url, init) => fetch(url, init));
    res = await send(`${link.peerUrl}/v1/links/inbound`, {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(env), signal: AbortSignal.timeout(ctx.opts.timeoutMs ?? 15_000),
    });
  } catch (err) {
    return { error: `no answer from ${link.peerUrl}: ${(err as Error).message}` };
  }
  let json: unknown;
  try {
    json = await res.json();
  } catch {
    return { error: `the peer answered ${res.status} without JSON` };
  }
  if (res.status !== 200) {
    const p = json as { code?: unknown; detail?: unknown };
    return { error: `the peer answered ${res.status}: ${String(p.code ?? "")} ${String(p.detail ?? "").slice(0, 300)}` };
  }
  const e = readEnvelope(json);
  if ("field" in e) return { error: `the peer's answer is malformed (${e.field})` };
  if (e.type !== "answer" || e.linkId !== link.linkId) return { error: "the peer's answer is for another link or of another type" };
  if (!verifySeal(link.peerPublicKey, e)) return { error: "the peer's answer does not verify with the link's public key" };
  const a = readAnswerMessage(e.body, rows.map((r) => r.transferId));
  if (!a.ok) return { error: `the peer's answer: ${a.message}` };
  return { envelope: e, answers: a.value.answers };
}
