// The registry rules administrators operate (issue 17): an account's graded state with the
// reason, the freeze of the registry's transactions while a reconciliation runs, and the
// allocation entitlements returns of excess allocation are measured against. The rules
// themselves are the rulebook's `ledger` section and are kept by the ledger on every write.
import { z } from "@hono/zod-openapi";
import { ACCOUNT_STATE_CODES } from "../../domain/ledger/catalog.ts";
import { roles } from "../access.ts";
import type { AppDeps, HttpConfig } from "../context.ts";
import { created } from "../problem.ts";
import { op, type Op } from "../route.ts";
import { Account, Amount, ShortText, Time, TransactionId } from "../schemas.ts";
import { accountParam } from "./read.ts";

const ADMIN = ["national-admin"] as const;

const AccountStateBody = z
  .object({
    commandId: TransactionId,
    status: z.enum(ACCOUNT_STATE_CODES as unknown as [string, ...string[]]).openapi({ description: "The state: open, blocked, restricted, suspended, transfer_pending, closure_pending or closed" }),
    reason: ShortText.optional().openapi({ description: "Why (required for every state but open); shown with the account" }),
  })
  .strict()
  .openapi("AccountStateChange");

const FreezeBody = z
  .object({ commandId: TransactionId, frozen: z.boolean(), reason: z.string().min(1).max(500) })
  .strict()
  .openapi("FreezeSwitch");
const Freeze = z
  .object({ frozen: z.boolean(), reason: z.string().nullable(), commandId: z.string().nullable(), at: Time.nullable() })
  .openapi("Freeze");

const EntitlementBody = z
  .object({
    commandId: TransactionId,
    year: z.number().int().min(1990).max(2200),
    table: z.enum(["NAT", "NER"]).openapi({ description: "NAT: the national allocation table; NER: the new entrants' reserve" }),
    quantity: Amount,
  })
  .strict()
  .openapi("EntitlementRecord");
const Entitlement = z
  .object({ commandId: z.string(), accountId: z.string(), year: z.number().int(), table: z.enum(["NAT", "NER"]), quantity: Amount, at: Time })
  .openapi("Entitlement");

export function rulesOps(deps: AppDeps, _config: HttpConfig): Op[] {
  const { registry } = deps;
  return [
    op({
      method: "post",
      path: "/v1/accounts/{accountId}/state",
      operationId: "setAccountState",
      summary: "Put an account in a state, with the reason (administrator)",
      description:
        "Puts an account in any state of the catalogue, the graded restrictions among them: restricted (trading stops; surrender and returns of allocation go on), suspended (only administrators take units out; nothing arrives), transfer_pending, closure_pending, blocked, open or closed. What each state lets through is the rulebook's table (docs/reference/checks.md). A reason is required for every state but open. Closing keeps its preconditions. The commandId is the idempotency key.",
      errors: [404, 409, 422],
      tag: "accounts",
      access: roles(ADMIN, "admin"),
      params: accountParam,
      body: AccountStateBody,
      responses: { 201: { description: "The account", schema: Account }, 200: { description: "Repeat of the same command", schema: Account } },
      handler: async ({ c, caller, params, body }) =>
        created(c, await registry.setAccountState(caller, { commandId: body.commandId, accountId: params.accountId, status: body.status, ...(body.reason ? { reason: body.reason } : {}) })),
    }),
    op({
      method: "post",
      path: "/v1/registry/freeze",
      operationId: "setFreeze",
      summary: "Freeze or unfreeze the registry's transactions (administrator)",
      description:
        "Freezes the registry's transactions while a reconciliation runs (frozen: true), or lifts the freeze: while frozen nothing is proposed, decided, released or reversed (409, code 6008). The switch waits for the writes under way. The reason is recorded. The commandId is the idempotency key.",
      errors: [409, 422],
      tag: "accounts",
      access: roles(ADMIN, "admin"),
      body: FreezeBody,
      responses: { 201: { description: "The freeze", schema: Freeze }, 200: { description: "Repeat of the same command", schema: Freeze } },
      handler: async ({ c, caller, body }) => created(c, await registry.setFreeze(caller, body)),
    }),
    op({
      method: "post",
      path: "/v1/accounts/{accountId}/entitlements",
      operationId: "setEntitlement",
      summary: "Record an account's allocation entitlement for a year (administrator)",
      description:
        "Records what an account is entitled to for a year and allocation table; the latest record counts. A return of excess allocation never exceeds what was allocated beyond it (code 3007). The commandId is the idempotency key.",
      errors: [404, 409, 422],
      tag: "accounts",
      access: roles(ADMIN, "admin"),
      params: accountParam,
      body: EntitlementBody,
      responses: { 201: { description: "The entitlement", schema: Entitlement }, 200: { description: "Repeat of the same command", schema: Entitlement } },
      handler: async ({ c, caller, params, body }) => created(c, await registry.setEntitlement(caller, { ...body, accountId: params.accountId })),
    }),
  ];
}
