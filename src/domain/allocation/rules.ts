// The allocation engine's own view of the rules for one year: what `from-rulebook.ts` maps a
// validated rulebook to (periods resolved, numbers read as exact ratios, the budget computed).
// Keeping it separate lets the engine be tested on hand-made rules and survive rulebook changes.
import type { ChangeRules } from "./changes.ts";
import type { CorrectionMode } from "./correction.ts";
import type { Ratio } from "./ratio.ts";
import type { AuctionRules } from "./shares.ts";

export type Reduction =
  | { kind: "fixed"; rate: Ratio }
  /** rate of year y: annualRate x (y - fromYear) (linear) or 1 - (1 - annualRate)^(y - fromYear) (compound). */
  | { kind: "annual"; annualRate: Ratio; fromYear: number; compound: boolean };

export interface BasePeriodRule {
  /** "operator": the operator's named first year (from the installation's attributes), else the steadiest run. */
  choice: "operator" | "auto" | "fixed";
  years: number;
  window: { from: number; to: number };
  excludeAbnormalYear: boolean;
}

export interface GrandfatheringRule {
  method: "grandfathering";
  basePeriod: BasePeriodRule;
  reduction: Reduction;
  classes: Readonly<Record<string, Reduction>>;
  topLevelFactors: Readonly<Record<string, Ratio>>;
}

export interface BenchmarkRule {
  method: "benchmark";
  /** Product id -> benchmark; a product without a value gets one derived from the data (`derive`). */
  products: Readonly<Record<string, { value?: Ratio; unit: string }>>;
  /** How missing values are derived from installation data (top X%, boundary or average, by count or output). */
  derive?: { topPercent: number; method: "boundary" | "average"; weighting: "count" | "output" };
  fallbacks: { heat?: Ratio; fuel?: Ratio; process?: { reduction: Reduction; basePeriod: BasePeriodRule } };
  activity: { basis: "historical" | "current" | "previous-year"; window?: { from: number; to: number }; statistic: "mean" | "median" };
  newEntrantUtilisation?: Ratio;
  /** Named multipliers per installation attribute (China: cooling, heat supply): factor -> option -> value. */
  adjustmentFactors: Readonly<Record<string, Readonly<Record<string, Ratio>>>>;
}

export interface OutputBasedRule {
  method: "output-based";
  /** Sector average intensity; computed from the data (sector emissions / sector output over the lag years) when absent. */
  intensity?: Ratio;
  lagYears: readonly number[];
}

export interface IntensityRule {
  method: "intensity-target";
  /** Target per product ("*" for the sector's output) for the year. */
  targets: Readonly<Record<string, Ratio>>;
}

export interface AuctionOnlyRule {
  method: "auction";
}

export type SectorRule = GrandfatheringRule | BenchmarkRule | OutputBasedRule | IntensityRule | AuctionOnlyRule;

export type CorrectionRule =
  | { kind: "none" }
  | { kind: "uniform"; mode: CorrectionMode; budget: bigint; excludeSectors: readonly string[] }
  /** A published factor for the year, applied as given (floor per installation). */
  | { kind: "factor"; factor: Ratio; excludeSectors: readonly string[] };

export interface AllocationRules {
  scheme: string;
  year: number;
  sectors: Readonly<Record<string, SectorRule>>;
  auction: AuctionRules;
  correction: CorrectionRule;
  /** The new entrants' reserve for the year, when the scheme has one. */
  reserve?: bigint;
  /** Period id of the year, for messages. */
  period?: string;
  /** UK 2002 gateway: ex-post surpluses of the `from` (intensity) sector may flow into the `to` sector up to maxNetFlow (no cap when absent). */
  gateway?: { from: string; to: string; maxNetFlow?: bigint; netFlowSoFar?: bigint };
  /** How closures, suspensions, capacity reductions and changes of owner turn into returns and obligations. */
  changes?: ChangeRules;
}
