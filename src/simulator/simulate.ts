// Runs a scenario: builds each year's market once, solves the perfect-foresight equilibrium, wraps
// it in the stability-reserve fixed point, and derives the per-year and per-facility outputs.
// Convention for who holds the bank: each facility buys (or sells) exactly what it needs to
// surrender for its own emissions each year; the aggregate bank is held by a market account
// (intermediaries), so a facility's net purchases are emissions - offsets - free allocation.
import { msrDecide, msrInvalidate } from "../domain/stability/msr.ts";
import { InfeasibleError, solveEquilibrium } from "./equilibrium.ts";
import type { EquilibriumOptions, YearSolution } from "./equilibrium.ts";
import { AbatementCurve, abatementPrice, PRICE_TOL, StepTemplate } from "./market.ts";
import type { YearMarket } from "./market.ts";
import { FLOAT, msrParams } from "./msr.ts";
import type { Facility, MsrRule, Scenario } from "./scenario.ts";

export interface YearResult {
  year: number;
  price: number;
  cap: number;
  emissions: number;
  abatement: number;
  bank: number;
  freeAllocation: number;
  auctioned: number;
  ceilingSales: number;
  reserveSales: number;
  offsetsUsed: number;
  unsold: number;
  msrIntake: number;
  msrRelease: number;
  msrHoldings: number;
  msrInvalidated: number;
  auctionRevenue: number;
  abatementCost: number;
  interest: number;
  expired: number;
}

export interface FacilityResult {
  id: string;
  sector: string;
  abatement: number;
  emissions: number;
  freeAllocation: number;
  offsetsUsed: number;
  netPurchases: number;
  abatementCost: number;
  complianceCost: number;
  windfall: number;
}

export interface MsrReport {
  converged: boolean;
  iterations: number;
  residual: number;
  damping: number;
}

export interface SimulationResult {
  scenario: string;
  years: YearResult[];
  facilities: FacilityResult[];
  msr: MsrReport | undefined;
  /** Present value (at the discount rate, to the first year) of total abatement cost. */
  abatementCostPv: number;
  /** Per year, the share of the abatement steps exactly at the price that is taken (0..1). */
  marginalShare: number[];
  /** Arbitrage conditions the solution fails (empty when it is an equilibrium), e.g. with interest on borrowing. */
  warnings: string[];
}

/**
 * Checks the intertemporal arbitrage conditions on a solved path: with a positive bank the price
 * grows by 1 + r; with a negative bank (borrowing, not at its limit) by (1 + r)/(1 + i); with a
 * bank of zero by at most 1 + r (and, with borrowing, at least (1 + r)/(1 + i)).
 */
export function arbitrageWarnings(ys: readonly YearResult[], r: number, borrowLimit: readonly number[], interest: number, banking: boolean): string[] {
  if (!banking) return [];
  const out: string[] = [];
  const g = 1 + r;
  const gNeg = g / (1 + interest);
  for (let t = 0; t + 1 < ys.length; t++) {
    const a = ys[t] as YearResult;
    const b = ys[t + 1] as YearResult;
    if (!(a.price > 0)) continue;
    const tol = 1e-6 * Math.max(1, a.cap, a.emissions);
    const ratio = b.price / a.price;
    const near = (x: number) => Math.abs(ratio - x) <= 1e-6 * x;
    const limit = borrowLimit[t] ?? 0;
    let ok: boolean;
    if (a.bank > tol) ok = near(g);
    else if (a.bank < -tol) ok = a.bank <= -limit + tol ? ratio <= gNeg * (1 + 1e-6) : near(gNeg);
    else ok = ratio <= g * (1 + 1e-6) && (limit === 0 || ratio >= gNeg * (1 - 1e-6));
    if (!ok) out.push(`${a.year}->${b.year}: the price changes by ${ratio.toFixed(6)} with a bank of ${a.bank.toPrecision(6)}, which is not an equilibrium (expected ${a.bank > tol ? g.toFixed(6) : a.bank < -tol ? gNeg.toFixed(6) : `between ${(limit === 0 ? 0 : gNeg).toFixed(6)} and ${g.toFixed(6)}`})`);
  }
  return out;
}

export interface RunOptions {
  /** Multiplier of every facility's BAU per year (Monte Carlo shocks): BAU x (1 + e_t). */
  bauFactor?: readonly number[];
  /** Skip the per-facility outputs (Monte Carlo paths do not need them). */
  facilities?: boolean;
  /** Solve only years from..to (inclusive indices) starting from this bank and MSR holdings (rolling horizon). */
  window?: { from: number; to: number; bank: number; msrHoldings: number };
}

/** The step order of a scenario (facilities, then one pseudo-facility per cluster pipeline), built once. */
const templates = new WeakMap<Scenario, StepTemplate>();

