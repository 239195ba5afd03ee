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
import { type Examples, op, type Op } from "../route.ts";
import {
  Account, AccountId, AccountLimitView, AdminTxBody, BatchBody, Quantity, Time, DecideBody, DefineClassBody, IssueBody, OpenAccountBody, RetireBody, ReverseBody, ShortText, TerminalBody, Transaction,
  CommandId, TransferBody, UnitClass,
} from "../schemas.ts";
import { toJson } from "../views.ts";
import { accountParam, txParam } from "./read.ts";

const ADMIN = ["national-admin"] as const;
const REP = ["representative"] as const;
const BatchView = z
  .object({ id: z.string(), key: z.string(), kind: z.string(), size: z.number().int(), createdAt: Time, transactions: z.array(Transaction) })
  .openapi("BatchResult");
const done = (d: string, examples?: Examples) => ({
  201: { description: d, schema: Transaction, ...(examples ? { examples } : {}) },
  200: { description: "A repeat of an earlier request with the same id: the same transaction", schema: Transaction },
});

/** A transfer as it answers, for the document's examples. */
const heldTransfer = (status: "awaiting_approval" | "delayed", events: Array<{ status: string; at: string; actor: string }>) => ({
  id: "TX-7K3M9Q2P4R8SX5N6WD2H",
  key: "desk-2026-0042",
  kind: "transfer",
  status,
  legs: [{ classCode: "JPA-2026", from: "JP-200-0001", to: "JP-200-0005", quantity: "5000" }],
  initiator: "demo-rep-a",
  purpose: null,
  beneficiary: null,
  note: "April delivery",
  createdAt: "2026-04-06T01:00:00.000Z",
  delayUntil: "2026-04-07T03:00:00.000Z",
  reverses: null,
  reversedBy: null,
  batchId: null,
  events: events.map((e) => ({ ...e, detail: {} })),
  movements: [],
  securityStatus: status,
  approvalExpiresAt: "2026-04-08T01:00:00.000Z",
});
const TRANSFER_EXAMPLES = {
  request: { transfer: { summary: "5,000 allowances to another holder's account", value: { commandId: "desk-2026-0042", from: "JP-200-0001", to: "JP-200-0005", classCode: "JPA-2026", quantity: "5000", note: "April delivery" } } },
  created: { held: { summary: "Waiting for a second representative's approval", value: heldTransfer("awaiting_approval", [{ status: "awaiting_approval", at: "2026-04-06T01:00:00.000Z", actor: "demo-rep-a" }]) } },
  approved: {
    delayed: {
      summary: "Approved; outside the trusted list it waits until delayUntil",
      value: heldTransfer("delayed", [{ status: "awaiting_approval", at: "2026-04-06T01:00:00.000Z", actor: "demo-rep-a" }, { status: "delayed", at: "2026-04-06T02:30:00.000Z", actor: "demo-rep-c" }]),
    },
  },
};

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

  const terminalOp = (kind: string, path: string, operationId: string, summary: string, description: string, accountType: string) =>
    op({
      method: "post",
      path,
      operationId,
      summary,
      description,
      errors: [404, 409, 422],
      tag: "transactions",
      access: roles(REP, "transfer:initiate", "representative with the initiate right on the source account"),
      body: TerminalBody,
      responses: done(`The ${kind} (completed, or awaiting approval)`),
      handler: async ({ c, caller, body }) => {
        const to = await terminal(accountType, body.to);
        return created(c, await registry.initiate(caller, { transactionId: body.commandId, kind, legs: [{ classCode: body.classCode, from: body.from, to, quantity: body.quantity }], ...(body.note ? { note: body.note } : {}) }));
      },
    });

  const decision = (action: "approve" | "reject" | "cancel", summary: string, description: string, access: ReturnType<typeof roles>) =>
    op({
      method: "post",
      path: `/v1/transactions/{transactionId}/${action}`,
      operationId: `${action}Transaction`,
      summary,
      description: `${description} The body is optional: send nothing, {} or {"reason": "..."}.`,
      errors: [409, 422],
      tag: "transactions",
      access,
      params: txParam,
      body: DecideBody,
      bodyOptional: true,
      responses: { 200: { description: "The transaction after the decision", schema: Transaction, ...(action === "approve" ? { examples: TRANSFER_EXAMPLES.approved } : {}) } },
      handler: async ({ c, caller, params, body }) => {
        const input = { transactionId: params.transactionId, ...(body.reason ? { reason: body.reason } : {}) };
        const r = action === "approve" ? await registry.approve(caller, input) : action === "reject" ? await registry.reject(caller, input) : await registry.cancel(caller, input);
        return c.json(toJson(unwrap(r)) as never, 200);
      },
    });

  /** An administrator's change of an account's status: one route shape for block, unblock and close. */
  const AccountStatusChange = z.object({ commandId: CommandId, reason: ShortText.optional() }).strict().openapi("AccountStatusChange");
  const statusOp = (verb: string, operationId: string, summary: string, description: string, method: "blockAccount" | "unblockAccount" | "closeAccount") =>
    op({
      method: "post",
      path: `/v1/accounts/{accountId}/${verb}`,
      operationId,
      summary,
      description: `${description} The commandId is the idempotency key: the same request again answers 200 with the account.`,
      errors: [409, 422],
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
      description: "Defines a unit class (an allowance vintage, a credit type) with its first serial and optional issuance limit. The commandId is the idempotency key: the same request again answers 200 with the class; the same id with other content is a 409.",
      errors: [409, 422],
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
      description: "Opens an account of a catalogued type for a holder (operator accounts name their installation). The commandId is the idempotency key.",
      errors: [409, 422],
      tag: "accounts",
      access: roles(ADMIN, "admin"),
      body: OpenAccountBody,
      responses: { 201: { description: "The account", schema: Account }, 200: { description: "Repeat of the same command", schema: Account } },
      handler: async ({ c, caller, body }) => created(c, await registry.openAccount(caller, body)),
    }),
    statusOp("block", "blockAccount", "Block an account: it can no longer send (administrator)", "Blocks an account at once: it can no longer send (administrative kinds may still deliver to it), for example when it looks compromised.", "blockAccount"),
    statusOp("unblock", "unblockAccount", "Unblock an account (administrator)", "Opens a blocked account again.", "unblockAccount"),
    statusOp("close", "closeAccount", "Close an account for good; refused while it holds units (administrator)", "Closes an account for good: it can neither send nor receive. Refused while it holds units; a closed account stays closed.", "closeAccount"),
    op({
      method: "post",
      path: "/v1/issuances",
      operationId: "issue",
      summary: "Issue new units of a class into a national account (administrator; a second administrator approves)",
      description: "Issues new units of a class into a national issuance or party holding account. It waits for a second administrator's approval (four-eyes). The commandId is the idempotency key: the same request again answers 200 with the transaction.",
      errors: [404, 409, 422],
      tag: "transactions",
      access: roles(ADMIN, "admin"),
      body: IssueBody,
      responses: done("The issuance (awaiting a second administrator's approval, or completed)"),
      handler: async ({ c, caller, body }) =>
        created(c, await registry.initiate(caller, { transactionId: body.commandId, kind: "issuance", legs: [{ classCode: body.classCode, from: null, to: body.to, quantity: body.quantity }], ...(body.note ? { note: body.note } : {}) })),
    }),
    op({
      method: "post",
      path: "/v1/administrative-transactions",
      operationId: "administrativeTransaction",
      summary: "An administrative kind (allocation, auction delivery, internal transfer, reserve release/intake, correction, ...)",
      description: "Initiates an administrative kind (allocation, auction delivery, reserve release or intake, internal transfer, corrections, mandatory cancellation, ...) with up to 100 legs. Kinds that need approval wait for a second administrator. The commandId is the idempotency key.",
      errors: [404, 409, 422],
      tag: "transactions",
      access: roles(ADMIN, "admin"),
      body: AdminTxBody,
      responses: done("The transaction"),
      handler: async ({ c, caller, body }) => created(c, await registry.initiate(caller, { transactionId: body.commandId, kind: body.kind, legs: body.legs, ...(body.note ? { note: body.note } : {}) })),
    }),
    op({
      method: "post",
      path: "/v1/batches",
      operationId: "createBatch",
      summary: "Many transfers of one administrative kind in one database transaction, all or nothing (a year's allocation, an auction's awards)",
      description: "Applies up to 20,000 transfers of one administrative kind that completes without approval (allocation, auction_delivery, reverse_allocation, ...) in one database transaction: all or nothing. Each transfer is its own completed transaction with its own key (default `<commandId>:<n>`). Sending the same batch again answers 200 with the first result; a different batch under the same id is a 409 naming the field. A transfer that fails a check refuses the whole batch, naming `transfers[i]`.",
      errors: [409, 422],
      tag: "transactions",
      access: roles(ADMIN, "admin"),
      body: BatchBody,
      responses: {
        201: { description: "The batch: its transactions, each completed", schema: BatchView },
        200: { description: "A repeat of an earlier batch with the same id: the same transactions", schema: BatchView },
      },
      handler: async ({ c, caller, body }) => created(c, await registry.batch(caller, { batchId: body.commandId, kind: body.kind, transfers: body.transfers })),
    }),
    op({
      method: "get",
      path: "/v1/accounts/{accountId}/limit",
      operationId: "getAccountLimit",
      summary: "The account's own limit per transaction outside its trusted list, and a pending change",
      description: "The account's own limit on units per transaction to accounts outside its trusted list (the central limit applies too; the lowest wins), its version, and a raise or removal waiting for a second person's approval with the version that approval must name.",
      errors: [404],
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
      description: "A tighter limit applies at once; a raise or a removal (null) waits for a second person's approval when four-eyes is on, as a new version. Every change makes a new version.",
      errors: [404, 422],
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
      description: "Approves the pending change whose version the body names. A change proposed again since the approver looked is a new version: the approval is refused (8024) and approves nothing.",
      errors: [404, 409],
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
      description: "Initiates a transfer from an account the caller represents with the initiate right. It waits for a second representative's approval (four-eyes); to an account outside the source's trusted list it then waits the transfer delay (26 hours by default), during which it can be cancelled. Refused beyond the limit per transaction outside the trusted list or a holder's holding limit. The commandId is the idempotency key: the same request again answers 200 with the same transaction; the same id with other content is a 409.",
      errors: [404, 409, 422],
      tag: "transactions",
      access: roles(REP, "transfer:initiate", "representative with the initiate right on the source account"),
      body: TransferBody,
      requestExamples: TRANSFER_EXAMPLES.request,
      responses: done("The transfer (awaiting approval, delayed, or completed)", TRANSFER_EXAMPLES.created),
      handler: async ({ c, caller, body }) =>
        created(c, await registry.initiate(caller, { transactionId: body.commandId, kind: "transfer", legs: [{ classCode: body.classCode, from: body.from, to: body.to, quantity: body.quantity }], ...(body.note ? { note: body.note } : {}) })),
    }),
    terminalOp(
      "surrender", "/v1/surrenders", "surrender", "Surrender units for compliance",
      "Surrenders units from an operator account into the registry's surrender account (or the one named in to), for compliance. Waits for a second representative's approval. The commandId is the idempotency key.",
      "surrender",
    ),
    op({
      method: "post",
      path: "/v1/retirements",
      operationId: "retire",
      summary: "Retire units for a purpose and a beneficiary",
      description: "Retires units for a stated purpose and beneficiary into the registry's retirement account (or the one named in to). Waits for a second representative's approval. The commandId is the idempotency key.",
      errors: [404, 409, 422],
      tag: "transactions",
      access: roles(REP, "transfer:initiate", "representative with the initiate right on the source account"),
      body: RetireBody,
      responses: done("The retirement"),
      handler: async ({ c, caller, body }) => {
        const to = await terminal("retirement", body.to);
        return created(
          c,
          await registry.initiate(caller, {
            transactionId: body.commandId, kind: "retirement", legs: [{ classCode: body.classCode, from: body.from, to, quantity: body.quantity }],
            purpose: body.purpose, beneficiary: body.beneficiary, ...(body.note ? { note: body.note } : {}),
          }),
        );
      },
    }),
    terminalOp(
      "voluntary_cancellation", "/v1/cancellations", "cancelUnits", "Cancel units voluntarily",
      "Cancels units voluntarily into the registry's voluntary cancellation account (or the one named in to); they can never be used again. Waits for a second representative's approval. The commandId is the idempotency key.",
      "voluntary_cancellation",
    ),
    decision("approve", "Approve a held transaction (a different representative with the approve right; four-eyes)", "Gives the second approval of a transaction awaiting it: a representative of the source account with the approve right who is not the initiator (administrators for administrative kinds). It completes at once, or becomes delayed until its delayUntil when a destination is outside the trusted list. After the approval expiry it can no longer be approved (409, code 8009).", roles(["national-admin", "representative"], ["transfer:approve", "admin"], "representative with the approve right on the source account, not the initiator; administrators for administrative kinds")),
    decision("reject", "Reject a transaction awaiting approval", "Rejects a transaction awaiting approval; nothing moves.", roles(["national-admin", "representative"], ["transfer:approve", "admin"], "representative with the approve right on the source account; administrators for administrative kinds")),
    decision("cancel", "Cancel a held transaction (awaiting approval or inside its delay)", "Cancels a transaction awaiting approval or inside its delay (its initiator, or an administrator); nothing moves.", roles(["national-admin", "representative"], ["transfer:initiate", "admin"], "the initiator, or a national administrator")),
    op({
      method: "post",
      path: "/v1/transactions/{transactionId}/reversal",
      operationId: "reverseTransaction",
      summary: "Reverse a completed transaction: the same serials go back (administrator)",
      description: "Reverses a completed transaction: the same serial blocks go back, in a new transaction that links to the original. Administrators only; kinds that are not reversible are refused, and a surrender only within the rulebook's window (6011). With four-eyes (the default) the reversal waits for a second administrator's approval and moves the units then. The commandId is the idempotency key.",
      errors: [409, 422],
      tag: "transactions",
      access: roles(ADMIN, "admin"),
      params: txParam,
      body: ReverseBody,
      responses: done("The reversal transaction"),
      handler: async ({ c, caller, params, body }) =>
        created(c, await registry.reverse(caller, { transactionId: body.commandId, reverses: params.transactionId, ...(body.reason ? { reason: body.reason } : {}) })),
    }),
    op({
      method: "post",
      path: "/v1/release-due",
      operationId: "releaseDue",
      summary: "Run the scheduler's tick now: end expired approvals and complete delayed transactions whose delay has passed",
      description: "Runs the scheduler's tick now (it also runs every minute): transactions whose approval expired end, and delayed transactions whose delay has passed complete, their holding limits checked again. Each due transaction's outcome is listed in the order handled.",
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
