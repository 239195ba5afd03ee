// Domestic use of international units: which units count toward a surrender in a scheme, and how
// much. `international.domesticUse` admits units by mechanism and unit type and excludes them by
// activity, host, label, vintage or missing Article 6 authorization; `credits.limits` caps how much
// counts (a share of the obligation, the free allocation or the required reduction) and says how
// many credits make one allowance (the exchange rate). Surrender (compliance, phase 2) calls
// `assessDomesticUse` with the units offered and the operator's figures; this module decides.
import { shareOf } from "../compliance/surrender.ts";
import { mulDiv } from "../quantity/index.ts";
import { decimalFraction } from "../rulebook/index.ts";
import type { DomesticUseRule } from "../rulebook/international.ts";
import type { Rulebook } from "../rulebook/schema.ts";
import type { CreditAttributes } from "./attributes.ts";
import { intlRefusal, type Outcome, ok, type Refusal } from "./codes.ts";
import { checkNotExpired } from "./kyoto/units.ts";

export interface OfferedUnits {
  attributes: CreditAttributes;
  quantity: bigint;
  /** Article 6 state of the units (from the Article 6 book), when the rules ask for it. */
  article6?: { authorized: boolean; firstTransferred: boolean };
}

type CreditLimit = NonNullable<Rulebook["credits"]>["limits"][number];

function applies(r: { from?: number | undefined; to?: number | undefined }, year: number): boolean {
  return (r.from === undefined || year >= r.from) && (r.to === undefined || year <= r.to);
}

function exclusion(r: DomesticUseRule, u: OfferedUnits): Refusal | undefined {
  const a = u.attributes;
  const no = (field: string, why: string) => intlRefusal("DOMESTIC_EXCLUDED", `rule ${r.id}: ${why}`, { rule: r.id, field });
  if (r.vintages && ((r.vintages.from !== undefined && a.vintage < r.vintages.from) || (r.vintages.to !== undefined && a.vintage > r.vintages.to))) return no("vintage", `vintage ${a.vintage} is not admitted`);
  if (a.activityType !== null && r.excludeActivities.includes(a.activityType)) return no("activityType", `activity ${a.activityType} is excluded`);
  if ((r.onlyHosts && !r.onlyHosts.includes(a.host)) || r.excludeHosts.includes(a.host)) return no("host", `units hosted by ${a.host} are not admitted`);
  const missing = r.requireLabels.find((l) => !a.labels.includes(l));
  if (missing) return no("labels", `the label ${missing} is required`);
  const excluded = r.excludeLabels.find((l) => a.labels.includes(l));
  if (excluded) return no("labels", `the label ${excluded} is excluded`);
  if (r.requireAuthorization && !(u.article6?.authorized && u.article6.firstTransferred)) {
    return intlRefusal("DOMESTIC_AUTHORIZATION_REQUIRED", `rule ${r.id}: units count only when authorized under Article 6 and first transferred`, { rule: r.id });
  }
  return undefined;
}

/**
 * The rule admitting the units in `year` (on `date`, for expiry), or the refusal: 10901 when no
 * rule admits the mechanism and unit type that year; else, when every admitting rule excludes the
 * units, the first rule's reason (10902 naming the attribute, 10903); 10201 for an expired unit.
 */
export function admittingRule(rules: readonly DomesticUseRule[], u: OfferedUnits, year: number, date: string): Outcome<DomesticUseRule> {
  const expired = checkNotExpired(u.attributes, date);
  if (expired) return expired;
  const a = u.attributes;
  const candidates = rules.filter((r) => r.mechanisms.includes(a.mechanism) && r.unitTypes.includes(a.unitType) && applies(r, year));
  if (candidates.length === 0) {
    return intlRefusal("DOMESTIC_NOT_ELIGIBLE", `no domestic-use rule admits ${a.mechanism} ${a.unitType} units in ${year}`, { mechanism: a.mechanism, unitType: a.unitType, year });
  }
  let first: Refusal | undefined;
  for (const r of candidates) {
    const why = exclusion(r, u);
    if (!why) return ok(r);
    first ??= why;
  }
  return first as Refusal;
}

