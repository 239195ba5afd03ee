// Goal: a new PGlite store started from an archive of a migrated data directory (openPglite's
// `image`, made by pgliteImage; the test run makes one in test/support/global-setup.ts) is a
// migrated store like one made by initdb and the migrations: every migration recorded, so migrate()
// has nothing to apply; in a directory it persists like any directory store; and an archive is
// never loaded over a database that exists (PGlite refuses, nothing is overwritten).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { migrate } from "../src/store/migrate.ts";
import { migrations } from "../src/store/migrations/index.ts";
import { openPglite } from "../src/store/pglite.ts";
import { migratedPgliteImage } from "./support/stores.ts";

const dir = mkdtempSync(join(tmpdir(), "openets-image-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a PGlite store started from a migrated archive", () => {
  it("in memory: every migration is recorded and the ledger's tables are there", async () => {
    const db = await openPglite(undefined, { image: await migratedPgliteImage() });
    try {
      expect(await migrate(db)).toEqual([]);
      const ids = (await db.query<{ id: string }>("SELECT id FROM schema_migrations ORDER BY applied_at, id")).rows.map((r) => r.id);
      expect(new Set(ids)).toEqual(new Set(migrations.map((m) => m.id)));
      // the blocks table's exclusion constraint works (btree_gist loaded on demand)
      expect((await db.query<{ n: string }>("SELECT count(*)::text AS n FROM blocks")).rows[0]?.n).toBe("0");
    } finally {
      await db.close();
    }
  });

  it("in a new directory: what is written stays there, and the archive is not loaded again over it", async () => {
    const path = join(dir, "store");
    const first = await openPglite(path, { image: await migratedPgliteImage() });
    try {
      expect(await migrate(first)).toEqual([]);
      await first.query("INSERT INTO holders (id) VALUES ('kept')");
    } finally {
      await first.close();
    }
    const again = await openPglite(path);
    try {
      expect((await again.query<{ id: string }>("SELECT id FROM holders WHERE id = 'kept'")).rows).toEqual([{ id: "kept" }]);
    } finally {
      await again.close();
    }
    await expect(openPglite(path, { image: await migratedPgliteImage() })).rejects.toThrow(/already exists/);
    const after = await openPglite(path);
    try {
      expect((await after.query<{ id: string }>("SELECT id FROM holders WHERE id = 'kept'")).rows).toEqual([{ id: "kept" }]);
    } finally {
      await after.close();
    }
  });
});
