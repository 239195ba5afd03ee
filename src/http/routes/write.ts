// State-changing registry operations: unit classes and accounts (national administrator),
// issuance and administrative transactions, the representatives' transfers, surrenders,
// retirements and cancellations, the held-transaction decisions, reversals, and the release of
// due transactions. Each goes through the SecureRegistry, which applies the rulebook's security
// rules and writes the audit row. The transaction id in the body is the idempotency key:
// the first request answers 201, a repeat with the same content 200 with the same transaction.
import { z } from "@hono/zod-openapi";
import type { Caller } from "../../domain/security/roles.ts";
import { roles } from "../access.ts";
import type { AppDeps, HttpConfig } from "../context.ts";
import { created, fail, unwrap } from "../problem.ts";
import { op, type Op } from "../route.ts";
import {
  Account, AccountId, AccountLimitView, AdminTxBody, BatchBody, Quantity, DecideBody, DefineClassBody, IssueBody, OpenAccountBody, RetireBody, ReverseBody, ShortText, TerminalBody, Transaction,
  TransactionId, TransferBody, UnitClass,
} from "../schemas.ts";
import { toJson } from "../views.ts";
import { accountParam, txParam } from "./read.ts";

const ADMIN = ["national-admin"] as const;
const REP = ["representative"] as const;
const BatchView = z
  .object({ id: z.string(), key: z.string(), kind: z.string(), size: z.number().int(), createdAt: z.string(), transactions: z.array(Transaction) })
  .openapi("BatchResult");
const done = (d: string) => ({ 201: { description: d, schema: Transaction }, 200: { description: "A repeat of an earlier request with the same id: the same transaction", schema: Transaction } });

