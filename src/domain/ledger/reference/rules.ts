// The reference ledger's registry rules, each written out on its own: every leg's checks (account
// states as the rulebook's ledger section lets them send and receive, account types, government
// routes, classes and unit types), the freeze, one pending transaction of a kind per account, and
// returns of excess allocation never beyond the excess over the recorded entitlement.
// Part of the in-memory oracle (src/domain/ledger/reference.ts): shares no code with the planner.
import type { Catalogue, TransactionKind } from "../catalog.ts";
import { refuse, type Refusal } from "../checks.ts";
import type { AccountStatus, Leg } from "../commands.ts";
import { firstFailing, LEG_ORDER } from "../order.ts";
import type { KindSet, LedgerRules } from "../rules.ts";
import { HELD, type RAccount, type RClass, ReferenceState, type RTx, Stop } from "./state.ts";

/** The rules a command is checked against, on the state. */
export class ReferenceRules extends ReferenceState {
  constructor(
    protected readonly cat: Catalogue,
    /** The registry's rules (the rulebook's ledger section). */
    protected readonly rules: LedgerRules,
  ) {
    super();
  }

  protected checkLegs(kind: TransactionKind, legs: Leg[]): void {
    const issuance = kind.code === "issuance";
    for (const leg of legs) {
      const src = leg.from === null ? undefined : this.accounts.get(leg.from);
      const dst = this.accounts.get(leg.to);
      const cls = this.classes.get(leg.classCode);
      const r = firstFailing(LEG_ORDER, {
        SOURCE_REQUIRED: () => (issuance !== (leg.from === null) ? refuse("SOURCE_REQUIRED", "source") : undefined),
        SOURCE_UNKNOWN: () => (leg.from !== null && !src ? refuse("SOURCE_UNKNOWN", leg.from) : undefined),
        SOURCE_NOT_OPEN: () => (src && !this.maySend(src.status, kind) ? refuse("SOURCE_NOT_OPEN", src.id) : undefined),
        SOURCE_TERMINAL: () => (src && this.cat.accountTypes.get(src.type)?.terminal ? refuse("SOURCE_TERMINAL", src.id) : undefined),
        SOURCE_TYPE_NOT_ALLOWED: () => (src && !kind.from.includes(src.type) ? refuse("SOURCE_TYPE_NOT_ALLOWED", src.type) : undefined),
        DEST_UNKNOWN: () => (dst ? undefined : refuse("DEST_UNKNOWN", leg.to)),
        DEST_CLOSED: () => (dst && !this.mayReceive(dst.status, kind) ? refuse("DEST_CLOSED", leg.to) : undefined),
        DEST_TYPE_NOT_ALLOWED: () => (dst && !kind.to.includes(dst.type) ? refuse("DEST_TYPE_NOT_ALLOWED", dst.type) : undefined),
        DEST_SAME_AS_SOURCE: () => (leg.from === leg.to ? refuse("DEST_SAME_AS_SOURCE", leg.to) : undefined),
        GOVERNMENT_ROUTE: () => {
          const gov = (t: string) => this.cat.accountTypes.get(t)?.government === true;
          return src && dst && gov(src.type) && gov(dst.type) && !(this.rules.governmentRoutes[src.type] ?? []).includes(dst.type) ? refuse("GOVERNMENT_ROUTE", `${src.type}->${dst.type}`) : undefined;
        },
        CLASS_UNKNOWN: () => (cls ? undefined : refuse("CLASS_UNKNOWN", leg.classCode)),
        UNIT_TYPE_NOT_ALLOWED: () => (cls && kind.unitTypes && !kind.unitTypes.includes(cls.unitType) ? refuse("UNIT_TYPE_NOT_ALLOWED", cls.unitType) : undefined),
      }, undefined);
      if (r) throw new Stop(r);
    }
  }

