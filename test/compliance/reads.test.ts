// Goal: the two reads the console's compliance pages use, on both stores. A verifier's
// accreditations are the current row of each (a suspension recorded later replaces the grant), a
// verifier reads only its own, administrators and the authority any verifier's. The surrender
// options assess each class the installation's account holds for a period against the obligation
// the hook checks: before the emissions are verified nothing is owed and a credit limit leaves no
// room; once verified, the J-Credit limit (10% of the obligation under GX-ETS) is the room, and it
// shrinks by what earlier surrenders counted; a class that cannot count names its rule. Only who
// may read the installation sees them.
import { expect, it } from "vitest";
import { forEachStore } from "../support/stores.ts";
import { type ComplianceFixture, must, PLAN, setUpCompliance } from "./fixture.ts";

forEachStore("compliance reads for the console", (get) => {
  let f: ComplianceFixture;

  it("lists a verifier's current accreditations to itself and to administrators only", async () => {
    f = await setUpCompliance(get());
    const acc = { body: "JAB", standard: "ISO 14065", scopes: ["steel", "cement"], validFrom: "2026-01-01", expires: "2028-12-31" };
    must(await f.svc.recordAccreditation(f.authority, { commandId: "a1", verifier: "ver1", accreditationId: "JAB-1", ...acc }));
    must(await f.svc.recordAccreditation(f.authority, { commandId: "a2", verifier: "ver1", accreditationId: "JAB-2", ...acc, scopes: ["*"] }));
    must(await f.svc.recordAccreditation(f.authority, { commandId: "a3", verifier: "ver1", accreditationId: "JAB-1", ...acc, status: "suspended" }));
    const mine = must(await f.svc.accreditations(f.ver1));
    expect(mine.value.map((a) => [a.accreditationId, a.seq, a.status, a.scopes, a.expires])).toEqual([
      ["JAB-1", 2, "suspended", ["steel", "cement"], "2028-12-31"],
      ["JAB-2", 1, "active", ["*"], "2028-12-31"],
    ]);
    expect(must(await f.svc.accreditations(f.ver2)).value).toEqual([]);
    expect(await f.svc.accreditations(f.ver2, "ver1")).toMatchObject({ ok: false, code: 9000 });
    expect(await f.svc.accreditations(f.rep1)).toMatchObject({ ok: false });
    expect(must(await f.svc.accreditations(f.admin, "ver1")).value).toHaveLength(2);
    expect(must(await f.svc.accreditations(f.authority, "ver1")).value).toHaveLength(2);
  });

  it("assesses the installation's holdings for a period, before and after verification and surrender", async () => {
    must(await f.svc.registerInstallation(f.admin, { commandId: "r1", installation: "INST-A", accountId: "OP-A" }));
    must(await f.svc.registerInstallation(f.admin, { commandId: "r2", installation: "INST-B", accountId: "OP-B" }));
    must(await f.svc.submitPlan(f.rep1, { commandId: "p1", installation: "INST-A", plan: PLAN }));
    const before = must(await f.svc.surrenderOptions(f.rep1, "INST-A", "2026")).value;
    expect(before).toMatchObject({ accountId: "OP-A", period: "2026", deadline: "2028-01-31", due: "0", determined: false, counted: "0", remaining: "0" });
    const byClass = (o: typeof before) => Object.fromEntries(o.holdings.map((h) => [h.classCode, h]));
    expect(byClass(before)["GX-2026"]).toMatchObject({ available: "2000", counts: { ok: true, category: "allowance", rate: "1", value: "2000", limitedTo: null } });
    expect(byClass(before)["JCR-2026"]).toMatchObject({ available: "500", counts: { ok: true, category: "credit", value: "500", limitedTo: "0" } });

    f.clock.set("2027-05-10T01:00:00Z");
    must(await f.svc.submitReport(f.rep1, { commandId: "rep", installation: "INST-A", year: 2026, activity: [{ source: "kiln", quantity: "2000" }] }));
    must(await f.svc.appointVerifier(f.rep1, { commandId: "ap", installation: "INST-A", year: 2026, verifier: "ver1" }));
    must(await f.svc.submitVerification(f.ver1, { commandId: "v", installation: "INST-A", year: 2026, version: 1, opinion: "positive", misstatements: "0" }));
    const after = must(await f.svc.surrenderOptions(f.rep1, "INST-A", "2026")).value;
    expect(after).toMatchObject({ due: "1000", emissions: "1000", determined: true, counted: "0", remaining: "1000" });
    expect(byClass(after)["JCR-2026"]?.counts).toMatchObject({ ok: true, limitedTo: "100" });

    const s = must(await f.svc.surrender(f.rep1, { commandId: "s1", installation: "INST-A", period: "2026", lines: [{ classCode: "JCR-2026", quantity: "60" }, { classCode: "GX-2026", quantity: "400" }] }));
    must(await f.reg.approve(f.rep2, { transactionId: s.value.id }));
    const later = must(await f.svc.surrenderOptions(f.rep2, "INST-A", "2026")).value;
    expect(later).toMatchObject({ counted: "460", remaining: "540" });
    expect(byClass(later)["JCR-2026"]).toMatchObject({ available: "440", counts: { limitedTo: "40" } });
    expect(byClass(later)["GX-2026"]).toMatchObject({ available: "1600" });

    // A period the rulebook does not know is refused; so is an installation the caller may not read.
    expect(await f.svc.surrenderOptions(f.rep1, "INST-A", "phase-9")).toMatchObject({ ok: false, code: 9301 });
    expect(await f.svc.surrenderOptions(f.ver2, "INST-A", "2026")).toMatchObject({ ok: false });
    expect((await f.svc.surrenderOptions(f.ver1, "INST-A", "2026")).ok).toBe(true);
    expect(await f.svc.surrenderOptions(f.admin, "INST-X", "2026")).toMatchObject({ ok: false, code: 9310 });
  });

  it("names the rule that keeps a class out", async () => {
    must(await f.reg.defineClass(f.system, { commandId: "c9", code: "GX-2030", unitType: "allowance", scheme: "JP-GX", vintage: 2030 }));
    must(await f.reg.ledger.propose({ transactionId: "iss-2030", kind: "issuance", legs: [{ classCode: "GX-2030", to: "NAT", quantity: 10n }] }));
    must(await f.reg.ledger.propose({ transactionId: "to-a", kind: "correction", legs: [{ classCode: "GX-2030", from: "NAT", to: "OP-A", quantity: 10n }] }));
    const o = must(await f.svc.surrenderOptions(f.rep1, "INST-A", "2026")).value;
    expect(o.holdings.find((h) => h.classCode === "GX-2030")?.counts).toEqual({ ok: false, code: 9202, check: "vintage-not-yet-valid" });
  });
});
