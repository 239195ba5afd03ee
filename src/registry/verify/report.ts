// What `verify` reports and how its checks hand in what they find: a violation names its
// invariant, says what is wrong in words and carries the facts. Every check reads the ledger in
// pages (at most `pageSize` rows per query) or asks the database for at most PER_CHECK
// offending rows, so the memory verify needs does not grow with the ledger.
import type { Sql } from "../../store/db.ts";

export interface Violation {
  invariant: string;
  message: string;
  facts: Record<string, string | number | null>;
}

/** At most this many violations are kept in a report (the first found). */
export const MAX_VIOLATIONS = 1000;
/** A check that asks the database for offending rows asks for at most this many. */
export const PER_CHECK = 100;
/** Rows per page when verify reads the ledger in keyset order. */
export const DEFAULT_PAGE_SIZE = 5000;

export type Add = (v: Violation) => void;

/** The collector the checks share: keeps the first MAX_VIOLATIONS violations. */
export function collector(): { violations: Violation[]; add: Add } {
  const violations: Violation[] = [];
  return {
    violations,
    add: (v) => {
      if (violations.length < MAX_VIOLATIONS) violations.push(v);
    },
  };
}

/** An Add that passes on at most `n` violations: a check reports at most PER_CHECK. */
export function limited(add: Add, n = PER_CHECK): Add {
  let left = n;
  return (v) => {
    if (left-- > 0) add(v);
  };
}

/** What every pass of verify is given. */
export interface Pass {
  sql: Sql;
  add: Add;
  pageSize: number;
}

/** A count of rows, as a number (a ledger has fewer than 2^53 rows of anything). */
export async function countRows(sql: Sql, table: string): Promise<number> {
  return Number((await sql.query<{ n: bigint }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n ?? 0n);
}

/** JSON for messages, with bigints as decimal strings. */
export function show(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));
}
