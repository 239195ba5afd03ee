// Goal (issue 16, item 3): sign-in tells nobody which user ids exist, and nobody can lock another
// person out from afar. Before: after one wrong password a real user's next attempt got 429 with a
// wait while an unknown user always got 401, and five paced wrong passwords from anywhere locked
// any account, an administrator's included, for 15 minutes. Now, on both stores:
// - an unknown user id gets the very answers of a known one with a wrong password, attempt after
//   attempt (backoff, then lockout), and costs the same work (one password-hash verification, the
//   same SQL statements);
// - backoff and lockout count per user and client address, so a lockout at one address leaves
//   the user free at others;
// - failures for one user id from many addresses together restrict it, for the lockout period, to
//   the second-factor path (password and one-time code in one request), which an attacker without
//   the code cannot use and the real user can; an administrator's unlock lifts every restriction;
// - a wrong current password in a password change counts like a failed sign-in, so a stolen
//   session cannot be used to guess the password;
// - every 429 says how many seconds to wait.
import { beforeAll, expect, it } from "vitest";
import { AuditLog } from "../../src/audit/index.ts";
import { AuthService, type AuthServiceOptions } from "../../src/auth/index.ts";
import { base32Decode, totp } from "../../src/auth/totp.ts";
import { DEFAULT_SECURITY_CONFIG, type SecurityConfig } from "../../src/domain/security/config.ts";
import type { Db, Sql } from "../../src/store/db.ts";
import { forEachStore } from "../support/stores.ts";
import { createUsers, FAST_ARGON2, type Fixture, PASSWORD, setUp } from "./fixture.ts";

const CONFIG: SecurityConfig = {
  ...DEFAULT_SECURITY_CONFIG,
  signIn: { ...DEFAULT_SECURITY_CONFIG.signIn, secondFactorRoles: ["national-admin"], maxFailures: 5, lockoutMinutes: 15, backoffBaseSeconds: 1, backoffMaxSeconds: 60, maxFailuresPerUser: 12 },
};
const MIN = 60_000;

type Answer = { ok: boolean; code?: number; check?: string; message?: string; facts?: Record<string, unknown> };

/** An answer with the user id taken out, so a known and an unknown user's can be compared. */
function shape(r: Answer, userId: string): unknown {
  if (r.ok) return { ok: true };
  return { code: r.code, check: r.check, message: r.message?.split(userId).join("<user>"), facts: JSON.parse(JSON.stringify(r.facts ?? {}).split(userId).join("<user>")) };
}

/** A Db that records the text of every statement (parameters left out). */
function recording(db: Db, log: string[]): Db {
  const wrap = (s: Sql): Sql => ({ query: (text, params) => (log.push(text.replace(/\s+/g, " ").trim()), s.query(text, params)) });
  return { kind: db.kind, query: wrap(db).query, transaction: (fn, opts) => db.transaction((tx) => fn(wrap(tx)), opts), exec: (s) => db.exec(s), close: () => db.close() } as Db;
}

