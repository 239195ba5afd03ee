// The HTTP API: a Hono app whose every operation is declared once (src/http/routes) with zod
// schemas that both validate requests and produce the OpenAPI 3.1 document at /openapi.json.
// Middleware order: request log -> security headers -> client rate limit -> body limit ->
// authentication -> CSRF proof for cookie sessions -> user rate limit -> per-route access rule ->
// validation -> handler. Every error leaves as RFC 9457 problem+json; nothing leaks internals.
import { createHash, randomBytes } from "node:crypto";
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getCookie } from "hono/cookie";
import { HTTPException } from "hono/http-exception";
import { type Access, decide, describeAccess, type Principal } from "./access.ts";
import { type AppDeps, CSP, CSRF_HEADER, callerOf, csrfTokenFor, DEFAULT_CONFIG, type Env, type HttpConfig, sameSecret } from "./context.ts";
import { sqlState } from "../store/db.ts";
import { type ConsoleServer, isBrowserNavigation, registerConsole } from "./console.ts";
import { docsPage } from "./docs-page.ts";
import { createLogger, scrubText } from "./logger.ts";
import { type Problem, ProblemError, problem } from "./problem.ts";
import { RateLimiter } from "./rate-limit.ts";
import { honoPath, type Op } from "./route.ts";
import { allOps } from "./routes/index.ts";
import { Problem as ProblemSchema } from "./schemas.ts";

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function clientIp(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const fwd = c.req.header("x-forwarded-for")?.split(",")[0]?.trim();
    if (fwd && fwd.length <= 64) return fwd;
  }
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? "local";
}

export function problemResponse(p: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(p), { status: p.status, headers: { "content-type": "application/problem+json", ...headers } });
}

export interface App {
  app: OpenAPIHono<Env>;
  ops: Op[];
  config: HttpConfig;
  openapi(): Record<string, unknown>;
}

