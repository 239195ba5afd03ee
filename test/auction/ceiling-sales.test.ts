// Goal: a hard ceiling kept by fixed-price sales, in the registry, on both stores: a national
// administrator sells a covered entity allowances at the year's ceiling price, ISSUED BEYOND THE
// CAP (an issuance into the national issuance account, then a ceiling_sale transfer, each with an
// id derived from the sale's commandId), the sale row written by the ceiling_sale hook beside the
// transfer; the issuance waits for a second national administrator (four-eyes) and the same
// commandId then completes the sale; once per commandId; a sale interrupted between its issuance and its transfer is
// completed by the same commandId without a second issuance; refused with nothing issued or
// recorded where the rulebook keeps its ceiling otherwise, for a buyer that is not a covered entity
// and by field; no other door writes a ceiling_sale without its issuance; the sale rows are
// append-only and summed per year. The request is recorded under its commandId before the issuance:
// a repeat with other figures is refused naming the field before any sale row exists, the pending
// list shows it with its issuance's status until the sale is made, and any national administrator
// completes it by the commandId alone (refused by code: unknown, awaiting or rejected issuance, a
// buyer no longer eligible). The rulebook is GX-ETS's with its ceiling kept by fixed-price
// sales instead of payment in lieu (JPY 4,300 in FY2026, METI via BCI; x 1.03 a year).
import { beforeAll, expect, it } from "vitest";
import { rulebookValue } from "../../src/io/rulebook.ts";
import { AuctionService, issuedBeyondCap, saleIssuanceId } from "../../src/registry/auction/index.ts";
import { recordRequest } from "../../src/registry/auction/ceiling-sale-requests.ts";
import { SecureRegistry } from "../../src/registry/secure/index.ts";
import { recordRulebook } from "../../src/registry/settings.ts";
import { DEFAULT_SECURITY_CONFIG } from "../../src/domain/security/config.ts";
import type { Caller } from "../../src/domain/security/roles.ts";
import { type ComplianceFixture, must, setUpCompliance } from "../compliance/fixture.ts";
import { createUsers } from "../security/fixture.ts";
import { forEachStore } from "../support/stores.ts";

function hardCeiling(): unknown {
  const v = structuredClone(rulebookValue("japan-gx-ets")) as { stability: { priceCeiling: { mechanism: string } } };
  v.stability.priceCeiling.mechanism = "fixed-price-sale";
  return v;
}

