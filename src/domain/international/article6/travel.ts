// What travels with ITMOs over a link (docs/concepts/linked-registries.md, "ITMOs crossing a
// link"), both ways, pure. The sender describes each block of the transfer that its Article 6 book
// holds: the sender's serials, the issuance they come from (host, originating registry, vintage,
// sector, activity type, metric, GWP, the serial offset when the sender itself acquired them), the
// authorization (its record as made, and its revisions, so a revoked one arrives revoked), and the
// first transfer: made earlier, or made by this transfer when the authorization's definition says
// so, with the year of the host's corresponding adjustment. The receiver reads that (10761 for
// anything malformed), checks it against its own book and Party (10762) and turns it into records
// of its own book, on its own serials: the issuance (keeping the host's serials in the ITMO
// identifiers by the offset), the host's authorization referenced (not re-authorized), the cover,
// the first transfer as the host made it, and the transfer to the receiver's Party, whose AEF shows
// it as an acquisition. Replaying them on the receiver's state must succeed, or the transfer is
// refused: the import is all or nothing.
import { intlRefusal, type Outcome, ok, type Refusal } from "../codes.ts";
import { ALPHA3, isCivilDate, isObject, yearOf } from "../input.ts";
import { slice } from "../ranges.ts";
import { decodeRecord, encodeRecord } from "./codec.ts";
import { replay } from "./evolve.ts";
import { firstTransferBy } from "./first-transfer.ts";
import type { A6Record, A6State, AuthorizationRecord, BlockInput, CoverRecord, FirstTransferRecord, IssuanceRecord, RecordBlock, RevocationRecord, UnitState } from "./types.ts";
import type { FirstTransferDefinition } from "../../rulebook/international.ts";
import { FIRST_TRANSFER_DEFINITIONS } from "../../rulebook/international.ts";

/** The first transfer of a block: made before this transfer, or by it. */
export interface TravelFirstTransfer {
  madeBy: "earlier" | "this-transfer";
  /** The first transferring Party (the host). */
  party: string;
  to: string | null;
  date: string;
  definition: FirstTransferDefinition;
  /** The year the host adds the units to its annual emissions balance (its rules). */
  year: number;
}

export interface TravelBlock {
  /** The sender's serials. */
  start: string;
  end: string;
  /** The sender's issuance record of the block (as its book holds it). */
  issuance: Record<string, unknown>;
  authorization: string | null;
  firstTransfer: TravelFirstTransfer | null;
}

export interface TravelAuthorization {
  /** The authorization as the host made it (version 1). */
  record: Record<string, unknown>;
  /** Its later versions (revocations), in order, without the sender's blocks. */
  revisions: Array<{ id: string; date: string; version: number; quantity: string; full: boolean }>;
}

export interface Article6Payload {
  version: 1;
  /** The transferring Party (the sender's) and the acquiring Party (the link's peer). */
  from: string;
  to: string;
  /** The day the sender escrowed the units (the first transfer's date when this transfer makes it). */
  date: string;
  authorizations: TravelAuthorization[];
  blocks: TravelBlock[];
}

const MAX_BLOCKS = 1000;
const MAX_AUTHS = 100;

// ------------------------------------------------------------------ sender

export interface ExportInput {
  state: A6State;
  records: readonly A6Record[];
  /** The blocks of the transfer the book holds, one state each (book-moves.ts bookBlocks().tracked). */
  blocks: readonly BlockInput[];
  from: string;
  to: string;
  date: string;
  /** How the sender's Party dates a first transfer it makes (its rules' adjustments.firstTransferYear). */
  firstTransferYear: "vintage" | "first-transfer";
}

const s = (n: bigint) => n.toString();

