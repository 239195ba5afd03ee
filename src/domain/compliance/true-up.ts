// Settling allocation against verified data after the year:
//   - pre-allocation and true-up (China's power sector): an ex-ante share of base-year output x
//     benchmark x adjustment factors is issued first; once output is verified the final amount is
//     verified output x the same benchmark and factors, and the true-up is the difference (taken
//     back when negative, unless the rulebook keeps the pre-allocation). A deduction carried over
//     (a previous shortfall taken from the next allocation) may make the pre-allocation negative
//     where the rulebook allows negative true-ups;
//   - ex-post issuance (Tokyo): emissions below the facility cap become tradable credits after
//     verification, within the rulebook's ceiling;
//   - intensity targets: target x verified output against verified emissions (allocation's
//     intensityTrueUp, read from the rulebook's targets).
// Exact ratios all the way; one rounding per figure, named by the rulebook (floor by default).
import { intensityTrueUp } from "../allocation/methods.ts";
import { mul, ratio, show, toWhole } from "../allocation/ratio.ts";
import type { Ratio } from "../allocation/ratio.ts";
import { productBenchmark, sectorRule } from "../rulebook/index.ts";
import type { Rulebook } from "../rulebook/index.ts";
import type { Refusal } from "./codes.ts";
import { complianceRefusal } from "./codes.ts";
import { exPostFigure } from "./ex-post.ts";
import type { Obligation } from "./obligation.ts";

export interface BenchmarkLineInput {
  sector: string;
  product: string;
  /** Options of the sector's adjustment factors (China: cooling -> air). */
  options?: Readonly<Record<string, string>>;
}

interface Basis {
  benchmark: Ratio;
  factors: { name: string; value: Ratio }[];
  exAnteShare: Ratio;
  unit: string;
}

function basisOf(rb: Rulebook, line: BenchmarkLineInput): Basis | Refusal {
  const rule = sectorRule(rb, line.sector);
  if (!rule || rule.method !== "benchmark") return complianceRefusal("INPUT_INVALID", `sector: "${line.sector}" is not a benchmark sector of ${rb.scheme.id}`, { field: "sector" });
  const p = productBenchmark(rb, line.sector, line.product);
  if (!p || p.value === undefined) return complianceRefusal("INPUT_INVALID", `product: no benchmark value for "${line.product}" in sector ${line.sector}`, { field: "product" });
  const factors: Basis["factors"] = [];
  for (const [name, chosen] of Object.entries(line.options ?? {})) {
    const opts = rule.adjustmentFactors[name];
    const v = opts?.[chosen];
    if (v === undefined) return complianceRefusal("INPUT_INVALID", `options.${name}: unknown option "${chosen}"`, { field: `options.${name}` });
    factors.push({ name: `${name} (${chosen})`, value: ratio(v) });
  }
  return { benchmark: ratio(p.value), factors, exAnteShare: ratio(rule.exAnteShare ?? 1), unit: p.unit };
}

function amount(b: Basis, output: Ratio): Ratio {
  return mul(output, b.benchmark, ...b.factors.map((f) => f.value));
}

function readOutput(v: string | number | undefined, field: string): Ratio | Refusal {
  if (v === undefined) return complianceRefusal("BASE_OUTPUT_MISSING", `${field}: needed`, { field });
  try {
    const r = ratio(v);
    if (r.n < 0n) return complianceRefusal("ACTIVITY_NEGATIVE", `${field}: output must be >= 0`, { field });
    return r;
  } catch {
    return complianceRefusal("INPUT_INVALID", `${field}: not a decimal number`, { field });
  }
}

export interface PreAllocation {
  preAllocation: bigint;
  lines: string[];
}

/** The ex-ante share of base-year output x benchmark x factors, less any deduction carried over. */
export function preAllocation(rb: Rulebook, line: BenchmarkLineInput & { baseOutput?: string | number; deduction?: bigint }): PreAllocation | Refusal {
  const b = basisOf(rb, line);
  if ("ok" in b) return b;
  const out = readOutput(line.baseOutput, "baseOutput");
  if ("ok" in out) return out;
  const rounding = rb.compliance?.trueUp.rounding ?? "floor";
  const exact = mul(b.exAnteShare, amount(b, out));
  const gross = toWhole(exact, rounding);
  const lines = [`pre-allocation: ${show(b.exAnteShare)} x base output ${show(out)} x benchmark ${show(b.benchmark)} ${b.unit}${b.factors.map((f) => ` x ${f.name} ${show(f.value)}`).join("")} = ${show(exact)} -> ${gross} (${rounding})`];
  let value = gross - (line.deduction ?? 0n);
  if (line.deduction) lines.push(`less ${line.deduction} carried over: ${value}`);
  if (value < 0n && rb.compliance?.trueUp.negative === false) {
    lines.push(`negative pre-allocations are not allowed: 0, and ${-value} stays owed`);
    value = 0n;
  }
  return { preAllocation: value, lines };
}

export interface TrueUpResult {
  final: bigint;
  trueUp: bigint;
  lines: string[];
}

