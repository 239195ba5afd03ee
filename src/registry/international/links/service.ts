// The exactly-once transfer of units between linked registries (docs/concepts/linked-registries.md).
// Sender: the escrow (a transfer of the source's units into an escrow account of the transfer's
// own, through the secure registry, so roles, four-eyes, delays and limits apply) writes the
// outbox row in its database transaction (hooks.ts); the sender then proposes the transfer, signed,
// to the peer, retrying with the same transfer id until it gets a signed answer; it records the
// answer, then settles: delivered (escrow -> the link's sent account, a terminal account) or
// returned (escrow -> source). Receiver: it verifies the signature, the nonce and the time, then
// decides once per (link, transfer id): accepted is the issuance of the same quantity of the same
// class into the link's inbound account (its hook records the decision with the sender's serials),
// then the credit to the destination; refused is a row with the refusal. A repeat gets the same
// decision. recover() resends what has no answer, settles what has one and credits what is owed,
// at start-up, on a timer and on an administrator's request: a crash at any step ends delivered or
// returned, never lost or duplicated, since every move is a ledger transaction idempotent by id.
import { createHash } from "node:crypto";
import { intlRefusal, type Refusal } from "../../../domain/international/codes.ts";
import { type AnswerBody, type ProposeBody, readAnswer, readPropose, TRANSFER_ID } from "../../../domain/international/link.ts";
import type { Caller } from "../../../domain/security/roles.ts";
import { securityRefusal } from "../../../domain/security/codes.ts";
import type { Clock } from "../../../platform/clock.ts";
import type { Db } from "../../../store/db.ts";
import type { Result } from "../../ledger/index.ts";
import type { SecureRegistry, SecureTransactionView } from "../../secure/index.ts";
import { scopeOf } from "../../secure/authorize.ts";
import { rightsOf } from "../../secure/store.ts";
import { type Intent, putIntent } from "../intents.ts";
import { LinkConfig, LINK_SYSTEM, inboundAccountOf, sentAccountOf } from "./config.ts";
import { bodyDigest, type Envelope, readEnvelope, seal, verifySeal } from "./crypto.ts";
import { getInbound, getLink, getOutbound, getSelf, type InboundRow, insertInbound, openOutbound, type OutboundRow, uncredited } from "./store.ts";

/** The named points of the protocol where the fault-injection hook may end the process (tests only). */
export const FAULT_STEPS = [
  "sender-after-escrow", "sender-after-answer", "sender-after-answer-saved", "sender-after-settle",
  "receiver-after-verify", "receiver-after-receipt", "receiver-after-credit",
] as const;
export type FaultStep = (typeof FAULT_STEPS)[number];

export interface LinkServiceOptions {
  /** How messages reach the peer (global fetch by default; tests may route to an app in process). */
  fetch?: (url: string, init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal }) => Promise<Response>;
  /** Called at each named step; the server wires it to OPENETS_LINK_FAULT in test mode only. */
  fault?: (step: FaultStep, transferId: string) => void;
  timeoutMs?: number;
}

/** How far a message's time may be from the receiver's clock. */
export const MAX_SKEW_MS = 5 * 60_000;
const UNITS = /^[1-9]\d{0,17}$/;
const ACCOUNT = /^[A-Z0-9][A-Z0-9-]{1,63}$/;
const KEY = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

const hashId = (...parts: string[]) => createHash("sha256").update(parts.join("\n")).digest("hex").slice(0, 24).toUpperCase();
/** The escrow account of one outgoing transfer. */
export const escrowAccountOf = (linkId: string, transferId: string) => `LNK-E-${hashId(linkId, transferId)}`;
/** Ledger ids of the system's moves of a transfer (stable, so a repeat is the same transaction). */
const moveId = (what: "deliver" | "return" | "in" | "credit", linkId: string, transferId: string) => `link-${what}-${hashId(linkId, transferId)}`;

