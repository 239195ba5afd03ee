// What every compliance operation shares: the services it stands on (the secure registry, its
// ledger, audit log and store), the scheme's rulebook as recorded in the store (read again only
// when the record changes), who may do what (roles, representatives of the installation's
// account, the verifier appointed for it), and commands that are idempotent by the caller's id:
// a command's first result is kept (compliance_commands) and a repeat answers it, a repeat with
// other content is refused naming the field (5002).
import type { AuditLog } from "../../audit/index.ts";
import { complianceRefusal } from "../../domain/compliance/codes.ts";
import { refuse, type Refusal } from "../../domain/ledger/checks.ts";
import { canonical, firstDifference, ID_PATTERN } from "../../domain/ledger/commands.ts";
import type { Rulebook } from "../../domain/rulebook/index.ts";
import { securityRefusal } from "../../domain/security/codes.ts";
import { type Caller, can, hasRole, type Permission, type Principal } from "../../domain/security/roles.ts";
import { type Db, type Sql, sqlState } from "../../store/db.ts";
import type { LedgerService, Result } from "../ledger/index.ts";
import type { SecureRegistry } from "../secure/index.ts";
import { permit } from "../secure/index.ts";
import { rightsOf } from "../secure/store.ts";
import { recordedRulebook } from "../settings.ts";
import { accountsOfInstallation } from "./store.ts";

export type { Result };

export class ComplianceCtx {
  readonly db: Db;
  readonly ledger: LedgerService;
  readonly audit: AuditLog;
  private cached: { at: string; rulebook: Rulebook } | undefined;

  constructor(readonly registry: SecureRegistry) {
    this.ledger = registry.ledger;
    this.db = registry.ledger.db;
    this.audit = registry.audit;
  }

  /** The registry's time (its injected clock), ISO-8601. */
  now(): string {
    return this.ledger.now();
  }

  /** The recorded rulebook, parsed again only when the record changed. */
  async rulebook(): Promise<Rulebook | undefined> {
    const r = await this.db.query<{ updated_at: string }>("SELECT updated_at FROM registry_settings WHERE key = 'rulebook'");
    const at = r.rows[0]?.updated_at;
    if (at === undefined) return undefined;
    if (this.cached?.at !== at) {
      const rec = await recordedRulebook(this.db);
      if (!rec) return undefined;
      this.cached = { at, rulebook: rec.rulebook };
    }
    return this.cached.rulebook;
  }

  /** The rulebook with a compliance section, or 9309. */
  async rules(): Promise<Rulebook | Refusal> {
    const rb = await this.rulebook();
    if (!rb?.compliance) {
      return complianceRefusal("RULEBOOK_MISSING", rb ? `the registry's rulebook ${rb.scheme.id} has no compliance section` : "the registry has no recorded rulebook: start the server with OPENETS_RULEBOOK, or play a scenario that names one", {});
    }
    return rb;
  }
}

export const isRefusal = (x: unknown): x is Refusal => typeof x === "object" && x !== null && (x as { ok?: unknown }).ok === false;

/** Administrators and the authority see every installation's compliance records. */
export function readsAll(p: Principal): boolean {
  return can(p, "accounts:read-all");
}

/** Accreditations, conflict facts and estimates: a national administrator or the authority. */
export function mayAdminister(p: Principal): Refusal | undefined {
  return permit(p, "compliance:administer");
}

/** Registering installations, terms, closing a period, true-ups (units move): a national administrator. */
export function mayRunAdministrative(p: Principal): Refusal | undefined {
  if (!hasRole(p, "national-admin")) return securityRefusal("PERMISSION_DENIED", "this is done by a national administrator", { permission: "admin:kinds", roles: p.roles });
  return permit(p, "admin:kinds");
}

export function notVisible(installation: string): Refusal {
  return securityRefusal("ACCOUNT_NOT_VISIBLE", `no installation ${installation} visible to you`, { installation });
}

/** The representative rights the caller holds on any account of the installation. */
export async function repRights(sql: Sql, p: Principal, installation: string): Promise<{ initiate: boolean; approve: boolean; accounts: string[] }> {
  const out = { initiate: false, approve: false, accounts: [] as string[] };
  if (p.userId === null) return out;
  for (const a of await accountsOfInstallation(sql, installation)) {
    const r = await rightsOf(sql, p.userId, a.id);
    if (!r) continue;
    out.accounts.push(a.id);
    out.initiate ||= r.initiate;
    out.approve ||= r.approve;
  }
  return out;
}

