// Group commit: single proposals that arrive while another is being written are applied together,
// in one database transaction, by the set path batches use (src/registry/ledger/group.ts queues
// them). A group is not a batch: each member stays its own transaction with its own id, request,
// time, rows, movements and chain link, and nothing records that they were written together.
//
// Only plans the set path writes exactly as it would write them one by one may join: a proposal
// creating one transaction that completes at once, with one leg from an account (not an issuance,
// not a reversal), and that leaves the database nothing to confirm but its accounts' type and
// status (no holding limit, no one-pending rule, no return of excess allocation: those count
// things across transactions and are kept by applying such a proposal alone). Within a group no
// account is a source of one member and a destination of another, no id appears twice, and every
// member expects the same type and status of an account they share: then applying the group is
// applying its members one after another in group order (the set path walks each source's blocks
// in step order), which is what test/ledger/group-commit.test.ts compares table by table.
import type { AccountStatus } from "../commands.ts";
import type { Plan, Step } from "./types.ts";

/** The most proposals one group carries. */
export const MAX_GROUP = 64;

/** Whether a proposal's plan may join a group (see the head of this file). */
export function groupable(plan: Plan): boolean {
  const s = plan.steps[0];
  return (
    plan.steps.length === 1 && s !== undefined && s.op === "create" && s.status === "completed" && s.reverses === null && s.legs.length === 1 &&
    s.legs[0]?.from !== null && s.legs[0]?.ranges === undefined && plan.batch === null && plan.group === undefined && plan.txs.size === 0 &&
    plan.limits.length === 0 && plan.holders.length === 0 && plan.classes.length === 0 && plan.pendingOnce.length === 0 && plan.returns.length === 0
  );
}

/**
 * Joins groupable plans, in order, into one plan while they do not conflict (a shared id, an
 * account both source and destination, an account expected in two states); each member keeps its
 * own time. `taken` are the indexes of the plans joined (the first always is), `left` the others,
 * in order. At most `max` are joined.
 */
export function groupPlans(plans: readonly Plan[], max = MAX_GROUP): { plan: Plan; taken: number[]; left: number[] } {
  const steps: Step[] = [];
  const accounts = new Map<string, { type: string; status: AccountStatus }>();
  const ids = new Set<string>();
  const sources = new Set<string>();
  const destinations = new Set<string>();
  const taken: number[] = [];
  const left: number[] = [];
  for (const [i, p] of plans.entries()) {
    const s = p.steps[0];
    const l = s?.legs[0];
    if (!s || !l || !groupable(p)) throw new Error("groupPlans: only groupable plans may be grouped");
    const from = l.from as string;
    const clash =
      taken.length >= max || ids.has(s.id) || destinations.has(from) || sources.has(l.to) ||
      [...p.accounts].some(([id, e]) => {
        const had = accounts.get(id);
        return had !== undefined && (had.type !== e.type || had.status !== e.status);
      });
    if (clash) {
      left.push(i);
      continue;
    }
    taken.push(i);
    ids.add(s.id);
    sources.add(from);
    destinations.add(l.to);
    for (const [id, e] of p.accounts) accounts.set(id, e);
    steps.push({ ...s, at: s.at ?? p.now });
  }
  const first = plans[taken[0] as number] as Plan;
  return {
    plan: { ...first, accounts: new Map([...accounts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))), group: true, steps },
    taken,
    left,
  };
}
