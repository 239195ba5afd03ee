// The AuthService: users, passwords (argon2id), the TOTP second factor, sessions, API tokens and
// sign-in throttling (exponential backoff after each failure, lockout after several in a row).
// Secrets handed out (session tokens, challenges, API tokens) are random 32-byte values of which
// only the SHA-256 is stored. Every state change and every sign-in attempt is audited.
import { createHash, randomBytes as nodeRandomBytes, timingSafeEqual } from "node:crypto";
import { hash as argonHash, verify as argonVerify } from "@node-rs/argon2";
import type { AuditLog } from "../audit/index.ts";
import type { Refusal } from "../domain/ledger/checks.ts";
import { printable, securityRefusal } from "../domain/security/codes.ts";
import type { SecurityConfig } from "../domain/security/config.ts";
import {
  type Caller, can, GLOBAL_ROLES, type GlobalRole, isGlobalRole, isScope, type Principal, type Role, type Scope, systemPrincipal, USER_ID_PATTERN,
} from "../domain/security/roles.ts";
import type { Clock } from "../platform/clock.ts";
import type { Db, Sql } from "../store/db.ts";
import { base32Decode, base32Encode, otpauthUri, verifyTotpCode } from "./totp.ts";
import type {
  ApiTokenView, AuthResult, CreatedApiToken, CreatedUser, CreateUserInput, LockoutState, SessionGrant, SessionView, SignInInput, SignInOutcome,
  TotpEnrolment, UserView,
} from "./types.ts";

export interface AuthServiceOptions {
  /** Issuer shown in authenticator apps. Default "OpenETS". */
  issuer?: string;
  /** Random bytes source (tests may inject a deterministic one). Default node:crypto randomBytes. */
  randomBytes?: (n: number) => Buffer;
  /** argon2id cost; tests may lower it. Default memory 19 MiB, 2 passes, 1 lane (OWASP's minimum). */
  argon2?: { memoryCost: number; timeCost: number; parallelism: number };
}

interface UserRow {
  id: string;
  display_name: string;
  password_hash: string;
  roles: string[];
  totp_secret: string | null;
  totp_last_step: bigint | null;
  failures: number;
  last_failure_at: string | null;
  locked_until: string | null;
  disabled: boolean;
  demo: boolean;
  created_at: string;
}

interface SessionRow {
  id: string;
  user_id: string;
  kind: "session" | "challenge";
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  ip: string | null;
}

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

const ARGON2_ID = 2; // Algorithm.Argon2id (a const enum, which verbatimModuleSyntax cannot import)
const MAX_PASSWORD = 256;
const TOKEN_PREFIX = "ets_";

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });

function isText(v: unknown, max: number): v is string {
  return typeof v === "string" && v.length > 0 && v.length <= max;
}

function input(field: string, reason: string): Refusal {
  return securityRefusal("INPUT_INVALID", `${field}: ${reason}`, { field, reason });
}

function denied(what: string): Refusal {
  return securityRefusal("PERMISSION_DENIED", `${what} needs the national-admin role`, { permission: "users:manage" });
}

export class AuthService {
  private readonly random: (n: number) => Buffer;
  private readonly argon2: { memoryCost: number; timeCost: number; parallelism: number };
  private dummyHash: string | undefined;

  private constructor(
    readonly db: Db,
    readonly clock: Clock,
    readonly config: SecurityConfig,
    readonly audit: AuditLog,
    private readonly opts: AuthServiceOptions,
  ) {
    this.random = opts.randomBytes ?? nodeRandomBytes;
    this.argon2 = opts.argon2 ?? { memoryCost: 19_456, timeCost: 2, parallelism: 1 };
  }

  static async open(db: Db, clock: Clock, config: SecurityConfig, audit: AuditLog, opts: AuthServiceOptions = {}): Promise<AuthService> {
    return new AuthService(db, clock, config, audit, opts);
  }

  private now(): Date {
    return this.clock.now();
  }

  private iso(offsetMs = 0): string {
    return new Date(this.now().getTime() + offsetMs).toISOString();
  }

  private hashPassword(pw: string): Promise<string> {
    return argonHash(pw, { algorithm: ARGON2_ID, ...this.argon2 });
  }

