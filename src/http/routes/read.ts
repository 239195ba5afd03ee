// Read views for signed-in users: accounts, holdings with serial blocks, unit classes and
// transactions, through the SecureRegistry, which returns only what the caller may see
// (administrators and the authority everything; representatives their accounts; others are
// reported as unknown).
import { z } from "@hono/zod-openapi";
import { roles } from "../access.ts";
import type { AppDeps, HttpConfig } from "../context.ts";
import { unwrap } from "../problem.ts";
import { op, type Op } from "../route.ts";
import { Account, AccountId, AccountTypeName, Block, ClassCode, Flag, Holding, PageQuery, page, Transaction, TransactionId, TransactionKindName, TxStatus, UnitClass } from "../schemas.ts";
import { DEFAULT_PAGE, decodeCursor, pageJson } from "../views.ts";
import { jsonResponse } from "../security-headers.ts";
import { checkProblem, fail, ProblemError } from "../problem.ts";

export const accountParam = z.object({ accountId: AccountId });
export const txParam = z.object({ transactionId: TransactionId });

/** Created at or after this time: an RFC 3339 time with an offset. */
export const Since = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/, "an RFC 3339 time with an offset")
  .refine((v) => !Number.isNaN(Date.parse(v)), "not a valid time")
  .optional()
  .openapi({ description: "Only transactions created at or after this time (RFC 3339 with an offset)", format: "date-time" });

const READERS = ["national-admin", "authority", "representative"] as const;

