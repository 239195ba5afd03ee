// Goal: a compliance year of GX-ETS through the registry's compliance service, on both stores:
// installations registered, a monitoring plan and a report by the installation's representative,
// a verifier accredited, appointed and giving its opinion (a negative one never locks; a verifier
// without accreditation, or with a conflict of interest, is refused and nothing changes), an
// estimate set by the authority and marked as such, a four-eyes surrender checked by the hook
// (credits within 10% of the obligation), the status before the deadline, a close after it
// (status and penalty per installation; closing twice changes nothing), and nothing surrendered
// for a closed period. Bad input is refused with a code and changes nothing.
import { expect, it } from "vitest";
import { verifiedEmissionsComplete } from "../../src/registry/compliance/index.ts";
import { publication } from "../../src/registry/compliance/publish.ts";
import { loadRulebook } from "../../src/io/rulebook.ts";
import { forEachStore } from "../support/stores.ts";
import { type ComplianceFixture, must, PLAN, setUpCompliance } from "./fixture.ts";

forEachStore("compliance cycle in the registry", (get) => {
  let f: ComplianceFixture;
  const count = async (table: string) => Number((await get().query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`)).rows[0]?.n);

  it("registers installations (administrator only) and takes the plan from the representative", async () => {
    f = await setUpCompliance(get());
    expect(await f.svc.registerInstallation(f.rep1, { commandId: "r0", installation: "INST-A", accountId: "OP-A" })).toMatchObject({ ok: false });
    must(await f.svc.registerInstallation(f.admin, { commandId: "r1", installation: "INST-A", accountId: "OP-A" }));
    must(await f.svc.registerInstallation(f.admin, { commandId: "r2", installation: "INST-B", accountId: "OP-B" }));
    expect(await f.svc.registerInstallation(f.admin, { commandId: "r3", installation: "INST-C", accountId: "OP-A" })).toMatchObject({ ok: false, code: 9311 });
    // rep2 may only approve on OP-A: it cannot submit for INST-A.
    expect((await f.svc.submitPlan(f.rep2, { commandId: "p0", installation: "INST-A", plan: PLAN })).ok).toBe(false);
    must(await f.svc.submitPlan(f.rep1, { commandId: "p1", installation: "INST-A", plan: PLAN }));
    must(await f.svc.submitPlan(f.rep2, { commandId: "p2", installation: "INST-B", plan: PLAN }));
    const mine = must(await f.svc.installations(f.rep1));
    expect(mine.value.items.map((i) => i.installation)).toEqual(["INST-A", "INST-B"]);
  });

  it("refuses a report with negative activity or an unknown source (9xxx), and stores nothing", async () => {
    f.clock.set("2027-05-10T01:00:00Z");
    const neg = await f.svc.submitReport(f.rep1, { commandId: "rep-bad", installation: "INST-A", year: 2026, activity: [{ source: "kiln", quantity: "-5" }] });
    expect(neg.ok).toBe(false);
    expect(Math.floor((neg as { code: number }).code / 1000)).toBe(9);
    const unknown = await f.svc.submitReport(f.rep1, { commandId: "rep-bad2", installation: "INST-A", year: 2026, activity: [{ source: "boiler", quantity: "5" }] });
    expect(unknown.ok).toBe(false);
    expect(await count("emission_reports")).toBe(0);
    // Malformed plans are refused naming the field (9000), never thrown.
    for (const [i, plan] of ([{ validFrom: 2026, sources: [null] }, { validFrom: 2026, sources: [{ id: 5, kind: "process" }] }, { validFrom: 2026, sources: [{ id: "a", kind: "process", unit: "t", emissionFactor: { value: {} } }] }] as const).entries()) {
      const r = await f.svc.submitPlan(f.rep1, { commandId: `p-bad-${i}`, installation: "INST-A", plan: plan as never });
      expect(r).toMatchObject({ ok: false, code: 9000 });
    }
    expect(await f.svc.submitReport(f.rep1, { commandId: "rep-bad3", installation: "INST-A", year: 2026, activity: [null] as never })).toMatchObject({ ok: false, code: 9000, facts: { field: "activity[0]" } });
    expect(await count("monitoring_plans")).toBe(2);
  });

  it("locks verified emissions only on a positive opinion of the appointed, accredited, unconflicted verifier", async () => {
    const r1 = must(await f.svc.submitReport(f.rep1, { commandId: "rep-a1", installation: "INST-A", year: 2026, activity: [{ source: "kiln", quantity: "2000" }] }));
    expect(r1.value).toMatchObject({ version: 1, total: "1000" });
    // An unaccredited verifier cannot be appointed (9101).
    expect(await f.svc.appointVerifier(f.rep1, { commandId: "ap0", installation: "INST-A", year: 2026, verifier: "ver1" })).toMatchObject({ ok: false, code: 9101 });
    for (const v of ["ver1", "ver2"])
      must(await f.svc.recordAccreditation(f.authority, { commandId: `acc-${v}`, verifier: v, accreditationId: `JAB-${v}`, body: "JAB", standard: "ISO 14065", scopes: ["*"], validFrom: "2026-01-01", expires: "2030-12-31" }));
    must(await f.svc.recordVerifierFact(f.authority, { commandId: "fact1", verifier: "ver2", kind: "affiliation", operator: "Alpha Corp" }));
    must(await f.svc.appointVerifier(f.rep1, { commandId: "ap1", installation: "INST-A", year: 2026, verifier: "ver2" }));
    // ver2 is affiliated with Alpha Corp: refused with the conflict code, nothing recorded.
    const conflicted = await f.svc.submitVerification(f.ver2, { commandId: "v0", installation: "INST-A", year: 2026, version: 1, opinion: "positive", misstatements: "0" });
    expect(conflicted).toMatchObject({ ok: false });
    expect(Math.floor((conflicted as { code: number }).code / 100)).toBe(91);
    // A verifier not appointed is refused (9113).
    expect(await f.svc.submitVerification(f.ver1, { commandId: "v1", installation: "INST-A", year: 2026, version: 1, opinion: "positive", misstatements: "0" })).toMatchObject({ ok: false, code: 9113 });
    expect(await count("verifications")).toBe(0);
    must(await f.svc.appointVerifier(f.rep1, { commandId: "ap2", installation: "INST-A", year: 2026, verifier: "ver1" }));
    // A negative opinion never locks.
    const neg = must(await f.svc.submitVerification(f.ver1, { commandId: "v2", installation: "INST-A", year: 2026, version: 1, opinion: "negative", misstatements: "100" }));
    expect(neg.value.verification).toMatchObject({ opinion: "negative", locked: false, verifiedTotal: null });
    expect(await verifiedEmissionsComplete(get(), "INST-A", [2026])).toEqual({ complete: false, missing: [2026] });
    // A correction with reasons, verified positively, locks.
    expect(await f.svc.submitReport(f.rep1, { commandId: "rep-a2x", installation: "INST-A", year: 2026, activity: [{ source: "kiln", quantity: "2000" }], corrects: 1, reasons: [] })).toMatchObject({ ok: false, code: 9110 });
    must(await f.svc.submitReport(f.rep1, { commandId: "rep-a2", installation: "INST-A", year: 2026, activity: [{ source: "kiln", quantity: "2000" }], corrects: 1, reasons: ["meter recalibrated"] }));
    const pos = must(await f.svc.submitVerification(f.ver1, { commandId: "v3", installation: "INST-A", year: 2026, version: 2, opinion: "positive", misstatements: "0" }));
    expect(pos.value.verification).toMatchObject({ locked: true, verifiedTotal: "1000" });
    expect(await verifiedEmissionsComplete(get(), "INST-A", [2026])).toEqual({ complete: true, missing: [] });
    const ass = must(await f.svc.assignments(f.ver1));
    expect(ass.value.map((a) => [a.installation, a.year, a.reports.length])).toEqual([["INST-A", 2026, 2]]);
    // The verifier reads the records it verifies, not another installation's.
    must(await f.svc.records(f.ver1, "INST-A"));
    expect((await f.svc.records(f.ver1, "INST-B")).ok).toBe(false);
  });

  it("sets an estimate for a year without a verified report, marked as such (authority)", async () => {
    expect((await f.svc.setEstimate(f.rep2, { commandId: "e0", installation: "INST-B", year: 2026, tonnes: "500", reason: "no report" })).ok).toBe(false);
    expect(await f.svc.setEstimate(f.authority, { commandId: "e1", installation: "INST-A", year: 2026, tonnes: "500", reason: "x" })).toMatchObject({ ok: false, code: 9112 });
    must(await f.svc.setEstimate(f.authority, { commandId: "e2", installation: "INST-B", year: 2026, tonnes: "500", reason: "no report by the deadline" }));
    const st = must(await f.svc.installationStatus(f.rep2, "INST-B", "2026"));
    expect(st.value).toMatchObject({ status: "open", due: "500", estimatedYears: [2026] });
  });

  it("surrenders with four eyes, the hook keeping credits within 10% of the obligation", async () => {
    const s1 = must(await f.svc.surrender(f.rep1, { commandId: "s1", installation: "INST-A", period: "2026", lines: [{ classCode: "GX-2026", quantity: "900" }, { classCode: "JCR-2026", quantity: "100" }] }));
    expect(s1.value.status).toBe("awaiting_approval");
    must(await f.reg.approve(f.rep2, { transactionId: s1.value.id }));
    const over = await f.svc.surrender(f.rep1, { commandId: "s2", installation: "INST-A", period: "2026", lines: [{ classCode: "JCR-2026", quantity: "1" }] });
    expect(over.ok).toBe(false);
    expect(Math.floor((over as { code: number }).code / 100)).toBe(92);
    const st = must(await f.svc.status(f.admin, "2026"));
    expect(st.value.items.map((i) => [i.installation, i.status, i.due, i.surrendered])).toEqual([["INST-A", "open", "1000", "1000"], ["INST-B", "open", "500", "0"]]);
  });

  it("closes the period after its deadline, once: status and penalty per installation; then nothing surrenders for it", async () => {
    expect(await f.svc.close(f.admin, { commandId: "close-early", period: "2026" })).toMatchObject({ ok: false, code: 9307 });
    f.clock.set("2028-02-01T03:00:00Z");
    expect((await f.svc.close(f.authority, { commandId: "close-x", period: "2026" })).ok).toBe(false);
    const c1 = must(await f.svc.close(f.admin, { commandId: "close-1", period: "2026" }));
    expect(c1.value.results.map((r) => [r.installation, r.status, r.shortfall])).toEqual([["INST-A", "compliant", "0"], ["INST-B", "estimated", "500"]]);
    const b = c1.value.results[1];
    expect(b?.amount).not.toBe("0");
    const rows = await count("compliance_results");
    const c2 = must(await f.svc.close(f.admin, { commandId: "close-2", period: "2026" }));
    expect(c2.value).toEqual(c1.value);
    expect(await count("compliance_results")).toBe(rows);
    expect(await count("compliance_closes")).toBe(1);
    const late = await f.svc.surrender(f.rep2, { commandId: "s3", installation: "INST-B", period: "2026", lines: [{ classCode: "GX-2026", quantity: "10" }] });
    expect(late).toMatchObject({ ok: false, code: 9216 });
    const st = must(await f.svc.installationStatus(f.rep1, "INST-A", "2026"));
    expect(st.value).toMatchObject({ status: "compliant", closed: true });
  });

  it("publishes each installation's year from the day after the deadline: allocation, verified emissions, units surrendered, status", async () => {
    const rb = loadRulebook("japan-gx-ets");
    const before = await publication(get(), rb, 2026, "2028-01-31");
    expect(before).toMatchObject({ published: false, publishedFrom: "2028-02-01", rows: [] });
    const pub = await publication(get(), rb, 2026, "2028-02-01");
    expect(pub.rows.map((r) => [r.installation, r.verifiedEmissions, r.emissions, r.surrendered, r.status])).toEqual([
      ["INST-A", "1000", "verified", "1000", "compliant"],
      ["INST-B", null, "estimated", "0", "estimated"],
    ]);
  });
});
