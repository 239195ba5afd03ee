// The registry as callers see it: the ledger (src/registry/ledger.ts) behind the security rules of
// the rulebook. Every operation takes a Caller (principal + address): it checks the role and the
// per-account rights, applies four-eyes, the trusted account list, the transfer delay, the
// transaction and holding limits and approval expiry, calls the ledger, and writes the audit row.
// Reads return only what the principal may see. The ledger itself stays policy-free.
import { AuditLog } from "../audit/index.ts";
import type { Catalogue } from "../domain/ledger/catalog.ts";
import type { Refusal } from "../domain/ledger/checks.ts";
import type { LegInput } from "../domain/ledger/commands.ts";
import type { SecurityConfig } from "../domain/security/config.ts";
import type { Caller } from "../domain/security/roles.ts";
import type { Clock } from "../platform/clock.ts";
import type { Db } from "../store/db.ts";
import type { AccountView, HoldingView, LedgerService, Result, TransactionStatus, TransactionView, UnitClassView } from "./ledger.ts";

export type { Result } from "./ledger.ts";

/** A transaction as the security layer reports it. */
export interface SecureTransactionView extends TransactionView {
  /** "expired" when the system ended it for want of an approval in time. */
  securityStatus: TransactionStatus | "expired";
  /** When an awaiting transaction expires; null once decided. */
  approvalExpiresAt: string | null;
}

export interface InitiateInput {
  /** Caller-chosen id; also the idempotency key. */
  transactionId: string;
  /** Catalogue kind; default "transfer". */
  kind?: string;
  legs: LegInput[];
  purpose?: string;
  beneficiary?: string;
  note?: string;
}

export interface DecisionInput {
  transactionId: string;
  reason?: string;
}

export interface RepresentativeView {
  accountId: string;
  userId: string;
  initiate: boolean;
  approve: boolean;
  addedAt: string;
  addedBy: string | null;
}

export interface TrustedEntryView {
  accountId: string;
  trustedAccountId: string;
  proposedAt: string;
  activeFrom: string;
  /** True once activeFrom has passed. */
  active: boolean;
  addedBy: string | null;
}

export interface HolderLimitView {
  holder: string;
  held: bigint;
  limit: bigint | null;
}

export interface SecureRegistryOptions {
  catalogue?: Catalogue;
  /** Shared with the AuthService so both write one trail. */
  audit?: AuditLog;
}

export class SecureRegistry {
  private constructor(
    readonly ledger: LedgerService,
    readonly audit: AuditLog,
    readonly config: SecurityConfig,
    private readonly clock: Clock,
    private readonly db: Db,
  ) {}

  static async open(_db: Db, _clock: Clock, _config: SecurityConfig, _opts: SecureRegistryOptions = {}): Promise<SecureRegistry> {
    throw new Error("not implemented");
  }

  // ---- transactions -------------------------------------------------------------------------
  /** Representative (initiate right) of every source account, or a national administrator for administrative kinds. */
  async initiate(_c: Caller, _input: InitiateInput): Promise<Result<SecureTransactionView>> { throw new Error("not implemented"); }
  /** Another representative (approve right) of the source accounts; four-eyes; expiry; holding limits rechecked. */
  async approve(_c: Caller, _input: DecisionInput): Promise<Result<SecureTransactionView>> { throw new Error("not implemented"); }
  async reject(_c: Caller, _input: DecisionInput): Promise<Result<SecureTransactionView>> { throw new Error("not implemented"); }
  /** Initiator or national administrator, while awaiting approval or delayed. */
  async cancel(_c: Caller, _input: DecisionInput): Promise<Result<SecureTransactionView>> { throw new Error("not implemented"); }
  /** Reversal of a completed transaction (national administrator). */
  async reverse(_c: Caller, _input: { transactionId: string; reverses: string; reason?: string }): Promise<Result<SecureTransactionView>> { throw new Error("not implemented"); }
  /** The scheduler's tick: ends expired approvals, then completes delayed transactions whose delay has passed. */
  async releaseDue(_c: Caller): Promise<Array<{ transactionId: string; result: Result<SecureTransactionView> }>> { throw new Error("not implemented"); }
  async expireDue(_c: Caller): Promise<string[]> { throw new Error("not implemented"); }

  // ---- reads (filtered by what the principal may see) ---------------------------------------
  async getTransaction(_c: Caller, _id: string): Promise<Result<SecureTransactionView>> { throw new Error("not implemented"); }
  async listTransactions(_c: Caller, _opts: { account?: string; status?: TransactionStatus; kind?: string; after?: string; limit?: number } = {}): Promise<Result<SecureTransactionView[]>> { throw new Error("not implemented"); }
  /** Transactions awaiting an approval the caller may give. */
  async listAwaitingMyApproval(_c: Caller, _opts: { after?: string; limit?: number } = {}): Promise<Result<SecureTransactionView[]>> { throw new Error("not implemented"); }
  async getAccount(_c: Caller, _id: string): Promise<Result<AccountView>> { throw new Error("not implemented"); }
  /** Public callers see the public account list; representatives additionally nothing more; admins and the authority all. */
  async listAccounts(_c: Caller, _opts: { type?: string; holder?: string; after?: string; limit?: number } = {}): Promise<Result<AccountView[]>> { throw new Error("not implemented"); }
  async holdings(_c: Caller, _accountId: string, _opts: { blocks?: boolean; blockLimit?: number } = {}): Promise<Result<HoldingView[]>> { throw new Error("not implemented"); }
  async listClasses(_c: Caller, _opts: { after?: string; limit?: number } = {}): Promise<Result<UnitClassView[]>> { throw new Error("not implemented"); }
  async holderLimit(_c: Caller, _holder: string): Promise<Result<HolderLimitView>> { throw new Error("not implemented"); }

  // ---- administration (national administrator) ----------------------------------------------
  async defineClass(_c: Caller, _input: unknown): Promise<Result<UnitClassView>> { throw new Error("not implemented"); }
  async openAccount(_c: Caller, _input: unknown): Promise<Result<AccountView>> { throw new Error("not implemented"); }
  async blockAccount(_c: Caller, _input: { commandId: string; accountId: string; reason?: string }): Promise<Result<AccountView>> { throw new Error("not implemented"); }
  async unblockAccount(_c: Caller, _input: { commandId: string; accountId: string; reason?: string }): Promise<Result<AccountView>> { throw new Error("not implemented"); }
  async addRepresentative(_c: Caller, _input: { accountId: string; userId: string; initiate: boolean; approve: boolean }): Promise<Result<RepresentativeView>> { throw new Error("not implemented"); }
  async removeRepresentative(_c: Caller, _input: { accountId: string; userId: string }): Promise<Result<RepresentativeView>> { throw new Error("not implemented"); }
  /** Administrators, the authority, and the account's own representatives. */
  async listRepresentatives(_c: Caller, _accountId: string): Promise<Result<RepresentativeView[]>> { throw new Error("not implemented"); }

  // ---- trusted account list -----------------------------------------------------------------
  /** Representative (initiate right) of the account, or administrator; takes effect after the working-day delay. */
  async addTrusted(_c: Caller, _input: { accountId: string; trustedAccountId: string }): Promise<Result<TrustedEntryView>> { throw new Error("not implemented"); }
  /** Removal takes effect at once. */
  async removeTrusted(_c: Caller, _input: { accountId: string; trustedAccountId: string }): Promise<Result<TrustedEntryView>> { throw new Error("not implemented"); }
  async listTrusted(_c: Caller, _accountId: string): Promise<Result<TrustedEntryView[]>> { throw new Error("not implemented"); }
}

export type { Refusal };
