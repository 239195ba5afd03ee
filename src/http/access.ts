// Who may call what, at the HTTP layer. Each route declares an Access rule over the roles and
// scopes of src/domain/security/roles.ts; one middleware enforces it before validation and the
// handler, and the same rule is written into the OpenAPI document (x-openets-access) so the
// generated reference lists the roles of every route. Per-account rights (which representative
// may act on which account, four-eyes) are decided by the SecureRegistry behind the handler.
import { hasScope, type Principal, type Role, type Scope } from "../domain/security/roles.ts";

export type { Principal, Role, Scope };

export type Access =
  | { kind: "public" }
  /** Any signed-in user (sign-out, own profile, own tokens, second factor). */
  | { kind: "signed-in" }
  /**
   * A signed-in person with a session, never an API token whatever its scopes: what would let a
   * stolen token take the account over (own password, own second factor, new tokens).
   */
  | { kind: "session"; operation: string; what: string }
  /** Callers with one of the roles, through a token with the scope. */
  | { kind: "roles"; roles: readonly Role[]; scope: Scope | readonly Scope[]; note?: string };

export const PUBLIC_ACCESS: Access = { kind: "public" };
export const SIGNED_IN: Access = { kind: "signed-in" };
/** Session only; `what` names the operation for the refusal ("changing one's own password"). */
export const sessionOnly = (operation: string, what: string): Access => ({ kind: "session", operation, what });
export const roles = (rs: readonly Role[], scope: Scope | readonly Scope[], note?: string): Access => ({ kind: "roles", roles: rs, scope, ...(note ? { note } : {}) });

export function signedIn(p: Principal | undefined): p is Principal {
  return p !== undefined && p.userId !== null && p.via !== "anonymous";
}

/** The decision of the access middleware: allowed, 401 (not signed in) or 403 with the reason. */
export function decide(
  access: Access,
  p: Principal | undefined,
): { ok: true } | { ok: false; status: 401 | 403; code: number; check: string; reason: string; facts?: Record<string, unknown> } {
  if (access.kind === "public") return { ok: true };
  if (!signedIn(p)) return { ok: false, status: 401, code: 8106, check: "session-invalid", reason: access.kind === "session" ? "sign in" : "sign in or send an API token" };
  if (access.kind === "signed-in") return { ok: true };
  if (access.kind === "session") {
    if (p.via === "session") return { ok: true };
    const scopes = p.scopes === "all" ? "all" : p.scopes.join(", ") || "none";
    return {
      ok: false, status: 403, code: 8115, check: "session-required",
      reason: `${access.what} needs a signed-in session: an API token cannot do it, whatever its scopes (this one has: ${scopes}); sign in with the password`,
      facts: { operation: access.operation, via: p.via, scopes: p.scopes },
    };
  }
  if (!access.roles.some((r) => p.roles.includes(r))) {
    return { ok: false, status: 403, code: 8001, check: "permission-denied", reason: `this operation needs one of the roles ${access.roles.join(", ")}` };
  }
  const scopes: readonly Scope[] = typeof access.scope === "string" ? [access.scope] : access.scope;
  if (!scopes.some((s) => hasScope(p, s))) return { ok: false, status: 403, code: 8016, check: "scope-missing", reason: `the API token lacks the ${scopes.join(" or ")} scope` };
  return { ok: true };
}

/** Words for the reference: who may call a route. */
export function describeAccess(a: Access): { roles: string[]; scope: string | null; note: string | null } {
  if (a.kind === "roles" && typeof a.scope !== "string") return { roles: [...a.roles], scope: a.scope.join(" or "), note: a.note ?? null };
  if (a.kind === "public") return { roles: ["public"], scope: null, note: null };
  if (a.kind === "signed-in") return { roles: ["any signed-in user"], scope: null, note: null };
  if (a.kind === "session") return { roles: ["any signed-in user"], scope: null, note: "with a session (sign-in), never an API token" };
  return { roles: [...a.roles], scope: a.scope as string, note: a.note ?? null };
}
