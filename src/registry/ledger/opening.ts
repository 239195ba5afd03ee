// What the ledger service needs before its first command: the catalogue's rows in the store (unit
// types, account types, transaction kinds), and the one-transaction runner that class and account
// commands use (a refusal rolls the transaction back; serialization failures are retried).
import type { Catalogue } from "../../domain/ledger/catalog.ts";
import type { Refusal } from "../../domain/ledger/checks.ts";
import type { Db, Sql } from "../../store/db.ts";
import { backOff, MAX_ATTEMPTS, retryable } from "./retry.ts";
import type { Result } from "./types.ts";

/**
 * Makes sure the catalogue's rows exist. One read first: a store that has every row already is not
 * written (a write transaction at every open was most of a short CLI command's store work).
 */
export async function ensureCatalogueRows(db: Db, cat: Catalogue): Promise<void> {
  const { rows } = await db.query<{ u: boolean; a: boolean; k: boolean }>(
    `SELECT (SELECT count(*) FROM unit_types WHERE code = ANY($1::text[])) = cardinality($1::text[]) AS u,
            (SELECT count(*) FROM account_types WHERE code = ANY($2::text[])) = cardinality($2::text[]) AS a,
            (SELECT count(*) FROM transaction_kinds WHERE code = ANY($3::text[])) = cardinality($3::text[]) AS k`,
    [[...cat.unitTypes.keys()], [...cat.accountTypes.keys()], [...cat.kinds.keys()]],
  );
  if (rows[0]?.u && rows[0].a && rows[0].k) return;
  await db.transaction(async (tx) => {
    for (const u of cat.unitTypes.values()) {
      await tx.query("INSERT INTO unit_types (code, name, family) VALUES ($1, $2, $3) ON CONFLICT (code) DO NOTHING", [u.code, u.name, u.family]);
    }
    for (const a of cat.accountTypes.values()) {
      await tx.query("INSERT INTO account_types (code, definition) VALUES ($1, $2) ON CONFLICT (code) DO NOTHING", [a.code, JSON.stringify(a)]);
    }
    for (const k of cat.kinds.values()) {
      await tx.query("INSERT INTO transaction_kinds (code, definition) VALUES ($1, $2) ON CONFLICT (code) DO NOTHING", [k.code, JSON.stringify(k)]);
    }
  });
}

/** Thrown inside a database transaction to roll it back and return the refusal. */
class RefusalThrow extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
  }
}

/** One database transaction for a class or account command, retried on serialization failures; a refusal rolls it back. */
export function atomicRunner(db: Db): <T>(fn: (tx: Sql) => Promise<Result<T>>) => Promise<Result<T>> {
  return async <T>(fn: (tx: Sql) => Promise<Result<T>>): Promise<Result<T>> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await db.transaction(async (tx) => {
          const out = await fn(tx);
          if (!out.ok) throw new RefusalThrow(out);
          return out;
        });
      } catch (err) {
        if (err instanceof RefusalThrow) return err.refusal;
        if (!retryable(err) || attempt >= MAX_ATTEMPTS) throw err;
        await backOff(attempt);
      }
    }
  };
}
