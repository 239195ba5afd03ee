// The AuthService: users, passwords (argon2id), the TOTP second factor, sign-in and sessions, the
// one entry point for the HTTP layer and the CLI. Sign-in throttling is src/auth/throttle.ts and
// API tokens src/auth/tokens.ts. Secrets handed out (session tokens, challenges, API tokens) are
// random 32-byte values of which only the SHA-256 is stored. Every state change and every sign-in
// attempt is audited.
import { createHash, randomBytes as nodeRandomBytes } from "node:crypto";
import { hash as argonHash, verify as argonVerify } from "@node-rs/argon2";
import type { AuditLog } from "../audit/index.ts";
import type { Refusal } from "../domain/ledger/checks.ts";
import { printable, securityRefusal } from "../domain/security/codes.ts";
import type { SecurityConfig } from "../domain/security/config.ts";
import {
  type Caller, can, GLOBAL_ROLES, type GlobalRole, isGlobalRole, type Principal, type Role, type Scope, systemPrincipal, USER_ID_PATTERN,
} from "../domain/security/roles.ts";
import type { Clock } from "../platform/clock.ts";
import type { Db, Sql } from "../store/db.ts";
import { denied, input, isText, sessionRequired } from "./refusals.ts";
import { SignInThrottle } from "./throttle.ts";
import { type SessionRow, Sessions } from "./sessions.ts";
import { ApiTokens } from "./tokens.ts";
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
  /** Password hashing (default argon2id with the cost above); tests may count or replace it. */
  passwords?: PasswordHasher;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
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

const ARGON2_ID = 2; // Algorithm.Argon2id (a const enum, which verbatimModuleSyntax cannot import)
const MAX_PASSWORD = 256;

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });

export class AuthService {
  private readonly random: (n: number) => Buffer;
  private readonly passwords: PasswordHasher;
  private readonly throttle: SignInThrottle;
  private readonly tokens: ApiTokens;
  private readonly sessions: Sessions;
  /** A hash of no one's password: unknown user ids are verified against it, so they cost what known ones cost. */
  private dummyHash = "";

  private constructor(
    readonly db: Db,
    readonly clock: Clock,
    readonly config: SecurityConfig,
    readonly audit: AuditLog,
    private readonly opts: AuthServiceOptions,
  ) {
    this.random = opts.randomBytes ?? nodeRandomBytes;
    const cost = opts.argon2 ?? { memoryCost: 19_456, timeCost: 2, parallelism: 1 };
    this.passwords = opts.passwords ?? { hash: (pw) => argonHash(pw, { algorithm: ARGON2_ID, ...cost }), verify: (h, pw) => argonVerify(h, pw) };
    this.throttle = new SignInThrottle(db, clock, config.signIn);
    this.sessions = new Sessions({ db, clock, audit, principalOf: (...a) => this.principalOf(...a) });
    this.tokens = new ApiTokens({ db, clock, audit, maxDays: config.apiTokens.maxDays, random: this.random, principalOf: (...a) => this.principalOf(...a) });
  }

  static async open(db: Db, clock: Clock, config: SecurityConfig, audit: AuditLog, opts: AuthServiceOptions = {}): Promise<AuthService> {
    const s = new AuthService(db, clock, config, audit, opts);
    s.dummyHash = await s.hashPassword(`no one's password ${s.random(16).toString("hex")}`);
    return s;
  }

  private now(): Date {
    return this.clock.now();
  }

  private iso(offsetMs = 0): string {
    return new Date(this.now().getTime() + offsetMs).toISOString();
  }

