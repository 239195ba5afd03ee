// The allocation engine for one year: from the rules and the installations' data to each
// installation's free allocation, auctioned part and explanation.
//   1. each installation's sector rule gives an exact preliminary amount (methods.ts);
//   2. the sector's auction share for the year is taken off (leakage-exposed sectors keep it free);
//   3. the result is floored to whole allowances (the one rounding of an incumbent's amount);
//   4. incumbents are corrected to the budget by one uniform factor, exactly (largest remainder);
//   5. new entrants are served from the reserve, first come first served.
// Pure: data in, results out. Floats from the dataset are read as their exact decimal text.
import { deriveBenchmark } from "../benchmark/index.ts";
import { mulDiv } from "../quantity/index.ts";
import type { BaselineResult } from "./baseline.ts";
import { computeBaseline } from "./baseline.ts";
import { correctToBudget } from "./correction.ts";
import type { CorrectionResult } from "./correction.ts";
import type { Explanation } from "./explain.ts";
import { addRounding, explanation, factor, grouped, rounding, say, sayFirst } from "./explain.ts";
import type { Amount, BenchmarkLine, NamedFactor } from "./methods.ts";
import { AllocationInputError, benchmarkAllocation, grandfathering, intensityTrueUp, newEntrant, outputBased } from "./methods.ts";
import type { Ratio } from "./ratio.ts";
import { add, cmp, frac, mul, ONE, ratio, show, sub, toWhole, ZERO } from "./ratio.ts";
import { applyGateway } from "./gateway.ts";
import { renderText, text, type Text } from "./texts.ts";
import { serveReserve } from "./reserve.ts";
import type { EntrantRequest } from "./reserve.ts";
import type { AllocationRules, BasePeriodRule, BenchmarkRule, GrandfatheringRule, OutputBasedRule, Reduction, SectorRule } from "./rules.ts";
import { auctionShare, type SectorShare } from "./shares.ts";

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

export function reductionFor(r: Reduction, year: number): { rate: Ratio; note?: Text } {
  switch (r.kind) {
    case "fixed":
      return { rate: r.rate };
    case "annual": {
      const n = Math.max(0, year - r.fromYear);
      if (!r.compound) return { rate: mul(r.annualRate, frac(n, 1)), note: text("alloc.note.linear", { rate: show(r.annualRate), years: String(n), from: String(r.fromYear) }) };
      let keep = ONE;
      const base = sub(ONE, r.annualRate);
      for (let i = 0; i < n; i++) keep = mul(keep, base);
      return { rate: sub(ONE, keep), note: text("alloc.note.compound", { rate: show(r.annualRate), years: String(n), from: String(r.fromYear) }) };
    }
    default: {
      const never: never = r;
      throw new Error(`unknown reduction ${JSON.stringify(never)}`);
    }
  }
}

function baselineOf(rows: readonly ActivityData[], bp: BasePeriodRule, pick: (a: ActivityData) => number | undefined, attrs: InstallationAttributes | undefined): BaselineResult | Text {
  const series = [];
  for (const a of rows) {
    const v = pick(a);
    if (v !== undefined) series.push({ year: a.year, value: v });
  }
  const baseFrom = attrs?.baseFrom;
  if (bp.choice === "operator" && baseFrom !== undefined && (baseFrom < bp.window.from || baseFrom + bp.years - 1 > bp.window.to)) {
    return text("alloc.skip.outsideWindow", { from: String(baseFrom), to: String(baseFrom + bp.years - 1), windowFrom: String(bp.window.from), windowTo: String(bp.window.to) });
  }
  const opts = bp.choice === "fixed"
    ? { length: bp.window.to - bp.window.from + 1, from: bp.window.from }
    : bp.choice === "operator" && baseFrom !== undefined
      ? { length: bp.years, from: baseFrom, within: bp.window }
      : { length: bp.years, within: bp.window };
  // Dropping an abnormal year is the operator's option where the rule allows it (Tokyo).
  const exclude = attrs?.excludeYear;
  if (exclude !== undefined && !bp.excludeAbnormalYear) return text("alloc.skip.noExclusion", { year: String(exclude) });
  const r = computeBaseline(series, exclude !== undefined ? { ...opts, exclude } : opts);
  if ("code" in r) {
    if (r.code === "missing-year") return text("alloc.skip.missingYear", { year: String(r.year) });
    if (r.code === "no-window") return text("alloc.skip.noWindow", { years: String(bp.years), from: String(bp.window.from), to: String(bp.window.to) });
    return text("alloc.skip.badExclusion", { year: String(r.year) });
  }
  return r;
}

