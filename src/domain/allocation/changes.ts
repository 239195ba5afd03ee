// Closures, suspensions, capacity reductions and changes of owner turned into returns of
// allowances, transfers and surrender obligations (DOMAIN.md section 2, new entrants and changes):
// - closure: the operator surrenders for emissions up to the closure; the allocation for the rest
//   of the year returns to the government;
// - suspension: the suspended days' share returns; a stop longer than the rulebook's limit
//   (UK: 50 days) that is not normal business counts as a closure;
// - capacity reduction: the lost share of capacity, for the rest of the year, returns; capacity
//   falling below the coverage threshold counts as a closure;
// - change of owner: the old owner keeps and surrenders for the days before, the new owner gets
//   the rest and surrenders from then on.
// Kept amounts are floored (never more than earned); returns are the exact complement.
import { mulDiv } from "../quantity/index.ts";
import { dayOfYear, daysBetween, daysInYear } from "./calendar.ts";
import type { Explanation } from "./explain.ts";
import { addRounding, explanation, grouped, say } from "./explain.ts";
import type { Ratio } from "./ratio.ts";
import { show } from "./ratio.ts";
import { text, type Text } from "./texts.ts";

export type Change =
  | { kind: "closure"; installation: string; date: string }
  | { kind: "suspension"; installation: string; from: string; to: string; normalBusiness: boolean }
  | { kind: "capacity-reduction"; installation: string; date: string; lostShare: Ratio; belowThreshold?: boolean }
  | { kind: "owner-change"; installation: string; date: string; from: string; to: string };

export interface ChangeRules {
  /** A stop longer than this many days that is not normal business is a closure (UK: 50); any such stop when absent. */
  stoppageDays?: number;
  /** Whether such a stop counts as closure at all. */
  abnormalStopIsClosure: boolean;
  /** Capacity falling below the coverage threshold counts as closure. */
  belowThresholdIsClosure: boolean;
  /** The allocation for the rest of the year after a closure goes back. */
  returnRemaining: boolean;
  /** The operator surrenders for emissions up to the closure. */
  surrenderUpToClosure: boolean;
  suspension: "pro-rata-return" | "none";
  capacityReduction: "pro-rata-return" | "none";
}

/** The rules of DOMAIN.md section 2 with the UK's 50-day stoppage rule. */
export const DEFAULT_CHANGE_RULES: ChangeRules = {
  stoppageDays: 50,
  abnormalStopIsClosure: true,
  belowThresholdIsClosure: true,
  returnRemaining: true,
  surrenderUpToClosure: true,
  suspension: "pro-rata-return",
  capacityReduction: "pro-rata-return",
};

export type Consequence =
  | { kind: "return"; installation: string; quantity: bigint; explanation: Explanation }
  | { kind: "transfer"; installation: string; from: string; to: string; quantity: bigint; explanation: Explanation }
  | { kind: "obligation"; installation: string; holder: string | undefined; from: string; to: string; explanation: Explanation };

const yearStart = (y: number) => `${y}-01-01`;
const yearEnd = (y: number) => `${y}-12-31`;

function prevDay(date: string): string {
  const d = dayOfYear(date);
  const t = new Date(Date.UTC(d.year, 0, d.day - 1));
  return t.toISOString().slice(0, 10);
}

/** Allocation kept for `days` of the year (floor); the rest is the return. */
function keep(annual: bigint, days: number, year: number): bigint {
  return mulDiv(annual, BigInt(days), BigInt(daysInYear(year)), "floor");
}

function closure(installation: string, date: string, annual: bigint, year: number, why: Text, rules: ChangeRules): Consequence[] {
  const e = explanation("closure");
  const operated = dayOfYear(date).day - 1;
  const kept = rules.returnRemaining ? keep(annual, operated, year) : annual;
  const ret = annual - kept;
  const days = String(daysInYear(year));
  say(e, () => text("alloc.line.closed", { why, date, operated: String(operated), days }));
  if (rules.returnRemaining) {
    say(e, () => text("alloc.line.kept", { annual: grouped(annual), operated: String(operated), days, kept: grouped(kept), returned: grouped(ret) }));
    addRounding(e, () => ({ stepText: text("alloc.step.keptShare"), exact: `${annual}*${operated}/${daysInYear(year)}`, rounded: kept, ruleText: text("alloc.rule.floor") }));
  } else say(e, () => text("alloc.line.keptAll"));
  const out: Consequence[] = [{ kind: "return", installation, quantity: ret, explanation: e }];
  if (operated > 0 && rules.surrenderUpToClosure) {
    const o = explanation("closure");
    say(o, () => text("alloc.line.surrenderUpTo", { from: yearStart(year), to: prevDay(date) }));
    out.push({ kind: "obligation", installation, holder: undefined, from: yearStart(year), to: prevDay(date), explanation: o });
  }
  return out;
}

