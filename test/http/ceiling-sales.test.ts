// Goal: a sale at a hard ceiling finished over the API by its commandId alone. A national
// administrator sells (the request is recorded, its issuance beyond the cap waits: 409, 11709); the
// authority reads the pending list (buyer, class, quantity, price, exact amount, issuance and its
// status, who asked) but may not complete; another administrator approves the issuance and then
// completes the sale with POST /v1/ceiling-sales/{commandId}/complete, with no figures; the sale
// leaves the pending list. A malformed commandId (400), an unknown one (404) and a repeat of the
// sale with other figures (409, the field named) are refused; nothing answers 500 and every status
// is declared in the OpenAPI document. The rulebook is examples/play/gx-hard-ceiling.rulebook.yaml
// (GX-ETS keeping its ceiling by fixed-price sales: JPY 4,300 in FY2026, METI via BCI).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRulebook, rulebookValue } from "../../src/io/rulebook.ts";
import { ComplianceService } from "../../src/registry/compliance/index.ts";
import { recordRulebook } from "../../src/registry/settings.ts";
import { buildFixture, type Fixture } from "./fixture.ts";
import { A, as, CLASS, type Session, seedWorld, signIn } from "./world.ts";
import { openMigratedPglite } from "../support/stores.ts";

const HARD = "examples/play/gx-hard-ceiling.rulebook.yaml";
let f: Fixture;
const s: Record<string, Session> = {};

beforeAll(async () => {
  const db = await openMigratedPglite();
  // recorded before the registry opens, so that it installs the sale's hook (as the server does)
  await recordRulebook(db, "gx-hard-ceiling", rulebookValue(HARD), "2026-04-01T00:00:00.000Z");
  f = await buildFixture(db, {
    rulebook: { name: "gx-hard-ceiling", rulebook: loadRulebook(HARD) },
    // no second factor at sign-in: this test is about the sale, not the sign-in
    security: { signIn: { secondFactorRoles: [], maxFailures: 5, maxFailuresPerUser: 25, lockoutMinutes: 15, backoffBaseSeconds: 1, backoffMaxSeconds: 60, minPasswordLength: 12 } } as never,
  });
  await seedWorld(f);
  const principal = await f.auth.principalOf("admin", "session", "all");
  if (!principal) throw new Error("no principal for admin");
  const reg = await new ComplianceService(f.registry).registerInstallation({ principal, ip: null }, { commandId: "reg-a", installation: "INST-A", accountId: A });
  expect(reg, JSON.stringify(reg)).toMatchObject({ ok: true });
  for (const u of ["admin", "admin2", "auditor", "rep-a1"]) s[u] = await signIn(f, u);
}, 120_000);

afterAll(async () => {
  await f?.db.close();
});

type Body = Record<string, unknown> & { code?: number; facts?: Record<string, unknown>; items?: Array<Record<string, unknown>> };
const call = async (user: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: Body }> => {
  const res = await as(f, s[user], method, path, body);
  return { status: res.status, body: (await res.json()) as Body };
};

describe("a sale at the ceiling completed by its commandId over the API", () => {
  it("the authority reads the pending sale, another administrator approves and completes it knowing only its id", async () => {
    const sale = { commandId: "api-sale-1", account: A, classCode: CLASS, quantity: "30" };
    expect(await call("admin", "POST", "/v1/ceiling-sales", sale)).toMatchObject({ status: 409, body: { code: 11709, facts: { status: "awaiting_approval" } } });
    // a repeat with other figures is refused naming the field, before any sale row exists
    expect(await call("admin", "POST", "/v1/ceiling-sales", { ...sale, quantity: "31" })).toMatchObject({ status: 409, body: { code: 11003, facts: { field: "quantity" } } });
    const pending = await call("auditor", "GET", "/v1/ceiling-sales/pending");
    expect(pending).toMatchObject({ status: 200, body: { nextCursor: null } });
    expect(pending.body.items).toEqual([
      expect.objectContaining({ commandId: "api-sale-1", account: A, installation: "INST-A", classCode: CLASS, quantity: "30", year: 2026, price: "4300", amount: "129000", currency: "JPY", issuanceId: "ceiling-sale.api-sale-1.issue", issuanceStatus: "awaiting_approval", requestedBy: "admin" }),
    ]);
    // awaiting approval, it is open, not ended
    expect((await call("auditor", "GET", "/v1/ceiling-sales/pending?state=open")).body.items).toEqual([expect.objectContaining({ commandId: "api-sale-1" })]);
    expect(await call("auditor", "GET", "/v1/ceiling-sales/pending?state=ended")).toMatchObject({ status: 200, body: { items: [], nextCursor: null } });
    // the authority may not complete it; a representative may not read the list
    expect((await call("auditor", "POST", "/v1/ceiling-sales/api-sale-1/complete", {})).status).toBe(403);
    expect((await call("rep-a1", "GET", "/v1/ceiling-sales/pending")).status).toBe(403);
    expect(await call("admin2", "POST", "/v1/ceiling-sales/api-sale-1/complete", {})).toMatchObject({ status: 409, body: { code: 11709 } });
    expect((await call("admin2", "POST", "/v1/transactions/ceiling-sale.api-sale-1.issue/approve", {})).status).toBe(200);
    const done = await call("admin2", "POST", "/v1/ceiling-sales/api-sale-1/complete", {});
    expect(done).toMatchObject({ status: 201, body: { id: "api-sale-1", account: A, classCode: CLASS, quantity: "30", amount: "129000", soldBy: "admin2", beyondCap: true } });
    expect(await call("admin", "POST", "/v1/ceiling-sales/api-sale-1/complete", {})).toMatchObject({ status: 200, body: { id: "api-sale-1" } });
    expect((await call("auditor", "GET", "/v1/ceiling-sales/pending")).body.items).toEqual([]);
    expect((await f.ledger.holdings(A))?.find((h) => h.classCode === CLASS)?.quantity).toBeGreaterThanOrEqual(30n);
  });

  it("refuses a malformed or unknown commandId, never with a 500, with every status declared", async () => {
    expect(await call("admin", "POST", "/v1/ceiling-sales/never-sent/complete", {})).toMatchObject({ status: 404, body: { code: 11710, facts: { commandId: "never-sent", field: "commandId" } } });
    const bad = await call("admin", "POST", `/v1/ceiling-sales/${encodeURIComponent("bad key!")}/complete`, {});
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/commandId/);
    expect((await call("admin", "POST", `/v1/ceiling-sales/${"x".repeat(101)}/complete`, {})).status).toBe(400);
    expect((await call("admin", "GET", "/v1/ceiling-sales/pending?limit=0")).status).toBe(400);
    const badState = await call("admin", "GET", "/v1/ceiling-sales/pending?state=closed");
    expect(badState.status).toBe(400);
    expect(JSON.stringify(badState.body)).toMatch(/state/);
    expect(f.undeclared).toEqual([]);
  });
});