/** True when the caller is a verifier appointed for the installation (any year, or this one). */
export async function appointed(sql: Sql, p: Principal, installation: string, year?: number): Promise<boolean> {
  if (p.userId === null || !can(p, "verification:submit")) return false;
  const r = await sql.query(
    `SELECT 1 FROM verifier_appointments a WHERE a.installation = $1 AND ($2::int IS NULL OR a.year = $2) AND a.verifier = $3
       AND a.seq = (SELECT max(b.seq) FROM verifier_appointments b WHERE b.installation = a.installation AND b.year = a.year) LIMIT 1`,
    [installation, year ?? null, p.userId],
  );
  return r.rows.length > 0;
}

/** Who may read an installation's compliance records: administrators and the authority, its representatives, its appointed verifier. */
export async function mayRead(ctx: ComplianceCtx, p: Principal, installation: string): Promise<Refusal | undefined> {
  if (readsAll(p)) return undefined;
  if (can(p, "accounts:read-public") && (await repRights(ctx.db, p, installation)).accounts.length > 0) return undefined;
  if (await appointed(ctx.db, p, installation)) return undefined;
  return p.userId === null ? permit(p, "accounts:read-all") : notVisible(installation);
}

/** Who acts for an installation (plans, reports, appointing a verifier, surrender): a representative of its account with the initiate right. */
export async function mayActFor(ctx: ComplianceCtx, p: Principal, installation: string): Promise<Refusal | undefined> {
  const perm = permit(p, "transfers:initiate");
  if (perm) return perm;
  const r = await repRights(ctx.db, p, installation);
  if (r.accounts.length === 0) return notVisible(installation);
  if (!r.initiate) return securityRefusal("NOT_INITIATOR_REPRESENTATIVE", `you are not a representative of ${installation}'s account with the initiate right`, { installation });
  return undefined;
}

export function requirePermission(p: Principal, perm: Permission): Refusal | undefined {
  return permit(p, perm);
}

const str = (v: unknown) => JSON.stringify(canonical(v));

/**
 * A command idempotent by the caller's id: in one database transaction, answers the first result of
 * the same id (with `replayed`), refuses the same id with other content (5002), or runs `fn` and
 * keeps its result. A refusal from `fn` rolls everything back and leaves the id free.
 */
export async function command<T>(ctx: ComplianceCtx, c: Caller, kind: string, commandId: unknown, request: Record<string, unknown>, fn: (tx: Sql) => Promise<T | Refusal>): Promise<Result<T>> {
  if (typeof commandId !== "string" || !ID_PATTERN.test(commandId)) return complianceRefusal("INPUT_INVALID", "commandId: letters, digits and . _ : - (up to 128), starting with a letter or digit", { field: "commandId" });
  const scope = `user:${c.principal.userId ?? "anonymous"}`;
  const req = canonical({ kind, ...request }) as Record<string, unknown>;
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.db.transaction(async (tx) => {
        const prior = await tx.query<{ request: unknown; result: T }>("SELECT request, result FROM compliance_commands WHERE scope = $1 AND command_id = $2", [scope, commandId]);
        const row = prior.rows[0];
        if (row) {
          const diff = firstDifference(req, row.request);
          if (diff) return refuse("REPLAY_DIFFERS", `command ${commandId} was submitted with a different ${diff}`, { commandId, field: diff }) as Result<T>;
          return { ok: true as const, value: row.result, replayed: true };
        }
        const out = await fn(tx);
        if (isRefusal(out)) throw new Rollback(out);
        await tx.query("INSERT INTO compliance_commands (scope, command_id, kind, request, result, at) VALUES ($1, $2, $3, $4, $5, $6)", [scope, commandId, kind, str(req), str(out), ctx.now()]);
        return { ok: true as const, value: out, replayed: false };
      });
    } catch (err) {
      if (err instanceof Rollback) return err.refusal;
      // Two sends of one id at once: the second meets the first's key and answers its result.
      if (attempt < 3 && (sqlState(err) === "23505" || sqlState(err) === "40001" || sqlState(err) === "40P01")) continue;
      throw err;
    }
  }
}

class Rollback extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
  }
}

/** Writes the audit row of a compliance operation and passes its result through. */
export async function audited<T extends { ok: boolean }>(ctx: ComplianceCtx, c: Caller, action: string, target: string | null, fn: () => Promise<T>, detail: (r: T) => Record<string, unknown> = () => ({})): Promise<T> {
  const res = await ctx.audit.guard(c, action, fn);
  return ctx.audit.outcome(c, action, target, res, res.ok ? detail(res) : {});
}
