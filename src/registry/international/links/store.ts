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
  /** The peer's decision on this transfer, and the answer message it came in (intl_link_answers, by nonce). */
  answer: { message: string; body: AnswerBody } | null;
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

/**
 * A page of a link's transfer feed (sent or received), in transfer id order (then link id):
 * of one link or all; those after the transfer `from` (the last of the previous page) or, as
 * earlier clients ask, those whose transfer id sorts after `after`; at most `limit`.
 */
export interface LinkFeedPage {
  linkId?: string | undefined;
  after?: string | undefined;
  from?: { linkId: string; transferId: string } | undefined;
  limit: number;
}

export async function listOutbound(sql: Sql, opts: LinkFeedPage): Promise<OutboundRow[]> {
  return (await sql.query<OutboundRow>(
    `SELECT ${OUT_COLS} FROM intl_link_outbound WHERE ($1::text IS NULL OR link_id = $1) AND ($2::text IS NULL OR transfer_id > $2)
       AND ($4::text IS NULL OR (transfer_id, link_id) > ($5::text, $4::text))
     ORDER BY transfer_id, link_id LIMIT $3`,
    [opts.linkId ?? null, opts.after ?? null, opts.limit, opts.from?.linkId ?? null, opts.from?.transferId ?? null],
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

export async function listInbound(sql: Sql, opts: LinkFeedPage): Promise<InboundRow[]> {
  return (await sql.query<InboundRow>(
    `SELECT ${IN_COLS} FROM intl_link_inbound WHERE ($1::text IS NULL OR link_id = $1) AND ($2::text IS NULL OR transfer_id > $2)
       AND ($4::text IS NULL OR (transfer_id, link_id) > ($5::text, $4::text))
     ORDER BY transfer_id, link_id LIMIT $3`,
    [opts.linkId ?? null, opts.after ?? null, opts.limit, opts.from?.linkId ?? null, opts.from?.transferId ?? null],
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

/** These transfers of a link (in any order). */
export async function getOutbounds(sql: Sql, linkId: string, transferIds: readonly string[]): Promise<OutboundRow[]> {
  return (await sql.query<OutboundRow>(`SELECT ${OUT_COLS} FROM intl_link_outbound WHERE link_id = $1 AND transfer_id = ANY($2::text[])`, [linkId, transferIds])).rows;
}

/** These transfers (of any links), locked for the writing transaction, by "link\ntransfer". */
export async function getOutboundsLocked(sql: Sql, keys: ReadonlyArray<{ linkId: string; transferId: string }>): Promise<Map<string, OutboundRow>> {
  const r = await sql.query<OutboundRow>(
    `SELECT ${OUT_COLS} FROM intl_link_outbound WHERE (link_id, transfer_id) IN (SELECT * FROM unnest($1::text[], $2::text[])) ORDER BY link_id, transfer_id FOR UPDATE`,
    [keys.map((k) => k.linkId), keys.map((k) => k.transferId)],
  );
  return new Map(r.rows.map((o) => [`${o.linkId}\n${o.transferId}`, o]));
}

/** Marks these transfers settled (delivered or returned, by their settlement) and frees their slots: two statements for all. */
export async function settleOutbounds(sql: Sql, rows: ReadonlyArray<{ linkId: string; transferId: string; status: "delivered" | "returned"; tx: string; escrowAccount: string }>, at: string): Promise<void> {
  if (rows.length === 0) return;
  await sql.query(
    `UPDATE intl_link_outbound o SET status = x.status, settle_tx = x.tx, updated_at = $5
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS x(link_id, transfer_id, status, tx)
     WHERE o.link_id = x.link_id AND o.transfer_id = x.transfer_id`,
    [rows.map((r) => r.linkId), rows.map((r) => r.transferId), rows.map((r) => r.status), rows.map((r) => r.tx), at],
  );
  await sql.query(
    `UPDATE intl_link_slots s SET transfer_id = NULL, since = $3
     FROM unnest($1::text[], $2::text[]) AS x(account_id, transfer_id)
     WHERE s.account_id = x.account_id AND s.transfer_id = x.transfer_id`,
    [rows.map((r) => r.escrowAccount), rows.map((r) => r.transferId), at],
  );
}

/** Marks these accepted transfers credited (each by its credit transaction) where they await it, in one statement; the ones marked, by "link\ntransfer". */
export async function creditInbounds(sql: Sql, rows: ReadonlyArray<{ linkId: string; transferId: string; tx: string }>, at: string): Promise<Set<string>> {
  const r = await sql.query<{ link_id: string; transfer_id: string }>(
    `UPDATE intl_link_inbound i SET credit_tx = x.tx, credited_at = $4
     FROM unnest($1::text[], $2::text[], $3::text[]) AS x(link_id, transfer_id, tx)
     WHERE i.link_id = x.link_id AND i.transfer_id = x.transfer_id AND i.decision = 'accepted' AND i.credit_tx IS NULL
     RETURNING i.link_id, i.transfer_id`,
    [rows.map((r) => r.linkId), rows.map((r) => r.transferId), rows.map((r) => r.tx), at],
  );
  return new Set(r.rows.map((x) => `${x.link_id}\n${x.transfer_id}`));
}

/** Keeps the peer's signed answer message once, and records each transfer's decision from it (only where none is recorded). */
export async function saveAnswers(sql: Sql, linkId: string, envelope: Envelope, answers: readonly AnswerBody[], at: string): Promise<void> {
  await sql.query("INSERT INTO intl_link_answers (link_id, nonce, envelope, received_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING", [linkId, envelope.nonce, JSON.stringify(envelope), at]);
  await sql.query(
    `UPDATE intl_link_outbound o SET answer = jsonb_build_object('message', $2::text, 'body', x.body), attempts = attempts + 1, last_error = NULL, updated_at = $4
     FROM jsonb_array_elements($3::jsonb) AS x(body)
     WHERE o.link_id = $1 AND o.transfer_id = x.body->>'transferId' AND o.status = 'escrowed' AND o.answer IS NULL`,
    [linkId, envelope.nonce, JSON.stringify(answers), at],
  );
}

/** Notes a failed attempt on these escrowed transfers. */
export async function noteAttempt(sql: Sql, linkId: string, transferIds: readonly string[], error: string, at: string): Promise<void> {
  await sql.query("UPDATE intl_link_outbound SET attempts = attempts + 1, last_error = $3, updated_at = $4 WHERE link_id = $1 AND transfer_id = ANY($2::text[]) AND status = 'escrowed'",
    [linkId, transferIds, error.slice(0, 500), at]);
}

/** The peer's answer messages kept for these nonces. */
export async function answerEnvelope(sql: Sql, linkId: string, nonce: string): Promise<Envelope | undefined> {
  return (await sql.query<{ envelope: Envelope }>("SELECT envelope FROM intl_link_answers WHERE link_id = $1 AND nonce = $2", [linkId, nonce])).rows[0]?.envelope;
}

export async function getInbounds(sql: Sql, linkId: string, transferIds: readonly string[]): Promise<InboundRow[]> {
  return (await sql.query<InboundRow>(`SELECT ${IN_COLS} FROM intl_link_inbound WHERE link_id = $1 AND transfer_id = ANY($2::text[])`, [linkId, transferIds])).rows;
}

/** Records several decisions in one statement, none where one exists; how many this call made. */
export async function insertInbounds(sql: Sql, rows: ReadonlyArray<Omit<InboundRow, "decidedAt" | "creditTx" | "creditedAt">>, at: string): Promise<number> {
  if (rows.length === 0) return 0;
  const data = rows.map((r) => ({
    link_id: r.linkId, transfer_id: r.transferId, digest: r.digest, decision: r.decision, refusal: r.refusal, receipt_tx: r.receiptTx, class_code: r.classCode,
    quantity: r.quantity.toString(), destination: r.destination, origin_serials: r.originSerials, local_start: r.localStart?.toString() ?? null, local_end: r.localEnd?.toString() ?? null,
  }));
  const r = await sql.query(
    `INSERT INTO intl_link_inbound (link_id, transfer_id, digest, decision, refusal, receipt_tx, class_code, quantity, destination, origin_serials, local_start, local_end, decided_at)
     SELECT link_id, transfer_id, digest, decision, refusal, receipt_tx, class_code, quantity, destination, origin_serials, local_start, local_end, $2
     FROM jsonb_to_recordset($1::jsonb) AS x(link_id text, transfer_id text, digest text, decision text, refusal jsonb, receipt_tx text, class_code text, quantity bigint,
       destination text, origin_serials jsonb, local_start bigint, local_end bigint)
     ON CONFLICT (link_id, transfer_id) DO NOTHING`,
    [JSON.stringify(data), at],
  );
  return r.rowCount ?? 0;
}

// ------------------------------------------------------------------ escrow slots

/**
 * The slot the transfer holds already (a repeat of its command: taken false), or else a free slot
 * of the link, taken now (taken true), in one statement; undefined when the link has no free slot.
 */
export async function holdOrTakeSlot(sql: Sql, linkId: string, transferId: string, at: string): Promise<{ account: string; taken: boolean } | undefined> {
  const r = await sql.query<{ account_id: string; taken: boolean }>(
    `WITH held AS (SELECT account_id FROM intl_link_slots WHERE transfer_id = $2),
          took AS (
            UPDATE intl_link_slots SET transfer_id = $2, since = $3 WHERE NOT EXISTS (SELECT 1 FROM held) AND account_id =
              (SELECT account_id FROM intl_link_slots WHERE link_id = $1 AND transfer_id IS NULL ORDER BY account_id LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING account_id)
     SELECT account_id, false AS taken FROM held UNION ALL SELECT account_id, true AS taken FROM took`,
    [linkId, transferId, at],
  );
  const row = r.rows[0];
  return row ? { account: row.account_id, taken: row.taken } : undefined;
}


/** Records a new escrow slot of the link, held by the transfer that needed it. */
export async function addSlot(sql: Sql, linkId: string, accountId: string, transferId: string, at: string): Promise<void> {
  await sql.query("INSERT INTO intl_link_accounts (account_id, link_id, role, transfer_id) VALUES ($1, $2, 'escrow', $3) ON CONFLICT (account_id) DO NOTHING", [accountId, linkId, transferId]);
  await sql.query("INSERT INTO intl_link_slots (account_id, link_id, transfer_id, since) VALUES ($1, $2, $3, $4) ON CONFLICT (account_id) DO NOTHING", [accountId, linkId, transferId, at]);
}

/** Gives the slot back to the transfer (a retry of its command) if it is free; whether the transfer holds it now. */
export async function retakeSlot(sql: Sql, accountId: string, transferId: string, at: string): Promise<boolean> {
  const r = await sql.query("UPDATE intl_link_slots SET transfer_id = $2, since = $3 WHERE account_id = $1 AND (transfer_id IS NULL OR transfer_id = $2)", [accountId, transferId, at]);
  return r.rowCount === 1;
}

/** Frees the slot the transfer holds (its units left it, or its escrow ended without moving any). */
export async function freeSlot(sql: Sql, accountId: string, transferId: string, at: string): Promise<void> {
  await sql.query("UPDATE intl_link_slots SET transfer_id = NULL, since = $3 WHERE account_id = $1 AND transfer_id = $2", [accountId, transferId, at]);
}

