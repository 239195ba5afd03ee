// The equilibrium with interest on borrowing, solved exactly through its dual. With present-value
// prices l_t = p_t / (1+r)^t, the dual of the cost-minimising allocation over years is
//
//   maximise  sum_t D_t(l_t) - l_0 b_0 - sum_t L_t max(0, l_t - (1+i) l_{t+1})
//   subject to 0 <= l_{t+1} <= l_t,
//
// where D_t is concave with derivative the year's net demand at price l_t (1+r)^t, b_0 the opening
// bank, L_t the borrowing limit at the end of year t and i the interest on borrowed allowances.
// The constraints form a chain, so a backward recursion solves it: F_t = D_t + G_t with
// G_t(l) = max over 0 <= x <= l of F_{t+1}(x) - L_t max(0, l - (1+i) x). Each F_t is concave in
// one variable; it is represented by its derivative (an interval where the net demand is a
// range), evaluated recursively, and its maximiser is found by bisection. The prices then follow
// forward, and the quantities from the complementarity conditions (a positive bank only where the
// present-value price is flat, borrowing only where it falls by 1+i, the limit where it falls
// faster), chosen within each year's net-demand range by interval propagation.
//
// Used by solveEquilibrium when its segment search, exact without interest, leaves an arbitrage
// condition broken; see docs/concepts/simulator.md.
import { netDemandRange, PRICE_TOL, select } from "./market.ts";
import type { YearMarket, YearOutcome } from "./market.ts";

interface Interval {
  lo: number;
  hi: number;
}

export interface DualOptions {
  discountRate: number;
  interestRate: number;
  /** Lower bound of the bank at the end of each year, as a positive number (Infinity: unlimited). */
  borrowLimit: readonly number[];
  initialBank: number;
}

export interface DualYear extends YearOutcome {
  /** Bank at the end of the year (negative: borrowed). */
  bank: number;
  /** Interest paid this year on last year's borrowing, in allowances. */
  interest: number;
}

const BISECT = 200;
const REL = 1e-9;

/** Prices and quantities of the equilibrium with interest on borrowing, or undefined if no price clears. */
export function solveInterestDual(ms: readonly YearMarket[], o: DualOptions): DualYear[] | undefined {
  const T = ms.length;
  const k = 1 + o.interestRate;
  const disc = ms.map((_, t) => Math.pow(1 + o.discountRate, -t));
  const limit = (t: number): number => (t >= T - 1 ? 0 : Math.max(0, o.borrowLimit[t] ?? 0));
  // maximiser of F_t (xStar) and, where the limit binds, the point where F_t' = -L_{t-1} (1+i)
  const xStar: number[] = new Array<number>(T).fill(Number.NaN);
  const xLim: number[] = new Array<number>(T).fill(Number.POSITIVE_INFINITY);

  const dF = (t: number, l: number): Interval => {
    const n = netDemandRange(ms[t] as YearMarket, l / (disc[t] as number), 0);
    if (t === T - 1) return n;
    const g = dG(t, l);
    return { lo: n.lo + g.lo, hi: n.hi + g.hi };
  };
  // G_t' is piecewise: F_{t+1}'(l) below x*, 0 up to (1+i) x*, F_{t+1}'(l/(1+i))/(1+i) up to
  // (1+i) x_lim, then -L_t. At a boundary its superdifferential runs from the right-hand piece
  // (lo, the right derivative) to the left-hand one (hi, the left derivative).
  const piece = (t: number, l: number, right: boolean): number => {
    const xs = xStar[t + 1] as number;
    const lim = limit(t);
    const below = (edge: number) => (right ? l < edge : l <= edge);
    const pick = (v: Interval) => (right ? v.lo : v.hi);
    if (below(xs)) return pick(dF(t + 1, l));
    if (lim === 0 || below(k * xs)) return 0;
    if (lim === Number.POSITIVE_INFINITY || below(k * (xLim[t + 1] as number))) return pick(dF(t + 1, l / k)) / k;
    return -lim;
  };
  const dG = (t: number, l: number): Interval => ({ lo: piece(t, l, true), hi: piece(t, l, false) });
  /**
   * The smallest x >= 0 where f(x) - shift is no longer entirely positive: the maximiser of a
   * concave function with that derivative; Infinity when it rises at every price.
   */
  const argmax = (f: (x: number) => Interval, shift: number): number => {
    const rising = (x: number) => f(x).lo - shift > 0;
    if (!rising(0)) return 0;
    let hi = 1;
    for (let n = 0; rising(hi); n++) {
      if (n > 1000) return Number.POSITIVE_INFINITY;
      hi *= 2;
    }
    let lo = hi / 2 < 1 ? 0 : hi / 2;
    for (let it = 0; it < BISECT && hi - lo > 1e-15 * hi; it++) {
      const mid = (lo + hi) / 2;
      if (rising(mid)) lo = mid;
      else hi = mid;
    }
    return hi;
  };

  for (let t = T - 1; t >= 1; t--) {
    const x = argmax((l) => dF(t, l), 0);
    // no price clears the later years (the curves cannot abate enough and no ceiling caps it)
    if (x === Number.POSITIVE_INFINITY) return undefined;
    xStar[t] = x;
    const lim = limit(t - 1);
    // where the borrowing limit starts to bind; Infinity: at no price
    if (lim > 0 && lim !== Number.POSITIVE_INFINITY) xLim[t] = argmax((l) => dF(t, l), -lim * k);
  }
  // the opening bank enters year 0 after interest, when it is a debt (a rolling window may open so)
  const l0 = argmax((l) => dF(0, l), carry(o.initialBank, k));
  if (l0 === Number.POSITIVE_INFINITY) return undefined;
  const lam: number[] = [l0];
  for (let t = 0; t + 1 < T; t++) {
    const l = lam[t] as number;
    const xs = xStar[t + 1] as number;
    const lim = limit(t);
    let next: number;
    if (l <= xs) next = l;
    else if (l <= k * xs || lim === 0) next = xs;
    else if (lim === Number.POSITIVE_INFINITY || l <= k * (xLim[t + 1] as number)) next = l / k;
    else next = xLim[t + 1] as number;
    lam.push(next);
  }
  const prices = lam.map((l, t) => l / (disc[t] as number));
  return recover(ms, prices, lam, o, limit, k);
}