  private passwordProblem(pw: unknown, userId: string): Refusal | undefined {
    const min = this.config.signIn.minPasswordLength;
    if (typeof pw !== "string" || pw.length < min || pw.length > MAX_PASSWORD || pw.toLowerCase() === userId.toLowerCase()) {
      return securityRefusal("PASSWORD_WEAK", `a password needs ${min} to ${MAX_PASSWORD} characters and must differ from the user id`, { minLength: min });
    }
    return undefined;
  }

  private async user(sql: Sql, userId: string): Promise<UserRow | undefined> {
    return (await sql.query<UserRow>("SELECT * FROM users WHERE id = $1", [userId])).rows[0];
  }

  private async view(sql: Sql, u: UserRow): Promise<UserView> {
    const reps = await sql.query<{ account_id: string; can_initiate: boolean; can_approve: boolean }>(
      "SELECT account_id, can_initiate, can_approve FROM representatives WHERE user_id = $1 ORDER BY account_id LIMIT 1000",
      [u.id],
    );
    return {
      userId: u.id,
      displayName: u.display_name,
      roles: u.roles.filter(isGlobalRole),
      representing: reps.rows.map((r) => ({ accountId: r.account_id, initiate: r.can_initiate, approve: r.can_approve })),
      totpEnrolled: u.totp_secret !== null,
      disabled: u.disabled,
      demo: u.demo,
      createdAt: u.created_at,
    };
  }

  private enrolment(userId: string): { secret: string; enrolment: TotpEnrolment } {
    const secret = base32Encode(this.random(20));
    return { secret, enrolment: { secret, uri: otpauthUri(this.opts.issuer ?? "OpenETS", userId, secret) } };
  }

  // ---- users ---------------------------------------------------------------------------------

  /** Creates a user (national administrator or a system caller). Returns the TOTP enrolment to hand over once. */
  async createUser(caller: Caller, inp: CreateUserInput): Promise<AuthResult<CreatedUser>> {
    const res = await this.audit.guard(caller, "user.create", () => this.createUserInner(caller, inp));
    return this.audit.outcome(caller, "user.create", typeof inp?.userId === "string" ? inp.userId.slice(0, 64) : null, res, res.ok ? { roles: res.value.user.roles, demo: res.value.user.demo } : {});
  }

  private async createUserInner(caller: Caller, inp: CreateUserInput): Promise<AuthResult<CreatedUser>> {
    if (!can(caller.principal, "users:manage")) return denied("creating users");
    if (typeof inp !== "object" || inp === null) return input("(body)", "must be an object");
    if (typeof inp.userId !== "string" || !USER_ID_PATTERN.test(inp.userId)) return input("userId", `must match ${USER_ID_PATTERN.source}`);
    if (!isText(inp.displayName, 200)) return input("displayName", "must be 1 to 200 characters");
    const roles = inp.roles ?? [];
    if (!Array.isArray(roles) || !roles.every(isGlobalRole)) return input("roles", `must be a list of ${GLOBAL_ROLES.join(", ")}`);
    if (inp.demo === true && !this.config.demoMode) return securityRefusal("DEMO_ONLY", "demo users exist only in demo mode", { userId: inp.userId });
    const weak = this.passwordProblem(inp.password, inp.userId);
    if (weak) return weak;
    const passwordHash = await this.hashPassword(inp.password);
    const { secret, enrolment } = this.enrolment(inp.userId);
    const res = await this.db.query(
      `INSERT INTO users (id, display_name, password_hash, roles, totp_secret, demo, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7)
       ON CONFLICT (id) DO NOTHING`,
      [inp.userId, inp.displayName, passwordHash, [...new Set(roles)], secret, inp.demo === true, this.iso()],
    );
    if (res.rowCount !== 1) return securityRefusal("USER_EXISTS", `user ${inp.userId} already exists`, { userId: inp.userId });
    const u = (await this.user(this.db, inp.userId)) as UserRow;
    return ok({ user: await this.view(this.db, u), totp: enrolment });
  }

