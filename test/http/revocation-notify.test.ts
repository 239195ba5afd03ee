// Goal: a credential ended through any door stops working on every server process at once (issue
// 10, defect 2). Two `npm start` servers on one PostgreSQL database remember a verified credential
// for 10 minutes (OPENETS_PRINCIPAL_CACHE_SECONDS=600), so when B refuses within a few seconds a
// credential it had verified, only the store's notice (src/store/migrations/auth-notify.ts, heard by
// src/http/credential-changes.ts) can explain it, not the cache's expiry. A control shows the cache
// is real: a revocation written with the triggers switched off (session_replication_role = replica)
// stays unseen by B. Then: a token revoked through A, a session ended through A, a token revoked and
// a user disabled by the services on the store directly (the CLI's door, no server), and the LISTEN
// connections killed (pg_terminate_backend): while a server is not listening it caches nothing,
// and once it listens again invalidation works again.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditLog } from "../../src/audit/index.ts";
import { AuthService } from "../../src/auth/index.ts";
import { type Caller, systemPrincipal } from "../../src/domain/security/roles.ts";
import { PRESETS_DIR, securityConfigOf } from "../../src/io/rulebook.ts";
import { systemClock } from "../../src/platform/clock.ts";
import type { Db } from "../../src/store/db.ts";
import { openPostgres } from "../../src/store/postgres.ts";
import { type ServerProcess, startServerProcess } from "../support/server-process.ts";
import { createServerDatabase } from "../support/stores.ts";

const SYSTEM: Caller = { principal: systemPrincipal("revocation-notify-test"), ip: null };
const dir = mkdtempSync(join(tmpdir(), "ets-revocation-notify-"));
let a: ServerProcess;
let b: ServerProcess;
let db: Db;
let auth: AuthService;
let adminToken: string;
let n = 0;

function must<T>(what: string, r: { ok: boolean }): T {
  if (!r.ok) throw new Error(`setup: ${what} refused: ${JSON.stringify(r)}`);
  return (r as unknown as { value: T }).value;
}

/** A new user with a password and a read token. */
async function newUser(): Promise<{ userId: string; password: string; token: string; tokenId: string }> {
  const userId = `user-${++n}`;
  const password = `${userId}-long-password`;
  must("user", await auth.createUser(SYSTEM, { userId, displayName: userId, password, roles: [] }));
  const t = must<{ token: string; view: { tokenId: string } }>("token", await auth.createApiToken(SYSTEM, { userId, name: "notify", scopes: ["read"] }));
  return { userId, password, token: t.token, tokenId: t.view.tokenId };
}

const me = (server: ServerProcess, headers: Record<string, string>) => fetch(`${server.url}/v1/auth/me`, { headers });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Asks until the credential is refused (true) or `ms` have passed (false). */
async function refusedWithin(server: ServerProcess, headers: Record<string, string>, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    const r = await me(server, headers);
    if (r.status === 401) return true;
    expect(r.status).toBe(200);
    if (Date.now() > until) return false;
    await new Promise((res) => setTimeout(res, 100));
  }
}

/** Revokes a token on the store with the triggers switched off: no notice is sent. */
async function revokeSilently(tokenId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query("SET LOCAL session_replication_role = replica");
    await tx.query("UPDATE api_tokens SET revoked_at = now() WHERE id = $1", [tokenId]);
  });
}

/** The servers' LISTEN connections that are established (idle between heartbeats). */
async function listeners(): Promise<number> {
  const r = await db.query<{ n: bigint }>(
    "SELECT count(*)::int8 AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'openets-listen' AND state = 'idle' AND (query ILIKE 'LISTEN%' OR query = 'SELECT 1')",
  );
  return Number(r.rows[0]?.n ?? 0n);
}

