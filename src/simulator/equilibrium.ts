// Intertemporal equilibrium with perfect foresight by Hotelling segments: from the current year,
// find for every candidate end year the lowest starting price at which the bank stays at or above
// its lower bound there; the end year needing the highest price is where the bank hits the bound;
// fix the prices of that segment, choose the quantities, and start again after it. Borrowing is a
// negative lower bound on the bank (unlimited: no bound before the last year); borrowed allowances
// owe interest, and while the bank is negative prices grow by (1+r)/(1+i) instead of (1+r).
// With interest, solveEquilibrium first solves the dual (interest.ts, exact); the segment search
// below handles interest only approximately and is kept as its fallback.
import { solveInterestDual } from "./interest.ts";
import { netDemandRange, select } from "./market.ts";
import type { YearMarket, YearOutcome } from "./market.ts";

export interface EquilibriumOptions {
  /** Discount rate r: with a positive bank, prices rise by 1 + r a year. */
  discountRate: number;
  banking: boolean;
  /** Lower bound of the bank at the end of each year, as a positive number (Infinity: unlimited). */
  borrowLimit: readonly number[];
  /** Interest on borrowed allowances, paid in allowances the next year. */
  interestRate: number;
  initialBank: number;
  /** Internal (interest only): also treat a sign change across a step at the price as a kink. */
  looseKinks?: boolean;
}

export interface YearSolution extends YearOutcome {
  /** Bank at the end of the year (negative: borrowed). */
  bank: number;
  /** Interest paid this year on last year's borrowing, in allowances. */
  interest: number;
  /** Allowances that lapsed at the end of the year (only without banking). */
  expired: number;
}

const MAX_BISECT = 200;

/** No price, however high, lets the bank meet its bound: the curves cannot abate enough and no ceiling caps the price. */
/** No price clears these years. The solver throws it with market indexes; simulate() names the calendar years. */
export class InfeasibleError extends Error {
  constructor(readonly fromYear: number, readonly toYear: number) {
    super(`no price clears years ${fromYear}..${toYear}: the abatement curves cannot cut emissions to the supply, and there is no price ceiling`);
  }
}
const TIE = 1e-12;

interface Segment {
  price: number;
  prices: number[];
}

function bankAfter(b: number, i: number, d: number): number {
  return b + (b < 0 ? i * b : 0) - d;
}

/** Bank at the end of year tau when the segment starts at year t with bank b and price p, using the lowest net demand. */
function forward(ms: readonly YearMarket[], t: number, tau: number, b: number, p: number, o: EquilibriumOptions, prices?: number[]): number {
  const g = 1 + o.discountRate;
  const gNeg = g / (1 + o.interestRate);
  let price = p;
  let bank = b;
  for (let k = t; k <= tau; k++) {
    if (k > t) price *= bank < 0 ? gNeg : g;
    prices?.push(price);
    const d = netDemandRange(ms[k] as YearMarket, price, 0).lo;
    bank = d === -Infinity ? Infinity : bankAfter(bank, o.interestRate, d);
  }
  return bank;
}

/** The smallest starting price p >= 0 at which the bank at the end of tau is at least -limit. */
function requiredPrice(ms: readonly YearMarket[], t: number, tau: number, b: number, limit: number, o: EquilibriumOptions): number {
  return requiredBracket(ms, t, tau, b, limit, o).hi;
}

/** The required price as a bracket [lo, hi]: hi meets the bound, lo (just below) does not. */
function requiredBracket(ms: readonly YearMarket[], t: number, tau: number, b: number, limit: number, o: EquilibriumOptions): { lo: number; hi: number } {
  const ok = (p: number) => forward(ms, t, tau, b, p, o) >= -limit;
  if (ok(0)) return { lo: 0, hi: 0 };
  let hi = 1;
  let n = 0;
  while (!ok(hi)) {
    hi *= 2;
    if (++n > 1100) throw new InfeasibleError(t, tau);
  }
  let lo = n === 0 ? 0 : hi / 2;
  for (let it = 0; it < MAX_BISECT && hi - lo > 1e-15 * hi; it++) {
    const mid = (lo + hi) / 2;
    if (ok(mid)) hi = mid;
    else lo = mid;
  }
  return { lo, hi };
}

