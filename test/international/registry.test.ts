// Goal: international units in the registry, through the one write path: classes defined from
// their attributes; the Article 6.2 book written by hooks in the transaction that moves the units
// (an issuance under an authorization, a transfer abroad recording the first transfer exactly
// once, a voluntary cancellation); bad commands (using unauthorized units towards the NDC, revoking
// after the deadline, issuing units of another host, moving ITMOs around the book) refused with
// their codes and nothing changed;
// a CDM issuance with its 2% share of proceeds and an Article 6.4 issuance of 1,000 -> 50 / 20 /
// 930; conservation (`verify`). The scenario is the first ITMOs' (test/international/
// first-itmos.test.ts): 1,916 units of Bangkok's e-bus programme, vintage 2022, authorized by
// Thailand, transferred to Switzerland. PGlite and PostgreSQL.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_SECURITY_CONFIG, type SecurityConfig } from "../../src/domain/security/config.ts";
import { loadInternationalRules } from "../../src/io/international.ts";
import { offeredUnits } from "../../src/registry/international/domestic.ts";
import { InternationalService } from "../../src/registry/international/service.ts";
import type { Move } from "../../src/registry/ledger/apply.ts";
import { verifyLedger } from "../../src/registry/verify.ts";
import { createUsers, type Fixture, setUp } from "../security/fixture.ts";
import { forEachStore } from "../support/stores.ts";

