// Who is asking: a bearer API token, else the session cookie, verified through a short cache that
// sign-out, revocations and changes to users or representatives empty at once; and the CSRF proof
// a cookie-authenticated state-changing request must carry.
import { hash } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import type { Principal } from "../access.ts";
import { type AppDeps, CSRF_HEADER, csrfTokenFor, type Env, type HttpConfig, sameSecret } from "../context.ts";
import { checkProblem, ProblemError, problem } from "../problem.ts";
import { UNSAFE } from "./request.ts";

/** The authentication middleware, and the one that ends cached principals when credentials change. */
export function authentication(deps: AppDeps, config: HttpConfig): { authenticate: MiddlewareHandler<Env>; forgetOnChange: MiddlewareHandler<Env> } {
  // Verified credentials, and refused ones (a random secret never becomes valid; an expired or
  // revoked one never again), remembered briefly so a burst of requests asks the database once.
  // Requests that arrive while a credential is being looked up wait for that one look-up instead
  // of each making their own (when an entry expired under 16 concurrent clients, 16 identical
  // look-ups of three statements each went out at once). A change that ends credentials (see
  // forgetOnChange) starts a new generation: a look-up begun before it is neither remembered nor
  // joined by requests that come after it, so it cannot bring a revoked credential back.
  // Changes made by other processes arrive as the store's notices (deps.credentialChanges) and do
  // the same; while they could go unseen (not listening) nothing is cached or taken from the cache.
  type Entry = { principal: Principal | undefined; refusal?: { code: number; check: string; message: string }; until: number };
  const principals = new Map<string, Entry>();
  const loading = new Map<string, Promise<Entry>>();
  let generation = 0;
  const forgetAll = () => {
    generation++;
    principals.clear();
    loading.clear();
  };
  const changes = deps.credentialChanges;
  changes?.subscribe(forgetAll);
  const mayCache = () => config.principalCacheMs > 0 && (changes?.watching ?? true);
  const cached = async (
    kind: "t" | "s",
    secret: string,
    load: () => Promise<{ principal: Principal; expiresAt?: string } | { refusal: { code: number; check: string; message: string } }>,
  ): Promise<Entry> => {
    const key = kind + hash("sha256", secret, "base64url");
    const hit = principals.get(key);
    if (hit && hit.until > deps.clock.now().getTime() && mayCache()) return hit;
    const pending = loading.get(key);
    if (pending) return pending;
    const started = generation;
    const lookUp = (async (): Promise<Entry> => {
      const r = await load();
      // Never past the credential's own end (a session or API token that expires while remembered).
      const ends = "principal" in r && r.expiresAt !== undefined ? Date.parse(r.expiresAt) : Number.POSITIVE_INFINITY;
      const until = Math.min(deps.clock.now().getTime() + config.principalCacheMs, ends);
      const entry: Entry = "principal" in r ? { principal: r.principal, until } : { principal: undefined, refusal: r.refusal, until };
      if (started === generation && mayCache()) {
        if (principals.size >= 10_000) principals.clear();
        principals.set(key, entry);
      }
      return entry;
    })();
    loading.set(key, lookUp);
    try {
      return await lookUp;
    } finally {
      if (loading.get(key) === lookUp) loading.delete(key);
    }
  };

  // Authentication: a bearer API token, else the session cookie. A bad bearer token is refused; a
  // stale cookie is treated as no session (public pages keep working).
  const authenticate: MiddlewareHandler<Env> = async (c, next) => {
    c.set("principal", undefined);
    const authz = c.req.header("authorization");
    if (authz !== undefined) {
      const m = /^Bearer ([\x21-\x7e]{1,512})$/.exec(authz);
      if (!m) throw new ProblemError(problem(401, "token-invalid", "Authorization must be 'Bearer <token>'", { code: 8107, check: "api-token-invalid" }), { "www-authenticate": "Bearer" });
      const { principal: p, refusal } = await cached("t", m[1] as string, async () => {
        const r = await deps.auth.authenticateToken(m[1] as string);
        return r.ok ? { principal: r.value, ...(r.value.credentialExpiresAt !== undefined ? { expiresAt: r.value.credentialExpiresAt } : {}) } : { refusal: { code: r.code, check: r.check, message: r.message } };
      });
      if (!p) {
        const r = refusal ?? { code: 8107, check: "api-token-invalid", message: "the API token is unknown, expired or revoked" };
        throw new ProblemError(problem(401, r.check, r.message, { code: r.code, check: r.check }), { "www-authenticate": "Bearer" });
      }
      c.set("principal", p);
    } else {
      const token = getCookie(c, config.sessionCookie);
      if (token !== undefined && token.length > 0 && token.length <= 512) {
        const { principal: p } = await cached("s", token, async () => {
          const r = await deps.auth.getSession(token);
          return r.ok ? { principal: r.value.principal, expiresAt: r.value.session.expiresAt } : { refusal: { code: r.code, check: r.check, message: r.message } };
        });
        if (p) {
          c.set("principal", p);
          c.set("sessionToken", token);
        }
      }
    }
    await next();
  };

  // Sign-out, revocations and changes to users or representatives end cached principals at once.
  const forgetOnChange: MiddlewareHandler<Env> = async (c, next) => {
    await next();
    if (UNSAFE.has(c.req.method) && /^\/v1\/(auth\/(sign-out|password)|tokens|users|accounts\/[^/]+\/representatives)/.test(c.req.path)) forgetAll();
  };

  return { authenticate, forgetOnChange };
}

// CSRF: a state-changing request carried by a session cookie must echo the session's CSRF token,
// and any Origin header present must be this server's.
export const csrfProof: MiddlewareHandler<Env> = async (c, next) => {
  if (UNSAFE.has(c.req.method)) {
    const origin = c.req.header("origin");
    if (origin !== undefined && origin !== "null") {
      const host = c.req.header("host") ?? new URL(c.req.url).host;
      let ok = false;
      try {
        ok = new URL(origin).host === host;
      } catch {
        ok = false;
      }
      if (!ok) throw new ProblemError(checkProblem("CSRF_REFUSED", "cross-origin request refused", { facts: { origin: origin.slice(0, 200) } }));
    } else if (origin === "null") {
      throw new ProblemError(checkProblem("CSRF_REFUSED", "cross-origin request refused", { facts: { origin } }));
    }
    const session = c.get("sessionToken");
    if (session !== undefined && c.get("principal")?.via === "session") {
      const sent = c.req.header(CSRF_HEADER) ?? "";
      if (!sameSecret(sent, csrfTokenFor(session))) {
        throw new ProblemError(checkProblem("CSRF_REFUSED", `a cookie-authenticated ${c.req.method} needs the ${CSRF_HEADER} header from sign-in`, { facts: { header: CSRF_HEADER } }));
      }
    }
  }
  await next();
};
