// Plays a scenario on a fresh registry (or on several, linked over loopback HTTP): the real HTTP app in-process (every step is an API
// operation, so it meets the same rules as any client), on an embedded store unless one is named,
// with a clock the scenario moves. Users are created and signed in with their second factor; a
// session that expires while the clock moves is renewed. After every clock move the scheduler's
// tick runs (as the server runs it every minute): expired approvals end, due transfers complete.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AuditLog } from "../audit/index.ts";
import { AuthService } from "../auth/index.ts";
import { base32Decode, totp } from "../auth/totp.ts";
import { type Caller, systemPrincipal } from "../domain/security/roles.ts";
import { type App, createApp, CSRF_HEADER } from "../http/app.ts";
import { createLogger } from "../http/logger.ts";
import { rulebookValue, securityConfigOf } from "../io/rulebook.ts";
import { ManualClock } from "../platform/clock.ts";
import { SecureRegistry } from "../registry/secure/index.ts";
import { recordRulebook, recordSecurity } from "../registry/settings.ts";
import type { Db } from "../store/db.ts";
import { migrate } from "../store/migrate.ts";
import { openPglite } from "../store/pglite.ts";
import type { OperationStep, Scenario } from "./scenario.ts";

export interface StepResult {
  index: number;
  label: string;
  /** The registry the step ran at (scenarios that declare registries), else null. */
  at: string | null;
  kind: "operation" | "clock";
  as: string | null;
  do: string | null;
  /** HTTP status of an operation. */
  status: number | null;
  code: number | null;
  check: string | null;
  /** What the step came to, in a few words (the status of a transaction, the refusal, the new time). */
  summary: string;
  expected: unknown;
  matched: boolean;
  /** Why it did not match. */
  mismatch: string | null;
  body: unknown;
}

export interface PlayResult {
  scenario: string;
  passed: boolean;
  failedAt: number | null;
  steps: StepResult[];
}

/** A problem with the scenario found while playing it (an unknown operation, a missing path parameter): bad input. */
export class PlayError extends Error {}

const SYSTEM: Caller = { principal: systemPrincipal("play"), ip: null };
const LOOSE = { rateLimit: { ip: { max: 1e9, windowMs: 60_000 }, user: { max: 1e9, windowMs: 60_000 }, signIn: { max: 1e9, windowMs: 60_000 } } };

interface Session {
  cookie: string;
  csrf: string;
}

interface World {
  /** The registry's name in the scenario's registries, or null for a single-registry scenario. */
  name: string | null;
  db: Db;
  clock: ManualClock;
  registry: SecureRegistry;
  api: App;
  passwords: Map<string, string>;
  totpSecrets: Map<string, string>;
  sessions: Map<string, Session>;
  saved: Map<string, unknown>;
}

/** An empty store: a scenario never plays into a registry that holds anything. */
async function assertEmpty(db: Db): Promise<void> {
  const r = await db.query<{ n: bigint }>("SELECT (SELECT count(*) FROM accounts) + (SELECT count(*) FROM users) AS n");
  if ((r.rows[0]?.n ?? 0n) > 0n) throw new PlayError("--database: the store already holds accounts or users; a scenario plays only on an empty registry");
}

/** What one registry of a scenario starts with: its rulebook and its users. */
type RegistrySpec = Pick<Scenario, "rulebook" | "users">;

