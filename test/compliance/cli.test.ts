// Goal: `ets compliance` reads and writes the registry a scenario left in a store, through the same
// service and rules as the API: status per period (--json), an installation's records, a write
// without --as refused as bad usage (exit 2), a refusal exiting 1 with its 9xxx code, and publish
// refusing (exit 1) a year whose publication date has not come, naming that date.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPlay } from "../../src/cli/commands/play.ts";
import { runEts } from "../support/ets.ts";

const EXAMPLE = join(import.meta.dirname, "../../examples/play/gx-ets-compliance-year.yaml");
let dir = "";
let db = "";

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ets-compliance-"));
  db = join(dir, "store");
  const r = await runPlay(EXAMPLE, { database: db }, () => {});
  if (!r.passed) throw new Error("the scenario did not play");
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("ets compliance", () => {
  it("shows a period's status and an installation's records", async () => {
    const st = await runEts(["compliance", "status", "--period", "2026", "--database", db, "--json"]);
    expect(st.code, st.stderr).toBe(0);
    const body = JSON.parse(st.stdout) as { items: Array<{ installation: string; status: string; closed: boolean }> };
    expect(body.items.map((i) => [i.installation, i.status, i.closed])).toEqual([["JP-INST-001", "compliant", true], ["JP-INST-002", "estimated", true]]);
    const rec = await runEts(["compliance", "records", "JP-INST-001", "--database", db]);
    expect(rec.code, rec.stderr).toBe(0);
    expect(rec.stdout).toMatch(/2026\s+2\s+184600\s+1\s+positive\s+yes/);
  }, 60_000);

  it("refuses a write without --as (exit 2) and a rule's refusal with its code (exit 1)", async () => {
    const noAs = await runEts(["compliance", "close", "--period", "2026", "--database", db], { env: { ETS_AS: undefined } });
    expect(noAs.code).toBe(2);
    expect(noAs.stderr).toMatch(/--as USER is required/);
    const refused = await runEts(["compliance", "surrender", "JP-INST-001", "--period", "2026", "--units", "JPA-2026=1", "--as", "steel-1", "--database", db, "--json"]);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ error: { code: 9216, check: "surrender-period-closed" } });
  }, 60_000);

  it("publishes a year only from its publication date", async () => {
    const r = await runEts(["compliance", "publish", "--year", "2026", "--out", join(dir, "2026.csv"), "--database", db]);
    // The CLI runs on the machine's clock, before FY2026's deadline (2028-01-31).
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/2026 is not published yet: its rows appear from 2028-02-01/);
  }, 60_000);
});
