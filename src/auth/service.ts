// The AuthService: users, passwords, second factor, sessions, API tokens and sign-in throttling.
import type { AuditLog } from "../audit/index.ts";
import type { SecurityConfig } from "../domain/security/config.ts";
import type { Caller, GlobalRole, Principal } from "../domain/security/roles.ts";
import type { Clock } from "../platform/clock.ts";
import type { Db } from "../store/db.ts";
import type {
  ApiTokenView, AuthResult, CreatedApiToken, CreatedUser, CreateUserInput, LockoutState, SessionGrant, SessionView, SignInInput, SignInOutcome,
  TotpEnrolment, UserView,
} from "./types.ts";
import type { Scope } from "../domain/security/roles.ts";

export interface AuthServiceOptions {
  /** Issuer shown in authenticator apps. Default "OpenETS". */
  issuer?: string;
  /** Random bytes source (tests may inject a deterministic one). Default node:crypto randomBytes. */
  randomBytes?: (n: number) => Buffer;
  /** argon2id cost; tests may lower it. Default memory 19 MiB, 2 passes (OWASP minimum). */
  argon2?: { memoryCost: number; timeCost: number; parallelism: number };
}

export class AuthService {
  private constructor(
    readonly db: Db,
    readonly clock: Clock,
    readonly config: SecurityConfig,
    readonly audit: AuditLog,
    private readonly opts: AuthServiceOptions,
  ) {}

  static async open(db: Db, clock: Clock, config: SecurityConfig, audit: AuditLog, opts: AuthServiceOptions = {}): Promise<AuthService> {
    return new AuthService(db, clock, config, audit, opts);
  }

  // ---- users (national-admin; the first user may be created by a system caller) -------------
  async createUser(_caller: Caller, _input: CreateUserInput): Promise<AuthResult<CreatedUser>> { throw new Error("not implemented"); }
  async getUser(_caller: Caller, _userId: string): Promise<AuthResult<UserView>> { throw new Error("not implemented"); }
  async listUsers(_caller: Caller, _opts: { after?: string; limit?: number } = {}): Promise<AuthResult<UserView[]>> { throw new Error("not implemented"); }
  async setRoles(_caller: Caller, _userId: string, _roles: GlobalRole[]): Promise<AuthResult<UserView>> { throw new Error("not implemented"); }
  async setDisabled(_caller: Caller, _userId: string, _disabled: boolean): Promise<AuthResult<UserView>> { throw new Error("not implemented"); }
  /** A user changes their own password (old one required), or an administrator sets one. Revokes the user's sessions. */
  async changePassword(_caller: Caller, _input: { userId: string; oldPassword?: string; newPassword: string }): Promise<AuthResult<UserView>> { throw new Error("not implemented"); }
  /** New TOTP secret for a user (administrator, or the user themself); the old one stops working. */
  async resetTotp(_caller: Caller, _userId: string): Promise<AuthResult<TotpEnrolment>> { throw new Error("not implemented"); }
  async unlock(_caller: Caller, _userId: string): Promise<AuthResult<LockoutState>> { throw new Error("not implemented"); }
  async lockoutState(_userId: string): Promise<LockoutState | undefined> { throw new Error("not implemented"); }

  // ---- sign-in and sessions ------------------------------------------------------------------
  /** Password step; returns a session, or a TOTP challenge when the user's roles need a second factor. */
  async signIn(_ip: string | null, _input: SignInInput): Promise<AuthResult<SignInOutcome>> { throw new Error("not implemented"); }
  /** Second step: the challenge from signIn plus a 6-digit code. */
  async verifyTotp(_ip: string | null, _input: { challenge: string; code: string }): Promise<AuthResult<SessionGrant>> { throw new Error("not implemented"); }
  /** The principal of a session token (for every request). */
  async getSession(_token: string): Promise<AuthResult<{ principal: Principal; session: SessionView }>> { throw new Error("not implemented"); }
  /** Sign-out (own session) or revocation by an administrator; by session id or by token. */
  async revokeSession(_caller: Caller, _sessionIdOrToken: string): Promise<AuthResult<SessionView>> { throw new Error("not implemented"); }
  async revokeAllSessions(_caller: Caller, _userId: string): Promise<AuthResult<{ revoked: number }>> { throw new Error("not implemented"); }

  // ---- API tokens ----------------------------------------------------------------------------
  /** A scoped token for a machine client; for oneself, or (administrator) for another user. */
  async createApiToken(_caller: Caller, _input: { userId?: string; name: string; scopes: Scope[]; days?: number }): Promise<AuthResult<CreatedApiToken>> { throw new Error("not implemented"); }
  async authenticateToken(_token: string): Promise<AuthResult<Principal>> { throw new Error("not implemented"); }
  async revokeApiToken(_caller: Caller, _tokenId: string): Promise<AuthResult<ApiTokenView>> { throw new Error("not implemented"); }
  async listApiTokens(_caller: Caller, _userId: string): Promise<AuthResult<ApiTokenView[]>> { throw new Error("not implemented"); }

  /** The principal a user signs in as (global roles plus representative when they represent an account). */
  async principalOf(_userId: string, _via: Principal["via"], _scopes: Principal["scopes"], _credentialId?: string): Promise<Principal | undefined> { throw new Error("not implemented"); }
}
