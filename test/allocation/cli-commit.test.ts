// Goal: `ets allocate --commit` acts as a named administrator through the secure registry: the
// first run opens the accounts and proposes the issuance, which waits for a second administrator
// (`ets approve`); the next run delivers every allocation in one batch; a run after that (another
// process, one database) allocates nothing more: it finds every ledger command already applied.
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditLog } from "../../src/audit/index.ts";
import { AuthService } from "../../src/auth/index.ts";
import { DEFAULT_SECURITY_CONFIG } from "../../src/domain/security/config.ts";
import { systemPrincipal } from "../../src/domain/security/roles.ts";
import { systemClock } from "../../src/platform/clock.ts";
import { openPostgres } from "../../src/store/postgres.ts";
import { migrate } from "../../src/store/migrate.ts";
import { FAST_ARGON2, PASSWORD } from "../security/fixture.ts";
import { createServerDatabase } from "../support/stores.ts";
import { runEts } from "../support/ets.ts";

const root = join(import.meta.dirname, "../..");
const sample = join(root, "data/steel-cement");
const rulebook = join(import.meta.dirname, "fixtures/steel-cement.yaml");

const ets = (...args: string[]) => runEts(args, { env: { DATABASE_URL: undefined } });

let tmp = "";
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "ets-alloc-commit-"));
  // Five installations of the sample keep the two ledger runs short.
  await cp(sample, join(tmp, "small"), { recursive: true });
  const keep = (await readFile(join(sample, "installations.csv"), "utf8")).trim().split("\n").slice(0, 6);
  const ids = new Set(keep.slice(1).map((l) => l.split(",")[0]));
  await writeFile(join(tmp, "small/installations.csv"), `${keep.join("\n")}\n`);
  const act = (await readFile(join(sample, "activity.csv"), "utf8")).trim().split("\n");
  await writeFile(join(tmp, "small/activity.csv"), `${act.filter((l, i) => i === 0 || ids.has(l.split(",")[0])).join("\n")}\n`);
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe("ets allocate --commit", () => {
  it("--commit writes to the ledger once: the second run finds every transaction already there", async () => {
    // A fresh database on the test PostgreSQL server (PGlite's start-up in each child is slow);
    // the same command on PGlite is covered by commit.test.ts through forEachStore.
    const database = await createServerDatabase();
    const db = openPostgres(database, { max: 1 });
    try {
      await migrate(db);
      const auth = await AuthService.open(db, systemClock, DEFAULT_SECURITY_CONFIG, new AuditLog(db, systemClock), { argon2: FAST_ARGON2 });
      for (const id of ["officer", "approver"]) {
        const r = await auth.createUser({ principal: systemPrincipal("test-setup"), ip: null }, { userId: id, displayName: id, password: PASSWORD, roles: ["national-admin"] });
        expect(r.ok).toBe(true);
      }
    } finally {
      await db.close();
    }
    const allocate = (...more: string[]) => ets("allocate", "--rulebook", rulebook, "--dataset", join(tmp, "small"), "--year", "2013", "--commit", "--database", database, "--as", "officer", ...more);
    // Without a named administrator nothing is committed.
    const nobody = await ets("allocate", "--rulebook", rulebook, "--dataset", join(tmp, "small"), "--year", "2013", "--commit", "--database", database);
    expect(nobody.code).toBe(2);
    const first = await allocate("--json");
    expect(first.code, first.stderr).toBe(0);
    const a = JSON.parse(first.stdout) as { committed: { state: string; issuanceId: string; issued: string; transactions: number; replayed: number; accountsOpened: number } };
    expect(a.committed).toMatchObject({ state: "awaiting-approval", transactions: 1, replayed: 0, accountsOpened: 6 });
    // The officer cannot approve their own issuance; the approver can.
    expect((await ets("approve", a.committed.issuanceId, "--as", "officer", "--database", database)).code).toBe(1);
    const approved = await ets("approve", a.committed.issuanceId, "--as", "approver", "--database", database, "--json");
    expect(approved.code, approved.stderr).toBe(0);
    const issued = a.committed.issued;
    const second = await allocate();
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain(`issued ${issued}, allocated in batch alloc:STEEL-CEMENT-TEST:2013:allocation, returned 0, 6 transactions (1 already there), 0 accounts opened`);
    const again = await allocate();
    expect(again.stdout).toContain(`issued ${issued}, allocated in batch alloc:STEEL-CEMENT-TEST:2013:allocation, returned 0, 6 transactions (6 already there), 0 accounts opened`);
    // A closure on 1 July returns the rest of the year's allocation, once.
    const changes = join(tmp, "changes.csv");
    await writeFile(changes, "installation,kind,date\nCOKE-01,closure,2013-07-01\n");
    const third = await allocate("--changes", changes, "--json");
    expect(third.code, third.stderr).toBe(0);
    const c = JSON.parse(third.stdout) as { committed: { returned: string; transactions: number; replayed: number }; changes: { kind: string; quantity?: string }[] };
    expect(c.committed).toMatchObject({ transactions: 7, replayed: 6 });
    expect(c.committed.returned).toBe(c.changes.find((x) => x.kind === "return")?.quantity);
  }, 120_000);
});
