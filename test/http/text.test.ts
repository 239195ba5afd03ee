// Goal: malformed text is refused at the edge, on every route and both stores. A lone surrogate
// in any string of any route's JSON body (the issue's `"x\ud800y"` note answered 500), invalid
// UTF-8 bytes in a body, and invalid percent-encoded UTF-8 (an encoded surrogate, an overlong
// form, a stray byte, a cut sequence) in any path parameter or query string all answer 400 with
// the stable code 8208 `text-invalid` before any service runs: the ledger is unchanged and no
// audit row without a target appears. Behind that check, the database's own refusal of such
// text (SQLSTATE 22P02, 22021) is a 400, never a 500.
import type { z } from "@hono/zod-openapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SECURITY_CONFIG } from "../../src/domain/security/config.ts";
import { CSRF_HEADER } from "../../src/http/app.ts";
import type { SecureRegistry } from "../../src/registry/secure/index.ts";
import { openMigratedPglite, openTestDb, type StoreKind } from "../support/stores.ts";
import { buildFixture, type Fixture } from "./fixture.ts";
import { MATRIX, MATRIX_ROLES, ROLE_USER } from "./matrix.ts";
import { ledgerSnapshot } from "./snapshot.ts";
import { A, B, CLASS, seedWorld, type Session, SYSTEM, signIn } from "./world.ts";

const TEST_SECURITY = {
  signIn: { secondFactorRoles: [], maxFailures: 1000, lockoutMinutes: 15, backoffBaseSeconds: 0, backoffMaxSeconds: 0, minPasswordLength: 12 },
  sessions: { ttlMinutes: 600, challengeMinutes: 5 },
} as const;
const LOOSE_LIMITS = { rateLimit: { ip: { max: 1e9, windowMs: 60_000 }, user: { max: 1e9, windowMs: 60_000 }, signIn: { max: 1e9, windowMs: 60_000 } } };

/** Strings with a lone surrogate: what JSON's \u escapes can carry and UTF-8 cannot. */
const LONE = ["x\ud800y", "\udfff", "end\udbff"];
/** Percent-encoded bytes that are not UTF-8: an encoded surrogate, overlong "/", a stray byte, a cut sequence, overlong NUL. */
const BAD_PERCENT = ["%ED%A0%80", "%C0%AF", "%FF", "%E2%82", "%C0%80"];
/** Raw bytes that are not UTF-8, put inside a JSON string. */
const BAD_BYTES = [[0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xff], [0xe2, 0x82], [0xf8, 0x88, 0x80, 0x80, 0x80]];

interface Case {
  label: string;
  method: string;
  path: string;
  body?: string | Uint8Array;
  user: string | null;
}

/** Every string-valued place of a JSON value (paths into it), plus the top-level keys of the body schema. */
function textPlaces(body: unknown, schema: z.ZodType | undefined): string[][] {
  const out: string[][] = [];
  const walk = (v: unknown, at: string[]) => {
    if (typeof v === "string") out.push(at);
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...at, String(i)]));
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, [...at, k]);
  };
  walk(body, []);
  const shape = (schema as { shape?: Record<string, z.ZodType> } | undefined)?.shape ?? {};
  for (const [k, s] of Object.entries(shape)) {
    if (out.some((p) => p[0] === k)) continue;
    // Optional fields absent from the template: the text ones (note, reason, installation, ...).
    if (s.safeParse("plain text").success || s.safeParse("JP-200-0001").success) out.push([k]);
  }
  return out;
}

function setAt(body: unknown, at: string[], value: unknown): unknown {
  const copy = structuredClone(body) as Record<string, unknown>;
  let o: Record<string, unknown> = copy;
  for (const k of at.slice(0, -1)) o = o[k] as Record<string, unknown>;
  o[at[at.length - 1] as string] = value;
  return copy;
}

