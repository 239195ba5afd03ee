// The compliance cycle (src/registry/compliance): installations registered for compliance, their
// monitoring plans and emission reports (the installation's representatives), verifiers'
// accreditations, conflict facts and estimates (administrator or authority), a verifier's
// appointments and opinions, obligations and status per period, surrender (four-eyes; the
// compliance rules run inside the writing transaction), closing a period and booking true-ups
// after verification (administrator).
// Every write takes the caller's idempotency key as `commandId`: a repeat answers 200 with the
// first result, the same key with other content 409.
import { z } from "@hono/zod-openapi";
import { roles } from "../access.ts";
import type { AppDeps, HttpConfig } from "../context.ts";
import { created, jsonSafe, unwrap } from "../problem.ts";
import { op, type Op } from "../route.ts";
import { page, PageQuery, Transaction } from "../schemas.ts";
import { decodeCursor, encodeCursor, pageOf, pageRequest, pageRequestNumber, pageWhole, parsedKey, toJson } from "../views.ts";
import { assignmentKey, parseAssignmentKey } from "../../registry/page-key.ts";
import { ComplianceService } from "../../registry/compliance/index.ts";

const ADMIN = ["national-admin"] as const;
const ADMINISTER = ["national-admin", "authority"] as const;
const REP = ["representative"] as const;
const READERS = ["national-admin", "authority", "representative", "verifier"] as const;

const CommandId = z.string().min(1).max(128).openapi({ description: "The caller's idempotency key: a repeat with the same content answers the first result", examples: ["plan-2026-01"] });
const Id = z.string().min(1).max(64);
const Year = z.number().int().min(1990).max(2200);
const Whole = z.string().regex(/^(0|[1-9]\d{0,17})$/).openapi({ description: "A whole number as a decimal string", examples: ["1000"] });
const Dec = z.string().max(40).openapi({ description: "A decimal number as a string", examples: ["0.5"] });

/** A compliance record as stored: the service's view, amounts as decimal strings. */
const record = (name: string, description: string) => z.object({}).catchall(z.unknown()).openapi(name, { description });
const Installation = record("ComplianceInstallation", "An installation registered for compliance: its operator holding account, operator, sector, product and tags");
const PlanView = record("MonitoringPlanVersion", "A version of an installation's monitoring plan");
const ReportView = record("EmissionReportVersion", "A version of an emission report with its verification (opinion, locked, verified total) when given");
const Records = record("InstallationRecords", "An installation's plans, report versions with verifications, and estimates");
const Position = record("CompliancePosition", "An installation's obligation, units counted and status for a period");
const CloseView = record("PeriodClose", "A closed period: status, penalty and carry-over of every installation, and totals");
const TrueUpView = record("TrueUp", "A booked true-up: verified output, pre-allocation delivered, final amount, the difference and the ledger transaction that moved it");
const Generic = record("ComplianceRecord", "The recorded row");
const Options = record("SurrenderOptions", "An installation's obligation and its holdings assessed for a period");

const instParam = z.object({ installation: Id.openapi({ param: { name: "installation", in: "path" }, description: "Installation id" }) });
const periodParam = z.object({ period: Id.openapi({ param: { name: "period", in: "path" }, description: "Compliance period id (a year such as 2026, or the rulebook's period id)" }) });

const RegisterBody = z.object({ commandId: CommandId, installation: Id, accountId: Id, sector: Id.optional(), product: Id.optional(), tags: z.array(Id).max(20).optional(), options: z.record(z.string(), z.string()).optional() }).strict().openapi("RegisterInstallationBody");
const TermsBody = z.object({ commandId: CommandId, period: Id, facilityCap: Whole.optional(), requiredReduction: Whole.optional() }).strict().openapi("ObligationTermsBody");
const PlanBody = z.object({ commandId: CommandId, plan: z.object({ validFrom: Year, validTo: Year.optional(), averageEmissions: Dec.optional(), sector: Id.optional(), sources: z.array(z.object({}).catchall(z.unknown())).max(200) }).strict() }).strict().openapi("MonitoringPlanBody");
const ReportBody = z
  .object({ commandId: CommandId, year: Year, activity: z.array(z.object({ source: Id, quantity: Dec }).strict()).max(200), corrects: z.number().int().min(1).optional(), reasons: z.array(z.string().max(500)).max(20).optional() })
  .strict()
  .openapi("EmissionReportBody");
