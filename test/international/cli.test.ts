// Goal: `ets article6 ...` drives the international service with the same rules as the API, on a
// store opened as the CLI opens it: configure Thailand's rules, define the ITMO class, authorize,
// issue 1,916 (awaiting a second administrator under four-eyes, then approved), transfer them to
// Switzerland, and write Thailand's AEF for 2023 as a workbook from the registry's records (read
// back: one first transfer row); `ets holdings` shows the class's credit attributes (text and
// --json); refusals exit 1 with their code (in Japanese with the rule's words under LANG=ja_JP)
// and change nothing; bad usage
// exits 2 naming the flag.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditLog } from "../../src/audit/index.ts";
import { AuthService } from "../../src/auth/index.ts";
import * as a6 from "../../src/cli/commands/article6.ts";
import * as cli from "../../src/cli/commands/registry/index.ts";
import { toJson } from "../../src/cli/io.ts";
import { run as etsRun } from "../../src/cli/program.ts";
import { DEFAULT_SECURITY_CONFIG } from "../../src/domain/security/config.ts";
import { systemPrincipal } from "../../src/domain/security/roles.ts";
import { readAefWorkbook } from "../../src/io/aef.ts";
import { systemClock } from "../../src/platform/clock.ts";
import { recordSecurity } from "../../src/registry/settings.ts";
import { openStore } from "../../src/store/open.ts";
import { runEts } from "../support/ets.ts";
import { FAST_ARGON2, PASSWORD } from "../security/fixture.ts";

const dir = mkdtempSync(join(tmpdir(), "openets-article6-cli-"));
const database = join(dir, "db");
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const THAILAND = join(import.meta.dirname, "fixtures/thailand.yaml");
const ITMO = JSON.stringify({ mechanism: "A6.2", unitType: "ITMO", creditKind: "reduction", host: "THA", vintage: 2022, cooperativeApproach: "CA0001", gwp: "AR5", project: "BKK-EBUS" });

const run = (as: string | undefined, fn: (c: cli.RegistryContext) => Promise<cli.Output>) => cli.withRegistry({ database, ...(as ? { as } : {}) }, fn).then((o) => JSON.parse(toJson(o.json)) as Record<string, any>);

