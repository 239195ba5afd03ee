// The administrators' commands: `ets admin bootstrap` creates the first national administrator of
// an empty registry (there are no default credentials), `ets admin users` lists users with their
// roles, second factor and lockout, `ets admin unlock` ends a lockout, and `ets audit` reads the
// append-only audit log. They open the store like the registry commands (--database DIR|URL, else
// DATABASE_URL, else .data/pglite) and act through the same services as the HTTP API (src/auth,
// src/audit), with the security rules of the rulebook named by --rulebook or OPENETS_RULEBOOK
// (defaults otherwise). The CLI acts as `system:cli` (operators with access to the store are
// trusted); every change it makes is in the audit log.
//
// A password never comes from argv (it would show in `ps` and shell history): bootstrap reads it
// from OPENETS_ADMIN_PASSWORD or, when stdin is not a terminal, from stdin.
//
// The handlers take an open AdminContext and return what to print, so the tests call them in-process.
import type { Command } from "commander";
import { AuditLog, type AuditOutcome, type AuditQuery } from "../../audit/index.ts";
import { AuthService, type AuthServiceOptions } from "../../auth/index.ts";
import type { LockoutState, UserView } from "../../auth/types.ts";
import type { Refusal } from "../../domain/ledger/checks.ts";
import type { SecurityConfig } from "../../domain/security/config.ts";
import { type Caller, systemPrincipal } from "../../domain/security/roles.ts";
import { RulebookLoadError, securityConfigOf } from "../../io/rulebook.ts";
import { type Clock, systemClock } from "../../platform/clock.ts";
import type { Db } from "../../store/db.ts";
import { StoreLockedError } from "../../store/lock.ts";
import { openStore } from "../../store/open.ts";
import { action, CommandFailure, formatTable, printJson, UsageError } from "../io.ts";
import { promptHidden } from "../remote/prompt.ts";
import { type Output, Refused } from "./registry/index.ts";

export interface AdminContext {
  auth: AuthService;
  audit: AuditLog;
  /** Who the CLI acts as in the audit log. */
  caller: Caller;
}

export const CLI_CALLER: Caller = { principal: systemPrincipal("cli"), ip: null };

/** The services on an open store (tests pass a ManualClock and cheap argon2 parameters). */
export async function adminContext(db: Db, config: SecurityConfig, clock: Clock = systemClock, authOpts: AuthServiceOptions = {}): Promise<AdminContext> {
  const audit = new AuditLog(db, clock);
  return { auth: await AuthService.open(db, clock, config, audit, authOpts), audit, caller: CLI_CALLER };
}

function unwrap<T>(r: { ok: true; value: T } | Refusal): T {
  if (!r.ok) throw new Refused(r);
  return r.value;
}

// ---- admin bootstrap ----------------------------------------------------------------------------

/** Creates the first national administrator; refused (8001) when one exists. Prints the TOTP secret once. */
export async function bootstrap(ctx: AdminContext, o: { user: string; name?: string | undefined; password: string | undefined }): Promise<Output> {
  if (o.password === undefined || o.password === "") {
    throw new UsageError("no password: set OPENETS_ADMIN_PASSWORD or pipe the password on stdin (never on the command line)");
  }
  const created = unwrap(await ctx.auth.bootstrapAdmin(null, { userId: o.user, displayName: o.name ?? o.user, password: o.password }));
  const totp = created.totp;
  return {
    json: { user: created.user, totp },
    text:
      `created national administrator ${created.user.userId}\n` +
      (totp
        ? `TOTP secret (shown once; add it to an authenticator app now): ${totp.secret}\n  ${totp.uri}\n`
        : "no second factor is required for this role by the rulebook's signIn.secondFactorRoles\n"),
  };
}

// ---- admin add-user -----------------------------------------------------------------------------

/**
 * Creates a registry user as the administrator named by --as (the same operation and rules as
 * POST /v1/users). Roles: national-admin, authority, verifier; none for a representative, whose
 * rights come from the accounts they represent (ets account rep add).
 */