function baselineLines(e: Explanation, b: BaselineResult, what: Text): void {
  sayFirst(e, () => {
    const common = { what, from: String(b.from), to: String(b.to), variation: (b.variationWindow * 100).toFixed(2), variationAll: (b.variationAll * 100).toFixed(2), mean: show(b.baseline) };
    return b.excluded === undefined ? text("alloc.line.baseline", common) : text("alloc.line.baselineWithout", { ...common, excluded: String(b.excluded) });
  });
}

function statistic(values: Ratio[], how: "mean" | "median"): Ratio {
  if (how === "mean") {
    let s = ZERO;
    for (const v of values) s = add(s, v);
    return mul(s, frac(1, values.length));
  }
  const sorted = [...values].sort(cmp);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[mid] as Ratio;
  return mul(add(sorted[mid - 1] as Ratio, sorted[mid] as Ratio), frac(1, 2));
}

type Case = { kind: "amount"; amount: Amount } | { kind: "entrant"; amount: Amount } | { kind: "skip"; reason: Text } | { kind: "zero"; method: string; trueUp?: { balance: bigint; e: Explanation } };

function grandfatherCase(rule: GrandfatheringRule, rows: readonly ActivityData[], year: number, attrs: InstallationAttributes | undefined, on: boolean): Case {
  const b = baselineOf(rows, rule.basePeriod, (a) => a.emissions, attrs);
  if (!("baseline" in b)) return { kind: "skip", reason: b };
  const cls = attrs?.class;
  const red = cls !== undefined ? rule.classes[cls] : undefined;
  if (cls !== undefined && !red) return { kind: "skip", reason: text("alloc.skip.unknownClass", { class: cls, classes: Object.keys(rule.classes).join(", ") || text("alloc.none") }) };
  const { rate, note } = reductionFor(red ?? rule.reduction, year);
  const top = attrs?.topLevel;
  const topFactor = top !== undefined ? rule.topLevelFactors[top] : undefined;
  if (top !== undefined && !topFactor) return { kind: "skip", reason: text("alloc.skip.unknownTopLevel", { level: top }) };
  // A certified status scales the reduction rate, not the allowance (Tokyo: x 1/2 or x 3/4).
  const reduced = topFactor ? mul(rate, topFactor) : rate;
  const amount = grandfathering({
    baseline: b.baseline,
    reductionRate: reduced,
    ...(cls !== undefined ? { className: cls } : {}),
    ...(note !== undefined ? { rateNote: note } : {}),
  }, on);
  if (topFactor && top !== undefined) {
    sayFirst(amount.explanation, () => text("alloc.line.topLevel", { level: top, rate: show(rate), factor: show(topFactor), reduced: show(reduced) }));
    factor(amount.explanation, () => text("alloc.factor.topLevel", { level: top }), topFactor);
  }
  baselineLines(amount.explanation, b, text("alloc.what.baseline"));
  return { kind: "amount", amount };
}

function activityLevel(rule: BenchmarkRule, rows: readonly ActivityData[], year: number): { level: Ratio; text: () => Text } | undefined {
  const out = (y: number) => rows.find((a) => a.year === y)?.output;
  if (rule.activity.basis === "current" || rule.activity.basis === "previous-year") {
    const y = rule.activity.basis === "current" ? year : year - 1;
    const v = out(y);
    return v === undefined ? undefined : { level: ratio(v), text: () => text("alloc.unit.year", { year: String(y) }) };
  }
  const w = rule.activity.window ?? { from: year - 2, to: year - 1 };
  const values = rows.filter((a) => a.year >= w.from && a.year <= w.to && a.output !== undefined).map((a) => ratio(a.output as number));
  if (values.length === 0) return undefined;
  return {
    level: statistic(values, rule.activity.statistic),
    text: () => text("alloc.unit.window", { statistic: text(`alloc.stat.${rule.activity.statistic}`), from: String(w.from), to: String(w.to), count: String(values.length) }),
  };
}

