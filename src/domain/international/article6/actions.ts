// What happens to issued units in the Article 6 book: international transfers between Parties'
// registries, use towards an NDC or for other international mitigation purposes, cancellation,
// an explicit first transfer, and the authorization of entities. Each records the first transfer
// its event makes under the units' authorization (first-transfer.ts) before its own record.
import { intlRefusal, type Outcome, ok, type Refusal } from "../codes.ts";
import { checkDate, checkParty, checkRecordId, checkText, checkYear } from "../input.ts";
import { heldActive, type Resolved, resolveBlocks } from "./blocks.ts";
import { type Cmd, firstTransfers, fresh, type RulesByParty } from "./common.ts";
import { firstTransferBy } from "./first-transfer.ts";
import type { A6Record, A6State, FirstTransferRecord } from "./types.ts";

/** International transfer. Order: fields, Parties differ (10709), blocks, per block held by the sender and active (10704, 10703). */
export function transfer(state: A6State, c: Cmd<"transfer">): Outcome<A6Record[]> {
  const bad = fresh(state, c.id) ?? checkDate(c.date, "date") ?? checkParty(c.from, "from", "alpha-3") ?? checkParty(c.to, "to", "alpha-3");
  if (bad) return bad;
  if (c.from === c.to) return intlRefusal("A6_SAME_PARTY", `a transfer from ${c.from} to ${c.to} is not international`, { from: c.from, to: c.to });
  const units = resolveBlocks(state, c.blocks);
  if (!units.ok) return units;
  const held = units.value.map((u, i) => heldActive(u, i, c.from)).find(Boolean);
  if (held) return held;
  const fts = firstTransfers(state, units.value, "international-transfer", c.id, c.date, c.to);
  return ok([...fts, { kind: "transfer", id: c.id, date: c.date, from: c.from, to: c.to, blocks: units.value.map((u) => u.block) }]);
}

function useCheck(state: A6State, u: Resolved, i: number, c: Cmd<"use">, rules: RulesByParty): Refusal | undefined {
  const held = heldActive(u, i, c.party);
  if (held) return held;
  const auth = u.unit.authorization === null ? undefined : state.authorizations.get(u.unit.authorization);
  if (c.purpose === "NDC") {
    if (!auth || auth.purposes === "OIMP") return intlRefusal("A6_USE_UNAUTHORIZED", `blocks[${i}] is not authorized for use towards NDCs`, { block: i, authorization: auth?.id ?? null });
    if (!u.unit.firstTransferred) return intlRefusal("A6_NOT_FIRST_TRANSFERRED", `blocks[${i}] was not first transferred: no corresponding adjustment was made for it yet`, { block: i });
    const nd = rules.get(c.party)?.ndc;
    const vintageRule = rules.get(c.party)?.use.vintageInNdcPeriod;
    if (nd && vintageRule && (u.block.vintage < nd.period.from || u.block.vintage > nd.period.to)) {
      return intlRefusal("A6_VINTAGE_OUTSIDE_NDC", `blocks[${i}] has vintage ${u.block.vintage}, outside ${c.party}'s NDC period ${nd.period.from}-${nd.period.to}`, { block: i, vintage: u.block.vintage });
    }
    return undefined;
  }
  if (!auth || auth.purposes === "NDC") return intlRefusal("A6_USE_PURPOSE_NOT_AUTHORIZED", `blocks[${i}] is not authorized for other international mitigation purposes`, { block: i, authorization: auth?.id ?? null });
  if (!u.unit.firstTransferred && firstTransferBy(auth, "use-or-cancellation") === undefined) {
    return intlRefusal("A6_NOT_FIRST_TRANSFERRED", `blocks[${i}] was not first transferred, and under its definition (${auth.firstTransferDefinition}) this use is not the first transfer`, { block: i, definition: auth.firstTransferDefinition });
  }
  const entityOk = c.entity === undefined || auth.authorizedEntities.includes(c.entity) || [...state.entities.values()].some((e) => e.name === c.entity && e.cooperativeApproach === auth.cooperativeApproach);
  if (!entityOk) return intlRefusal("A6_NOT_AUTHORIZED_ENTITY", `${c.entity} is not an entity authorized under ${auth.cooperativeApproach}`, { entity: c.entity, cooperativeApproach: auth.cooperativeApproach });
  return undefined;
}

/**
 * Use towards the Party's NDC (for a calendar year of its NDC period) or for other international
 * mitigation purposes. Order: fields, the Party's rules and the year (10605, 10604), blocks, then
 * per block: held and active (10704, 10703), authorized for the purpose (10701, 10702), first
 * transferred or first transferred by this use (10606), vintage (10705), entity (10510).
 */
