// Administration: users (national administrator), account representatives and trusted account
// lists, holding limits, and the audit trail (administrators and the authority).
import { z } from "@hono/zod-openapi";
import { roles } from "../access.ts";
import type { AppDeps, HttpConfig } from "../context.ts";
import { created, unwrap } from "../problem.ts";
import { op, type Op } from "../route.ts";
import {
  AccountId, AddRepresentativeBody, AddTrustedBody, AuditQueryParams, AuditRow, CreatedUser, CreateUserBody, DisabledBody, HolderLimit, Lockout, PageQuery,
  PasswordBody, page, Representative, RolesBody, TotpEnrolment, TrustedEntry, User,
} from "../schemas.ts";
import { DEFAULT_PAGE, decodeCursor, defined, pageOf, toJson } from "../views.ts";
import { accountParam } from "./read.ts";

const ADMIN = ["national-admin"] as const;
const userParam = z.object({ userId: z.string().min(2).max(64) });

export function adminOps(deps: AppDeps, _config: HttpConfig): Op[] {
  const { auth, registry, audit } = deps;
  return [
    op({
      method: "get",
      path: "/v1/users",
      operationId: "listUsers",
      summary: "Users",
      tag: "users",
      access: roles(["national-admin", "authority"], ["admin", "audit:read"]),
      query: PageQuery,
      responses: { 200: { description: "A page of users", schema: page(User, "UserPage") } },
      handler: async ({ c, caller, query }) => {
        const limit = query.limit ?? DEFAULT_PAGE;
        const after = decodeCursor(query.cursor);
        const list = unwrap(await auth.listUsers(caller, { ...(after ? { after } : {}), limit: limit + 1 }));
        return c.json(toJson(pageOf(list, limit, (u) => u.userId)) as never, 200);
      },
    }),
    op({
      method: "post",
      path: "/v1/users",
      operationId: "createUser",
      summary: "Create a user; when the roles need a second factor, the TOTP enrolment is returned once",
      tag: "users",
      access: roles(ADMIN, "admin"),
      body: CreateUserBody,
      responses: { 201: { description: "The user", schema: CreatedUser } },
      handler: async ({ c, caller, body }) => c.json(toJson(unwrap(await auth.createUser(caller, defined(body)))) as never, 201),
    }),
    op({
      method: "get",
      path: "/v1/users/{userId}",
      operationId: "getUser",
      summary: "One user",
      tag: "users",
      access: roles(["national-admin", "authority"], ["admin", "audit:read"]),
      params: userParam,
      responses: { 200: { description: "The user", schema: User } },
      handler: async ({ c, caller, params }) => c.json(toJson(unwrap(await auth.getUser(caller, params.userId))) as never, 200),
    }),
    op({
      method: "put",
      path: "/v1/users/{userId}/roles",
      operationId: "setUserRoles",
      summary: "Set a user's global roles",
      tag: "users",
      access: roles(ADMIN, "admin"),
      params: userParam,
      body: RolesBody,
      responses: { 200: { description: "The user", schema: User } },
      handler: async ({ c, caller, params, body }) => c.json(toJson(unwrap(await auth.setRoles(caller, params.userId, body.roles))) as never, 200),
    }),
    op({
      method: "put",
      path: "/v1/users/{userId}/disabled",
      operationId: "setUserDisabled",
      summary: "Disable or enable a user (disabling ends their sessions and tokens)",
      tag: "users",
      access: roles(ADMIN, "admin"),
      params: userParam,
      body: DisabledBody,
      responses: { 200: { description: "The user", schema: User } },
      handler: async ({ c, caller, params, body }) => c.json(toJson(unwrap(await auth.setDisabled(caller, params.userId, body.disabled))) as never, 200),
    }),
    op({
      method: "put",
      path: "/v1/users/{userId}/password",
      operationId: "setUserPassword",
      summary: "Set a user's password (administrator); their sessions end",
      tag: "users",
      access: roles(ADMIN, "admin"),
      params: userParam,
      body: PasswordBody,
      responses: { 200: { description: "The user", schema: User } },
      handler: async ({ c, caller, params, body }) => c.json(toJson(unwrap(await auth.changePassword(caller, { userId: params.userId, newPassword: body.newPassword }))) as never, 200),
    }),
    op({
      method: "post",
      path: "/v1/users/{userId}/totp-reset",
      operationId: "resetUserTotp",
      summary: "New TOTP secret for a user (shown once)",
      tag: "users",
      access: roles(ADMIN, "admin"),
      params: userParam,
      responses: { 200: { description: "The enrolment", schema: TotpEnrolment } },
      handler: async ({ c, caller, params }) => c.json(unwrap(await auth.resetTotp(caller, params.userId)), 200),
    }),
    op({
      method: "post",
      path: "/v1/users/{userId}/unlock",
      operationId: "unlockUser",
      summary: "Lift a sign-in lockout",
      tag: "users",
      access: roles(ADMIN, "admin"),
      params: userParam,
      responses: { 200: { description: "The lockout state", schema: Lockout } },
      handler: async ({ c, caller, params }) => c.json(unwrap(await auth.unlock(caller, params.userId)), 200),
    }),
    op({
      method: "delete",
      path: "/v1/users/{userId}/sessions",
      operationId: "revokeUserSessions",
      summary: "End every session of a user",
      tag: "users",
      access: roles(ADMIN, "admin"),
      params: userParam,
      responses: { 200: { description: "How many sessions ended", schema: z.object({ revoked: z.number().int() }).openapi("Revoked") } },
      handler: async ({ c, caller, params }) => c.json(unwrap(await auth.revokeAllSessions(caller, params.userId)), 200),
    }),
    op({
      method: "get",
      path: "/v1/users/{userId}/tokens",
      operationId: "listUserTokens",
      summary: "A user's API tokens (never the secrets)",
      tag: "users",
      access: roles(ADMIN, "admin"),
      params: userParam,
      responses: { 200: { description: "Tokens", schema: z.object({ items: z.array(z.unknown()) }) } },
      handler: async ({ c, caller, params }) => c.json({ items: unwrap(await auth.listApiTokens(caller, params.userId)) } as never, 200),
    }),
    op({
      method: "get",
      path: "/v1/accounts/{accountId}/representatives",
      operationId: "listRepresentatives",
      summary: "Representatives of an account and their rights",
      tag: "representatives",
      access: roles(["national-admin", "authority", "representative"], "read", "representatives: only accounts they represent"),
      params: accountParam,
      responses: { 200: { description: "Representatives", schema: z.object({ items: z.array(Representative) }).openapi("RepresentativeList") } },
      handler: async ({ c, caller, params }) => c.json(toJson({ items: unwrap(await registry.listRepresentatives(caller, params.accountId)) }) as never, 200),
    }),
    op({
      method: "post",
      path: "/v1/accounts/{accountId}/representatives",
      operationId: "addRepresentative",
      summary: "Make a user a representative of an account, with initiate and/or approve rights",
      tag: "representatives",
      access: roles(ADMIN, "admin"),
      params: accountParam,
      body: AddRepresentativeBody,
      responses: { 201: { description: "The representative", schema: Representative } },
      handler: async ({ c, caller, params, body }) => c.json(toJson(unwrap(await registry.addRepresentative(caller, { accountId: params.accountId, ...body }))) as never, 201),
    }),
    op({
      method: "delete",
      path: "/v1/accounts/{accountId}/representatives/{userId}",
      operationId: "removeRepresentative",
      summary: "Remove a representative from an account",
      tag: "representatives",
      access: roles(ADMIN, "admin"),
      params: accountParam.extend({ userId: z.string().min(2).max(64) }),
      responses: { 200: { description: "The removed representative", schema: Representative } },
      handler: async ({ c, caller, params }) => c.json(toJson(unwrap(await registry.removeRepresentative(caller, params))) as never, 200),
    }),
    op({
      method: "get",
      path: "/v1/accounts/{accountId}/trusted",
      operationId: "listTrusted",
      summary: "The account's trusted account list (active and pending entries)",
      tag: "trusted accounts",
      access: roles(["national-admin", "authority", "representative"], "read", "representatives: only accounts they represent"),
      params: accountParam,
      responses: { 200: { description: "Entries", schema: z.object({ items: z.array(TrustedEntry) }).openapi("TrustedList") } },
      handler: async ({ c, caller, params }) => c.json(toJson({ items: unwrap(await registry.listTrusted(caller, params.accountId)) }) as never, 200),
    }),
    op({
      method: "post",
      path: "/v1/accounts/{accountId}/trusted",
      operationId: "addTrusted",
      summary: "Propose an account for the trusted list; after a second person's approval it becomes active after the working-day delay",
      tag: "trusted accounts",
      access: roles(["national-admin", "representative"], ["transfer:initiate", "admin"], "representative with the initiate right on the account, or an administrator"),
      params: accountParam,
      body: AddTrustedBody,
      responses: { 201: { description: "The pending entry", schema: TrustedEntry } },
      handler: async ({ c, caller, params, body }) => c.json(toJson(unwrap(await registry.addTrusted(caller, { accountId: params.accountId, trustedAccountId: body.trustedAccountId }))) as never, 201),
    }),
    op({
      method: "post",
      path: "/v1/accounts/{accountId}/trusted/{trustedAccountId}/approve",
      operationId: "approveTrusted",
      summary: "Second approval of a proposed trusted-list entry (never by its proposer)",
      tag: "trusted accounts",
      access: roles(["national-admin", "representative"], ["transfer:approve", "admin"], "representative with the approve right on the account, or an administrator; not the proposer"),
      params: accountParam.extend({ trustedAccountId: AccountId }),
      body: z.object({ entryId: z.string().regex(/^\d{1,18}$/).openapi({ description: "The id of the entry being approved, as listed: an entry proposed again since is another entry" }) }).strict().openapi("ApproveTrustedBody"),
      responses: { 200: { description: "The entry, now pending until its activation time", schema: TrustedEntry } },
      handler: async ({ c, caller, params, body }) => c.json(toJson(unwrap(await registry.approveTrusted(caller, { ...params, entryId: body.entryId }))) as never, 200),
    }),
    op({
      method: "delete",
      path: "/v1/accounts/{accountId}/trusted/{trustedAccountId}",
      operationId: "removeTrusted",
      summary: "Remove an account from the trusted list (at once)",
      tag: "trusted accounts",
      access: roles(["national-admin", "representative"], ["transfer:initiate", "admin"], "representative with the initiate right on the account, or an administrator"),
      params: accountParam.extend({ trustedAccountId: AccountId }),
      responses: { 200: { description: "The removed entry", schema: TrustedEntry } },
      handler: async ({ c, caller, params }) => c.json(toJson(unwrap(await registry.removeTrusted(caller, params))) as never, 200),
    }),
    op({
      method: "get",
      path: "/v1/holders/{holder}/limit",
      operationId: "holderLimit",
      summary: "A holder's holdings counted toward its holding limit, and the limit",
      tag: "accounts",
      access: roles(["national-admin", "authority", "representative"], "read", "representatives: only holders whose accounts they represent"),
      params: z.object({ holder: z.string().min(1).max(200) }),
      responses: { 200: { description: "Held and limit", schema: HolderLimit } },
      handler: async ({ c, caller, params }) => c.json(toJson(unwrap(await registry.holderLimit(caller, params.holder))) as never, 200),
    }),
    op({
      method: "get",
      path: "/v1/audit",
      operationId: "queryAudit",
      summary: "The audit trail of state-changing requests (who, what, when, from where, outcome)",
      tag: "audit",
      access: roles(["national-admin", "authority"], "audit:read"),
      query: AuditQueryParams,
      responses: { 200: { description: "A page of audit rows, oldest first", schema: page(AuditRow, "AuditPage") } },
      handler: async ({ c, caller, query }) => {
        const { cursor, ...q } = query;
        const r = unwrap(await audit.query(caller, defined({ ...q, after: cursor })));
        return c.json({ items: r.rows, nextCursor: r.next } as never, 200);
      },
    }),
  ];
}

export { created };
