// The Article 6.4 mechanism registry (Decision 3/CMA.3 and the Supervisory Body's standards):
// A6.4ERs of a registered activity are issued into the mechanism's pending account; at issuance
// the share of proceeds for adaptation goes to the Adaptation Fund's account and the share for
// overall mitigation in global emissions (OMGE) is cancelled, both computed on the gross issuance
// with the rules' rounding; a removal activity also puts its buffer contribution (by its reversal
// risk rating) into the reversal risk buffer pool. The rest is forwarded as instructed. Serials
// of an issuance are laid out in that order: adaptation (lowest), OMGE, buffer, then what is
// forwarded. A reversal reported within the activity's monitoring period cancels buffer units
// (oldest first); an avoidable reversal also obliges the participants to replace what was lost.
// When the host authorizes forwarded A6.4ERs they become ITMOs: `toArticle6` gives the Article 6
// book's commands, with the A6.4ERs as the underlying units. Corresponding adjustments thus apply
// only after the share of proceeds is deducted.
import type { A64Rules } from "../rulebook/international.ts";
import type { A6Command } from "./article6/types.ts";
import { intlRefusal, type Outcome, ok, type Refusal } from "./codes.ts";
import { forwardBlock } from "./forwarding.ts";
import { addYears, checkDate, checkParty, checkRecordId, checkYear, parseUnits } from "./input.ts";
import { deduct, type ShareRule } from "./shares.ts";

export interface A64Activity {
  id: string;
  /** Host Party, ISO 3166 alpha-3. */
  host: string;
  kind: "reduction" | "removal";
  /** Reversal risk rating of a removal activity (a key of the rules' bufferByRiskRating). */
  riskRating: string | null;
  /** Last day of the activity's last crediting period. */
  creditingEnd: string;
}

export interface Run {
  start: bigint;
  end: bigint;
}

export interface A64Issuance {
  id: string;
  activity: string;
  date: string;
  vintage: number;
  gross: bigint;
  /** Every serial of the issuance. */
  serials: Run;
  adaptation: Run | null;
  omge: Run | null;
  buffer: Run | null;
  /** What the pending account holds for forwarding; null when nothing is left. */
  pending: Run | null;
  forwarded: readonly { recipient: string; start: bigint; end: bigint }[] | null;
}

export interface Reversal {
  id: string;
  activity: string;
  date: string;
  quantity: bigint;
  avoidable: boolean;
  /** Buffer pool runs cancelled for it. */
  cancelled: readonly (Run & { issuance: string })[];
  /** Units the participants must replace into the buffer (avoidable reversals). */
  remediationOwed: bigint;
  /** Reversed units the pool could not cover. */
  shortfall: bigint;
}

export interface A64State {
  activities: ReadonlyMap<string, A64Activity>;
  issuances: ReadonlyMap<string, A64Issuance>;
  /** Buffer pool holdings, oldest issuance first. */
  pool: readonly (Run & { issuance: string })[];
  reversals: readonly Reversal[];
}

export const EMPTY_A64: A64State = { activities: new Map(), issuances: new Map(), pool: [], reversals: [] };

type Units = bigint | string | number;

export type A64Command =
  | { type: "registerActivity"; id: string; host: string; kind: "reduction" | "removal"; riskRating?: string; creditingEnd: string }
  | { type: "issue"; id: string; activity: string; date: string; vintage: number; quantity: Units; serialStart: Units }
  | { type: "forward"; issuance: string; date: string; instructions: readonly { recipient: string; quantity: Units }[] }
  | { type: "reportReversal"; id: string; activity: string; date: string; quantity: Units; avoidable: boolean };

const size = (r: Run) => r.end - r.start + 1n;

function run(start: bigint, n: bigint): Run | null {
  return n > 0n ? { start, end: start + n - 1n } : null;
}

function register(s: A64State, c: Extract<A64Command, { type: "registerActivity" }>, rules: A64Rules): Outcome<A64State> {
  const bad = checkRecordId(c.id, "id") ?? checkParty(c.host, "host", "alpha-3") ?? checkDate(c.creditingEnd, "creditingEnd") ?? (c.kind === "reduction" || c.kind === "removal" ? undefined : intlRefusal("FIELD_INVALID", "kind: reduction or removal", { field: "kind" }));
  if (bad) return bad;
  if (s.activities.has(c.id)) return intlRefusal("ID_EXISTS", `activity ${c.id} is registered`, { field: "id" });
  if (c.kind === "reduction" && c.riskRating !== undefined) return intlRefusal("A64_NOT_REMOVAL", "only removal activities have a reversal risk rating", { field: "riskRating" });
  if (c.kind === "removal") {
    if (!rules.removals) return intlRefusal("RULES_MISSING", "the rules give no buffer contributions for removals", { rule: "a64.removals" });
    if (c.riskRating === undefined || !Object.hasOwn(rules.removals.bufferByRiskRating, c.riskRating)) {
      return intlRefusal("RULES_MISSING", `no buffer contribution for risk rating ${String(c.riskRating)} (rules: ${Object.keys(rules.removals.bufferByRiskRating).join(", ")})`, { rule: "a64.removals.bufferByRiskRating", rating: String(c.riskRating) });
    }
  }
  const a: A64Activity = { id: c.id, host: c.host, kind: c.kind, riskRating: c.riskRating ?? null, creditingEnd: c.creditingEnd };
  return ok({ ...s, activities: new Map(s.activities).set(a.id, a) });
}