  /**
   * The first national administrator of an empty registry (there are no default credentials):
   * succeeds only while no national administrator exists, for a CLI or a start-up step run by
   * the operator. Returns the TOTP enrolment to hand over.
   */
  async bootstrapAdmin(ip: string | null, inp: { userId: string; displayName: string; password: string }): Promise<AuthResult<CreatedUser>> {
    const caller: Caller = { principal: systemPrincipal("bootstrap"), ip };
    const existing = await this.db.query("SELECT 1 FROM users WHERE 'national-admin' = ANY(roles) LIMIT 1");
    if (existing.rows.length > 0) {
      return this.audit.outcome(caller, "user.bootstrap", null, securityRefusal("PERMISSION_DENIED", "a national administrator exists already; ask them to create users", {}));
    }
    const res = await this.audit.guard(caller, "user.bootstrap", () => this.createUserInner(caller, { ...inp, roles: ["national-admin"] }));
    return this.audit.outcome(caller, "user.bootstrap", typeof inp?.userId === "string" ? inp.userId.slice(0, 64) : null, res);
  }

  async getUser(caller: Caller, userId: string): Promise<AuthResult<UserView>> {
    if (caller.principal.userId !== userId && !can(caller.principal, "users:manage") && !can(caller.principal, "audit:read")) return denied("reading another user");
    const u = typeof userId === "string" ? await this.user(this.db, userId) : undefined;
    if (!u) return securityRefusal("USER_UNKNOWN", `no user ${printable(userId, 64)}`, { userId: printable(userId, 64) });
    return ok(await this.view(this.db, u));
  }

  async listUsers(caller: Caller, opts: { after?: string | undefined; limit?: number | undefined } = {}): Promise<AuthResult<UserView[]>> {
    if (!can(caller.principal, "users:manage") && !can(caller.principal, "audit:read")) return denied("listing users");
    const limit = Math.max(1, Math.min(Number.isInteger(opts.limit) ? (opts.limit as number) : 100, 500));
    const r = await this.db.query<UserRow>("SELECT * FROM users WHERE id > $1 ORDER BY id LIMIT $2", [opts.after ?? "", limit]);
    const out: UserView[] = [];
    for (const u of r.rows) out.push(await this.view(this.db, u));
    return ok(out);
  }

  private async adminUpdate(caller: Caller, action: string, userId: string, fn: (u: UserRow) => Promise<Refusal | undefined>): Promise<AuthResult<UserView>> {
    let res: AuthResult<UserView>;
    if (!can(caller.principal, "users:manage")) res = denied(action);
    else {
      const u = typeof userId === "string" ? await this.user(this.db, userId) : undefined;
      if (!u) res = securityRefusal("USER_UNKNOWN", `no user ${printable(userId, 64)}`, { userId: printable(userId, 64) });
      else {
        const refused = await this.audit.guard(caller, action, () => fn(u));
        res = refused ?? ok(await this.view(this.db, (await this.user(this.db, userId)) as UserRow));
      }
    }
    return this.audit.outcome(caller, action, typeof userId === "string" ? userId.slice(0, 64) : null, res);
  }

  async setRoles(caller: Caller, userId: string, roles: GlobalRole[]): Promise<AuthResult<UserView>> {
    return this.adminUpdate(caller, "user.roles", userId, async () => {
      if (!Array.isArray(roles) || !roles.every(isGlobalRole)) return input("roles", `must be a list of ${GLOBAL_ROLES.join(", ")}`);
      if (caller.principal.userId === userId && !roles.includes("national-admin")) {
        return securityRefusal("PERMISSION_DENIED", "administrators cannot remove their own national-admin role (ask another)", { userId });
      }
      await this.db.query("UPDATE users SET roles = $2 WHERE id = $1", [userId, [...new Set(roles)]]);
      return undefined;
    });
  }

  async setDisabled(caller: Caller, userId: string, disabled: boolean): Promise<AuthResult<UserView>> {
    return this.adminUpdate(caller, disabled ? "user.disable" : "user.enable", userId, async () => {
      if (typeof disabled !== "boolean") return input("disabled", "must be true or false");
      if (caller.principal.userId === userId) return securityRefusal("PERMISSION_DENIED", "administrators cannot disable themselves", { userId });
      await this.db.transaction(async (tx) => {
        await tx.query("UPDATE users SET disabled = $2 WHERE id = $1", [userId, disabled]);
        if (disabled) await tx.query("UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL", [userId, this.iso()]);
      });
      return undefined;
    });
  }

