// Shared by the linked-registry tests: the success value of a result (a refusal fails the test with
// its JSON), and the units of a class still held in a registry, for conservation across two ledgers.
import type { Db } from "../../src/store/db.ts";

export function ok<T extends { ok: boolean }>(r: T): Extract<T, { ok: true }> {
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r)}`);
  return r as Extract<T, { ok: true }>;
}

/** Units of a class in the accounts that still hold them (not terminal: not delivered, used or cancelled). */
export async function heldUnits(db: Db, cls: string): Promise<bigint> {
  const r = await db.query<{ q: bigint | null }>(
    `SELECT sum(b.quantity)::int8 AS q FROM balances b JOIN accounts a ON a.id = b.account_id JOIN account_types t ON t.code = a.type
     JOIN unit_classes c ON c.id = b.class_id WHERE c.code = $1 AND NOT coalesce((t.definition->>'terminal')::boolean, false)`, [cls],
  );
  return r.rows[0]?.q ?? 0n;
}
