// The security rules a registry runs with, recorded in its store by the server at start, so that
// the CLI on the same store (and every server process) keeps the same rules: a CLI that enforced
// fewer rules than the API would be a way around them.
import { DEFAULT_SECURITY_CONFIG, parseSecurityConfig, type SecurityConfig } from "../domain/security/config.ts";
import type { Rulebook } from "../domain/rulebook/index.ts";
import type { Sql } from "../store/db.ts";

export interface RecordedSecurity {
  /** The rulebook the rules come from (a preset name or a file), or null for the defaults. */
  rulebook: string | null;
  config: SecurityConfig;
  recordedAt: string;
}

const KEY = "security";

export async function recordSecurity(sql: Sql, rulebook: string | null, config: SecurityConfig, at: string): Promise<void> {
  const value = JSON.stringify({ rulebook, config }, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
  await sql.query(
    `INSERT INTO registry_settings (key, value, updated_at) VALUES ($1, $2, $3)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
    [KEY, value, at],
  );
}

/** The recorded rules, or the documented defaults (with rulebook null) when no server has recorded any. */
export async function recordedSecurity(sql: Sql): Promise<RecordedSecurity> {
  const r = await sql.query<{ value: { rulebook: string | null; config: unknown }; updated_at: string }>("SELECT value, updated_at FROM registry_settings WHERE key = $1", [KEY]);
  const row = r.rows[0];
  if (!row) return { rulebook: null, config: DEFAULT_SECURITY_CONFIG, recordedAt: "" };
  const parsed = parseSecurityConfig(row.value.config);
  if (!parsed.ok) throw new Error(`the recorded security rules do not parse: ${parsed.message}`);
  return { rulebook: row.value.rulebook, config: parsed.value, recordedAt: row.updated_at };
}

/**
 * The scheme's rulebook itself (its parsed YAML or JSON value, validated again where it is read,
 * so that the CLI keeps the rules wherever it runs, even where the file it came from is not),
 * recorded beside the security rules by whoever sets the registry up: the server at start, `ets
 * play` for its scenario. The registry's scheme rules (src/registry/scheme-rules.ts) are installed
 * from it on every door.
 */
const RULEBOOK_KEY = "rulebook";

export async function recordRulebook(sql: Sql, name: string, value: unknown, at: string): Promise<void> {
  await sql.query(
    `INSERT INTO registry_settings (key, value, updated_at) VALUES ($1, $2, $3)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
    [RULEBOOK_KEY, JSON.stringify({ name, value }), at],
  );
}

/** The recorded rulebook, or null when none was recorded. Throws when the recorded value no longer validates (a newer schema). */
export async function recordedRulebook(sql: Sql): Promise<{ name: string; rulebook: Rulebook } | null> {
  const r = await sql.query<{ value: { name: string; value: unknown } }>("SELECT value FROM registry_settings WHERE key = $1", [RULEBOOK_KEY]);
  const row = r.rows[0];
  if (!row) return null;
  // The rulebook's schema (zod) is loaded only when there is a rulebook to parse.
  const { parseRulebook } = await import("../domain/rulebook/index.ts");
  const parsed = parseRulebook(row.value.value);
  if (!parsed.ok) throw new Error(`the recorded rulebook ${row.value.name} does not parse: ${parsed.errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`);
  return { name: row.value.name, rulebook: parsed.rulebook };
}
