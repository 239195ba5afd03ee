// Joint Implementation issuance: the host Party issues ERUs by converting AAUs or RMUs it holds
// (Decision 13/CMP.1), keeping their serial numbers and adding the project and the track. Track 1
// is open to a host meeting all the eligibility requirements, which verifies the reductions
// itself; under Track 2 an accredited independent entity determines them (JI Supervisory
// Committee procedure). A conversion never exceeds the verified or determined reductions not yet
// converted, and the units converted belong to the commitment period of the reductions.
import type { KyotoRules } from "../../rulebook/international.ts";
import { intlRefusal, type Outcome, ok, type Refusal } from "../codes.ts";
import { checkRecordId } from "../input.ts";
import { blockSize, type KyotoBlock } from "./serial.ts";
import { periodByCode } from "./units.ts";

export interface JiProject {
  /** Project number (as in the block identifiers). */
  number: number;
  /** Host Party, ISO 3166 alpha-2. */
  host: string;
  track: 1 | 2;
  /** A project enhancing removals by sinks (LULUCF). */
  sink: boolean;
}

export interface JiConversion {
  project: JiProject;
  /** AAU or RMU blocks held by the host, converted whole. */
  blocks: readonly KyotoBlock[];
  /** Years of the reductions the ERUs are issued for. */
  reductionYears: { from: number; to: number };
  /** Verified (Track 1) or determined (Track 2) reductions of those years, and how many were already converted. */
  verified: bigint;
  alreadyConverted: bigint;
  /** Whether the host meets all the eligibility requirements (needed for Track 1). */
  hostMeetsAllEligibility: boolean;
  /** Track 2: the accredited independent entity's final determination. */
  determination?: { entity: string; reference: string };
}

export interface JiResult {
  erus: KyotoBlock[];
  quantity: bigint;
}

function trackCheck(c: JiConversion): Refusal | undefined {
  if (c.project.track === 1 && !c.hostMeetsAllEligibility) {
    return intlRefusal("JI_TRACK1_INELIGIBLE", `host ${c.project.host} does not meet all the eligibility requirements: use the Track 2 procedure`, { host: c.project.host });
  }
  if (c.project.track === 2) {
    const d = c.determination;
    if (!d) return intlRefusal("JI_TRACK2_UNDETERMINED", "Track 2 issuance needs the final determination of an accredited independent entity", { field: "determination" });
    const bad = checkRecordId(d.entity, "determination.entity") ?? checkRecordId(d.reference, "determination.reference");
    if (bad) return bad;
  }
  return undefined;
}

function blockCheck(b: KyotoBlock, i: number, c: JiConversion, rules: KyotoRules): Refusal | undefined {
  const at = { block: i };
  if (b.unitType !== 1 && b.unitType !== 2) return intlRefusal("JI_SOURCE_NOT_CONVERTIBLE", `block ${i} has unit type ${b.unitType}: only AAUs (1) and RMUs (2) convert to ERUs`, { ...at, unitType: b.unitType });
  if (b.party !== c.project.host) return intlRefusal("JI_NOT_HOST_UNITS", `block ${i} was issued by ${b.party}, not by the host ${c.project.host}`, { ...at, party: b.party, host: c.project.host });
  if (rules.ji?.rmuOnlyForSinkProjects && (b.unitType === 2) !== c.project.sink) {
    const want = c.project.sink ? "RMUs" : "AAUs";
    return intlRefusal("JI_SOURCE_MISMATCH", `block ${i}: a ${c.project.sink ? "sink" : "non-sink"} project converts ${want}`, { ...at, unitType: b.unitType, sink: c.project.sink });
  }
  const p = periodByCode(rules.commitmentPeriods, b.originalPeriod);
  const { from, to } = c.reductionYears;
  if (!p || from < p.from || to > p.to || from > to) {
    return intlRefusal("JI_PERIOD_MISMATCH", `block ${i} belongs to commitment period ${b.originalPeriod}${p ? ` (${p.from}-${p.to})` : ""}; the reductions are of ${from}-${to}`, { ...at, period: b.originalPeriod, from, to });
  }
  return undefined;
}

/**
 * Converts the blocks to ERUs. Checks, in order: the track (10205, 10206), each block in turn
 * (10202 unit type, 10203 issuing Party, 10204 AAU/RMU for the project type, 10207 period), then
 * the quantity against the verified reductions left (10208).
 */
export function convertToErus(c: JiConversion, rules: KyotoRules): Outcome<JiResult> {
  const t = trackCheck(c);
  if (t) return t;
  for (const [i, b] of c.blocks.entries()) {
    const bad = blockCheck(b, i, c, rules);
    if (bad) return bad;
  }
  const quantity = c.blocks.reduce((s, b) => s + blockSize(b), 0n);
  const left = c.verified - c.alreadyConverted;
  if (quantity === 0n || quantity > left) {
    return intlRefusal("JI_EXCEEDS_VERIFIED", `converting ${quantity} ERUs but ${left} verified reductions are left to convert`, { quantity: String(quantity), left: String(left) });
  }
  const erus = c.blocks.map((b): KyotoBlock => ({
    ...b,
    unitType: b.unitType === 1 ? 3 : 4,
    project: c.project.number,
    track: c.project.track,
    lulucfActivity: b.unitType === 2 ? b.lulucfActivity : 0,
  }));
  return ok({ erus, quantity });
}
