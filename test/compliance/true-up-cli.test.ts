// Goal: `ets compliance true-up` books through the same service and rules as the API, on the store
// a played scenario left (examples/play/china-power-true-up.yaml): booking again answers the booked
// true-up (exit 0, `replayed`), another output is refused with its code (exit 1, 9315), a bad
// --output is bad usage naming the flag (exit 2), and an installation without the true-up waits
// for nothing it cannot have: an unregistered one is refused (exit 1, 9310).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPlay } from "../../src/cli/commands/play.ts";
import { runEts } from "../support/ets.ts";

const EXAMPLE = join(import.meta.dirname, "../../examples/play/china-power-true-up.yaml");
let dir = "";
let db = "";

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ets-true-up-"));
  db = join(dir, "store");
  const r = await runPlay(EXAMPLE, { database: db }, () => {});
  if (!r.passed) throw new Error("the scenario did not play");
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("ets compliance true-up", () => {
  it("answers the booked true-up, refuses another figure (exit 1) and a bad --output (exit 2)", async () => {
    const again = await runEts(["compliance", "true-up", "CN-COAL-A", "--year", "2019", "--output", "1100000", "--as", "mee-2", "--database", db, "--json"]);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ installation: "CN-COAL-A", trueUp: "350800", transactionId: "true-up:2019:CN-COAL-A", replayed: true });
    const other = await runEts(["compliance", "true-up", "CN-COAL-A", "--year", "2019", "--output", "1200000", "--as", "mee-2", "--database", db, "--json"]);
    expect(other.code).toBe(1);
    expect(JSON.parse(other.stdout)).toMatchObject({ error: { code: 9315, check: "true-up-booked" } });
    const bad = await runEts(["compliance", "true-up", "CN-COAL-A", "--year", "2019", "--output", "lots", "--as", "mee-2", "--database", db]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--output/);
    const unknown = await runEts(["compliance", "true-up", "CN-NOWHERE", "--year", "2019", "--output", "1", "--as", "mee-2", "--database", db, "--json"]);
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ error: { code: 9310 } });
  }, 120_000);
});
