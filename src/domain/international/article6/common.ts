// What the Article 6.2 handlers share: the Parties' rules, a fresh record id, lists of texts, the
// authorization a command names, and the first transfer records an event makes (one per
// authorization, for the units the event first transfers under its definition).
import type { Article6Rules } from "../../rulebook/international.ts";
import { intlRefusal, type Outcome, ok, type Refusal } from "../codes.ts";
import { checkRecordId, checkText } from "../input.ts";
import type { Resolved } from "./blocks.ts";
import { firstTransferBy, type Trigger } from "./first-transfer.ts";
import type { A6Command, A6State, AuthorizationRecord, FirstTransferRecord, RecordBlock } from "./types.ts";

export type RulesByParty = ReadonlyMap<string, Article6Rules>;
export type Auth = AuthorizationRecord & { covered: bigint; revoked: boolean };
export type Cmd<T extends A6Command["type"]> = Extract<A6Command, { type: T }>;

/** The id is well formed (or made by the book for a command: `id/...`) and not used yet. */
export function fresh(state: A6State, id: unknown, derived = false): Refusal | undefined {
  const bad = derived ? undefined : checkRecordId(id, "id");
  if (bad) return bad;
  return state.ids.has(id as string) ? intlRefusal("ID_EXISTS", `record id ${id as string} is used`, { field: "id" }) : undefined;
}

export function texts(v: unknown, field: string, min: number): Refusal | undefined {
  if (!Array.isArray(v) || v.length < min || v.length > 50) return intlRefusal("FIELD_INVALID", `${field}: list ${min} to 50 entries`, { field });
  return v.map((x, i) => checkText(x, `${field}[${i}]`, 120)).find(Boolean);
}

/** First transfer records for the units `trigger` first transfers, one per authorization. */
export function firstTransfers(state: A6State, units: readonly Resolved[], trigger: Trigger, id: string, date: string, to: string | null): FirstTransferRecord[] {
  const byAuth = new Map<string, { def: FirstTransferRecord["definition"]; host: string; blocks: RecordBlock[] }>();
  for (const u of units) {
    const auth = u.unit.authorization === null ? undefined : state.authorizations.get(u.unit.authorization);
    if (!auth || u.unit.firstTransferred) continue;
    const def = firstTransferBy(auth, trigger);
    if (!def) continue;
    const g = byAuth.get(auth.id) ?? { def, host: u.unit.host, blocks: [] };
    g.blocks.push(u.block);
    byAuth.set(auth.id, g);
  }
  return [...byAuth.entries()].map(([auth, g], i) => ({ kind: "first-transfer", id: `${id}/ft${i + 1}`, date, party: g.host, to: trigger === "international-transfer" ? to : null, definition: g.def, authorization: auth, blocks: g.blocks }));
}

export function knownAuth(state: A6State, id: unknown): Outcome<Auth> {
  const a = typeof id === "string" ? state.authorizations.get(id) : undefined;
  return a ? ok(a) : intlRefusal("A6_AUTHORIZATION_UNKNOWN", `no authorization ${String(id).slice(0, 64)}`, { field: "authorization" });
}

/** Keeps each block's first first-transfer when two triggers fire at once (issuance with authorization). */
export function dedupe(fts: FirstTransferRecord[]): FirstTransferRecord[] {
  const seen = new Set<string>();
  return fts
    .map((f) => ({ ...f, blocks: f.blocks.filter((b) => !seen.has(`${b.series}:${b.start}`) && seen.add(`${b.series}:${b.start}`)) }))
    .filter((f) => f.blocks.length > 0);
}
