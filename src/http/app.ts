// The HTTP API: a Hono app whose every operation is declared once (src/http/routes) with zod
// schemas that both validate requests and produce the OpenAPI 3.1 document at /openapi.json.
// Middleware order: request log -> security headers -> client rate limit -> body limit ->
// authentication -> CSRF proof for cookie sessions -> user rate limit -> per-route access rule ->
// validation -> handler. Every error leaves as RFC 9457 problem+json; nothing leaks internals.
// Each step is in its own module (src/http/middleware/: request, errors, text, authenticate,
// validation; src/http/register.ts for the operations); this file puts them in order.
import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { type AppDeps, CSRF_HEADER, callerOf, csrfTokenFor, DEFAULT_CONFIG, type Env, type HttpConfig } from "./context.ts";
import { type ConsoleServer, isBrowserNavigation, registerConsole } from "./console.ts";
import { docsPage } from "./docs-page.ts";
import { INFO, scopesUsed, securitySchemes, sharedComponents, TAGS } from "./openapi.ts";
import { createLogger, REDACTED } from "./logger.ts";
import { checkProblem, ProblemError } from "./problem.ts";
import { RateLimiter } from "./rate-limit.ts";
import { addSecurityHeaders, securityHeaders } from "./security-headers.ts";
import { honoPath, type Op } from "./route.ts";
import { allOps } from "./routes/index.ts";
import { Problem as ProblemSchema } from "./schemas.ts";
import { authentication, csrfProof } from "./middleware/authenticate.ts";
import { errorHandler, problemResponse } from "./middleware/errors.ts";
import { clientIp, rawPath, requestId } from "./middleware/request.ts";
import { textValidity } from "./middleware/text.ts";
import { invalidRequest } from "./middleware/validation.ts";
import { register } from "./register.ts";

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
  const { authenticate, forgetOnChange } = authentication(deps, config);
  const ops = allOps(deps, config);

  const app = new OpenAPIHono<Env>({
    defaultHook: (result) => {
      // A body that still names the caller's key by an older name is told the name it has now (middleware/validation.ts).
      if (!result.success) throw invalidRequest(result.target, result.error.issues);
      return undefined;
    },
  });

  app.onError(errorHandler(deps, log));

  // A browser that asks for an unknown page gets the console's "page not found" (404); API clients a problem.
  let consolePages: ConsoleServer | undefined;
  app.notFound((c) =>
    consolePages?.built && isBrowserNavigation(c)
      ? consolePages.page(c, 404)
      : problemResponse(checkProblem("ROUTE_UNKNOWN", `no route ${c.req.method} ${rawPath(c.req.url).slice(0, 200)}`, { instance: rawPath(c.req.url).slice(0, 200) })),
  );

  // Request log (without bodies) and request id. The line holds no secret by construction: a
  // credential header appears only as "[redacted]", and only when it was sent. So it is written
  // without the logger's redaction pass, which cost more than the rest of the line (a tenth of a
  // holdings read's CPU); every other log call keeps the redaction of src/http/logger.ts.
  const requestLog = log.child({}, { redact: [] });
  const censored = (v: string | undefined) => (v === undefined ? undefined : REDACTED);
  app.use("*", async (c, next) => {
    const started = performance.now();
    c.set("requestId", requestId());
    c.set("clientIp", clientIp(c, config.trustProxy));
    await next();
    const p = c.get("principal");
    requestLog.info(
      {
        requestId: c.get("requestId"),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
        user: p?.userId,
        ip: c.get("clientIp"),
        req: { headers: { authorization: censored(c.req.header("authorization")), cookie: censored(c.req.header("cookie")), "x-csrf-token": censored(c.req.header(CSRF_HEADER)), "user-agent": c.req.header("user-agent") } },
      },
      "request",
    );
  });

  // Security headers on every response (also errors): a response that jsonResponse made already
  // has them in a plain object and is left alone (src/http/security-headers.ts).
  app.use("*", async (c, next) => {
    c.set("securityHeaders", securityHeaders(c.req.path, config.production));
    await next();
    if (c.res !== c.get("securedResponse")) addSecurityHeaders(c.res, c.req.path, config.production);
  });

  app.use("*", async (c, next) => {
    let wait = ipLimiter.hit(`ip:${c.get("clientIp")}`);
    if (wait === 0 && c.req.method === "POST" && c.req.path.startsWith("/v1/auth/") && c.req.path !== "/v1/auth/sign-out") wait = signInLimiter.hit(`signin:${c.get("clientIp")}`);
    if (wait > 0) throw new ProblemError(checkProblem("RATE_LIMITED", `too many requests from this address; retry in ${wait} s`, { facts: { per: "address", retryAfterSeconds: wait } }), { "retry-after": String(wait) });
    await next();
  });

  // GET and HEAD carry no body (the Fetch standard's Request has none for them): skipped, since
  // asking a request for its body makes the Node adapter build a full Request object, which cost
  // a quarter of a holdings read's time.
  const limitBody = bodyLimit({
    maxSize: config.bodyLimitBytes,
    onError: () => {
      throw new ProblemError(checkProblem("BODY_TOO_LARGE", `request bodies are limited to ${config.bodyLimitBytes} bytes`, { facts: { limitBytes: config.bodyLimitBytes } }));
    },
  });
  app.use("*", (c, next) => (c.req.method === "GET" || c.req.method === "HEAD" ? next() : limitBody(c, next)));

  // Malformed text (not UTF-8, a lone surrogate, NUL) is refused here, before any schema, service
  // or audit row sees it: no field of any route can hold it (src/http/text.ts).
  app.use("*", textValidity);

  // Authentication: a bearer API token, else the session cookie (middleware/authenticate.ts).
  app.use("*", authenticate);

  // CSRF: a cookie-authenticated state-changing request echoes the session's token; a foreign Origin is refused.
  app.use("*", csrfProof);

  app.use("*", async (c, next) => {
    const p = c.get("principal");
    if (p) {
      const wait = userLimiter.hit(`user:${p.userId ?? "?"}`);
      if (wait > 0) throw new ProblemError(checkProblem("RATE_LIMITED", `too many requests for this user; retry in ${wait} s`, { facts: { per: "user", retryAfterSeconds: wait } }), { "retry-after": String(wait) });
    }
    await next();
  });

  // Sign-out, revocations and changes to users or representatives end cached principals at once.
  app.use("*", forgetOnChange);

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

export { type AppDeps, CSRF_HEADER, callerOf, clientIp, csrfTokenFor, DEFAULT_CONFIG, type Env, type HttpConfig, honoPath, problemResponse };
