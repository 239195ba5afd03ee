// The registry's HTTP API as `ets` calls it: any operation by its operationId, as the server's
// own OpenAPI document (/openapi.json, read once per command) says (method, path); path
// parameters filled in, the query string and the JSON body from plain values, the API token as a
// bearer. One generic call, so every command that has an API operation reaches it the same way
// and a new operation needs no new client code. An answer of 4xx/5xx becomes a RemoteProblem
// carrying the RFC 9457 problem (check code, facts), which the output layer prints like a
// refusal from the store.
import { CommandFailure, refusalText, t, UsageError } from "../io.ts";

export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  code?: number;
  check?: string;
  facts?: Record<string, unknown>;
}

export interface Request {
  params?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
}

export interface Answer<T = unknown> {
  status: number;
  body: T;
}

interface OpRef {
  method: string;
  path: string;
}

export class RemoteProblem extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
  }
}

/** What a server answered as the output contract has it: bad input (400, 415) exits 2, a refusal or any other failure 1. */
export function problemError(p: RemoteProblem): UsageError | CommandFailure {
  const pr = p.problem;
  const issues = Array.isArray(pr.facts?.issues) ? (pr.facts.issues as Array<{ path?: string }>) : [];
  const field = typeof pr.facts?.field === "string" ? pr.facts.field : (issues[0]?.path ?? undefined);
  const detail = { ...(pr.code !== undefined ? { code: pr.code } : {}), ...(pr.check ? { check: pr.check } : {}), ...(field ? { field } : {}), facts: { ...(pr.facts ?? {}), status: p.status } };
  if (p.status === 400 || p.status === 415) return new UsageError(p.message, detail);
  const message = pr.code !== undefined && pr.check ? refusalText(pr.code, pr.check, p.message) : p.message;
  return new CommandFailure(message, detail);
}

export class ApiClient {
  private ops: Map<string, OpRef> | undefined;

  constructor(
    readonly baseUrl: string,
    readonly token: string | undefined,
  ) {}

  private async fetch(path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(new URL(path, this.baseUrl), { ...init, redirect: "error" });
    } catch (err) {
      const code = (err as { cause?: { code?: string } }).cause?.code ?? (err as NodeJS.ErrnoException).code ?? "fetch failed";
      throw new CommandFailure(t("cli.remote.unreachable", { url: this.baseUrl, code }), { code: "server-unreachable", facts: { url: this.baseUrl, errno: code } });
    }
  }

  /** The server's operations by operationId, from its OpenAPI document. */
  async operations(): Promise<Map<string, OpRef>> {
    if (this.ops) return this.ops;
    const res = await this.fetch("/openapi.json", { headers: { accept: "application/json" } });
    if (!res.ok) throw new CommandFailure(t("cli.remote.noDocument", { url: this.baseUrl, status: res.status }), { code: "server-unexpected", facts: { status: res.status } });
    const doc = (await res.json()) as { paths?: Record<string, Record<string, { operationId?: string }>> };
    const ops = new Map<string, OpRef>();
    for (const [path, methods] of Object.entries(doc.paths ?? {})) {
      for (const [method, o] of Object.entries(methods)) if (o && typeof o.operationId === "string") ops.set(o.operationId, { method: method.toUpperCase(), path });
    }
    this.ops = ops;
    return ops;
  }

  /** Calls an operation; answers its status and JSON body, or throws RemoteProblem for an error status. */
  async call<T = unknown>(operationId: string, req: Request = {}): Promise<Answer<T>> {
    const r = await this.callRaw<T>(operationId, req);
    return { status: r.status, body: r.body };
  }

  /** `call` with extra request headers (a session's cookie and CSRF token), answering the response headers too. */
  async callRaw<T = unknown>(operationId: string, req: Request = {}, extra: Record<string, string> = {}): Promise<Answer<T> & { headers: Headers }> {
    const op = (await this.operations()).get(operationId);
    if (!op) throw new CommandFailure(t("cli.remote.noOperation", { url: this.baseUrl, op: operationId }), { code: "server-unexpected", facts: { operationId } });
    const path = op.path.replace(/\{([A-Za-z0-9_]+)\}/g, (_m, name: string) => {
      const v = req.params?.[name];
      if (v === undefined) throw new Error(`${operationId}: path parameter ${name} missing`);
      return encodeURIComponent(v);
    });
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) qs.set(k, String(v));
    const headers: Record<string, string> = { accept: "application/json", ...extra };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (req.body !== undefined) headers["content-type"] = "application/json";
    const res = await this.fetch(`${path}${qs.size > 0 ? `?${qs}` : ""}`, { method: op.method, headers, ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}) });
    const text = await res.text();
    let body: unknown = null;
    try {
      body = text === "" ? null : JSON.parse(text);
    } catch {
      body = { detail: text.slice(0, 300) };
    }
    if (res.status >= 400) throw new RemoteProblem(res.status, { status: res.status, ...(typeof body === "object" && body !== null ? (body as object) : {}) });
    return { status: res.status, body: body as T, headers: res.headers };
  }

  /** Every page of a list operation, following nextCursor (at most `maxItems`, a bound on a runaway list). */
  async all<T>(operationId: string, req: Request = {}, maxItems = 1_000_000): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | undefined;
    for (;;) {
      const r = await this.call<{ items: T[]; nextCursor: string | null }>(operationId, { ...req, query: { ...(req.query ?? {}), limit: 500, ...(cursor ? { cursor } : {}) } });
      items.push(...r.body.items);
      if (r.body.nextCursor === null || items.length >= maxItems) return items;
      cursor = r.body.nextCursor;
    }
  }
}
