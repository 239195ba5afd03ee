// What every part of the auction service shares: the secure registry it moves units through (the
// ledger's one write path, the security rules and the audit log), the rulebook it reads its rules
// from (the one the registry records), the source of verified emissions, and two helpers: who may
// do what, and running a command once by its caller's id (a repeat answers the first result; the
// same id with other content is refused, naming the field).
import { auctionRefusal } from "../../domain/auction/checks.ts";
import type { Refusal } from "../../domain/ledger/checks.ts";
import { canonical, firstDifference } from "../../domain/ledger/commands.ts";
import type { Rulebook } from "../../domain/rulebook/index.ts";
import { securityRefusal } from "../../domain/security/codes.ts";
import { type Caller, hasRole } from "../../domain/security/roles.ts";
import type { Db, Sql } from "../../store/db.ts";
import type { Result } from "../ledger/index.ts";
import { backOff, MAX_ATTEMPTS, retryable } from "../ledger/retry.ts";
import { permit } from "../secure/context.ts";
import type { SecureRegistry } from "../secure/index.ts";
import { recordedRulebook } from "../settings.ts";

/**
 * Verified emissions of the covered installations, summed from the first year the scheme counts
 * up to the end of `year` (the TNAC's "verified emissions"). The compliance part of the registry
 * keeps them; until it supplies this source, the figure is given with the reserve's decision.
 */
export interface VerifiedEmissionsSource {
  upTo(sql: Sql, year: number): Promise<bigint | undefined>;
}

export const NO_EMISSIONS_SOURCE: VerifiedEmissionsSource = { upTo: async () => undefined };

export interface AuctionCtx {
  readonly registry: SecureRegistry;
  readonly db: Db;
  /** The rulebook the rules come from: the one the registry records, unless the server passes its own. */
  rulebook(): Promise<{ name: string; rulebook: Rulebook } | null>;
  readonly emissions: VerifiedEmissionsSource;
  now(): string;
}

export function makeCtx(registry: SecureRegistry, opts: { rulebook?: { name: string; rulebook: Rulebook } | undefined; emissions?: VerifiedEmissionsSource | undefined } = {}): AuctionCtx {
  const db = registry.ledger.db;
  return {
    registry,
    db,
    rulebook: async () => opts.rulebook ?? (await recordedRulebook(db)),
    emissions: opts.emissions ?? NO_EMISSIONS_SOURCE,
    now: () => registry.ledger.now(),
  };
}

export const ok = <T>(value: T, replayed = false): { ok: true; value: T; replayed: boolean } => ({ ok: true, value, replayed });

export function bad(field: string, message: string): Refusal {
  return auctionRefusal("INPUT_INVALID", `${field}: ${message}`, { field });
}

/** National administrators run auctions and the reserve (through a token with the admin scope). */
export function mayAdminister(c: Caller, what: string): Refusal | undefined {
  if (!hasRole(c.principal, "national-admin")) return securityRefusal("PERMISSION_DENIED", `${what} is done by a national administrator`, { permission: "admin:kinds" });
  return permit(c.principal, "admin:kinds");
}

/** The caller's scope of command ids: the registry's own for administrators, the user's own otherwise. */
export function scopeOf(c: Caller): string {
  return hasRole(c.principal, "national-admin") ? "" : `user:${c.principal.userId ?? "anonymous"}`;
}

export const ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,47}$/;
export const KEY_RE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
export const BIDDER_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function checkKey(v: unknown, field = "commandId"): Refusal | undefined {
  return typeof v === "string" && KEY_RE.test(v) ? undefined : bad(field, `must match ${KEY_RE.source}`);
}

class Refused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
  }
}

export interface CommandSpec {
  scope: string;
  key: string;
  kind: string;
  request: Record<string, unknown>;
  actor: string | null;
}

/**
 * Runs a command once: in one database transaction with its record in `auction_commands`; a
 * refusal rolls everything back (the id stays free). The same id again with the same content
 * answers `replay(target)` with replayed: true; with other content, 11003 naming the field.
 * Serialization failures and unique-key races are retried from the start.
 */
export async function runCommand<T>(ctx: AuctionCtx, spec: CommandSpec, apply: (sql: Sql) => Promise<Result<T> & { target?: string }>, replay: (target: string) => Promise<T>): Promise<Result<T>> {
  const request = canonical(spec.request);
  for (let attempt = 1; ; attempt++) {
    try {
      const out = await ctx.db.transaction(async (tx) => {
        const prior = await tx.query<{ kind: string; target: string; request: unknown }>("SELECT kind, target, request FROM auction_commands WHERE scope = $1 AND key = $2", [spec.scope, spec.key]);
        const p = prior.rows[0];
        if (p) {
          const diff = p.kind !== spec.kind ? "command" : firstDifference(request, p.request);
          if (diff) throw new Refused(auctionRefusal("COMMAND_DIFFERS", `command ${spec.key} was sent before with a different ${diff}`, { commandId: spec.key, field: diff }));
          return { replayOf: p.target };
        }
        const r = await apply(tx);
        if (!r.ok) throw new Refused(r);
        await tx.query("INSERT INTO auction_commands (scope, key, kind, target, request, actor, at) VALUES ($1, $2, $3, $4, $5, $6, $7)", [
          spec.scope, spec.key, spec.kind, r.target ?? "", JSON.stringify(request), spec.actor, ctx.now(),
        ]);
        return { result: r };
      });
      if ("replayOf" in out) return ok(await replay(out.replayOf as string), true);
      const { target: _t, ...rest } = out.result as Result<T> & { target?: string };
      return rest as Result<T>;
    } catch (err) {
      if (err instanceof Refused) return err.refusal;
      if (!retryable(err) || attempt >= MAX_ATTEMPTS) throw err;
      await backOff(attempt);
    }
  }
}

/** A whole number of allowances (or minor units) given as a string of digits or a safe integer. */
export function whole(v: unknown, field: string, opts: { min?: bigint; max?: bigint } = {}): bigint | Refusal {
  let x: bigint | undefined;
  if (typeof v === "string" && /^\d{1,19}$/.test(v)) x = BigInt(v);
  else if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) x = BigInt(v);
  else if (typeof v === "bigint" && v >= 0n) x = v;
  if (x === undefined) return bad(field, "must be a whole number >= 0 (a string of digits)");
  if (opts.min !== undefined && x < opts.min) return bad(field, `must be at least ${opts.min}`);
  const max = opts.max ?? 10n ** 15n;
  if (x > max) return bad(field, `must be at most ${max}`);
  return x;
}