/** Banks at the end of each year of a forward run (lowest net demand). */
function forwardBanks(ms: readonly YearMarket[], t: number, tau: number, b: number, p: number, o: EquilibriumOptions): number[] {
  const out: number[] = [];
  for (let k = t; k <= tau; k++) out.push(forward(ms, t, k, b, p, o));
  return out;
}

/**
 * With interest on borrowing, a bank that sits exactly at zero is a kink: prices may grow by any
 * factor between (1+r)/(1+i) and 1+r there. The price search finds it as a jump: just below the
 * required price some year's bank is negative, at it non-negative. The segment then ends there.
 */
function kinkYear(ms: readonly YearMarket[], t: number, tau: number, b: number, limit: number, o: EquilibriumOptions): number | undefined {
  const { lo, hi } = requiredBracket(ms, t, tau, b, limit, o);
  if (hi === 0) return undefined;
  const below = forwardBanks(ms, t, tau, b, lo, o);
  const at = forwardBanks(ms, t, tau, b, hi, o);
  // a true kink: the bank of year k is continuous in the price (about 0 on both sides) and only the
  // later prices jump; a sign change with a gap is a step exactly at the price, resolved by quantities
  for (let k = 0; k < at.length - 1; k++) {
    const a = at[k] as number;
    const scale = 1e-7 * Math.max(1, Math.abs(b), ...ms.slice(t, t + k + 1).map((m) => m.bau));
    if ((below[k] as number) < 0 && a >= 0 && (o.looseKinks === true || a - (below[k] as number) <= scale)) return t + k;
  }
  return undefined;
}

/**
 * Among the end years needing the highest starting price, the bank empties at the latest one for
 * which the later years of the segment can still absorb what the earlier ones leave (otherwise a
 * year with a surplus even at its largest demand would push an earlier bank below its bound).
 */
function chooseSegment(ms: readonly YearMarket[], t: number, b: number, o: EquilibriumOptions): { tau: number; seg: Segment; target: number | undefined } {
  const last = ms.length - 1;
  // Latest end years first: once a high price is known, an earlier end year that already meets its
  // bound just below that price needs strictly less, and its search is skipped (marked -1).
  const required: number[] = new Array<number>(last - t + 1).fill(-1);
  let best = 0;
  for (let tau = last; tau >= t; tau--) {
    const limit = tau === last ? 0 : (o.borrowLimit[tau] as number);
    if (limit === Infinity) continue;
    if (best > 0 && forward(ms, t, tau, b, best * (1 - TIE), o) >= -limit) continue;
    const p = requiredPrice(ms, t, tau, b, limit, o);
    required[tau - t] = p;
    best = Math.max(best, p);
  }
  const limitAt = (k: number) => (k === last ? 0 : (o.borrowLimit[k] as number));
  let smallestTie = -1;
  for (let tau = last; tau >= t; tau--) {
    const p = required[tau - t] as number;
    if (p < 0 || p < best * (1 - TIE)) continue;
    smallestTie = tau;
    const prices: number[] = [];
    forward(ms, t, tau, b, best, o, prices);
    const his = prices.map((q, k) => netDemandRange(ms[t + k] as YearMarket, q).hi);
    let later = 0;
    let ok = true;
    for (let j = tau - 1; j >= t && ok; j--) {
      later += his[j + 1 - t] as number;
      const slack = limitAt(j) === Infinity ? Infinity : later - (limitAt(tau) - limitAt(j));
      if (slack < -1e-9 * Math.max(1, Math.abs(later))) ok = false;
    }
    if (best === 0) return { tau: t, seg: { price: 0, prices: [0] }, target: undefined };
    if (!ok) continue;
    const kink = o.interestRate > 0 ? kinkYear(ms, t, tau, b, limitAt(tau), o) : undefined;
    if (kink !== undefined) return { tau: kink, seg: { price: best, prices: prices.slice(0, kink - t + 1) }, target: 0 };
    return { tau, seg: { price: best, prices }, target: -limitAt(tau) };
  }
  // Only reached with interest on borrowing, in the approximate fallback: the earliest tie.
  if (smallestTie < 0) throw new Error(`invariant: no segment end from year ${t}`);
  const prices: number[] = [];
  forward(ms, t, smallestTie, b, best, o, prices);
  return { tau: smallestTie, seg: { price: best, prices }, target: -limitAt(smallestTie) };
}

