// The registry as callers see it: the ledger (src/registry/ledger) behind the security rules of
// the rulebook. Every operation takes a Caller (principal + address): it checks the role and the
// per-account rights, applies four-eyes, the trusted account list, the transfer delay, the
// transaction limits and approval expiry, calls the ledger, and writes the audit row. The rules
// that decide whether units may move (earmarks, holding limits, the transaction's state) are
// kept by the ledger inside the database transaction that moves them. Reads return only what the
// principal may see. The parts: transactions.ts, trusted.ts, limits.ts, representatives.ts,
// reads.ts, admin.ts, authorize.ts.
import { AuditLog } from "../../audit/index.ts";
import type { Catalogue } from "../../domain/ledger/catalog.ts";
import { DEFAULT_CATALOGUE } from "../../domain/ledger/catalog.ts";
import type { Refusal } from "../../domain/ledger/checks.ts";
import type { HoldingLimitPolicy } from "../../domain/ledger/plan.ts";
import type { SecurityConfig } from "../../domain/security/config.ts";
import type { Caller } from "../../domain/security/roles.ts";
import type { Clock } from "../../platform/clock.ts";
import type { Db } from "../../store/db.ts";
import { type BatchTransferInput, LedgerService } from "../ledger/index.ts";
import * as ledgerReads from "../ledger/reads.ts";
import { HoldingsReadGroup, type ReadGroupOptions } from "../read-group.ts";
import * as admin from "./admin.ts";
import type { SecureCtx } from "./context.ts";
import * as limits from "./limits.ts";
import * as reads from "./reads.ts";
import * as reps from "./representatives.ts";
import * as tx from "./transactions.ts";
import * as trusted from "./trusted.ts";

import { noPendingSecurityChanges } from "./closure.ts";
import type { LedgerRules } from "../../domain/ledger/rules.ts";
import { recordedRulebook } from "../settings.ts";
export type { Result } from "../ledger/index.ts";
export type { Refusal };
export type { SecureTransactionView, InitiateInput, DecisionInput } from "./transactions.ts";
export { EXPIRY_ACTOR } from "./transactions.ts";
export type { TrustedEntryView } from "./trusted.ts";
export type { AccountLimitView, HolderLimitView } from "./limits.ts";
export type { RepresentativeView } from "./representatives.ts";
export type { ListOptions, TransactionListOptions } from "./reads.ts";
export { permit } from "./context.ts";

export interface SecureRegistryOptions {
  catalogue?: Catalogue;
  /** The ledger's registry rules, instead of the recorded rulebook's `ledger` section (tests). */
  ledgerRules?: LedgerRules;
  /** Shared with the AuthService so both write one trail. */
  audit?: AuditLog;
  /** How concurrent holdings reads are coalesced (src/registry/read-group.ts); false: each read alone. Default: on, with the module's defaults. */
  readGroup?: ReadGroupOptions | false;
}

/** The ledger's holding-limit policy from the security rules (none when no limit is configured). */
export function holdingPolicy(config: SecurityConfig): HoldingLimitPolicy | null {
  const h = config.holdingLimits;
  if (h.defaultLimit === null && Object.keys(h.perHolder).length === 0) return null;
  return { defaultLimit: h.defaultLimit, perHolder: h.perHolder, unitTypes: h.unitTypes, exemptAccountTypes: h.exemptAccountTypes };
}

/** What SecureRegistry.openReads gives: the reads of the registry and of its ledger, and nothing that writes. */
export interface RegistryReads {
  readonly ledger: Pick<LedgerService, "getAccount" | "listAccounts" | "holdings" | "getClass" | "listClasses" | "getTransaction" | "listTransactions">;
  readonly listRepresentatives: SecureRegistry["listRepresentatives"];
}

export class SecureRegistry {
  private readonly ctx: SecureCtx;

  private constructor(readonly ledger: LedgerService, readonly audit: AuditLog, readonly config: SecurityConfig, clock: Clock, db: Db, readGroup: ReadGroupOptions | false = {}) {
    const ctx: SecureCtx = { ledger, audit, config, clock, db };
    this.ctx = readGroup === false ? ctx : { ...ctx, holdingsGroup: new HoldingsReadGroup(db, (ask) => reads.holdingsAlone(ctx, ask), readGroup) };
  }

