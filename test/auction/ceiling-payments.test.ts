// Goal: payments of the ceiling price in place of allowances (GX-ETS) in the registry, on both
// stores: priced from the rulebook for the period's last year (JPY 4,300 in FY2026, 4,429 in
// FY2027: METI via BCI, x 1.03 a year, rounded to the yen), recorded by an administrator only,
// once per command id (the same id with other content refused), refused for an unregistered
// installation, an unknown period, a bad quantity and a rulebook whose ceiling is not a payment in
// lieu, with nothing recorded; summed per installation and period for compliance; append-only.
// Two payments racing for one installation both count (no lost update).
import { beforeAll, describe, expect, it } from "vitest";
import { loadRulebook, rulebookValue } from "../../src/io/rulebook.ts";
import { AuctionService, ceilingPaymentsCovering } from "../../src/registry/auction/index.ts";
import { type ComplianceFixture, must, setUpCompliance } from "../compliance/fixture.ts";
import { forEachStore } from "../support/stores.ts";

forEachStore("payments in place of allowances", (db) => {
  let f: ComplianceFixture;
  let svc: AuctionService;
  const count = async () => Number((await db().query<{ n: string }>("SELECT count(*)::text AS n FROM ceiling_payments")).rows[0]?.n);

  beforeAll(async () => {
    f = await setUpCompliance(db());
    must(await f.svc.registerInstallation(f.admin, { commandId: "r1", installation: "INST-A", accountId: "OP-A" }));
    must(await f.svc.registerInstallation(f.admin, { commandId: "r2", installation: "INST-B", accountId: "OP-B" }));
    svc = new AuctionService(f.reg);
  }, 60_000);

  it("records at the rulebook's price of the period's year, once per command id", async () => {
    const p = must(await svc.payInLieu(f.admin, { commandId: "p1", installation: "INST-A", period: "2026", quantity: "250" }));
    expect(p.value).toMatchObject({ id: "p1", priceYear: 2026, quantity: 250n, price: "4300", amount: "1075000", currency: "JPY" });
    expect(await svc.payInLieu(f.admin, { commandId: "p1", installation: "INST-A", period: "2026", quantity: "250" })).toMatchObject({ ok: true, replayed: true, value: { id: "p1" } });
    expect(await svc.payInLieu(f.admin, { commandId: "p1", installation: "INST-A", period: "2026", quantity: "251" })).toMatchObject({ ok: false, code: 11003 });
    const q = must(await svc.payInLieu(f.admin, { commandId: "p2", installation: "INST-A", period: "2027", quantity: 3 }));
    expect(q.value).toMatchObject({ priceYear: 2027, price: "4429", amount: "13287" });
    expect(await count()).toBe(2);
  });

  it("refuses by rule and by field, recording nothing", async () => {
    expect(await svc.payInLieu(f.rep1, { commandId: "x1", installation: "INST-A", period: "2026", quantity: "1" })).toMatchObject({ ok: false, code: 8001 });
    expect(await svc.payInLieu(f.admin, { commandId: "x2", installation: "INST-Z", period: "2026", quantity: "1" })).toMatchObject({ ok: false, code: 11703, facts: { field: "installation" } });
    expect(await svc.payInLieu(f.admin, { commandId: "x3", installation: "INST-A", period: "FY26", quantity: "1" })).toMatchObject({ ok: false, code: 9301, facts: { field: "period" } });
    // GX-ETS's periods are its fiscal years; its ceiling starts in FY2026
    expect(await svc.payInLieu(f.admin, { commandId: "x3b", installation: "INST-A", period: "2025", quantity: "1" })).toMatchObject({ ok: false, code: 11701, facts: { year: 2025 } });
    expect(await svc.payInLieu(f.admin, { commandId: "x4", installation: "INST-A", period: "2026", quantity: "0" })).toMatchObject({ ok: false, code: 11001, facts: { field: "quantity" } });
    expect(await svc.payInLieu(f.admin, { commandId: "x5", installation: "INST-A", period: "2026", quantity: "-3" })).toMatchObject({ ok: false, code: 11001, facts: { field: "quantity" } });
    expect(await svc.payInLieu(f.admin, { commandId: "bad key!", installation: "INST-A", period: "2026", quantity: "1" })).toMatchObject({ ok: false, code: 11001, facts: { field: "commandId" } });
    expect(await count()).toBe(2);
  });

  it("a ceiling kept otherwise, or none, refuses a payment in lieu", async () => {
    const ca = new AuctionService(f.reg, { rulebook: { name: "california-quebec", rulebook: loadRulebook("california-quebec") } });
    expect(await ca.payInLieu(f.admin, { commandId: "ca1", installation: "INST-A", period: "cp5", quantity: "1" })).toMatchObject({ ok: false, code: 11702, facts: { mechanism: "price-ceiling-units" } });
    const rggi = new AuctionService(f.reg, { rulebook: { name: "rggi", rulebook: loadRulebook("rggi") } });
    expect(await rggi.payInLieu(f.admin, { commandId: "rg1", installation: "INST-A", period: "cp6", quantity: "1" })).toMatchObject({ ok: false, code: 11701 });
    expect(await count()).toBe(2);
  });

  it("two payments at once both count, and compliance sums them per installation and period", async () => {
    const rs = await Promise.all([1, 2, 3].map((i) => svc.payInLieu(f.admin, { commandId: `c${i}`, installation: "INST-B", period: "2026", quantity: String(i * 10) })));
    expect(rs.every((r) => r.ok)).toBe(true);
    const m = await ceilingPaymentsCovering(db(), ["INST-A", "INST-B", "INST-C"], "2026");
    expect(m).toEqual(new Map([["INST-A", 250n], ["INST-B", 60n]]));
    expect((await ceilingPaymentsCovering(db(), ["INST-A"], "2027")).get("INST-A")).toBe(3n);
    expect((await svc.ceilingPayments({ installation: "INST-B" })).map((p) => p.quantity).sort()).toEqual([10n, 20n, 30n]);
  });

  it("keeps payments append-only", async () => {
    await expect(db().query("UPDATE ceiling_payments SET quantity = 1")).rejects.toThrow();
    await expect(db().query("DELETE FROM ceiling_payments")).rejects.toThrow();
    await expect(db().query("TRUNCATE ceiling_payments")).rejects.toThrow();
  });
});

describe("the preset's ceiling is recorded as data", () => {
  it("GX-ETS keeps its ceiling by payment in lieu", () => {
    expect((rulebookValue("japan-gx-ets") as { stability: { priceCeiling: { mechanism: string } } }).stability.priceCeiling.mechanism).toBe("payment-in-lieu");
  });
});
