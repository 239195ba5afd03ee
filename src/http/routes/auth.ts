// Sign-in (password, then a TOTP code when the user's roles need one), sign-out, the caller's own
// profile, password and second factor, and API tokens for machine clients. A session lives in an
// HttpOnly, SameSite=Strict cookie (Secure in production); state-changing requests made with it
// carry the CSRF token returned at sign-in in the X-CSRF-Token header.
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import type { SessionGrant } from "../../auth/index.ts";
import { PUBLIC_ACCESS, SIGNED_IN, sessionOnly } from "../access.ts";
import { type AppDeps, csrfTokenFor, type HttpConfig } from "../context.ts";
import { fail, unwrap } from "../problem.ts";
import { op, type Op } from "../route.ts";
import { ApiToken, CreatedToken, CreateTokenBody, PageQuery, page, PasswordBody, SignedIn, SignInAnswer, SignInBody, TotpBody, TotpEnrolment, User } from "../schemas.ts";

/** The session cookie a successful sign-in sets. */
const SET_COOKIE = { description: "The session cookie (HttpOnly; SameSite=Strict; Secure in production; Path=/), named as the session security scheme says", schema: { type: "string" } };

/** The signed-in user, with the session's CSRF token (null for API tokens). */
const Me = User.extend({ csrfToken: z.string().nullable().openapi({ description: "The X-CSRF-Token of this cookie session; null for API tokens" }) }).openapi("Me");
import { defined, pageWhole, tokenKey, toJson } from "../views.ts";

