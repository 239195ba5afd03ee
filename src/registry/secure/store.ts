// SQL reads of the security state for the secure registry: representative rights, trusted lists,
// account limits, and holders' holdings under the holding limit (a read for display; the ledger
// enforces the limit under its locks).
import type { SecurityConfig } from "../../domain/security/config.ts";
import type { Sql } from "../../store/db.ts";

export interface Rights {
  initiate: boolean;
  approve: boolean;
}

export async function rightsOf(sql: Sql, userId: string | null, accountId: string): Promise<Rights | undefined> {
  if (userId === null) return undefined;
  const r = await sql.query<{ can_initiate: boolean; can_approve: boolean }>(
    "SELECT can_initiate, can_approve FROM representatives WHERE account_id = $1 AND user_id = $2",
    [accountId, userId],
  );
  const row = r.rows[0];
  return row ? { initiate: row.can_initiate, approve: row.can_approve } : undefined;
}

/** Accounts a user represents (any right). */
export async function representedAccounts(sql: Sql, userId: string | null): Promise<string[]> {
  if (userId === null) return [];
  const r = await sql.query<{ account_id: string }>("SELECT account_id FROM representatives WHERE user_id = $1 ORDER BY account_id LIMIT 10000", [userId]);
  return r.rows.map((x) => x.account_id);
}

/** Destinations on the active trusted list of each source account at `now`. */
export async function activeTrusted(sql: Sql, sources: readonly string[], now: string): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>(sources.map((s) => [s, new Set<string>()]));
  if (sources.length === 0) return out;
  const r = await sql.query<{ account_id: string; trusted_account_id: string }>(
    `SELECT account_id, trusted_account_id FROM trusted_accounts
     WHERE account_id = ANY($1::text[]) AND removed_at IS NULL AND approved_at IS NOT NULL AND active_from <= $2`,
    [[...sources], now],
  );
  for (const row of r.rows) out.get(row.account_id)?.add(row.trusted_account_id);
  return out;
}

export interface AccountLimitRow {
  account_id: string;
  limit_units: bigint | null;
  pending: boolean;
  pending_units: bigint | null;
  proposed_by: string | null;
  proposed_at: string | null;
  updated_at: string;
  version: number;
}

export async function accountLimitRow(sql: Sql, accountId: string): Promise<AccountLimitRow | undefined> {
  return (await sql.query<AccountLimitRow>("SELECT * FROM account_limits WHERE account_id = $1", [accountId])).rows[0];
}

/** The limits in force on the given accounts (accounts without one are absent). */
export async function accountLimits(sql: Sql, ids: readonly string[]): Promise<Map<string, bigint>> {
  if (ids.length === 0) return new Map();
  const r = await sql.query<{ account_id: string; limit_units: bigint }>(
    "SELECT account_id, limit_units FROM account_limits WHERE account_id = ANY($1::text[]) AND limit_units IS NOT NULL",
    [[...ids]],
  );
  return new Map(r.rows.map((x) => [x.account_id, x.limit_units]));
}

export interface AccountFacts {
  id: string;
  type: string;
  holder: string;
}

export async function accountFacts(sql: Sql, ids: readonly string[]): Promise<Map<string, AccountFacts>> {
  if (ids.length === 0) return new Map();
  const r = await sql.query<AccountFacts>("SELECT id, type, holder FROM accounts WHERE id = ANY($1::text[])", [[...new Set(ids)]]);
  return new Map(r.rows.map((a) => [a.id, a]));
}

/** Units a holder holds in accounts and unit types that count toward its holding limit. */
export async function holderHoldings(sql: Sql, holder: string, cfg: SecurityConfig): Promise<bigint> {
  const r = await sql.query<{ q: bigint | null }>(
    `SELECT sum(b.quantity)::int8 AS q FROM balances b JOIN accounts a ON a.id = b.account_id JOIN unit_classes c ON c.id = b.class_id
     WHERE a.holder = $1 AND NOT (a.type = ANY($2::text[])) AND c.unit_type = ANY($3::text[])`,
    [holder, [...cfg.holdingLimits.exemptAccountTypes], [...cfg.holdingLimits.unitTypes]],
  );
  return r.rows[0]?.q ?? 0n;
}
