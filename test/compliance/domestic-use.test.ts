// Goal: the rulebook's limits on international units are enforced inside the transaction that
// writes a surrender (issue 11 item 2; the domain's assessDomesticUse wired into compliance's
// surrender hook), on both stores. EU phase 2 (linking directive 2004/101/EC Art. 11a, the preset's
// `international.domesticUse`): CERs count, but not those from nuclear or LULUCF projects. A
// surrender of CERs from a nuclear project is refused as it completes with the international code
// (10902, naming the activity) and nothing counts (the surrender completes at once here: no four-eyes); the same quantity of CERs from a wind project
// counts; the 22% of allocation limit binds the international units as it binds any credit.
import { expect, it } from "vitest";
import { loadInternationalRules } from "../../src/io/international.ts";
import { rulebookValue } from "../../src/io/rulebook.ts";
import { DEFAULT_SECURITY_CONFIG, type SecurityConfig } from "../../src/domain/security/config.ts";
import { ComplianceService } from "../../src/registry/compliance/index.ts";
import { InternationalService } from "../../src/registry/international/service.ts";
import { recordRulebook } from "../../src/registry/settings.ts";
import type { Caller } from "../../src/domain/security/roles.ts";
import { createUsers, type Fixture, setUp } from "../security/fixture.ts";
import { forEachStore } from "../support/stores.ts";
import { must } from "./fixture.ts";

const { id: _i, name: _n, sources: _s, ...unfccc } = loadInternationalRules("unfccc") as unknown as Record<string, unknown>;
const CONFIG = JSON.parse(JSON.stringify(unfccc, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
// Surrenders complete at once (no four-eyes) so that the mechanism's issuance needs no second administrator.
const SECURITY: SecurityConfig = { ...DEFAULT_SECURITY_CONFIG, fourEyes: false, transferDelayHours: 0 };
const CER = (activityType: string, project: string) => ({ mechanism: "CDM", unitType: "CER", creditKind: "avoidance", host: "IN", vintage: 2009, commitmentPeriod: "CP1", project, activityType });

forEachStore("international units at surrender (domestic use)", (get) => {
  let f: Fixture;
  let svc: ComplianceService;
  let admin: Caller;
  let rep1: Caller;
  const classes: Record<string, string> = {};
  const covered = async () => BigInt((await get().query<{ c: string }>("SELECT coalesce(sum(covered), 0)::text AS c FROM compliance_positions WHERE installation = 'DE-001'")).rows[0]?.c ?? "0");

  it("sets up an EU phase 2 installation holding CERs from a wind and a nuclear project", async () => {
    await recordRulebook(get(), "eu-ets-phase2", rulebookValue("eu-ets-phase2"), "2010-01-01T00:00:00.000Z");
    f = await setUp(get(), SECURITY, "2010-03-01T09:00:00Z");
    await createUsers(f, [["admin", ["national-admin"]], ["rep1", []], ["rep2", []]]);
    admin = await f.as("admin");
    const sys = f.system;
    const intl = new InternationalService(f.reg, get(), f.clock);
    must(await intl.configure(admin, CONFIG), "international rules");
    for (const [k, activity, project] of [["wind", "wind", "IN-WIND-1"], ["nuclear", "nuclear", "IN-NUC-1"]] as const) {
      const d = must(await intl.defineClass(admin, { commandId: `cls-${k}`, attributes: CER(activity, project) }), `class ${k}`);
      classes[k] = d.value.code;
    }
    must(await f.reg.defineClass(sys, { commandId: "c-eua", code: "EUA-2010", unitType: "allowance", scheme: "EU", vintage: 2010 }), "EUA");
    for (const [id, type, inst] of [["NAT", "national_issuance", undefined], ["SUR", "surrender", undefined], ["OP-DE", "operator_holding", "DE-001"]] as const)
      must(await f.reg.openAccount(sys, { commandId: `open-${id}`, accountId: id, type, holder: id === "OP-DE" ? "Kraftwerk AG" : "State", name: id, ...(inst ? { installation: inst } : {}) }), id);
    for (const u of ["rep1", "rep2"]) must(await f.reg.addRepresentative(sys, { accountId: "OP-DE", userId: u, initiate: true, approve: true }), "rep");
    rep1 = await f.as("rep1");
    must(await f.reg.ledger.propose({ transactionId: "iss-eua", kind: "issuance", legs: [{ classCode: "EUA-2010", to: "NAT", quantity: 100_000n }] }), "issue EUA");
    // Free allocation 10,000: the CER/ERU limit is 22% of it, 2,200.
    must(await f.reg.ledger.propose({ transactionId: "alloc", kind: "allocation", legs: [{ classCode: "EUA-2010", from: "NAT", to: "OP-DE", quantity: 10_000n }] }), "allocation");
    // CERs issued by the CDM registry and forwarded to the operator (after the share of proceeds).
    for (const k of ["wind", "nuclear"]) must(await intl.issueWithShares(admin, { commandId: `cdm-${k}`, classCode: classes[k], quantity: "5000", to: "OP-DE" }), `issue ${k}`);
    svc = new ComplianceService(f.reg);
    must(await svc.registerInstallation(admin, { commandId: "reg", installation: "DE-001", accountId: "OP-DE" }), "register");
    f.clock.set("2011-03-01T09:00:00Z");
    must(await svc.setEstimate(admin, { commandId: "est", installation: "DE-001", year: 2010, tonnes: "12000", reason: "the test's figure" }), "emissions");
  });

  it("refuses CERs from a nuclear project as it completes, with the international code, and counts nothing", async () => {
    const r = await svc.surrender(rep1, { commandId: "s-nuc", installation: "DE-001", period: "2010", lines: [{ classCode: classes.nuclear as string, quantity: "500" }] });
    expect(r).toMatchObject({ ok: false, code: 10902, facts: { field: "activityType", installation: "DE-001", period: "2010" } });
    expect(await covered()).toBe(0n);
    expect((await get().query("SELECT 1 FROM surrender_lines")).rows).toHaveLength(0);
  });

  it("counts CERs from a wind project, within 22% of the allocation", async () => {
    const s = must(await svc.surrender(rep1, { commandId: "s-wind", installation: "DE-001", period: "2010", lines: [{ classCode: classes.wind as string, quantity: "2000" }] }));
    expect(s.value.status).toBe("completed");
    expect(await covered()).toBe(2_000n);
    const over = await svc.surrender(rep1, { commandId: "s-over", installation: "DE-001", period: "2010", lines: [{ classCode: classes.wind as string, quantity: "201" }] });
    expect(over).toMatchObject({ ok: false, code: 9206 });
    const st = must(await svc.installationStatus(admin, "DE-001", "2010"));
    expect(st.value).toMatchObject({ surrendered: "2000", due: "12000" });
  });
});
