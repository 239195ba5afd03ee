// Ex-post issuance of excess reductions (Tokyo): a facility whose verified emissions over a
// compliance period stay below its facility cap gets the difference issued as tradable credits,
// at most `compliance.exPostIssuance.maxShareOfBaseline` x its baseline emissions over the period
// where the rulebook sets that ceiling. The registry knows the baseline over the period from the
// obligation terms an administrator set: the facility cap plus the required reduction (the
// required reduction is baseline x years - cap, src/domain/compliance/obligation.ts). The ceiling
// is floored to whole tonnes (a credit is never issued for a fraction above the ceiling); the
// figure is min(surplus, ceiling), exact in bigint.
import { decimal, mulDec, toWholeDec } from "../quantity/decimal.ts";
import { minBig } from "../quantity/index.ts";
import type { Rulebook } from "../rulebook/index.ts";
import type { Refusal } from "./codes.ts";
import { complianceRefusal } from "./codes.ts";
import { schemeCodeOf } from "./eligibility.ts";
import type { Obligation, PeriodSpan } from "./obligation.ts";

export interface ExPostFigure {
  /** Credits to issue (0 when the period's emissions reached the cap). */
  issued: bigint;
  /** The period's surplus below the facility cap. */
  surplus: bigint;
  /** The rulebook's ceiling on the issuance, when it sets one. */
  ceiling: bigint | null;
  unitType: string;
  lines: string[];
}

/** maxShare x baseline over the period, floored to whole tonnes. */
export function exPostCeiling(maxShareOfBaseline: number | string, baselineOverPeriod: bigint): bigint {
  return toWholeDec(mulDec(decimal(maxShareOfBaseline), decimal(baselineOverPeriod)), "floor");
}

/**
 * The credits an excess-over-cap obligation earns ex post: its surplus below the facility cap, at
 * most the rulebook's share of the baseline over the period (`baselineOverPeriod`, needed only
 * when the rulebook sets that share). Refused (9306) where the rulebook issues nothing ex post.
 */
export function exPostFigure(rb: Rulebook, o: Obligation, baselineOverPeriod?: bigint): ExPostFigure | Refusal {
  const rule = rb.compliance?.exPostIssuance;
  if (!rule || o.kind !== "excess-over-cap") return complianceRefusal("NOT_EX_POST", `${rb.scheme.id} issues no excess reductions ex post`, { scheme: rb.scheme.id });
  const lines = [`below the facility cap by ${o.surplus} t over ${o.period.from}-${o.period.to}`];
  let issued = o.surplus;
  let ceiling: bigint | null = null;
  if (rule.maxShareOfBaseline !== undefined) {
    if (baselineOverPeriod === undefined) return complianceRefusal("BASE_OUTPUT_MISSING", "baseline: the issuance ceiling needs the baseline emissions over the period (the facility cap and the required reduction of the obligation terms)", { field: "baseline" });
    ceiling = exPostCeiling(rule.maxShareOfBaseline, baselineOverPeriod);
    if (ceiling < issued) lines.push(`at most ${rule.maxShareOfBaseline} x baseline ${baselineOverPeriod} over the period = ${ceiling}`);
    issued = minBig(issued, ceiling);
  }
  lines.push(`issued ex post: ${issued} ${rule.unitType}`);
  return { issued, surplus: o.surplus, ceiling, unitType: rule.unitType, lines };
}

/** The unit class of a period's excess-reduction credits: `<SCHEME CODE>-ER-<period>` (upper case: a class code starts with a capital or digit), vintage the period's last year. */
export function exPostClass(rb: Rulebook, period: PeriodSpan): { code: string; unitType: string; scheme: string; vintage: number } {
  const scheme = schemeCodeOf(rb);
  return { code: `${scheme.toUpperCase()}-ER-${period.id}`, unitType: rb.compliance?.exPostIssuance?.unitType ?? "excess-reduction", scheme, vintage: period.to };
}
