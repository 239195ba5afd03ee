// Scenario files for the policy simulator: the zod schema with the field names of issue 5, the
// broadcasting of a scalar to every year, and the normalised scenario the engine reads. Parsing is
// pure (text in, scenario or error out); reading files is the CLI's job. Quantities and prices are
// floating-point numbers here: the simulator is a model, not the ledger.
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import type { Rulebook } from "../domain/rulebook/index.ts";
import { applyRulebook, RulebookFieldError } from "./from-rulebook.ts";
import type { RulebookUse } from "./from-rulebook.ts";

export type { RulebookUse } from "./from-rulebook.ts";

const MAX_YEARS = 200;
const MAX_FACILITIES = 200_000;
const MAX_STEPS = 100;
const MAX_TIERS = 20;

const num = z.number().finite();
const nonNeg = num.min(0);
const perYear = z.union([nonNeg, z.array(nonNeg).max(MAX_YEARS)]);
const tier = z.strictObject({ trigger: nonNeg, quantity: nonNeg });

const mac = z.union([
  z.strictObject({ linear: z.strictObject({ slope: num.positive() }) }),
  z.strictObject({ steps: z.array(z.strictObject({ quantity: nonNeg, cost: nonNeg })).min(1).max(MAX_STEPS) }),
]);

const facility = z.strictObject({
  id: z.string().min(1).max(200),
  sector: z.string().min(1).max(200).default("all"),
  bau: perYear,
  mac,
  freeAllocation: perYear.default(0),
  /** Product output per year (tonnes of product), for intensities and the reward for past effort. */
  output: perYear.optional(),
});

export const MSR_PRESETS = {
  /** EU MSR as amended by Decision (EU) 2023/852 and Directive 2023/959 (research/scheme-rules.md section 1.1), in tonnes. */
  "eu-2023": { upperThreshold: 833e6, lowerThreshold: 400e6, intakeRate: 0.24, bufferThreshold: 1096e6, releaseQuantity: 100e6, invalidationThreshold: 400e6 },
  /** EU MSR of Decision (EU) 2015/1814 with the 2018 doubling (24%), without the buffer rule or invalidation. */
  "eu-2018": { upperThreshold: 833e6, lowerThreshold: 400e6, intakeRate: 0.24, releaseQuantity: 100e6 },
} as const;

const msrParams = z.strictObject({
  upperThreshold: nonNeg,
  lowerThreshold: nonNeg,
  intakeRate: num.min(0).max(1),
  /** Between upperThreshold and bufferThreshold the intake is TNAC - upperThreshold (EU rule from 2024). */
  bufferThreshold: nonNeg.optional(),
  releaseQuantity: nonNeg,
  /** Holdings above this are invalidated (cancelled) each year. */
  invalidationThreshold: nonNeg.optional(),
  initialHoldings: nonNeg.default(0),
  damping: num.gt(0).max(1).default(0.5),
  maxIterations: z.number().int().min(1).max(10_000).default(200),
  tolerance: num.positive().default(1e-6),
});

const msr = z.union([z.enum(Object.keys(MSR_PRESETS) as [keyof typeof MSR_PRESETS]), msrParams]);

const cluster = z.strictObject({
  id: z.string().min(1),
  facilities: z.array(z.string().min(1)).min(1),
  /** Shared CO2 transport and storage: tonnes a year it can take, and its cost per tonne. */
  pipeline: z.strictObject({ capacity: perYear, costPerTonne: nonNeg }),
});

