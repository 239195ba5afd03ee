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
import { CursorError, LedgerBusyError } from "../registry/ledger/index.ts";
import { sqlState, storeUnavailable } from "../store/db.ts";
import { type ConsoleServer, isBrowserNavigation, registerConsole } from "./console.ts";
import { docsPage } from "./docs-page.ts";
import { errorResponseRef, errorStatuses, INFO, scopesUsed, securityOf, securitySchemes, sharedComponents, TAGS } from "./openapi.ts";
import { clientAddress } from "./client-address.ts";
import { createLogger, scrubText } from "./logger.ts";
import { checkProblem, PROBLEM_TYPE_BASE, type Problem, ProblemError, problem } from "./problem.ts";
import { RateLimiter } from "./rate-limit.ts";
import { honoPath, type Op } from "./route.ts";
import { jsonTextFault, strictBodyText, type TextFault, urlTextFault } from "./text.ts";
import { allOps } from "./routes/index.ts";
import { Problem as ProblemSchema, RENAMED_TO_COMMAND_ID } from "./schemas.ts";

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function clientIp(c: Context, trustProxy: number): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return clientAddress(env?.incoming?.socket?.remoteAddress, c.req.header("x-forwarded-for"), trustProxy);
}

/**
 * A problem as its response. Every 429 says when to come back: the limiter's header, else the
 * refusal's facts.retryAfterSeconds (sign-in backoff and lockouts), else one second.
 */
export function problemResponse(p: Problem, headers: Record<string, string> = {}): Response {
  const h: Record<string, string> = { "content-type": "application/problem+json", ...headers };
  if (p.status === 429 && h["retry-after"] === undefined) {
    const s = Number(p.facts?.retryAfterSeconds);
    h["retry-after"] = String(Number.isSafeInteger(s) && s > 0 ? s : 1);
  }
  return new Response(JSON.stringify(p), { status: p.status, headers: h });
}

/** A JSON body's text fault: bytes that are not UTF-8, or a malformed string once parsed (unparsable bodies are the validator's to refuse). */
function bodyTextFault(bytes: ArrayBuffer): TextFault | undefined {
  const text = strictBodyText(bytes);
  if (text === undefined) return { kind: "invalid", where: "body" };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text.includes("\u0000") ? { kind: "nul", where: "body" } : undefined;
  }
  return jsonTextFault(value);
}

