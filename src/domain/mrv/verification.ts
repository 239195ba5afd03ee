// Verification of an emission report by an accredited verifier. A verifier may give an opinion only
// with an accreditation valid on the date and covering the installation's activity, and only
// without a conflict of interest: not beyond the rulebook's consecutive years, not inside the
// cooling-off years after them, not after advising the operator within the window, never when
// owned by or owning the operator. The opinion must agree with the evidence: uncorrected
// misstatements at or above the materiality level (or a material non-conformity left unresolved)
// allow only a negative opinion. A positive or qualified opinion locks the report's total; a
// negative one never does: the emissions stay undetermined (status "not verified").
import type { Refusal } from "../compliance/codes.ts";
import { complianceRefusal, lowest } from "../compliance/codes.ts";
import { cmpDec, decimal, divDec, formatDec, isNegative } from "../quantity/decimal.ts";
import type { Decimal } from "../quantity/decimal.ts";
import type { MrvContext } from "./plan.ts";
import { isRefusal, readDecimal } from "./plan.ts";
import type { EmissionReport } from "./report.ts";

export interface Accreditation {
  verifier: string;
  /** Accreditation body (national accreditation body under ISO/IEC 17011). */
  body: string;
  standard: string;
  /** Activity scopes (sector ids), or "*" for all. */
  scopes: readonly string[];
  /** ISO dates, inclusive. */
  validFrom: string;
  expires: string;
  status: "active" | "suspended" | "withdrawn";
}

/** What the registry knows about verifiers when one gives an opinion. */
export interface VerifierRecords {
  accreditations: readonly Accreditation[];
  /** Past positive or qualified verifications: who verified which installation for which year. */
  history: readonly { verifier: string; installation: string; year: number }[];
  /** Advice given to an operator (consultancy, preparing its plan or report), by year. */
  services: readonly { verifier: string; operator: string; year: number }[];
  /** Ownership links between a verifier and an operator. */
  affiliations: readonly { verifier: string; operator: string }[];
}

export const OPINIONS = ["positive", "qualified", "negative"] as const;
export type Opinion = (typeof OPINIONS)[number];

export interface VerificationInput {
  report: EmissionReport;
  /** Version of the report being verified (1 for the first, n+1 for a correction). */
  version: number;
  operator: string;
  /** The installation's activity (sector id), matched against accreditation scopes. */
  sector: string;
  verifier: string;
  /** ISO date of the opinion. */
  date: string;
  opinion: Opinion;
  /** Sum of uncorrected misstatements, t CO2e (absolute values). */
  misstatements: string | number;
  nonConformities?: readonly { material: boolean; resolved: boolean }[];
  comments?: string;
}

