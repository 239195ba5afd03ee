// Goal: Tokyo's excess reductions become tradable credits after verification (issue 11 item 3), in
// the registry, on both stores. A building with baseline emissions of 10,000 t a year and the P1
// compliance factor of 8% (presets/tokyo.yaml, tmg) has a facility cap of 10,000 x 0.92 x 5 =
// 46,000 t over FY2010-2014 and a required reduction of 4,000 t; verified at 8,000 t a year
// (40,000 t) it is 6,000 t below its cap, and 6,000 excess-reduction credits reach its operator
// account, once both national administrators agreed (four-eyes). Not before every year is verified
// (9316), not without a surplus (9317), not on a rulebook without ex-post issuance (9306), not by
// one administrator alone (9319 until approved; the initiator's own approval 8004), never twice for
// one installation and period (9318; the same commandId answers the first result), and never by
// another door (the hook refuses a direct ex_post_issuance, 9320). Nothing changes on a refusal.
import { beforeAll, expect, it } from "vitest";
import { rulebookValue } from "../../src/io/rulebook.ts";
import { ComplianceService } from "../../src/registry/compliance/index.ts";
import { recordRulebook } from "../../src/registry/settings.ts";
import type { Caller } from "../../src/domain/security/roles.ts";
import type { Db } from "../../src/store/db.ts";
import { createUsers, type Fixture, setUp } from "../security/fixture.ts";
import { forEachStore, openTestDb } from "../support/stores.ts";
import { must } from "./fixture.ts";

const PLAN = { validFrom: 2010, sources: [{ id: "boiler", kind: "process" as const, unit: "t", emissionFactor: { value: "0.5" } }] };
const YEARS = [2010, 2011, 2012, 2013, 2014];

interface Tokyo extends Fixture {
  svc: ComplianceService;
  admin: Caller;
  admin2: Caller;
  rep: Caller;
  ver: Caller;
}

async function setUpTokyo(db: Db, preset = "tokyo"): Promise<Tokyo> {
  await recordRulebook(db, preset, rulebookValue(preset), "2010-04-01T00:00:00.000Z");
  const f = await setUp(db, undefined, "2015-06-01T01:00:00Z");
  await createUsers(f, [["admin", ["national-admin"]], ["admin2", ["national-admin"]], ["rep", []], ["ver", ["verifier"]]]);
  const sys = f.system;
  for (const [id, type] of [["NAT", "national_issuance"], ["SUR", "surrender"]] as const) must(await f.reg.openAccount(sys, { commandId: `open-${id}`, accountId: id, type, holder: "TMG", name: id }), id);
  const svc = new ComplianceService(f.reg);
  const admin = await f.as("admin");
  must(await svc.recordAccreditation(admin, { commandId: "acc", verifier: "ver", accreditationId: "TMG-V-1", body: "TMG", standard: "ISO 14065", scopes: ["*"], validFrom: "2010-01-01", expires: "2030-12-31" }), "accreditation");
  return { ...f, svc, admin, admin2: await f.as("admin2"), rep: await f.as("rep"), ver: await f.as("ver") };
}

