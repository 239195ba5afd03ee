// Goal: the hardening holds: security headers (HSTS only in production), Secure/HttpOnly/
// SameSite=Strict session cookies, the body-size limit (413), rate limits per address and per
// user on the injected clock (429 with Retry-After, lifted when the window passes), CSRF refusal
// for cookie-authenticated state changes without the token or from another origin, malformed
// JSON and wrong types as 400 problems, TOTP sign-in and lockout over HTTP, and no secret in the logs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { base32Decode, totp } from "../../src/auth/index.ts";
import { CSRF_HEADER } from "../../src/http/app.ts";
import { CSP } from "../../src/http/context.ts";
import { buildFixture, type Fixture } from "./fixture.ts";
import { A, as, B, CLASS, passwordOf, seedWorld, type Session, SYSTEM, signIn } from "./world.ts";
import { openMigratedPglite } from "../support/stores.ts";

let f: Fixture;
let prod: Fixture;
const s: Record<string, Session> = {};

const security = {
  signIn: { secondFactorRoles: ["national-admin"], maxFailures: 3, lockoutMinutes: 15, backoffBaseSeconds: 1, backoffMaxSeconds: 60, minPasswordLength: 12 },
  sessions: { ttlMinutes: 600, challengeMinutes: 5 },
} as never;

beforeAll(async () => {
  const db = await openMigratedPglite();
  f = await buildFixture(db, { security, http: { bodyLimitBytes: 4096, rateLimit: { ip: { max: 1000, windowMs: 60_000 }, user: { max: 40, windowMs: 60_000 }, signIn: { max: 15, windowMs: 60_000 } } } });
  await seedWorld(f);
  for (const u of ["rep-a1", "rep-a2", "auditor"]) s[u] = await signIn(f, u, `198.51.100.${u.length}`);
  const db2 = await openMigratedPglite();
  prod = await buildFixture(db2, { security, http: { production: true } });
  const u = await prod.auth.createUser(SYSTEM, { userId: "prod-user", displayName: "P", password: passwordOf("prod-user"), roles: ["verifier"] });
  expect(u.ok).toBe(true);
}, 120_000);

afterAll(async () => {
  await f?.db.close();
  await prod?.db.close();
});

const post = (path: string, body: string, headers: Record<string, string> = {}, ip?: string) =>
  f.request(path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body, ...(ip ? { ip } : {}) });

