// Goal: compliance's closure precondition (src/registry/compliance/closure.ts), on both stores. The
// empty operator account of an installation registered for compliance does not close while a year
// it reported is neither verified nor estimated, nor while a compliance period it surrendered into
// is still open; the refusal is 9312, names the years or periods, and the account stays open. Once
// the report is verified and the period closed, the same account closes.
import { expect, it } from "vitest";
import { AuctionService } from "../../src/registry/auction/index.ts";
import { complianceEmissions } from "../../src/registry/compliance/emissions.ts";
import { forEachStore } from "../support/stores.ts";
import { type ComplianceFixture, must, PLAN, setUpCompliance } from "./fixture.ts";

forEachStore("compliance's closure precondition", (get) => {
  let f: ComplianceFixture;
  const status = async (id: string) => (await get().query<{ status: string }>("SELECT status FROM accounts WHERE id = $1", [id])).rows[0]?.status;
  const empty = async (id: string, tag: string) => {
    const held = (await f.reg.ledger.holdings(id)) ?? [];
    const legs = held.filter((h) => h.quantity > 0n).map((h) => ({ classCode: h.classCode, from: id, to: "NAT", quantity: h.quantity }));
    if (legs.length > 0) must(await f.reg.ledger.propose({ transactionId: `empty-${tag}`, kind: "correction", legs }), "empty");
  };

  it("refuses to close an installation's account while a reported year is not verified (9312), and changes nothing", async () => {
    f = await setUpCompliance(get());
    f.clock.set("2027-05-10T01:00:00Z");
    must(await f.svc.registerInstallation(f.admin, { commandId: "r-b", installation: "INST-B", accountId: "OP-B" }));
    must(await f.svc.submitPlan(f.rep2, { commandId: "p-b", installation: "INST-B", plan: PLAN }));
    must(await f.svc.submitReport(f.rep2, { commandId: "rep-b", installation: "INST-B", year: 2026, activity: [{ source: "kiln", quantity: "400" }] }));
    await empty("OP-B", "b");
    const r = await f.reg.closeAccount(f.admin, { commandId: "close-b", accountId: "OP-B" });
    expect(r).toMatchObject({ ok: false, code: 9312, facts: { installation: "INST-B", years: [2026] } });
    expect(await status("OP-B")).toBe("open");
  });

  it("refuses while a period the installation surrendered into is open, and closes once it is closed", async () => {
    must(await f.svc.registerInstallation(f.admin, { commandId: "r-a", installation: "INST-A", accountId: "OP-A" }));
    must(await f.svc.submitPlan(f.rep1, { commandId: "p-a", installation: "INST-A", plan: PLAN }));
    must(await f.svc.submitReport(f.rep1, { commandId: "rep-a", installation: "INST-A", year: 2026, activity: [{ source: "kiln", quantity: "2000" }] }));
    must(await f.svc.recordAccreditation(f.authority, { commandId: "acc", verifier: "ver1", accreditationId: "JAB-1", body: "JAB", standard: "ISO 14065", scopes: ["*"], validFrom: "2026-01-01", expires: "2030-12-31" }));
    must(await f.svc.appointVerifier(f.rep1, { commandId: "ap", installation: "INST-A", year: 2026, verifier: "ver1" }));
    must(await f.svc.submitVerification(f.ver1, { commandId: "v", installation: "INST-A", year: 2026, version: 1, opinion: "positive", misstatements: "0" }));
    const s = must(await f.svc.surrender(f.rep1, { commandId: "s", installation: "INST-A", period: "2026", lines: [{ classCode: "GX-2026", quantity: "1000" }] }));
    must(await f.reg.approve(f.rep2, { transactionId: s.value.id }));
    await empty("OP-A", "a");
    const r = await f.reg.closeAccount(f.admin, { commandId: "close-a", accountId: "OP-A" });
    expect(r).toMatchObject({ ok: false, code: 9312, facts: { installation: "INST-A", periods: ["2026"] } });
    expect(await status("OP-A")).toBe("open");
    f.clock.set("2028-02-01T03:00:00Z");
    must(await f.svc.close(f.admin, { commandId: "close-2026", period: "2026" }));
    must(await f.reg.closeAccount(f.admin, { commandId: "close-a2", accountId: "OP-A" }));
    expect(await status("OP-A")).toBe("closed");
    // INST-B's report is still unverified: its account still does not close.
    expect(await f.reg.closeAccount(f.admin, { commandId: "close-b2", accountId: "OP-B" })).toMatchObject({ ok: false, code: 9312 });
  });

  it("sums the verified emissions (else the authority's estimate) up to a year for the reserve's TNAC", async () => {
    // INST-A 2026 verified at 1,000 t; INST-B 2026 reported, not verified: it adds nothing.
    expect(await complianceEmissions.upTo(get(), 2025)).toBeUndefined();
    expect(await complianceEmissions.upTo(get(), 2026)).toBe(1000n);
    must(await f.svc.setEstimate(f.authority, { commandId: "est-b", installation: "INST-B", year: 2026, tonnes: "500", reason: "not verified by the deadline" }));
    expect(await complianceEmissions.upTo(get(), 2026)).toBe(1500n);
    const t = await new AuctionService(f.reg, { emissions: complianceEmissions }).tnac(2026);
    expect(t).toMatchObject({ ok: true, value: { verifiedEmissions: 1500n, emissionsFrom: "compliance-records" } });
    // Without the source the reserve asks for the figure instead of counting zero.
    expect(await new AuctionService(f.reg).tnac(2026)).toMatchObject({ ok: false });
  });
});
