// Goal: the international operations over HTTP, as the reference documents them: an administrator
// records Thailand's rules, defines the ITMO class from its attributes, authorizes and issues the
// first ITMOs; a representative transfers them to Switzerland; the book shows the authorization,
// the first transfer and Thailand's corresponding adjustment for 2022 (+1,916); the AEF for 2023
// has the first transfer row; bad commands answer problems with their 10xxx codes (never 500) and
// change nothing; holdings rows carry an international class's credit attributes (null for
// others). Scenario: test/international/first-itmos.test.ts.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INTL_CHECKS } from "../../src/domain/international/codes.ts";
import { loadInternationalRules } from "../../src/io/international.ts";
import { openTestDb } from "../support/stores.ts";
import { buildFixture, type Fixture } from "./fixture.ts";
import { A, as, CLASS, type Session, SYSTEM, seedWorld, signIn } from "./world.ts";

const thailand = loadInternationalRules(join(import.meta.dirname, "../international/fixtures/thailand.yaml")).article6;
const RULES = JSON.parse(JSON.stringify({ domesticUse: [], article6: thailand }, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
const ITMO = { mechanism: "A6.2", unitType: "ITMO", creditKind: "reduction", host: "THA", vintage: 2022, cooperativeApproach: "CA0001", gwp: "AR5", project: "BKK-EBUS" };
const GOV = "TH-100-0001";

describe("international operations over HTTP", () => {
  let f: Fixture;
  let admin: Session;
  let rep: Session;
  let cls: string;
  beforeAll(async () => {
    f = await buildFixture(await openTestDb("pglite"), {
      start: "2023-11-01T09:00:00Z",
      security: { fourEyes: false, transferDelayHours: 0, signIn: { secondFactorRoles: [], maxFailures: 5, maxFailuresPerUser: 25, lockoutMinutes: 15, backoffBaseSeconds: 1, backoffMaxSeconds: 60, minPasswordLength: 12 } },
    });
    await seedWorld(f);
    const o = await f.registry.openAccount(SYSTEM, { commandId: "open-gov", accountId: GOV, type: "party_holding", holder: "Thailand", name: "Thailand" });
    expect(o.ok).toBe(true);
    expect((await f.registry.addRepresentative(SYSTEM, { accountId: GOV, userId: "rep-a1", initiate: true, approve: true })).ok).toBe(true);
    admin = await signIn(f, "admin");
    rep = await signIn(f, "rep-a1");
  });
  afterAll(async () => {
    await f.db.close();
  });

  /** Moves the clock (sessions expire, so both sign in again). */
  const jump = async (t: string) => {
    f.clock.set(t);
    admin = await signIn(f, "admin");
    rep = await signIn(f, "rep-a1");
  };
  const json = async (r: Response) => (await r.json()) as Record<string, any>;
  const holding = async () => (await f.ledger.holdings(GOV))?.find((h) => h.classCode === cls)?.quantity ?? 0n;

  it("records the rules and defines the class; the same attributes again answer 200 with the same class", async () => {
    expect((await as(f, admin, "PUT", "/v1/international/configuration", RULES)).status).toBe(201);
    const bad = await as(f, admin, "PUT", "/v1/international/configuration", { ...RULES, article6: { ...RULES.article6, party: "Thailand" } });
    expect(bad.status).toBe(400);
    expect(await json(bad)).toMatchObject({ code: 10001 });
    const r = await as(f, admin, "POST", "/v1/international/classes", { commandId: "c-itmo", attributes: ITMO });
    expect(r.status).toBe(201);
    cls = (await json(r)).code;
    const again = await as(f, admin, "POST", "/v1/international/classes", { commandId: "c-itmo", attributes: ITMO });
    expect([again.status, (await json(again)).code]).toEqual([200, cls]);
    const list = await json(await as(f, rep, "GET", "/v1/international/classes"));
    expect(list.items).toEqual([{ code: cls, attributes: expect.objectContaining({ mechanism: "A6.2", host: "THA", vintage: 2022, cooperativeApproach: "CA0001", gwp: "AR5" }), definedAt: expect.any(String), issued: "0" }]);
  });

  it("authorizes, issues 1,916 under the authorization, and the representative transfers them to Switzerland", async () => {
    const loa = await as(f, admin, "POST", "/v1/international/authorizations", {
      commandId: "TH-LOA-BKK-EBUS", cooperativeApproach: "CA0001", purposes: "NDC", authorizedParties: ["CHE"], quantity: "500000", gwp: "AR5", sectors: ["Transport"], activityTypes: ["Electric buses"],
      timeframe: { from: 2022, to: 2030 }, terms: "Authorized for use towards Switzerland's NDC.",
    });
    expect(loa.status).toBe(201);
    await jump("2023-12-15T09:00:00Z");
    const iss = await as(f, admin, "POST", "/v1/international/issuances", { commandId: "TH-ISS-2022-Q4", classCode: cls, account: GOV, quantity: "1916", authorization: "TH-LOA-BKK-EBUS", sector: "Transport", activityType: "Electric buses" });
    expect([iss.status, (await json(iss)).status]).toEqual([201, "completed"]);
    const trf = await as(f, rep, "POST", "/v1/international/transfers", { commandId: "TH-CH-2023-1", from: GOV, to: "CHE", classCode: cls, quantity: "1916" });
    expect([trf.status, (await json(trf)).status]).toEqual([201, "completed"]);
    expect(await holding()).toBe(0n);
    // Another representative's account: denied, nothing left behind.
    const other = await as(f, await signIn(f, "rep-b"), "POST", "/v1/international/transfers", { commandId: "X-1", from: GOV, to: "CHE", classCode: cls, quantity: "1" });
    expect([other.status, (await json(other)).check]).toEqual([403, "not-initiating-representative"]);
  });

  it("shows the book: the authorization, the first transfer, and Thailand's adjustment of +1,916 for 2022", async () => {
    const b = await json(await as(f, admin, "GET", "/v1/international/book"));
    expect(b.party).toBe("THA");
    expect(b.authorizations.map((a: { id: string; quantity: string }) => [a.id, a.quantity])).toEqual([["TH-LOA-BKK-EBUS", "500000"]]);
    expect(b.firstTransfers.map((r: { id: string; to: string }) => [r.id, r.to])).toEqual([["TH-CH-2023-1/ft1", "CHE"]]);
    expect(b.adjustments).toEqual([{ party: "THA", year: 2022, quantity: "1916", firstTransferred: "1916", used: "0" }]);
    expect(b.records.map((r: { kind: string }) => r.kind)).toEqual(["authorization", "issuance", "cover", "first-transfer", "transfer"]);
  });

  it("answers Thailand's AEF for 2023 with the first transfer row", async () => {
    const r = await as(f, admin, "GET", "/v1/international/aef?party=THA&year=2023");
    expect(r.status).toBe(200);
    const aef = await json(r);
    expect(aef.actions.rows).toEqual([[
      "15/12/2023", "First transfer", "First international transfer", "CA0001", "TH-LOA-BKK-EBUS", "THA", "THA01", "CA0001-THA01-THA-1-2022", "CA0001-THA01-THA-1916-2022",
      "NA", "NA", "NA", "GHG", "AR5", "NA", 1916, "NA", "Emission reductions", 2022, "THA", "CHE", "NA", "NA", "NA", "NA", null, null,
    ]]);
    const other = await as(f, admin, "GET", "/v1/international/aef?party=CHE&year=2023");
    expect([other.status, (await json(other)).code]).toEqual([400, 10001]);
  });

  it("refuses bad commands with their codes and changes nothing", async () => {
    const plain = (await json(await as(f, admin, "POST", "/v1/international/classes", { commandId: "c-plain", attributes: { ...ITMO, project: "OTHER" } }))).code;
    expect((await as(f, admin, "POST", "/v1/international/issuances", { commandId: "TH-ISS-PLAIN", classCode: plain, account: GOV, quantity: "100", sector: "Transport", activityType: "Electric buses" })).status).toBe(201);
    const before = (await f.db.query("SELECT count(*)::int AS n FROM intl_book")).rows[0];
    const cases: Array<[string, string, unknown, number]> = [
      ["/v1/international/uses", "rep", { commandId: "U-1", from: GOV, classCode: plain, quantity: "100", purpose: "NDC", forYear: 2023 }, 10701],
      ["/v1/international/authorizations/TH-LOA-BKK-EBUS/revoke", "admin", { commandId: "REV-1" }, 10505],
      ["/v1/international/transfers", "rep", { commandId: "TH-CH-2023-1", from: GOV, to: "JPN", classCode: cls, quantity: "1916" }, 10005],
    ];
    await jump("2024-01-20T09:00:00Z");
    for (const [path, who, body, code] of cases) {
      const r = await as(f, who === "rep" ? rep : admin, "POST", path, body);
      const p = await json(r);
      expect([path, p.code], JSON.stringify(p)).toEqual([path, code]);
      const def = Object.values(INTL_CHECKS).find((c) => c.code === code);
      expect(r.status).toBe(def?.status);
    }
    expect((await f.db.query("SELECT count(*)::int AS n FROM intl_book")).rows[0]).toEqual(before);
    expect((await f.ledger.holdings(GOV))?.find((h) => h.classCode === plain)?.quantity).toBe(100n);
    // A malformed body is a 400, never a 500.
    expect((await as(f, rep, "POST", "/v1/international/uses", { commandId: "U-2", from: GOV, classCode: plain, quantity: "-1", purpose: "NDC" })).status).toBe(400);
  });

  it("shows the credit attributes on holdings rows: the class's attributes for international units, null for others", async () => {
    const h = await json(await as(f, rep, "GET", `/v1/accounts/${GOV}/holdings`));
    expect(h.holdings).toEqual([
      expect.objectContaining({ quantity: "100", attributes: { ...ITMO, project: "OTHER", activityType: null, commitmentPeriod: null, expiry: null, labels: [], methodology: null, sector: null } }),
    ]);
    const domestic = await json(await as(f, admin, "GET", `/v1/accounts/${A}/holdings`));
    expect(domestic.holdings.map((x: { classCode: string; attributes: unknown }) => [x.classCode, x.attributes])).toEqual([[CLASS, null]]);
  });
});
