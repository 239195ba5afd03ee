// Goal: `ets allocate --commit` run twice (two processes, one database) allocates once:
// the second run finds every ledger command already applied.
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
    const first = await ets("allocate", "--rulebook", rulebook, "--dataset", join(tmp, "small"), "--year", "2013", "--commit", "--database", database, "--json");
    expect(first.code).toBe(0);
    const a = JSON.parse(first.stdout) as { committed: { issued: string; transactions: number; replayed: number } };
    expect(a.committed).toMatchObject({ transactions: 7, replayed: 0 });
    const issued = a.committed.issued;
    const second = await ets("allocate", "--rulebook", rulebook, "--dataset", join(tmp, "small"), "--year", "2013", "--commit", "--database", database);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`issued ${issued}, returned 0, 7 transactions (7 already there), 0 accounts opened`);
    // A closure on 1 July returns the rest of the year's allocation, once.
    const changes = join(tmp, "changes.csv");
    await writeFile(changes, "installation,kind,date\nCOKE-01,closure,2013-07-01\n");
    const third = await ets("allocate", "--rulebook", rulebook, "--dataset", join(tmp, "small"), "--year", "2013", "--commit", "--database", database, "--changes", changes, "--json");
    expect(third.code).toBe(0);
    const c = JSON.parse(third.stdout) as { committed: { returned: string; transactions: number; replayed: number }; changes: { kind: string; quantity?: string }[] };
    expect(c.committed).toMatchObject({ transactions: 8, replayed: 7 });
    expect(c.committed.returned).toBe(c.changes.find((x) => x.kind === "return")?.quantity);
  }, 120_000);
});
