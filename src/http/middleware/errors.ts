// Every error as an RFC 9457 problem response: the service's and the middleware's refusals, Hono's
// own (media type, malformed JSON, body size), cursors, a busy ledger, an unreachable database,
// text the database cannot store, and anything else as a logged 500 that leaks nothing. A
// state-changing request refused before it reached a service still leaves an audit row.
import type { Context, ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Logger } from "pino";
import { CursorError, LedgerBusyError } from "../../registry/ledger/index.ts";
import { sqlState, storeUnavailable } from "../../store/db.ts";
import { type AppDeps, callerOf, type Env } from "../context.ts";
import { scrubText } from "../logger.ts";
import { checkProblem, type Problem, ProblemError } from "../problem.ts";
import { rawPath, UNSAFE } from "./request.ts";

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

/** The app's error handler. */
export function errorHandler(deps: AppDeps, log: Logger): ErrorHandler<Env> {
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

  return async (err, c) => {
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
  };
}
