// What every part of the secure registry shares: the services it stands on and small helpers for
// answers (refusals in the security catalogue's shape, pages, input guards).
import type { AuditLog } from "../../audit/index.ts";
import type { Refusal } from "../../domain/ledger/checks.ts";
import { securityRefusal } from "../../domain/security/codes.ts";
import type { SecurityConfig } from "../../domain/security/config.ts";
import { can, type Permission, PERMISSION_SCOPE, type Principal, ROLE_PERMISSIONS } from "../../domain/security/roles.ts";
import type { Clock } from "../../platform/clock.ts";
import type { Db } from "../../store/db.ts";
import type { LedgerService } from "../ledger/index.ts";
import type { HoldingsReadGroup } from "../read-group.ts";

export interface SecureCtx {
  readonly ledger: LedgerService;
  readonly audit: AuditLog;
  readonly config: SecurityConfig;
  readonly clock: Clock;
  readonly db: Db;
  /** Coalesces concurrent holdings reads (src/registry/read-group.ts); absent: each read alone. */
  readonly holdingsGroup?: HoldingsReadGroup | undefined;
}

export const MAX_PAGE = 500;

export const ok = <T>(value: T): { ok: true; value: T; replayed: boolean } => ({ ok: true, value, replayed: false });
export const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
export const str = (v: unknown, max = 200): v is string => typeof v === "string" && v.length > 0 && v.length <= max;

export function pageLimit(limit: unknown): number {
  return Number.isInteger(limit) ? Math.max(1, Math.min(limit as number, MAX_PAGE)) : 100;
}

export function bad(field: string, reason: string): Refusal {
  return securityRefusal("INPUT_INVALID", `${field}: ${reason}`, { field, reason });
}

export function notVisible(what: string): Refusal {
  return securityRefusal("ACCOUNT_NOT_VISIBLE", `no ${what} visible to you`, {});
}

/** The refusal when a principal lacks a permission: a missing token scope, or a missing role. */
export function permit(p: Principal, perm: Permission): Refusal | undefined {
  if (can(p, perm)) return undefined;
  if (p.roles.some((r) => ROLE_PERMISSIONS[r].includes(perm))) {
    return securityRefusal("SCOPE_MISSING", `this API token lacks the ${PERMISSION_SCOPE[perm]} scope`, { scope: PERMISSION_SCOPE[perm] });
  }
  return securityRefusal("PERMISSION_DENIED", `your roles (${p.roles.join(", ")}) do not allow ${perm}`, { permission: perm, roles: p.roles });
}

/** Drops undefined fields (the ledger's options are exact). */
export function defined<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/** The target an audit row names: the id in an input object, when it is a plausible one. */
export function targetOf(input: unknown, key: string, max = 64): string | null {
  return isObj(input) && str(input[key], max) ? input[key] : null;
}