function templateOf(s: Scenario): StepTemplate {
  let t = templates.get(s);
  if (!t) {
    const curves = [
      ...s.facilities.map((f) => (f.mac.kind === "steps" ? f.mac.steps : undefined)),
      ...s.clusters.map((c) => [{ quantity: Infinity, cost: c.costPerTonne }]),
    ];
    t = new StepTemplate(curves);
    templates.set(s, t);
  }
  return t;
}

/** One market per year, built once; `msrNet` is intake minus release per year. */
export function buildMarkets(s: Scenario, years: readonly number[], bauFactor: readonly number[] | undefined, msrNet: readonly number[]): YearMarket[] {
  const template = templateOf(s);
  const nf = s.facilities.length;
  const index = s.clusters.length > 0 ? new Map(s.facilities.map((f, i) => [f.id, i])) : undefined;
  const slope = [...s.facilities.map((f) => (f.mac.kind === "linear" ? f.mac.slope : undefined)), ...s.clusters.map(() => undefined)];
  return years.map((t) => {
    const k = Math.max(0, bauFactor?.[t] ?? 1);
    const bau = new Float64Array(nf + s.clusters.length);
    let totalBau = 0;
    let free = 0;
    for (let i = 0; i < nf; i++) {
      const f = s.facilities[i] as Facility;
      bau[i] = (f.bau[t] as number) * k;
      totalBau += bau[i] as number;
      free += f.freeAllocation[t] as number;
    }
    s.clusters.forEach((c, j) => {
      const members = c.facilities.reduce((a, id) => a + (bau[index?.get(id) as number] as number), 0);
      bau[nf + j] = Math.min(c.capacity[t] as number, members);
    });
    return {
      bau: totalBau,
      curve: new AbatementCurve(template, bau, slope),
      free,
      auction: Math.max(0, (s.cap[t] as number) - free - (msrNet[t] ?? 0)),
      floor: s.priceFloor[t],
      ceiling: s.priceCeiling[t],
      tiers: s.reserve[t] ?? [],
      offsetPrice: s.offsets?.price,
      offsetShare: s.offsets?.limitShare ?? 0,
    };
  });
}

export function equilibriumOptions(s: Scenario, years: readonly number[], initialBank: number): EquilibriumOptions {
  const b = s.borrowing;
  return {
    discountRate: s.discountRate,
    banking: s.banking,
    borrowLimit: years.map((t) => (b.kind === "none" ? 0 : b.kind === "unlimited" ? Infinity : b.limitShare * (s.cap[t] as number))),
    interestRate: b.kind === "limited" ? b.interestRate : 0,
    initialBank,
  };
}

interface MsrFlows {
  intake: number[];
  release: number[];
  holdings: number[];
  invalidated: number[];
}

/** The MSR rule applied to a bank path: intake or release in year t from the bank (TNAC) at the end of t-1. */
export function msrFlows(rule: MsrRule, startBank: number, startHoldings: number, banks: readonly number[], auctionRoom: readonly number[], unsoldToMsr: readonly number[]): MsrFlows {
  const f: MsrFlows = { intake: [], release: [], holdings: [], invalidated: [] };
  const params = msrParams(rule);
  let h = startHoldings;
  for (let t = 0; t < banks.length; t++) {
    const tnac = t === 0 ? startBank : (banks[t - 1] as number);
    // the domain's rule (src/domain/stability/msr.ts) on model quantities
    const o = msrDecide(FLOAT, params, tnac, h);
    const intake = Math.min(o.intake, Math.max(0, auctionRoom[t] as number));
    const release = o.release;
    h += intake - release + (unsoldToMsr[t] ?? 0);
    const inv = msrInvalidate(FLOAT, rule.invalidationThreshold, h);
    if (inv > 0) h = rule.invalidationThreshold as number; // exactly the threshold, not h - (h - threshold) in floats
    f.intake.push(intake);
    f.release.push(release);
    f.holdings.push(h);
    f.invalidated.push(inv);
  }
  return f;
}

interface Solved {
  markets: YearMarket[];
  sol: YearSolution[];
  flows: MsrFlows | undefined;
  report: MsrReport | undefined;
}

/** Holdings and invalidation that follow from the intake and release actually used in a solution. */
function usedFlows(rule: MsrRule, startHoldings: number, intake: readonly number[], release: readonly number[], unsold: readonly number[]): MsrFlows {
  const f: MsrFlows = { intake: [...intake], release: [...release], holdings: [], invalidated: [] };
  let h = startHoldings;
  for (let k = 0; k < intake.length; k++) {
    h += (intake[k] as number) - (release[k] as number) + (unsold[k] ?? 0);
    const inv = msrInvalidate(FLOAT, rule.invalidationThreshold, h);
    if (inv > 0) h = rule.invalidationThreshold as number; // exactly the threshold, not h - (h - threshold) in floats
    f.holdings.push(h);
    f.invalidated.push(inv);
  }
  return f;
}

