// Goal: no request, however malformed, makes the server fail (5xx) or changes the ledger.
// At least 20,000 generated requests across every operation of the OpenAPI document: bodies with
// a required field missing, an unknown field, wrong types, huge and negative numbers, unicode
// where identifiers belong, non-JSON text, malformed text (lone surrogates in JSON strings; bytes
// that are not UTF-8 in bodies, paths and query strings: overlong forms, encoded surrogates, stray
// and cut sequences), mutated path parameters and query strings, other
// holders' accounts, and credentials that are absent, forged, expired, revoked, under-scoped or
// of a role the route denies. Malformed text must be refused as such (400, code 8207 or 8208). Each request is built so that it must be refused (or is a read),
// so afterwards the ledger tables must be exactly as before and `verifyLedger` must pass.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemPrincipal } from "../../src/domain/security/roles.ts";
import { CSRF_HEADER } from "../../src/http/app.ts";
import { verifyLedger } from "../../src/registry/verify.ts";
import { openTestDb } from "../support/stores.ts";
import { buildFixture, type Fixture } from "./fixture.ts";
import { MATRIX, MATRIX_ROLES, type Req, ROLE_USER } from "./matrix.ts";
import { invalidUtf8, loneSurrogate, percent, spliceBytes } from "../support/bad-text.ts";
import { ledgerSnapshot } from "./snapshot.ts";
import { B, seedWorld, type Session, SYSTEM, signIn } from "./world.ts";

// About a fifth of the generated requests could be valid and are not sent, so generate enough for 20,000.
const RUNS = Number(process.env.FUZZ_RUNS ?? 26_000);
const CONCURRENCY = 16;
interface Template {
  id: string;
  req: Req;
  /** Body fields the operation's schema requires. */
  required: Set<string>;
  /** The body may be left out or be empty (approve, reject, cancel). */
  bodyOptional: boolean;
  /** Roles the matrix allows / denies for this operation. */
  allowed: string[];
  denied: string[];
}

type Cred = { kind: "session"; user: string } | { kind: "bearer"; token: string } | { kind: "none" };

let f: Fixture;
const sessions: Record<string, Session> = {};
const templates: Template[] = [];
const tokens: Record<string, string> = {};
let before = "";

beforeAll(async () => {
  // The real PostgreSQL server: its own process does the database work, so many requests overlap.
  // Commits need not wait for the disk here (a throwaway test database), which keeps 20,000 requests fast.
  const db = await openTestDb("postgres", { poolSize: 16 });
  const name = (await db.query<{ d: string }>("SELECT current_database() AS d")).rows[0]?.d as string;
  await db.query(`ALTER DATABASE "${name}" SET synchronous_commit = off`);
  f = await buildFixture(db, {
    security: {
      signIn: { secondFactorRoles: [], maxFailures: 1_000_000, lockoutMinutes: 15, backoffBaseSeconds: 0, backoffMaxSeconds: 0, minPasswordLength: 12 },
      sessions: { ttlMinutes: 60 * 24 * 365, challengeMinutes: 5 },
    } as never,
    http: { rateLimit: { ip: { max: 1e9, windowMs: 60_000 }, user: { max: 1e9, windowMs: 60_000 }, signIn: { max: 1e9, windowMs: 60_000 } } },
  });
  await seedWorld(f);
  await f.auth.createUser(SYSTEM, { userId: "spare", displayName: "Spare", password: "spare-long-password" });
  for (const u of Object.values(ROLE_USER)) if (u) sessions[u] = await signIn(f, u);
  const sys = { principal: systemPrincipal("fuzz"), ip: null };
  const mk = async (user: string, scopes: string[], days = 30) => {
    const r = await f.auth.createApiToken(sys, { userId: user, name: "fuzz", scopes: scopes as never, days });
    if (!r.ok) throw new Error(JSON.stringify(r));
    return r.value;
  };
  tokens.expired = (await mk("rep-a1", ["read", "transfer:initiate", "transfer:approve"], 1)).token;
  const revoked = await mk("admin", ["admin", "read"]);
  await f.auth.revokeApiToken(sys, revoked.view.tokenId);
  tokens.revoked = revoked.token;
  tokens.readOnlyRep = (await mk("rep-a1", ["read"])).token;
  tokens.readOnlyAdmin = (await mk("admin", ["read"])).token;
  tokens.forgedShape = `ets_t${"0".repeat(16)}_${"A".repeat(43)}`;
  tokens.forgedOfReal = `${tokens.readOnlyRep.slice(0, -4)}AAAA`;
  f.clock.advanceDays(2); // the 1-day token is now expired
  let n = 100_000;
  for (const [id, row] of Object.entries(MATRIX)) {
    const allowed = MATRIX_ROLES.filter((_, i) => row.expect[i] !== "N").map((r) => ROLE_USER[r] ?? "public");
    const denied = MATRIX_ROLES.filter((_, i) => row.expect[i] === "N").map((r) => ROLE_USER[r] ?? "public");
    const role = MATRIX_ROLES.find((_, i) => row.expect[i] !== "N") ?? "admin";
    const operation = f.api.ops.find((o) => o.operationId === id);
    const body = operation?.body as { shape?: Record<string, { safeParse(v: unknown): { success: boolean } }> } | undefined;
    const required = new Set(Object.entries(body?.shape ?? {}).filter(([, s]) => !s.safeParse(undefined).success).map(([k]) => k));
    const req = await row.req({ f, role, user: ROLE_USER[role], n: n++ });
    // Small pages: the point is malformed input, not the cost of long lists.
    if (req.method === "GET" && !req.path.includes("limit=")) req.path += `${req.path.includes("?") ? "&" : "?"}limit=3`;
    templates.push({ id, req, required, bodyOptional: operation?.bodyOptional === true, allowed, denied });
  }
  before = await ledgerSnapshot(f.db);
}, 180_000);

