// The in-memory reference ledger: the same rules as the SQL ledger (src/registry/ledger.ts),
// written as plainly as possible, with no concern for speed. It is the oracle of the model-based
// tests: for any sequence of commands both must give the same results, the same holdings and the
// same serial blocks. Pure: the time comes from the injected `now` function.
import { type Catalogue, DEFAULT_CATALOGUE } from "./catalog.ts";
import { type Refusal, refuse } from "./checks.ts";
import {
  type AccountStatus,
  canonical,
  firstDifference,
  type Leg,
  validateDecide,
  validateDefineClass,
  validateOpenAccount,
  validatePropose,
  validateReverse,
  validateSetStatus,
} from "./commands.ts";

export type RefResult = { ok: true; replayed: boolean; status?: string } | Refusal;

interface RClass {
  code: string;
  unitType: string;
  limit: bigint | null;
  first: bigint;
  next: bigint;
  commandId: string;
  definition: unknown;
}

interface RAccount {
  id: string;
  type: string;
  status: AccountStatus;
  commandId: string;
  request: unknown;
}

interface RMove {
  classCode: string;
  from: string | null;
  to: string;
  start: bigint;
  end: bigint;
}

interface RTx {
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
}

class Stop {
  constructor(readonly refusal: Refusal) {}
}

export class ReferenceLedger {
  readonly classes = new Map<string, RClass>();
  readonly accounts = new Map<string, RAccount>();
  private readonly statusCommands = new Map<string, unknown>();
  readonly txs = new Map<string, RTx>();
  /** blocks[class][account] = sorted, non-adjacent [start, end] ranges. */
  readonly blocks = new Map<string, Map<string, Array<[bigint, bigint]>>>();

  constructor(
    private readonly now: () => string,
    private readonly cat: Catalogue = DEFAULT_CATALOGUE,
  ) {}

  defineClass(input: unknown): RefResult {
    const v = validateDefineClass(input);
    if (!v.ok) return v;
    const c = v.value;
    if (!this.cat.unitTypes.has(c.unitType)) return refuse("CLASS_DEFINITION_INVALID", "unknown unit type");
    const { commandId, ...def } = c;
    const d = canonical(def);
    for (const k of this.classes.values()) {
      if (k.commandId === commandId) {
        const diff = firstDifference(d, k.definition);
        return diff ? refuse("REPLAY_DIFFERS", diff, { field: diff }) : { ok: true, replayed: true };
      }
    }
    if (this.classes.has(c.code)) return refuse("CLASS_EXISTS", c.code);
    this.classes.set(c.code, { code: c.code, unitType: c.unitType, limit: c.issuanceLimit, first: c.serialStart, next: c.serialStart, commandId, definition: d });
    return { ok: true, replayed: false };
  }

  openAccount(input: unknown): RefResult {
    const v = validateOpenAccount(input);
    if (!v.ok) return v;
    const a = v.value;
    const type = this.cat.accountTypes.get(a.type);
    if (!type) return refuse("ACCOUNT_TYPE_UNKNOWN", a.type);
    if (type.needsInstallation && !a.installation) return refuse("INSTALLATION_REQUIRED", a.type);
    const request = canonical({ accountId: a.accountId, type: a.type, holder: a.holder, name: a.name, installation: a.installation });
    for (const acc of this.accounts.values()) {
      if (acc.commandId === a.commandId) {
        const diff = firstDifference(request, acc.request);
        return diff ? refuse("REPLAY_DIFFERS", diff, { field: diff }) : { ok: true, replayed: true };
      }
    }
    if (this.accounts.has(a.accountId)) return refuse("ACCOUNT_EXISTS", a.accountId);
    this.accounts.set(a.accountId, { id: a.accountId, type: a.type, status: "open", commandId: a.commandId, request });
    return { ok: true, replayed: false };
  }