export function use(state: A6State, c: Cmd<"use">, rules: RulesByParty): Outcome<A6Record[]> {
  const bad =
    fresh(state, c.id) ??
    checkDate(c.date, "date") ??
    checkParty(c.party, "party", "alpha-3") ??
    (c.purpose === "NDC" || c.purpose === "OIMP" ? undefined : intlRefusal("FIELD_INVALID", "purpose: NDC or OIMP", { field: "purpose" })) ??
    (c.purpose === "OIMP" ? checkText(c.oimpPurpose, "oimpPurpose", 120) : undefined) ??
    (c.entity === undefined ? undefined : checkText(c.entity, "entity", 120));
  if (bad) return bad;
  let forYear: number | null = null;
  if (c.purpose === "NDC") {
    const nd = rules.get(c.party)?.ndc;
    if (!nd) return intlRefusal("A6_NDC_UNKNOWN", `no NDC in the rules of ${c.party}`, { party: c.party });
    const y = checkYear(c.forYear, "forYear");
    if (y) return y;
    if ((c.forYear as number) < nd.period.from || (c.forYear as number) > nd.period.to) return intlRefusal("A6_YEAR_OUTSIDE_NDC", `${c.forYear} is outside ${c.party}'s NDC period ${nd.period.from}-${nd.period.to}`, { year: c.forYear, party: c.party });
    forYear = c.forYear as number;
  }
  const units = resolveBlocks(state, c.blocks);
  if (!units.ok) return units;
  const wrong = units.value.map((u, i) => useCheck(state, u, i, c, rules)).find(Boolean);
  if (wrong) return wrong;
  const fts = c.purpose === "OIMP" ? firstTransfers(state, units.value, "use-or-cancellation", c.id, c.date, null) : [];
  const rec: A6Record = { kind: "use", id: c.id, date: c.date, party: c.party, purpose: c.purpose, oimpPurpose: c.purpose === "OIMP" ? (c.oimpPurpose as string) : null, entity: c.entity ?? null, forYear, blocks: units.value.map((u) => u.block) };
  return ok([...fts, rec]);
}

/** Cancellation, voluntary or to deliver OMGE. Order: fields, blocks, per block held and active. A voluntary cancellation first transfers OIMP units defined so. */
export function cancel(state: A6State, c: Cmd<"cancel">): Outcome<A6Record[]> {
  const bad = fresh(state, c.id) ?? checkDate(c.date, "date") ?? checkParty(c.party, "party", "alpha-3") ?? (c.reason === "omge" || c.reason === "voluntary" ? undefined : intlRefusal("FIELD_INVALID", "reason: omge or voluntary", { field: "reason" }));
  if (bad) return bad;
  const units = resolveBlocks(state, c.blocks);
  if (!units.ok) return units;
  const held = units.value.map((u, i) => heldActive(u, i, c.party)).find(Boolean);
  if (held) return held;
  const fts = c.reason === "voluntary" ? firstTransfers(state, units.value, "use-or-cancellation", c.id, c.date, null) : [];
  return ok([...fts, { kind: "cancellation", id: c.id, date: c.date, party: c.party, reason: c.reason, blocks: units.value.map((u) => u.block) }]);
}

/**
 * An explicit first transfer, for a defining event that happened outside the book. Order: fields,
 * blocks, then per block: authorized (10602), by its host (10603), not already first transferred
 * (10601), active (10703).
 */
export function firstTransfer(state: A6State, c: Cmd<"firstTransfer">): Outcome<A6Record[]> {
  const bad = fresh(state, c.id) ?? checkDate(c.date, "date") ?? checkParty(c.party, "party", "alpha-3");
  if (bad) return bad;
  const units = resolveBlocks(state, c.blocks);
  if (!units.ok) return units;
  const byAuth = new Map<string, FirstTransferRecord>();
  for (const [i, u] of units.value.entries()) {
    const auth = u.unit.authorization === null ? undefined : state.authorizations.get(u.unit.authorization);
    if (!auth) return intlRefusal("A6_FIRST_TRANSFER_UNAUTHORIZED", `blocks[${i}] is not authorized`, { block: i });
    if (u.unit.host !== c.party) return intlRefusal("A6_FIRST_TRANSFER_NOT_HOST", `blocks[${i}] is hosted by ${u.unit.host}; only the host first transfers it`, { block: i, host: u.unit.host });
    if (u.unit.firstTransferred) return intlRefusal("A6_SECOND_FIRST_TRANSFER", `blocks[${i}] was already first transferred`, { block: i });
    if (u.unit.status !== "active") return intlRefusal("A6_UNIT_NOT_ACTIVE", `blocks[${i}] was already ${u.unit.status}`, { block: i });
    const rec = byAuth.get(auth.id) ?? { kind: "first-transfer", id: `${c.id}/ft${byAuth.size + 1}`, date: c.date, party: c.party, to: null, definition: auth.firstTransferDefinition ?? "first-international-transfer", authorization: auth.id, blocks: [] };
    byAuth.set(auth.id, { ...rec, blocks: [...rec.blocks, u.block] });
  }
  const records = [...byAuth.values()];
  return ok(records.length === 1 ? [{ ...(records[0] as FirstTransferRecord), id: c.id }] : records);
}

/** Authorizes an entity under a cooperative approach (AEF Table 5). */
export function authorizeEntity(state: A6State, c: Cmd<"authorizeEntity">): Outcome<A6Record[]> {
  const bad =
    fresh(state, c.id) ??
    checkDate(c.date, "date") ??
    checkParty(c.party, "party", "alpha-3") ??
    checkText(c.name, "name", 200) ??
    checkParty(c.country, "country", "alpha-3") ??
    checkRecordId(c.identification, "identification") ??
    (typeof c.cooperativeApproach === "string" && /^CA\d{4}$/.test(c.cooperativeApproach) ? undefined : intlRefusal("FIELD_INVALID", "cooperativeApproach: CA followed by four digits", { field: "cooperativeApproach" })) ??
    checkText(c.conditions, "conditions", 2000) ??
    checkText(c.changeConditions, "changeConditions", 2000);
  if (bad) return bad;
  const { type: _type, ...rest } = c;
  return ok([{ kind: "entity", ...rest }]);
}
