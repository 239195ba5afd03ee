// API tokens for machine clients: `ets_<id>_<secret>`, of which only the SHA-256 is stored, each
// with scopes that narrow its user's roles and a lifetime. Created by a signed-in person (never by
// a token), revoked at once, and checked on every request; every change is audited.
import { createHash, timingSafeEqual } from "node:crypto";
import type { AuditLog } from "../audit/index.ts";
import { printable, securityRefusal } from "../domain/security/codes.ts";
import { type Caller, can, isScope, type Principal, type Scope } from "../domain/security/roles.ts";
import type { Clock } from "../platform/clock.ts";
import type { Db } from "../store/db.ts";
import { denied, input, isText, sessionRequired } from "./refusals.ts";
import type { ApiTokenView, AuthResult, CreatedApiToken } from "./types.ts";

interface TokenRow {
  id: string;
  user_id: string;
  name: string;
  scopes: string[];
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface TokenDeps {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  /** Longest lifetime in days (the rulebook's apiTokens.maxDays). */
  maxDays: number;
  random: (n: number) => Buffer;
  /** The principal a user acts as (roles, scopes), or undefined when unknown or disabled. */
  principalOf: (userId: string, via: Principal["via"], scopes: Principal["scopes"], credentialId?: string) => Promise<Principal | undefined>;
}

const TOKEN_PREFIX = "ets_";
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });

export class ApiTokens {
  constructor(private readonly deps: TokenDeps) {}

  private now(): Date {
    return this.deps.clock.now();
  }

  private iso(offsetMs = 0): string {
    return new Date(this.now().getTime() + offsetMs).toISOString();
  }

  /** A scoped token for a machine client; for oneself (signed in with a session), or (administrator) for another user. */
  async create(caller: Caller, inp: { userId?: string | undefined; name: string; scopes: Scope[]; days?: number | undefined }): Promise<AuthResult<CreatedApiToken>> {
    const res = await this.deps.audit.guard(caller, "token.create", () => this.createTokenInner(caller, inp));
    return this.deps.audit.outcome(caller, "token.create", res.ok ? res.value.view.tokenId : null, res, res.ok ? { userId: res.value.view.userId, scopes: res.value.view.scopes } : {});
  }

  private async createTokenInner(caller: Caller, inp: { userId?: string | undefined; name: string; scopes: Scope[]; days?: number | undefined }): Promise<AuthResult<CreatedApiToken>> {
    const p = caller.principal;
    const userId = inp?.userId ?? p.userId;
    if (p.via === "token") return sessionRequired(caller, "creating API tokens");
    if (userId === null || (userId !== p.userId && !can(p, "users:manage"))) return denied("creating a token for another user");
    if (!isText(inp.name, 100)) return input("name", "must be 1 to 100 characters");
    if (!Array.isArray(inp.scopes) || inp.scopes.length === 0 || inp.scopes.length > 10) return input("scopes", "must be a list of 1 to 10 scopes");
    const unknown = inp.scopes.find((s) => !isScope(s));
    if (unknown !== undefined) return securityRefusal("SCOPE_UNKNOWN", `unknown scope ${JSON.stringify(printable(unknown, 40))}`, { scope: printable(unknown, 40) });
    const maxDays = this.deps.maxDays;
    const days = inp.days ?? maxDays;
    if (!Number.isInteger(days) || days < 1 || days > maxDays) return input("days", `must be a whole number from 1 to ${maxDays}`);
    const u = (await this.deps.db.query<{ disabled: boolean }>("SELECT disabled FROM users WHERE id = $1", [userId])).rows[0];
    if (!u || u.disabled) return securityRefusal("USER_UNKNOWN", `no active user ${userId}`, { userId });
    const id = `t${this.deps.random(8).toString("hex")}`;
    const token = `${TOKEN_PREFIX}${id}_${this.deps.random(32).toString("base64url")}`;
    const scopes = [...new Set(inp.scopes)];
    await this.deps.db.query(
      "INSERT INTO api_tokens (id, token_hash, user_id, name, scopes, created_at, expires_at) VALUES ($1,$2,$3,$4,$5,$6,$7)",
      [id, sha256(token), userId, inp.name, scopes, this.iso(), this.iso(days * 86_400_000)],
    );
    const row = (await this.deps.db.query<TokenRow>("SELECT * FROM api_tokens WHERE id = $1", [id])).rows[0] as TokenRow;
    return ok({ token, view: tokenView(row) });
  }

  async authenticate(token: string): Promise<AuthResult<Principal>> {
    const bad = securityRefusal("TOKEN_INVALID", "the API token is unknown, expired or revoked", {});
    const m = typeof token === "string" && token.length <= 200 ? /^ets_(t[0-9a-f]{16})_[A-Za-z0-9_-]{43}$/.exec(token) : null;
    if (!m) return bad;
    const row = (await this.deps.db.query<TokenRow & { token_hash: string }>("SELECT * FROM api_tokens WHERE id = $1", [m[1]])).rows[0];
    if (!row || !timingSafeEqual(Buffer.from(row.token_hash), Buffer.from(sha256(token)))) return bad;
    if (row.revoked_at !== null || Date.parse(row.expires_at) <= this.now().getTime()) return bad;
    const principal = await this.deps.principalOf(row.user_id, "token", row.scopes.filter(isScope), row.id);
    if (!principal) return bad;
    // At most one write a minute per token, so that authenticating stays a read on busy clients.
    if (row.last_used_at === null || Date.parse(row.last_used_at) < this.now().getTime() - 60_000) {
      await this.deps.db.query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1", [row.id, this.iso()]);
    }
    return ok({ ...principal, credentialExpiresAt: row.expires_at });
  }

  async revoke(caller: Caller, tokenId: string): Promise<AuthResult<ApiTokenView>> {
    const res = await this.deps.audit.guard(caller, "token.revoke", async (): Promise<AuthResult<ApiTokenView>> => {
      const row = isText(tokenId, 100) ? (await this.deps.db.query<TokenRow>("SELECT * FROM api_tokens WHERE id = $1", [tokenId])).rows[0] : undefined;
      if (!row || (row.user_id !== caller.principal.userId && !can(caller.principal, "users:manage"))) {
        return securityRefusal("TOKEN_INVALID", "no such API token of yours", {});
      }
      if (row.revoked_at === null) await this.deps.db.query("UPDATE api_tokens SET revoked_at = $2 WHERE id = $1", [row.id, this.iso()]);
      return ok(tokenView({ ...row, revoked_at: row.revoked_at ?? this.iso() }));
    });
    return this.deps.audit.outcome(caller, "token.revoke", typeof tokenId === "string" ? tokenId.slice(0, 100) : null, res);
  }

  async list(caller: Caller, userId: string): Promise<AuthResult<ApiTokenView[]>> {
    if (caller.principal.userId !== userId && !can(caller.principal, "users:manage")) return denied("listing another user's tokens");
    const r = await this.deps.db.query<TokenRow>("SELECT * FROM api_tokens WHERE user_id = $1 ORDER BY created_at, id LIMIT 500", [userId]);
    return ok(r.rows.map(tokenView));
  }
}

function tokenView(r: TokenRow): ApiTokenView {
  return {
    tokenId: r.id, userId: r.user_id, name: r.name, scopes: r.scopes.filter(isScope), createdAt: r.created_at, expiresAt: r.expires_at,
    revokedAt: r.revoked_at, lastUsedAt: r.last_used_at,
  };
}