  /** A user changes their own password (old one required), or an administrator sets one. Revokes the user's sessions. */
  async changePassword(caller: Caller, inp: { userId: string; oldPassword?: string | undefined; newPassword: string }): Promise<AuthResult<UserView>> {
    const self = caller.principal.userId === inp?.userId && caller.principal.via === "session";
    const res = await this.audit.guard(caller, "user.password", async (): Promise<AuthResult<UserView>> => {
      if (!self && !can(caller.principal, "users:manage")) return denied("setting another user's password");
      const u = typeof inp?.userId === "string" ? await this.user(this.db, inp.userId) : undefined;
      if (!u) return securityRefusal("USER_UNKNOWN", "no such user", { userId: printable(inp?.userId, 64) });
      if (self && !(typeof inp.oldPassword === "string" && inp.oldPassword.length <= MAX_PASSWORD && (await argonVerify(u.password_hash, inp.oldPassword)))) {
        return securityRefusal("CREDENTIALS_INVALID", "the current password is wrong", {});
      }
      const weak = this.passwordProblem(inp.newPassword, u.id);
      if (weak) return weak;
      const h = await this.hashPassword(inp.newPassword);
      await this.db.transaction(async (tx) => {
        await tx.query("UPDATE users SET password_hash = $2 WHERE id = $1", [u.id, h]);
        await tx.query("UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL", [u.id, this.iso()]);
      });
      return ok(await this.view(this.db, u));
    });
    return this.audit.outcome(caller, "user.password", typeof inp?.userId === "string" ? inp.userId.slice(0, 64) : null, res);
  }

  /** New TOTP secret for a user (administrator, or the user themself); the old one stops working. */
  async resetTotp(caller: Caller, userId: string): Promise<AuthResult<TotpEnrolment>> {
    const self = caller.principal.userId === userId && caller.principal.via === "session";
    const res = await this.audit.guard(caller, "user.totp-reset", async (): Promise<AuthResult<TotpEnrolment>> => {
      if (!self && !can(caller.principal, "users:manage")) return denied("resetting another user's second factor");
      const u = typeof userId === "string" ? await this.user(this.db, userId) : undefined;
      if (!u) return securityRefusal("USER_UNKNOWN", "no such user", { userId: printable(userId, 64) });
      const { secret, enrolment } = this.enrolment(u.id);
      await this.db.query("UPDATE users SET totp_secret = $2, totp_last_step = NULL WHERE id = $1", [u.id, secret]);
      return ok(enrolment);
    });
    return this.audit.outcome(caller, "user.totp-reset", typeof userId === "string" ? userId.slice(0, 64) : null, res);
  }

  async unlock(caller: Caller, userId: string): Promise<AuthResult<LockoutState>> {
    const res = await this.adminUpdate(caller, "user.unlock", userId, async () => {
      await this.db.query("UPDATE users SET failures = 0, locked_until = NULL, last_failure_at = NULL WHERE id = $1", [userId]);
      return undefined;
    });
    if (!res.ok) return res;
    return ok((await this.lockoutState(userId)) as LockoutState);
  }

  async lockoutState(userId: string): Promise<LockoutState | undefined> {
    const u = await this.user(this.db, userId);
    if (!u) return undefined;
    return this.lockoutOf(u);
  }

  private backoffMs(failures: number): number {
    if (failures <= 0) return 0;
    const s = this.config.signIn;
    return Math.min(s.backoffBaseSeconds * 2 ** Math.min(failures - 1, 30), s.backoffMaxSeconds) * 1000;
  }

  private lockoutOf(u: UserRow): LockoutState {
    const now = this.now().getTime();
    const locked = u.locked_until !== null && Date.parse(u.locked_until) > now ? u.locked_until : null;
    const next = u.last_failure_at !== null && u.failures > 0 ? Date.parse(u.last_failure_at) + this.backoffMs(u.failures) : null;
    return { userId: u.id, failures: u.failures, lockedUntil: locked, nextAttemptAt: locked ?? (next !== null && next > now ? new Date(next).toISOString() : null) };
  }

  // ---- sign-in -------------------------------------------------------------------------------

  private async rolesOf(sql: Sql, u: UserRow): Promise<Role[]> {
    const roles: Role[] = u.roles.filter(isGlobalRole);
    const rep = await sql.query("SELECT 1 FROM representatives WHERE user_id = $1 LIMIT 1", [u.id]);
    if (rep.rows.length > 0) roles.push("representative");
    return roles;
  }

