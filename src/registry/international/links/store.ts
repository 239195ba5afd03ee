// The rows of linked registries (src/store/migrations/intl-link.ts): this registry's key pair, the
// links, the sender's transfers (the outbox) and the receiver's decisions. Written by the link
// service and, inside the ledger's writing transactions, by the link hooks (hooks.ts).
import type { AnswerBody, ProposeBody, SerialRun } from "../../../domain/international/link.ts";
import type { Sql } from "../../../store/db.ts";
import type { Envelope } from "./crypto.ts";

export interface SelfRow {
  registryId: string;
  publicKey: string;
  privateKey: string;
}

export async function getSelf(sql: Sql): Promise<SelfRow | undefined> {
  return (await sql.query<SelfRow>(`SELECT registry_id AS "registryId", public_key AS "publicKey", private_key AS "privateKey" FROM intl_link_self WHERE id = 1`)).rows[0];
}

export interface LinkRow {
  linkId: string;
  peerUrl: string;
  peerRegistry: string;
  peerPublicKey: string;
  peerParty: string | null;
  version: number;
  configuredAt: string;
  configuredBy: string;
  approvedBy: string | null;
}

const LINK_COLS = `link_id AS "linkId", peer_url AS "peerUrl", peer_registry AS "peerRegistry", peer_public_key AS "peerPublicKey", peer_party AS "peerParty",
  version, configured_at AS "configuredAt", configured_by AS "configuredBy", approved_by AS "approvedBy"`;

export async function getLink(sql: Sql, linkId: string): Promise<LinkRow | undefined> {
  return (await sql.query<LinkRow>(`SELECT ${LINK_COLS} FROM intl_links WHERE link_id = $1`, [linkId])).rows[0];
}

export async function listLinks(sql: Sql): Promise<LinkRow[]> {
  return (await sql.query<LinkRow>(`SELECT ${LINK_COLS} FROM intl_links ORDER BY link_id`)).rows;
}

/** The link an account belongs to and its role there, if any. */
export async function linkAccount(sql: Sql, accountId: string): Promise<{ linkId: string; role: "escrow" | "sent" | "inbound"; transferId: string | null } | undefined> {
  return (await sql.query<{ linkId: string; role: "escrow" | "sent" | "inbound"; transferId: string | null }>(
    `SELECT link_id AS "linkId", role, transfer_id AS "transferId" FROM intl_link_accounts WHERE account_id = $1`, [accountId],
  )).rows[0];
}

export type OutboundStatus = "escrowed" | "delivered" | "returned";

export interface OutboundRow {
  linkId: string;
  transferId: string;
  escrowTx: string;
  escrowAccount: string;
  source: string;
  destination: string;
  classCode: string;
  quantity: bigint;
  serials: SerialRun[];
  message: ProposeBody;
  status: OutboundStatus;
  answer: { envelope: Envelope; body: AnswerBody } | null;
  settleTx: string | null;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

const OUT_COLS = `link_id AS "linkId", transfer_id AS "transferId", escrow_tx AS "escrowTx", escrow_account AS "escrowAccount", source, destination,
  class_code AS "classCode", quantity, serials, message, status, answer, settle_tx AS "settleTx", attempts, last_error AS "lastError",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

export async function getOutbound(sql: Sql, linkId: string, transferId: string, lock = false): Promise<OutboundRow | undefined> {
  return (await sql.query<OutboundRow>(`SELECT ${OUT_COLS} FROM intl_link_outbound WHERE link_id = $1 AND transfer_id = $2${lock ? " FOR UPDATE" : ""}`, [linkId, transferId])).rows[0];
}

/** Transfers still in escrow, oldest first. */
export async function openOutbound(sql: Sql, limit: number): Promise<OutboundRow[]> {
  return (await sql.query<OutboundRow>(`SELECT ${OUT_COLS} FROM intl_link_outbound WHERE status = 'escrowed' ORDER BY created_at, transfer_id LIMIT $1`, [limit])).rows;
}

export async function listOutbound(sql: Sql, opts: { linkId?: string | undefined; after?: string | undefined; limit: number }): Promise<OutboundRow[]> {
  return (await sql.query<OutboundRow>(
    `SELECT ${OUT_COLS} FROM intl_link_outbound WHERE ($1::text IS NULL OR link_id = $1) AND ($2::text IS NULL OR transfer_id > $2)
     ORDER BY transfer_id LIMIT $3`,
    [opts.linkId ?? null, opts.after ?? null, opts.limit],
  )).rows;
}

export interface InboundRow {
  linkId: string;
  transferId: string;
  digest: string;
  decision: "accepted" | "refused";
  refusal: { code: number; check: string; message: string } | null;
  receiptTx: string | null;
  creditTx: string | null;
  classCode: string;
  quantity: bigint;
  destination: string;
  originSerials: SerialRun[];
  localStart: bigint | null;
  localEnd: bigint | null;
  decidedAt: string;
  creditedAt: string | null;
}

const IN_COLS = `link_id AS "linkId", transfer_id AS "transferId", digest, decision, refusal, receipt_tx AS "receiptTx", credit_tx AS "creditTx",
  class_code AS "classCode", quantity, destination, origin_serials AS "originSerials", local_start AS "localStart", local_end AS "localEnd",
  decided_at AS "decidedAt", credited_at AS "creditedAt"`;

export async function getInbound(sql: Sql, linkId: string, transferId: string): Promise<InboundRow | undefined> {
  return (await sql.query<InboundRow>(`SELECT ${IN_COLS} FROM intl_link_inbound WHERE link_id = $1 AND transfer_id = $2`, [linkId, transferId])).rows[0];
}

/** Accepted transfers not yet credited to their destination, oldest first. */
export async function uncredited(sql: Sql, limit: number): Promise<InboundRow[]> {
  return (await sql.query<InboundRow>(`SELECT ${IN_COLS} FROM intl_link_inbound WHERE decision = 'accepted' AND credit_tx IS NULL ORDER BY decided_at LIMIT $1`, [limit])).rows;
}

export async function listInbound(sql: Sql, opts: { linkId?: string | undefined; after?: string | undefined; limit: number }): Promise<InboundRow[]> {
  return (await sql.query<InboundRow>(
    `SELECT ${IN_COLS} FROM intl_link_inbound WHERE ($1::text IS NULL OR link_id = $1) AND ($2::text IS NULL OR transfer_id > $2)
     ORDER BY transfer_id LIMIT $3`,
    [opts.linkId ?? null, opts.after ?? null, opts.limit],
  )).rows;
}

/** Records a decision unless one exists; true when this call made it. */
export async function insertInbound(sql: Sql, row: Omit<InboundRow, "decidedAt" | "creditTx" | "creditedAt">, at: string): Promise<boolean> {
  const r = await sql.query(
    `INSERT INTO intl_link_inbound (link_id, transfer_id, digest, decision, refusal, receipt_tx, class_code, quantity, destination, origin_serials, local_start, local_end, decided_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) ON CONFLICT (link_id, transfer_id) DO NOTHING`,
    [row.linkId, row.transferId, row.digest, row.decision, row.refusal === null ? null : JSON.stringify(row.refusal), row.receiptTx, row.classCode, row.quantity,
      row.destination, JSON.stringify(row.originSerials), row.localStart, row.localEnd, at],
  );
  return r.rowCount === 1;
}