export async function addUser(ctx: AdminContext, userId: string, o: { as: Caller | undefined; roles?: string | undefined; name?: string | undefined; password: string | undefined }): Promise<Output> {
  if (!o.as) throw new UsageError("option --as USER is required: the administrator who creates the user");
  if (o.password === undefined || o.password === "") throw new UsageError("no password: set OPENETS_USER_PASSWORD or pipe the password on stdin (never on the command line)");
  const roles = o.roles === undefined || o.roles === "" ? [] : o.roles.split(",").map((r) => r.trim());
  const created = unwrap(await ctx.auth.createUser(o.as, { userId, displayName: o.name ?? userId, password: o.password, roles: roles as never }));
  const totp = created.totp;
  return {
    json: { user: created.user, totp },
    text: `created ${created.user.userId} (${created.user.roles.join(", ") || "representative"})\n${totp ? `TOTP secret (shown once; add it to an authenticator app now): ${totp.secret}\n  ${totp.uri}\n` : ""}`,
  };
}

/** The caller a named registry user is, on this store (undefined when not named). */
export async function callerOf(ctx: AdminContext, as: string | undefined): Promise<Caller | undefined> {
  if (as === undefined) return undefined;
  const principal = await ctx.auth.principalOf(as, "cli", "all");
  if (!principal) throw new UsageError(`option --as: no active registry user ${JSON.stringify(as)} (see ets admin users)`);
  return { principal, ip: null };
}

// ---- admin users --------------------------------------------------------------------------------

export interface UserRow extends UserView {
  /** Sign-in failures from all addresses still counted. */
  failures: number;
  /** Until when the user signs in only with password and one-time code together, or null. */
  lockedUntil: string | null;
  /** Addresses with failures still counted, and their lockouts. */
  addresses: LockoutState["addresses"];
}

/** One word or phrase for a user's state: disabled, restricted to the second factor, locked out at an address, failures, or ok. */
function userStatus(u: UserRow): string {
  if (u.disabled) return "disabled";
  if (u.lockedUntil) return `password and code only until ${u.lockedUntil}`;
  const locked = u.addresses.filter((a) => a.lockedUntil !== null);
  const first = locked[0];
  if (first) return `locked at ${first.address} until ${first.lockedUntil}${locked.length > 1 ? ` (+${locked.length - 1} addresses)` : ""}`;
  const failures = Math.max(u.failures, ...u.addresses.map((a) => a.failures));
  return failures > 0 ? `${failures} failures` : "ok";
}

/** Every user (all pages), with the lockout state. */
export async function users(ctx: AdminContext): Promise<Output> {
  const all: UserRow[] = [];
  let after: string | undefined;
  for (;;) {
    const page = unwrap(await ctx.auth.listUsers(ctx.caller, { after, limit: 500 }));
    for (const u of page) {
      const lock = await ctx.auth.lockoutState(u.userId);
      all.push({ ...u, failures: lock?.failures ?? 0, lockedUntil: lock?.lockedUntil ?? null, addresses: lock?.addresses ?? [] });
    }
    if (page.length < 500) break;
    after = page[page.length - 1]?.userId;
  }
  const rows = all.map((u) => [
    u.userId,
    u.displayName,
    [...u.roles, ...(u.representing.length ? ["representative"] : [])].join(",") || "-",
    u.representing.map((r) => `${r.accountId}(${[r.initiate ? "i" : "", r.approve ? "a" : ""].join("")})`).join(" ") || "-",
    u.totpEnrolled ? "yes" : "no",
    userStatus(u),
    u.demo ? "yes" : "no",
  ]);
  return {
    json: all,
    text: all.length ? formatTable(["user", "name", "roles", "represents (i=initiate a=approve)", "totp", "status", "demo"], rows) : "no users (create the first administrator with `ets admin bootstrap --user NAME`)\n",
  };
}

// ---- admin unlock -------------------------------------------------------------------------------

/** Ends a user's lockouts at every address and any restriction to the second factor (recorded in the audit log as user.unlock). */
export async function unlock(ctx: AdminContext, userId: string): Promise<Output> {
  const state = unwrap(await ctx.auth.unlock(ctx.caller, userId));
  return { json: state, text: `unlocked ${userId} (failures ${state.failures})\n` };
}