  private async needsSecondFactor(u: UserRow): Promise<boolean> {
    // The demo users' credentials are published and their secrets never shown: in demo mode they
    // sign in with the password alone. Every other user follows the rulebook's rule.
    if (u.demo && this.config.demoMode) return false;
    const roles = await this.rolesOf(this.db, u);
    return roles.some((r) => this.config.signIn.secondFactorRoles.includes(r));
  }

  /** Records a failed attempt: backoff grows; at maxFailures in a row the user is locked. */
  private async fail(userId: string): Promise<Refusal | undefined> {
    const r = await this.db.query<{ failures: number }>(
      "UPDATE users SET failures = failures + 1, last_failure_at = $2 WHERE id = $1 RETURNING failures",
      [userId, this.iso()],
    );
    const n = r.rows[0]?.failures ?? 0;
    if (n >= this.config.signIn.maxFailures) {
      const until = this.iso(this.config.signIn.lockoutMinutes * 60_000);
      await this.db.query("UPDATE users SET failures = 0, last_failure_at = NULL, locked_until = $2 WHERE id = $1", [userId, until]);
      return securityRefusal("USER_LOCKED", `too many failed sign-ins; ${userId} is locked until ${until}`, { lockedUntil: until });
    }
    return undefined;
  }

  private throttled(u: UserRow): Refusal | undefined {
    const st = this.lockoutOf(u);
    if (st.lockedUntil) return securityRefusal("USER_LOCKED", `${u.id} is locked until ${st.lockedUntil}`, { lockedUntil: st.lockedUntil });
    if (st.nextAttemptAt) return securityRefusal("SIGN_IN_BACKOFF", `wait until ${st.nextAttemptAt} before trying again`, { retryAt: st.nextAttemptAt });
    return undefined;
  }

  /** Password step; returns a session, or a TOTP challenge when the user's roles need a second factor. */
  async signIn(ip: string | null, inp: SignInInput): Promise<AuthResult<SignInOutcome>> {
    const claimed = typeof inp?.userId === "string" ? inp.userId.slice(0, 64) : null;
    const caller: Caller = { principal: { userId: claimed, roles: ["public"], via: "anonymous", scopes: [] }, ip };
    const res = await this.audit.guard(caller, "auth.sign-in", () => this.signInInner(ip, inp));
    return this.audit.outcome(caller, "auth.sign-in", claimed, res, res.ok ? { result: res.value.kind } : {});
  }

  private async signInInner(ip: string | null, inp: SignInInput): Promise<AuthResult<SignInOutcome>> {
    const bad = securityRefusal("CREDENTIALS_INVALID", "unknown user or wrong password", {});
    if (typeof inp !== "object" || inp === null || !isText(inp.userId, 64) || !isText(inp.password, MAX_PASSWORD)) return bad;
    const u = await this.user(this.db, inp.userId);
    if (!u) {
      // Same work as a real check, so response times do not reveal which user ids exist.
      this.dummyHash ??= await this.hashPassword("not-a-real-password-0");
      await argonVerify(this.dummyHash, inp.password);
      return bad;
    }
    const thr = this.throttled(u);
    if (thr) return thr;
    if (!(await argonVerify(u.password_hash, inp.password))) return (await this.fail(u.id)) ?? bad;
    if (u.disabled) return securityRefusal("USER_DISABLED", `${u.id} is disabled`, { userId: u.id });
    if (u.demo && !this.config.demoMode) return securityRefusal("DEMO_ONLY", "demo users can sign in only in demo mode", { userId: u.id });
    if (!(await this.needsSecondFactor(u))) return this.grant(u, ip);
    if (u.totp_secret === null) return securityRefusal("SECOND_FACTOR_NOT_ENROLLED", `${u.id} must enrol a second factor first (ask an administrator)`, { userId: u.id });
    if (inp.totp !== undefined) return this.checkCode(u, typeof inp.totp === "string" ? inp.totp : "", ip);
    const challenge = this.random(32).toString("base64url");
    const expiresAt = this.iso(this.config.sessions.challengeMinutes * 60_000);
    await this.db.query("INSERT INTO sessions (id, token_hash, user_id, kind, created_at, expires_at, ip) VALUES ($1,$2,$3,'challenge',$4,$5,$6)", [
      `c_${this.random(9).toString("hex")}`, sha256(challenge), u.id, this.iso(), expiresAt, ip?.slice(0, 100) ?? null,
    ]);
    return ok({ kind: "totp-required", challenge, expiresAt });
  }

