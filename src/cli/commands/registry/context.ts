// What every registry command shares: the store it opens (--database DIR|URL, else DATABASE_URL,
// else .data/pglite), the secure registry on it with the security rules the server recorded in
// that store (src/registry/settings.ts), and the user a write acts as (--as USER). Writes go
// through the same service and rules as the HTTP API: four-eyes, the trusted list and delays,
// limits, earmarks; there is no way around them from the CLI. Reads show the whole registry to
// whoever holds the store.
import { AuditLog } from "../../../audit/index.ts";
import type { Refusal } from "../../../domain/ledger/checks.ts";
import type { Caller } from "../../../domain/security/roles.ts";
import { type Clock, systemClock } from "../../../platform/clock.ts";
import type { Result } from "../../../registry/ledger/index.ts";
import { type RegistryReads, SecureRegistry } from "../../../registry/secure/index.ts";
import { recordedSecurity } from "../../../registry/settings.ts";
import type { Db } from "../../../store/db.ts";
import { ACCOUNT_TYPES, TRANSACTION_KINDS, UNIT_TYPES } from "../../../domain/ledger/catalog.ts";
import { StoreLockedError } from "../../../store/lock.ts";
import { openStore } from "../../../store/open.ts";
import { CommandFailure, refusalText, t, UsageError } from "../../io.ts";

export { newId, oneOf, pickId, positiveInt } from "./args.ts";
export { idLine } from "./format.ts";

/** What a handler prints: JSON for --json, text otherwise. */
export interface Output {
  json: unknown;
  text: string;
  /** Set when the command's outcome is a failure after printing (verify with violations). */
  failed?: string;
}

/** Valid values a refusal about an unknown code lists in facts.known, as the API lists an enum's values. */
const KNOWN: Readonly<Record<string, readonly string[]>> = {
  "account-type-unknown": ACCOUNT_TYPES.map((a) => a.code),
  "kind-unknown": TRANSACTION_KINDS.map((k) => k.code),
  "class-definition-invalid": UNIT_TYPES.map((u) => u.code),
};

/** A refusal by a rule: exit 1 with the check code and message (and `{"error": {code, check, ...}}` with --json). */
export class Refused extends CommandFailure {
  constructor(readonly refusal: Refusal) {
    const known = KNOWN[refusal.check];
    const field = typeof refusal.facts.field === "string" ? refusal.facts.field : undefined;
    super(refusalText(refusal.code, refusal.check, refusal.message), {
      code: refusal.code,
      check: refusal.check,
      ...(field ? { field } : {}),
      facts: { ...refusal.facts, ...(known && refusal.facts.known === undefined ? { known } : {}) },
    });
  }
}

/** What a command that only reads gets: the registry's reads (SecureRegistry.openReads), nothing that writes. */
export interface ReadContext {
  db: Db;
  registry: RegistryReads;
  /** The user named by --as, when one was (then the context is a RegistryContext's). */
  caller?: Caller | undefined;
}

export interface RegistryContext {
  db: Db;
  registry: SecureRegistry;
  /** The registry user writes act as (--as); undefined when none was named. */
  caller: Caller | undefined;
  /** The clock commands record times by (checkpoints). */
  clock: Clock;
}

/** The registry on an open store, acting as `as` (a registry user) when given. */
export async function registryContext(db: Db, as: string | undefined, clock: Clock = systemClock): Promise<RegistryContext> {
  const { config } = await recordedSecurity(db);
  const audit = new AuditLog(db, clock);
  const registry = await SecureRegistry.open(db, clock, config, { audit });
  if (as === undefined) return { db, registry, caller: undefined, clock };
  // Loaded only for a command that acts as a user (it brings the password hasher's native module).
  const { AuthService } = await import("../../../auth/index.ts");
  const auth = await AuthService.open(db, clock, config, audit);
  const principal = await auth.principalOf(as, "cli", "all");
  if (!principal) throw new UsageError(`option --as: no active registry user ${JSON.stringify(as)} (see ets admin users)`, { field: "--as", code: "user-unknown" });
  return { db, registry, caller: { principal, ip: null }, clock };
}

/** The user a write acts as; a write without --as is refused before it reaches the registry. */
export function actingUser(ctx: RegistryContext): Caller {
  if (!ctx.caller) throw new UsageError(t("cli.reg.asRequired"), { code: "as-required", field: "--as" });
  return ctx.caller;
}

export interface Common {
  database?: string | undefined;
  json?: boolean | undefined;
  as?: string | undefined;
}

/** Opens the store and the registry, runs the handler, closes. */
export async function withRegistry<T>(opts: Common, fn: (ctx: RegistryContext) => Promise<T>): Promise<T> {
  return withStore(opts, async (db) => fn(await registryContext(db, opts.as ?? (process.env.ETS_AS || undefined))));
}

/**
 * Opens the store and the registry's reads only, runs the handler, closes: a read neither loads
 * nor installs the scheme rules (they guard writes, and this context cannot write).
 */
export async function withReads<T>(opts: Common, fn: (ctx: ReadContext) => Promise<T>): Promise<T> {
  // A read as a named user checks that user as before (registryContext); only an anonymous read is lighter.
  if ((opts.as ?? (process.env.ETS_AS || undefined)) !== undefined) return withRegistry(opts, fn);
  return withStore(opts, async (db) => {
    const { config } = await recordedSecurity(db);
    return fn({ db, registry: await SecureRegistry.openReads(db, systemClock, config) });
  });
}

async function withStore<T>(opts: Common, fn: (db: Db) => Promise<T>): Promise<T> {
  let db: Db;
  try {
    db = await openStore({ database: opts.database, poolSize: 2, shortLived: true });
  } catch (err) {
    if (err instanceof StoreLockedError) throw new CommandFailure(`error: ${err.message}`, { code: "store-in-use", facts: { pid: err.pid } });
    throw err;
  }
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

export function unwrap<T>(r: Result<T>): { value: T; replayed: boolean } {
  if (!r.ok) throw new Refused(r);
  return { value: r.value, replayed: r.replayed };
}

export function refusal(code: number, check: string, message: string, facts: Record<string, unknown>): Refusal {
  return { ok: false, code, check, message, facts };
}

