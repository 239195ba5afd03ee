// Monitoring and reporting in the registry (verifiers and their opinions: verifiers.ts): an
// installation's representative submits its monitoring plan and each year's emission report (a
// correction is a new version with reasons); whoever may read them sees an installation's plans,
// report versions with their verifications, and estimates; an administrator or the authority sets
// a conservative estimate, marked as such, where no verified report exists. The report rows and
// the year's record as the MRV domain reads it are shared with verifiers.ts. Every row is
// appended; nothing is updated in place.
import { complianceRefusal, type Refusal } from "../../domain/compliance/codes.ts";
import { conservativeEstimate, type ReportVersion, setEstimate as estimateRule, type YearRecord, correction, firstReport } from "../../domain/mrv/records.ts";
import { type MonitoringPlan, mrvContext, SOURCE_KINDS, validatePlan } from "../../domain/mrv/plan.ts";
import { computeReport, type EmissionReport, type ActivityEntry } from "../../domain/mrv/report.ts";
import type { Opinion } from "../../domain/mrv/verification.ts";
import { type Caller, can } from "../../domain/security/roles.ts";
import type { Sql } from "../../store/db.ts";
import { audited, command, type ComplianceCtx, isRefusal, mayActFor, mayAdminister, mayRead, type Result } from "./context.ts";
import { getInstallation } from "./store.ts";

export const bad = (field: string, why: string) => complianceRefusal("INPUT_INVALID", `${field}: ${why}`, { field });
export const isYear = (y: unknown): y is number => Number.isInteger(y) && (y as number) >= 1990 && (y as number) <= 2200;
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
export const TEXT = (v: unknown, max = 500) => typeof v === "string" && v.trim() !== "" && v.length <= max;

export async function registered(tx: Sql, installation: unknown) {
  const row = typeof installation === "string" ? await getInstallation(tx, installation) : undefined;
  return row ?? complianceRefusal("INSTALLATION_UNKNOWN", `installation ${String(installation)} is not registered for compliance`, { installation: typeof installation === "string" ? installation : null });
}

// ---------------------------------------------------------------- monitoring plans

const PARAMS = ["emissionFactor", "ncv", "oxidationFactor", "conversionFactor", "biomassFraction"] as const;
const TEXTS = ["description", "fuel", "unit", "gas", "supplier"] as const;

/** The shape of a plan's sources (types only; the MRV rules decide the rest), naming the first bad field. */
function sourcesShape(sources: unknown): Refusal | undefined {
  if (!Array.isArray(sources) || sources.length > 200) return bad("plan.sources", "a list of up to 200 source streams");
  for (const [i, x] of sources.entries()) {
    const at = `plan.sources[${i}]`;
    if (typeof x !== "object" || x === null || Array.isArray(x)) return bad(at, "a source stream object");
    const src = x as Record<string, unknown>;
    if (typeof src.id !== "string" || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(src.id)) return bad(`${at}.id`, "an id (letters, digits, . _ -)");
    if (!(SOURCE_KINDS as readonly unknown[]).includes(src.kind)) return bad(`${at}.kind`, SOURCE_KINDS.join(", "));
    for (const k of TEXTS) if (src[k] !== undefined && (typeof src[k] !== "string" || (src[k] as string).length > 200)) return bad(`${at}.${k}`, "a text");
    if (src.activityTier !== undefined && !Number.isInteger(src.activityTier)) return bad(`${at}.activityTier`, "a tier 1..4");
    for (const k of PARAMS) {
      const v = src[k];
      if (v === undefined) continue;
      if (typeof v !== "object" || v === null || Array.isArray(v)) return bad(`${at}.${k}`, "{ value, tier?, source? }");
      const prm = v as Record<string, unknown>;
      if (typeof prm.value !== "string" && typeof prm.value !== "number") return bad(`${at}.${k}.value`, "a decimal number");
      if (prm.tier !== undefined && !Number.isInteger(prm.tier)) return bad(`${at}.${k}.tier`, "a tier 1..4");
      if (prm.source !== undefined && typeof prm.source !== "string") return bad(`${at}.${k}.source`, "a text");
    }
  }
  return undefined;
}

