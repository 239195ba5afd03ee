// Goal: the security rules work end to end over HTTP with a moving clock: four-eyes (the initiator
// cannot approve; a second representative can, and the transfer executes), the trusted list's
// working-day activation, the 26-hour delay with cancellation inside it, the per-transaction limit
// and holding limits refused with their codes; an account's own limit raised only with a second
// person's approval of the exact version; idempotent replays by transaction id.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyLedger } from "../../src/registry/verify.ts";
import { buildFixture, type Fixture } from "./fixture.ts";
import { A, as, B, C, CLASS, seedWorld, type Session, signIn } from "./world.ts";
import { openMigratedPglite } from "../support/stores.ts";

let f: Fixture;
const s: Record<string, Session> = {};

beforeAll(async () => {
  const db = await openMigratedPglite();
  f = await buildFixture(db, {
    start: "2026-04-06T09:00:00Z", // a Monday
    security: {
      signIn: { secondFactorRoles: [], maxFailures: 5, maxFailuresPerUser: 25, lockoutMinutes: 15, backoffBaseSeconds: 1, backoffMaxSeconds: 60, minPasswordLength: 12 },
      sessions: { ttlMinutes: 60 * 24 * 60, challengeMinutes: 5 },
      holdingLimits: { defaultLimit: null, perHolder: { "Gamma Paper": 1000n }, unitTypes: ["allowance"], exemptAccountTypes: ["national_issuance", "surrender", "retirement", "voluntary_cancellation"] },
    },
  });
  await seedWorld(f);
  for (const u of ["admin", "admin2", "rep-a1", "rep-a2", "rep-b", "auditor"]) s[u] = await signIn(f, u);
}, 120_000);

afterAll(async () => {
  await f?.db.close();
});

const json = async (r: Response) => (await r.json()) as Record<string, unknown> & { status: unknown; code?: number; check?: string };

