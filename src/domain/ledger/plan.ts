// The planner: what a ledger command would change, decided purely from a snapshot of the state
// (classes, accounts, the transactions it touches), as a Plan that one SQL function applies in one
// round trip (ledger_apply, src/store/migrations/ledger-v2.ts). A plan carries its expectations:
// the type and status of every account it involves, the state of every transaction it changes, and
// the holding limits to keep. The database confirms them under its locks; when one no longer
// holds, the caller re-plans from a fresh snapshot. What only the database can answer under its
// locks (units available once earmarks are set aside, serials issued so far, a holder's holdings)
// are the plan's `underLock` checks (order.ts), which the database raises as typed errors.
//
// This module is the planner's one door; the work is in src/domain/ledger/plan/:
//   types.ts           the snapshot, the plan and its steps, expectations and checks (types)
//   common.ts          what every plan shares: base plan, expectations, chains, holding limits
//   legs.ts            each leg's checks (LEG_ORDER): accounts, their states, government routes
//   registry-rules.ts  one pending per account, returns of excess allocation (checked under lock)
//   create.ts          proposals
//   batch.ts           batches of single-leg transfers
//   group.ts           single proposals applied together (group commit)
//   decide.ts          approve, reject, cancel, release; completions and recorded rejections
//   reverse.ts         reversals (reversal windows, terminal accounts)
export type {
  AccountFacts, ClassFacts, CreateStep, HoldingLimitPolicy, LimitCheck, MovementFacts, PendingOnce, Plan, PlanLeg, PlanOptions, ReturnCheck, Snapshot, Step,
  TransactionStatus, TransitionStep, TxFacts,
} from "./plan/types.ts";
export { chainsOf, holdingLimitRefusal, limitChecks } from "./plan/common.ts";
export { checkLegs, LEG_CHECKS } from "./plan/legs.ts";
export { type CreateInput, initialStatus, planCreate } from "./plan/create.ts";
export { type BatchInput, MAX_BATCH, planBatch } from "./plan/batch.ts";
export { groupable, groupPlans, MAX_GROUP } from "./plan/group.ts";
export { type Decision, planCompletion, planDecision, rejection, type TransitionOutcome } from "./plan/decide.ts";
export { planReverse, type ReverseInput } from "./plan/reverse.ts";
