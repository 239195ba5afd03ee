// Kyoto units as the Data Exchange Standards number them (the codes every Kyoto registry and the
// international transaction log used, as in the UK ETS registry's UnitType and
// EnvironmentalActivity): unit types 1-7, LULUCF activities 1-7, commitment periods by code (from
// the rules, not from here). The expiry of temporary and long-term CERs (Decision 5/CMP.1): a tCER
// expires at the end of the commitment period after the one it was issued for; an lCER at the end
// of the crediting period of its afforestation or reforestation project.
import type { KyotoRules } from "../../rulebook/international.ts";
import { intlRefusal, type Outcome, ok, type Refusal } from "../codes.ts";

export const KYOTO_UNIT_TYPES = {
  1: { code: "AAU", name: "assigned amount unit" },
  2: { code: "RMU", name: "removal unit" },
  3: { code: "ERU", name: "emission reduction unit converted from an AAU" },
  4: { code: "ERU", name: "emission reduction unit converted from an RMU" },
  5: { code: "CER", name: "certified emission reduction" },
  6: { code: "tCER", name: "temporary CER" },
  7: { code: "lCER", name: "long-term CER" },
} as const;

export type KyotoUnitTypeCode = keyof typeof KYOTO_UNIT_TYPES;

export const LULUCF_ACTIVITIES = {
  1: "afforestation and reforestation",
  2: "deforestation",
  3: "forest management",
  4: "cropland management",
  5: "grazing land management",
  6: "revegetation",
  7: "wetland drainage and rewetting",
} as const;

export function isKyotoUnitType(n: number): n is KyotoUnitTypeCode {
  return Number.isInteger(n) && n >= 1 && n <= 7;
}

export type CommitmentPeriod = KyotoRules["commitmentPeriods"][number];

/** The commitment period containing a year, if any. */
export function periodOfYear(periods: readonly CommitmentPeriod[], year: number): CommitmentPeriod | undefined {
  return periods.find((p) => year >= p.from && year <= p.to);
}

export function periodByCode(periods: readonly CommitmentPeriod[], code: number): CommitmentPeriod | undefined {
  return periods.find((p) => p.code === code);
}

/**
 * The expiry date of a tCER issued for the commitment period with `code`: the last day of the
 * next commitment period in the rules. Refused (10007) when the rules name no next period.
 */
export function tcerExpiry(periods: readonly CommitmentPeriod[], code: number): Outcome<string> {
  const i = periods.findIndex((p) => p.code === code);
  if (i < 0) return intlRefusal("RULES_MISSING", `no commitment period with code ${code} in the rules`, { rule: "kyoto.commitmentPeriods", code });
  const next = periods[i + 1];
  if (!next) return intlRefusal("RULES_MISSING", `a tCER issued for period ${periods[i]?.id} expires at the end of the next commitment period, which the rules do not define`, { rule: "kyoto.commitmentPeriods", code });
  return ok(`${next.to}-12-31`);
}

/** The expiry date of an lCER: the last day of its project's crediting period. */
export function lcerExpiry(creditingPeriodEnd: string): string {
  return creditingPeriodEnd;
}

/** Refuses (10201) a unit that has expired by `onDate` (both YYYY-MM-DD; the expiry day itself is still valid). */
export function checkNotExpired(unit: { unitType: string; expiry: string | null }, onDate: string): Refusal | undefined {
  if (unit.expiry !== null && onDate > unit.expiry) return intlRefusal("UNIT_EXPIRED", `the ${unit.unitType} expired on ${unit.expiry}`, { unitType: unit.unitType, expiry: unit.expiry, date: onDate });
  return undefined;
}
