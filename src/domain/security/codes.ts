// The catalogue of numbered security checks, next to the ledger's (src/domain/ledger/checks.ts):
// 80xx are the registry's security rules (roles, four-eyes, trusted list, limits, expiry),
// 81xx are sign-in, sessions and tokens, 82xx requests the HTTP edge refuses before any service
// sees them. A refusal has the ledger's Refusal shape, so every
// layer above reports both catalogues alike. `status` is the HTTP status the API should answer
// with. docs/reference/security-rules.md is generated from this table and a test keeps it in step.
import type { Refusal } from "../ledger/checks.ts";

export type { Refusal } from "../ledger/checks.ts";

export interface SecurityCheckDefinition {
  readonly code: number;
  readonly name: string;
  readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 503;
  readonly rule: string;
}

export const SECURITY_CHECKS = {
  PERMISSION_DENIED: { code: 8001, name: "permission-denied", status: 403, rule: "The caller's roles do not allow this operation (see the role table)." },
  NOT_INITIATOR_REPRESENTATIVE: { code: 8002, name: "not-initiating-representative", status: 403, rule: "Only a representative of the source account holding the initiate right (or, for administrative kinds, a national administrator) may initiate a transaction from it." },
  NOT_APPROVER_REPRESENTATIVE: { code: 8003, name: "not-approving-representative", status: 403, rule: "Only a representative of the source account holding the approve right (or, for administrative kinds, a national administrator) may approve or reject its transaction." },
  FOUR_EYES_SAME_PERSON: { code: 8004, name: "four-eyes-same-person", status: 403, rule: "Four-eyes: the approver must be a different person from the initiator (of a transaction, or the proposer of a trusted-list entry)." },
  CANCEL_NOT_ALLOWED: { code: 8005, name: "cancel-not-allowed", status: 403, rule: "A held transaction may be cancelled only by its initiator or a national administrator." },
  TRANSACTION_LIMIT_EXCEEDED: { code: 8006, name: "transaction-limit-exceeded", status: 422, rule: "The quantity sent to accounts outside the source account's trusted list in one transaction may not exceed the central limit (EU: 2,000,000) nor the account's own limit; the lowest applies." },
  HOLDING_LIMIT_EXCEEDED: { code: 8007, name: "holding-limit-exceeded", status: 422, rule: "A transfer may not take the holdings of the receiving holder above its holding limit (CITSS-style); checked at initiation and again before completion." },
  DEST_NOT_TRUSTED: { code: 8008, name: "destination-not-trusted", status: 422, rule: "Accounts of the types configured as trusted-only may send only to accounts on their active trusted list." },
  APPROVAL_EXPIRED: { code: 8009, name: "approval-expired", status: 409, rule: "A transaction not approved within the approval expiry ends (rejected by the system) and can no longer be approved." },
  TRUSTED_ENTRY_EXISTS: { code: 8010, name: "trusted-entry-exists", status: 409, rule: "An account is on a trusted list at most once." },
  TRUSTED_ENTRY_UNKNOWN: { code: 8011, name: "trusted-entry-unknown", status: 404, rule: "Only an account on the trusted list (active or pending) can be removed from it." },
  TRUSTED_SELF: { code: 8012, name: "trusted-self", status: 422, rule: "An account cannot be put on its own trusted list." },
  USER_UNKNOWN: { code: 8013, name: "user-unknown", status: 404, rule: "The user must exist and not be disabled." },
  ACCOUNT_NOT_VISIBLE: { code: 8014, name: "account-not-visible", status: 404, rule: "Callers see only the accounts and transactions their roles allow; others are reported as unknown." },
  KIND_NOT_ALLOWED: { code: 8015, name: "kind-not-allowed", status: 422, rule: "Representatives initiate only non-administrative kinds; administrators only administrative kinds; reversals go through their own operation." },
  SCOPE_MISSING: { code: 8016, name: "scope-missing", status: 403, rule: "An API token acts only within its scopes." },
  CONFIG_INVALID: { code: 8017, name: "security-config-invalid", status: 400, rule: "The rulebook's security section must be valid (the field is named)." },
  REPRESENTATIVE_EXISTS: { code: 8018, name: "representative-exists", status: 409, rule: "A user represents an account once; change the rights instead." },
  REPRESENTATIVE_UNKNOWN: { code: 8019, name: "representative-unknown", status: 404, rule: "Only a current representative can be removed." },
  TRUSTED_NOT_AWAITING: { code: 8021, name: "trusted-entry-not-awaiting", status: 409, rule: "Only a proposed trusted-list entry that is not yet approved can be approved." },
  OUTSIDE_BUSINESS_HOURS: { code: 8022, name: "outside-business-hours", status: 422, rule: "Where business hours are configured, transfers between holders are initiated only inside the initiation window on working days (EU: 10:00-16:00)." },
  ACCOUNT_LIMIT_NOT_PENDING: { code: 8023, name: "account-limit-not-pending", status: 409, rule: "Only a proposed raise or removal of an account's own limit can be approved." },
  CHANGE_VERSION_STALE: { code: 8024, name: "change-version-stale", status: 409, rule: "An approval names the version of the change it approves (an account limit's version, a trusted-list entry's id); a change proposed again since the approver looked is a new version and is not approved by it." },
  REPRESENTATIVES_INCOMPLETE: { code: 8026, name: "representatives-incomplete", status: 409, rule: "An operator holding account (installation, aircraft or ship operator) transacts only once it has at least one representative with the initiate right and one with the approve right (UK AccountValidator); checked when a representative initiates, so before its first transaction, since an account is opened before its representatives are appointed." },
  CLOSURE_CHANGES_PENDING: { code: 8025, name: "closure-changes-pending", status: 409, rule: "An account cannot close while security changes about it are pending: a trusted-list entry of its list, or naming it, awaiting approval or not yet active, or a raise of its own limit awaiting approval. Checked inside the closing transaction, under the account's lock." },
  INPUT_INVALID: { code: 8020, name: "input-invalid", status: 400, rule: "A field of a security operation has the wrong type or is missing; the field is named." },
  CREDENTIALS_INVALID: { code: 8101, name: "credentials-invalid", status: 401, rule: "Unknown user or wrong password (one answer for both, so user names cannot be probed)." },
  USER_LOCKED: { code: 8102, name: "user-locked", status: 429, rule: "After the configured number of failed sign-ins in a row the user is locked for the lockout period (or until an administrator unlocks)." },
  SIGN_IN_BACKOFF: { code: 8103, name: "sign-in-backoff", status: 429, rule: "After a failed sign-in the next attempt must wait an exponentially growing delay." },
  TOTP_INVALID: { code: 8104, name: "totp-invalid", status: 401, rule: "The one-time code must match the user's TOTP secret (RFC 6238, 30 s steps, one step of drift) and not have been used before." },
  CHALLENGE_INVALID: { code: 8105, name: "challenge-invalid", status: 401, rule: "A second-factor challenge is used once and only before it expires." },
  SESSION_INVALID: { code: 8106, name: "session-invalid", status: 401, rule: "A session token must exist, be unexpired and not revoked." },
  TOKEN_INVALID: { code: 8107, name: "api-token-invalid", status: 401, rule: "An API token must exist, be unexpired and not revoked." },
  PASSWORD_WEAK: { code: 8108, name: "password-weak", status: 422, rule: "A password has at least the configured length (default 12) and at most 256 characters." },
  USER_EXISTS: { code: 8109, name: "user-exists", status: 409, rule: "A user id is created once." },
  USER_DISABLED: { code: 8110, name: "user-disabled", status: 403, rule: "A disabled user cannot sign in or use tokens." },
  SECOND_FACTOR_NOT_ENROLLED: { code: 8111, name: "second-factor-not-enrolled", status: 403, rule: "Users whose roles require a second factor must have TOTP enrolled before they can sign in." },
  DEMO_ONLY: { code: 8112, name: "demo-only", status: 403, rule: "Demo users with published credentials exist only in demo mode." },
  SCOPE_UNKNOWN: { code: 8113, name: "scope-unknown", status: 422, rule: "API token scopes come from the documented list." },
  SESSION_REQUIRED: { code: 8115, name: "session-required", status: 403, rule: "Changing one's own password, replacing one's own second factor and creating API tokens need a signed-in session: an API token cannot do them whatever its scopes, so a stolen token cannot take the account over." },
  TOTP_NOT_ENROLLED: { code: 8114, name: "totp-not-enrolled", status: 409, rule: "Confirming or using a second factor needs an enrolment first." },
  REQUEST_MALFORMED: { code: 8201, name: "request-malformed", status: 400, rule: "A request body must be well-formed JSON (an optional body may also be empty)." },
  BODY_TOO_LARGE: { code: 8202, name: "body-too-large", status: 413, rule: "Request bodies are limited in size (64 KiB by default)." },
  MEDIA_TYPE_UNSUPPORTED: { code: 8203, name: "media-type-unsupported", status: 415, rule: "A request body must be JSON, sent with Content-Type: application/json." },
  RATE_LIMITED: { code: 8204, name: "rate-limited", status: 429, rule: "Requests are limited per client address, per signed-in user, and for the sign-in routes per address, in fixed windows; Retry-After says when the window reopens." },
  ROUTE_UNKNOWN: { code: 8205, name: "route-unknown", status: 404, rule: "No operation of the API has this method and path (the OpenAPI document at /openapi.json lists them)." },
  CURSOR_INVALID: { code: 8206, name: "cursor-invalid", status: 400, rule: "A page cursor must be one the API returned: the nextCursor of the previous page." },
  TEXT_NUL: { code: 8207, name: "text-nul", status: 400, rule: "No field, path or query string may contain the NUL character (U+0000), which PostgreSQL text cannot hold; refused before any service." },
  TEXT_INVALID: { code: 8208, name: "text-invalid", status: 400, rule: "Text must be well-formed: UTF-8 bytes in bodies and behind the percent-escapes of paths and query strings (no overlong forms, encoded surrogates or stray bytes), and no lone surrogate in a JSON string's \\u escapes; refused before any service." },
  TEXT_UNSTORABLE: { code: 8209, name: "text-unstorable", status: 400, rule: "Text the database refuses (SQLSTATE 22P02, 22021, 22P05) is bad input: a safety net behind 8207 and 8208; the failed statement's transaction rolled back, so nothing changed." },
  CSRF_REFUSED: { code: 8210, name: "csrf-refused", status: 403, rule: "A state-changing request made with the session cookie must carry the session's CSRF token (X-CSRF-Token, given at sign-in), and any Origin it sends must be the server's own." },
  LEDGER_BUSY: { code: 8211, name: "ledger-busy", status: 503, rule: "The ledger changed too fast for a command to get through in its bounded number of attempts (each made on a fresh snapshot); nothing was written, and Retry-After says when to send it again." },
  STORE_UNAVAILABLE: { code: 8212, name: "store-unavailable", status: 503, rule: "The database could not be reached or dropped the connection mid-request: a command either committed whole or not at all; Retry-After says when to send it again, and sending the same command again (same id) answers with its outcome without doing it twice." },
  INTERNAL_ERROR: { code: 8299, name: "internal-error", status: 500, rule: "An unexpected failure: logged with the request id given in the facts, never shown; each change runs in one database transaction, so nothing is half-done." },
} as const satisfies Record<string, SecurityCheckDefinition>;

