// Kyoto block identifiers: the fields the Data Exchange Standards give a block of Kyoto units
// (originating Party, unit type, supplementary unit type, block start and end, original and
// applicable commitment period, LULUCF activity, project, track), written by OpenETS as one string
// of ten parts joined by '-'. The string form is OpenETS's (the standard exchanges the fields one
// by one); it keeps the order in which registries commonly print a serial (party, unit type,
// number, periods, LULUCF activity, project) and adds the block end, the supplementary type and
// the track:
//
//   JP-1-0-1000001-1500000-1-1-0-0-0      AAUs 1000001..1500000 of Japan, first commitment period
//   CN-5-0-117498364-117498400-2-2-0-4087-0   CERs of CDM project 4087 hosted by China
//   RU-3-0-2000-2999-1-1-0-1234-2          ERUs converted from AAUs, JI project 1234, Track 2
//
// "0" means "none" for the supplementary type, LULUCF activity, project and track. Parsing names
// the part that is wrong; validation checks the combination (which unit types carry a project, a
// track, a LULUCF activity) and the commitment periods against the rules.
import { intlRefusal, type Outcome, ok, type Refusal, shown } from "../codes.ts";
import { MAX_UNITS } from "../input.ts";
import { type CommitmentPeriod, isKyotoUnitType, KYOTO_UNIT_TYPES, type KyotoUnitTypeCode, periodByCode } from "./units.ts";

export interface KyotoBlock {
  /** Originating Party, ISO 3166 alpha-2 (the issuing Party; for CERs the host). */
  party: string;
  unitType: KyotoUnitTypeCode;
  supplementaryType: number;
  start: bigint;
  end: bigint;
  originalPeriod: number;
  applicablePeriod: number;
  lulucfActivity: number;
  project: number;
  track: 0 | 1 | 2;
}

export const SERIAL_PARTS = [
  "party",
  "unitType",
  "supplementaryType",
  "blockStart",
  "blockEnd",
  "originalCommitmentPeriod",
  "applicableCommitmentPeriod",
  "lulucfActivity",
  "project",
  "track",
] as const;

export type SerialPart = (typeof SERIAL_PARTS)[number];

const FORM: Record<SerialPart, [RegExp, string]> = {
  party: [/^[A-Z]{2}$/, "an ISO 3166 alpha-2 code in capitals"],
  unitType: [/^[1-7]$/, "a unit type code 1-7 (1 AAU, 2 RMU, 3 ERU from AAU, 4 ERU from RMU, 5 CER, 6 tCER, 7 lCER)"],
  supplementaryType: [/^(0|[1-9]\d?)$/, "a supplementary unit type 0-99"],
  blockStart: [/^[1-9]\d{0,15}$/, "a serial number without leading zeros"],
  blockEnd: [/^[1-9]\d{0,15}$/, "a serial number without leading zeros"],
  originalCommitmentPeriod: [/^\d$/, "a commitment period code 0-9"],
  applicableCommitmentPeriod: [/^\d$/, "a commitment period code 0-9"],
  lulucfActivity: [/^[0-7]$/, "a LULUCF activity code 0-7"],
  project: [/^(0|[1-9]\d{0,11})$/, "a project number (0 for none)"],
  track: [/^[0-2]$/, "a JI track 0-2"],
};

function partError(part: SerialPart, value: string, reason: string): Refusal {
  return intlRefusal("SERIAL_PART_INVALID", `${part} ${shown(value)}: ${reason}`, { part, value: value.slice(0, 40) });
}

/** Parses the ten-part string; refuses naming the first part whose form is wrong (10101, 10102). */
export function parseKyotoBlock(text: unknown): Outcome<KyotoBlock> {
  if (typeof text !== "string" || text.length > 120) return intlRefusal("SERIAL_MALFORMED", `a Kyoto block identifier is a string of ten parts, got ${shown(text)}`, { value: shown(text) });
  const parts = text.trim().split("-");
  if (parts.length !== SERIAL_PARTS.length) {
    return intlRefusal("SERIAL_MALFORMED", `a Kyoto block identifier has ${SERIAL_PARTS.length} parts (${SERIAL_PARTS.join("-")}), got ${parts.length}`, { parts: parts.length });
  }
  for (const [i, name] of SERIAL_PARTS.entries()) {
    const v = parts[i] as string;
    const [re, what] = FORM[name];
    if (!re.test(v)) return partError(name, v, `must be ${what}`);
  }
  const n = (i: number) => Number(parts[i]);
  const block: KyotoBlock = {
    party: parts[0] as string,
    unitType: n(1) as KyotoUnitTypeCode,
    supplementaryType: n(2),
    start: BigInt(parts[3] as string),
    end: BigInt(parts[4] as string),
    originalPeriod: n(5),
    applicablePeriod: n(6),
    lulucfActivity: n(7),
    project: n(8),
    track: n(9) as 0 | 1 | 2,
  };
  return ok(block);
}