forEachStore("sales at the ceiling beyond the cap", (db) => {
  let f: ComplianceFixture;
  let reg: SecureRegistry;
  let svc: AuctionService;
  let admin2: Caller;
  const count = async (table: string) => Number((await db().query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`)).rows[0]?.n);
  const issued = async () => Number((await db().query<{ n: string }>("SELECT count(*)::text AS n FROM transactions WHERE kind = 'issuance'")).rows[0]?.n);
  const held = async (acc: string) => ((await reg.ledger.holdings(acc)) ?? []).reduce((s, h) => s + BigInt(h.quantity), 0n);

  beforeAll(async () => {
    f = await setUpCompliance(db());
    must(await f.svc.registerInstallation(f.admin, { commandId: "r1", installation: "INST-A", accountId: "OP-A" }));
    // the scheme's rulebook now keeps a hard ceiling; a registry opened on it installs the sale hook
    await recordRulebook(db(), "gx-hard-ceiling", hardCeiling(), "2026-04-01T00:00:00.000Z");
    reg = await SecureRegistry.open(db(), f.clock, DEFAULT_SECURITY_CONFIG, { audit: f.audit });
    svc = new AuctionService(reg);
    await createUsers(f, [["admin2", ["national-admin"]]]);
    admin2 = await f.as("admin2");
  }, 60_000);

  /** A sale as it goes: refused while its issuance awaits approval, approved by the second administrator, then sold. */
  const sellApproved = async (commandId: string, quantity: string) => {
    expect(await svc.sellAtCeiling(f.admin, { commandId, account: "OP-A", classCode: "GX-2026", quantity })).toMatchObject({ ok: false, code: 11709, facts: { status: "awaiting_approval" } });
    must(await reg.approve(admin2, { transactionId: saleIssuanceId(commandId) }));
    return must(await svc.sellAtCeiling(f.admin, { commandId, account: "OP-A", classCode: "GX-2026", quantity }));
  };

  it("issues beyond the cap and sells at the year's ceiling price, once per command id", async () => {
    const before = await held("OP-A");
    const issuances = await issued();
    // the issuance beyond the cap waits for a second administrator: nothing is sold yet, and its initiator cannot approve it
    const first = await svc.sellAtCeiling(f.admin, { commandId: "s1", account: "OP-A", classCode: "GX-2026", quantity: "250" });
    expect(first).toMatchObject({ ok: false, code: 11709, facts: { issuanceId: "ceiling-sale.s1.issue", status: "awaiting_approval" } });
    expect(await reg.ledger.getTransaction("ceiling-sale.s1.issue")).toMatchObject({ kind: "issuance", status: "awaiting_approval" });
    expect(await reg.ledger.getTransaction("ceiling-sale.s1")).toBeFalsy();
    expect(await held("OP-A")).toBe(before);
    expect((await reg.approve(f.admin, { transactionId: "ceiling-sale.s1.issue" })).ok).toBe(false);
    must(await reg.approve(admin2, { transactionId: "ceiling-sale.s1.issue" }));
    const s = must(await svc.sellAtCeiling(f.admin, { commandId: "s1", account: "OP-A", classCode: "GX-2026", quantity: "250" }));
    expect(s.value).toMatchObject({ id: "s1", transactionId: "ceiling-sale.s1", issuanceId: "ceiling-sale.s1.issue", account: "OP-A", installation: "INST-A", year: 2026, quantity: 250n, price: "4300", amount: "1075000", currency: "JPY", beyondCap: true, soldBy: "admin" });
    expect(await held("OP-A")).toBe(before + 250n);
    expect(await issued()).toBe(issuances + 1);
    const iss = await reg.ledger.getTransaction("ceiling-sale.s1.issue");
    expect(iss).toMatchObject({ kind: "issuance", status: "completed", legs: [{ classCode: "GX-2026", from: null, to: "NAT", quantity: 250n }] });
    expect(await reg.ledger.getTransaction("ceiling-sale.s1")).toMatchObject({ kind: "ceiling_sale", status: "completed", legs: [{ from: "NAT", to: "OP-A", quantity: 250n }] });
    // again: the first result, nothing more issued; other content: refused
    expect(await svc.sellAtCeiling(f.admin, { commandId: "s1", account: "OP-A", classCode: "GX-2026", quantity: "250" })).toMatchObject({ ok: true, replayed: true, value: { id: "s1" } });
    expect(await svc.sellAtCeiling(f.admin, { commandId: "s1", account: "OP-A", classCode: "GX-2026", quantity: "251" })).toMatchObject({ ok: false, code: 11003, facts: { field: "quantity" } });
    expect(await issued()).toBe(issuances + 1);
    expect(await held("OP-A")).toBe(before + 250n);
  });

  it("completes a sale interrupted between its issuance and its transfer, never issuing twice", async () => {
    // the process died after the issuance: it stands in the national issuance account, no sale row
    must(await reg.ledger.propose({ transactionId: saleIssuanceId("s2"), kind: "issuance", legs: [{ classCode: "GX-2026", to: "NAT", quantity: "40" }], initiator: "admin", note: "sale at the ceiling s2: issued beyond the cap" }));
    const issuances = await issued();
    const before = await held("OP-A");
    const s = must(await svc.sellAtCeiling(f.admin, { commandId: "s2", account: "OP-A", classCode: "GX-2026", quantity: "40" }));
    expect(s.value).toMatchObject({ id: "s2", quantity: 40n, amount: "172000", issuanceId: "ceiling-sale.s2.issue" });
    expect(await issued()).toBe(issuances);
    expect(await held("OP-A")).toBe(before + 40n);
    expect((await svc.ceilingSales()).filter((x) => x.id === "s2")).toHaveLength(1);
  });

  it("refuses by rule and by field, issuing and recording nothing", async () => {
    const issuances = await issued();
    const sales = await count("ceiling_sales");
    expect(await svc.sellAtCeiling(f.rep1, { commandId: "x1", account: "OP-A", classCode: "GX-2026", quantity: "1" })).toMatchObject({ ok: false, code: 8001 });
    // OP-B's installation is not registered for compliance; SUR is no operator account; ZZ none
    expect(await svc.sellAtCeiling(f.admin, { commandId: "x2", account: "OP-B", classCode: "GX-2026", quantity: "1" })).toMatchObject({ ok: false, code: 11706, facts: { field: "account" } });
    expect(await svc.sellAtCeiling(f.admin, { commandId: "x3", account: "ZZ-1", classCode: "GX-2026", quantity: "1" })).toMatchObject({ ok: false, code: 11706 });
    expect(await svc.sellAtCeiling(f.admin, { commandId: "x4", account: "OP-A", classCode: "GX-2026", quantity: "0" })).toMatchObject({ ok: false, code: 11001, facts: { field: "quantity" } });
    expect(await svc.sellAtCeiling(f.admin, { commandId: "bad key!", account: "OP-A", classCode: "GX-2026", quantity: "1" })).toMatchObject({ ok: false, code: 11001, facts: { field: "commandId" } });
    expect(await svc.sellAtCeiling(f.admin, { commandId: "x5", account: "OP-A", classCode: "GX-2026", quantity: "1", issuanceAccount: "" })).toMatchObject({ ok: false, code: 11001, facts: { field: "issuanceAccount" } });
    // GX-ETS as published keeps its ceiling by payment in lieu: no sale beyond the cap
    const gx = new AuctionService(reg, { rulebook: { name: "japan-gx-ets", rulebook: (await import("../../src/io/rulebook.ts")).loadRulebook("japan-gx-ets") } });
    expect(await gx.sellAtCeiling(f.admin, { commandId: "x6", account: "OP-A", classCode: "GX-2026", quantity: "1" })).toMatchObject({ ok: false, code: 11705, facts: { mechanism: "payment-in-lieu" } });
    expect(await issued()).toBe(issuances);
    expect(await count("ceiling_sales")).toBe(sales);
  });

  it("no other door writes a ceiling_sale without its own issuance, and the registry without the rule refuses it", async () => {
    const before = await held("OP-A");
    // a plain transfer of units already in the national issuance account
    expect(await reg.ledger.propose({ transactionId: "ceiling-sale.y1", kind: "ceiling_sale", legs: [{ classCode: "GX-2026", from: "NAT", to: "OP-A", quantity: "5" }] })).toMatchObject({ ok: false, code: 11707 });
    // an issuance of another quantity
    must(await reg.ledger.propose({ transactionId: "ceiling-sale.y2.issue", kind: "issuance", legs: [{ classCode: "GX-2026", to: "NAT", quantity: "5" }] }));
    expect(await reg.ledger.propose({ transactionId: "ceiling-sale.y2", kind: "ceiling_sale", legs: [{ classCode: "GX-2026", from: "NAT", to: "OP-A", quantity: "6" }] })).toMatchObject({ ok: false, code: 11707 });
    // the same through the administrator's door of the secure registry
    expect(await reg.initiate(f.admin, { transactionId: "ceiling-sale.y3", kind: "ceiling_sale", legs: [{ classCode: "GX-2026", from: "NAT", to: "OP-A", quantity: "5" }] })).toMatchObject({ ok: false, code: 11707 });
    // the registry opened on GX-ETS's payment-in-lieu rulebook refuses even a well-formed sale
    expect(await f.reg.ledger.propose({ transactionId: "ceiling-sale.y2", kind: "ceiling_sale", legs: [{ classCode: "GX-2026", from: "NAT", to: "OP-A", quantity: "5" }] })).toMatchObject({ ok: false, code: 11705 });
    expect(await held("OP-A")).toBe(before);
  });

  it("a sale is final: its transfer is not reversed", async () => {
    const r = await reg.ledger.reverse({ transactionId: "rev-s1", reverses: "ceiling-sale.s1", actor: "admin" });
    expect(r).toMatchObject({ ok: false, code: 6006 });
    expect((await reg.ledger.getTransaction("ceiling-sale.s1"))?.reversedBy ?? null).toBeNull();
  });

  it("sums what was issued beyond the cap per year, and keeps the sales append-only", async () => {
    expect(await issuedBeyondCap(db())).toEqual([{ year: 2026, quantity: 290n }]);
    expect(await svc.issuedBeyondCap(2027)).toEqual([]);
    expect((await svc.ceilingSales({ year: 2026 })).map((s) => s.id)).toEqual(["s1", "s2"]);
    expect(await svc.ceilingSales({ account: "OP-B" })).toEqual([]);
    await expect(db().query("UPDATE ceiling_sales SET quantity = 1")).rejects.toThrow();
    await expect(db().query("DELETE FROM ceiling_sales")).rejects.toThrow();
    await expect(db().query("TRUNCATE ceiling_sales")).rejects.toThrow();
  });

  it("prices a sale by the scheme's fiscal year in the registry's time zone", async () => {
    // 15 February 2027 is in FY2026 (April to March): JPY 4,300; 1 April 2027 09:00 in Tokyo is FY2027: 4,300 x 1.03 = 4,429
    f.clock.set("2027-02-15T01:00:00Z");
    expect((await sellApproved("s3", "10")).value).toMatchObject({ year: 2026, price: "4300", amount: "43000" });
    f.clock.set("2027-04-01T00:00:00Z");
    expect((await sellApproved("s4", "10")).value).toMatchObject({ year: 2027, price: "4429", amount: "44290" });
    expect(await svc.issuedBeyondCap()).toEqual([{ year: 2026, quantity: 300n }, { year: 2027, quantity: 10n }]);
    // the TNAC (calendar years, cut off at the end of the year) counts them among the allowances issued and names them
    const t = await svc.tnac(2026, 0n);
    expect(t).toMatchObject({ ok: true, value: { issuedBeyondCap: 290n } });
    expect(t.ok && t.value.issuedSince2008 >= 290n).toBe(true);
  });

  // ---- the request recorded under the commandId, and the sale finished by that id alone (the clock is now in FY2027: JPY 4,429)

  it("records the request before the issuance, lists it as pending, and any administrator completes it by its commandId alone", async () => {
    const before = await held("OP-A");
    expect(await svc.sellAtCeiling(f.admin, { commandId: "c1", account: "OP-A", classCode: "GX-2026", quantity: "20" })).toMatchObject({ ok: false, code: 11709 });
    const pending = (await svc.pendingCeilingSales()).find((p) => p.commandId === "c1");
    expect(pending).toMatchObject({ account: "OP-A", installation: "INST-A", classCode: "GX-2026", quantity: 20n, issuanceAccount: "NAT", year: 2027, price: "4429", amount: "88580", currency: "JPY", issuanceId: "ceiling-sale.c1.issue", transactionId: "ceiling-sale.c1", issuanceStatus: "awaiting_approval", requestedBy: "admin" });
    // the second administrator cannot complete it before the issuance is approved; then she does, knowing only the id
    expect(await svc.completeCeilingSale(admin2, "c1")).toMatchObject({ ok: false, code: 11709, facts: { issuanceId: "ceiling-sale.c1.issue", status: "awaiting_approval" } });
    must(await reg.approve(admin2, { transactionId: saleIssuanceId("c1") }));
    expect((await svc.pendingCeilingSales()).find((p) => p.commandId === "c1")?.issuanceStatus).toBe("completed");
    const done = await svc.completeCeilingSale(admin2, "c1");
    expect(done).toMatchObject({ ok: true, replayed: false, value: { id: "c1", account: "OP-A", classCode: "GX-2026", quantity: 20n, year: 2027, amount: "88580", soldBy: "admin2" } });
    expect(await held("OP-A")).toBe(before + 20n);
    // made: it leaves the pending list; again (by either door) it answers the first sale
    expect((await svc.pendingCeilingSales()).map((p) => p.commandId)).not.toContain("c1");
    expect(await svc.completeCeilingSale(f.admin, "c1")).toMatchObject({ ok: true, replayed: true, value: { id: "c1", soldBy: "admin2" } });
    expect(await svc.sellAtCeiling(f.admin, { commandId: "c1", account: "OP-A", classCode: "GX-2026", quantity: "20" })).toMatchObject({ ok: true, replayed: true });
    expect(await held("OP-A")).toBe(before + 20n);
  });

  it("refuses a repeat with other figures before any sale row exists, naming the field, and records nothing for a request refused before issuing", async () => {
    expect(await svc.sellAtCeiling(f.admin, { commandId: "c2", account: "OP-A", classCode: "GX-2026", quantity: "5" })).toMatchObject({ ok: false, code: 11709 });
    const issuances = await issued();
    expect(await svc.sellAtCeiling(f.admin, { commandId: "c2", account: "OP-A", classCode: "GX-2026", quantity: "6" })).toMatchObject({ ok: false, code: 11003, facts: { commandId: "c2", field: "quantity" } });
    expect(await svc.sellAtCeiling(f.admin, { commandId: "c2", account: "OP-A", classCode: "GX-2027", quantity: "5" })).toMatchObject({ ok: false, code: 11003, facts: { field: "classCode" } });
    expect(await svc.sellAtCeiling(f.admin, { commandId: "c2", account: "OP-B", classCode: "GX-2026", quantity: "5" })).toMatchObject({ ok: false, code: 11003, facts: { field: "account" } });
    expect(await svc.sellAtCeiling(f.admin, { commandId: "c2", account: "OP-A", classCode: "GX-2026", quantity: "5", issuanceAccount: "NAT-2" })).toMatchObject({ ok: false, code: 11003, facts: { field: "issuanceAccount" } });
    expect(await issued()).toBe(issuances);
    // a buyer that is not a covered entity: refused before anything is recorded
    const requests = await count("ceiling_sale_requests");
    expect(await svc.sellAtCeiling(f.admin, { commandId: "c2b", account: "OP-B", classCode: "GX-2026", quantity: "5" })).toMatchObject({ ok: false, code: 11706 });
    expect(await count("ceiling_sale_requests")).toBe(requests);
    expect(await svc.completeCeilingSale(f.admin, "c2b")).toMatchObject({ ok: false, code: 11710, facts: { commandId: "c2b", field: "commandId" } });
  });

  it("refuses completing an unknown or malformed commandId, and anyone but a national administrator", async () => {
    expect(await svc.completeCeilingSale(f.admin, "never-sent")).toMatchObject({ ok: false, code: 11710, facts: { field: "commandId" } });
    expect(await svc.completeCeilingSale(f.admin, "bad key!")).toMatchObject({ ok: false, code: 11001, facts: { field: "commandId" } });
    expect(await svc.completeCeilingSale(f.rep1, "c2")).toMatchObject({ ok: false, code: 8001 });
    expect(await svc.completeCeilingSale(f.authority, "c2")).toMatchObject({ ok: false, code: 8001 });
  });

  it("a rejected issuance ends the sale: completing is refused with its status, and the request stays listed with it", async () => {
    expect(await svc.sellAtCeiling(f.admin, { commandId: "c3", account: "OP-A", classCode: "GX-2026", quantity: "5" })).toMatchObject({ ok: false, code: 11709 });
    must(await reg.reject(admin2, { transactionId: saleIssuanceId("c3") }));
    expect(await svc.completeCeilingSale(admin2, "c3")).toMatchObject({ ok: false, code: 11709, facts: { status: "rejected" } });
    expect((await svc.pendingCeilingSales()).find((p) => p.commandId === "c3")?.issuanceStatus).toBe("rejected");
    // listed as ended, not as open
    expect((await svc.pendingCeilingSales({ state: "ended" })).map((p) => p.commandId)).toEqual(["c3"]);
    expect((await svc.pendingCeilingSales({ state: "open" })).map((p) => p.commandId)).not.toContain("c3");
  });

  it("a request whose issuance never came is listed as not issued, and completing it issues (once)", async () => {
    // the process died after recording the request, before the issuance
    const rec = await recordRequest(db(), { commandId: "c4", account: "OP-A", installation: "INST-A", classCode: "GX-2026", quantity: 3n, issuanceAccount: "NAT", year: 2027, priceMinor: 4429n, decimals: 0, currency: "JPY", requestedBy: "admin", requestedAt: "2027-04-01T00:00:00.000Z" });
    expect(rec).toMatchObject({ commandId: "c4", issuanceStatus: null });
    const issuances = await issued();
    expect(await svc.completeCeilingSale(admin2, "c4")).toMatchObject({ ok: false, code: 11709, facts: { status: "awaiting_approval" } });
    expect(await svc.completeCeilingSale(admin2, "c4")).toMatchObject({ ok: false, code: 11709 });
    expect(await issued()).toBe(issuances + 1);
    must(await reg.approve(f.admin, { transactionId: saleIssuanceId("c4") }));
    expect(await svc.completeCeilingSale(f.admin, "c4")).toMatchObject({ ok: true, value: { id: "c4", quantity: 3n } });
  });

  it("pages the pending list oldest first, and keeps the requests append-only", async () => {
    const all = (await svc.pendingCeilingSales()).map((p) => p.commandId);
    expect(all).toEqual(["c2", "c3"]);
    expect((await svc.pendingCeilingSales({ take: 1 })).map((p) => p.commandId)).toEqual(["c2"]);
    expect((await svc.pendingCeilingSales({ after: "c2", take: 5 })).map((p) => p.commandId)).toEqual(["c3"]);
    // c2 awaits its issuance's approval (open), c3's was rejected (ended); the cursor works within a state
    expect((await svc.pendingCeilingSales({ state: "open" })).map((p) => p.commandId)).toEqual(["c2"]);
    expect((await svc.pendingCeilingSales({ state: "ended" })).map((p) => p.commandId)).toEqual(["c3"]);
    expect((await svc.pendingCeilingSales({ state: "open", after: "c2" })).map((p) => p.commandId)).toEqual([]);
    expect((await svc.pendingCeilingSales({ state: "ended", take: 1 })).map((p) => p.commandId)).toEqual(["c3"]);
    await expect(db().query("UPDATE ceiling_sale_requests SET quantity = 1")).rejects.toThrow();
    await expect(db().query("DELETE FROM ceiling_sale_requests")).rejects.toThrow();
    await expect(db().query("TRUNCATE ceiling_sale_requests")).rejects.toThrow();
  });

  it("a buyer no longer eligible when the sale completes is refused, and the sale stays pending", async () => {
    expect(await svc.sellAtCeiling(f.admin, { commandId: "c5", account: "OP-A", classCode: "GX-2026", quantity: "2" })).toMatchObject({ ok: false, code: 11709 });
    must(await reg.approve(admin2, { transactionId: saleIssuanceId("c5") }));
    must(await reg.blockAccount(f.admin, { commandId: "block-op-a", accountId: "OP-A" }));
    expect(await svc.completeCeilingSale(admin2, "c5")).toMatchObject({ ok: false, code: 11706, facts: { account: "OP-A" } });
    // the hook keeps the rule inside the transfer's own transaction: the ledger's door refuses it too
    expect(await reg.initiate(admin2, { transactionId: "ceiling-sale.c5", kind: "ceiling_sale", legs: [{ classCode: "GX-2026", from: "NAT", to: "OP-A", quantity: "2" }] })).toMatchObject({ ok: false });
    expect((await svc.pendingCeilingSales()).map((p) => p.commandId)).toContain("c5");
  });
});