export const scenarioSchema = z.strictObject({
  name: z.string().max(200).optional(),
  description: z.string().max(5000).optional(),
  /** A rulebook preset name or file: fields the scenario leaves out are taken from it (see from-rulebook.ts). */
  rulebook: z.string().min(1).max(1000).optional(),
  /** Multiplies quantities taken from the rulebook (cap, reserve amounts, MSR thresholds) into the scenario's units. */
  capScale: num.positive().optional(),
  years: z.union([
    z.array(z.number().int()).min(1).max(MAX_YEARS),
    z.strictObject({ from: z.number().int(), to: z.number().int() }),
  ]),
  /** The rulebook year each simulated year reads (default: the same year); as many as `years`. */
  rulebookYears: z
    .union([z.array(z.number().int()).min(1).max(MAX_YEARS), z.strictObject({ from: z.number().int(), to: z.number().int() })])
    .optional(),
  discountRate: num.min(0).max(1).default(0),
  banking: z.boolean().default(true),
  borrowing: z
    .union([
      z.enum(["none", "unlimited"]),
      z.strictObject({ limitShare: num.min(0).max(1), interestRate: num.min(0).max(1).default(0) }),
    ])
    .default("none"),
  cap: perYear,
  initialBank: nonNeg.default(0),
  priceCeiling: z.union([num.positive(), z.array(num.positive().nullable()).max(MAX_YEARS)]).optional(),
  priceFloor: z.union([nonNeg, z.array(nonNeg.nullable()).max(MAX_YEARS)]).optional(),
  reserve: z.union([z.array(tier).max(MAX_TIERS), z.array(z.array(tier).max(MAX_TIERS)).max(MAX_YEARS)]).optional(),
  offsets: z.strictObject({ price: nonNeg, limitShare: num.min(0).lt(1) }).optional(),
  msr: msr.optional(),
  /** What happens to auction volume unsold at the floor: cancelled, or placed in the MSR. */
  unsoldAllowances: z.enum(["cancel", "msr"]).default("cancel"),
  facilities: z.array(facility).min(1).max(MAX_FACILITIES),
  clusters: z.array(cluster).max(1000).optional(),
  /** Benchmark or best-available-technology intensity per sector (t CO2 per t product), for the sectoral analysis. */
  sectorBenchmarks: z.record(z.string(), nonNeg).optional(),
  /** A country's annual emissions, shown beside the cluster potential. */
  countryEmissions: nonNeg.optional(),
  monteCarlo: z
    .strictObject({
      paths: z.number().int().min(1).max(1_000_000),
      seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
      bauSigma: nonNeg.max(1),
      behaviours: z.array(z.enum(["perfectForesight", "rollingHorizon"])).min(1).default(["perfectForesight", "rollingHorizon"]),
      /** Look-ahead of the rolling-horizon behaviour, in years (default: to the end). */
      horizon: z.number().int().min(1).max(MAX_YEARS).optional(),
      threads: z.number().int().min(1).max(64).optional(),
    })
    .optional(),
});

export type ScenarioInput = z.input<typeof scenarioSchema>;

export type Mac = { kind: "linear"; slope: number } | { kind: "steps"; steps: readonly { quantity: number; cost: number }[] };

export interface Facility {
  id: string;
  sector: string;
  bau: readonly number[];
  mac: Mac;
  freeAllocation: readonly number[];
  output: readonly number[] | undefined;
}

export type Borrowing = { kind: "none" } | { kind: "unlimited" } | { kind: "limited"; limitShare: number; interestRate: number };

export interface MsrRule {
  upperThreshold: number;
  lowerThreshold: number;
  intakeRate: number;
  bufferThreshold: number | undefined;
  releaseQuantity: number;
  invalidationThreshold: number | undefined;
  initialHoldings: number;
  damping: number;
  maxIterations: number;
  tolerance: number;
}

export interface Tier {
  trigger: number;
  quantity: number;
}

export interface Cluster {
  id: string;
  facilities: readonly string[];
  capacity: readonly number[];
  costPerTonne: number;
}

/** A scenario with every per-year field expanded to one value per year. */
export interface Scenario {
  name: string;
  years: readonly number[];
  discountRate: number;
  banking: boolean;
  borrowing: Borrowing;
  cap: readonly number[];
  initialBank: number;
  priceCeiling: readonly (number | undefined)[];
  priceFloor: readonly (number | undefined)[];
  reserve: readonly (readonly Tier[])[];
  offsets: { price: number; limitShare: number } | undefined;
  msr: MsrRule | undefined;
  unsoldAllowances: "cancel" | "msr";
  facilities: readonly Facility[];
  clusters: readonly Cluster[];
  sectorBenchmarks: Readonly<Record<string, number>>;
  countryEmissions: number | undefined;
  /** When the scenario names a rulebook: what was taken from it and what was left aside. */
  rulebook?: RulebookUse;
  monteCarlo:
    | { paths: number; seed: number; bauSigma: number; behaviours: readonly ("perfectForesight" | "rollingHorizon")[]; horizon: number | undefined; threads: number | undefined }
    | undefined;
}

export type ScenarioResult = { ok: true; scenario: Scenario } | { ok: false; path: string; message: string };

class FieldError extends Error {
  constructor(readonly path: string, message: string) {
    super(message);
  }
}