/** The path of a URL as sent, before percent-decoding. */
function rawPath(url: string): string {
  const start = url.indexOf("/", url.indexOf("://") + 3);
  const end = url.slice(start).search(/[?#]/);
  return end < 0 ? url.slice(start) : url.slice(start, start + end);
}

function textProblem(f: TextFault): Problem {
  const at = f.field === undefined ? `the request's ${f.where}` : `${f.where} ${f.field}`;
  const facts = { where: f.where, ...(f.field === undefined ? {} : { field: f.field }) };
  if (f.kind === "nul") return checkProblem("TEXT_NUL", `${at} contains the NUL character (U+0000), which no field accepts`, { facts });
  return checkProblem("TEXT_INVALID", `${at} is not well-formed text (invalid UTF-8, or a lone UTF-16 surrogate)`, { facts });
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
        // A body that still names the caller's key by an older name (transactionId, reversalId,
        // batchId) is told the one name it has now, rather than only that a key is unknown.
        const renamed = result.target === "json" ? renamedKey(result.error.issues) : undefined;
        if (renamed) {
          throw new ProblemError(
            checkProblem("INPUT_INVALID", `json commandId: the field ${renamed.key} is now called commandId (the caller's key for this command); send {"commandId": ...} instead`, {
              type: `${PROBLEM_TYPE_BASE}request-invalid`,
              facts: { target: result.target, field: renamed.path ? `${renamed.path}.commandId` : "commandId", renamedFrom: renamed.key, issues: [{ path: renamed.path ? `${renamed.path}.commandId` : "commandId", message: `${renamed.key} is now commandId` }] },
            }),
          );
        }
        const issues = result.error.issues.slice(0, 10).map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
        const first = issues[0];
        throw new ProblemError(
          checkProblem("INPUT_INVALID", first ? `${result.target} ${first.path || "(root)"}: ${first.message}` : `${result.target} is invalid`, {
            type: `${PROBLEM_TYPE_BASE}request-invalid`,
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
      // Hono's own refusals: a body that is not JSON (415) or not well-formed JSON (400).
      const key = err.status === 415 ? "MEDIA_TYPE_UNSUPPORTED" : err.status === 413 ? "BODY_TOO_LARGE" : "REQUEST_MALFORMED";
      // A form or text body (a sign-in posted as a form) is told what to send instead.
      const sent = scrubText(c.req.header("content-type") ?? "none").slice(0, 80);
      const message = err.status === 415 ? `the body must be JSON: send it with Content-Type: application/json (this request sent ${sent})` : scrubText(err.message).slice(0, 200) || "the request is malformed";
      const p = checkProblem(key, message, { instance: c.req.path });
      if (UNSAFE.has(c.req.method) && p.status === 400) await auditRefusal(c, p);
      return problemResponse(p);
    }
    if (err instanceof CursorError) return problemResponse(checkProblem("CURSOR_INVALID", "cursor is not one this API returned: pass the nextCursor of the previous page", { instance: c.req.path }));
    if (err instanceof LedgerBusyError) return problemResponse(checkProblem("LEDGER_BUSY", err.message, { instance: c.req.path }), { "Retry-After": "1" });
    if (storeUnavailable(err)) {
      log.warn({ err: { name: (err as Error).name, message: scrubText(String((err as Error).message)) }, requestId: c.get("requestId"), path: c.req.path }, "database unavailable");
      return problemResponse(checkProblem("STORE_UNAVAILABLE", "the database could not be reached or dropped the connection; send the request again (the same id answers with its outcome)", { instance: c.req.path }), { "Retry-After": "5" });
    }
    // A safety net behind the check above: text the database cannot store is bad input, and the
    // failed statement's transaction has rolled back, so nothing changed.
    const state = sqlState(err);
    if (state === "22P02" || state === "22021" || state === "22P05") {
      return problemResponse(checkProblem("TEXT_UNSTORABLE", "the request contains text the database cannot store", { instance: c.req.path, facts: { sqlState: state } }));
    }
    log.error({ err: { name: (err as Error).name, message: scrubText(String((err as Error).message)), stack: (err as Error).stack }, requestId: c.get("requestId"), path: c.req.path }, "unexpected error");
    return problemResponse(checkProblem("INTERNAL_ERROR", "an unexpected error occurred; it has been logged", { instance: c.req.path, facts: { requestId: c.get("requestId") } }));
  });
  /** State-changing requests refused before reaching a service (access, CSRF, validation) still leave an audit row. */
  async function auditRefusal(c: Context<Env>, p: Problem): Promise<void> {
    try {
      await deps.audit.record(callerOf(c), {
        action: "http.refused",
        // The path as sent (percent-escapes kept): always storable, even when it is the refused part.
        target: rawPath(c.req.url).slice(0, 300),
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
    consolePages?.built && isBrowserNavigation(c)
      ? consolePages.page(c, 404)
      : problemResponse(checkProblem("ROUTE_UNKNOWN", `no route ${c.req.method} ${rawPath(c.req.url).slice(0, 200)}`, { instance: rawPath(c.req.url).slice(0, 200) })),
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
    if (wait > 0) throw new ProblemError(checkProblem("RATE_LIMITED", `too many requests from this address; retry in ${wait} s`, { facts: { per: "address", retryAfterSeconds: wait } }), { "retry-after": String(wait) });
    await next();
  });

  app.use(
    "*",
    bodyLimit({
      maxSize: config.bodyLimitBytes,
      onError: () => {
        throw new ProblemError(checkProblem("BODY_TOO_LARGE", `request bodies are limited to ${config.bodyLimitBytes} bytes`, { facts: { limitBytes: config.bodyLimitBytes } }));
      },
    }),
  );

  // Malformed text (not UTF-8, a lone surrogate, NUL) is refused here, before any schema, service
  // or audit row sees it: no field of any route can hold it (src/http/text.ts).
  app.use("*", async (c, next) => {
    let fault = urlTextFault(c.req.url);
    if (!fault && UNSAFE.has(c.req.method) && (c.req.header("content-type") ?? "").includes("json")) fault = bodyTextFault(await c.req.arrayBuffer());
    if (fault) throw new ProblemError(textProblem(fault));
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
  });

  app.use("*", async (c, next) => {
    const p = c.get("principal");
    if (p) {
      const wait = userLimiter.hit(`user:${p.userId ?? "?"}`);
      if (wait > 0) throw new ProblemError(checkProblem("RATE_LIMITED", `too many requests for this user; retry in ${wait} s`, { facts: { per: "user", retryAfterSeconds: wait } }), { "retry-after": String(wait) });
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

  // Components every operation refers to: the problem schema, the shared error responses and headers, the security schemes.
  app.openAPIRegistry.register("Problem", ProblemSchema);
  const shared = sharedComponents();
  for (const [name, r] of Object.entries(shared.responses)) app.openAPIRegistry.registerComponent("responses", name, r as never);
  for (const [name, h] of Object.entries(shared.headers)) app.openAPIRegistry.registerComponent("headers", name, h as never);
  for (const [name, sch] of Object.entries(securitySchemes(config.sessionCookie, "X-CSRF-Token", scopesUsed(ops)))) app.openAPIRegistry.registerComponent("securitySchemes", name, sch as never);

  let doc: Record<string, unknown> | undefined;
  function document(): Record<string, unknown> {
    doc ??= app.getOpenAPI31Document({ openapi: "3.1.0", info: INFO, servers: [{ url: "/" }], tags: [...TAGS] }) as unknown as Record<string, unknown>;
    return doc;
  }

  return { app, ops, config, openapi: document };
}

function accessMiddleware(access: Access): MiddlewareHandler<Env> {
  return async (c, next) => {
    const d = decide(access, c.get("principal"));
    if (!d.ok) throw new ProblemError(problem(d.status, d.check, d.reason, { code: d.code, check: d.check, ...(d.facts ? { facts: d.facts } : {}) }), d.status === 401 ? { "www-authenticate": "Bearer" } : {});
    await next();
  };
}

/** An optional JSON body sent empty counts as {} (clients send Content-Type: application/json with no body). */
const emptyBodyIsEmptyObject: MiddlewareHandler<Env> = async (c, next) => {
  // Hono keeps the promise of each body form it read; the validator reads the "text" one (typed as the value, stored as a promise).
  if ((c.req.header("content-type") ?? "").includes("json") && (await c.req.arrayBuffer()).byteLength === 0) c.req.bodyCache.text = Promise.resolve("{}") as unknown as string;
  await next();
};

function register(app: OpenAPIHono<Env>, o: Op): void {
  const responses: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(o.responses)) {
    const examples = r.examples ? { examples: r.examples } : {};
    responses[status] = {
      description: r.description,
      ...(r.headers ? { headers: r.headers } : {}),
      ...(r.schema ? { content: { "application/json": { schema: r.schema, ...examples } } } : {}),
    };
  }
  for (const status of errorStatuses(o)) responses[status] = errorResponseRef(status);
  responses.default = { $ref: "#/components/responses/UnexpectedError" };
  const request: Record<string, unknown> = {};
  if (o.params) request.params = o.params;
  if (o.query) request.query = o.query;
  if (o.body) request.body = { required: !o.bodyOptional, content: { "application/json": { schema: o.body, ...(o.requestExamples ? { examples: o.requestExamples } : {}) } } };
  const route = createRoute({
    method: o.method,
    path: o.path,
    operationId: o.operationId,
    summary: o.summary,
    description: o.description,
    tags: [o.tag],
    request,
    responses,
    middleware: [accessMiddleware(o.access), ...(o.bodyOptional ? [emptyBodyIsEmptyObject] : [])],
    security: securityOf(o),
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

/** The first unknown body key that is an older name of commandId, with the path of the object it is in. */
function renamedKey(issues: ReadonlyArray<{ code?: string; path: ReadonlyArray<PropertyKey>; keys?: readonly string[] }>): { key: string; path: string } | undefined {
  for (const i of issues) {
    if (i.code !== "unrecognized_keys" || !Array.isArray(i.keys)) continue;
    const key = i.keys.find((k) => (RENAMED_TO_COMMAND_ID as readonly string[]).includes(k));
    if (key !== undefined) return { key, path: i.path.map(String).join(".") };
  }
  return undefined;
}
