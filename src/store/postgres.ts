// PostgreSQL server adapter over a `pg` pool, with the same type parsers as the PGlite adapter.
import { createHash } from "node:crypto";
import pg from "pg";
import { type Db, type Isolation, PG_TYPE, parseInt8, parseTimestamptz, type QueryOptions, type QueryResult, type Sql, sqlState } from "./db.ts";

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

/**
 * The name of a prepared statement: derived from its text, so one text always has one name on
 * every connection (pg parses it on a connection the first time, then binds and executes only).
 * Only statements marked `prepare` get one; their texts are constants of the code, so the map and
 * each connection's statements stay small.
 */
const statementNames = new Map<string, string>();
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `ets_${createHash("sha256").update(text).digest("hex").slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return name;
}

function wrap(client: pg.Pool | pg.PoolClient): Sql {
  return {
    async query<R>(text: string, params?: readonly unknown[], opts?: QueryOptions): Promise<QueryResult<R>> {
      const res = await client.query({ text, values: toParams(params), types: typeParsers, ...(opts?.prepare ? { name: statementName(text) } : {}) } as pg.QueryConfig);
      return { rows: res.rows as R[], rowCount: res.rowCount ?? res.rows.length };
    },
  };
}

/** A connection taken from the pool, and how to give it back (discarded when it was lost while out). */
interface Checkout {
  readonly client: pg.PoolClient;
  done(broken: boolean): void;
}

/**
 * Takes a connection from the pool with an error listener for as long as it is out. The pool
 * listens for errors only on idle connections; a connection lost while checked out (its backend
 * terminated by an administrator, a failover, a server restart) would otherwise emit an 'error'
 * with no listener and end the whole process. Its query fails with the error instead, and the
 * connection is discarded when it goes back (found by test/ledger/simulation.test.ts).
 */
async function checkout(pool: pg.Pool): Promise<Checkout> {
  const client = await pool.connect();
  let lost = false;
  const onError = () => {
    lost = true;
  };
  client.on("error", onError);
  return {
    client,
    done(broken: boolean) {
      client.removeListener("error", onError);
      client.release(broken || lost);
    },
  };
}

/** The connection is gone: not a server's refusal, or the server ending this backend (SQLSTATE class 57P). */
function connectionGone(err: unknown): boolean {
  return !(err instanceof pg.DatabaseError) || (sqlState(err)?.startsWith("57P") ?? false);
}

/**
 * How long a server's pool keeps an idle connection: 5 minutes. pg's own default, 10 s, made a
 * server that was quiet for 10 s open a new backend for its next request (a fork, SCRAM
 * authentication, cold plan caches: milliseconds a user waits); the API bench saw connections
 * closed between its slices. A short-lived command (the CLI) keeps pg's default.
 */
export const SERVER_IDLE_MS = 300_000;

export function openPostgres(url: string, opts: { max?: number; idleMs?: number } = {}): Db {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10, types: typeParsers, ...(opts.idleMs === undefined ? {} : { idleTimeoutMillis: opts.idleMs }) });
  // An idle client's error (server restart) must not crash the process; the next query fails.
  pool.on("error", () => {});
  return {
    kind: "postgres",
    // Not pool.query: on any error it destroys the connection, so every refused command (a
    // check raised in SQL, such as 3003) would cost a new backend: fork, SCRAM authentication
    // and cold plan caches. Measured under contention, that churn halved transfer throughput.
    // An error the server reports leaves the connection usable; only other errors drop it.
    async query<R>(text: string, params?: readonly unknown[], opts?: QueryOptions): Promise<QueryResult<R>> {
      const conn = await checkout(pool);
      let broken = false;
      try {
        return await wrap(conn.client).query<R>(text, params, opts);
      } catch (err) {
        broken = connectionGone(err);
        throw err;
      } finally {
        conn.done(broken);
      }
    },
    async transaction<T>(fn: (tx: Sql) => Promise<T>, o?: { isolation?: Isolation }): Promise<T> {
      const conn = await checkout(pool);
      const client = conn.client;
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
        conn.done(broken);
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
