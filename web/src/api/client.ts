// The console's only way to the server: JSON over the public HTTP API, with the session cookie
// and, for state-changing requests, the CSRF token that sign-in returned (kept for the tab in
// sessionStorage). Failures become ApiError values that carry the problem's code and check, which
// i18n/errors.ts turns into a message in the chosen language; raw JSON is never shown.

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code?: number;
  check?: string;
  facts?: Record<string, unknown>;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | null,
    /** True when the server could not be reached at all. */
    readonly network = false,
    /** Seconds from the Retry-After header of a 429. */
    readonly retryAfter: number | null = null,
  ) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
  }

  /** The problem's type without its base URL, e.g. "rate-limited". */
  get slug(): string | undefined {
    return this.problem?.type.replace(/^.*\//, "");
  }
}

const CSRF_KEY = "openets.csrf";
const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function storage(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

export function setCsrfToken(token: string | null): void {
  const s = storage();
  if (!s) return;
  if (token === null) s.removeItem(CSRF_KEY);
  else s.setItem(CSRF_KEY, token);
}

function csrfToken(): string | null {
  return storage()?.getItem(CSRF_KEY) ?? null;
}

function isProblem(v: unknown): v is Problem {
  return typeof v === "object" && v !== null && typeof (v as Problem).type === "string" && typeof (v as Problem).status === "number";
}

export async function api<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  const csrf = csrfToken();
  if (UNSAFE.has(method) && csrf) headers["x-csrf-token"] = csrf;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, credentials: "same-origin", ...(body !== undefined ? { body: JSON.stringify(body) } : {}), ...(signal ? { signal } : {}) });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError(0, null, true);
  }
  const text = await res.text();
  let value: unknown = undefined;
  if (text !== "") {
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
  }
  if (!res.ok) {
    const retry = Number(res.headers.get("retry-after"));
    throw new ApiError(res.status, isProblem(value) ? value : null, false, Number.isFinite(retry) && retry > 0 ? retry : null);
  }
  return value as T;
}

export const get = <T>(path: string, signal?: AbortSignal) => api<T>("GET", path, undefined, signal);
export const post = <T>(path: string, body?: unknown) => api<T>("POST", path, body ?? {});
export const del = <T>(path: string) => api<T>("DELETE", path);

/** A query string from the defined values. */
export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : "";
}

/** A caller-chosen idempotency key for a command: repeating the same request (a double click) does it once. */
export function commandId(prefix: string): string {
  const r = new Uint8Array(6);
  crypto.getRandomValues(r);
  return `${prefix}-${Date.now().toString(36)}-${[...r].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}
