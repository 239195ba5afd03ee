// Goal (issue 18, item 5): every problem the API answers carries a stable numeric `code` and a
// `check` name from the catalogue (docs/reference/security-rules.md, checks.md), as the API guide
// promises. Before, malformed JSON, a bad cursor, an unknown route, 413, 415, 429, CSRF refusals
// and unexpected errors came without one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SECURITY_CHECKS } from "../../src/domain/security/codes.ts";
import { CSRF_HEADER } from "../../src/http/app.ts";
import type { SecureRegistry } from "../../src/registry/secure/index.ts";
import { buildFixture, type Fixture } from "./fixture.ts";
import { A, as, B, CLASS, seedWorld, type Session, signIn } from "./world.ts";
import { openMigratedPglite } from "../support/stores.ts";

let f: Fixture;
let broken: Fixture;
let rep: Session;

beforeAll(async () => {
  const db = await openMigratedPglite();
  const security = { signIn: { secondFactorRoles: [], maxFailures: 5, maxFailuresPerUser: 25, lockoutMinutes: 15, backoffBaseSeconds: 1, backoffMaxSeconds: 60, minPasswordLength: 12 } };
  f = await buildFixture(db, { security, http: { bodyLimitBytes: 2048, rateLimit: { ip: { max: 1000, windowMs: 60_000 }, user: { max: 1000, windowMs: 60_000 }, signIn: { max: 1000, windowMs: 60_000 } } } });
  await seedWorld(f);
  rep = await signIn(f, "rep-a1");
  // A registry that fails unexpectedly (a bug, a lost database): the answer is a generic 500 problem.
  const failing = new Proxy({}, { get: () => () => Promise.reject(new Error("boom")) }) as SecureRegistry;
  broken = await buildFixture(db, { registry: failing, security, http: { rateLimit: { ip: { max: 3, windowMs: 60_000 }, user: { max: 1000, windowMs: 60_000 }, signIn: { max: 1000, windowMs: 60_000 } } } });
}, 60_000);

afterAll(async () => {
  await f?.db.close();
});

const byCode = new Map<number, { name: string; status: number }>(Object.values(SECURITY_CHECKS).map((c) => [c.code, c]));

async function problemOf(res: Response): Promise<{ status: number; code: number; check: string; type: string }> {
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  return (await res.json()) as { status: number; code: number; check: string; type: string };
}

describe("every problem has a stable code", () => {
  it("gives each refusal at the edge its catalogued code, check and status", async () => {
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      f.request(path, { method: "POST", headers: { "content-type": "application/json", cookie: rep.cookie, [CSRF_HEADER]: rep.csrf, ...headers }, body });
    const cases: Array<[string, Promise<Response>, number]> = [
      ["malformed JSON", post("/v1/transfers", "{"), 8201],
      ["body too large", post("/v1/transfers", JSON.stringify({ commandId: "big", from: A, to: B, classCode: CLASS, quantity: "1", note: "x".repeat(3000) })), 8202],
      ["not JSON", post("/v1/transfers", "hello", { "content-type": "text/plain" }), 8203],
      ["unknown route", f.request("/v1/no-such-thing"), 8205],
      ["unknown method on a route", f.request("/v1/transfers", { method: "PATCH" }), 8205],
      ["bad cursor", f.request("/v1/public/accounts?cursor=!!"), 8206],
      ["cursor that decodes to nothing usable", f.request(`/v1/public/accounts?cursor=${Buffer.from("\u0001").toString("base64url")}`), 8206],
      ["missing CSRF token", f.request("/v1/transfers", { method: "POST", headers: { "content-type": "application/json", cookie: rep.cookie }, body: "{}" }), 8210],
      ["cross-origin", post("/v1/transfers", "{}", { origin: "https://evil.example" }), 8210],
      ["schema", post("/v1/transfers", JSON.stringify({ commandId: 5 })), 8020],
    ];
    for (const [what, pending, code] of cases) {
      const res = await pending;
      const p = await problemOf(res);
      const def = byCode.get(code);
      expect(p, what).toMatchObject({ code, check: def?.name, status: def?.status });
      expect(res.status, what).toBe(def?.status);
    }
  });

  it("a rate limit (429) and an unexpected failure (500) carry codes too", async () => {
    let limited: Response | undefined;
    for (let i = 0; i < 5 && !limited; i++) {
      const r = await broken.request("/v1/public/accounts", { ip: "198.51.100.200" });
      if (r.status === 429) limited = r;
    }
    expect(await problemOf(limited as Response)).toMatchObject({ code: 8204, check: "rate-limited", status: 429 });
    const s = await signIn(broken, "rep-a2", "198.51.100.201");
    const res = await as(broken, s, "POST", "/v1/transfers", { commandId: "b-1", from: A, to: B, classCode: CLASS, quantity: "1" });
    expect(res.status).toBe(500);
    expect(await problemOf(res)).toMatchObject({ code: 8299, check: "internal-error" });
  });

  it("answered only statuses the OpenAPI document declares for each operation", () => {
    expect(f.undeclared).toEqual([]);
  });
});