afterAll(async () => {
  await f?.db.close();
});

const unicode = fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }).map((s) => `${s}\u00e9\u4e2d\u{1f600}`);
const badScalar = fc.oneof(
  fc.integer(),
  fc.constantFrom(-1, 0, -1e308, 1e308, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER, -0.5, 3.14),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);
/** A value no string field with a pattern accepts (and no other field type either). */
const badForPatterned = fc.oneof(badScalar, unicode, fc.constantFrom("", " ", "-1", "-x", "１２３", "a".repeat(600), "../../etc", "%00", "a b", "A\u0000"));
/** Quantities: well-formed-looking but out of range or not whole, as well as the generic bad values. */
const badQuantity = fc.oneof(badForPatterned, fc.constantFrom("0", "-5", "1e9", "0x10", "1.5", "1000000000000001", "99999999999999999999999999", "00"));

type Mutation =
  | { m: "drop"; pick: number }
  | { m: "extra"; key: string; value: unknown }
  | { m: "set"; pick: number; value: unknown; quantity: unknown; patterned: boolean }
  | { m: "whole"; value: unknown }
  | { m: "raw"; text: string }
  | { m: "path"; value: string }
  | { m: "query"; key: string; value: string }
  | { m: "otherHolder" }
  | { m: "lone"; pick: number; value: string }
  | { m: "bytes"; pick: number; bytes: number[] }
  | { m: "badPath"; bytes: number[] }
  | { m: "badQuery"; key: string; bytes: number[] }
  | { m: "none" };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ m: fc.constant("drop" as const), pick: fc.nat() }),
  fc.record({ m: fc.constant("extra" as const), key: fc.oneof(fc.string({ minLength: 1, maxLength: 10 }), unicode).map((k) => `zz_${k}`), value: fc.oneof(badScalar, fc.string()) }),
  fc.record({ m: fc.constant("set" as const), pick: fc.nat(), value: badForPatterned, quantity: badQuantity, patterned: fc.boolean() }),
  fc.record({ m: fc.constant("whole" as const), value: fc.oneof(fc.constant(null), fc.integer(), fc.string(), fc.array(fc.integer(), { maxLength: 3 }), fc.constant(true)) }),
  fc.record({ m: fc.constant("raw" as const), text: fc.oneof(fc.string(), fc.constantFrom("{", '{"a":', "[1,2", "\u0000", '{"transactionId":"x",}', "1e99999", '{"quantity":1' + "0".repeat(400) + "}")) }),
  fc.record({ m: fc.constant("path" as const), value: fc.oneof(unicode, fc.constantFrom("a".repeat(300), "..", "%ZZ", "%00", " ", "JP-200-9999", "x")) }),
  fc.record({ m: fc.constant("query" as const), key: fc.constantFrom("limit", "cursor", "blocks", "blockLimit", "accountId", "status", "kind", "from", "to", "type"), value: fc.oneof(unicode, fc.constantFrom("-1", "1e400", "0", "999999999999", "%", "true", "AAAA", "")) }),
  fc.constant({ m: "otherHolder" as const }),
  fc.record({ m: fc.constant("lone" as const), pick: fc.nat(), value: loneSurrogate }),
  fc.record({ m: fc.constant("bytes" as const), pick: fc.nat(), bytes: invalidUtf8 }),
  fc.record({ m: fc.constant("badPath" as const), bytes: invalidUtf8 }),
  fc.record({ m: fc.constant("badQuery" as const), key: fc.constantFrom("limit", "cursor", "blocks", "accountId", "kind", "type", "holder", "zz"), bytes: invalidUtf8 }),
  fc.constant({ m: "none" as const }),
);

