// Goal: both store adapters return identical JS types and run the same migrations.
import { describe, expect, it } from "vitest";
import { openPostgres } from "../src/store/postgres.ts";
import { createServerDatabase, forEachStore } from "./support/stores.ts";

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

  it("runs a prepared statement again and again, with other parameters, inside and outside transactions", async () => {
    const db = get();
    const text = "SELECT $1::int8 * 2 AS x, $2::text AS y";
    for (const [i, y] of [[1n, "a"], [2n, "b"], [3n, "c"]] as const) {
      expect((await db.query<{ x: bigint; y: string }>(text, [i, y], { prepare: true })).rows).toEqual([{ x: i * 2n, y }]);
    }
    expect(await db.transaction(async (tx) => (await tx.query<{ x: bigint }>(text, [21n, "t"], { prepare: true })).rows[0]?.x)).toBe(42n);
    // A prepared statement the server refuses (at parse time, and at run time) fails that call only; the next ones run.
    await expect(db.query("SELECT no_such_column FROM pg_class", [], { prepare: true })).rejects.toThrow();
    await expect(db.query("SELECT 1 / $1::int AS x", [0], { prepare: true })).rejects.toThrow();
    expect((await db.query<{ x: number }>("SELECT 1 / $1::int AS x", [1], { prepare: true })).rows).toEqual([{ x: 1 }]);
    expect((await db.query<{ x: bigint }>(text, [5n, "z"], { prepare: true })).rows[0]?.x).toBe(10n);
  });

  it("has btree_gist so exclusion constraints on ranges work", async () => {
    const db = get();
    await db.query("CREATE TABLE IF NOT EXISTS t_ex (c int, r int8range, EXCLUDE USING gist (c WITH =, r WITH &&))");
    await db.query("INSERT INTO t_ex VALUES (1, int8range(1, 10, '[]'))");
    await expect(db.query("INSERT INTO t_ex VALUES (1, int8range(10, 20, '[]'))")).rejects.toThrow();
    await db.query("INSERT INTO t_ex VALUES (2, int8range(10, 20, '[]'))");
  });
});

describe("PostgreSQL adapter connections", () => {
  it("keeps a pooled connection after an error the server reports (no new backend per refusal)", async () => {
    const db = openPostgres(await createServerDatabase(), { max: 1 });
    try {
      const pid = async () => (await db.query<{ p: number }>("SELECT pg_backend_pid() AS p")).rows[0]?.p;
      const before = await pid();
      await expect(db.query("SELECT 1 / 0")).rejects.toThrow(/division by zero/);
      await expect(db.query("RAISE")).rejects.toThrow();
      expect(await pid()).toBe(before);
      // the connection is still in autocommit: a later statement is not in an aborted transaction
      expect((await db.query<{ x: number }>("SELECT 2 AS x")).rows[0]?.x).toBe(2);
    } finally {
      await db.close();
    }
  });

  // Regression (found by the ledger's simulation test): a connection lost while checked out emitted
  // an 'error' nobody listened to, which ended the whole process (the server, with every request).
  it("a backend terminated mid-statement fails only that statement; the process lives on and the pool recovers", async () => {
    const url = await createServerDatabase();
    const db = openPostgres(url, { max: 1 });
    const admin = openPostgres(url, { max: 1 });
    try {
      const killMidStatement = async (run: (pid: number) => Promise<unknown>) => {
        const pid = (await db.query<{ p: number }>("SELECT pg_backend_pid() AS p")).rows[0]?.p as number;
        const kill = new Promise((r) => setTimeout(r, 150)).then(() => admin.query("SELECT pg_terminate_backend($1) AS t", [pid]));
        await expect(run(pid)).rejects.toMatchObject({ code: "57P01" });
        expect((await kill).rows[0]).toEqual({ t: true });
        return pid;
      };
      const first = await killMidStatement(() => db.query("SELECT pg_sleep(5)"));
      const second = await killMidStatement(() => db.transaction((tx) => tx.query("SELECT pg_sleep(5)")));
      const third = (await db.query<{ p: number }>("SELECT pg_backend_pid() AS p")).rows[0]?.p;
      expect(new Set([first, second, third]).size, "each lost connection is replaced by a new backend").toBe(3);
    } finally {
      await db.close();
      await admin.close();
    }
  });
});
