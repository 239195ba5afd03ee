// The registry ledger: one write path (plan, then ledger_apply), reads, batches.
export { LedgerService, type LedgerOptions } from "./service.ts";
export { proposalRequest } from "./requests.ts";
export { type BatchInput, type BatchTransferInput, getBatch } from "./batch.ts";
export { chainPayload, CursorError, MAX_PAGE, parseTxCursor, txCursor, type AccountFilter, type TransactionFilter } from "./reads.ts";
export { LedgerBusyError } from "./retry.ts";
export type { HookStep, KindHook } from "./hooks.ts";
export type { ClosingAccount, ClosurePrecondition } from "./accounts.ts";
export { txIdFor } from "./ids.ts";
export type * from "./types.ts";
