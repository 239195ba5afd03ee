// The registry ledger on SQL. Every command that moves units or changes a transaction's status
// goes the same way: read a snapshot (or take remembered rows), plan it purely
// (src/domain/ledger/plan.ts), apply the plan in one statement (ledger_apply), and when the
// database says the snapshot was stale, plan again from a fresh one, a bounded number of times.
// Class and account commands are in accounts.ts; reads in reads.ts; the recorded request in
// requests.ts; group commit of concurrent proposals in group.ts.
import { type Catalogue, DEFAULT_CATALOGUE } from "../../domain/ledger/catalog.ts";
import { refuse, type Refusal } from "../../domain/ledger/checks.ts";
import { canonical, firstDifference, validateDecide, validatePropose, validateReverse } from "../../domain/ledger/commands.ts";
import {
  type CreateStep, type Decision, groupable, type HoldingLimitPolicy, type Plan, type PlanOptions, planCreate, planDecision, planReverse, rejection, type Snapshot, type TxFacts,
} from "../../domain/ledger/plan.ts";
import { DEFAULT_LEDGER_RULES, type LedgerRules } from "../../domain/ledger/rules.ts";
import { type Clock, systemClock } from "../../platform/clock.ts";
import type { Db } from "../../store/db.ts";
import * as accounts from "./accounts.ts";
import type { ClosurePrecondition } from "./accounts.ts";
import { legNumbersRefusal } from "./numbers.ts";
import type { Applied } from "./apply.ts";
import { applyWithHooks, type KindHook } from "./hooks.ts";
import { runBatch, type BatchInput } from "./batch.ts";
import { GroupCommit, type GroupCommitOptions } from "./group.ts";
import { txIdFor } from "./ids.ts";
import * as reads from "./reads.ts";
import { atomicRunner, ensureCatalogueRows } from "./opening.ts";
import { backOff, LedgerBusyError, MAX_ATTEMPTS, retryable } from "./retry.ts";
import { type Proposal, proposalRequest, withoutHold } from "./requests.ts";
import { readSnapshot, SeenRows } from "./snapshot.ts";
import type { AccountView, BatchView, BlockView, EntitlementView, FreezeView, HoldingView, Page, Result, TransactionView, UnitClassView } from "./types.ts";
import { heldView, completedView } from "./views.ts";

export interface LedgerOptions {
  /** Holding limits the ledger keeps under its locks on every write (the rulebook's security section). */
  holdingLimits?: HoldingLimitPolicy | null;
  /** The registry's rules (account states, government routes, reversal windows, one pending per account, account numbers): the rulebook's `ledger` section. */
  rules?: LedgerRules;
  /** Group commit of concurrent single proposals (group.ts): on by default (2 write slots); `false` turns it off. */
  groupCommit?: GroupCommitOptions | false;
}

/** Keys of the registry's own scope that look like derived ids would be ambiguous: they are refused. */
const DERIVED_ID = /^TX-[A-Z2-9]{20}$/;

export class LedgerService {
  private readonly seen = new SeenRows();
  private readonly hooks = new Map<string, KindHook[]>();
  private readonly closure: ClosurePrecondition[] = [];
  /** How proposals that went through were planned: from remembered rows alone (one statement), or on a snapshot read first. */
  readonly paths = { remembered: 0, read: 0 };
  readonly options: PlanOptions;
  /** One database transaction for a class or account command (opening.ts). */
  private readonly atomic: ReturnType<typeof atomicRunner>;
  /** Group commit of concurrent single proposals (group.ts), unless turned off. */
  readonly group: GroupCommit | undefined;

  private constructor(
    readonly db: Db,
    private readonly clock: Clock,
    readonly catalogue: Catalogue,
    opts: LedgerOptions,
  ) {
    this.atomic = atomicRunner(db);
    this.options = { catalogue, holdingLimits: opts.holdingLimits ?? null, rules: opts.rules ?? DEFAULT_LEDGER_RULES };
    this.group = opts.groupCommit === false ? undefined : new GroupCommit((plan) => applyWithHooks(this.db, plan, this.hooks), opts.groupCommit ?? {});
  }

