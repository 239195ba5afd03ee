// The Joint Crediting Mechanism: Japan and each partner country set up a joint committee, which
// approves methodologies, designates third-party entities (TPEs), registers projects validated by
// a TPE and, for each monitoring period verified by a TPE, notifies both governments of the
// credits to issue. The credits are issued into the partner's registry and Japan's registry in
// the allocation the project participants agreed for the project (its weights per registry and
// holder). The split is exact: largest remainder over the entries, ties to the earlier entry of
// the project's allocation, so the parts always sum to the notified quantity.
import { largestRemainder } from "../quantity/index.ts";
import { intlRefusal, type Outcome, ok, type Refusal } from "./codes.ts";
import { checkDate, checkParty, checkRecordId, parseUnits } from "./input.ts";

export const JAPAN = "JPN";

export interface JointCommittee {
  /** Partner country, ISO 3166 alpha-3. */
  partner: string;
  established: string;
  methodologies: ReadonlyMap<string, "proposed" | "approved" | "rejected">;
  tpes: ReadonlySet<string>;
}

export interface AllocationEntry {
  registry: "partner" | "japan";
  holder: string;
  /** Relative weight (e.g. percentage points); not all zero. */
  weight: bigint;
}

export interface JcmIssuance {
  date: string;
  quantity: bigint;
  entries: readonly { registry: "partner" | "japan"; holder: string; quantity: bigint }[];
  /** Total into each registry. */
  partnerRegistry: bigint;
  japanRegistry: bigint;
}

export interface JcmPeriod {
  id: string;
  from: string;
  to: string;
  reported: bigint;
  status: "reported" | "verified" | "notified";
  verified: bigint | null;
  verifiedBy: string | null;
  issuance: JcmIssuance | null;
}

export interface JcmProject {
  id: string;
  partner: string;
  methodology: string;
  participants: readonly string[];
  allocation: readonly AllocationEntry[];
  status: "proposed" | "validated" | "registered";
  validatedBy: string | null;
  registeredOn: string | null;
  periods: readonly JcmPeriod[];
}

export interface JcmState {
  committees: ReadonlyMap<string, JointCommittee>;
  projects: ReadonlyMap<string, JcmProject>;
}

export const EMPTY_JCM: JcmState = { committees: new Map(), projects: new Map() };

type Units = bigint | string | number;

export type JcmCommand =
  | { type: "establishCommittee"; partner: string; date: string }
  | { type: "designateTpe"; partner: string; tpe: string }
  | { type: "proposeMethodology"; partner: string; id: string }
  | { type: "decideMethodology"; partner: string; id: string; approve: boolean }
  | { type: "proposeProject"; id: string; partner: string; methodology: string; participants: readonly string[]; allocation: readonly { registry: string; holder: string; weight: Units }[] }
  | { type: "validate"; project: string; tpe: string; date: string }
  | { type: "register"; project: string; date: string }
  | { type: "reportMonitoring"; project: string; period: { id: string; from: string; to: string }; reductions: Units }
  | { type: "verify"; project: string; periodId: string; tpe: string; verified: Units }
  | { type: "notifyIssuance"; project: string; periodId: string; quantity: Units; date: string };

export interface JcmOutcome {
  state: JcmState;
  issuance?: JcmIssuance;
}

/** Splits `quantity` over the allocation entries by largest remainder (ties to the earlier entry). */
export function splitIssuance(quantity: bigint, allocation: readonly AllocationEntry[], date: string): JcmIssuance {
  const parts = largestRemainder(quantity, allocation.map((a) => a.weight));
  const entries = allocation.map((a, i) => ({ registry: a.registry, holder: a.holder, quantity: parts[i] as bigint }));
  const total = (r: "partner" | "japan") => entries.filter((e) => e.registry === r).reduce((s, e) => s + e.quantity, 0n);
  return { date, quantity, entries, partnerRegistry: total("partner"), japanRegistry: total("japan") };
}

function committee(s: JcmState, partner: unknown): Outcome<JointCommittee> {
  const jc = typeof partner === "string" ? s.committees.get(partner) : undefined;
  return jc ? ok(jc) : intlRefusal("JCM_NO_JOINT_COMMITTEE", `Japan and ${String(partner).slice(0, 8)} have no joint committee`, { partner: String(partner).slice(0, 8) });
}

function withCommittee(s: JcmState, jc: JointCommittee): JcmState {
  return { ...s, committees: new Map(s.committees).set(jc.partner, jc) };
}

function withProject(s: JcmState, p: JcmProject): JcmState {
  return { ...s, projects: new Map(s.projects).set(p.id, p) };
}

