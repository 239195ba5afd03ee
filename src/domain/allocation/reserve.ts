// The new entrants' reserve: set aside from the cap and handed out first come, first served. A
// mid-year entrant gets its annual amount pro rata to the days left in the year (floored); when
// the reserve runs out the last entrant gets what is left and the unmet demand is reported (the
// entrants then buy on the market or at auction).
import { mulDiv } from "../quantity/index.ts";
import { dayOfYear, daysInYear } from "./calendar.ts";
import type { Explanation } from "./explain.ts";
import { addRounding, explanation, grouped, say } from "./explain.ts";
import { text } from "./texts.ts";

export interface EntrantRequest {
  installation: string;
  /** When the complete application arrived: the queue order (ties: input order). */
  applied: string;
  /** First day of operation (ISO date). */
  start: string;
  /** The full-year amount (e.g. capacity x utilisation x benchmark, rounded). */
  annual: bigint;
}

export interface EntrantGrant {
  installation: string;
  requested: bigint;
  granted: bigint;
  unmet: bigint;
  explanation: Explanation;
}

export interface ReserveOutcome {
  grants: EntrantGrant[];
  remaining: bigint;
  unmetTotal: bigint;
}

export function serveReserve(reserve: bigint, year: number, requests: readonly EntrantRequest[]): ReserveOutcome {
  const queue = requests.map((r, i) => ({ r, i })).sort((a, b) => (a.r.applied < b.r.applied ? -1 : a.r.applied > b.r.applied ? 1 : a.i - b.i));
  let left = reserve;
  let unmetTotal = 0n;
  const grants: EntrantGrant[] = [];
  const days = daysInYear(year);
  for (const { r } of queue) {
    const e = explanation("new-entrants-reserve");
    const s = dayOfYear(r.start);
    let requested: bigint;
    if (s.year > year) requested = 0n;
    else if (s.year < year) requested = r.annual;
    else {
      const active = days - s.day + 1;
      requested = mulDiv(r.annual, BigInt(active), BigInt(days), "floor");
      const asked = requested;
      say(e, () => text("alloc.line.proRata", { start: r.start, active: String(active), days: String(days), annual: grouped(r.annual), requested: grouped(asked) }));
      addRounding(e, () => ({ stepText: text("alloc.step.proRata"), exact: `${r.annual}*${active}/${days}`, rounded: asked, ruleText: text("alloc.rule.floor") }));
    }
    const granted = requested <= left ? requested : left;
    left -= granted;
    const unmet = requested - granted;
    unmetTotal += unmet;
    const position = grants.length + 1;
    say(e, () => text("alloc.line.queue", { position: String(position), applied: r.applied, granted: grouped(granted), requested: grouped(requested), left: grouped(left) }));
    if (unmet > 0n) say(e, () => text("alloc.line.reserveExhausted", { unmet: grouped(unmet) }));
    grants.push({ installation: r.installation, requested, granted, unmet, explanation: e });
  }
  return { grants, remaining: left, unmetTotal };
}