/** The MSR as an outer damped fixed point on its intake and release; reports non-convergence honestly. */
function solveWithMsr(s: Scenario, years: readonly number[], o: RunOptions): Solved {
  const startBank = o.window?.bank ?? s.initialBank;
  const eq = equilibriumOptions(s, years, startBank);
  const rule = s.msr;
  if (rule === undefined) {
    const markets = buildMarkets(s, years, o.bauFactor, []);
    return { markets, sol: solveEquilibrium(markets, eq), flows: undefined, report: undefined };
  }
  const startHoldings = o.window?.msrHoldings ?? rule.initialHoldings;
  const room = years.map((t) => (s.cap[t] as number) - s.facilities.reduce((a, f) => a + (f.freeAllocation[t] as number), 0));
  const scale = Math.max(1, ...years.map((t) => s.cap[t] as number));
  let intake = years.map(() => 0);
  let release = years.map(() => 0);
  let omega = rule.damping;
  let prevResidual = Infinity;
  let iterations = 0;
  let residual = Infinity;
  let markets: YearMarket[] = [];
  let sol: YearSolution[] = [];
  let flows: MsrFlows | undefined;
  for (; iterations < rule.maxIterations; ) {
    iterations++;
    const net = new Array<number>(s.years.length).fill(0);
    years.forEach((t, k) => (net[t] = (intake[k] as number) - (release[k] as number)));
    markets = buildMarkets(s, years, o.bauFactor, net);
    sol = solveEquilibrium(markets, eq);
    const unsold = sol.map((y) => (s.unsoldAllowances === "msr" ? y.unsold : 0));
    const f = msrFlows(rule, startBank, startHoldings, sol.map((y) => y.bank), room, unsold);
    residual = Math.max(0, ...f.intake.map((x, k) => Math.abs(x - (intake[k] as number))), ...f.release.map((x, k) => Math.abs(x - (release[k] as number))));
    flows = usedFlows(rule, startHoldings, intake, release, unsold);
    if (residual <= rule.tolerance * scale) break;
    // halve the step when the residual grows; win it back slowly while it shrinks
    omega = residual > prevResidual ? Math.max(omega / 2, 1 / 64) : Math.min(rule.damping, omega * 1.25);
    prevResidual = residual;
    intake = intake.map((x, k) => x + omega * ((f.intake[k] as number) - x));
    release = release.map((x, k) => x + omega * ((f.release[k] as number) - x));
  }
  const converged = residual <= rule.tolerance * scale;
  return { markets, sol, flows, report: { converged, iterations, residual, damping: omega } };
}

/** solveWithMsr, with an infeasible stretch named by its calendar years (the solver counts the window's markets from 0). */
function solvedInYears(s: Scenario, years: readonly number[], o: RunOptions): Solved {
  try {
    return solveWithMsr(s, years, o);
  } catch (err) {
    if (!(err instanceof InfeasibleError)) throw err;
    const year = (k: number) => s.years[years[k] as number] as number;
    throw new InfeasibleError(year(err.fromYear), year(err.toYear));
  }
}

/** Abatement of one facility at a price, with the marginal steps taken by the share theta. */
function facilityAbatement(f: Facility, bau: number, p: number, theta: number): { a: number; cost: number } {
  if (f.mac.kind === "linear") {
    const a = Math.min(p / f.mac.slope, bau);
    return { a, cost: (f.mac.slope * a * a) / 2 };
  }
  let left = bau;
  let a = 0;
  let cost = 0;
  for (const st of f.mac.steps) {
    const q = Math.min(st.quantity, left);
    if (q <= 0) break;
    left -= q;
    const share = st.cost < p * (1 - PRICE_TOL) ? 1 : st.cost <= p * (1 + PRICE_TOL) ? theta : 0;
    a += q * share;
    cost += q * share * st.cost;
  }
  return { a, cost };
}

