// Goal: the administrators' CLI does what docs/reference/cli.md says. In-process through the very
// handlers the commands call (on PGlite, with a moving clock): `ets admin bootstrap` creates the
// first national administrator and prints the TOTP secret once, and is refused with a clear code
// when the password is missing or weak or an administrator exists, changing nothing; `ets admin
// users` shows roles, second factor and lockouts (per address); `ets admin unlock` ends them (unknown user:
// refused, nothing changes); `ets audit` filters by time, actor and action and pages. Spawned
// `./bin/ets` (2 runs, tsx is slow): the password comes from stdin, never argv, and is never printed.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as admin from "../../src/cli/commands/admin.ts";
import { toJson, UsageError } from "../../src/cli/io.ts";
import { DEFAULT_SECURITY_CONFIG, type SecurityConfig } from "../../src/domain/security/config.ts";
import { systemPrincipal } from "../../src/domain/security/roles.ts";
import { ManualClock } from "../../src/platform/clock.ts";
import type { Db } from "../../src/store/db.ts";
import { openTestDb } from "../support/stores.ts";
import { FAST_ARGON2, PASSWORD } from "./fixture.ts";

const CONFIG: SecurityConfig = { ...DEFAULT_SECURITY_CONFIG, signIn: { ...DEFAULT_SECURITY_CONFIG.signIn, maxFailures: 2, backoffBaseSeconds: 0, backoffMaxSeconds: 0 } };
const asJson = (o: admin.AdminContext extends never ? never : { json: unknown }) => JSON.parse(toJson(o.json)) as never;

