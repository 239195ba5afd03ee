// One operation (src/http/route.ts) registered on the app: its route with the declared responses
// and shared error responses, its access rule as middleware, its validation, and its handler; the
// same declaration makes its entry in the OpenAPI document.
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { type Access, decide, describeAccess } from "./access.ts";
import { callerOf, type Env } from "./context.ts";
import { errorResponseRef, errorStatuses, securityOf } from "./openapi.ts";
import { ProblemError, problem } from "./problem.ts";
import type { Op } from "./route.ts";

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

export function register(app: OpenAPIHono<Env>, o: Op): void {
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
