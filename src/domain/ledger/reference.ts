// The in-memory reference ledger: the same rules as the SQL ledger (src/registry/ledger), written
// as plainly as possible, with no concern for speed, and sharing none of its code except the
// command validation and the check order (order.ts, data both walk with their own predicates).
// It is the oracle of the model-based tests: for any sequence of commands both must give the same
// results, the same holdings, the same earmarks and the same serial blocks. Pure: the time comes
// from the injected `now` function.
//
// The ledger's commands are here; its state and the moving of serial blocks are in
// reference/state.ts, the registry's rules it checks in reference/rules.ts.
import { type Catalogue, DEFAULT_CATALOGUE, type TransactionKind } from "./catalog.ts";
import { refuse, type Refusal } from "./checks.ts";
import {
  canonical, firstDifference, openingRequest, validateDecide, validateDefineClass, validateEntitlement, validateFreeze, validateOpenAccount, validatePropose,
  validateReverse, validateSetStatus,
} from "./commands.ts";
import { CHECK_ORDER, type CheckFns, firstFailing } from "./order.ts";
import { DEFAULT_LEDGER_RULES, type LedgerRules } from "./rules.ts";
import { ReferenceRules } from "./reference/rules.ts";
import { HELD, type RAccount, RELEASED, type RMove, type RTx, Stop } from "./reference/state.ts";

export type RefResult = { ok: true; replayed: boolean; status?: string } | Refusal;

export class ReferenceLedger extends ReferenceRules {
  /** Every class and account command by id: one namespace, the kind part of what a replay compares. */
  private readonly commands = new Map<string, unknown>();

  constructor(
    private readonly now: () => string,
    cat: Catalogue = DEFAULT_CATALOGUE,
    /** The registry's rules (the rulebook's ledger section). Account numbering is not modelled: an opening must name its account. */
    rules: LedgerRules = DEFAULT_LEDGER_RULES,
  ) {
    super(cat, rules);
  }

  // ---- class and account commands ---------------------------------------------------------------

  private command(id: string, kind: string, request: Record<string, unknown>, checks: CheckFns<undefined>, order: readonly string[], apply: () => void): RefResult {
    const mine = canonical({ command: kind, ...request });
    const prior = this.commands.get(id);
    const diff = prior === undefined ? undefined : firstDifference(mine, prior);
    if (prior !== undefined && !diff) return { ok: true, replayed: true };
    const r = firstFailing(order as never, { ...checks, REPLAY_DIFFERS: () => (diff ? refuse("REPLAY_DIFFERS", diff, { field: diff }) : undefined) }, undefined);
    if (r) return r;
    apply();
    this.commands.set(id, mine);
    return { ok: true, replayed: false };
  }

  defineClass(input: unknown): RefResult {
    const v = validateDefineClass(input);
    if (!v.ok) return v;
    const { commandId, ...def } = v.value;
    return this.command(commandId, "class.define", def as unknown as Record<string, unknown>, {
      CLASS_DEFINITION_INVALID: () => (this.cat.unitTypes.has(def.unitType) ? undefined : refuse("CLASS_DEFINITION_INVALID", "unknown unit type")),
      CLASS_EXISTS: () => (this.classes.has(def.code) ? refuse("CLASS_EXISTS", def.code) : undefined),
    }, CHECK_ORDER["class.define"].planned, () => {
      this.classes.set(def.code, { code: def.code, unitType: def.unitType, vintage: def.vintage, limit: def.issuanceLimit, first: def.serialStart, next: def.serialStart });
    });
  }

