// Goal: sign-in on both stores with a moving clock: no default users, argon2id hashes, the TOTP
// second factor for the roles that need it (wrong, replayed and expired codes refused), sessions
// that expire and can be revoked, exponential backoff and lockout after failed attempts, API
// tokens limited to their scopes, and the audit rows of it all (append-only in the database).
import { beforeAll, expect, it } from "vitest";
import { AuthService } from "../../src/auth/index.ts";
import { base32Decode, totp } from "../../src/auth/totp.ts";
import { DEFAULT_SECURITY_CONFIG } from "../../src/domain/security/config.ts";
import { forEachStore } from "../support/stores.ts";
import { createUsers, FAST_ARGON2, type Fixture, PASSWORD, setUp } from "./fixture.ts";

const MIN = 60_000;

forEachStore("sign-in, sessions and tokens", (db) => {
  let f: Fixture;
  const code = (user: string, offsetMs = 0) => totp(base32Decode(f.totpSecrets.get(user) as string), new Date(f.clock.now().getTime() + offsetMs));

  beforeAll(async () => {
    const users = await db().query<{ n: bigint }>("SELECT count(*)::int8 AS n FROM users");
    // No default credentials: a fresh database has no users at all.
    expect(users.rows[0]?.n).toBe(0n);
    f = await setUp(db());
    const boot = await f.auth.bootstrapAdmin("127.0.0.1", { userId: "root-admin", displayName: "Root", password: PASSWORD });
    if (!boot.ok || !boot.value.totp) throw new Error("bootstrap failed");
    f.totpSecrets.set("root-admin", boot.value.totp.secret);
    await createUsers(f, [["olga", ["authority"]], ["lou", ["authority"]], ["tina", ["authority"]]]);
  }, 60_000);

  it("bootstrap creates the first administrator only while there is none", async () => {
    expect(await f.auth.bootstrapAdmin("127.0.0.1", { userId: "second-root", displayName: "x", password: PASSWORD })).toMatchObject({ ok: false, code: 8001 });
    expect(await f.auth.getUser(f.system, "second-root")).toMatchObject({ ok: false, code: 8013 });
  });

  it("demo users work only in demo mode", async () => {
    const demoCfg = { ...DEFAULT_SECURITY_CONFIG, demoMode: true, signIn: { ...DEFAULT_SECURITY_CONFIG.signIn, secondFactorRoles: [] } };
    const demoAuth = await AuthService.open(db(), f.clock, demoCfg, f.audit, { argon2: FAST_ARGON2 });
    expect((await demoAuth.createUser(f.system, { userId: "demo-viewer", displayName: "Demo", password: PASSWORD, roles: ["authority"], demo: true })).ok).toBe(true);
    expect(await demoAuth.signIn(null, { userId: "demo-viewer", password: PASSWORD })).toMatchObject({ ok: true, value: { kind: "session" } });
    expect(await f.auth.signIn(null, { userId: "demo-viewer", password: PASSWORD })).toMatchObject({ ok: false, code: 8112 });
  });

  it("in demo mode only the demo users skip the second factor; a user created on a demo server needs it when the rulebook says so", async () => {
    const demoCfg = { ...DEFAULT_SECURITY_CONFIG, demoMode: true, signIn: { ...DEFAULT_SECURITY_CONFIG.signIn, secondFactorRoles: ["authority" as const] } };
    const demoAuth = await AuthService.open(db(), f.clock, demoCfg, f.audit, { argon2: FAST_ARGON2 });
    expect((await demoAuth.createUser(f.system, { userId: "demo-auditor-2", displayName: "Demo", password: PASSWORD, roles: ["authority"], demo: true })).ok).toBe(true);
    expect(await demoAuth.signIn(null, { userId: "demo-auditor-2", password: PASSWORD })).toMatchObject({ ok: true, value: { kind: "session" } });
    const real = await demoAuth.createUser(f.system, { userId: "real-auditor", displayName: "Real", password: PASSWORD, roles: ["authority"] });
    if (!real.ok || !real.value.totp) throw new Error("expected an enrolment");
    const first = await demoAuth.signIn(null, { userId: "real-auditor", password: PASSWORD });
    if (!first.ok || first.value.kind !== "totp-required") throw new Error(`expected a challenge, got ${JSON.stringify(first)}`);
    const good = totp(base32Decode(real.value.totp.secret), f.clock.now());
    expect(await demoAuth.verifyTotp(null, { challenge: first.value.challenge, code: good })).toMatchObject({ ok: true, value: { kind: "session" } });
  });

  it("stores argon2id hashes, never the password", async () => {
    const r = await db().query<{ password_hash: string }>("SELECT password_hash FROM users WHERE id = 'olga'");
    expect(r.rows[0]?.password_hash).toMatch(/^\$argon2id\$v=19\$/);
    expect(r.rows[0]?.password_hash).not.toContain(PASSWORD);
  });

  it("creating users needs an administrator; weak passwords and demo users outside demo mode are refused", async () => {
    expect(await f.auth.createUser(f.anon, { userId: "eve", displayName: "Eve", password: PASSWORD })).toMatchObject({ ok: false, code: 8001 });
    const olga = await f.as("olga");
    expect(await f.auth.createUser(olga, { userId: "eve", displayName: "Eve", password: PASSWORD })).toMatchObject({ ok: false, code: 8001 });
    expect(await f.auth.createUser(f.system, { userId: "eve", displayName: "Eve", password: "short" })).toMatchObject({ ok: false, code: 8108 });
    expect(await f.auth.createUser(f.system, { userId: "demo", displayName: "Demo", password: PASSWORD, demo: true })).toMatchObject({ ok: false, code: 8112 });
    expect(await f.auth.createUser(f.system, { userId: "Bad Id!", displayName: "x", password: PASSWORD })).toMatchObject({ ok: false, code: 8020 });
    expect(await f.auth.createUser(f.system, { userId: "olga", displayName: "Olga 2", password: PASSWORD })).toMatchObject({ ok: false, code: 8109 });
  });

  it("a role without second factor signs in with the password; the session expires and can be revoked", async () => {
    const r = await f.auth.signIn("192.0.2.1", { userId: "olga", password: PASSWORD });
    if (!r.ok || r.value.kind !== "session") throw new Error(`expected a session, got ${JSON.stringify(r)}`);
    const s = await f.auth.getSession(r.value.token);
    expect(s).toMatchObject({ ok: true, value: { principal: { userId: "olga", roles: ["authority"], via: "session" } } });
    const stored = await db().query<{ token_hash: string }>("SELECT token_hash FROM sessions WHERE id = $1", [r.value.sessionId]);
    expect(stored.rows[0]?.token_hash).not.toBe(r.value.token);
    f.clock.advance(29 * MIN);
    expect((await f.auth.getSession(r.value.token)).ok).toBe(true);
    f.clock.advance(MIN);
    expect(await f.auth.getSession(r.value.token)).toMatchObject({ ok: false, code: 8106 });
    const r2 = await f.auth.signIn(null, { userId: "olga", password: PASSWORD });
    if (!r2.ok || r2.value.kind !== "session") throw new Error("no session");
    const olga = { principal: r2.value.principal, ip: null };
    expect((await f.auth.revokeSession(olga, r2.value.token)).ok).toBe(true);
    expect(await f.auth.getSession(r2.value.token)).toMatchObject({ ok: false, code: 8106 });
    expect(await f.auth.getSession("forged-token-value")).toMatchObject({ ok: false, code: 8106 });
  });

  it("an administrator needs the TOTP second factor: wrong, replayed and late codes are refused", async () => {
    const first = await f.auth.signIn(null, { userId: "root-admin", password: PASSWORD });
    if (!first.ok || first.value.kind !== "totp-required") throw new Error(`expected a challenge, got ${JSON.stringify(first)}`);
    const challenge = first.value.challenge;
    const good = code("root-admin");
    const wrong = String((Number(good) + 1) % 1_000_000).padStart(6, "0");
    expect(await f.auth.verifyTotp(null, { challenge, code: wrong })).toMatchObject({ ok: false, code: 8104 });
    f.clock.advance(2000); // past the backoff of the failed code
    const ok = await f.auth.verifyTotp(null, { challenge, code: good });
    expect(ok).toMatchObject({ ok: true, value: { kind: "session", principal: { userId: "root-admin", roles: ["national-admin"] } } });
    // The challenge is used up, and the same code cannot be used again.
    expect(await f.auth.verifyTotp(null, { challenge, code: good })).toMatchObject({ ok: false, code: 8105 });
    expect(await f.auth.signIn(null, { userId: "root-admin", password: PASSWORD, totp: good })).toMatchObject({ ok: false, code: 8104 });
    // A challenge expires after 5 minutes.
    f.clock.advance(60_000);
    const late = await f.auth.signIn(null, { userId: "root-admin", password: PASSWORD });
    if (!late.ok || late.value.kind !== "totp-required") throw new Error("expected a challenge");
    f.clock.advance(5 * MIN);
    expect(await f.auth.verifyTotp(null, { challenge: late.value.challenge, code: code("root-admin") })).toMatchObject({ ok: false, code: 8105 });
    // One step: password and code together.
    expect(await f.auth.signIn(null, { userId: "root-admin", password: PASSWORD, totp: code("root-admin") })).toMatchObject({ ok: true, value: { kind: "session" } });
  });

  it("failed sign-ins back off exponentially and lock the user out (at that address) after five; the lock ends after 15 minutes", async () => {
    const wrong = { userId: "lou", password: "not the password!" };
    const right = { userId: "lou", password: PASSWORD };
    expect(await f.auth.signIn(null, wrong)).toMatchObject({ ok: false, code: 8101 });
    // Even the right password waits for the backoff (1 s after the first failure).
    expect(await f.auth.signIn(null, right)).toMatchObject({ ok: false, code: 8103 });
    const waits = [1, 2, 4, 8];
    for (const [i, s] of waits.entries()) {
      f.clock.advance(s * 1000);
      const r = await f.auth.signIn(null, wrong);
      expect(r).toMatchObject({ ok: false, code: i === waits.length - 1 ? 8102 : 8101 });
    }
    const st = await f.auth.lockoutState("lou");
    expect(st?.addresses).toEqual([{ address: "(none)", failures: 0, lockedUntil: new Date(f.clock.now().getTime() + 15 * MIN).toISOString(), nextAttemptAt: expect.any(String) }]);
    f.clock.advance(14 * MIN);
    expect(await f.auth.signIn(null, right)).toMatchObject({ ok: false, code: 8102 });
    f.clock.advance(MIN);
    expect(await f.auth.signIn(null, right)).toMatchObject({ ok: true, value: { kind: "session" } });
    expect(await f.auth.lockoutState("lou")).toMatchObject({ lockedUntil: null, addresses: [] });
  });

  it("an administrator can unlock; unknown users get the same answer as wrong passwords", async () => {
    for (let i = 0; i < 5; i++) {
      await f.auth.signIn(null, { userId: "tina", password: "wrong wrong wrong" });
      f.clock.advance(61_000);
    }
    expect((await f.auth.lockoutState("tina"))?.addresses[0]?.lockedUntil).not.toBeNull();
    expect(await f.auth.unlock(await f.as("olga"), "tina")).toMatchObject({ ok: false, code: 8001 });
    expect(await f.auth.unlock(f.system, "tina")).toMatchObject({ ok: true, value: { failures: 0, lockedUntil: null, addresses: [] } });
    expect(await f.auth.signIn(null, { userId: "tina", password: PASSWORD })).toMatchObject({ ok: true });
    expect(await f.auth.signIn(null, { userId: "nobody-here", password: PASSWORD })).toMatchObject({ ok: false, code: 8101 });
  });

  it("API tokens act within their scopes and stop when revoked or expired; forged tokens fail", async () => {
    const olga = await f.as("olga");
    expect(await f.auth.createApiToken(olga, { name: "x", scopes: ["root" as never] })).toMatchObject({ ok: false, code: 8113 });
    const made = await f.auth.createApiToken(olga, { name: "reporting", scopes: ["read", "audit:read"], days: 1 });
    if (!made.ok) throw new Error(made.message);
    const p = await f.auth.authenticateToken(made.value.token);
    expect(p).toMatchObject({ ok: true, value: { userId: "olga", via: "token", scopes: ["read", "audit:read"] } });
    if (!p.ok) return;
    // The token reads the audit log but cannot create more tokens.
    expect((await f.audit.query({ principal: p.value, ip: null }, { limit: 1 })).ok).toBe(true);
    expect(await f.auth.createApiToken({ principal: p.value, ip: null }, { name: "y", scopes: ["read"] })).toMatchObject({ ok: false, code: 8115 });
    // Nor change their user's password or second factor, and they are told why (not "another user's password").
    expect(await f.auth.changePassword({ principal: p.value, ip: null }, { userId: "olga", oldPassword: PASSWORD, newPassword: "another long password" })).toMatchObject({
      ok: false, code: 8115, message: expect.stringMatching(/^changing one's own password needs a signed-in session/),
    });
    expect(await f.auth.resetTotp({ principal: p.value, ip: null }, "olga")).toMatchObject({ ok: false, code: 8115 });
    const readOnly = await f.auth.createApiToken(olga, { name: "read only", scopes: ["read"] });
    if (!readOnly.ok) throw new Error(readOnly.message);
    const rp = await f.auth.authenticateToken(readOnly.value.token);
    if (!rp.ok) throw new Error(rp.message);
    expect(await f.audit.query({ principal: rp.value, ip: null }, {})).toMatchObject({ ok: false, code: 8001 });
    // Forged: one character changed.
    const t = made.value.token;
    const forged = t.slice(0, -1) + (t.endsWith("A") ? "B" : "A");
    expect(await f.auth.authenticateToken(forged)).toMatchObject({ ok: false, code: 8107 });
    expect(await f.auth.authenticateToken("ets_garbage")).toMatchObject({ ok: false, code: 8107 });
    f.clock.advance(24 * 60 * MIN);
    expect(await f.auth.authenticateToken(t)).toMatchObject({ ok: false, code: 8107 });
    expect((await f.auth.revokeApiToken(olga, readOnly.value.view.tokenId)).ok).toBe(true);
    expect(await f.auth.authenticateToken(readOnly.value.token)).toMatchObject({ ok: false, code: 8107 });
  });

  it("the second factor is configurable: with no second-factor roles an administrator signs in with the password alone", async () => {
    const cfg = { ...DEFAULT_SECURITY_CONFIG, signIn: { ...DEFAULT_SECURITY_CONFIG.signIn, secondFactorRoles: [] } };
    const auth = await AuthService.open(db(), f.clock, cfg, f.audit, { argon2: FAST_ARGON2 });
    f.clock.advance(60 * MIN);
    expect(await auth.signIn(null, { userId: "root-admin", password: PASSWORD })).toMatchObject({ ok: true, value: { kind: "session" } });
  });

  it("disabling a user ends their sessions", async () => {
    const s = await f.auth.signIn(null, { userId: "olga", password: PASSWORD });
    if (!s.ok || s.value.kind !== "session") throw new Error("no session");
    expect((await f.auth.setDisabled(f.system, "olga", true)).ok).toBe(true);
    expect(await f.auth.getSession(s.value.token)).toMatchObject({ ok: false, code: 8106 });
    expect(await f.auth.signIn(null, { userId: "olga", password: PASSWORD })).toMatchObject({ ok: false, code: 8110 });
    expect((await f.auth.setDisabled(f.system, "olga", false)).ok).toBe(true);
  });

  it("audit: sign-ins are recorded with address and code, never secrets; the table refuses UPDATE and DELETE", async () => {
    const page = await f.audit.query(f.system, { action: "auth.", limit: 500 });
    if (!page.ok) throw new Error(page.message);
    const refused = page.value.rows.filter((r) => r.outcome === "refused").map((r) => r.code);
    expect(refused).toEqual(expect.arrayContaining([8101, 8102, 8103, 8104, 8105]));
    expect(page.value.rows.find((r) => r.ip === "192.0.2.1")).toMatchObject({ action: "auth.sign-in", actor: "olga", outcome: "ok" });
    const all = await db().query<{ detail: unknown }>("SELECT detail FROM audit_log");
    expect(JSON.stringify(all.rows)).not.toContain(PASSWORD);
    await expect(db().query("UPDATE audit_log SET outcome = 'ok'")).rejects.toThrow(/immutable/);
    await expect(db().query("DELETE FROM audit_log")).rejects.toThrow(/immutable/);
    await expect(db().query("TRUNCATE audit_log")).rejects.toThrow(/immutable/);
    // Keyset pagination walks every row once.
    const seen: string[] = [];
    let after: string | undefined;
    for (let i = 0; i < 100; i++) {
      const p = await f.audit.query(f.system, { limit: 7, after });
      if (!p.ok) throw new Error(p.message);
      seen.push(...p.value.rows.map((r) => r.seq));
      if (!p.value.next) break;
      after = p.value.next;
    }
    const total = await db().query<{ n: bigint }>("SELECT count(*)::int8 AS n FROM audit_log");
    expect(seen.length).toBe(Number(total.rows[0]?.n));
    expect(new Set(seen).size).toBe(seen.length);
  });
});
