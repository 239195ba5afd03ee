// The OpenAPI document's shared parts, so that linters and generated clients need no help: the
// security schemes (session cookie with its CSRF header; bearer API tokens, one scheme per scope so
// that a requirement names the scope its token needs without scope lists, which OpenAPI defines
// only for OAuth2) and each operation's requirement, the problem responses shared by all operations (which an
// operation can return follows from its shape and its declared `errors`), the tags, and the
// document's info. The routes themselves stay the one list in src/http/routes.
import { SCOPES, type Scope } from "../domain/security/roles.ts";
import type { Op } from "./route.ts";

const PROBLEM_REF = { $ref: "#/components/schemas/Problem" };

/** The scopes the operations' requirements name, in the catalogue's order. */
export function scopesUsed(ops: readonly Op[]): Scope[] {
  const used = new Set(ops.flatMap((o) => (o.access.kind === "roles" ? (typeof o.access.scope === "string" ? [o.access.scope] : [...o.access.scope]) : [])));
  return SCOPES.filter((s) => used.has(s));
}

/** The security schemes (a token scheme for each scope in use); the cookie's name comes from the configuration. */
export function securitySchemes(sessionCookie: string, csrfHeader: string, scopes: readonly Scope[]): Record<string, Record<string, unknown>> {
  return {
    session: {
      type: "apiKey",
      in: "cookie",
      name: sessionCookie,
      description: "The session cookie set by POST /v1/auth/sign-in (HttpOnly, SameSite=Strict, Secure in production). It carries every scope of its user.",
    },
    csrf: {
      type: "apiKey",
      in: "header",
      name: csrfHeader,
      description: "The csrfToken of the sign-in answer. A state-changing request made with the session cookie must send it; the two are required together.",
    },
    token: {
      type: "http",
      scheme: "bearer",
      bearerFormat: "ets_<id>_<secret>",
      description: "An API token (POST /v1/tokens) in the Authorization header, whatever its scopes. It acts with its user's roles narrowed to its scopes. No CSRF header is needed.",
    },
    ...Object.fromEntries(
      scopes.map((scope) => [
        tokenScheme(scope),
        {
          type: "http",
          scheme: "bearer",
          bearerFormat: "ets_<id>_<secret>",
          description: `An API token that has the ${scope} scope (among others), in the Authorization header. One scheme per scope states in each operation's requirement which scope its token needs.`,
        },
      ]),
    ),
  };
}

/** The security scheme of API tokens with a scope: token.read, token.transfer-initiate, ... */
export function tokenScheme(scope: Scope): string {
  return `token.${scope.replace(":", "-")}`;
}

/** Alternatives that satisfy an operation (OR), each a set of schemes needed together (AND), with the token scope. */
export function securityOf(o: Op): Array<Record<string, string[]>> {
  const session = o.method === "get" ? { session: [] } : { session: [], csrf: [] };
  switch (o.access.kind) {
    case "public":
      return [];
    case "session":
      return [session];
    case "signed-in":
      return [session, { token: [] }];
    case "roles": {
      const scopes: Scope[] = typeof o.access.scope === "string" ? [o.access.scope] : [...o.access.scope];
      return [session, ...scopes.map((s) => ({ [tokenScheme(s)]: [] }))];
    }
  }
}