  openAccount(input: unknown): RefResult {
    const v = validateOpenAccount(input);
    if (!v.ok) return v;
    const a = v.value;
    if (a.accountId === null) return refuse("FIELD_INVALID", "accountId: required", { field: "accountId" });
    const id = a.accountId;
    const type = this.cat.accountTypes.get(a.type);
    const live = [...this.accounts.values()].filter((x) => x.id !== id && !RELEASED.includes(x.status));
    return this.command(a.commandId, "account.open", openingRequest(a, id), {
      ACCOUNT_TYPE_UNKNOWN: () => (type ? undefined : refuse("ACCOUNT_TYPE_UNKNOWN", a.type)),
      INSTALLATION_REQUIRED: () => (type?.needsInstallation && !a.installation ? refuse("INSTALLATION_REQUIRED", a.type) : undefined),
      ACCOUNT_EXISTS: () => (this.accounts.has(id) ? refuse("ACCOUNT_EXISTS", id) : undefined),
      INSTALLATION_HAS_ACCOUNT: () => (a.installation !== null && live.some((x) => x.installation === a.installation) ? refuse("INSTALLATION_HAS_ACCOUNT", a.installation) : undefined),
      IDENTIFIER_IN_USE: () =>
        (a.permitId !== null && live.some((x) => x.permitId === a.permitId)) || (a.monitoringPlanId !== null && live.some((x) => x.monitoringPlanId === a.monitoringPlanId))
          ? refuse("IDENTIFIER_IN_USE", "permit or monitoring plan")
          : undefined,
    }, CHECK_ORDER["account.open"].planned, () => {
      this.accounts.set(id, { id, type: a.type, status: "open", installation: a.installation, permitId: a.permitId, monitoringPlanId: a.monitoringPlanId });
    });
  }

  setAccountStatus(input: unknown): RefResult {
    const v = validateSetStatus(input);
    if (!v.ok) return v;
    const s = v.value;
    const acc = this.accounts.get(s.accountId);
    const closing = s.status === "closed";
    const a = acc as RAccount;
    const reclaims = acc !== undefined && RELEASED.includes(acc.status) && !RELEASED.includes(s.status);
    const others = [...this.accounts.values()].filter((x) => x.id !== s.accountId && !RELEASED.includes(x.status)).sort((x, y) => (x.id < y.id ? -1 : 1));
    // The first live account (in id order) sharing an identifier; the installation is named before the permit and the plan.
    const clash = !reclaims ? undefined : others.find((x) => (a.installation !== null && x.installation === a.installation) || (a.permitId !== null && x.permitId === a.permitId) || (a.monitoringPlanId !== null && x.monitoringPlanId === a.monitoringPlanId));
    return this.command(s.commandId, "account.status", { accountId: s.accountId, status: s.status, reason: s.reason }, {
      ACCOUNT_UNKNOWN: () => (acc ? undefined : refuse("ACCOUNT_UNKNOWN", s.accountId)),
      ACCOUNT_STATUS_INVALID: () => (a.status === "closed" ? refuse("ACCOUNT_STATUS_INVALID", "closed") : undefined),
      ACCOUNT_GOVERNMENT: () => (closing && this.cat.accountTypes.get(a.type)?.government ? refuse("ACCOUNT_GOVERNMENT", a.type) : undefined),
      ACCOUNT_IN_TRANSFER: () => (closing && a.status === "transfer_pending" ? refuse("ACCOUNT_IN_TRANSFER", a.id) : undefined),
      ACCOUNT_NOT_EMPTY: () => (closing && this.heldBy(s.accountId) > 0n ? refuse("ACCOUNT_NOT_EMPTY", s.accountId) : undefined),
      ACCOUNT_OUTSTANDING: () =>
        closing && [...this.txs.values()].some((t) => t.status === "awaiting_approval" && t.legs.some((l) => l.from === a.id || l.to === a.id)) ? refuse("ACCOUNT_OUTSTANDING", a.id) : undefined,
      INSTALLATION_HAS_ACCOUNT: () =>
        clash === undefined ? undefined : refuse(a.installation !== null && clash.installation === a.installation ? "INSTALLATION_HAS_ACCOUNT" : "IDENTIFIER_IN_USE", a.id),
    }, CHECK_ORDER["account.status"].planned, () => {
      (acc as RAccount).status = s.status;
    });
  }

  // ---- transactions -------------------------------------------------------------------------