  setAccountStatus(input: unknown): RefResult {
    const v = validateSetStatus(input);
    if (!v.ok) return v;
    const s = v.value;
    const request = canonical({ accountId: s.accountId, status: s.status, reason: s.reason });
    const prior = this.statusCommands.get(s.commandId);
    if (prior !== undefined) {
      const diff = firstDifference(request, prior);
      return diff ? refuse("REPLAY_DIFFERS", diff, { field: diff }) : { ok: true, replayed: true };
    }
    const acc = this.accounts.get(s.accountId);
    if (!acc) return refuse("ACCOUNT_UNKNOWN", s.accountId);
    if (acc.status === "closed") return refuse("ACCOUNT_STATUS_INVALID", "closed");
    if (s.status === "closed" && this.heldBy(s.accountId) > 0n) return refuse("ACCOUNT_NOT_EMPTY", s.accountId);
    acc.status = s.status;
    this.statusCommands.set(s.commandId, request);
    return { ok: true, replayed: false };
  }

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
    const replay = this.replay(p.transactionId, request);
    if (replay) return replay;
    const kind = this.cat.kinds.get(p.kind);
    if (!kind || kind.code === "reversal") return refuse("KIND_UNKNOWN", p.kind);
    if (kind.requiresPurpose && (!p.purpose || !p.beneficiary)) return refuse("PURPOSE_REQUIRED", kind.code);
    const now = this.now();
    const delayed = p.hold.delayUntil !== null && p.hold.delayUntil > now;
    const status = p.hold.approval ? "awaiting_approval" : delayed ? "delayed" : "completed";
    try {
      this.checkLegs(p.kind, p.legs);
      if (status === "completed") {
        const moves = this.execute(p.kind, p.legs);
        this.txs.set(p.transactionId, { id: p.transactionId, kind: p.kind, request, legs: p.legs, status, delayUntil: null, approvedBy: null, lastActor: p.initiator, moves, reversedBy: null });
      } else {
        this.checkSufficient(p.legs);
        this.txs.set(p.transactionId, {
          id: p.transactionId, kind: p.kind, request, legs: p.legs, status, delayUntil: p.hold.delayUntil, approvedBy: null, lastActor: p.initiator, moves: [], reversedBy: null,
        });
      }
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
    if (!t) return refuse("TX_UNKNOWN", d.transactionId);
    if (t.status !== "awaiting_approval") {
      if (t.lastActor === d.actor && (t.status === "completed" || t.status === "delayed") && t.approvedBy === d.actor) return { ok: true, replayed: true, status: t.status };
      return refuse("TX_BAD_TRANSITION", t.status);
    }
    const now = this.now();
    const until = d.delayUntil ?? t.delayUntil;
    if (until !== null && until > now) {
      t.status = "delayed";
      t.delayUntil = until;
      t.approvedBy = d.actor;
      t.lastActor = d.actor;
      return { ok: true, replayed: false, status: t.status };
    }
    return this.complete(t, d.actor, d.actor);
  }

  cancel(input: unknown): RefResult {
    return this.end(input, "cancelled", ["awaiting_approval", "delayed"]);
  }

  reject(input: unknown): RefResult {
    return this.end(input, "rejected", ["awaiting_approval"]);
  }

  releaseDue(): Array<{ transactionId: string; result: RefResult }> {
    const now = this.now();
    const due = [...this.txs.values()]
      .filter((t) => t.status === "delayed" && t.delayUntil !== null && t.delayUntil <= now)
      .sort((a, b) => ((a.delayUntil as string) < (b.delayUntil as string) ? -1 : (a.delayUntil as string) > (b.delayUntil as string) ? 1 : a.id < b.id ? -1 : 1));
    return due.map((t) => ({ transactionId: t.id, result: this.complete(t, null, t.approvedBy) }));
  }

  reverse(input: unknown): RefResult {
    const v = validateReverse(input);
    if (!v.ok) return v;
    const r = v.value;
    const request = canonical({ reverses: r.reverses, actor: r.actor, reason: r.reason });
    const replay = this.replay(r.transactionId, request);
    if (replay) return replay;
    const o = this.txs.get(r.reverses);
    if (!o) return refuse("TX_UNKNOWN", r.reverses);
    if (!this.cat.kinds.get(o.kind)?.reversible) return refuse("REVERSAL_NOT_REVERSIBLE", o.kind);
    if (o.status !== "completed") return refuse("REVERSAL_TARGET_NOT_COMPLETED", o.status);
    if (o.reversedBy) return refuse("REVERSAL_ALREADY_DONE", o.reversedBy);
    for (const id of new Set(o.moves.map((m) => m.to))) {
      const acc = this.accounts.get(id) as RAccount;
      if (this.cat.accountTypes.get(acc.type)?.terminal) return refuse("SOURCE_TERMINAL", id);
    }
    // All-or-nothing: check every range first, then move.
    for (const m of o.moves) {
      if (!this.list(m.classCode, m.to).some(([s, e]) => s <= m.start && e >= m.end)) return refuse("REVERSAL_UNITS_MOVED_ON", m.classCode);
    }
    const moves: RMove[] = [];
    for (const m of o.moves) {
      this.remove(m.classCode, m.to, m.start, m.end);
      this.add(m.classCode, m.from as string, m.start, m.end);
      moves.push({ classCode: m.classCode, from: m.to, to: m.from as string, start: m.start, end: m.end });
    }
    o.reversedBy = r.transactionId;
    this.txs.set(r.transactionId, { id: r.transactionId, kind: "reversal", request, legs: [], status: "completed", delayUntil: null, approvedBy: null, lastActor: r.actor, moves, reversedBy: null });
    return { ok: true, replayed: false, status: "completed" };
  }

  /** Units of a class held by an account. */
  quantity(classCode: string, account: string): bigint {
    return this.list(classCode, account).reduce((s, [a, b]) => s + b - a + 1n, 0n);
  }

  private heldBy(account: string): bigint {
    let q = 0n;
    for (const code of this.blocks.keys()) q += this.quantity(code, account);
    return q;
  }

