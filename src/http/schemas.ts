// The zod schemas of the API: they validate requests and generate the OpenAPI document, so the
// two cannot disagree. Amounts of units are decimal strings (a JSON number cannot carry 10^15
// exactly in every client); identifiers follow the ledger's documented patterns.
import { z } from "@hono/zod-openapi";
import { ACCOUNT_TYPES, TRANSACTION_KINDS } from "../domain/ledger/catalog.ts";
import { ACCOUNT_ID_PATTERN, ACTOR_PATTERN, CLASS_CODE_PATTERN, ID_PATTERN } from "../domain/ledger/commands.ts";

export const Quantity = z
  .string()
  .regex(/^[1-9][0-9]{0,15}$/, "a positive whole number of units as a decimal string, at most 10^15")
  .openapi({ description: "Units as a decimal string", examples: ["1000"] });
export const Amount = z.string().openapi({ description: "Units as a decimal string (may be 0)", examples: ["250000"] });
export const TransactionId = z
  .string()
  .regex(ID_PATTERN, "letters, digits and . _ : - (up to 128), starting with a letter or digit")
  .openapi({ description: "Chosen by the caller; the idempotency key: repeating a request with the same id returns the first result", examples: ["tx-2026-0001"] });

/**
 * The caller's key for a command, in every write's body under one name: the idempotency key (the
 * same request again answers 200 with the first result; the same key with other content is a
 * 409). A transaction's view keeps `id` (the registry's id) and `key` (this key). The older body
 * names transactionId, reversalId and batchId are refused with a 400 naming commandId (app.ts).
 */
export const CommandId = TransactionId.openapi({ description: "The caller's key for this command (its idempotency key): the same request again answers 200 with the first result", examples: ["desk-2026-0042"] });

/** Body fields of the API's first versions that are now `commandId`. */
export const RENAMED_TO_COMMAND_ID = ["transactionId", "reversalId", "batchId"] as const;
export const AccountId = z.string().regex(ACCOUNT_ID_PATTERN, "capital letters, digits and -, 2 to 64 characters").openapi({ examples: ["JP-100-0001"] });
export const ClassCode = z.string().regex(CLASS_CODE_PATTERN, "a class code such as JPA-2026").openapi({ examples: ["JPA-2026"] });
export const UserId = z.string().regex(ACTOR_PATTERN, "letters, digits and . _ @ : -").openapi({ examples: ["demo-rep-a"] });
export const ShortText = z.string().max(500);
export const Time = z.string().openapi({ description: "ISO-8601 time (UTC)", format: "date-time", examples: ["2026-04-01T00:00:00.000Z"] });

/** The catalogue's transaction kinds and account types (docs/reference/transaction-kinds.md, account-types.md). */
const kindCodes = TRANSACTION_KINDS.map((k) => k.code) as [string, ...string[]];
const typeCodes = ACCOUNT_TYPES.map((t) => t.code) as [string, ...string[]];
export const TransactionKindName = z.enum(kindCodes).openapi("TransactionKind", { description: "A transaction kind of the catalogue (docs/reference/transaction-kinds.md)" });
export const AccountTypeName = z.enum(typeCodes).openapi("AccountType", { description: "An account type of the catalogue (docs/reference/account-types.md)" });
/** Administrative kinds initiated through /v1/administrative-transactions (issuance and reversal have their own operations). */
export const AdministrativeKind = z
  .enum(TRANSACTION_KINDS.filter((k) => k.administrative && k.code !== "issuance" && k.code !== "reversal").map((k) => k.code) as [string, ...string[]])
  .openapi("AdministrativeKind", { description: "An administrative kind of the catalogue, other than issuance and reversal" });

/** A query flag: true or false (also 1 and 0), shown as a boolean. */
export const Flag = z.preprocess((v) => (v === "true" || v === "1" ? true : v === "false" || v === "0" ? false : v), z.boolean());