  propose(input: unknown): RefResult {
    const v = validatePropose(input);
    if (!v.ok) return v;
    const p = v.value;
    const request = canonical({
      kind: p.kind,
      legs: p.legs.map((l) => ({ classCode: l.classCode, from: l.from, to: l.to, quantity: l.quantity })),
      initiator: p.initiator,
      purpose: p.purpose,
      beneficiary: p.beneficiary,
      note: p.note,
      hold: p.hold,
    });
    const prior = this.txs.get(p.transactionId);
    const diff = prior ? firstDifference(noHold(request), noHold(prior.request)) : undefined;
    if (prior && !diff) return { ok: true, replayed: true, status: prior.status };
    const kind = this.cat.kinds.get(p.kind);
    const r = firstFailing(CHECK_ORDER.propose.planned, {
      REPLAY_DIFFERS: () => (diff ? refuse("REPLAY_DIFFERS", diff, { field: diff }) : undefined),
      REGISTRY_FROZEN: () => this.frozenRefusal(),
      KIND_UNKNOWN: () => (!kind || kind.code === "reversal" ? refuse("KIND_UNKNOWN", p.kind) : undefined),
      PURPOSE_REQUIRED: () => (kind?.requiresPurpose && (!p.purpose || !p.beneficiary) ? refuse("PURPOSE_REQUIRED", p.kind) : undefined),
    }, undefined);
    if (r) return r;
    const now = this.now();
    const status = p.hold.approval ? "awaiting_approval" : p.hold.delayUntil !== null && p.hold.delayUntil > now ? "delayed" : "completed";
    try {
      this.checkLegs(kind as TransactionKind, p.legs);
      const t: RTx = { id: p.transactionId, kind: p.kind, request, legs: p.legs, status, delayUntil: null, approvedBy: null, lastActor: p.initiator, moves: [], reversedBy: null, completedAt: null };
      // the units are earmarked at once: they must be available now; a held issuance must fit the limit on what is issued now
      if (p.kind === "issuance") this.checkIssuanceLimit(p.legs);
      else this.checkAvailable(p.legs, null);
      this.checkPendingOnce(t);
      this.checkReturns(t, true);
      if (status === "completed") {
        t.moves = this.execute(p.kind, p.legs);
        t.completedAt = now;
      } else t.delayUntil = p.hold.delayUntil;
      this.txs.set(p.transactionId, t);
    } catch (e) {
      if (e instanceof Stop) return e.refusal;
      throw e;
    }
    return { ok: true, replayed: false, status };
  }

  approve(input: unknown): RefResult {
    const v = validateDecide(input);
    if (!v.ok) return v;
    const d = v.value;
    const t = this.txs.get(d.transactionId);
    if (t && t.lastActor === d.actor && t.approvedBy === d.actor && (t.status === "completed" || t.status === "delayed")) return { ok: true, replayed: true, status: t.status };
    const r = this.transitionChecks("approve", d.transactionId, t, ["awaiting_approval"]);
    if (r) return r;
    const tx = t as RTx;
    const until = d.delayUntil ?? tx.delayUntil;
    if (until !== null && until > this.now()) {
      tx.status = "delayed";
      tx.delayUntil = until;
      tx.approvedBy = d.actor;
      tx.lastActor = d.actor;
      return { ok: true, replayed: false, status: tx.status };
    }
    return this.complete(tx, d.actor, d.actor);
  }

  cancel(input: unknown): RefResult {
    return this.end(input, "cancelled", "cancel", HELD);
  }

  reject(input: unknown): RefResult {
    return this.end(input, "rejected", "reject", ["awaiting_approval"]);
  }

  /** The delayed transactions due now, in delay order, each completed (or rejected with its check) on its own. */
  releaseDue(): Array<{ transactionId: string; result: RefResult }> {
    const now = this.now();
    const due = [...this.txs.values()]
      .filter((t) => t.status === "delayed" && t.delayUntil !== null && t.delayUntil <= now)
      .sort((a, b) => ((a.delayUntil as string) < (b.delayUntil as string) ? -1 : (a.delayUntil as string) > (b.delayUntil as string) ? 1 : a.id < b.id ? -1 : 1));
    return due.map((t) => ({ transactionId: t.id, result: this.release(t.id) }));
  }

