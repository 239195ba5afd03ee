// One year's market on the price axis: the aggregate abatement response built once from the
// facility curves (step curves sorted with prefix sums, linear curves with their clamp points), and
// the supply pieces that respond to price (auction floor, reserve tiers, hard ceiling, offsets with
// a usage limit). Net demand for banked allowances is a non-increasing correspondence of price,
// given as an interval [lo, hi]; `select` picks one point of it by a fixed convention.

/** Two prices closer than this (relative) are the same price: a step "at" the price is marginal. */
export const PRICE_TOL = 1e-9;

export interface FacilityCurveInput {
  bau: number;
  slope?: number | undefined;
  steps?: readonly { quantity: number; cost: number }[] | undefined;
}

function upperBound(a: Float64Array, x: number): number {
  // first index with a[i] > x
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if ((a[m] as number) > x) hi = m;
    else lo = m + 1;
  }
  return lo;
}

function lowerBound(a: Float64Array, x: number): number {
  // first index with a[i] >= x
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if ((a[m] as number) >= x) hi = m;
    else lo = m + 1;
  }
  return lo;
}

/**
 * The step order of many facilities, sorted by cost once: for each step its facility, quantity and
 * the facility's quantity in cheaper steps, so a year's curve is built in linear time by clamping
 * each facility at that year's BAU (which changes from year to year and path to path).
 */
export class StepTemplate {
  readonly cost: Float64Array;
  readonly facility: Uint32Array;
  readonly quantity: Float64Array;
  readonly before: Float64Array;

  constructor(curves: readonly (readonly { quantity: number; cost: number }[] | undefined)[]) {
    const cost: number[] = [];
    const fac: number[] = [];
    const qty: number[] = [];
    const bef: number[] = [];
    curves.forEach((steps, i) => {
      if (!steps) return;
      let cum = 0;
      for (const st of [...steps].sort((a, b) => a.cost - b.cost)) {
        cost.push(st.cost);
        fac.push(i);
        qty.push(st.quantity);
        bef.push(cum);
        cum += st.quantity;
      }
    });
    const order = Uint32Array.from(cost.keys());
    const c = Float64Array.from(cost);
    order.sort((a, b) => (c[a] as number) - (c[b] as number));
    this.cost = Float64Array.from(order, (k) => c[k] as number);
    this.facility = Uint32Array.from(order, (k) => fac[k] as number);
    this.quantity = Float64Array.from(order, (k) => qty[k] as number);
    this.before = Float64Array.from(order, (k) => bef[k] as number);
  }
}

/** Aggregate abatement A(p) of many facilities; steps are clamped so no facility abates beyond its BAU. */
export class AbatementCurve {
  readonly stepCost: Float64Array;
  readonly stepCum: Float64Array;
  /** Prefix sums of cost x quantity of the steps. */
  readonly stepCostCum: Float64Array;
  readonly clampPrice: Float64Array;
  /** Prefix sums of the full abatement cost (slope x BAU^2 / 2) of clamped linear facilities. */
  readonly clampCumCost: Float64Array;
  readonly clampCumBau: Float64Array;
  /** Sum of 1/slope over linear facilities whose clamp price is above index i (suffix sums). */
  readonly invSlopeSuffix: Float64Array;
  readonly maxPrice: number;
  readonly totalBau: number;