describe("ets article6", () => {
  let cls: string;
  /** The year the transfer was recorded in (the CLI runs on the system clock). */
  let transferYear: number;
  beforeAll(async () => {
    const db = await openStore({ database });
    try {
      // Four-eyes on, no transfer delay (the test's registry).
      await recordSecurity(db, null, { ...DEFAULT_SECURITY_CONFIG, transferDelayHours: 0 }, new Date().toISOString());
      const auth = await AuthService.open(db, systemClock, DEFAULT_SECURITY_CONFIG, new AuditLog(db, systemClock), { argon2: FAST_ARGON2 });
      const system = { principal: systemPrincipal("test-setup"), ip: null };
      for (const [id, roles] of [["admin1", ["national-admin"]], ["admin2", ["national-admin"]], ["rep1", []], ["rep2", []]] as const) {
        const r = await auth.createUser(system, { userId: id, displayName: id, password: PASSWORD, roles: [...roles] });
        if (!r.ok) throw new Error(r.message);
      }
    } finally {
      await db.close();
    }
    await run("admin1", (c) => cli.accountOpen(c, "TH-GOV", { type: "party_holding", holder: "Thailand", id: "open-gov" }));
    for (const rep of ["rep1", "rep2"]) await run("admin1", (c) => cli.repAdd(c, "TH-GOV", rep, { initiate: true, approve: true }));
  });

  it("records the rules, defines the class, authorizes, issues (approved by a second administrator) and transfers to Switzerland", async () => {
    expect(await run("admin1", (c) => a6.configure(c, THAILAND))).toMatchObject({ article6: { party: "THA" } });
    cls = (await run("admin1", (c) => a6.defineClass(c, { attributes: ITMO, id: "c-itmo" }))).code;
    await run("admin1", (c) => a6.authorize(c, { id: "TH-LOA-BKK-EBUS", cooperativeApproach: "CA0001", purposes: "NDC", parties: "CHE", quantity: "500000", gwp: "AR5", sectors: "Transport", activityTypes: "Electric buses", fromYear: "2022", toYear: "2030", terms: "For Switzerland's NDC." }));
    const iss = await run("admin1", (c) => a6.issue(c, { id: "TH-ISS-2022-Q4", class: cls, account: "TH-GOV", quantity: "1916", authorization: "TH-LOA-BKK-EBUS", sector: "Transport", activityType: "Electric buses" }));
    expect(iss.status).toBe("awaiting_approval");
    // Nothing in the book until the issuance completes.
    expect((await run(undefined, (c) => a6.book(c))).records.map((r: { kind: string }) => r.kind)).toEqual(["authorization"]);
    expect(await run("admin2", (c) => cli.decide(c, "approve", iss.id, {}))).toMatchObject({ status: "completed" });
    const t = await run("rep1", (c) => a6.transfer(c, { id: "TH-CH-2023-1", from: "TH-GOV", to: "CHE", class: cls, quantity: "1916" }));
    expect(t.status).toBe("awaiting_approval");
    expect(await run("rep2", (c) => cli.decide(c, "approve", t.id, {}))).toMatchObject({ status: "completed" });
    const b = await run(undefined, (c) => a6.book(c));
    expect(b.records.map((r: { kind: string }) => r.kind)).toEqual(["authorization", "issuance", "cover", "first-transfer", "transfer"]);
    transferYear = Number(String(b.records[4].date).slice(0, 4));
    expect(b.adjustments).toEqual([{ party: "THA", year: 2022, quantity: "1916", firstTransferred: "1916", used: "0" }]);
  });

  it("writes Thailand's AEF workbook from the registry's records", async () => {
    const out = join(dir, "THA-2023.xlsx");
    const r = await runEts(["article6", "aef", "--party", "THA", "--year", String(transferYear), "--out", out, "--database", database, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ party: "THA", authorizations: 1, actions: 1 });
    const back = await readAefWorkbook(readFileSync(out), out);
    expect(back.actions.rows.map((x) => [x[1], x[2], x[15], x[19], x[20]])).toEqual([["First transfer", "First international transfer", 1916, "THA", "CHE"]]);
  });

  it("refuses with exit 1 and the code, and bad usage with exit 2 naming the flag", async () => {
    const bad = await runEts(["article6", "aef", "--party", "CHE", "--year", "2023", "--out", join(dir, "x.xlsx"), "--database", database]);
    expect([bad.code, bad.stderr]).toEqual([1, expect.stringContaining("10001")]);
    // Under a Japanese locale the refusal states the rule in Japanese, from the catalogue.
    const ja = await runEts(["article6", "aef", "--party", "CHE", "--year", "2023", "--out", join(dir, "x.xlsx"), "--database", database], { env: { LANG: "ja_JP.UTF-8", LC_ALL: undefined, LC_MESSAGES: undefined } });
    expect(ja.code).toBe(1);
    expect(ja.stderr).toMatch(/^拒否されました: ルール 10001（intl-field-invalid）「国際ユニットに関する指示の各項目が存在し、正しい型で、範囲内であること」: /m);
    const usage = await runEts(["article6", "transfer", "--from", "TH-GOV", "--to", "CHE", "--class", cls, "--quantity", "-5", "--as", "rep1", "--database", database]);
    expect([usage.code, usage.stderr]).toEqual([2, expect.stringContaining("--quantity")]);
  });

  it("ets holdings shows the ITMO class's credit attributes, in text and with --json", async () => {
    const iss = await run("admin1", (c) => a6.issue(c, { id: "TH-ISS-2022-Q5", class: cls, account: "TH-GOV", quantity: "84", authorization: "TH-LOA-BKK-EBUS", sector: "Transport", activityType: "Electric buses" }));
    await run("admin2", (c) => cli.decide(c, "approve", iss.id, {}));
    const capture = async (argv: string[]) => {
      let stdout = "";
      const write = process.stdout.write.bind(process.stdout);
      process.stdout.write = ((c: string | Uint8Array) => ((stdout += String(c)), true)) as typeof process.stdout.write;
      try {
        return { code: await etsRun(argv), stdout };
      } finally {
        process.stdout.write = write;
      }
    };
    const j = await capture(["holdings", "TH-GOV", "--database", database, "--json"]);
    expect(j.code).toBe(0);
    expect(JSON.parse(j.stdout).holdings).toEqual([expect.objectContaining({ classCode: cls, quantity: "84", attributes: expect.objectContaining(JSON.parse(ITMO)) })]);
    const text = await capture(["holdings", "TH-GOV", "--database", database]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`${cls} credit attributes: mechanism A6.2, unitType ITMO, creditKind reduction, host THA, vintage 2022, project BKK-EBUS, cooperativeApproach CA0001, gwp AR5`);
  });
});
