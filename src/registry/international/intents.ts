// Intents: what an international operation means by the ledger transaction (or batch) it is about
// to ask for, written before it asks, keyed by the transaction's id. The hooks on the kinds
// involved read them inside the writing transaction and do the rest there (the book's records).
// A transaction of those kinds without an
// intent is refused (10008): there is no way to move such units that skips what the move means.
// An intent is written once; the same id with another body is refused, naming the field.
import { canonical, firstDifference } from "../../domain/ledger/commands.ts";
import { intlRefusal, type Refusal } from "../../domain/international/codes.ts";
import type { Sql } from "../../store/db.ts";

export type IntentKind =
  | "a6-issue"
  | "a6-transfer"
  | "a6-use"
  | "a6-cancel"
  | "mech-step"
  | "link-escrow"
  | "link-deliver"
  | "link-return"
  | "link-receive"
  | "link-credit";

export interface Intent {
  kind: IntentKind;
  body: Record<string, unknown>;
}

/** Writes the intent (one statement), or finds the same one written before (a second); another body under the id is refused. */
export async function putIntent(sql: Sql, txId: string, intent: Intent, at: string): Promise<Refusal | undefined> {
  const body = canonical(intent.body);
  const made = await sql.query("INSERT INTO intl_intents (tx_id, kind, body, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (tx_id) DO NOTHING", [txId, intent.kind, JSON.stringify(body), at]);
  if (made.rowCount === 1) return undefined; // written now: it is this intent
  const r = await sql.query<{ kind: string; body: unknown }>("SELECT kind, body FROM intl_intents WHERE tx_id = $1", [txId]);
  const row = r.rows[0];
  if (!row) throw new Error(`intent ${txId} vanished`);
  const diff = row.kind !== intent.kind ? "kind" : firstDifference(body, row.body);
  if (diff) return intlRefusal("ID_EXISTS", `id ${txId} was used for another operation (its ${diff} differs)`, { field: diff, transactionId: txId });
  return undefined;
}

/** The intents of these transaction (or batch) ids. */
export async function intentsOf(sql: Sql, ids: readonly string[]): Promise<Map<string, Intent>> {
  if (ids.length === 0) return new Map();
  const r = await sql.query<{ tx_id: string; kind: IntentKind; body: Record<string, unknown> }>("SELECT tx_id, kind, body FROM intl_intents WHERE tx_id = ANY($1::text[])", [[...new Set(ids)]]);
  return new Map(r.rows.map((x) => [x.tx_id, { kind: x.kind, body: x.body }]));
}

/** Writes several intents (a batch's transactions, each its own) in one statement, or two when some existed; the first id whose stored intent differs is refused. */
export async function putIntents(sql: Sql, items: ReadonlyArray<{ txId: string; intent: Intent }>, at: string): Promise<Refusal | undefined> {
  if (items.length === 0) return undefined;
  const rows = items.map((x) => ({ tx_id: x.txId, kind: x.intent.kind, body: canonical(x.intent.body) }));
  const made = await sql.query(
    `INSERT INTO intl_intents (tx_id, kind, body, created_at) SELECT tx_id, kind, body, $2 FROM jsonb_to_recordset($1::jsonb) AS x(tx_id text, kind text, body jsonb)
     ON CONFLICT (tx_id) DO NOTHING`,
    [JSON.stringify(rows), at],
  );
  if (made.rowCount === rows.length) return undefined; // all written now: they are these intents
  const stored = await intentsOf(sql, items.map((x) => x.txId));
  for (const r of rows) {
    const s = stored.get(r.tx_id);
    if (!s) throw new Error(`intent ${r.tx_id} vanished`);
    const diff = s.kind !== r.kind ? "kind" : firstDifference(r.body, s.body);
    if (diff) return intlRefusal("ID_EXISTS", `id ${r.tx_id} was used for another operation (its ${diff} differs)`, { field: diff, transactionId: r.tx_id });
  }
  return undefined;
}
