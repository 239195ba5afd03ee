// The public shapes of users, sign-in, sessions and API tokens (what the HTTP layer codes against).
import type { Refusal } from "../domain/ledger/checks.ts";
import type { GlobalRole, Principal, Scope } from "../domain/security/roles.ts";

export type AuthResult<T> = { ok: true; value: T } | Refusal;

export interface UserView {
  userId: string;
  displayName: string;
  roles: GlobalRole[];
  /** Accounts the user represents, with rights. */
  representing: Array<{ accountId: string; initiate: boolean; approve: boolean }>;
  totpEnrolled: boolean;
  disabled: boolean;
  demo: boolean;
  createdAt: string;
}

export interface CreateUserInput {
  userId: string;
  displayName: string;
  password: string;
  roles?: GlobalRole[] | undefined;
  /** Marks a demo user (allowed only in demo mode). */
  demo?: boolean | undefined;
}

export interface TotpEnrolment {
  /** Base32 secret to put into an authenticator app (shown once). */
  secret: string;
  /** otpauth:// URI for a QR code. */
  uri: string;
}

export interface CreatedUser {
  user: UserView;
  /** Present when the user's roles need a second factor: the enrolment to hand over (shown once). */
  totp: TotpEnrolment | null;
}

export interface SessionGrant {
  kind: "session";
  /** The bearer secret; only its hash is stored. Send as cookie or `Authorization: Bearer`. */
  token: string;
  sessionId: string;
  expiresAt: string;
  principal: Principal;
}

export interface TotpChallenge {
  kind: "totp-required";
  /** One-time secret naming this half-finished sign-in; pass to verifyTotp. */
  challenge: string;
  expiresAt: string;
}

export type SignInOutcome = SessionGrant | TotpChallenge;

export interface SignInInput {
  userId: string;
  password: string;
  /** When given, a TOTP code in the same step (skips the challenge round trip). */
  totp?: string | undefined;
}

/** A user's sign-in throttling, for administrators (src/auth/throttle.ts). */
export interface LockoutState {
  userId: string;
  /** Failed sign-ins from all addresses counted toward signIn.maxFailuresPerUser. */
  failures: number;
  /** Until when the user signs in only with password and one-time code together (too many failures from several addresses), or null. */
  lockedUntil: string | null;
  /** Client addresses with failures still counted: each one's count, lockout and next allowed attempt (backoff). */
  addresses: Array<{ address: string; failures: number; lockedUntil: string | null; nextAttemptAt: string | null }>;
}

export interface ApiTokenView {
  tokenId: string;
  userId: string;
  name: string;
  scopes: Scope[];
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface CreatedApiToken {
  /** The bearer secret (shown once; only its hash is stored). Format: `ets_<id>_<secret>`. */
  token: string;
  view: ApiTokenView;
}

export interface SessionView {
  sessionId: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  ip: string | null;
}