/** The shape of activity data: a list of { source, quantity }. */
function activityShape(activity: unknown): Refusal | undefined {
  if (!Array.isArray(activity) || activity.length > 200) return bad("activity", "a list of up to 200 { source, quantity }");
  for (const [i, a] of activity.entries()) {
    if (typeof a !== "object" || a === null) return bad(`activity[${i}]`, "{ source, quantity }");
    const e = a as Record<string, unknown>;
    if (typeof e.source !== "string") return bad(`activity[${i}].source`, "a source id of the plan");
    if (typeof e.quantity !== "string" && typeof e.quantity !== "number") return bad(`activity[${i}].quantity`, "a decimal number");
  }
  return undefined;
}

export interface PlanInput {
  commandId: string;
  installation: string;
  plan: Omit<MonitoringPlan, "installation" | "version">;
}

export interface PlanView {
  installation: string;
  version: number;
  validFrom: number;
  validTo: number | null;
  plan: MonitoringPlan;
  submittedBy: string;
  submittedAt: string;
}

/** A new version of the installation's monitoring plan (its representative). */
export function submitPlan(ctx: ComplianceCtx, c: Caller, i: PlanInput): Promise<Result<PlanView>> {
  return audited(ctx, c, "compliance.plan.submit", typeof i?.installation === "string" ? i.installation.slice(0, 64) : null, async () => {
    const who = await mayActFor(ctx, c.principal, String(i?.installation));
    if (who) return who;
    const rb = await ctx.rules();
    if (isRefusal(rb)) return rb;
    return command(ctx, c, "plan.submit", i?.commandId, { ...i, commandId: undefined }, async (tx): Promise<PlanView | Refusal> => {
      const inst = await registered(tx, i.installation);
      if (isRefusal(inst)) return inst;
      if (typeof i.plan !== "object" || i.plan === null) return bad("plan", "a monitoring plan object");
      const v = await tx.query<{ n: number | null }>("SELECT max(version) AS n FROM monitoring_plans WHERE installation = $1", [i.installation]);
      const version = (v.rows[0]?.n ?? 0) + 1;
      const plan = { ...i.plan, installation: i.installation, version } as MonitoringPlan;
      if (!isYear(plan.validFrom)) return bad("plan.validFrom", "a year");
      if (plan.validTo !== undefined && (!isYear(plan.validTo) || plan.validTo < plan.validFrom)) return bad("plan.validTo", "a year not before validFrom");
      if (plan.sector !== undefined && (typeof plan.sector !== "string" || plan.sector.length > 64)) return bad("plan.sector", "a sector id");
      if (plan.averageEmissions !== undefined && typeof plan.averageEmissions !== "string" && typeof plan.averageEmissions !== "number") return bad("plan.averageEmissions", "a decimal number");
      const shape = sourcesShape(plan.sources);
      if (shape) return shape;
      const broken = validatePlan(mrvContext(rb), plan);
      if (broken) return broken;
      const at = ctx.now();
      const by = c.principal.userId as string;
      await tx.query("INSERT INTO monitoring_plans (installation, version, valid_from, valid_to, plan, submitted_by, submitted_at) VALUES ($1,$2,$3,$4,$5,$6,$7)", [
        i.installation, version, plan.validFrom, plan.validTo ?? null, JSON.stringify(plan), by, at,
      ]);
      return { installation: i.installation, version, validFrom: plan.validFrom, validTo: plan.validTo ?? null, plan, submittedBy: by, submittedAt: at };
    });
  });
}

/** The plan in force for a year: the latest version whose validity covers it. */
export async function planFor(tx: Sql, installation: string, year: number): Promise<MonitoringPlan | undefined> {
  const r = await tx.query<{ plan: MonitoringPlan }>(
    "SELECT plan FROM monitoring_plans WHERE installation = $1 AND valid_from <= $2 AND (valid_to IS NULL OR valid_to >= $2) ORDER BY version DESC LIMIT 1",
    [installation, year],
  );
  return r.rows[0]?.plan;
}

