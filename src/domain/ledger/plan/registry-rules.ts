// The registry's rules a plan leaves to the database under the account locks (the rulebook's
// ledger section and the catalogue's kinds): one pending transaction of a kind per account, and
// returns of excess allocation never beyond what was allocated over the recorded entitlement.
import type { PendingOnce, Plan, PlanOptions, ReturnCheck, Snapshot } from "./types.ts";
import { rulesOf } from "./common.ts";

/**
 * The registry's rules a plan's steps leave to the database under the account locks: one pending
 * transaction of a kind per account (for the rulebook's kinds; at creation), and the returns of
 * excess allocation (at creation and at completion).
 */
export function withRegistryChecks(plan: Plan, snap: Snapshot, opts: PlanOptions): Plan {
  const rules = rulesOf(opts);
  const cat = opts.catalogue;
  const pendingOnce: PendingOnce[] = [];
  const returns: ReturnCheck[] = [];
  const kinds = [...cat.kinds.values()];
  const returnKinds = kinds.filter((k) => k.returnsExcess).map((k) => k.code);
  const allocationKinds = kinds.filter((k) => k.allocates).map((k) => k.code);
  for (const s of plan.steps) {
    const creating = s.op === "create";
    if (creating && rules.onePendingPerAccount.includes(s.kind)) {
      for (const account of new Set(s.legs.flatMap((l) => (l.from === null ? [] : [l.from])))) pendingOnce.push({ account, kind: s.kind });
    }
    if (!cat.kinds.get(s.kind)?.returnsExcess || !(creating || s.to === "completed")) continue;
    const seen = new Set<string>();
    for (const l of s.legs) {
      const table = cat.accountTypes.get(snap.accounts.get(l.to)?.type ?? "")?.allocationTable ?? "NAT";
      const year = l.cls.vintage ?? null;
      const key = `${l.from}|${year}|${table}`;
      if (l.from === null || seen.has(key)) continue;
      seen.add(key);
      const tableTypes = [...cat.accountTypes.values()].filter((t) => t.allocationTable === table).map((t) => t.code);
      returns.push({ account: l.from, year, table, tableTypes, returnKinds, allocationKinds, creating, txId: s.id });
    }
  }
  return pendingOnce.length === 0 && returns.length === 0 ? plan : { ...plan, pendingOnce, returns };
}
