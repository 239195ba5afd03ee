// The CDM project cycle as a state machine (Decision 3/CMP.1 and 5/CMP.1): a methodology is
// approved by the Executive Board; a project is designed against it, approved in writing by the
// host's designated national authority, validated by a DOE and registered; then, for each
// monitoring period inside the crediting period, the monitoring report is verified and certified
// by a DOE, and CERs (tCERs or lCERs for afforestation and reforestation) are issued into the
// CDM registry's pending account. The share of proceeds for adaptation (the rules' rate and
// rounding; hosts in the exempt list pay none) takes the lowest serials of the issuance and goes
// to the Adaptation Fund's account; the rest is forwarded to project participants as they
// instruct, in instruction order. Every step is a pure function of the state; a refusal (103xx)
// names the current state and changes nothing.
import type { CdmRules, KyotoRules } from "../../rulebook/international.ts";
import { intlRefusal, type Outcome, ok, type Refusal } from "../codes.ts";
import { addYears, checkDate, checkParty, checkRecordId, parseUnits, previousDay, yearOf } from "../input.ts";
import { forwardBlock } from "../forwarding.ts";
import { shareOf } from "../shares.ts";
import type { KyotoBlock } from "./serial.ts";
import { periodOfYear, tcerExpiry } from "./units.ts";

export type CdmStatus = "design" | "validated" | "registered" | "rejected" | "withdrawn";
export type PeriodStatus = "reported" | "verified" | "issued" | "forwarded";

export interface CdmIssuance {
  date: string;
  unitType: "CER" | "tCER" | "lCER";
  gross: bigint;
  adaptation: bigint;
  pending: bigint;
  /** The lowest serials, to the Adaptation Fund's account; null when the share is 0. */
  adaptationBlock: KyotoBlock | null;
  /** What stays in the pending account for forwarding; null when nothing is left. */
  pendingBlock: KyotoBlock | null;
  expiry: string | null;
}

export interface Forward {
  participant: string;
  block: KyotoBlock;
}

export interface MonitoringPeriod {
  id: string;
  from: string;
  to: string;
  reported: bigint;
  status: PeriodStatus;
  verified: bigint | null;
  verifiedBy: string | null;
  issuance: CdmIssuance | null;
  forwarded: readonly Forward[] | null;
}

export interface CdmProject {
  id: string;
  /** Project number in block identifiers. */
  number: number;
  /** Host Party, ISO 3166 alpha-2. */
  host: string;
  participants: readonly string[];
  methodology: string;
  kind: "standard" | "afforestation";
  afforestationUnit: "tCER" | "lCER" | null;
  crediting: { type: "renewable" | "fixed"; start: string; renewals: number };
  hostApproval: string | null;
  status: CdmStatus;
  validatedBy: string | null;
  registeredOn: string | null;
  periods: readonly MonitoringPeriod[];
}

export interface CdmState {
  methodologies: ReadonlyMap<string, "proposed" | "approved" | "rejected">;
  projects: ReadonlyMap<string, CdmProject>;
}

export const EMPTY_CDM: CdmState = { methodologies: new Map(), projects: new Map() };

export type CdmCommand =
  | { type: "proposeMethodology"; id: string }
  | { type: "decideMethodology"; id: string; approve: boolean }
  | {
      type: "submitProject";
      id: string;
      number: number;
      host: string;
      participants: readonly string[];
      methodology: string;
      kind: "standard" | "afforestation";
      afforestationUnit?: "tCER" | "lCER";
      crediting: { type: "renewable" | "fixed"; start: string };
    }
  | { type: "approveByHost"; project: string; date: string }
  | { type: "validate"; project: string; date: string; doe: string }
  | { type: "register"; project: string; date: string }
  | { type: "rejectRegistration"; project: string; date: string }
  | { type: "withdraw"; project: string; date: string }
  | { type: "renewCrediting"; project: string; date: string }
  | { type: "reportMonitoring"; project: string; period: { id: string; from: string; to: string }; reductions: bigint | string | number }
  | { type: "verify"; project: string; periodId: string; verified: bigint | string | number; doe: string }
  | { type: "issue"; project: string; periodId: string; quantity: bigint | string | number; serialStart: bigint | string | number; date: string }
  | { type: "forward"; project: string; periodId: string; date: string; instructions: readonly { participant: string; quantity: bigint | string | number }[] };

