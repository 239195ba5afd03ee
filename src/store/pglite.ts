// PGlite adapter: real PostgreSQL compiled to WASM, in a data directory or in memory.
// One process owns a data directory; PGlite serializes transactions on its one connection.
// btree_gist (the blocks table's exclusion constraint) is installed as files that PostgreSQL loads
// on first use (src/store/pglite-btree-gist.ts), not preloaded at every start.
import { PGlite, types } from "@electric-sql/pglite";
import { NodeFS } from "@electric-sql/pglite/nodefs";
import { btreeGistOnDemand } from "./pglite-btree-gist.ts";
import { takePrefetchedWasm } from "./pglite-prefetch.ts";
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

/**
 * PostgreSQL settings for the instance of a short-lived command (the CLI's own opens), appended to
 * PGlite's own start parameters (which must stay). The data directory's postgresql.conf asks for
 * shared_buffers = 128MB: allocating and initialising that buffer pool in WASM memory was about a
 * tenth of the CPU of `ets holdings` (bench/cli.bench.ts). PostgreSQL's shared memory is one
 * anonymous mmap, which Emscripten zeroes with a memset (a fifth of PostgreSQL's boot in a profile
 * at 16MB): 4MB (512 pages) makes it 12MB instead of 24MB, about 40 ms less CPU for `ets holdings`
 * (15 interleaved runs, load 7-8), and still holds a command's working set: `ets play` of a
 * compliance year on a directory store took 12.2 s of CPU against 12.5 s at 16MB (3 runs each,
 * load 11.5-12). A server keeps the defaults.
 */
export const COMMAND_START_PARAMS: readonly string[] = ["-c", "shared_buffers=4MB"];

export interface PgliteOptions {
  /** A short-lived command's own instance: COMMAND_START_PARAMS. */
  shortLived?: boolean | undefined;
  /**
   * For a new store (in memory, or a directory with no database yet; PGlite refuses to load an
   * archive over an existing one): start from this archive of a data directory (made by
   * pgliteImage) instead of an empty one. An empty one is made by initdb inside PGlite, about three
   * quarters of a new store's cost (2.7-3.1 s of a 3.1-3.5 s start and migration in memory, against
   * 1.1 s from an archive).
   */
  image?: Blob | undefined;
}

/** dataDir undefined = in memory. */
export async function openPglite(dataDir?: string, opts: PgliteOptions = {}): Promise<Db> {
  return asDb(await startPglite(dataDir, opts));
}

async function startPglite(dataDir: string | undefined, opts: PgliteOptions): Promise<PGlite> {
  const compiled = await takePrefetchedWasm();
  return PGlite.create({
    // The directory's file system is made here rather than by PGlite.create, which imports its
    // module dynamically, a step of its own at each start; imported above, it loads with PGlite.
    ...(dataDir === undefined ? { dataDir: "memory://" } : { dataDir, fs: new NodeFS(dataDir) }),
    ...(opts.image ? { loadDataDir: opts.image } : {}),
    ...(compiled ? { pgliteWasmModule: compiled } : {}),
    extensions: { btree_gist: btreeGistOnDemand },
    parsers,
    serializers,
    ...(opts.shortLived ? { startParams: [...PGlite.defaultStartParams, ...COMMAND_START_PARAMS] } : {}),
  });
}

function asDb(pg: PGlite): Db {
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

/**
 * An archive of the data directory of a new store in memory after `build` ran on it (PGlite's
 * dumpDataDir, uncompressed: about 40 MB, most of it the first WAL segment), for openPglite's
 * `image`: a suite that opens many migrated stores builds one image and starts each from it.
 */
export async function pgliteImage(build: (db: Db) => Promise<unknown>): Promise<Blob> {
  const pg = await startPglite(undefined, {});
  try {
    await build(asDb(pg));
    return await pg.dumpDataDir("none");
  } finally {
    await pg.close();
  }
}
