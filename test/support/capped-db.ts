// A Db that records how many rows each query returned, inside transactions too: the tests of
// verify's bounded memory use it to show that no query it runs returns more than a page, however
// many rows the ledger has.
import type { Db, Sql } from "../../src/store/db.ts";

export interface RowMeter {
  db: Db;
  /** The most rows any one query returned, and that query's first line. */
  max: { rows: number; query: string };
  queries: number;
}

export function meterRows(inner: Db): RowMeter {
  const meter: RowMeter = { db: inner, max: { rows: 0, query: "" }, queries: 0 };
  const wrap = (sql: Sql): Sql => ({
    async query(text, params) {
      const r = await sql.query(text, params);
      meter.queries++;
      if (r.rows.length > meter.max.rows) meter.max = { rows: r.rows.length, query: text.trim().split("\n")[0] ?? "" };
      return r as never;
    },
  });
  meter.db = {
    ...wrap(inner),
    kind: inner.kind,
    transaction: (fn, opts) => inner.transaction((tx) => fn(wrap(tx)), opts),
    exec: (s) => inner.exec(s),
    close: () => inner.close(),
  };
  return meter;
}