export interface ComplianceFigures {
  year: number;
  /** The date of the surrender (tCERs and lCERs must not have expired). */
  date: string;
  /** Verified emissions to be covered, in allowances. */
  obligation: bigint;
  /** Free allocation of the year or period, for limits on a share of allocation. */
  allocation?: bigint;
  /** Required reduction, for limits on a share of it (Tokyo). */
  requiredReduction?: bigint;
  /** Allowance-equivalents already counted against each limit type in the same period. */
  alreadyCounted?: Readonly<Record<string, bigint>>;
}

export interface CountedUnits {
  rule: string;
  limitType: string;
  quantity: bigint;
  /** Allowances these units stand for: quantity / exchange rate, rounded down. */
  countsAs: bigint;
}

export interface DomesticUseResult {
  units: CountedUnits[];
  countsAs: bigint;
}

/** Credits needed per allowance for a limit type in a year: the first limit naming the type with a rate, else 1. */
export function exchangeRateOf(limits: readonly CreditLimit[], type: string, year: number): number {
  return limits.find((l) => l.types.includes(type) && applies(l, year) && l.exchangeRate !== 1)?.exchangeRate ?? 1;
}

function base(l: CreditLimit, f: ComplianceFigures): { share: number | string; of: bigint | undefined; name: string } | undefined {
  if (l.maxShareOfObligation !== undefined) return { share: l.maxShareOfObligation, of: f.obligation, name: "obligation" };
  if (l.maxShareOfAllocation !== undefined) return { share: l.maxShareOfAllocation, of: f.allocation, name: "allocation" };
  if (l.maxShareOfReduction !== undefined) return { share: l.maxShareOfReduction, of: f.requiredReduction, name: "requiredReduction" };
  return undefined;
}

function checkLimits(limits: readonly CreditLimit[], counted: readonly CountedUnits[], f: ComplianceFigures): Refusal | undefined {
  for (const l of limits.filter((x) => applies(x, f.year))) {
    const b = base(l, f);
    if (!b) continue;
    if (b.of === undefined) return intlRefusal("FIELD_INVALID", `${b.name}: the limit on ${l.types.join("/")} is a share of it, so it must be given`, { field: b.name });
    // the same rounding as the surrender plan's (compliance/surrender.ts): a limit is never exceeded by rounding
    const max = shareOf(b.share, b.of);
    const before = l.types.reduce((s, t) => s + (f.alreadyCounted?.[t] ?? 0n), 0n);
    const now = counted.filter((c) => l.types.includes(c.limitType)).reduce((s, c) => s + c.countsAs, 0n);
    if (before + now > max) {
      return intlRefusal("DOMESTIC_LIMIT_EXCEEDED", `${l.types.join("/")} may count for at most ${max} (${b.share} of the ${b.name} ${b.of}); ${before} already counted, ${now} offered`, {
        types: l.types,
        max: String(max),
        alreadyCounted: String(before),
        offered: String(now),
      });
    }
  }
  return undefined;
}

/**
 * Decides how much the offered units count toward a surrender. Each offered lot in turn must be
 * admitted (admittingRule); then every limit of `credits.limits` applying in the year is checked
 * on the allowance-equivalents (limit = floor(share x base)). The first refusal is returned and
 * nothing counts.
 */
export function assessDomesticUse(rb: Pick<Rulebook, "international" | "credits">, offered: readonly OfferedUnits[], f: ComplianceFigures): Outcome<DomesticUseResult> {
  const rules = rb.international?.domesticUse ?? [];
  const limits = rb.credits?.limits ?? [];
  const units: CountedUnits[] = [];
  for (const u of offered) {
    const r = admittingRule(rules, u, f.year, f.date);
    if (!r.ok) return r;
    const limitType = r.value.limitType ?? u.attributes.unitType;
    const [n, d] = decimalFraction(exchangeRateOf(limits, limitType, f.year));
    units.push({ rule: r.value.id, limitType, quantity: u.quantity, countsAs: mulDiv(u.quantity, d, n, "floor") }); // a fraction of an allowance does not count
  }
  const over = checkLimits(limits, units, f);
  if (over) return over;
  return ok({ units, countsAs: units.reduce((s, c) => s + c.countsAs, 0n) });
}
