// Goal: the small API additions the console needs behave: /v1/auth/me gives a cookie session its
// CSRF token again (a reloaded page can still send commands) and an API token none; a
// transaction's check trail is visible to whoever sees the transaction (its initiator's
// representative, administrators) and not to others, and follows the transaction from held to
// completed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDb } from "../support/stores.ts";
import { buildFixture, type Fixture } from "./fixture.ts";
import { A, as, C, CLASS, passwordOf, seedWorld, type Session, signIn } from "./world.ts";

let f: Fixture;
const s: Record<string, Session> = {};
beforeAll(async () => {
  f = await buildFixture(await openTestDb("pglite"), {
    security: { signIn: { secondFactorRoles: [], maxFailures: 5, maxFailuresPerUser: 5, lockoutMinutes: 15, backoffBaseSeconds: 1, backoffMaxSeconds: 60, minPasswordLength: 12 } },
  });
  await seedWorld(f);
  for (const u of ["admin", "rep-a1", "rep-a2", "rep-b"]) s[u] = await signIn(f, u);
}, 120_000);
afterAll(async () => {
  await f?.db.close();
});

const json = async (r: Response) => (await r.json()) as Record<string, any>;

describe("me", () => {
  it("returns the session's CSRF token, which then authorises a command; a token caller gets none", async () => {
    const me = await json(await f.request("/v1/auth/me", { headers: { cookie: s["rep-a1"]?.cookie ?? "" } }));
    expect(me.csrfToken).toBe(s["rep-a1"]?.csrf);
    expect(me.representing).toEqual([{ accountId: A, initiate: true, approve: true }]);
    // The roles are those sign-in answers (issue 15): a user who represents an account is a representative.
    const signedIn = await json(await f.request("/v1/auth/sign-in", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId: "rep-a1", password: passwordOf("rep-a1") }) }));
    expect(signedIn.roles).toContain("representative");
    expect(me.roles).toEqual(signedIn.roles);
    const created = await json(await as(f, s["rep-a1"], "POST", "/v1/tokens", { name: "t", scopes: ["read"] }));
    const viaToken = await json(await f.request("/v1/auth/me", { headers: { authorization: `Bearer ${created.token}` } }));
    expect(viaToken.csrfToken).toBeNull();
  });
});

describe("check trail", () => {
  it("follows a transfer from held to completed, for those who may see it", async () => {
    const t = await as(f, s["rep-a1"], "POST", "/v1/transfers", { commandId: "trail-1", from: A, to: C, classCode: CLASS, quantity: "10" });
    expect(t.status).toBe(201);
    // A representative's transaction id is derived from its key (docs/concepts/ledger.md).
    const id = ((await t.json()) as { id: string }).id;
    const held = await json(await as(f, s["rep-a2"], "GET", `/v1/transactions/${id}/checks`));
    const outcome = (trail: Record<string, any>, check: string) => trail.checks.find((c: { check: string }) => c.check === check)?.outcome;
    expect(outcome(held, "not-initiating-representative")).toBe("passed");
    expect(outcome(held, "four-eyes-same-person")).toBe("pending");
    expect(outcome(held, "insufficient-units")).toBe("pending");
    // rep-b represents neither A nor C
    expect((await as(f, s["rep-b"], "GET", `/v1/transactions/${id}/checks`)).status).toBe(404);
    expect((await as(f, undefined, "GET", `/v1/transactions/${id}/checks`)).status).toBe(401);
    expect((await as(f, s["rep-a2"], "POST", `/v1/transactions/${id}/approve`, {})).status).toBe(200);
    const after = await json(await as(f, s.admin, "GET", `/v1/transactions/${id}/checks`));
    expect(outcome(after, "four-eyes-same-person")).toBe("passed");
    expect(outcome(after, "transaction-not-due")).toBe("pending");
    // The seed's allocation was written by the ledger directly: no representative rules apply to it.
    const seed = await json(await as(f, s.admin, "GET", `/v1/transactions/seed-alloc-${A}/checks`));
    expect(seed.checks.every((c: { outcome: string }) => c.outcome === "passed")).toBe(true);
    expect(seed.checks.map((c: { check: string }) => c.check)).not.toContain("not-initiating-representative");
  });
});