async function setUp(scenario: RegistrySpec, db: Db, clock: ManualClock, saved: Map<string, unknown>, name: string | null): Promise<World> {
  await migrate(db);
  await assertEmpty(db);
  const config = securityConfigOf(scenario.rulebook);
  await recordSecurity(db, scenario.rulebook ?? null, config, clock.now().toISOString());
  if (scenario.rulebook) await recordRulebook(db, scenario.rulebook, rulebookValue(scenario.rulebook), clock.now().toISOString());
  const audit = new AuditLog(db, clock);
  // Passwords here are random and never shown; cheap hashing keeps a 200-user scenario quick.
  const auth = await AuthService.open(db, clock, config, audit, { argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 } });
  const registry = await SecureRegistry.open(db, clock, config, { audit });
  const api = createApp({ ledger: registry.ledger, registry, auth, audit, clock, logger: createLogger({ level: "silent" }), config: LOOSE });
  const w: World = { name, db, clock, registry, api, passwords: new Map(), totpSecrets: new Map(), sessions: new Map(), saved };
  for (const u of scenario.users) {
    const password = randomBytes(18).toString("base64url");
    const r = await auth.createUser(SYSTEM, { userId: u.id, displayName: u.name ?? u.id, password, roles: [...u.roles] });
    if (!r.ok) throw new PlayError(`users: ${u.id}: ${r.message}`);
    w.passwords.set(u.id, password);
    if (r.value.totp) w.totpSecrets.set(u.id, r.value.totp.secret);
  }
  return w;
}

async function request(w: World, method: string, path: string, body: unknown, session: Session | undefined): Promise<{ status: number; body: unknown; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (session) {
    headers.cookie = session.cookie;
    headers[CSRF_HEADER] = session.csrf;
  }
  const res = await w.api.app.request(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }, { incoming: { socket: { remoteAddress: "127.0.0.1" } } });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: kept as text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