export const Problem = z
  .object({
    type: z.string().openapi({ description: "A URI naming the kind of problem", format: "uri" }),
    title: z.string().openapi({ description: "The HTTP status in words" }),
    status: z.number().int().openapi({ description: "The HTTP status" }),
    detail: z.string().optional().openapi({ description: "What was wrong, for a person" }),
    code: z.number().int().openapi({ description: "The stable check code: ledger checks 1xxx-7xxx (docs/reference/checks.md), security rules 80xx, sign-in 81xx, the HTTP edge 82xx (docs/reference/security-rules.md)" }),
    check: z.string().openapi({ description: "The check's stable name, e.g. insufficient-units" }),
    facts: z.record(z.string(), z.unknown()).optional().openapi({ description: "Structured facts of the refusal (field, quantities, limits, times)" }),
    instance: z.string().optional().openapi({ description: "The path of the request" }),
  })
  .openapi("Problem");

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).optional().openapi({ description: "Items per page (1-500, default 50)" }),
  cursor: z.string().max(400).optional().openapi({ description: "The nextCursor of the previous page" }),
});

export const page = <T extends z.ZodType>(item: T, name: string) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() }).openapi(name);

export const Account = z
  .object({
    id: AccountId,
    type: AccountTypeName,
    holder: z.string(),
    name: z.string(),
    installation: z.string().nullable(),
    status: z.enum(["open", "blocked", "restricted", "suspended", "transfer_pending", "closure_pending", "closed"]),
    openedAt: Time,
    permitId: z.string().nullable().optional(),
    monitoringPlanId: z.string().nullable().optional(),
    statusReason: z.string().nullable().optional().openapi({ description: "The administrator's reason for the current state" }),
    statusSince: Time.nullable().optional(),
  })
  .openapi("Account");

export const Block = z.object({ start: Amount, end: Amount, quantity: Amount }).openapi("SerialBlock");
export const Holding = z
  .object({
    classCode: ClassCode,
    unitType: z.string(),
    quantity: Amount.openapi({ description: "Units held (total)" }),
    earmarked: Amount.openapi({ description: "Units set aside for this account's transactions awaiting approval or delayed" }),
    available: Amount.openapi({ description: "quantity - earmarked: what a new transaction may take" }),
    blockCount: z.number().int(),
    attributes: z.record(z.string(), z.unknown()).nullable().openapi({
      description: "The credit attributes of an international class (mechanism, unitType, creditKind, host, vintage, methodology, project, labels, ...; see CreditAttributes); null for every other class",
    }),
    blocks: z.array(Block).optional(),
  })
  .openapi("Holding");

export const UnitClass = z
  .object({
    code: ClassCode,
    unitType: z.string(),
    scheme: z.string(),
    vintage: z.number().int().nullable(),
    commitmentPeriod: z.string().nullable(),
    project: z.string().nullable(),
    hostCountry: z.string().nullable(),
    creditKind: z.string().nullable(),
    methodology: z.string().nullable(),
    article6: z.object({ authorized: z.boolean(), use: z.string().nullable(), firstTransferred: z.boolean() }).nullable(),
    issuanceLimit: Amount.nullable(),
    serialStart: Amount,
    issued: Amount,
    definedAt: Time,
  })
  .openapi("UnitClass");

export const TxStatus = z.enum(["awaiting_approval", "delayed", "completed", "rejected", "cancelled"]);
export const Transaction = z
  .object({
    id: TransactionId.openapi({ description: "The transaction's id: the key itself for the registry's own transactions, an id derived from the caller's key for a representative's" }),
    key: z.string().openapi({ description: "The idempotency key the initiator sent" }),
    kind: TransactionKindName,
    status: TxStatus,
    legs: z.array(z.object({ classCode: ClassCode, from: AccountId.nullable(), to: AccountId, quantity: Amount })),
    initiator: z.string().nullable(),
    purpose: z.string().nullable(),
    beneficiary: z.string().nullable(),
    note: z.string().nullable(),
    createdAt: Time,
    delayUntil: Time.nullable(),
    reverses: z.string().nullable(),
    reversedBy: z.string().nullable(),
    batchId: z.string().nullable(),
    events: z.array(z.object({ status: TxStatus, at: Time, actor: z.string().nullable(), detail: z.record(z.string(), z.unknown()) })),
    movements: z.array(
      z.object({ legNo: z.number().int(), classCode: ClassCode, from: AccountId.nullable(), to: AccountId, start: Amount, end: Amount, quantity: Amount }),
    ),
    securityStatus: z.enum(["awaiting_approval", "delayed", "completed", "rejected", "cancelled", "expired"]).optional(),
    approvalExpiresAt: Time.nullable().optional(),
  })
  .openapi("Transaction");

