// What every registry command shares: the store it opens (--database DIR|URL, else DATABASE_URL,
// else .data/pglite), the secure registry on it with the security rules the server recorded in
// that store (src/registry/settings.ts), and the user a write acts as (--as USER). Writes go
// through the same service and rules as the HTTP API: four-eyes, the trusted list and delays,
// limits, earmarks; there is no way around them from the CLI. Reads show the whole registry to
// whoever holds the store.
import { randomBytes } from "node:crypto";
import { AuditLog } from "../../../audit/index.ts";
import { AuthService } from "../../../auth/index.ts";
import type { Refusal } from "../../../domain/ledger/checks.ts";
import type { Caller } from "../../../domain/security/roles.ts";
import { type Clock, systemClock } from "../../../platform/clock.ts";
import type { Result } from "../../../registry/ledger/index.ts";
import { SecureRegistry } from "../../../registry/secure/index.ts";
import { recordedSecurity } from "../../../registry/settings.ts";
import type { Db } from "../../../store/db.ts";
import { StoreLockedError } from "../../../store/lock.ts";
import { openStore } from "../../../store/open.ts";
import { CommandFailure, UsageError } from "../../io.ts";

/** What a handler prints: JSON for --json, text otherwise. */
export interface Output {
  json: unknown;
  text: string;
  /** Set when the command's outcome is a failure after printing (verify with violations). */
  failed?: string;
}

/** A refusal by a rule: exit 1 with the check code and message (and the refusal as JSON with --json). */
export class Refused extends CommandFailure {
  constructor(readonly refusal: Refusal) {
    super(`refused: check ${refusal.code} (${refusal.check}): ${refusal.message}`);
  }
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
  const auth = await AuthService.open(db, clock, config, audit);
  const principal = await auth.principalOf(as, "cli", "all");
  if (!principal) throw new UsageError(`option --as: no active registry user ${JSON.stringify(as)} (see ets admin users)`);
  return { db, registry, caller: { principal, ip: null }, clock };
}

/** The user a write acts as; a write without --as is refused before it reaches the registry. */
export function actingUser(ctx: RegistryContext): Caller {
  if (!ctx.caller) throw new UsageError("option --as USER is required: writes act as a named registry user and follow the same rules as the API (four-eyes, delays, limits)");
  return ctx.caller;
}

export interface Common {
  database?: string | undefined;
  json?: boolean | undefined;
  as?: string | undefined;
}

/** Opens the store and the registry, runs the handler, closes. */
export async function withRegistry<T>(opts: Common, fn: (ctx: RegistryContext) => Promise<T>): Promise<T> {
  let db: Db;
  try {
    db = await openStore({ database: opts.database, poolSize: 2 });
  } catch (err) {
    if (err instanceof StoreLockedError) throw new CommandFailure(`error: ${err.message}`);
    throw err;
  }
  try {
    return await fn(await registryContext(db, opts.as ?? process.env.ETS_AS));
  } finally {
    await db.close();
  }
}

export function unwrap<T>(r: Result<T>): { value: T; replayed: boolean } {
  if (!r.ok) throw new Refused(r);
  return { value: r.value, replayed: r.replayed };
}

export function newId(): string {
  return `cli-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
}

export const idLine = (id: string, generated: boolean) => (generated ? `id ${id} (generated; pass --id ${id} to repeat safely)\n` : "");

export function pickId(opts: { id?: string | undefined }): { id: string; generated: boolean } {
  return opts.id === undefined ? { id: newId(), generated: true } : { id: opts.id, generated: false };
}

export function refusal(code: number, check: string, message: string, facts: Record<string, unknown>): Refusal {
  return { ok: false, code, check, message, facts };
}

export function oneOf<T extends string>(flag: string, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`option ${flag}: ${JSON.stringify(v)} is not one of ${allowed.join(", ")}`);
  return v as T;
}

export function positiveInt(flag: string, v: string): number {
  if (!/^\d{1,6}$/.test(v) || Number(v) < 1) throw new UsageError(`option ${flag}: not a whole number from 1 to 999999: ${JSON.stringify(v)}`);
  return Number(v);
}

/** The line after a page of a list: how to get the next one, when there is one. */
export function moreLine(next: string | null): string {
  return next === null ? "" : `more: repeat with --after '${next}'\n`;
}