const BYTES_MARK = "\u0001BYTES\u0001";

// Most requests carry a credential the route accepts, so that they get past sign-in and reach
// the request schemas and the registry's checks; the rest try every kind of bad credential.
const credKind = fc.oneof(
  { arbitrary: fc.constant("allowed"), weight: 12 },
  { arbitrary: fc.constantFrom("denied", "none", "expired", "revoked", "forgedShape", "forgedOfReal", "garbage", "readOnlyRep", "readOnlyAdmin"), weight: 8 },
);

/** Free-text fields accept any string, so only non-strings make them invalid. */
const FREE_TEXT = new Set(["note", "reason", "purpose", "beneficiary", "name", "displayName", "password", "oldPassword", "newPassword", "holder"]);

function credential(kind: string, t: Template, pick: number, garbage: string): Cred {
  switch (kind) {
    case "allowed": {
      const u = t.allowed[pick % t.allowed.length] as string;
      return u === "public" ? { kind: "none" } : { kind: "session", user: u };
    }
    case "denied": {
      if (t.denied.length === 0) return { kind: "bearer", token: tokens.forgedShape as string };
      const u = t.denied[pick % t.denied.length] as string;
      return u === "public" ? { kind: "none" } : { kind: "session", user: u };
    }
    case "none":
      return { kind: "none" };
    case "garbage":
      return { kind: "bearer", token: garbage };
    default:
      return { kind: "bearer", token: tokens[kind] as string };
  }
}