// ---------------------------------------------------------------- reports

export interface ReportSubmitInput {
  commandId: string;
  installation: string;
  year: number;
  activity: ActivityEntry[];
  /** For a correction: the version it corrects, with reasons. */
  corrects?: number | undefined;
  reasons?: string[] | undefined;
}

export interface VerificationView {
  verifier: string;
  date: string;
  opinion: Opinion;
  locked: boolean;
  verifiedTotal: string | null;
  materialityLevel: string;
  misstatementShare: string;
  comments: string | null;
}

export interface ReportView {
  installation: string;
  year: number;
  version: number;
  planVersion: number;
  total: string;
  totalExact: string;
  corrects: number | null;
  reasons: string[];
  report: EmissionReport;
  submittedBy: string;
  submittedAt: string;
  verification: VerificationView | null;
}

interface ReportSql {
  installation: string;
  year: number;
  version: number;
  plan_version: number;
  report: EmissionReport & { total: string };
  total: bigint;
  total_exact: string;
  corrects: number | null;
  reasons: string[];
  submitted_by: string;
  submitted_at: string;
  verifier: string | null;
  opinion_date: string | null;
  opinion: Opinion | null;
  locked: boolean | null;
  verified_total: bigint | null;
  materiality_level: string | null;
  misstatement_share: string | null;
  comments: string | null;
}

export const dateText = (d: unknown): string => (d instanceof Date ? d.toISOString().slice(0, 10) : String(d).slice(0, 10));

function reportView(r: ReportSql): ReportView {
  return {
    installation: r.installation, year: r.year, version: r.version, planVersion: r.plan_version, total: r.total.toString(), totalExact: r.total_exact,
    corrects: r.corrects, reasons: r.reasons, report: r.report, submittedBy: r.submitted_by, submittedAt: r.submitted_at,
    verification: r.opinion === null ? null : {
      verifier: r.verifier as string, date: dateText(r.opinion_date), opinion: r.opinion, locked: r.locked === true, verifiedTotal: r.verified_total === null ? null : r.verified_total.toString(),
      materialityLevel: r.materiality_level as string, misstatementShare: r.misstatement_share as string, comments: r.comments,
    },
  };
}

export async function versionsOf(sql: Sql, installation: string, year: number | null): Promise<ReportView[]> {
  const r = await sql.query<ReportSql>(
    `SELECT e.installation, e.year, e.version, e.plan_version, e.report, e.total, e.total_exact, e.corrects, e.reasons, e.submitted_by, e.submitted_at,
            v.verifier, v.opinion_date, v.opinion, v.locked, v.verified_total, v.materiality_level, v.misstatement_share, v.comments
     FROM emission_reports e LEFT JOIN verifications v ON v.installation = e.installation AND v.year = e.year AND v.version = e.version
     WHERE e.installation = $1 AND ($2::int IS NULL OR e.year = $2) ORDER BY e.year, e.version`,
    [installation, year],
  );
  return r.rows.map(reportView);
}

/** The year's record as the MRV domain reads it. */
export async function yearRecord(sql: Sql, installation: string, year: number): Promise<YearRecord> {
  const versions: ReportVersion[] = (await versionsOf(sql, installation, year)).map((v) => {
    const out: ReportVersion = { version: v.version, report: { ...v.report, total: BigInt(v.total) } };
    if (v.corrects !== null) out.corrects = { version: v.corrects, reasons: v.reasons };
    if (v.verification) {
      out.verification = {
        installation, year, version: v.version, verifier: v.verification.verifier, date: v.verification.date, opinion: v.verification.opinion, locked: v.verification.locked,
        materialityLevel: v.verification.materialityLevel, misstatementShare: v.verification.misstatementShare,
        ...(v.verification.verifiedTotal === null ? {} : { verifiedTotal: BigInt(v.verification.verifiedTotal) }),
      };
    }
    return out;
  });
  const rec: YearRecord = { installation, year, versions };
  const e = await sql.query<{ tonnes: bigint; method: string; set_by: string; reason: string }>("SELECT tonnes, method, set_by, reason FROM emission_estimates WHERE installation = $1 AND year = $2", [installation, year]);
  const est = e.rows[0];
  if (est) rec.estimate = { installation, year, tonnes: est.tonnes, method: est.method, setBy: est.set_by, reason: est.reason };
  return rec;
}