export interface OutboundView {
  linkId: string;
  transferId: string;
  status: OutboundRow["status"];
  source: string;
  destination: string;
  classCode: string;
  quantity: string;
  serials: ProposeBody["serials"];
  escrowAccount: string;
  escrowTx: string;
  settleTx: string | null;
  decision: AnswerBody["decision"] | null;
  refusal: AnswerBody["refusal"];
  receiptTx: string | null;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

export const outboundView = (o: OutboundRow): OutboundView => ({
  linkId: o.linkId, transferId: o.transferId, status: o.status, source: o.source, destination: o.destination, classCode: o.classCode,
  quantity: o.quantity.toString(), serials: o.serials, escrowAccount: o.escrowAccount, escrowTx: o.escrowTx, settleTx: o.settleTx,
  decision: o.answer?.body.decision ?? null, refusal: o.answer?.body.refusal ?? null, receiptTx: o.answer?.body.receiptTx ?? null,
  attempts: o.attempts, lastError: o.lastError, createdAt: new Date(o.createdAt).toISOString(), updatedAt: new Date(o.updatedAt).toISOString(),
});

export interface InboundView {
  linkId: string;
  transferId: string;
  decision: InboundRow["decision"];
  refusal: InboundRow["refusal"];
  classCode: string;
  quantity: string;
  destination: string;
  originSerials: InboundRow["originSerials"];
  localSerials: { start: string; end: string } | null;
  receiptTx: string | null;
  creditTx: string | null;
  decidedAt: string;
  creditedAt: string | null;
}

export const inboundView = (i: InboundRow): InboundView => ({
  linkId: i.linkId, transferId: i.transferId, decision: i.decision, refusal: i.refusal, classCode: i.classCode, quantity: i.quantity.toString(),
  destination: i.destination, originSerials: i.originSerials,
  localSerials: i.localStart === null || i.localEnd === null ? null : { start: i.localStart.toString(), end: i.localEnd.toString() },
  receiptTx: i.receiptTx, creditTx: i.creditTx, decidedAt: new Date(i.decidedAt).toISOString(), creditedAt: i.creditedAt === null ? null : new Date(i.creditedAt).toISOString(),
});

export interface SendResult {
  transaction: SecureTransactionView;
  /** The transfer, once its escrow completed (null while the escrow awaits approval or its delay). */
  transfer: OutboundView | null;
}

export class LinkService {
  readonly config: LinkConfig;
  private readonly opts: LinkServiceOptions;

  constructor(
    readonly reg: SecureRegistry,
    private readonly db: Db,
    private readonly clock: Clock,
    opts: LinkServiceOptions = {},
  ) {
    this.config = new LinkConfig(reg, db, clock);
    this.opts = opts;
  }

  private now(): string {
    return this.clock.now().toISOString();
  }

  private fault(step: FaultStep, transferId: string): void {
    this.opts.fault?.(step, transferId);
  }

  // ------------------------------------------------------------------ sender

