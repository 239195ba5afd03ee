// Configuring linked registries (docs/guides/linked-registries.md): this registry's identity (its
// id and Ed25519 key pair, made once) and the links an administrator sets up, one per peer
// registry, naming the peer's URL, registry id, public key and (for ITMOs) Party. A change of a
// link waits for a second administrator when the security rules ask for four eyes; it takes effect
// when approved. A link keeps two accounts of its own: the sent account (terminal: units
// delivered to the peer) and the inbound account (pending: units received, before their credit).
import { intlRefusal, type Refusal } from "../../../domain/international/codes.ts";
import { LINK_ID } from "../../../domain/international/link.ts";
import { hasRole, type Caller, systemPrincipal } from "../../../domain/security/roles.ts";
import { securityRefusal } from "../../../domain/security/codes.ts";
import type { Clock } from "../../../platform/clock.ts";
import type { Db, Sql } from "../../../store/db.ts";
import type { Result } from "../../ledger/index.ts";
import type { SecureRegistry } from "../../secure/index.ts";
import { isEd25519Public, newKeyPair } from "./crypto.ts";
import { getLink, getSelf, type LinkRow } from "./store.ts";

export const LINK_SYSTEM: Caller = { principal: systemPrincipal("links"), ip: null };
const COMMAND_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
const REGISTRY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const sentAccountOf = (linkId: string) => `LNK-${linkId}-SENT`;
export const inboundAccountOf = (linkId: string) => `LNK-${linkId}-IN`;

export interface LinkInput {
  linkId: string;
  peerUrl: string;
  peerRegistry: string;
  peerPublicKey: string;
  peerParty: string | null;
}

export interface LinkChange {
  changeId: string;
  linkId: string;
  status: "awaiting_approval" | "applied" | "rejected";
  proposedBy: string;
  proposedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  link: Omit<LinkRow, "peerPublicKey"> & { peerPublicKey: string } | null;
}

const bad = (field: string, message: string) => intlRefusal("LINK_INVALID", `${field}: ${message}`, { field });

/** A link's fields read from a request, or the first bad field (10752). */
export function readLink(v: Record<string, unknown>): LinkInput | Refusal {
  if (typeof v.linkId !== "string" || !LINK_ID.test(v.linkId)) return bad("linkId", "2 to 32 capital letters, digits and -");
  if (typeof v.peerUrl !== "string" || v.peerUrl.length > 300 || !/^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(v.peerUrl)) return bad("peerUrl", "the peer registry's base URL, http:// or https://");
  if (typeof v.peerRegistry !== "string" || !REGISTRY_ID.test(v.peerRegistry)) return bad("peerRegistry", "the peer's registry id (letters, digits, . _ -)");
  if (!isEd25519Public(v.peerPublicKey)) return bad("peerPublicKey", "the peer's Ed25519 public key in PEM (SPKI)");
  if (v.peerParty !== undefined && v.peerParty !== null && (typeof v.peerParty !== "string" || !/^[A-Z]{3}$/.test(v.peerParty))) return bad("peerParty", "the peer's Party, ISO 3166 alpha-3, or null");
  return { linkId: v.linkId, peerUrl: v.peerUrl.replace(/\/+$/, ""), peerRegistry: v.peerRegistry, peerPublicKey: v.peerPublicKey, peerParty: (v.peerParty as string | null | undefined) ?? null };
}

