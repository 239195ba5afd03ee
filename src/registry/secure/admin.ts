// The national administrator's registry operations: unit classes, accounts and their status.
import type { Permission } from "../../domain/security/roles.ts";
import { type Caller, hasRole } from "../../domain/security/roles.ts";
import { securityRefusal } from "../../domain/security/codes.ts";
import type { AccountView, Result, UnitClassView } from "../ledger/index.ts";
import { permit, type SecureCtx, targetOf } from "./context.ts";

/** Runs an administrator's operation: the role and scope, then fn under the audit guard, then the audit row. */
export async function asAdmin<T>(ctx: SecureCtx, c: Caller, action: string, target: string | null, perm: Permission, fn: () => Promise<Result<T>>): Promise<Result<T>> {
  const refused = hasRole(c.principal, "national-admin") ? permit(c.principal, perm) : securityRefusal("PERMISSION_DENIED", `${action} needs the national-admin role`, { permission: perm });
  const res = refused ?? (await ctx.audit.guard(c, action, fn));
  return ctx.audit.outcome(c, action, target, res);
}

export function defineClass(ctx: SecureCtx, c: Caller, input: unknown): Promise<Result<UnitClassView>> {
  return asAdmin(ctx, c, "class.define", targetOf(input, "code"), "admin:kinds", () => ctx.ledger.defineClass(input));
}

export function openAccount(ctx: SecureCtx, c: Caller, input: unknown): Promise<Result<AccountView>> {
  return asAdmin(ctx, c, "account.open", targetOf(input, "accountId"), "admin:kinds", () => ctx.ledger.openAccount(input));
}

export type StatusInput = { commandId: string; accountId: string; reason?: string | undefined };

const STATUS = { block: "blocked", unblock: "open", close: "closed" } as const;

/** Block, unblock or close an account (administrator). Closing is refused while it holds units. */
export function setStatus(ctx: SecureCtx, c: Caller, verb: keyof typeof STATUS, input: StatusInput): Promise<Result<AccountView>> {
  return asAdmin(ctx, c, `account.${verb}`, targetOf(input, "accountId"), "accounts:block", () =>
    ctx.ledger.setAccountStatus({ ...(typeof input === "object" && input !== null ? input : {}), status: STATUS[verb] }));
}
