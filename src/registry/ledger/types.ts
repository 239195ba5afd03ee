// What the ledger service answers: results and the views of classes, accounts, holdings and
// transactions (bigint quantities; times as ISO-8601 UTC strings).
import type { CreditAttributes } from "../../domain/international/attributes.ts";
import type { Refusal } from "../../domain/ledger/checks.ts";
import type { AccountStatus } from "../../domain/ledger/commands.ts";
import type { TransactionStatus } from "../../domain/ledger/plan.ts";

export type { TransactionStatus } from "../../domain/ledger/plan.ts";

export type Result<T> = { ok: true; value: T; replayed: boolean } | Refusal;

export interface UnitClassView {
  code: string;
  unitType: string;
  scheme: string;
  vintage: number | null;
  commitmentPeriod: string | null;
  project: string | null;
  hostCountry: string | null;
  creditKind: string | null;
  methodology: string | null;
  article6: { authorized: boolean; use: string | null; firstTransferred: boolean } | null;
  issuanceLimit: bigint | null;
  serialStart: bigint;
  issued: bigint;
  definedAt: string;
}

export interface AccountView {
  id: string;
  type: string;
  holder: string;
  name: string;
  installation: string | null;
  status: AccountStatus;
  openedAt: string;
  permitId: string | null;
  monitoringPlanId: string | null;
  /** The reason the administrator gave for the account's current state (its last account event), if any. */
  statusReason: string | null;
  /** When the account entered its current state (its last account event). */
  statusSince: string | null;
}

/** An entitlement recorded for an account: what it should have been allocated for a year and allocation table. */
export interface EntitlementView {
  commandId: string;
  accountId: string;
  year: number;
  table: "NAT" | "NER";
  quantity: bigint;
  at: string;
}

/** The registry's freeze for reconciliations: on or off, with the last switch's reason and time. */
export interface FreezeView {
  frozen: boolean;
  reason: string | null;
  commandId: string | null;
  at: string | null;
}

export interface BlockView {
  start: bigint;
  end: bigint;
  quantity: bigint;
}

export interface HoldingView {
  classCode: string;
  unitType: string;
  /** Units held (total). */
  quantity: bigint;
  /** Units set aside for this account's transactions awaiting approval or delayed. */
  earmarked: bigint;
  /** quantity - earmarked: what a new transaction may take. */
  available: bigint;
  blockCount: number;
  /** The credit attributes of an international class (src/domain/international/attributes.ts); null for every other class. */
  attributes: CreditAttributes | null;
  /** With blocks: the first blocks of the class (up to the block limit); `listBlocks` pages through all. */
  blocks?: BlockView[];
}

export interface MovementView {
  legNo: number;
  classCode: string;
  from: string | null;
  to: string;
  start: bigint;
  end: bigint;
  quantity: bigint;
}

export interface TransactionEventView {
  status: TransactionStatus;
  at: string;
  actor: string | null;
  detail: Record<string, unknown>;
}

export interface TransactionView {
  id: string;
  /** The caller's idempotency key (the id itself for the registry's own transactions). */
  key: string;
  kind: string;
  status: TransactionStatus;
  legs: Array<{ classCode: string; from: string | null; to: string; quantity: bigint }>;
  initiator: string | null;
  purpose: string | null;
  beneficiary: string | null;
  note: string | null;
  createdAt: string;
  delayUntil: string | null;
  reverses: string | null;
  reversedBy: string | null;
  batchId: string | null;
  events: TransactionEventView[];
  movements: MovementView[];
}

export interface BatchView {
  id: string;
  key: string;
  kind: string;
  size: number;
  createdAt: string;
  /** The transactions of the batch, in batch order, each with its movements. */
  transactions: TransactionView[];
}

/** A page of a list and whether more follow (the cursor of the next page, or null). */
export interface Page<T> {
  items: T[];
  next: string | null;
}