export function writeOps(deps: AppDeps, _config: HttpConfig): Op[] {
  const { registry, ledger } = deps;

  /** The registry's open terminal account of a type (surrender, retirement, ...), when the caller names none. */
  async function terminal(type: string, given: string | undefined): Promise<string> {
    if (given) return given;
    const list = await ledger.listAccounts({ type, status: "open", limit: 1 });
    const first = list.items[0];
    if (!first) fail(422, "no-terminal-account", `the registry has no open ${type} account; name one in "to"`, { code: 2001, check: "destination-unknown" });
    return first.id;
  }

  const terminalOp = (kind: string, path: string, operationId: string, summary: string, accountType: string) =>
    op({
      method: "post",
      path,
      operationId,
      summary,
      tag: "transactions",
      access: roles(REP, "transfer:initiate", "representative with the initiate right on the source account"),
      body: TerminalBody,
      responses: done(`The ${kind} (completed, or awaiting approval)`),
      handler: async ({ c, caller, body }) => {
        const to = await terminal(accountType, body.to);
        return created(c, await registry.initiate(caller, { transactionId: body.transactionId, kind, legs: [{ classCode: body.classCode, from: body.from, to, quantity: body.quantity }], ...(body.note ? { note: body.note } : {}) }));
      },
    });

  const decision = (action: "approve" | "reject" | "cancel", summary: string, access: ReturnType<typeof roles>) =>
    op({
      method: "post",
      path: `/v1/transactions/{transactionId}/${action}`,
      operationId: `${action}Transaction`,
      summary,
      tag: "transactions",
      access,
      params: txParam,
      body: DecideBody,
      responses: { 200: { description: "The transaction after the decision", schema: Transaction } },
      handler: async ({ c, caller, params, body }) => {
        const input = { transactionId: params.transactionId, ...(body.reason ? { reason: body.reason } : {}) };
        const r = action === "approve" ? await registry.approve(caller, input) : action === "reject" ? await registry.reject(caller, input) : await registry.cancel(caller, input);
        return c.json(toJson(unwrap(r)) as never, 200);
      },
    });

  /** An administrator's change of an account's status: one route shape for block, unblock and close. */
  const AccountStatusChange = z.object({ commandId: TransactionId, reason: ShortText.optional() }).strict().openapi("AccountStatusChange");
  const statusOp = (verb: string, operationId: string, summary: string, method: "blockAccount" | "unblockAccount" | "closeAccount") =>
    op({
      method: "post",
      path: `/v1/accounts/{accountId}/${verb}`,
      operationId,
      summary,
      tag: "accounts",
      access: roles(ADMIN, "admin"),
      params: accountParam,
      body: AccountStatusChange,
      responses: { 201: { description: "The account", schema: Account }, 200: { description: "Repeat of the same command", schema: Account } },
      handler: async ({ c, caller, params, body }) =>
        created(c, await registry[method](caller, { commandId: body.commandId, accountId: params.accountId, ...(body.reason ? { reason: body.reason } : {}) })),
    });
  const systemTick = async (caller: Caller) => registry.releaseDue(caller);

  return [
    op({
      method: "post",
      path: "/v1/classes",
      operationId: "defineClass",
      summary: "Define a unit class (e.g. an allowance vintage)",
      tag: "classes",
      access: roles(ADMIN, "admin"),
      body: DefineClassBody,
      responses: { 201: { description: "The class", schema: UnitClass }, 200: { description: "Repeat of the same command", schema: UnitClass } },
      handler: async ({ c, caller, body }) => created(c, await registry.defineClass(caller, body)),
    }),
    op({
      method: "post",
      path: "/v1/accounts",
      operationId: "openAccount",
      summary: "Open an account",
      tag: "accounts",
      access: roles(ADMIN, "admin"),
      body: OpenAccountBody,
      responses: { 201: { description: "The account", schema: Account }, 200: { description: "Repeat of the same command", schema: Account } },
      handler: async ({ c, caller, body }) => created(c, await registry.openAccount(caller, body)),
    }),
    statusOp("block", "blockAccount", "Block an account: it can no longer send (administrator)", "blockAccount"),
    statusOp("unblock", "unblockAccount", "Unblock an account (administrator)", "unblockAccount"),
    statusOp("close", "closeAccount", "Close an account for good; refused while it holds units (administrator)", "closeAccount"),
    op({
      method: "post",
      path: "/v1/issuances",
      operationId: "issue",
      summary: "Issue new units of a class into a national account (administrator; a second administrator approves)",
      tag: "transactions",
      access: roles(ADMIN, "admin"),
      body: IssueBody,
      responses: done("The issuance (awaiting a second administrator's approval, or completed)"),
      handler: async ({ c, caller, body }) =>
        created(c, await registry.initiate(caller, { transactionId: body.transactionId, kind: "issuance", legs: [{ classCode: body.classCode, from: null, to: body.to, quantity: body.quantity }], ...(body.note ? { note: body.note } : {}) })),
    }),
    op({
      method: "post",
      path: "/v1/administrative-transactions",
      operationId: "administrativeTransaction",
      summary: "An administrative kind (allocation, auction delivery, internal transfer, reserve release/intake, correction, ...)",
      tag: "transactions",
      access: roles(ADMIN, "admin"),
      body: AdminTxBody,
      responses: done("The transaction"),
      handler: async ({ c, caller, body }) => created(c, await registry.initiate(caller, { transactionId: body.transactionId, kind: body.kind, legs: body.legs, ...(body.note ? { note: body.note } : {}) })),
    }),
    op({
      method: "post",
      path: "/v1/batches",
      operationId: "createBatch",
      summary: "Many transfers of one administrative kind in one database transaction, all or nothing (a year's allocation, an auction's awards)",
      tag: "transactions",
      access: roles(ADMIN, "admin"),
      body: BatchBody,
      responses: {
        201: { description: "The batch: its transactions, each completed", schema: BatchView },
        200: { description: "A repeat of an earlier batch with the same id: the same transactions", schema: BatchView },
      },
      handler: async ({ c, caller, body }) => created(c, await registry.batch(caller, { batchId: body.batchId, kind: body.kind, transfers: body.transfers })),
    }),
    op({
      method: "get",
      path: "/v1/accounts/{accountId}/limit",
      operationId: "getAccountLimit",
      summary: "The account's own limit per transaction outside its trusted list, and a pending change",
      tag: "trusted accounts",
      access: roles(["national-admin", "authority", "representative"], "read", "representatives: only accounts they represent"),
      params: accountParam,
      responses: { 200: { description: "The limit", schema: AccountLimitView } },
      handler: async ({ c, caller, params }) => c.json(toJson(unwrap(await registry.getAccountLimit(caller, params.accountId))) as never, 200),
    }),
    op({
      method: "put",
      path: "/v1/accounts/{accountId}/limit",
      operationId: "setAccountLimit",
      summary: "Set the account's own limit: a lower one applies at once, a raise or removal waits for a second person",
      tag: "trusted accounts",
      access: roles(["national-admin", "representative"], ["transfer:initiate", "admin"], "representative with the initiate right on the account, or an administrator"),
      params: accountParam,
      body: z.object({ limit: Quantity.nullable().openapi({ description: "Units, or null to remove the account's own limit" }) }).strict().openapi("SetAccountLimit"),
      responses: { 200: { description: "The limit, with the pending change if it waits", schema: AccountLimitView } },
      handler: async ({ c, caller, params, body }) => c.json(toJson(unwrap(await registry.setAccountLimit(caller, { accountId: params.accountId, limit: body.limit }))) as never, 200),
    }),
    op({
      method: "post",
      path: "/v1/accounts/{accountId}/limit/approve",
      operationId: "approveAccountLimit",
      summary: "Second approval of a raised or removed account limit, naming the version approved (never by its proposer)",
      tag: "trusted accounts",
      access: roles(["national-admin", "representative"], ["transfer:approve", "admin"], "representative with the approve right on the account, or an administrator; not the proposer"),
      params: accountParam,
      body: z.object({ version: z.number().int().min(1).openapi({ description: "The pending change's version, as read" }) }).strict().openapi("ApproveAccountLimit"),
      responses: { 200: { description: "The limit now in force", schema: AccountLimitView } },
      handler: async ({ c, caller, params, body }) => c.json(toJson(unwrap(await registry.approveAccountLimit(caller, { accountId: params.accountId, version: body.version }))) as never, 200),
    }),
    op({
      method: "post",
      path: "/v1/transfers",
      operationId: "transfer",
      summary: "Transfer units to another account (awaits a second representative; delayed when the destination is not trusted)",
      tag: "transactions",
      access: roles(REP, "transfer:initiate", "representative with the initiate right on the source account"),
      body: TransferBody,
      responses: done("The transfer (awaiting approval, delayed, or completed)"),
      handler: async ({ c, caller, body }) =>
        created(c, await registry.initiate(caller, { transactionId: body.transactionId, kind: "transfer", legs: [{ classCode: body.classCode, from: body.from, to: body.to, quantity: body.quantity }], ...(body.note ? { note: body.note } : {}) })),
    }),
    terminalOp("surrender", "/v1/surrenders", "surrender", "Surrender units for compliance", "surrender"),
    op({
      method: "post",
      path: "/v1/retirements",
      operationId: "retire",
      summary: "Retire units for a purpose and a beneficiary",
      tag: "transactions",
      access: roles(REP, "transfer:initiate", "representative with the initiate right on the source account"),
      body: RetireBody,
      responses: done("The retirement"),
      handler: async ({ c, caller, body }) => {
        const to = await terminal("retirement", body.to);
        return created(
          c,
          await registry.initiate(caller, {
            transactionId: body.transactionId, kind: "retirement", legs: [{ classCode: body.classCode, from: body.from, to, quantity: body.quantity }],
            purpose: body.purpose, beneficiary: body.beneficiary, ...(body.note ? { note: body.note } : {}),
          }),
        );
      },
    }),
    terminalOp("voluntary_cancellation", "/v1/cancellations", "cancelUnits", "Cancel units voluntarily", "voluntary_cancellation"),
    decision("approve", "Approve a held transaction (a different representative with the approve right; four-eyes)", roles(["national-admin", "representative"], ["transfer:approve", "admin"], "representative with the approve right on the source account, not the initiator; administrators for administrative kinds")),
    decision("reject", "Reject a transaction awaiting approval", roles(["national-admin", "representative"], ["transfer:approve", "admin"], "representative with the approve right on the source account; administrators for administrative kinds")),
    decision("cancel", "Cancel a held transaction (awaiting approval or inside its delay)", roles(["national-admin", "representative"], ["transfer:initiate", "admin"], "the initiator, or a national administrator")),
    op({
      method: "post",
      path: "/v1/transactions/{transactionId}/reversal",
      operationId: "reverseTransaction",
      summary: "Reverse a completed transaction: the same serials go back (administrator)",
      tag: "transactions",
      access: roles(ADMIN, "admin"),
      params: txParam,
      body: ReverseBody,
      responses: done("The reversal transaction"),
      handler: async ({ c, caller, params, body }) =>
        created(c, await registry.reverse(caller, { transactionId: body.reversalId, reverses: params.transactionId, ...(body.reason ? { reason: body.reason } : {}) })),
    }),
    op({
      method: "post",
      path: "/v1/release-due",
      operationId: "releaseDue",
      summary: "Run the scheduler's tick now: end expired approvals and complete delayed transactions whose delay has passed",
      tag: "transactions",
      access: roles(ADMIN, "admin"),
      responses: {
        200: {
          description: "What happened to each due transaction",
          schema: z.object({ items: z.array(z.object({ transactionId: z.string(), ok: z.boolean(), status: z.string().nullable(), code: z.number().nullable() })) }).openapi("ReleaseReport"),
        },
      },
      handler: async ({ c, caller }) => {
        const out = unwrap(await systemTick(caller));
        return c.json({ items: out.map((x) => ({ transactionId: x.transactionId, ok: x.result.ok, status: x.result.ok ? x.result.value.status : null, code: x.result.ok ? null : x.result.code })) }, 200);
      },
    }),
  ];
}

export { AccountId };
