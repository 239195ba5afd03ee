// Goal: both store adapters return identical JS types and run the same migrations.
import { expect, it } from "vitest";
import { forEachStore } from "./support/stores.ts";

forEachStore("store adapters", (get) => {
  it("parses int8 as bigint, numeric as string, date as string, timestamptz as ISO string", async () => {
    const { rows } = await get().query<{ a: bigint; b: string; c: string; d: string }>(
      "SELECT 9007199254740993::int8 AS a, 1.50::numeric AS b, '2026-04-01'::date AS c, '2026-04-01T09:00:00+09:00'::timestamptz AS d",
    );
    expect(rows[0]).toEqual({ a: 9007199254740993n, b: "1.50", c: "2026-04-01", d: "2026-04-01T00:00:00.000Z" });
  });

  it("accepts bigint parameters beyond 2^53", async () => {
    const { rows } = await get().query<{ x: bigint }>("SELECT $1::int8 + 1 AS x", [9007199254740993n]);
    expect(rows[0]?.x).toBe(9007199254740994n);
  });

  it("rolls a failed transaction back completely", async () => {
    const db = get();
    await db.query("CREATE TABLE IF NOT EXISTS t_rollback (x int)");
    await expect(
      db.transaction(async (tx) => {
        await tx.query("INSERT INTO t_rollback VALUES (1)");
        await tx.query("SELECT 1/0");
      }),
    ).rejects.toThrow();
    const { rows } = await db.query<{ n: bigint }>("SELECT count(*) AS n FROM t_rollback");
    expect(rows[0]?.n).toBe(0n);
  });

  it("has btree_gist so exclusion constraints on ranges work", async () => {
    const db = get();
    await db.query("CREATE TABLE IF NOT EXISTS t_ex (c int, r int8range, EXCLUDE USING gist (c WITH =, r WITH &&))");
    await db.query("INSERT INTO t_ex VALUES (1, int8range(1, 10, '[]'))");
    await expect(db.query("INSERT INTO t_ex VALUES (1, int8range(10, 20, '[]'))")).rejects.toThrow();
    await db.query("INSERT INTO t_ex VALUES (2, int8range(10, 20, '[]'))");
  });
});
