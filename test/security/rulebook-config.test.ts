// Goal: the security rules are configuration of the rulebook. The server reads the rulebook named by
// OPENETS_RULEBOOK and builds the SecurityConfig from its `security` section: a rulebook with a
// 2-hour transfer delay makes a transfer outside the trusted list wait 2 hours (not the default 26)
// through the registry built from it; absent fields take the documented defaults; an invalid
// section refuses the start, naming the file and the field path.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SECURITY_CONFIG } from "../../src/domain/security/config.ts";
import type { Caller } from "../../src/domain/security/roles.ts";
import { DEMO_RULEBOOK, rulebookSecurity, securityConfigFor, StartupError, startServer } from "../../src/http/server.ts";
import { loadRulebook, PRESETS_DIR } from "../../src/io/rulebook.ts";
import type { Db } from "../../src/store/db.ts";
import { openTestDb } from "../support/stores.ts";
import { createUsers, type Fixture, seedLedger, setUp } from "./fixture.ts";

const HOUR = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), "openets-rbsec-"));
// The Japanese preset without its own security section: each test writes its own.
const base = readFileSync(join(PRESETS_DIR, "japan-gx-ets.yaml"), "utf8").replace(/^security:\n[\s\S]*?(?=^notes:)/m, "");
expect(base).not.toMatch(/^security:/m);
/** One holiday a year is what a rulebook a registry runs on needs at least (the preset says it can). */
const HOLIDAYS = "    holidays: [2026-01-01, 2027-01-01, 2028-01-01, 2029-01-01, 2030-01-01, 2031-01-01]\n";

function rulebookWith(name: string, security: string): string {
  const file = join(dir, `${name}.yaml`);
  const section = security.includes("  trustedList:\n") ? security.replace("  trustedList:\n", `  trustedList:\n${HOLIDAYS}`) : `${security}  trustedList:\n${HOLIDAYS}`;
  writeFileSync(file, `${base}\nsecurity:\n${section}`);
  return file;
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the rulebook's security section becomes the server's SecurityConfig", () => {
  it("maps the fields and fills absent ones with the documented defaults", () => {
    const file = rulebookWith("two-hours", "  transferDelayHours: 2\n  trustedList:\n    activationWorkingDays: 1\n    timeZone: Asia/Tokyo\n  transactionLimitOutsideTrusted: null\n");
    const { rulebook, config } = rulebookSecurity({ OPENETS_RULEBOOK: file }, true);
    expect(rulebook).toBe(file);
    expect(config.transferDelayHours).toBe(2);
    expect(config.trustedList.activationWorkingDays).toBe(1);
    expect(config.trustedList.timeZone).toBe("Asia/Tokyo");
    expect(config.transactionLimitOutsideTrusted).toBeNull();
    // Not written: defaults.
    expect(config.trustedList.activationTime).toBe(DEFAULT_SECURITY_CONFIG.trustedList.activationTime);
    expect(config.approvalExpiryHours).toBe(48);
    expect(config.signIn).toEqual(DEFAULT_SECURITY_CONFIG.signIn);
    expect(securityConfigFor(true, config)).toBe(config);
  });

  it("uses the presets: the EU preset's values, the demo's Japanese preset with Japan's calendar and the defaults", () => {
    const eu = loadRulebook("eu-ets-phase3").security;
    expect(eu?.transferDelayHours).toBe(26);
    expect(eu?.trustedList.activationWorkingDays).toBe(4);
    const gx = loadRulebook(DEMO_RULEBOOK).security;
    const demoRules = rulebookSecurity({}, false);
    expect(demoRules).toMatchObject({ rulebook: DEMO_RULEBOOK, config: gx });
    expect(demoRules.rules?.scheme.id).toBe(DEMO_RULEBOOK);
    expect(gx).toEqual({ ...DEFAULT_SECURITY_CONFIG, trustedList: { ...DEFAULT_SECURITY_CONFIG.trustedList, timeZone: "Asia/Tokyo", holidays: gx?.trustedList.holidays } });
    expect(rulebookSecurity({}, true)).toEqual({ rulebook: null, config: DEFAULT_SECURITY_CONFIG });
    // Demo mode turns on demo mode (the demo users skip the second factor) and keeps the rulebook's rules,
    // including which roles need a second factor for every other user.
    const demo = securityConfigFor(false, { ...DEFAULT_SECURITY_CONFIG, transferDelayHours: 3 });
    expect(demo).toMatchObject({ demoMode: true, transferDelayHours: 3, signIn: { secondFactorRoles: DEFAULT_SECURITY_CONFIG.signIn.secondFactorRoles } });
  });

  it("refuses an invalid section at start, naming the file, the field path and the line", async () => {
    const cases: Array<[string, RegExp]> = [
      ["  transferDelayHours: -1\n", /security\.transferDelayHours \(line \d+\): expected a number of hours >= 0/],
      ["  trustedList:\n    timeZone: Mars/Olympus\n", /security\.trustedList\.timeZone \(line \d+\): must be an IANA time zone/],
      ["  signIn:\n    secondFactorRoles: [national-admin, wizard]\n", /security\.signIn\.secondFactorRoles\[1\]/],
      ["  transferDelay: 2\n", /security\.transferDelay .*unknown field/],
    ];
    for (const [i, [section, message]] of cases.entries()) {
      const file = rulebookWith(`bad-${i}`, section);
      expect(() => rulebookSecurity({ OPENETS_RULEBOOK: file }, true)).toThrow(StartupError);
      expect(() => rulebookSecurity({ OPENETS_RULEBOOK: file }, true)).toThrow(message);
      // startServer refuses before it opens any store or port.
      await expect(startServer({ OPENETS_MODE: "production", OPENETS_RULEBOOK: file, PORT: "0", DATABASE_URL: join(dir, "never-opened") }, () => {})).rejects.toThrow(message);
    }
    await expect(startServer({ OPENETS_RULEBOOK: join(dir, "missing.yaml"), PORT: "0", DATABASE_URL: join(dir, "never-opened") }, () => {})).rejects.toThrow(/OPENETS_RULEBOOK: .*missing\.yaml: no such file or preset/);
    const demoInProduction = rulebookWith("demo-flag", "  demoMode: true\n");
    expect(() => securityConfigFor(true, rulebookSecurity({ OPENETS_RULEBOOK: demoInProduction }, true).config)).toThrow(/security\.demoMode/);
  });
});

