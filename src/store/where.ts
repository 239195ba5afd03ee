// Which store a command means, without opening it (no database package is loaded): a PostgreSQL
// server when a postgres:// URL is given (or DATABASE_URL is set), otherwise a PGlite data
// directory (default .data/pglite), or "memory".
export const DEFAULT_DATA_DIR = ".data/pglite";

export interface StoreOptions {
  /** postgres://... URL, a PGlite directory path, or "memory". */
  database?: string | undefined;
  poolSize?: number;
  /** A short-lived command's own open (the CLI): a PGlite store starts as a small instance (src/store/pglite.ts COMMAND_START_PARAMS); a server leaves it unset, and its PostgreSQL pool then keeps idle connections 5 minutes (src/store/postgres.ts SERVER_IDLE_MS). */
  shortLived?: boolean;
}

export function describeStore(opts: StoreOptions = {}): { kind: "pglite" | "postgres"; target: string } {
  const target = opts.database ?? process.env.DATABASE_URL ?? DEFAULT_DATA_DIR;
  const kind = /^postgres(ql)?:\/\//.test(target) ? "postgres" : "pglite";
  return { kind, target };
}