export function authOps(deps: AppDeps, config: HttpConfig): Op[] {
  const { auth } = deps;

  function startSession(c: Context, g: SessionGrant): Response {
    const maxAge = Math.max(1, Math.floor((Date.parse(g.expiresAt) - deps.clock.now().getTime()) / 1000));
    setCookie(c, config.sessionCookie, g.token, { httpOnly: true, sameSite: "Strict", secure: config.production, path: "/", maxAge });
    return c.json({ kind: "session", userId: g.principal.userId ?? "", roles: [...g.principal.roles], expiresAt: g.expiresAt, csrfToken: csrfTokenFor(g.token) }, 200);
  }

  const self = (userId: string | null | undefined): string => {
    if (!userId) fail(401, "session-invalid", "sign in first", { code: 8106, check: "session-invalid" });
    return userId;
  };

  return [
    op({
      method: "post",
      path: "/v1/auth/sign-in",
      operationId: "signIn",
      summary: "Sign in with user id and password (and a TOTP code when required); sets the session cookie",
      description: "Checks the user id and password. Roles that need a second factor get a challenge (kind totp-required) to finish with POST /v1/auth/totp, unless the 6-digit code came in the same request; otherwise the answer is the session (kind session): the session cookie is set and the csrfToken must accompany every state-changing request made with it. Unknown user ids and wrong passwords get the same answers; failures back off and lock out per user and client address, and after many failures from several addresses the user signs in only with password and code together (429, code 8102).",
      tag: "auth",
      access: PUBLIC_ACCESS,
      body: SignInBody,
      responses: {
        200: {
          description: "Signed in (session cookie set), or a second-factor challenge; `kind` tells which",
          schema: SignInAnswer,
          headers: { "Set-Cookie": SET_COOKIE },
          examples: {
            session: { summary: "Signed in", value: { kind: "session", userId: "demo-rep-b", roles: ["representative"], expiresAt: "2026-04-06T17:00:00.000Z", csrfToken: "fD6x2pQmYk3R0wV8sJ1nL4tB7cE9aH5uZ2gN6yK0oXw" } },
            challenge: { summary: "A one-time code is needed next", value: { kind: "totp-required", challenge: "Vb2kq8Xz1mW4nR7tY0pL3sD6fG9hJ5cA2eU8iO1rT4y", expiresAt: "2026-04-06T09:05:00.000Z" } },
          },
        },
      },
      requestExamples: {
        password: { summary: "Password only", value: { userId: "demo-rep-b", password: "demo-rep-b-password" } },
        withCode: { summary: "Password and one-time code in one request", value: { userId: "demo-admin", password: "a-long-password-here", totp: "123456" } },
      },
      handler: async ({ c, caller, body }) => {
        const r = unwrap(await auth.signIn(caller.ip, { userId: body.userId, password: body.password, ...(body.totp ? { totp: body.totp } : {}) }));
        if (r.kind === "totp-required") return c.json({ kind: "totp-required", challenge: r.challenge, expiresAt: r.expiresAt }, 200);
        return startSession(c, r);
      },
    }),
    op({
      method: "post",
      path: "/v1/auth/totp",
      operationId: "signInTotp",
      summary: "Second sign-in step: the challenge and a 6-digit code from the authenticator app",
      description: "Finishes a sign-in that answered totp-required: the challenge and the 6-digit code from the authenticator app (RFC 6238, 30-second steps, one step of drift; each code works once). Sets the session cookie.",
      errors: [409],
      tag: "auth",
      access: PUBLIC_ACCESS,
      body: TotpBody,
      responses: { 200: { description: "Signed in (session cookie set)", schema: SignedIn, headers: { "Set-Cookie": SET_COOKIE } } },
      handler: async ({ c, caller, body }) => startSession(c, unwrap(await auth.verifyTotp(caller.ip, body))),
    }),
    op({
      method: "post",
      path: "/v1/auth/sign-out",
      operationId: "signOut",
      summary: "End the current session (revoked at once) and clear the cookie",
      description: "Revokes the current session at once and clears the cookie. With an API token it does nothing (revoke tokens with DELETE /v1/tokens/{tokenId}).",
      tag: "auth",
      access: SIGNED_IN,
      responses: { 204: { description: "Signed out" } },
      handler: async ({ c, caller }) => {
        const token = (c as Context<{ Variables: { sessionToken: string | undefined } }>).get("sessionToken");
        if (token) unwrap(await auth.revokeSession(caller, token));
        deleteCookie(c, config.sessionCookie, { path: "/", secure: config.production });
        return c.body(null, 204);
      },
    }),
    op({
      method: "get",
      path: "/v1/auth/me",
      operationId: "me",
      summary: "The signed-in user: roles (as sign-in answers them), represented accounts, second factor, and a cookie session's CSRF token",
      description: "The caller's user: global roles, the accounts they represent with their rights, whether a second factor is enrolled. For a cookie session also its CSRF token, which a reloaded console page needs again; null for API tokens.",
      tag: "auth",
      access: SIGNED_IN,
      responses: { 200: { description: "The user", schema: Me } },
      handler: async ({ c, caller }) => {
        const user = unwrap(await auth.getUser(caller, self(caller.principal.userId)));
        const session = (c as Context<{ Variables: { sessionToken: string | undefined } }>).get("sessionToken");
        // The roles the caller acts with, as sign-in answers them (a user who represents an account is a representative).
        return c.json(toJson({ ...user, roles: [...caller.principal.roles], csrfToken: session && caller.principal.via === "session" ? csrfTokenFor(session) : null }) as never, 200);
      },
    }),
    op({
      method: "post",
      path: "/v1/auth/password",
      operationId: "changeOwnPassword",
      summary: "Change one's own password (the old one is required); other sessions end",
      description: "Changes the caller's own password; the current one is required (a wrong one counts like a failed sign-in) and every other session ends. Needs a signed-in session: an API token is refused whatever its scopes (403, code 8115).",
      errors: [422],
      tag: "auth",
      access: sessionOnly("changeOwnPassword", "changing one's own password"),
      body: PasswordBody,
      responses: { 200: { description: "The user", schema: User } },
      handler: async ({ c, caller, body }) => {
        if (!body.oldPassword) fail(400, "input-invalid", "oldPassword is required", { code: 8020, check: "input-invalid", facts: { field: "oldPassword" } });
        return c.json(toJson(unwrap(await auth.changePassword(caller, { userId: self(caller.principal.userId), oldPassword: body.oldPassword, newPassword: body.newPassword }))) as never, 200);
      },
    }),
    op({
      method: "post",
      path: "/v1/auth/totp/reset",
      operationId: "resetOwnTotp",
      summary: "New TOTP secret for oneself (shown once); the old one stops working",
      description: "Replaces the caller's second-factor secret; the new secret and its otpauth URI are shown once and the old secret stops working. Needs a signed-in session: an API token is refused (403, code 8115).",
      tag: "auth",
      access: sessionOnly("resetOwnTotp", "replacing one's own second factor"),
      responses: { 200: { description: "The enrolment to put into an authenticator app", schema: TotpEnrolment } },
      handler: async ({ c, caller }) => c.json(unwrap(await auth.resetTotp(caller, self(caller.principal.userId))), 200),
    }),
    op({
      method: "get",
      path: "/v1/tokens",
      operationId: "listOwnTokens",
      summary: "One's own API tokens (never the secrets)",
      description: "The caller's API tokens, oldest first: name, scopes, creation, expiry, revocation and last use, a page at a time with a cursor. Never the secrets.",
      tag: "tokens",
      access: SIGNED_IN,
      query: PageQuery,
      responses: { 200: { description: "A page of tokens", schema: page(ApiToken, "ApiTokenList") } },
      handler: async ({ c, caller, query }) => c.json(toJson(pageWhole(unwrap(await auth.listApiTokens(caller, self(caller.principal.userId))), query, tokenKey)) as never, 200),
    }),
    op({
      method: "post",
      path: "/v1/tokens",
      operationId: "createToken",
      summary: "Create a scoped API token (for oneself; administrators also for others); the secret is shown once",
      description: "Creates an API token with scopes (read, transfer:initiate, transfer:approve, admin, audit:read, verify) and a lifetime in days (at most the rulebook's apiTokens.maxDays). The secret is in the answer once; only its hash is kept. Administrators may create tokens for other users. Needs a signed-in session: an API token cannot create tokens (403, code 8115).",
      errors: [404],
      tag: "tokens",
      access: sessionOnly("createToken", "creating API tokens"),
      body: CreateTokenBody,
      responses: { 201: { description: "The token and its secret", schema: CreatedToken } },
      handler: async ({ c, caller, body }) => c.json(toJson(unwrap(await auth.createApiToken(caller, defined(body)))) as never, 201),
    }),
    op({
      method: "delete",
      path: "/v1/tokens/{tokenId}",
      operationId: "revokeToken",
      summary: "Revoke an API token (one's own; administrators any)",
      description: "Revokes an API token at once (one's own; administrators any). Revoking again answers the same token.",
      tag: "tokens",
      access: SIGNED_IN,
      params: z.object({ tokenId: z.string().min(1).max(100) }),
      responses: { 200: { description: "The revoked token", schema: ApiToken } },
      handler: async ({ c, caller, params }) => c.json(toJson(unwrap(await auth.revokeApiToken(caller, params.tokenId))) as never, 200),
    }),
  ];
}
