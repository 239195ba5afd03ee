// Goal (issue 16, item 6): what only a signed-in person may do with their own credentials (change
// their password, replace their second factor, create API tokens) refuses an API token, whatever
// its scopes, with 403 `session-required` (8115) and a message that says what was refused and
// why. Before, a read-only token calling POST /v1/auth/password was told it could not set
// "another user's password".
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFixture, type Fixture } from "./fixture.ts";
import { passwordOf, seedWorld, SYSTEM } from "./world.ts";
import { openMigratedPglite } from "../support/stores.ts";

let f: Fixture;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  const db = await openMigratedPglite();
  f = await buildFixture(db, { security: { signIn: { secondFactorRoles: [], maxFailures: 5, maxFailuresPerUser: 25, lockoutMinutes: 15, backoffBaseSeconds: 1, backoffMaxSeconds: 60, minPasswordLength: 12 } } });
  await seedWorld(f);
  for (const [name, user, scopes] of [["readOnly", "rep-a1", ["read"]], ["admin", "admin", ["admin", "read"]]] as const) {
    const r = await f.auth.createApiToken(SYSTEM, { userId: user, name, scopes: [...scopes] });
    if (!r.ok) throw new Error(r.message);
    tokens[name] = r.value.token;
  }
}, 60_000);

afterAll(async () => {
  await f?.db.close();
});

const call = (token: string, method: string, path: string, body?: unknown) =>
  f.request(path, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

describe("operations on one's own credentials need a session", () => {
  it("refuses a read-only token changing its user's password, saying what and why", async () => {
    const res = await call(tokens.readOnly as string, "POST", "/v1/auth/password", { oldPassword: passwordOf("rep-a1"), newPassword: "a-new-long-password" });
    expect(res.status).toBe(403);
    const p = (await res.json()) as { code: number; check: string; detail: string; facts: Record<string, unknown> };
    expect(p).toMatchObject({ code: 8115, check: "session-required", facts: { operation: "changeOwnPassword", via: "token", scopes: ["read"] } });
    expect(p.detail).toMatch(/changing one's own password needs a signed-in session/);
    expect(p.detail).toMatch(/API token/);
    expect(p.detail).not.toMatch(/another user/);
    // Nothing changed: the old password still signs in.
    expect((await f.auth.signIn("192.0.2.1", { userId: "rep-a1", password: passwordOf("rep-a1") })).ok).toBe(true);
  });

  it("refuses even an administrator's token with every scope it has, for the second factor and new tokens too", async () => {
    for (const [path, body, what] of [
      ["/v1/auth/password", { oldPassword: passwordOf("admin"), newPassword: "a-new-long-password" }, "changing one's own password"],
      ["/v1/auth/totp/reset", undefined, "replacing one's own second factor"],
      ["/v1/tokens", { name: "more", scopes: ["read"] }, "creating API tokens"],
    ] as const) {
      const res = await call(tokens.admin as string, "POST", path, body);
      expect(res.status, path).toBe(403);
      const p = (await res.json()) as { code: number; detail: string };
      expect(p.code).toBe(8115);
      expect(p.detail).toContain(what);
    }
  });
});
