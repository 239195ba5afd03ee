// The security headers every response carries, and a JSON response that is born with them. Two
// sets: the API's answers under /v1 get the short set for JSON, everything else (the console's
// documents and assets, /docs, /openapi.json, /health) the full set for documents.
//
// Setting headers on a finished response makes the Node adapter build a Fetch `Headers` object for
// it, and then read it back into the plain object Node writes: together about a twentieth of a
// holdings read's CPU in the server (profile under the API bench, 2026-12-07). A response made by
// `jsonResponse` already carries the headers in a plain object, which the adapter hands to Node as
// it is; the middleware that adds the headers (app.ts) leaves exactly that response alone and adds
// them to every other one (errors, pages, documents), so every response still carries them.
import type { Context } from "hono";
import { CSP, type Env } from "./context.ts";

/**
 * The console's documents and assets (and every other answer outside /v1): the full set a page
 * rendered by a browser needs.
 */
const DOCUMENT: Readonly<Record<string, string>> = {
  "content-security-policy": CSP,
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=()",
};
/**
 * The API's answers (/v1, JSON and problems): the short set OWASP's REST Security Cheat Sheet
 * ("Security Headers") lists for API responses, which are never rendered as documents: a CSP that
 * allows nothing and no framing, nosniff, no framing for older browsers, and never stored by caches
 * (they hold account data). Referrer-, Permissions- and Opener-Policy act only on documents; what
 * Resource-Policy guarded is covered by SameSite=Strict sessions and the browsers' read blocking of
 * nosniff JSON (docs/concepts/security.md "Security headers").
 */
const API: Readonly<Record<string, string>> = {
  "cache-control": "no-store",
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
};
/** In production (served over HTTPS) both sets add HSTS. */
const HSTS = { "strict-transport-security": "max-age=63072000; includeSubDomains" };

/** The four header sets: production or not (HSTS), API path or not. Built once. */
const SETS = new Map<string, Readonly<Record<string, string>>>();
for (const production of [false, true]) {
  for (const api of [false, true]) SETS.set(`${production}/${api}`, Object.freeze({ ...(api ? API : DOCUMENT), ...(production ? HSTS : {}) }));
}

/** The security headers of a response to `path`. */
export function securityHeaders(path: string, production: boolean): Readonly<Record<string, string>> {
  return SETS.get(`${production}/${path.startsWith("/v1/")}`) as Readonly<Record<string, string>>;
}

/** Adds the security headers to a response made elsewhere (errors, pages, other content types). */
export function addSecurityHeaders(res: Response, path: string, production: boolean): void {
  const h = res.headers;
  for (const [k, v] of Object.entries(securityHeaders(path, production))) h.set(k, v);
}

/** JSON text of a view: bigint amounts as decimal strings, undefined fields left out (as src/http/problem.ts jsonSafe). */
export function jsonText(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? x.toString() : x));
}

/**
 * A JSON response with the security headers already in it (as a plain object), remembered on the
 * context so that the security-header middleware knows it needs nothing more. Outside that
 * middleware (no header set on the context) it is an ordinary JSON response, which the middleware,
 * if any, completes.
 */
export function jsonResponse(c: Context<Env>, value: unknown, status = 200): Response {
  const secure = c.get("securityHeaders");
  const res = new Response(jsonText(value), { status, headers: secure ? { ...secure, "content-type": "application/json" } : { "content-type": "application/json" } });
  if (secure) c.set("securedResponse", res);
  return res;
}
