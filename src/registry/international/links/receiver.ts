// The receiver's half of linked transfers (docs/concepts/linked-registries.md): a signed proposal
// message of 1 to MAX_LINK_BATCH transfers is verified once (signature, nonce, time, the sender),
// then each transfer is decided once. The undecided transfers of a message are decided together in
// ONE database transaction: the issuance of the accepted ones into the link's inbound account (one
// leg each), whose hook records every decision of the message, refused ones too (a message whose
// transfers are all refused records them in one statement). A ledger refusal of that issuance
// decides its transfers one at a time instead, so one transfer the ledger refuses does not refuse
// the others. The answer, one decision per transfer in the message's order, is signed once and
// goes out as soon as the decisions committed; the accepted transfers are credited to their
// destinations afterwards (credits.ts: one forwarding each, together as one batch). A repeat gets the same decisions; a transfer proposed again with another
// content refuses the message (10756), deciding nothing.
import { canonical } from "../../../domain/ledger/commands.ts";
import { intlRefusal, type Refusal } from "../../../domain/international/codes.ts";
import { type AnswerBody, type AnswerMessage, MAX_LINK_BATCH, type ProposeBody, readProposeMessage } from "../../../domain/international/link.ts";
import type { Result } from "../../ledger/index.ts";
import { inboundAccountOf, LINK_SYSTEM } from "./config.ts";
import { bodyDigest, type Envelope, readEnvelope, seal, verifySeal } from "./crypto.ts";
import { decisionRows, type ReceiptEntry, type ReceiptIntent } from "./hooks.ts";
import { fault, hashId, type LinkCtx, move, moveBatch, moveId, nowOf } from "./moves.ts";
import { getInbounds, getLink, getSelf, type InboundRow, insertInbounds } from "./store.ts";

/** How far a message's time may be from the receiver's clock. */
export const MAX_SKEW_MS = 5 * 60_000;

/** A signed proposal from a peer: the signed answer, or a refusal of the message itself (nothing decided). */
export async function receive(ctx: LinkCtx, raw: unknown): Promise<Result<Envelope>> {
  const e = readEnvelope(raw);
  if ("field" in e) return intlRefusal("LINK_MESSAGE_INVALID", `${e.field}: missing or malformed`, { field: e.field });
  if (e.type !== "propose") return intlRefusal("LINK_MESSAGE_INVALID", "type: must be propose", { field: "type" });
  const link = await getLink(ctx.db, e.linkId);
  if (!link) return intlRefusal("LINK_UNKNOWN", `no link ${e.linkId}`, { linkId: e.linkId });
  if (!verifySeal(link.peerPublicKey, e)) return intlRefusal("LINK_SIGNATURE_INVALID", `the message does not verify with link ${link.linkId}'s public key`, { linkId: link.linkId });
  const skew = Math.abs(Date.parse(e.sentAt) - ctx.clock.now().getTime());
  if (skew > MAX_SKEW_MS) return intlRefusal("LINK_REPLAYED", `the message was sent at ${e.sentAt}, more than five minutes from this registry's clock`, { linkId: link.linkId, sentAt: e.sentAt });
  const n = await ctx.db.query("INSERT INTO intl_link_nonces (link_id, nonce, seen_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", [link.linkId, e.nonce, nowOf(ctx)]);
  if (n.rowCount !== 1) return intlRefusal("LINK_REPLAYED", `nonce ${e.nonce} was seen before on link ${link.linkId}`, { linkId: link.linkId });
  const p = readProposeMessage(e.body);
  if (!p.ok) return p;
  const bodies = p.value.transfers;
  const notPeer = bodies.findIndex((b) => b.sender !== link.peerRegistry);
  if (notPeer >= 0) return intlRefusal("LINK_MESSAGE_INVALID", `transfers[${notPeer}].sender: ${bodies[notPeer]?.sender} is not the link's peer ${link.peerRegistry}`, { field: `transfers[${notPeer}].sender` });
  const ids = bodies.map((b) => b.transferId);
  fault(ctx, "receiver-after-verify", ids);
  const digests = new Map(bodies.map((b) => [b.transferId, bodyDigest(b)]));
  let rows = new Map((await getInbounds(ctx.db, link.linkId, ids)).map((r) => [r.transferId, r]));
  // A transfer decided before on another content refuses the message before anything is decided.
  for (const r of rows.values()) {
    if (r.digest !== digests.get(r.transferId)) return intlRefusal("LINK_TRANSFER_DIFFERS", `transfer ${r.transferId} on link ${link.linkId} was proposed before with another content`, { linkId: link.linkId, transferId: r.transferId });
  }
  const undecided = bodies.filter((b) => !rows.has(b.transferId));
  if (undecided.length > 0) {
    await decide(ctx, link.linkId, undecided, digests);
    rows = new Map((await getInbounds(ctx.db, link.linkId, ids)).map((r) => [r.transferId, r]));
    for (const b of undecided) {
      const r = rows.get(b.transferId);
      if (r) await ctx.reg.audit.outcome(LINK_SYSTEM, "link.receive", b.transferId, r.refusal ? { ok: false, ...r.refusal, facts: {} } : { ok: true }, { linkId: link.linkId, decision: r.decision, quantity: b.quantity });
    }
  }
  const owed = ids.flatMap((id) => {
    const r = rows.get(id);
    return r && r.decision === "accepted" && r.creditTx === null ? [r] : [];
  });
  // The answer does not wait for the credits: the decisions are durable, the credits are ours to finish (credits.ts).
  if (owed.length > 0) {
    if (ctx.owe) ctx.owe(owed);
    else {
      await credit(ctx, owed);
      fault(ctx, "receiver-after-credit", owed.map((r) => r.transferId));
    }
  }
  const answers: AnswerBody[] = ids.map((id) => {
    const r = rows.get(id);
    if (!r) throw new Error(`the decision on ${link.linkId}/${id} vanished`);
    return { transferId: id, decision: r.decision, receiptTx: r.receiptTx, refusal: r.refusal };
  });
  const self = await getSelf(ctx.db);
  if (!self) throw new Error("this registry has no link identity");
  const body: AnswerMessage = { answers };
  return { ok: true, value: seal(self.privateKey, link.linkId, "answer", body as unknown as Record<string, unknown>, nowOf(ctx)), replayed: false };
}