export const PublicTransaction = z
  .object({
    id: TransactionId,
    kind: TransactionKindName,
    completedAt: Time,
    legs: z.array(z.object({ classCode: ClassCode, from: AccountId.nullable(), to: AccountId, quantity: Amount })),
  })
  .openapi("PublicTransaction");

export const Allocation = z
  .object({ transactionId: TransactionId, accountId: AccountId, holder: z.string(), installation: z.string().nullable(), classCode: ClassCode, quantity: Amount, at: Time })
  .openapi("Allocation");

export const ComplianceStatus = z
  .object({
    accountId: AccountId,
    holder: z.string(),
    installation: z.string().nullable(),
    surrendered: Amount,
    verifiedEmissions: Amount.nullable(),
    year: z.number().int().nullable().openapi({ description: "The compliance year the verified emissions and status are of (the latest published); null when none is published" }),
    status: z.enum(["not-determined", "compliant", "non-compliant"]),
  })
  .openapi("ComplianceStatus");

// ---- commands ---------------------------------------------------------------------------------

export const DefineClassBody = z
  .object({
    commandId: CommandId,
    code: ClassCode,
    unitType: z.string().max(64),
    scheme: z.string().max(32),
    vintage: z.number().int().min(1990).max(2200).optional(),
    commitmentPeriod: z.string().max(200).optional(),
    project: z.string().max(200).optional(),
    hostCountry: z.string().max(3).optional(),
    creditKind: z.enum(["reduction", "avoidance", "removal"]).optional(),
    methodology: z.string().max(200).optional(),
    issuanceLimit: Quantity.optional(),
    serialStart: Quantity.optional(),
  })
  .strict()
  .openapi("DefineClass");

export const OpenAccountBody = z
  .object({
    commandId: CommandId,
    accountId: AccountId.optional().openapi({ description: "The account id; may be left out where the rulebook numbers accounts (ledger.accountNumbers): the registry assigns the next number, with its check digits" }),
    type: AccountTypeName,
    holder: z.string().min(1).max(200),
    name: z.string().min(1).max(200),
    installation: z.string().max(64).optional(),
    permitId: z.string().max(64).optional().openapi({ description: "The installation's permit id: one live account per permit (7012)" }),
    monitoringPlanId: z.string().max(64).optional().openapi({ description: "The monitoring plan id: one live account per plan (7012)" }),
  })
  .strict()
  .openapi("OpenAccount");

export const SetStatusBody = z
  .object({ commandId: CommandId, status: z.enum(["open", "blocked", "closed"]), reason: ShortText.optional() })
  .strict()
  .openapi("SetAccountStatus");

export const IssueBody = z
  .object({ commandId: CommandId, classCode: ClassCode, to: AccountId, quantity: Quantity, note: ShortText.optional() })
  .strict()
  .openapi("Issue");

export const TransferBody = z
  .object({ commandId: CommandId, from: AccountId, to: AccountId, classCode: ClassCode, quantity: Quantity, note: ShortText.optional() })
  .strict()
  .openapi("Transfer");

export const TerminalBody = z
  .object({
    commandId: CommandId,
    from: AccountId,
    classCode: ClassCode,
    quantity: Quantity,
    to: AccountId.optional().openapi({ description: "The terminal account; by default the registry's open account of the type" }),
    note: ShortText.optional(),
  })
  .strict()
  .openapi("Surrender");

export const RetireBody = TerminalBody.extend({ purpose: z.string().min(1).max(500), beneficiary: z.string().min(1).max(500) }).strict().openapi("Retire");

