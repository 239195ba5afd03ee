// The catalogue of numbered business checks. Every refusal of a ledger command carries exactly
// one of these codes with the facts that triggered it. Ranges: 1xxx source account,
// 2xxx destination account, 3xxx units and quantity, 4xxx unit class rules, 5xxx idempotency and
// identifiers, 6xxx transaction status and reversal, 7xxx account management. Which check wins
// when several fail is not the numeric order but the order of CHECK_ORDER (src/domain/ledger/
// order.ts), data that both ledgers apply through one function. docs/reference/checks.md is
// generated from these tables and a test keeps it in step.

export interface CheckDefinition {
  readonly code: number;
  readonly name: string;
  readonly rule: string;
}

export const CHECKS = {
  SOURCE_UNKNOWN: { code: 1001, name: "source-unknown", rule: "The source account must exist." },
  SOURCE_NOT_OPEN: { code: 1002, name: "source-not-open", rule: "The source account's state must let the kind leave it: an open account sends every kind, a closed one none; for the graded restrictions (blocked, restricted, suspended, transfer pending, closure pending) the rulebook's `ledger.accountStates` table says which kinds pass (by default a blocked account sends nothing; a restricted one still surrenders, returns allocation and sends administrative kinds; a suspended one sends only administrative kinds; one with a transfer or closure pending nothing). A reversal takes units back whatever the state of the account they went to." },
  SOURCE_TYPE_NOT_ALLOWED: { code: 1003, name: "source-type-not-allowed", rule: "The source account's type must be one the transaction kind allows as source." },
  SOURCE_TERMINAL: { code: 1004, name: "source-terminal", rule: "Terminal accounts (surrender, retirement, cancellation) never send units." },
  SOURCE_REQUIRED: { code: 1005, name: "source-required", rule: "Every leg except an issuance needs a source account; an issuance has none." },
  DEST_UNKNOWN: { code: 2001, name: "destination-unknown", rule: "The destination account must exist." },
  DEST_CLOSED: { code: 2002, name: "destination-closed", rule: "The destination account's state must let the kind arrive: a closed account receives nothing (it holds nothing, also after a reversal); for the graded restrictions the rulebook's `ledger.accountStates` table says which kinds pass (by default a blocked account receives only administrative kinds, a restricted one everything, a suspended one or one with a transfer or closure pending nothing). The accounts a reversal gives units back to take this check with the reversal kind." },
  DEST_TYPE_NOT_ALLOWED: { code: 2003, name: "destination-type-not-allowed", rule: "The destination account's type must be one the transaction kind allows as destination." },
  DEST_SAME_AS_SOURCE: { code: 2004, name: "destination-same-as-source", rule: "A leg must move units between two different accounts." },
  GOVERNMENT_ROUTE: { code: 2005, name: "government-route-not-allowed", rule: "Units move from one government account to another only along the routes of the rulebook's `ledger.governmentRoutes` table (by default the market stability reserve sends only back to national issuance, never straight to an auction account); reversals retrace an allowed move and are exempt." },
  QUANTITY_NOT_POSITIVE_WHOLE: { code: 3001, name: "quantity-not-positive-whole", rule: "A quantity is a positive whole number of units, written as a decimal integer." },
  QUANTITY_TOO_LARGE: { code: 3002, name: "quantity-too-large", rule: "A quantity may not exceed 10^15 units in one leg." },
  INSUFFICIENT_UNITS: { code: 3003, name: "insufficient-units", rule: "The source account must hold the quantity of the class not already earmarked for transactions awaiting approval or delayed: when a transaction is proposed (its units are then earmarked) and when it completes." },
  ISSUANCE_LIMIT_EXCEEDED: { code: 3004, name: "issuance-limit-exceeded", rule: "Issuance may not take a class beyond its issuance limit (e.g. the cap of an allowance vintage)." },
  LEGS_EMPTY_OR_TOO_MANY: { code: 3005, name: "legs-count", rule: "A transaction has between 1 and 100 legs." },
  BATCH_SIZE: { code: 3006, name: "batch-size", rule: "A batch carries between 1 and 20,000 transfers, each of one leg, all of one kind that completes without approval." },
  RETURN_EXCEEDS_EXCESS: { code: 3007, name: "return-exceeds-excess", rule: "A return of excess allocation never exceeds what was over-allocated to the account for the vintage's year and the allocation table (national table or new entrants' reserve): what was allocated and not reversed, less the entitlement the regulator recorded (nothing is over-allocated while none is recorded), less what was returned or is waiting to be. Checked under the account's lock when proposed and when it completes." },
  CLASS_UNKNOWN: { code: 4001, name: "class-unknown", rule: "The unit class must be defined." },
  UNIT_TYPE_NOT_ALLOWED: { code: 4002, name: "unit-type-not-allowed", rule: "The class's unit type must be one the transaction kind allows." },
  CLASS_DEFINITION_INVALID: { code: 4003, name: "class-definition-invalid", rule: "A class definition must name a known unit type and valid attributes." },
  CLASS_EXISTS: { code: 4004, name: "class-exists", rule: "A class code is defined once; a different definition under the same code is refused." },
  PURPOSE_REQUIRED: { code: 4005, name: "purpose-required", rule: "Retirement needs a purpose and a beneficiary." },
  KIND_UNKNOWN: { code: 4006, name: "kind-unknown", rule: "The transaction kind must be one of the catalogue's kinds." },
  ID_MALFORMED: { code: 5001, name: "id-malformed", rule: "Command, transaction, account and class identifiers match their documented patterns." },
  CHECK_DIGITS: { code: 5003, name: "account-number-invalid", rule: "Where the registry numbers its accounts (the rulebook's `ledger.accountNumbers`), every account id given is a number of the form PREFIX-TYPE-SEQUENCE-CC whose check digits CC are valid (ISO 7064 MOD 97-10, as in IBAN): a mistyped id is refused, naming it, before anything is looked up." },
  REPLAY_DIFFERS: { code: 5002, name: "replay-differs", rule: "A command id used again must carry the same content; the first differing field is named. Class and account commands share one namespace of ids (a status change reusing an account-opening id is refused, naming `command`); transaction ids are their own namespace, scoped to the caller." },
  TX_UNKNOWN: { code: 6001, name: "transaction-unknown", rule: "The transaction must exist." },
  TX_BAD_TRANSITION: { code: 6002, name: "transaction-bad-transition", rule: "Only the transitions of the status machine are allowed (e.g. only an awaiting or delayed transaction can be cancelled)." },
  REVERSAL_TARGET_NOT_COMPLETED: { code: 6003, name: "reversal-target-not-completed", rule: "Only a completed transaction can be reversed." },
  REVERSAL_ALREADY_DONE: { code: 6004, name: "reversal-already-done", rule: "A transaction is reversed at most once." },
  REVERSAL_UNITS_MOVED_ON: { code: 6005, name: "reversal-units-moved-on", rule: "A reversal moves back exactly the serials moved; they must still be in the destination." },
  REVERSAL_NOT_REVERSIBLE: { code: 6006, name: "reversal-not-reversible", rule: "Issuances and reversals are not reversible (cancel the units instead)." },
  TX_NOT_DUE: { code: 6007, name: "transaction-not-due", rule: "A delayed transaction completes only once its delay has passed." },
  REGISTRY_FROZEN: { code: 6008, name: "registry-frozen", rule: "While an administrator has frozen the registry for a reconciliation, no transaction is proposed, decided, released or reversed; the freeze is confirmed under a lock every writer shares, so nothing committed after it was set." },
  RETURN_PENDING: { code: 6009, name: "return-pending", rule: "An account has at most one return of excess allocation pending (awaiting approval or delayed) per year and allocation table." },
  PENDING_OF_KIND: { code: 6010, name: "pending-of-kind", rule: "For the kinds the rulebook lists in `ledger.onePendingPerAccount`, an account has at most one transaction of that kind pending (awaiting approval or delayed) at a time." },
  REVERSAL_WINDOW_PASSED: { code: 6011, name: "reversal-window-passed", rule: "A kind with a reversal window in the rulebook (`ledger.reversalWindows`; the UK: surrender and deletion, 14 days) is reversed only within that many days of its completion." },
  ACCOUNT_EXISTS: { code: 7001, name: "account-exists", rule: "An account id is opened once." },
  ACCOUNT_TYPE_UNKNOWN: { code: 7002, name: "account-type-unknown", rule: "The account type must be one of the catalogue's types." },
  INSTALLATION_REQUIRED: { code: 7003, name: "installation-required", rule: "An operator holding account belongs to an installation (or aircraft/ship operator)." },
  ACCOUNT_NOT_EMPTY: { code: 7004, name: "account-not-empty", rule: "An account holding units cannot be closed." },
  ACCOUNT_STATUS_INVALID: { code: 7005, name: "account-status-invalid", rule: "An account's state is one of the catalogue's (open, blocked, restricted, suspended, transfer_pending, closure_pending, closed); a closed account is never reopened." },
  ACCOUNT_UNKNOWN: { code: 7006, name: "account-unknown", rule: "The account must exist." },
  FIELD_INVALID: { code: 7007, name: "field-invalid", rule: "A command field has the wrong type or is missing; the field is named." },
  ACCOUNT_OUTSTANDING: { code: 7008, name: "account-has-outstanding", rule: "An account with transactions awaiting approval (from it or to it) cannot close; delayed ones do not stop it (they are refused when they come due)." },
  ACCOUNT_GOVERNMENT: { code: 7009, name: "government-account", rule: "Government accounts (issuance, allocation, auction, reserves) are never closed." },
  ACCOUNT_IN_TRANSFER: { code: 7010, name: "account-in-transfer", rule: "An account whose installation is being transferred (transfer pending) cannot close until the transfer is settled." },
  INSTALLATION_HAS_ACCOUNT: { code: 7011, name: "installation-has-account", rule: "An installation (or aircraft or ship operator) has one live operator holding account: another is opened, or one is reopened, only once the first is closed, closing or handing the installation over (transfer or closure pending)." },
  IDENTIFIER_IN_USE: { code: 7012, name: "identifier-in-use", rule: "A permit id or monitoring plan id belongs to one live operator holding account, so nothing is allocated twice; the field is named." },
} as const satisfies Record<string, CheckDefinition>;

export type CheckKey = keyof typeof CHECKS;

export interface Refusal {
  ok: false;
  code: number;
  check: string;
  message: string;
  facts: Record<string, unknown>;
}

export function refuse(key: CheckKey, message: string, facts: Record<string, unknown> = {}): Refusal {
  const c = CHECKS[key];
  return { ok: false, code: c.code, check: c.name, message, facts };
}