export interface CdmRulesIn {
  cdm: CdmRules;
  kyoto: KyotoRules;
}

export interface CdmOutcome {
  state: CdmState;
  issuance?: CdmIssuance;
  forwarded?: readonly Forward[];
}

function transition(project: CdmProject, action: string, allowed: readonly CdmStatus[]): Refusal | undefined {
  if (allowed.includes(project.status)) return undefined;
  return intlRefusal("CDM_BAD_TRANSITION", `cannot ${action} project ${project.id} in state ${project.status} (allowed from: ${allowed.join(", ")})`, { project: project.id, state: project.status, action });
}

function periodTransition(project: CdmProject, p: MonitoringPeriod, action: string, from: PeriodStatus): Refusal | undefined {
  if (p.status === from) return undefined;
  return intlRefusal("CDM_BAD_TRANSITION", `cannot ${action} monitoring period ${p.id} of project ${project.id} in state ${p.status} (allowed from: ${from})`, { project: project.id, period: p.id, state: p.status, action });
}

/** The last day of the project's crediting period, with the renewals made so far. */
export function creditingEnd(p: CdmProject, rules: CdmRules): string {
  const r = rules.creditingPeriods[p.kind];
  const years = p.crediting.type === "fixed" ? r.fixedYears : r.renewableYears * (p.crediting.renewals + 1);
  return previousDay(addYears(p.crediting.start, years));
}

function withProject(s: CdmState, p: CdmProject): CdmState {
  return { ...s, projects: new Map(s.projects).set(p.id, p) };
}

function withPeriod(s: CdmState, p: CdmProject, period: MonitoringPeriod): CdmState {
  return withProject(s, { ...p, periods: p.periods.map((x) => (x.id === period.id ? period : x)) });
}

function project(s: CdmState, id: unknown): Outcome<CdmProject> {
  const p = typeof id === "string" ? s.projects.get(id) : undefined;
  return p ? ok(p) : intlRefusal("ID_UNKNOWN", `no CDM project ${String(id).slice(0, 64)}`, { field: "project" });
}

function period(p: CdmProject, id: unknown): Outcome<MonitoringPeriod> {
  const m = p.periods.find((x) => x.id === id);
  return m ? ok(m) : intlRefusal("ID_UNKNOWN", `project ${p.id} has no monitoring period ${String(id).slice(0, 64)}`, { field: "periodId" });
}

function submit(s: CdmState, c: Extract<CdmCommand, { type: "submitProject" }>): Outcome<CdmOutcome> {
  const bad =
    checkRecordId(c.id, "id") ??
    checkParty(c.host, "host", "alpha-2") ??
    checkRecordId(c.methodology, "methodology") ??
    checkDate(c.crediting?.start, "crediting.start") ??
    (c.crediting.type === "renewable" || c.crediting.type === "fixed" ? undefined : intlRefusal("FIELD_INVALID", "crediting.type: renewable or fixed", { field: "crediting.type" })) ??
    (c.kind === "standard" || c.kind === "afforestation" ? undefined : intlRefusal("FIELD_INVALID", "kind: standard or afforestation", { field: "kind" })) ??
    (Number.isInteger(c.number) && c.number > 0 && c.number < 1e12 ? undefined : intlRefusal("FIELD_INVALID", "number: must be a positive project number", { field: "number" })) ??
    (Array.isArray(c.participants) && c.participants.length > 0 ? c.participants.map((x, i) => checkRecordId(x, `participants[${i}]`)).find(Boolean) : intlRefusal("FIELD_INVALID", "participants: name at least one project participant", { field: "participants" })) ??
    (c.kind === "afforestation" && c.afforestationUnit !== "tCER" && c.afforestationUnit !== "lCER" ? intlRefusal("FIELD_INVALID", "afforestationUnit: an afforestation project chooses tCER or lCER", { field: "afforestationUnit" }) : undefined);
  if (bad) return bad;
  if (s.projects.has(c.id) || [...s.projects.values()].some((p) => p.number === c.number)) return intlRefusal("ID_EXISTS", `project ${c.id} or number ${c.number} exists`, { field: "id" });
  const p: CdmProject = {
    id: c.id,
    number: c.number,
    host: c.host,
    participants: [...c.participants],
    methodology: c.methodology,
    kind: c.kind,
    afforestationUnit: c.kind === "afforestation" ? (c.afforestationUnit ?? null) : null,
    crediting: { type: c.crediting.type, start: c.crediting.start, renewals: 0 },
    hostApproval: null,
    status: "design",
    validatedBy: null,
    registeredOn: null,
    periods: [],
  };
  return ok({ state: withProject(s, p) });
}

