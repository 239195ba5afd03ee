// A Party's own Kyoto units: AAUs issued up to its assigned amount for a commitment period, RMUs
// issued for the net removals accounted for a LULUCF activity (Decision 13/CMP.1), and the
// carry-over of units into the next commitment period, which the rules allow per unit type
// (AAUs without limit, CERs and ERUs up to 2.5% of the assigned amount each, never RMUs, tCERs or
// lCERs). The assigned amount and the accounted removals are figures of the Party's reports, so
// they are inputs here, not rules.
import type { KyotoRules } from "../../rulebook/international.ts";
import { mulDiv } from "../../quantity/index.ts";
import { decimalFraction } from "../../rulebook/index.ts";
import { intlRefusal, type Outcome, ok } from "../codes.ts";
import { checkParty, parseUnits } from "../input.ts";
import type { KyotoBlock } from "./serial.ts";
import { KYOTO_UNIT_TYPES, periodByCode } from "./units.ts";

export interface PartyIssuance {
  /** Issuing Party, ISO 3166 alpha-2. */
  party: string;
  /** Commitment period code. */
  period: number;
  quantity: bigint | string | number;
  serialStart: bigint | string | number;
  /** The ceiling: the assigned amount (AAUs) or the net removals accounted for the activity (RMUs). */
  ceiling: bigint;
  /** Units of this kind already issued for the period (and activity). */
  alreadyIssued: bigint;
}

function issueParty(r: PartyIssuance, rules: KyotoRules, unitType: 1 | 2, lulucfActivity: number): Outcome<KyotoBlock> {
  const q = parseUnits(r.quantity, "quantity");
  if (!q.ok) return q;
  const s = parseUnits(r.serialStart, "serialStart");
  if (!s.ok) return s;
  const bad = checkParty(r.party, "party", "alpha-2");
  if (bad) return bad;
  if (!periodByCode(rules.commitmentPeriods, r.period)) return intlRefusal("SERIAL_PERIOD_INVALID", `no commitment period ${r.period} in the rules`, { part: "originalCommitmentPeriod", code: r.period });
  if (r.alreadyIssued + q.value > r.ceiling) {
    return intlRefusal("AAU_EXCEEDS_ASSIGNED", `${r.alreadyIssued} ${KYOTO_UNIT_TYPES[unitType].code}s issued of ${r.ceiling}; ${q.value} more would exceed it`, { issued: String(r.alreadyIssued), ceiling: String(r.ceiling), quantity: String(q.value) });
  }
  return ok({ party: r.party, unitType, supplementaryType: 0, start: s.value, end: s.value + q.value - 1n, originalPeriod: r.period, applicablePeriod: r.period, lulucfActivity, project: 0, track: 0 });
}

/** AAUs of the Party for the period, up to its assigned amount (10209). */
export function issueAaus(r: PartyIssuance, rules: KyotoRules): Outcome<KyotoBlock> {
  return issueParty(r, rules, 1, 0);
}

/** RMUs for the net removals of a LULUCF activity (1-7), up to what was accounted (10209). */
export function issueRmus(r: PartyIssuance & { lulucfActivity: number }, rules: KyotoRules): Outcome<KyotoBlock> {
  if (!Number.isInteger(r.lulucfActivity) || r.lulucfActivity < 1 || r.lulucfActivity > 7) {
    return intlRefusal("SERIAL_LULUCF_INVALID", "an RMU names the LULUCF activity (1-7) of its removals", { part: "lulucfActivity", value: r.lulucfActivity });
  }
  return issueParty(r, rules, 2, r.lulucfActivity);
}

export interface CarryOver {
  block: KyotoBlock;
  /** The Party's assigned amount for the period the block is applicable in. */
  assignedAmount: bigint;
  /** Units of the same type the Party already carried over from that period. */
  alreadyCarried: bigint;
}

/**
 * The block made applicable in the next commitment period. Refused (10210) for a unit type the
 * rules do not let carry over or when the rules have no next period, (10211) beyond a share of
 * the assigned amount (rounded down).
 */
export function carryOver(c: CarryOver, rules: KyotoRules): Outcome<KyotoBlock> {
  const type = KYOTO_UNIT_TYPES[c.block.unitType].code;
  const rule = rules.carryOver[type];
  const i = rules.commitmentPeriods.findIndex((p) => p.code === c.block.applicablePeriod);
  const next = rules.commitmentPeriods[i + 1];
  if (rule === undefined || i < 0 || !next) {
    return intlRefusal("CARRY_OVER_NOT_ALLOWED", rule === undefined ? `${type}s cannot be carried over` : `the rules define no commitment period after ${c.block.applicablePeriod}`, { unitType: type, period: c.block.applicablePeriod });
  }
  const n = c.block.end - c.block.start + 1n;
  if (rule !== "unlimited") {
    const [num, den] = decimalFraction(rule.maxShareOfAssignedAmount);
    const max = mulDiv(c.assignedAmount, num, den, "floor");
    if (c.alreadyCarried + n > max) return intlRefusal("CARRY_OVER_LIMIT", `${type}s may be carried over up to ${max} (${rule.maxShareOfAssignedAmount} of ${c.assignedAmount}); ${c.alreadyCarried} already, ${n} more`, { unitType: type, max: String(max), already: String(c.alreadyCarried), quantity: String(n) });
  }
  return ok({ ...c.block, applicablePeriod: next.code });
}
