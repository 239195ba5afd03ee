// The EU market stability reserve as one rule with its thresholds, rates, windows and dates taken
// from the rulebook (`stability.msr`). `msrDecide` is the rule itself, written once over a small
// arithmetic interface so the registry-facing path runs it on whole allowances (bigint, the
// rulebook's named rounding) and the simulator runs the very same branches on its model quantities
// (src/simulator/msr.ts). `msrDecision` adds the timing: the TNAC of year x is published by
// 1 June of x + 1 and an intake reduces auction volumes month by month over its window (September
// x + 1 to August x + 2; January to August 2019 at 16% for the start), in whole allowances that
// sum exactly (largest remainder, earlier months first).
import { assertNever, div, largestRemainder, maxBig, minBig } from "../quantity/index.ts";
import type { Rounding } from "../quantity/index.ts";
import { decimalFraction } from "../rulebook/index.ts";
import type { MsrSection, MsrWindow } from "../rulebook/stability.ts";

/** The arithmetic the rule needs; `Q` is a quantity, `R` a rate. */
export interface MsrArithmetic<Q, R> {
  zero: Q;
  less(a: Q, b: Q): boolean;
  sub(a: Q, b: Q): Q;
  min(a: Q, b: Q): Q;
  /** q x r, rounded as the instance says. */
  applyRate(q: Q, r: R): Q;
}

/** The parameters of one TNAC year. */
export interface MsrParams<Q, R> {
  upperThreshold: Q;
  lowerThreshold: Q;
  rate: R;
  minIntake: Q | undefined;
  /** Buffer rule in force: upper < TNAC <= bufferUpTo takes TNAC - upper. */
  bufferUpTo: Q | undefined;
  release: Q;
}

/** Which part of the rule decided: intake by the rate, by the buffer rule, none because below the minimum, release, or nothing. */
export type MsrBranch = "intake-rate" | "intake-buffer" | "below-minimum" | "release" | "none";

export interface MsrOutcome<Q> {
  branch: MsrBranch;
  intake: Q;
  release: Q;
}

/**
 * The rule: TNAC above the upper threshold takes the rate's share of TNAC (nothing when that is
 * below the minimum intake), or TNAC - upper while the buffer rule applies and TNAC is at most its
 * bound; TNAC below the lower threshold releases `release`, or all the reserve holds if it holds
 * fewer; otherwise nothing moves.
 */
export function msrDecide<Q, R>(A: MsrArithmetic<Q, R>, p: MsrParams<Q, R>, tnac: Q, holdings: Q): MsrOutcome<Q> {
  if (A.less(p.upperThreshold, tnac)) {
    if (p.bufferUpTo !== undefined && !A.less(p.bufferUpTo, tnac)) return { branch: "intake-buffer", intake: A.sub(tnac, p.upperThreshold), release: A.zero };
    const x = A.applyRate(tnac, p.rate);
    if (p.minIntake !== undefined && A.less(x, p.minIntake)) return { branch: "below-minimum", intake: A.zero, release: A.zero };
    return { branch: "intake-rate", intake: x, release: A.zero };
  }
  if (A.less(tnac, p.lowerThreshold)) {
    const held = A.less(holdings, A.zero) ? A.zero : holdings;
    return { branch: "release", intake: A.zero, release: A.min(p.release, held) };
  }
  return { branch: "none", intake: A.zero, release: A.zero };
}

/** Holdings above the threshold are invalidated (none without a threshold). */
export function msrInvalidate<Q, R>(A: MsrArithmetic<Q, R>, threshold: Q | undefined, holdings: Q): Q {
  return threshold !== undefined && A.less(threshold, holdings) ? A.sub(holdings, threshold) : A.zero;
}

/** An exact rate with the rounding that turns rate x TNAC into whole allowances. */
export interface ExactRate {
  n: bigint;
  d: bigint;
  rounding: Rounding;
}

