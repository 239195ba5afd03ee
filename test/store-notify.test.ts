// Goal: credential changes announce themselves from the database (migration auth-notify-001), on
// every door, and the server's LISTEN connection (src/store/listen.ts) hears them, comes back after
// its backend is killed or goes silent (stopped with SIGSTOP: the test cluster runs as this user),
// and ends at close. On PostgreSQL: the changes that can end or alter a
// principal notify (payload: the table), the routine writes of signing in (a token's last use, a
// TOTP step, a new session or token) do not, nor does a rolled-back change. Each check ends with a
// sentinel notice sent after the change: notices arrive in commit order, so once the sentinel is
// in, everything the change announced is too (no waiting on time). On PGlite the same triggers
// run and pg_notify is harmless.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditLog } from "../src/audit/index.ts";
import { AuthService } from "../src/auth/index.ts";
import { DEFAULT_SECURITY_CONFIG } from "../src/domain/security/config.ts";
import { systemPrincipal, type Caller } from "../src/domain/security/roles.ts";
import { ManualClock } from "../src/platform/clock.ts";
import { SecureRegistry } from "../src/registry/secure/index.ts";
import type { Db } from "../src/store/db.ts";
import { type Listener, listenPostgres } from "../src/store/listen.ts";
import { migrate } from "../src/store/migrate.ts";
import { CREDENTIALS_CHANNEL } from "../src/store/migrations/auth-notify.ts";
import { openPglite } from "../src/store/pglite.ts";
import { openPostgres } from "../src/store/postgres.ts";
import { FAST_ARGON2 } from "./http/fixture.ts";
import { createServerDatabase } from "./support/stores.ts";

const SYSTEM: Caller = { principal: systemPrincipal("store-notify-test"), ip: null };
const clock = new ManualClock("2026-04-06T09:00:00Z");

async function services(db: Db): Promise<{ auth: AuthService; registry: SecureRegistry }> {
  const audit = new AuditLog(db, clock);
  const config = { ...DEFAULT_SECURITY_CONFIG, signIn: { ...DEFAULT_SECURITY_CONFIG.signIn, secondFactorRoles: [] } };
  return { auth: await AuthService.open(db, clock, config, audit, { argon2: FAST_ARGON2 }), registry: await SecureRegistry.open(db, clock, config, { audit }) };
}