  /** Second step: the challenge from signIn plus a 6-digit code. */
  async verifyTotp(ip: string | null, inp: { challenge: string; code: string }): Promise<AuthResult<SessionGrant>> {
    const row = isText(inp?.challenge, 200)
      ? (await this.db.query<SessionRow>("SELECT * FROM sessions WHERE token_hash = $1 AND kind = 'challenge'", [sha256(inp.challenge)])).rows[0]
      : undefined;
    const caller: Caller = { principal: { userId: row?.user_id ?? null, roles: ["public"], via: "anonymous", scopes: [] }, ip };
    let res: AuthResult<SessionGrant>;
    if (!row || row.revoked_at !== null || Date.parse(row.expires_at) <= this.now().getTime()) {
      res = securityRefusal("CHALLENGE_INVALID", "the sign-in challenge is unknown, used or expired; sign in again", {});
    } else {
      const u = (await this.user(this.db, row.user_id)) as UserRow;
      res = this.throttled(u) ?? (await this.audit.guard(caller, "auth.totp", () => this.checkCode(u, typeof inp.code === "string" ? inp.code : "", ip)));
      if (res.ok) await this.db.query("UPDATE sessions SET revoked_at = $2 WHERE id = $1", [row.id, this.iso()]);
    }
    return this.audit.outcome(caller, "auth.totp", row?.user_id ?? null, res);
  }

  private async checkCode(u: UserRow, code: string, ip: string | null): Promise<AuthResult<SessionGrant>> {
    if (u.totp_secret === null) return securityRefusal("TOTP_NOT_ENROLLED", `${u.id} has no second factor`, { userId: u.id });
    const step = verifyTotpCode(base32Decode(u.totp_secret), code, this.now());
    // A code is accepted once: a step at or before the last accepted one is a replay.
    if (step === null || (u.totp_last_step !== null && step <= u.totp_last_step)) {
      return (await this.fail(u.id)) ?? securityRefusal("TOTP_INVALID", "the one-time code is wrong, expired or already used", {});
    }
    await this.db.query("UPDATE users SET totp_last_step = $2 WHERE id = $1", [u.id, step]);
    return this.grant(u, ip);
  }

  private async grant(u: UserRow, ip: string | null): Promise<AuthResult<SessionGrant>> {
    const token = this.random(32).toString("base64url");
    const sessionId = `s_${this.random(9).toString("hex")}`;
    const expiresAt = this.iso(this.config.sessions.ttlMinutes * 60_000);
    await this.db.transaction(async (tx) => {
      await tx.query("UPDATE users SET failures = 0, last_failure_at = NULL, locked_until = NULL WHERE id = $1", [u.id]);
      await tx.query("INSERT INTO sessions (id, token_hash, user_id, kind, created_at, expires_at, ip) VALUES ($1,$2,$3,'session',$4,$5,$6)", [
        sessionId, sha256(token), u.id, this.iso(), expiresAt, ip?.slice(0, 100) ?? null,
      ]);
    });
    const principal = (await this.principalOf(u.id, "session", "all", sessionId)) as Principal;
    return ok({ kind: "session", token, sessionId, expiresAt, principal });
  }

  /** The principal of a session token (for every request). */
  async getSession(token: string): Promise<AuthResult<{ principal: Principal; session: SessionView }>> {
    const bad = securityRefusal("SESSION_INVALID", "the session is unknown, expired or revoked; sign in again", {});
    if (!isText(token, 200)) return bad;
    const row = (await this.db.query<SessionRow>("SELECT * FROM sessions WHERE token_hash = $1 AND kind = 'session'", [sha256(token)])).rows[0];
    if (!row || row.revoked_at !== null || Date.parse(row.expires_at) <= this.now().getTime()) return bad;
    const principal = await this.principalOf(row.user_id, "session", "all", row.id);
    if (!principal) return bad;
    return ok({ principal, session: sessionView(row) });
  }