function benchmarkCase(rule: BenchmarkRule, inst: InstallationData, rows: readonly ActivityData[], year: number, attrs: InstallationAttributes | undefined, on: boolean): Case {
  const product = inst.product !== undefined && Object.hasOwn(rule.products, inst.product) ? rule.products[inst.product] : undefined;
  if (product && product.value === undefined) return { kind: "skip", reason: text("alloc.skip.noBenchmarkValue", { product: inst.product ?? "" }) };
  const factors: NamedFactor[] = [];
  for (const [name, options] of Object.entries(rule.adjustmentFactors)) {
    const chosen = attrs?.options?.[name];
    if (chosen === undefined) continue;
    const v = options[chosen];
    if (!v) return { kind: "skip", reason: text("alloc.skip.unknownOption", { option: chosen, name }) };
    const label = text("alloc.factor.adjustment", { name, option: chosen });
    factors.push({ name: renderText("en", label), value: v, label });
  }
  if (product?.value && inst.product !== undefined) {
    const bmValue = product.value;
    const hal = activityLevel(rule, rows, year);
    if (!hal) {
      if (inst.capacity !== undefined && rule.newEntrantUtilisation && inst.startYear <= year) {
        return { kind: "entrant", amount: newEntrant({ product: inst.product, capacity: ratio(inst.capacity), utilisation: rule.newEntrantUtilisation, benchmark: bmValue }, on) };
      }
      return { kind: "skip", reason: text("alloc.skip.noOutput", { product: inst.product }) };
    }
    const line: BenchmarkLine = { id: inst.installation, product: { name: inst.product, benchmark: bmValue, activity: hal.level, unit: hal.text, factors } };
    return { kind: "amount", amount: benchmarkAllocation({ lines: [line] }, on) };
  }
  // No product benchmark: the fall-backs in order. The dataset has no heat or fuel measurements,
  // so only the process fall-back (grandfathered emissions) can apply to its rows.
  const p = rule.fallbacks.process;
  if (!p) return { kind: "skip", reason: text("alloc.skip.noBenchmark", { product: inst.product ?? text("alloc.noneParen") }) };
  const b = baselineOf(rows, p.basePeriod, (a) => a.emissions, attrs);
  if (!("baseline" in b)) return { kind: "skip", reason: b };
  const { rate } = reductionFor(p.reduction, year);
  const a = benchmarkAllocation({ lines: [{ id: inst.installation, process: { emissions: b.baseline, factor: sub(ONE, rate) } }] }, on);
  baselineLines(a.explanation, b, text("alloc.what.processBaseline"));
  return { kind: "amount", amount: a };
}

function caseFor(rule: SectorRule, inst: InstallationData, rows: readonly ActivityData[], year: number, attrs: InstallationAttributes | undefined, on: boolean): Case {
  switch (rule.method) {
    case "grandfathering":
      return grandfatherCase(rule, rows, year, attrs, on);
    case "benchmark":
      return benchmarkCase(rule, inst, rows, year, attrs, on);
    case "output-based": {
      const prev = [];
      for (const lag of rule.lagYears) {
        const y = year - lag;
        const v = rows.find((a) => a.year === y)?.output;
        if (v === undefined) return { kind: "skip", reason: text("alloc.skip.noPreviousOutput", { year: String(y) }) };
        prev.push({ year: y, output: ratio(v) });
      }
      if (!rule.intensity) return { kind: "skip", reason: text("alloc.skip.noIntensity", { sector: inst.sector }) };
      return { kind: "amount", amount: outputBased({ year, previousOutputs: prev, intensity: rule.intensity, sector: inst.sector }, on) };
    }
    case "intensity-target": {
      const target = (inst.product !== undefined ? rule.targets[inst.product] : undefined) ?? rule.targets["*"];
      if (!target) return { kind: "skip", reason: text("alloc.skip.noTarget", { product: inst.product ?? text("alloc.noneParen") }) };
      const now = rows.find((a) => a.year === year);
      if (!now || now.output === undefined) return { kind: "zero", method: "intensity-target" };
      const t = intensityTrueUp({ target, output: ratio(now.output), emissions: ratio(now.emissions) }, on);
      return { kind: "zero", method: "intensity-target", trueUp: { balance: t.balance, e: t.explanation } };
    }
    case "auction":
      return { kind: "zero", method: "auction" };
    default: {
      const never: never = rule;
      throw new Error(`unknown method ${JSON.stringify(never)}`);
    }
  }
}

