// Keyset pages: a query is run again and again, each time for the rows after the last one seen, in
// the order of an index, so each page costs one index range scan and no page holds more than
// `pageSize` rows. Unlike OFFSET, a page never re-reads the rows before it; unlike a cursor, a page
// is an ordinary statement (both stores, any driver). Inside verify's one REPEATABLE READ
// transaction every page sees the same snapshot.
import type { Sql } from "../../store/db.ts";

/**
 * Yields every row of a keyset-paged query. `query(after)` returns the statement and parameters
 * for the page after `after` (undefined: the first page); it must order by a unique key and end
 * with `LIMIT <pageSize>`, which is appended here as the last parameter.
 */
export async function* keysetPages<R>(
  sql: Sql,
  pageSize: number,
  query: (after: R | undefined) => { text: string; params: unknown[] },
): AsyncGenerator<R> {
  let after: R | undefined;
  for (;;) {
    const q = query(after);
    const rows = (await sql.query<R>(`${q.text} LIMIT $${q.params.length + 1}`, [...q.params, pageSize])).rows;
    yield* rows;
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1];
  }
}

/**
 * `col > lo AND col <= hi` for a half-open key range (lo, hi]; an absent bound is left out. The
 * parameters are numbered from `first`.
 */
export function keyRange(col: string, lo: string | null, hi: string | null, first: number): { clause: string; params: string[] } {
  const parts: string[] = [];
  const params: string[] = [];
  if (lo !== null) {
    params.push(lo);
    parts.push(`${col} > $${first + params.length - 1}`);
  }
  if (hi !== null) {
    params.push(hi);
    parts.push(`${col} <= $${first + params.length - 1}`);
  }
  return { clause: parts.length > 0 ? parts.join(" AND ") : "true", params };
}
