// Ledger commands, their pure validation (shape, identifiers, quantities) and the canonical form
// used for idempotency: a replayed command is compared field by field with the first one.
//
// This module is the commands' one door; they are in src/domain/ledger/commands/:
//   fields.ts        identifier patterns, limits, quantities, RFC 3339 times, field refusals
//   transactions.ts  propose, decide (approve/reject/cancel), reverse
//   classes.ts       defining a unit class
//   accounts.ts      opening an account, setting its status
//   registry.ts      entitlements and the freeze
//   canonical.ts     the canonical form and the first difference of a replay
export { canonical, firstDifference } from "./commands/canonical.ts";
export {
  ACCOUNT_ID_PATTERN, ACTOR_PATTERN, CLASS_CODE_PATTERN, type Checked, checkId, ID_PATTERN, MAX_LEGS, MAX_QUANTITY, parseQuantity, parseRfc3339, type Quantity,
} from "./commands/fields.ts";
export {
  type DecideCommand, type Leg, type LegInput, type ProposeCommand, type ReverseCommand, type ValidProposal, validateDecide, validatePropose, validateReverse,
} from "./commands/transactions.ts";
export { type DefineClassCommand, type ValidClass, validateDefineClass } from "./commands/classes.ts";
export {
  type AccountStatus, type OpenAccountCommand, openingRequest, type SetAccountStatusCommand, type ValidOpenAccount, validateOpenAccount, validateSetStatus,
} from "./commands/accounts.ts";
export { ALLOCATION_TABLES, type AllocationTable, type ValidEntitlement, type ValidFreeze, validateEntitlement, validateFreeze } from "./commands/registry.ts";