function groupActivity(activity: readonly ActivityData[]): Map<string, ActivityData[]> {
  const by = new Map<string, ActivityData[]>();
  for (const a of activity) {
    const list = by.get(a.installation);
    if (list) list.push(a);
    else by.set(a.installation, [a]);
  }
  return by;
}

export interface DerivedValue {
  sector: string;
  product?: string;
  value: string;
  /** How it was derived, in English (the rendering of howText). */
  how: string;
  howText: Text;
}

function outputWindow(rule: BenchmarkRule, year: number): { from: number; to: number } {
  if (rule.activity.basis === "current") return { from: year, to: year };
  if (rule.activity.basis === "previous-year") return { from: year - 1, to: year - 1 };
  return rule.activity.window ?? { from: year - 2, to: year - 1 };
}

/**
 * Fills what the rules leave to the data: product benchmarks without a value (derived like `ets
 * benchmark`, from each installation's emissions and output summed over the activity window) and
 * output-based intensities without a value (sector emissions / sector output over the lag years).
 */
export function resolveFromData(rules: AllocationRules, installations: readonly InstallationData[], byInst: ReadonlyMap<string, readonly ActivityData[]>): { rules: AllocationRules; derived: DerivedValue[] } {
  const derived: DerivedValue[] = [];
  const sectors: Record<string, SectorRule> = { ...rules.sectors };
  for (const [sid, rule] of Object.entries(rules.sectors)) {
    if (rule.method === "benchmark" && rule.derive && Object.values(rule.products).some((p) => p.value === undefined)) {
      const w = outputWindow(rule, rules.year);
      const products = { ...rule.products };
      for (const [pid, p] of Object.entries(rule.products)) {
        if (p.value !== undefined) continue;
        const points = [];
        for (const inst of installations) {
          if (inst.sector !== sid || inst.product !== pid) continue;
          let output = 0;
          let emissions = 0;
          for (const a of byInst.get(inst.installation) ?? []) {
            if (a.year < w.from || a.year > w.to || a.output === undefined) continue;
            output += a.output;
            emissions += a.emissions;
          }
          if (output > 0) points.push({ installation: inst.installation, output, emissions });
        }
        const d = deriveBenchmark(points, rule.derive);
        if ("code" in d) continue;
        const value = ratio(Number(d.value.toPrecision(12)));
        products[pid] = { ...p, value };
        const how = text("alloc.how.derived", {
          method: text(`alloc.deriveMethod.${rule.derive.method}`), percent: String(rule.derive.topPercent), weighting: text(`alloc.weighting.${rule.derive.weighting}`),
          from: String(w.from), to: String(w.to), count: String(d.installations),
        });
        derived.push({ sector: sid, product: pid, value: show(value), how: renderText("en", how), howText: how });
      }
      sectors[sid] = { ...rule, products };
    }
    if (rule.method === "output-based" && !rule.intensity) {
      const years = new Set(rule.lagYears.map((l) => rules.year - l));
      let output = ZERO;
      let emissions = ZERO;
      for (const inst of installations) {
        if (inst.sector !== sid) continue;
        for (const a of byInst.get(inst.installation) ?? []) {
          if (!years.has(a.year) || a.output === undefined) continue;
          output = add(output, ratio(a.output));
          emissions = add(emissions, ratio(a.emissions));
        }
      }
      if (output.n > 0n) {
        const intensity: Ratio = { n: emissions.n * output.d, d: emissions.d * output.n };
        const r: OutputBasedRule = { ...rule, intensity };
        sectors[sid] = r;
        const how = text("alloc.how.intensity", { years: [...years].sort().join(", ") });
        derived.push({ sector: sid, value: show(intensity), how: renderText("en", how), howText: how });
      }
    }
  }
  return { rules: { ...rules, sectors }, derived };
}