  /** The coalesced holdings read's counters (statements, reads, fallbacks); undefined when reads go alone. */
  get readGroupStats(): HoldingsReadGroup["stats"] | undefined {
    return this.ctx.holdingsGroup?.stats;
  }

  /**
   * Opens the registry on a migrated store, with the scheme rules of the rulebook recorded in it
   * (src/registry/scheme-rules.ts): every door opens it this way, so every door keeps them.
   */
  static async open(db: Db, clock: Clock, config: SecurityConfig, opts: SecureRegistryOptions = {}): Promise<SecureRegistry> {
    // The rulebook's sections and the scheme rules' modules (zod schemas, every part's hooks) are
    // loaded here, not when this module loads, so that a read (openReads) does not pay for them.
    const [rulebook, { ledgerRules }, { installSchemeRules }] = await Promise.all([
      recordedRulebook(db).then((r) => r?.rulebook ?? null),
      import("../../domain/rulebook/ledger.ts"),
      import("../scheme-rules.ts"),
    ]);
    // The ledger's own registry rules (account states, routes, reversal windows, numbers): the rulebook's `ledger` section.
    const rules = opts.ledgerRules ?? ledgerRules(rulebook?.ledger);
    const ledger = await LedgerService.open(db, clock, opts.catalogue ?? DEFAULT_CATALOGUE, { holdingLimits: holdingPolicy(config), rules });
    ledger.onClose(noPendingSecurityChanges);
    installSchemeRules(ledger, db, rulebook);
    return new SecureRegistry(ledger, opts.audit ?? new AuditLog(db, clock), config, clock, db, opts.readGroup);
  }

  /**
   * The registry's reads alone, for a command that only reads (the CLI's `ets holdings`, lists and
   * shows): neither the rulebook nor the scheme rules are loaded, and the ledger's reads run on the
   * store without opening the ledger service (its catalogue-rows check is for writes), so the
   * object returned has no write at all, not even on its ledger (a write must come through open(),
   * which installs every scheme rule first). Each read is the one the ledger service and open()'s
   * registry answer (src/registry/ledger/reads.ts). The representatives' read, which goes through
   * the security rules, opens the ledger service the first time it is called.
   */
  static async openReads(db: Db, clock: Clock, config: SecurityConfig, opts: Pick<SecureRegistryOptions, "catalogue" | "audit"> = {}): Promise<RegistryReads> {
    let whole: Promise<SecureRegistry> | undefined;
    const registry = () => {
      whole ??= LedgerService.open(db, clock, opts.catalogue ?? DEFAULT_CATALOGUE, { holdingLimits: holdingPolicy(config) }).then((ledger) => new SecureRegistry(ledger, opts.audit ?? new AuditLog(db, clock), config, clock, db));
      return whole;
    };
    return Object.freeze({
      ledger: Object.freeze({
        getAccount: (id: string) => ledgerReads.getAccount(db, id),
        listAccounts: (o: ledgerReads.AccountFilter = {}) => ledgerReads.listAccounts(db, o),
        holdings: (id: string, o: ledgerReads.HoldingsOptions = {}) => ledgerReads.holdings(db, id, o),
        getClass: (code: string) => ledgerReads.getClass(db, code),
        listClasses: (o: { after?: string | undefined; limit?: number | undefined } = {}) => ledgerReads.listClasses(db, o),
        getTransaction: (id: string) => ledgerReads.getTransaction(db, id),
        listTransactions: (f: ledgerReads.TransactionFilter = {}) => ledgerReads.listTransactions(db, f),
      }),
      listRepresentatives: async (c: Caller, accountId: string) => (await registry()).listRepresentatives(c, accountId),
    });
  }

  // transactions
  initiate = (c: Caller, input: tx.InitiateInput) => tx.initiate(this.ctx, c, input);
  approve = (c: Caller, input: tx.DecisionInput) => tx.approve(this.ctx, c, input);
  reject = (c: Caller, input: tx.DecisionInput) => tx.reject(this.ctx, c, input);
  cancel = (c: Caller, input: tx.DecisionInput) => tx.cancel(this.ctx, c, input);
  reverse = (c: Caller, input: { transactionId: string; reverses: string; reason?: string | undefined }) => tx.reverse(this.ctx, c, input);
  batch = (c: Caller, input: { batchId: string; kind: string; transfers: BatchTransferInput[] }) => tx.batch(this.ctx, c, input);
  expireDue = (c: Caller) => tx.expireDue(this.ctx, c);
  releaseDue = (c: Caller) => tx.releaseDue(this.ctx, c);

