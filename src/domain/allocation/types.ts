// The allocation engine's inputs (installations, their activity, the attributes some rules need)
// and outputs (each installation's result, what was skipped, values derived from the data, the
// run with its correction, reserve, gateway and totals).
import type { CorrectionResult } from "./correction.ts";
import type { Explanation } from "./explain.ts";
import type { Text } from "./texts.ts";

export interface InstallationData {
  installation: string;
  sector: string;
  startYear: number;
  capacity?: number;
  product?: string;
}

export interface ActivityData {
  installation: string;
  year: number;
  emissions: number;
  output?: number;
}

/** What the dataset does not hold but some rules need; all optional. */
export interface InstallationAttributes {
  /** Grandfathering class (Tokyo I-1, I-2, II). */
  class?: string;
  /** Certified status keyed in the rule's topLevelFactors (Tokyo: top, near-top). */
  topLevel?: string;
  /** The operator's chosen first base year. */
  baseFrom?: number;
  /** An abnormal base year the operator drops (where the rule allows it). */
  excludeYear?: number;
  /** Options of the benchmark's adjustment factors (China: cooling -> "air"). */
  options?: Readonly<Record<string, string>>;
  /** New entrants: application date (queue order) and first day of operation (ISO dates). */
  applied?: string;
  start?: string;
}

export interface AllocationResult {
  installation: string;
  sector: string;
  method: string;
  /** Whole allowances before the auction share (floor of the exact amount). */
  entitlement: bigint;
  auctionShare: string;
  /** Given free after the auction share, correction and (for entrants) the reserve. */
  free: bigint;
  /** entitlement - free before correction: sold at auction instead. */
  auctioned: bigint;
  newEntrant: boolean;
  /** New entrants: demand the reserve could not meet. */
  unmet?: bigint;
  /** Intensity targets: ex-post balance (+ issued, - owed), when the year's data exist. Ex-ante sectors: final - preAllocation. */
  trueUp?: bigint;
  /** Ex-ante sectors (China power): the share issued before output is known (set by compliance's exAnteSplit). */
  preAllocation?: bigint;
  /** Intensity targets under a gateway: the part of a surplus that may be sold into the absolute sector. */
  gatewayAccepted?: bigint;
  explanation: Explanation;
}

export interface Skipped {
  installation: string;
  sector: string;
  /** Why, in English (the rendering of reasonText). */
  reason: string;
  reasonText: Text;
}

export interface AllocationRun {
  scheme: string;
  year: number;
  results: AllocationResult[];
  skipped: Skipped[];
  /** Values the rules left to the data (derived benchmarks, sector intensities). */
  derived: DerivedValue[];
  correction?: Omit<CorrectionResult, "parts" | "factor"> & { factor: string; kind: string };
  reserve?: { size: bigint; granted: bigint; remaining: bigint; unmet: bigint };
  gateway?: { from: string; to: string; limit?: bigint; requested: bigint; accepted: bigint; netFlow: bigint; closed: boolean };
  totals: { entitlement: bigint; free: bigint; auctioned: bigint };
  /** The full explanation of one installation's result (rebuilt; use after `explain: false`). */
  explain(installation: string): Explanation | undefined;
}

export interface AllocateOptions {
  /** Build explanation texts for every result (default true). */
  explain?: boolean;
  attributes?: ReadonlyMap<string, InstallationAttributes>;
  onProgress?: (done: number, total: number) => void;
}
export interface DerivedValue {
  sector: string;
  product?: string;
  value: string;
  /** How it was derived, in English (the rendering of howText). */
  how: string;
  howText: Text;
}