export const BatchBody = z
  .object({
    commandId: CommandId.openapi({ description: "The batch's key (its idempotency key): the same batch sent again returns the first result" }),
    kind: z.string().max(64).openapi({ description: "One administrative kind that completes without approval (allocation, auction_delivery, reverse_allocation, ...)" }),
    transfers: z
      .array(
        z.object({
          key: TransactionId.optional().openapi({ description: "The transfer's own key (its transaction id); default <commandId>:<n>" }),
          classCode: ClassCode,
          from: AccountId,
          to: AccountId,
          quantity: Quantity,
          note: ShortText.optional(),
        }).strict(),
      )
      .min(1)
      .max(20_000),
  })
  .strict()
  .openapi("Batch");

export const AccountLimitView = z
  .object({
    accountId: AccountId,
    limit: Amount.nullable().openapi({ description: "Units per transaction to accounts outside the trusted list; null: only the central limit applies" }),
    pending: z.object({ limit: Amount.nullable(), proposedBy: z.string().nullable(), proposedAt: Time.nullable(), version: z.number().int() }).nullable(),
    version: z.number().int().openapi({ description: "The version of the account's limit; an approval names the pending version it approves" }),
  })
  .openapi("AccountLimit");

export const AdminTxBody = z
  .object({
    commandId: CommandId,
    kind: AdministrativeKind,
    legs: z.array(z.object({ classCode: ClassCode, from: AccountId, to: AccountId, quantity: Quantity }).strict()).min(1).max(100),
    note: ShortText.optional(),
  })
  .strict()
  .openapi("AdministrativeTransaction");

export const DecideBody = z.object({ reason: ShortText.optional() }).strict().openapi("Decision");
export const ReverseBody = z.object({ commandId: CommandId, reason: ShortText.optional() }).strict().openapi("Reverse");

// ---- users, sign-in, tokens, security lists -------------------------------------------------

const ROLE_NAMES = ["national-admin", "authority", "verifier"] as const;
const SCOPE_NAMES = ["read", "transfer:initiate", "transfer:approve", "admin", "audit:read", "verify"] as const;

export const SignInBody = z
  .object({ userId: z.string().min(1).max(64), password: z.string().min(1).max(256), totp: z.string().regex(/^[0-9]{6}$/).optional() })
  .strict()
  .openapi("SignIn");
export const TotpBody = z.object({ challenge: z.string().min(1).max(200), code: z.string().regex(/^[0-9]{6}$/) }).strict().openapi("TotpStep");
export const SignedIn = z
  .object({
    kind: z.literal("session"),
    userId: z.string(),
    roles: z.array(z.string()),
    expiresAt: Time,
    csrfToken: z.string().openapi({ description: "Send as the X-CSRF-Token header with every state-changing request made with the session cookie" }),
  })
  .openapi("SignedIn");
export const TotpRequired = z.object({ kind: z.literal("totp-required"), challenge: z.string(), expiresAt: Time }).openapi("TotpRequired");
/** The sign-in answer: a session, or a second-factor challenge; `kind` tells which. */
export const SignInAnswer = z.discriminatedUnion("kind", [SignedIn, TotpRequired]).openapi("SignInAnswer");

export const User = z
  .object({
    userId: z.string(),
    displayName: z.string(),
    roles: z.array(z.string()),
    representing: z.array(z.object({ accountId: z.string(), initiate: z.boolean(), approve: z.boolean() })),
    totpEnrolled: z.boolean(),
    disabled: z.boolean(),
    demo: z.boolean(),
    createdAt: Time,
  })
  .openapi("User");
export const CreateUserBody = z
  .object({ userId: z.string().min(2).max(64), displayName: z.string().min(1).max(200), password: z.string().min(1).max(256), roles: z.array(z.enum(ROLE_NAMES)).max(3).optional() })
  .strict()
  .openapi("CreateUser");
