// What the rules leave to the data, filled before allocating: product benchmarks without a value
// and output-based intensities without a value, each recorded as a derived value with how.
import { deriveBenchmark } from "../benchmark/index.ts";
import type { Ratio } from "./ratio.ts";
import { add, ratio, show, ZERO } from "./ratio.ts";
import type { AllocationRules, BenchmarkRule, OutputBasedRule, SectorRule } from "./rules.ts";
import { renderText, text } from "./texts.ts";
import type { ActivityData, DerivedValue, InstallationData } from "./types.ts";

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