function validate(s: CdmState, p: CdmProject, c: Extract<CdmCommand, { type: "validate" }>): Outcome<CdmOutcome> {
  const bad = checkDate(c.date, "date") ?? checkRecordId(c.doe, "doe") ?? transition(p, "validate", ["design"]);
  if (bad) return bad;
  if (p.hostApproval === null) return intlRefusal("CDM_HOST_APPROVAL_MISSING", `project ${p.id} has no letter of approval from ${p.host}`, { project: p.id, host: p.host });
  if (s.methodologies.get(p.methodology) !== "approved") return intlRefusal("CDM_METHODOLOGY_NOT_APPROVED", `methodology ${p.methodology} is not approved`, { methodology: p.methodology, status: s.methodologies.get(p.methodology) ?? "unknown" });
  return ok({ state: withProject(s, { ...p, status: "validated", validatedBy: c.doe }) });
}

function report(s: CdmState, p: CdmProject, c: Extract<CdmCommand, { type: "reportMonitoring" }>, rules: CdmRulesIn): Outcome<CdmOutcome> {
  const q = parseUnits(c.reductions, "reductions");
  if (!q.ok) return q;
  const bad = checkRecordId(c.period?.id, "period.id") ?? checkDate(c.period.from, "period.from") ?? checkDate(c.period.to, "period.to") ?? transition(p, "report monitoring for", ["registered"]);
  if (bad) return bad;
  if (p.periods.some((x) => x.id === c.period.id)) return intlRefusal("ID_EXISTS", `monitoring period ${c.period.id} exists`, { field: "period.id" });
  const end = creditingEnd(p, rules.cdm);
  const why =
    c.period.to < c.period.from ? "ends before it starts"
    : c.period.from < p.crediting.start || c.period.to > end ? `lies outside the crediting period ${p.crediting.start} to ${end}`
    : p.periods.some((x) => x.from <= c.period.to && c.period.from <= x.to) ? "overlaps an earlier monitoring period"
    : periodOfYear(rules.kyoto.commitmentPeriods, yearOf(c.period.from))?.code !== periodOfYear(rules.kyoto.commitmentPeriods, yearOf(c.period.to))?.code ? "straddles two commitment periods (report each separately)"
    : undefined;
  if (why) return intlRefusal("CDM_PERIOD_INVALID", `monitoring period ${c.period.from} to ${c.period.to} ${why}`, { project: p.id, from: c.period.from, to: c.period.to });
  const m: MonitoringPeriod = { id: c.period.id, from: c.period.from, to: c.period.to, reported: q.value, status: "reported", verified: null, verifiedBy: null, issuance: null, forwarded: null };
  return ok({ state: withProject(s, { ...p, periods: [...p.periods, m] }) });
}

