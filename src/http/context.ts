// The HTTP layer's shared types and small helpers: configuration, dependencies, the request
// context, CSRF tokens and the caller of a service. Routes import this, never app.ts, so the app
// and its routes have no import cycle.
import { createHash, timingSafeEqual } from "node:crypto";
import type { Context } from "hono";
import type { Logger } from "pino";
import type { AuditLog } from "../audit/index.ts";
import type { AuthService } from "../auth/index.ts";
import { type Caller, PUBLIC as PUBLIC_PRINCIPAL } from "../domain/security/roles.ts";
import type { Rulebook } from "../domain/rulebook/index.ts";
import type { AnalysisData } from "./analysis-data.ts";
import type { SimulationRunner } from "./simulation-runner.ts";
import type { Clock } from "../platform/clock.ts";
import type { LinkService } from "../registry/international/links/service.ts";
import type { LedgerService } from "../registry/ledger/index.ts";
import type { SecureRegistry } from "../registry/secure/index.ts";
import type { Principal } from "./access.ts";
import type { RateLimit } from "./rate-limit.ts";

export interface HttpConfig {
  /** Production: Secure cookies, HSTS. */
  production: boolean;
  bodyLimitBytes: number;
  /** Per client address, per signed-in user, and for the sign-in routes per address. */
  rateLimit: { ip: RateLimit; user: RateLimit; signIn: RateLimit };
  /**
   * Reverse proxies in front of the server that append to X-Forwarded-For: the client address is
   * the entry this many hops from the right (src/http/client-address.ts). 0 = the socket's address.
   */
  trustProxy: number;
  sessionCookie: string;
  /**
   * How long a verified session or API token is remembered without asking the database again
   * (ms; 0 = always ask). Sign-out, token revocation and user or representative changes made
   * through this server clear it at once; made through any other door (another server process,
   * the CLI on the store) they clear it when the store announces them (AppDeps.credentialChanges).
   */
  principalCacheMs: number;
  /** The built web console to serve (default build/console); null serves none. */
  consoleDir?: string | null;
}

export const DEFAULT_CONFIG: HttpConfig = {
  production: false,
  bodyLimitBytes: 64 * 1024,
  rateLimit: { ip: { max: 600, windowMs: 60_000 }, user: { max: 300, windowMs: 60_000 }, signIn: { max: 20, windowMs: 60_000 } },
  trustProxy: 0,
  sessionCookie: "ets_session",
  principalCacheMs: 5_000,
};

/**
 * Credential changes made by any process, as the store announces them (on PostgreSQL: notices
 * from the triggers of src/store/migrations/auth-notify.ts, heard by src/http/credential-changes.ts).
 */
export interface CredentialChanges {
  /** False while changes made elsewhere could go unseen: nothing may be cached then. */
  readonly watching: boolean;
  /** What to do on each change seen, on losing the watch and on each (re)start of it. */
  subscribe(onChange: () => void): void;
}

export interface AppDeps {
  ledger: LedgerService;
  clock: Clock;
  registry: SecureRegistry;
  auth: AuthService;
  audit: AuditLog;
  logger?: Logger;
  config?: Partial<HttpConfig>;
  /** The rulebook the server runs (its name as given, and the parsed rules), for the scheme's public pages and the console. */
  rulebook?: { name: string; rulebook: Rulebook } | undefined;
  /** The presets, datasets and example scenarios the analysis routes read (default: the repository's). */
  analysis?: AnalysisData;
  /** Where simulation requests run (default: two worker threads, 15 s each). */
  simulations?: SimulationRunner;
  /**
   * Where changes to credentials made by other processes are heard (a server on PostgreSQL). Absent
   * (PGlite: one process holds the store) only this app's own routes empty the principal cache.
   */
  credentialChanges?: CredentialChanges;
  /** The linked registries' service the server also runs recovery with (default: one built on first use). */
  links?: LinkService;
}

export interface Env {
  Variables: {
    principal: Principal | undefined;
    sessionToken: string | undefined;
    requestId: string;
    clientIp: string;
    /** The security headers of this request's response (src/http/security-headers.ts), set by the middleware that adds them. */
    securityHeaders: Readonly<Record<string, string>> | undefined;
    /** A response made with those headers already in it (jsonResponse), which the middleware leaves alone. */
    securedResponse: Response | undefined;
  };
}

export const CSRF_HEADER = "x-csrf-token";
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** The CSRF token of a session: derived from the (HttpOnly, secret) session token, so it needs no storage. */
export function csrfTokenFor(sessionToken: string): string {
  return createHash("sha256").update(`openets-csrf:${sessionToken}`).digest("base64url");
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}


/** The caller of a service: the principal (public when not signed in), the client address and the request id. */
export function callerOf(c: Context<Env>): Caller {
  return { principal: c.get("principal") ?? PUBLIC_PRINCIPAL, ip: c.get("clientIp"), requestId: c.get("requestId") };
}