  /** Sends units over a link: the escrow through the secure registry, then (once it completed) the proposal. */
  async send(c: Caller, input: Record<string, unknown>): Promise<Result<SendResult>> {
    const bad = (field: string, message: string) => intlRefusal("FIELD_INVALID", `${field}: ${message}`, { field });
    if (typeof input.commandId !== "string" || !KEY.test(input.commandId)) return bad("commandId", "must be an id");
    if (typeof input.from !== "string" || !ACCOUNT.test(input.from)) return bad("from", "must be an account id");
    if (c.principal.userId === null) return securityRefusal("PERMISSION_DENIED", "sign in", {});
    // The same right the secure registry asks, checked first, before anything is left behind (the escrow account, the intent).
    const rights = await rightsOf(this.db, c.principal.userId, input.from);
    if (!rights?.initiate) return securityRefusal("NOT_INITIATOR_REPRESENTATIVE", `you are not a representative of ${input.from} with the initiate right`, { accountId: input.from });
    if (typeof input.linkId !== "string") return bad("linkId", "must be a link id");
    if (typeof input.destination !== "string" || !ACCOUNT.test(input.destination)) return bad("destination", "must be an account id of the peer registry");
    if (typeof input.classCode !== "string") return bad("classCode", "must be a class code");
    const quantity = typeof input.quantity === "string" ? input.quantity : typeof input.quantity === "number" && Number.isSafeInteger(input.quantity) ? String(input.quantity) : "";
    if (!UNITS.test(quantity)) return bad("quantity", "must be a positive whole number of units");
    const link = await getLink(this.db, input.linkId);
    if (!link) return intlRefusal("LINK_UNKNOWN", `no link ${input.linkId.slice(0, 40)}`, { field: "linkId" });
    const self = await getSelf(this.db);
    if (!self) return intlRefusal("RULES_MISSING", "this registry has no link identity (set it first: ets link identity)", { rule: "link identity" });
    const cls = await this.reg.ledger.getClass(input.classCode);
    if (!cls) return intlRefusal("ID_UNKNOWN", `no class ${input.classCode.slice(0, 64)}`, { field: "classCode" });
    const kind = this.reg.ledger.catalogue.kinds.get("external_transfer");
    const transferId = this.reg.ledger.idFor(scopeOf(c.principal, kind), input.commandId);
    const escrow = escrowAccountOf(link.linkId, transferId);
    await this.config.openAccount(escrow, "pending", `Escrow of transfer ${transferId} over link ${link.linkId}`.slice(0, 200));
    await this.db.query("INSERT INTO intl_link_accounts (account_id, link_id, role, transfer_id) VALUES ($1, $2, 'escrow', $3) ON CONFLICT (account_id) DO NOTHING", [escrow, link.linkId, transferId]);
    const attrs = await this.db.query<{ attributes: Record<string, unknown> }>("SELECT attributes FROM intl_classes WHERE class_code = $1", [cls.code]);
    const message: Omit<ProposeBody, "serials" | "quantity"> = {
      transferId, sender: self.registryId, destination: input.destination, attributes: attrs.rows[0]?.attributes ?? null,
      unitClass: { code: cls.code, unitType: cls.unitType, scheme: cls.scheme, vintage: cls.vintage, commitmentPeriod: cls.commitmentPeriod, project: cls.project, hostCountry: cls.hostCountry, creditKind: cls.creditKind, methodology: cls.methodology },
    };
    const put = await putIntent(this.db, transferId, { kind: "link-escrow", body: { linkId: link.linkId, transferId, escrowAccount: escrow, destination: input.destination, message } }, this.now());
    if (put) return put;
    const tx = await this.reg.initiate(c, { transactionId: input.commandId, kind: "external_transfer", legs: [{ classCode: cls.code, from: input.from, to: escrow, quantity }] });
    if (!tx.ok) return tx;
    if (tx.value.status === "completed") {
      this.fault("sender-after-escrow", transferId);
      await this.pump(link.linkId, transferId);
    }
    const row = await getOutbound(this.db, link.linkId, transferId);
    return { ok: true, value: { transaction: tx.value, transfer: row ? outboundView(row) : null }, replayed: tx.replayed };
  }

