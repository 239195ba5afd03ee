// Correction to the budget: when the preliminary free allocations exceed what the cap leaves for
// them, every (non-exempt) allocation is scaled by one uniform factor budget / total, in whole
// allowances, and the parts sum exactly to the budget (largest remainder, ties to the earlier
// installation). "fit" mode also scales up (the Netherlands' factor that makes the sum fit).
import { largestRemainder, sum } from "../quantity/index.ts";
import type { Ratio } from "./ratio.ts";
import { frac, ONE } from "./ratio.ts";

export type CorrectionMode = "cap" | "fit";

export interface CorrectionResult {
  parts: bigint[];
  /** budget / total of the corrected parts (1 when nothing was scaled). */
  factor: Ratio;
  applied: boolean;
  /** The budget left for the corrected parts (budget minus the exempt ones). */
  available: bigint;
  before: bigint;
  after: bigint;
}

export class BudgetError extends Error {}

/**
 * Scales the non-exempt amounts to fit `budget`. Exempt amounts (EU: electricity generators under
 * the cross-sectoral factor) stay as they are and use up budget first; if they alone exceed it,
 * that is an error the rulebook must resolve.
 */
export function correctToBudget(amounts: readonly bigint[], budget: bigint, mode: CorrectionMode = "cap", exempt: readonly boolean[] = []): CorrectionResult {
  if (budget < 0n) throw new BudgetError(`budget must not be negative, got ${budget}`);
  const before = sum(amounts);
  let exemptTotal = 0n;
  const idx: number[] = [];
  amounts.forEach((a, i) => {
    if (a < 0n) throw new BudgetError(`amount ${i} is negative`);
    if (exempt[i] === true) exemptTotal += a;
    else idx.push(i);
  });
  const available = budget - exemptTotal;
  if (available < 0n) throw new BudgetError(`exempt allocations (${exemptTotal}) alone exceed the budget (${budget})`);
  const scaled = idx.map((i) => amounts[i] as bigint);
  const scaledTotal = sum(scaled);
  const needed = mode === "fit" ? scaledTotal !== available && scaledTotal > 0n : scaledTotal > available;
  if (!needed) return { parts: [...amounts], factor: ONE, applied: false, available, before, after: before };
  const split = largestRemainder(available, scaled);
  const parts = [...amounts];
  idx.forEach((i, k) => {
    parts[i] = split[k] as bigint;
  });
  return { parts, factor: frac(available, scaledTotal), applied: true, available, before, after: sum(parts) };
}