function broadcast<T>(value: T | readonly T[], n: number, path: string): T[] {
  if (!Array.isArray(value)) return Array.from({ length: n }, () => value as T);
  if (value.length !== n) throw new FieldError(path, `expected one value per year (${n}), got ${value.length}`);
  return [...(value as readonly T[])];
}

function expandYears(y: number[] | { from: number; to: number }): number[] {
  if (Array.isArray(y)) {
    for (let i = 1; i < y.length; i++) {
      if (y[i] !== (y[i - 1] as number) + 1) throw new FieldError(`years.${i}`, `years must be consecutive and increasing: ${y[i]} follows ${y[i - 1]}`);
    }
    return y;
  }
  if (y.to < y.from) throw new FieldError("years.to", "must not be before years.from");
  if (y.to - y.from + 1 > MAX_YEARS) throw new FieldError("years", `at most ${MAX_YEARS} years`);
  return Array.from({ length: y.to - y.from + 1 }, (_, i) => y.from + i);
}

function expandReserve(r: z.output<typeof scenarioSchema>["reserve"], n: number): Tier[][] {
  if (r === undefined || r.length === 0) return Array.from({ length: n }, () => []);
  const sorted = (ts: readonly Tier[]) => [...ts].sort((a, b) => a.trigger - b.trigger);
  if (!Array.isArray(r[0])) return Array.from({ length: n }, () => sorted(r as Tier[]));
  return broadcast(r as Tier[][], n, "reserve").map(sorted);
}

function expandMsr(m: z.output<typeof scenarioSchema>["msr"]): MsrRule | undefined {
  if (m === undefined) return undefined;
  if (typeof m === "string") {
    const p: { bufferThreshold?: number; invalidationThreshold?: number } & (typeof MSR_PRESETS)[keyof typeof MSR_PRESETS] = MSR_PRESETS[m];
    return { ...p, bufferThreshold: p.bufferThreshold, invalidationThreshold: p.invalidationThreshold, initialHoldings: 0, damping: 0.5, maxIterations: 200, tolerance: 1e-6 };
  }
  if (m.lowerThreshold > m.upperThreshold) throw new FieldError("msr.lowerThreshold", "must not exceed msr.upperThreshold");
  return { ...m, bufferThreshold: m.bufferThreshold, invalidationThreshold: m.invalidationThreshold };
}

