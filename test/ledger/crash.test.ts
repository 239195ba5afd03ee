// Goal: no acknowledged transfer is ever lost and the ledger stays consistent when the process
// writing it dies mid-flight. A child process (test/support/transfer-load.ts) sends transfers to
// the PostgreSQL server, or to a PGlite directory it opens itself, and records each acknowledged
// id; it is killed with SIGKILL at a random point, 5 times (3 on PGlite). After each kill, verify
// passes and every acknowledged transfer is there, completed, exactly once, with its movements; a
// new child then carries on from that state (on PGlite, past the dead child's lock file).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LedgerService } from "../../src/registry/ledger/index.ts";
import { verifyLedger } from "../../src/registry/verify.ts";
import { migrate } from "../../src/store/migrate.ts";
import type { Db } from "../../src/store/db.ts";
import { openStore } from "../../src/store/open.ts";
import { openPostgres } from "../../src/store/postgres.ts";
import { createServerDatabase } from "../support/stores.ts";

// Five kills on the server (the bar); three on PGlite, whose every restart loads the WASM
// database again (several seconds on a loaded machine).
const ROUNDS_OF = { postgres: 5, pglite: 3 } as const;
const root = join(import.meta.dirname, "../..");

function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter((l) => l !== "") : [];
}

/** Opens the store the way the child does (PGlite: lock file; a dead child's lock is taken over). */
async function open(kind: "postgres" | "pglite", target: string): Promise<Db> {
  if (kind === "postgres") {
    const db = openPostgres(target, { max: 2 });
    await migrate(db);
    return db;
  }
  return openStore({ database: target });
}

describe.each(["postgres", "pglite"] as const)("crash under transfer load (%s)", (kind) => {
  const ROUNDS = ROUNDS_OF[kind];
  it(`kill -9 at ${ROUNDS} random points loses no acknowledged transfer`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "ets-crash-"));
    const url = kind === "postgres" ? await createServerDatabase() : join(dir, "pglite");
    let db = await open(kind, url);
    try {
      const ledger = await LedgerService.open(db);
      const must = (r: { ok: boolean; message?: string }) => {
        if (!r.ok) throw new Error(r.message);
      };
      must(await ledger.defineClass({ commandId: "cr-c", code: "CR-2026", unitType: "allowance", scheme: "CR" }));
      must(await ledger.openAccount({ commandId: "cr-n", accountId: "CR-NHA", type: "national_issuance", holder: "s", name: "s" }));
      const legs = [];
      for (let i = 0; i < 20; i++) {
        const id = `CR-${String(i).padStart(2, "0")}`;
        must(await ledger.openAccount({ commandId: `cr-o${i}`, accountId: id, type: "trading", holder: "h", name: id }));
        legs.push({ classCode: "CR-2026", from: "CR-NHA", to: id, quantity: "500" });
      }
      must(await ledger.propose({ transactionId: "cr-issue", kind: "issuance", legs: [{ classCode: "CR-2026", from: null, to: "CR-NHA", quantity: "10000" }] }));
      must(await ledger.propose({ transactionId: "cr-seed", kind: "correction", legs }));

      const seed = Number(process.env.ETS_SEED ?? Date.now() % 1_000_000);
      // One process per PGlite directory: the parent lets go while the child runs.
      if (kind === "pglite") await db.close();
      let total = 0;
      for (let round = 1; round <= ROUNDS; round++) {
        const ack = join(dir, `ack-${round}.txt`);
        // Kill after a random number of acknowledgements (1..40), plus a random few milliseconds,
        // so that the kill lands anywhere in a transaction's life.
        const target = 1 + ((seed * 7 + round * 13) % 40);
        const child = spawn(process.execPath, ["--import", "tsx", join(root, "test/support/transfer-load.ts"), url, ack, `cr${round}`, String(seed + round)], {
          cwd: root,
          stdio: ["ignore", "ignore", "pipe"],
        });
        let stderr = "";
        child.stderr.on("data", (d: Buffer) => {
          stderr += d.toString();
        });
        const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
        const deadline = Date.now() + 150_000;
        while (lines(ack).length < target && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        expect(child.exitCode, `the load process ended by itself: ${stderr}`).toBe(null);
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 30)));
        child.kill("SIGKILL");
        await exited;

        if (kind === "pglite") db = await open(kind, url);
        const acked = lines(ack);
        expect(acked.length).toBeGreaterThanOrEqual(target);
        total += acked.length;
        const report = await verifyLedger(db);
        expect(report.violations, `round ${round}`).toEqual([]);
        expect(report.units).toBe("10000");
        const rows = await db.query<{ id: string; status: string; moved: bigint | null; leg: bigint }>(
          `SELECT t.id, (SELECT e.status FROM transaction_events e WHERE e.tx_id = t.id ORDER BY e.seq DESC LIMIT 1) AS status,
                  (SELECT sum(m.serial_end - m.serial_start + 1)::int8 FROM movements m WHERE m.tx_id = t.id) AS moved,
                  (SELECT sum(l.quantity)::int8 FROM transaction_legs l WHERE l.tx_id = t.id) AS leg
           FROM transactions t WHERE t.id = ANY($1::text[])`,
          [acked],
        );
        expect(rows.rows.length, `round ${round}: acknowledged transfers missing`).toBe(new Set(acked).size);
        for (const r of rows.rows) {
          expect(r.status, r.id).toBe("completed");
          expect(r.moved, r.id).toBe(r.leg);
        }
        if (kind === "pglite") await db.close();
      }
      if (kind === "pglite") db = await open(kind, url);
      expect(total).toBeGreaterThanOrEqual(ROUNDS);
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 900_000);
});