export function createApp(deps: AppDeps): App {
  const config: HttpConfig = { ...DEFAULT_CONFIG, ...deps.config };
  const log = deps.logger ?? createLogger();
  const ipLimiter = new RateLimiter(deps.clock, config.rateLimit.ip);
  const userLimiter = new RateLimiter(deps.clock, config.rateLimit.user);
  const signInLimiter = new RateLimiter(deps.clock, config.rateLimit.signIn);
  // Verified credentials, and refused ones (a random secret never becomes valid; an expired or
  // revoked one never again), remembered briefly so a burst of requests asks the database once.
  const principals = new Map<string, { principal: Principal | undefined; refusal?: { code: number; check: string; message: string }; until: number }>();
  const cached = async (
    kind: "t" | "s",
    secret: string,
    load: () => Promise<{ principal: Principal } | { refusal: { code: number; check: string; message: string } }>,
  ): Promise<{ principal: Principal | undefined; refusal?: { code: number; check: string; message: string } }> => {
    const key = kind + createHash("sha256").update(secret).digest("base64url");
    const now = deps.clock.now().getTime();
    const hit = principals.get(key);
    if (hit && hit.until > now) return hit;
    const r = await load();
    const entry = "principal" in r ? { principal: r.principal, until: now + config.principalCacheMs } : { principal: undefined, refusal: r.refusal, until: now + config.principalCacheMs };
    if (config.principalCacheMs > 0) {
      if (principals.size >= 10_000) principals.clear();
      principals.set(key, entry);
    }
    return entry;
  };
  const ops = allOps(deps, config);

  const app = new OpenAPIHono<Env>({
    defaultHook: (result) => {
      if (!result.success) {
        const issues = result.error.issues.slice(0, 10).map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
        const first = issues[0];
        throw new ProblemError(
          problem(400, "request-invalid", first ? `${result.target} ${first.path || "(root)"}: ${first.message}` : `${result.target} is invalid`, {
            code: 8020,
            check: "input-invalid",
            facts: { target: result.target, issues },
          }),
        );
      }
      return undefined;
    },
  });

  app.onError(async (err, c) => {
    if (err instanceof ProblemError) {
      if (!err.fromService && UNSAFE.has(c.req.method) && [400, 401, 403].includes(err.problem.status)) await auditRefusal(c, err.problem);
      return problemResponse({ ...err.problem, instance: c.req.path }, err.headers);
    }
    if (err instanceof HTTPException) {
      const status = err.status >= 400 && err.status < 500 ? err.status : 400;
      if (UNSAFE.has(c.req.method) && status === 400) await auditRefusal(c, problem(400, "request-malformed"));
      return problemResponse(problem(status, status === 413 ? "body-too-large" : "request-malformed", scrubText(err.message).slice(0, 200) || undefined, { instance: c.req.path }));
    }
    // A safety net behind the check above: text the database cannot store is bad input, and the
    // failed statement's transaction has rolled back, so nothing changed.
    const state = sqlState(err);
    if (state === "22021" || state === "22P05") return problemResponse(problem(400, "text-unstorable", "the request contains text the database cannot store", { instance: c.req.path }));
    log.error({ err: { name: (err as Error).name, message: scrubText(String((err as Error).message)), stack: (err as Error).stack }, requestId: c.get("requestId"), path: c.req.path }, "unexpected error");
    return problemResponse(problem(500, "internal", "an unexpected error occurred; it has been logged", { instance: c.req.path, facts: { requestId: c.get("requestId") } }));
  });
  /** State-changing requests refused before reaching a service (access, CSRF, validation) still leave an audit row. */
  async function auditRefusal(c: Context<Env>, p: Problem): Promise<void> {
    try {
      await deps.audit.record(callerOf(c), {
        action: "http.refused",
        target: c.req.path.slice(0, 300),
        outcome: "refused",
        code: p.code ?? null,
        detail: { method: c.req.method, status: p.status, check: p.check ?? p.type.replace(/^.*\//, "") },
      });
    } catch (e) {
      log.error({ err: { message: scrubText(String((e as Error).message)) } }, "audit write failed");
    }
  }

  // A browser that asks for an unknown page gets the console's "page not found" (404); API clients a problem.
  let consolePages: ConsoleServer | undefined;
  app.notFound((c) =>
    consolePages?.built && isBrowserNavigation(c) ? consolePages.page(c, 404) : problemResponse(problem(404, "not-found", `no route ${c.req.method} ${c.req.path.slice(0, 200)}`)),
  );

  // Request log (without bodies; headers redacted by the logger) and request id.
  app.use("*", async (c, next) => {
    const started = performance.now();
    c.set("requestId", randomBytes(8).toString("hex"));
    c.set("clientIp", clientIp(c, config.trustProxy));
    await next();
    const p = c.get("principal");
    log.info(
      {
        requestId: c.get("requestId"),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
        user: p?.userId,
        ip: c.get("clientIp"),
        req: { headers: { authorization: c.req.header("authorization"), cookie: c.req.header("cookie"), "x-csrf-token": c.req.header(CSRF_HEADER), "user-agent": c.req.header("user-agent") } },
      },
      "request",
    );
  });

  // Security headers on every response (also errors).
  app.use("*", async (c, next) => {
    await next();
    const h = c.res.headers;
    h.set("content-security-policy", CSP);
    h.set("x-content-type-options", "nosniff");
    h.set("x-frame-options", "DENY");
    h.set("referrer-policy", "no-referrer");
    h.set("cross-origin-opener-policy", "same-origin");
    h.set("cross-origin-resource-policy", "same-origin");
    h.set("permissions-policy", "camera=(), microphone=(), geolocation=()");
    if (config.production) h.set("strict-transport-security", "max-age=63072000; includeSubDomains");
    if (c.req.path.startsWith("/v1/")) h.set("cache-control", "no-store");
  });

  app.use("*", async (c, next) => {
    let wait = ipLimiter.hit(`ip:${c.get("clientIp")}`);
    if (wait === 0 && c.req.method === "POST" && c.req.path.startsWith("/v1/auth/") && c.req.path !== "/v1/auth/sign-out") wait = signInLimiter.hit(`signin:${c.get("clientIp")}`);
    if (wait > 0) throw new ProblemError(problem(429, "rate-limited", `too many requests from this address; retry in ${wait} s`), { "retry-after": String(wait) });
    await next();
  });

  app.use(
    "*",
    bodyLimit({
      maxSize: config.bodyLimitBytes,
      onError: () => {
        throw new ProblemError(problem(413, "body-too-large", `request bodies are limited to ${config.bodyLimitBytes} bytes`));
      },
    }),
  );

  // PostgreSQL text cannot hold U+0000, so no identifier or note containing it can be valid:
  // refuse such requests here, before any service (and its audit row) sees the text.
  app.use("*", async (c, next) => {
    const url = c.req.url;
    let nul = url.includes("\u0000") || /%00/.test(url);
    if (!nul && UNSAFE.has(c.req.method) && (c.req.header("content-type") ?? "").includes("json")) {
      const text = await c.req.text();
      nul = text.includes("\u0000") || /\\u0000/i.test(text);
    }
    if (nul) throw new ProblemError(problem(400, "text-nul", "the request contains the NUL character (U+0000), which no field accepts"));
    await next();
  });

  // Authentication: a bearer API token, else the session cookie. A bad bearer token is refused; a
  // stale cookie is treated as no session (public pages keep working).
  app.use("*", async (c, next) => {
    c.set("principal", undefined);
    const authz = c.req.header("authorization");
    if (authz !== undefined) {
      const m = /^Bearer ([\x21-\x7e]{1,512})$/.exec(authz);
      if (!m) throw new ProblemError(problem(401, "token-invalid", "Authorization must be 'Bearer <token>'", { code: 8107, check: "api-token-invalid" }), { "www-authenticate": "Bearer" });
      const { principal: p, refusal } = await cached("t", m[1] as string, async () => {
        const r = await deps.auth.authenticateToken(m[1] as string);
        return r.ok ? { principal: r.value } : { refusal: { code: r.code, check: r.check, message: r.message } };
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
          return r.ok ? { principal: r.value.principal } : { refusal: { code: r.code, check: r.check, message: r.message } };
        });
        if (p) {
          c.set("principal", p);
          c.set("sessionToken", token);
        }
      }
    }
    await next();
  });

  // CSRF: a state-changing request carried by a session cookie must echo the session's CSRF token,
  // and any Origin header present must be this server's.
  app.use("*", async (c, next) => {
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
        if (!ok) throw new ProblemError(problem(403, "csrf-refused", "cross-origin request refused", { code: 8001, check: "permission-denied" }));
      } else if (origin === "null") {
        throw new ProblemError(problem(403, "csrf-refused", "cross-origin request refused", { code: 8001, check: "permission-denied" }));
      }
      const session = c.get("sessionToken");
      if (session !== undefined && c.get("principal")?.via === "session") {
        const sent = c.req.header(CSRF_HEADER) ?? "";
        if (!sameSecret(sent, csrfTokenFor(session))) {
          throw new ProblemError(problem(403, "csrf-refused", `a cookie-authenticated ${c.req.method} needs the ${CSRF_HEADER} header from sign-in`, { code: 8001, check: "permission-denied" }));
        }
      }
    }
    await next();
  });

  app.use("*", async (c, next) => {
    const p = c.get("principal");
    if (p) {
      const wait = userLimiter.hit(`user:${p.userId ?? "?"}`);
      if (wait > 0) throw new ProblemError(problem(429, "rate-limited", `too many requests for this user; retry in ${wait} s`), { "retry-after": String(wait) });
    }
    await next();
  });

  // Sign-out, revocations and changes to users or representatives end cached principals at once.
  app.use("*", async (c, next) => {
    await next();
    if (UNSAFE.has(c.req.method) && /^\/v1\/(auth\/(sign-out|password)|tokens|users|accounts\/[^/]+\/representatives)/.test(c.req.path)) principals.clear();
  });

  for (const o of ops) register(app, o);

  app.get("/openapi.json", (c) => c.json(document()));
  app.get("/docs", (c) => c.html(docsPage(document())));
  if (config.consoleDir !== null) consolePages = registerConsole(app, config.consoleDir);

  let doc: Record<string, unknown> | undefined;
  function document(): Record<string, unknown> {
    doc ??= app.getOpenAPI31Document({
      openapi: "3.1.0",
      info: {
        title: "OpenETS registry API",
        version: "1",
        description:
          "The registry's HTTP API: accounts, unit classes, holdings, transactions and the security rules around them. Amounts are decimal strings; errors are RFC 9457 problem details carrying a check code; the transaction id chosen by the caller is the idempotency key.",
      },
      servers: [{ url: "/" }],
    }) as unknown as Record<string, unknown>;
    return doc;
  }

  return { app, ops, config, openapi: document };
}