function parseAllocation(raw: unknown): Outcome<AllocationEntry[]> {
  if (!Array.isArray(raw) || raw.length === 0) return intlRefusal("JCM_ALLOCATION_INVALID", "allocation: list at least one entry", { field: "allocation" });
  const out: AllocationEntry[] = [];
  for (const [i, e] of raw.entries()) {
    const f = `allocation[${i}]`;
    if (e?.registry !== "partner" && e?.registry !== "japan") return intlRefusal("JCM_ALLOCATION_INVALID", `${f}.registry: must be partner or japan`, { field: `${f}.registry` });
    const bad = checkRecordId(e.holder, `${f}.holder`);
    if (bad) return bad;
    const w = typeof e.weight === "bigint" ? e.weight : typeof e.weight === "number" && Number.isSafeInteger(e.weight) ? BigInt(e.weight) : typeof e.weight === "string" && /^\d{1,18}$/.test(e.weight) ? BigInt(e.weight) : -1n;
    if (w < 0n) return intlRefusal("JCM_ALLOCATION_INVALID", `${f}.weight: must be a whole number >= 0`, { field: `${f}.weight` });
    out.push({ registry: e.registry, holder: e.holder, weight: w });
  }
  if (out.every((e) => e.weight === 0n)) return intlRefusal("JCM_ALLOCATION_INVALID", "allocation: the weights are all zero", { field: "allocation" });
  return ok(out);
}

function transition<S extends string>(what: string, id: string, state: S, allowed: readonly S[], action: string): Refusal | undefined {
  if (allowed.includes(state)) return undefined;
  return intlRefusal("JCM_BAD_TRANSITION", `cannot ${action} ${what} ${id} in state ${state} (allowed from: ${allowed.join(", ")})`, { [what]: id, state, action });
}

function tpeCheck(jc: JointCommittee, tpe: unknown): Refusal | undefined {
  const bad = checkRecordId(tpe, "tpe");
  if (bad) return bad;
  return jc.tpes.has(tpe as string) ? undefined : intlRefusal("JCM_TPE_NOT_DESIGNATED", `${String(tpe)} is not a third-party entity designated by the ${jc.partner} joint committee`, { tpe, partner: jc.partner });
}

function onCommittee(s: JcmState, c: Extract<JcmCommand, { type: "designateTpe" | "proposeMethodology" | "decideMethodology" }>): Outcome<JcmOutcome> {
  const j = committee(s, c.partner);
  if (!j.ok) return j;
  const jc = j.value;
  if (c.type === "designateTpe") {
    const bad = checkRecordId(c.tpe, "tpe");
    return bad ?? ok({ state: withCommittee(s, { ...jc, tpes: new Set(jc.tpes).add(c.tpe) }) });
  }
  const bad = checkRecordId(c.id, "id");
  if (bad) return bad;
  const st = jc.methodologies.get(c.id);
  if (c.type === "proposeMethodology") {
    if (st !== undefined) return intlRefusal("ID_EXISTS", `methodology ${c.id} exists`, { field: "id" });
    return ok({ state: withCommittee(s, { ...jc, methodologies: new Map(jc.methodologies).set(c.id, "proposed") }) });
  }
  if (st === undefined) return intlRefusal("ID_UNKNOWN", `the ${jc.partner} joint committee has no methodology ${c.id}`, { field: "id" });
  const t = transition("methodology", c.id, st, ["proposed"], "decide");
  return t ?? ok({ state: withCommittee(s, { ...jc, methodologies: new Map(jc.methodologies).set(c.id, c.approve ? "approved" : "rejected") }) });
}

function propose(s: JcmState, c: Extract<JcmCommand, { type: "proposeProject" }>): Outcome<JcmOutcome> {
  const bad =
    checkRecordId(c.id, "id") ??
    checkRecordId(c.methodology, "methodology") ??
    (Array.isArray(c.participants) && c.participants.length > 0 ? c.participants.map((x, i) => checkRecordId(x, `participants[${i}]`)).find(Boolean) : intlRefusal("FIELD_INVALID", "participants: name at least one", { field: "participants" }));
  if (bad) return bad;
  const j = committee(s, c.partner);
  if (!j.ok) return j;
  if (s.projects.has(c.id)) return intlRefusal("ID_EXISTS", `project ${c.id} exists`, { field: "id" });
  if (j.value.methodologies.get(c.methodology) !== "approved") {
    return intlRefusal("JCM_METHODOLOGY_NOT_APPROVED", `methodology ${c.methodology} is not approved by the ${c.partner} joint committee`, { methodology: c.methodology, partner: c.partner });
  }
  const a = parseAllocation(c.allocation);
  if (!a.ok) return a;
  const p: JcmProject = { id: c.id, partner: c.partner, methodology: c.methodology, participants: [...c.participants], allocation: a.value, status: "proposed", validatedBy: null, registeredOn: null, periods: [] };
  return ok({ state: withProject(s, p) });
}

/**
 * Applies one command. Checks in order: fields, the joint committee (10401) and project exist,
 * the transition (10403), then the step's rules (10402 methodology, 10404 allocation, 10405
 * verified quantity, 10406 TPE).
 */
