// Reading the blocks a command names: each must be a run of issued serials of one series, in one
// state (holder, authorization, first transfer, status), and no serial may be named twice. The
// checks every action shares (who holds the units, whether they are still active) are here too.
import { intlRefusal, type Outcome, ok, type Refusal } from "../codes.ts";
import { checkRecordId, isObject, MAX_UNITS } from "../input.ts";
import { covers, slice } from "../ranges.ts";
import type { A6State, RecordBlock, UnitState } from "./types.ts";

export const MAX_BLOCKS = 100;

export interface Resolved {
  block: RecordBlock;
  unit: UnitState;
}

function serial(v: unknown): bigint | undefined {
  if (typeof v === "bigint") return v;
  if (typeof v === "number" && Number.isSafeInteger(v)) return BigInt(v);
  if (typeof v === "string" && /^\d{1,16}$/.test(v)) return BigInt(v);
  return undefined;
}

function one(state: A6State, raw: unknown, field: string): Outcome<Resolved> {
  if (!isObject(raw)) return intlRefusal("FIELD_INVALID", `${field}: must be an object { series, start, end }`, { field });
  const bad = checkRecordId(raw.series, `${field}.series`);
  if (bad) return bad;
  const start = serial(raw.start);
  const end = serial(raw.end);
  if (start === undefined || end === undefined || start < 1n || end < start || end > MAX_UNITS) {
    return intlRefusal("FIELD_INVALID", `${field}: start and end are serials with 1 <= start <= end <= ${MAX_UNITS}`, { field });
  }
  const series = raw.series as string;
  const map = state.blocks.get(series) ?? [];
  if (!covers(map, start, end)) return intlRefusal("A6_BLOCK_UNKNOWN", `${field}: serials ${start}-${end} of ${series} were not all issued into the book`, { field, series, start: String(start), end: String(end) });
  const pieces = slice(map, start, end);
  if (pieces.length !== 1) {
    return intlRefusal("A6_BLOCK_MIXED", `${field}: serials ${start}-${end} of ${series} are in ${pieces.length} different states; name each run separately`, {
      field,
      runs: pieces.map((p) => `${p.start}-${p.end}`).slice(0, 10),
    });
  }
  const unit = (pieces[0] as { value: UnitState }).value;
  const iss = state.issuances.get(unit.issuance);
  if (!iss) throw new Error(`the book holds serials of an unknown issuance ${unit.issuance}`);
  return ok({ block: { series, start, end, issuance: unit.issuance, vintage: iss.vintage }, unit });
}

/** Resolves 1..100 blocks; refuses the first bad one (10001, 10706, 10708) or a serial named twice. */
export function resolveBlocks(state: A6State, raw: unknown, field = "blocks"): Outcome<Resolved[]> {
  if (!Array.isArray(raw) || raw.length < 1 || raw.length > MAX_BLOCKS) return intlRefusal("FIELD_INVALID", `${field}: name 1 to ${MAX_BLOCKS} blocks`, { field });
  const out: Resolved[] = [];
  for (const [i, b] of raw.entries()) {
    const r = one(state, b, `${field}[${i}]`);
    if (!r.ok) return r;
    const clash = out.find((o) => o.block.series === r.value.block.series && o.block.start <= r.value.block.end && r.value.block.start <= o.block.end);
    if (clash) return intlRefusal("FIELD_INVALID", `${field}[${i}]: overlaps an earlier block of the command`, { field: `${field}[${i}]` });
    out.push(r.value);
  }
  return ok(out);
}

export function total(blocks: readonly { start: bigint; end: bigint }[]): bigint {
  return blocks.reduce((t, b) => t + b.end - b.start + 1n, 0n);
}

/** The unit is held by `party` and still active (10704, 10703). */
export function heldActive(r: Resolved, i: number, party: string): Refusal | undefined {
  if (r.unit.holder !== party) return intlRefusal("A6_NOT_HOLDER", `blocks[${i}] is held by ${r.unit.holder}, not ${party}`, { block: i, holder: r.unit.holder, party });
  if (r.unit.status !== "active") return intlRefusal("A6_UNIT_NOT_ACTIVE", `blocks[${i}] was already ${r.unit.status}`, { block: i, status: r.unit.status });
  return undefined;
}