/** The payload for the blocks of a transfer, from the sender's book; null when none of them is in the book. */
export function exportPayload(i: ExportInput): Article6Payload | null {
  if (i.blocks.length === 0) return null;
  const auths = new Map<string, TravelAuthorization>();
  const blocks: TravelBlock[] = [];
  for (const b of i.blocks) {
    const start = BigInt(b.start);
    const end = BigInt(b.end);
    const [piece, ...more] = slice(i.state.blocks.get(b.series) ?? [], start, end);
    if (!piece || more.length > 0 || piece.start > start || piece.end < end) throw new Error(`block ${b.series} ${start}-${end} is not one run of the book`);
    const unit: UnitState = piece.value;
    const iss = i.state.issuances.get(unit.issuance) as IssuanceRecord;
    const auth = unit.authorization === null ? undefined : i.state.authorizations.get(unit.authorization);
    if (auth && !auths.has(auth.id)) {
      const made = i.records.find((r): r is AuthorizationRecord => r.kind === "authorization" && r.id === auth.id);
      if (!made) throw new Error(`authorization ${auth.id} has no record`);
      const revisions = i.records
        .filter((r): r is RevocationRecord => r.kind === "revocation" && r.authorization === auth.id)
        .map((r) => ({ id: r.id, date: r.date, version: r.version, quantity: s(r.quantity), full: r.full }));
      auths.set(auth.id, { record: encodeRecord(made), revisions });
    }
    let firstTransfer: TravelFirstTransfer | null = null;
    const yearOfFt = (date: string) => (i.firstTransferYear === "vintage" ? iss.vintage : yearOf(date));
    if (unit.firstTransferred) {
      const ft = i.records.find((r): r is FirstTransferRecord => r.kind === "first-transfer" && r.blocks.some((x) => x.series === b.series && x.start <= start && end <= x.end));
      if (!ft) throw new Error(`block ${b.series} ${start}-${end} is first transferred without a record`);
      firstTransfer = { madeBy: "earlier", party: ft.party, to: ft.to, date: ft.date, definition: ft.definition, year: ft.year ?? yearOfFt(ft.date) };
    } else if (auth) {
      const def = firstTransferBy(auth, "international-transfer");
      if (def) firstTransfer = { madeBy: "this-transfer", party: unit.host, to: i.to, date: i.date, definition: def, year: yearOfFt(i.date) };
    }
    blocks.push({ start: s(start), end: s(end), issuance: encodeRecord(iss), authorization: auth?.id ?? null, firstTransfer });
  }
  return { version: 1, from: i.from, to: i.to, date: i.date, authorizations: [...auths.values()], blocks };
}

// ------------------------------------------------------------------ receiver

const invalid = (field: string, reason: string): Refusal => intlRefusal("LINK_A6_INVALID", `article6.${field}: ${reason}`, { field: `article6.${field}` });
const conflict = (message: string, facts: Record<string, unknown> = {}): Refusal => intlRefusal("LINK_A6_CONFLICT", message, facts);
const DECIMAL = /^[1-9]\d{0,17}$/;
const party = (v: unknown): v is string => typeof v === "string" && ALPHA3.test(v);

interface ReadBlock {
  start: bigint;
  end: bigint;
  issuance: IssuanceRecord;
  authorization: string | null;
  firstTransfer: TravelFirstTransfer | null;
}

interface ReadAuth {
  record: AuthorizationRecord;
  revisions: Array<{ id: string; date: string; version: number; quantity: bigint; full: boolean }>;
}

interface ReadPayload {
  from: string;
  to: string;
  date: string;
  auths: Map<string, ReadAuth>;
  blocks: ReadBlock[];
}

function readFirstTransfer(v: unknown, field: string): Outcome<TravelFirstTransfer | null> {
  if (v === null) return ok(null);
  if (!isObject(v)) return invalid(field, "an object or null");
  if (v.madeBy !== "earlier" && v.madeBy !== "this-transfer") return invalid(`${field}.madeBy`, "earlier or this-transfer");
  if (!party(v.party)) return invalid(`${field}.party`, "a Party (ISO 3166 alpha-3)");
  if (v.to !== null && !party(v.to)) return invalid(`${field}.to`, "a Party (ISO 3166 alpha-3) or null");
  if (!isCivilDate(v.date)) return invalid(`${field}.date`, "a date YYYY-MM-DD");
  if (!FIRST_TRANSFER_DEFINITIONS.includes(v.definition as FirstTransferDefinition)) return invalid(`${field}.definition`, `one of ${FIRST_TRANSFER_DEFINITIONS.join(", ")}`);
  if (!Number.isInteger(v.year) || (v.year as number) < 1990 || (v.year as number) > 2200) return invalid(`${field}.year`, "a year");
  return ok(v as unknown as TravelFirstTransfer);
}