async function cases(f: Fixture): Promise<Case[]> {
  const out: Case[] = [];
  let n = 500_000;
  for (const [id, row] of Object.entries(MATRIX)) {
    const role = MATRIX_ROLES.find((_, i) => row.expect[i] !== "N") ?? "admin";
    const user = ROLE_USER[role];
    const req = await row.req({ f, role, user, n: n++ });
    const op = f.api.ops.find((o) => o.operationId === id);
    if (!op) throw new Error(`no operation ${id}`);
    if (req.body !== undefined && typeof req.body === "object" && req.body !== null) {
      for (const at of textPlaces(req.body, op.body)) {
        for (const s of LONE) out.push({ label: `${id} body ${at.join(".")} ${JSON.stringify(s)}`, method: req.method, path: req.path, body: JSON.stringify(setAt(req.body, at, s)), user });
        const marker = "\u0001MARK\u0001";
        const text = JSON.stringify(setAt(req.body, at, marker));
        for (const bytes of BAD_BYTES) {
          const [head, tail] = text.split(JSON.stringify(marker).slice(1, -1)) as [string, string];
          const raw = Buffer.concat([Buffer.from(head), Buffer.from("a"), Buffer.from(bytes), Buffer.from("b"), Buffer.from(tail)]);
          out.push({ label: `${id} body ${at.join(".")} bytes ${Buffer.from(bytes).toString("hex")}`, method: req.method, path: req.path, body: new Uint8Array(raw), user });
        }
      }
    }
    const [pathOnly, query] = req.path.split("?") as [string, string | undefined];
    const templ = op.path.split("/");
    const segs = pathOnly.split("/");
    for (const [i, t] of templ.entries()) {
      if (!t.startsWith("{")) continue;
      for (const bad of BAD_PERCENT) {
        const s2 = [...segs];
        s2[i] = `A${bad}B`;
        out.push({ label: `${id} path ${t} ${bad}`, method: req.method, path: s2.join("/") + (query ? `?${query}` : ""), ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}), user });
      }
    }
    const keys = [...Object.keys((op.query as { shape?: object } | undefined)?.shape ?? {}), "unknownParameter"];
    for (const k of keys) {
      for (const bad of BAD_PERCENT) {
        const sep = req.path.includes("?") ? "&" : "?";
        out.push({ label: `${id} query ${k} ${bad}`, method: req.method, path: `${req.path}${sep}${k}=x${bad}y`, ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}), user });
      }
    }
  }
  return out;
}