function must<T>(r: { ok: boolean }): T {
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r)}`);
  return (r as unknown as { value: T }).value;
}

async function waitFor(what: string, cond: () => boolean, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("credential change notices [postgres]", () => {
  let url: string;
  let db: Db;
  let auth: AuthService;
  let registry: SecureRegistry;
  let listener: Listener;
  const notices: string[] = [];
  const events: string[] = [];
  let sentinels = 0;

  /** The notices the action caused, in order (duplicates of one transaction are sent once). */
  async function noticesOf(action: () => Promise<unknown>): Promise<string[]> {
    notices.length = 0;
    await action();
    const sentinel = `sentinel-${++sentinels}`;
    await db.query("SELECT pg_notify($1, $2)", [CREDENTIALS_CHANNEL, sentinel]);
    await waitFor(sentinel, () => notices.includes(sentinel));
    return notices.slice(0, notices.indexOf(sentinel));
  }

  beforeAll(async () => {
    url = await createServerDatabase();
    db = openPostgres(url, { max: 2 });
    await migrate(db);
    ({ auth, registry } = await services(db));
    listener = listenPostgres(url, CREDENTIALS_CHANNEL, {
      onNotice: (p) => notices.push(p ?? ""),
      onListening: () => events.push("listening"),
      onLost: () => events.push("lost"),
      backoffMs: { first: 50, max: 200 },
    });
    await waitFor("listening", () => listener.listening);
  }, 120_000);

  afterAll(async () => {
    await listener?.close();
    await db?.close();
  });

  it("announces what ends or alters a principal, and not the routine writes of signing in", async () => {
    expect(await noticesOf(() => auth.createUser(SYSTEM, { userId: "u-1", displayName: "u-1", password: "u-1-long-password", roles: [] }))).toEqual([]);
    const t = await (async () => {
      let made: { token: string; view: { tokenId: string } } | undefined;
      expect(await noticesOf(async () => (made = must(await auth.createApiToken(SYSTEM, { userId: "u-1", name: "n", scopes: ["read"] }))))).toEqual([]);
      return made as { token: string; view: { tokenId: string } };
    })();
    // The first use records last_used_at: not a change to the credential.
    expect(await noticesOf(async () => must(await auth.authenticateToken(t.token)))).toEqual([]);
    let session = "";
    expect(await noticesOf(async () => {
      const s = must<{ kind: string; token: string }>(await auth.signIn("192.0.2.1", { userId: "u-1", password: "u-1-long-password" }));
      session = s.token;
    })).toEqual([]);
    expect(session).not.toBe("");
    expect(await noticesOf(async () => must(await auth.revokeApiToken(SYSTEM, t.view.tokenId)))).toEqual(["api_tokens"]);
    expect(await noticesOf(async () => must(await auth.revokeSession(SYSTEM, session)))).toEqual(["sessions"]);
    expect(await noticesOf(async () => must(await auth.setRoles(SYSTEM, "u-1", ["verifier"])))).toEqual(["users"]);
    must(await registry.openAccount(SYSTEM, { commandId: "open-acc", accountId: "N-1", type: "trading", holder: "H", name: "N-1" }));
    expect(await noticesOf(async () => must(await registry.addRepresentative(SYSTEM, { accountId: "N-1", userId: "u-1", initiate: true, approve: false })))).toEqual(["representatives"]);
    // Disabling revokes the user's sessions in the same transaction: both tables are announced.
    must(await auth.signIn("192.0.2.1", { userId: "u-1", password: "u-1-long-password" }));
    expect((await noticesOf(async () => must(await auth.setDisabled(SYSTEM, "u-1", true)))).sort()).toEqual(["sessions", "users"]);
  });

  it("announces nothing for a change rolled back", async () => {
    expect(
      await noticesOf(() =>
        db.transaction(async (tx) => {
          await tx.query("UPDATE users SET disabled = NOT disabled WHERE id = 'u-1'");
          throw new Error("rolled back");
        }).catch(() => undefined),
      ),
    ).toEqual([]);
  });

  it("comes back after its backend is killed, says it lost and found the connection, and hears again", async () => {
    events.length = 0;
    await db.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'openets-listen'");
    await waitFor("lost", () => events.includes("lost"));
    await waitFor("listening again", () => listener.listening);
    expect(events).toEqual(["lost", "listening"]);
    expect(await noticesOf(() => db.query("UPDATE api_tokens SET expires_at = expires_at - interval '1 day'"))).toEqual(["api_tokens"]);
  });

  it("does not listen, reconnect or keep the process alive after close", async () => {
    const other = listenPostgres(url, CREDENTIALS_CHANNEL, { onNotice: () => undefined, onListening: () => undefined, onLost: () => undefined });
    await waitFor("listening", () => other.listening);
    await other.close();
    expect(other.listening).toBe(false);
    const left = await db.query<{ n: bigint }>("SELECT count(*)::int8 AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'openets-listen'");
    expect(Number(left.rows[0]?.n)).toBe(1); // only the suite's own listener
  });

  it("counts a connection gone silent (its backend stopped, as in a network partition) as lost once a heartbeat goes unanswered", async () => {
    const seen: string[] = [];
    const quiet = listenPostgres(url, CREDENTIALS_CHANNEL, {
      onNotice: () => undefined, onListening: () => seen.push("listening"), onLost: () => seen.push("lost"), heartbeatMs: 300, backoffMs: { first: 50, max: 200 },
    });
    try {
      await waitFor("listening", () => quiet.listening);
      // The newest listening backend is this one (the suite's own listener connected earlier).
      const pid = Number((await db.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'openets-listen' ORDER BY backend_start DESC LIMIT 1",
      )).rows[0]?.pid);
      process.kill(pid, "SIGSTOP");
      try {
        await waitFor("lost", () => seen.includes("lost"), 5_000);
        expect(quiet.listening).toBe(false);
      } finally {
        process.kill(pid, "SIGCONT");
      }
      await waitFor("listening again", () => quiet.listening, 10_000);
      expect(seen).toEqual(["listening", "lost", "listening"]);
    } finally {
      await quiet.close();
    }
  });

  it("refuses a channel name that is not an identifier", () => {
    expect(() => listenPostgres(url, "a; DROP TABLE users", { onNotice: () => undefined, onListening: () => undefined, onLost: () => undefined })).toThrow(/channel/);
  });
});

describe("credential change triggers [pglite]", () => {
  it("run on PGlite, where nobody listens, without refusing the change", async () => {
    const db = await openPglite();
    try {
      await migrate(db);
      const { auth } = await services(db);
      must(await auth.createUser(SYSTEM, { userId: "u-1", displayName: "u-1", password: "u-1-long-password", roles: [] }));
      const t = must<{ view: { tokenId: string } }>(await auth.createApiToken(SYSTEM, { userId: "u-1", name: "n", scopes: ["read"] }));
      must(await auth.revokeApiToken(SYSTEM, t.view.tokenId));
      must(await auth.setDisabled(SYSTEM, "u-1", true));
      const row = (await db.query<{ revoked: boolean }>("SELECT revoked_at IS NOT NULL AS revoked FROM api_tokens WHERE id = $1", [t.view.tokenId])).rows[0];
      expect(row?.revoked).toBe(true);
    } finally {
      await db.close();
    }
  });
});
