// The exactly-once transfer of units between linked registries (docs/concepts/linked-registries.md).
// Sender: the escrow (a transfer of the source's units into an escrow slot of the link, held by
// this transfer alone until it settles, through the secure registry, so roles, four-eyes, delays
// and limits apply) writes the outbox row in its database transaction (hooks.ts); the transfer
// then joins the link's next flight (sender.ts): the ready transfers of a link are proposed
// together in one signed message, retried with the same transfer ids until a signed answer comes;
// the answers are recorded, then the transfers settle: delivered (escrow -> the link's sent
// account, a terminal account) or returned (escrow -> source). Receiver (receiver.ts): it verifies
// the message once and decides each transfer once, the message's decisions in one database
// transaction, answers, then credits the accepted ones (credits.ts); a repeat gets the same decisions. recover() resends
// what has no answer, settles what has one and credits what is owed, at start-up, on a timer and
// on an administrator's request: a crash at any step ends delivered or returned, never lost or
// duplicated, since every move is a ledger transaction idempotent by id.
import { intlRefusal } from "../../../domain/international/codes.ts";
import { type AnswerBody, type ProposeBody, TRANSFER_ID } from "../../../domain/international/link.ts";
import type { Caller } from "../../../domain/security/roles.ts";
import { securityRefusal } from "../../../domain/security/codes.ts";
import type { Clock } from "../../../platform/clock.ts";
import type { Db } from "../../../store/db.ts";
import type { Result } from "../../ledger/index.ts";
import type { SecureRegistry, SecureTransactionView } from "../../secure/index.ts";
import { scopeOf } from "../../secure/authorize.ts";
import { putIntent } from "../intents.ts";
import { LinkConfig } from "./config.ts";
import type { Envelope } from "./crypto.ts";
import { FAULT_STEPS, type FaultStep } from "./faults.ts";
import { fault, hashId, type LinkCtx, type LinkServiceOptions } from "./moves.ts";
import { Credits } from "./credits.ts";
import { credit, MAX_SKEW_MS, receive } from "./receiver.ts";
import { Flights, proposeFlight, settleFlight } from "./sender.ts";
import {
  addSlot, freeSlot, getInbounds, getOutbound, getOutbounds, holdOrTakeSlot, type InboundRow, openOutbound, type OutboundRow, retakeSlot, uncredited,
} from "./store.ts";

export { FAULT_STEPS, type FaultStep, type LinkServiceOptions, MAX_SKEW_MS };

const UNITS = /^[1-9]\d{0,17}$/;
const ACCOUNT = /^[A-Z0-9][A-Z0-9-]{1,63}$/;
const KEY = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

