// The store port: the one interface every part of OpenETS uses to reach its database, with two
// adapters (PGlite embedded, PostgreSQL server over `pg`) that return identical JS types:
// int8 -> bigint, numeric -> string, date -> 'YYYY-MM-DD', timestamptz -> ISO-8601 string.
// SQL is written once, for PostgreSQL 15 and 17 alike.

export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

/** How to run one statement. */
export interface QueryOptions {
  /**
   * Keep the statement prepared on the connection (PostgreSQL server: a named statement, parsed
   * and planned once per connection, then only bound and executed). For a few hot reads with a
   * fixed text and parameters; PGlite runs it as any other statement.
   */
  prepare?: boolean;
}

export interface Sql {
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[], opts?: QueryOptions): Promise<QueryResult<R>>;
}

export type Isolation = "read committed" | "repeatable read" | "serializable";

export interface Db extends Sql {
  readonly kind: "pglite" | "postgres";
  /** Runs fn in one transaction: commit when it resolves, roll back when it throws. */
  transaction<T>(fn: (tx: Sql) => Promise<T>, opts?: { isolation?: Isolation }): Promise<T>;
  /** Runs a script of several statements (migrations only). */
  exec(script: string): Promise<void>;
  close(): Promise<void>;
}

export const PG_TYPE = { int8: 20, numeric: 1700, date: 1082, timestamptz: 1184, timestamp: 1114 } as const;

export function parseInt8(v: string): bigint {
  return BigInt(v);
}

export function parseTimestamptz(v: string): string {
  return new Date(v).toISOString();
}

/** PostgreSQL's SQLSTATE of a driver error, or undefined. Both drivers put it in `.code`. */
export function sqlState(err: unknown): string | undefined {
  if (typeof err === "object" && err !== null && "code" in err) {
    const code = (err as { code: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/**
 * True when the database could not be reached or dropped the connection: SQLSTATE class 08
 * (connection exception), 57P01-57P03 (the server shutting down or ending this backend), 53300
 * (too many connections), 57014 (a statement cancelled by its timeout), or a socket error
 * (ECONNREFUSED, ECONNRESET, EPIPE, ETIMEDOUT) or the driver's "connection terminated" before
 * any SQLSTATE. Not a rule's refusal: the request may simply be sent again.
 */
export function storeUnavailable(err: unknown): boolean {
  const state = sqlState(err);
  if (state !== undefined) return state.startsWith("08") || state === "57P01" || state === "57P02" || state === "57P03" || state === "53300" || state === "57014";
  const code = typeof err === "object" && err !== null && "code" in err ? (err as { code: unknown }).code : undefined;
  if (typeof code === "string" && ["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH"].includes(code)) return true;
  const message = err instanceof Error ? err.message : "";
  return /connection terminated|not queryable|terminating connection|Connection ended/i.test(message);
}

/** True for errors worth retrying the whole transaction on: serialization failure, deadlock. */
export function isRetryable(err: unknown): boolean {
  const s = sqlState(err);
  return s === "40001" || s === "40P01";
}
