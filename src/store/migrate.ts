// Forward-only migrations, applied in order, each in its own transaction, under an advisory lock
// so that concurrent starters on one server apply each migration exactly once. A store that is
// already current is seen with one read and left alone: no lock, no transaction, no DDL (every
// CLI command opens the store, and a write transaction per start is most of a short command's
// work on PGlite).
import type { Db } from "./db.ts";
import type { Migration } from "./migration.ts";
import { migrations } from "./migrations/index.ts";

export type { Migration } from "./migration.ts";

const LOCK_KEY = 7_420_001;

export async function migrate(db: Db, list: readonly Migration[] = migrations): Promise<string[]> {
  const ids = new Set<string>();
  for (const m of list) {
    if (ids.has(m.id)) throw new Error(`duplicate migration id ${m.id}`);
    ids.add(m.id);
  }
  const recorded = await appliedIds(db);
  if (recorded && list.every((m) => recorded.has(m.id))) return [];
  return db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [LOCK_KEY]);
    await tx.query(
      "CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
    );
    const done = new Set((await tx.query<{ id: string }>("SELECT id FROM schema_migrations")).rows.map((r) => r.id));
    const applied: string[] = [];
    for (const m of list) {
      if (done.has(m.id)) continue;
      for (const stmt of m.statements) await tx.query(stmt);
      await tx.query("INSERT INTO schema_migrations (id) VALUES ($1)", [m.id]);
      applied.push(m.id);
    }
    return applied;
  });
}

/** The ids recorded as applied, or null when the store has no migrations table yet (a new store). */
async function appliedIds(db: Db): Promise<Set<string> | null> {
  try {
    return new Set((await db.query<{ id: string }>("SELECT id FROM schema_migrations")).rows.map((r) => r.id));
  } catch (err) {
    // 42P01 undefined_table: nothing migrated yet; the full path below creates it.
    if ((err as { code?: unknown }).code === "42P01") return null;
    throw err;
  }
}
