// Goal: the Article 6 book's two hot reads stay index probes as the book grows (migration
// international-002), on both stores. Whether the book tracks a class (asked by every plain exit
// and every link transfer) answers from the partial index on issuance records' series, and a page
// of one kind of record is a range of the (kind, seq) index; each answers as before. The plans are
// read with sequential scans disabled, so a missing or unusable index shows as a failure rather
// than as a planner's choice on a small table.
import { describe, expect, it } from "vitest";
import { bookTracksAny, BOOK_TRACKS_SQL } from "../../src/registry/international/hooks-article6.ts";
import { KIND_PAGE_SQL, PAGE_SQL } from "../../src/registry/international/book-pages.ts";
import type { Db } from "../../src/store/db.ts";
import { forEachStore } from "../support/stores.ts";

/** Raw rows of the book (the table takes inserts; its records' content is not what is tested here). */
async function fill(db: Db): Promise<void> {
  const kinds = ["issuance", "authorization", "first-transfer", "transfer", "use"];
  const values: string[] = [];
  const params: unknown[] = [];
  for (let i = 0; i < 200; i++) {
    const kind = kinds[i % kinds.length] as string;
    params.push(`r-${i}`, kind, JSON.stringify({ series: `SERIES-${i % 20}` }));
    const n = params.length;
    values.push(`($${n - 2}, $${n - 1}, $${n}::jsonb, 'test', now())`);
  }
  await db.query(`INSERT INTO intl_book (id, kind, record, origin, at) VALUES ${values.join(", ")}`, params);
}

async function plan(db: Db, text: string, params: unknown[]): Promise<string> {
  return db.transaction(async (tx) => {
    await tx.query("SET LOCAL enable_seqscan = off");
    const rows = (await tx.query<{ "QUERY PLAN": string }>(`EXPLAIN ${text}`, params)).rows;
    return rows.map((r) => r["QUERY PLAN"]).join("\n");
  });
}

forEachStore("the Article 6 book's indexes", (get) => {
  describe("whether the book tracks a class", () => {
    it("answers from the issuance records only, by an index probe", async () => {
      const db = get();
      await fill(db);
      // Issuance records are i % 5 == 0, so their series are SERIES-0, -5, -10, -15.
      expect(await bookTracksAny(db, ["SERIES-5"])).toBe(true);
      expect(await bookTracksAny(db, ["SERIES-1", "SERIES-15"])).toBe(true);
      expect(await bookTracksAny(db, ["SERIES-1", "SERIES-2"])).toBe(false);
      expect(await bookTracksAny(db, [])).toBe(false);
      expect(await plan(db, BOOK_TRACKS_SQL, [["SERIES-5"]])).toMatch(/intl_book_issuance_series/);
    });
  });

  describe("a page of the book", () => {
    it("of one kind is a range of (kind, seq); of every record a range of the key", async () => {
      const db = get();
      const page = (await db.query<{ seq: bigint | string; record: { series: string } }>(KIND_PAGE_SQL, ["authorization", "0", 10])).rows;
      expect(page).toHaveLength(10);
      const seqs = page.map((r) => BigInt(r.seq));
      expect(seqs).toEqual([...seqs].sort((a, b) => (a < b ? -1 : 1)));
      const next = (await db.query<{ seq: bigint | string }>(KIND_PAGE_SQL, ["authorization", String(seqs.at(-1)), 500])).rows;
      expect(next).toHaveLength(30);
      expect(BigInt(next[0]?.seq ?? 0) > (seqs.at(-1) ?? 0n)).toBe(true);
      expect(await plan(db, KIND_PAGE_SQL, ["authorization", "0", 10])).toMatch(/intl_book_kind_seq/);
      expect((await db.query(PAGE_SQL, ["0", 500])).rows).toHaveLength(200);
      expect(await plan(db, PAGE_SQL, ["0", 10])).toMatch(/intl_book_pkey/);
    });
  });
});