  /** The registry's rules the ledger keeps (the rulebook's `ledger` section, or the defaults). */
  get rules(): LedgerRules {
    return this.options.rules ?? DEFAULT_LEDGER_RULES;
  }

  private get accountRules(): accounts.AccountRules {
    return { catalogue: this.catalogue, rules: this.rules, closure: this.closure };
  }

  /** Opens the service on a migrated store and makes sure the catalogue's rows exist. */
  static async open(db: Db, clock: Clock = systemClock, cat: Catalogue = DEFAULT_CATALOGUE, opts: LedgerOptions = {}): Promise<LedgerService> {
    await ensureCatalogueRows(db, cat);
    return new LedgerService(db, clock, cat, opts);
  }

  now(): string {
    return this.clock.now().toISOString();
  }

  // ---- classes and accounts -----------------------------------------------------------------

  defineClass(input: unknown): Promise<Result<UnitClassView>> {
    return accounts.defineClass(this.atomic, this.catalogue, this.now(), input);
  }

  openAccount(input: unknown): Promise<Result<AccountView>> {
    return accounts.openAccount(this.atomic, this.accountRules, this.now(), input);
  }

  async setAccountStatus(input: unknown): Promise<Result<AccountView>> {
    const r = await accounts.setAccountStatus(this.atomic, this.accountRules, this.now(), input);
    if (r.ok) this.seen.forget([r.value.id]);
    return r;
  }

  /**
   * Registers a rule another part of the registry keeps when an account closes (no pending
   * trusted-list changes; verified emissions for the years of its obligation): it runs inside the
   * closing database transaction, under the account's lock, after the ledger's own checks.
   */
  onClose(precondition: ClosurePrecondition): void {
    this.closure.push(precondition);
  }

  /** Records an account's entitlement for a year and allocation table (what a return of excess allocation is measured against). */
  setEntitlement(input: unknown): Promise<Result<EntitlementView>> {
    return accounts.setEntitlement(this.atomic, this.accountRules, this.now(), input);
  }

  entitlements(accountId: string): Promise<EntitlementView[]> {
    return accounts.entitlementsOf(this.db, accountId);
  }

  /** Freezes the registry's transactions for a reconciliation, or lifts the freeze (an administrator's switch, recorded). */
  setFreeze(input: unknown): Promise<Result<FreezeView>> {
    return accounts.setFreeze(this.atomic, this.now(), input);
  }

  freeze(): Promise<FreezeView> {
    return accounts.freezeState(this.db);
  }

  getClass(code: string): Promise<UnitClassView | undefined> {
    return reads.getClass(this.db, code);
  }

  listClasses(opts: { after?: string | undefined; limit?: number | undefined } = {}): Promise<Page<UnitClassView>> {
    return reads.listClasses(this.db, opts);
  }

  getAccount(id: string): Promise<AccountView | undefined> {
    return reads.getAccount(this.db, id);
  }

  listAccounts(opts: reads.AccountFilter = {}): Promise<Page<AccountView>> {
    return reads.listAccounts(this.db, opts);
  }

  holdings(accountId: string, opts: reads.HoldingsOptions = {}): Promise<HoldingView[] | undefined> {
    return reads.holdings(this.db, accountId, opts);
  }

  listBlocks(accountId: string, classCode: string, opts: { after?: bigint | undefined; limit?: number | undefined } = {}): Promise<Page<BlockView>> {
    return reads.listBlocks(this.db, accountId, classCode, opts);
  }

  getTransaction(id: string): Promise<TransactionView | undefined> {
    return reads.getTransaction(this.db, id);
  }