// ---- audit --------------------------------------------------------------------------------------

export interface AuditOpts {
  from?: string | undefined;
  to?: string | undefined;
  actor?: string | undefined;
  action?: string | undefined;
  target?: string | undefined;
  outcome?: string | undefined;
  after?: string | undefined;
  limit?: string | undefined;
}

function isoTime(flag: string, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const ok = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) && !Number.isNaN(Date.parse(v));
  if (!ok) throw new UsageError(`option ${flag}: not a date or ISO time (e.g. 2026-03-01 or 2026-03-01T09:00:00Z): ${JSON.stringify(v)}`);
  return new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v).toISOString();
}

/** Audit rows matching the filters, oldest first; `next` is the --after of the following page. */
export async function audit(ctx: AdminContext, o: AuditOpts): Promise<Output> {
  const q: AuditQuery = { from: isoTime("--from", o.from), to: isoTime("--to", o.to), actor: o.actor, action: o.action, target: o.target };
  if (q.from && q.to && q.from >= q.to) throw new UsageError("option --to: must be after --from");
  if (o.outcome !== undefined) {
    if (!["ok", "refused", "error"].includes(o.outcome)) throw new UsageError(`option --outcome: one of ok, refused, error, not ${JSON.stringify(o.outcome)}`);
    q.outcome = o.outcome as AuditOutcome;
  }
  if (o.limit !== undefined) {
    if (!/^\d{1,3}$/.test(o.limit) || Number(o.limit) < 1 || Number(o.limit) > 500) throw new UsageError(`option --limit: a whole number from 1 to 500, not ${JSON.stringify(o.limit)}`);
    q.limit = Number(o.limit);
  }
  if (o.after !== undefined) {
    if (!/^\d{1,18}$/.test(o.after)) throw new UsageError(`option --after: the sequence number printed as next, not ${JSON.stringify(o.after)}`);
    q.after = o.after;
  }
  const page = unwrap(await ctx.audit.query(ctx.caller, q));
  const rows = page.rows.map((r) => [r.seq, r.at, r.actor ?? "-", r.via, r.ip ?? "-", r.action, r.target ?? "-", r.code === null ? r.outcome : `${r.outcome} ${r.code}`]);
  return {
    json: page,
    text: (rows.length ? formatTable(["seq", "at", "actor", "via", "ip", "action", "target", "outcome"], rows) : "no audit rows match\n") + (page.next ? `more: --after ${page.next}\n` : ""),
  };
}

// ---- wiring -------------------------------------------------------------------------------------

interface Common {
  database?: string;
  rulebook?: string;
  json?: boolean;
}

/** Opens the store and the services with the rulebook's security rules, runs the handler, closes. */
export async function withAdmin<T>(opts: Common, fn: (ctx: AdminContext) => Promise<T>, env: NodeJS.ProcessEnv = process.env): Promise<T> {
  let config: SecurityConfig;
  try {
    config = securityConfigOf(opts.rulebook ?? env.OPENETS_RULEBOOK);
  } catch (err) {
    if (err instanceof RulebookLoadError) throw new UsageError(`rulebook: ${err.message}`);
    throw err;
  }
  let db: Db;
  try {
    db = await openStore({ database: opts.database, poolSize: 2, shortLived: true });
  } catch (err) {
    if (err instanceof StoreLockedError) throw new CommandFailure(`error: ${err.message}`);
    throw err;
  }
  try {
    return await fn(await adminContext(db, config));
  } finally {
    await db.close();
  }
}

