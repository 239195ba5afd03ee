// The national administrator's registry operations: unit classes, accounts and their state (with
// the reason), the reconciliation freeze, allocation entitlements.
import type { Permission } from "../../domain/security/roles.ts";
import { type Caller, hasRole } from "../../domain/security/roles.ts";
import { securityRefusal } from "../../domain/security/codes.ts";
import { refuse } from "../../domain/ledger/checks.ts";
import type { AccountView, EntitlementView, FreezeView, Result, UnitClassView } from "../ledger/index.ts";
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

export type StateInput = { commandId: string; accountId: string; status: string; reason?: string | undefined };

/**
 * Puts an account in any state of the catalogue (the graded restrictions among them), with the
 * administrator's reason, which the account then shows beside its state. A reason is required for
 * every state but `open` (the regulator's record of why trading was restricted or suspended).
 */
export function setState(ctx: SecureCtx, c: Caller, input: StateInput): Promise<Result<AccountView>> {
  return asAdmin(ctx, c, "account.state", targetOf(input, "accountId"), "accounts:block", async () => {
    const i = (typeof input === "object" && input !== null ? input : {}) as Partial<StateInput>;
    if (i.status !== "open" && (typeof i.reason !== "string" || i.reason.trim().length === 0)) {
      return refuse("FIELD_INVALID", "reason: required: say why the account is put in this state (it is shown with the account)", { field: "reason" });
    }
    return ctx.ledger.setAccountStatus(i);
  });
}

/** Freezes the registry's transactions while a reconciliation runs, or lifts the freeze (recorded with the reason). */
export function setFreeze(ctx: SecureCtx, c: Caller, input: unknown): Promise<Result<FreezeView>> {
  return asAdmin(ctx, c, "registry.freeze", "registry", "accounts:block", () => ctx.ledger.setFreeze(input));
}

/** Records what an account is entitled to for a year and allocation table (returns of excess allocation are measured against it). */
export function setEntitlement(ctx: SecureCtx, c: Caller, input: unknown): Promise<Result<EntitlementView>> {
  return asAdmin(ctx, c, "account.entitle", targetOf(input, "accountId"), "admin:kinds", () => ctx.ledger.setEntitlement(input));
}
