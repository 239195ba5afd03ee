// Gives a suite both stores: PGlite in memory and a fresh database on the private PostgreSQL
// server that test/support/global-setup.ts started. Suites written with forEachStore run the
// same assertions on both (the store contract).
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, inject } from "vitest";
import type { Db } from "../../src/store/db.ts";
import { migrate } from "../../src/store/migrate.ts";
import { openPglite } from "../../src/store/pglite.ts";
import { openPostgres } from "../../src/store/postgres.ts";

export type StoreKind = "pglite" | "postgres";
export const STORE_KINDS: readonly StoreKind[] = ["pglite", "postgres"];

/** Creates a fresh database on the test server (empty, or a copy of `template`) and returns its URL. */
export async function createServerDatabase(template?: string): Promise<string> {
  const adminUrl = inject("pgUrl");
  const name = `t_${randomBytes(6).toString("hex")}`;
  const admin = openPostgres(adminUrl, { max: 1 });
  try {
    await admin.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ""}`);
  } finally {
    await admin.close();
  }
  return adminUrl.replace(/\/[^/]*$/, `/${name}`);
}

/**
 * Creates a fresh database on the test server as a copy of the run's migrated template
 * (test/support/global-setup.ts) and returns its URL.
 */
export async function createMigratedServerDatabase(): Promise<string> {
  return createServerDatabase(inject("pgTemplate"));
}

let image: Promise<Blob> | undefined;

/** The run's archive of a migrated PGlite data directory (read once per test file). */
export function migratedPgliteImage(): Promise<Blob> {
  image ??= readFile(inject("pgliteImage")).then((bytes) => new Blob([new Uint8Array(bytes)]));
  return image;
}

/** A new PGlite store in memory, started from the run's archive of a migrated data directory. */
export async function openMigratedPglite(): Promise<Db> {
  const db = await openPglite(undefined, { image: await migratedPgliteImage() });
  // Already current: one read that finds every migration recorded (src/store/migrate.ts).
  await migrate(db);
  return db;
}

/** A fresh, migrated store of either kind. */
export async function openTestDb(kind: StoreKind, opts: { poolSize?: number } = {}): Promise<Db> {
  if (kind === "pglite") return openMigratedPglite();
  const db = openPostgres(await createMigratedServerDatabase(), { max: opts.poolSize ?? 10 });
  await migrate(db);
  return db;
}

/** describe() once per store; `get()` returns the migrated database inside tests. */
export function forEachStore(title: string, body: (get: () => Db, kind: StoreKind) => void): void {
  for (const kind of STORE_KINDS) {
    describe(`${title} [${kind}]`, () => {
      let db: Db | undefined;
      beforeAll(async () => {
        db = await openTestDb(kind);
      });
      afterAll(async () => {
        await db?.close();
      });
      body(() => {
        if (!db) throw new Error("store not opened");
        return db;
      }, kind);
    });
  }
}
