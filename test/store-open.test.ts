// Goal: opening a store that is already current writes nothing (issue 15, the `ets holdings`
// start-up): migrate() and LedgerService.open() each see it with one read, and a store that lacks
// something still gets it.
import { describe, expect, it } from "vitest";
import { DEFAULT_CATALOGUE } from "../src/domain/ledger/catalog.ts";
import { LedgerService } from "../src/registry/ledger/index.ts";
import type { Db } from "../src/store/db.ts";
import { migrate } from "../src/store/migrate.ts";
import { migrations } from "../src/store/migrations/index.ts";
import { openPglite } from "../src/store/pglite.ts";

/** The store, with every statement it is sent (queries and transactions) written down. */
function recording(db: Db): { db: Db; log: string[] } {
  const log: string[] = [];
  const wrap = <S extends { query: Db["query"] }>(s: S): S["query"] =>
    ((text: string, params?: readonly unknown[]) => {
      log.push(text.replace(/\s+/g, " ").trim());
      return s.query(text, params);
    }) as S["query"];
  return {
    log,
    db: {
      ...db,
      kind: db.kind,
      query: wrap(db),
      transaction: (fn, opts) => {
        log.push("BEGIN");
        return db.transaction((tx) => fn({ query: wrap(tx) }), opts);
      },
    },
  };
}

describe("opening a current store", () => {
  it("migrate: one read and no transaction when every migration is recorded; a new migration is still applied", async () => {
    const db = await openPglite();
    try {
      expect(await migrate(db)).toHaveLength(migrations.length);
      const r = recording(db);
      expect(await migrate(r.db)).toEqual([]);
      expect(r.log).toEqual(["SELECT id FROM schema_migrations"]);

      const extra = { id: "test-extra-001", statements: ["CREATE TABLE test_extra (x int)"] };
      expect(await migrate(r.db, [...migrations, extra])).toEqual(["test-extra-001"]);
      expect(r.log).toContain("BEGIN");
      expect((await db.query<{ n: bigint }>("SELECT count(*) AS n FROM test_extra")).rows[0]?.n).toBe(0n);
    } finally {
      await db.close();
    }
  });

  it("migrate on a new store (no migrations table yet) applies everything", async () => {
    const db = await openPglite();
    try {
      const r = recording(db);
      expect(await migrate(r.db)).toHaveLength(migrations.length);
      expect(r.log).toContain("BEGIN");
    } finally {
      await db.close();
    }
  });

  it("LedgerService.open writes the catalogue's rows once; later opens only read", async () => {
    const db = await openPglite();
    try {
      await migrate(db);
      const first = recording(db);
      await LedgerService.open(first.db);
      expect(first.log).toContain("BEGIN");
      const n = (await db.query<{ n: bigint }>("SELECT count(*) AS n FROM transaction_kinds")).rows[0]?.n;
      expect(n).toBe(BigInt(DEFAULT_CATALOGUE.kinds.size));

      const again = recording(db);
      await LedgerService.open(again.db);
      expect(again.log).toHaveLength(1);
      expect(again.log[0]).toMatch(/^SELECT/);

      // A row gone (a catalogue grown since the store was made) is written again.
      // transaction_kinds is append-only (ledger-perf-002): a store made before the catalogue grew is made by hand.
      await db.query("ALTER TABLE transaction_kinds DISABLE TRIGGER transaction_kinds_append_only");
      await db.query("DELETE FROM transaction_kinds WHERE code = 'issuance' AND NOT EXISTS (SELECT 1 FROM transactions WHERE kind = 'issuance')");
      await db.query("ALTER TABLE transaction_kinds ENABLE TRIGGER transaction_kinds_append_only");
      const third = recording(db);
      await LedgerService.open(third.db);
      expect(third.log).toContain("BEGIN");
      expect((await db.query("SELECT 1 FROM transaction_kinds WHERE code = 'issuance'")).rows).toHaveLength(1);
    } finally {
      await db.close();
    }
  });
});