function normalise(s: z.output<typeof scenarioSchema>): Scenario {
  if (s.capScale !== undefined && s.rulebook === undefined) throw new FieldError("capScale", "capScale scales quantities taken from a rulebook; it needs rulebook");
  if (s.rulebookYears !== undefined && s.rulebook === undefined) throw new FieldError("rulebookYears", "rulebookYears picks years of a rulebook; it needs rulebook");
  const years = expandYears(s.years);
  const n = years.length;
  if (!s.banking && s.borrowing !== "none") throw new FieldError("borrowing", 'borrowing needs banking: set banking: true or borrowing: "none"');
  const ids = new Set<string>();
  const facilities: Facility[] = s.facilities.map((f, i) => {
    if (ids.has(f.id)) throw new FieldError(`facilities.${i}.id`, `duplicate facility id ${JSON.stringify(f.id)}`);
    ids.add(f.id);
    return {
      id: f.id,
      sector: f.sector,
      bau: broadcast(f.bau, n, `facilities.${i}.bau`),
      mac: "linear" in f.mac ? { kind: "linear", slope: f.mac.linear.slope } : { kind: "steps", steps: [...f.mac.steps].sort((a, b) => a.cost - b.cost) },
      freeAllocation: broadcast(f.freeAllocation, n, `facilities.${i}.freeAllocation`),
      output: f.output === undefined ? undefined : broadcast(f.output, n, `facilities.${i}.output`),
    };
  });
  const cap = broadcast(s.cap, n, "cap");
  // Every year at fault, by its calendar year, in one error.
  const over: string[] = [];
  for (let t = 0; t < n; t++) {
    const free = facilities.reduce((a, f) => a + (f.freeAllocation[t] as number), 0);
    if (free > (cap[t] as number) * (1 + 1e-12)) over.push(`${years[t]} (${free} > ${cap[t]})`);
  }
  if (over.length > 0) throw new FieldError("facilities.freeAllocation", `free allocation exceeds the cap in ${over.join(", ")}`);
  const clusters: Cluster[] = (s.clusters ?? []).map((c, i) => {
    c.facilities.forEach((id, j) => {
      if (!ids.has(id)) throw new FieldError(`clusters.${i}.facilities.${j}`, `unknown facility ${JSON.stringify(id)}`);
    });
    return { id: c.id, facilities: c.facilities, capacity: broadcast(c.pipeline.capacity, n, `clusters.${i}.pipeline.capacity`), costPerTonne: c.pipeline.costPerTonne };
  });
  const ceiling = s.priceCeiling === undefined ? [] : broadcast<number | null>(s.priceCeiling, n, "priceCeiling");
  const floor = s.priceFloor === undefined ? [] : broadcast<number | null>(s.priceFloor, n, "priceFloor");
  const crossed: string[] = [];
  for (let t = 0; t < n; t++) {
    const c = ceiling[t];
    const fl = floor[t];
    if (c != null && fl != null && fl > c) crossed.push(`${years[t]} (${fl} > ${c})`);
  }
  if (crossed.length > 0) throw new FieldError("priceFloor", `the floor is above the ceiling in ${crossed.join(", ")}`);
  const borrowing: Borrowing =
    s.borrowing === "none" ? { kind: "none" } : s.borrowing === "unlimited" ? { kind: "unlimited" } : { kind: "limited", ...s.borrowing };
  return {
    name: s.name ?? "scenario",
    years,
    discountRate: s.discountRate,
    banking: s.banking,
    borrowing,
    cap,
    initialBank: s.initialBank,
    priceCeiling: Array.from({ length: n }, (_, t) => ceiling[t] ?? undefined),
    priceFloor: Array.from({ length: n }, (_, t) => floor[t] ?? undefined),
    reserve: expandReserve(s.reserve, n),
    offsets: s.offsets,
    msr: expandMsr(s.msr),
    unsoldAllowances: s.unsoldAllowances,
    facilities,
    clusters,
    sectorBenchmarks: s.sectorBenchmarks ?? {},
    countryEmissions: s.countryEmissions,
    monteCarlo: s.monteCarlo && { ...s.monteCarlo, horizon: s.monteCarlo.horizon, threads: s.monteCarlo.threads },
  };
}

export interface ParseOptions {
  /** Loads the rulebook a scenario names (a preset name or a file); throws with a reason when it cannot. */
  rulebook?: (nameOrPath: string) => Rulebook;
}

/** Validates a parsed JSON/YAML value; an error names the first offending field by its path. */
export function parseScenario(value: unknown, opts: ParseOptions = {}): ScenarioResult {
  let use: RulebookUse | undefined;
  if (typeof value === "object" && value !== null && !Array.isArray(value) && "rulebook" in value) {
    const raw = value as Record<string, unknown>;
    const name = raw.rulebook;
    if (typeof name !== "string" || name === "") return { ok: false, path: "rulebook", message: "expected a rulebook preset name or file path" };
    if (!opts.rulebook) return { ok: false, path: "rulebook", message: "this caller cannot load rulebooks; run the scenario with `ets simulate`" };
    let rb: Rulebook;
    try {
      rb = opts.rulebook(name);
    } catch (err) {
      return { ok: false, path: "rulebook", message: `cannot load rulebook ${JSON.stringify(name)}: ${err instanceof Error ? err.message : String(err)}` };
    }
    try {
      const applied = applyRulebook(raw, rb, name);
      value = applied.value;
      use = applied.use;
    } catch (err) {
      if (err instanceof RulebookFieldError) return { ok: false, path: err.path, message: err.message };
      throw err;
    }
  }
  const r = scenarioSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    return { ok: false, path: issue ? issue.path.join(".") : "", message: issue?.message ?? "invalid" };
  }
  try {
    const scenario = normalise(r.data);
    if (use) scenario.rulebook = use;
    return { ok: true, scenario };
  } catch (err) {
    if (err instanceof FieldError) return { ok: false, path: err.path, message: err.message };
    throw err;
  }
}

/** Parses scenario text: JSON when `format` is "json", YAML (a superset of JSON) otherwise. */
export function parseScenarioText(text: string, format: "json" | "yaml", opts: ParseOptions = {}): ScenarioResult {
  let value: unknown;
  try {
    value = format === "json" ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    return { ok: false, path: "", message: `not valid ${format.toUpperCase()}: ${err instanceof Error ? err.message : String(err)}` };
  }
  return parseScenario(value, opts);
}