/** The year's emission report (version 1) or a correction of the current version (its representative). */
export function submitReport(ctx: ComplianceCtx, c: Caller, i: ReportSubmitInput): Promise<Result<ReportView>> {
  return audited(ctx, c, "compliance.report.submit", typeof i?.installation === "string" ? i.installation.slice(0, 64) : null, async () => {
    const who = await mayActFor(ctx, c.principal, String(i?.installation));
    if (who) return who;
    const rb = await ctx.rules();
    if (isRefusal(rb)) return rb;
    return command(ctx, c, "report.submit", i?.commandId, { ...i, commandId: undefined }, async (tx): Promise<ReportView | Refusal> => {
      const inst = await registered(tx, i.installation);
      if (isRefusal(inst)) return inst;
      if (!isYear(i.year)) return bad("year", "a reporting year");
      const shape = activityShape(i.activity);
      if (shape) return shape;
      const plan = await planFor(tx, i.installation, i.year);
      if (!plan) return complianceRefusal("PLAN_MISMATCH", `${i.installation} has no monitoring plan in force for ${i.year}; submit one first`, { installation: i.installation, year: i.year });
      const computed = computeReport(mrvContext(rb), plan, { installation: i.installation, year: i.year, activity: i.activity });
      if (!computed.ok) return computed;
      const rec = await yearRecord(tx, i.installation, i.year);
      const isCorrection = i.corrects !== undefined;
      if (isCorrection && (!Number.isInteger(i.corrects) || !Array.isArray(i.reasons ?? []) || (i.reasons ?? []).some((x) => typeof x !== "string" || x.length > 500))) return bad("reasons", "the version corrected and a list of reasons");
      const v = isCorrection ? correction(rec, computed.report, i.corrects as number, i.reasons ?? []) : firstReport(rec, computed.report);
      if ("ok" in v) return v;
      const at = ctx.now();
      const by = c.principal.userId as string;
      const report = { ...computed.report, total: computed.report.total.toString() };
      await tx.query(
        `INSERT INTO emission_reports (installation, year, version, plan_version, activity, report, total, total_exact, corrects, reasons, submitted_by, submitted_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
        [i.installation, i.year, v.version, plan.version, JSON.stringify(i.activity), JSON.stringify(report), computed.report.total.toString(), computed.report.totalExact,
          v.corrects?.version ?? null, JSON.stringify(v.corrects?.reasons ?? []), by, at],
      );
      return (await versionsOf(tx, i.installation, i.year)).find((x) => x.version === v.version) as ReportView;
    });
  });
}

export interface InstallationRecords {
  installation: string;
  plans: PlanView[];
  reports: ReportView[];
  estimates: Array<{ year: number; tonnes: string; method: string; reason: string; setBy: string; setAt: string }>;
}

/** An installation's plans, report versions with their verifications, and estimates (who may read it). */
export async function recordsOf(ctx: ComplianceCtx, c: Caller, installation: string, year?: number): Promise<Result<InstallationRecords>> {
  const denied = await mayRead(ctx, c.principal, installation);
  if (denied) return denied;
  const inst = await registered(ctx.db, installation);
  if (isRefusal(inst)) return inst;
  const plans = await ctx.db.query<{ version: number; valid_from: number; valid_to: number | null; plan: MonitoringPlan; submitted_by: string; submitted_at: string }>(
    "SELECT version, valid_from, valid_to, plan, submitted_by, submitted_at FROM monitoring_plans WHERE installation = $1 ORDER BY version",
    [installation],
  );
  const est = await ctx.db.query<{ year: number; tonnes: bigint; method: string; reason: string; set_by: string; set_at: string }>(
    "SELECT year, tonnes, method, reason, set_by, set_at FROM emission_estimates WHERE installation = $1 AND ($2::int IS NULL OR year = $2) ORDER BY year",
    [installation, year ?? null],
  );
  return {
    ok: true, replayed: false,
    value: {
      installation,
      plans: plans.rows.map((p) => ({ installation, version: p.version, validFrom: p.valid_from, validTo: p.valid_to, plan: p.plan, submittedBy: p.submitted_by, submittedAt: p.submitted_at })),
      reports: await versionsOf(ctx.db, installation, year ?? null),
      estimates: est.rows.map((e) => ({ year: e.year, tonnes: e.tonnes.toString(), method: e.method, reason: e.reason, setBy: e.set_by, setAt: e.set_at })),
    },
  };
}

// ---------------------------------------------------------------- estimates

export interface EstimateInput {
  commandId: string;
  installation: string;
  year: number;
  /** Whole tonnes; when absent, the rulebook's conservative estimate from verified history. */
  tonnes?: string | undefined;
  reason: string;
}

/** A conservative estimate for a year with no verified report, marked as such (administrator or authority). */
export function setEstimate(ctx: ComplianceCtx, c: Caller, i: EstimateInput): Promise<Result<{ installation: string; year: number; tonnes: string; method: string; reason: string }>> {
  return audited(ctx, c, "compliance.estimate.set", typeof i?.installation === "string" ? i.installation.slice(0, 64) : null, async () => {
    const perm = mayAdminister(c.principal);
    if (perm) return perm;
    const rb = await ctx.rules();
    if (isRefusal(rb)) return rb;
    return command(ctx, c, "estimate.set", i?.commandId, { ...i, commandId: undefined }, async (tx) => {
      const inst = await registered(tx, i.installation);
      if (isRefusal(inst)) return inst;
      if (!isYear(i.year)) return bad("year", "a reporting year");
      if (!TEXT(i.reason)) return bad("reason", "why the estimate is needed");
      const rec = await yearRecord(tx, i.installation, i.year);
      if (rec.estimate) return bad("year", `${i.installation} ${i.year} has an estimate already`);
      let tonnes: bigint;
      let method = "authority";
      if (i.tonnes !== undefined) {
        if (!/^(0|[1-9]\d{0,17})$/.test(String(i.tonnes))) return bad("tonnes", "a whole number of tonnes >= 0");
        tonnes = BigInt(i.tonnes);
      } else {
        const hist = await tx.query<{ year: number; tonnes: bigint }>(
          "SELECT DISTINCT ON (year) year, verified_total AS tonnes FROM verifications WHERE installation = $1 AND locked AND year < $2 ORDER BY year, version DESC",
          [i.installation, i.year],
        );
        const est = conservativeEstimate(mrvContext(rb), hist.rows, i.year);
        if (!est) return bad("tonnes", `the rulebook sets no estimate method usable here (no verified history); give the figure`);
        tonnes = est.tonnes;
        method = est.method;
      }
      const e = estimateRule(rec, tonnes, method, c.principal.userId as string, i.reason);
      if ("ok" in e) return e;
      await tx.query("INSERT INTO emission_estimates (installation, year, tonnes, method, reason, set_by, set_at) VALUES ($1,$2,$3,$4,$5,$6,$7)", [i.installation, i.year, tonnes.toString(), method, i.reason, e.setBy, ctx.now()]);
      return { installation: i.installation, year: i.year, tonnes: tonnes.toString(), method, reason: i.reason };
    });
  });
}

/** True when the caller may see every installation (administrators, the authority). */
export const seesAll = (c: Caller) => can(c.principal, "accounts:read-all");