/** The shared error responses by status: name in components.responses and what it means. */
const ERROR_RESPONSES: Record<number, { name: string; description: string; example: Record<string, unknown> }> = {
  400: {
    name: "BadRequest",
    description: "The request is malformed: a field is missing or has the wrong type (8020), the body is not JSON (8201), a cursor is not one the API gave (8206), or text is malformed (8207-8209). Nothing changed.",
    example: { type: "https://openets.dev/problems/request-invalid", title: "Bad request", status: 400, detail: "json quantity: a positive whole number of units as a decimal string, at most 10^15", code: 8020, check: "input-invalid", facts: { target: "json", issues: [{ path: "quantity", message: "a positive whole number of units as a decimal string, at most 10^15" }] } },
  },
  401: {
    name: "Unauthorized",
    description: "Not signed in: no session or API token, or one that is unknown, expired or revoked (8106, 8107), or wrong credentials at sign-in (8101, 8104, 8105).",
    example: { type: "https://openets.dev/problems/session-invalid", title: "Not signed in", status: 401, detail: "sign in or send an API token", code: 8106, check: "session-invalid" },
  },
  403: {
    name: "Forbidden",
    description: "Signed in but not allowed: a role or account right is missing (8001-8005), the API token lacks the scope (8016) or is a token where a session is needed (8115), or the CSRF proof is missing or the origin foreign (8210).",
    example: { type: "https://openets.dev/problems/scope-missing", title: "Forbidden", status: 403, detail: "the API token lacks the transfer:initiate scope", code: 8016, check: "scope-missing" },
  },
  404: {
    name: "NotFound",
    description: "The object does not exist or is not visible to the caller (the two are answered alike), or no operation has this method and path (8205).",
    example: { type: "https://openets.dev/problems/account-not-visible", title: "Not found", status: 404, detail: "no account JP-200-0009 visible to you", code: 8014, check: "account-not-visible" },
  },
  409: {
    name: "Conflict",
    description: "The request conflicts with the state: the same id was used with different content (replay-differs), the object exists already, or it is no longer in a state that allows this.",
    example: { type: "https://openets.dev/problems/replay-differs", title: "Conflict", status: 409, detail: "transaction tx-2026-0001 exists with a different quantity", code: 5002, check: "replay-differs" },
  },
  413: {
    name: "PayloadTooLarge",
    description: "The request body is larger than the limit (64 KiB by default; 8202).",
    example: { type: "https://openets.dev/problems/body-too-large", title: "Request body too large", status: 413, detail: "request bodies are limited to 65536 bytes", code: 8202, check: "body-too-large" },
  },
  415: {
    name: "UnsupportedMediaType",
    description: "The request body is not JSON (8203): send Content-Type: application/json.",
    example: { type: "https://openets.dev/problems/media-type-unsupported", title: "Unsupported media type", status: 415, detail: "Unsupported Media Type", code: 8203, check: "media-type-unsupported" },
  },
  422: {
    name: "UnprocessableContent",
    description: "A rule refused the request: a ledger check (1xxx-7xxx, e.g. insufficient units) or a security rule (80xx, e.g. the transaction limit outside the trusted list). Nothing changed.",
    example: { type: "https://openets.dev/problems/insufficient-units", title: "Refused by a rule", status: 422, detail: "JP-200-0001 holds 900 JPA-2026, 5000 needed", code: 3003, check: "insufficient-units", facts: { accountId: "JP-200-0001", classCode: "JPA-2026", held: "900", needed: "5000" } },
  },
  429: {
    name: "TooManyRequests",
    description: "Too many requests (8204: per client address, per user, or sign-ins per address), or sign-in throttling (8103 backoff, 8102 lockout). Retry-After says when to try again.",
    example: { type: "https://openets.dev/problems/rate-limited", title: "Too many requests", status: 429, detail: "too many requests from this address; retry in 12 s", code: 8204, check: "rate-limited", facts: { per: "address", retryAfterSeconds: 12 } },
  },
  503: {
    name: "ServiceUnavailable",
    description: "The registry could not complete the request now: the ledger was too busy for the command's bounded attempts (8211), or the database could not be reached (8212). A command either committed whole or not at all; send it again after Retry-After with the same id to learn which.",
    example: { type: "https://openets.dev/problems/store-unavailable", title: "Service unavailable", status: 503, detail: "the database could not be reached; send the request again", code: 8212, check: "store-unavailable" },
  },
};

const HEADERS = {
  RetryAfter: { description: "Seconds to wait before trying again.", schema: { type: "integer", minimum: 1 } },
  WWWAuthenticate: { description: "The authentication scheme to use: Bearer.", schema: { type: "string" } },
};

/** components.responses and components.headers for the document. */
export function sharedComponents(): { responses: Record<string, Record<string, unknown>>; headers: Record<string, Record<string, unknown>> } {
  const responses: Record<string, Record<string, unknown>> = {};
  for (const [status, r] of Object.entries(ERROR_RESPONSES)) {
    const headers = status === "429" || status === "503" ? { "Retry-After": { $ref: "#/components/headers/RetryAfter" } } : status === "401" ? { "WWW-Authenticate": { $ref: "#/components/headers/WWWAuthenticate" } } : undefined;
    responses[r.name] = {
      description: r.description,
      ...(headers ? { headers } : {}),
      content: { "application/problem+json": { schema: PROBLEM_REF, examples: { [r.example.check as string]: { summary: r.example.detail, value: r.example } } } },
    };
  }
  responses.UnexpectedError = {
    description: "An unexpected failure (8299), logged with the request id in facts.requestId; nothing is half-done. The API is built never to answer it.",
    content: { "application/problem+json": { schema: PROBLEM_REF } },
  };
  return { responses, headers: HEADERS };
}

