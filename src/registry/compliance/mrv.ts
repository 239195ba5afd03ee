// Monitoring, reporting and verification in the registry: an installation's representative
// submits its monitoring plan and each year's emission report (a correction is a new version with
// reasons); an administrator records verifiers' accreditations and the facts that make conflicts
// of interest; the representative appoints a verifier for a year; the appointed verifier gives its
// opinion (the MRV domain decides: accreditation, scope, conflicts, materiality); a positive or
// qualified opinion locks the report's total as the verified emissions, a negative one never does;
// an administrator sets a conservative estimate, marked as such, where no verified report exists.
// Every row is appended; nothing is updated in place.
import { complianceRefusal, type Refusal } from "../../domain/compliance/codes.ts";
import { conservativeEstimate, type ReportVersion, setEstimate as estimateRule, type YearRecord, correction, firstReport } from "../../domain/mrv/records.ts";
import { type MonitoringPlan, mrvContext, SOURCE_KINDS, validatePlan } from "../../domain/mrv/plan.ts";
import { computeReport, type EmissionReport, type ActivityEntry } from "../../domain/mrv/report.ts";
import { type Accreditation, type Opinion, type VerifierRecords, verifyReport } from "../../domain/mrv/verification.ts";
import { type Caller, can } from "../../domain/security/roles.ts";
import type { Sql } from "../../store/db.ts";
import { audited, command, type ComplianceCtx, isRefusal, mayActFor, mayAdminister, mayRead, requirePermission, type Result } from "./context.ts";
import { localDay } from "./hook.ts";
import { getInstallation } from "./store.ts";

const bad = (field: string, why: string) => complianceRefusal("INPUT_INVALID", `${field}: ${why}`, { field });
const isYear = (y: unknown): y is number => Number.isInteger(y) && (y as number) >= 1990 && (y as number) <= 2200;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const TEXT = (v: unknown, max = 500) => typeof v === "string" && v.trim() !== "" && v.length <= max;