export type SecurityCheckKey = keyof typeof SECURITY_CHECKS;

export function securityRefusal(key: SecurityCheckKey, message: string, facts: Record<string, unknown> = {}): Refusal {
  const c = SECURITY_CHECKS[key];
  return { ok: false, code: c.code, check: c.name, message, facts };
}

/** A caller-supplied value for a message: strings cut to `max`, anything else named by its type (never String(), which can throw). */
export function printable(v: unknown, max = 64): string {
  return typeof v === "string" ? v.slice(0, max) : `(${v === null ? "null" : typeof v})`;
}

const BY_CODE = new Map<number, SecurityCheckDefinition>(Object.values(SECURITY_CHECKS).map((c) => [c.code, c]));

/** The HTTP status a refusal should be answered with: the security catalogue's, else 422 for ledger checks (404 for unknown ids). */
export function httpStatusOf(r: Pick<Refusal, "code">): number {
  const s = BY_CODE.get(r.code);
  if (s) return s.status;
  if ([1001, 2001, 4001, 6001, 7006].includes(r.code)) return 404;
  if ([5002, 4004, 7001, 6002, 6004].includes(r.code)) return 409;
  if ([5001, 7007, 3001].includes(r.code)) return 400;
  return 422;
}

/** Thrown where a refusal must cross a boundary that has no result type (e.g. middleware). */
export class SecurityError extends Error {
  readonly code: number;
  readonly check: string;
  readonly facts: Record<string, unknown>;
  readonly status: number;
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
    this.name = "SecurityError";
    this.code = refusal.code;
    this.check = refusal.check;
    this.facts = refusal.facts;
    this.status = httpStatusOf(refusal);
  }
}
