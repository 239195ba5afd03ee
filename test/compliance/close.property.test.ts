// Goal (property): closing a period twice, or more, changes nothing. For random estimates and
// surrenders of two installations over successive years, the first close stores every
// installation's status; each further close (any command id) answers exactly the same close and
// adds no row; the status per installation follows from what counted (compliant when surrendered
// >= due, else estimated with the shortfall). And the database itself refuses a negative opinion
// that locks. PGlite and PostgreSQL.
import fc from "fast-check";
import { expect, it } from "vitest";
import { forEachStore } from "../support/stores.ts";
import { type ComplianceFixture, must, setUpCompliance } from "./fixture.ts";

forEachStore("closing a period (property)", (get) => {
  let f: ComplianceFixture;
  let year = 2026;
  const rows = async () => (await get().query<{ n: string }>("SELECT (SELECT count(*) FROM compliance_results) + (SELECT count(*) FROM compliance_closes) AS n")).rows[0]?.n;

  it("sets up two registered installations", async () => {
    f = await setUpCompliance(get());
    must(await f.svc.registerInstallation(f.admin, { commandId: "r1", installation: "INST-A", accountId: "OP-A" }));
    must(await f.svc.registerInstallation(f.admin, { commandId: "r2", installation: "INST-B", accountId: "OP-B" }));
  });

  it("answers every close of a period like the first and adds nothing", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ dueA: fc.integer({ min: 0, max: 200 }), dueB: fc.integer({ min: 0, max: 200 }), surA: fc.integer({ min: 0, max: 200 }), surB: fc.integer({ min: 0, max: 20 }), repeats: fc.integer({ min: 1, max: 3 }) }),
        async (x) => {
          const y = year++;
          f.clock.set(`${y + 1}-05-10T01:00:00Z`);
          must(await f.svc.setEstimate(f.authority, { commandId: `eA-${y}`, installation: "INST-A", year: y, tonnes: String(x.dueA), reason: "property" }));
          must(await f.svc.setEstimate(f.authority, { commandId: `eB-${y}`, installation: "INST-B", year: y, tonnes: String(x.dueB), reason: "property" }));
          for (const [inst, q, by, approver] of [["INST-A", x.surA, f.rep1, f.rep2], ["INST-B", x.surB, f.rep2, f.rep1]] as const) {
            if (q === 0) continue;
            const s = must(await f.svc.surrender(by, { commandId: `s-${inst}-${y}`, installation: inst, period: String(y), lines: [{ classCode: "GX-2026", quantity: String(q) }] }));
            must(await f.reg.approve(approver, { transactionId: s.value.id }));
          }
          f.clock.set(`${y + 2}-02-01T03:00:00Z`);
          const first = must(await f.svc.close(f.admin, { commandId: `close-${y}`, period: String(y) }));
          const after = await rows();
          for (let k = 0; k < x.repeats; k++) {
            const again = must(await f.svc.close(f.admin, { commandId: `close-${y}-${k}`, period: String(y) }));
            expect(again.value).toEqual(first.value);
            expect(await rows()).toBe(after);
          }
          const want = (due: number, sur: number) => [due <= sur ? "0" : String(due - sur), "estimated"];
          expect(first.value.results.map((r) => [r.shortfall, r.status])).toEqual([want(x.dueA, x.surA), want(x.dueB, x.surB)]);
        },
      ),
      { numRuns: 4 },
    );
  }, 120_000);

  it("refuses, in the database, a negative opinion that locks", async () => {
    await expect(
      get().query(
        `INSERT INTO verifications (installation, year, version, verifier, opinion_date, opinion, locked, verified_total, materiality_level, misstatement_share, misstatements, recorded_at)
         VALUES ('INST-A', 2026, 1, 'ver1', '2027-05-01', 'negative', true, 10, '0.05', '0', '0', now())`,
      ),
    ).rejects.toThrow(/check constraint/);
  });
});
