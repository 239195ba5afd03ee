// The audit trail: one append-only row per state-changing operation (who, what, when, from where,
// outcome with the refusal code). The database refuses UPDATE, DELETE and TRUNCATE on the table
// (src/store/migrations/audit.ts). Services write rows themselves, so nothing that changes state
// escapes it; administrators and the authority read it with filters and keyset pagination.
import type { Refusal } from "../domain/ledger/checks.ts";
import { securityRefusal } from "../domain/security/codes.ts";
import { type Caller, can } from "../domain/security/roles.ts";
import type { Clock } from "../platform/clock.ts";
import type { Sql } from "../store/db.ts";

export type AuditOutcome = "ok" | "refused" | "error";

export interface AuditEntry {
  /** Dotted operation name, e.g. "transfer.initiate", "auth.sign-in", "trusted.add". */
  action: string;
  /** What the operation acted on (transaction, account, user id), or null. */
  target: string | null;
  outcome: AuditOutcome;
  /** The refusal code for a refused operation. */
  code?: number | null | undefined;
  /** Non-secret facts (never passwords, tokens or TOTP secrets). */
  detail?: Record<string, unknown> | undefined;
}

export interface AuditRow {
  seq: string;
  at: string;
  actor: string | null;
  via: string;
  ip: string | null;
  requestId: string | null;
  action: string;
  target: string | null;
  outcome: AuditOutcome;
  code: number | null;
  detail: Record<string, unknown>;
}

export interface AuditQuery {
  actor?: string | undefined;
  /** Exact action, or a prefix ending in "." (e.g. "auth."). */
  action?: string | undefined;
  target?: string | undefined;
  outcome?: AuditOutcome | undefined;
  /** ISO times, inclusive from, exclusive to. */
  from?: string | undefined;
  to?: string | undefined;
  /** Keyset cursor: the `next` of the previous page. */
  after?: string | undefined;
  /** Page size, 1..500, default 100. */
  limit?: number | undefined;
}

export interface AuditPage {
  rows: AuditRow[];
  /** Pass as `after` for the next page; null on the last page. */
  next: string | null;
}

const SECRET_KEYS = /pass|secret|token|totp|code$|challenge/i;

/** Drops values of keys that look like secrets, at any depth (defence in depth: callers must not pass them). */
export function redact(detail: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(detail)) {
    if (SECRET_KEYS.test(k) && k !== "code") out[k] = "[redacted]";
    else if (typeof v === "bigint") out[k] = v.toString();
    else if (v && typeof v === "object" && !Array.isArray(v)) out[k] = redact(v as Record<string, unknown>);
    else out[k] = v;
  }
  return out;
}

/**
 * Text PostgreSQL can store: NUL (U+0000) and lone surrogates become U+FFFD. The HTTP edge refuses
 * such text, but the audit must record whatever a service was handed (a CLI, a bug) rather than
 * fail, and with it the operation it records.
 */
export function storable(s: string): string {
  return s.replace(/\u0000|\p{Cs}/gu, "\ufffd");
}

const storableOrNull = (s: string | null | undefined, max: number): string | null => (s === null || s === undefined ? null : storable(s.slice(0, max)));

/** A deep copy with storable keys and strings and bigints as decimal strings (bounded depth: details are small). */
function clean(v: unknown, depth = 0): unknown {
  if (typeof v === "string") return storable(v);
  if (typeof v === "bigint") return v.toString();
  if (depth > 20 || v === null || typeof v !== "object") return depth > 20 ? "[too deep]" : v;
  if (Array.isArray(v)) return v.map((x) => clean(x, depth + 1));
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [storable(k), clean(x, depth + 1)]));
}

function jsonSafe(detail: Record<string, unknown>): string {
  return JSON.stringify(clean(redact(detail)));
}

export class AuditLog {
  constructor(
    private readonly db: Sql,
    private readonly clock: Clock,
  ) {}