function facilityResults(s: Scenario, years: readonly number[], markets: readonly YearMarket[], sol: readonly YearSolution[], bauFactor: readonly number[] | undefined): { facilities: FacilityResult[]; costs: number[] } {
  const acc = s.facilities.map((f) => ({ id: f.id, sector: f.sector, abatement: 0, emissions: 0, freeAllocation: 0, offsetsUsed: 0, netPurchases: 0, abatementCost: 0, complianceCost: 0, windfall: 0 }));
  const costs: number[] = [];
  years.forEach((t, k) => {
    const y = sol[k] as YearSolution;
    const m = markets[k] as YearMarket;
    const p = abatementPrice(m, y.price);
    const aLo = m.curve.abatement(p, "lo");
    const aHi = m.curve.abatement(p, "hi");
    const theta = aHi - aLo > 0 ? Math.min(1, Math.max(0, (y.abatement - aLo) / (aHi - aLo))) : 1;
    const kf = Math.max(0, bauFactor?.[t] ?? 1);
    const per = s.facilities.map((f) => facilityAbatement(f, (f.bau[t] as number) * kf, p, theta));
    // abatement through shared cluster pipelines, split by BAU share among members
    const pipe = new Map<string, { a: number; cost: number }>();
    const byId = new Map(s.facilities.map((f, i) => [f.id, i]));
    for (const c of s.clusters) {
      const members = c.facilities.map((id) => byId.get(id) as number);
      const bauSum = members.reduce((a, i) => a + (s.facilities[i] as Facility).bau[t]! * kf, 0);
      const cap = Math.min(c.capacity[t] as number, bauSum);
      const share = c.costPerTonne < p * (1 - PRICE_TOL) ? 1 : c.costPerTonne <= p * (1 + PRICE_TOL) ? theta : 0;
      for (const i of members) {
        const w = bauSum > 0 ? ((s.facilities[i] as Facility).bau[t]! * kf) / bauSum : 0;
        const prev = pipe.get(s.facilities[i]!.id) ?? { a: 0, cost: 0 };
        pipe.set(s.facilities[i]!.id, { a: prev.a + cap * share * w, cost: prev.cost + cap * share * w * c.costPerTonne });
      }
    }
    let yearCost = 0;
    s.facilities.forEach((f, i) => {
      const r = acc[i]!;
      const pp = pipe.get(f.id);
      const bau = (f.bau[t] as number) * kf;
      const a = Math.min(bau, per[i]!.a + (pp?.a ?? 0));
      const cost = per[i]!.cost + (pp?.cost ?? 0);
      const e = bau - a;
      const off = y.emissions > 0 ? (y.offsetsUsed * e) / y.emissions : 0;
      const free = f.freeAllocation[t] as number;
      const net = e - off - free;
      r.abatement += a;
      r.emissions += e;
      r.freeAllocation += free;
      r.offsetsUsed += off;
      r.netPurchases += net;
      r.abatementCost += cost;
      r.complianceCost += cost + y.price * net + off * (s.offsets?.price ?? 0);
      r.windfall += y.price * free;
      yearCost += cost;
    });
    costs.push(yearCost);
  });
  return { facilities: acc, costs };
}

export function simulate(s: Scenario, o: RunOptions = {}): SimulationResult {
  const all = s.years.map((_, i) => i);
  const years = o.window ? all.slice(o.window.from, o.window.to + 1) : all;
  const { markets, sol, flows, report } = solvedInYears(s, years, o);
  const wantFacilities = o.facilities !== false;
  const fr = wantFacilities ? facilityResults(s, years, markets, sol, o.bauFactor) : undefined;
  const marginalShare = years.map((_, k) => {
    const y = sol[k] as YearSolution;
    const m = markets[k] as YearMarket;
    const p = abatementPrice(m, y.price);
    const lo = m.curve.abatement(p, "lo");
    const hi = m.curve.abatement(p, "hi");
    return hi - lo > 0 ? Math.min(1, Math.max(0, (y.abatement - lo) / (hi - lo))) : 1;
  });
  const out: YearResult[] = years.map((t, k) => {
    const y = sol[k] as YearSolution;
    const m = markets[k] as YearMarket;
    const cost = fr ? (fr.costs[k] as number) : m.curve.cost(abatementPrice(m, y.price), marginalShare[k] as number);
    return {
      year: s.years[t] as number,
      price: y.price,
      cap: s.cap[t] as number,
      emissions: y.emissions,
      abatement: y.abatement,
      bank: y.bank,
      freeAllocation: m.free,
      auctioned: y.sold,
      ceilingSales: y.ceilingSales,
      reserveSales: y.reserveSales,
      offsetsUsed: y.offsetsUsed,
      unsold: y.unsold,
      msrIntake: flows?.intake[k] ?? 0,
      msrRelease: flows?.release[k] ?? 0,
      msrHoldings: flows?.holdings[k] ?? 0,
      msrInvalidated: flows?.invalidated[k] ?? 0,
      auctionRevenue: y.price * (y.sold + y.reserveSales + y.ceilingSales),
      abatementCost: cost,
      interest: y.interest,
      expired: y.expired,
    };
  });
  const r = s.discountRate;
  const abatementCostPv = out.reduce((a, y, k) => a + y.abatementCost / Math.pow(1 + r, k), 0);
  const eq = equilibriumOptions(s, years, o.window?.bank ?? s.initialBank);
  const warnings = arbitrageWarnings(out, r, eq.borrowLimit, eq.interestRate, s.banking);
  return { scenario: s.name, years: out, facilities: fr?.facilities ?? [], msr: report, abatementCostPv, marginalShare, warnings };
}