function issue(s: CdmState, p: CdmProject, m: MonitoringPeriod, c: Extract<CdmCommand, { type: "issue" }>, rules: CdmRulesIn): Outcome<CdmOutcome> {
  const q = parseUnits(c.quantity, "quantity");
  if (!q.ok) return q;
  const start = parseUnits(c.serialStart, "serialStart");
  if (!start.ok) return start;
  const bad = checkDate(c.date, "date") ?? periodTransition(p, m, "issue for", "verified");
  if (bad) return bad;
  if (q.value > (m.verified ?? 0n)) return intlRefusal("CDM_EXCEEDS_VERIFIED", `issuing ${q.value} CERs for period ${m.id}, verified ${m.verified}`, { quantity: String(q.value), verified: String(m.verified) });
  const taken = [...s.projects.values()].flatMap((x) => (x.host === p.host ? x.periods : [])).find((x) => x.issuance && x.issuance.gross > 0n && serialsOf(x.issuance).start <= start.value + q.value - 1n && start.value <= serialsOf(x.issuance).end);
  if (taken) return intlRefusal("FIELD_INVALID", `serialStart: serials ${start.value}-${start.value + q.value - 1n} overlap an earlier issuance for ${p.host}`, { field: "serialStart" });
  const cp = periodOfYear(rules.kyoto.commitmentPeriods, yearOf(m.to));
  if (!cp) return intlRefusal("RULES_MISSING", `no commitment period of the rules contains ${yearOf(m.to)}`, { rule: "kyoto.commitmentPeriods", year: yearOf(m.to) });
  const unitType = p.kind === "standard" ? "CER" : (p.afforestationUnit as "tCER" | "lCER");
  let expiry: string | null = null;
  if (unitType === "tCER") {
    const e = tcerExpiry(rules.kyoto.commitmentPeriods, cp.code);
    if (!e.ok) return e;
    expiry = e.value;
  } else if (unitType === "lCER") expiry = creditingEnd(p, rules.cdm);
  const exempt = rules.cdm.shareOfProceedsExemptHosts.includes(p.host);
  const adaptation = exempt ? 0n : shareOf(q.value, rules.cdm.shareOfProceeds);
  const code = unitType === "CER" ? 5 : unitType === "tCER" ? 6 : 7;
  const base = { party: p.host, unitType: code, supplementaryType: 0, originalPeriod: cp.code, applicablePeriod: cp.code, lulucfActivity: p.kind === "afforestation" ? 1 : 0, project: p.number, track: 0 } as const;
  const first = start.value;
  const last = first + q.value - 1n;
  const issuance: CdmIssuance = {
    date: c.date,
    unitType,
    gross: q.value,
    adaptation,
    pending: q.value - adaptation,
    adaptationBlock: adaptation > 0n ? { ...base, start: first, end: first + adaptation - 1n } : null,
    pendingBlock: adaptation < q.value ? { ...base, start: first + adaptation, end: last } : null,
    expiry,
  };
  return ok({ state: withPeriod(s, p, { ...m, status: "issued", issuance }), issuance });
}

/** Every serial of an issuance: the adaptation and pending blocks together. */
function serialsOf(i: CdmIssuance): { start: bigint; end: bigint } {
  const first = (i.adaptationBlock ?? i.pendingBlock) as KyotoBlock;
  return { start: first.start, end: first.start + i.gross - 1n };
}

function forward(s: CdmState, p: CdmProject, m: MonitoringPeriod, c: Extract<CdmCommand, { type: "forward" }>): Outcome<CdmOutcome> {
  const bad = checkDate(c.date, "date") ?? periodTransition(p, m, "forward CERs of", "issued");
  if (bad) return bad;
  const iss = m.issuance as CdmIssuance;
  const instructions = Array.isArray(c.instructions) ? c.instructions.map((x) => ({ recipient: x?.participant, quantity: x?.quantity })) : c.instructions;
  const f = forwardBlock(iss.pendingBlock, instructions, (r) => p.participants.includes(r), "CDM_FORWARDING_INVALID");
  if (!f.ok) return f;
  const pb = iss.pendingBlock as KyotoBlock;
  const out = f.value.map((x): Forward => ({ participant: x.recipient, block: { ...pb, start: x.start, end: x.end } }));
  return ok({ state: withPeriod(s, p, { ...m, status: "forwarded", forwarded: out }), forwarded: out });
}

/**
 * Applies one command of the cycle. Checks in order: the command's fields, the project and period
 * exist, the transition is allowed (10301), then the step's own rules.
 */
export function applyCdm(s: CdmState, c: CdmCommand, rules: CdmRulesIn): Outcome<CdmOutcome> {
  switch (c.type) {
    case "proposeMethodology": {
      const bad = checkRecordId(c.id, "id");
      if (bad) return bad;
      if (s.methodologies.has(c.id)) return intlRefusal("ID_EXISTS", `methodology ${c.id} exists`, { field: "id" });
      return ok({ state: { ...s, methodologies: new Map(s.methodologies).set(c.id, "proposed") } });
    }
    case "decideMethodology": {
      const st = s.methodologies.get(c.id);
      if (st === undefined) return intlRefusal("ID_UNKNOWN", `no methodology ${String(c.id).slice(0, 64)}`, { field: "id" });
      if (st !== "proposed") return intlRefusal("CDM_BAD_TRANSITION", `methodology ${c.id} is already ${st}`, { methodology: c.id, state: st, action: "decide" });
      return ok({ state: { ...s, methodologies: new Map(s.methodologies).set(c.id, c.approve ? "approved" : "rejected") } });
    }
    case "submitProject":
      return submit(s, c);
    default:
      return onProject(s, c, rules);
  }
}