export const TotpEnrolment = z.object({ secret: z.string(), uri: z.string() }).openapi("TotpEnrolment");
export const CreatedUser = z.object({ user: User, totp: TotpEnrolment.nullable() }).openapi("CreatedUser");
export const RolesBody = z.object({ roles: z.array(z.enum(ROLE_NAMES)).max(3) }).strict().openapi("SetRoles");
export const DisabledBody = z.object({ disabled: z.boolean() }).strict().openapi("SetDisabled");
export const PasswordBody = z.object({ oldPassword: z.string().min(1).max(256).optional(), newPassword: z.string().min(1).max(256) }).strict().openapi("ChangePassword");
export const Lockout = z
  .object({
    userId: z.string(),
    failures: z.number().int().openapi({ description: "Failed sign-ins from all addresses counted toward signIn.maxFailuresPerUser" }),
    lockedUntil: Time.nullable().openapi({ description: "Until when the user signs in only with password and one-time code together, or null" }),
    addresses: z
      .array(z.object({ address: z.string(), failures: z.number().int(), lockedUntil: Time.nullable(), nextAttemptAt: Time.nullable() }))
      .openapi({ description: "Client addresses with failures still counted: each one's lockout and next allowed attempt" }),
  })
  .openapi("LockoutState");

export const ApiToken = z
  .object({ tokenId: z.string(), userId: z.string(), name: z.string(), scopes: z.array(z.string()), createdAt: Time, expiresAt: Time, revokedAt: Time.nullable(), lastUsedAt: Time.nullable() })
  .openapi("ApiToken");
export const CreateTokenBody = z
  .object({ name: z.string().min(1).max(100), scopes: z.array(z.enum(SCOPE_NAMES)).min(1).max(6), days: z.number().int().min(1).max(3650).optional(), userId: z.string().min(2).max(64).optional() })
  .strict()
  .openapi("CreateApiToken");
export const CreatedToken = z.object({ token: z.string().openapi({ description: "The bearer secret, shown once" }), view: ApiToken }).openapi("CreatedApiToken");

export const Representative = z
  .object({ accountId: AccountId, userId: z.string(), initiate: z.boolean(), approve: z.boolean(), addedAt: Time, addedBy: z.string().nullable() })
  .openapi("Representative");
export const AddRepresentativeBody = z.object({ userId: z.string().min(2).max(64), initiate: z.boolean(), approve: z.boolean() }).strict().openapi("AddRepresentative");
export const TrustedEntry = z
  .object({
    entryId: z.string().openapi({ description: "The entry's id: an approval names it" }),
    accountId: AccountId,
    trustedAccountId: AccountId,
    proposedAt: Time,
    activeFrom: Time,
    status: z.enum(["awaiting_approval", "pending", "active"]).openapi({ description: "awaiting_approval: needs a second person; pending: approved, not yet in effect; active: in effect" }),
    active: z.boolean(),
    addedBy: z.string().nullable(),
    approvedBy: z.string().nullable(),
    approvedAt: Time.nullable(),
  })
  .openapi("TrustedEntry");
export const AddTrustedBody = z.object({ trustedAccountId: AccountId }).strict().openapi("AddTrusted");
export const HolderLimit = z.object({ holder: z.string(), held: Amount, limit: Amount.nullable() }).openapi("HolderLimit");

export const AuditRow = z
  .object({
    seq: z.string(),
    at: Time,
    actor: z.string().nullable(),
    via: z.string(),
    ip: z.string().nullable(),
    requestId: z.string().nullable(),
    action: z.string(),
    target: z.string().nullable(),
    outcome: z.enum(["ok", "refused", "error"]),
    code: z.number().int().nullable(),
    detail: z.record(z.string(), z.unknown()),
  })
  .openapi("AuditRow");
export const AuditQueryParams = z.object({
  actor: z.string().max(64).optional(),
  action: z.string().max(64).optional().openapi({ description: "Exact action, or a prefix ending in '.' (e.g. auth.)" }),
  target: z.string().max(300).optional(),
  outcome: z.enum(["ok", "refused", "error"]).optional(),
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  cursor: z.string().regex(/^[0-9]{1,18}$/).optional(),
});