describe("ets admin and ets audit, in-process", () => {
  let db: Db;
  let ctx: admin.AdminContext;
  const clock = new ManualClock("2026-03-02T09:00:00Z");
  const count = async (sql: string) => Number((await db.query<{ n: bigint }>(sql)).rows[0]?.n ?? 0n);

  beforeAll(async () => {
    db = await openTestDb("pglite");
    ctx = await admin.adminContext(db, CONFIG, clock, { argon2: FAST_ARGON2 });
  }, 60_000);
  afterAll(async () => db?.close());

  it("bootstrap refuses a missing or weak password and changes nothing", async () => {
    await expect(admin.bootstrap(ctx, { user: "root-admin", password: undefined })).rejects.toThrow(UsageError);
    await expect(admin.bootstrap(ctx, { user: "root-admin", password: undefined })).rejects.toThrow(/OPENETS_ADMIN_PASSWORD or pipe the password on stdin/);
    await expect(admin.bootstrap(ctx, { user: "root-admin", password: "short" })).rejects.toMatchObject({ refusal: { code: 8108 }, message: expect.stringMatching(/check 8108 \(password-weak\): a password needs 12/) });
    await expect(admin.bootstrap(ctx, { user: "Bad User!", password: PASSWORD })).rejects.toMatchObject({ refusal: { check: expect.any(String) } });
    expect(await count("SELECT count(*) AS n FROM users")).toBe(0);
  });

  it("bootstrap creates the first administrator, prints the TOTP secret once, and is refused when one exists", async () => {
    clock.set("2026-03-02T10:00:00Z");
    const out = await admin.bootstrap(ctx, { user: "root-admin", name: "Registry administrator", password: PASSWORD });
    const j = asJson(out) as { user: { userId: string; roles: string[]; totpEnrolled: boolean }; totp: { secret: string; uri: string } };
    expect(j.user).toMatchObject({ userId: "root-admin", roles: ["national-admin"], totpEnrolled: true });
    expect(j.totp.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(out.text).toContain(`TOTP secret (shown once; add it to an authenticator app now): ${j.totp.secret}`);
    expect(out.text).not.toContain(PASSWORD);
    clock.set("2026-03-02T10:05:00Z");
    await expect(admin.bootstrap(ctx, { user: "second-admin", password: PASSWORD })).rejects.toMatchObject({ refusal: { code: 8001 }, message: expect.stringMatching(/a national administrator exists already/) });
    expect(await count("SELECT count(*) AS n FROM users")).toBe(1);
    // The secret is stored, never in the audit log.
    expect(toJson((await db.query("SELECT * FROM audit_log")).rows)).not.toContain(j.totp.secret);
  });

  it("users shows roles, second factor and lockouts; unlock ends a lockout; an unknown user is refused", async () => {
    const created = await ctx.auth.createUser(ctx.caller, { userId: "rep-sato", displayName: "Sato Hanako", password: PASSWORD });
    expect(created.ok).toBe(true);
    clock.set("2026-03-02T11:00:00Z");
    for (let i = 0; i < 2; i++) await ctx.auth.signIn("198.51.100.7", { userId: "rep-sato", password: "wrong password here" });
    let list = await admin.users(ctx);
    expect(list.text).toMatch(/root-admin\s+Registry administrator\s+national-admin\s+-\s+yes\s+ok/);
    // Locked out at the address the failures came from (only there).
    expect(list.text).toMatch(/rep-sato\s+Sato Hanako\s+-\s+-\s+yes\s+locked at 198\.51\.100\.7 until 2026-03-02T11:15:00.000Z/);
    const rows = asJson(list) as Array<{ userId: string; lockedUntil: string | null; addresses: Array<{ address: string; lockedUntil: string | null }> }>;
    expect(rows.map((u) => [u.userId, u.lockedUntil, u.addresses.map((a) => [a.address, a.lockedUntil])])).toEqual([
      ["rep-sato", null, [["198.51.100.7", "2026-03-02T11:15:00.000Z"]]],
      ["root-admin", null, []],
    ]);

    const before = (await db.query("SELECT * FROM sign_in_throttle ORDER BY user_key, address")).rows;
    await expect(admin.unlock(ctx, "nobody")).rejects.toMatchObject({ refusal: { code: 8013 }, message: expect.stringMatching(/no user nobody/) });
    expect((await db.query("SELECT * FROM sign_in_throttle ORDER BY user_key, address")).rows).toEqual(before);

    clock.set("2026-03-02T11:01:00Z");
    expect((await admin.unlock(ctx, "rep-sato")).text).toBe("unlocked rep-sato (failures 0)\n");
    list = await admin.users(ctx);
    expect(list.text).toMatch(/rep-sato\s+Sato Hanako\s+-\s+-\s+yes\s+ok/);
    const signIn = await ctx.auth.signIn(null, { userId: "rep-sato", password: PASSWORD });
    expect(signIn.ok).toBe(true);
  });

  it("audit filters by time, actor and action, pages, and refuses bad options", async () => {
    const all = asJson(await admin.audit(ctx, {})) as { rows: Array<{ action: string; actor: string; outcome: string; code: number | null }> };
    expect(all.rows.map((r) => r.action)).toContain("user.bootstrap");
    const boots = asJson(await admin.audit(ctx, { action: "user.bootstrap" })) as typeof all;
    // Two refused before the first administrator (weak password, bad id), one created, one refused after.
    expect(boots.rows.map((r) => [r.outcome, r.code])).toEqual([["refused", 8108], ["refused", boots.rows[1]?.code], ["ok", null], ["refused", 8001]]);
    const unlocks = await admin.audit(ctx, { action: "user.", actor: "system:cli", from: "2026-03-02T11:00:00Z", to: "2026-03-02T12:00:00Z" });
    expect((asJson(unlocks) as typeof all).rows.map((r) => [r.action, r.outcome, r.code])).toEqual([["user.unlock", "refused", 8013], ["user.unlock", "ok", null]]);
    expect(unlocks.text).toMatch(/system:cli\s+system\s+-\s+user\.unlock\s+nobody\s+refused 8013/);
    expect((asJson(await admin.audit(ctx, { from: "2026-03-03" })) as typeof all).rows).toEqual([]);
    const page1 = await admin.audit(ctx, { limit: "1" });
    const next = (asJson(page1) as { next: string }).next;
    expect(page1.text).toContain(`more: --after ${next}`);
    expect((asJson(await admin.audit(ctx, { limit: "1", after: next })) as { rows: Array<{ seq: string }> }).rows[0]?.seq).toBe(String(Number(next) + 1));
    for (const bad of [{ from: "yesterday" }, { to: "2026-13-45" }, { limit: "0" }, { limit: "501" }, { after: "x" }, { outcome: "maybe" }, { from: "2026-03-02", to: "2026-03-01" }]) {
      await expect(admin.audit(ctx, bad)).rejects.toThrow(UsageError);
    }
    // Reading is not a change: no audit row for it.
    const n = await count("SELECT count(*) AS n FROM audit_log");
    await admin.audit(ctx, {});
    expect(await count("SELECT count(*) AS n FROM audit_log")).toBe(n);
    // Without the audit:read permission (a caller that is not the CLI operator), refused.
    const weak = { ...ctx, caller: { principal: { ...systemPrincipal("x"), roles: [] }, ip: null } };
    await expect(admin.audit(weak, {})).rejects.toMatchObject({ refusal: { code: 8001 } });
  });

  it("reads the password from the environment, else from stdin (not a terminal), dropping one newline", async () => {
    const stream = (text: string) => Readable.from([Buffer.from(text)]) as unknown as NodeJS.ReadStream;
    expect(await admin.readPassword({ OPENETS_ADMIN_PASSWORD: "from env pw" }, stream("from stdin\n"))).toBe("from env pw");
    expect(await admin.readPassword({}, stream("from stdin pw\n"))).toBe("from stdin pw");
    expect(await admin.readPassword({}, stream(""))).toBeUndefined();
    // On a terminal it is asked for without echo (raw mode on while typing, off after).
    const modes: boolean[] = [];
    const tty = Object.assign(stream("typed pw\r"), { isTTY: true, isRaw: false, setRawMode: (on: boolean) => modes.push(on) });
    expect(await admin.readPassword({}, tty as never)).toBe("typed pw");
    expect(modes).toEqual([true, false]);
    await expect(admin.readPassword({}, stream("x".repeat(5000)))).rejects.toThrow(/at most 4096 bytes/);
  });
});

const ETS = join(import.meta.dirname, "../../bin/ets");

function ets(args: string[], stdin: string, env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const clean: NodeJS.ProcessEnv = { ...process.env, ...env };
    delete clean.DATABASE_URL;
    delete clean.OPENETS_ADMIN_PASSWORD;
    const child = spawn(ETS, args, { env: clean, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += String(d)));
    child.stderr.on("data", (d) => (stderr += String(d)));
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe("ets admin, spawned", () => {
  const dir = mkdtempSync(join(tmpdir(), "openets-admin-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const database = join(dir, "data");

  it("bootstraps from stdin, then reads the audit log", { timeout: 180_000 }, async () => {
    const pw = "a long admin passphrase 42";
    const first = await ets(["admin", "bootstrap", "--user", "root-admin", "--database", database], `${pw}\n`);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/created national administrator root-admin\nTOTP secret \(shown once; add it to an authenticator app now\): [A-Z2-7]{32}\n/);
    expect(first.stdout + first.stderr).not.toContain(pw);
    const log = await ets(["audit", "--action", "user.", "--json", "--database", database], "");
    expect(log.code).toBe(0);
    expect((JSON.parse(log.stdout) as { rows: Array<{ action: string; target: string; outcome: string }> }).rows.map((r) => [r.action, r.target, r.outcome])).toEqual([["user.bootstrap", "root-admin", "ok"]]);
  });
});