  /**
   * `bau[i]` and `slope[i]` per facility (slope undefined for step facilities, whose steps are in
   * `template`, built from the same facility order).
   */
  constructor(template: StepTemplate, bau: ArrayLike<number>, slope: ArrayLike<number | undefined>) {
    const n = template.cost.length;
    this.stepCost = template.cost;
    const cum = new Float64Array(n + 1);
    const costCum = new Float64Array(n + 1);
    const tc = template.cost;
    const tf = template.facility;
    const tq = template.quantity;
    const tb = template.before;
    let lastStep = 0;
    let c = 0;
    let cc = 0;
    for (let k = 0; k < n; k++) {
      const b = bau[tf[k] as number] as number;
      let q = b - (tb[k] as number);
      const full = tq[k] as number;
      if (q > full) q = full;
      if (q > 0) {
        c += q;
        cc += q * (tc[k] as number);
        lastStep = tc[k] as number;
      }
      cum[k + 1] = c;
      costCum[k + 1] = cc;
    }
    this.stepCum = cum;
    this.stepCostCum = costCum;
    const lin: number[] = [];
    let bauSum = 0;
    for (let i = 0; i < bau.length; i++) {
      const b = Math.max(0, bau[i] as number);
      bauSum += b;
      if (slope[i] !== undefined) lin.push(i);
    }
    const clamp = (i: number) => (slope[i] as number) * Math.max(0, bau[i] as number);
    const li = Uint32Array.from(lin).sort((a, b) => clamp(a) - clamp(b));
    this.clampPrice = Float64Array.from(li, clamp);
    this.clampCumBau = new Float64Array(li.length + 1);
    this.clampCumCost = new Float64Array(li.length + 1);
    this.invSlopeSuffix = new Float64Array(li.length + 1);
    for (let k = 0; k < li.length; k++) {
      const i = li[k] as number;
      const b = Math.max(0, bau[i] as number);
      this.clampCumBau[k + 1] = (this.clampCumBau[k] as number) + b;
      this.clampCumCost[k + 1] = (this.clampCumCost[k] as number) + ((slope[i] as number) * b * b) / 2;
    }
    for (let k = li.length - 1; k >= 0; k--) this.invSlopeSuffix[k] = (this.invSlopeSuffix[k + 1] as number) + 1 / (slope[li[k] as number] as number);
    const lastClamp = li.length > 0 ? (this.clampPrice[li.length - 1] as number) : 0;
    this.maxPrice = Math.max(lastStep, lastClamp);
    this.totalBau = bauSum;
  }

  /** A curve from facility inputs directly (tests, small cases). */
  static of(facilities: readonly FacilityCurveInput[]): AbatementCurve {
    return new AbatementCurve(new StepTemplate(facilities.map((f) => f.steps)), facilities.map((f) => f.bau), facilities.map((f) => f.slope));
  }

  /** Total abatement cost at price p when the share `theta` of the steps exactly at p is taken. */
  cost(p: number, theta: number, tol = PRICE_TOL): number {
    let c = 0;
    if (this.stepCost.length > 0) {
      const lo = lowerBound(this.stepCost, p * (1 - tol));
      const hi = upperBound(this.stepCost, p * (1 + tol));
      const a = this.stepCostCum[lo] as number;
      c += a + theta * ((this.stepCostCum[hi] as number) - a);
    }
    if (this.clampPrice.length > 0) {
      const k = upperBound(this.clampPrice, p);
      c += (this.clampCumCost[k] as number) + ((p * p) / 2) * (this.invSlopeSuffix[k] as number);
    }
    return c;
  }

  /** Abatement at price p: "lo" leaves out steps at p, "hi" takes them fully. */
  abatement(p: number, side: "lo" | "hi", tol = PRICE_TOL): number {
    let a = 0;
    if (this.stepCost.length > 0) {
      const n = side === "lo" ? lowerBound(this.stepCost, p * (1 - tol)) : upperBound(this.stepCost, p * (1 + tol));
      a += this.stepCum[n] as number;
    }
    if (this.clampPrice.length > 0) {
      const k = upperBound(this.clampPrice, p);
      a += (this.clampCumBau[k] as number) + p * (this.invSlopeSuffix[k] as number);
    }
    return a;
  }
}

export interface YearMarket {
  bau: number;
  curve: AbatementCurve;
  free: number;
  /** Allowances offered at auction this year (cap - free allocation - MSR intake + MSR release). */
  auction: number;
  floor: number | undefined;
  ceiling: number | undefined;
  tiers: readonly { trigger: number; quantity: number }[];
  offsetPrice: number | undefined;
  offsetShare: number;
}

/** What happens in a year at a price: every quantity the outputs report. */
export interface YearOutcome {
  price: number;
  abatement: number;
  emissions: number;
  offsetsUsed: number;
  sold: number;
  unsold: number;
  reserveSales: number;
  ceilingSales: number;
  /** Net demand for banked allowances: surrenders - new supply (negative adds to the bank). */
  netDemand: number;
}

let tolNow = PRICE_TOL;
const at = (p: number, x: number | undefined) => x !== undefined && Math.abs(p - x) <= tolNow * Math.abs(x);
const above = (p: number, x: number | undefined) => x !== undefined && p > x && !at(p, x);

interface Pieces {
  eLo: number;
  eHi: number;
  offAt: boolean;
  offAbove: boolean;
  soldLo: number;
  soldHi: number;
  resLo: number;
  resHi: number;
  atCeiling: boolean;
  aboveCeiling: boolean;
}

/**
 * The price a facility weighs abatement against. When offsets are cheaper than allowances and
 * their limit is a share l of the facility's emissions, a tonne abated saves an allowance (p) but
 * also loses l tonnes of offset eligibility (each worth p - offset price): p(1 - l) + l x offset price.
 */
