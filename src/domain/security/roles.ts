// Who may do what. A Principal is the caller as the services see it: a user with global roles
// (national administrator, authority, verifier), plus "representative" when the user represents
// at least one account (rights per account live in the registry), or the anonymous public. An
// API token narrows its user's powers to its scopes. The table ROLE_PERMISSIONS is the single
// source of the role reference page and of the service-level permission checks.

export const ROLES = ["national-admin", "authority", "representative", "verifier", "public"] as const;
export type Role = (typeof ROLES)[number];

/** Roles stored on the user; "representative" follows from account rights, "public" is everyone. */
export const GLOBAL_ROLES = ["national-admin", "authority", "verifier"] as const;
export type GlobalRole = (typeof GLOBAL_ROLES)[number];

export const SCOPES = ["read", "transfer:initiate", "transfer:approve", "admin", "audit:read", "verify"] as const;
export type Scope = (typeof SCOPES)[number];

export interface Principal {
  /** null for the anonymous public. */
  readonly userId: string | null;
  readonly roles: readonly Role[];
  /** How the caller proved who it is. */
  readonly via: "session" | "token" | "anonymous" | "system" | "cli";
  /** For API tokens: what the token may do; "all" for sessions. */
  readonly scopes: readonly Scope[] | "all";
  /** The session or token id (never the secret), for audit. */
  readonly credentialId?: string;
  /** When that credential ends (RFC 3339), where the proof has an end: a cache of verified callers never keeps one past it. */
  readonly credentialExpiresAt?: string;
}

/** The anonymous public: its role limits it; scopes only narrow API tokens. */
export const PUBLIC: Principal = { userId: null, roles: ["public"], via: "anonymous", scopes: "all" };

/** A trusted internal caller (seeding, schedulers). Never built from a request. */
export function systemPrincipal(name: string): Principal {
  return { userId: `system:${name}`, roles: ["national-admin", "authority"], via: "system", scopes: "all" };
}

export type Permission =
  | "accounts:read-public"
  | "accounts:read-all"
  | "holdings:read-all"
  | "transactions:read-all"
  | "transfers:initiate"
  | "transfers:approve"
  | "transfers:cancel-any"
  | "admin:kinds"
  | "accounts:block"
  | "representatives:manage"
  | "trusted:manage-any"
  | "users:manage"
  | "audit:read"
  | "verification:submit"
  | "compliance:administer";

/** What each role may do; representatives additionally need the per-account right where noted. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  "national-admin": [
    "accounts:read-public", "accounts:read-all", "holdings:read-all", "transactions:read-all", "transfers:cancel-any",
    "admin:kinds", "accounts:block", "representatives:manage", "trusted:manage-any", "users:manage", "audit:read", "compliance:administer",
  ],
  authority: ["accounts:read-public", "accounts:read-all", "holdings:read-all", "transactions:read-all", "audit:read", "compliance:administer"],
  representative: ["accounts:read-public", "transfers:initiate", "transfers:approve"],
  verifier: ["accounts:read-public", "verification:submit"],
  public: ["accounts:read-public"],
};

/** The scope an API token needs for a permission. */
export const PERMISSION_SCOPE: Readonly<Record<Permission, Scope>> = {
  "accounts:read-public": "read",
  "accounts:read-all": "read",
  "holdings:read-all": "read",
  "transactions:read-all": "read",
  "transfers:initiate": "transfer:initiate",
  "transfers:approve": "transfer:approve",
  "transfers:cancel-any": "admin",
  "admin:kinds": "admin",
  "accounts:block": "admin",
  "representatives:manage": "admin",
  "trusted:manage-any": "admin",
  "users:manage": "admin",
  "audit:read": "audit:read",
  "verification:submit": "verify",
  "compliance:administer": "admin",
};

export function hasRole(p: Principal, role: Role): boolean {
  return p.roles.includes(role);
}

export function hasScope(p: Principal, scope: Scope): boolean {
  return p.scopes === "all" || p.scopes.includes(scope);
}

/** True when one of the principal's roles grants the permission and its token (if any) has the scope. */
export function can(p: Principal, perm: Permission): boolean {
  return p.roles.some((r) => ROLE_PERMISSIONS[r].includes(perm)) && hasScope(p, PERMISSION_SCOPE[perm]);
}

export function isScope(s: unknown): s is Scope {
  return typeof s === "string" && (SCOPES as readonly string[]).includes(s);
}

export function isGlobalRole(s: unknown): s is GlobalRole {
  return typeof s === "string" && (GLOBAL_ROLES as readonly string[]).includes(s);
}

export const USER_ID_PATTERN = /^[a-z0-9][a-z0-9._@-]{1,63}$/;

/** Who calls a service and from where: every state-changing service call takes one, for the checks and the audit trail. */
export interface Caller {
  readonly principal: Principal;
  /** The client's address as the HTTP layer saw it (after trusted proxies), or null. */
  readonly ip: string | null;
  /** A request id to correlate audit rows with logs. */
  readonly requestId?: string;
}