  protected frozenRefusal(): Refusal | undefined {
    return this.frozen ? refuse("REGISTRY_FROZEN", "frozen") : undefined;
  }

  protected inKinds(set: KindSet, kind: TransactionKind): boolean {
    if (set.all) return true;
    if (set.kinds.includes(kind.code)) return true;
    return set.administrative && kind.administrative;
  }

  protected maySend(status: AccountStatus, kind: TransactionKind): boolean {
    if (status === "closed") return false;
    return this.inKinds(this.rules.states[status].send, kind);
  }

  protected mayReceive(status: AccountStatus, kind: TransactionKind): boolean {
    if (status === "closed") return false;
    return this.inKinds(this.rules.states[status].receive, kind);
  }

  /** One pending transaction of the kind per source account, for the rulebook's kinds (at creation). */
  protected checkPendingOnce(t: RTx): void {
    if (!this.rules.onePendingPerAccount.includes(t.kind)) return;
    for (const from of new Set(t.legs.flatMap((l) => (l.from === null ? [] : [l.from])))) {
      const other = [...this.txs.values()].find((x) => x.id !== t.id && x.kind === t.kind && HELD.includes(x.status) && x.legs.some((l) => l.from === from));
      if (other) throw new Stop(refuse("PENDING_OF_KIND", `${from}:${other.id}`));
    }
  }

  /** The table a leg of a return belongs to: the allocation table of the account the units go back to. */
  protected tableOf(accountId: string): string {
    return this.cat.accountTypes.get((this.accounts.get(accountId) as RAccount).type)?.allocationTable ?? "NAT";
  }

  protected inTable(accountId: string, table: string): boolean {
    return this.cat.accountTypes.get((this.accounts.get(accountId) as RAccount).type)?.allocationTable === table;
  }

  /** Returns of excess allocation: one pending per account, year and table (at creation); never more than the excess. */
  protected checkReturns(t: RTx, creating: boolean): void {
    if (!this.cat.kinds.get(t.kind)?.returnsExcess) return;
    const returns = (k: string) => this.cat.kinds.get(k)?.returnsExcess === true;
    const seen = new Set<string>();
    for (const leg of t.legs) {
      if (leg.from === null) continue;
      const account = leg.from;
      const year = (this.classes.get(leg.classCode) as RClass).vintage;
      const table = this.tableOf(leg.to);
      const key = `${account}|${year}|${table}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const counts = (l: Leg, side: "from" | "to") => (this.classes.get(l.classCode) as RClass).vintage === year && (side === "from" ? l.from === account && this.inTable(l.to, table) : l.to === account && l.from !== null && this.inTable(l.from, table));
      if (creating) {
        const pending = [...this.txs.values()].find((x) => x.id !== t.id && returns(x.kind) && HELD.includes(x.status) && x.legs.some((l) => counts(l, "from")));
        if (pending) throw new Stop(refuse("RETURN_PENDING", `${key}:${pending.id}`));
      }
      let allocated = 0n;
      let returned = 0n;
      for (const x of this.txs.values()) {
        const live = x.status === "completed" && x.reversedBy === null;
        if (live && this.cat.kinds.get(x.kind)?.allocates) for (const l of x.legs) if (counts(l, "to")) allocated += l.quantity;
        if (x.id !== t.id && returns(x.kind) && (live || HELD.includes(x.status))) for (const l of x.legs) if (counts(l, "from")) returned += l.quantity;
      }
      for (const l of t.legs) if (counts(l, "from")) returned += l.quantity;
      const recorded = this.entitlements.filter((e) => e.account === account && e.year === year && e.table === table);
      const entitled = recorded.length === 0 ? allocated : (recorded[recorded.length - 1] as { quantity: bigint }).quantity;
      const excess = allocated > entitled ? allocated - entitled : 0n;
      if (returned > excess) throw new Stop(refuse("RETURN_EXCEEDS_EXCESS", `${key}: ${returned} > ${excess}`));
    }
  }

}
