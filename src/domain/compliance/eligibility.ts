// Which units may pay an obligation, and what each is worth. A unit class (the ledger's unit type,
// scheme, vintage and host country) is classified against the rulebook: the scheme's own (or a
// linked scheme's) allowances of the period or banked from before it, allowances borrowed from
// later years (free up to `freeYearsAhead`, then the limited, interest-bearing tier), or credits of
// an eligible type within its vintage window and at its exchange rate. Quantitative limits (credit
// shares, the borrowing share) depend on the whole surrender and are applied in surrender.ts.
import { decimalFraction, periodOf } from "../rulebook/index.ts";
import type { Rulebook } from "../rulebook/index.ts";
import type { CreditLimit } from "../rulebook/credits.ts";
import type { Refusal } from "./codes.ts";
import { complianceRefusal } from "./codes.ts";
import type { PeriodSpan } from "./obligation.ts";

/** The attributes of a unit class that decide whether it counts (the ledger's class attributes). */
export interface UnitClassRef {
  /** The class code in the registry, carried through for the caller. */
  code?: string;
  unitType: string;
  scheme: string;
  vintage?: number;
  hostCountry?: string;
}

export type UnitCategory = "allowance" | "banked" | "borrowed-free" | "borrowed-limited" | "credit";

export interface Eligible {
  ok: true;
  category: UnitCategory;
  /** Units needed per allowance of compliance value, as an exact fraction n/d (1/1 for allowances). */
  rate: readonly [bigint, bigint];
  /** Years ahead of the period (borrowing only). */
  yearsAhead?: number;
  /** The credit limits of the rulebook that bind this class in this period. */
  limits: readonly CreditLimit[];
}

export function schemeCodeOf(rb: Rulebook): string {
  return rb.compliance?.schemeCode ?? rb.scheme.id;
}

/** A credit limit applies to a period when it covers the period's last year. */
function limitApplies(l: CreditLimit, period: PeriodSpan): boolean {
  return (l.from ?? -Infinity) <= period.to && period.to <= (l.to ?? Infinity);
}

/** The limits that bind credits of this class in the period (by type and origin). */
export function creditLimitsFor(rb: Rulebook, c: UnitClassRef, period: PeriodSpan): CreditLimit[] {
  return (rb.credits?.limits ?? []).filter(
    (l) => limitApplies(l, period) && l.types.includes(c.unitType) && (l.origins === undefined || l.origins.includes(c.scheme) || (c.hostCountry !== undefined && l.origins.includes(c.hostCountry))),
  );
}

function allowance(rb: Rulebook, c: UnitClassRef, period: PeriodSpan): Eligible | Refusal {
  const comp = rb.compliance;
  const v = c.vintage;
  const base = { ok: true as const, rate: [1n, 1n] as const, limits: [] };
  if (v === undefined) return { ...base, category: "allowance" };
  const earliest = comp?.banking.earliestVintage;
  if (earliest !== undefined && v < earliest)
    return complianceRefusal("VINTAGE_TOO_EARLY", `vintage ${v} is older than ${rb.scheme.id}'s earliest eligible vintage ${earliest}`, { vintage: v, earliestVintage: earliest });
  if (v < period.from) {
    if (comp && !comp.banking.allowed) return complianceRefusal("BANKING_NOT_ALLOWED", `${rb.scheme.id} allows no banking: vintage ${v} does not count for ${period.from}-${period.to}`, { vintage: v, period: period.id });
    const then = periodOf(rb, v)?.id;
    const now = periodOf(rb, period.to)?.id;
    if (comp && !comp.banking.acrossPeriods && then !== now)
      return complianceRefusal("BANKING_NOT_ALLOWED", `vintage ${v} (${then ?? "before the rulebook's periods"}) is from an earlier trading period than ${period.id} (${now ?? "?"}); ${rb.scheme.id} allows no banking across periods`, { vintage: v, from: then ?? null, to: now ?? null });
    return { ...base, category: "banked" };
  }
  if (v <= period.to) return { ...base, category: "allowance" };
  const ahead = v - period.to;
  const b = comp?.borrowing;
  if (!b?.allowed) return complianceRefusal("VINTAGE_NOT_YET_VALID", `vintage ${v} is after the period (${period.to}) and ${rb.scheme.id} allows no borrowing`, { vintage: v, periodEnd: period.to });
  if (ahead <= b.freeYearsAhead) return { ...base, category: "borrowed-free", yearsAhead: ahead };
  const max = b.yearsAhead ?? b.freeYearsAhead;
  if (ahead > max) return complianceRefusal("BORROWING_TOO_FAR_AHEAD", `vintage ${v} is ${ahead} years ahead; ${rb.scheme.id} borrows from at most ${max}`, { vintage: v, yearsAhead: ahead, max });
  return { ...base, category: "borrowed-limited", yearsAhead: ahead };
}

function credit(rb: Rulebook, c: UnitClassRef, period: PeriodSpan): Eligible | Refusal {
  const window = (rb.credits?.vintages ?? []).find((w) => w.types.includes(c.unitType));
  if (window && c.vintage !== undefined && ((window.from !== undefined && c.vintage < window.from) || (window.to !== undefined && c.vintage > window.to)))
    return complianceRefusal("VINTAGE_TOO_EARLY", `${c.unitType} of vintage ${c.vintage} is outside the window ${window.from ?? ""}-${window.to ?? ""}`, { unitType: c.unitType, vintage: c.vintage, from: window.from ?? null, to: window.to ?? null });
  const limits = creditLimitsFor(rb, c, period);
  let rate: [bigint, bigint] = [1n, 1n];
  for (const l of limits) {
    const [n, d] = decimalFraction(l.exchangeRate);
    const g = gcd(n, d);
    if (n * rate[1] > rate[0] * d) rate = [n / g, d / g];
  }
  return { ok: true, category: "credit", rate, limits };
}

/** Whether units of a class count toward a period's obligation, and how (limits apply later). */
export function classify(rb: Rulebook, c: UnitClassRef, period: PeriodSpan): Eligible | Refusal {
  const own = schemeCodeOf(rb);
  if (c.unitType === "allowance") {
    if (c.scheme !== own && !(rb.compliance?.linkedSchemes ?? []).includes(c.scheme))
      return complianceRefusal("ORIGIN_NOT_ELIGIBLE", `allowances of ${c.scheme} do not count in ${rb.scheme.id} (its own: ${own}${rb.compliance?.linkedSchemes.length ? `; linked: ${rb.compliance.linkedSchemes.join(", ")}` : ""})`, { scheme: c.scheme });
    return allowance(rb, c, period);
  }
  if (!(rb.credits?.eligibleTypes ?? []).includes(c.unitType))
    return complianceRefusal("UNIT_TYPE_NOT_ELIGIBLE", `${c.unitType} does not count in ${rb.scheme.id} (eligible credits: ${rb.credits?.eligibleTypes.join(", ") || "none"})`, { unitType: c.unitType });
  return credit(rb, c, period);
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}