/** Net demands of the segment: from the largest, reduced year by year (earliest first) by `r` in total. */
function reduce(ranges: readonly { lo: number; hi: number }[], r: number): number[] {
  let left = r;
  return ranges.map(({ lo, hi }) => {
    const q = Math.max(0, Math.min(hi - lo, left));
    left -= q;
    return hi - q;
  });
}

function endBank(b: number, ds: readonly number[], i: number): number {
  let bank = b;
  for (const d of ds) bank = bankAfter(bank, i, d);
  return bank;
}

/** Net demand per year of the segment so that the bank ends at `target` (or as high as the largest demand allows). */
function quantities(ranges: readonly { lo: number; hi: number }[], b: number, target: number, o: EquilibriumOptions, exact: boolean): number[] {
  const highest = ranges.map((r) => r.hi);
  if (!exact && endBank(b, highest, o.interestRate) >= target) return highest;
  if (o.interestRate === 0) {
    const sumHi = highest.reduce((a, x) => a + x, 0);
    return reduce(ranges, sumHi - (b - target));
  }
  let hi = 1;
  while (endBank(b, reduce(ranges, hi), o.interestRate) < target && hi < 1e300) hi *= 2;
  let lo = 0;
  for (let it = 0; it < MAX_BISECT && hi - lo > 1e-15 * hi; it++) {
    const mid = (lo + hi) / 2;
    if (endBank(b, reduce(ranges, mid), o.interestRate) < target) lo = mid;
    else hi = mid;
  }
  return reduce(ranges, hi);
}

function solveNoBanking(ms: readonly YearMarket[], o: EquilibriumOptions): YearSolution[] {
  const out: YearSolution[] = [];
  for (let t = 0; t < ms.length; t++) {
    const m = ms[t] as YearMarket;
    const b = t === 0 ? o.initialBank : 0;
    const p = requiredPrice(ms, t, t, b, 0, { ...o, interestRate: 0 });
    const r = netDemandRange(m, p);
    const d = p > 0 ? Math.max(r.lo, Math.min(r.hi, b)) : Math.min(r.hi, b);
    const y = select(m, p, d);
    out.push({ ...y, bank: 0, interest: 0, expired: b - y.netDemand });
  }
  return out;
}

/**
 * With interest on borrowing, a segment that ends on a flat part of the curves can end with any
 * bank between its bound and what the slack allows, at the same prices. The right one is where the
 * next segment's first price q(E) meets the arbitrage condition with the segment's last price p:
 * q = (1+r)p for a positive bank, q = (1+r)/(1+i) p for a negative one, anything between at zero.
 * q(E) falls as E rises, so E is found by bisection (one segment of look-ahead).
 */
function endBankByNextPrice(ms: readonly YearMarket[], tau: number, b: number, ranges: readonly { lo: number; hi: number }[], seg: Segment, target: number, o: EquilibriumOptions): number {
  if (ranges.some((r) => r.lo === -Infinity)) return target;
  const eMax = endBank(b, ranges.map((r) => r.lo), o.interestRate);
  if (!(eMax > target + 1e-9 * Math.max(1, Math.abs(target)))) return target;
  const p = seg.prices[seg.prices.length - 1] as number;
  const g = 1 + o.discountRate;
  const up = g * p;
  const down = (g / (1 + o.interestRate)) * p;
  const q = (e: number) => chooseSegment(ms, tau + 1, e, o).seg.prices[0] as number;
  const eps = 1e-9;
  if (q(target) <= (target < 0 ? down : up) * (1 + eps)) return target;
  const solve = (lo: number, hi: number, want: number) => {
    for (let it = 0; it < 100 && hi - lo > 1e-12 * Math.max(1, Math.abs(hi)); it++) {
      const mid = (lo + hi) / 2;
      if (q(mid) > want) lo = mid;
      else hi = mid;
    }
    return hi;
  };
  if (target < 0) {
    const q0 = q(Math.min(0, eMax));
    if (q0 < down) return solve(target, Math.min(0, eMax), down);
    if (q0 <= up * (1 + eps) || eMax <= 0) return Math.min(0, eMax);
  }
  if (q(eMax) > up) return eMax;
  return solve(Math.max(0, target), eMax, up);
}

