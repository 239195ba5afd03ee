// Issuance into the Article 6 book and everything about authorizations: making one (its
// purposes, OIMP purposes and first transfer definition as the Party's rules allow), putting units
// under it (at issuance or later) and revoking it where and until when the Party's rules allow.
import { intlRefusal, type Outcome, ok } from "../codes.ts";
import { addDays, checkDate, checkParty, checkRecordId, checkText, checkYear, isObject, parseUnits } from "../input.ts";
import { resolveBlocks, total } from "./blocks.ts";
import { type Cmd, dedupe, firstTransfers, fresh, knownAuth, type RulesByParty, texts } from "./common.ts";
import { evolve } from "./evolve.ts";
import type { Trigger } from "./first-transfer.ts";
import type { A6Record, A6State, IssuanceRecord, RecordBlock } from "./types.ts";

/**
 * Issues units into the book, under an authorization when one is named (authorization at
 * issuance). Order: fields, serials not issued before in the series (10707), then the cover's
 * checks for the named authorization.
 */
export function issue(state: A6State, c: Cmd<"issue">, rules: RulesByParty): Outcome<A6Record[]> {
  const start = parseUnits(c.start, "start");
  if (!start.ok) return start;
  const end = parseUnits(c.end, "end");
  if (!end.ok) return end;
  const bad =
    fresh(state, c.id) ??
    checkDate(c.date, "date") ??
    checkRecordId(c.series, "series") ??
    (end.value < start.value ? intlRefusal("FIELD_INVALID", "end: must not be before start", { field: "end" }) : undefined) ??
    checkParty(c.host, "host", "alpha-3") ??
    (typeof c.registry === "string" && /^[A-Z]{3}\d{2}$/.test(c.registry) ? undefined : intlRefusal("FIELD_INVALID", "registry: the Party ITMO registry id, e.g. THA01", { field: "registry" })) ??
    checkYear(c.vintage, "vintage") ??
    checkText(c.sector, "sector", 120) ??
    checkText(c.activityType, "activityType", 120) ??
    (c.mitigationType === "Emission reductions" || c.mitigationType === "Removals" ? undefined : intlRefusal("FIELD_INVALID", "mitigationType: Emission reductions or Removals", { field: "mitigationType" })) ??
    (c.metric === "GHG" ? undefined : intlRefusal("FIELD_INVALID", "metric: GHG (non-GHG metrics are not supported)", { field: "metric" })) ??
    checkText(c.gwp, "gwp", 60) ??
    (c.underlying === null || (isObject(c.underlying) && !checkText(c.underlying.registry, "u") && !checkText(c.underlying.idPrefix, "u"))
      ? undefined
      : intlRefusal("FIELD_INVALID", "underlying: null, or { registry, idPrefix }", { field: "underlying" }));
  if (bad) return bad;
  const overlap = (state.blocks.get(c.series) ?? []).some((p) => p.start <= end.value && start.value <= p.end);
  if (overlap) return intlRefusal("A6_BLOCK_OVERLAPS", `serials ${start.value}-${end.value} of ${c.series} were already issued`, { series: c.series });
  const rec: IssuanceRecord = {
    kind: "issuance", id: c.id, date: c.date, series: c.series, start: start.value, end: end.value, host: c.host, registry: c.registry, vintage: c.vintage,
    sector: c.sector, activityType: c.activityType, mitigationType: c.mitigationType, metric: "GHG", gwp: c.gwp, underlying: c.underlying,
  };
  if (c.authorization === undefined) return ok([rec]);
  const after = evolve(state, rec);
  const blocks = [{ series: c.series, start: start.value, end: end.value }];
  const covered = cover(after, { type: "cover", id: `${c.id}/cover`, date: c.date, authorization: c.authorization, blocks }, rules, ["issuance", "authorization"], true);
  return covered.ok ? ok([rec, ...covered.value]) : covered;
}

