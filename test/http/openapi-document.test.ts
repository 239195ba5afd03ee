// Goal (issue 18): what the linters do not check in the OpenAPI document, and that the document
// and the server agree. The session cookie, its CSRF header and API tokens are declared as
// security schemes; cookie and CSRF header are required together on state-changing operations;
// each operation's requirement names the token scope it needs. Every operation has a description,
// a declared tag and its 4xx responses from components.responses (401 with WWW-Authenticate, 429
// with Retry-After); sign-in sets a cookie and answers a discriminated union; timestamps are
// date-time; no deprecated `example`; license and contact; examples for the main operations;
// lists say their order; boolean query flags are booleans; transaction kinds and account types
// are enums. Approve, reject and cancel take no body, an empty one or {} (the document had
// required one, and an empty JSON body was a 400).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCOUNT_TYPES, TRANSACTION_KINDS } from "../../src/domain/ledger/catalog.ts";
import { CSRF_HEADER } from "../../src/http/app.ts";
import { buildFixture, type Fixture } from "./fixture.ts";
import { A, B, CLASS, seedWorld, type Session, signIn } from "./world.ts";
import { openMigratedPglite } from "../support/stores.ts";

type Json = Record<string, any>;
let f: Fixture;
let doc: Json;
const ops: Array<{ path: string; method: string; o: Json }> = [];

beforeAll(async () => {
  const db = await openMigratedPglite();
  f = await buildFixture(db, { security: { signIn: { secondFactorRoles: [], maxFailures: 5, maxFailuresPerUser: 25, lockoutMinutes: 15, backoffBaseSeconds: 1, backoffMaxSeconds: 60, minPasswordLength: 12 } } });
  await seedWorld(f);
  doc = (await (await f.request("/openapi.json")).json()) as Json;
  for (const [path, methods] of Object.entries(doc.paths as Json)) for (const [method, o] of Object.entries(methods as Json)) ops.push({ path, method, o: o as Json });
}, 60_000);

afterAll(async () => {
  await f?.db.close();
});

const resolve = (ref: Json): Json => {
  if (typeof ref.$ref !== "string") return ref;
  let v: any = doc;
  for (const k of (ref.$ref as string).slice(2).split("/")) v = v[k];
  return v as Json;
};