async function registered(tx: Sql, installation: unknown) {
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
async function planFor(tx: Sql, installation: string, year: number): Promise<MonitoringPlan | undefined> {
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

const dateText = (d: unknown): string => (d instanceof Date ? d.toISOString().slice(0, 10) : String(d).slice(0, 10));

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

async function versionsOf(sql: Sql, installation: string, year: number | null): Promise<ReportView[]> {
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
async function yearRecord(sql: Sql, installation: string, year: number): Promise<YearRecord> {
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

// ---------------------------------------------------------------- verifiers

export interface AccreditationInput {
  commandId: string;
  verifier: string;
  accreditationId: string;
  body: string;
  standard: string;
  scopes: string[];
  validFrom: string;
  expires: string;
  status?: Accreditation["status"] | undefined;
}

/** Records (a new row of) a verifier's accreditation: granted, renewed, suspended or withdrawn (administrator or authority). */
export function recordAccreditation(ctx: ComplianceCtx, c: Caller, i: AccreditationInput): Promise<Result<Accreditation & { accreditationId: string; seq: number }>> {
  return audited(ctx, c, "compliance.accreditation.record", typeof i?.verifier === "string" ? i.verifier.slice(0, 64) : null, async () => {
    const perm = mayAdminister(c.principal);
    if (perm) return perm;
    return command(ctx, c, "accreditation.record", i?.commandId, { ...i, commandId: undefined }, async (tx) => {
      for (const f of ["verifier", "accreditationId", "body", "standard"] as const) if (!TEXT(i[f], 128)) return bad(f, "a non-empty text");
      if (!Array.isArray(i.scopes) || i.scopes.length === 0 || i.scopes.some((s) => !TEXT(s, 64))) return bad("scopes", "a list of sector ids, or [\"*\"]");
      if (!ISO_DATE.test(String(i.validFrom))) return bad("validFrom", "YYYY-MM-DD");
      if (!ISO_DATE.test(String(i.expires)) || i.expires < i.validFrom) return bad("expires", "YYYY-MM-DD, not before validFrom");
      const status = i.status ?? "active";
      if (!["active", "suspended", "withdrawn"].includes(status)) return bad("status", "active, suspended or withdrawn");
      const n = await tx.query<{ n: number | null }>("SELECT max(seq) AS n FROM verifier_accreditations WHERE verifier = $1 AND accreditation_id = $2", [i.verifier, i.accreditationId]);
      const seq = (n.rows[0]?.n ?? 0) + 1;
      await tx.query(
        "INSERT INTO verifier_accreditations (verifier, accreditation_id, seq, body, standard, scopes, valid_from, expires, status, recorded_by, recorded_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
        [i.verifier, i.accreditationId, seq, i.body, i.standard, i.scopes, i.validFrom, i.expires, status, c.principal.userId, ctx.now()],
      );
      return { verifier: i.verifier, accreditationId: i.accreditationId, seq, body: i.body, standard: i.standard, scopes: i.scopes, validFrom: i.validFrom, expires: i.expires, status };
    });
  });
}

export interface FactInput {
  commandId: string;
  verifier: string;
  kind: "service" | "affiliation";
  operator: string;
  year?: number | undefined;
}

/** Records a fact that makes a conflict of interest: advice a verifier gave an operator in a year, or an ownership link (administrator or authority). */
export function recordVerifierFact(ctx: ComplianceCtx, c: Caller, i: FactInput): Promise<Result<FactInput>> {
  return audited(ctx, c, "compliance.verifier-fact.record", typeof i?.verifier === "string" ? i.verifier.slice(0, 64) : null, async () => {
    const perm = mayAdminister(c.principal);
    if (perm) return perm;
    return command(ctx, c, "verifier-fact.record", i?.commandId, { ...i, commandId: undefined }, async (tx) => {
      if (!TEXT(i.verifier, 128)) return bad("verifier", "a verifier's user id");
      if (!TEXT(i.operator, 200)) return bad("operator", "the operator (holder of the installation's account)");
      if (i.kind !== "service" && i.kind !== "affiliation") return bad("kind", "service or affiliation");
      if ((i.kind === "service") !== (i.year !== undefined) || (i.year !== undefined && !isYear(i.year))) return bad("year", "the year of the service (services only)");
      await tx.query("INSERT INTO verifier_facts (verifier, kind, operator, year, recorded_by, recorded_at) VALUES ($1,$2,$3,$4,$5,$6)", [i.verifier, i.kind, i.operator, i.year ?? null, c.principal.userId, ctx.now()]);
      return { commandId: i.commandId, verifier: i.verifier, kind: i.kind, operator: i.operator, ...(i.year === undefined ? {} : { year: i.year }) };
    });
  });
}

async function verifierRecords(sql: Sql, verifier: string): Promise<VerifierRecords> {
  const acc = await sql.query<{ body: string; standard: string; scopes: string[]; valid_from: unknown; expires: unknown; status: Accreditation["status"] }>(
    `SELECT a.body, a.standard, a.scopes, a.valid_from, a.expires, a.status FROM verifier_accreditations a
     WHERE a.verifier = $1 AND a.seq = (SELECT max(b.seq) FROM verifier_accreditations b WHERE b.verifier = a.verifier AND b.accreditation_id = a.accreditation_id)`,
    [verifier],
  );
  const hist = await sql.query<{ installation: string; year: number }>("SELECT DISTINCT installation, year FROM verifications WHERE verifier = $1 AND locked", [verifier]);
  const facts = await sql.query<{ kind: string; operator: string; year: number | null }>("SELECT kind, operator, year FROM verifier_facts WHERE verifier = $1", [verifier]);
  return {
    accreditations: acc.rows.map((a) => ({ verifier, body: a.body, standard: a.standard, scopes: a.scopes, validFrom: dateText(a.valid_from), expires: dateText(a.expires), status: a.status })),
    history: hist.rows.map((h) => ({ verifier, installation: h.installation, year: h.year })),
    services: facts.rows.filter((f) => f.kind === "service").map((f) => ({ verifier, operator: f.operator, year: f.year as number })),
    affiliations: facts.rows.filter((f) => f.kind === "affiliation").map((f) => ({ verifier, operator: f.operator })),
  };
}

export interface AppointInput {
  commandId: string;
  installation: string;
  year: number;
  verifier: string;
}

/** The installation's representative appoints an accredited verifier for a year (a later appointment replaces it). */
export function appointVerifier(ctx: ComplianceCtx, c: Caller, i: AppointInput): Promise<Result<{ installation: string; year: number; verifier: string; seq: number }>> {
  return audited(ctx, c, "compliance.verifier.appoint", typeof i?.installation === "string" ? i.installation.slice(0, 64) : null, async () => {
    const who = await mayActFor(ctx, c.principal, String(i?.installation));
    if (who) return who;
    const rb = await ctx.rules();
    if (isRefusal(rb)) return rb;
    return command(ctx, c, "verifier.appoint", i?.commandId, { ...i, commandId: undefined }, async (tx) => {
      const inst = await registered(tx, i.installation);
      if (isRefusal(inst)) return inst;
      if (!isYear(i.year)) return bad("year", "a reporting year");
      if (!TEXT(i.verifier, 128)) return bad("verifier", "a verifier's user id");
      const recs = await verifierRecords(tx, i.verifier);
      if (recs.accreditations.length === 0) return complianceRefusal("VERIFIER_NOT_ACCREDITED", `verifier ${i.verifier} has no accreditation record`, { verifier: i.verifier });
      const n = await tx.query<{ n: number | null }>("SELECT max(seq) AS n FROM verifier_appointments WHERE installation = $1 AND year = $2", [i.installation, i.year]);
      const seq = (n.rows[0]?.n ?? 0) + 1;
      await tx.query("INSERT INTO verifier_appointments (installation, year, seq, verifier, appointed_by, appointed_at) VALUES ($1,$2,$3,$4,$5,$6)", [i.installation, i.year, seq, i.verifier, c.principal.userId, ctx.now()]);
      return { installation: i.installation, year: i.year, verifier: i.verifier, seq };
    });
  });
}

export interface VerifyInput {
  commandId: string;
  installation: string;
  year: number;
  version: number;
  opinion: Opinion;
  misstatements: string;
  nonConformities?: Array<{ material: boolean; resolved: boolean }> | undefined;
  comments?: string | undefined;
}

/**
 * The appointed verifier's opinion on a report version, decided by the MRV domain (accreditation
 * valid on the day and covering the sector, no conflict of interest, the opinion consistent with
 * the misstatements). A positive or qualified opinion locks the version's total; a negative one
 * never does (and the database refuses a locked negative opinion).
 */
export function submitVerification(ctx: ComplianceCtx, c: Caller, i: VerifyInput): Promise<Result<ReportView>> {
  return audited(ctx, c, "compliance.verification.submit", typeof i?.installation === "string" ? i.installation.slice(0, 64) : null, async () => {
    const perm = requirePermission(c.principal, "verification:submit");
    if (perm) return perm;
    const rb = await ctx.rules();
    if (isRefusal(rb)) return rb;
    return command(ctx, c, "verification.submit", i?.commandId, { ...i, commandId: undefined }, async (tx): Promise<ReportView | Refusal> => {
      const inst = await registered(tx, i.installation);
      if (isRefusal(inst)) return inst;
      if (!isYear(i.year)) return bad("year", "a reporting year");
      if (!Number.isInteger(i.version) || i.version < 1) return bad("version", "the report version verified (1, 2, ...)");
      if (i.comments !== undefined && (typeof i.comments !== "string" || i.comments.length > 2000)) return bad("comments", "up to 2,000 characters");
      if (i.nonConformities !== undefined && (!Array.isArray(i.nonConformities) || i.nonConformities.length > 100 || i.nonConformities.some((n) => typeof n !== "object" || n === null || typeof n.material !== "boolean" || typeof n.resolved !== "boolean")))
        return bad("nonConformities", "a list of { material, resolved } (booleans)");
      const verifier = c.principal.userId as string;
      const a = await tx.query<{ verifier: string }>("SELECT verifier FROM verifier_appointments WHERE installation = $1 AND year = $2 ORDER BY seq DESC LIMIT 1", [i.installation, i.year]);
      if (a.rows[0]?.verifier !== verifier) return complianceRefusal("VERIFIER_NOT_APPOINTED", `you are not the verifier appointed for ${i.installation} ${i.year}`, { installation: i.installation, year: i.year, verifier });
      const rec = await yearRecord(tx, i.installation, i.year);
      const version = rec.versions.find((v) => v.version === i.version);
      if (!version) return complianceRefusal("REPORT_NOT_FOUND", `${i.installation} has no report version ${i.version} for ${i.year}`, { installation: i.installation, year: i.year, version: i.version });
      const ctxMrv = mrvContext(rb);
      const plan = await planFor(tx, i.installation, i.year);
      const sector = inst.sector ?? plan?.sector ?? "unspecified";
      const date = localDay(rb, ctx.now());
      const verdict = verifyReport(ctxMrv, await verifierRecords(tx, verifier), {
        report: version.report, version: i.version, operator: inst.operator, sector, verifier, date, opinion: i.opinion, misstatements: i.misstatements,
        ...(i.nonConformities === undefined ? {} : { nonConformities: i.nonConformities }), ...(i.comments === undefined ? {} : { comments: i.comments }),
      }, rec.versions.filter((v) => v.verification !== undefined).map((v) => v.version));
      if (!verdict.ok) return verdict;
      const v = verdict.verification;
      await tx.query(
        `INSERT INTO verifications (installation, year, version, verifier, opinion_date, opinion, locked, verified_total, materiality_level, misstatement_share, misstatements, comments, recorded_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
        [i.installation, i.year, i.version, verifier, v.date, v.opinion, v.locked, v.verifiedTotal?.toString() ?? null, v.materialityLevel, v.misstatementShare, String(i.misstatements), v.comments ?? null, ctx.now()],
      );
      return (await versionsOf(tx, i.installation, i.year)).find((x) => x.version === i.version) as ReportView;
    });
  });
}

/** The report versions of installations the verifier is appointed for, awaiting its opinion or given it. */
export async function assignments(ctx: ComplianceCtx, c: Caller): Promise<Result<Array<{ installation: string; year: number; reports: ReportView[] }>>> {
  const perm = requirePermission(c.principal, "verification:submit");
  if (perm) return perm;
  const me = c.principal.userId as string;
  const r = await ctx.db.query<{ installation: string; year: number }>(
    `SELECT a.installation, a.year FROM verifier_appointments a WHERE a.verifier = $1
       AND a.seq = (SELECT max(b.seq) FROM verifier_appointments b WHERE b.installation = a.installation AND b.year = a.year) ORDER BY a.installation, a.year LIMIT 500`,
    [me],
  );
  const out: Array<{ installation: string; year: number; reports: ReportView[] }> = [];
  for (const x of r.rows) out.push({ ...x, reports: await versionsOf(ctx.db, x.installation, x.year) });
  return { ok: true, value: out, replayed: false };
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