/** A password: from the environment variable named (OPENETS_ADMIN_PASSWORD by default), else asked for without echo on a terminal, else stdin (one trailing newline dropped). */
export async function readPassword(env: NodeJS.ProcessEnv = process.env, stdin: NodeJS.ReadStream = process.stdin, variable = "OPENETS_ADMIN_PASSWORD"): Promise<string | undefined> {
  if (env[variable]) return env[variable];
  if (stdin.isTTY) {
    const typed = await promptHidden("password: ", stdin);
    return typed === "" ? undefined : typed;
  }
  const chunks: Buffer[] = [];
  for await (const c of stdin) {
    chunks.push(typeof c === "string" ? Buffer.from(c) : (c as Buffer));
    if (chunks.reduce((n, b) => n + b.length, 0) > 4096) throw new UsageError("stdin: a password is at most 4096 bytes");
  }
  const text = Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
  return text === "" ? undefined : text;
}

function runner<A extends unknown[]>(fn: (ctx: AdminContext, ...args: A) => Promise<Output>) {
  return action(async (...args: unknown[]) => {
    const opts = args[args.length - 2] as Common;
    const positional = args.slice(0, args.length - 2) as unknown[];
    try {
      const out = await withAdmin(opts, (ctx) => fn(ctx, ...([...positional, opts] as unknown as A)));
      if (opts.json) printJson(out.json);
      else process.stdout.write(out.text);
    } catch (err) {
      // The output layer (action) prints the error, as JSON too with --json: one document.
      throw err;
    }
  });
}

function common(c: Command): Command {
  return c
    .option("--database <dir|url>", "PGlite data directory or postgres:// URL (default: DATABASE_URL, else .data/pglite)")
    .option("--rulebook <preset|file>", "rulebook whose security section applies (default: OPENETS_RULEBOOK, else the documented defaults)")
    .option("--json", "print JSON");
}

export function register(program: Command): void {
  const admin = program.command("admin").description("administrators: the first administrator, users, lockouts (see docs/guides/administration.md)");
  common(admin.command("bootstrap").description("create the first national administrator (password from OPENETS_ADMIN_PASSWORD, else asked for without echo on a terminal, else stdin; refused when one exists)"))
    .requiredOption("--user <id>", "user id of the administrator")
    .option("--name <text>", "display name (default: the user id)")
    .action(
      action(async (o: Common & { user: string; name?: string }) => {
        // Read the password before opening the store, so a missing one changes nothing.
        const password = await readPassword();
        await runner((ctx) => bootstrap(ctx, { user: o.user, name: o.name, password }))(o, undefined);
      }),
    );
  common(admin.command("add-user <user>").description("create a registry user, as the administrator named by --as (password from OPENETS_USER_PASSWORD or stdin)"))
    .option("--as <admin>", "the national administrator who creates the user (default: ETS_AS)")
    .option("--roles <list>", "comma-separated: national-admin, authority, verifier (none: a representative, rights per account)")
    .option("--name <text>", "display name (default: the user id)")
    .action(
      action(async (user: string, o: Common & { as?: string; roles?: string; name?: string }) => {
        const password = await readPassword(process.env, process.stdin, "OPENETS_USER_PASSWORD");
        await runner(async (ctx) => addUser(ctx, user, { as: await callerOf(ctx, o.as ?? (process.env.ETS_AS || undefined)), roles: o.roles, name: o.name, password }))(o, undefined);
      }),
    );
  common(admin.command("users").description("list users: roles, accounts represented, second factor, lockout")).action(runner((ctx) => users(ctx)));
  common(admin.command("unlock <user>").description("end a user's sign-in lockouts (every address) and any restriction to the second factor")).action(runner((ctx, user: string) => unlock(ctx, user)));

  common(program.command("audit").description("read the append-only audit log, oldest first (who, what, when, from where, outcome)"))
    .option("--from <time>", "rows at or after this date or ISO time")
    .option("--to <time>", "rows before this date or ISO time")
    .option("--actor <id>", "user id, or system:<name>")
    .option("--action <name>", 'exact action (e.g. "user.unlock") or a prefix ending in "." (e.g. "auth.")')
    .option("--target <id>", "the transaction, account or user acted on")
    .option("--outcome <ok|refused|error>", "outcome")
    .option("--after <seq>", "continue after this sequence number (printed as `more: --after N`)")
    .option("--limit <n>", "rows per page, 1-500 (default 100)")
    .action(runner((ctx, o: AuditOpts) => audit(ctx, o)));
}