async function signIn(w: World, user: string): Promise<Session> {
  const secret = w.totpSecrets.get(user);
  const code = secret ? totp(base32Decode(secret), w.clock.now()) : undefined;
  const r = await request(w, "POST", "/v1/auth/sign-in", { userId: user, password: w.passwords.get(user), ...(code ? { totp: code } : {}) }, undefined);
  const b = r.body as { kind?: string; csrfToken?: string; message?: string; detail?: string };
  if (r.status !== 200 || b.kind !== "session") throw new PlayError(`sign-in of ${user} failed: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
  const cookie = (r.headers.get("set-cookie") ?? "").split(";")[0] as string;
  const s = { cookie, csrf: b.csrfToken as string };
  w.sessions.set(user, s);
  return s;
}

/** {{name.path}} in strings, from saved answers; a whole-string reference keeps the value's type. */
function interpolate(v: unknown, saved: Map<string, unknown>, where: string): unknown {
  if (typeof v === "string") {
    const whole = /^\{\{\s*([a-z][a-zA-Z0-9_]*)((?:\.[A-Za-z0-9_]+)*)\s*\}\}$/.exec(v);
    const get = (name: string, path: string) => {
      if (!saved.has(name)) throw new PlayError(`${where}: {{${name}${path}}} names no saved answer (save: ${name} on an earlier step)`);
      const got = dig(saved.get(name), path.split(".").filter(Boolean));
      if (got === undefined) throw new PlayError(`${where}: {{${name}${path}}} is not in the saved answer`);
      return got;
    };
    if (whole) return get(whole[1] as string, whole[2] ?? "");
    return v.replace(/\{\{\s*([a-z][a-zA-Z0-9_]*)((?:\.[A-Za-z0-9_]+)*)\s*\}\}/g, (_m, n: string, p: string) => String(get(n, p)));
  }
  if (Array.isArray(v)) return v.map((x) => interpolate(x, saved, where));
  if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, interpolate(x, saved, where)]));
  return v;
}

function dig(v: unknown, path: readonly string[]): unknown {
  let cur = v;
  for (const p of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

/** Why an answer does not have the expected fields, or null when it does. Scalars compare as text (amounts are decimal strings). */
function mismatchOf(expected: Record<string, unknown>, body: unknown): string | null {
  for (const [k, want] of Object.entries(expected)) {
    const got = dig(body, k.split("."));
    if (want !== null && typeof want === "object") {
      if (JSON.stringify(got) !== JSON.stringify(want)) return `${k}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`;
    } else if (String(got) !== String(want) || got === undefined) return `${k}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`;
  }
  return null;
}

function summarize(status: number, body: unknown): { summary: string; code: number | null; check: string | null } {
  const b = (body ?? {}) as Record<string, unknown>;
  if (status >= 400) return { summary: `refused ${b.code ?? status} ${b.check ?? ""}`.trim(), code: typeof b.code === "number" ? b.code : null, check: typeof b.check === "string" ? b.check : null };
  const bits = [b.id, b.status ?? b.state].filter((x) => typeof x === "string");
  return { summary: bits.length > 0 ? bits.join(" ") : "ok", code: null, check: null };
}

async function runOperation(w: World, s: OperationStep, index: number): Promise<StepResult> {
  const op = w.api.ops.find((o) => o.operationId === s.do);
  if (!op) {
    const near = w.api.ops.map((o) => o.operationId).filter((id) => id.toLowerCase().includes(s.do.toLowerCase().slice(0, 4))).slice(0, 6);
    throw new PlayError(`steps[${index}].do: no operation ${s.do}${near.length ? ` (did you mean ${near.join(", ")}?)` : ""}; the operations are listed in docs/reference/api.md`);
  }
  const input = interpolate(s.with, w.saved, `steps[${index}].with`) as Record<string, unknown>;
  const rest = { ...input };
  const path = op.path.replace(/\{([A-Za-z0-9_]+)\}/g, (_m, name: string) => {
    if (!(name in rest)) throw new PlayError(`steps[${index}].with: ${s.do} needs ${name}`);
    const v = String(rest[name]);
    delete rest[name];
    return encodeURIComponent(v);
  });
  const method = op.method.toUpperCase();
  const query = method === "GET" && Object.keys(rest).length > 0 ? `?${new URLSearchParams(Object.entries(rest).map(([k, v]) => [k, String(v)] as [string, string])).toString()}` : "";
  const body = method === "GET" || method === "DELETE" ? undefined : rest;
  const user = s.as ?? null;
  let session = user ? (w.sessions.get(user) ?? (await signIn(w, user))) : undefined;
  let r = await request(w, method, path + query, body, session);
  if (user && r.status === 401) {
    // the clock moved past the session's lifetime: sign in again, as a person would
    session = await signIn(w, user);
    r = await request(w, method, path + query, body, session);
  }
  const { summary, code, check } = summarize(r.status, r.body);
  const expected = s.expect;
  let mismatch: string | null = null;
  if (expected === "ok") {
    if (r.status >= 300) mismatch = `expected success, got ${summary}`;
  } else if (typeof expected === "number") {
    if (code !== expected) mismatch = `expected refusal ${expected}, got ${r.status >= 400 ? summary : `success ${summary}`}`;
  } else if (r.status >= 300) mismatch = `expected success with ${JSON.stringify(expected)}, got ${summary}`;
  else mismatch = mismatchOf(expected, r.body);
  if (s.save) w.saved.set(s.save, r.body);
  return {
    index, label: s.name ?? "", at: w.name, kind: "operation", as: user, do: s.do, status: r.status, code, check, summary, expected, matched: mismatch === null, mismatch, body: r.body,
  };
}

async function runClock(worlds: readonly World[], to: string, index: number, label: string): Promise<StepResult> {
  const w = worlds[0] as World;
  const now = w.clock.now().getTime();
  const m = /^\+(\d+)(m|h|d)$/.exec(to);
  const target = m ? now + Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as "m" | "h" | "d"] : Date.parse(to);
  if (target < now) throw new PlayError(`steps[${index}].clock: ${to} is before the registry's time ${new Date(now).toISOString()}; the clock never goes back`);
  w.clock.set(new Date(target)); // one clock for every registry
  const done: string[] = [];
  for (const x of worlds) {
    const tick = await x.registry.releaseDue(SYSTEM);
    for (const d of tick.ok ? tick.value : []) done.push(`${x.name ? `${x.name}: ` : ""}${d.transactionId} ${d.result.ok ? d.result.value.status : `refused ${d.result.code}`}`);
  }
  const summary = `${new Date(target).toISOString()}${done.length ? `; scheduler: ${done.join(", ")}` : ""}`;
  return { index, label, at: null, kind: "clock", as: null, do: null, status: null, code: null, check: null, summary, expected: null, matched: true, mismatch: null, body: { now: new Date(target).toISOString(), released: done.length } };
}

/** A registry of a scenario with several, on its own store in a temporary directory, served on a loopback port. */
interface Served {
  world: World;
  dir: string;
  close(): Promise<void>;
}

async function serveRegistry(name: string, spec: RegistrySpec, clock: ManualClock, saved: Map<string, unknown>, image: Blob | undefined): Promise<Served & { url: string }> {
  const dir = mkdtempSync(join(tmpdir(), `ets-play-${name}-`));
  // A play is a CLI command: its stores are short-lived, like the CLI's own opens (shared_buffers 4MB, not 128MB).
  const db = await openPglite(dir, { shortLived: true, image });
  let world: World;
  try {
    world = await setUp(spec, db, clock, saved, name);
  } catch (err) {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  // loaded here: the CLI's other commands never pay for the HTTP server
  const { serve } = await import("@hono/node-server");
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: world.api.app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
    s.once("error", reject);
  });
  const addr = server.address();
  const url = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
  return {
    world, dir, url,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function runSteps(scenario: Scenario, worlds: readonly World[], opts: { onStep?: (r: StepResult) => void }): Promise<PlayResult> {
  const byName = new Map(worlds.map((w) => [w.name, w]));
  const steps: StepResult[] = [];
  for (const [i, s] of scenario.steps.entries()) {
    const r = "clock" in s ? await runClock(worlds, s.clock, i, s.name ?? "") : await runOperation(s.at === undefined ? (worlds[0] as World) : (byName.get(s.at) as World), s, i);
    steps.push(r);
    opts.onStep?.(r);
    if (!r.matched) return { scenario: scenario.name, passed: false, failedAt: i, steps };
  }
  return { scenario: scenario.name, passed: true, failedAt: null, steps };
}

/** Why a scenario of several registries takes no store (--database). */
export const REGISTRIES_OWN_STORES = "--database: a scenario of several registries plays each on a fresh store of its own";

/**
 * Plays the scenario; stops at the first step whose outcome differs from its expectation. A
 * scenario that declares registries plays on each of them, every one on a fresh store of its own,
 * served on a loopback port so linked registries reach each other over HTTP as servers do; the
 * saved answers and the clock are shared, and {{registries.NAME.url}} is each one's address.
 */
export async function play(
  scenario: Scenario,
  opts: {
    db?: Db;
    onStep?: (r: StepResult) => void;
    /** The fresh stores start from this archive of a migrated data directory (openPglite's `image`): the test suite's. */
    image?: Blob | undefined;
  } = {},
): Promise<PlayResult> {
  const clock = new ManualClock(new Date(Date.parse(scenario.start)).toISOString());
  const saved = new Map<string, unknown>();
  if (scenario.registries) {
    if (opts.db) throw new PlayError(REGISTRIES_OWN_STORES);
    const served: Served[] = [];
    try {
      const urls: Record<string, { url: string }> = {};
      for (const [name, spec] of Object.entries(scenario.registries)) {
        const s = await serveRegistry(name, spec, clock, saved, opts.image);
        served.push(s);
        urls[name] = { url: s.url };
      }
      saved.set("registries", urls);
      return await runSteps(scenario, served.map((s) => s.world), opts);
    } finally {
      for (const s of served.reverse()) await s.close();
    }
  }
  const db = opts.db ?? (await openPglite(undefined, { shortLived: true, image: opts.image }));
  try {
    const w = await setUp(scenario, db, clock, saved, null);
    return await runSteps(scenario, [w], opts);
  } finally {
    if (!opts.db) await db.close();
  }
}
