// Goal: the market stability reserve against the registry, on both stores. The TNAC of a year is
// computed from the ledger (allowances that left the government's pool accounts by the end of the
// year, minus verified emissions given until the compliance records supply them), the decision
// on it is the published one (TNAC 1,654,909,824 -> intake 397,178,358, Commission news 15 May
// 2019), recorded once, reduces the auction calendar month by month in whole allowances, and each
// month's intake is a four-eyes reserve_intake from the auction account into the reserve account.
import { beforeAll, expect, it } from "vitest";
import type { Caller } from "../../src/domain/security/roles.ts";
import { rulebookValue } from "../../src/io/rulebook.ts";
import { AuctionService } from "../../src/registry/auction/index.ts";
import { recordRulebook } from "../../src/registry/settings.ts";
import { createUsers, type Fixture, setUp } from "../security/fixture.ts";
import { forEachStore } from "../support/stores.ts";

function must<T>(r: { ok: true; value: T } | { ok: false; code: number; check: string; message: string }): T {
  if (!r.ok) throw new Error(`refused ${r.code} ${r.check}: ${r.message}`);
  return r.value;
}

const CLS = "EUA-P3";
const ISSUED = 1_900_000_000n;
const EMISSIONS = ISSUED - 1_654_909_824n;

forEachStore("the market stability reserve in the registry", (db) => {
  let f: Fixture;
  let svc: AuctionService;
  let admin: Caller, admin2: Caller, alice: Caller;
  const held = async (account: string) => (await f.reg.ledger.holdings(account))?.find((h) => h.classCode === CLS)?.quantity ?? 0n;

  beforeAll(async () => {
    f = await setUp(db(), undefined, "2018-06-01T09:00:00Z");
    await recordRulebook(db(), "eu-ets-phase4", rulebookValue("eu-ets-phase4"), "2018-06-01T00:00:00Z");
    await createUsers(f, [["admin", ["national-admin"]], ["admin2", ["national-admin"]], ["alice", []]]);
    admin = await f.as("admin");
    must(await f.reg.defineClass(admin, { commandId: "c-eua", code: CLS, unitType: "allowance", scheme: "EU", vintage: 2018 }));
    for (const [id, type] of [["NAT", "national_issuance"], ["AUC", "auction"], ["MSR", "market_stability_reserve"], ["CAN", "mandatory_cancellation"], ["OP-1", "trading"]] as const) {
      must(await f.reg.openAccount(admin, { commandId: `open-${id}`, accountId: id, type, holder: id === "OP-1" ? "Op" : "EU", name: id }));
    }
    // in 2018: issued, some put into circulation, some held for auctions (still the government's)
    must(await f.reg.ledger.propose({ transactionId: "seed-issue", kind: "issuance", legs: [{ classCode: CLS, to: "NAT", quantity: ISSUED + 100_000_000n }] }));
    must(await f.reg.ledger.propose({ transactionId: "seed-out", kind: "correction", legs: [{ classCode: CLS, from: "NAT", to: "OP-1", quantity: ISSUED }] }));
    must(await f.reg.ledger.propose({ transactionId: "seed-auc", kind: "internal_transfer", legs: [{ classCode: CLS, from: "NAT", to: "AUC", quantity: 100_000_000n }] }));
    f.clock.set("2019-05-15T09:00:00Z");
    // after the end of 2018: does not count in the TNAC of 2018
    must(await f.reg.ledger.propose({ transactionId: "seed-2019", kind: "correction", legs: [{ classCode: CLS, from: "AUC", to: "OP-1", quantity: 1_000n }] }));
    [admin2, alice] = await Promise.all([f.as("admin2"), f.as("alice")]);
    svc = new AuctionService(f.reg);
  }, 60_000);

  it("computes the TNAC of a year from the ledger, with the verified emissions given", async () => {
    expect(await svc.tnac(2018)).toMatchObject({ ok: false, code: 11604 });
    const t = must(await svc.tnac(2018, EMISSIONS));
    expect(t).toMatchObject({ issuedSince2008: ISSUED, creditsUsed: 0n, cancelled: 0n, reserveHoldings: 0n, verifiedEmissions: EMISSIONS, tnac: 1_654_909_824n, emissionsFrom: "given" });
  });

  it("records the published decision once, with its monthly schedule summing exactly", async () => {
    const input = { commandId: "msr-2018", tnacYear: 2018, verifiedEmissions: EMISSIONS.toString(), msrAccount: "MSR", auctionAccount: "AUC" };
    expect(await svc.decide(alice, input)).toMatchObject({ ok: false, code: 8001 });
    expect(await svc.decide(admin, { ...input, msrAccount: "AUC" })).toMatchObject({ ok: false, code: 11005, facts: { field: "msrAccount" } });
    expect(await svc.decide(admin, { ...input, commandId: "msr-x", tnacYear: 2010, verifiedEmissions: "0" })).toMatchObject({ ok: false, code: 11601 });
    expect(await svc.decide(admin, { ...input, commandId: "msr-y", tnacYear: 2010 })).toMatchObject({ ok: false, code: 11602 }); // more emitted than issued by 2010
    expect(await svc.decisions()).toEqual([]);
    const d = must(await svc.decide(admin, input));
    expect(BigInt(d.decision.intake as unknown as string)).toBe(397_178_358n);
    const schedule = d.decision.schedule as unknown as Array<{ month: string; intake: string }>;
    expect(schedule[0]?.month).toBe("2019-09");
    expect(schedule).toHaveLength(12);
    expect(schedule.reduce((s, m) => s + BigInt(m.intake), 0n)).toBe(397_178_358n);
    expect(await svc.decide(admin, input)).toMatchObject({ ok: true, replayed: true });
    expect(await svc.decide(admin, { ...input, commandId: "msr-2018b" })).toMatchObject({ ok: false, code: 11605 });
  });

  it("takes the intake out of the auction calendar, month by month", async () => {
    const schedule = (await svc.decisions(2018))[0]?.decision.schedule as unknown as Array<{ month: string; intake: string }>;
    const cal = must(await svc.writeCalendar(admin, { commandId: "cal-2019", year: 2019, volume: "600000000" }));
    const taken = schedule.filter((m) => m.month.startsWith("2019-")).reduce((s, m) => s + BigInt(m.intake), 0n);
    expect(cal.reduce((s, e) => s + e.planned, 0n)).toBe(600_000_000n);
    expect(cal.reduce((s, e) => s + e.adjustment, 0n)).toBe(-taken);
    expect(cal.reduce((s, e) => s + e.volume, 0n)).toBe(600_000_000n - taken);
  });

  it("moves a month's intake into the reserve by four-eyes, once", async () => {
    const schedule = (await svc.decisions(2018))[0]?.decision.schedule as unknown as Array<{ month: string; intake: string }>;
    const sept = BigInt(schedule[0]?.intake ?? "0");
    expect(await svc.applyMonth(admin, 2018, "2019-07", CLS)).toMatchObject({ ok: false, code: 11607 });
    expect(await svc.applyMonth(admin, 2017, "2019-09", CLS)).toMatchObject({ ok: false, code: 11606 });
    const m = must(await svc.applyMonth(admin, 2018, "2019-09", CLS));
    expect(m.transactions).toMatchObject([{ role: "intake", quantity: sept, status: "awaiting_approval" }]);
    const again = must(await svc.applyMonth(admin, 2018, "2019-09", CLS));
    expect(again.transactions).toMatchObject([{ role: "intake", quantity: sept, status: "awaiting_approval" }]);
    const id = m.transactions[0]?.transactionId as string;
    expect(await f.reg.approve(admin, { transactionId: id })).toMatchObject({ ok: false });
    must(await f.reg.approve(admin2, { transactionId: id }));
    expect(await held("MSR")).toBe(sept);
    expect(await held("AUC")).toBe(100_000_000n - 1_000n - sept);
  });
});