/** h(B): the bank carried into the next year, after interest on a negative bank. */
const carry = (b: number, k: number) => (b < 0 ? b * k : b);
const uncarry = (y: number, k: number) => (y < 0 ? y / k : y);

/** Quantities consistent with the prices: each year's bank in the interval the price ratios allow. */
function recover(
  ms: readonly YearMarket[], prices: readonly number[], lam: readonly number[], o: DualOptions, limit: (t: number) => number, k: number,
): DualYear[] | undefined {
  const T = ms.length;
  const near = (a: number, b: number) => Math.abs(a - b) <= REL * Math.max(Math.abs(a), Math.abs(b));
  const allowed: Interval[] = [];
  for (let t = 0; t < T; t++) {
    const l = lam[t] as number;
    if (t === T - 1) {
      allowed.push(l > 0 && !near(l, 0) ? { lo: 0, hi: 0 } : { lo: 0, hi: Infinity });
      continue;
    }
    const n = lam[t + 1] as number;
    const lim = limit(t);
    const flat = near(l, n);
    const borrowing = near(l, k * n);
    if (l === 0 && n === 0) allowed.push({ lo: -lim, hi: Infinity });
    else if (flat && borrowing) allowed.push({ lo: -lim, hi: Infinity });
    else if (flat) allowed.push({ lo: 0, hi: Infinity });
    else if (borrowing) allowed.push({ lo: -lim, hi: 0 });
    else if (l > k * n) allowed.push({ lo: -lim, hi: -lim });
    else allowed.push({ lo: 0, hi: 0 });
  }
  const ranges = prices.map((p, t) => netDemandRange(ms[t] as YearMarket, p, PRICE_TOL));
  // backward: the banks at the end of year t from which the later years can be met
  const reach: Interval[] = new Array<Interval>(T);
  reach[T - 1] = allowed[T - 1] as Interval;
  for (let t = T - 2; t >= 0; t--) {
    const r = reach[t + 1] as Interval;
    const d = ranges[t + 1] as Interval;
    const y = { lo: r.lo + d.lo, hi: r.hi + d.hi };
    const a = allowed[t] as Interval;
    const lo = Math.max(a.lo, uncarry(y.lo, k));
    const hi = Math.min(a.hi, uncarry(y.hi, k));
    if (!(lo <= hi + REL * Math.max(1, Math.abs(lo)))) return undefined;
    reach[t] = { lo, hi: Math.max(lo, hi) };
  }
  const out: DualYear[] = [];
  let b = o.initialBank;
  for (let t = 0; t < T; t++) {
    const h = carry(b, k);
    const d = ranges[t] as Interval;
    const r = reach[t] as Interval;
    // the lowest bank the range and the later years allow (the largest net demand)
    const lo = Math.max(r.lo, h - d.hi);
    const hi = Math.min(r.hi, h - d.lo);
    if (!(lo <= hi + REL * Math.max(1, Math.abs(lo)))) return undefined;
    const target = Number.isFinite(lo) ? lo : Math.min(hi, 0);
    const y = select(ms[t] as YearMarket, prices[t] as number, h - target);
    const interest = b < 0 ? -o.interestRate * b : 0;
    b = h - y.netDemand;
    out.push({ ...y, bank: b, interest });
  }
  return out;
}