export function readOps(deps: AppDeps, _config: HttpConfig): Op[] {
  const { registry } = deps;
  return [
    op({
      method: "get",
      path: "/v1/accounts",
      operationId: "listAccounts",
      summary: "Accounts with holder, type and status (the published account list, for signed-in users)",
      description: "Accounts with holder, type, installation and status, in account id order; filter by type, holder and status. This is the published register, for signed-in callers.",
      tag: "accounts",
      access: roles(READERS, "read"),
      query: PageQuery.extend({ type: AccountTypeName.optional(), holder: z.string().max(200).optional(), status: z.enum(["open", "blocked", "closed"]).optional() }),
      responses: { 200: { description: "A page of accounts", schema: page(Account, "AccountListPage") } },
      handler: async ({ c, caller, query }) => {
        const limit = query.limit ?? DEFAULT_PAGE;
        const after = decodeCursor(query.cursor);
        const list = unwrap(
          await registry.listAccounts(caller, { ...(query.type ? { type: query.type } : {}), ...(query.holder ? { holder: query.holder } : {}), ...(query.status ? { status: query.status } : {}), ...(after ? { after } : {}), limit }),
        );
        return jsonResponse(c, pageJson(list));
      },
    }),
    op({
      method: "get",
      path: "/v1/accounts/{accountId}",
      operationId: "getAccount",
      summary: "One account",
      description: "One account: holder, type, installation, status and when it was opened.",
      tag: "accounts",
      access: roles(READERS, "read"),
      params: accountParam,
      responses: { 200: { description: "The account", schema: Account } },
      handler: async ({ c, caller, params }) => jsonResponse(c, unwrap(await registry.getAccount(caller, params.accountId))),
    }),
    op({
      method: "get",
      path: "/v1/accounts/{accountId}/holdings",
      operationId: "getHoldings",
      summary: "Holdings of an account per unit class, optionally with their serial blocks",
      description: "The account's holdings per unit class, in class code order: quantity held, earmarked for the account's transactions awaiting approval or delayed, available, and number of serial blocks; with blocks=true the first blocks in serial order (at most blockLimit per class, default 1000; page through all with listBlocks). Representatives see only the accounts they represent.",
      tag: "accounts",
      access: roles(READERS, "read", "representatives: only accounts they represent"),
      params: accountParam,
      query: z.object({
        blocks: Flag.optional().openapi({ description: "Include the serial blocks (default false)" }),
        blockLimit: z.coerce.number().int().min(1).max(10_000).optional().openapi({ description: "Blocks per class (default 1000)" }),
      }),
      responses: { 200: { description: "Holdings", schema: z.object({ accountId: AccountId, holdings: z.array(Holding) }).openapi("Holdings") } },
      handler: async ({ c, caller, params, query }) => {
        const h = unwrap(await registry.holdings(caller, params.accountId, { blocks: query.blocks === true, ...(query.blockLimit ? { blockLimit: query.blockLimit } : {}) }));
        return jsonResponse(c, { accountId: params.accountId, holdings: h });
      },
    }),
    op({
      method: "get",
      path: "/v1/accounts/{accountId}/holdings/{classCode}/blocks",
      operationId: "listBlocks",
      summary: "The serial blocks an account holds of one class, page by page",
      description: "The serial blocks (first serial, last serial, quantity) the account holds of the class, in serial order, a page at a time with a cursor. Representatives see only the accounts they represent.",
      errors: [404],
      tag: "accounts",
      access: roles(READERS, "read", "representatives: only accounts they represent"),
      params: accountParam.extend({ classCode: ClassCode }),
      query: PageQuery,
      responses: { 200: { description: "A page of blocks", schema: page(Block, "BlockPage") } },
      handler: async ({ c, caller, params, query }) => {
        const after = decodeCursor(query.cursor);
        if (after !== undefined && !/^\d{1,19}$/.test(after)) throw new ProblemError(checkProblem("CURSOR_INVALID", "cursor is not one this API returned: pass the nextCursor of the previous page"));
        const pg = unwrap(await registry.listBlocks(caller, params.accountId, params.classCode, { ...(after ? { after: BigInt(after) } : {}), limit: query.limit ?? DEFAULT_PAGE }));
        return jsonResponse(c, pageJson(pg));
      },
    }),
    op({
      method: "get",
      path: "/v1/classes",
      operationId: "listClasses",
      summary: "Unit classes (allowance vintages, credit types) with the quantity issued",
      description: "Unit classes in class code order: unit type, scheme, vintage or commitment period, credit attributes, issuance limit, first serial and quantity issued so far.",
      tag: "classes",
      access: roles(["national-admin", "authority", "representative", "verifier"], "read"),
      query: PageQuery,
      responses: { 200: { description: "A page of classes", schema: page(UnitClass, "UnitClassPage") } },
      handler: async ({ c, caller, query }) => {
        const limit = query.limit ?? DEFAULT_PAGE;
        const after = decodeCursor(query.cursor);
        const list = unwrap(await registry.listClasses(caller, { ...(after ? { after } : {}), limit }));
        return jsonResponse(c, pageJson(list));
      },
    }),
    op({
      method: "get",
      path: "/v1/classes/{classCode}",
      operationId: "getClass",
      summary: "One unit class",
      description: "One unit class with the quantity issued so far.",
      tag: "classes",
      access: roles(["national-admin", "authority", "representative", "verifier"], "read"),
      params: z.object({ classCode: ClassCode }),
      responses: { 200: { description: "The class", schema: UnitClass } },
      handler: async ({ c, params }) => {
        const k = await deps.ledger.getClass(params.classCode);
        if (!k) fail(404, "class-unknown", `no unit class ${params.classCode}`, { code: 4001, check: "class-unknown" });
        return jsonResponse(c, k);
      },
    }),
    op({
      method: "get",
      path: "/v1/transactions",
      operationId: "listTransactions",
      summary: "Transactions in time order (creation time, then id); representatives see those touching the accounts they represent",
      description: "Transactions in time order (creation time, then id; the cursor keeps that order) with their legs, status history and serial movements; filter by account, status, kind and `since` (created at or after). Representatives see only transactions that touch the accounts they represent.",
      errors: [404],
      tag: "transactions",
      access: roles(READERS, "read"),
      query: PageQuery.extend({ accountId: AccountId.optional(), status: TxStatus.optional(), kind: TransactionKindName.optional(), since: Since }),
      responses: { 200: { description: "A page of transactions", schema: page(Transaction, "TransactionPage") } },
      handler: async ({ c, caller, query }) => {
        const limit = query.limit ?? DEFAULT_PAGE;
        const after = decodeCursor(query.cursor);
        const list = unwrap(
          await registry.listTransactions(caller, {
            ...(query.since ? { since: query.since } : {}),
            ...(query.accountId ? { account: query.accountId } : {}),
            ...(query.status ? { status: query.status } : {}),
            ...(query.kind ? { kind: query.kind } : {}),
            ...(after ? { after } : {}),
            limit,
          }),
        );
        return jsonResponse(c, pageJson(list));
      },
    }),
    op({
      method: "get",
      path: "/v1/transactions/awaiting-my-approval",
      operationId: "listAwaitingMyApproval",
      summary: "Transactions awaiting an approval the caller may give",
      description: "Transactions awaiting an approval the caller may give (a representative with the approve right on the source account who is not the initiator; administrators for administrative kinds), in time order (creation time, then id).",
      tag: "transactions",
      access: roles(["national-admin", "representative"], "transfer:approve"),
      query: PageQuery,
      responses: { 200: { description: "A page of transactions", schema: page(Transaction, "TransactionPage") } },
      handler: async ({ c, caller, query }) => {
        const limit = query.limit ?? DEFAULT_PAGE;
        const after = decodeCursor(query.cursor);
        const list = unwrap(await registry.listAwaitingMyApproval(caller, { ...(after ? { after } : {}), limit }));
        return jsonResponse(c, pageJson(list));
      },
    }),
    op({
      method: "get",
      path: "/v1/transactions/{transactionId}",
      operationId: "getTransaction",
      summary: "One transaction with its legs, status history and serial movements",
      description: "One transaction: legs, status history, serial movements, the security status (including expired) and when its approval expires.",
      tag: "transactions",
      access: roles(READERS, "read", "representatives: only transactions touching accounts they represent"),
      params: txParam,
      responses: { 200: { description: "The transaction", schema: Transaction } },
      handler: async ({ c, caller, params }) => jsonResponse(c, unwrap(await registry.getTransaction(caller, params.transactionId))),
    }),
  ];
}
