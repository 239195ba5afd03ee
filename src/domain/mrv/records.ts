// The life of one installation's emissions for one year, as immutable versions: a report, its
// verification, corrections (a new version that names the one it replaces and says why, verified
// again), and, when no verified report exists, an estimate set by the authority and marked as
// such. Phase 2 stores these rows; the functions here decide what may be added and what the
// emissions of the year currently are. Nothing is updated in place: the history stays readable.
import type { Refusal } from "../compliance/codes.ts";
import { complianceRefusal } from "../compliance/codes.ts";
import { addDec, decimal, formatDec, mulDec, toWholeDec } from "../quantity/decimal.ts";
import type { MrvContext } from "./plan.ts";
import type { EmissionReport } from "./report.ts";
import type { Verification } from "./verification.ts";

export interface ReportVersion {
  version: number;
  report: EmissionReport;
  /** The version this one corrects, with the reasons (absent for the first report). */
  corrects?: { version: number; reasons: readonly string[] };
  verification?: Verification;
}

export interface Estimate {
  installation: string;
  year: number;
  tonnes: bigint;
  /** Who set it and how (the rulebook's method or the authority's own figure). */
  method: string;
  setBy: string;
  reason: string;
}

export interface YearRecord {
  installation: string;
  year: number;
  versions: readonly ReportVersion[];
  estimate?: Estimate;
}

export type EmissionsState =
  | { state: "verified"; tonnes: bigint; version: number; opinion: "positive" | "qualified" }
  | { state: "estimated"; tonnes: bigint; method: string }
  | { state: "not-verified"; reason: "negative-opinion" | "awaiting-verification"; version: number }
  | { state: "missing" };

/** The latest version whose opinion locked it (corrections supersede earlier locks). */
export function lockedVersion(r: YearRecord): ReportVersion | undefined {
  let best: ReportVersion | undefined;
  for (const v of r.versions) if (v.verification?.locked && (!best || v.version > best.version)) best = v;
  return best;
}

/** What the year's emissions are now: verified (a locked version), estimated, reported but not verified, or missing. */
export function emissionsOf(r: YearRecord): EmissionsState {
  const locked = lockedVersion(r);
  if (locked?.verification?.verifiedTotal !== undefined) {
    return { state: "verified", tonnes: locked.verification.verifiedTotal, version: locked.version, opinion: locked.verification.opinion as "positive" | "qualified" };
  }
  if (r.estimate) return { state: "estimated", tonnes: r.estimate.tonnes, method: r.estimate.method };
  const last = r.versions[r.versions.length - 1];
  if (last) return { state: "not-verified", reason: last.verification?.opinion === "negative" ? "negative-opinion" : "awaiting-verification", version: last.version };
  return { state: "missing" };
}

/** The first report of a year (version 1); refused when one exists (a change is then a correction). */
export function firstReport(r: YearRecord, report: EmissionReport): ReportVersion | Refusal {
  if (r.versions.length > 0) return complianceRefusal("REPORT_ALREADY_VERIFIED", `${r.installation} ${r.year} already has a report (version ${r.versions.length}); submit a correction with reasons`, { installation: r.installation, year: r.year });
  return { version: 1, report };
}

/**
 * A correction: a new version that replaces `corrects` (which must be the current locked
 * version, or the latest when none is locked), with at least one reason. It counts only once
 * verified; until then the earlier locked version stays the verified emissions.
 */
export function correction(r: YearRecord, report: EmissionReport, corrects: number, reasons: readonly string[]): ReportVersion | Refusal {
  const clean = reasons.map((x) => x.trim()).filter((x) => x !== "");
  if (clean.length === 0) return complianceRefusal("CORRECTION_REASON_MISSING", `a correction of ${r.installation} ${r.year} needs at least one reason`, { installation: r.installation, year: r.year });
  const base = lockedVersion(r) ?? r.versions[r.versions.length - 1];
  if (!base || base.version !== corrects)
    return complianceRefusal("CORRECTION_BASE_UNKNOWN", `version ${corrects} is not the current report of ${r.installation} ${r.year}${base ? ` (current: ${base.version})` : " (none)"}`, { installation: r.installation, year: r.year, corrects, current: base?.version ?? null });
  if (report.installation !== r.installation || report.year !== r.year)
    return complianceRefusal("PLAN_MISMATCH", `the correction is for ${report.installation} ${report.year}, not ${r.installation} ${r.year}`, { installation: report.installation, year: report.year });
  return { version: r.versions.reduce((m, v) => Math.max(m, v.version), 0) + 1, report, corrects: { version: corrects, reasons: clean } };
}

/** An estimate marked as such; refused where a verified report is locked. */
export function setEstimate(r: YearRecord, tonnes: bigint, method: string, setBy: string, reason: string): Estimate | Refusal {
  if (lockedVersion(r)) return complianceRefusal("ESTIMATE_OVER_VERIFIED", `${r.installation} ${r.year} has verified emissions (version ${lockedVersion(r)?.version}); an estimate cannot replace them`, { installation: r.installation, year: r.year });
  if (tonnes < 0n) return complianceRefusal("INPUT_INVALID", "tonnes: an estimate is a whole number >= 0", { field: "tonnes" });
  if (reason.trim() === "") return complianceRefusal("INPUT_INVALID", "reason: an estimate says why it was needed", { field: "reason" });
  return { installation: r.installation, year: r.year, tonnes, method, setBy, reason };
}

/**
 * The rulebook's conservative estimate for a year without a verified report: `max-recent` takes the
 * largest of the last `years` verified years and raises it by `uplift`, rounded up (conservative).
 * `authority` returns undefined: the authority sets the figure itself (setEstimate).
 */
export function conservativeEstimate(ctx: MrvContext, history: readonly { year: number; tonnes: bigint }[], year: number): { tonnes: bigint; method: string; lines: string[] } | undefined {
  const rule = ctx.rules?.conservativeEstimate ?? { method: "authority" as const };
  if (rule.method === "authority") return undefined;
  const recent = history.filter((h) => h.year < year && h.year >= year - rule.years);
  if (recent.length === 0) return undefined;
  const max = recent.reduce((m, h) => (h.tonnes > m.tonnes ? h : m));
  const exact = mulDec(decimal(max.tonnes), addDec(decimal(1), decimal(rule.uplift)));
  const tonnes = toWholeDec(exact, "ceil");
  return {
    tonnes,
    method: `max-recent(${rule.years}) + ${rule.uplift}`,
    lines: [`largest verified emissions in ${year - rule.years}-${year - 1}: ${max.tonnes} t (${max.year})`, `x (1 + ${rule.uplift}) = ${formatDec(exact)} -> ${tonnes} t (rounded up: conservative)`],
  };
}

/** ISO date of the report deadline for a reporting year, or undefined when the rulebook sets none. */
export function reportDeadline(ctx: MrvContext, year: number): string | undefined {
  const md = ctx.rules?.verification.reportDeadline;
  return md === undefined ? undefined : `${year + 1}-${md}`;
}

/** Installations flagged after the report deadline: no verified report (and whether an estimate stands in). */
export function missingReports(ctx: MrvContext, records: readonly YearRecord[], year: number, asOf: string): { installation: string; state: EmissionsState["state"]; deadline: string }[] {
  const deadline = reportDeadline(ctx, year) ?? `${year + 1}-12-31`;
  if (asOf <= deadline) return [];
  return records
    .filter((r) => r.year === year)
    .map((r) => ({ installation: r.installation, state: emissionsOf(r).state, deadline }))
    .filter((x) => x.state !== "verified");
}
