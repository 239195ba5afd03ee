// Goal: `ets collar pay|payments` as a user runs them, spawned on a PGlite directory that `ets play`
// filled with the GX-ETS payment example (examples/play/gx-ets-ceiling-payment.yaml): the payment
// recorded there is listed (JPY 4,300 x 10,000 t = 43,000,000, METI via BCI); a payment for a
// period still open is recorded at the rulebook's price and once per --id; one for the closed
// period is refused with its check (exit 1); a representative may not record one (exit 1, 8001);
// bad or missing options are usage errors naming the flag (exit 2).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPlay } from "../../src/cli/commands/play.ts";
import { runEts } from "../support/ets.ts";

let dir = "";
let database = "";

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ets-collar-cli-"));
  database = join(dir, "db");
  const r = await runPlay(join(import.meta.dirname, "../../examples/play/gx-ets-ceiling-payment.yaml"), { database }, () => {});
  if (!r.passed) throw new Error("the example did not play");
}, 180_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("ets collar", () => {
  it("lists the payments recorded, as JSON and as a table", async () => {
    const j = await runEts(["collar", "payments", "--database", database, "--installation", "JP-INST-002", "--json"]);
    expect(j.code, j.stderr).toBe(0);
    expect(JSON.parse(j.stdout)).toMatchObject({ items: [{ id: "pay-cement-2026", quantity: "10000", price: "4300", amount: "43000000", currency: "JPY", priceYear: 2026 }] });
    const t = await runEts(["collar", "payments", "--database", database]);
    expect(t.stdout).toMatch(/pay-cement-2026\s+JP-INST-002\s+2026\s+10,000\s+4300\s+43000000\s+JPY/);
  }, 120_000);

  it("records a payment for an open period at the rulebook's price (FY2027: JPY 4,429), once per --id; refuses the closed period and a representative", async () => {
    const args = ["collar", "pay", "--database", database, "--as", "ministry-1", "--installation", "JP-INST-002", "--period", "2027", "--quantity", "5", "--id", "pay-27", "--json"];
    const r = await runEts(args);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ id: "pay-27", priceYear: 2027, price: "4429", amount: "22145", replayed: false });
    expect(JSON.parse((await runEts(args)).stdout)).toMatchObject({ id: "pay-27", replayed: true });
    const closed = await runEts(["collar", "pay", "--database", database, "--as", "ministry-1", "--installation", "JP-INST-002", "--period", "2026", "--quantity", "1"]);
    expect(closed.code).toBe(1);
    expect(closed.stderr).toMatch(/11704/);
    const rep = await runEts(["collar", "pay", "--database", database, "--as", "cement-1", "--installation", "JP-INST-002", "--period", "2027", "--quantity", "1"]);
    expect(rep.code).toBe(1);
    expect(rep.stderr).toMatch(/8001/);
  }, 120_000);

  it("bad or missing options are usage errors naming the flag", async () => {
    const bad = await runEts(["collar", "pay", "--database", database, "--as", "ministry-1", "--installation", "JP-INST-002", "--period", "2027", "--quantity", "1.5"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/option --quantity/);
    const missing = await runEts(["collar", "pay", "--database", database, "--as", "ministry-1", "--installation", "JP-INST-002", "--quantity", "1"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/option --period is required/);
  }, 120_000);
});
