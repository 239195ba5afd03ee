// RFC 9457 problem details: every error the API returns is one of these, with the ledger's or the
// security layer's check code when a rule refused the request. Internals (stack traces, SQL) never
// reach the client; unexpected errors are logged and answered with a generic problem.
import { httpStatusOf, SECURITY_CHECKS, type SecurityCheckKey } from "../domain/security/codes.ts";

export const PROBLEM_TYPE_BASE = "https://openets.dev/problems/";

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  /** The numeric check code (ledger 1xxx-7xxx, security 8xxx-9xxx) when a rule refused the request. */
  code?: number;
  /** The check's stable name, e.g. "insufficient-units". */
  check?: string;
  facts?: Record<string, unknown>;
  instance?: string;
}

/** Thrown anywhere in a handler or middleware; the error handler turns it into its response. */
export class ProblemError extends Error {
  constructor(
    readonly problem: Problem,
    readonly headers: Record<string, string> = {},
    /** True when a service refused (and so already wrote the audit row). */
    readonly fromService = false,
  ) {
    super(problem.detail ?? problem.title);
  }
}

const TITLES: Record<number, string> = {
  400: "Bad request",
  401: "Not signed in",
  403: "Forbidden",
  404: "Not found",
  405: "Method not allowed",
  409: "Conflict",
  413: "Request body too large",
  415: "Unsupported media type",
  422: "Refused by a rule",
  429: "Too many requests",
  500: "Internal error",
  503: "Service unavailable",
};

export function problem(status: number, slug: string, detail?: string, extra: Partial<Problem> = {}): Problem {
  return { type: PROBLEM_TYPE_BASE + slug, title: TITLES[status] ?? "Error", status, ...(detail === undefined ? {} : { detail }), ...extra };
}

/** The problem of a catalogued check (src/domain/security/codes.ts): its status, name and code. */
export function checkProblem(key: SecurityCheckKey, detail: string, extra: Partial<Problem> = {}): Problem {
  const c = SECURITY_CHECKS[key];
  return problem(c.status, c.name, detail, { code: c.code, check: c.name, ...extra });
}

export function fail(status: number, slug: string, detail?: string, extra: Partial<Problem> = {}): never {
  throw new ProblemError(problem(status, slug, detail, extra));
}

/** A refusal as returned by the ledger or the security layer. */
export interface RefusalLike {
  ok: false;
  code: number;
  check: string;
  message: string;
  facts?: Record<string, unknown>;
}

/** The HTTP status of a refusal: one table for the whole project (src/domain/security/codes.ts). */
export function refusalStatus(r: { code: number }): number {
  return httpStatusOf(r);
}

export function refusalProblem(r: RefusalLike, status = refusalStatus(r)): Problem {
  return problem(status, r.check, r.message, { code: r.code, check: r.check, facts: jsonSafe(r.facts ?? {}) as Record<string, unknown> });
}

/** Deep copy with bigint -> decimal string, so any view can go into JSON. */
export function jsonSafe(v: unknown): unknown {
  if (typeof v === "bigint") return v.toString();
  if (Array.isArray(v)) return v.map(jsonSafe);
  if (typeof v === "object" && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = jsonSafe(x);
    return out;
  }
  return v;
}

/** The value of a service result, or the refusal thrown as its problem. */
export function unwrap<T>(r: { ok: true; value: T } | RefusalLike): T {
  if (!r.ok) throw new ProblemError(refusalProblem(r), {}, true);
  return r.value;
}

/** A command's result as its response: 201 when it did something, 200 when it replayed an earlier one. */
export function created<T>(c: { json: (body: never, status: never) => Response }, r: ({ ok: true; value: T; replayed?: boolean }) | RefusalLike): Response {
  const value = unwrap(r);
  const replayed = r.ok && r.replayed === true;
  return c.json(jsonSafe(value) as never, (replayed ? 200 : 201) as never);
}