type Computed = { kind: "skip"; reason: Text } | { kind: "result"; result: AllocationResult; entrant?: EntrantRequest };

/**
 * Allocates one year. Installations of sectors without a rule are skipped (not covered).
 * With `explain: false` the results carry only their method (no texts are built, which matters
 * for a million installations); `run.explain(id)` rebuilds any one installation's full explanation.
 */
export function allocate(given: AllocationRules, installations: readonly InstallationData[], activity: readonly ActivityData[], opts: AllocateOptions = {}): AllocationRun {
  const year = given.year;
  const on = opts.explain !== false;
  const byInst = groupActivity(activity);
  const resolved = resolveFromData(given, installations, byInst);
  const rules = resolved.rules;
  const shares = new Map<string, { share: Ratio; keep: Ratio; text: string; reason: SectorShare["reason"] }>();
  const shareOf = (sector: string) => {
    let s = shares.get(sector);
    if (!s) {
      const a = auctionShare(rules.auction, sector, year);
      s = { share: a.share, keep: sub(ONE, a.share), text: show(a.share), reason: a.reason };
      shares.set(sector, s);
    }
    return s;
  };

  const compute = (inst: InstallationData, on: boolean): Computed => {
    const rule = rules.sectors[inst.sector];
    if (!rule) return { kind: "skip", reason: text("alloc.skip.noRule", { sector: inst.sector }) };
    if (inst.startYear > year) return { kind: "skip", reason: text("alloc.skip.startsLater", { start: String(inst.startYear), year: String(year) }) };
    const attrs = opts.attributes?.get(inst.installation);
    let c: Case;
    try {
      c = caseFor(rule, inst, byInst.get(inst.installation) ?? [], year, attrs, on);
    } catch (err) {
      if (err instanceof AllocationInputError) c = { kind: "skip", reason: err.text };
      else throw err;
    }
    if (c.kind === "skip") return c;
    const share = shareOf(inst.sector);
    if (c.kind === "zero") {
      const e = c.trueUp?.e ?? explanation(c.method, on);
      const method = c.method;
      say(e, () => text(method === "auction" ? "alloc.line.noFreeAuction" : "alloc.line.noFreeExPost"));
      const r: AllocationResult = { installation: inst.installation, sector: inst.sector, method: c.method, entitlement: 0n, auctionShare: share.text, free: 0n, auctioned: 0n, newEntrant: false, explanation: e };
      if (c.trueUp) r.trueUp = c.trueUp.balance;
      return { kind: "result", result: r };
    }
    const { amount, explanation: e } = c.amount;
    const exactFree = mul(amount, share.keep);
    const entitlement = toWhole(amount);
    const free = toWhole(exactFree);
    const reason = text(`alloc.shareReason.${share.reason}`);
    factor(e, () => text("alloc.factor.auctionShare", { year: String(year), reason }), share.text);
    say(e, () => text("alloc.line.freeShare", { share: share.text, reason, amount: show(amount), keep: show(share.keep), free: show(exactFree) }));
    rounding(e, text("alloc.step.freeAllocation"), exactFree, free, text("alloc.rule.floor"));
    const r: AllocationResult = {
      installation: inst.installation, sector: inst.sector, method: e.method, entitlement, auctionShare: share.text,
      free, auctioned: entitlement - free, newEntrant: c.kind === "entrant", explanation: e,
    };
    if (c.kind !== "entrant") return { kind: "result", result: r };
    const s = attrs?.start ?? `${Math.max(inst.startYear, year)}-01-01`;
    return { kind: "result", result: r, entrant: { installation: inst.installation, applied: attrs?.applied ?? s, start: s, annual: free } };
  };

  const results: AllocationResult[] = [];
  const skipped: Skipped[] = [];
  const entrants: { result: AllocationResult; request: EntrantRequest }[] = [];
  const total = installations.length;
  installations.forEach((inst, i) => {
    if (opts.onProgress && i % 10_000 === 0) opts.onProgress(i, total);
    const c = compute(inst, on);
    if (c.kind === "skip") skipped.push({ installation: inst.installation, sector: inst.sector, reason: renderText("en", c.reason), reasonText: c.reason });
    else {
      results.push(c.result);
      if (c.entrant) entrants.push({ result: c.result, request: c.entrant });
    }
  });
  opts.onProgress?.(total, total);

  // Correction of incumbents (entrants are served by the reserve, outside the budget). The lines
  // are written by `corrected`, which explain() calls again for one installation.
  const corr = rules.correction;
  let corrected: (r: AllocationResult, before: bigint, after: bigint) => void = () => {};
  let correction: AllocationRun["correction"];
  const exemptSector = (sector: string) => corr.kind !== "none" && corr.excludeSectors.includes(sector);
  // Results with nothing free by method (auction, intensity targets) have nothing to correct.
  const describes = (r: AllocationResult) => r.method !== "auction" && r.method !== "intensity-target";
  if (corr.kind !== "none") {
    const incumbents = results.filter((r) => !r.newEntrant);
    const exempt = incumbents.map((r) => exemptSector(r.sector));
    if (corr.kind === "uniform") {
      const c = correctToBudget(incumbents.map((r) => r.free), corr.budget, corr.mode, exempt);
      const scaledBefore = c.before - sumExempt(incumbents, exempt);
      corrected = (r, before, after) => {
        say(r.explanation, () => text("alloc.line.correctionUniform", { factor: show(c.factor), available: grouped(c.available), scaled: grouped(scaledBefore), before: grouped(before), after: grouped(after) }));
        factor(r.explanation, text("alloc.factor.uniformCorrection"), c.factor);
        addRounding(r.explanation, () => ({ stepText: text("alloc.step.correction"), exact: show(mul(frac(before, 1), c.factor)), rounded: after, ruleText: text("alloc.rule.largestRemainder") }));
      };
      if (c.applied) {
        incumbents.forEach((r, i) => {
          if (exempt[i]) return;
          const after = c.parts[i] as bigint;
          if (describes(r)) corrected(r, r.free, after);
          r.free = after;
        });
      }
      correction = { kind: "uniform", factor: show(c.factor), applied: c.applied, available: c.available, before: c.before, after: c.after };
      if (!c.applied) corrected = () => {};
    } else {
      const f = corr.factor;
      corrected = (r, before, after) => {
        say(r.explanation, () => text("alloc.line.correctionPublished", { factor: show(f), before: grouped(before), after: grouped(after) }));
        factor(r.explanation, text("alloc.factor.publishedCorrection"), f);
      };
      let before = 0n;
      let after = 0n;
      incumbents.forEach((r, i) => {
        before += r.free;
        if (!exempt[i]) {
          const v = mulDiv(r.free, f.n, f.d, "floor");
          if (describes(r)) corrected(r, r.free, v);
          r.free = v;
        }
        after += r.free;
      });
      correction = { kind: "factor", factor: show(f), applied: true, available: after, before, after };
    }
  }

  // The reserve's texts are kept (entrants are few) for explain().
  const grants = new Map<string, { steps: Text[]; roundings: Explanation["roundings"] }>();
  let reserve: AllocationRun["reserve"];
  if (entrants.length > 0) {
    const size = rules.reserve;
    if (size === undefined) {
      for (const { result } of entrants) grants.set(result.installation, { steps: [text("alloc.line.noReserve")], roundings: [] });
    } else {
      const out = serveReserve(size, year, entrants.map((x) => x.request));
      const byId = new Map(entrants.map((x) => [x.result.installation, x.result]));
      for (const g of out.grants) {
        const r = byId.get(g.installation) as AllocationResult;
        grants.set(g.installation, { steps: g.explanation.steps.map((l) => text("alloc.line.reserve", { line: l })), roundings: g.explanation.roundings });
        r.free = g.granted;
        if (g.unmet > 0n) r.unmet = g.unmet;
      }
      reserve = { size, granted: size - out.remaining, remaining: out.remaining, unmet: out.unmetTotal };
    }
    for (const { result } of entrants) {
      const g = grants.get(result.installation);
      if (!g) continue;
      for (const l of g.steps) say(result.explanation, () => l);
      for (const x of g.roundings) addRounding(result.explanation, () => x);
    }
  }

  const byId = new Map<string, InstallationData>();
  const finals = new Map<string, AllocationResult>();
  const explain = (installation: string): Explanation | undefined => {
    if (byId.size === 0) for (const i of installations) byId.set(i.installation, i);
    if (finals.size === 0) for (const r of results) finals.set(r.installation, r);
    const inst = byId.get(installation);
    const final = finals.get(installation);
    if (!inst || !final) return undefined;
    const c = compute(inst, true);
    if (c.kind !== "result") return undefined;
    const r = c.result;
    if (r.newEntrant) {
      const g = grants.get(installation);
      for (const l of g?.steps ?? []) say(r.explanation, () => l);
      for (const x of g?.roundings ?? []) addRounding(r.explanation, () => x);
    } else if (!exemptSector(r.sector) && correction && (correction.kind === "factor" || correction.applied) && describes(r)) {
      corrected(r, r.free, final.free);
    }
    const gwAccepted = final.gatewayAccepted;
    const g = rules.gateway;
    if (gwAccepted !== undefined && g) {
      say(r.explanation, () => gatewayLine(g, gwAccepted, final.trueUp ?? 0n));
    }
    return r.explanation;
  };

  const gw = rules.gateway;
  let gateway: AllocationRun["gateway"];
  if (gw) {
    const sellers = results.filter((r) => r.sector === gw.from && r.trueUp !== undefined && r.trueUp > 0n);
    const requests = sellers.map((r) => ({ participant: r.installation, quantity: r.trueUp as bigint }));
    const requested = requests.reduce((a, x) => a + x.quantity, 0n);
    const soFar = gw.netFlowSoFar ?? 0n;
    const out = applyGateway(requests, soFar, gw.maxNetFlow ?? soFar + requested);
    sellers.forEach((r, i) => {
      const a = out.accepted[i] as { accepted: bigint; requested: bigint };
      r.gatewayAccepted = a.accepted;
      say(r.explanation, () => gatewayLine(gw, a.accepted, a.requested));
    });
    gateway = { from: gw.from, to: gw.to, ...(gw.maxNetFlow === undefined ? {} : { limit: gw.maxNetFlow }), requested, accepted: out.netFlow - soFar, netFlow: out.netFlow, closed: gw.maxNetFlow !== undefined && out.closed };
  }

  const run: AllocationRun = { scheme: rules.scheme, year, results, skipped, derived: resolved.derived, totals: { entitlement: 0n, free: 0n, auctioned: 0n }, explain };
  if (gateway) run.gateway = gateway;
  if (correction) run.correction = correction;
  if (reserve) run.reserve = reserve;
  for (const r of results) {
    run.totals.entitlement += r.entitlement;
    run.totals.free += r.free;
    run.totals.auctioned += r.auctioned;
  }
  return run;
}

function gatewayLine(g: { from: string; to: string; maxNetFlow?: bigint }, accepted: bigint, requested: bigint): Text {
  const common = { from: g.from, to: g.to, accepted: grouped(accepted), requested: grouped(requested) };
  return g.maxNetFlow === undefined ? text("alloc.line.gateway", common) : text("alloc.line.gatewayCap", { ...common, cap: grouped(g.maxNetFlow) });
}

function sumExempt(rs: readonly AllocationResult[], exempt: readonly boolean[]): bigint {
  let s = 0n;
  rs.forEach((r, i) => {
    if (exempt[i]) s += r.free;
  });
  return s;
}