async function waitFor(what: string, cond: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

beforeAll(async () => {
  const url = await createServerDatabase();
  const rulebook = join(dir, "notify.yaml");
  const doc = parseDocument(readFileSync(join(PRESETS_DIR, "japan-gx-ets.yaml"), "utf8"));
  doc.setIn(["security", "signIn", "secondFactorRoles"], doc.createNode([]));
  writeFileSync(rulebook, doc.toString());
  const env = {
    DATABASE_URL: url, OPENETS_MODE: "production", OPENETS_ADMIN_USER: "registrar", OPENETS_ADMIN_PASSWORD: "a-long-registrar-password",
    OPENETS_RULEBOOK: rulebook, OPENETS_PRINCIPAL_CACHE_SECONDS: "600", OPENETS_CHECKPOINT_MINUTES: "0",
  };
  // One after the other: the first creates the first administrator, the second finds it.
  a = await startServerProcess(env);
  b = await startServerProcess(env);
  db = openPostgres(url, { max: 2 });
  const config = securityConfigOf(rulebook);
  auth = await AuthService.open(db, systemClock, config, new AuditLog(db, systemClock));
  must("admin", await auth.createUser(SYSTEM, { userId: "admin-2", displayName: "admin-2", password: "admin-2-long-password", roles: ["national-admin"] }));
  adminToken = must<{ token: string }>("admin token", await auth.createApiToken(SYSTEM, { userId: "admin-2", name: "notify", scopes: ["read", "admin"] })).token;
  await waitFor("both servers listening", async () => (await listeners()) === 2);
}, 300_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("a revocation takes effect in every server process (PostgreSQL notices)", () => {
  it("control: a token revoked with no notice stays usable on a server that verified it (the cache is real)", async () => {
    const u = await newUser();
    expect((await me(b, bearer(u.token))).status).toBe(200);
    await revokeSilently(u.tokenId);
    expect(await refusedWithin(b, bearer(u.token), 1_500)).toBe(false);
    // A server that never verified it asks the database and refuses it.
    expect((await me(a, bearer(u.token))).status).toBe(401);
  });

  it("a token revoked through server A is refused by server B within seconds", async () => {
    const u = await newUser();
    expect((await me(b, bearer(u.token))).status).toBe(200);
    expect((await me(b, bearer(u.token))).status).toBe(200);
    const r = await fetch(`${a.url}/v1/tokens/${u.tokenId}`, { method: "DELETE", headers: bearer(adminToken) });
    expect(r.status).toBe(200);
    expect(await refusedWithin(b, bearer(u.token), 5_000)).toBe(true);
  });

  it("a session ended through server A (sign-out) no longer signs in on server B", async () => {
    const u = await newUser();
    const s = await fetch(`${b.url}/v1/auth/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId: u.userId, password: u.password }) });
    expect(s.status).toBe(200);
    const { csrfToken } = (await s.json()) as { csrfToken: string };
    const cookie = /^[^=;\s]+=[^;]+/.exec(s.headers.get("set-cookie") ?? "")?.[0];
    expect(cookie).toBeDefined();
    const headers = { cookie: cookie as string };
    expect((await me(b, headers)).status).toBe(200);
    const out = await fetch(`${a.url}/v1/auth/sign-out`, { method: "POST", headers: { ...headers, "x-csrf-token": csrfToken } });
    expect(out.status).toBe(204);
    expect(await refusedWithin(b, headers, 5_000)).toBe(true);
  });

  it("a token revoked and a user disabled by the services on the store (the CLI's door, no server) are refused by both servers", async () => {
    const u = await newUser();
    const v = await newUser();
    for (const s of [a, b]) {
      expect((await me(s, bearer(u.token))).status).toBe(200);
      expect((await me(s, bearer(v.token))).status).toBe(200);
    }
    must("revoke", await auth.revokeApiToken(SYSTEM, u.tokenId));
    must("disable", await auth.setDisabled(SYSTEM, v.userId, true));
    for (const s of [a, b]) {
      expect(await refusedWithin(s, bearer(u.token), 5_000)).toBe(true);
      expect(await refusedWithin(s, bearer(v.token), 5_000)).toBe(true);
    }
  });

  it("with its LISTEN connection killed a server caches nothing until it listens again, then notices work again", async () => {
    const u = await newUser();
    expect((await me(b, bearer(u.token))).status).toBe(200);
    await db.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'openets-listen'");
    // Revoked without a notice while the servers are not listening (or have just started again,
    // which empties the cache): B asks the database and refuses it.
    await revokeSilently(u.tokenId);
    expect((await me(b, bearer(u.token))).status).toBe(401);
    await waitFor("both servers listening again", async () => (await listeners()) === 2);
    // Listening again, B caches again (a silent revocation goes unseen) ...
    const w = await newUser();
    const x = await newUser();
    expect((await me(b, bearer(w.token))).status).toBe(200);
    await revokeSilently(w.tokenId);
    expect(await refusedWithin(b, bearer(w.token), 1_000)).toBe(false);
    // ... and the next notice (another token revoked on the store) empties its cache.
    must("revoke", await auth.revokeApiToken(SYSTEM, x.tokenId));
    expect(await refusedWithin(b, bearer(w.token), 5_000)).toBe(true);
  });
});