export function formatKyotoBlock(b: KyotoBlock): string {
  return [b.party, b.unitType, b.supplementaryType, b.start, b.end, b.originalPeriod, b.applicablePeriod, b.lulucfActivity, b.project, b.track].join("-");
}

export interface SerialContext {
  commitmentPeriods: readonly CommitmentPeriod[];
  /** Unit type / supplementary type pairs a registry adds to the Kyoto ones (which carry 0). */
  extraTypePairs?: readonly (readonly [number, number])[];
}

const CARRIES_LULUCF = new Set<number>([2, 4, 6, 7]);
const CARRIES_PROJECT = new Set<number>([3, 4, 5, 6, 7]);
const CARRIES_TRACK = new Set<number>([3, 4]);

/**
 * Checks a parsed block against the rules, in this order: block range (10103), type pair (10104),
 * commitment periods (10105), LULUCF activity (10106), project (10107), track (10108).
 */
export function validateKyotoBlock(b: KyotoBlock, ctx: SerialContext): Refusal | undefined {
  if (b.start < 1n || b.end < b.start || b.end > MAX_UNITS) {
    return intlRefusal("SERIAL_BLOCK_INVALID", `block ${b.start}-${b.end}: the start must be at least 1 and not after the end, the end at most ${MAX_UNITS}`, { part: "blockEnd", start: String(b.start), end: String(b.end) });
  }
  const pairOk = (isKyotoUnitType(b.unitType) && b.supplementaryType === 0) || (ctx.extraTypePairs ?? []).some(([u, s]) => u === b.unitType && s === b.supplementaryType);
  if (!pairOk) return intlRefusal("SERIAL_TYPE_PAIR_INVALID", `unit type ${b.unitType} with supplementary type ${b.supplementaryType} is not a known pair`, { part: "supplementaryType", unitType: b.unitType, supplementaryType: b.supplementaryType });
  for (const [part, code] of [["originalCommitmentPeriod", b.originalPeriod], ["applicableCommitmentPeriod", b.applicablePeriod]] as const) {
    if (!periodByCode(ctx.commitmentPeriods, code)) return intlRefusal("SERIAL_PERIOD_INVALID", `${part} ${code} is not a commitment period of the rules (${ctx.commitmentPeriods.map((p) => `${p.code} ${p.id}`).join(", ")})`, { part, code });
  }
  if (b.applicablePeriod < b.originalPeriod) return intlRefusal("SERIAL_PERIOD_INVALID", `units of period ${b.originalPeriod} cannot be applicable in the earlier period ${b.applicablePeriod}`, { part: "applicableCommitmentPeriod", original: b.originalPeriod, applicable: b.applicablePeriod });
  const type = KYOTO_UNIT_TYPES[b.unitType];
  const lulucfWanted = b.unitType === 6 || b.unitType === 7 ? "1" : CARRIES_LULUCF.has(b.unitType) ? "1-7" : "0";
  const lulucfOk = lulucfWanted === "1" ? b.lulucfActivity === 1 : lulucfWanted === "1-7" ? b.lulucfActivity >= 1 : b.lulucfActivity === 0;
  if (!lulucfOk) return intlRefusal("SERIAL_LULUCF_INVALID", `a ${type.code} (${type.name}) carries LULUCF activity ${lulucfWanted}, got ${b.lulucfActivity}`, { part: "lulucfActivity", unitType: b.unitType, value: b.lulucfActivity });
  if (CARRIES_PROJECT.has(b.unitType) !== (b.project > 0)) {
    return intlRefusal("SERIAL_PROJECT_INVALID", `a ${type.code} ${CARRIES_PROJECT.has(b.unitType) ? "names its project" : "names no project (0)"}, got ${b.project}`, { part: "project", unitType: b.unitType, value: b.project });
  }
  if (CARRIES_TRACK.has(b.unitType) !== (b.track > 0)) {
    return intlRefusal("SERIAL_TRACK_INVALID", `a ${type.code} ${CARRIES_TRACK.has(b.unitType) ? "names its JI track (1 or 2)" : "names no track (0)"}, got ${b.track}`, { part: "track", unitType: b.unitType, value: b.track });
  }
  return undefined;
}

/** Parses and validates in one step. */
export function readKyotoBlock(text: unknown, ctx: SerialContext): Outcome<KyotoBlock> {
  const p = parseKyotoBlock(text);
  if (!p.ok) return p;
  const bad = validateKyotoBlock(p.value, ctx);
  return bad ?? p;
}

export function blockSize(b: { start: bigint; end: bigint }): bigint {
  return b.end - b.start + 1n;
}

/** Splits off the first `n` units of a block: [first n, rest]; rest is null when n is the whole block. */
export function splitKyotoBlock(b: KyotoBlock, n: bigint): [KyotoBlock, KyotoBlock | null] {
  if (n < 1n || n > blockSize(b)) throw new RangeError(`splitKyotoBlock: ${n} is not within 1..${blockSize(b)}`);
  const first = { ...b, end: b.start + n - 1n };
  return [first, first.end === b.end ? null : { ...b, start: first.end + 1n }];
}
