// Goal: `ets allocate` runs as a user runs it (./bin/ets in a child process): JSON in the
// documented shape, files written, bad input exiting 2 with file, line and column and nothing
// written. (`ets baseline` is in cli-baseline.test.ts, `--commit` in cli-commit.test.ts.)
import { access, cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runEts } from "../support/ets.ts";

const root = join(import.meta.dirname, "../..");
const sample = join(root, "data/steel-cement");
const rulebook = join(import.meta.dirname, "fixtures/steel-cement.yaml");

const ets = (...args: string[]) => runEts(args, { env: { DATABASE_URL: undefined } });
const exists = (p: string) => access(p).then(() => true, () => false);

let tmp = "";
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "ets-alloc-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe("ets allocate", () => {
  it("allocates the sample under the test rulebook: correction to the budget, exposed cement free, CSV out", async () => {
    const out = join(tmp, "alloc.csv");
    const r = await ets("allocate", "--rulebook", rulebook, "--dataset", sample, "--year", "2013", "--json", "--out", out);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { totals: { free: string; entitlement: string }; correction: { applied: boolean; after: string }; results: { installation: string; sector: string; auctionShare: string; free: string; explanation: { method: string; lines: string[] } }[] };
    expect(j.totals.free).toBe("180000000");
    expect(j.correction).toMatchObject({ applied: true, after: "180000000" });
    expect(j.results).toHaveLength(109);
    expect(j.results.filter((x) => x.sector === "cement").every((x) => x.auctionShare === "0")).toBe(true);
    expect(j.results.filter((x) => x.sector === "steel").every((x) => x.auctionShare === "0.2")).toBe(true);
    expect(j.results[0]?.explanation.lines[0]).toMatch(/coke benchmark 0.09 x activity/);
    const csv = await readFile(out, "utf8");
    expect(csv.split("\n")[0]).toBe("installation,sector,method,entitlement,auction_share,auctioned,free,new_entrant,unmet,true_up,explanation");
    expect(csv.trim().split("\n")).toHaveLength(110);
  });

  it("prints the explanation with --explain", async () => {
    const r = await ets("allocate", "--rulebook", rulebook, "--dataset", sample, "--year", "2013", "--explain");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/rounding correction: .* \(largest remainder\)/);
    expect(r.stdout).toMatch(/correction \(uniform\): factor ~0\.93786/);
  });

  it("rejects an unknown sector in the dataset naming file, line and column, and writes nothing", async () => {
    const bad = join(tmp, "bad-sector");
    await cp(sample, bad, { recursive: true });
    const file = join(bad, "installations.csv");
    const lines = (await readFile(file, "utf8")).split("\n");
    lines[3] = (lines[3] as string).replace(",steel,", ",stele,");
    await writeFile(file, lines.join("\n"));
    const out = join(tmp, "never.csv");
    const r = await ets("allocate", "--rulebook", rulebook, "--dataset", bad, "--year", "2013", "--out", out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/installations\.csv:4 column "sector": unknown sector "stele"/);
    expect(await exists(out)).toBe(false);
  });

  it("turns changes during the year into returns, transfers and obligations, and rejects a bad change row", async () => {
    const changes = join(tmp, "changes.csv");
    await writeFile(changes, "installation,kind,date,to,normal_business,lost_share,below_threshold,new_owner\nCOKE-01,closure,2013-07-01,,,,,\nCOKE-04,owner-change,2013-04-01,,,,,New Steel KK\n");
    const r = await ets("allocate", "--rulebook", rulebook, "--dataset", sample, "--year", "2013", "--changes", changes, "--json");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { changes: { installation: string; kind: string; quantity?: string; from?: string; to?: string; holder?: string }[] };
    // COKE-01 free 186,220: keeps 181/365 (floor 92,344), returns 93,876; COKE-04 free 94,813: keeps 90/365 = 23,378
    expect(j.changes).toEqual([
      expect.objectContaining({ installation: "COKE-01", kind: "return", quantity: "93876" }),
      expect.objectContaining({ installation: "COKE-01", kind: "obligation", from: "2013-01-01", to: "2013-06-30" }),
      expect.objectContaining({ installation: "COKE-04", kind: "transfer", quantity: "71435", from: "INT-1", to: "New Steel KK" }),
      expect.objectContaining({ kind: "obligation", holder: "INT-1", to: "2013-03-31" }),
      expect.objectContaining({ kind: "obligation", holder: "New Steel KK", from: "2013-04-01" }),
    ]);
    await writeFile(changes, "installation,kind,date\nCOKE-01,closure,2013-07-01\nCOKE-02,demolition,2013-07-01\n");
    const bad = await ets("allocate", "--rulebook", rulebook, "--dataset", sample, "--year", "2013", "--changes", changes);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/changes\.csv:3 column "kind": unknown kind "demolition"/);
  });

  it("rejects an invalid rulebook with the field path", async () => {
    const broken = join(tmp, "broken.yaml");
    await writeFile(broken, (await readFile(rulebook, "utf8")).replace("value: 0.78", "value: -1"));
    const r = await ets("allocate", "--rulebook", broken, "--dataset", sample, "--year", "2013");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/allocation\.sectors\.cement\.products\[0\]\.value/);
  });

});