export function applyJcm(s: JcmState, c: JcmCommand): Outcome<JcmOutcome> {
  switch (c.type) {
    case "establishCommittee": {
      const bad = checkParty(c.partner, "partner", "alpha-3") ?? checkDate(c.date, "date");
      if (bad) return bad;
      if (c.partner === JAPAN) return intlRefusal("FIELD_INVALID", "partner: Japan is one side of every joint committee; name the partner country", { field: "partner" });
      if (s.committees.has(c.partner)) return intlRefusal("ID_EXISTS", `the ${c.partner} joint committee exists`, { field: "partner" });
      return ok({ state: withCommittee(s, { partner: c.partner, established: c.date, methodologies: new Map(), tpes: new Set() }) });
    }
    case "designateTpe":
    case "proposeMethodology":
    case "decideMethodology":
      return onCommittee(s, c);
    case "proposeProject":
      return propose(s, c);
    default:
      return onProject(s, c);
  }
}

function onProject(s: JcmState, c: Exclude<JcmCommand, { type: "establishCommittee" | "designateTpe" | "proposeMethodology" | "decideMethodology" | "proposeProject" }>): Outcome<JcmOutcome> {
  const p = typeof c.project === "string" ? s.projects.get(c.project) : undefined;
  if (!p) return intlRefusal("ID_UNKNOWN", `no JCM project ${String(c.project).slice(0, 64)}`, { field: "project" });
  const jc = s.committees.get(p.partner) as JointCommittee;
  switch (c.type) {
    case "validate": {
      const bad = checkDate(c.date, "date") ?? transition("project", p.id, p.status, ["proposed"], "validate") ?? tpeCheck(jc, c.tpe);
      return bad ?? ok({ state: withProject(s, { ...p, status: "validated", validatedBy: c.tpe }) });
    }
    case "register": {
      const bad = checkDate(c.date, "date") ?? transition("project", p.id, p.status, ["validated"], "register");
      return bad ?? ok({ state: withProject(s, { ...p, status: "registered", registeredOn: c.date }) });
    }
    case "reportMonitoring": {
      const q = parseUnits(c.reductions, "reductions");
      if (!q.ok) return q;
      const bad = checkRecordId(c.period?.id, "period.id") ?? checkDate(c.period.from, "period.from") ?? checkDate(c.period.to, "period.to") ?? transition("project", p.id, p.status, ["registered"], "report monitoring for");
      if (bad) return bad;
      if (c.period.to < c.period.from) return intlRefusal("FIELD_INVALID", "period.to: ends before it starts", { field: "period.to" });
      if (p.periods.some((x) => x.id === c.period.id || (x.from <= c.period.to && c.period.from <= x.to))) return intlRefusal("ID_EXISTS", `monitoring period ${c.period.id} exists or overlaps an earlier one`, { field: "period" });
      const m: JcmPeriod = { id: c.period.id, from: c.period.from, to: c.period.to, reported: q.value, status: "reported", verified: null, verifiedBy: null, issuance: null };
      return ok({ state: withProject(s, { ...p, periods: [...p.periods, m] }) });
    }
    default:
      return onPeriod(s, p, jc, c);
  }
}

function onPeriod(s: JcmState, p: JcmProject, jc: JointCommittee, c: Extract<JcmCommand, { type: "verify" | "notifyIssuance" }>): Outcome<JcmOutcome> {
  const m = p.periods.find((x) => x.id === c.periodId);
  if (!m) return intlRefusal("ID_UNKNOWN", `project ${p.id} has no monitoring period ${String(c.periodId).slice(0, 64)}`, { field: "periodId" });
  const put = (x: JcmPeriod) => withProject(s, { ...p, periods: p.periods.map((y) => (y.id === x.id ? x : y)) });
  if (c.type === "verify") {
    const q = parseUnits(c.verified, "verified");
    if (!q.ok) return q;
    const bad = transition("period", m.id, m.status, ["reported"], "verify") ?? tpeCheck(jc, c.tpe);
    if (bad) return bad;
    if (q.value > m.reported) return intlRefusal("JCM_EXCEEDS_VERIFIED", `verifying ${q.value} but the monitoring report claims ${m.reported}`, { verified: String(q.value), reported: String(m.reported) });
    return ok({ state: put({ ...m, status: "verified", verified: q.value, verifiedBy: c.tpe }) });
  }
  const q = parseUnits(c.quantity, "quantity");
  if (!q.ok) return q;
  const bad = checkDate(c.date, "date") ?? transition("period", m.id, m.status, ["verified"], "notify issuance for");
  if (bad) return bad;
  if (q.value > (m.verified ?? 0n)) return intlRefusal("JCM_EXCEEDS_VERIFIED", `notifying ${q.value} credits but ${m.verified} were verified`, { quantity: String(q.value), verified: String(m.verified) });
  const issuance = splitIssuance(q.value, p.allocation, c.date);
  return ok({ state: put({ ...m, status: "notified", issuance }), issuance });
}