const AppointBody = z.object({ commandId: CommandId, year: Year, verifier: Id }).strict().openapi("AppointVerifierBody");
const VerifyBody = z
  .object({
    commandId: CommandId, year: Year, version: z.number().int().min(1), opinion: z.enum(["positive", "qualified", "negative"]), misstatements: Dec,
    nonConformities: z.array(z.object({ material: z.boolean(), resolved: z.boolean() }).strict()).max(100).optional(), comments: z.string().max(2000).optional(),
  })
  .strict()
  .openapi("VerificationBody");
const EstimateBody = z.object({ commandId: CommandId, year: Year, tonnes: Whole.optional(), reason: z.string().min(1).max(500) }).strict().openapi("EstimateBody");
const AccreditationBody = z
  .object({ commandId: CommandId, verifier: Id, accreditationId: Id, body: z.string().min(1).max(128), standard: z.string().min(1).max(128), scopes: z.array(Id).min(1).max(50), validFrom: z.string(), expires: z.string(), status: z.enum(["active", "suspended", "withdrawn"]).optional() })
  .strict()
  .openapi("AccreditationBody");
const FactBody = z.object({ commandId: CommandId, verifier: Id, kind: z.enum(["service", "affiliation"]), operator: z.string().min(1).max(200), year: Year.optional() }).strict().openapi("VerifierFactBody");
const SurrenderBody = z.object({ commandId: CommandId, period: Id, lines: z.array(z.object({ classCode: Id, quantity: Whole }).strict()).min(1).max(100) }).strict().openapi("ComplianceSurrenderBody");
const TrueUpBody = z
  .object({
    commandId: CommandId, year: Year, verifiedOutput: z.string().regex(/^(0|[1-9]\d{0,14})(\.\d{1,9})?$/).openapi({ description: "The year's verified output (MWh for power), a decimal as a string", examples: ["1100000"] }),
    classCode: Id.optional().openapi({ description: "The allowance class; by default the one the pre-allocation was delivered in" }),
    source: Id.optional().openapi({ description: "The allocation account; by default the one that delivered the pre-allocation" }),
  })
  .strict()
  .openapi("TrueUpBody");
const CloseBody = z.object({ commandId: CommandId, price: Dec.optional() }).strict().openapi("ClosePeriodBody");

const wrote = (d: string, schema: z.ZodType) => ({ 201: { description: d, schema }, 200: { description: "A repeat of an earlier command with the same commandId: its first result", schema } });
const json = (c: { json: (b: never, s: never) => Response }, v: unknown) => c.json(jsonSafe(v) as never, 200 as never);

