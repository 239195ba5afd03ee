// Global warming potentials (100-year horizon) of the IPCC's Fourth, Fifth and Sixth Assessment
// Reports: reference data a rulebook chooses from (`mrv.gwp.set`), like a unit catalogue, not a
// rule of any scheme. Each table names its IPCC source; `check` says how each figure here was
// confirmed, because a wrong GWP silently shifts every non-CO2 obligation (tag [V] seen in a
// source that reprints the table, [R] from memory: verify against the IPCC table before relying
// on it). A rulebook may override or add values (`mrv.gwp.overrides`, e.g. a scheme fixed in
// law on an older set). docs/reference/gwp.md is generated from these tables.

/** The gas families of `coverage.gases`; every species belongs to one. */
export type GasFamily = "CO2" | "CH4" | "N2O" | "HFC" | "PFC" | "SF6" | "NF3";

export interface GasInfo {
  readonly id: string;
  readonly formula: string;
  readonly family: GasFamily;
}

export const GASES: readonly GasInfo[] = [
  { id: "CO2", formula: "CO2", family: "CO2" },
  { id: "CH4", formula: "CH4", family: "CH4" },
  { id: "CH4-fossil", formula: "CH4 (fossil origin)", family: "CH4" },
  { id: "CH4-non-fossil", formula: "CH4 (non-fossil origin)", family: "CH4" },
  { id: "N2O", formula: "N2O", family: "N2O" },
  { id: "SF6", formula: "SF6", family: "SF6" },
  { id: "NF3", formula: "NF3", family: "NF3" },
  { id: "HFC-23", formula: "CHF3", family: "HFC" },
  { id: "HFC-32", formula: "CH2F2", family: "HFC" },
  { id: "HFC-41", formula: "CH3F", family: "HFC" },
  { id: "HFC-125", formula: "CHF2CF3", family: "HFC" },
  { id: "HFC-134", formula: "CHF2CHF2", family: "HFC" },
  { id: "HFC-134a", formula: "CH2FCF3", family: "HFC" },
  { id: "HFC-143", formula: "CH2FCHF2", family: "HFC" },
  { id: "HFC-143a", formula: "CH3CF3", family: "HFC" },
  { id: "HFC-152a", formula: "CH3CHF2", family: "HFC" },
  { id: "HFC-227ea", formula: "CF3CHFCF3", family: "HFC" },
  { id: "HFC-236fa", formula: "CF3CH2CF3", family: "HFC" },
  { id: "HFC-245fa", formula: "CHF2CH2CF3", family: "HFC" },
  { id: "HFC-365mfc", formula: "CH3CF2CH2CF3", family: "HFC" },
  { id: "HFC-43-10mee", formula: "CF3CHFCHFCF2CF3", family: "HFC" },
  { id: "PFC-14", formula: "CF4", family: "PFC" },
  { id: "PFC-116", formula: "C2F6", family: "PFC" },
  { id: "PFC-218", formula: "C3F8", family: "PFC" },
  { id: "PFC-318", formula: "c-C4F8", family: "PFC" },
  { id: "PFC-3-1-10", formula: "C4F10", family: "PFC" },
  { id: "PFC-4-1-12", formula: "C5F12", family: "PFC" },
  { id: "PFC-5-1-14", formula: "C6F14", family: "PFC" },
];

const BY_ID = new Map(GASES.map((g) => [g.id, g]));

export function gasInfo(id: string): GasInfo | undefined {
  return BY_ID.get(id);
}

export interface GwpTable {
  readonly id: "AR4" | "AR5" | "AR6";
  readonly name: string;
  readonly source: string;
  readonly check: string;
  /** Gas id -> GWP-100 as decimal text (exact; AR6 has decimals for methane). */
  readonly values: Readonly<Record<string, string>>;
}

