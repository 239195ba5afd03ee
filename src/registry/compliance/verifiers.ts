// Verifiers in the registry, the other half of MRV beside mrv.ts (plans, reports, estimates): an
// administrator or the authority records verifiers' accreditations (a suspension or withdrawal is
// a new row) and the facts that make conflicts of interest; the installation's representative
// appoints a verifier for a year; the appointed verifier gives its opinion on a report version,
// decided by the MRV domain (accreditation valid and in scope, no conflict, the opinion consistent
// with the misstatements): a positive or qualified opinion locks the version's total as the
// verified emissions, a negative one never does. Every row is appended; nothing is updated in place.
import { complianceRefusal, type Refusal } from "../../domain/compliance/codes.ts";
import { mrvContext } from "../../domain/mrv/plan.ts";
import { type Accreditation, type Opinion, type VerifierRecords, verifyReport } from "../../domain/mrv/verification.ts";
import type { Caller } from "../../domain/security/roles.ts";
import type { Sql } from "../../store/db.ts";
import { audited, command, type ComplianceCtx, isRefusal, mayActFor, mayAdminister, requirePermission, type Result } from "./context.ts";
import { localDay } from "./hook.ts";
import { bad, dateText, ISO_DATE, isYear, planFor, registered, type ReportView, TEXT, versionsOf, yearRecord } from "./mrv.ts";

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

/**
 * The report versions of installations the verifier is appointed for, awaiting its opinion or given
 * it, by installation then year; with a page, those after `after` (the last shown), at most `take`.
 */
export async function assignments(ctx: ComplianceCtx, c: Caller, page: { after?: { installation: string; year: number } | undefined; take?: number | undefined } = {}): Promise<Result<Array<{ installation: string; year: number; reports: ReportView[] }>>> {
  const perm = requirePermission(c.principal, "verification:submit");
  if (perm) return perm;
  const me = c.principal.userId as string;
  const r = await ctx.db.query<{ installation: string; year: number }>(
    `SELECT a.installation, a.year FROM verifier_appointments a WHERE a.verifier = $1
       AND a.seq = (SELECT max(b.seq) FROM verifier_appointments b WHERE b.installation = a.installation AND b.year = a.year)
       AND ($2::text IS NULL OR (a.installation, a.year) > ($2::text, $3::int)) ORDER BY a.installation, a.year LIMIT $4`,
    [me, page.after?.installation ?? null, page.after?.year ?? null, page.take ?? null],
  );
  const out: Array<{ installation: string; year: number; reports: ReportView[] }> = [];
  for (const x of r.rows) out.push({ ...x, reports: await versionsOf(ctx.db, x.installation, x.year) });
  return { ok: true, value: out, replayed: false };
}
