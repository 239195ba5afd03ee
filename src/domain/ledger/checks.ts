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
  SOURCE_NOT_OPEN: { code: 1002, name: "source-not-open", rule: "The source account must be open (not blocked or closed)." },
  SOURCE_TYPE_NOT_ALLOWED: { code: 1003, name: "source-type-not-allowed", rule: "The source account's type must be one the transaction kind allows as source." },
  SOURCE_TERMINAL: { code: 1004, name: "source-terminal", rule: "Terminal accounts (surrender, retirement, cancellation) never send units." },
  SOURCE_REQUIRED: { code: 1005, name: "source-required", rule: "Every leg except an issuance needs a source account; an issuance has none." },
  DEST_UNKNOWN: { code: 2001, name: "destination-unknown", rule: "The destination account must exist." },
  DEST_CLOSED: { code: 2002, name: "destination-closed", rule: "The destination account must not be closed (a closed account holds nothing, also after a reversal); a blocked account may receive only by issuance or administrative kinds." },
  DEST_TYPE_NOT_ALLOWED: { code: 2003, name: "destination-type-not-allowed", rule: "The destination account's type must be one the transaction kind allows as destination." },
  DEST_SAME_AS_SOURCE: { code: 2004, name: "destination-same-as-source", rule: "A leg must move units between two different accounts." },
  QUANTITY_NOT_POSITIVE_WHOLE: { code: 3001, name: "quantity-not-positive-whole", rule: "A quantity is a positive whole number of units, written as a decimal integer." },
  QUANTITY_TOO_LARGE: { code: 3002, name: "quantity-too-large", rule: "A quantity may not exceed 10^15 units in one leg." },
  INSUFFICIENT_UNITS: { code: 3003, name: "insufficient-units", rule: "The source account must hold the quantity of the class not already earmarked for transactions awaiting approval or delayed: when a transaction is proposed (its units are then earmarked) and when it completes." },
  ISSUANCE_LIMIT_EXCEEDED: { code: 3004, name: "issuance-limit-exceeded", rule: "Issuance may not take a class beyond its issuance limit (e.g. the cap of an allowance vintage)." },
  LEGS_EMPTY_OR_TOO_MANY: { code: 3005, name: "legs-count", rule: "A transaction has between 1 and 100 legs." },
  BATCH_SIZE: { code: 3006, name: "batch-size", rule: "A batch carries between 1 and 20,000 transfers, each of one leg, all of one kind that completes without approval." },
  CLASS_UNKNOWN: { code: 4001, name: "class-unknown", rule: "The unit class must be defined." },
  UNIT_TYPE_NOT_ALLOWED: { code: 4002, name: "unit-type-not-allowed", rule: "The class's unit type must be one the transaction kind allows." },
  CLASS_DEFINITION_INVALID: { code: 4003, name: "class-definition-invalid", rule: "A class definition must name a known unit type and valid attributes." },
  CLASS_EXISTS: { code: 4004, name: "class-exists", rule: "A class code is defined once; a different definition under the same code is refused." },
  PURPOSE_REQUIRED: { code: 4005, name: "purpose-required", rule: "Retirement needs a purpose and a beneficiary." },
  KIND_UNKNOWN: { code: 4006, name: "kind-unknown", rule: "The transaction kind must be one of the catalogue's kinds." },
  ID_MALFORMED: { code: 5001, name: "id-malformed", rule: "Command, transaction, account and class identifiers match their documented patterns." },
  REPLAY_DIFFERS: { code: 5002, name: "replay-differs", rule: "A command id used again must carry the same content; the first differing field is named. Class and account commands share one namespace of ids (a status change reusing an account-opening id is refused, naming `command`); transaction ids are their own namespace, scoped to the caller." },
  TX_UNKNOWN: { code: 6001, name: "transaction-unknown", rule: "The transaction must exist." },
  TX_BAD_TRANSITION: { code: 6002, name: "transaction-bad-transition", rule: "Only the transitions of the status machine are allowed (e.g. only an awaiting or delayed transaction can be cancelled)." },
  REVERSAL_TARGET_NOT_COMPLETED: { code: 6003, name: "reversal-target-not-completed", rule: "Only a completed transaction can be reversed." },
  REVERSAL_ALREADY_DONE: { code: 6004, name: "reversal-already-done", rule: "A transaction is reversed at most once." },
  REVERSAL_UNITS_MOVED_ON: { code: 6005, name: "reversal-units-moved-on", rule: "A reversal moves back exactly the serials moved; they must still be in the destination." },
  REVERSAL_NOT_REVERSIBLE: { code: 6006, name: "reversal-not-reversible", rule: "Issuances and reversals are not reversible (cancel the units instead)." },
  TX_NOT_DUE: { code: 6007, name: "transaction-not-due", rule: "A delayed transaction completes only once its delay has passed." },
  ACCOUNT_EXISTS: { code: 7001, name: "account-exists", rule: "An account id is opened once." },
  ACCOUNT_TYPE_UNKNOWN: { code: 7002, name: "account-type-unknown", rule: "The account type must be one of the catalogue's types." },
  INSTALLATION_REQUIRED: { code: 7003, name: "installation-required", rule: "An operator holding account belongs to an installation (or aircraft/ship operator)." },
  ACCOUNT_NOT_EMPTY: { code: 7004, name: "account-not-empty", rule: "An account holding units cannot be closed." },
  ACCOUNT_STATUS_INVALID: { code: 7005, name: "account-status-invalid", rule: "Account status is open, blocked or closed; a closed account is never reopened." },
  ACCOUNT_UNKNOWN: { code: 7006, name: "account-unknown", rule: "The account must exist." },
  FIELD_INVALID: { code: 7007, name: "field-invalid", rule: "A command field has the wrong type or is missing; the field is named." },
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