/**
 * The consequences of one change for a year whose allocation `annual` was already issued.
 * Dates must lie in `year`.
 */
export function applyChange(change: Change, year: number, annual: bigint, rules: ChangeRules = DEFAULT_CHANGE_RULES): Consequence[] {
  const inYear = (d: string) => {
    if (dayOfYear(d).year !== year) throw new RangeError(`${change.kind} of ${change.installation}: date ${d} is not in ${year}`);
  };
  switch (change.kind) {
    case "closure":
      inYear(change.date);
      return closure(change.installation, change.date, annual, year, text("alloc.why.closure"), rules);
    case "suspension": {
      inYear(change.from);
      inYear(change.to);
      const days = daysBetween(change.from, change.to);
      if (days < 1) throw new RangeError(`suspension of ${change.installation}: ends before it starts`);
      const limit = rules.stoppageDays;
      if (rules.abnormalStopIsClosure && !change.normalBusiness && (limit === undefined || days > limit)) {
        const why = limit === undefined ? text("alloc.why.stop", { days: String(days) }) : text("alloc.why.stopOverLimit", { days: String(days), limit: String(limit) });
        return closure(change.installation, change.from, annual, year, why, rules);
      }
      const e = explanation("suspension");
      const total = daysInYear(year);
      if (rules.suspension === "none") {
        say(e, () => text("alloc.line.suspendedNothing", { from: change.from, to: change.to, days: String(days) }));
        return [{ kind: "return", installation: change.installation, quantity: 0n, explanation: e }];
      }
      const kept = keep(annual, total - days, year);
      say(e, () =>
        text("alloc.line.suspended", { from: change.from, to: change.to, days: String(days), annual: grouped(annual), keptDays: String(total - days), total: String(total), kept: grouped(kept), returned: grouped(annual - kept) }),
      );
      return [{ kind: "return", installation: change.installation, quantity: annual - kept, explanation: e }];
    }
    case "capacity-reduction": {
      inYear(change.date);
      if (change.belowThreshold && rules.belowThresholdIsClosure) return closure(change.installation, change.date, annual, year, text("alloc.why.belowThreshold"), rules);
      const e = explanation("capacity-reduction");
      if (rules.capacityReduction === "none") {
        say(e, () => text("alloc.line.capacityNothing", { share: show(change.lostShare), date: change.date }));
        return [{ kind: "return", installation: change.installation, quantity: 0n, explanation: e }];
      }
      const total = daysInYear(year);
      const remaining = total - dayOfYear(change.date).day + 1;
      // returned = annual x lost share x remaining days / days in year, rounded down (the operator keeps the rest)
      const ret = mulDiv(annual * change.lostShare.n, BigInt(remaining), change.lostShare.d * BigInt(total), "floor");
      say(e, () => text("alloc.line.capacity", { share: show(change.lostShare), date: change.date, remaining: String(remaining), total: String(total), annual: grouped(annual), returned: grouped(ret) }));
      return [{ kind: "return", installation: change.installation, quantity: ret, explanation: e }];
    }
    case "owner-change": {
      inYear(change.date);
      const e = explanation("owner-change");
      const before = dayOfYear(change.date).day - 1;
      const kept = keep(annual, before, year);
      const moved = annual - kept;
      say(e, () =>
        text("alloc.line.ownerChange", { from: change.from, to: change.to, date: change.date, annual: grouped(annual), before: String(before), days: String(daysInYear(year)), kept: grouped(kept), moved: grouped(moved) }),
      );
      const out: Consequence[] = [{ kind: "transfer", installation: change.installation, from: change.from, to: change.to, quantity: moved, explanation: e }];
      if (before > 0) {
        const o = explanation("owner-change");
        say(o, () => text("alloc.line.surrendersUpTo", { holder: change.from, date: prevDay(change.date) }));
        out.push({ kind: "obligation", installation: change.installation, holder: change.from, from: yearStart(year), to: prevDay(change.date), explanation: o });
      }
      const n = explanation("owner-change");
      say(n, () => text("alloc.line.surrendersFrom", { holder: change.to, date: change.date }));
      out.push({ kind: "obligation", installation: change.installation, holder: change.to, from: change.date, to: yearEnd(year), explanation: n });
      return out;
    }
    default: {
      const never: never = change;
      throw new Error(`unknown change ${JSON.stringify(never)}`);
    }
  }
}

/** The consequences of many changes; `annual` gives each installation's allocation for the year. */
export function applyChanges(changes: readonly Change[], year: number, annual: (installation: string) => bigint | undefined, rules: ChangeRules = DEFAULT_CHANGE_RULES): Consequence[] {
  const out: Consequence[] = [];
  for (const c of changes) {
    const a = annual(c.installation);
    if (a === undefined) throw new RangeError(`${c.kind} of ${c.installation}: the installation has no allocation in ${year}`);
    out.push(...applyChange(c, year, a, rules));
  }
  return out;
}
