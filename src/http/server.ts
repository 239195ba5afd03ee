// The OpenETS server (`npm start`): the HTTP API on the embedded PGlite store (or DATABASE_URL),
// with the scheduler tick that completes delayed transfers and ends expired approvals, and the
// checkpoint schedule (OPENETS_CHECKPOINT_MINUTES, default 60; 0 turns it off), and the linked
// registries' recovery (src/http/link-runtime.ts, OPENETS_LINK_RECOVERY_SECONDS). On PostgreSQL it
// listens for credential changes made by any process (src/http/credential-changes.ts), so that a
// revocation takes effect in every server process at once; OPENETS_PRINCIPAL_CACHE_SECONDS (default
// 5) is how long a verified credential is otherwise remembered.
// Demo mode (the default) seeds a demo registry on the first start and prints the demo users'
// credentials; OPENETS_MODE=production never seeds, never accepts demo users, and creates the
// first administrator only from OPENETS_ADMIN_USER / OPENETS_ADMIN_PASSWORD.
import { createServer } from "node:net";
import { readFileSync } from "node:fs";
import { serve } from "@hono/node-server";
import { AuditLog } from "../audit/index.ts";
import { AuthService } from "../auth/index.ts";
import { DEFAULT_SECURITY_CONFIG, type SecurityConfig } from "../domain/security/config.ts";
import { systemPrincipal } from "../domain/security/roles.ts";
import type { Rulebook } from "../domain/rulebook/index.ts";
import { listPresets, loadRulebook, RulebookLoadError, rulebookValue } from "../io/rulebook.ts";
import { type Clock, systemClock } from "../platform/clock.ts";
import { checkpointSchedule } from "../registry/checkpoints/index.ts";
import { SecureRegistry } from "../registry/secure/index.ts";
import { recordRulebook, recordSecurity } from "../registry/settings.ts";
import type { Db } from "../store/db.ts";
import { describeStore, openStore } from "../store/open.ts";
import { removeServerRecord, removeStoreServerRecord, writeServerRecord, writeStoreServerRecord } from "../store/server-record.ts";
import { createApp } from "./app.ts";
import { watchCredentialChanges } from "./credential-changes.ts";
import { DEMO_USERS, demoPassword, isSeeded, seedDemo } from "./demo.ts";
import { LinkEnvError, recoverySeconds, startLinks } from "./link-runtime.ts";
import { createLogger } from "./logger.ts";

export interface ServerEnv {
  PORT?: string | undefined;
  DATABASE_URL?: string | undefined;
  OPENETS_MODE?: string | undefined;
  OPENETS_ADMIN_USER?: string | undefined;
  OPENETS_ADMIN_PASSWORD?: string | undefined;
  OPENETS_TRUST_PROXY?: string | undefined;
  OPENETS_RULEBOOK?: string | undefined;
  /** Where the built web console is (default build/console, which `npm start` builds). */
  OPENETS_CONSOLE_DIR?: string | undefined;
  OPENETS_CHECKPOINT_MINUTES?: string | undefined;
  /** Demo mode only: the instant the registry's clock starts at (then runs at real speed). */
  OPENETS_DEMO_START?: string | undefined;
  OPENETS_LINK_RECOVERY_SECONDS?: string | undefined;
  /** How long a verified session or API token is remembered (seconds, 0 to 3600; default 5). */
  OPENETS_PRINCIPAL_CACHE_SECONDS?: string | undefined;
  /** Test mode only (NODE_ENV=test): kill the process at a named step of the link protocol. */
  OPENETS_LINK_FAULT?: string | undefined;
  NODE_ENV?: string | undefined;
}

export class StartupError extends Error {}

/** The version the server records beside its address (package.json's, two folders up). */
const SERVER_VERSION = (() => {
  try {
    return (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: string }).version ?? "unknown";
  } catch {
    return "unknown";
  }
})();

/**
 * Refuses a port another process listens on, before anything else happens (the store opened,
 * the demo seeded): one line naming the port and how to pick another, not a stack trace.
 */
export async function checkPortFree(port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EADDRINUSE") reject(new StartupError(`port ${port} is in use by another process: stop it, or start on another port, e.g. PORT=${port === 65535 ? 3001 : port + 1} npm start`));
      else if (err.code === "EACCES") reject(new StartupError(`port ${port} needs privileges this process does not have: choose a port above 1023, e.g. PORT=3000 npm start`));
      else reject(err);
    });
    probe.listen({ port }, () => probe.close(() => resolve()));
  });
}