describe("the OpenAPI document", () => {
  it("declares the session cookie, the CSRF header and API tokens, and requires cookie and CSRF header together on changes", () => {
    const schemes = doc.components.securitySchemes as Json;
    expect(schemes.session).toMatchObject({ type: "apiKey", in: "cookie", name: "ets_session" });
    expect(schemes.csrf).toMatchObject({ type: "apiKey", in: "header", name: "X-CSRF-Token" });
    expect(schemes.token).toMatchObject({ type: "http", scheme: "bearer" });
    for (const { path, method, o } of ops) {
      const reqs = o.security as Array<Record<string, string[]>>;
      expect(Array.isArray(reqs), `${method} ${path}`).toBe(true);
      for (const r of reqs) for (const name of Object.keys(r)) expect(schemes[name], `${method} ${path}: ${name}`).toBeDefined();
      const cookie = reqs.find((r) => "session" in r);
      if (o["x-openets-access"].roles[0] === "public") expect(reqs, `${method} ${path}`).toEqual([]);
      else if (method === "get") expect(cookie, `${method} ${path}`).toEqual({ session: [] });
      else expect(cookie, `${method} ${path}`).toEqual({ session: [], csrf: [] });
    }
  });

  it("names in each requirement the token scope the operation needs, and no token where a session is needed", () => {
    const sec = (path: string, method: string) => ops.find((x) => x.path === path && x.method === method)?.o.security;
    expect(sec("/v1/transfers", "post")).toEqual([{ session: [], csrf: [] }, { "token.transfer-initiate": [] }]);
    expect(sec("/v1/transactions/{transactionId}/approve", "post")).toEqual([{ session: [], csrf: [] }, { "token.transfer-approve": [] }, { "token.admin": [] }]);
    expect(sec("/v1/accounts/{accountId}/holdings", "get")).toEqual([{ session: [] }, { "token.read": [] }]);
    expect(sec("/v1/audit", "get")).toEqual([{ session: [] }, { "token.audit-read": [] }]);
    expect(sec("/v1/auth/me", "get")).toEqual([{ session: [] }, { token: [] }]);
    expect(sec("/v1/auth/password", "post")).toEqual([{ session: [], csrf: [] }]);
    expect(sec("/v1/auth/sign-in", "post")).toEqual([]);
  });

  it("gives every operation a description, a declared tag and 4xx responses from the shared ones", () => {
    const tags = new Set((doc.tags as Json[]).map((t) => t.name));
    for (const t of doc.tags as Json[]) expect(t.description, t.name).toBeTruthy();
    for (const { path, method, o } of ops) {
      const at = `${method} ${path}`;
      expect((o.description as string)?.length, at).toBeGreaterThan(20);
      expect(tags.has(o.tags[0]), at).toBe(true);
      const errors = Object.keys(o.responses).filter((s) => /^4\d\d$/.test(s));
      expect(errors, at).toEqual(expect.arrayContaining(["400", "401", "429"]));
      for (const s of errors) expect(o.responses[s].$ref, `${at} ${s}`).toMatch(/^#\/components\/responses\//);
      if (method !== "get") expect(errors, at).toContain("403");
      if (o.requestBody) expect(errors, at).toEqual(expect.arrayContaining(["413", "415"]));
    }
    const r = doc.components.responses as Json;
    expect(r.Unauthorized.headers["WWW-Authenticate"]).toBeDefined();
    expect(r.TooManyRequests.headers["Retry-After"]).toBeDefined();
    for (const name of ["BadRequest", "Unauthorized", "Forbidden", "NotFound", "Conflict", "PayloadTooLarge", "UnsupportedMediaType", "UnprocessableContent", "TooManyRequests"]) {
      expect(r[name].content["application/problem+json"].schema.$ref, name).toBe("#/components/schemas/Problem");
    }
    expect(doc.components.schemas.Problem.required).toEqual(expect.arrayContaining(["code", "check"]));
  });

  it("sign-in sets the cookie and answers a discriminated union with examples", () => {
    const signInOp = ops.find((x) => x.path === "/v1/auth/sign-in")?.o as Json;
    const ok = signInOp.responses["200"];
    expect(ok.headers["Set-Cookie"]).toBeDefined();
    const schema = resolve(ok.content["application/json"].schema);
    expect(schema.discriminator).toEqual({ propertyName: "kind", mapping: { session: "#/components/schemas/SignedIn", "totp-required": "#/components/schemas/TotpRequired" } });
    expect(Object.keys(ok.content["application/json"].examples)).toEqual(["session", "challenge"]);
    expect(Object.keys(signInOp.requestBody.content["application/json"].examples).length).toBeGreaterThan(0);
    const transfer = ops.find((x) => x.path === "/v1/transfers")?.o as Json;
    expect(transfer.requestBody.content["application/json"].examples).toBeDefined();
    expect(transfer.responses["201"].content["application/json"].examples).toBeDefined();
  });

  it("has license and contact, date-time timestamps and no deprecated singular example", () => {
    expect(doc.info.license).toMatchObject({ name: "Apache-2.0" });
    expect(doc.info.contact.url).toMatch(/^https:\/\//);
    const text = JSON.stringify(doc);
    expect(text).not.toContain('"example":');
    const loose: string[] = [];
    const walk = (v: unknown, at: string) => {
      if (!v || typeof v !== "object") return;
      for (const [k, x] of Object.entries(v)) {
        const s = x as Json;
        if (s && typeof s === "object" && s.type === "string" && /(At|^at|Until)$/.test(k) && s.format !== "date-time") loose.push(`${at}.${k}`);
        walk(x, `${at}.${k}`);
      }
    };
    walk(doc.components.schemas, "schemas");
    expect(loose).toEqual([]);
    expect(doc.components.schemas.Transaction.properties.createdAt.format).toBe("date-time");
  });

  it("says the order of every list, types query flags as booleans and gives kinds and account types as enums", () => {
    for (const { path, method, o } of ops) {
      const res = o.responses["200"]?.content?.["application/json"]?.schema;
      const schema = res ? resolve(res) : undefined;
      if (schema?.properties?.items) expect(o.description, `${method} ${path}`).toMatch(/order|oldest first|newest first/);
    }
    const holdings = ops.find((x) => x.path === "/v1/accounts/{accountId}/holdings")?.o as Json;
    expect(holdings.parameters.find((p: Json) => p.name === "blocks").schema.type).toBe("boolean");
    expect(doc.components.schemas.TransactionKind.enum).toEqual(TRANSACTION_KINDS.map((k) => k.code));
    expect(doc.components.schemas.AccountType.enum).toEqual(ACCOUNT_TYPES.map((t) => t.code));
    expect(doc.components.schemas.Transaction.properties.kind.$ref).toBe("#/components/schemas/TransactionKind");
    expect(doc.components.schemas.Account.properties.type.$ref).toBe("#/components/schemas/AccountType");
    const list = ops.find((x) => x.path === "/v1/transactions")?.o as Json;
    expect(list.parameters.find((p: Json) => p.name === "kind").schema.$ref).toBe("#/components/schemas/TransactionKind");
  });
});

describe("the server agrees with the document", () => {
  let rep2: Session;
  let rep1: Session;
  beforeAll(async () => {
    rep1 = await signIn(f, "rep-a1");
    rep2 = await signIn(f, "rep-a2");
  });
  /** A held transfer by rep-a1 under the key; its id (derived from the key in rep-a1's own space). */
  const held = async (key: string): Promise<string> => {
    const r = await f.request("/v1/transfers", { method: "POST", headers: { "content-type": "application/json", cookie: rep1.cookie, [CSRF_HEADER]: rep1.csrf }, body: JSON.stringify({ commandId: key, from: A, to: B, classCode: CLASS, quantity: "1" }) });
    expect(r.status).toBe(201);
    return ((await r.json()) as { id: string }).id;
  };

  it("approve, reject and cancel need no body: none, an empty JSON body, {} and a reason are all accepted", async () => {
    const cases: Array<[string, string, Session, RequestInit]> = [
      ["opt-1", "approve", rep2, {}],
      ["opt-2", "reject", rep2, { headers: { "content-type": "application/json" }, body: "" }],
      ["opt-3", "cancel", rep1, { headers: { "content-type": "application/json" }, body: "{}" }],
      ["opt-4", "reject", rep2, { headers: { "content-type": "application/json" }, body: JSON.stringify({ reason: "wrong account" }) }],
    ];
    for (const [key, action, s, init] of cases) {
      const id = await held(key);
      const headers = { ...(init.headers as Record<string, string> | undefined), cookie: s.cookie, [CSRF_HEADER]: s.csrf };
      const res = await f.request(`/v1/transactions/${id}/${action}`, { method: "POST", ...init, headers });
      expect(res.status, `${action} ${JSON.stringify(init)}: ${await res.clone().text()}`).toBe(200);
    }
    // A body that is there must still be valid.
    const opt5 = await held("opt-5");
    const bad = await f.request(`/v1/transactions/${opt5}/approve`, { method: "POST", headers: { "content-type": "application/json", cookie: rep2.cookie, [CSRF_HEADER]: rep2.csrf }, body: JSON.stringify({ reason: 5 }) });
    expect(bad.status).toBe(400);
  });

  it("refuses a kind or account type outside the catalogue as a bad request", async () => {
    const r = await f.request("/v1/public/transactions?kind=not-a-kind");
    expect(r.status).toBe(400);
    expect(((await r.json()) as { code: number }).code).toBe(8020);
    expect((await f.request("/v1/public/transactions?kind=transfer")).status).toBe(200);
  });
});