/** Once output is verified: final = verified output x benchmark x factors; trueUp = final - preAllocation. */
export function trueUp(rb: Rulebook, line: BenchmarkLineInput & { verifiedOutput?: string | number; preAllocation: bigint }): TrueUpResult | Refusal {
  const b = basisOf(rb, line);
  if ("ok" in b) return b;
  const out = readOutput(line.verifiedOutput, "verifiedOutput");
  if ("ok" in out) return out;
  const rounding = rb.compliance?.trueUp.rounding ?? "floor";
  const exact = amount(b, out);
  const final = toWhole(exact, rounding);
  let t = final - line.preAllocation;
  const lines = [`final: verified output ${show(out)} x benchmark ${show(b.benchmark)}${b.factors.map((f) => ` x ${f.name} ${show(f.value)}`).join("")} = ${show(exact)} -> ${final} (${rounding})`, `true-up: ${final} - pre-allocation ${line.preAllocation} = ${t}`];
  if (t < 0n && rb.compliance?.trueUp.negative === false) {
    lines.push("a negative true-up is not taken back under this rulebook: 0");
    t = 0n;
  }
  return { final, trueUp: t, lines };
}

/**
 * Tokyo: a facility that stays below its cap gets the difference issued as credits after
 * verification, at most `maxShareOfBaseline` x baseline x years when the rulebook sets it
 * (ex-post.ts exPostFigure, on the baseline over the period).
 */
export function exPostIssuance(rb: Rulebook, o: Obligation, baselinePerYear?: bigint): { issued: bigint; unitType: string; lines: string[] } | Refusal {
  const years = BigInt(o.period.to - o.period.from + 1);
  const f = exPostFigure(rb, o, baselinePerYear === undefined ? undefined : baselinePerYear * years);
  return "ok" in f ? f : { issued: f.issued, unitType: f.unitType, lines: f.lines };
}

/** An intensity-target participant's ex-post balance from the rulebook's target (+ issued, - owed). */
export function intensityTrueUpFor(rb: Rulebook, sector: string, year: number, verified: { output: string | number; emissions: string | number; product?: string }): { balance: bigint; lines: string[] } | Refusal {
  const rule = sectorRule(rb, sector);
  if (!rule || rule.method !== "intensity-target") return complianceRefusal("INPUT_INVALID", `sector: "${sector}" has no intensity target in ${rb.scheme.id}`, { field: "sector" });
  const t = rule.targets.find((x) => (x.product === undefined || x.product === verified.product) && (x.from ?? -Infinity) <= year && year <= (x.to ?? Infinity));
  if (!t) return complianceRefusal("INPUT_INVALID", `no intensity target for ${verified.product ?? "the sector"} in ${year}`, { field: "product" });
  const output = readOutput(verified.output, "output");
  if ("ok" in output) return output;
  const emissions = readOutput(verified.emissions, "emissions");
  if ("ok" in emissions) return emissions;
  const r = intensityTrueUp({ target: ratio(t.value), output, emissions });
  return { balance: r.balance, lines: r.explanation.lines };
}

export interface ExAnteLine {
  installation: string;
  preAllocation: bigint;
  /** final - preAllocation, when the year's output is known (the final amount is the engine's free allocation). */
  trueUp?: bigint;
  lines: string[];
}

/**
 * Pre-allocation and true-up for every result of an allocation run in a benchmark sector with an
 * ex-ante share (China power): the pre-allocation on the base year's output (the rulebook's
 * `compliance.trueUp.baseYear`, else the year before), and, where the run's amount rests on the
 * year's verified output, trueUp = the run's free allocation - preAllocation. Results without a
 * base-year output are left out (their pre-allocation cannot be computed).
 */
export function exAnteSplit(
  rb: Rulebook,
  year: number,
  results: readonly { installation: string; sector: string; free: bigint }[],
  installations: readonly { installation: string; sector: string; product?: string }[],
  activity: readonly { installation: string; year: number; output?: number }[],
  options: (installation: string) => Readonly<Record<string, string>> | undefined = () => undefined,
): ExAnteLine[] {
  const baseYear = rb.compliance?.trueUp.baseYear ?? year - 1;
  const product = new Map(installations.map((i) => [i.installation, i.product]));
  const output = new Map<string, number>();
  for (const a of activity) if (a.output !== undefined && (a.year === baseYear || a.year === year)) output.set(`${a.installation}@${a.year}`, a.output);
  const out: ExAnteLine[] = [];
  for (const r of results) {
    const rule = sectorRule(rb, r.sector);
    const p = product.get(r.installation);
    if (rule?.method !== "benchmark" || rule.exAnteShare === undefined || p === undefined) continue;
    const base = output.get(`${r.installation}@${baseYear}`);
    if (base === undefined) continue;
    const opts = options(r.installation);
    const pre = preAllocation(rb, { sector: r.sector, product: p, baseOutput: base, ...(opts ? { options: opts } : {}) });
    if ("ok" in pre) continue;
    const line: ExAnteLine = { installation: r.installation, preAllocation: pre.preAllocation, lines: [`base year ${baseYear}`, ...pre.lines] };
    if (rule.activity.basis === "current" && output.has(`${r.installation}@${year}`)) {
      let t = r.free - pre.preAllocation;
      line.lines.push(`true-up: free allocation on ${year} output ${r.free} - pre-allocation ${pre.preAllocation} = ${t}`);
      if (t < 0n && rb.compliance?.trueUp.negative === false) {
        t = 0n;
        line.lines.push("a negative true-up is not taken back under this rulebook: 0");
      }
      line.trueUp = t;
    }
    out.push(line);
  }
  return out;
}