describe("hardening", () => {
  it("sets HSTS and Secure cookies only in production; session cookies are HttpOnly and SameSite=Strict", async () => {
    const dev = await post("/v1/auth/sign-in", JSON.stringify({ userId: "rep-b", password: passwordOf("rep-b") }), {}, "203.0.113.1");
    expect(dev.status).toBe(200);
    const devCookie = dev.headers.get("set-cookie") ?? "";
    expect(devCookie).toMatch(/HttpOnly/);
    expect(devCookie).toMatch(/SameSite=Strict/);
    expect(devCookie).not.toMatch(/Secure/);
    expect(dev.headers.get("strict-transport-security")).toBeNull();
    const p = await prod.request("/v1/auth/sign-in", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId: "prod-user", password: passwordOf("prod-user") }) });
    expect(p.status).toBe(200);
    expect(p.headers.get("set-cookie")).toMatch(/Secure/);
    expect(p.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
    expect(p.headers.get("x-frame-options")).toBe("DENY");
  });

  // Every header of an answer except those that describe its content (type, length, language,
  // validators) or a particular refusal: what is left must be exactly one of the two sets below,
  // so a header added to or dropped from either set fails here.
  const CONTENT = new Set(["content-type", "content-length", "content-encoding", "content-language", "vary", "etag", "retry-after", "www-authenticate", "set-cookie"]);
  const securityOf = (res: Response) => Object.fromEntries([...res.headers].filter(([k]) => !CONTENT.has(k)));
  // The API's answers under /v1 (JSON and problems): OWASP REST Security Cheat Sheet, "Security
  // Headers" (docs/concepts/security.md).
  const API_SET: Record<string, string> = {
    "cache-control": "no-store",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
  };
  // Documents and everything else outside /v1: the full set a rendered page needs.
  const DOCUMENT_SET: Record<string, string> = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
  };
  const HSTS = "max-age=63072000; includeSubDomains";

  it("answers the API's short header set on reads built with it, on other answers and on problems alike", async () => {
    // Reads answer with the headers already in them (src/http/security-headers.ts jsonResponse);
    // other answers and problems get them from the middleware: the same set either way.
    const read = await as(f, s["rep-a1"], "GET", `/v1/accounts/${A}/holdings`);
    const hidden = await as(f, s["rep-a1"], "GET", `/v1/accounts/${B}/holdings`);
    const other = await as(f, s["rep-a1"], "GET", "/v1/auth/me");
    const anonymous = await f.request("/v1/accounts");
    const unknown = await f.request("/v1/no-such-route");
    expect([read.status, hidden.status, other.status, anonymous.status, unknown.status]).toEqual([200, 404, 200, 401, 404]);
    for (const res of [read, hidden, other, anonymous, unknown]) expect(securityOf(res)).toEqual(API_SET);
    expect(read.headers.get("content-type")).toBe("application/json");
    expect(hidden.headers.get("content-type")).toBe("application/problem+json");
    // HEAD answers a GET's headers without its body.
    const head = await as(f, s["rep-a1"], "HEAD", `/v1/accounts/${A}/holdings`);
    expect(head.status).toBe(200);
    expect(securityOf(head)).toEqual(API_SET);
    expect(await head.text()).toBe("");
    // Amounts are decimal strings, as every view's bigints are.
    const body = (await read.json()) as { accountId: string; holdings: Array<{ quantity: unknown; available: unknown; blockCount: unknown }> };
    expect(body.accountId).toBe(A);
    expect(body.holdings.length).toBeGreaterThan(0);
    for (const h of body.holdings) {
      expect(h.quantity).toMatch(/^\d+$/);
      expect(h.available).toMatch(/^\d+$/);
      expect(typeof h.blockCount).toBe("number");
    }
    // Production adds HSTS, to a built-in read and to a problem alike, and nothing else.
    const pr = await prod.request("/v1/auth/sign-in", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId: "prod-user", password: passwordOf("prod-user") }) });
    const cookie = (pr.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const classes = await prod.request("/v1/classes", { headers: { cookie } });
    const prodProblem = await prod.request("/v1/accounts");
    expect([classes.status, prodProblem.status]).toEqual([200, 401]);
    for (const res of [pr, classes, prodProblem]) expect(securityOf(res)).toEqual({ ...API_SET, "strict-transport-security": HSTS });
  });

  it("answers documents and everything outside /v1 with the full header set, never marked no-store", async () => {
    const docs = await f.request("/docs");
    const spec = await f.request("/openapi.json");
    const health = await f.request("/health");
    const missing = await f.request("/no-such-page");
    expect([docs.status, spec.status, health.status, missing.status]).toEqual([200, 200, 200, 404]);
    expect(docs.headers.get("content-type")).toMatch(/^text\/html/);
    for (const res of [docs, spec, health, missing]) expect(securityOf(res)).toEqual(DOCUMENT_SET);
    const prodDocs = await prod.request("/docs");
    expect(securityOf(prodDocs)).toEqual({ ...DOCUMENT_SET, "strict-transport-security": HSTS });
  });

  it("refuses bodies over the limit with 413 and changes nothing", async () => {
    const big = JSON.stringify({ commandId: "big-1", from: A, to: B, classCode: CLASS, quantity: "1", note: "x".repeat(10_000) });
    const res = await as(f, s["rep-a1"], "POST", "/v1/transfers", JSON.parse(big));
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(await f.ledger.getTransaction("big-1")).toBeUndefined();
  });

  it("answers malformed JSON, wrong content types, wrong types and huge numbers with 400 problems", async () => {
    const h = { cookie: s["rep-a1"]?.cookie ?? "", [CSRF_HEADER]: s["rep-a1"]?.csrf ?? "" };
    for (const body of ["{", "[]", "null", '"x"', "1e999", '{"commandId": 5}', JSON.stringify({ commandId: "q-1", from: A, to: B, classCode: CLASS, quantity: 1e308 }),
      JSON.stringify({ commandId: "q-2", from: A, to: B, classCode: CLASS, quantity: "99999999999999999999999" }), JSON.stringify({ commandId: "q-3", from: A, to: B, classCode: CLASS, quantity: "-5" })]) {
      const res = await post("/v1/transfers", body, h);
      expect(res.status, body).toBe(400);
      expect(((await res.json()) as { status: number }).status).toBe(400);
    }
    const text = await f.request("/v1/transfers", { method: "POST", headers: { "content-type": "text/plain", ...h }, body: "hello" });
    expect(text.status).toBe(415);
    expect(text.headers.get("content-type")).toContain("application/problem+json");
    // A sign-in posted as a form is told to send JSON.
    const form = await f.request("/v1/auth/sign-in", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "userId=a&password=b" });
    expect(form.status).toBe(415);
    expect(((await form.json()) as { detail: string }).detail).toBe("the body must be JSON: send it with Content-Type: application/json (this request sent application/x-www-form-urlencoded)");
  });

  it("refuses the NUL character (which PostgreSQL text cannot hold) in bodies and URLs with 400, not 500", async () => {
    // Found by the fuzz test: a sign-in with userId "A\u0000" reached the database and failed there.
    const signInNul = await post("/v1/auth/sign-in", JSON.stringify({ userId: "rep-a1\u0000", password: passwordOf("rep-a1") }), {}, "203.0.113.9");
    expect(signInNul.status).toBe(400);
    expect(((await signInNul.json()) as { type: string }).type).toMatch(/text-nul$/);
    const h = { cookie: s["rep-a1"]?.cookie ?? "", [CSRF_HEADER]: s["rep-a1"]?.csrf ?? "" };
    const transfer = await post("/v1/transfers", JSON.stringify({ commandId: "nul-1", from: A, to: B, classCode: CLASS, quantity: "1", note: "a\u0000b" }), h);
    expect(transfer.status).toBe(400);
    expect((await f.request("/v1/transactions/nul-1", { headers: { cookie: s["rep-a1"]?.cookie ?? "" } })).status).toBe(404);
    const path = await f.request(`/v1/accounts/${A}%00/holdings`, { headers: { cookie: s["rep-a1"]?.cookie ?? "" } });
    expect(path.status).toBe(400);
  });

  it("refuses cookie-authenticated state changes without the CSRF token or from another origin", async () => {
    const body = JSON.stringify({ commandId: "csrf-1", from: A, to: B, classCode: CLASS, quantity: "1" });
    const none = await post("/v1/transfers", body, { cookie: s["rep-a1"]?.cookie ?? "" });
    expect(none.status).toBe(403);
    const wrong = await post("/v1/transfers", body, { cookie: s["rep-a1"]?.cookie ?? "", [CSRF_HEADER]: s["rep-a2"]?.csrf ?? "" });
    expect(wrong.status).toBe(403);
    const cross = await post("/v1/transfers", body, { cookie: s["rep-a1"]?.cookie ?? "", [CSRF_HEADER]: s["rep-a1"]?.csrf ?? "", origin: "https://evil.example" });
    expect(cross.status).toBe(403);
    expect(await f.ledger.getTransaction("csrf-1")).toBeUndefined();
    const audit = await f.audit.query(SYSTEM, { action: "http.refused", limit: 500 });
    expect(audit.ok && audit.value.rows.filter((r) => r.target === "/v1/transfers").length).toBeGreaterThanOrEqual(3);
    const good = await post("/v1/transfers", body, { cookie: s["rep-a1"]?.cookie ?? "", [CSRF_HEADER]: s["rep-a1"]?.csrf ?? "", origin: "http://localhost" });
    expect(good.status).toBe(201);
  });

  it("rate-limits a user (429 with Retry-After) on the injected clock and lifts it after the window", async () => {
    let limited: Response | undefined;
    for (let i = 0; i < 60 && !limited; i++) {
      const r = await as(f, s.auditor, "GET", "/v1/classes");
      if (r.status === 429) limited = r;
      else expect(r.status).toBe(200);
    }
    expect(limited?.status).toBe(429);
    expect(Number(limited?.headers.get("retry-after"))).toBeGreaterThan(0);
    f.clock.advance(61_000);
    expect((await as(f, s.auditor, "GET", "/v1/classes")).status).toBe(200);
  });

  it("rate-limits sign-in attempts per address", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await post("/v1/auth/sign-in", JSON.stringify({ userId: `nobody${i}`, password: "wrong-password-x" }), {}, "203.0.113.99")).status);
    expect(statuses.slice(0, 15).every((x) => x === 401)).toBe(true);
    expect(statuses.slice(15)).toEqual([429, 429, 429, 429, 429]);
    f.clock.advance(61_000);
  });

  it("requires the TOTP code of an administrator; a wrong code fails, the right one signs in", async () => {
    const created = await f.auth.createUser(SYSTEM, { userId: "admin-2fa", displayName: "A", password: passwordOf("admin-2fa"), roles: ["national-admin"] });
    if (!created.ok || !created.value.totp) throw new Error("no enrolment");
    const secret = created.value.totp.secret;
    const step1 = (await (await post("/v1/auth/sign-in", JSON.stringify({ userId: "admin-2fa", password: passwordOf("admin-2fa") }), {}, "203.0.113.5")).json()) as { kind: string; challenge: string };
    expect(step1.kind).toBe("totp-required");
    const bad = await post("/v1/auth/totp", JSON.stringify({ challenge: step1.challenge, code: "000000" }), {}, "203.0.113.5");
    expect(bad.status).toBe(401);
    f.clock.advance(120_000); // past the backoff the failed code started
    const step1b = (await (await post("/v1/auth/sign-in", JSON.stringify({ userId: "admin-2fa", password: passwordOf("admin-2fa") }), {}, "203.0.113.5")).json()) as { challenge: string };
    const code = totp(base32Decode(secret), f.clock.now());
    const good = await post("/v1/auth/totp", JSON.stringify({ challenge: step1b.challenge, code }), {}, "203.0.113.5");
    expect(good.status, await good.clone().text()).toBe(200);
    expect(good.headers.get("set-cookie")).toMatch(/^ets_session=/);
  });

  it("locks an address out of a user after repeated wrong passwords (429 with the lockout code and Retry-After); other addresses stay open", async () => {
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) {
      f.clock.advance(120_000); // past any backoff
      const r = await post("/v1/auth/sign-in", JSON.stringify({ userId: "verifier", password: "wrong-password-y" }), {}, "203.0.113.20");
      codes.push(((await r.json()) as { code: number }).code);
    }
    expect(codes).toEqual([8101, 8101, 8102, 8102]);
    f.clock.advance(120_000);
    const right = await post("/v1/auth/sign-in", JSON.stringify({ userId: "verifier", password: passwordOf("verifier") }), {}, "203.0.113.20");
    expect(right.status).toBe(429);
    expect(((await right.json()) as { check: string }).check).toBe("user-locked");
    expect(Number(right.headers.get("retry-after"))).toBe(15 * 60 - 120 - 120);
    const elsewhere = await post("/v1/auth/sign-in", JSON.stringify({ userId: "verifier", password: passwordOf("verifier") }), {}, "203.0.113.30");
    expect(elsewhere.status).toBe(200);
  });

  it("keeps passwords, tokens, cookies and codes out of the logs", async () => {
    const tok = await as(f, s["rep-a1"], "POST", "/v1/tokens", { name: "ci", scopes: ["read"] });
    const token = ((await tok.json()) as { token: string }).token;
    await f.request("/v1/accounts", { headers: { authorization: `Bearer ${token}` } });
    await f.request("/v1/accounts", { headers: { authorization: "Bearer ets_forged_0000000000000000" } });
    await post("/v1/auth/sign-in", JSON.stringify({ userId: "rep-a2", password: "SuperSecretPassw0rd!", totp: "123456" }), {}, "203.0.113.77");
    const all = f.logs.join("");
    expect(all.length).toBeGreaterThan(0);
    for (const secret of [token, "ets_forged_0000000000000000", "SuperSecretPassw0rd!", s["rep-a1"]?.cookie.split("=")[1] ?? "x", s["rep-a1"]?.csrf ?? "x"]) {
      expect(all.includes(secret), secret.slice(0, 8)).toBe(false);
    }
    expect(all).toContain("[redacted]");
  });

  it("writes one request line per request that shows which credentials came, never their values", async () => {
    const tok = await as(f, s["rep-a1"], "POST", "/v1/tokens", { name: "log-line", scopes: ["read"] });
    const token = ((await tok.json()) as { token: string }).token;
    const lineOf = async (path: string, headers: Record<string, string>) => {
      const before = f.logs.length;
      await f.request(path, { headers: { "user-agent": "log-test", ...headers } });
      const lines = f.logs.slice(before).join("").split("\n").filter((l) => l.length > 0).map((l) => JSON.parse(l) as { msg: string; path: string; status: number; user?: string; req: { headers: Record<string, string> } });
      const requests = lines.filter((l) => l.msg === "request");
      expect(requests).toHaveLength(1);
      return requests[0] as (typeof requests)[number];
    };
    const bearer = await lineOf(`/v1/accounts/${A}/holdings`, { authorization: `Bearer ${token}` });
    expect(bearer).toMatchObject({ path: `/v1/accounts/${A}/holdings`, status: 200, user: "rep-a1" });
    expect(bearer.req.headers).toEqual({ authorization: "[redacted]", "user-agent": "log-test" });
    const cookie = await lineOf("/v1/accounts", { cookie: s["rep-a2"]?.cookie ?? "", [CSRF_HEADER]: s["rep-a2"]?.csrf ?? "" });
    expect(cookie.user).toBe("rep-a2");
    expect(cookie.req.headers).toEqual({ cookie: "[redacted]", [CSRF_HEADER]: "[redacted]", "user-agent": "log-test" });
    const anonymous = await lineOf("/v1/accounts", {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.req.headers).toEqual({ "user-agent": "log-test" });
    expect(JSON.stringify([bearer, cookie])).not.toContain(token);
  });

  it("answered only statuses the OpenAPI document declares for each operation", () => {
    expect(f.undeclared).toEqual([]);
  });
});