  /** Appends one row; pass `sql` to write inside the caller's database transaction. */
  async record(caller: Caller, entry: AuditEntry, sql: Sql = this.db): Promise<void> {
    await sql.query(
      `INSERT INTO audit_log (at, actor, via, ip, request_id, action, target, outcome, code, detail)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
      [
        this.clock.now().toISOString(), storableOrNull(caller.principal.userId, 200), caller.principal.via, storableOrNull(caller.ip, 100), storableOrNull(caller.requestId, 200),
        storable(entry.action), storableOrNull(entry.target, 300), entry.outcome, entry.code ?? null, jsonSafe(entry.detail ?? {}),
      ],
    );
  }

  /**
   * Appends one row per entry in one statement, in the entries' order (the log's ids ascend with
   * it), all at the same time: for one operation that touched many targets, such as a link flight
   * settling many transfers in one batch.
   */
  async recordMany(caller: Caller, entries: readonly AuditEntry[], sql: Sql = this.db): Promise<void> {
    if (entries.length === 0) return;
    const col = <T>(f: (e: AuditEntry) => T) => entries.map(f);
    await sql.query(
      `INSERT INTO audit_log (at, actor, via, ip, request_id, action, target, outcome, code, detail)
       SELECT $1::timestamptz, $2::text, $3::text, $4::text, $5::text, e.action, e.target, e.outcome, e.code, e.detail::jsonb
         FROM unnest($6::text[], $7::text[], $8::text[], $9::int[], $10::text[]) WITH ORDINALITY AS e(action, target, outcome, code, detail, n)
        ORDER BY e.n`,
      [
        this.clock.now().toISOString(), storableOrNull(caller.principal.userId, 200), caller.principal.via, storableOrNull(caller.ip, 100), storableOrNull(caller.requestId, 200),
        col((e) => storable(e.action)), col((e) => storableOrNull(e.target, 300)), col((e) => e.outcome), col((e) => e.code ?? null), col((e) => jsonSafe(e.detail ?? {})),
      ],
    );
  }

  /** Records the outcome of a result-returning operation and passes the result through. */
  async outcome<T extends { ok: boolean }>(caller: Caller, action: string, target: string | null, res: T, detail: Record<string, unknown> = {}): Promise<T> {
    const refusal = res.ok ? undefined : (res as unknown as Refusal);
    await this.record(caller, {
      action, target, outcome: res.ok ? "ok" : "refused", code: refusal?.code ?? null,
      detail: refusal ? { ...detail, check: refusal.check, message: refusal.message } : detail,
    });
    return res;
  }

  /**
   * Runs an operation; if it throws (a bug, a lost database), records an "error" row for the
   * action (the error's class only: messages may carry data) and rethrows.
   */
  async guard<T>(caller: Caller, action: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      await this.record(caller, { action, target: null, outcome: "error", detail: { error: err instanceof Error ? err.name : typeof err } }).catch(() => undefined);
      throw err;
    }
  }

  /** Rows matching the filters, oldest first, for callers with the audit:read permission. */
  async query(caller: Caller, q: AuditQuery = {}): Promise<{ ok: true; value: AuditPage } | Refusal> {
    if (!can(caller.principal, "audit:read")) return securityRefusal("PERMISSION_DENIED", "reading the audit log needs the national-admin or authority role", { permission: "audit:read" });
    const limit = Math.max(1, Math.min(Number.isInteger(q.limit) ? (q.limit as number) : 100, 500));
    const after = q.after !== undefined && /^\d{1,18}$/.test(q.after) ? q.after : "0";
    const prefix = q.action?.endsWith(".") ? `${q.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
    const r = await this.db.query<{
      seq: bigint; at: string; actor: string | null; via: string; ip: string | null; request_id: string | null; action: string; target: string | null;
      outcome: AuditOutcome; code: number | null; detail: Record<string, unknown>;
    }>(
      `SELECT * FROM audit_log WHERE seq > $1
         AND ($2::text IS NULL OR actor = $2) AND ($3::text IS NULL OR action = $3) AND ($4::text IS NULL OR action LIKE $4)
         AND ($5::text IS NULL OR target = $5) AND ($6::text IS NULL OR outcome = $6)
         AND ($7::timestamptz IS NULL OR at >= $7) AND ($8::timestamptz IS NULL OR at < $8)
       ORDER BY seq LIMIT $9`,
      [after, q.actor ?? null, prefix ? null : (q.action ?? null), prefix, q.target ?? null, q.outcome ?? null, q.from ?? null, q.to ?? null, limit + 1],
    );
    const rows = r.rows.slice(0, limit).map((x) => ({
      seq: x.seq.toString(), at: x.at, actor: x.actor, via: x.via, ip: x.ip, requestId: x.request_id, action: x.action, target: x.target,
      outcome: x.outcome, code: x.code, detail: x.detail,
    }));
    const last = rows[rows.length - 1];
    return { ok: true, value: { rows, next: r.rows.length > limit && last ? last.seq : null } };
  }
}