export function abatementPrice(m: YearMarket, p: number): number {
  const o = m.offsetPrice;
  if (o === undefined || m.offsetShare === 0 || p <= o) return p;
  return p * (1 - m.offsetShare) + m.offsetShare * o;
}

function pieces(m: YearMarket, p: number, tol: number): Pieces {
  tolNow = tol;
  const pa = above(p, m.offsetPrice) ? abatementPrice(m, p) : p;
  const aHi = Math.min(m.curve.abatement(pa, "hi", tol), m.bau);
  const aLo = Math.min(m.curve.abatement(pa, "lo", tol), aHi);
  const atFloor = at(p, m.floor);
  const belowFloor = m.floor !== undefined && !atFloor && p < m.floor;
  let resLo = 0;
  let resHi = 0;
  for (const t of m.tiers) {
    if (above(p, t.trigger)) {
      resLo += t.quantity;
      resHi += t.quantity;
    } else if (at(p, t.trigger)) resHi += t.quantity;
  }
  return {
    eLo: m.bau - aHi,
    eHi: m.bau - aLo,
    offAt: at(p, m.offsetPrice),
    offAbove: above(p, m.offsetPrice),
    soldLo: belowFloor || atFloor ? 0 : m.auction,
    soldHi: belowFloor ? 0 : m.auction,
    resLo,
    resHi,
    atCeiling: at(p, m.ceiling),
    aboveCeiling: above(p, m.ceiling),
  };
}

/**
 * The interval of net demand for banked allowances at price p (lo may be -Infinity at the ceiling).
 * `tol` 0 compares prices exactly (the price search); PRICE_TOL treats near prices as equal (selection).
 */
export function netDemandRange(m: YearMarket, p: number, tol = PRICE_TOL): { lo: number; hi: number } {
  const x = pieces(m, p, tol);
  if (x.aboveCeiling) return { lo: -Infinity, hi: -Infinity };
  const l = m.offsetShare;
  const mHi = x.eHi * (x.offAbove ? 1 - l : 1);
  const mLo = x.eLo * (x.offAbove || x.offAt ? 1 - l : 1);
  return {
    lo: x.atCeiling ? -Infinity : mLo - m.free - x.soldHi - x.resHi,
    hi: mHi - m.free - x.soldLo - x.resLo,
  };
}

/**
 * The outcome at price p with net demand d (inside netDemandRange). Convention, starting from the
 * largest demand: sell the auction volume first (least unsold), then abatement and offsets, then
 * reserve tiers in trigger order, then ceiling sales (least government sales).
 */
export function select(m: YearMarket, p: number, d: number): YearOutcome {
  const x = pieces(m, p, PRICE_TOL);
  const l = m.offsetShare;
  let e = x.eHi;
  let off = x.offAbove ? l * e : 0;
  let sold = x.soldLo;
  let res = x.resLo;
  let ceil = 0;
  let excess = e - off - m.free - sold - res - d; // demand to remove
  const take = (room: number) => {
    const q = Math.max(0, Math.min(room, excess));
    excess -= q;
    return q;
  };
  if (excess > 0) sold += take(x.soldHi - x.soldLo);
  if (excess > 0 && x.offAt) off += take(l * e);
  if (excess > 0) {
    const share = x.offAbove || x.offAt ? 1 - l : 1;
    const q = take((x.eHi - x.eLo) * share);
    e -= q / share;
    if (x.offAbove || x.offAt) off = l * e;
  }
  if (excess > 0) {
    for (const t of m.tiers) if (at(p, t.trigger)) res += take(t.quantity);
  }
  if (excess > 0 && x.atCeiling) ceil += take(Infinity);
  return {
    price: p,
    abatement: m.bau - e,
    emissions: e,
    offsetsUsed: off,
    sold,
    unsold: m.auction - sold,
    reserveSales: res,
    ceilingSales: ceil,
    netDemand: e - off - m.free - sold - res - ceil,
  };
}

/** A price above which nothing on this year's axis changes any more. */
export function maxRelevantPrice(m: YearMarket): number {
  let p = m.curve.maxPrice;
  for (const x of [m.floor, m.offsetPrice, ...m.tiers.map((t) => t.trigger)]) if (x !== undefined) p = Math.max(p, x);
  if (m.ceiling !== undefined) p = Math.min(Math.max(p, 0), m.ceiling);
  return p;
}