/** True when the request, as built, cannot be a valid state change (so it must leave the ledger alone). */
function build(t: Template, mut: Mutation, cred: Cred): { method: string; path: string; body: string | Uint8Array | undefined; safe: boolean; badText: boolean } {
  const isWrite = t.req.method !== "GET";
  let path = t.req.path;
  let body: string | Uint8Array | undefined = t.req.body === undefined ? undefined : JSON.stringify(t.req.body);
  let invalid = false;
  let badText = false;
  const obj = t.req.body !== undefined && typeof t.req.body === "object" && t.req.body !== null && !Array.isArray(t.req.body) ? { ...(t.req.body as Record<string, unknown>) } : undefined;
  const keys = obj ? Object.keys(obj) : [];
  switch (mut.m) {
    case "drop":
      if (obj && keys.length > 0) {
        const k = keys[mut.pick % keys.length] as string;
        delete obj[k];
        body = JSON.stringify(obj);
        invalid = t.required.has(k);
      }
      break;
    case "extra":
      if (obj) {
        obj[mut.key] = mut.value;
        body = JSON.stringify(obj);
        invalid = true;
      }
      break;
    case "set":
      if (obj && keys.length > 0) {
        const k = keys[mut.pick % keys.length] as string;
        const v =
          k === "quantity" ? mut.quantity : FREE_TEXT.has(k) || typeof obj[k] !== "string" || !mut.patterned ? (typeof mut.value === "string" ? 12345 : mut.value) : mut.value;
        obj[k] = v;
        body = JSON.stringify(obj);
        invalid = true;
      }
      break;
    case "whole":
      if (t.req.body !== undefined) {
        body = JSON.stringify(mut.value);
        invalid = true;
      }
      break;
    case "raw":
      if (t.req.body !== undefined) {
        body = mut.text;
        try {
          JSON.parse(mut.text);
          invalid = typeof JSON.parse(mut.text) !== "object" || JSON.parse(mut.text) === null || Array.isArray(JSON.parse(mut.text));
        } catch {
          // An empty body is no body, which an optional one may be.
          invalid = !(mut.text === "" && t.bodyOptional);
        }
      }
      break;
    case "path": {
      const segs = path.split("?")[0]?.split("/") ?? [];
      const idx = segs.findIndex((s, i) => i >= 3 && /[A-Z0-9-]{4,}|spare|seed|%20|tok|t[0-9a-f]{16}/.test(s));
      if (idx >= 0) {
        segs[idx] = encodeURIComponent(mut.value);
        path = segs.join("/");
        invalid = true;
      }
      break;
    }
    case "query":
      path = `${path}${path.includes("?") ? "&" : "?"}${mut.key}=${encodeURIComponent(mut.value)}`;
      break;
    case "otherHolder":
      if (obj && "from" in obj && (cred.kind !== "session" || ["rep-a1", "rep-a2"].includes(cred.user))) {
        obj.from = B;
        body = JSON.stringify(obj);
        invalid = cred.kind === "session";
      }
      break;
    case "lone":
      if (obj && keys.length > 0) {
        obj[keys[mut.pick % keys.length] as string] = mut.value;
        body = JSON.stringify(obj);
        invalid = badText = true;
      }
      break;
    case "bytes":
      if (obj && keys.length > 0) {
        obj[keys[mut.pick % keys.length] as string] = `a${BYTES_MARK}b`;
        body = spliceBytes(JSON.stringify(obj), JSON.stringify(BYTES_MARK).slice(1, -1), mut.bytes);
        invalid = badText = true;
      }
      break;
    case "badPath": {
      const [p, q] = path.split("?") as [string, string | undefined];
      const segs = p.split("/");
      // A parameter when the route has one, else any segment after /v1: a route no longer matched must still be refused for its text.
      const idx = Math.max(segs.findIndex((s, i) => i >= 3 && /[A-Z0-9-]{4,}|spare|seed|tok|t[0-9a-f]{16}/.test(s)), Math.min(2, segs.length - 1));
      segs[idx] = `${segs[idx]}${percent(mut.bytes)}x`;
      path = segs.join("/") + (q === undefined ? "" : `?${q}`);
      invalid = badText = true;
      break;
    }
    case "badQuery":
      path = `${path}${path.includes("?") ? "&" : "?"}${mut.key}=a${percent(mut.bytes)}b`;
      invalid = badText = true;
      break;
    case "none":
      break;
  }
  // A credential that is not a signed-in allowed user makes any write a refusal.
  const credentialRefused = cred.kind !== "session" || !t.allowed.includes(cred.user);
  const safe = !isWrite || invalid || credentialRefused || t.id === "signIn" || t.id === "signInTotp";
  return { method: t.req.method, path, body, safe, badText };
}

