// The catalogue of numbered compliance checks, beside the ledger's (1xxx-7xxx,
// src/domain/ledger/checks.ts) and the security rules' (80xx/81xx): 9000 is malformed input,
// 90xx monitoring plans and emission reports, 91xx verification and corrections, 92xx surrender
// and unit eligibility, 93xx obligations, periods, changes and true-ups, 94xx penalties. A refusal
// has the ledger's Refusal shape so every layer reports the three catalogues alike; when several
// checks fail, the lowest code is reported. docs/reference/compliance-checks.md is generated from
// this table (scripts/gen-compliance-docs.ts) and a test keeps it in step.
import type { Refusal } from "../ledger/checks.ts";

export type { Refusal } from "../ledger/checks.ts";

export interface ComplianceCheckDefinition {
  readonly code: number;
  readonly name: string;
  readonly rule: string;
}

export const COMPLIANCE_CHECKS = {
  INPUT_INVALID: { code: 9000, name: "input-invalid", rule: "A field has the wrong type, is missing or is not a finite decimal; the field is named." },
  FUEL_UNKNOWN: { code: 9001, name: "fuel-unknown", rule: "A combustion source names a fuel of the rulebook's `mrv.fuels`, or carries its own emission factor and net calorific value." },
  ACTIVITY_NEGATIVE: { code: 9002, name: "activity-negative", rule: "Activity data (fuel burnt, material used, electricity bought, gas emitted) are quantities >= 0." },
  GAS_UNKNOWN: { code: 9003, name: "gas-unknown", rule: "A gas must have a global warming potential in the rulebook's GWP set (or its overrides)." },
  GAS_NOT_COVERED: { code: 9004, name: "gas-not-covered", rule: "A source may emit only gases the rulebook covers (`coverage.gases`; an HFC or PFC species counts as HFC or PFC)." },
  TIER_BELOW_MINIMUM: { code: 9005, name: "tier-below-minimum", rule: "Each parameter of a source is determined at least at the tier the rulebook requires for the installation's category (`mrv.tiers`)." },
  PARAMETER_MISSING: { code: 9006, name: "parameter-missing", rule: "A source carries every parameter its kind uses (emission factor, net calorific value, supplier factor, gas); the missing one is named." },
  UNIT_MISMATCH: { code: 9007, name: "unit-mismatch", rule: "Activity data are in the unit the source's factor expects (the fuel's unit, MWh of electricity, tonnes of gas)." },
  SOURCE_DUPLICATE: { code: 9008, name: "source-duplicate", rule: "A source id appears once in a monitoring plan, and once in a year's activity data." },
  SOURCE_NOT_IN_PLAN: { code: 9009, name: "source-not-in-plan", rule: "Activity data name a source of the installation's monitoring plan." },
  ACTIVITY_MISSING: { code: 9010, name: "activity-missing", rule: "Every source of the monitoring plan has activity data for the reporting year (0 when it did not run)." },
  FACTOR_OUT_OF_RANGE: { code: 9011, name: "factor-out-of-range", rule: "Oxidation and conversion factors and biomass fractions lie between 0 and 1; emission factors are >= 0." },
  PLAN_MISMATCH: { code: 9012, name: "plan-mismatch", rule: "A report is for the installation of its monitoring plan and a year the plan is in force." },
  VERIFIER_NOT_ACCREDITED: { code: 9101, name: "verifier-not-accredited", rule: "Only a verifier with an accreditation record (ISO 14065 or the rulebook's standard) may give an opinion." },
  ACCREDITATION_NOT_VALID: { code: 9102, name: "accreditation-not-valid", rule: "The accreditation is valid on the date of the opinion: not before it starts, not after it expires, not suspended or withdrawn." },
  SCOPE_NOT_COVERED: { code: 9103, name: "scope-not-covered", rule: "The accreditation's scope covers the installation's activity (sector scope)." },
  CONFLICT_CONSECUTIVE_YEARS: { code: 9104, name: "conflict-consecutive-years", rule: "A verifier verifies one installation for at most the rulebook's number of consecutive years (`mrv.verification.maxConsecutiveYears`)." },
  CONFLICT_COOLING_OFF: { code: 9105, name: "conflict-cooling-off", rule: "After reaching the maximum, a verifier waits the cooling-off years before verifying that installation again." },
  CONFLICT_SERVICES: { code: 9106, name: "conflict-services", rule: "A verifier that advised the operator or prepared its monitoring plan or report may not verify it within the rulebook's window." },
  CONFLICT_AFFILIATION: { code: 9107, name: "conflict-affiliation", rule: "A verifier owned by, owning, or sharing an owner with the operator may never verify it." },
  OPINION_INCONSISTENT: { code: 9108, name: "opinion-inconsistent", rule: "A positive or qualified opinion needs uncorrected misstatements below the materiality level and no unresolved non-conformity that is material; otherwise the opinion must be negative." },
  REPORT_ALREADY_VERIFIED: { code: 9109, name: "report-already-verified", rule: "A report version is verified once; a change after that is a correction (a new version with reasons)." },
  CORRECTION_REASON_MISSING: { code: 9110, name: "correction-reason-missing", rule: "A correction of a verified report carries at least one reason." },
  CORRECTION_BASE_UNKNOWN: { code: 9111, name: "correction-base-unknown", rule: "A correction names the current locked version of that installation's report for that year." },
  ESTIMATE_OVER_VERIFIED: { code: 9112, name: "estimate-over-verified", rule: "A conservative estimate is set only where no verified report is locked for the installation and year." },
  VERIFIER_NOT_APPOINTED: { code: 9113, name: "verifier-not-appointed", rule: "A verifier gives an opinion only on the report of an installation and year whose operator appointed it, and only an accredited verifier is appointed." },
  REPORT_NOT_FOUND: { code: 9114, name: "report-not-found", rule: "A verification names a report version that was submitted for that installation and year." },
  UNIT_TYPE_NOT_ELIGIBLE: { code: 9201, name: "unit-type-not-eligible", rule: "Only the scheme's allowances and the credit types of `credits.eligibleTypes` count toward an obligation." },
  VINTAGE_NOT_YET_VALID: { code: 9202, name: "vintage-not-yet-valid", rule: "Allowances of a vintage after the compliance period count only where the rulebook allows borrowing." },
  BANKING_NOT_ALLOWED: { code: 9203, name: "banking-not-allowed", rule: "Allowances of an earlier trading period count only where the rulebook allows banking across periods." },
  VINTAGE_TOO_EARLY: { code: 9204, name: "vintage-too-early", rule: "Units older than the rulebook's earliest eligible vintage (allowances) or outside the credit type's vintage window do not count." },
  CREDIT_LIMIT_OBLIGATION: { code: 9205, name: "credit-limit-obligation", rule: "Credits of a limited type cover at most the rulebook's share of the obligation." },
  CREDIT_LIMIT_ALLOCATION: { code: 9206, name: "credit-limit-allocation", rule: "Credits of a limited type cover at most the rulebook's share of the free allocation." },
  CREDIT_LIMIT_REDUCTION: { code: 9207, name: "credit-limit-reduction", rule: "Credits of a limited type cover at most the rulebook's share of the required reduction (Tokyo: one third)." },
  BORROWING_LIMIT_EXCEEDED: { code: 9209, name: "borrowing-limit-exceeded", rule: "Limited borrowing covers at most the rulebook's share of the obligation (KL bill: 15%)." },
  BORROWING_TOO_FAR_AHEAD: { code: 9210, name: "borrowing-too-far-ahead", rule: "Borrowed allowances come from at most the rulebook's number of years ahead (KL bill: 5)." },
  HOLDING_INSUFFICIENT: { code: 9211, name: "holding-insufficient", rule: "An operator surrenders only units it holds (available, not earmarked)." },
  SURRENDER_AFTER_DEADLINE: { code: 9212, name: "surrender-after-deadline", rule: "Where the rulebook forbids it, nothing is surrendered for a compliance period after its deadline." },
  QUANTITY_NOT_POSITIVE_WHOLE: { code: 9213, name: "quantity-not-positive-whole", rule: "A surrendered quantity is a positive whole number of units." },
  ORIGIN_NOT_ELIGIBLE: { code: 9214, name: "origin-not-eligible", rule: "Allowances count only when issued by the scheme itself or a scheme the rulebook links to (`compliance.linkedSchemes`)." },
  SURRENDER_PERIOD_CLOSED: { code: 9216, name: "surrender-period-closed", rule: "Nothing is surrendered for, or taken back by a reversal from, a compliance period already closed for that installation." },
  EXCHANGE_REMAINDER: { code: 9215, name: "exchange-remainder", rule: "Under an exchange rate (1:2, 1:1.25) a quantity of credits must convert to whole allowances; the nearest quantities that do are named." },
  PERIOD_UNKNOWN: { code: 9301, name: "period-unknown", rule: "A compliance period is one the rulebook defines (or a single year when it lists none)." },
  EMISSIONS_NOT_DETERMINED: { code: 9302, name: "emissions-not-determined", rule: "An obligation needs verified (or estimated) emissions for every year of the period it covers." },
  DATE_OUTSIDE_PERIOD: { code: 9303, name: "date-outside-period", rule: "A closure, change of owner or entry falls inside the compliance period it changes." },
  CHANGES_CONFLICT: { code: 9304, name: "changes-conflict", rule: "Changes within a period come in date order, with at most one closure and nothing after it." },
  BASE_OUTPUT_MISSING: { code: 9305, name: "base-output-missing", rule: "A pre-allocation needs the base-year output; a true-up needs the verified output." },
  PERIOD_NOT_DUE: { code: 9307, name: "period-not-due", rule: "A compliance period is closed only after its surrender deadline." },
  DUPLICATE_INSTALLATION: { code: 9308, name: "duplicate-installation", rule: "Closing a period lists each installation once." },
  RULEBOOK_MISSING: { code: 9309, name: "rulebook-missing", rule: "Compliance in the registry needs the scheme's rulebook, recorded in the store by the server or `ets play`, with a `compliance` section." },
  INSTALLATION_UNKNOWN: { code: 9310, name: "installation-unknown", rule: "An installation is registered for compliance, with its operator holding account, before plans, reports, verifiers and obligations name it." },
  INSTALLATION_ACCOUNT_MISMATCH: { code: 9311, name: "installation-account-mismatch", rule: "An installation is registered once, with an open operator holding account whose installation it is." },
  CLOSURE_OBLIGATIONS_OPEN: { code: 9312, name: "closure-obligations-open", rule: "The operator holding account of an installation registered for compliance closes only when every year it reported is verified (or estimated) and every compliance period it surrendered into is closed." },
  TRUE_UP_NOT_APPLICABLE: { code: 9313, name: "true-up-not-applicable", rule: "A true-up is booked only for an installation registered with a sector and product whose rule has an ex-ante share (`allocation.sectors.*.exAnteShare`, China's power sector)." },
  TRUE_UP_NOT_VERIFIED: { code: 9314, name: "true-up-not-verified", rule: "A true-up is booked only once the installation's report for the year is verified (a locked positive or qualified opinion); an estimate does not count." },
  TRUE_UP_BOOKED: { code: 9315, name: "true-up-booked", rule: "A true-up is booked once per installation and year; asking again with the same verified output answers the booked one, with another figure it is refused." },
  EX_POST_NOT_VERIFIED: { code: 9316, name: "ex-post-not-verified", rule: "Excess reductions are issued ex post only once the installation's emissions of every year of the period are verified and locked (an estimate does not count); the missing years are named." },
  EX_POST_NO_SURPLUS: { code: 9317, name: "ex-post-no-surplus", rule: "Excess reductions are issued only where the period's verified emissions are below the facility cap (a surplus above 0 after the rulebook's ceiling)." },
  EX_POST_ISSUED: { code: 9318, name: "ex-post-issued", rule: "Excess reductions are issued once per installation and compliance period; another command for the same pair is refused, naming the issuance." },
  EX_POST_AWAITING_APPROVAL: { code: 9319, name: "ex-post-awaiting-approval", rule: "An ex-post issuance creates units: a second national administrator approves its issuance (four-eyes) before the credits reach the operator; the same commandId sent again then completes it." },
  EX_POST_WITHOUT_SERVICE: { code: 9320, name: "ex-post-without-service", rule: "An ex_post_issuance transaction is written only by the ex-post issuance service: one completed transfer to the installation's operator account of exactly what its own issuance created, in the period's excess-reduction class, of the figure the verified emissions give." },
  NOT_EX_POST: { code: 9306, name: "not-ex-post", rule: "Ex-post issuance of excess reductions applies only where the rulebook's obligation is the excess over a facility cap (Tokyo)." },
  PENALTY_RULES_MISSING: { code: 9401, name: "penalty-rules-missing", rule: "A penalty is computed only from a rulebook that has a `penalties` section." },
  PRICE_REQUIRED: { code: 9402, name: "price-required", rule: "A penalty tied to the market price needs that price (or the rulebook's reference price for the year)." },
  INDEX_MISSING: { code: 9403, name: "index-missing", rule: "An indexed penalty needs the index of the base year and of the penalty year in the rulebook's table." },
  YEAR_REQUIRED: { code: 9404, name: "year-required", rule: "A penalty that changes by year (indexation, a reference price path) needs the year." },
} as const satisfies Record<string, ComplianceCheckDefinition>;

export type ComplianceCheckKey = keyof typeof COMPLIANCE_CHECKS;

export function complianceRefusal(key: ComplianceCheckKey, message: string, facts: Record<string, unknown> = {}): Refusal {
  const c = COMPLIANCE_CHECKS[key];
  return { ok: false, code: c.code, check: c.name, message, facts };
}

/** Of several refusals, the one with the lowest code (the documented precedence). */
export function lowest(list: readonly Refusal[]): Refusal | undefined {
  let best: Refusal | undefined;
  for (const r of list) if (!best || r.code < best.code) best = r;
  return best;
}

/** The ranges, for the generated reference. */
export const COMPLIANCE_RANGES: readonly [string, string][] = [
  ["9000", "malformed input"],
  ["90xx", "monitoring plans and emission reports"],
  ["91xx", "verification, corrections and estimates"],
  ["92xx", "surrender and unit eligibility"],
  ["93xx", "obligations, compliance periods, changes within a period, true-ups"],
  ["94xx", "penalties"],
];