/** Issuance into the pending account. Order: fields, the activity registered (10801), the serials unused, then the deductions. */
function issue(s: A64State, c: Extract<A64Command, { type: "issue" }>, rules: A64Rules): Outcome<{ state: A64State; issuance: A64Issuance }> {
  const q = parseUnits(c.quantity, "quantity");
  if (!q.ok) return q;
  const first = parseUnits(c.serialStart, "serialStart");
  if (!first.ok) return first;
  const bad = checkRecordId(c.id, "id") ?? checkDate(c.date, "date") ?? checkYear(c.vintage, "vintage");
  if (bad) return bad;
  if (s.issuances.has(c.id)) return intlRefusal("ID_EXISTS", `issuance ${c.id} exists`, { field: "id" });
  const act = typeof c.activity === "string" ? s.activities.get(c.activity) : undefined;
  if (!act) return intlRefusal("A64_ACTIVITY_NOT_REGISTERED", `activity ${String(c.activity).slice(0, 64)} is not registered`, { activity: String(c.activity).slice(0, 64) });
  const last = first.value + q.value - 1n;
  if ([...s.issuances.values()].some((i) => i.serials.start <= last && first.value <= i.serials.end)) {
    return intlRefusal("FIELD_INVALID", `serialStart: serials ${first.value}-${last} overlap an earlier issuance`, { field: "serialStart" });
  }
  const shares: Record<"adaptation" | "omge" | "buffer", ShareRule> = { adaptation: rules.shareOfProceeds, omge: rules.omge, buffer: { rate: 0, rounding: "floor" } };
  if (act.kind === "removal") shares.buffer = (rules.removals?.bufferByRiskRating[act.riskRating as string] as ShareRule | undefined) ?? shares.buffer;
  const d = deduct(q.value, shares);
  let next = first.value;
  const take = (n: bigint) => {
    const r = run(next, n);
    next += n;
    return r;
  };
  const issuance: A64Issuance = { id: c.id, activity: act.id, date: c.date, vintage: c.vintage, gross: q.value, serials: { start: first.value, end: last }, adaptation: take(d.shares.adaptation), omge: take(d.shares.omge), buffer: take(d.shares.buffer), pending: take(d.remainder), forwarded: null };
  const pool = issuance.buffer ? [...s.pool, { ...issuance.buffer, issuance: c.id }] : s.pool;
  return ok({ state: { ...s, issuances: new Map(s.issuances).set(c.id, issuance), pool }, issuance });
}

function forward(s: A64State, c: Extract<A64Command, { type: "forward" }>): Outcome<A64State> {
  const bad = checkDate(c.date, "date");
  if (bad) return bad;
  const iss = typeof c.issuance === "string" ? s.issuances.get(c.issuance) : undefined;
  if (!iss) return intlRefusal("ID_UNKNOWN", `no issuance ${String(c.issuance).slice(0, 64)}`, { field: "issuance" });
  if (iss.forwarded !== null) return intlRefusal("A64_ALREADY_DISTRIBUTED", `issuance ${iss.id} was forwarded`, { issuance: iss.id });
  const f = forwardBlock(iss.pending, c.instructions, (r) => checkRecordId(r, "recipient") === undefined, "A64_FORWARDING_INVALID");
  if (!f.ok) return f;
  return ok({ ...s, issuances: new Map(s.issuances).set(iss.id, { ...iss, forwarded: f.value }) });
}