/** A new escrow slot's account id: named after the transfer that first needed it; later transfers of the link reuse it. */
export const escrowSlotOf = (linkId: string, transferId: string) => `LNK-E-${hashId(linkId, transferId)}`;

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
  private readonly ctx: LinkCtx;
  private readonly flights: Flights;
  private readonly credits: Credits;
  private readonly stopping = new AbortController();

  constructor(
    readonly reg: SecureRegistry,
    private readonly db: Db,
    private readonly clock: Clock,
    opts: LinkServiceOptions = {},
  ) {
    this.config = new LinkConfig(reg, db, clock);
    this.credits = new Credits({ reg, db, clock, opts });
    this.ctx = { reg, db, clock, opts, owe: (rows) => this.credits.owe(rows), stopping: this.stopping.signal };
    this.flights = new Flights((linkId, ids) => proposeFlight(this.ctx, linkId, ids), (linkId, ids) => settleFlight(this.ctx, linkId, ids));
  }

  private now(): string {
    return this.clock.now().toISOString();
  }

  // ------------------------------------------------------------------ sender

  /** Sends units over a link: the escrow through the secure registry, then (once it completed) the transfer joins the link's next message. */
  async send(c: Caller, input: Record<string, unknown>): Promise<Result<SendResult>> {
    const bad = (field: string, message: string) => intlRefusal("FIELD_INVALID", `${field}: ${message}`, { field });
    if (typeof input.commandId !== "string" || !KEY.test(input.commandId)) return bad("commandId", "must be an id");
    if (typeof input.from !== "string" || !ACCOUNT.test(input.from)) return bad("from", "must be an account id");
    if (c.principal.userId === null) return securityRefusal("PERMISSION_DENIED", "sign in", {});
    // The same right the secure registry asks, checked first, before anything is left behind (the slot, the intent); in the
    // same statement, the link, this registry's id, the class's fields as the message carries them and its credit attributes
    // (checked after the fields).
    const str = (v: unknown) => (typeof v === "string" ? v : null);
    const pre = (await this.db.query<{ can_initiate: boolean | null; link_id: string | null; registry_id: string | null; attributes: Record<string, unknown> | null; unit_class: ProposeBody["unitClass"] | null }>(
      `SELECT (SELECT can_initiate FROM representatives WHERE account_id = $3 AND user_id = $4) AS can_initiate,
              (SELECT link_id FROM intl_links WHERE link_id = $1) AS link_id, (SELECT registry_id FROM intl_link_self WHERE id = 1) AS registry_id,
              (SELECT attributes FROM intl_classes WHERE class_code = $2) AS attributes,
              (SELECT jsonb_build_object('code', code, 'unitType', unit_type, 'scheme', scheme, 'vintage', vintage, 'commitmentPeriod', commitment_period, 'project', project,
                                         'hostCountry', host_country, 'creditKind', credit_kind, 'methodology', methodology) FROM unit_classes WHERE code = $2) AS unit_class`,
      [str(input.linkId), str(input.classCode), input.from, c.principal.userId],
    )).rows[0];
    if (!pre?.can_initiate) return securityRefusal("NOT_INITIATOR_REPRESENTATIVE", `you are not a representative of ${input.from} with the initiate right`, { accountId: input.from });
    if (typeof input.linkId !== "string") return bad("linkId", "must be a link id");
    if (typeof input.destination !== "string" || !ACCOUNT.test(input.destination)) return bad("destination", "must be an account id of the peer registry");
    if (typeof input.classCode !== "string") return bad("classCode", "must be a class code");
    const quantity = typeof input.quantity === "string" ? input.quantity : typeof input.quantity === "number" && Number.isSafeInteger(input.quantity) ? String(input.quantity) : "";
    if (!UNITS.test(quantity)) return bad("quantity", "must be a positive whole number of units");
    if (input.wait !== undefined && typeof input.wait !== "boolean") return bad("wait", "must be true (answer once settled) or false (answer once escrowed and queued)");
    const wait = input.wait !== false;
    if (!pre.link_id) return intlRefusal("LINK_UNKNOWN", `no link ${input.linkId.slice(0, 40)}`, { field: "linkId" });
    if (!pre.registry_id) return intlRefusal("RULES_MISSING", "this registry has no link identity (set it first: ets link identity)", { rule: "link identity" });
    // The link's next message waits for this escrow (it may share the message).
    const linkId = pre.link_id;
    const over = this.flights.coming(linkId);
    try {
      return await this.escrowAndSend(c, linkId, input as Record<string, unknown> & { commandId: string; from: string; destination: string; classCode: string }, quantity, over, wait, {
        registryId: pre.registry_id, attributes: pre.attributes, unitClass: pre.unit_class,
      });
    } finally {
      over();
    }
  }

  private async escrowAndSend(c: Caller, linkId: string, input: { commandId: string; from: string; destination: string; classCode: string }, quantity: string, over: () => void, wait: boolean, self: { registryId: string; attributes: Record<string, unknown> | null; unitClass: ProposeBody["unitClass"] | null }): Promise<Result<SendResult>> {
    const link = { linkId };
    const cls = self.unitClass;
    if (!cls) return intlRefusal("ID_UNKNOWN", `no class ${input.classCode.slice(0, 64)}`, { field: "classCode" });
    const kind = this.reg.ledger.catalogue.kinds.get("external_transfer");
    const transferId = this.reg.ledger.idFor(scopeOf(c.principal, kind), input.commandId);
    const message: Omit<ProposeBody, "serials" | "quantity"> = {
      transferId, sender: self.registryId, destination: input.destination, attributes: self.attributes,
      unitClass: cls,
    };
    const slot = await this.slotFor(link.linkId, transferId, input.destination, message);
    if ("ok" in slot) return slot;
    const tx = await this.reg.initiate(c, { transactionId: input.commandId, kind: "external_transfer", legs: [{ classCode: cls.code, from: input.from, to: slot.account, quantity }] });
    if (!tx.ok || tx.replayed) {
      // Nothing moved into the slot now (a refusal, or a repeat of an escrow made before, which settled or holds its slot still): it is free for the next transfer.
      if (slot.taken) await freeSlot(this.db, slot.account, transferId, this.now());
      if (!tx.ok) return tx;
    }
    if (tx.value.status === "completed") {
      fault(this.ctx, "sender-after-escrow", [transferId]);
      // The escrow committed with its outbox row: from here the transfer ends delivered or returned whatever happens (recovery
      // finishes a flight cut short). Waiting, the caller learns the end of its flight; not waiting, it learns only that the
      // transfer is queued (escrowed, "in flight"), and reads the end later (the same command again, or the outbound list).
      // A repeat of a command without waiting joins no flight: the transfer is in one already, or settled.
      if (wait) await this.flights.push(link.linkId, [transferId], over);
      else if (!tx.replayed) void this.flights.push(link.linkId, [transferId], over).catch(() => undefined);
    }
    const row = await getOutbound(this.db, link.linkId, transferId);
    return { ok: true, value: { transaction: tx.value, transfer: row ? outboundView(row) : null }, replayed: tx.replayed };
  }

  /**
   * One transfer sent over a link, where it stands (escrowed and in flight, delivered, returned),
   * for whoever may see its escrow transaction by the registry's own rule: administrators and the
   * authority every one, a representative those from an account it represents. Anyone else learns
   * nothing: 10751, as for a transfer that does not exist. What a representative who sent without
   * waiting reads to learn how its transfer ended. An escrow that has not completed (or never will)
   * is no transfer yet: 10763 with the escrow's status.
   */
  async transfer(c: Caller, linkId: string, transferId: string): Promise<Result<OutboundView>> {
    if (!TRANSFER_ID.test(transferId)) return intlRefusal("FIELD_INVALID", "transferId: must be a transfer id (letters, digits and . _ : -)", { field: "transferId" });
    const unknown = intlRefusal("LINK_UNKNOWN", `no transfer ${transferId} over link ${linkId.slice(0, 40)} that you may see`, { field: "transferId" });
    const row = await getOutbound(this.db, linkId, transferId);
    if (row) {
      const seen = await this.reg.getTransaction(c, row.escrowTx);
      return seen.ok ? { ok: true, value: outboundView(row), replayed: false } : unknown;
    }
    // Not in flight: an escrow of this link that has not completed (awaiting approval or its delay) or never will (rejected,
    // cancelled, expired). Its escrow transaction (same id) says which, to whoever may see it.
    const intent = (await this.db.query<{ body: { linkId?: unknown } }>("SELECT body FROM intl_intents WHERE tx_id = $1 AND kind = 'link-escrow'", [transferId])).rows[0];
    if (intent?.body.linkId !== linkId) return unknown;
    const tx = await this.reg.getTransaction(c, transferId);
    if (!tx.ok) return unknown;
    const { status, delayUntil } = tx.value;
    const waiting = status === "awaiting_approval" || status === "delayed";
    const why = status === "awaiting_approval" ? "awaits approval" : status === "delayed" ? `is delayed until ${delayUntil ?? "its release"}` : `was ${status}`;
    return intlRefusal("LINK_NOT_SENT", `transfer ${transferId} has not gone over ${linkId}: its escrow ${why}${waiting ? "; it is sent once the escrow completes" : ", so it is never sent"}`, {
      transactionId: transferId, status, delayUntil: delayUntil ?? null,
    });
  }

  /**
   * The escrow slot of the transfer and its intent: the slot it holds, a free slot of the link, or a
   * new one; a repeat of the command finds the slot its intent names. `taken`: this call took it.
   */
  private async slotFor(linkId: string, transferId: string, destination: string, message: Omit<ProposeBody, "serials" | "quantity">) {
    const now = this.now();
    const slot = await holdOrTakeSlot(this.db, linkId, transferId, now);
    let account = slot?.account;
    const taken = slot?.taken ?? true;
    if (!account) {
      account = escrowSlotOf(linkId, transferId);
      await this.config.openAccount(account, "pending", `Escrow slot of link ${linkId}`.slice(0, 200));
      await addSlot(this.db, linkId, account, transferId, now);
    }
    const put = await putIntent(this.db, transferId, { kind: "link-escrow", body: { linkId, transferId, escrowAccount: account, destination, message } }, now);
    if (!put) return { account, taken };
    // The command was sent before, into another slot: that one is its (taken back if free; the escrow's hook refuses a slot another transfer holds).
    if (taken) await freeSlot(this.db, account, transferId, now);
    const prior = await this.db.query<{ kind: string; body: { escrowAccount?: string; destination?: string } }>("SELECT kind, body FROM intl_intents WHERE tx_id = $1", [transferId]);
    const p = prior.rows[0];
    if (!p || p.kind !== "link-escrow" || p.body.destination !== destination || typeof p.body.escrowAccount !== "string") return put;
    const again = await putIntent(this.db, transferId, { kind: "link-escrow", body: { linkId, transferId, escrowAccount: p.body.escrowAccount, destination, message } }, now);
    if (again) return again;
    const retaken = taken && (await retakeSlot(this.db, p.body.escrowAccount, transferId, now));
    return { account: p.body.escrowAccount, taken: retaken };
  }

  // ------------------------------------------------------------------ receiver

  /** A signed proposal message from a peer: the signed answer, or a refusal of the message itself (nothing decided). */
  receive(raw: unknown): Promise<Result<Envelope>> {
    return receive(this.ctx, raw);
  }

  // ------------------------------------------------------------------ recovery

  /** Resends, settles and credits whatever is pending; what each transfer is left at. */
  async recover(limit = 200): Promise<{ outbound: OutboundView[]; credited: number }> {
    const open = await openOutbound(this.db, limit);
    const byLink = new Map<string, string[]>();
    for (const r of open) byLink.set(r.linkId, [...(byLink.get(r.linkId) ?? []), r.transferId]);
    const after = new Map<string, OutboundRow>();
    for (const [linkId, ids] of byLink) {
      await this.flights.push(linkId, ids);
      for (const r of await getOutbounds(this.db, linkId, ids)) after.set(`${r.linkId}\n${r.transferId}`, r);
    }
    const out = open.flatMap((r) => {
      const a = after.get(`${r.linkId}\n${r.transferId}`);
      return a ? [outboundView(a)] : [];
    });
    await this.credits.idle();
    const owed = await uncredited(this.db, limit);
    const owedBy = new Map<string, InboundRow[]>();
    for (const r of owed) owedBy.set(r.linkId, [...(owedBy.get(r.linkId) ?? []), r]);
    let credited = 0;
    for (const [linkId, rows] of owedBy) {
      await credit(this.ctx, rows);
      credited += (await getInbounds(this.db, linkId, rows.map((r) => r.transferId))).filter((r) => r.creditTx !== null).length;
    }
    return { outbound: out, credited };
  }

  /**
   * For a server's stop: messages waiting for a peer's answer give up at once instead of waiting out
   * the timeout (their transfers stay escrowed, with the attempt noted, and the next recovery sends
   * them again: the peer answers a repeated transfer with its first decision), then resolves once
   * the flights and credits under way are done. Messages sent afterwards give up at once too.
   */
  async shutdown(): Promise<void> {
    this.stopping.abort();
    await this.idle();
  }

  /** Resolves once the flights under way (sends that did not wait) and the credits owed after answers are done (or left to recovery): tests and shutdown wait for it. */
  async idle(): Promise<void> {
    await this.flights.idle();
    await this.credits.idle();
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