  /** One transfer as far as it can go now: propose (unless answered), record the answer, settle. Never throws for the peer's failures. */
  async pump(linkId: string, transferId: string): Promise<OutboundRow | undefined> {
    let row = await getOutbound(this.db, linkId, transferId);
    if (!row || row.status !== "escrowed") return row;
    if (!row.answer) {
      const got = await this.propose(row);
      if ("error" in got) {
        await this.db.query("UPDATE intl_link_outbound SET attempts = attempts + 1, last_error = $3, updated_at = $4 WHERE link_id = $1 AND transfer_id = $2 AND status = 'escrowed'",
          [linkId, transferId, got.error.slice(0, 500), this.now()]);
        return getOutbound(this.db, linkId, transferId);
      }
      this.fault("sender-after-answer", transferId);
      await this.db.query("UPDATE intl_link_outbound SET answer = $3, attempts = attempts + 1, last_error = NULL, updated_at = $4 WHERE link_id = $1 AND transfer_id = $2 AND status = 'escrowed' AND answer IS NULL",
        [linkId, transferId, JSON.stringify(got), this.now()]);
      this.fault("sender-after-answer-saved", transferId);
      row = await getOutbound(this.db, linkId, transferId);
      if (!row?.answer || row.status !== "escrowed") return row;
    }
    const accepted = row.answer.body.decision === "accepted";
    const what = accepted ? "deliver" : "return";
    const to = accepted ? sentAccountOf(linkId) : row.source;
    const r = await this.move(moveId(what, linkId, transferId), accepted ? "link_delivery" : "forwarding", { classCode: row.classCode, from: row.escrowAccount, to, quantity: row.quantity },
      { kind: accepted ? "link-deliver" : "link-return", body: { linkId, transferId } });
    if (!r.ok) {
      await this.db.query("UPDATE intl_link_outbound SET last_error = $3, updated_at = $4 WHERE link_id = $1 AND transfer_id = $2 AND status = 'escrowed'",
        [linkId, transferId, `${what}: ${r.code} ${r.message}`.slice(0, 500), this.now()]);
    } else {
      await this.reg.audit.outcome(LINK_SYSTEM, accepted ? "link.deliver" : "link.return", transferId, r, { linkId, quantity: row.quantity.toString() });
      this.fault("sender-after-settle", transferId);
    }
    return getOutbound(this.db, linkId, transferId);
  }

