// Goal: `ets compliance ex-post issue|list` goes through the same service and rules as the API, on
// the store a played scenario left (examples/play/tokyo-ex-post.yaml): the list shows BLDG-A's
// 6,000 credits (exit 0); issuing again for the same installation and period is refused with its
// code (exit 1, 9318), a building above its cap too (9317); a bad --period is bad usage naming the
// flag (exit 2); the same --id as the completed command answers its first result.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPlay } from "../../src/cli/commands/play.ts";
import { runEts } from "../support/ets.ts";

const EXAMPLE = join(import.meta.dirname, "../../examples/play/tokyo-ex-post.yaml");
let dir = "";
let db = "";

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ets-ex-post-"));
  db = join(dir, "store");
  const r = await runPlay(EXAMPLE, { database: db }, () => {});
  if (!r.passed) throw new Error("the scenario did not play");
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("ets compliance ex-post", () => {
  it("lists what was issued, refuses a second issuance and no surplus (exit 1), bad usage (exit 2)", async () => {
    const list = await runEts(["compliance", "ex-post", "list", "--period", "P1", "--database", db, "--json"]);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject({ period: "P1", items: [{ installation: "BLDG-A", issued: "6000", classCode: "TOKYO-ER-P1", transactionId: "ex-post.P1.BLDG-A" }] });
    const text = await runEts(["compliance", "ex-post", "list", "--period", "P1", "--database", db]);
    expect(text.stdout).toMatch(/BLDG-A.*6000/);
    const same = await runEts(["compliance", "ex-post", "issue", "--period", "P1", "--installation", "BLDG-A", "--as", "tmg-1", "--id", "xp-a", "--database", db, "--json"]);
    expect(same.code, same.stderr).toBe(0);
    expect(JSON.parse(same.stdout)).toMatchObject({ issued: "6000", replayed: true });
    const again = await runEts(["compliance", "ex-post", "issue", "--period", "P1", "--installation", "BLDG-A", "--as", "tmg-2", "--id", "xp-cli", "--database", db, "--json"]);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout)).toMatchObject({ error: { code: 9318, check: "ex-post-issued" } });
    const none = await runEts(["compliance", "ex-post", "issue", "--period", "P1", "--installation", "BLDG-B", "--as", "tmg-2", "--database", db, "--json"]);
    expect(none.code).toBe(1);
    expect(JSON.parse(none.stdout)).toMatchObject({ error: { code: 9317 } });
    const bad = await runEts(["compliance", "ex-post", "issue", "--period", "P 1", "--installation", "BLDG-B", "--as", "tmg-2", "--database", db]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--period/);
  }, 180_000);
});