const entry = (b: ProposeBody, digest: string, refusal: Refusal | undefined): ReceiptEntry => ({
  transferId: b.transferId, digest, destination: b.destination, classCode: b.unitClass.code, quantity: b.quantity, originSerials: b.serials,
  ...(b.article6 !== undefined && b.article6 !== null ? { article6: b.article6 } : {}),
  refusal: refusal ? { code: refusal.code, check: refusal.check, message: refusal.message } : null,
});

/** Decides these undecided transfers of a message: together in one database transaction, or one at a time after a ledger refusal. */
async function decide(ctx: LinkCtx, linkId: string, bodies: readonly ProposeBody[], digests: ReadonlyMap<string, string>): Promise<void> {
  const memo = new Map<string, Promise<Refusal | undefined>>();
  const checks = await Promise.all(bodies.map((b) => refusalOf(ctx, b, memo)));
  const intent: ReceiptIntent = { linkId, accepted: [], refused: [] };
  for (const [i, b] of bodies.entries()) {
    const r = checks[i];
    (r ? intent.refused : intent.accepted).push(entry(b, digests.get(b.transferId) ?? "", r));
  }
  const outcome = await decideTogether(ctx, intent);
  if (outcome === "decided") {
    fault(ctx, "receiver-after-receipt", intent.accepted.map((a) => a.transferId));
  } else if (outcome === "raced") {
    // A concurrent copy of the message decided some of them: decide the rest (theirs stand).
    const done = new Set((await getInbounds(ctx.db, linkId, bodies.map((b) => b.transferId))).map((r) => r.transferId));
    const rest = bodies.filter((b) => !done.has(b.transferId));
    if (rest.length > 0 && rest.length < bodies.length) await decide(ctx, linkId, rest, digests);
  } else if (intent.accepted.length === 1) {
    // The ledger refused the one receipt: that is the transfer's refusal.
    const [a] = intent.accepted;
    if (a) await insertInbounds(ctx.db, decisionRows({ linkId, accepted: [], refused: [...intent.refused, { ...a, refusal: { code: outcome.code, check: outcome.check, message: outcome.message } }] }, null), nowOf(ctx));
  } else {
    // The ledger refused the receipt of several: the refused ones are decided, each accepted one is decided alone.
    await insertInbounds(ctx.db, decisionRows({ linkId, accepted: [], refused: intent.refused }, null), nowOf(ctx));
    for (const a of intent.accepted) {
      const b = bodies.find((x) => x.transferId === a.transferId);
      if (b) await decide(ctx, linkId, [b], digests);
    }
  }
}

/** The decisions of a message in one database transaction: "decided", "raced" (one was decided meanwhile; nothing written), or the ledger's refusal of the receipt. */
async function decideTogether(ctx: LinkCtx, intent: ReceiptIntent): Promise<"decided" | "raced" | Refusal> {
  if (intent.accepted.length === 0) {
    const rows = decisionRows(intent, null);
    return (await insertInbounds(ctx.db, rows, nowOf(ctx))) === rows.length ? "decided" : "raced";
  }
  // The id names the decisions themselves: the same decisions are the same receipt; other decisions (a retry that decides otherwise) another.
  const id = `link-in-${hashId(intent.linkId, JSON.stringify(canonical(intent)))}`;
  const legs = intent.accepted.map((a) => ({ classCode: a.classCode, from: null, to: inboundAccountOf(intent.linkId), quantity: BigInt(a.quantity) }));
  const r = await move(ctx, id, "issuance", legs, { kind: "link-receive", body: intent as unknown as Record<string, unknown> });
  if (r.ok) return "decided";
  return r.check === "link-decided" ? "raced" : r;
}

