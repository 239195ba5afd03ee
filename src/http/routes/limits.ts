// An account's own transaction limit (units per transaction to accounts outside its trusted list;
// EU Delegated Regulation 2023/1642): read it, propose a change, and a second person's approval,
// which names the version it approves (a change proposed again meanwhile is a new version, and
// the approval of the old one is refused with 8024). The rules are the SecureRegistry's
// (src/registry/secure/limits.ts); these routes are the API's door to them.
import { z } from "@hono/zod-openapi";
import { roles } from "../access.ts";
import type { AppDeps, HttpConfig } from "../context.ts";
import { unwrap } from "../problem.ts";
import { op, type Op } from "../route.ts";
import { AccountId, Amount, Time } from "../schemas.ts";
import { toJson } from "../views.ts";
import { accountParam } from "./read.ts";

export const AccountLimit = z
  .object({
    accountId: AccountId,
    limit: Amount.nullable().openapi({ description: "Units per transaction to accounts outside the trusted list; null: only the central limit applies" }),
    pending: z
      .object({
        limit: Amount.nullable().openapi({ description: "The proposed limit (null: remove the account's own limit)" }),
        proposedBy: z.string().nullable(),
        proposedAt: Time.nullable(),
        version: z.number().int().openapi({ description: "What an approval names" }),
      })
      .nullable()
      .openapi({ description: "A raise or removal waiting for a second person's approval" }),
    version: z.number().int().openapi({ description: "Every change makes a new version (0: never set)" }),
  })
  .openapi("AccountLimit");

const SetLimitBody = z
  .object({ limit: z.string().regex(/^\d{1,16}$/).nullable().openapi({ description: "Units as a decimal string; null removes the account's own limit", example: "500000" }) })
  .strict()
  .openapi("SetAccountLimit");

const ApproveLimitBody = z
  .object({ version: z.number().int().min(1).openapi({ description: "The version of the pending change, as read: a change proposed since is not approved by this", example: 2 }) })
  .strict()
  .openapi("ApproveAccountLimit");

export function limitOps(deps: AppDeps, _config: HttpConfig): Op[] {
  const { registry } = deps;
  return [
    op({
      method: "get",
      path: "/v1/accounts/{accountId}/limit",
      operationId: "getAccountLimit",
      summary: "The account's own transaction limit and any change awaiting approval",
      tag: "accounts",
      access: roles(["national-admin", "authority", "representative"], "read", "representatives: only accounts they represent"),
      params: accountParam,
      responses: { 200: { description: "The limit", schema: AccountLimit } },
      handler: async ({ c, caller, params }) => c.json(toJson(unwrap(await registry.getAccountLimit(caller, params.accountId))) as never, 200),
    }),
    op({
      method: "put",
      path: "/v1/accounts/{accountId}/limit",
      operationId: "setAccountLimit",
      summary: "Set the account's own transaction limit: a tighter limit applies at once, a raise or removal waits for a second person's approval",
      tag: "accounts",
      access: roles(["national-admin", "representative"], ["transfer:initiate", "admin"], "representative with the initiate right on the account, or an administrator"),
      params: accountParam,
      body: SetLimitBody,
      responses: { 200: { description: "The limit after the change (pending when it waits for approval)", schema: AccountLimit } },
      handler: async ({ c, caller, params, body }) => c.json(toJson(unwrap(await registry.setAccountLimit(caller, { accountId: params.accountId, limit: body.limit }))) as never, 200),
    }),
    op({
      method: "post",
      path: "/v1/accounts/{accountId}/limit/approve",
      operationId: "approveAccountLimit",
      summary: "Second approval of a raised or removed account limit, naming the version approved (never by its proposer)",
      tag: "accounts",
      access: roles(["national-admin", "representative"], ["transfer:approve", "admin"], "representative with the approve right on the account, or an administrator; not the proposer"),
      params: accountParam,
      body: ApproveLimitBody,
      responses: { 200: { description: "The limit, now in effect", schema: AccountLimit } },
      handler: async ({ c, caller, params, body }) => c.json(toJson(unwrap(await registry.approveAccountLimit(caller, { accountId: params.accountId, version: body.version }))) as never, 200),
    }),
  ];
}
