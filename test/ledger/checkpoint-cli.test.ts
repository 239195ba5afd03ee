// Goal: `ets verify --checkpoint` does what docs/reference/cli.md says: after a clean verify it
// records a checkpoint and prints it for publication (JSON keys root, at, count, id), and plain
// verify then reports the checkpoints it proved; on a ledger that fails verify it records nothing
// and exits 1. In-process through the handler, and once spawned on a PGlite directory for the
// option's wiring and exit codes.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as cli from "../../src/cli/commands/registry/index.ts";
import { ManualClock } from "../../src/platform/clock.ts";
import { LedgerService } from "../../src/registry/ledger/index.ts";
import { migrate } from "../../src/store/migrate.ts";
import { openPglite } from "../../src/store/pglite.ts";
import { runEts } from "../support/ets.ts";
import { buildSmallLedger } from "../support/small-ledger.ts";

const dir = mkdtempSync(join(tmpdir(), "ets-checkpoint-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("ets verify --checkpoint", () => {
  it("records a checkpoint after a clean verify, and none when verify fails (in-process)", async () => {
    const db = await openPglite();
    try {
      await migrate(db);
      const clock = new ManualClock("2026-06-01T12:00:00Z");
      await buildSmallLedger(await LedgerService.open(db, clock));
      const ctx = await cli.registryContext(db, undefined, clock);
      const out = await cli.verify(ctx, { checkpoint: true });
      expect(out.failed).toBeUndefined();
      const json = out.json as Record<string, unknown>;
      expect(Object.keys(json)).toEqual(["root", "at", "count", "id"]);
      expect(json).toMatchObject({ at: "2026-06-01T12:00:00.000Z", id: 1 });
      expect(json.root).toMatch(/^[0-9a-f]{64}$/);
      expect(out.text).toContain(`checkpoint 1 at 2026-06-01T12:00:00.000Z: root ${json.root} over ${json.count} leaves`);
      expect((await db.query<{ recorded_by: string }>("SELECT recorded_by FROM checkpoints")).rows).toEqual([{ recorded_by: "cli" }]);

      const plain = await cli.verify(ctx);
      expect(plain.text).toMatch(/^ok: .*, 1 checkpoints proven \(\d[\d,]* leaves\)\n$/);
      expect(Object.keys(plain.json as object)).toEqual(["ok", "classes", "accounts", "blocks", "units", "byFate", "transactions", "movements", "chains", "links", "checkpoints", "checkpointLeaves", "violations"]);

      await db.query("UPDATE balances SET quantity = quantity + 1 WHERE account_id = 'TRA-4'");
      const bad = await cli.verify(ctx, { checkpoint: true });
      expect(bad.failed).toBe("verify found 1 violation(s); no checkpoint recorded");
      expect(bad.json).toMatchObject({ ok: false, violations: [{ invariant: "balance-equals-blocks" }] });
      expect((await db.query<{ n: bigint }>("SELECT count(*) AS n FROM checkpoints")).rows[0]?.n).toBe(1n);
    } finally {
      await db.close();
    }
  });

  it("spawned on a PGlite directory: exit 0 with the checkpoint as JSON, then verify proves it", async () => {
    const path = join(dir, "reg");
    const db = await openPglite(path);
    try {
      await migrate(db);
      await buildSmallLedger(await LedgerService.open(db));
    } finally {
      await db.close();
    }
    const env = { DATABASE_URL: undefined, ETS_AS: undefined };
    const rec = await runEts(["verify", "--checkpoint", "--json", "--database", path], { env });
    expect(rec.code, rec.stderr).toBe(0);
    const cp = JSON.parse(rec.stdout) as Record<string, unknown>;
    expect(Object.keys(cp)).toEqual(["root", "at", "count", "id"]);
    expect(cp.id).toBe(1);
    const v = await runEts(["verify", "--database", path], { env });
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/1 checkpoints proven/);
  }, 300_000);
});