export interface Verification {
  installation: string;
  year: number;
  version: number;
  verifier: string;
  date: string;
  opinion: Opinion;
  /** True for positive and qualified opinions: the report's total is then the verified emissions. */
  locked: boolean;
  /** The locked whole tonnes; absent when not locked. */
  verifiedTotal?: bigint;
  materialityLevel: string;
  misstatementShare: string;
  comments?: string;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function accreditationIssues(records: VerifierRecords, v: VerificationInput): Refusal[] {
  const mine = records.accreditations.filter((a) => a.verifier === v.verifier);
  if (mine.length === 0) return [complianceRefusal("VERIFIER_NOT_ACCREDITED", `verifier ${v.verifier} has no accreditation record`, { verifier: v.verifier })];
  const valid = mine.filter((a) => a.status === "active" && a.validFrom <= v.date && v.date <= a.expires);
  if (valid.length === 0) {
    const a = mine[mine.length - 1] as Accreditation;
    return [complianceRefusal("ACCREDITATION_NOT_VALID", `verifier ${v.verifier}'s accreditation is not valid on ${v.date} (${a.status}, ${a.validFrom} to ${a.expires})`, { verifier: v.verifier, date: v.date, status: a.status, validFrom: a.validFrom, expires: a.expires })];
  }
  if (!valid.some((a) => a.scopes.includes("*") || a.scopes.includes(v.sector)))
    return [complianceRefusal("SCOPE_NOT_COVERED", `verifier ${v.verifier} is not accredited for ${v.sector} (scopes: ${[...new Set(valid.flatMap((a) => a.scopes))].join(", ")})`, { verifier: v.verifier, sector: v.sector })];
  return [];
}

/** Years the verifier verified the installation in a row, ending the year before `year`. */
export function consecutiveYears(records: VerifierRecords, verifier: string, installation: string, year: number): number {
  const years = new Set(records.history.filter((h) => h.verifier === verifier && h.installation === installation).map((h) => h.year));
  let n = 0;
  while (years.has(year - 1 - n)) n++;
  return n;
}

/** Conflicts of interest under the rulebook's rules (all of them, lowest code first when reported). */
export function conflictIssues(ctx: MrvContext, records: VerifierRecords, v: VerificationInput): Refusal[] {
  const rules = ctx.rules?.verification;
  const out: Refusal[] = [];
  const inst = v.report.installation;
  const year = v.report.year;
  const max = rules?.maxConsecutiveYears;
  if (max !== undefined) {
    const run = consecutiveYears(records, v.verifier, inst, year);
    if (run + 1 > max) out.push(complianceRefusal("CONFLICT_CONSECUTIVE_YEARS", `verifier ${v.verifier} verified ${inst} in the ${run} years before ${year}; at most ${max} in a row`, { verifier: v.verifier, installation: inst, consecutive: run, max }));
    const cooling = rules?.coolingOffYears;
    if (cooling !== undefined) {
      // a run of `max` years ending in year e bars e+1 .. e+cooling
      for (let e = year - 1; e >= year - cooling; e--) {
        if (consecutiveYears(records, v.verifier, inst, e + 1) >= max) {
          out.push(complianceRefusal("CONFLICT_COOLING_OFF", `verifier ${v.verifier} reached ${max} consecutive years on ${inst} in ${e}; it may verify again from ${e + cooling + 1}`, { verifier: v.verifier, installation: inst, runEnded: e, coolingOffYears: cooling }));
          break;
        }
      }
    }
  }
  const window = rules?.servicesCoolingOffYears ?? 0;
  const advice = records.services.find((s) => s.verifier === v.verifier && s.operator === v.operator && s.year >= year - window && s.year <= year);
  if (advice) out.push(complianceRefusal("CONFLICT_SERVICES", `verifier ${v.verifier} advised ${v.operator} in ${advice.year}, within ${window} years of ${year}`, { verifier: v.verifier, operator: v.operator, serviceYear: advice.year, window }));
  if (records.affiliations.some((a) => a.verifier === v.verifier && a.operator === v.operator))
    out.push(complianceRefusal("CONFLICT_AFFILIATION", `verifier ${v.verifier} and ${v.operator} are affiliated (ownership)`, { verifier: v.verifier, operator: v.operator }));
  return out;
}

/** The materiality level for a report of this size (the rulebook's table; 5% without one). */
export function materialityLevel(ctx: MrvContext, total: Decimal): Decimal {
  const table = ctx.rules?.verification.materiality ?? [{ level: 0.05 }];
  const row = table.find((m) => m.upTo === undefined || cmpDec(total, decimal(m.upTo)) <= 0) ?? table[table.length - 1];
  return decimal(row?.level ?? 0.05);
}

function opinionIssues(ctx: MrvContext, v: VerificationInput, mis: Decimal): { issues: Refusal[]; level: Decimal; share: Decimal } {
  const total = decimal(v.report.totalExact);
  const level = materialityLevel(ctx, total);
  const share = total.units === 0n ? (mis.units === 0n ? decimal(0) : decimal(1)) : divDec(mis, total, 6, "ceil");
  const issues: Refusal[] = [];
  if (v.opinion !== "negative") {
    if (cmpDec(share, level) >= 0)
      issues.push(complianceRefusal("OPINION_INCONSISTENT", `uncorrected misstatements of ${formatDec(mis)} t are ${formatDec(share)} of ${v.report.totalExact} t, at or above the materiality level ${formatDec(level)}: only a negative opinion fits`, { misstatements: formatDec(mis), share: formatDec(share), level: formatDec(level) }));
    if ((v.nonConformities ?? []).some((n) => n.material && !n.resolved))
      issues.push(complianceRefusal("OPINION_INCONSISTENT", "a material non-conformity is unresolved: only a negative opinion fits", { nonConformity: "material, unresolved" }));
  }
  return { issues, level, share };
}

/**
 * Records a verifier's opinion on a report version. `verifiedVersions` are the versions of this
 * installation and year already verified (a version is verified once). Refusals: 9101-9108, 9109.
 */
export function verifyReport(ctx: MrvContext, records: VerifierRecords, v: VerificationInput, verifiedVersions: readonly number[] = []): { ok: true; verification: Verification } | Refusal {
  const input: Refusal[] = [];
  if (!ISO_DATE.test(v.date)) input.push(complianceRefusal("INPUT_INVALID", "date: expected YYYY-MM-DD", { field: "date" }));
  if (!(OPINIONS as readonly string[]).includes(v.opinion)) input.push(complianceRefusal("INPUT_INVALID", `opinion: expected ${OPINIONS.join(", ")}`, { field: "opinion" }));
  const mis = readDecimal(v.misstatements, "misstatements");
  if (isRefusal(mis)) input.push(mis);
  else if (isNegative(mis)) input.push(complianceRefusal("INPUT_INVALID", "misstatements: expected a sum of absolute values >= 0", { field: "misstatements" }));
  const firstInput = lowest(input);
  if (firstInput || isRefusal(mis)) return firstInput ?? (mis as Refusal);
  const op = opinionIssues(ctx, v, mis);
  const issues = [...accreditationIssues(records, v), ...conflictIssues(ctx, records, v), ...op.issues];
  if (verifiedVersions.includes(v.version))
    issues.push(complianceRefusal("REPORT_ALREADY_VERIFIED", `version ${v.version} of ${v.report.installation} ${v.report.year} is already verified; a change is a correction`, { installation: v.report.installation, year: v.report.year, version: v.version }));
  const bad = lowest(issues);
  if (bad) return bad;
  const locked = v.opinion !== "negative";
  const out: Verification = {
    installation: v.report.installation,
    year: v.report.year,
    version: v.version,
    verifier: v.verifier,
    date: v.date,
    opinion: v.opinion,
    locked,
    materialityLevel: formatDec(op.level),
    misstatementShare: formatDec(op.share),
  };
  if (locked) out.verifiedTotal = v.report.total;
  if (v.comments !== undefined) out.comments = v.comments;
  return { ok: true, verification: out };
}