  /** Sign-out (own session) or revocation by an administrator; by session id or by token. */
  async revokeSession(caller: Caller, sessionIdOrToken: string): Promise<AuthResult<SessionView>> {
    const res = await this.audit.guard(caller, "session.revoke", async (): Promise<AuthResult<SessionView>> => {
      if (!isText(sessionIdOrToken, 200)) return input("session", "must be a session id or token");
      const r = await this.db.query<SessionRow>("SELECT * FROM sessions WHERE kind = 'session' AND (id = $1 OR token_hash = $2)", [sessionIdOrToken, sha256(sessionIdOrToken)]);
      const row = r.rows[0];
      if (!row || (row.user_id !== caller.principal.userId && !can(caller.principal, "users:manage"))) {
        return securityRefusal("SESSION_INVALID", "no such session of yours", {});
      }
      if (row.revoked_at === null) await this.db.query("UPDATE sessions SET revoked_at = $2 WHERE id = $1", [row.id, this.iso()]);
      return ok(sessionView({ ...row, revoked_at: row.revoked_at ?? this.iso() }));
    });
    return this.audit.outcome(caller, "session.revoke", res.ok ? res.value.sessionId : null, res);
  }

  async revokeAllSessions(caller: Caller, userId: string): Promise<AuthResult<{ revoked: number }>> {
    const res = await this.audit.guard(caller, "session.revoke-all", async (): Promise<AuthResult<{ revoked: number }>> => {
      if (caller.principal.userId !== userId && !can(caller.principal, "users:manage")) return denied("revoking another user's sessions");
      const r = await this.db.query("UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL", [userId, this.iso()]);
      return ok({ revoked: r.rowCount });
    });
    return this.audit.outcome(caller, "session.revoke-all", typeof userId === "string" ? userId.slice(0, 64) : null, res);
  }

  async listSessions(caller: Caller, userId: string): Promise<AuthResult<SessionView[]>> {
    if (caller.principal.userId !== userId && !can(caller.principal, "users:manage")) return denied("listing another user's sessions");
    const r = await this.db.query<SessionRow>(
      "SELECT * FROM sessions WHERE user_id = $1 AND kind = 'session' AND revoked_at IS NULL AND expires_at > $2 ORDER BY created_at LIMIT 500",
      [userId, this.iso()],
    );
    return ok(r.rows.map(sessionView));
  }

  // ---- API tokens ----------------------------------------------------------------------------

  /** A scoped token for a machine client; for oneself (signed in with a session), or (administrator) for another user. */
  async createApiToken(caller: Caller, inp: { userId?: string | undefined; name: string; scopes: Scope[]; days?: number | undefined }): Promise<AuthResult<CreatedApiToken>> {
    const res = await this.audit.guard(caller, "token.create", () => this.createTokenInner(caller, inp));
    return this.audit.outcome(caller, "token.create", res.ok ? res.value.view.tokenId : null, res, res.ok ? { userId: res.value.view.userId, scopes: res.value.view.scopes } : {});
  }

  private async createTokenInner(caller: Caller, inp: { userId?: string | undefined; name: string; scopes: Scope[]; days?: number | undefined }): Promise<AuthResult<CreatedApiToken>> {
    const p = caller.principal;
    const userId = inp?.userId ?? p.userId;
    if (p.via === "token") return securityRefusal("PERMISSION_DENIED", "an API token cannot create API tokens; sign in", {});
    if (userId === null || (userId !== p.userId && !can(p, "users:manage"))) return denied("creating a token for another user");
    if (!isText(inp.name, 100)) return input("name", "must be 1 to 100 characters");
    if (!Array.isArray(inp.scopes) || inp.scopes.length === 0 || inp.scopes.length > 10) return input("scopes", "must be a list of 1 to 10 scopes");
    const unknown = inp.scopes.find((s) => !isScope(s));
    if (unknown !== undefined) return securityRefusal("SCOPE_UNKNOWN", `unknown scope ${JSON.stringify(printable(unknown, 40))}`, { scope: printable(unknown, 40) });
    const maxDays = this.config.apiTokens.maxDays;
    const days = inp.days ?? maxDays;
    if (!Number.isInteger(days) || days < 1 || days > maxDays) return input("days", `must be a whole number from 1 to ${maxDays}`);
    const u = await this.user(this.db, userId);
    if (!u || u.disabled) return securityRefusal("USER_UNKNOWN", `no active user ${userId}`, { userId });
    const id = `t${this.random(8).toString("hex")}`;
    const token = `${TOKEN_PREFIX}${id}_${this.random(32).toString("base64url")}`;
    const scopes = [...new Set(inp.scopes)];
    await this.db.query(
      "INSERT INTO api_tokens (id, token_hash, user_id, name, scopes, created_at, expires_at) VALUES ($1,$2,$3,$4,$5,$6,$7)",
      [id, sha256(token), userId, inp.name, scopes, this.iso(), this.iso(days * 86_400_000)],
    );
    const row = (await this.db.query<TokenRow>("SELECT * FROM api_tokens WHERE id = $1", [id])).rows[0] as TokenRow;
    return ok({ token, view: tokenView(row) });
  }

