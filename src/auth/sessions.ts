// Sessions: random 256-bit tokens of which only the SHA-256 is stored, with an absolute lifetime;
// looked up on every request, revoked by sign-out, by an administrator, by a password change or by
// disabling the user. (Sign-in creates them: src/auth/service.ts.)
import { createHash } from "node:crypto";
import type { AuditLog } from "../audit/index.ts";
import { securityRefusal } from "../domain/security/codes.ts";
import { type Caller, can, type Principal } from "../domain/security/roles.ts";
import type { Clock } from "../platform/clock.ts";
import type { Db } from "../store/db.ts";
import { denied, input, isText } from "./refusals.ts";
import type { AuthResult, SessionView } from "./types.ts";

/** A row of the sessions table: a session, or a second-factor challenge of a half-finished sign-in. */
export interface SessionRow {
  id: string;
  user_id: string;
  kind: "session" | "challenge";
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  ip: string | null;
}

export interface SessionDeps {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  principalOf: (userId: string, via: Principal["via"], scopes: Principal["scopes"], credentialId?: string) => Promise<Principal | undefined>;
}

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });

export class Sessions {
  constructor(private readonly deps: SessionDeps) {}

  private now(): Date {
    return this.deps.clock.now();
  }

  private iso(): string {
    return this.now().toISOString();
  }

  /** The principal of a session token (for every request). */
  async get(token: string): Promise<AuthResult<{ principal: Principal; session: SessionView }>> {
    const bad = securityRefusal("SESSION_INVALID", "the session is unknown, expired or revoked; sign in again", {});
    if (!isText(token, 200)) return bad;
    const row = (await this.deps.db.query<SessionRow>("SELECT * FROM sessions WHERE token_hash = $1 AND kind = 'session'", [sha256(token)])).rows[0];
    if (!row || row.revoked_at !== null || Date.parse(row.expires_at) <= this.now().getTime()) return bad;
    const principal = await this.deps.principalOf(row.user_id, "session", "all", row.id);
    if (!principal) return bad;
    return ok({ principal, session: sessionView(row) });
  }

  /** Sign-out (own session) or revocation by an administrator; by session id or by token. */
  async revoke(caller: Caller, sessionIdOrToken: string): Promise<AuthResult<SessionView>> {
    const res = await this.deps.audit.guard(caller, "session.revoke", async (): Promise<AuthResult<SessionView>> => {
      if (!isText(sessionIdOrToken, 200)) return input("session", "must be a session id or token");
      const r = await this.deps.db.query<SessionRow>("SELECT * FROM sessions WHERE kind = 'session' AND (id = $1 OR token_hash = $2)", [sessionIdOrToken, sha256(sessionIdOrToken)]);
      const row = r.rows[0];
      if (!row || (row.user_id !== caller.principal.userId && !can(caller.principal, "users:manage"))) {
        return securityRefusal("SESSION_INVALID", "no such session of yours", {});
      }
      if (row.revoked_at === null) await this.deps.db.query("UPDATE sessions SET revoked_at = $2 WHERE id = $1", [row.id, this.iso()]);
      return ok(sessionView({ ...row, revoked_at: row.revoked_at ?? this.iso() }));
    });
    return this.deps.audit.outcome(caller, "session.revoke", res.ok ? res.value.sessionId : null, res);
  }

  async revokeAll(caller: Caller, userId: string): Promise<AuthResult<{ revoked: number }>> {
    const res = await this.deps.audit.guard(caller, "session.revoke-all", async (): Promise<AuthResult<{ revoked: number }>> => {
      if (caller.principal.userId !== userId && !can(caller.principal, "users:manage")) return denied("revoking another user's sessions");
      const r = await this.deps.db.query("UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL", [userId, this.iso()]);
      return ok({ revoked: r.rowCount });
    });
    return this.deps.audit.outcome(caller, "session.revoke-all", typeof userId === "string" ? userId.slice(0, 64) : null, res);
  }

  async list(caller: Caller, userId: string): Promise<AuthResult<SessionView[]>> {
    if (caller.principal.userId !== userId && !can(caller.principal, "users:manage")) return denied("listing another user's sessions");
    const r = await this.deps.db.query<SessionRow>(
      "SELECT * FROM sessions WHERE user_id = $1 AND kind = 'session' AND revoked_at IS NULL AND expires_at > $2 ORDER BY created_at LIMIT 500",
      [userId, this.iso()],
    );
    return ok(r.rows.map(sessionView));
  }
}

export function sessionView(r: SessionRow): SessionView {
  return { sessionId: r.id, userId: r.user_id, createdAt: r.created_at, expiresAt: r.expires_at, revokedAt: r.revoked_at, ip: r.ip };
}
