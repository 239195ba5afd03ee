// Picks and opens the store: a PostgreSQL server when a postgres:// URL is given (or DATABASE_URL
// is set), otherwise PGlite in a data directory (default .data/pglite). Migrates before returning.
// Each adapter is imported when it is chosen: a command on PGlite does not load `pg`, nor one on
// PostgreSQL the WASM build (loading both was a tenth of a short CLI command's start).
import { mkdirSync, statSync } from "node:fs";
import type { Db } from "./db.ts";
import { lockDirectory } from "./lock.ts";
import { migrate } from "./migrate.ts";

import { describeStore, type StoreOptions } from "./where.ts";

export { DEFAULT_DATA_DIR, describeStore, type StoreOptions } from "./where.ts";

/** A store named wrongly (a file where a data directory belongs, a URL that is not one): bad input, said in one line. */
export class StoreInputError extends Error {
  override readonly name = "StoreInputError";
}

/** Refuses, before anything is opened, a store that cannot be one. */
function checkTarget(kind: "pglite" | "postgres", target: string): void {
  if (kind === "postgres") {
    let url: URL | undefined;
    try {
      url = new URL(target);
    } catch {
      url = undefined;
    }
    if (!url || url.hostname === "" || !/^postgres(ql)?:$/.test(url.protocol)) {
      throw new StoreInputError("the database URL is not a valid postgres://USER:PASSWORD@HOST:PORT/DATABASE URL");
    }
    return;
  }
  if (target === "memory") return;
  const st = statSync(target, { throwIfNoEntry: false });
  if (st && !st.isDirectory()) throw new StoreInputError(`${target} is a file, not a PGlite data directory (name a folder, or a postgres:// URL)`);
}

export async function openStore(opts: StoreOptions = {}): Promise<Db> {
  const { kind, target } = describeStore(opts);
  checkTarget(kind, target);
  let db: Db;
  if (kind === "postgres") {
    const { openPostgres, SERVER_IDLE_MS } = await import("./postgres.ts");
    db = openPostgres(target, { ...(opts.poolSize === undefined ? {} : { max: opts.poolSize }), ...(opts.shortLived ? {} : { idleMs: SERVER_IDLE_MS }) });
  } else if (target === "memory") db = await (await import("./pglite.ts")).openPglite(undefined, { shortLived: opts.shortLived });
  else {
    mkdirSync(target, { recursive: true });
    // One process per PGlite directory (src/store/lock.ts); released when the store closes.
    const release = lockDirectory(target);
    let opened: Db;
    try {
      opened = await (await import("./pglite.ts")).openPglite(target, { shortLived: opts.shortLived });
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
