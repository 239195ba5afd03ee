// The Article 6.2 book in the registry's store: its records (intl_book, append-only, in the order
// they were made) and the state their replay gives (src/domain/international/article6). Every
// write takes the book's one lock row first (SELECT ... FOR UPDATE), so two commands never decide
// on the same state: the book is small and its writes rare beside the ledger's. The state is
// cached per process by the last record's sequence number and rebuilt from the records after it;
// a cached record that is no longer in the store (its transaction rolled back) drops the cache.
import { decodeRecord, encodeRecord } from "../../domain/international/article6/codec.ts";
import { replay } from "../../domain/international/article6/evolve.ts";
import { type A6Record, type A6State, EMPTY_A6 } from "../../domain/international/article6/types.ts";
import type { Sql } from "../../store/db.ts";

export interface BookView {
  state: A6State;
  records: readonly A6Record[];
  seq: bigint;
}

interface Row {
  seq: bigint;
  record: unknown;
}

function decodeAll(rows: readonly Row[]): A6Record[] {
  return rows.map((r) => {
    const d = decodeRecord(r.record, `intl_book[${r.seq}]`);
    if (!d.ok) throw new Error(`the Article 6 book holds a record that does not read: ${d.message}`);
    return d.value;
  });
}

export class Book {
  private cache: BookView = { state: EMPTY_A6, records: [], seq: 0n };

  /** Takes the book's lock for the rest of the caller's database transaction. */
  async lock(sql: Sql): Promise<void> {
    await sql.query("SELECT id FROM intl_book_lock WHERE id = 1 FOR UPDATE");
  }

  /** The book as committed (call after lock() to decide on it). */
  async load(sql: Sql): Promise<BookView> {
    if (this.cache.seq > 0n) {
      const still = await sql.query("SELECT 1 FROM intl_book WHERE seq = $1", [this.cache.seq]);
      if (still.rows.length === 0) this.cache = { state: EMPTY_A6, records: [], seq: 0n };
    }
    const r = await sql.query<Row>("SELECT seq, record FROM intl_book WHERE seq > $1 ORDER BY seq", [this.cache.seq]);
    if (r.rows.length === 0) return this.cache;
    const fresh = decodeAll(r.rows);
    const next: BookView = { state: replay(fresh, this.cache.state), records: [...this.cache.records, ...fresh], seq: (r.rows[r.rows.length - 1] as Row).seq };
    this.cache = next;
    return next;
  }

  /** Appends records made by a command (already decided on the state loaded under the lock). */
  async append(sql: Sql, records: readonly A6Record[], opts: { txId: string | null; origin: string; at: string }): Promise<void> {
    for (const r of records) {
      await sql.query("INSERT INTO intl_book (id, kind, record, tx_id, origin, at) VALUES ($1, $2, $3, $4, $5, $6)", [r.id, r.kind, JSON.stringify(encodeRecord(r)), opts.txId, opts.origin, opts.at]);
    }
  }

  /** Which of these record ids the book already holds. */
  async known(sql: Sql, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const r = await sql.query<{ id: string }>("SELECT id FROM intl_book WHERE id = ANY($1::text[])", [ids]);
    return new Set(r.rows.map((x) => x.id));
  }
}