/** The payload read field by field (10761 names the first bad one). */
export function readPayload(v: unknown): Outcome<ReadPayload> {
  if (!isObject(v)) return invalid("(payload)", "an object");
  if (v.version !== 1) return invalid("version", "1");
  if (!party(v.from)) return invalid("from", "the transferring Party (ISO 3166 alpha-3)");
  if (!party(v.to)) return invalid("to", "the acquiring Party (ISO 3166 alpha-3)");
  if (!isCivilDate(v.date)) return invalid("date", "a date YYYY-MM-DD");
  if (!Array.isArray(v.authorizations) || v.authorizations.length > MAX_AUTHS) return invalid("authorizations", `a list of at most ${MAX_AUTHS}`);
  const auths = new Map<string, ReadAuth>();
  for (const [k, a] of v.authorizations.entries()) {
    const f = `authorizations[${k}]`;
    if (!isObject(a)) return invalid(f, "an object { record, revisions }");
    const rec = decodeRecord(a.record, `article6.${f}.record`);
    if (!rec.ok) return intlRefusal("LINK_A6_INVALID", rec.message, rec.facts);
    if (rec.value.kind !== "authorization" || rec.value.version !== 1) return invalid(`${f}.record`, "an authorization as made (version 1)");
    if (!party(rec.value.party)) return invalid(`${f}.record.party`, "a Party (ISO 3166 alpha-3)");
    if (!Array.isArray(a.revisions) || a.revisions.length > 100) return invalid(`${f}.revisions`, "a list of at most 100");
    const revisions: ReadAuth["revisions"] = [];
    for (const [j, r] of a.revisions.entries()) {
      const g = `${f}.revisions[${j}]`;
      if (!isObject(r) || typeof r.id !== "string" || !isCivilDate(r.date) || r.version !== j + 2 || typeof r.quantity !== "string" || !/^\d{1,18}$/.test(r.quantity) || typeof r.full !== "boolean") {
        return invalid(g, `{ id, date, version ${j + 2}, quantity, full }`);
      }
      revisions.push({ id: r.id, date: r.date, version: r.version, quantity: BigInt(r.quantity), full: r.full });
    }
    if (auths.has(rec.value.id)) return invalid(f, `authorization ${rec.value.id} twice`);
    auths.set(rec.value.id, { record: rec.value, revisions });
  }
  if (!Array.isArray(v.blocks) || v.blocks.length < 1 || v.blocks.length > MAX_BLOCKS) return invalid("blocks", `1 to ${MAX_BLOCKS} blocks`);
  const blocks: ReadBlock[] = [];
  for (const [k, b] of v.blocks.entries()) {
    const f = `blocks[${k}]`;
    if (!isObject(b) || typeof b.start !== "string" || typeof b.end !== "string" || !DECIMAL.test(b.start) || !DECIMAL.test(b.end) || BigInt(b.end) < BigInt(b.start)) {
      return invalid(f, "{ start, end } decimal serials, start <= end");
    }
    const iss = decodeRecord(b.issuance, `article6.${f}.issuance`);
    if (!iss.ok) return intlRefusal("LINK_A6_INVALID", iss.message, iss.facts);
    if (iss.value.kind !== "issuance") return invalid(`${f}.issuance`, "an issuance record");
    if (!party(iss.value.host)) return invalid(`${f}.issuance.host`, "a Party (ISO 3166 alpha-3)");
    if (iss.value.metric !== "GHG") return invalid(`${f}.issuance.metric`, "GHG");
    if (!Number.isInteger(iss.value.vintage)) return invalid(`${f}.issuance.vintage`, "a year");
    if (b.authorization !== null && (typeof b.authorization !== "string" || !auths.has(b.authorization))) return invalid(`${f}.authorization`, "null or the id of one of the payload's authorizations");
    const ft = readFirstTransfer(b.firstTransfer, `${f}.firstTransfer`);
    if (!ft.ok) return ft;
    if (ft.value && b.authorization === null) return invalid(`${f}.firstTransfer`, "only authorized units are first transferred");
    blocks.push({ start: BigInt(b.start), end: BigInt(b.end), issuance: iss.value, authorization: b.authorization as string | null, firstTransfer: ft.value });
  }
  return ok({ from: v.from, to: v.to, date: v.date, auths, blocks });
}

export interface ImportInput {
  /** The receiver's book, as committed, under its lock. */
  state: A6State;
  records: readonly A6Record[];
  /** The receiver's Party (null: it has no Article 6 configuration) and the link's peer Party. */
  party: string | null;
  peerParty: string | null;
  /** Record ids start with this (one per transfer). */
  baseId: string;
  /** The receiver's series (the class code) and the run it issued for the transfer. */
  series: string;
  localStart: bigint;
  localEnd: bigint;
  /** The sender's serial runs, in the order the receiver's run follows them. */
  originSerials: ReadonlyArray<{ start: string; end: string }>;
  /** The day of the receipt. */
  date: string;
  payload: unknown;
}

/** Where a sender serial lands in the receiver's run, or undefined when it is not one of the transfer's. */
function localOf(runs: ImportInput["originSerials"], localStart: bigint, start: bigint, end: bigint): bigint | undefined {
  let at = localStart;
  for (const r of runs) {
    const rs = BigInt(r.start);
    const re = BigInt(r.end);
    if (rs <= start && end <= re) return at + (start - rs);
    at += re - rs + 1n;
  }
  return undefined;
}

