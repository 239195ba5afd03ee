// A snapshot of every ledger row, for tests that send requests which must change nothing: the
// fuzz test and the text-validity test compare one taken before with one taken after.
import type { Sql } from "../../src/store/db.ts";

const LEDGER_TABLES = ["unit_classes", "accounts", "account_events", "transactions", "transaction_legs", "transaction_events", "movements", "blocks", "balances", "chain_links"];

/** Every ledger row, in a stable order, as one string. */
export async function ledgerSnapshot(sql: Sql): Promise<string> {
  const parts: string[] = [];
  for (const t of LEDGER_TABLES) {
    const r = await sql.query<{ j: string }>(`SELECT coalesce(json_agg(x ORDER BY x::text), '[]')::text AS j FROM ${t} x`);
    parts.push(`${t}:${r.rows[0]?.j}`);
  }
  return parts.join("\n");
}