  async authenticateToken(token: string): Promise<AuthResult<Principal>> {
    const bad = securityRefusal("TOKEN_INVALID", "the API token is unknown, expired or revoked", {});
    const m = typeof token === "string" && token.length <= 200 ? /^ets_(t[0-9a-f]{16})_[A-Za-z0-9_-]{43}$/.exec(token) : null;
    if (!m) return bad;
    const row = (await this.db.query<TokenRow & { token_hash: string }>("SELECT * FROM api_tokens WHERE id = $1", [m[1]])).rows[0];
    if (!row || !timingSafeEqual(Buffer.from(row.token_hash), Buffer.from(sha256(token)))) return bad;
    if (row.revoked_at !== null || Date.parse(row.expires_at) <= this.now().getTime()) return bad;
    const principal = await this.principalOf(row.user_id, "token", row.scopes.filter(isScope), row.id);
    if (!principal) return bad;
    // At most one write a minute per token, so that authenticating stays a read on busy clients.
    if (row.last_used_at === null || Date.parse(row.last_used_at) < this.now().getTime() - 60_000) {
      await this.db.query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1", [row.id, this.iso()]);
    }
    return ok(principal);
  }

  async revokeApiToken(caller: Caller, tokenId: string): Promise<AuthResult<ApiTokenView>> {
    const res = await this.audit.guard(caller, "token.revoke", async (): Promise<AuthResult<ApiTokenView>> => {
      const row = isText(tokenId, 100) ? (await this.db.query<TokenRow>("SELECT * FROM api_tokens WHERE id = $1", [tokenId])).rows[0] : undefined;
      if (!row || (row.user_id !== caller.principal.userId && !can(caller.principal, "users:manage"))) {
        return securityRefusal("TOKEN_INVALID", "no such API token of yours", {});
      }
      if (row.revoked_at === null) await this.db.query("UPDATE api_tokens SET revoked_at = $2 WHERE id = $1", [row.id, this.iso()]);
      return ok(tokenView({ ...row, revoked_at: row.revoked_at ?? this.iso() }));
    });
    return this.audit.outcome(caller, "token.revoke", typeof tokenId === "string" ? tokenId.slice(0, 100) : null, res);
  }

  async listApiTokens(caller: Caller, userId: string): Promise<AuthResult<ApiTokenView[]>> {
    if (caller.principal.userId !== userId && !can(caller.principal, "users:manage")) return denied("listing another user's tokens");
    const r = await this.db.query<TokenRow>("SELECT * FROM api_tokens WHERE user_id = $1 ORDER BY created_at, id LIMIT 500", [userId]);
    return ok(r.rows.map(tokenView));
  }

  /** The principal a user acts as (global roles plus representative when they represent an account); undefined if unknown or disabled. */
  async principalOf(userId: string, via: Principal["via"], scopes: Principal["scopes"], credentialId?: string): Promise<Principal | undefined> {
    const u = await this.user(this.db, userId);
    if (!u || u.disabled || (u.demo && !this.config.demoMode)) return undefined;
    const roles = await this.rolesOf(this.db, u);
    const p: Principal = { userId: u.id, roles: roles.length > 0 ? roles : ["public"], via, scopes };
    return credentialId === undefined ? p : { ...p, credentialId };
  }
}

function sessionView(r: SessionRow): SessionView {
  return { sessionId: r.id, userId: r.user_id, createdAt: r.created_at, expiresAt: r.expires_at, revokedAt: r.revoked_at, ip: r.ip };
}

function tokenView(r: TokenRow): ApiTokenView {
  return {
    tokenId: r.id, userId: r.user_id, name: r.name, scopes: r.scopes.filter(isScope), createdAt: r.created_at, expiresAt: r.expires_at,
    revokedAt: r.revoked_at, lastUsedAt: r.last_used_at,
  };
}
