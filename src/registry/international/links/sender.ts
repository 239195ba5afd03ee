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

interface LinkQueue {
  waiting: Map<string, Waiter[]>;
  running: boolean;
  /** Escrows of the link under way (a send between its slot and its escrow's outcome): the next flight waits for them. */
  coming: number;
  /** Wakes a flight waiting for escrows under way. */
  wake: (() => void) | null;
}

/** The longest a ready flight waits for escrows under way before it goes without them. */
const MAX_LINGER_MS = 250;

/**
 * Flights of each link, one at a time per link, of at most MAX_LINK_BATCH transfers. A flight that
 * could go waits (at most MAX_LINGER_MS) while escrows of the link are under way, so concurrent
 * sends share a message instead of splitting into alternating groups; with none under way it goes
 * at once.
 */
export class Flights {
  private readonly links = new Map<string, LinkQueue>();

  constructor(
    private readonly propose: (linkId: string, transferIds: string[]) => Promise<string[]>,
    private readonly settle: (linkId: string, transferIds: string[]) => Promise<void>,
  ) {}

  private queue(linkId: string): LinkQueue {
    let q = this.links.get(linkId);
    if (!q) {
      q = { waiting: new Map(), running: false, coming: 0, wake: null };
      this.links.set(linkId, q);
    }
    return q;
  }

  /** An escrow of the link is under way; call the answer once it is over (completed and pushed, or not). */
  coming(linkId: string): () => void {
    const q = this.queue(linkId);
    q.coming++;
    let over = false;
    return () => {
      if (over) return;
      over = true;
      q.coming--;
      if (q.coming === 0) q.wake?.();
    };
  }

  /** Resolves when a flight that started after this call took each of the transfers and ended (rejects with its error). */
  async push(linkId: string, transferIds: readonly string[], over?: () => void): Promise<void> {
    const q = this.queue(linkId);
    const done = Promise.all(transferIds.map((id) => new Promise<void>((resolve, reject) => {
      q.waiting.set(id, [...(q.waiting.get(id) ?? []), { resolve, reject }]);
    })));
    over?.();
    if (!q.running) void this.run(linkId, q);
    else q.wake?.();
    await done;
  }

  private async linger(q: LinkQueue): Promise<void> {
    if (q.coming === 0 || q.waiting.size >= MAX_LINK_BATCH) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => done(), MAX_LINGER_MS);
      const done = () => {
        clearTimeout(t);
        q.wake = null;
        resolve();
      };
      q.wake = () => {
        if (q.coming === 0 || q.waiting.size >= MAX_LINK_BATCH) done();
      };
    });
  }

  /**
   * The flights of a link: proposals one at a time; a flight's settlement runs beside the next
   * flight's proposal (settlements one at a time too, in flight order), so the link's next message
   * does not wait for the last one's deliveries.
   */
  private async run(linkId: string, q: LinkQueue): Promise<void> {
    q.running = true;
    let settling: Promise<void> = Promise.resolve();
    try {
      while (q.waiting.size > 0) {
        await this.linger(q);
        const ids = [...q.waiting.keys()].slice(0, MAX_LINK_BATCH);
        const waiters = ids.flatMap((id) => {
          const w = q.waiting.get(id) ?? [];
          q.waiting.delete(id);
          return w;
        });
        let answered: string[];
        try {
          answered = await this.propose(linkId, ids);
        } catch (err) {
          for (const w of waiters) w.reject(err);
          continue;
        }
        const before = settling;
        settling = before.then(() => this.settle(linkId, answered)).then(
          () => waiters.forEach((w) => w.resolve()),
          (err: unknown) => waiters.forEach((w) => w.reject(err)),
        );
      }
    } finally {
      q.running = false;
    }
    await settling;
  }
}

const byCreation = (a: OutboundRow, b: OutboundRow) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.transferId < b.transferId ? -1 : 1);

/**
 * A flight's first half: propose what has no answer (one message) and record the answers. The
 * transfers to settle next (those escrowed and not yet proposed in vain). Never throws for the
 * peer's failures.
 */
export async function proposeFlight(ctx: LinkCtx, linkId: string, transferIds: readonly string[]): Promise<string[]> {
  const rows = (await getOutbounds(ctx.db, linkId, transferIds)).filter((r) => r.status === "escrowed").sort(byCreation);
  const ask = rows.filter((r) => !r.answer);
  if (ask.length === 0) return rows.map((r) => r.transferId);
  const ids = ask.map((r) => r.transferId);
  const got = await propose(ctx, linkId, ask);
  if ("error" in got) {
    await noteAttempt(ctx.db, linkId, ids, got.error, nowOf(ctx));
    return rows.filter((r) => r.answer).map((r) => r.transferId);
  }
  fault(ctx, "sender-after-answer", ids);
  await saveAnswers(ctx.db, linkId, got.envelope, got.answers, nowOf(ctx));
  fault(ctx, "sender-after-answer-saved", ids);
  return rows.map((r) => r.transferId);
}

/** A flight's second half: delivers the answered transfers B accepted and returns those it refused (read afresh: one settled meanwhile is left alone). */
export async function settleFlight(ctx: LinkCtx, linkId: string, transferIds: readonly string[]): Promise<void> {
  if (transferIds.length === 0) return;
  const rows = (await getOutbounds(ctx.db, linkId, transferIds)).filter((r) => r.status === "escrowed" && r.answer).sort(byCreation);
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
      await Promise.all(rows.map((row) => ctx.reg.audit.outcome(LINK_SYSTEM, accepted ? "link.deliver" : "link.return", row.transferId, b, { linkId, quantity: row.quantity.toString() })));
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