export function authorize(state: A6State, c: Cmd<"authorize">, rules: RulesByParty): Outcome<A6Record[]> {
  const q = parseUnits(c.quantity, "quantity");
  if (!q.ok) return q;
  const bad =
    fresh(state, c.id) ??
    checkDate(c.date, "date") ??
    checkParty(c.party, "party", "alpha-3") ??
    (rules.has(c.party) ? undefined : intlRefusal("RULES_MISSING", `no Article 6 rules for ${c.party}`, { rule: "international.article6", party: c.party })) ??
    (typeof c.cooperativeApproach === "string" && /^CA\d{4}$/.test(c.cooperativeApproach) ? undefined : intlRefusal("FIELD_INVALID", "cooperativeApproach: CA followed by four digits", { field: "cooperativeApproach" })) ??
    (["NDC", "OIMP", "NDC and OIMP"].includes(c.purposes) ? undefined : intlRefusal("A6_PURPOSE_INVALID", "purposes: NDC, OIMP or NDC and OIMP", { field: "purposes" })) ??
    (Array.isArray(c.authorizedParties) ? c.authorizedParties.map((p, i) => checkParty(p, `authorizedParties[${i}]`, "alpha-3")).find(Boolean) : intlRefusal("FIELD_INVALID", "authorizedParties: a list of ISO 3166 alpha-3 codes (may be empty)", { field: "authorizedParties" })) ??
    texts(c.authorizedEntities ?? [], "authorizedEntities", 0) ??
    checkText(c.gwp, "gwp", 60) ??
    texts(c.sectors, "sectors", 1) ??
    texts(c.activityTypes, "activityTypes", 1) ??
    (c.timeframe === undefined || (isObject(c.timeframe) && checkYear(c.timeframe.from, "timeframe.from") === undefined && checkYear(c.timeframe.to, "timeframe.to") === undefined && c.timeframe.from <= c.timeframe.to)
      ? undefined
      : intlRefusal("FIELD_INVALID", "timeframe: { from, to } years, from <= to", { field: "timeframe" })) ??
    checkText(c.terms, "terms", 2000);
  if (bad) return bad;
  const allowed = rules.get(c.party)?.authorization.oimpFirstTransfer ?? [];
  const oimp = c.purposes !== "NDC";
  const def = oimp ? (c.firstTransferDefinition ?? allowed[0]) : c.firstTransferDefinition;
  if (oimp && (texts(c.oimpPurposes ?? [], "oimpPurposes", 1) !== undefined || !allowed.includes(def as (typeof allowed)[number]))) {
    return intlRefusal("A6_PURPOSE_INVALID", `an OIMP authorization names its purposes (e.g. CORSIA) and a first transfer definition ${c.party} allows (${allowed.join(", ")})`, { field: def === undefined || allowed.includes(def) ? "oimpPurposes" : "firstTransferDefinition" });
  }
  if (!oimp && (def !== undefined || (c.oimpPurposes !== undefined && !(Array.isArray(c.oimpPurposes) && c.oimpPurposes.length === 0)))) {
    return intlRefusal("A6_PURPOSE_INVALID", "an authorization for NDC use only is first transferred by its first international transfer: give no OIMP purposes or definition", { field: "firstTransferDefinition" });
  }
  return ok([{
    kind: "authorization", id: c.id, version: 1, date: c.date, party: c.party, cooperativeApproach: c.cooperativeApproach, purposes: c.purposes,
    oimpPurposes: [...(c.oimpPurposes ?? [])], authorizedParties: [...c.authorizedParties], authorizedEntities: [...(c.authorizedEntities ?? [])],
    quantity: q.value, gwp: c.gwp, sectors: [...c.sectors], activityTypes: [...c.activityTypes], timeframe: c.timeframe ?? null, firstTransferDefinition: def ?? null, terms: c.terms,
  }]);
}

/**
 * Puts units under an authorization. Order: fields, the authorization (10502) and not revoked
 * (10509), the blocks (10706, 10708), per block the host (10501), active (10703) and not yet
 * authorized (10503), then the authorized quantity left (10507).
 */
export function cover(state: A6State, c: Cmd<"cover">, _rules: RulesByParty, triggers: readonly Trigger[] = ["authorization"], derived = false): Outcome<A6Record[]> {
  const bad = fresh(state, c.id, derived) ?? checkDate(c.date, "date");
  if (bad) return bad;
  const a = knownAuth(state, c.authorization);
  if (!a.ok) return a;
  if (a.value.revoked) return intlRefusal("A6_AUTHORIZATION_REVOKED", `authorization ${a.value.id} was revoked`, { authorization: a.value.id });
  const units = resolveBlocks(state, c.blocks);
  if (!units.ok) return units;
  for (const [i, u] of units.value.entries()) {
    if (u.unit.host !== a.value.party) return intlRefusal("A6_AUTHORIZE_FOREIGN_UNITS", `blocks[${i}] is hosted by ${u.unit.host}; ${a.value.party} cannot authorize it`, { block: i, host: u.unit.host, party: a.value.party });
    if (u.unit.status !== "active") return intlRefusal("A6_UNIT_NOT_ACTIVE", `blocks[${i}] was already ${u.unit.status}`, { block: i, status: u.unit.status });
    if (u.unit.authorization !== null) return intlRefusal("A6_ALREADY_AUTHORIZED", `blocks[${i}] is covered by authorization ${u.unit.authorization}`, { block: i, authorization: u.unit.authorization });
  }
  const n = total(units.value.map((u) => u.block));
  if (a.value.covered + n > a.value.quantity) {
    return intlRefusal("A6_QUANTITY_EXCEEDED", `authorization ${a.value.id} covers ${a.value.covered} of ${a.value.quantity}; ${n} more would exceed it`, { authorization: a.value.id, covered: String(a.value.covered), quantity: String(a.value.quantity), asked: String(n) });
  }
  const rec: A6Record = { kind: "cover", id: c.id, date: c.date, authorization: a.value.id, blocks: units.value.map((u) => u.block) };
  const now = units.value.map((u) => ({ ...u, unit: { ...u.unit, authorization: a.value.id } }));
  const after = evolve(state, rec);
  const fts = triggers.flatMap((t, k) => firstTransfers(after, now, t, k === 0 ? c.id : `${c.id}/${t}`, c.date, null));
  return ok([rec, ...dedupe(fts)]);
}


