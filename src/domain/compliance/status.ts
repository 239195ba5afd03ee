// The compliance status of an installation for a period once the deadline has passed:
//   not-verified  a year's emissions are neither verified nor estimated (no obligation can be set);
//   estimated     the obligation rests on an authority's estimate for at least one year;
//   short         surrendered compliance value below the obligation (the shortfall is penalised);
//   compliant     surrendered at least the obligation.
// Precedence is that order: a period whose figure is not verified cannot be called compliant,
// and an estimated one says so even when enough was surrendered. Before the deadline the status
// is `open`. `shortfall` is given wherever an obligation exists (estimated included), since the
// penalty applies to it.
import { maxBig } from "../quantity/index.ts";
import type { Refusal } from "./codes.ts";
import type { Obligation } from "./obligation.ts";

export const STATUSES = ["open", "compliant", "short", "not-verified", "estimated"] as const;
export type ComplianceStatus = (typeof STATUSES)[number];

export interface StatusResult {
  status: ComplianceStatus;
  /** Units of compliance value missing at the deadline (0 when none or unknown). */
  shortfall: bigint;
  surrendered: bigint;
  due: bigint | null;
  deadline: string | null;
  reason: string;
}

/**
 * The status as of `asOf` (ISO date), from the obligation (or the refusal saying emissions are not
 * determined) and the compliance value surrendered by the deadline.
 */
export function complianceStatus(obligation: Obligation | Refusal, surrenderedByDeadline: bigint, asOf: string, deadline?: string): StatusResult {
  const dl = "ok" in obligation ? (deadline ?? null) : (obligation.deadline ?? null);
  if (dl !== null && asOf <= dl) return { status: "open", shortfall: 0n, surrendered: surrenderedByDeadline, due: "ok" in obligation ? null : obligation.due, deadline: dl, reason: `the deadline ${dl} has not passed` };
  if ("ok" in obligation) return { status: "not-verified", shortfall: 0n, surrendered: surrenderedByDeadline, due: null, deadline: dl, reason: obligation.message };
  const shortfall = maxBig(0n, obligation.due - surrenderedByDeadline);
  if (obligation.estimatedYears.length > 0)
    return { status: "estimated", shortfall, surrendered: surrenderedByDeadline, due: obligation.due, deadline: dl, reason: `emissions of ${obligation.estimatedYears.join(", ")} are an estimate` };
  if (shortfall > 0n) return { status: "short", shortfall, surrendered: surrenderedByDeadline, due: obligation.due, deadline: dl, reason: `${surrenderedByDeadline} surrendered against ${obligation.due}` };
  return { status: "compliant", shortfall: 0n, surrendered: surrenderedByDeadline, due: obligation.due, deadline: dl, reason: `${surrenderedByDeadline} surrendered against ${obligation.due}` };
}
