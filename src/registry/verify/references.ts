// Every reference of the write-hot ledger tables resolves: each leg, movement, block, balance,
// event, state row and chain link names a transaction, class and accounts that exist, and each
// transaction a kind and batch that exist. Since migration ledger-perf-002 these tables carry no
// foreign keys (each was a query and a shared row lock on every row written); the write function
// checks the names before it writes and the parents can never be deleted or re-keyed. This pass
// proves the result from the records: one statement per table (outer joins to the parents),
// returning at most PER_CHECK offending rows.
import type { Sql } from "../../store/db.ts";
import { type Add, limited, PER_CHECK } from "./report.ts";

interface Reference {
  /** The referencing column. */
  column: string;
  /** The table and key column it names. */
  target: string;
  key: string;
}

interface Table {
  table: string;
  /** The columns that identify a row, for the facts. */
  id: readonly string[];
  refs: readonly Reference[];
}

const TX: Reference = { column: "tx_id", target: "transactions", key: "id" };
const CLASS: Reference = { column: "class_id", target: "unit_classes", key: "id" };
const account = (column: string): Reference => ({ column, target: "accounts", key: "id" });

/** The references ledger-perf-002 took out of the database's hands (its DROPPED_FOREIGN_KEYS). */
export const REFERENCES: readonly Table[] = [
  { table: "transactions", id: ["id"], refs: [{ column: "kind", target: "transaction_kinds", key: "code" }, { column: "batch_id", target: "batches", key: "id" }] },
  { table: "transaction_legs", id: ["tx_id", "leg_no"], refs: [TX, CLASS, account("from_account"), account("to_account")] },
  { table: "transaction_events", id: ["tx_id", "seq"], refs: [TX] },
  { table: "tx_state", id: ["tx_id"], refs: [TX] },
  { table: "movements", id: ["tx_id", "leg_no", "part_no"], refs: [TX, CLASS, account("from_account"), account("to_account")] },
  { table: "blocks", id: ["id"], refs: [CLASS, account("account_id")] },
  { table: "balances", id: ["account_id", "class_id"], refs: [CLASS, account("account_id")] },
  { table: "chain_links", id: ["chain", "seq"], refs: [TX] },
];

function statement(t: Table): string {
  const joins = t.refs.map((r, i) => `LEFT JOIN ${r.target} p${i} ON p${i}.${r.key} = x.${r.column}`).join(" ");
  const missing = t.refs.map((r, i) => `(x.${r.column} IS NOT NULL AND p${i}.${r.key} IS NULL)`);
  const cols = [...new Set([...t.id, ...t.refs.map((r) => r.column)])].map((c) => `x.${c}::text AS ${c}`);
  return `SELECT ${cols.join(", ")}, ${missing.map((m, i) => `${m} AS m${i}`).join(", ")}
          FROM ${t.table} x ${joins} WHERE ${missing.join(" OR ")} ORDER BY ${t.id.map((c) => `x.${c}`).join(", ")} LIMIT ${PER_CHECK}`;
}

export async function checkReferences(sql: Sql, add: Add): Promise<void> {
  for (const t of REFERENCES) {
    const out = limited(add);
    const r = await sql.query<Record<string, string | boolean | null>>(statement(t));
    for (const row of r.rows) {
      t.refs.forEach((ref, i) => {
        if (row[`m${i}`] !== true) return;
        const value = row[ref.column] as string;
        const id = t.id.map((c) => `${c}=${String(row[c])}`).join(",");
        out({
          invariant: "references-resolve",
          message: `${t.table} row (${id}) names ${ref.column} ${value}, which is not in ${ref.target}`,
          facts: { table: t.table, row: id, column: ref.column, value, target: ref.target },
        });
      });
    }
  }
}