export class LinkConfig {
  constructor(
    private readonly reg: SecureRegistry,
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  private now(): string {
    return this.clock.now().toISOString();
  }

  private admin(c: Caller, what: string): Refusal | undefined {
    return hasRole(c.principal, "national-admin") ? undefined : securityRefusal("KIND_NOT_ALLOWED", `${what} is done by a national administrator`, { operation: what });
  }

  /** This registry's id and public key (never its private key). */
  async identity(): Promise<{ registryId: string; publicKey: string } | null> {
    const s = await getSelf(this.db);
    return s ? { registryId: s.registryId, publicKey: s.publicKey } : null;
  }

  /** Makes this registry's key pair under its id, once; the same id again answers the same key. */
  async setIdentity(c: Caller, input: Record<string, unknown>): Promise<Result<{ registryId: string; publicKey: string }>> {
    const no = this.admin(c, "the registry's link identity");
    if (no) return this.reg.audit.outcome(c, "link.identity", null, no);
    if (typeof input.registryId !== "string" || !REGISTRY_ID.test(input.registryId)) return this.reg.audit.outcome(c, "link.identity", null, bad("registryId", "letters, digits, . _ - (at most 64)"));
    const keys = newKeyPair();
    await this.db.query("INSERT INTO intl_link_self (id, registry_id, public_key, private_key, created_at) VALUES (1, $1, $2, $3, $4) ON CONFLICT (id) DO NOTHING",
      [input.registryId, keys.publicKey, keys.privateKey, this.now()]);
    const s = await getSelf(this.db);
    if (!s) throw new Error("the link identity vanished");
    const res: Result<{ registryId: string; publicKey: string }> = s.registryId !== input.registryId
      ? bad("registryId", `this registry's links are made as ${s.registryId}; its key pair is not remade`)
      : { ok: true, value: { registryId: s.registryId, publicKey: s.publicKey }, replayed: s.publicKey !== keys.publicKey };
    return this.reg.audit.outcome(c, "link.identity", input.registryId, res);
  }

  /** Proposes a link (new or changed): applied at once, or awaiting a second administrator under four eyes. */
  async configure(c: Caller, input: Record<string, unknown>): Promise<Result<LinkChange>> {
    const res = await this.configureInner(c, input);
    return this.reg.audit.outcome(c, "link.configure", typeof input.linkId === "string" ? input.linkId.slice(0, 32) : null, res);
  }

  private async configureInner(c: Caller, input: Record<string, unknown>): Promise<Result<LinkChange>> {
    const no = this.admin(c, "configuring a link");
    if (no) return no;
    if (typeof input.commandId !== "string" || !COMMAND_ID.test(input.commandId)) return bad("commandId", "must be an id");
    const { commandId, ...rest } = input;
    const link = readLink(rest);
    if ("ok" in link) return link;
    const known = await this.change(commandId as string);
    if (known) {
      const same = JSON.stringify(known.body) === JSON.stringify(link);
      return same ? { ok: true, value: await this.changeView(commandId as string), replayed: true } : intlRefusal("ID_EXISTS", `commandId ${commandId as string} was used for another link change`, { field: "commandId" });
    }
    const by = c.principal.userId ?? "system";
    await this.db.query("INSERT INTO intl_link_changes (change_id, link_id, body, status, proposed_by, proposed_at) VALUES ($1, $2, $3, 'awaiting_approval', $4, $5)",
      [commandId, link.linkId, JSON.stringify(link), by, this.now()]);
    if (!this.reg.config.fourEyes) await this.apply(commandId as string, by, null);
    return { ok: true, value: await this.changeView(commandId as string), replayed: false };
  }

  /** A second administrator approves a change: it takes effect. */
  async approve(c: Caller, input: Record<string, unknown>): Promise<Result<LinkChange>> {
    const res = await (async (): Promise<Result<LinkChange>> => {
      const no = this.admin(c, "approving a link change");
      if (no) return no;
      const id = input.changeId;
      const ch = typeof id === "string" ? await this.change(id) : undefined;
      if (!ch) return intlRefusal("LINK_UNKNOWN", `no link change ${String(id).slice(0, 100)}`, { field: "changeId" });
      if (ch.status !== "awaiting_approval") return intlRefusal("LINK_STATE", `link change ${ch.changeId} is ${ch.status}`, { changeId: ch.changeId, status: ch.status });
      if (ch.proposedBy === c.principal.userId) return securityRefusal("FOUR_EYES_SAME_PERSON", `${ch.proposedBy} proposed this link change and cannot also approve it`, { initiator: ch.proposedBy, approver: c.principal.userId });
      await this.apply(ch.changeId, ch.proposedBy, c.principal.userId);
      return { ok: true, value: await this.changeView(ch.changeId), replayed: false };
    })();
    return this.reg.audit.outcome(c, "link.approve", typeof input.changeId === "string" ? input.changeId.slice(0, 100) : null, res);
  }

  /** The changes oldest first (then by id); with a page, those after the change `after` (its position read from the table), at most `take`. */
  async listChanges(page: { after?: string | undefined; take?: number | undefined } = {}): Promise<LinkChange[]> {
    const r = await this.db.query<{ change_id: string }>(
      `SELECT change_id FROM intl_link_changes
       WHERE ($1::text IS NULL OR (proposed_at, change_id) > (SELECT p.proposed_at, p.change_id FROM intl_link_changes p WHERE p.change_id = $1))
       ORDER BY proposed_at, change_id LIMIT $2`,
      [page.after ?? null, page.take ?? null],
    );
    return Promise.all(r.rows.map((x) => this.changeView(x.change_id)));
  }

  private async change(id: string): Promise<{ changeId: string; body: LinkInput; status: LinkChange["status"]; proposedBy: string } | undefined> {
    return (await this.db.query<{ changeId: string; body: LinkInput; status: LinkChange["status"]; proposedBy: string }>(
      `SELECT change_id AS "changeId", body, status, proposed_by AS "proposedBy" FROM intl_link_changes WHERE change_id = $1`, [id],
    )).rows[0];
  }

  private async changeView(id: string): Promise<LinkChange> {
    const r = (await this.db.query<Omit<LinkChange, "link"> & { body: LinkInput }>(
      `SELECT change_id AS "changeId", link_id AS "linkId", status, proposed_by AS "proposedBy", proposed_at AS "proposedAt", decided_by AS "decidedBy",
              decided_at AS "decidedAt", body FROM intl_link_changes WHERE change_id = $1`, [id],
    )).rows[0];
    if (!r) throw new Error(`link change ${id} vanished`);
    const { body: _b, ...rest } = r;
    return { ...rest, link: (await getLink(this.db, r.linkId)) ?? null };
  }

  /** The change takes effect: the link row (its next version) and its two accounts. */
  private async apply(changeId: string, by: string, approvedBy: string | null): Promise<void> {
    const ch = await this.change(changeId);
    if (!ch) throw new Error(`link change ${changeId} vanished`);
    const l = ch.body;
    await this.openAccount(sentAccountOf(l.linkId), "link_sent", `Units delivered over link ${l.linkId}`);
    await this.openAccount(inboundAccountOf(l.linkId), "pending", `Units received over link ${l.linkId}, before their credit`);
    const now = this.now();
    await this.db.transaction(async (tx: Sql) => {
      const u = await tx.query("UPDATE intl_link_changes SET status = 'applied', decided_by = $2, decided_at = $3 WHERE change_id = $1 AND status = 'awaiting_approval'", [changeId, approvedBy ?? by, now]);
      if (u.rowCount !== 1) return;
      await tx.query(
        `INSERT INTO intl_links (link_id, peer_url, peer_registry, peer_public_key, peer_party, version, configured_at, configured_by, approved_by)
         VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $8)
         ON CONFLICT (link_id) DO UPDATE SET peer_url = EXCLUDED.peer_url, peer_registry = EXCLUDED.peer_registry, peer_public_key = EXCLUDED.peer_public_key,
           peer_party = EXCLUDED.peer_party, version = intl_links.version + 1, configured_at = EXCLUDED.configured_at, configured_by = EXCLUDED.configured_by,
           approved_by = EXCLUDED.approved_by`,
        [l.linkId, l.peerUrl, l.peerRegistry, l.peerPublicKey, l.peerParty, now, by, approvedBy],
      );
      for (const [acc, role] of [[sentAccountOf(l.linkId), "sent"], [inboundAccountOf(l.linkId), "inbound"]] as const) {
        await tx.query("INSERT INTO intl_link_accounts (account_id, link_id, role) VALUES ($1, $2, $3) ON CONFLICT (account_id) DO NOTHING", [acc, l.linkId, role]);
      }
    });
  }

  async openAccount(id: string, type: string, name: string): Promise<void> {
    const o = await this.reg.openAccount(LINK_SYSTEM, { commandId: `link-open-${id}`, accountId: id, type, holder: "links", name });
    if (!o.ok && o.check !== "account-exists") throw new Error(`opening ${id}: ${o.message}`);
  }
}