/** The records the receiver's book makes of an acquisition over a link, or the refusal (10761, 10762); replayed on the state to be sure they fit. */
export function importRecords(i: ImportInput): Outcome<A6Record[]> {
  const read = readPayload(i.payload);
  if (!read.ok) return read;
  const p = read.value;
  if (i.party === null) return conflict("ITMOs arrive with their Article 6 records, and this registry has no Article 6 Party (international.article6) to hold them", { rule: "international.article6.party" });
  if (p.to !== i.party) return conflict(`the ITMOs are transferred to ${p.to}, and this registry is ${i.party}'s`, { field: "article6.to", to: p.to, party: i.party });
  if (p.from !== i.peerParty) return conflict(`the ITMOs come from ${p.from}, and the link names ${i.peerParty ?? "no Party"} as the peer's`, { field: "article6.from", from: p.from, peerParty: i.peerParty });
  // authorizations: the host's, referenced; one this registry holds must be the same
  const records: A6Record[] = [];
  const covers = new Map<string, RecordBlock[]>();
  const fts = new Map<string, FirstTransferRecord>();
  const moved: RecordBlock[] = [];
  const issuances: IssuanceRecord[] = [];
  const seen: Array<{ start: bigint; end: bigint }> = [];
  for (const [k, b] of p.blocks.entries()) {
    const f = `article6.blocks[${k}]`;
    const local = localOf(i.originSerials, i.localStart, b.start, b.end);
    if (local === undefined || local + (b.end - b.start) > i.localEnd) return intlRefusal("LINK_A6_INVALID", `${f}: serials ${b.start}-${b.end} are not one run of the transfer's serials`, { field: f });
    if (seen.some((x) => x.start <= b.end && b.start <= x.end)) return intlRefusal("LINK_A6_INVALID", `${f}: overlaps an earlier block`, { field: f });
    seen.push({ start: b.start, end: b.end });
    if (b.issuance.series !== i.series || b.start < b.issuance.start || b.end > b.issuance.end) return intlRefusal("LINK_A6_INVALID", `${f}.issuance: does not hold serials ${b.start}-${b.end} of ${i.series}`, { field: `${f}.issuance` });
    const auth = b.authorization === null ? undefined : p.auths.get(b.authorization);
    if (auth && auth.record.party !== b.issuance.host) return conflict(`${f}: authorized by ${auth.record.party}, and hosted by ${b.issuance.host}: only the host authorizes its units`, { field: f, host: b.issuance.host });
    if (b.firstTransfer && b.firstTransfer.party !== b.issuance.host) return conflict(`${f}: first transferred by ${b.firstTransfer.party}, and hosted by ${b.issuance.host}: the host first transfers its units`, { field: f, host: b.issuance.host });
    const end = local + (b.end - b.start);
    const iss: IssuanceRecord = { ...b.issuance, id: `${i.baseId}/i${k + 1}`, start: local, end, serialOffset: (b.issuance.serialOffset ?? 0n) + (b.start - local) };
    issuances.push(iss);
    const block: RecordBlock = { series: i.series, start: local, end, issuance: iss.id, vintage: iss.vintage };
    moved.push(block);
    if (auth) covers.set(auth.record.id, [...(covers.get(auth.record.id) ?? []), block]);
    const ft = b.firstTransfer;
    if (ft && auth) {
      const key = JSON.stringify([auth.record.id, ft.madeBy, ft.party, ft.to, ft.date, ft.definition, ft.year]);
      const rec = fts.get(key) ?? { kind: "first-transfer", id: `${i.baseId}/ft${fts.size + 1}`, date: ft.date, party: ft.party, to: ft.to, definition: ft.definition, authorization: auth.record.id, blocks: [], year: ft.year };
      fts.set(key, { ...rec, blocks: [...rec.blocks, block] });
    }
  }
  records.push(...issuances);
  let n = 0;
  for (const [id, a] of p.auths) {
    n++;
    if (!covers.has(id)) continue;
    const mine = i.state.authorizations.get(id);
    let version = 1;
    if (mine) {
      const made = i.records.find((r) => r.kind === "authorization" && r.id === id);
      if (!made || JSON.stringify(encodeRecord(made)) !== JSON.stringify(encodeRecord(a.record))) return conflict(`authorization ${id} here differs from the one the ITMOs carry`, { authorization: id });
      version = mine.version;
    } else {
      if (i.state.ids.has(id)) return conflict(`record id ${id} is used here by another record than the authorization`, { authorization: id });
      records.push(a.record);
    }
    for (const r of a.revisions) {
      if (r.version <= version) continue;
      records.push({ kind: "revocation", id: `${i.baseId}/a${n}v${r.version}`, date: r.date, authorization: id, version: r.version, blocks: [], quantity: r.quantity, full: r.full } satisfies RevocationRecord);
    }
  }
  let c = 0;
  for (const [authorization, blocks] of covers) records.push({ kind: "cover", id: `${i.baseId}/c${++c}`, date: p.date, authorization, blocks } satisfies CoverRecord);
  records.push(...fts.values());
  records.push({ kind: "transfer", id: i.baseId, date: i.date, from: p.from, to: p.to, blocks: moved });
  try {
    replay(records, i.state);
  } catch (err) {
    return conflict(`the ITMOs' records do not fit this registry's book: ${(err as Error).message}`.slice(0, 300), {});
  }
  return ok(records);
}
