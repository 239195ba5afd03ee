// Goal: surrendered credits never pass a limit, even when surrenders complete at the same moment
// from two registry processes on one store: each completion locks the installation's position row
// for the period inside the writing transaction, so the approvals count one after the other. Six
// held surrenders of 20 J-Credits each, against a limit of 100 (10% of verified 1,000 t),
// approved all at once: exactly five complete, one is rejected with 9205, and the credits counted
// never exceed 100. PGlite and PostgreSQL.
import { expect, it } from "vitest";
import { AuditLog } from "../../src/audit/index.ts";
import { DEFAULT_SECURITY_CONFIG } from "../../src/domain/security/config.ts";
import { SecureRegistry } from "../../src/registry/secure/index.ts";
import { forEachStore } from "../support/stores.ts";
import { type ComplianceFixture, must, PLAN, setUpCompliance } from "./fixture.ts";

forEachStore("concurrent surrenders against a credit limit", (get, kind) => {
  let f: ComplianceFixture;

  it("verifies INST-A at 1,000 t", async () => {
    f = await setUpCompliance(get());
    must(await f.svc.registerInstallation(f.admin, { commandId: "r1", installation: "INST-A", accountId: "OP-A" }));
    must(await f.svc.submitPlan(f.rep1, { commandId: "p1", installation: "INST-A", plan: PLAN }));
    f.clock.set("2027-05-10T01:00:00Z");
    must(await f.svc.submitReport(f.rep1, { commandId: "rep1", installation: "INST-A", year: 2026, activity: [{ source: "kiln", quantity: "2000" }] }));
    must(await f.svc.recordAccreditation(f.authority, { commandId: "acc", verifier: "ver1", accreditationId: "A1", body: "JAB", standard: "ISO 14065", scopes: ["*"], validFrom: "2026-01-01", expires: "2030-12-31" }));
    must(await f.svc.appointVerifier(f.rep1, { commandId: "ap", installation: "INST-A", year: 2026, verifier: "ver1" }));
    must(await f.svc.submitVerification(f.ver1, { commandId: "v", installation: "INST-A", year: 2026, version: 1, opinion: "positive", misstatements: "0" }));
  });

  it("completes at most the limit's worth when six approvals race from two registries", async () => {
    const other = await SecureRegistry.open(get(), f.clock, DEFAULT_SECURITY_CONFIG, { audit: new AuditLog(get(), f.clock) });
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = must(await f.svc.surrender(f.rep1, { commandId: `s${i}`, installation: "INST-A", period: "2026", lines: [{ classCode: "JCR-2026", quantity: "20" }] }));
      ids.push(r.value.id);
    }
    const results = await Promise.all(ids.map((id, i) => (i % 2 === 0 ? f.reg : other).approve(f.rep2, { transactionId: id })));
    const completed = results.filter((r) => r.ok && r.value.status === "completed").length;
    const refused = results.filter((r) => !r.ok && r.code === 9205).length;
    expect({ kind, completed, refused }).toEqual({ kind, completed: 5, refused: 1 });
    const sum = await get().query<{ v: string }>("SELECT coalesce(sum(value), 0)::text AS v FROM surrender_lines WHERE installation = 'INST-A' AND category = 'credit'");
    expect(sum.rows[0]?.v).toBe("100");
    const held = (await f.reg.ledger.holdings("OP-A"))?.find((h) => h.classCode === "JCR-2026");
    expect([held?.quantity, held?.earmarked]).toEqual([400n, 0n]);
  });
});
