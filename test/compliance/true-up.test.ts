// Goal: the true-up is booked in the registry after verification, through the ledger, exactly once
// (issue 11 item 3), on both stores. China's power sector (ICAP node/731): 70% of 2018 output x
// benchmark ex ante, the rest against verified output. A coal unit above 300 MW (0.877 t/MWh)
// pre-allocated 613,900 (1,000,000 MWh of 2018 x 0.877 x 0.7) and verified at 1,100,000 MWh gets
// 964,700 - 613,900 = 350,800 from the allocation account; verified at 600,000 MWh it returns
// 613,900 - 526,200 = 87,700 (the preset takes negative true-ups back). Before verification, for
// an installation without an ex-ante share, with another figure after booking, or when the account
// cannot cover a return, it is refused with a code and changes nothing; booking again changes nothing.
import fc from "fast-check";
import { expect, it } from "vitest";
import { rulebookValue } from "../../src/io/rulebook.ts";
import { ComplianceService } from "../../src/registry/compliance/index.ts";
import { recordRulebook } from "../../src/registry/settings.ts";
import type { Caller } from "../../src/domain/security/roles.ts";
import type { Db } from "../../src/store/db.ts";
import { createUsers, type Fixture, setUp } from "../security/fixture.ts";
import { forEachStore } from "../support/stores.ts";
import { must } from "./fixture.ts";

const PLAN = { validFrom: 2019, sources: [{ id: "boiler", kind: "process" as const, unit: "t", emissionFactor: { value: "0.5" } }] };

interface China extends Fixture {
  svc: ComplianceService;
  admin: Caller;
  rep: Caller;
  ver: Caller;
}

async function setUpChina(db: Db): Promise<China> {
  await recordRulebook(db, "china-national-power", rulebookValue("china-national-power"), "2019-01-01T00:00:00.000Z");
  const f = await setUp(db, undefined, "2019-03-01T01:00:00Z");
  await createUsers(f, [["admin", ["national-admin"]], ["rep", []], ["ver", ["verifier"]]]);
  const sys = f.system;
  must(await f.reg.defineClass(sys, { commandId: "c1", code: "CN-2019", unitType: "allowance", scheme: "CN", vintage: 2019 }), "class");
  must(await f.reg.openAccount(sys, { commandId: "open-NAT", accountId: "NAT", type: "national_issuance", holder: "State", name: "NAT" }), "NAT");
  must(await f.reg.ledger.propose({ transactionId: "issue", kind: "issuance", legs: [{ classCode: "CN-2019", to: "NAT", quantity: 10_000_000n }] }), "issue");
  const svc = new ComplianceService(f.reg);
  const admin = await f.as("admin");
  must(await svc.recordAccreditation(admin, { commandId: "acc", verifier: "ver", accreditationId: "CNAS-1", body: "CNAS", standard: "ISO 14065", scopes: ["*"], validFrom: "2019-01-01", expires: "2030-12-31" }), "accreditation");
  return { ...f, svc, admin, rep: await f.as("rep"), ver: await f.as("ver") };
}

/** An installation with its account, registered (coal above 300 MW unless told), pre-allocated, and optionally verified for 2019. */
async function installation(f: China, id: string, opts: { pre: bigint; product?: string | null; verified?: boolean }): Promise<void> {
  const sys = f.system;
  const acc = `OP-${id}`;
  must(await f.reg.openAccount(sys, { commandId: `open-${acc}`, accountId: acc, type: "operator_holding", holder: `${id} GenCo`, name: acc, installation: id }), acc);
  must(await f.reg.addRepresentative(sys, { accountId: acc, userId: "rep", initiate: true, approve: true }), "rep");
  f.rep = await f.as("rep"); // a representative from now on
  if (opts.pre > 0n) must(await f.reg.ledger.propose({ transactionId: `pre-${id}`, kind: "allocation", legs: [{ classCode: "CN-2019", from: "NAT", to: acc, quantity: opts.pre }] }), "pre-allocation");
  const product = opts.product === undefined ? "coal-above-300mw" : opts.product;
  must(await f.svc.registerInstallation(f.admin, { commandId: `reg-${id}`, installation: id, accountId: acc, sector: "power", ...(product === null ? {} : { product }) }), "register");
  must(await f.svc.submitPlan(f.rep, { commandId: `plan-${id}`, installation: id, plan: PLAN }), "plan");
  if (!opts.verified) return;
  must(await f.svc.submitReport(f.rep, { commandId: `rep-${id}`, installation: id, year: 2019, activity: [{ source: "boiler", quantity: "2000" }] }), "report");
  must(await f.svc.appointVerifier(f.rep, { commandId: `ap-${id}`, installation: id, year: 2019, verifier: "ver" }), "appoint");
  must(await f.svc.submitVerification(f.ver, { commandId: `ver-${id}`, installation: id, year: 2019, version: 1, opinion: "positive", misstatements: "0" }), "verify");
}