  listTransactions(filter: reads.TransactionFilter = {}): Promise<Page<TransactionView>> {
    return reads.listTransactions(this.db, filter);
  }

  /** The id a caller's key stands for in its scope (the key itself in the registry's own scope). */
  idFor(scope: string, key: string): string {
    return txIdFor(scope, key);
  }

  // ---- proposals ----------------------------------------------------------------------------

  /**
   * Proposes a transaction. Without a hold it completes at once; with hold.approval it waits for
   * approve(); with hold.delayUntil in the future it waits for release. A held transaction's units
   * are earmarked at once, so nothing else can take them meanwhile. `scope` is the caller's space
   * of idempotency keys (empty: the registry's own, where the key is the transaction id).
   */
  async propose(input: unknown, scope = ""): Promise<Result<TransactionView>> {
    const v = validatePropose(input);
    if (!v.ok) return v;
    const p = v.value;
    const badNumber = legNumbersRefusal(this.rules, p.legs);
    if (badNumber) return badNumber;
    if (scope === "" && DERIVED_ID.test(p.transactionId)) {
      return refuse("ID_MALFORMED", `transactionId ${p.transactionId} has the form of the ids the registry derives; choose another`, { field: "transactionId", value: p.transactionId });
    }
    const id = txIdFor(scope, p.transactionId);
    const now = this.now();
    const c: Proposal = {
      p, scope, id, now, request: canonical(proposalRequest(p)),
      classes: [...new Set(p.legs.map((l) => l.classCode))],
      accountIds: [...new Set(p.legs.flatMap((l) => (l.from === null ? [l.to] : [l.from, l.to])))],
    };
    // Group commit: a proposal planned on remembered rows that may join a group asks for a write
    // slot; while another is in flight it waits and is applied together with the others (group.ts).
    const snap = this.group ? this.seen.snapshot(now, c.classes, c.accountIds) : undefined;
    const plan = snap ? this.planProposal(c, snap) : undefined;
    if (!this.group || !plan || "ok" in plan || !groupable(plan)) return this.proposeLoop(c, plan);
    const turn = await this.group.turn(plan);
    if (turn.kind === "done") {
      this.paths.remembered++;
      return { ok: true, value: completedView(plan.steps[0] as CreateStep, now, turn.moves), replayed: false };
    }
    if (turn.kind === "alone") return this.proposeLoop(c, plan);
    try {
      return await this.proposeLoop(c, plan);
    } finally {
      this.group.release();
    }
  }

  private planProposal(c: Proposal, snap: Snapshot): Plan | Refusal {
    const { p } = c;
    return planCreate(
      { id: c.id, scope: c.scope, key: p.transactionId, kind: p.kind, legs: p.legs, request: c.request, initiator: p.initiator, purpose: p.purpose, beneficiary: p.beneficiary, hold: p.hold },
      snap,
      this.options,
    );
  }