function reversal(s: A64State, c: Extract<A64Command, { type: "reportReversal" }>, rules: A64Rules): Outcome<{ state: A64State; reversal: Reversal }> {
  const q = parseUnits(c.quantity, "quantity");
  if (!q.ok) return q;
  const bad = checkRecordId(c.id, "id") ?? checkDate(c.date, "date") ?? (typeof c.avoidable === "boolean" ? undefined : intlRefusal("FIELD_INVALID", "avoidable: true or false", { field: "avoidable" }));
  if (bad) return bad;
  if (s.reversals.some((r) => r.id === c.id)) return intlRefusal("ID_EXISTS", `reversal ${c.id} exists`, { field: "id" });
  const act = typeof c.activity === "string" ? s.activities.get(c.activity) : undefined;
  if (!act) return intlRefusal("A64_ACTIVITY_NOT_REGISTERED", `activity ${String(c.activity).slice(0, 64)} is not registered`, { activity: String(c.activity).slice(0, 64) });
  if (act.kind !== "removal") return intlRefusal("A64_NOT_REMOVAL", `activity ${act.id} is not a removal activity`, { activity: act.id });
  const monitoredUntil = addYears(act.creditingEnd, rules.removals?.monitoringYearsAfterCrediting ?? 0);
  if (c.date > monitoredUntil) return intlRefusal("A64_REVERSAL_INVALID", `activity ${act.id} was monitored until ${monitoredUntil}`, { activity: act.id, monitoredUntil, date: c.date });
  const cancelled: (Run & { issuance: string })[] = [];
  const pool: (Run & { issuance: string })[] = [];
  let left = q.value;
  for (const p of s.pool) {
    if (left === 0n) {
      pool.push(p);
      continue;
    }
    const n = size(p) < left ? size(p) : left;
    cancelled.push({ issuance: p.issuance, start: p.start, end: p.start + n - 1n });
    if (n < size(p)) pool.push({ issuance: p.issuance, start: p.start + n, end: p.end });
    left -= n;
  }
  const r: Reversal = { id: c.id, activity: act.id, date: c.date, quantity: q.value, avoidable: c.avoidable, cancelled, remediationOwed: c.avoidable ? q.value : 0n, shortfall: left };
  return ok({ state: { ...s, pool, reversals: [...s.reversals, r] }, reversal: r });
}

export interface A64Outcome {
  state: A64State;
  issuance?: A64Issuance;
  reversal?: Reversal;
}

export function applyA64(s: A64State, c: A64Command, rules: A64Rules): Outcome<A64Outcome> {
  switch (c.type) {
    case "registerActivity": {
      const r = register(s, c, rules);
      return r.ok ? ok({ state: r.value }) : r;
    }
    case "issue":
      return issue(s, c, rules);
    case "forward": {
      const r = forward(s, c);
      return r.ok ? ok({ state: r.value }) : r;
    }
    case "reportReversal":
      return reversal(s, c, rules);
  }
}

/** The unique identifier of an A6.4ER: host, activity, vintage and serial. */
export function a64UnitId(a: A64Activity, vintage: number, serial: bigint | ""): string {
  return `${a.host}-${a.id}-${vintage}-${serial}`;
}

export interface A64Authorization {
  /** Forwarded A6.4ERs to authorize: a run inside one issuance's forwarded serials. */
  issuance: string;
  start: bigint;
  end: bigint;
  party: string;
  /** The Article 6 book's issuance record id for the ITMOs, and the host's authorization there. */
  id: string;
  authorization: string;
  date: string;
  series: string;
  registry: string;
  sector: string;
  activityType: string;
  gwp: string;
}

/**
 * The Article 6 book commands that turn authorized A6.4ERs into ITMOs: an issuance of the ITMOs
 * (the A6.4ERs as their underlying units, same serials) covered by an authorization the host
 * made in the book. Refuses units that are not forwarded (10806: share of proceeds, OMGE, buffer,
 * pending) and a Party that is not the host (10807).
 */
export function toArticle6(s: A64State, a: A64Authorization): Outcome<A6Command[]> {
  const iss = s.issuances.get(a.issuance);
  if (!iss) return intlRefusal("ID_UNKNOWN", `no issuance ${String(a.issuance).slice(0, 64)}`, { field: "issuance" });
  const act = s.activities.get(iss.activity) as A64Activity;
  if (a.party !== act.host) return intlRefusal("A64_AUTHORIZE_NOT_HOST", `${a.party} is not the host of activity ${act.id} (${act.host})`, { party: a.party, host: act.host });
  const inForwarded = (iss.forwarded ?? []).some((f) => f.start <= a.start && a.end <= f.end);
  if (!inForwarded || a.start > a.end) return deducted(iss, a);
  return ok([
    {
      type: "issue",
      id: a.id,
      date: a.date,
      series: a.series,
      start: a.start,
      end: a.end,
      host: act.host,
      registry: a.registry,
      vintage: iss.vintage,
      sector: a.sector,
      activityType: a.activityType,
      mitigationType: act.kind === "removal" ? "Removals" : "Emission reductions",
      metric: "GHG",
      gwp: a.gwp,
      underlying: { registry: "A6.4 mechanism registry", idPrefix: a64UnitId(act, iss.vintage, "") },
      authorization: a.authorization,
    },
  ]);
}

function deducted(iss: A64Issuance, a: { start: bigint; end: bigint }): Refusal {
  const where = (["adaptation", "omge", "buffer", "pending"] as const).find((k) => {
    const r = iss[k];
    return r !== null && r.start <= a.end && a.start <= r.end;
  });
  return intlRefusal("A64_AUTHORIZE_DEDUCTED", `serials ${a.start}-${a.end} of issuance ${iss.id} are ${where ? `in the ${where} part` : "not forwarded A6.4ERs"}`, { issuance: iss.id, part: where ?? "none" });
}