describe("fuzzing every operation", () => {
  it(`answers ${RUNS} generated malformed or mutated requests without a 5xx and leaves the ledger unchanged`, async () => {
    const started = Date.now();
    const arb = fc.tuple(fc.nat({ max: templates.length - 1 }), mutation, credKind, fc.nat(), fc.string({ maxLength: 80 }));
    const samples = fc.sample(arb, { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 20261201) });
    const requests: Array<{ t: Template; method: string; path: string; headers: Record<string, string>; body: string | Uint8Array | undefined; badText: boolean }> = [];
    let skipped = 0;
    for (const [ti, mut, ck, pick, garbage] of samples) {
      const t = templates[ti] as Template;
      const cred = credential(ck, t, pick, garbage);
      const r = build(t, mut, cred);
      // Never send what could be a legitimate state change, nor end the sessions the fuzzer uses.
      const ends = ["signOut", "changeOwnPassword", "revokeUserSessions", "setUserPassword", "setUserDisabled", "setUserRoles"].includes(t.id) && cred.kind === "session" && t.allowed.includes(cred.user);
      if (!r.safe || ends) {
        skipped++;
        continue;
      }
      const headers: Record<string, string> = {};
      if (cred.kind === "session") {
        const s = sessions[cred.user] as Session;
        headers.cookie = s.cookie;
        headers[CSRF_HEADER] = s.csrf;
      } else if (cred.kind === "bearer") {
        headers.authorization = /^[\x21-\x7e]+$/.test(cred.token) ? `Bearer ${cred.token}` : `Bearer ${encodeURIComponent(cred.token) || "x"}`;
      }
      if (r.body !== undefined) headers["content-type"] = "application/json";
      requests.push({ t, method: r.method, path: r.path, headers, body: r.body, badText: r.badText });
    }
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    const changed: string[] = [];
    const textNotRefused: string[] = [];
    let badTextSent = 0;
    const textOps = new Set<string>();
    const ops = new Set<string>();
    let next = 0;
    // Several requests in flight: the server's pool and the event loop overlap their waits.
    const worker = async () => {
      for (;;) {
        const i = next++;
        const r = requests[i];
        if (!r) return;
        const res = await f.request(r.path, { method: r.method, headers: r.headers, ...(r.body !== undefined ? { body: r.body } : {}) });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        ops.add(r.t.id);
        const text = await res.text();
        if (r.method !== "GET" && res.status >= 200 && res.status < 300 && !["signIn", "signInTotp", "signOut", "createToken", "revokeToken", "resetOwnTotp"].includes(r.t.id)) {
          changed.push(`${res.status} ${r.t.id} ${r.method} ${r.path} ${JSON.stringify(r.headers).slice(0, 120)} ${typeof r.body === "string" ? r.body.slice(0, 300) : "(bytes)"}`);
        }
        const shown = typeof r.body === "string" ? r.body.slice(0, 200) : r.body === undefined ? "" : Buffer.from(r.body).toString("hex").slice(0, 200);
        if (res.status >= 500) failures.push(`${res.status} for ${r.method} ${r.path} ${shown}: ${text.slice(0, 300)}`);
        if (r.badText) {
          badTextSent++;
          textOps.add(r.t.id);
          const code = res.status === 400 ? (JSON.parse(text) as { code?: number }).code : undefined;
          if (code !== 8207 && code !== 8208) textNotRefused.push(`${res.status} for ${r.t.id} ${r.method} ${r.path} ${shown}: ${text.slice(0, 200)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    process.stderr.write(`fuzz: ${requests.length} requests (${badTextSent} with malformed text; ${skipped} generated ones skipped as possibly valid) over ${ops.size} operations in ${Date.now() - started} ms; statuses ${JSON.stringify(Object.fromEntries(statuses))}\n`);
    expect(failures.slice(0, 5)).toEqual([]);
    // Malformed text is refused as such, on every operation (not by whatever check it happens to meet later).
    expect(textNotRefused.slice(0, 5)).toEqual([]);
    // Every answer's status is one the OpenAPI document declares for its operation.
    expect([...new Set(f.undeclared)].slice(0, 10)).toEqual([]);
    expect(badTextSent).toBeGreaterThan(requests.length / 10);
    expect(textOps.size, "operations that got malformed text").toBe(templates.length);
    if (changed.length > 0) process.stderr.write(`successful state changes:\n${changed.join("\n")}\n`);
    expect(requests.length).toBeGreaterThanOrEqual(Math.min(20_000, RUNS * 0.9));
    expect(ops.size).toBe(templates.length);
    // Most requests must get past sign-in, so that the schemas and the registry's checks are what refuse them.
    expect(requests.length - (statuses.get(401) ?? 0)).toBeGreaterThan(requests.length / 2);
    const after = await ledgerSnapshot(f.db);
    expect(after === before, "the ledger tables changed").toBe(true);
    const v = await verifyLedger(f.db);
    expect(v.violations).toEqual([]);
  }, 600_000);
});