/** OPENETS_TRUST_PROXY: how many reverse proxies in front of the server append to X-Forwarded-For (0 when unset: none). */
export function trustProxyHops(v: string | undefined): number {
  if (v === undefined || v === "") return 0;
  if (!/^(?:[0-9]|10)$/.test(v)) throw new StartupError(`OPENETS_TRUST_PROXY must be the number of trusted proxies in front of the server, 0 to 10, not ${JSON.stringify(v)}`);
  return Number(v);
}

/** The rulebook the demo runs on when OPENETS_RULEBOOK is not set (the demo scheme is Japanese-style). */
export const DEMO_RULEBOOK = "japan-gx-ets";

/**
 * The security rules the server runs with: the `security` section of the rulebook (absent fields,
 * or an absent section, take the documented defaults). Demo mode then allows the published demo
 * credentials (the demo users sign in without a second factor; users created on a demo server
 * follow the rulebook's second-factor rule) and longer sessions. Never for real units.
 */
export function securityConfigFor(production: boolean, base: SecurityConfig = DEFAULT_SECURITY_CONFIG): SecurityConfig {
  if (production) {
    if (base.demoMode) throw new StartupError("security.demoMode: the rulebook enables demo mode, which production mode refuses");
    return base;
  }
  return { ...base, demoMode: true, sessions: { ...base.sessions, ttlMinutes: 8 * 60 } };
}

/**
 * Reads OPENETS_RULEBOOK (a preset name or a rulebook file; default: the demo's preset in demo mode,
 * none in production) and returns its security rules, or a StartupError naming the file and field.
 * A registry runs only on a rulebook that says it can (`scheme.registry: true`), which makes its
 * security section and working-day calendar required (src/domain/rulebook/registry.ts).
 */
export function rulebookSecurity(env: ServerEnv, production: boolean): { rulebook: string | null; config: SecurityConfig; rules?: Rulebook } {
  const name = env.OPENETS_RULEBOOK || (production ? undefined : DEMO_RULEBOOK);
  if (!name) return { rulebook: null, config: DEFAULT_SECURITY_CONFIG };
  let rb: Rulebook;
  try {
    rb = loadRulebook(name);
  } catch (err) {
    if (err instanceof RulebookLoadError) throw new StartupError(`OPENETS_RULEBOOK: ${err.message}`);
    throw err;
  }
  if (!rb.scheme.registry) {
    const runnable = listPresets().filter((p) => loadRulebook(p).scheme.registry);
    throw new StartupError(
      `OPENETS_RULEBOOK: ${name} does not say a registry can run on it (scheme.registry): its security section and working-day calendar (time zone, holidays) are not complete. Presets a registry can run: ${runnable.join(", ")}; or set scheme.registry: true in your own copy and give its security section the holidays of every year`,
    );
  }
  return { rulebook: name, config: rb.security as SecurityConfig, rules: rb };
}

/** Minutes between scheduled checkpoints (OPENETS_CHECKPOINT_MINUTES): default 60, 0 for none, at most a year. */
export function checkpointMinutes(env: ServerEnv): number {
  const v = env.OPENETS_CHECKPOINT_MINUTES;
  if (v === undefined || v === "") return 60;
  if (!/^\d{1,6}$/.test(v) || Number(v) > 525_600) {
    throw new StartupError(`OPENETS_CHECKPOINT_MINUTES must be a whole number of minutes from 0 (no scheduled checkpoints) to 525600, not ${JSON.stringify(v)}`);
  }
  return Number(v);
}

/** OPENETS_PRINCIPAL_CACHE_SECONDS in milliseconds: default 5 s, 0 asks the database at every request, at most an hour. */
export function principalCacheMs(env: ServerEnv): number {
  const v = env.OPENETS_PRINCIPAL_CACHE_SECONDS;
  if (v === undefined || v === "") return 5_000;
  if (!/^\d{1,4}$/.test(v) || Number(v) > 3600) {
    throw new StartupError(`OPENETS_PRINCIPAL_CACHE_SECONDS must be a whole number of seconds from 0 (no cache) to 3600, not ${JSON.stringify(v)}`);
  }
  return Number(v) * 1000;
}

/**
 * The registry's clock: the system's, or in demo mode from OPENETS_DEMO_START (an ISO-8601 instant
 * with its zone) a clock that starts there and runs at real speed, so a demonstration or a browser
 * test can stand on either side of a deadline (a second start on the same store at a later instant
 * moves it on). Production refuses it: a real registry's time is the system's.
 */