  /** Completes one delayed transaction whose delay has passed (or rejects it with the check that fails), as the ledger's release(id). */
  release(transactionId: string): RefResult {
    const t = this.txs.get(transactionId);
    const r = firstFailing(CHECK_ORDER.release.planned, {
      TX_UNKNOWN: () => (t ? undefined : refuse("TX_UNKNOWN", transactionId)),
      TX_BAD_TRANSITION: () => ((t as RTx).status === "delayed" ? undefined : refuse("TX_BAD_TRANSITION", (t as RTx).status)),
      TX_NOT_DUE: () => ((t as RTx).delayUntil !== null && ((t as RTx).delayUntil as string) > this.now() ? refuse("TX_NOT_DUE", (t as RTx).delayUntil as string) : undefined),
      REGISTRY_FROZEN: () => this.frozenRefusal(),
    }, undefined);
    if (r) return r;
    return this.complete(t as RTx, null, (t as RTx).approvedBy);
  }

  reverse(input: unknown): RefResult {
    const v = validateReverse(input);
    if (!v.ok) return v;
    const r = v.value;
    const request = canonical({ reverses: r.reverses, actor: r.actor, reason: r.reason });
    const prior = this.txs.get(r.transactionId);
    const diff = prior ? firstDifference(request, prior.request) : undefined;
    if (prior && !diff) return { ok: true, replayed: true, status: prior.status };
    const o = this.txs.get(r.reverses);
    const terminal = (id: string) => this.cat.accountTypes.get((this.accounts.get(id) as RAccount).type)?.terminal === true;
    const windowDays = o ? this.rules.reversalWindowDays[o.kind] : undefined;
    const reversal = this.cat.kinds.get("reversal") as TransactionKind;
    const refusal = firstFailing([...CHECK_ORDER.reverse.planned, ...CHECK_ORDER.reverse.underLock], {
      REPLAY_DIFFERS: () => (diff ? refuse("REPLAY_DIFFERS", diff, { field: diff }) : undefined),
      REGISTRY_FROZEN: () => this.frozenRefusal(),
      TX_UNKNOWN: () => (o ? undefined : refuse("TX_UNKNOWN", r.reverses)),
      REVERSAL_NOT_REVERSIBLE: () => (this.cat.kinds.get((o as RTx).kind)?.reversible ? undefined : refuse("REVERSAL_NOT_REVERSIBLE", (o as RTx).kind)),
      REVERSAL_TARGET_NOT_COMPLETED: () => ((o as RTx).status === "completed" ? undefined : refuse("REVERSAL_TARGET_NOT_COMPLETED", (o as RTx).status)),
      REVERSAL_ALREADY_DONE: () => ((o as RTx).reversedBy ? refuse("REVERSAL_ALREADY_DONE", (o as RTx).reversedBy as string) : undefined),
      REVERSAL_WINDOW_PASSED: () => {
        const done = (o as RTx).completedAt;
        if (windowDays === undefined || done === null) return undefined;
        const deadline = new Date(Date.parse(done) + windowDays * 86_400_000).toISOString();
        return this.now() > deadline ? refuse("REVERSAL_WINDOW_PASSED", deadline) : undefined;
      },
      // units in a terminal account are final, unless the kind that put them there has a reversal window
      SOURCE_TERMINAL: () => (windowDays === undefined && (o as RTx).moves.some((m) => terminal(m.to)) ? refuse("SOURCE_TERMINAL", "terminal") : undefined),
      // a closed account holds nothing: units do not go back into one; nor into a state the reversal kind may not arrive in
      DEST_CLOSED: () =>
        (o as RTx).moves.some((m) => m.from !== null && !this.mayReceive((this.accounts.get(m.from) as RAccount).status, reversal)) ? refuse("DEST_CLOSED", "closed") : undefined,
      REVERSAL_UNITS_MOVED_ON: () =>
        (o as RTx).moves.some((m) => !this.list(m.classCode, m.to).some(([s, e]) => s <= m.start && e >= m.end)) ? refuse("REVERSAL_UNITS_MOVED_ON", "moved") : undefined,
      INSUFFICIENT_UNITS: () => {
        const need = new Map<string, bigint>();
        for (const m of (o as RTx).moves) need.set(`${m.to}|${m.classCode}`, (need.get(`${m.to}|${m.classCode}`) ?? 0n) + m.end - m.start + 1n);
        for (const [k, q] of need) {
          const [acc, code] = k.split("|") as [string, string];
          if (this.quantity(code, acc) - this.earmarked(code, acc, null) < q) return refuse("INSUFFICIENT_UNITS", k);
        }
        return undefined;
      },
    }, undefined);
    if (refusal) return refusal;
    const orig = o as RTx;
    const moves: RMove[] = [];
    for (const m of orig.moves) {
      this.remove(m.classCode, m.to, m.start, m.end);
      this.add(m.classCode, m.from as string, m.start, m.end);
      moves.push({ classCode: m.classCode, from: m.to, to: m.from as string, start: m.start, end: m.end });
    }
    orig.reversedBy = r.transactionId;
    this.txs.set(r.transactionId, {
      id: r.transactionId, kind: "reversal", request, legs: [], status: "completed", delayUntil: null, approvedBy: null, lastActor: r.actor, moves, reversedBy: null, completedAt: this.now(),
    });
    return { ok: true, replayed: false, status: "completed" };
  }

