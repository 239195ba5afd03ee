// Small refusals and checks shared by the auth services (users and sign-in, API tokens).
import type { Refusal } from "../domain/ledger/checks.ts";
import { securityRefusal } from "../domain/security/codes.ts";
import type { Caller } from "../domain/security/roles.ts";

export function isText(v: unknown, max: number): v is string {
  return typeof v === "string" && v.length > 0 && v.length <= max;
}

export function input(field: string, reason: string): Refusal {
  return securityRefusal("INPUT_INVALID", `${field}: ${reason}`, { field, reason });
}

/** What only a signed-in person may do with their own credentials, asked through an API token. */
export function sessionRequired(caller: Caller, what: string): Refusal {
  const p = caller.principal;
  const scopes = p.scopes === "all" ? "all" : p.scopes.join(", ") || "none";
  return securityRefusal("SESSION_REQUIRED", `${what} needs a signed-in session: an API token cannot do it, whatever its scopes (this one has: ${scopes}); sign in with the password`, {
    via: p.via, scopes: p.scopes,
  });
}

export function denied(what: string): Refusal {
  return securityRefusal("PERMISSION_DENIED", `${what} needs the national-admin role`, { permission: "users:manage" });
}
