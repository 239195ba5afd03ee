// What every kind of plan shares: the rules in force, the freeze refusal, the expectations a plan
// carries (the accounts it involves, the transactions it changes), the hash chains a completion
// appends to, and the holding limits (the checks a plan asks for, and the refusal when the
// database finds one exceeded).
import { refuse, type Refusal } from "../checks.ts";
import type { AccountStatus } from "../commands.ts";
import { DEFAULT_LEDGER_RULES, type LedgerRules } from "../rules.ts";
import { securityRefusal } from "../../security/codes.ts";
import type { ClassFacts, HoldingLimitPolicy, LimitCheck, Plan, PlanLeg, PlanOptions, Snapshot, TxFacts } from "./types.ts";

export const rulesOf = (opts: PlanOptions): LedgerRules => opts.rules ?? DEFAULT_LEDGER_RULES;

/** The registry is frozen for a reconciliation: nothing is planned (the plan's expectation `frozen: false` is confirmed under the freeze lock). */
export function frozen(snap: Snapshot): Refusal | undefined {
  return snap.frozen ? refuse("REGISTRY_FROZEN", "the registry is frozen for a reconciliation: no transaction is written until an administrator lifts the freeze", {}) : undefined;
}

function accountsOf(legs: readonly PlanLeg[], snap: Snapshot): Map<string, { type: string; status: AccountStatus }> {
  const out = new Map<string, { type: string; status: AccountStatus }>();
  for (const l of legs) {
    for (const id of l.from === null ? [l.to] : [l.from, l.to]) {
      const a = snap.accounts.get(id);
      if (!a) throw new Error(`plan: account ${id} is not in the snapshot`);
      out.set(id, { type: a.type, status: a.status });
    }
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function chainsOf(kind: string, legs: readonly PlanLeg[]): string[] {
  const names = kind === "issuance" ? legs.map((l) => `class:${l.cls.code}`) : legs.map((l) => `account:${l.from as string}`);
  return [...new Set(names)].sort();
}

/** Holders whose counted holdings the legs raise, with the net increase, under the policy. */
export function limitChecks(legs: readonly PlanLeg[], snap: Snapshot, policy: HoldingLimitPolicy | null, moved: boolean): LimitCheck[] {
  if (!policy || (policy.defaultLimit === null && Object.keys(policy.perHolder).length === 0)) return [];
  const net = new Map<string, bigint>();
  const counts = (id: string | null) => {
    const a = id === null ? undefined : snap.accounts.get(id);
    return a && !policy.exemptAccountTypes.includes(a.type) ? a : undefined;
  };
  for (const l of legs) {
    if (!policy.unitTypes.includes(l.cls.unitType)) continue;
    const to = counts(l.to);
    const from = counts(l.from);
    if (to) net.set(to.holder, (net.get(to.holder) ?? 0n) + l.quantity);
    if (from) net.set(from.holder, (net.get(from.holder) ?? 0n) - l.quantity);
  }
  const out: LimitCheck[] = [];
  for (const [holder, q] of [...net].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const limit = Object.hasOwn(policy.perHolder, holder) ? (policy.perHolder[holder] as bigint) : policy.defaultLimit;
    if (q <= 0n || limit === null) continue;
    out.push({ holder, limit, unitTypes: policy.unitTypes, exempt: policy.exemptAccountTypes, incoming: q, pending: moved ? 0n : q });
  }
  return out;
}

export function basePlan(now: string, legs: readonly PlanLeg[], snap: Snapshot, kind: string, limits: LimitCheck[]): Omit<Plan, "txs" | "batch" | "steps"> {
  return {
    now,
    frozen: false,
    pendingOnce: [],
    returns: [],
    holders: limits.map((l) => l.holder),
    classes: kind === "issuance" ? [...new Set(legs.map((l) => l.cls.id))].sort((a, b) => a - b) : [],
    accounts: accountsOf(legs, snap),
    limits,
  };
}

export function expectTx(t: TxFacts): Plan["txs"] {
  return new Map([[t.id, { seq: t.seq, status: t.status, reversedBy: t.reversedBy }]]);
}

/** A held transaction's legs with their classes (as stored; a completion checks them again). */
export function heldLegs(t: TxFacts, snap: Snapshot): PlanLeg[] {
  return t.legs.map((l) => ({ cls: snap.classes.get(l.classCode) as ClassFacts, from: l.from, to: l.to, quantity: l.quantity }));
}

/** The holding-limit refusal for a limit the database found exceeded (EL007). */
export function holdingLimitRefusal(f: { holder: string; held: string; incoming: string; limit: string }): Refusal {
  return securityRefusal("HOLDING_LIMIT_EXCEEDED", `holder ${f.holder} would hold ${BigInt(f.held) + BigInt(f.incoming)} units, above its holding limit of ${f.limit}`, f);
}
