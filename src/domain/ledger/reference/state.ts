// The reference ledger's state and its plainest mechanics: classes, accounts, transactions and the
// serial blocks each account holds (sorted, non-adjacent ranges), with what the rules read of them
// (quantities, earmarks, the issuance limit, units available) and the moving or issuing of units.
// Part of the in-memory oracle (src/domain/ledger/reference.ts): shares no code with the planner.
import { refuse, type Refusal } from "../checks.ts";
import type { AccountStatus, Leg } from "../commands.ts";

export interface RClass {
  code: string;
  unitType: string;
  vintage: number | null;
  limit: bigint | null;
  first: bigint;
  next: bigint;
}

export interface RAccount {
  id: string;
  type: string;
  status: AccountStatus;
  installation: string | null;
  permitId: string | null;
  monitoringPlanId: string | null;
}

/** States in which an account no longer holds its installation, permit and monitoring plan for itself. */
export const RELEASED: readonly string[] = ["closed", "transfer_pending", "closure_pending"];

export interface RMove {
  classCode: string;
  from: string | null;
  to: string;
  start: bigint;
  end: bigint;
}

export interface RTx {
  id: string;
  kind: string;
  request: unknown;
  legs: Leg[];
  status: string;
  delayUntil: string | null;
  approvedBy: string | null;
  lastActor: string | null;
  moves: RMove[];
  reversedBy: string | null;
  completedAt: string | null;
}

/** A check's refusal, thrown out of the checks of a command and returned by the command. */
export class Stop {
  constructor(readonly refusal: Refusal) {}
}

/** The statuses of a held transaction: its units are earmarked. */
export const HELD = ["awaiting_approval", "delayed"];

/** What the reference ledger holds, and the moving of serial blocks. */
export class ReferenceState {
  readonly classes = new Map<string, RClass>();
  readonly accounts = new Map<string, RAccount>();
  readonly txs = new Map<string, RTx>();
  /** blocks[class][account] = sorted, non-adjacent [start, end] ranges. */
  readonly blocks = new Map<string, Map<string, Array<[bigint, bigint]>>>();
  /** Entitlements recorded, in order: the latest for an account, year and table counts. */
  protected readonly entitlements: Array<{ account: string; year: number; table: string; quantity: bigint }> = [];
  /** An administrator froze the registry's transactions for a reconciliation. */
  frozen = false;

  /** Units of a class held by an account. */
  quantity(classCode: string, account: string): bigint {
    return this.list(classCode, account).reduce((s, [a, b]) => s + b - a + 1n, 0n);
  }

  /** Units of a class set aside in an account for its held transactions (all but `except`). */
  earmarked(classCode: string, account: string, except: string | null): bigint {
    let q = 0n;
    for (const t of this.txs.values()) {
      if (!HELD.includes(t.status) || t.id === except) continue;
      for (const l of t.legs) if (l.from === account && l.classCode === classCode) q += l.quantity;
    }
    return q;
  }

  protected heldBy(account: string): bigint {
    let q = 0n;
    for (const code of this.blocks.keys()) q += this.quantity(code, account);
    return q;
  }
  /** Each source holds the legs' units beyond what its other held transactions earmark. */
  protected checkAvailable(legs: Leg[], self: string | null): void {
    const need = new Map<string, bigint>();
    for (const l of legs) {
      if (l.from === null) continue;
      const k = `${l.from}|${l.classCode}`;
      need.set(k, (need.get(k) ?? 0n) + l.quantity);
    }
    for (const [k, q] of need) {
      const [from, code] = k.split("|") as [string, string];
      if (this.quantity(code, from) - this.earmarked(code, from, self) < q) throw new Stop(refuse("INSUFFICIENT_UNITS", k));
    }
  }

  protected checkIssuanceLimit(legs: Leg[]): void {
    const pending = new Map<string, bigint>();
    for (const l of legs) {
      const cls = this.classes.get(l.classCode) as RClass;
      const issued = cls.next - cls.first + (pending.get(cls.code) ?? 0n);
      if (cls.limit !== null && issued + l.quantity > cls.limit) throw new Stop(refuse("ISSUANCE_LIMIT_EXCEEDED", cls.code));
      pending.set(cls.code, (pending.get(cls.code) ?? 0n) + l.quantity);
    }
  }

  /** Moves (or issues) the legs; checks everything first, so a failing leg leaves nothing changed. */
  protected execute(kindCode: string, legs: Leg[], self: string | null = null): RMove[] {
    const issuance = kindCode === "issuance";
    if (!issuance) this.checkAvailable(legs, self);
    else this.checkIssuanceLimit(legs);
    const moves: RMove[] = [];
    for (const l of legs) {
      if (issuance) {
        const cls = this.classes.get(l.classCode) as RClass;
        const start = cls.next;
        cls.next += l.quantity;
        this.add(l.classCode, l.to, start, start + l.quantity - 1n);
        moves.push({ classCode: l.classCode, from: null, to: l.to, start, end: start + l.quantity - 1n });
        continue;
      }
      let need = l.quantity;
      while (need > 0n) {
        const first = this.list(l.classCode, l.from as string)[0] as [bigint, bigint];
        const size = first[1] - first[0] + 1n;
        const take = size <= need ? size : need;
        const s = first[0];
        const e = s + take - 1n;
        this.remove(l.classCode, l.from as string, s, e);
        this.add(l.classCode, l.to, s, e);
        moves.push({ classCode: l.classCode, from: l.from, to: l.to, start: s, end: e });
        need -= take;
      }
    }
    return moves;
  }

  list(classCode: string, account: string): Array<[bigint, bigint]> {
    return this.blocks.get(classCode)?.get(account) ?? [];
  }

  private setList(classCode: string, account: string, l: Array<[bigint, bigint]>): void {
    let m = this.blocks.get(classCode);
    if (!m) this.blocks.set(classCode, (m = new Map()));
    if (l.length === 0) m.delete(account);
    else m.set(account, l);
  }

  protected remove(classCode: string, account: string, s: bigint, e: bigint): void {
    const out: Array<[bigint, bigint]> = [];
    for (const [a, b] of this.list(classCode, account)) {
      if (b < s || a > e) out.push([a, b]);
      else {
        if (a < s) out.push([a, s - 1n]);
        if (b > e) out.push([e + 1n, b]);
      }
    }
    this.setList(classCode, account, out);
  }

  protected add(classCode: string, account: string, s: bigint, e: bigint): void {
    const all = [...this.list(classCode, account), [s, e] as [bigint, bigint]].sort((x, y) => (x[0] < y[0] ? -1 : 1));
    const out: Array<[bigint, bigint]> = [];
    for (const r of all) {
      const last = out[out.length - 1];
      if (last && last[1] + 1n === r[0]) last[1] = r[1];
      else out.push([r[0], r[1]]);
    }
    this.setList(classCode, account, out);
  }

  /** Invariant: a closed account holds nothing (the model test checks it after every run). */
  closedHolding(): string[] {
    return [...this.accounts.values()].filter((a) => a.status === "closed" && this.heldBy(a.id) > 0n).map((a) => a.id);
  }
}