export const GWP_TABLES: readonly GwpTable[] = [
  {
    id: "AR4",
    name: "IPCC Fourth Assessment Report (2007), GWP-100",
    source: "IPCC AR4 WG1 (2007), Chapter 2, Table 2.14 (with the errata); the values of the Kyoto Protocol's second commitment period (UNFCCC decision 24/CP.19)",
    check: "[V] every value as reprinted in US 40 CFR 98 Subpart A Table A-1 (AR4 edition, before the 2024 amendment); CH4 25, N2O 298, NF3 17,200 also in The Climate Registry's table",
    values: {
      CO2: "1", CH4: "25", N2O: "298", SF6: "22800", NF3: "17200",
      "HFC-23": "14800", "HFC-32": "675", "HFC-41": "92", "HFC-125": "3500", "HFC-134": "1100", "HFC-134a": "1430",
      "HFC-143": "353", "HFC-143a": "4470", "HFC-152a": "124", "HFC-227ea": "3220", "HFC-236fa": "9810",
      "HFC-245fa": "1030", "HFC-365mfc": "794", "HFC-43-10mee": "1640",
      "PFC-14": "7390", "PFC-116": "12200", "PFC-218": "8830", "PFC-318": "10300", "PFC-3-1-10": "8860",
      "PFC-4-1-12": "9160", "PFC-5-1-14": "9300",
    },
  },
  {
    id: "AR5",
    name: "IPCC Fifth Assessment Report (2013), GWP-100 without climate-carbon feedbacks",
    source: "IPCC AR5 WG1 (2013), Chapter 8, Appendix 8.A, Table 8.A.1; the values of the Paris Agreement transparency framework (decision 18/CMA.1, annex, para. 37)",
    check: "[V] CH4 28, N2O 265, NF3 16,100 in The Climate Registry's table; [R] the other values, from memory: verify against Table 8.A.1",
    values: {
      CO2: "1", CH4: "28", N2O: "265", SF6: "23500", NF3: "16100",
      "HFC-23": "12400", "HFC-32": "677", "HFC-41": "116", "HFC-125": "3170", "HFC-134": "1120", "HFC-134a": "1300",
      "HFC-143": "328", "HFC-143a": "4800", "HFC-152a": "138", "HFC-227ea": "3350", "HFC-236fa": "8060",
      "HFC-245fa": "858", "HFC-365mfc": "804", "HFC-43-10mee": "1650",
      "PFC-14": "6630", "PFC-116": "11100", "PFC-218": "8900", "PFC-318": "9540", "PFC-3-1-10": "9200",
      "PFC-4-1-12": "8550", "PFC-5-1-14": "7910",
    },
  },
  {
    id: "AR6",
    name: "IPCC Sixth Assessment Report (2021), GWP-100",
    source: "IPCC AR6 WG1 (2021), Chapter 7, Table 7.15 and Supplementary Material Table 7.SM.7",
    check: "[V] CH4 27.9 (Table 7.SM.7, as cited by the encyclopaedia entry on GWP); HFC-32 771, HFC-125 3,740, HFC-143a 5,810 and HFC-134a (1,530 rounded; 1,526) in a refrigerant table citing AR6; [R] the other values, from memory: verify against Tables 7.15 and 7.SM.7",
    values: {
      CO2: "1", CH4: "27.9", "CH4-fossil": "29.8", "CH4-non-fossil": "27.0", N2O: "273", SF6: "25200", NF3: "17400",
      "HFC-23": "14600", "HFC-32": "771", "HFC-41": "135", "HFC-125": "3740", "HFC-134": "1260", "HFC-134a": "1526",
      "HFC-143": "364", "HFC-143a": "5810", "HFC-152a": "164", "HFC-227ea": "3600", "HFC-236fa": "8690",
      "HFC-245fa": "962", "HFC-365mfc": "914", "HFC-43-10mee": "1600",
      "PFC-14": "7380", "PFC-116": "12400", "PFC-218": "9290", "PFC-318": "10200", "PFC-3-1-10": "10000",
      "PFC-4-1-12": "9220", "PFC-5-1-14": "8620",
    },
  },
];

export const GWP_SET_IDS = ["AR4", "AR5", "AR6"] as const;
export type GwpSetId = (typeof GWP_SET_IDS)[number];

export function gwpTable(set: GwpSetId): GwpTable {
  const t = GWP_TABLES.find((x) => x.id === set);
  if (!t) throw new RangeError(`no GWP table ${set}`);
  return t;
}

/**
 * The GWP of a gas under a set, with a rulebook's overrides taking precedence; undefined for a gas
 * neither knows. Overrides are numbers from the rulebook, read exactly as their decimal text.
 */
export function gwpOf(set: GwpSetId, gas: string, overrides: Readonly<Record<string, number>> = {}): string | undefined {
  if (Object.hasOwn(overrides, gas)) return String(overrides[gas]);
  const t = gwpTable(set).values;
  return Object.hasOwn(t, gas) ? t[gas] : undefined;
}