/** A building with its account and P1 terms (cap 46,000, required reduction 4,000), reporting `perYear` t for the years given, verified unless told. */
async function building(f: Tokyo, id: string, perYear: number, opts: { years?: number[]; estimateYear?: number } = {}): Promise<void> {
  const acc = `OP-${id}`;
  must(await f.reg.openAccount(f.system, { commandId: `open-${acc}`, accountId: acc, type: "operator_holding", holder: `${id} KK`, name: acc, installation: id }), acc);
  must(await f.reg.addRepresentative(f.system, { accountId: acc, userId: "rep", initiate: true, approve: true }), "rep");
  f.rep = await f.as("rep");
  must(await f.svc.registerInstallation(f.admin, { commandId: `reg-${id}`, installation: id, accountId: acc, sector: "buildings" }), "register");
  must(await f.svc.setTerms(f.admin, { commandId: `terms-${id}`, installation: id, period: "P1", facilityCap: "46000", requiredReduction: "4000" }), "terms");
  must(await f.svc.submitPlan(f.rep, { commandId: `plan-${id}`, installation: id, plan: PLAN }), "plan");
  for (const y of opts.years ?? YEARS) {
    must(await f.svc.submitReport(f.rep, { commandId: `rep-${id}-${y}`, installation: id, year: y, activity: [{ source: "boiler", quantity: String(perYear * 2) }] }), `report ${y}`);
    must(await f.svc.appointVerifier(f.rep, { commandId: `ap-${id}-${y}`, installation: id, year: y, verifier: "ver" }), `appoint ${y}`);
    must(await f.svc.submitVerification(f.ver, { commandId: `ver-${id}-${y}`, installation: id, year: y, version: 1, opinion: "positive", misstatements: "0" }), `verify ${y}`);
  }
  if (opts.estimateYear !== undefined) must(await f.svc.setEstimate(f.admin, { commandId: `est-${id}`, installation: id, year: opts.estimateYear, tonnes: String(perYear), reason: "report missing" }), "estimate");
}