describe("flows over HTTP", () => {
  let t1 = "";
  it("four-eyes: the initiator cannot approve; a second representative approves; outside the trusted list the transfer waits 26 h", async () => {
    const t = await as(f, s["rep-a1"], "POST", "/v1/transfers", { commandId: "t-1", from: A, to: B, classCode: CLASS, quantity: "1000" });
    expect(t.status).toBe(201);
    const created = await json(t);
    expect(created.status).toBe("awaiting_approval");
    // The caller's key names the transaction within the caller's own space; the id names it for everyone.
    expect(created.key).toBe("t-1");
    t1 = created.id as string;
    const self = await as(f, s["rep-a1"], "POST", `/v1/transactions/${t1}/approve`, {});
    expect(self.status).toBe(403);
    expect((await json(self)).check).toBe("four-eyes-same-person");
    const other = await as(f, s["rep-b"], "POST", `/v1/transactions/${t1}/approve`, {});
    expect([403, 404]).toContain(other.status);
    const ok = await as(f, s["rep-a2"], "POST", `/v1/transactions/${t1}/approve`, {});
    expect(ok.status).toBe(200);
    const body = await json(ok);
    expect(body.status).toBe("delayed");
    expect(body.delayUntil).toBe("2026-04-07T11:00:00.000Z");
    f.clock.advanceHours(25);
    await as(f, s.admin, "POST", "/v1/release-due");
    expect((await json(await as(f, s["rep-a1"], "GET", `/v1/transactions/${t1}`))).status).toBe("delayed");
    f.clock.advanceHours(1);
    const rel = (await json(await as(f, s.admin, "POST", "/v1/release-due"))) as unknown as { items: Array<{ transactionId: string; status: string }> };
    expect(rel.items).toContainEqual(expect.objectContaining({ transactionId: t1, status: "completed" }));
    const h = (await json(await as(f, s["rep-b"], "GET", `/v1/accounts/${B}/holdings`))) as unknown as { holdings: Array<{ quantity: string }> };
    expect(h.holdings[0]?.quantity).toBe("3001000");
  });

  it("a replay with the same transaction id returns the first result (200), a different body is a 409", async () => {
    const again = await as(f, s["rep-a1"], "POST", "/v1/transfers", { commandId: "t-1", from: A, to: B, classCode: CLASS, quantity: "1000" });
    expect(again.status).toBe(200);
    expect((await json(again)).id).toBe(t1);
    const differs = await as(f, s["rep-a1"], "POST", "/v1/transfers", { commandId: "t-1", from: A, to: B, classCode: CLASS, quantity: "999" });
    expect(differs.status).toBe(409);
    expect((await json(differs)).check).toBe("replay-differs");
  });

  it("the caller's key is commandId in every write's body: a body with an older name (transactionId, reversalId, batchId) gets a 400 naming commandId and changes nothing", async () => {
    const cases: Array<[string, string, Record<string, unknown>]> = [
      ["transactionId", "/v1/transfers", { transactionId: "old-1", from: A, to: B, classCode: CLASS, quantity: "1" }],
      ["reversalId", `/v1/transactions/${t1}/reversal`, { reversalId: "old-2" }],
      ["batchId", "/v1/batches", { batchId: "old-3", kind: "allocation", transfers: [{ classCode: CLASS, from: A, to: B, quantity: "1" }] }],
    ];
    for (const [old, path, body] of cases) {
      const r = await as(f, old === "transactionId" ? s["rep-a1"] : s.admin, "POST", path, body);
      expect(r.status, old).toBe(400);
      const p = await json(r);
      expect(p.code).toBe(8020);
      expect(String(p.detail)).toContain(`${old} is now called commandId`);
      expect((p.facts as { field?: string }).field).toBe("commandId");
    }
    const t = await json(await as(f, s.auditor, "GET", "/v1/transactions?limit=500"));
    expect((t.items as Array<{ key: string }>).some((x) => x.key.startsWith("old-"))).toBe(false);
  });

  it("the initiator cancels inside the delay; the units stay", async () => {
    const t2 = (await json(await as(f, s["rep-a1"], "POST", "/v1/transfers", { commandId: "t-2", from: A, to: B, classCode: CLASS, quantity: "500" }))).id as string;
    const ap = await json(await as(f, s["rep-a2"], "POST", `/v1/transactions/${t2}/approve`, {}));
    expect(ap.status).toBe("delayed");
    f.clock.advanceHours(10);
    const cancel = await as(f, s["rep-a1"], "POST", `/v1/transactions/${t2}/cancel`, { reason: "phishing suspected" });
    expect(cancel.status).toBe(200);
    expect((await json(cancel)).status).toBe("cancelled");
    f.clock.advanceHours(20);
    await as(f, s.admin, "POST", "/v1/release-due");
    expect((await json(await as(f, s.auditor, "GET", `/v1/transactions/${t2}`))).status).toBe("cancelled");
  });

  it("a trusted-list entry needs a second representative and activates after 4 working days at 12:00; then transfers complete on approval without delay", async () => {
    const add = await as(f, s["rep-a1"], "POST", `/v1/accounts/${A}/trusted`, { trustedAccountId: B });
    expect(add.status).toBe(201);
    const entry = await json(add);
    expect(entry.active).toBe(false);
    expect(entry.status).toBe("awaiting_approval");
    const self = await as(f, s["rep-a1"], "POST", `/v1/accounts/${A}/trusted/${B}/approve`, { entryId: entry.entryId });
    expect(self.status).toBe(403);
    const approved = await as(f, s["rep-a2"], "POST", `/v1/accounts/${A}/trusted/${B}/approve`, { entryId: entry.entryId });
    expect(approved.status).toBe(200);
    expect((await json(approved)).status).toBe("pending");
    // Proposed Wednesday 2026-04-08 17:00 UTC (19:00 in Brussels): the 4th working day after is
    // Tuesday 2026-04-14 (Thu, Fri, Mon, Tue), at 12:00 Brussels summer time = 10:00 UTC.
    expect(entry.proposedAt).toBe("2026-04-08T17:00:00.000Z");
    expect(entry.activeFrom).toBe("2026-04-14T10:00:00.000Z");
    const activeFrom = Date.parse(entry.activeFrom as string);
    f.clock.set(new Date(activeFrom - 60_000));
    const t3 = (await json(await as(f, s["rep-a1"], "POST", "/v1/transfers", { commandId: "t-3", from: A, to: B, classCode: CLASS, quantity: "10" }))).id as string;
    expect((await json(await as(f, s["rep-a2"], "POST", `/v1/transactions/${t3}/approve`, {}))).status).toBe("delayed");
    f.clock.set(new Date(activeFrom + 60_000));
    const list = (await json(await as(f, s["rep-a2"], "GET", `/v1/accounts/${A}/trusted`))) as unknown as { items: Array<{ trustedAccountId: string; active: boolean }> };
    expect(list.items).toContainEqual(expect.objectContaining({ trustedAccountId: B, active: true }));
    const t4 = (await json(await as(f, s["rep-a1"], "POST", "/v1/transfers", { commandId: "t-4", from: A, to: B, classCode: CLASS, quantity: "10" }))).id as string;
    expect((await json(await as(f, s["rep-a2"], "POST", `/v1/transactions/${t4}/approve`, {}))).status).toBe("completed");
  });

  it("refuses above the per-transaction limit outside the trusted list (8006) and above a holding limit (8007)", async () => {
    const big = await as(f, s["rep-a1"], "POST", "/v1/transfers", { commandId: "t-5", from: A, to: C, classCode: CLASS, quantity: "2000001" });
    expect(big.status).toBe(422);
    expect((await json(big)).code).toBe(8006);
    const over = await as(f, s["rep-a1"], "POST", "/v1/transfers", { commandId: "t-6", from: A, to: C, classCode: CLASS, quantity: "1001" });
    expect(over.status).toBe(422);
    expect((await json(over)).code).toBe(8007);
    const within = await as(f, s["rep-a1"], "POST", "/v1/transfers", { commandId: "t-7", from: A, to: C, classCode: CLASS, quantity: "1000" });
    expect(within.status).toBe(201);
  });

  it("an administrator blocks an account; its transfers are refused until unblocked", async () => {
    expect((await as(f, s.admin, "POST", `/v1/accounts/${B}/block`, { commandId: "blk-1", reason: "investigation" })).status).toBe(201);
    const r = await as(f, s["rep-b"], "POST", "/v1/transfers", { commandId: "t-8", from: B, to: A, classCode: CLASS, quantity: "1" });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect((await json(r)).check).toBe("source-not-open");
    expect((await as(f, s.admin, "POST", `/v1/accounts/${B}/unblock`, { commandId: "unblk-1" })).status).toBe(201);
  });

  it("an administrator closes an empty account for good; an account holding units cannot be closed", async () => {
    const holding = await as(f, s.admin, "POST", `/v1/accounts/${A}/close`, { commandId: "cls-a" });
    expect(holding.status).toBe(422);
    expect((await as(f, s.admin, "GET", `/v1/accounts/${A}`)).status).toBe(200);
    expect(((await json(await as(f, s.admin, "GET", `/v1/accounts/${A}`))) as { status?: string }).status).toBe("open");
    const opened = await as(f, s.admin, "POST", "/v1/accounts", { commandId: "acc-spare", accountId: "JP-300-0099", type: "trading", holder: "Spare KK", name: "Spare" });
    expect(opened.status).toBe(201);
    const closed = await as(f, s.admin, "POST", "/v1/accounts/JP-300-0099/close", { commandId: "cls-spare", reason: "holder wound up" });
    expect(closed.status).toBe(201);
    expect((await json(closed)).status).toBe("closed");
    expect((await as(f, s.admin, "POST", "/v1/accounts/JP-300-0099/close", { commandId: "cls-spare", reason: "holder wound up" })).status).toBe(200);
    expect((await as(f, s.admin, "POST", "/v1/accounts/JP-300-0099/unblock", { commandId: "reopen-spare" })).status).toBeGreaterThanOrEqual(400);
  });

  it("an account's own limit: tightening applies at once, a raise waits for a second person whose approval names the version", async () => {
    const tight = await as(f, s["rep-a1"], "PUT", `/v1/accounts/${A}/limit`, { limit: "100" });
    expect(tight.status).toBe(200);
    expect(await json(tight)).toMatchObject({ accountId: A, limit: "100", pending: null, version: 1 });
    const over = await as(f, s["rep-a1"], "POST", "/v1/transfers", { commandId: "t-lim", from: A, to: C, classCode: CLASS, quantity: "101" });
    expect((await json(over)).code).toBe(8006);
    const raise = await json(await as(f, s["rep-a1"], "PUT", `/v1/accounts/${A}/limit`, { limit: "500" }));
    expect(raise).toMatchObject({ limit: "100", pending: { limit: "500", proposedBy: "rep-a1", version: 2 }, version: 2 });
    const self = await as(f, s["rep-a1"], "POST", `/v1/accounts/${A}/limit/approve`, { version: 2 });
    expect([self.status, (await json(self)).code]).toEqual([403, 8004]);
    const outsider = await as(f, s["rep-b"], "POST", `/v1/accounts/${A}/limit/approve`, { version: 2 });
    expect(outsider.status).toBe(403);
    // Proposed again after the approver looked: the approval of version 2 approves nothing.
    expect((await json(await as(f, s["rep-a1"], "PUT", `/v1/accounts/${A}/limit`, { limit: "800" }))).pending).toMatchObject({ limit: "800", version: 3 });
    const stale = await as(f, s["rep-a2"], "POST", `/v1/accounts/${A}/limit/approve`, { version: 2 });
    expect([stale.status, (await json(stale)).code]).toEqual([409, 8024]);
    expect(await json(await as(f, s.auditor, "GET", `/v1/accounts/${A}/limit`))).toMatchObject({ limit: "100", pending: { limit: "800", version: 3 } });
    const approved = await as(f, s["rep-a2"], "POST", `/v1/accounts/${A}/limit/approve`, { version: 3 });
    expect(approved.status).toBe(200);
    expect(await json(approved)).toMatchObject({ limit: "800", pending: null, version: 4 });
    // Removing the limit is a raise too; an administrator may approve it. Bad input is refused by field.
    expect((await as(f, s["rep-a1"], "PUT", `/v1/accounts/${A}/limit`, { limit: "-5" })).status).toBe(400);
    expect((await json(await as(f, s["rep-a1"], "PUT", `/v1/accounts/${A}/limit`, { limit: null }))).pending).toMatchObject({ limit: null, version: 5 });
    expect(await json(await as(f, s.admin, "POST", `/v1/accounts/${A}/limit/approve`, { version: 5 }))).toMatchObject({ limit: null, pending: null });
    expect((await as(f, s.admin, "POST", `/v1/accounts/${A}/limit/approve`, { version: 6 })).status).toBe(409);
    expect((await as(f, s["rep-b"], "GET", `/v1/accounts/${A}/limit`)).status).toBe(404);
  });

  it("records state-changing requests in the audit trail that administrators query", async () => {
    const page = (await json(await as(f, s.admin, "GET", "/v1/audit?action=transaction.&limit=500"))) as unknown as { items: Array<{ action: string; actor: string; outcome: string; ip: string }> };
    expect(page.items.some((r) => r.action === "transaction.initiate" && r.actor === "rep-a1" && r.outcome === "ok" && r.ip === "192.0.2.1")).toBe(true);
    expect(page.items.some((r) => r.action === "transaction.approve" && r.actor === "rep-a1" && r.outcome === "refused")).toBe(true);
    expect((await as(f, s["rep-a1"], "GET", "/v1/audit")).status).toBe(403);
  });

  it("ends a session at sign-out and a token at revocation at once, despite the principal cache", async () => {
    const fresh = await signIn(f, "rep-b");
    expect((await as(f, fresh, "GET", "/v1/auth/me")).status).toBe(200);
    expect((await as(f, fresh, "POST", "/v1/auth/sign-out")).status).toBe(204);
    expect((await as(f, fresh, "GET", "/v1/auth/me")).status).toBe(401);
    const created = (await json(await as(f, s["rep-b"], "POST", "/v1/tokens", { name: "ci", scopes: ["read"] }))) as unknown as { token: string; view: { tokenId: string } };
    const bearer = { headers: { authorization: `Bearer ${created.token}` } };
    expect((await f.request(`/v1/accounts/${B}/holdings`, bearer)).status).toBe(200);
    expect((await as(f, s["rep-b"], "DELETE", `/v1/tokens/${created.view.tokenId}`)).status).toBe(200);
    expect((await f.request(`/v1/accounts/${B}/holdings`, bearer)).status).toBe(401);
  });

  it("leaves a ledger that verifies", async () => {
    const v = await verifyLedger(f.db);
    expect(v.violations).toEqual([]);
  });

  it("answered only statuses the OpenAPI document declares for each operation", () => {
    expect(f.undeclared).toEqual([]);
  });
});