const fixtures = join(import.meta.dirname, "fixtures");
const { id: _i, name: _n, sources: _s, ...unfccc } = loadInternationalRules("unfccc") as unknown as Record<string, unknown>;
const thailand = loadInternationalRules(join(fixtures, "thailand.yaml")).article6;
const CONFIG = JSON.parse(JSON.stringify({ ...unfccc, article6: thailand }, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
const SECURITY: SecurityConfig = { ...DEFAULT_SECURITY_CONFIG, fourEyes: false, transferDelayHours: 0 };

const ITMO = { mechanism: "A6.2", unitType: "ITMO", creditKind: "reduction", host: "THA", vintage: 2022, cooperativeApproach: "CA0001", gwp: "AR5", project: "BKK-EBUS" };
const AUTHORIZATION = {
  commandId: "TH-LOA-BKK-EBUS", cooperativeApproach: "CA0001", purposes: "NDC", authorizedParties: ["CHE"], quantity: "500000", gwp: "AR5",
  sectors: ["Transport"], activityTypes: ["Electric buses"], timeframe: { from: 2022, to: 2030 }, terms: "Authorized for use towards Switzerland's NDC.",
};

function ok<T extends { ok: boolean }>(r: T): Extract<T, { ok: true }> {
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r)}`);
  return r as Extract<T, { ok: true }>;
}

forEachStore("international units in the registry", (get) => {
  let f: Fixture;
  let intl: InternationalService;
  let admin: Awaited<ReturnType<Fixture["as"]>>;
  let rep: Awaited<ReturnType<Fixture["as"]>>;
  let cls: string;
  let plain: string;
  const held = async (account: string, code: string) => (await f.reg.ledger.holdings(account))?.find((h) => h.classCode === code)?.quantity ?? 0n;
  const book = async () => (await get().query<{ kind: string; id: string; tx_id: string | null }>("SELECT kind, id, tx_id FROM intl_book ORDER BY seq")).rows;

  it("sets up Thailand's registry: configuration, users, the Party holding account, the ITMO class from its attributes", async () => {
    f = await setUp(get(), SECURITY, "2023-11-01T09:00:00Z");
    await createUsers(f, [["admin", ["national-admin"]], ["rep", []]]);
    admin = await f.as("admin");
    intl = new InternationalService(f.reg, get(), f.clock);
    ok(await intl.configure(admin, CONFIG));
    ok(await f.reg.openAccount(admin, { commandId: "o-tha", accountId: "THA-GOV", type: "party_holding", holder: "Thailand", name: "Thailand" }));
    ok(await f.reg.openAccount(admin, { commandId: "o-ret", accountId: "THA-RET", type: "retirement", holder: "Thailand", name: "Retirement" }));
    ok(await f.reg.addRepresentative(admin, { accountId: "THA-GOV", userId: "rep", initiate: true, approve: true }));
    rep = await f.as("rep");
    const c = ok(await intl.defineClass(admin, { commandId: "c-itmo", attributes: ITMO }));
    cls = c.value.code;
    expect(c.value.attributes).toMatchObject({ mechanism: "A6.2", host: "THA", vintage: 2022, cooperativeApproach: "CA0001" });
    // The same attributes again: the same class, nothing new.
    expect(ok(await intl.defineClass(admin, { commandId: "c-itmo-2", attributes: ITMO })).value.code).toBe(cls);
    plain = ok(await intl.defineClass(admin, { commandId: "c-plain", attributes: { ...ITMO, project: "OTHER" } })).value.code;
    expect(plain).not.toBe(cls);
  });

  it("authorizes, and issues 1,916 ITMOs under the authorization: the book records the issuance in the issuance's transaction", async () => {
    const a = ok(await intl.decideBook(admin, "authorize", AUTHORIZATION));
    expect(a.value.map((r) => r.kind)).toEqual(["authorization"]);
    // Only an administrator authorizes.
    expect(await intl.decideBook(rep, "authorize", { ...AUTHORIZATION, commandId: "X" })).toMatchObject({ ok: false, check: "kind-not-allowed" });
    f.clock.set("2023-12-15T09:00:00Z");
    const i = ok(await intl.issue(admin, { commandId: "TH-ISS-2022-Q4", classCode: cls, account: "THA-GOV", quantity: "1916", authorization: "TH-LOA-BKK-EBUS", sector: "Transport", activityType: "Electric buses" }));
    expect(i.value.status).toBe("completed");
    expect(await held("THA-GOV", cls)).toBe(1916n);
    expect(await book()).toEqual([
      { kind: "authorization", id: "TH-LOA-BKK-EBUS", tx_id: null },
      { kind: "issuance", id: "TH-ISS-2022-Q4", tx_id: "TH-ISS-2022-Q4" },
      { kind: "cover", id: "TH-ISS-2022-Q4/cover", tx_id: "TH-ISS-2022-Q4" },
    ]);
  });

  it("refuses moving ITMOs around the book: a plain retirement (10710), an ITMO use without the operation (10008); nothing changes", async () => {
    const before = await book();
    const ret = await f.reg.initiate(rep, { transactionId: "plain-ret", kind: "retirement", purpose: "offset", beneficiary: "Acme", legs: [{ classCode: cls, from: "THA-GOV", to: "THA-RET", quantity: "10" }] as never });
    expect(ret).toMatchObject({ ok: false, code: 10710 });
    const direct = await f.reg.ledger.propose({ transactionId: "direct-use", kind: "itmo_use", legs: [{ classCode: cls, from: "THA-GOV", to: "THA-RET", quantity: "10" }] });
    expect(direct).toMatchObject({ ok: false, code: 10008 });
    expect(await held("THA-GOV", cls)).toBe(1916n);
    expect(await book()).toEqual(before);
  });

  it("transfers the 1,916 to Switzerland: the first transfer and the transfer recorded once, in the transfer's transaction", async () => {
    const t = ok(await intl.transfer(rep, { commandId: "TH-CH-2023-1", from: "THA-GOV", to: "CHE", classCode: cls, quantity: "1916" }));
    expect(t.value.status).toBe("completed");
    expect(await held("THA-GOV", cls)).toBe(0n);
    expect(await held("INTL-OUTBOUND-CHE", cls)).toBe(1916n);
    const again = ok(await intl.transfer(rep, { commandId: "TH-CH-2023-1", from: "THA-GOV", to: "CHE", classCode: cls, quantity: "1916" }));
    expect(again.replayed).toBe(true);
    const rows = await book();
    expect(rows.slice(3).map((r) => [r.kind, r.id, r.tx_id])).toEqual([
      ["first-transfer", "TH-CH-2023-1/ft1", t.value.id],
      ["transfer", "TH-CH-2023-1", t.value.id],
    ]);
    // The same id with another content is refused.
    expect(await intl.transfer(rep, { commandId: "TH-CH-2023-1", from: "THA-GOV", to: "JPN", classCode: cls, quantity: "1916" })).toMatchObject({ ok: false, code: 10005 });
  });

  it("cancels authorized ITMOs voluntarily: the cancellation recorded in the cancellation's transaction", async () => {
    ok(await intl.issue(admin, { commandId: "TH-ISS-2", classCode: cls, account: "THA-GOV", quantity: "50", authorization: "TH-LOA-BKK-EBUS", sector: "Transport", activityType: "Electric buses" }));
    const c = ok(await intl.useOrCancel(rep, "cancel", { commandId: "TH-CAN-1", from: "THA-GOV", classCode: cls, quantity: "50", reason: "voluntary" }));
    expect(c.value.status).toBe("completed");
    expect(await held("THA-GOV", cls)).toBe(0n);
    const rows = await book();
    expect(rows.filter((r) => r.tx_id === c.value.id).map((r) => r.kind)).toContain("cancellation");
  });

  it("refuses using unauthorized units towards the NDC (10701) and changes nothing", async () => {
    ok(await intl.issue(admin, { commandId: "TH-ISS-PLAIN", classCode: plain, account: "THA-GOV", quantity: "100", sector: "Transport", activityType: "Electric buses" }));
    const before = await book();
    const u = await intl.useOrCancel(rep, "use", { commandId: "TH-USE-1", from: "THA-GOV", classCode: plain, quantity: "100", purpose: "NDC", forYear: 2023 });
    expect(u).toMatchObject({ ok: false, code: 10701 });
    expect(await held("THA-GOV", plain)).toBe(100n);
    expect(await f.reg.ledger.getTransaction(f.reg.ledger.idFor("user:rep", "TH-USE-1"))).toBeUndefined();
    expect(await book()).toEqual(before);
  });

  it("refuses issuing (and so authorizing) units of another host (10501) and changes nothing", async () => {
    const swiss = ok(await intl.defineClass(admin, { commandId: "c-swiss", attributes: { ...ITMO, host: "CHE" } })).value.code;
    const before = await book();
    const r = await intl.issue(admin, { commandId: "TH-ISS-SWISS", classCode: swiss, account: "THA-GOV", quantity: "10", authorization: "TH-LOA-BKK-EBUS", sector: "Transport", activityType: "Electric buses" });
    expect(r).toMatchObject({ ok: false, code: 10501 });
    expect(await held("THA-GOV", swiss)).toBe(0n);
    expect(await f.reg.ledger.getTransaction("TH-ISS-SWISS")).toBeUndefined();
    expect(await book()).toEqual(before);
  });

  it("refuses revoking after the 30-day deadline (10505) and changes nothing", async () => {
    f.clock.set("2024-01-15T09:00:00Z");
    const before = await book();
    expect(await intl.decideBook(admin, "revoke", { commandId: "TH-REV-1", authorization: "TH-LOA-BKK-EBUS" })).toMatchObject({ ok: false, code: 10505 });
    expect(await book()).toEqual(before);
  });

  it("issues a CDM issuance with its 2% share of proceeds, and an Article 6.4 issuance of 1,000 as 50 / 20 / 930", async () => {
    const cer = ok(await intl.defineClass(admin, { commandId: "c-cer", attributes: { mechanism: "CDM", unitType: "CER", creditKind: "reduction", host: "BR", vintage: 2012, project: "CDM-0001", commitmentPeriod: "CP2" } })).value.code;
    const cdm = ok(await intl.issueWithShares(admin, { commandId: "CDM-ISS-1", classCode: cer, quantity: "1000", to: "THA-GOV" }));
    expect(cdm.value.steps.map((s) => [s.step, s.kind, s.quantity])).toEqual([["issue", "issuance", 1000n], ["share_of_proceeds", "share_of_proceeds", 20n], ["forward", "forwarding", 980n]]);
    expect(await held("THA-GOV", cer)).toBe(980n);
    expect(await held("INTL-PENDING-CDM", cer)).toBe(0n);
    const er = ok(await intl.defineClass(admin, { commandId: "c-a64", attributes: { mechanism: "A6.4", unitType: "A6.4ER", creditKind: "reduction", host: "GH", vintage: 2025, project: "A64-0001" } })).value.code;
    const a64 = ok(await intl.issueWithShares(admin, { commandId: "A64-ISS-1", classCode: er, quantity: "1000", to: "THA-GOV" }));
    expect(a64.value.steps.map((s) => [s.step, s.quantity])).toEqual([["issue", 1000n], ["share_of_proceeds", 50n], ["omge", 20n], ["forward", 930n]]);
    expect(await held("THA-GOV", er)).toBe(930n);
    // Run again: replayed, nothing moves twice.
    ok(await intl.issueWithShares(admin, { commandId: "A64-ISS-1", classCode: er, quantity: "1000", to: "THA-GOV" }));
    expect(await held("THA-GOV", er)).toBe(930n);
    // Forwarding from the pending account without the operation is refused.
    expect(await f.reg.ledger.propose({ transactionId: "fw-x", kind: "forwarding", legs: [{ classCode: er, from: "INTL-PENDING-A64", to: "THA-GOV", quantity: "1" }] })).toMatchObject({ ok: false });
  });

  it("says what units offer for domestic compliance: attributes and Article 6 state per run (for compliance's surrender hook)", async () => {
    const moves = async (id: string) => ((await f.reg.ledger.getTransaction(id))?.movements ?? []).map((m) => [m.legNo, 0, m.classCode, m.from, m.to, String(m.start), String(m.end)] as Move);
    const first = await offeredUnits(get(), intl.book, await moves("TH-ISS-2022-Q4"));
    expect(first.map((u) => [u.attributes.project, u.quantity, u.article6])).toEqual([["BKK-EBUS", 1916n, { authorized: true, firstTransferred: true }]]);
    const plainUnits = await offeredUnits(get(), intl.book, await moves("TH-ISS-PLAIN"));
    expect(plainUnits.map((u) => [u.attributes.project, u.quantity, u.article6])).toEqual([["OTHER", 100n, { authorized: false, firstTransferred: false }]]);
  });

  it("conserves every unit: verify passes", async () => {
    const v = await verifyLedger(get());
    expect(v.ok).toBe(true);
  });
});

describe("configuration", () => {
  it("the test configuration carries Thailand's party", () => {
    expect(CONFIG.article6.party).toBe("THA");
  });
});