export function complianceOps(deps: AppDeps, _config: HttpConfig): Op[] {
  // Built on first use: the document generator lists the operations without a registry.
  let service: ComplianceService | undefined;
  const svc = new Proxy({} as ComplianceService, { get: (_t, k) => (service ??= new ComplianceService(deps.registry))[k as keyof ComplianceService] });
  const tag = "compliance";
  return [
    op({
      method: "get", path: "/v1/compliance/installations", operationId: "listComplianceInstallations", tag,
      summary: "Installations under compliance",
      description: "Installations registered for compliance, in id order: all of them for administrators and the authority, a representative's own, a verifier's appointed ones.",
      access: roles(READERS, "read", "representatives and verifiers: only their installations"), query: PageQuery,
      responses: { 200: { description: "A page of installations", schema: z.object({ items: z.array(Installation), nextCursor: z.string().nullable() }).openapi("ComplianceInstallationPage") } },
      handler: async ({ c, caller, query }) => {
        const r = unwrap(await svc.installations(caller, { after: decodeCursor(query.cursor), limit: query.limit }));
        return json(c, { items: r.items, nextCursor: r.next === null ? null : encodeCursor(r.next) });
      },
    }),
    op({
      method: "post", path: "/v1/compliance/installations", operationId: "registerInstallation", tag, errors: [409, 422],
      summary: "Register an installation for compliance",
      description: "Registers an installation with its open operator holding account (whose installation id it carries), sector, product and tags (national administrator).",
      access: roles(ADMIN, "admin"), body: RegisterBody,
      responses: wrote("The registered installation", Installation),
      handler: async ({ c, caller, body }) => created(c, await svc.registerInstallation(caller, body)),
    }),
    op({
      method: "post", path: "/v1/compliance/installations/{installation}/terms", operationId: "setObligationTerms", tag, errors: [409, 422],
      summary: "Set an installation's obligation terms for a period",
      description: "Sets the facility cap and/or required reduction of an installation for a period (Tokyo), once (national administrator).",
      access: roles(ADMIN, "admin"), params: instParam, body: TermsBody,
      responses: wrote("The terms", Generic),
      handler: async ({ c, caller, params, body }) => created(c, await svc.setTerms(caller, { ...body, installation: params.installation })),
    }),
    op({
      method: "get", path: "/v1/compliance/installations/{installation}", operationId: "getInstallationRecords", tag, errors: [404, 422],
      summary: "An installation's plans, reports and estimates",
      description: "The monitoring plan versions, every report version with its verification, and estimates of an installation (administrators, the authority, its representatives, its appointed verifier).",
      access: roles(READERS, "read", "representatives: their installations; verifiers: those they are appointed for"), params: instParam, query: z.object({ year: z.coerce.number().int().min(1990).max(2200).optional() }),
      responses: { 200: { description: "The installation's records", schema: Records } },
      handler: async ({ c, caller, params, query }) => json(c, unwrap(await svc.records(caller, params.installation, query.year))),
    }),
    op({
      method: "post", path: "/v1/compliance/installations/{installation}/plans", operationId: "submitMonitoringPlan", tag, errors: [404, 409, 422],
      summary: "Submit a monitoring plan version",
      description: "A new version of the installation's monitoring plan, checked against the rulebook's MRV rules (representative with the initiate right on the installation's account).",
      access: roles(REP, "transfer:initiate", "representative of the installation's account"), params: instParam, body: PlanBody,
      responses: wrote("The plan version", PlanView),
      handler: async ({ c, caller, params, body }) => created(c, await svc.submitPlan(caller, { commandId: body.commandId, installation: params.installation, plan: body.plan as never })),
    }),
    op({
      method: "post", path: "/v1/compliance/installations/{installation}/reports", operationId: "submitEmissionReport", tag, errors: [404, 409, 422],
      summary: "Submit an emission report or a correction",
      description: "The year's emission report computed from the plan in force and the activity data; with `corrects` and `reasons`, a correction of the current version (representative with the initiate right).",
      access: roles(REP, "transfer:initiate", "representative of the installation's account"), params: instParam, body: ReportBody,
      responses: wrote("The report version", ReportView),
      handler: async ({ c, caller, params, body }) => created(c, await svc.submitReport(caller, { ...body, installation: params.installation })),
    }),
    op({
      method: "post", path: "/v1/compliance/installations/{installation}/verifier", operationId: "appointVerifier", tag, errors: [404, 409, 422],
      summary: "Appoint the verifier of a year",
      description: "Appoints an accredited verifier for the installation's report of a year; a later appointment replaces it (representative with the initiate right).",
      access: roles(REP, "transfer:initiate", "representative of the installation's account"), params: instParam, body: AppointBody,
      responses: wrote("The appointment", Generic),
      handler: async ({ c, caller, params, body }) => created(c, await svc.appointVerifier(caller, { ...body, installation: params.installation })),
    }),
    op({
      method: "post", path: "/v1/compliance/installations/{installation}/verifications", operationId: "submitVerification", tag, errors: [404, 409, 422],
      summary: "Give a verification opinion",
      description: "The appointed verifier's opinion on a report version: accredited for the sector on the day, no conflict of interest, consistent with the misstatements. A positive or qualified opinion locks the verified emissions; a negative one never does.",
      access: roles(["verifier"], "verify", "the verifier appointed for the installation and year"), params: instParam, body: VerifyBody,
      responses: wrote("The report version with its verification", ReportView),
      handler: async ({ c, caller, params, body }) => created(c, await svc.submitVerification(caller, { ...body, installation: params.installation })),
    }),
    op({
      method: "post", path: "/v1/compliance/installations/{installation}/estimates", operationId: "setEmissionEstimate", tag, errors: [404, 409, 422],
      summary: "Set a conservative estimate",
      description: "Sets the emissions of a year without a verified report, marked as an estimate: the given tonnes, or the rulebook's conservative method on the verified history (administrator or authority).",
      access: roles(ADMINISTER, "admin"), params: instParam, body: EstimateBody,
      responses: wrote("The estimate", Generic),
      handler: async ({ c, caller, params, body }) => created(c, await svc.setEstimate(caller, { ...body, installation: params.installation })),
    }),
    op({
      method: "post", path: "/v1/compliance/accreditations", operationId: "recordAccreditation", tag, errors: [409, 422],
      summary: "Record a verifier's accreditation",
      description: "A new row of a verifier's accreditation (granted, renewed, suspended or withdrawn), with its body, standard, scopes and validity (administrator or authority).",
      access: roles(ADMINISTER, "admin"), body: AccreditationBody,
      responses: wrote("The accreditation row", Generic),
      handler: async ({ c, caller, body }) => created(c, await svc.recordAccreditation(caller, body)),
    }),
    op({
      method: "post", path: "/v1/compliance/verifier-facts", operationId: "recordVerifierFact", tag, errors: [409, 422],
      summary: "Record a conflict-of-interest fact",
      description: "Advice a verifier gave an operator in a year, or an ownership link between them: the facts the conflict rules read (administrator or authority).",
      access: roles(ADMINISTER, "admin"), body: FactBody,
      responses: wrote("The fact", Generic),
      handler: async ({ c, caller, body }) => created(c, await svc.recordVerifierFact(caller, body)),
    }),
    op({
      method: "get", path: "/v1/compliance/assignments", operationId: "listVerifierAssignments", tag,
      summary: "A verifier's assignments",
      description: "The installations and years the calling verifier is appointed for, in installation then year order, with their report versions and the opinions given; a page at a time with a cursor.",
      access: roles(["verifier"], "verify"), query: PageQuery,
      responses: { 200: { description: "A page of assignments", schema: page(Generic, "VerifierAssignments") } },
      handler: async ({ c, caller, query }) => {
        const p = pageRequest(query);
        const rows = unwrap(await svc.assignments(caller, { after: p.after === undefined ? undefined : parsedKey(p.after, parseAssignmentKey), take: p.take }));
        return json(c, pageOf(rows, p.limit, assignmentKey));
      },
    }),
    op({
      method: "get", path: "/v1/compliance/periods/{period}", operationId: "complianceStatus", tag, errors: [422],
      summary: "Status of a compliance period",
      description: "Per installation the caller may see, in id order: the obligation, the units counted by the deadline and the status (open until the deadline; then compliant, short, estimated or not-verified).",
      access: roles(READERS, "read", "representatives and verifiers: only their installations"), params: periodParam, query: PageQuery,
      responses: { 200: { description: "A page of positions", schema: z.object({ period: z.string(), deadline: z.string().nullable(), asOf: z.string(), items: z.array(Position), nextCursor: z.string().nullable() }).openapi("CompliancePeriodStatus") } },
      handler: async ({ c, caller, params, query }) => {
        const r = unwrap(await svc.status(caller, params.period, { after: decodeCursor(query.cursor), limit: query.limit }));
        return json(c, { period: r.period, deadline: r.deadline, asOf: r.asOf, items: r.items, nextCursor: r.next === null ? null : encodeCursor(r.next) });
      },
    }),
    op({
      method: "post", path: "/v1/compliance/installations/{installation}/surrenders", operationId: "surrenderForCompliance", tag, errors: [404, 409, 422],
      summary: "Surrender units for a period",
      description: "Proposes a surrender from the installation's account to the registry's surrender account for a period; a second representative approves it (approveTransaction). The compliance rules (eligible units, credit limits, the deadline where late surrender is refused, a closed period) are checked in the writing transaction, each refusal with its 92xx code.",
      access: roles(REP, "transfer:initiate", "representative of the installation's account"), params: instParam, body: SurrenderBody,
      responses: { 201: { description: "The surrender (awaiting approval)", schema: Transaction }, 200: { description: "A repeat of an earlier request with the same id: the same transaction", schema: Transaction } },
      handler: async ({ c, caller, params, body }) => {
        const r = await svc.surrender(caller, { ...body, installation: params.installation });
        const v = unwrap(r);
        return c.json(toJson(v) as never, (r.ok && r.replayed ? 200 : 201) as never);
      },
    }),
    op({
      method: "post", path: "/v1/compliance/installations/{installation}/true-ups", operationId: "bookTrueUp", tag, errors: [404, 409, 422],
      summary: "Book a true-up after verification",
      description: "For an installation whose sector allocates an ex-ante share (China's power sector): once the year's report is verified, the final amount on the verified output less the pre-allocation the ledger delivered moves through the ledger (allocation from the allocation account, or its return where the rulebook takes negative true-ups back), once per installation and year; asking again with the same output answers the booked one, another output is refused (9315) (national administrator).",
      access: roles(ADMIN, "admin"), params: instParam, body: TrueUpBody,
      responses: wrote("The booked true-up", TrueUpView),
      handler: async ({ c, caller, params, body }) => created(c, await svc.bookTrueUp(caller, { ...body, installation: params.installation })),
    }),
    op({
      method: "get", path: "/v1/compliance/installations/{installation}/true-ups", operationId: "listTrueUps", tag, errors: [422],
      summary: "An installation's booked true-ups",
      description: "The true-ups booked for an installation, in year order (administrators and the authority), a page at a time with a cursor.",
      access: roles(ADMINISTER, "read"), params: instParam, query: PageQuery,
      responses: { 200: { description: "A page of true-ups", schema: page(TrueUpView, "TrueUps") } },
      handler: async ({ c, caller, params, query }) => {
        const p = pageRequestNumber(query);
        return json(c, pageOf(unwrap(await svc.trueUps(caller, params.installation, { after: p.after, take: p.take })), p.limit, (t) => String(t.year)));
      },
    }),
    op({
      method: "post", path: "/v1/compliance/periods/{period}/close", operationId: "closeCompliancePeriod", tag, errors: [409, 422],
      summary: "Close a compliance period",
      description: "After the deadline: the status, penalty and carry-over of every registered installation, in one database transaction. A period closes once: closing it again answers the stored close and changes nothing (national administrator).",
      access: roles(ADMIN, "admin"), params: periodParam, body: CloseBody,
      responses: wrote("The close", CloseView),
      handler: async ({ c, caller, params, body }) => created(c, await svc.close(caller, { ...body, period: params.period })),
    }),
    op({
      method: "get", path: "/v1/compliance/periods/{period}/close", operationId: "getCompliancePeriodClose", tag, errors: [422],
      summary: "A closed period's results",
      description: "The stored close of a period: every installation's status, penalty and carry-over, and the totals (administrators and the authority).",
      access: roles(ADMINISTER, "read"), params: periodParam,
      responses: { 200: { description: "The close", schema: CloseView } },
      handler: async ({ c, caller, params }) => json(c, unwrap(await svc.getClose(caller, params.period))),
    }),
    op({
      method: "get", path: "/v1/compliance/accreditations", operationId: "listAccreditations", tag, errors: [422],
      summary: "A verifier's accreditations",
      description: "The current row of each accreditation of a verifier (body, standard, scopes, validity, status), in id order: a verifier its own; administrators and the authority any verifier's (`verifier`); a page at a time with a cursor.",
      access: roles(["national-admin", "authority", "verifier"], "read", "verifiers: only their own"), query: PageQuery.extend({ verifier: Id.optional().openapi({ description: "The verifier's user id (default: the caller)" }) }),
      responses: { 200: { description: "A page of accreditations", schema: page(Generic, "VerifierAccreditations") } },
      handler: async ({ c, caller, query }) => json(c, pageWhole(unwrap(await svc.accreditations(caller, query.verifier)), query, (a) => a.accreditationId)),
    }),
    op({
      method: "get", path: "/v1/compliance/installations/{installation}/surrender-options", operationId: "getSurrenderOptions", tag, errors: [404, 422],
      summary: "What an installation's holdings count for",
      description: "For a period: the obligation the surrender rules check against now, the compliance value already counted, and each class the installation's account holds with what is available and how it counts (category, exchange rate, value, the room a credit limit leaves) or the numbered rule that keeps it out. A read for deciding a surrender; the surrender itself is checked again when written (who may read the installation).",
      access: roles(READERS, "read", "representatives: their installations; verifiers: those they are appointed for"), params: instParam,
      query: z.object({ period: Id.openapi({ description: "Compliance period id" }) }),
      responses: { 200: { description: "The installation's options", schema: Options } },
      handler: async ({ c, caller, params, query }) => json(c, unwrap(await svc.surrenderOptions(caller, params.installation, query.period))),
    }),
  ];
}
