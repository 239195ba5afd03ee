// PostgreSQL server adapter over a `pg` pool, with the same type parsers as the PGlite adapter.
import pg from "pg";
import { type Db, type Isolation, PG_TYPE, parseInt8, parseTimestamptz, type QueryResult, type Sql } from "./db.ts";

const custom = new Map<number, (v: string) => unknown>([
  [PG_TYPE.int8, parseInt8],
  [PG_TYPE.numeric, (v) => v],
  [PG_TYPE.date, (v) => v],
  [PG_TYPE.timestamptz, parseTimestamptz],
]);

const typeParsers = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    const own = custom.get(oid);
    if (own && format !== "binary") return own;
    return pg.types.getTypeParser(oid, format as "text");
  },
};

function toParams(params?: readonly unknown[]): unknown[] | undefined {
  // pg sends bigint via String() already; keep the list as given otherwise.
  return params ? params.map((p) => (typeof p === "bigint" ? p.toString() : p)) : undefined;
}

function wrap(client: pg.Pool | pg.PoolClient): Sql {
  return {
    async query<R>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const res = await client.query({ text, values: toParams(params), types: typeParsers } as pg.QueryConfig);
      return { rows: res.rows as R[], rowCount: res.rowCount ?? res.rows.length };
    },
  };
}

export function openPostgres(url: string, opts: { max?: number } = {}): Db {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10, types: typeParsers });
  // An idle client's error (server restart) must not crash the process; the next query fails.
  pool.on("error", () => {});
  return {
    kind: "postgres",
    // Not pool.query: on any error it destroys the connection, so every refused command (a
    // check raised in SQL, such as 3003) would cost a new backend: fork, SCRAM authentication
    // and cold plan caches. Measured under contention, that churn halved transfer throughput.
    // An error the server reports leaves the connection usable; only other errors drop it.
    async query<R>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const client = await pool.connect();
      let broken = false;
      try {
        return await wrap(client).query<R>(text, params);
      } catch (err) {
        broken = !(err instanceof pg.DatabaseError);
        throw err;
      } finally {
        client.release(broken);
      }
    },
    async transaction<T>(fn: (tx: Sql) => Promise<T>, o?: { isolation?: Isolation }): Promise<T> {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query(o?.isolation ? `BEGIN ISOLATION LEVEL ${o.isolation.toUpperCase()}` : "BEGIN");
        const out = await fn(wrap(client));
        await client.query("COMMIT");
        return out;
      } catch (err) {
        try {
          await client.query("ROLLBACK");
        } catch {
          broken = true;
        }
        throw err;
      } finally {
        client.release(broken);
      }
    },
    async exec(script: string) {
      await pool.query(script);
    },
    async close() {
      await pool.end();
    },
  };
}