forEachStore("true-up booked after verification", (get) => {
  let f: China;
  const balance = async (account: string) => BigInt((await get().query<{ q: string }>("SELECT coalesce(sum(quantity), 0)::text AS q FROM balances WHERE account_id = $1", [account])).rows[0]?.q ?? "0");
  const count = async (table: string) => Number((await get().query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`)).rows[0]?.n);

  it("waits for the verification (9314) and needs an ex-ante share (9313); nothing moves", async () => {
    f = await setUpChina(get());
    f.clock.set("2020-04-01T01:00:00Z");
    await installation(f, "COAL-1", { pre: 613_900n });
    await installation(f, "NOPRODUCT", { pre: 0n, product: null, verified: true });
    expect(await f.svc.bookTrueUp(f.admin, { commandId: "t0", installation: "COAL-1", year: 2019, verifiedOutput: "1100000" })).toMatchObject({ ok: false, code: 9314 });
    expect(await f.svc.bookTrueUp(f.admin, { commandId: "t1", installation: "NOPRODUCT", year: 2019, verifiedOutput: "1100000" })).toMatchObject({ ok: false, code: 9313 });
    expect(await f.svc.bookTrueUp(f.admin, { commandId: "t2", installation: "NOWHERE", year: 2019, verifiedOutput: "1" })).toMatchObject({ ok: false, code: 9310 });
    expect(await f.svc.bookTrueUp(f.admin, { commandId: "t3", installation: "COAL-1", year: 2019, verifiedOutput: "-5" })).toMatchObject({ ok: false, code: 9000, facts: { field: "verifiedOutput" } });
    // Only a national administrator books it.
    expect((await f.svc.bookTrueUp(f.rep, { commandId: "t4", installation: "COAL-1", year: 2019, verifiedOutput: "1100000" })).ok).toBe(false);
    expect(await count("true_ups")).toBe(0);
    expect(await balance("OP-COAL-1")).toBe(613_900n);
  });

  it("delivers a positive true-up from the allocation account, once", async () => {
    must(await f.svc.submitReport(f.rep, { commandId: "rep-COAL-1", installation: "COAL-1", year: 2019, activity: [{ source: "boiler", quantity: "2000" }] }));
    must(await f.svc.appointVerifier(f.rep, { commandId: "ap-COAL-1", installation: "COAL-1", year: 2019, verifier: "ver" }));
    must(await f.svc.submitVerification(f.ver, { commandId: "ver-COAL-1", installation: "COAL-1", year: 2019, version: 1, opinion: "positive", misstatements: "0" }));
    const nat = await balance("NAT");
    const r = must(await f.svc.bookTrueUp(f.admin, { commandId: "tu-1", installation: "COAL-1", year: 2019, verifiedOutput: "1100000" }));
    expect(r.replayed).toBe(false);
    expect(r.value).toMatchObject({ preAllocation: "613900", final: "964700", trueUp: "350800", classCode: "CN-2019", source: "NAT", transactionId: "true-up:2019:COAL-1", bookedBy: "admin" });
    expect(await balance("OP-COAL-1")).toBe(964_700n);
    expect(await balance("NAT")).toBe(nat - 350_800n);
    const tx = await f.reg.ledger.getTransaction("true-up:2019:COAL-1");
    expect(tx).toMatchObject({ kind: "allocation", status: "completed" });
    // Again, by any command id and the same figure: the booked one, nothing moves.
    const again = must(await f.svc.bookTrueUp(f.admin, { commandId: "tu-2", installation: "COAL-1", year: 2019, verifiedOutput: "1100000" }));
    expect(again).toMatchObject({ replayed: true, value: r.value });
    // Another figure: refused (9315), nothing moves.
    expect(await f.svc.bookTrueUp(f.admin, { commandId: "tu-3", installation: "COAL-1", year: 2019, verifiedOutput: "1200000" })).toMatchObject({ ok: false, code: 9315 });
    expect(await balance("OP-COAL-1")).toBe(964_700n);
    expect(await count("true_ups")).toBe(1);
    // The table of record is append-only.
    await expect(get().query("UPDATE true_ups SET true_up = 0")).rejects.toThrow();
  });

  it("takes a negative true-up back to the allocation account", async () => {
    await installation(f, "COAL-2", { pre: 613_900n, verified: true });
    const nat = await balance("NAT");
    const r = must(await f.svc.bookTrueUp(f.admin, { commandId: "tu-c2", installation: "COAL-2", year: 2019, verifiedOutput: "600000" }));
    expect(r.value).toMatchObject({ preAllocation: "613900", final: "526200", trueUp: "-87700", transactionId: "true-up:2019:COAL-2" });
    expect(await balance("OP-COAL-2")).toBe(526_200n);
    expect(await balance("NAT")).toBe(nat + 87_700n);
    expect(await f.reg.ledger.getTransaction("true-up:2019:COAL-2")).toMatchObject({ kind: "reverse_allocation", status: "completed" });
  });

  it("refuses a return the account cannot cover, with the ledger's code, and records nothing", async () => {
    await installation(f, "COAL-3", { pre: 613_900n, verified: true });
    // The operator sold most of its pre-allocation.
    must(await f.reg.ledger.propose({ transactionId: "sold", kind: "correction", legs: [{ classCode: "CN-2019", from: "OP-COAL-3", to: "NAT", quantity: 600_000n }] }));
    const r = await f.svc.bookTrueUp(f.admin, { commandId: "tu-c3", installation: "COAL-3", year: 2019, verifiedOutput: "600000" });
    expect(r.ok).toBe(false);
    expect(r).toMatchObject({ ok: false, code: 3003, check: "insufficient-units" });
    expect(await balance("OP-COAL-3")).toBe(13_900n);
    expect((await get().query("SELECT 1 FROM true_ups WHERE installation = 'COAL-3'")).rows).toHaveLength(0);
    expect(await f.reg.ledger.getTransaction("true-up:2019:COAL-3")).toBeUndefined();
  });

  it("records a true-up whose transaction a failed earlier attempt already wrote, without moving units twice", async () => {
    await installation(f, "COAL-4", { pre: 613_900n, verified: true });
    // As if an earlier booking wrote the derived transaction and stopped before recording it.
    must(await f.reg.ledger.propose({ transactionId: "true-up:2019:COAL-4", kind: "allocation", legs: [{ classCode: "CN-2019", from: "NAT", to: "OP-COAL-4", quantity: 350_800n }] }));
    const r = must(await f.svc.bookTrueUp(f.admin, { commandId: "tu-c4", installation: "COAL-4", year: 2019, verifiedOutput: "1100000" }));
    expect(r.value).toMatchObject({ preAllocation: "613900", trueUp: "350800", transactionId: "true-up:2019:COAL-4" });
    expect(await balance("OP-COAL-4")).toBe(964_700n);
  });

  it("property: booking again, with any figure and any command id, changes nothing", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2_000_000 }), fc.array(fc.integer({ min: 0, max: 2_000_000 }), { minLength: 1, maxLength: 3 }), async (output, repeats) => {
        const id = `P-${++n}`;
        await installation(f, id, { pre: 613_900n, verified: true });
        const first = await f.svc.bookTrueUp(f.admin, { commandId: `${id}-0`, installation: id, year: 2019, verifiedOutput: String(output) });
        if (!first.ok) return; // a return the account cannot cover (never here: it holds the whole pre-allocation)
        const held = await balance(`OP-${id}`);
        expect(held).toBe(613_900n + BigInt(first.value.trueUp));
        for (const [k, o] of repeats.entries()) {
          const r = await f.svc.bookTrueUp(f.admin, { commandId: `${id}-${k + 1}`, installation: id, year: 2019, verifiedOutput: String(o) });
          expect(r.ok ? r.replayed : (r as { code: number }).code === 9315).toBe(true);
        }
        expect(await balance(`OP-${id}`)).toBe(held);
        expect((await get().query("SELECT 1 FROM true_ups WHERE installation = $1", [id])).rows).toHaveLength(1);
      }),
      { numRuns: 4, seed: 11 },
    );
  });
});