export function serverClock(env: ServerEnv, production: boolean): Clock {
  const start = env.OPENETS_DEMO_START;
  if (start === undefined || start === "") return systemClock;
  if (production) throw new StartupError("OPENETS_DEMO_START is for demo mode only: a production registry runs on the system clock");
  const at = Date.parse(start);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(start) || !Number.isFinite(at)) {
    throw new StartupError(`OPENETS_DEMO_START must be an instant with its zone, e.g. 2027-05-10T09:00:00+09:00, not ${JSON.stringify(start)}`);
  }
  const offset = at - Date.now();
  return { now: () => new Date(Date.now() + offset) };
}

export async function startServer(env: ServerEnv, out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<{ port: number; close(): Promise<void> }> {
  const mode = env.OPENETS_MODE ?? "demo";
  if (mode !== "demo" && mode !== "production") throw new StartupError(`OPENETS_MODE must be demo or production, not ${JSON.stringify(mode)}`);
  const production = mode === "production";
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new StartupError(`PORT must be a port number, not ${JSON.stringify(env.PORT)}`);
  if (production && env.OPENETS_ADMIN_USER !== undefined && (/^demo-/.test(env.OPENETS_ADMIN_USER) || env.OPENETS_ADMIN_PASSWORD === `${env.OPENETS_ADMIN_USER}-password`)) {
    throw new StartupError("production mode refuses demo user names and demo passwords");
  }
  const hops = trustProxyHops(env.OPENETS_TRUST_PROXY);
  const checkpointEvery = checkpointMinutes(env);
  const cacheMs = principalCacheMs(env);
  const clock = serverClock(env, production);
  try {
    recoverySeconds(env);
  } catch (err) {
    if (err instanceof LinkEnvError) throw new StartupError(err.message);
    throw err;
  }
  const rules = rulebookSecurity(env, production);
  const config = securityConfigFor(production, rules.config);
  const store = describeStore({ database: env.DATABASE_URL });
  // A busy port is found before the store is opened or seeded, and said in one line.
  await checkPortFree(port);
  const db: Db = await openStore({ database: env.DATABASE_URL });
  let credentialChanges: ReturnType<typeof watchCredentialChanges> | undefined;
  try {
    const system = { principal: systemPrincipal("server"), ip: null };
    if (!(await isSeeded(db))) {
      if (production) await firstAdministrator(db, config, env, out);
      else {
        const { users } = await seedDemo(db, config, clock.now());
        out("");
        out("=== OpenETS DEMO registry seeded (demo only: these credentials are public; never use demo mode for real units) ===");
        for (const u of users) out(`  ${u.userId.padEnd(14)} password ${u.password.padEnd(24)} ${u.roles}`);
        out("  Sign in: POST /v1/auth/sign-in {\"userId\":\"demo-admin\",\"password\":\"demo-admin-password\"}, or ets login --user demo-admin; API docs at /docs");
        out("");
      }
    } else if (!production) out(`OpenETS demo registry already seeded (demo users: ${DEMO_USERS.map((u) => u.userId).join(", ")}; password ${demoPassword("<user>")})`);
    // The rules this server runs with, recorded so that the CLI on this store keeps the same ones.
    await recordSecurity(db, rules.rulebook, config, clock.now().toISOString());
    if (rules.rulebook) await recordRulebook(db, rules.rulebook, rulebookValue(rules.rulebook), clock.now().toISOString());
    const audit = new AuditLog(db, clock);
    const auth = await AuthService.open(db, clock, config, audit);
    const registry = await SecureRegistry.open(db, clock, config, { audit });
    const logger = createLogger();
    // Messages between registries carry real time (a peer checks it against its own clock), even
    // when a demo server's registry clock starts elsewhere.
    const links = startLinks(registry, db, systemClock, env, logger);
    // Another process (a second server, the CLI on the store) may end a credential: its notice
    // empties this server's principal cache; nothing is cached while this connection is down.
    if (store.kind === "postgres") credentialChanges = watchCredentialChanges(store.target, logger);
    const api = createApp({
      ledger: registry.ledger, registry, auth, audit, clock, logger, links: links.service,
      ...(credentialChanges ? { credentialChanges } : {}),
      config: { production, trustProxy: hops, principalCacheMs: cacheMs, ...(env.OPENETS_CONSOLE_DIR ? { consoleDir: env.OPENETS_CONSOLE_DIR } : {}) },
      ...(rules.rules && rules.rulebook ? { rulebook: { name: rules.rulebook, rulebook: rules.rules } } : {}),
    });
    // The scheduler's tick: complete due transfers, end expired approvals.
    const tick = setInterval(() => {
      registry.releaseDue(system).then(
        (r) => {
          if (r.ok && r.value.length > 0) logger.info({ released: r.value.map((x) => ({ id: x.transactionId, ok: x.result.ok })) }, "scheduler tick");
        },
        (err) => logger.error({ err: { message: String((err as Error).message) } }, "scheduler tick failed"),
      );
    }, 60_000);
    tick.unref();
    // Checkpoints on a schedule, and one at start when the last is older than the interval.
    const checkpoints =
      checkpointEvery === 0
        ? undefined
        : checkpointSchedule(db, {
            everyMs: checkpointEvery * 60_000,
            clock,
            by: "system:scheduler",
            onRecorded: (cp) => logger.info({ checkpoint: cp }, "checkpoint recorded"),
            onError: (err) => logger.error({ err: { message: String((err as Error).message) } }, "checkpoint failed"),
          });
    checkpoints?.tick().catch((err: unknown) => logger.error({ err: { message: String((err as Error).message) } }, "checkpoint failed"));
    const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      const s = serve({ fetch: api.app.fetch, port }, () => resolve(s));
      // Taken between the check and now: the same one line.
      s.once("error", (err: NodeJS.ErrnoException) => {
        clearInterval(tick);
        void checkpoints?.stop();
        void links.stop();
        reject(err.code === "EADDRINUSE" ? new StartupError(`port ${port} is in use by another process: stop it, or start on another port, e.g. PORT=${port + 1} npm start`) : err);
      });
    });
    const addr = server.address();
    const actual = typeof addr === "object" && addr ? addr.port : port;
    // The server holds a PGlite directory alone: `ets` beside it finds it here and talks HTTP.
    const recordDir = store.kind === "pglite" && store.target !== "memory" ? store.target : undefined;
    const record = { url: `http://127.0.0.1:${actual}`, pid: process.pid, startedAt: systemClock.now().toISOString(), version: SERVER_VERSION };
    if (recordDir) writeServerRecord(recordDir, record);
    // A PostgreSQL store has no directory: the record is a row in it (src/store/server-record.ts).
    if (store.kind === "postgres") await writeStoreServerRecord(db, record);
    out(`OpenETS listening on http://localhost:${actual} (${mode} mode, rulebook: ${rules.rulebook ?? "none (default security rules)"}, store: ${store.kind}${store.kind === "pglite" ? ` ${store.target}` : ""})`);
    return {
      port: actual,
      async close() {
        clearInterval(tick);
        await checkpoints?.stop();
        await links.stop();
        await new Promise<void>((r) => server.close(() => r()));
        await credentialChanges?.close();
        if (recordDir) removeServerRecord(recordDir);
        if (store.kind === "postgres") await removeStoreServerRecord(db).catch(() => undefined); // a store gone at stop keeps a stale row, ignored by pid
        await db.close();
      },
    };
  } catch (err) {
    await credentialChanges?.close();
    await db.close();
    throw err;
  }
}

/** Production on an empty store: the first administrator from the environment, or a refusal to start. */
async function firstAdministrator(db: Db, config: SecurityConfig, env: ServerEnv, out: (l: string) => void): Promise<void> {
  const users = await db.query<{ n: bigint }>("SELECT count(*) AS n FROM users");
  if ((users.rows[0]?.n ?? 0n) > 0n) return;
  const userId = env.OPENETS_ADMIN_USER;
  const password = env.OPENETS_ADMIN_PASSWORD;
  if (!userId || !password) {
    throw new StartupError("production mode has no default credentials: set OPENETS_ADMIN_USER and OPENETS_ADMIN_PASSWORD to create the first administrator");
  }
  const audit = new AuditLog(db, systemClock);
  const auth = await AuthService.open(db, systemClock, config, audit);
  const r = await auth.bootstrapAdmin(null, { userId, displayName: userId, password });
  if (!r.ok) throw new StartupError(`cannot create the first administrator: ${r.message}`);
  out(`First administrator ${userId} created.`);
  if (r.value.totp) out(`Add this TOTP secret to an authenticator app now (shown once): ${r.value.totp.secret}  (${r.value.totp.uri})`);
}
