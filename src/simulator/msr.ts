// The simulator's arithmetic for the market stability reserve rule of src/domain/stability/msr.ts:
// model quantities are floating-point numbers (scenario units, possibly scaled by capScale), so the
// rule's branches are the domain's and only the number type differs. The registry-facing path runs
// the same `msrDecide` on whole allowances.
import type { MsrArithmetic, MsrParams } from "../domain/stability/msr.ts";
import type { MsrRule } from "./scenario.ts";

/** Floating-point model quantities (a simulation, not the ledger). */
export const FLOAT: MsrArithmetic<number, number> = {
  zero: 0,
  less: (a, b) => a < b,
  sub: (a, b) => a - b,
  min: (a, b) => Math.min(a, b),
  applyRate: (q, r) => r * q,
};

/** A scenario's MSR rule as the domain rule's parameters. */
export function msrParams(rule: MsrRule): MsrParams<number, number> {
  return {
    upperThreshold: rule.upperThreshold,
    lowerThreshold: rule.lowerThreshold,
    rate: rule.intakeRate,
    minIntake: undefined,
    bufferUpTo: rule.bufferThreshold,
    release: rule.releaseQuantity,
  };
}
