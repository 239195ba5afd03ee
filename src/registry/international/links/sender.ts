// The sender's half of a linked transfer after its escrow (docs/concepts/linked-registries.md):
// the ready transfers of a link are COALESCED into flights. Up to MAX_LINK_IN_FLIGHT flights of a
// link are out at once (each its own signed message); the transfers that become ready while they
// are all out (concurrent sends, recovery) wait for the next, which takes up to MAX_LINK_BATCH of
// them. A flight proposes its unanswered transfers in one signed message,
// keeps the peer's signed answer once and each transfer's decision from it, then settles: the
// accepted ones delivered (escrow -> the link's sent account) and the refused ones returned
// (escrow -> source), each group as one ledger batch. Every step is idempotent per transfer, so a
// flight cut anywhere is finished by the next (recovery's) flight; coalescing only decides which
// transfers share a message, never an outcome.
import { MAX_LINK_BATCH, MAX_LINK_IN_FLIGHT, readAnswerMessage, type AnswerBody } from "../../../domain/international/link.ts";
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
  /** The transfers in a flight now: a push of one waits for the next flight after it (a repeat that finds it settled). */
  flying: Set<string>;
  running: boolean;
  /** Escrows of the link under way (a send between its slot and its escrow's outcome): the next flight waits for them. */
  coming: number;
  /** Wakes a flight waiting for escrows under way. */
  wake: (() => void) | null;
  /** Wakes the link's loop waiting for a free place in the air or for transfers to fly. */
  nudge: (() => void) | null;
}

/** The longest a ready flight waits for escrows under way before it goes without them. */
const MAX_LINGER_MS = 250;

/**
 * Flights of each link, up to MAX_LINK_IN_FLIGHT out at once, each of at most MAX_LINK_BATCH
 * transfers (a transfer in one flight at a time). A flight that could go waits (at most
 * MAX_LINGER_MS) while escrows of the link are under way, so concurrent sends share a message
 * instead of splitting into many small ones; with none under way it goes at once. Flights are
 * independent: each proposes in its own signed message and settles its own answers, so a slow
 * answer holds back only its own transfers.
 */
export class Flights {
  private readonly links = new Map<string, LinkQueue>();
  /** The links' loops now running: idle() waits for them (a send that did not wait leaves its flight running). */
  private readonly runs = new Set<Promise<void>>();

  constructor(
    private readonly propose: (linkId: string, transferIds: string[]) => Promise<string[]>,
    private readonly settle: (linkId: string, transferIds: string[]) => Promise<void>,
    private readonly inFlight = MAX_LINK_IN_FLIGHT,
  ) {}

  private queue(linkId: string): LinkQueue {
    let q = this.links.get(linkId);
    if (!q) {
      q = { waiting: new Map(), flying: new Set(), running: false, coming: 0, wake: null, nudge: null };
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
    if (!q.running) {
      const r: Promise<void> = this.run(linkId, q).finally(() => this.runs.delete(r));
      this.runs.add(r);
    } else {
      q.wake?.();
      q.nudge?.();
    }
    await done;
  }

  /** Resolves once no flight of any link is out (each ended: settled, or left to recovery). */
  async idle(): Promise<void> {
    while (this.runs.size > 0) await Promise.allSettled([...this.runs]);
  }

  private ready(q: LinkQueue): string[] {
    return [...q.waiting.keys()].filter((id) => !q.flying.has(id));
  }

  private async linger(q: LinkQueue): Promise<void> {
    if (q.coming === 0 || this.ready(q).length >= MAX_LINK_BATCH) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => done(), MAX_LINGER_MS);
      const done = () => {
        clearTimeout(t);
        q.wake = null;
        resolve();
      };
      q.wake = () => {
        if (q.coming === 0 || this.ready(q).length >= MAX_LINK_BATCH) done();
      };
    });
  }

  /** The flights of a link: a new one whenever transfers are ready and fewer than inFlight are out. */
  private async run(linkId: string, q: LinkQueue): Promise<void> {
    q.running = true;
    const out = new Set<Promise<void>>();
    try {
      for (;;) {
        if (this.ready(q).length === 0 || out.size >= this.inFlight) {
          if (out.size === 0) break;
          await new Promise<void>((resolve) => {
            q.nudge = resolve;
            void Promise.race(out).then(resolve);
          });
          q.nudge = null;
          continue;
        }
        await this.linger(q);
        const ids = this.ready(q).slice(0, MAX_LINK_BATCH);
        if (ids.length === 0) continue;
        const waiters = ids.flatMap((id) => {
          const w = q.waiting.get(id) ?? [];
          q.waiting.delete(id);
          q.flying.add(id);
          return w;
        });
        const flight: Promise<void> = this.fly(linkId, ids, waiters).finally(() => {
          for (const id of ids) q.flying.delete(id);
          out.delete(flight);
        });
        out.add(flight);
      }
    } finally {
      q.running = false;
    }
  }

  /** One flight: its message proposed, then its answers settled; its waiters learn the end (never throws). */
  private async fly(linkId: string, ids: string[], waiters: readonly Waiter[]): Promise<void> {
    try {
      const answered = await this.propose(linkId, ids);
      await this.settle(linkId, answered);
    } catch (err) {
      for (const w of waiters) w.reject(err);
      return;
    }
    for (const w of waiters) w.resolve();
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
      await ctx.reg.audit.recordMany(LINK_SYSTEM, rows.map((row) => ({ action: accepted ? "link.deliver" : "link.return", target: row.transferId, outcome: "ok" as const, detail: { linkId, quantity: row.quantity.toString() } })));
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

/** How long a message waits for the peer's answer: the link's timeout (15 s unless given), or until the service shuts down. */
function answerSignal(ctx: LinkCtx): AbortSignal {
  const timeout = AbortSignal.timeout(ctx.opts.timeoutMs ?? 15_000);
  return ctx.stopping ? AbortSignal.any([timeout, ctx.stopping]) : timeout;
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
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(env), signal: answerSignal(ctx),
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
