// Picks and opens the store: a PostgreSQL server when a postgres:// URL is given (or DATABASE_URL
// is set), otherwise PGlite in a data directory (default .data/pglite). Migrates before returning.
import { mkdirSync } from "node:fs";
import type { Db } from "./db.ts";
import { lockDirectory } from "./lock.ts";
import { migrate } from "./migrate.ts";
import { openPglite } from "./pglite.ts";
import { openPostgres } from "./postgres.ts";

export const DEFAULT_DATA_DIR = ".data/pglite";

export interface StoreOptions {
  /** postgres://... URL, a PGlite directory path, or "memory". */
  database?: string | undefined;
  poolSize?: number;
}

export function describeStore(opts: StoreOptions = {}): { kind: "pglite" | "postgres"; target: string } {
  const target = opts.database ?? process.env.DATABASE_URL ?? DEFAULT_DATA_DIR;
  const kind = /^postgres(ql)?:\/\//.test(target) ? "postgres" : "pglite";
  return { kind, target };
}

export async function openStore(opts: StoreOptions = {}): Promise<Db> {
  const { kind, target } = describeStore(opts);
  let db: Db;
  if (kind === "postgres") db = openPostgres(target, opts.poolSize === undefined ? {} : { max: opts.poolSize });
  else if (target === "memory") db = await openPglite();
  else {
    mkdirSync(target, { recursive: true });
    // One process per PGlite directory (src/store/lock.ts); released when the store closes.
    const release = lockDirectory(target);
    let opened: Db;
    try {
      opened = await openPglite(target);
    } catch (err) {
      release();
      throw err;
    }
    db = {
      ...opened,
      kind: opened.kind,
      async close() {
        try {
          await opened.close();
        } finally {
          release();
        }
      },
    };
  }
  try {
    await migrate(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}
