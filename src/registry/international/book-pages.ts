// The three lists of the Article 6.2 book that grow without bound (every record, the first
// transfers, the authorizations), read a keyset page at a time: the key is the record's sequence
// number in intl_book (the order the records were made), so a page is one indexed range scan and
// a record made while a client pages lands on a later page, never twice. An authorization is
// listed where it was made and shown at its latest version (revocations change its version,
// quantity and cover), which only the book's replayed state knows. The book document (views.ts)
// shows the first page of each with the cursor of the rest.
import { decodeRecord, encodeRecord } from "../../domain/international/article6/codec.ts";
import type { Sql } from "../../store/db.ts";
import type { Book } from "./book.ts";

/** A record as the API and the CLI show it, with its sequence number in the book (the page key). */
export type BookItem = Record<string, unknown> & { seq: string };

export interface SeqPage {
  after?: bigint | undefined;
  take: number;
}

interface Row {
  seq: bigint | string;
  record: unknown;
}

/** A page of every record: a range of the primary key. */
export const PAGE_SQL = "SELECT seq, record FROM intl_book WHERE seq > $1 ORDER BY seq LIMIT $2";
/** A page of one kind: a range of the index intl_book_kind_seq (migration international-002). */
export const KIND_PAGE_SQL = "SELECT seq, record FROM intl_book WHERE kind = $1 AND seq > $2 ORDER BY seq LIMIT $3";

async function rowsAfter(sql: Sql, kind: string | null, page: SeqPage): Promise<Row[]> {
  const after = (page.after ?? 0n).toString();
  const r = kind === null ? await sql.query<Row>(PAGE_SQL, [after, page.take]) : await sql.query<Row>(KIND_PAGE_SQL, [kind, after, page.take]);
  return r.rows;
}

function item(row: Row): BookItem {
  const d = decodeRecord(row.record, `intl_book[${row.seq}]`);
  if (!d.ok) throw new Error(`the Article 6 book holds a record that does not read: ${d.message}`);
  return { seq: String(row.seq), ...encodeRecord(d.value) };
}

/** Every record of the book in the order made, those after `after`, at most `take`. */
export async function bookRecords(sql: Sql, page: SeqPage): Promise<BookItem[]> {
  return (await rowsAfter(sql, null, page)).map(item);
}

/** The first transfers of the book in the order made, those after `after`, at most `take`. */
export async function bookFirstTransfers(sql: Sql, page: SeqPage): Promise<BookItem[]> {
  return (await rowsAfter(sql, "first-transfer", page)).map(item);
}

/** The authorizations in the order made, each at its latest version, those after `after`, at most `take`. */
export async function bookAuthorizations(sql: Sql, book: Book, page: SeqPage): Promise<BookItem[]> {
  const rows = await rowsAfter(sql, "authorization", page);
  if (rows.length === 0) return [];
  const state = (await book.load(sql)).state;
  return rows.map((row) => {
    const made = item(row);
    const latest = state.authorizations.get(String(made.id));
    // a committed authorization row the replayed state does not hold is a broken book: say so
    if (latest === undefined) throw new Error(`the Article 6 book's state holds no authorization ${String(made.id)}`);
    return { seq: made.seq, ...encodeRecord(latest as never) };
  });
}

/** How many items each list holds now (the book document says so beside each list's first page). */
export async function bookCounts(sql: Sql): Promise<{ records: number; authorizations: number; firstTransfers: number }> {
  const r = await sql.query<{ records: number; authorizations: number; first_transfers: number }>(
    "SELECT count(*)::int AS records, (count(*) FILTER (WHERE kind = 'authorization'))::int AS authorizations, (count(*) FILTER (WHERE kind = 'first-transfer'))::int AS first_transfers FROM intl_book",
  );
  const row = r.rows[0] as { records: number; authorizations: number; first_transfers: number };
  return { records: row.records, authorizations: row.authorizations, firstTransfers: row.first_transfers };
}