function onProject(s: CdmState, c: Exclude<CdmCommand, { type: "proposeMethodology" | "decideMethodology" | "submitProject" }>, rules: CdmRulesIn): Outcome<CdmOutcome> {
  const pr = project(s, c.project);
  if (!pr.ok) return pr;
  const p = pr.value;
  switch (c.type) {
    case "approveByHost": {
      const bad = checkDate(c.date, "date") ?? transition(p, "record the host's approval of", ["design"]);
      return bad ?? ok({ state: withProject(s, { ...p, hostApproval: c.date }) });
    }
    case "validate":
      return validate(s, p, c);
    case "register": {
      const bad = checkDate(c.date, "date") ?? transition(p, "register", ["validated"]);
      return bad ?? ok({ state: withProject(s, { ...p, status: "registered", registeredOn: c.date }) });
    }
    case "rejectRegistration": {
      const bad = checkDate(c.date, "date") ?? transition(p, "reject", ["validated"]);
      return bad ?? ok({ state: withProject(s, { ...p, status: "rejected" }) });
    }
    case "withdraw": {
      const bad = checkDate(c.date, "date") ?? transition(p, "withdraw", ["design", "validated"]);
      return bad ?? ok({ state: withProject(s, { ...p, status: "withdrawn" }) });
    }
    case "renewCrediting":
      return renew(s, p, c, rules);
    case "reportMonitoring":
      return report(s, p, c, rules);
    default:
      return onPeriod(s, p, c, rules);
  }
}

function renew(s: CdmState, p: CdmProject, c: Extract<CdmCommand, { type: "renewCrediting" }>, rules: CdmRulesIn): Outcome<CdmOutcome> {
  const bad = checkDate(c.date, "date") ?? transition(p, "renew the crediting period of", ["registered"]);
  if (bad) return bad;
  const max = rules.cdm.creditingPeriods[p.kind].maxRenewals;
  if (p.crediting.type !== "renewable" || p.crediting.renewals >= max) {
    return intlRefusal("CDM_CREDITING_PERIOD_INVALID", `project ${p.id} has a ${p.crediting.type} crediting period renewed ${p.crediting.renewals} times (at most ${max} renewals of a renewable one)`, { project: p.id, renewals: p.crediting.renewals, max });
  }
  if (c.date > creditingEnd(p, rules.cdm)) return intlRefusal("CDM_CREDITING_PERIOD_INVALID", `the crediting period of ${p.id} ended on ${creditingEnd(p, rules.cdm)}`, { project: p.id, date: c.date });
  return ok({ state: withProject(s, { ...p, crediting: { ...p.crediting, renewals: p.crediting.renewals + 1 } }) });
}

function onPeriod(s: CdmState, p: CdmProject, c: Extract<CdmCommand, { type: "verify" | "issue" | "forward" }>, rules: CdmRulesIn): Outcome<CdmOutcome> {
  const mp = period(p, c.periodId);
  if (!mp.ok) return mp;
  const m = mp.value;
  switch (c.type) {
    case "verify": {
      const q = parseUnits(c.verified, "verified");
      if (!q.ok) return q;
      const bad = checkRecordId(c.doe, "doe") ?? periodTransition(p, m, "verify", "reported");
      if (bad) return bad;
      if (q.value > m.reported) return intlRefusal("CDM_EXCEEDS_VERIFIED", `verifying ${q.value} but the monitoring report claims ${m.reported}`, { verified: String(q.value), reported: String(m.reported) });
      return ok({ state: withPeriod(s, p, { ...m, status: "verified", verified: q.value, verifiedBy: c.doe }) });
    }
    case "issue":
      return issue(s, p, m, c, rules);
    case "forward":
      return forward(s, p, m, c);
  }
}