/** Whole allowances. */
export const EXACT: MsrArithmetic<bigint, ExactRate> = {
  zero: 0n,
  less: (a, b) => a < b,
  sub: (a, b) => a - b,
  min: minBig,
  applyRate: (q, r) => div(q * r.n, r.d, r.rounding),
};

// ---------------------------------------------------------------- the rulebook's rule for a year

export interface MsrYearRule {
  tnacYear: number;
  params: MsrParams<bigint, ExactRate>;
  /** The rate as written in the rulebook (0.24). */
  rate: number;
  intakeWindow: MsrWindow;
  releaseWindow: MsrWindow;
  /** Date (YYYY-MM-DD) by which the TNAC of `tnacYear` is published. */
  publishedBy: string;
}

const inYears = (r: { from: number; to?: number | undefined }, y: number) => r.from <= y && y <= (r.to ?? Number.POSITIVE_INFINITY);

/** The parameters that apply to the TNAC of a year; undefined when no intake rate covers it (the reserve does not act on it). */
export function msrRuleFor(msr: MsrSection, tnacYear: number): MsrYearRule | undefined {
  const row = msr.intakeRates.find((r) => inYears(r, tnacYear));
  if (!row) return undefined;
  const [n, d] = decimalFraction(row.rate);
  const bufferUpTo = msr.buffer && tnacYear >= msr.buffer.from ? msr.buffer.upTo : undefined;
  const intakeWindow = row.window ?? msr.intakeWindow;
  return {
    tnacYear,
    params: {
      upperThreshold: msr.upperThreshold,
      lowerThreshold: msr.lowerThreshold,
      rate: { n, d, rounding: msr.rounding },
      minIntake: row.minIntake ?? msr.minIntake,
      bufferUpTo,
      release: msr.release,
    },
    rate: row.rate,
    intakeWindow,
    releaseWindow: msr.releaseWindow ?? msr.intakeWindow,
    publishedBy: `${tnacYear + 1}-${msr.publication}`,
  };
}

export type InvalidationThreshold = { kind: "amount"; amount: bigint } | { kind: "previous-year-auction-volume" } | undefined;

/** The invalidation rule in force in a year, if any. */
export function invalidationRuleFor(msr: MsrSection, year: number): InvalidationThreshold {
  const r = msr.invalidation.find((x) => inYears(x, year));
  if (!r) return undefined;
  return r.above === "previous-year-auction-volume" ? { kind: "previous-year-auction-volume" } : { kind: "amount", amount: r.above };
}

// ---------------------------------------------------------------- timing

export interface MonthAmount {
  /** YYYY-MM */
  month: string;
  intake: bigint;
  release: bigint;
}

function monthsOf(tnacYear: number, w: MsrWindow): string[] {
  const out: string[] = [];
  let y = tnacYear + w.yearOffset;
  let m = w.startMonth;
  for (let i = 0; i < w.months; i++) {
    out.push(`${y}-${String(m).padStart(2, "0")}`);
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}

/** An amount spread evenly over a window's months in whole allowances (largest remainder: earlier months take the extra units). */
export function spreadOverWindow(amount: bigint, tnacYear: number, w: MsrWindow): { month: string; amount: bigint }[] {
  const months = monthsOf(tnacYear, w);
  const parts = largestRemainder(amount, months.map(() => 1n));
  return months.map((month, i) => ({ month, amount: parts[i] as bigint }));
}

function schedule(rule: MsrYearRule, intake: bigint, release: bigint): MonthAmount[] {
  const rows = new Map<string, MonthAmount>();
  const row = (month: string) => {
    let r = rows.get(month);
    if (!r) rows.set(month, (r = { month, intake: 0n, release: 0n }));
    return r;
  };
  if (intake > 0n) for (const x of spreadOverWindow(intake, rule.tnacYear, rule.intakeWindow)) row(x.month).intake += x.amount;
  if (release > 0n) for (const x of spreadOverWindow(release, rule.tnacYear, rule.releaseWindow)) row(x.month).release += x.amount;
  return [...rows.values()].sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : 0));
}