/**
 * Revokes an authorization, for the blocks named or (none named) for every active unit it covers
 * that was not first transferred, withdrawing its unused quantity too. Order: fields, the
 * authorization (10502), the Party allows revocation (10504), before its deadline (10505), not
 * already wholly revoked (10509), then per block: covered by it, not first transferred (10506).
 */
export function revoke(state: A6State, c: Cmd<"revoke">, rules: RulesByParty): Outcome<A6Record[]> {
  const bad = fresh(state, c.id) ?? checkDate(c.date, "date");
  if (bad) return bad;
  const a = knownAuth(state, c.authorization);
  if (!a.ok) return a;
  const auth = a.value;
  const pr = rules.get(auth.party);
  if (!pr) return intlRefusal("RULES_MISSING", `no Article 6 rules for ${auth.party}`, { rule: "international.article6", party: auth.party });
  const policy = pr.authorization.revocation;
  if (!policy.allowed) return intlRefusal("A6_REVOCATION_NOT_ALLOWED", `${auth.party}'s rules do not allow revoking an authorization`, { party: auth.party });
  if (c.date < auth.date) return intlRefusal("FIELD_INVALID", `date: ${c.date} is before the authorization (${auth.date})`, { field: "date" });
  const deadline = policy.withinDays === undefined ? undefined : addDays(auth.date, policy.withinDays);
  if (deadline !== undefined && c.date > deadline) return intlRefusal("A6_REVOKE_AFTER_DEADLINE", `authorization ${auth.id} could be revoked until ${deadline} (${policy.withinDays} days after ${auth.date})`, { authorization: auth.id, deadline, date: c.date });
  if (auth.revoked) return intlRefusal("A6_AUTHORIZATION_REVOKED", `authorization ${auth.id} was already revoked`, { authorization: auth.id });
  const full = c.blocks === undefined;
  let blocks: RecordBlock[];
  if (full) blocks = coveredBlocks(state, auth.id);
  else {
    const units = resolveBlocks(state, c.blocks);
    if (!units.ok) return units;
    for (const [i, u] of units.value.entries()) {
      if (u.unit.authorization !== auth.id) return intlRefusal("FIELD_INVALID", `blocks[${i}] is not covered by authorization ${auth.id}`, { field: `blocks[${i}]` });
      if (u.unit.firstTransferred) return intlRefusal("A6_REVOKE_FIRST_TRANSFERRED", `blocks[${i}] was first transferred; a revocation never reaches it`, { block: i });
    }
    blocks = units.value.map((u) => u.block);
  }
  const n = total(blocks);
  const quantity = full ? auth.covered - n : auth.quantity - n;
  return ok([{ kind: "revocation", id: c.id, date: c.date, authorization: auth.id, version: auth.version + 1, blocks, quantity, full }]);
}

/** Every active, not first transferred run of serials covered by the authorization. */
function coveredBlocks(state: A6State, authorization: string): RecordBlock[] {
  const out: RecordBlock[] = [];
  for (const [series, map] of state.blocks) {
    for (const p of map) {
      if (p.value.authorization !== authorization || p.value.firstTransferred || p.value.status !== "active") continue;
      const vintage = state.issuances.get(p.value.issuance)?.vintage;
      if (vintage === undefined) throw new Error(`unknown issuance ${p.value.issuance}`);
      out.push({ series, start: p.start, end: p.end, issuance: p.value.issuance, vintage });
    }
  }
  return out;
}