function accessMiddleware(access: Access): MiddlewareHandler<Env> {
  return async (c, next) => {
    const d = decide(access, c.get("principal"));
    if (!d.ok) throw new ProblemError(problem(d.status, d.check, d.reason, { code: d.code, check: d.check }), d.status === 401 ? { "www-authenticate": "Bearer" } : {});
    await next();
  };
}

function register(app: OpenAPIHono<Env>, o: Op): void {
  const responses: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(o.responses)) {
    responses[status] = r.schema ? { description: r.description, content: { "application/json": { schema: r.schema } } } : { description: r.description };
  }
  responses.default = { description: "A problem (RFC 9457)", content: { "application/problem+json": { schema: ProblemSchema } } };
  const request: Record<string, unknown> = {};
  if (o.params) request.params = o.params;
  if (o.query) request.query = o.query;
  if (o.body) request.body = { required: true, content: { "application/json": { schema: o.body } } };
  const route = createRoute({
    method: o.method,
    path: o.path,
    operationId: o.operationId,
    summary: o.summary,
    tags: [o.tag],
    request,
    responses,
    middleware: [accessMiddleware(o.access)],
    ...(o.access.kind === "public" ? { security: [] } : { security: [{ session: [] }, { bearer: [] }] }),
    "x-openets-access": describeAccess(o.access),
  } as never);
  app.openapi(route, (async (c: Context<Env>) => {
    const input = {
      c,
      principal: c.get("principal"),
      caller: callerOf(c),
      params: o.params ? c.req.valid("param" as never) : {},
      query: o.query ? c.req.valid("query" as never) : {},
      body: o.body ? c.req.valid("json" as never) : undefined,
    };
    return o.handler(input);
  }) as never);
}

export { type AppDeps, CSRF_HEADER, callerOf, csrfTokenFor, DEFAULT_CONFIG, type Env, type HttpConfig, honoPath };