  // reads
  getTransaction = (c: Caller, id: string) => reads.getTransaction(this.ctx, c, id);
  listTransactions = (c: Caller, opts?: reads.TransactionListOptions) => reads.listTransactions(this.ctx, c, opts);
  listAwaitingMyApproval = (c: Caller, opts?: reads.ListOptions) => reads.listAwaitingMyApproval(this.ctx, c, opts);
  getAccount = (c: Caller, id: string) => reads.getAccount(this.ctx, c, id);
  listAccounts = (c: Caller, opts?: reads.ListOptions & { type?: string | undefined; holder?: string | undefined; status?: "open" | "blocked" | "closed" | undefined }) => reads.listAccounts(this.ctx, c, opts);
  holdings = (c: Caller, accountId: string, opts?: { blocks?: boolean | undefined; blockLimit?: number | undefined }) => reads.holdings(this.ctx, c, accountId, opts);
  listBlocks = (c: Caller, accountId: string, classCode: string, opts: { after?: bigint | undefined; limit?: number | undefined } = {}) => reads.listBlocks(this.ctx, c, accountId, classCode, opts);
  listClasses = (c: Caller, opts?: reads.ListOptions) => reads.listClasses(this.ctx, c, opts);
  holderLimit = (c: Caller, holder: string) => limits.holderLimit(this.ctx, c, holder);

  // administration
  defineClass = (c: Caller, input: unknown) => admin.defineClass(this.ctx, c, input);
  openAccount = (c: Caller, input: unknown) => admin.openAccount(this.ctx, c, input);
  blockAccount = (c: Caller, input: admin.StatusInput) => admin.setStatus(this.ctx, c, "block", input);
  unblockAccount = (c: Caller, input: admin.StatusInput) => admin.setStatus(this.ctx, c, "unblock", input);
  closeAccount = (c: Caller, input: admin.StatusInput) => admin.setStatus(this.ctx, c, "close", input);
  setAccountState = (c: Caller, input: admin.StateInput) => admin.setState(this.ctx, c, input);
  setFreeze = (c: Caller, input: { commandId: string; frozen: boolean; reason: string }) => admin.setFreeze(this.ctx, c, input);
  setEntitlement = (c: Caller, input: { commandId: string; accountId: string; year: number; table: string; quantity: string }) => admin.setEntitlement(this.ctx, c, input);
  addRepresentative = (c: Caller, input: { accountId: string; userId: string; initiate: boolean; approve: boolean }) =>
    admin.asAdmin(this.ctx, c, "representative.add", typeof input?.accountId === "string" ? input.accountId.slice(0, 64) : null, "representatives:manage", () => reps.addRepresentative(this.ctx, c, input));
  removeRepresentative = (c: Caller, input: { accountId: string; userId: string }) =>
    admin.asAdmin(this.ctx, c, "representative.remove", typeof input?.accountId === "string" ? input.accountId.slice(0, 64) : null, "representatives:manage", () => reps.removeRepresentative(this.ctx, c, input));
  listRepresentatives = (c: Caller, accountId: string) => reps.listRepresentatives(this.ctx, c, accountId);

  // trusted list and account limits
  addTrusted = (c: Caller, input: { accountId: string; trustedAccountId: string }) => trusted.addTrusted(this.ctx, c, input);
  approveTrusted = (c: Caller, input: { accountId: string; trustedAccountId: string; entryId: string }) => trusted.approveTrusted(this.ctx, c, input);
  removeTrusted = (c: Caller, input: { accountId: string; trustedAccountId: string }) => trusted.removeTrusted(this.ctx, c, input);
  listTrusted = (c: Caller, accountId: string) => trusted.listTrusted(this.ctx, c, accountId);
  setAccountLimit = (c: Caller, input: { accountId: string; limit: string | number | bigint | null }) => limits.setAccountLimit(this.ctx, c, input);
  approveAccountLimit = (c: Caller, input: { accountId: string; version: number }) => limits.approveAccountLimit(this.ctx, c, input);
  getAccountLimit = (c: Caller, accountId: string) => limits.getAccountLimit(this.ctx, c, accountId);
}