// ---------------------------------------------------------------- a year's decision

export interface MsrInput {
  /** The year the TNAC counts up to (its figure is published the year after). */
  tnacYear: number;
  tnac: bigint;
  /** Allowances the reserve holds when the decision is taken. */
  holdings: bigint;
  /** Total auction volume of the year before the publication year (the 2023 invalidation rule). */
  previousAuctionVolume?: bigint | undefined;
}

export interface MsrDecision {
  tnacYear: number;
  publishedBy: string;
  tnac: bigint;
  holdings: bigint;
  branch: MsrBranch;
  rate: number;
  intake: bigint;
  release: bigint;
  /** Holdings above the invalidation threshold in force in the publication year. */
  invalidated: bigint;
  invalidationThreshold: bigint | null;
  /** Holdings once the window has run: holdings - invalidated + intake - release. */
  holdingsAfter: bigint;
  schedule: MonthAmount[];
}

export type MsrDecisionResult =
  | { ok: true; decision: MsrDecision }
  | { ok: false; code: "msr-not-in-force"; facts: { tnacYear: number; years: string } }
  | { ok: false; code: "msr-negative-input"; facts: { field: "tnac" | "holdings" | "previousAuctionVolume"; value: bigint } }
  | { ok: false; code: "msr-previous-auction-volume-needed"; facts: { year: number } };

function invalidationThreshold(msr: MsrSection, input: MsrInput): { ok: true; value: bigint | undefined } | { ok: false; year: number } {
  const year = input.tnacYear + 1;
  const t = invalidationRuleFor(msr, year);
  if (t === undefined) return { ok: true, value: undefined };
  switch (t.kind) {
    case "amount":
      return { ok: true, value: t.amount };
    case "previous-year-auction-volume":
      return input.previousAuctionVolume === undefined ? { ok: false, year } : { ok: true, value: input.previousAuctionVolume };
    default:
      return assertNever(t);
  }
}

/**
 * What the reserve does with the TNAC of a year: intake or release by the rule in force for that
 * TNAC year, spread over its window month by month; invalidation of the holdings above the
 * threshold of the publication year. Refusals are values with a code; nothing throws for input.
 */
export function msrDecision(msr: MsrSection, input: MsrInput): MsrDecisionResult {
  for (const field of ["tnac", "holdings", "previousAuctionVolume"] as const) {
    const v = input[field];
    if (v !== undefined && v < 0n) return { ok: false, code: "msr-negative-input", facts: { field, value: v } };
  }
  const rule = msrRuleFor(msr, input.tnacYear);
  if (!rule) {
    const years = msr.intakeRates.map((r) => `${r.from}-${r.to ?? ""}`).join(", ");
    return { ok: false, code: "msr-not-in-force", facts: { tnacYear: input.tnacYear, years } };
  }
  const threshold = invalidationThreshold(msr, input);
  if (!threshold.ok) return { ok: false, code: "msr-previous-auction-volume-needed", facts: { year: threshold.year } };
  const invalidated = msrInvalidate(EXACT, threshold.value, input.holdings);
  const held = input.holdings - invalidated;
  const o = msrDecide(EXACT, rule.params, input.tnac, held);
  return {
    ok: true,
    decision: {
      tnacYear: input.tnacYear,
      publishedBy: rule.publishedBy,
      tnac: input.tnac,
      holdings: input.holdings,
      branch: o.branch,
      rate: rule.rate,
      intake: o.intake,
      release: o.release,
      invalidated,
      invalidationThreshold: threshold.value ?? null,
      holdingsAfter: maxBig(0n, held + o.intake - o.release),
      schedule: schedule(rule, o.intake, o.release),
    },
  };
}
