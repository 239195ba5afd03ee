// Each installation's preliminary amount under its sector's rule, by method: grandfathering (base
// period, reduction, classes, certified top-level status), benchmarks (activity level, adjustment
// factors, the process fall-back, new entrants by capacity), output-based, intensity targets
// (a true-up, nothing free), auction only. Exact ratios; the engine floors and corrects them.
import type { BaselineResult } from "./baseline.ts";
import { computeBaseline } from "./baseline.ts";
import type { Explanation } from "./explain.ts";
import { factor, sayFirst } from "./explain.ts";
import type { Amount, BenchmarkLine, NamedFactor } from "./methods.ts";
import { benchmarkAllocation, grandfathering, intensityTrueUp, newEntrant, outputBased } from "./methods.ts";
import type { Ratio } from "./ratio.ts";
import { add, cmp, frac, mul, ONE, ratio, show, sub, ZERO } from "./ratio.ts";
import type { BasePeriodRule, BenchmarkRule, GrandfatheringRule, Reduction, SectorRule } from "./rules.ts";
import { renderText, text, type Text } from "./texts.ts";
import type { ActivityData, InstallationAttributes, InstallationData } from "./types.ts";

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

export type Case = { kind: "amount"; amount: Amount } | { kind: "entrant"; amount: Amount } | { kind: "skip"; reason: Text } | { kind: "zero"; method: string; trueUp?: { balance: bigint; e: Explanation } };

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

export function caseFor(rule: SectorRule, inst: InstallationData, rows: readonly ActivityData[], year: number, attrs: InstallationAttributes | undefined, on: boolean): Case {
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