describe("a transfer outside the trusted list waits the rulebook's delay", () => {
  let db: Db;
  let f: Fixture;
  let alice: Caller, bob: Caller;
  beforeAll(async () => {
    db = await openTestDb("pglite");
    const file = rulebookWith("delay-2h", "  transferDelayHours: 2\n");
    f = await setUp(db, securityConfigFor(true, rulebookSecurity({ OPENETS_RULEBOOK: file }, true).config));
    await createUsers(f, [["admin", ["national-admin"]], ["alice", []], ["bob", []]]);
    await seedLedger(f);
    const admin = await f.as("admin");
    for (const u of ["alice", "bob"]) {
      const r = await f.reg.addRepresentative(admin, { accountId: "A-1", userId: u, initiate: true, approve: true });
      expect(r.ok).toBe(true);
    }
    [alice, bob] = await Promise.all([f.as("alice"), f.as("bob")]);
  }, 60_000);
  afterAll(async () => db?.close());

  it("is held 2 hours, not 26, then released", async () => {
    const held = async () => (await f.reg.ledger.holdings("C-1"))?.find((h) => h.classCode === "EUA-2026")?.quantity ?? 0n;
    const t0 = f.clock.now().getTime();
    const t = await f.reg.initiate(alice, { transactionId: "rb-1", legs: [{ classCode: "EUA-2026", from: "A-1", to: "C-1", quantity: "100" }] });
    if (!t.ok) throw new Error(t.message);
    expect(t.value.delayUntil).toBe(new Date(t0 + 2 * HOUR).toISOString());
    const a = await f.reg.approve(bob, { transactionId: t.value.id });
    expect(a.ok && a.value.status).toBe("delayed");
    f.clock.advance(2 * HOUR - 1000);
    expect(await f.reg.releaseDue(f.system)).toMatchObject({ ok: true, value: [] });
    expect(await held()).toBe(0n);
    f.clock.advance(1000);
    const rel = await f.reg.releaseDue(f.system);
    expect(rel.ok && rel.value.map((r) => [r.transactionId, r.result.ok && r.result.value.status])).toEqual([[t.value.id, "completed"]]);
    expect(await held()).toBe(100n);
  });
});