  /** The ordinary path of a proposal: plan (on remembered rows first, `first` when already made on them), apply, re-plan when stale. */
  private async proposeLoop(c: Proposal, first?: Plan | Refusal): Promise<Result<TransactionView>> {
    const { p, id, scope, now, request, classes, accountIds } = c;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      let snap = attempt === 1 && first === undefined ? this.seen.snapshot(now, classes, accountIds) : undefined;
      const remembered = snap !== undefined || (attempt === 1 && first !== undefined);
      if (!snap && !remembered) {
        snap = await readSnapshot(this.db, now, { classes, accounts: accountIds, txs: [id] });
        this.seen.remember(snap);
        const prior = snap.txs.get(id);
        if (prior) return this.replayOf(id, scope, p.transactionId, request, prior);
      }
      const plan = attempt === 1 && first !== undefined ? first : this.planProposal(c, snap as Snapshot);
      // A refusal on remembered rows is only a hint: the read snapshot decides.
      if ("ok" in plan) {
        if (remembered) continue;
        return plan;
      }
      const res = await this.apply(plan, attempt);
      if (res === "retry") continue;
      if (res.kind === "stale") {
        this.seen.forget(accountIds);
        continue;
      }
      if (res.kind === "prior") continue;
      if (res.kind === "refused") return res.refusal;
      this.paths[remembered ? "remembered" : "read"]++;
      const step = plan.steps[0];
      if (!step || step.op !== "create") throw new Error("a proposal plan has one create step");
      return { ok: true, value: step.status === "completed" ? completedView(step, now, res.moves[0] ?? []) : heldView(step, now), replayed: false };
    }
    throw new LedgerBusyError(`transaction ${p.transactionId}`);
  }

  /**
   * Registers a rule another part of the registry keeps on every write of a transaction of this
   * kind: it runs inside the writing database transaction, after the ledger's checks and the
   * movements, and its refusal rolls the whole command back (src/registry/ledger/hooks.ts).
   */
  onKind(kind: string, hook: KindHook): void {
    if (!this.catalogue.kinds.has(kind)) throw new Error(`onKind: ${kind} is not a transaction kind of the catalogue`);
    this.hooks.set(kind, [...(this.hooks.get(kind) ?? []), hook]);
  }

  /** Applies a plan; "retry" after a serialization failure, deadlock or key race (with a back-off). */
  private async apply(plan: Plan, attempt: number): Promise<Applied | "retry"> {
    try {
      return await applyWithHooks(this.db, plan, this.hooks);
    } catch (err) {
      if (!retryable(err) || attempt >= MAX_ATTEMPTS) throw err;
      await backOff(attempt);
      return "retry";
    }
  }

  /**
   * A repeated key: the same content returns the first result; other content is refused naming the
   * first differing field. The hold is not compared: it is the registry's decision (the trusted
   * list, the clock), not part of what the caller sent.
   */
  private async replayOf(id: string, scope: string, key: string, request: unknown, prior: TxFacts): Promise<Result<TransactionView>> {
    const diff = firstDifference(withoutHold(request), withoutHold(prior.request));
    if (diff) return refuse("REPLAY_DIFFERS", `transaction ${key} was submitted with a different ${diff}`, { transactionId: key, field: diff });
    const view = await this.getTransaction(id);
    if (!view) throw new Error(`transaction ${id} vanished`);
    if (view.key !== key || (scope === "" && view.id !== key)) throw new Error(`transaction id ${id} derived from two different keys`);
    return { ok: true, value: view, replayed: true };
  }

  // ---- decisions on held transactions -------------------------------------------------------

  /** Second approval: awaiting_approval -> delayed (if a delay still applies) or completed. */
  async approve(input: unknown): Promise<Result<TransactionView>> {
    const v = validateDecide(input);
    if (!v.ok) return v;
    return this.decide(v.value.transactionId, { to: "approve", actor: v.value.actor, delayUntil: v.value.delayUntil });
  }

  async reject(input: unknown): Promise<Result<TransactionView>> {
    const v = validateDecide(input);
    if (!v.ok) return v;
    return this.decide(v.value.transactionId, { to: "reject", actor: v.value.actor, reason: v.value.reason });
  }

  async cancel(input: unknown): Promise<Result<TransactionView>> {
    const v = validateDecide(input);
    if (!v.ok) return v;
    return this.decide(v.value.transactionId, { to: "cancel", actor: v.value.actor, reason: v.value.reason });
  }

  /** Completes one delayed transaction whose delay has passed (its checks, earmarks and limits under the locks). */
  release(id: string): Promise<Result<TransactionView>> {
    return this.decide(id, { to: "release" });
  }

  /** The delayed transactions due now, oldest delay first. */
  dueIds(limit = 100): Promise<string[]> {
    return reads.dueIds(this.db, this.now(), limit);
  }

  /** Awaiting transactions created at or before the cutoff, oldest first. */
  awaitingIds(createdBefore: string, limit = 1000): Promise<string[]> {
    return reads.awaitingIds(this.db, createdBefore, limit);
  }

  /** Releases every delayed transaction due now, each on its own, in delay order; what happened to each. */
  async releaseDue(limit = 100): Promise<Array<{ transactionId: string; result: Result<TransactionView> }>> {
    const out: Array<{ transactionId: string; result: Result<TransactionView> }> = [];
    for (const id of await this.dueIds(limit)) out.push({ transactionId: id, result: await this.release(id) });
    return out;
  }

  private async decide(id: string, d: Decision): Promise<Result<TransactionView>> {
    const now = this.now();
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const snap = await readSnapshot(this.db, now, { txs: [id], movements: true });
      const t = snap.txs.get(id);
      const outcome = planDecision(id, d, snap, this.options);
      if ("ok" in outcome) return outcome;
      if ("replay" in outcome) return { ok: true, value: (await this.getTransaction(id)) as TransactionView, replayed: true };
      const res = await this.apply(outcome.plan, attempt);
      if (res === "retry" || res.kind === "stale" || res.kind === "prior") continue;
      if (res.kind === "refused") return this.recordFailedCompletion(t as TxFacts, res.refusal, snap);
      if (outcome.refusal) return outcome.refusal;
      return { ok: true, value: (await this.getTransaction(id)) as TransactionView, replayed: false };
    }
    throw new LedgerBusyError(`transaction ${id}`);
  }

  /** A completion the database refused (units, limits): recorded as rejected with the code, unless the transaction moved on meanwhile. */
  private async recordFailedCompletion(t: TxFacts, refusal: Refusal, snap: Snapshot): Promise<Refusal> {
    const out = rejection(t, refusal, snap);
    if (!("plan" in out)) return refusal;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const res = await this.apply(out.plan, attempt);
      if (res === "retry") continue;
      return refusal;
    }
    return refusal;
  }

  // ---- reversals and batches ----------------------------------------------------------------

  /** Reverses a completed transaction: the exact serials go back from each destination to each source. */
  async reverse(input: unknown, scope = "", opts: { approval?: boolean } = {}): Promise<Result<TransactionView>> {
    const v = validateReverse(input);
    if (!v.ok) return v;
    const r = v.value;
    const id = txIdFor(scope, r.transactionId);
    const request = canonical({ reverses: r.reverses, actor: r.actor, reason: r.reason });
    const now = this.now();
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const snap = await readSnapshot(this.db, now, { txs: [id, r.reverses], movements: true });
      const prior = snap.txs.get(id);
      if (prior) return this.replayOf(id, scope, r.transactionId, request, prior);
      const plan = planReverse(
        { id, scope, key: r.transactionId, reverses: r.reverses, request, actor: r.actor, reason: r.reason, approval: opts.approval === true },
        snap,
        this.options,
      );
      if ("ok" in plan) return plan;
      const res = await this.apply(plan, attempt);
      if (res === "retry" || res.kind === "stale" || res.kind === "prior") continue;
      if (res.kind === "refused") return res.refusal;
      return { ok: true, value: (await this.getTransaction(id)) as TransactionView, replayed: false };
    }
    throw new LedgerBusyError(`reversal ${r.transactionId}`);
  }

  /** Many transfers of one kind in one database transaction: all or nothing, idempotent by batch id. */
  batch(input: BatchInput, scope = ""): Promise<Result<BatchView>> {
    const badNumber = Array.isArray(input?.transfers) ? legNumbersRefusal(this.rules, input.transfers.filter((t) => typeof t === "object" && t !== null), "transfers") : undefined;
    if (badNumber) return Promise.resolve(badNumber);
    return runBatch({ db: this.db, options: this.options, now: () => this.now(), seen: this.seen, apply: (p, attempt) => this.apply(p, attempt) }, input, scope);
  }
}