/**
 * The error statuses an operation can answer: every route can meet malformed text (400), a bad
 * credential (401), the rate limits (429) and a busy or unreachable database (503); a body adds 413 and 415; a state change or a role
 * rule adds 403 (CSRF, roles, scopes); path parameters add 404; the route adds its own (409, 422).
 */
export function errorStatuses(o: Op): number[] {
  const out = new Set<number>([400, 401, 429, 503, ...(o.errors ?? [])]);
  if (o.body) {
    out.add(413);
    out.add(415);
  }
  if (o.method !== "get" || o.access.kind === "roles" || o.access.kind === "session") out.add(403);
  if (o.params) out.add(404);
  return [...out].sort((a, b) => a - b);
}

export function errorResponseRef(status: number): { $ref: string } {
  const r = ERROR_RESPONSES[status];
  if (!r) throw new Error(`no shared response for HTTP ${status}`);
  return { $ref: `#/components/responses/${r.name}` };
}

/** The tags, in the order of the reference, each with what it groups. */
export const TAGS: ReadonlyArray<{ name: string; description: string }> = [
  { name: "public", description: "What a registry publishes to everyone, without sign-in: accounts, allocations, compliance status, completed transactions; and the health check." },
  { name: "auth", description: "Signing in (password, then a one-time code where the roles need one), signing out, and one's own profile, password and second factor." },
  { name: "tokens", description: "Scoped API tokens for machine clients." },
  { name: "accounts", description: "Accounts, their holdings and serial blocks, their state (open, blocked, restricted, suspended, transfer or closure pending, closed) with the administrator's reason, holders' holding limits, allocation entitlements, and the freeze of the registry's transactions during a reconciliation." },
  { name: "classes", description: "Unit classes: allowance vintages and credit types, with the quantity issued." },
  { name: "transactions", description: "Issuance, transfers, surrenders, retirements, cancellations and administrative kinds; approvals, rejections, cancellations and reversals. The caller's transaction id is the idempotency key." },
  { name: "users", description: "Users, their roles, passwords, second factor, sessions, tokens and sign-in lockouts (administrators)." },
  { name: "representatives", description: "Who represents which account, with the initiate and approve rights." },
  { name: "trusted accounts", description: "Each account's trusted account list: additions approved by a second person and effective after working days; removals at once." },
  { name: "audit", description: "The append-only audit trail of state-changing requests and sign-ins." },
  { name: "compliance", description: "The compliance cycle: installations, monitoring plans, emission reports, verifiers and their opinions, estimates, obligations and status per period, surrender for compliance, and closing a period." },
  { name: "auctions", description: "Auctions from the calendar to settlement: bidders, sealed bids, the close and clearing, settlement in one ledger batch with payment records, public results; the market stability reserve's TNAC, decisions and monthly movements." },
  { name: "collars", description: "Price collars in the registry: payments of the ceiling price in place of allowances (GX-ETS), which count toward an installation's obligation." },
  { name: "analysis", description: "What a policy analyst runs on the server's datasets and scenarios: allocation and baselines under a preset, simulations and their comparison. They change nothing." },
  { name: "international", description: "International units: classes defined from credit attributes, the Article 6.2 book (authorizations, first transfers, corresponding adjustments, the AEF), ITMO issuance, transfers abroad, uses and cancellations, CDM and Article 6.4 issuances with their shares." },
  { name: "links", description: "Linked registries: this registry's signing identity, links to peer registries (keys per link, four eyes), transfers of units to a peer with exactly-once delivery (escrow, signed proposal, the peer's one decision, delivery or return), their recovery, and the signed endpoint peers call." },
];

export const INFO = {
  title: "OpenETS registry API",
  version: "1",
  description:
    "The registry's HTTP API: accounts, unit classes, holdings, transactions and the security rules around them. Amounts are decimal strings; errors are RFC 9457 problem details, each with a stable check code; the transaction id chosen by the caller is the idempotency key. Sign in for a session cookie (and send its CSRF token with state changes), or send a scoped API token.",
  license: { name: "Apache-2.0", identifier: "Apache-2.0" },
  contact: { name: "OpenETS", url: "https://openets.dev" },
};
