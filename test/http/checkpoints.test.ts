// Goal: checkpoints are published and kept on a schedule. GET /v1/checkpoints lists them newest
// first to anyone, in pages, and refuses a cursor it did not hand out (400, never 500); the
// schedule records when the last checkpoint is old enough and not before (so several processes on
// one store keep one schedule); the server records one at start and refuses a bad
// OPENETS_CHECKPOINT_MINUTES before it opens anything.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkpointMinutes, StartupError, startServer } from "../../src/http/server.ts";
import { ManualClock } from "../../src/platform/clock.ts";
import { checkpointSchedule, recordCheckpoint } from "../../src/registry/checkpoints/index.ts";
import { LedgerService } from "../../src/registry/ledger/index.ts";
import { openTestDb } from "../support/stores.ts";
import { buildSmallLedger } from "../support/small-ledger.ts";
import { buildFixture } from "./fixture.ts";

const dir = mkdtempSync(join(tmpdir(), "openets-checkpoints-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("GET /v1/checkpoints", () => {
  it("lists the checkpoints newest first, in pages, to anyone", async () => {
    const f = await buildFixture(await openTestDb("pglite"));
    try {
      await buildSmallLedger(f.ledger);
      for (let i = 0; i < 3; i++) {
        await recordCheckpoint(f.db, { clock: f.clock, by: "test" });
        f.clock.advanceHours(1);
      }
      const first = await f.request("/v1/checkpoints?limit=2");
      expect(first.status).toBe(200);
      const p1 = (await first.json()) as { items: Array<{ id: number; at: string; root: string; count: number }>; nextCursor: string | null };
      expect(p1.items.map((c) => [c.id, c.at])).toEqual([[3, "2026-04-06T11:00:00.000Z"], [2, "2026-04-06T10:00:00.000Z"]]);
      expect(p1.items[0]?.root).toMatch(/^[0-9a-f]{64}$/);
      expect(p1.items[0]?.count).toBeGreaterThan(0);
      const p2 = (await (await f.request(`/v1/checkpoints?limit=2&cursor=${p1.nextCursor}`)).json()) as { items: Array<{ id: number }>; nextCursor: string | null };
      expect(p2).toMatchObject({ items: [{ id: 1 }], nextCursor: null });
      for (const bad of ["cursor=%21%21", `cursor=${Buffer.from("abc").toString("base64url")}`, "limit=0", "limit=501"]) {
        const r = await f.request(`/v1/checkpoints?${bad}`);
        expect(r.status, bad).toBe(400);
      }
    } finally {
      await f.db.close();
    }
  });
});

describe("the checkpoint schedule", () => {
  it("records when the last checkpoint is at least the interval old, and not before", async () => {
    const db = await openTestDb("pglite");
    const clock = new ManualClock("2026-05-01T00:00:00Z");
    const seen: number[] = [];
    const s = checkpointSchedule(db, { everyMs: 3_600_000, clock, by: "system:scheduler", onRecorded: (cp) => seen.push(cp.id) });
    try {
      await buildSmallLedger(await LedgerService.open(db, clock));
      expect((await s.tick())?.id).toBe(1);
      clock.advance(3_599_999);
      expect(await s.tick()).toBeNull();
      clock.advance(1);
      expect((await s.tick())?.id).toBe(2);
      expect(seen).toEqual([1, 2]);
      const by = await db.query<{ recorded_by: string }>("SELECT recorded_by FROM checkpoints ORDER BY id");
      expect(by.rows.map((r) => r.recorded_by)).toEqual(["system:scheduler", "system:scheduler"]);
    } finally {
      await s.stop();
      await db.close();
    }
    expect(() => checkpointSchedule(db, { everyMs: 0, clock, by: "x" })).toThrow(/everyMs/);
  });

  it("reads OPENETS_CHECKPOINT_MINUTES: 60 by default, 0 for none, and refuses anything else", async () => {
    expect(checkpointMinutes({})).toBe(60);
    expect(checkpointMinutes({ OPENETS_CHECKPOINT_MINUTES: "0" })).toBe(0);
    expect(checkpointMinutes({ OPENETS_CHECKPOINT_MINUTES: "15" })).toBe(15);
    for (const bad of ["-1", "1.5", "abc", "525601", " 5", "1e3"]) {
      expect(() => checkpointMinutes({ OPENETS_CHECKPOINT_MINUTES: bad }), bad).toThrow(StartupError);
    }
    await expect(startServer({ OPENETS_CHECKPOINT_MINUTES: "often", PORT: "0", DATABASE_URL: join(dir, "never-opened") }, () => {})).rejects.toThrow(/OPENETS_CHECKPOINT_MINUTES/);
  });

  it("the server records a checkpoint at start and publishes it", async () => {
    const server = await startServer({ PORT: "0", DATABASE_URL: join(dir, "server"), OPENETS_CHECKPOINT_MINUTES: "60" }, () => {});
    try {
      let items: Array<{ id: number; count: number }> = [];
      for (let i = 0; i < 100 && items.length === 0; i++) {
        items = ((await (await fetch(`http://127.0.0.1:${server.port}/v1/checkpoints`)).json()) as { items: typeof items }).items;
        if (items.length === 0) await new Promise((r) => setTimeout(r, 200));
      }
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ id: 1 });
      expect(items[0]?.count).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  }, 120_000);
});