  // ---- state ----------------------------------------------------------------------------------
  private transitionChecks(what: "approve" | "reject" | "cancel", id: string, t: RTx | undefined, from: readonly string[]): Refusal | undefined {
    return firstFailing(CHECK_ORDER[what].planned, {
      TX_UNKNOWN: () => (t ? undefined : refuse("TX_UNKNOWN", id)),
      TX_BAD_TRANSITION: () => (from.includes((t as RTx).status) ? undefined : refuse("TX_BAD_TRANSITION", (t as RTx).status)),
      REGISTRY_FROZEN: () => this.frozenRefusal(),
    }, undefined);
  }

  private end(input: unknown, to: string, what: "reject" | "cancel", from: readonly string[]): RefResult {
    const v = validateDecide(input);
    if (!v.ok) return v;
    const d = v.value;
    const t = this.txs.get(d.transactionId);
    if (t && t.status === to && t.lastActor === d.actor) return { ok: true, replayed: true, status: to };
    const r = this.transitionChecks(what, d.transactionId, t, from);
    if (r) return r;
    (t as RTx).status = to;
    (t as RTx).lastActor = d.actor;
    return { ok: true, replayed: false, status: to };
  }

  /** Completion of a held transaction: every check again; a failing one ends it as rejected. */
  private complete(t: RTx, actor: string | null, approvedBy: string | null): RefResult {
    try {
      this.checkLegs(this.cat.kinds.get(t.kind) as TransactionKind, t.legs);
      if (t.kind === "issuance") this.checkIssuanceLimit(t.legs);
      else this.checkAvailable(t.legs, t.id);
      this.checkReturns(t, false);
      t.moves = this.execute(t.kind, t.legs, t.id);
      t.status = "completed";
      t.completedAt = this.now();
      t.lastActor = actor;
      t.approvedBy = approvedBy;
      return { ok: true, replayed: false, status: "completed" };
    } catch (e) {
      if (!(e instanceof Stop)) throw e;
      t.status = "rejected";
      t.lastActor = null;
      return e.refusal;
    }
  }

  // ---- the registry's records ------------------------------------------------------------------

  /** Records an entitlement (what a return of excess allocation is measured against). */
  setEntitlement(input: unknown): RefResult {
    const v = validateEntitlement(input);
    if (!v.ok) return v;
    const e = v.value;
    return this.command(e.commandId, "account.entitle", { accountId: e.accountId, year: e.year, table: e.table, quantity: e.quantity }, {
      ACCOUNT_UNKNOWN: () => (this.accounts.has(e.accountId) ? undefined : refuse("ACCOUNT_UNKNOWN", e.accountId)),
    }, CHECK_ORDER["account.entitle"].planned, () => {
      this.entitlements.push({ account: e.accountId, year: e.year, table: e.table, quantity: e.quantity });
    });
  }

  /** Freezes the registry's transactions, or lifts the freeze. */
  setFreeze(input: unknown): RefResult {
    const v = validateFreeze(input);
    if (!v.ok) return v;
    const f = v.value;
    return this.command(f.commandId, "registry.freeze", { frozen: f.frozen, reason: f.reason }, {}, CHECK_ORDER["registry.freeze"].planned, () => {
      this.frozen = f.frozen;
    });
  }
}

function noHold(r: unknown): unknown {
  if (typeof r !== "object" || r === null) return r;
  const { hold: _h, ...rest } = r as Record<string, unknown>;
  return rest;
}