/** What refuses a proposed transfer for good: a class that differs from ours, a destination that is not an open holding account. Checks are shared within a message. */
function refusalOf(ctx: LinkCtx, body: ProposeBody, memo: Map<string, Promise<Refusal | undefined>>): Promise<Refusal | undefined> {
  const once = (key: string, f: () => Promise<Refusal | undefined>) => {
    const had = memo.get(key);
    if (had) return had;
    const p = f();
    memo.set(key, p);
    return p;
  };
  const cls = once(`class\n${bodyDigest({ unitClass: body.unitClass, attributes: body.attributes })}`, () => classRefusal(ctx, body));
  const dest = once(`destination\n${body.destination}`, () => destinationRefusal(ctx, body.destination));
  return Promise.all([cls, dest]).then(([c, d]) => c ?? d);
}

async function classRefusal(ctx: LinkCtx, body: ProposeBody): Promise<Refusal | undefined> {
  const want = body.unitClass;
  const have = await ctx.reg.ledger.getClass(want.code);
  if (have) {
    for (const k of ["unitType", "scheme", "vintage", "hostCountry", "creditKind", "methodology", "project", "commitmentPeriod"] as const) {
      if ((have[k] ?? null) !== (want[k] ?? null)) return intlRefusal("LINK_CLASS_MISMATCH", `class ${want.code} here has ${k} ${JSON.stringify(have[k])}, the sender's ${JSON.stringify(want[k])}`, { classCode: want.code, field: k });
    }
    const attrs = await ctx.db.query<{ attributes: unknown }>("SELECT attributes FROM intl_classes WHERE class_code = $1", [want.code]);
    const mine = attrs.rows[0]?.attributes ?? null;
    if (bodyDigest(mine) !== bodyDigest(body.attributes)) return intlRefusal("LINK_CLASS_MISMATCH", `class ${want.code} here has other credit attributes than the sender's`, { classCode: want.code, field: "attributes" });
    return undefined;
  }
  const def = Object.fromEntries(Object.entries({ ...want, commandId: `link-class-${want.code}` }).filter(([, v]) => v !== null));
  const d = await ctx.reg.defineClass(LINK_SYSTEM, def);
  if (!d.ok && d.check !== "class-exists") return d;
  if (body.attributes) {
    await ctx.db.query("INSERT INTO intl_classes (class_code, attributes, defined_at) VALUES ($1, $2, $3) ON CONFLICT (class_code) DO NOTHING", [want.code, JSON.stringify(body.attributes), nowOf(ctx)]);
  }
  return undefined;
}

async function destinationRefusal(ctx: LinkCtx, destination: string): Promise<Refusal | undefined> {
  const acc = await ctx.reg.ledger.getAccount(destination);
  const holding = ctx.reg.ledger.catalogue.kinds.get("forwarding")?.to ?? [];
  if (!acc || acc.status !== "open" || !holding.includes(acc.type)) {
    return intlRefusal("LINK_DESTINATION_INVALID", `destination ${destination} is not an open holding account of this registry`, { field: "destination", destination });
  }
  return undefined;
}

/**
 * The credit of accepted transfers to their destinations (inbound -> destination), each once: the
 * transfer's own forwarding, whose hook (hooks.ts linkCredit) is the one place a transfer's credit
 * is recorded; several go as one batch, or one at a time when the batch is refused.
 */
export async function credit(ctx: LinkCtx, rows: readonly InboundRow[]): Promise<void> {
  const item = (row: InboundRow) => ({
    id: moveId("credit", row.linkId, row.transferId),
    leg: { classCode: row.classCode, from: inboundAccountOf(row.linkId), to: row.destination, quantity: row.quantity },
    intent: { kind: "link-credit" as const, body: { linkId: row.linkId, transferId: row.transferId } },
  });
  for (let i = 0; i < rows.length; i += MAX_LINK_BATCH) {
    const chunk = rows.slice(i, i + MAX_LINK_BATCH);
    if (chunk.length > 1 && chunk.every((r) => r.linkId === chunk[0]?.linkId)) {
      const b = await moveBatch(ctx, "credit", "forwarding", chunk.map(item));
      if (b.ok) continue;
    }
    for (const row of chunk) {
      const x = item(row);
      const r = await move(ctx, x.id, "forwarding", [x.leg], x.intent);
      if (!r.ok && r.check !== "link-state") await ctx.reg.audit.outcome(LINK_SYSTEM, "link.credit", row.transferId, r, { linkId: row.linkId });
    }
  }
}
