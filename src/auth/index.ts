// Users and sign-in: argon2id password hashes, a TOTP second factor (RFC 6238) for the roles the
// rulebook names, short-lived revocable sessions and scoped API tokens (only hashes of both are
// stored), exponential backoff and lockout after failed sign-ins. Every state change is written
// to the audit log. The HTTP layer turns a bearer secret into a Principal with getSession or
// authenticateToken and passes it, with the client's address, as a Caller to every service.
export { AuthService, type AuthServiceOptions } from "./service.ts";
export { totp, verifyTotpCode, base32Encode, base32Decode, otpauthUri } from "./totp.ts";
export type * from "./types.ts";