  private hashPassword(pw: string): Promise<string> {
    return this.passwords.hash(pw);
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
      if (!self && !can(caller.principal, "users:manage")) {
        return caller.principal.userId === inp?.userId ? sessionRequired(caller, "changing one's own password") : denied("setting another user's password");
      }
      const u = typeof inp?.userId === "string" ? await this.user(this.db, inp.userId) : undefined;
      if (!u) return securityRefusal("USER_UNKNOWN", "no such user", { userId: printable(inp?.userId, 64) });
      if (self) {
        // The current password is throttled like a sign-in, so a stolen session cannot be used to guess it.
        const held = this.throttle.refusal(u.id, await this.throttle.load(u.id, caller.ip), true);
        if (held) return held;
        if (!(typeof inp.oldPassword === "string" && inp.oldPassword.length <= MAX_PASSWORD && (await this.passwords.verify(u.password_hash, inp.oldPassword)))) {
          return (await this.throttle.fail(u.id, caller.ip)) ?? securityRefusal("CREDENTIALS_INVALID", "the current password is wrong", {});
        }
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
      if (!self && !can(caller.principal, "users:manage")) {
        return caller.principal.userId === userId ? sessionRequired(caller, "replacing one's own second factor") : denied("resetting another user's second factor");
      }
      const u = typeof userId === "string" ? await this.user(this.db, userId) : undefined;
      if (!u) return securityRefusal("USER_UNKNOWN", "no such user", { userId: printable(userId, 64) });
      const { secret, enrolment } = this.enrolment(u.id);
      await this.db.query("UPDATE users SET totp_secret = $2, totp_last_step = NULL WHERE id = $1", [u.id, secret]);
      return ok(enrolment);
    });
    return this.audit.outcome(caller, "user.totp-reset", typeof userId === "string" ? userId.slice(0, 64) : null, res);
  }

  /** Ends every sign-in lockout of a user: at each address, and the restriction to the second factor. */
  async unlock(caller: Caller, userId: string): Promise<AuthResult<LockoutState>> {
    const res = await this.adminUpdate(caller, "user.unlock", userId, async () => {
      await this.throttle.clear(userId);
      return undefined;
    });
    if (!res.ok) return res;
    return ok((await this.lockoutState(userId)) as LockoutState);
  }

  /** A user's sign-in throttling (undefined for an unknown user). */
  async lockoutState(userId: string): Promise<LockoutState | undefined> {
    const u = await this.user(this.db, userId);
    if (!u) return undefined;
    return { userId: u.id, ...(await this.throttle.view(u.id)) };
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

  /** Password step; returns a session, or a TOTP challenge when the user's roles need a second factor. */
  async signIn(ip: string | null, inp: SignInInput): Promise<AuthResult<SignInOutcome>> {
    const claimed = typeof inp?.userId === "string" ? inp.userId.slice(0, 64) : null;
    const caller: Caller = { principal: { userId: claimed, roles: ["public"], via: "anonymous", scopes: [] }, ip };
    const res = await this.audit.guard(caller, "auth.sign-in", () => this.signInInner(ip, inp));
    return this.audit.outcome(caller, "auth.sign-in", claimed, res, res.ok ? { result: res.value.kind } : {});
  }

  /**
   * Up to the password check, a user id that exists and one that does not take the same path: the
   * same throttle (kept per id as claimed), the same statements and one password verification
   * (against a dummy hash for unknown ids), so neither the answers nor their timing tell them apart.
   */
  private async signInInner(ip: string | null, inp: SignInInput): Promise<AuthResult<SignInOutcome>> {
    const bad = securityRefusal("CREDENTIALS_INVALID", "unknown user or wrong password", {});
    if (typeof inp !== "object" || inp === null || !isText(inp.userId, 64) || !isText(inp.password, MAX_PASSWORD)) return bad;
    const st = await this.throttle.load(inp.userId, ip);
    const u = await this.user(this.db, inp.userId);
    const held = this.throttle.refusal(inp.userId, st, inp.totp !== undefined);
    if (held) return held;
    const restricted = this.throttle.restricted(st);
    const passwordOk = await this.passwords.verify(u?.password_hash ?? this.dummyHash, inp.password);
    if (!u || !passwordOk) return (await this.throttle.fail(inp.userId, ip)) ?? (restricted ? await this.stillRestricted(inp.userId) : bad);
    if (u.disabled) return securityRefusal("USER_DISABLED", `${u.id} is disabled`, { userId: u.id });
    if (u.demo && !this.config.demoMode) return securityRefusal("DEMO_ONLY", "demo users can sign in only in demo mode", { userId: u.id });
    // Restricted to the second factor: the code must come with the password, whatever the roles.
    if (restricted) return u.totp_secret === null ? this.stillRestricted(u.id) : this.checkCode(u, typeof inp.totp === "string" ? inp.totp : "", ip, true);
    if (!(await this.needsSecondFactor(u))) return this.grant(u, ip);
    if (u.totp_secret === null) return securityRefusal("SECOND_FACTOR_NOT_ENROLLED", `${u.id} must enrol a second factor first (ask an administrator)`, { userId: u.id });
    if (inp.totp !== undefined) return this.checkCode(u, typeof inp.totp === "string" ? inp.totp : "", ip, false);
    const challenge = this.random(32).toString("base64url");
    const expiresAt = this.iso(this.config.sessions.challengeMinutes * 60_000);
    await this.db.query("INSERT INTO sessions (id, token_hash, user_id, kind, created_at, expires_at, ip) VALUES ($1,$2,$3,'challenge',$4,$5,$6)", [
      `c_${this.random(9).toString("hex")}`, sha256(challenge), u.id, this.iso(), expiresAt, ip?.slice(0, 100) ?? null,
    ]);
    return ok({ kind: "totp-required", challenge, expiresAt });
  }

  /** The answer while a user id is restricted to the second factor (computed afresh: a failure may have extended it). */
  private async stillRestricted(userId: string): Promise<Refusal> {
    const until = (await this.throttle.view(userId)).lockedUntil;
    return this.throttle.secondFactorOnly(userId, until === null ? this.now().getTime() : Date.parse(until));
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
      // The challenge proves the password; the code is the second factor, so a restriction to it does not apply here.
      res = this.throttle.refusal(u.id, await this.throttle.load(u.id, ip), true) ??
        (await this.audit.guard(caller, "auth.totp", () => this.checkCode(u, typeof inp.code === "string" ? inp.code : "", ip, false)));
      if (res.ok) await this.db.query("UPDATE sessions SET revoked_at = $2 WHERE id = $1", [row.id, this.iso()]);
    }
    return this.audit.outcome(caller, "auth.totp", row?.user_id ?? null, res);
  }

  /** Checks a one-time code; while restricted to the second factor a wrong code gets the restriction's answer, like a wrong password. */
  private async checkCode(u: UserRow, code: string, ip: string | null, restricted: boolean): Promise<AuthResult<SessionGrant>> {
    if (u.totp_secret === null) return securityRefusal("TOTP_NOT_ENROLLED", `${u.id} has no second factor`, { userId: u.id });
    const step = verifyTotpCode(base32Decode(u.totp_secret), code, this.now());
    // A code is accepted once: a step at or before the last accepted one is a replay.
    if (step === null || (u.totp_last_step !== null && step <= u.totp_last_step)) {
      const locked = await this.throttle.fail(u.id, ip);
      if (restricted) return locked ?? (await this.stillRestricted(u.id));
      return locked ?? securityRefusal("TOTP_INVALID", "the one-time code is wrong, expired or already used", {});
    }
    await this.db.query("UPDATE users SET totp_last_step = $2 WHERE id = $1", [u.id, step]);
    return this.grant(u, ip);
  }

  private async grant(u: UserRow, ip: string | null): Promise<AuthResult<SessionGrant>> {
    const token = this.random(32).toString("base64url");
    const sessionId = `s_${this.random(9).toString("hex")}`;
    const expiresAt = this.iso(this.config.sessions.ttlMinutes * 60_000);
    await this.throttle.succeed(u.id, ip);
    await this.db.query("INSERT INTO sessions (id, token_hash, user_id, kind, created_at, expires_at, ip) VALUES ($1,$2,$3,'session',$4,$5,$6)", [
      sessionId, sha256(token), u.id, this.iso(), expiresAt, ip?.slice(0, 100) ?? null,
    ]);
    const principal = (await this.principalOf(u.id, "session", "all", sessionId)) as Principal;
    return ok({ kind: "session", token, sessionId, expiresAt, principal });
  }

  // ---- sessions (src/auth/sessions.ts) -------------------------------------------------------

  /** The principal of a session token (for every request). */
  getSession(token: string): Promise<AuthResult<{ principal: Principal; session: SessionView }>> {
    return this.sessions.get(token);
  }

  /** Sign-out (own session) or revocation by an administrator; by session id or by token. */
  revokeSession(caller: Caller, sessionIdOrToken: string): Promise<AuthResult<SessionView>> {
    return this.sessions.revoke(caller, sessionIdOrToken);
  }

  revokeAllSessions(caller: Caller, userId: string): Promise<AuthResult<{ revoked: number }>> {
    return this.sessions.revokeAll(caller, userId);
  }

  listSessions(caller: Caller, userId: string): Promise<AuthResult<SessionView[]>> {
    return this.sessions.list(caller, userId);
  }

  // ---- API tokens (src/auth/tokens.ts) ------------------------------------------------------

  /** A scoped token for a machine client; for oneself (signed in with a session), or (administrator) for another user. */
  createApiToken(caller: Caller, inp: { userId?: string | undefined; name: string; scopes: Scope[]; days?: number | undefined }): Promise<AuthResult<CreatedApiToken>> {
    return this.tokens.create(caller, inp);
  }

  authenticateToken(token: string): Promise<AuthResult<Principal>> {
    return this.tokens.authenticate(token);
  }

  revokeApiToken(caller: Caller, tokenId: string): Promise<AuthResult<ApiTokenView>> {
    return this.tokens.revoke(caller, tokenId);
  }

  listApiTokens(caller: Caller, userId: string): Promise<AuthResult<ApiTokenView[]>> {
    return this.tokens.list(caller, userId);
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