  /** Sends the signed proposal; the verified answer, or why there is none yet. */
  private async propose(row: OutboundRow): Promise<{ envelope: Envelope; body: AnswerBody } | { error: string }> {
    const link = await getLink(this.db, row.linkId);
    const self = await getSelf(this.db);
    if (!link || !self) return { error: "the link or this registry's identity is gone" };
    const env = seal(self.privateKey, link.linkId, "propose", row.message as unknown as Record<string, unknown>, this.now());
    let res: Response;
    try {
      const send = this.opts.fetch ?? ((url, init) => fetch(url, init));
      res = await send(`${link.peerUrl}/v1/links/inbound`, {
        method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(env), signal: AbortSignal.timeout(this.opts.timeoutMs ?? 15_000),
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
    const a = readAnswer(e.body);
    if (!a.ok) return { error: `the peer's answer: ${a.message}` };
    if (a.value.transferId !== row.transferId) return { error: "the peer answered for another transfer" };
    return { envelope: e, body: a.value };
  }

  /** A move the link makes itself, straight through the ledger (no person's hold applies), after its intent. */
  private async move(id: string, kind: string, leg: { classCode: string; from: string | null; to: string; quantity: bigint }, intent: Intent): Promise<Result<unknown>> {
    const put = await putIntent(this.db, id, intent, this.now());
    if (put) return put;
    return this.reg.ledger.propose({ transactionId: id, kind, initiator: LINK_SYSTEM.principal.userId, legs: [{ ...leg, quantity: leg.quantity.toString() }] });
  }

  // ------------------------------------------------------------------ receiver

  /** A signed proposal from a peer: the signed answer, or a refusal of the message itself (nothing decided). */
  async receive(raw: unknown): Promise<Result<Envelope>> {
    const e = readEnvelope(raw);
    if ("field" in e) return intlRefusal("LINK_MESSAGE_INVALID", `${e.field}: missing or malformed`, { field: e.field });
    if (e.type !== "propose") return intlRefusal("LINK_MESSAGE_INVALID", "type: must be propose", { field: "type" });
    const link = await getLink(this.db, e.linkId);
    if (!link) return intlRefusal("LINK_UNKNOWN", `no link ${e.linkId}`, { linkId: e.linkId });
    if (!verifySeal(link.peerPublicKey, e)) return intlRefusal("LINK_SIGNATURE_INVALID", `the message does not verify with link ${link.linkId}'s public key`, { linkId: link.linkId });
    const skew = Math.abs(Date.parse(e.sentAt) - this.clock.now().getTime());
    if (skew > MAX_SKEW_MS) return intlRefusal("LINK_REPLAYED", `the message was sent at ${e.sentAt}, more than five minutes from this registry's clock`, { linkId: link.linkId, sentAt: e.sentAt });
    const n = await this.db.query("INSERT INTO intl_link_nonces (link_id, nonce, seen_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", [link.linkId, e.nonce, this.now()]);
    if (n.rowCount !== 1) return intlRefusal("LINK_REPLAYED", `nonce ${e.nonce} was seen before on link ${link.linkId}`, { linkId: link.linkId });
    const p = readPropose(e.body);
    if (!p.ok) return p;
    const body = p.value;
    if (body.sender !== link.peerRegistry) return intlRefusal("LINK_MESSAGE_INVALID", `sender: ${body.sender} is not the link's peer ${link.peerRegistry}`, { field: "sender" });
    this.fault("receiver-after-verify", body.transferId);
    const digest = bodyDigest(body);
    let row = await getInbound(this.db, link.linkId, body.transferId);
    if (!row) row = await this.decide(link.linkId, body, digest);
    if (row.digest !== digest) return intlRefusal("LINK_TRANSFER_DIFFERS", `transfer ${body.transferId} on link ${link.linkId} was proposed before with another content`, { linkId: link.linkId, transferId: body.transferId });
    if (row.decision === "accepted" && row.creditTx === null) {
      await this.credit(row);
      this.fault("receiver-after-credit", body.transferId);
    }
    const self = await getSelf(this.db);
    if (!self) throw new Error("this registry has no link identity");
    const answer: AnswerBody = { transferId: body.transferId, decision: row.decision, receiptTx: row.receiptTx, refusal: row.refusal };
    return { ok: true, value: seal(self.privateKey, link.linkId, "answer", answer as unknown as Record<string, unknown>, this.now()), replayed: false };
  }

  /** The one decision on a transfer: accepted (the receipt) or refused (a row with the refusal). */
  private async decide(linkId: string, body: ProposeBody, digest: string): Promise<InboundRow> {
    const refused = (await this.refusalOf(body)) ?? (await this.receipt(linkId, body, digest));
    if (refused) {
      await insertInbound(this.db, {
        linkId, transferId: body.transferId, digest, decision: "refused", refusal: { code: refused.code, check: refused.check, message: refused.message }, receiptTx: null,
        classCode: body.unitClass.code, quantity: BigInt(body.quantity), destination: body.destination, originSerials: body.serials, localStart: null, localEnd: null,
      }, this.now());
    }
    const row = await getInbound(this.db, linkId, body.transferId);
    if (!row) throw new Error(`the decision on ${linkId}/${body.transferId} vanished`);
    await this.reg.audit.outcome(LINK_SYSTEM, "link.receive", body.transferId, row.refusal ? { ok: false, ...row.refusal, facts: {} } : { ok: true }, { linkId, decision: row.decision, quantity: body.quantity });
    return row;
  }

  /** The receipt: the same quantity of the same class issued into the link's inbound account; a refusal when the ledger refuses. */
  private async receipt(linkId: string, body: ProposeBody, digest: string): Promise<Refusal | undefined> {
    const r = await this.move(moveId("in", linkId, body.transferId), "issuance", { classCode: body.unitClass.code, from: null, to: inboundAccountOf(linkId), quantity: BigInt(body.quantity) },
      { kind: "link-receive", body: { linkId, transferId: body.transferId, digest, destination: body.destination, classCode: body.unitClass.code, originSerials: body.serials, article6: body.article6 ?? null } });
    if (r.ok) {
      this.fault("receiver-after-receipt", body.transferId);
      return undefined;
    }
    // Decided meanwhile by a concurrent copy of the message: its decision stands.
    if (r.check === "link-decided") return undefined;
    return r;
  }

  /** What refuses a proposal for good: a class that differs from ours, a destination that is not an open holding account. */
  private async refusalOf(body: ProposeBody): Promise<Refusal | undefined> {
    const want = body.unitClass;
    const have = await this.reg.ledger.getClass(want.code);
    if (have) {
      for (const k of ["unitType", "scheme", "vintage", "hostCountry", "creditKind", "methodology", "project", "commitmentPeriod"] as const) {
        if ((have[k] ?? null) !== (want[k] ?? null)) return intlRefusal("LINK_CLASS_MISMATCH", `class ${want.code} here has ${k} ${JSON.stringify(have[k])}, the sender's ${JSON.stringify(want[k])}`, { classCode: want.code, field: k });
      }
      const attrs = await this.db.query<{ attributes: unknown }>("SELECT attributes FROM intl_classes WHERE class_code = $1", [want.code]);
      const mine = attrs.rows[0]?.attributes ?? null;
      if (bodyDigest(mine) !== bodyDigest(body.attributes)) return intlRefusal("LINK_CLASS_MISMATCH", `class ${want.code} here has other credit attributes than the sender's`, { classCode: want.code, field: "attributes" });
    } else {
      const def = Object.fromEntries(Object.entries({ ...want, commandId: `link-class-${want.code}` }).filter(([, v]) => v !== null));
      const d = await this.reg.defineClass(LINK_SYSTEM, def);
      if (!d.ok && d.check !== "class-exists") return d;
      if (body.attributes) {
        await this.db.query("INSERT INTO intl_classes (class_code, attributes, defined_at) VALUES ($1, $2, $3) ON CONFLICT (class_code) DO NOTHING", [want.code, JSON.stringify(body.attributes), this.now()]);
      }
    }
    const acc = await this.reg.ledger.getAccount(body.destination);
    const holding = this.reg.ledger.catalogue.kinds.get("forwarding")?.to ?? [];
    if (!acc || acc.status !== "open" || !holding.includes(acc.type)) {
      return intlRefusal("LINK_DESTINATION_INVALID", `destination ${body.destination} is not an open holding account of this registry`, { field: "destination", destination: body.destination });
    }
    return undefined;
  }

  /** The credit of an accepted transfer to its destination (inbound -> destination), once. */
  private async credit(row: InboundRow): Promise<void> {
    const r = await this.move(moveId("credit", row.linkId, row.transferId), "forwarding", { classCode: row.classCode, from: inboundAccountOf(row.linkId), to: row.destination, quantity: row.quantity },
      { kind: "link-credit", body: { linkId: row.linkId, transferId: row.transferId } });
    if (!r.ok && r.check !== "link-state") await this.reg.audit.outcome(LINK_SYSTEM, "link.credit", row.transferId, r, { linkId: row.linkId });
  }

  // ------------------------------------------------------------------ recovery

  /** Resends, settles and credits whatever is pending; what each transfer is left at. */
  async recover(limit = 200): Promise<{ outbound: OutboundView[]; credited: number }> {
    const out: OutboundView[] = [];
    for (const row of await openOutbound(this.db, limit)) {
      const r = await this.pump(row.linkId, row.transferId);
      if (r) out.push(outboundView(r));
    }
    let credited = 0;
    for (const row of await uncredited(this.db, limit)) {
      await this.credit(row);
      if ((await getInbound(this.db, row.linkId, row.transferId))?.creditTx) credited++;
    }
    return { outbound: out, credited };
  }

  /** recover() now and every `everyMs`, one run at a time; stop() ends it. */
  schedule(everyMs: number, onError: (err: unknown) => void): { stop(): Promise<void> } {
    let running: Promise<unknown> | null = null;
    const run = () => {
      if (running) return;
      running = this.recover().catch(onError).finally(() => {
        running = null;
      });
    };
    run();
    const t = setInterval(run, everyMs);
    t.unref();
    return {
      async stop() {
        clearInterval(t);
        await running;
      },
    };
  }
}

export { TRANSFER_ID };