forEachStore("sign-in throttling per user and address", (db) => {
  let f: Fixture;
  const code = (user: string) => totp(base32Decode(f.totpSecrets.get(user) as string), f.clock.now());

  beforeAll(async () => {
    f = await setUp(db(), CONFIG);
    await createUsers(f, [["olga", ["authority"]], ["root", ["national-admin"]], ["vic", ["authority"]], ["ada", ["national-admin"]]]);
  }, 60_000);

  it("answers an unknown user id exactly as a known one with a wrong password, attempt after attempt", async () => {
    // Immediate retries meet the backoff; waiting it out lets the next attempt through; the fifth failure locks.
    const schedule = [0, 0, 1000, 0, 2000, 4000, 8000, 0, 14 * MIN];
    const run = async (userId: string, ip: string) => {
      const out: unknown[] = [];
      const start = f.clock.now().getTime();
      for (const wait of schedule) {
        f.clock.advance(wait);
        out.push(shape(await f.auth.signIn(ip, { userId, password: "not the password" }), userId));
      }
      f.clock.set(new Date(start));
      return out;
    };
    const known = await run("olga", "192.0.2.1");
    const unknown = await run("nobody-at-all", "192.0.2.2");
    expect(unknown).toEqual(known);
    const codes = known.map((a) => (a as { code: number }).code);
    expect(codes).toEqual([8101, 8103, 8101, 8103, 8101, 8101, 8102, 8102, 8102]);
    // Waits are stated in whole seconds.
    expect((known[1] as { facts: Record<string, unknown> }).facts.retryAfterSeconds).toBe(1);
    expect((known[7] as { facts: Record<string, unknown> }).facts.retryAfterSeconds).toBe(15 * 60);
    expect((known[8] as { facts: Record<string, unknown> }).facts.retryAfterSeconds).toBe(60);
  });

  it("does the same work for a known and an unknown user: one password verification, the same statements", async () => {
    const statements: string[] = [];
    let verifications = 0;
    const passwords: AuthServiceOptions["passwords"] = {
      hash: async (pw) => `plain:${pw}`,
      verify: async (hash, pw) => {
        verifications++;
        return hash === `plain:${pw}`;
      },
    };
    const rec = recording(db(), statements);
    const auth = await AuthService.open(rec, f.clock, CONFIG, new AuditLog(rec, f.clock), { argon2: FAST_ARGON2, passwords });
    expect((await auth.createUser(f.system, { userId: "wendy", displayName: "W", password: PASSWORD })).ok).toBe(true);
    const trace = async (userId: string, ip: string) => {
      statements.length = 0;
      verifications = 0;
      const r = await auth.signIn(ip, { userId, password: "a wrong password" });
      return { answer: shape(r, userId), statements: [...statements], verifications };
    };
    const known = await trace("wendy", "198.51.100.31");
    const unknown = await trace("not-wendy", "198.51.100.32");
    expect(known.verifications).toBe(1);
    expect(unknown).toEqual(known);
    // And again inside the backoff: refused before any verification, alike.
    expect(await trace("not-wendy", "198.51.100.32")).toEqual(await trace("wendy", "198.51.100.31"));
  });

  it("a lockout at one address leaves the user free at every other", async () => {
    for (let i = 0; i < 5; i++) {
      f.clock.advance(61_000);
      await f.auth.signIn("203.0.113.66", { userId: "vic", password: "guess guess guess" });
    }
    expect(await f.auth.signIn("203.0.113.66", { userId: "vic", password: PASSWORD })).toMatchObject({ ok: false, code: 8102 });
    expect(await f.auth.signIn("192.0.2.80", { userId: "vic", password: PASSWORD })).toMatchObject({ ok: true, value: { kind: "session" } });
    const st = await f.auth.lockoutState("vic");
    expect(st?.lockedUntil).toBeNull();
    expect(st?.addresses).toEqual([{ address: "203.0.113.66", failures: 0, lockedUntil: expect.any(String), nextAttemptAt: expect.any(String) }]);
  });

  it("failures from many addresses restrict a user to the second factor, which still signs the real user in; unknown ids alike", async () => {
    f.clock.advance(20 * MIN);
    const spray = async (userId: string) => {
      const answers: unknown[] = [];
      for (let i = 0; i < 12; i++) answers.push(shape(await f.auth.signIn(`198.18.0.${i}`, { userId, password: "password123456" }), userId));
      return answers;
    };
    const real = await spray("root");
    const ghost = await spray("ghost-admin");
    expect(ghost).toEqual(real);
    expect((real[11] as { code: number }).code).toBe(8102);
    // From a fresh address: the password alone is refused, with the way out stated...
    const alone = await f.auth.signIn("192.0.2.99", { userId: "root", password: PASSWORD });
    expect(alone).toMatchObject({ ok: false, code: 8102, facts: { secondFactorRequired: true } });
    expect(shape(await f.auth.signIn("192.0.2.98", { userId: "ghost-admin", password: PASSWORD }), "ghost-admin")).toEqual(shape(alone as Answer, "root"));
    // ...a wrong code with the right password gets the same answer as no code...
    expect(shape(await f.auth.signIn("192.0.2.97", { userId: "root", password: PASSWORD, totp: "000000" }), "root")).toEqual(shape(alone as Answer, "root"));
    // ...and the password with the right code signs in.
    f.clock.advance(31_000);
    expect(await f.auth.signIn("192.0.2.99", { userId: "root", password: PASSWORD, totp: code("root") })).toMatchObject({ ok: true, value: { kind: "session" } });
    // The restriction runs 15 minutes from the last failure (the wrong code, 31 s ago); 13 failures count.
    const st = await f.auth.lockoutState("root");
    expect(st?.lockedUntil).toBe(new Date(f.clock.now().getTime() - 31_000 + 15 * MIN).toISOString());
    expect(st?.failures).toBe(13);
  });

  it("an administrator's unlock lifts the restriction and every address's lockout; others may not unlock", async () => {
    expect(await f.auth.unlock(await f.as("olga"), "root")).toMatchObject({ ok: false, code: 8001 });
    expect(await f.auth.unlock(f.system, "root")).toMatchObject({ ok: true, value: { failures: 0, lockedUntil: null, addresses: [] } });
    // Back to the normal path: the password gives the second-factor challenge.
    expect(await f.auth.signIn("198.18.0.1", { userId: "root", password: PASSWORD })).toMatchObject({ ok: true, value: { kind: "totp-required" } });
  });

  it("the restriction ends by itself after the lockout period", async () => {
    for (let i = 0; i < 12; i++) await f.auth.signIn(`198.19.0.${i}`, { userId: "ada", password: "password123456" });
    expect(await f.auth.signIn("192.0.2.120", { userId: "ada", password: PASSWORD })).toMatchObject({ ok: false, code: 8102 });
    f.clock.advance(15 * MIN);
    expect(await f.auth.signIn("192.0.2.120", { userId: "ada", password: PASSWORD })).toMatchObject({ ok: true, value: { kind: "totp-required" } });
  });

  it("a wrong current password in a password change backs off and locks out like a sign-in", async () => {
    const s = await f.auth.signIn("192.0.2.140", { userId: "olga", password: PASSWORD });
    if (!s.ok || s.value.kind !== "session") throw new Error("no session");
    const caller = { principal: s.value.principal, ip: "192.0.2.140" };
    const change = (oldPassword: string) => f.auth.changePassword(caller, { userId: "olga", oldPassword, newPassword: "a brand new password" });
    expect(await change("guess number one")).toMatchObject({ ok: false, code: 8101 });
    expect(await change(PASSWORD)).toMatchObject({ ok: false, code: 8103, facts: { retryAfterSeconds: 1 } });
    for (const wait of [1000, 2000, 4000, 8000]) {
      f.clock.advance(wait);
      await change("another guess");
    }
    expect(await change(PASSWORD)).toMatchObject({ ok: false, code: 8102 });
  });
});
