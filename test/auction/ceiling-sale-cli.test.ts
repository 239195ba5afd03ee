// Goal: `ets collar sell|sales` as a user runs them, spawned on a PGlite directory that `ets play`
// filled with the hard-ceiling example (examples/play/hard-ceiling-sale.yaml: 10,000 allowances
// sold at JPY 4,300, GX-ETS's reference upper price for FY2026, METI via BCI, in an illustrative
// rulebook that sells at it): the sale is listed with what it issued beyond the cap; a new sale is
// issued and sold once per --id; one to an account that is not a covered entity is refused with
// its check (exit 1; under LANG=ja_JP with the rule's Japanese words), as is one by a
// representative (8001); a requested sale is listed as pending (`ets collar pending`) and another
// administrator completes it by its --id alone once its issuance is approved (`ets collar
// complete`); bad or missing options are usage errors naming the flag (exit 2).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPlay } from "../../src/cli/commands/play.ts";
import { runEts } from "../support/ets.ts";

let dir = "";
let database = "";

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ets-ceiling-sale-cli-"));
  database = join(dir, "db");
  const r = await runPlay(join(import.meta.dirname, "../../examples/play/hard-ceiling-sale.yaml"), { database }, () => {});
  if (!r.passed) throw new Error("the example did not play");
}, 180_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("ets collar sell|sales|pending|complete", () => {
  it("lists the sales and what they issued beyond the cap, as JSON and as text", async () => {
    const j = await runEts(["collar", "sales", "--database", database, "--json"]);
    expect(j.code, j.stderr).toBe(0);
    expect(JSON.parse(j.stdout)).toMatchObject({ items: [{ id: "sale-cement-1", account: "JP-200-0002", quantity: "10000", price: "4300", amount: "43000000", beyondCap: true }], issuedBeyondCap: [{ year: 2026, quantity: "10000" }] });
    const t = await runEts(["collar", "sales", "--database", database, "--year", "2026"]);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).toMatch(/sale-cement-1\s+JP-200-0002\s+JPA-2026\s+2026\s+10,000\s+4300\s+43000000\s+JPY/);
    expect(t.stdout).toMatch(/issued beyond the cap in 2026: 10000/);
  }, 120_000);

  it("sells once per --id, issuing beyond the cap; refuses a buyer that is not covered and a representative", async () => {
    const args = ["collar", "sell", "--database", database, "--as", "ministry-1", "--account", "JP-200-0002", "--class", "JPA-2026", "--quantity", "7", "--id", "sale-2", "--json"];
    // the issuance beyond the cap waits for a second administrator (four-eyes), then the same --id sells
    const waiting = await runEts(args);
    expect(waiting.code).toBe(1);
    expect(JSON.parse(waiting.stdout)).toMatchObject({ error: { code: 11709 } });
    const approved = await runEts(["approve", "ceiling-sale.sale-2.issue", "--database", database, "--as", "ministry-2"]);
    expect(approved.code, approved.stderr).toBe(0);
    const r = await runEts(args);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ id: "sale-2", quantity: "7", price: "4300", amount: "30100", issuanceId: "ceiling-sale.sale-2.issue", replayed: false });
    expect(JSON.parse((await runEts(args)).stdout)).toMatchObject({ id: "sale-2", replayed: true });
    const totals = JSON.parse((await runEts(["collar", "sales", "--database", database, "--json"])).stdout) as { issuedBeyondCap: unknown };
    expect(totals.issuedBeyondCap).toEqual([{ year: 2026, quantity: "10007" }]);
    const steel = await runEts(["collar", "sell", "--database", database, "--as", "ministry-1", "--account", "JP-200-0003", "--class", "JPA-2026", "--quantity", "1", "--id", "sale-3"]);
    expect(steel.code).toBe(1);
    expect(steel.stderr).toMatch(/11706/);
    // Under a Japanese locale the same refusal states the rule in Japanese, from the catalogue.
    const ja = await runEts(["collar", "sell", "--database", database, "--as", "ministry-1", "--account", "JP-200-0003", "--class", "JPA-2026", "--quantity", "1", "--id", "sale-3"], { env: { LANG: "ja_JP.UTF-8", LC_ALL: undefined, LC_MESSAGES: undefined } });
    expect(ja.code).toBe(1);
    expect(ja.stderr).toMatch(/^拒否されました: ルール 11706（ceiling-buyer-not-eligible）「上限価格での売却の相手は対象事業者、[^」]+」: /m);
    const rep = await runEts(["collar", "sell", "--database", database, "--as", "cement-1", "--account", "JP-200-0002", "--class", "JPA-2026", "--quantity", "1", "--id", "sale-4"]);
    expect(rep.code).toBe(1);
    expect(rep.stderr).toMatch(/8001/);
  }, 120_000);

  it("lists a requested sale as pending and completes it by --id alone, as another administrator, once its issuance is approved", async () => {
    const sell = await runEts(["collar", "sell", "--database", database, "--as", "ministry-1", "--account", "JP-200-0002", "--class", "JPA-2026", "--quantity", "3", "--id", "sale-5", "--json"]);
    expect(JSON.parse(sell.stdout)).toMatchObject({ error: { code: 11709 } });
    const pending = await runEts(["collar", "pending", "--database", database, "--json"]);
    expect(pending.code, pending.stderr).toBe(0);
    expect(JSON.parse(pending.stdout)).toMatchObject({ items: [{ commandId: "sale-5", account: "JP-200-0002", classCode: "JPA-2026", quantity: "3", price: "4300", amount: "12900", issuanceId: "ceiling-sale.sale-5.issue", issuanceStatus: "awaiting_approval", requestedBy: "ministry-1" }] });
    const text = await runEts(["collar", "pending", "--database", database]);
    expect(text.stdout).toMatch(/sale-5\s+JP-200-0002\s+JPA-2026\s+3\s+12900\s+JPY\s+awaiting_approval\s+ministry-1/);
    // awaiting approval: open, not ended; a state that does not exist is refused naming the option
    expect(JSON.parse((await runEts(["collar", "pending", "--state", "ended", "--database", database, "--json"])).stdout)).toMatchObject({ items: [] });
    expect(JSON.parse((await runEts(["collar", "pending", "--state", "open", "--database", database, "--json"])).stdout)).toMatchObject({ items: [{ commandId: "sale-5" }] });
    const badState = await runEts(["collar", "pending", "--state", "closed", "--database", database]);
    expect(badState.code).toBe(2);
    expect(badState.stderr).toMatch(/--state.*closed.*open, ended/);
    // the issuance still waits: completing is refused with its status
    const early = await runEts(["collar", "complete", "--id", "sale-5", "--database", database, "--as", "ministry-2", "--json"]);
    expect(early.code).toBe(1);
    expect(JSON.parse(early.stdout)).toMatchObject({ error: { code: 11709 } });
    expect((await runEts(["approve", "ceiling-sale.sale-5.issue", "--database", database, "--as", "ministry-2"])).code).toBe(0);
    // the approver finishes it knowing only the id; the figures are the request's
    const done = await runEts(["collar", "complete", "--id", "sale-5", "--database", database, "--as", "ministry-2", "--json"]);
    expect(done.code, done.stderr).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ id: "sale-5", account: "JP-200-0002", quantity: "3", amount: "12900", soldBy: "ministry-2", replayed: false });
    const again = await runEts(["collar", "complete", "--id", "sale-5", "--database", database, "--as", "ministry-1"]);
    expect(again.stdout).toMatch(/^already sold: sale sale-5: 3 JPA-2026 to JP-200-0002/);
    expect(JSON.parse((await runEts(["collar", "pending", "--database", database, "--json"])).stdout)).toMatchObject({ items: [] });
    const unknown = await runEts(["collar", "complete", "--id", "sale-none", "--database", database, "--as", "ministry-1"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/11710/);
    const missing = await runEts(["collar", "complete", "--database", database, "--as", "ministry-1"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/option --id is required/);
    const badKey = await runEts(["collar", "complete", "--id", "bad key!", "--database", database, "--as", "ministry-1"]);
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).toMatch(/option --id/);
  }, 120_000);

  it("bad or missing options are usage errors naming the flag", async () => {
    const bad = await runEts(["collar", "sell", "--database", database, "--as", "ministry-1", "--account", "JP-200-0002", "--class", "JPA-2026", "--quantity", "1.5", "--id", "x"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/option --quantity/);
    const missing = await runEts(["collar", "sell", "--database", database, "--as", "ministry-1", "--account", "JP-200-0002", "--quantity", "1", "--id", "x"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/option --class is required/);
    const key = await runEts(["collar", "sell", "--database", database, "--as", "ministry-1", "--account", "JP-200-0002", "--class", "JPA-2026", "--quantity", "1", "--id", "bad key!"]);
    expect(key.code).toBe(2);
    expect(key.stderr).toMatch(/option --id/);
    const year = await runEts(["collar", "sales", "--database", database, "--year", "26"]);
    expect(year.code).toBe(2);
    expect(year.stderr).toMatch(/option --year/);
  }, 120_000);
});