/** How many consecutive-year price ratios break the arbitrage conditions (see simulate.ts arbitrageWarnings). */
function violations(sol: readonly YearSolution[], o: EquilibriumOptions): number {
  const g = 1 + o.discountRate;
  const gNeg = g / (1 + o.interestRate);
  let n = 0;
  for (let t = 0; t + 1 < sol.length; t++) {
    const a = sol[t] as YearSolution;
    const ratio = (sol[t + 1] as YearSolution).price / a.price;
    if (!(a.price > 0)) continue;
    const tol = 1e-6 * Math.max(1, a.emissions);
    const limit = o.borrowLimit[t] ?? 0;
    const near = (x: number) => Math.abs(ratio - x) <= 1e-6 * x;
    const ok = a.bank > tol ? near(g) : a.bank < -tol ? (a.bank <= -limit + tol ? ratio <= gNeg * (1 + 1e-6) : near(gNeg)) : ratio <= g * (1 + 1e-6) && ratio >= gNeg * (1 - 1e-6);
    if (!ok) n++;
  }
  return n;
}

/** Perfect-foresight equilibrium over all years of `ms`. */
export function solveEquilibrium(ms: readonly YearMarket[], o: EquilibriumOptions): YearSolution[] {
  if (!o.banking) return solveNoBanking(ms, o);
  if (o.interestRate > 0 && o.looseKinks === undefined) {
    // two readings of a sign change at the price (kink or step); keep the one that is an equilibrium
    // the exact solution through the dual (src/simulator/interest.ts); the segment search below
    // is kept as a fallback should the dual's quantities not fit (never seen in the tests)
    const dual = solveInterestDual(ms, o)?.map((y) => ({ ...y, expired: 0 }));
    if (dual && violations(dual, o) === 0) return dual;
    const strict = solveEquilibrium(ms, { ...o, looseKinks: false });
    if (violations(strict, o) === 0) return strict;
    // candidates: the kink reading, and the path without borrowing (an equilibrium when nobody
    // wants to borrow at that interest); the one with the fewest violated conditions wins
    let best = strict;
    let fewest = violations(strict, o);
    for (const c of [{ ...o, looseKinks: true }, { ...o, looseKinks: false, borrowLimit: o.borrowLimit.map(() => 0) }]) {
      const sol = solveEquilibrium(ms, c);
      const v = violations(sol, o);
      if (v < fewest) {
        best = sol;
        fewest = v;
      }
      if (v === 0) break;
    }
    return best;
  }
  const out: YearSolution[] = [];
  let t = 0;
  let b = o.initialBank;
  const last = ms.length - 1;
  while (t <= last) {
    const { tau, seg, target: found } = chooseSegment(ms, t, b, o);
    const ranges = seg.prices.map((p, k) => netDemandRange(ms[t + k] as YearMarket, p));
    const limit = tau === last ? 0 : (o.borrowLimit[tau] as number);
    const target = found !== undefined && o.interestRate > 0 && tau < last ? endBankByNextPrice(ms, tau, b, ranges, seg, found, o) : found;
    const ds = quantities(ranges, b, target ?? -Math.min(limit, 1e300), o, target !== undefined);
    for (let k = 0; k < ds.length; k++) {
      const y = select(ms[t + k] as YearMarket, seg.prices[k] as number, ds[k] as number);
      const interest = b < 0 ? -o.interestRate * b : 0;
      b = bankAfter(b, o.interestRate, y.netDemand);
      out.push({ ...y, bank: b, interest, expired: 0 });
    }
    t = tau + 1;
  }
  return out;
}