  private replay(id: string, request: unknown): RefResult | undefined {
    const t = this.txs.get(id);
    if (!t) return undefined;
    const diff = firstDifference(request, t.request);
    return diff ? refuse("REPLAY_DIFFERS", diff, { field: diff }) : { ok: true, replayed: true, status: t.status };
  }

  private end(input: unknown, to: string, from: string[]): RefResult {
    const v = validateDecide(input);
    if (!v.ok) return v;
    const d = v.value;
    const t = this.txs.get(d.transactionId);
    if (!t) return refuse("TX_UNKNOWN", d.transactionId);
    if (t.status === to && t.lastActor === d.actor) return { ok: true, replayed: true, status: to };
    if (!from.includes(t.status)) return refuse("TX_BAD_TRANSITION", t.status);
    t.status = to;
    t.lastActor = d.actor;
    return { ok: true, replayed: false, status: to };
  }

  private complete(t: RTx, actor: string | null, approvedBy: string | null): RefResult {
    try {
      this.checkLegs(t.kind, t.legs);
      t.moves = this.execute(t.kind, t.legs);
      t.status = "completed";
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

  private checkLegs(kindCode: string, legs: Leg[]): void {
    const kind = this.cat.kinds.get(kindCode);
    if (!kind) throw new Stop(refuse("KIND_UNKNOWN", kindCode));
    const issuance = kind.code === "issuance";
    for (const leg of legs) {
      if (issuance !== (leg.from === null)) throw new Stop(refuse("SOURCE_REQUIRED", "source"));
      if (leg.from !== null) {
        const src = this.accounts.get(leg.from);
        if (!src) throw new Stop(refuse("SOURCE_UNKNOWN", leg.from));
        if (src.status !== "open") throw new Stop(refuse("SOURCE_NOT_OPEN", leg.from));
        if (this.cat.accountTypes.get(src.type)?.terminal) throw new Stop(refuse("SOURCE_TERMINAL", leg.from));
        if (!kind.from.includes(src.type)) throw new Stop(refuse("SOURCE_TYPE_NOT_ALLOWED", src.type));
      }
      const dst = this.accounts.get(leg.to);
      if (!dst) throw new Stop(refuse("DEST_UNKNOWN", leg.to));
      if (dst.status === "closed" || (dst.status === "blocked" && !kind.administrative)) throw new Stop(refuse("DEST_CLOSED", leg.to));
      if (!kind.to.includes(dst.type)) throw new Stop(refuse("DEST_TYPE_NOT_ALLOWED", dst.type));
      if (leg.from === leg.to) throw new Stop(refuse("DEST_SAME_AS_SOURCE", leg.to));
      const cls = this.classes.get(leg.classCode);
      if (!cls) throw new Stop(refuse("CLASS_UNKNOWN", leg.classCode));
      if (kind.unitTypes && !kind.unitTypes.includes(cls.unitType)) throw new Stop(refuse("UNIT_TYPE_NOT_ALLOWED", cls.unitType));
    }
  }

  private checkSufficient(legs: Leg[]): void {
    const need = new Map<string, bigint>();
    for (const l of legs) {
      if (l.from === null) continue;
      const k = `${l.from}|${l.classCode}`;
      need.set(k, (need.get(k) ?? 0n) + l.quantity);
    }
    for (const [k, q] of need) {
      const [from, code] = k.split("|") as [string, string];
      if (this.quantity(code, from) < q) throw new Stop(refuse("INSUFFICIENT_UNITS", k));
    }
  }

  /** Applies the legs on a copy first, so a failing leg leaves nothing changed. */
  private execute(kindCode: string, legs: Leg[]): RMove[] {
    const issuance = kindCode === "issuance";
    if (!issuance) {
      for (const l of legs) {
        const acc = this.accounts.get(l.from as string) as RAccount;
        if (acc.status !== "open") throw new Stop(refuse("SOURCE_NOT_OPEN", acc.id));
      }
      this.checkSufficient(legs);
    } else {
      const pending = new Map<string, bigint>();
      for (const l of legs) {
        const cls = this.classes.get(l.classCode) as RClass;
        const issued = cls.next - cls.first + (pending.get(cls.code) ?? 0n);
        if (cls.limit !== null && issued + l.quantity > cls.limit) throw new Stop(refuse("ISSUANCE_LIMIT_EXCEEDED", cls.code));
        pending.set(cls.code, (pending.get(cls.code) ?? 0n) + l.quantity);
      }
    }
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

  private remove(classCode: string, account: string, s: bigint, e: bigint): void {
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

  private add(classCode: string, account: string, s: bigint, e: bigint): void {
    const all = [...this.list(classCode, account), [s, e] as [bigint, bigint]].sort((x, y) => (x[0] < y[0] ? -1 : 1));
    const out: Array<[bigint, bigint]> = [];
    for (const r of all) {
      const last = out[out.length - 1];
      if (last && last[1] + 1n === r[0]) last[1] = r[1];
      else out.push([r[0], r[1]]);
    }
    this.setList(classCode, account, out);
  }
}