for (const kind of ["pglite", "postgres"] as StoreKind[]) {
  describe(`malformed text at the edge [${kind}]`, () => {
    let f: Fixture;
    const sessions: Record<string, Session> = {};
    beforeAll(async () => {
      f = await buildFixture(await openTestDb(kind), { security: TEST_SECURITY as never, http: LOOSE_LIMITS });
      await seedWorld(f);
      const spare = await f.auth.createUser(SYSTEM, { userId: "spare", displayName: "Spare", password: "spare-long-password" });
      expect(spare.ok).toBe(true);
      for (const u of Object.values(ROLE_USER)) if (u) sessions[u] = await signIn(f, u);
    }, 120_000);
    afterAll(async () => {
      await f?.db.close();
    });

    it("answers the issue's examples (a transfer note, a retirement purpose, an account holder) with 400 text-invalid, not 500", async () => {
      const rep = sessions["rep-a1"] as Session;
      const admin = sessions.admin as Session;
      const send = (s: Session, path: string, body: unknown) =>
        f.request(path, { method: "POST", headers: { "content-type": "application/json", cookie: s.cookie, [CSRF_HEADER]: s.csrf }, body: JSON.stringify(body) });
      const transfer = await send(rep, "/v1/transfers", { commandId: "lone-1", from: A, to: B, classCode: CLASS, quantity: "1", note: "x\ud800y" });
      expect(transfer.status).toBe(400);
      expect(await transfer.json()).toMatchObject({ status: 400, code: 8208, check: "text-invalid", facts: { where: "body", field: "note" } });
      const retire = await send(rep, "/v1/retirements", { commandId: "lone-2", from: A, classCode: CLASS, quantity: "1", purpose: "\udc00", beneficiary: "B" });
      expect(await retire.json()).toMatchObject({ status: 400, code: 8208, facts: { field: "purpose" } });
      const open = await send(admin, "/v1/accounts", { commandId: "lone-3", accountId: "JP-300-0001", type: "trading", holder: "H\ud800", name: "N" });
      expect(await open.json()).toMatchObject({ status: 400, code: 8208, facts: { field: "holder" } });
      expect(await f.ledger.getTransaction("lone-1")).toBeUndefined();
      expect(await f.ledger.getAccount("JP-300-0001")).toBeUndefined();
    });

    it("refuses malformed text in every text field, path parameter and query string of every route with 400 text-invalid, changing nothing", async () => {
      // The requests are built first: some rows prepare an object (a held transfer) to act on.
      const all = await cases(f);
      const before = await ledgerSnapshot(f.db);
      const untargeted = async () => (await f.db.query<{ n: bigint }>("SELECT count(*) AS n FROM audit_log WHERE target IS NULL")).rows[0]?.n;
      const untargetedBefore = await untargeted();
      const wrong: string[] = [];
      const ops = new Set<string>();
      for (const c of all) {
        const headers: Record<string, string> = {};
        const s = c.user ? sessions[c.user] : undefined;
        if (s) {
          headers.cookie = s.cookie;
          headers[CSRF_HEADER] = s.csrf;
        }
        if (c.body !== undefined) headers["content-type"] = "application/json";
        const res = await f.request(c.path, { method: c.method, headers, ...(c.body !== undefined ? { body: c.body } : {}) });
        const text = await res.text();
        let p: { code?: number; check?: string } = {};
        try {
          p = JSON.parse(text) as typeof p;
        } catch {
          p = {};
        }
        if (res.status !== 400 || p.code !== 8208 || p.check !== "text-invalid") wrong.push(`${c.label}: ${res.status} ${text.slice(0, 200)}`);
        ops.add(c.label.split(" ")[0] as string);
      }
      expect(wrong.slice(0, 20), `${wrong.length} of ${all.length} not refused as text-invalid`).toEqual([]);
      // Every operation had at least one case (every route has a path, query or body to spoil).
      expect([...ops].sort()).toEqual(Object.keys(MATRIX).sort());
      expect(await ledgerSnapshot(f.db)).toBe(before);
      expect(await untargeted()).toBe(untargetedBefore);
    }, 300_000);
  });
}

describe("the database's refusal of text as a safety net", () => {
  let f: Fixture;
  beforeAll(async () => {
    const db = await openMigratedPglite();
    const throwing = (state: string) => () => Promise.reject(Object.assign(new Error("invalid input syntax for type json"), { code: state }));
    const registry = new Proxy({}, { get: (_t, k) => (k === "initiate" ? throwing("22P02") : k === "holderLimit" ? throwing("22021") : throwing("XX000")) }) as SecureRegistry;
    const security = { signIn: { ...DEFAULT_SECURITY_CONFIG.signIn, secondFactorRoles: [] } };
    f = await buildFixture(db, { registry, security });
    await seedWorld({ ...f, registry: (await buildFixture(db, { security })).registry });
  }, 60_000);
  afterAll(async () => {
    await f?.db.close();
  });

  it("answers SQLSTATE 22P02 and 22021 from a service with 400 text-unstorable (code 8209), not 500", async () => {
    const s = await signIn(f, "rep-a1");
    const res = await f.request("/v1/transfers", {
      method: "POST",
      headers: { "content-type": "application/json", cookie: s.cookie, [CSRF_HEADER]: s.csrf },
      body: JSON.stringify({ commandId: "db-1", from: A, to: B, classCode: CLASS, quantity: "1", note: "fine" }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ status: 400, code: 8209, check: "text-unstorable" });
    const lim = await f.request("/v1/holders/Alpha%20Steel/limit", { headers: { cookie: s.cookie } });
    expect(lim.status).toBe(400);
    expect(await lim.json()).toMatchObject({ code: 8209 });
  });
});
