// PGlite adapter: real PostgreSQL 17 compiled to WASM, in a data directory or in memory.
// One process owns a data directory; PGlite serializes transactions on its one connection.
import { PGlite, types } from "@electric-sql/pglite";
import { btree_gist } from "@electric-sql/pglite/contrib/btree_gist";
import { type Db, type Isolation, PG_TYPE, parseInt8, parseTimestamptz, type QueryResult, type Sql } from "./db.ts";

const parsers = {
  [PG_TYPE.int8]: parseInt8,
  [PG_TYPE.numeric]: (v: string) => v,
  [PG_TYPE.date]: (v: string) => v,
  [PG_TYPE.timestamptz]: parseTimestamptz,
};

const serializers = {
  // bigint parameters are sent as their decimal text.
  [types.INT8]: (v: unknown) => String(v),
};

function wrap(q: { query: PGlite["query"] }): Sql {
  return {
    async query<R>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const res = await q.query<R>(text, params ? [...params] : undefined);
      return { rows: res.rows, rowCount: res.affectedRows ?? res.rows.length };
    },
  };
}

/** dataDir undefined = in memory. */
export async function openPglite(dataDir?: string): Promise<Db> {
  const pg = await PGlite.create(dataDir ?? "memory://", {
    extensions: { btree_gist },
    parsers,
    serializers,
  });
  const base = wrap(pg);
  return {
    kind: "pglite",
    query: base.query,
    async transaction<T>(fn: (tx: Sql) => Promise<T>, opts?: { isolation?: Isolation }): Promise<T> {
      return pg.transaction(async (tx) => {
        if (opts?.isolation) await tx.query(`SET TRANSACTION ISOLATION LEVEL ${opts.isolation.toUpperCase()}`);
        return fn(wrap(tx));
      });
    },
    async exec(script: string) {
      await pg.exec(script);
    },
    async close() {
      await pg.close();
    },
  };
}