forEachStore("ex-post issuance of excess reductions (Tokyo)", (get, kind) => {
  let f: Tokyo;
  beforeAll(async () => {
    f = await setUpTokyo(get());
  });
  const q = async (sql: string, args: unknown[] = [], db = get()) => (await db.query<Record<string, unknown>>(sql, args)).rows;
  const balance = async (account: string, db = get()) => BigInt(((await q("SELECT coalesce(sum(quantity), 0)::text AS q FROM balances WHERE account_id = $1", [account], db))[0]?.q as string) ?? "0");
  /** What a refusal must leave as it was: rows, ex-post transfers, issuances, the national issuance account, the commands kept. */
  const state = async (db = get()) => ({
    rows: Number((await q("SELECT count(*)::text AS n FROM ex_post_issuances", [], db))[0]?.n),
    transfers: Number((await q("SELECT count(*)::text AS n FROM transactions WHERE kind = 'ex_post_issuance'", [], db))[0]?.n),
    issuances: Number((await q("SELECT count(*)::text AS n FROM transactions WHERE kind = 'issuance'", [], db))[0]?.n),
    nat: await balance("NAT", db),
  });

  it("issues the surplus below the facility cap once a second administrator approves: 46,000 - 40,000 = 6,000", async () => {
    await building(f, "BLDG-A", 8_000);
    const first = await f.svc.issueExPost(f.admin, { commandId: "xp-a", period: "P1", installation: "BLDG-A" });
    expect(first).toMatchObject({ ok: false, code: 9319, facts: { issuanceId: "ex-post.P1.BLDG-A.issue", status: "awaiting_approval", quantity: "6000", classCode: "TOKYO-ER-P1" } });
    expect(await balance("OP-BLDG-A")).toBe(0n);
    // Alone, the administrator cannot: the repeat still waits, and its own approval is refused.
    expect(await f.svc.issueExPost(f.admin, { commandId: "xp-a", period: "P1", installation: "BLDG-A" })).toMatchObject({ ok: false, code: 9319 });
    expect(await f.reg.approve(f.admin, { transactionId: "ex-post.P1.BLDG-A.issue" })).toMatchObject({ ok: false, code: 8004 });
    expect(await state()).toEqual({ rows: 0, transfers: 0, issuances: 1, nat: 0n });
    must(await f.reg.approve(f.admin2, { transactionId: "ex-post.P1.BLDG-A.issue" }), "approve");
    const done = must(await f.svc.issueExPost(f.admin, { commandId: "xp-a", period: "P1", installation: "BLDG-A" }), "issue");
    expect(done.replayed).toBe(false);
    expect(done.value).toMatchObject({
      period: "P1", installation: "BLDG-A", account: "OP-BLDG-A", classCode: "TOKYO-ER-P1", unitType: "excess-reduction", vintage: 2014,
      emissions: "40000", facilityCap: "46000", surplus: "6000", ceiling: null, issued: "6000", transactionId: "ex-post.P1.BLDG-A", issuanceId: "ex-post.P1.BLDG-A.issue", issuedBy: "admin",
    });
    expect(await balance("OP-BLDG-A")).toBe(6_000n);
    expect(await f.reg.ledger.getClass("TOKYO-ER-P1")).toMatchObject({ unitType: "excess-reduction", vintage: 2014, scheme: "tokyo" });
    // The same commandId answers the first result; nothing moves again.
    const again = must(await f.svc.issueExPost(f.admin, { commandId: "xp-a", period: "P1", installation: "BLDG-A" }), "again");
    expect(again.replayed).toBe(true);
    expect(again.value.issued).toBe("6000");
    // Another command for the same installation and period is refused, by either administrator.
    expect(await f.svc.issueExPost(f.admin2, { commandId: "xp-a-2", period: "P1", installation: "BLDG-A" })).toMatchObject({ ok: false, code: 9318, facts: { transactionId: "ex-post.P1.BLDG-A" } });
    expect(await f.svc.issueExPost(f.admin, { commandId: "xp-a-3", period: "P1", installation: "BLDG-A" })).toMatchObject({ ok: false, code: 9318 });
    expect(await state()).toEqual({ rows: 1, transfers: 1, issuances: 1, nat: 0n });
    expect(await balance("OP-BLDG-A")).toBe(6_000n);
    // Read: administrators see it; the operator's representative sees its own; a verifier none.
    const listed = must(await f.svc.exPostIssuances(f.admin, { period: "P1" }), "list");
    expect(listed.value.map((x) => [x.installation, x.issued])).toEqual([["BLDG-A", "6000"]]);
    expect(must(await f.svc.exPostIssuances(f.rep, { period: "P1" }), "list").value).toHaveLength(1);
    expect(must(await f.svc.exPostIssuances(f.ver, { period: "P1" }), "list").value).toHaveLength(0);
  });

  it("waits for every year to be verified (9316, naming the years); an estimate does not count", async () => {
    const before = await state();
    await building(f, "BLDG-B", 8_000, { years: [2010, 2011, 2012] });
    expect(await f.svc.issueExPost(f.admin, { commandId: "xp-b", period: "P1", installation: "BLDG-B" })).toMatchObject({ ok: false, code: 9316, facts: { missing: [2013, 2014] } });
    await building(f, "BLDG-E", 8_000, { years: [2010, 2011, 2012, 2013], estimateYear: 2014 });
    expect(await f.svc.issueExPost(f.admin, { commandId: "xp-e", period: "P1", installation: "BLDG-E" })).toMatchObject({ ok: false, code: 9316, facts: { missing: [2014] } });
    expect(await state()).toEqual(before);
  });

  it("refuses without a surplus (9317): at the cap or above it, nothing is issued", async () => {
    const before = await state();
    await building(f, "BLDG-C", 9_200); // 46,000 t: exactly the cap
    await building(f, "BLDG-D", 9_500); // above the cap: it owes, nothing to issue
    expect(await f.svc.issueExPost(f.admin, { commandId: "xp-c", period: "P1", installation: "BLDG-C" })).toMatchObject({ ok: false, code: 9317, facts: { emissions: "46000", facilityCap: "46000" } });
    expect(await f.svc.issueExPost(f.admin, { commandId: "xp-d", period: "P1", installation: "BLDG-D" })).toMatchObject({ ok: false, code: 9317 });
    // Only a national administrator issues; unknown installations and periods, bad ids are refused.
    expect((await f.svc.issueExPost(f.rep, { commandId: "xp-r", period: "P1", installation: "BLDG-C" })).ok).toBe(false);
    expect(await f.svc.issueExPost(f.admin, { commandId: "xp-x", period: "P1", installation: "NOWHERE" })).toMatchObject({ ok: false, code: 9310 });
    expect(await f.svc.issueExPost(f.admin, { commandId: "xp-p", period: "P9", installation: "BLDG-C" })).toMatchObject({ ok: false, code: 9301 });
    expect(await f.svc.issueExPost(f.admin, { commandId: "bad id!", period: "P1", installation: "BLDG-C" })).toMatchObject({ ok: false, code: 9000, facts: { field: "commandId" } });
    expect(await state()).toEqual(before);
  });

  it("refuses a direct ex_post_issuance through the ledger (the hook: 9320, 9316), whatever it carries", async () => {
    await building(f, "BLDG-F", 8_000);
    await building(f, "BLDG-G", 8_000, { years: [2010] });
    must(await f.reg.ledger.propose({ transactionId: "direct-issue", kind: "issuance", legs: [{ classCode: "TOKYO-ER-P1", to: "NAT", quantity: 10_000n }] }), "issue");
    const before = await state();
    const direct = (transactionId: string, quantity: bigint, to = "OP-BLDG-F") => f.reg.ledger.propose({ transactionId, kind: "ex_post_issuance", legs: [{ classCode: "TOKYO-ER-P1", from: "NAT", to, quantity }] });
    // The exact figure under the service's id, but without its own issuance behind it.
    expect(await direct("ex-post.P1.BLDG-F", 6_000n)).toMatchObject({ ok: false, code: 9320 });
    // Another id, or more than the verified emissions give.
    expect(await direct("my-own-id", 6_000n)).toMatchObject({ ok: false, code: 9320 });
    expect(await direct("ex-post.P1.BLDG-F", 7_000n)).toMatchObject({ ok: false, code: 9320, facts: { figure: "6000" } });
    // Before every year is verified; once issued, the pair's id is taken (the ledger refuses it before the hook).
    expect(await direct("ex-post.P1.BLDG-G", 1_000n, "OP-BLDG-G")).toMatchObject({ ok: false, code: 9316 });
    expect(await direct("ex-post.P1.BLDG-A", 6_000n, "OP-BLDG-A")).toMatchObject({ ok: false, code: 5002 });
    // Through the secure registry too (an administrator's initiate).
    expect(await f.reg.initiate(f.admin, { transactionId: "ex-post.P1.BLDG-F", kind: "ex_post_issuance", legs: [{ classCode: "TOKYO-ER-P1", from: "NAT", to: "OP-BLDG-F", quantity: "6000" }] })).toMatchObject({ ok: false, code: 9320 });
    expect(await state()).toEqual(before);
    expect(await balance("OP-BLDG-F")).toBe(0n);
  });

  it("lets a rejected issuance be tried again under the next attempt's id", async () => {
    await building(f, "BLDG-H", 8_600); // 43,000 t: 3,000 below the cap
    expect(await f.svc.issueExPost(f.admin, { commandId: "xp-h1", period: "P1", installation: "BLDG-H" })).toMatchObject({ ok: false, code: 9319, facts: { quantity: "3000" } });
    must(await f.reg.reject(f.admin2, { transactionId: "ex-post.P1.BLDG-H.issue", reason: "check the report" }), "reject");
    expect(await f.svc.issueExPost(f.admin, { commandId: "xp-h2", period: "P1", installation: "BLDG-H" })).toMatchObject({ ok: false, code: 9319, facts: { issuanceId: "ex-post.P1.BLDG-H.issue.2" } });
    must(await f.reg.approve(f.admin2, { transactionId: "ex-post.P1.BLDG-H.issue.2" }), "approve");
    const done = must(await f.svc.issueExPost(f.admin2, { commandId: "xp-h3", period: "P1", installation: "BLDG-H" }), "issue");
    expect(done.value).toMatchObject({ issued: "3000", issuanceId: "ex-post.P1.BLDG-H.issue.2", issuedBy: "admin2" });
    expect(await balance("OP-BLDG-H")).toBe(3_000n);
  });

  it("issues the corrected figure when the verified emissions change after the issuance was approved", async () => {
    await building(f, "BLDG-I", 8_000);
    expect(await f.svc.issueExPost(f.admin, { commandId: "xp-i1", period: "P1", installation: "BLDG-I" })).toMatchObject({ ok: false, code: 9319, facts: { quantity: "6000" } });
    must(await f.reg.approve(f.admin2, { transactionId: "ex-post.P1.BLDG-I.issue" }), "approve");
    // A correction of FY2014 (8,200 t), verified (until then the locked version stands): 46,000 - 40,200 = 5,800 now.
    must(await f.svc.submitReport(f.rep, { commandId: "rep-I-2014-v2", installation: "BLDG-I", year: 2014, activity: [{ source: "boiler", quantity: "16400" }], corrects: 1, reasons: ["meter misread"] }), "correction");
    must(await f.svc.submitVerification(f.ver, { commandId: "ver-I-2014-v2", installation: "BLDG-I", year: 2014, version: 2, opinion: "positive", misstatements: "0" }), "verify v2");
    // The approved 6,000 no longer back a transfer, by the service nor directly.
    expect(await f.reg.ledger.propose({ transactionId: "ex-post.P1.BLDG-I", kind: "ex_post_issuance", legs: [{ classCode: "TOKYO-ER-P1", from: "NAT", to: "OP-BLDG-I", quantity: 6_000n }] })).toMatchObject({ ok: false, code: 9320, facts: { figure: "5800" } });
    expect(await f.svc.issueExPost(f.admin, { commandId: "xp-i1", period: "P1", installation: "BLDG-I" })).toMatchObject({ ok: false, code: 9319, facts: { issuanceId: "ex-post.P1.BLDG-I.issue.2", quantity: "5800" } });
    must(await f.reg.approve(f.admin2, { transactionId: "ex-post.P1.BLDG-I.issue.2" }), "approve 2");
    const done = must(await f.svc.issueExPost(f.admin, { commandId: "xp-i1", period: "P1", installation: "BLDG-I" }), "issue");
    expect(done.value).toMatchObject({ emissions: "40200", surplus: "5800", issued: "5800", issuanceId: "ex-post.P1.BLDG-I.issue.2" });
    expect(await balance("OP-BLDG-I")).toBe(5_800n);
  });

  it("is refused on a rulebook without ex-post issuance (9306), by the service and by the hook", async () => {
    const db = await openTestDb(kind);
    try {
      const g = await setUpTokyo(db, "japan-gx-ets");
      must(await g.reg.openAccount(g.system, { commandId: "open-op", accountId: "OP-X", type: "operator_holding", holder: "X KK", name: "X", installation: "X" }), "acc");
      must(await g.svc.registerInstallation(g.admin, { commandId: "reg-x", installation: "X", accountId: "OP-X" }), "register");
      expect(await g.svc.issueExPost(g.admin, { commandId: "xp", period: "2026", installation: "X" })).toMatchObject({ ok: false, code: 9306 });
      must(await g.reg.defineClass(g.system, { commandId: "cls", code: "ER", unitType: "excess-reduction", scheme: "JP", vintage: 2026 }), "class");
      must(await g.reg.ledger.propose({ transactionId: "iss", kind: "issuance", legs: [{ classCode: "ER", to: "NAT", quantity: 5n }] }), "issue");
      expect(await g.reg.ledger.propose({ transactionId: "ex-post.2026.X", kind: "ex_post_issuance", legs: [{ classCode: "ER", from: "NAT", to: "OP-X", quantity: 5n }] })).toMatchObject({ ok: false, code: 9306 });
      expect(await state(db)).toEqual({ rows: 0, transfers: 0, issuances: 1, nat: 5n });
    } finally {
      await db.close();
    }
  });
});
