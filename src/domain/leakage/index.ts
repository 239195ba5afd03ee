// Carbon-leakage screening: each sector's carbon intensity (carbon price x emissions / value
// added) and trade intensity ((exports + imports) / (domestic output + imports)) tested against
// criteria kept as data: a sector is exposed when every condition of at least one clause holds
// (each condition is "metric strictly above threshold"). Floats: analysis, not allocation.

export type LeakageMetric = "carbonIntensity" | "tradeIntensity";

export interface LeakageCondition {
  metric: LeakageMetric;
  /** Fraction: 0.05 means 5%. The condition holds when the metric is strictly above it. */
  above: number;
}

export interface LeakageCriteria {
  id: string;
  name: string;
  /** Carbon price used by the criteria, in `currency` per t-CO2. */
  price: number;
  currency: string;
  /** Exposed when all conditions of any clause hold. */
  clauses: readonly (readonly LeakageCondition[])[];
  /** Sectors outside the screening (e.g. power, which the EU auctioned fully). */
  excludedSectors: readonly string[];
  source: string;
}

export const EU_PHASE3: LeakageCriteria = {
  id: "eu-phase3",
  name: "EU ETS phase 3 (Directive 2003/87/EC Art. 10a(15)-(16))",
  price: 30,
  currency: "EUR",
  clauses: [
    [{ metric: "carbonIntensity", above: 0.05 }, { metric: "tradeIntensity", above: 0.1 }],
    [{ metric: "carbonIntensity", above: 0.3 }],
    [{ metric: "tradeIntensity", above: 0.3 }],
  ],
  excludedSectors: ["power"],
  source: "DOMAIN.md section 2 (carbon leakage): CI > 5% and TI > 10%, or either > 30%, at EUR 30/t; research/scheme-rules.md 2.5",
};

export const US_KL: LeakageCriteria = {
  id: "us-kl",
  name: "US Kerry-Lieberman bill (American Power Act draft, 2010)",
  price: 20,
  currency: "USD",
  clauses: [
    [{ metric: "carbonIntensity", above: 0.05 }, { metric: "tradeIntensity", above: 0.15 }],
    [{ metric: "carbonIntensity", above: 0.2 }],
  ],
  excludedSectors: ["power"],
  source: "DOMAIN.md section 2 (carbon leakage): CI > 5% and TI > 15%, or CI > 20%, at USD 20/t",
};

export const LEAKAGE_CRITERIA: Readonly<Record<string, LeakageCriteria>> = { "eu-phase3": EU_PHASE3, "us-kl": US_KL };

export interface SectorEconomy {
  sector: string;
  name: string;
  /** Money in millions of the dataset currency. */
  valueAdded: number;
  exports: number;
  imports: number;
  domesticOutput: number;
}

export interface SectorResult {
  sector: string;
  name: string;
  emissionsTonnes: number;
  carbonIntensity: number;
  tradeIntensity: number;
  exposed: boolean;
  /** Index of the first clause that holds, when exposed. */
  clause?: number;
  excluded: boolean;
}

export function carbonIntensity(pricePerTonne: number, emissionsTonnes: number, valueAddedMillions: number): number {
  return valueAddedMillions > 0 ? (pricePerTonne * emissionsTonnes) / (valueAddedMillions * 1e6) : Number.POSITIVE_INFINITY;
}

export function tradeIntensity(s: Pick<SectorEconomy, "exports" | "imports" | "domesticOutput">): number {
  const denominator = s.domesticOutput + s.imports;
  return denominator > 0 ? (s.exports + s.imports) / denominator : 0;
}

/** The first clause whose conditions all hold, or undefined. */
export function firstClause(criteria: LeakageCriteria, values: Record<LeakageMetric, number>): number | undefined {
  const i = criteria.clauses.findIndex((clause) => clause.length > 0 && clause.every((c) => values[c.metric] > c.above));
  return i < 0 ? undefined : i;
}

/**
 * Screens sectors. `emissionsTonnes` per sector are given by the caller (e.g. direct plus indirect
 * electricity); `pricePerTonne` is in the same currency as the sectors' money.
 */
export function screenSectors(
  sectors: readonly SectorEconomy[],
  emissionsTonnes: ReadonlyMap<string, number>,
  criteria: LeakageCriteria,
  pricePerTonne: number,
): SectorResult[] {
  return sectors.map((s) => {
    const e = emissionsTonnes.get(s.sector) ?? 0;
    const values = { carbonIntensity: carbonIntensity(pricePerTonne, e, s.valueAdded), tradeIntensity: tradeIntensity(s) };
    const excluded = criteria.excludedSectors.includes(s.sector);
    const clause = excluded ? undefined : firstClause(criteria, values);
    const r: SectorResult = { sector: s.sector, name: s.name, emissionsTonnes: e, ...values, exposed: clause !== undefined, excluded };
    if (clause !== undefined) r.clause = clause;
    return r;
  });
}

/** Sector emissions for screening: direct emissions plus electricity x grid factor (power: direct only). */
export function sectorEmissions(
  installations: readonly { installation: string; sector: string }[],
  activity: readonly { installation: string; year: number; emissions: number; electricityMwh: number }[],
  year: number,
  gridFactor: number,
): Map<string, number> {
  const sectorOf = new Map(installations.map((i) => [i.installation, i.sector]));
  const out = new Map<string, number>();
  for (const a of activity) {
    if (a.year !== year) continue;
    const s = sectorOf.get(a.installation);
    if (s === undefined) continue;
    const indirect = s === "power" ? 0 : a.electricityMwh * gridFactor;
    out.set(s, (out.get(s) ?? 0) + a.emissions + indirect);
  }
  return out;
}
