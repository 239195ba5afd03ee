// Annual emission reports computed from activity data, exactly. Per source:
//   combustion   CO2 = activity x NCV (TJ/unit) x EF (t-CO2/TJ) x oxidation factor; the biomass share
//                counts as zero and is reported as a memo item (GJ activity is /1000 TJ);
//   process      CO2 = activity x EF (t-CO2/unit) x conversion factor;
//   electricity  CO2 = MWh x supplier (or default) factor, counted only when the rulebook counts
//   / heat       electricity indirectly (`coverage.electricity` indirect or both);
//   gas          CO2e = tonnes of gas x GWP of the rulebook's set.
// Every product is an exact decimal; the total is summed exactly and rounded to whole tonnes once,
// by the rulebook's `mrv.rounding` (half up unless it says otherwise). A report is refused, with a
// 90xx code, for unknown or duplicate sources, missing or negative activity, or a plan that does
// not cover the installation and year.
import type { Refusal } from "../compliance/codes.ts";
import { complianceRefusal, lowest } from "../compliance/codes.ts";
import { addDec, DEC_ZERO, decimal, formatDec, isNegative, mulDec, subDec, sumDec, toWholeDec } from "../quantity/decimal.ts";
import type { Decimal } from "../quantity/decimal.ts";
import type { Rounding } from "../quantity/index.ts";
import type { MonitoringPlan, MrvContext, SourceStream } from "./plan.ts";
import { gwpIn, isRefusal, readDecimal, validatePlan } from "./plan.ts";

export interface ActivityEntry {
  source: string;
  /** Decimal quantity in the source's unit (>= 0). */
  quantity: string | number;
}

export interface ReportInput {
  installation: string;
  year: number;
  activity: readonly ActivityEntry[];
}

export interface SourceEmissions {
  source: string;
  kind: SourceStream["kind"];
  gas: string;
  activity: string;
  unit: string;
  /** Exact t CO2e counted toward the total. */
  counted: string;
  /** Exact t CO2 of biomass, reported but not counted. */
  biomass: string;
  lines: string[];
}

export interface EmissionReport {
  installation: string;
  year: number;
  planVersion: number;
  gwpSet: string | null;
  sources: SourceEmissions[];
  /** Exact t CO2e per gas id. */
  byGas: Record<string, string>;
  /** Exact total t CO2e (decimal string). */
  totalExact: string;
  /** Whole tonnes by `rounding`. */
  total: bigint;
  rounding: Rounding;
  biomassMemo: string;
}

interface Computed {
  counted: Decimal;
  biomass: Decimal;
  gas: string;
  lines: string[];
}

const d = formatDec;

function param(p: { value: string | number } | undefined, fallback: number | undefined, field: string): Decimal | undefined | Refusal {
  if (p !== undefined) return readDecimal(p.value, field);
  return fallback === undefined ? undefined : decimal(fallback);
}

function combustion(ctx: MrvContext, s: SourceStream, q: Decimal, at: string): Computed | Refusal {
  const fuel = s.fuel === undefined ? undefined : ctx.fuels.get(s.fuel);
  const unit = s.unit ?? fuel?.unit ?? "";
  const ef = param(s.emissionFactor, fuel?.emissionFactor, `${at}.emissionFactor`);
  const ncv = param(s.ncv, fuel?.ncv, `${at}.ncv`);
  const of = param(s.oxidationFactor, fuel?.oxidationFactor ?? 1, `${at}.oxidationFactor`);
  const bio = param(s.biomassFraction, fuel?.biomassFraction ?? 0, `${at}.biomassFraction`);
  for (const x of [ef, ncv, of, bio]) if (isRefusal(x)) return x;
  if (ef === undefined || isRefusal(ef)) return complianceRefusal("PARAMETER_MISSING", `${at}: no emission factor`, { source: s.id, parameter: "emissionFactor" });
  let energy: Decimal;
  if (unit === "TJ") energy = q;
  else if (unit === "GJ") energy = mulDec(q, decimal("0.001"));
  else if (ncv === undefined || isRefusal(ncv)) return complianceRefusal("PARAMETER_MISSING", `${at}: no net calorific value`, { source: s.id, parameter: "ncv" });
  else energy = mulDec(q, ncv);
  const oxid = of as Decimal;
  const share = bio as Decimal;
  const co2 = mulDec(energy, ef, oxid);
  const biomass = mulDec(co2, share);
  const lines = [
    `${s.id}: ${d(q)} ${unit}${unit === "TJ" ? "" : unit === "GJ" ? " = " + d(energy) + " TJ" : ` x NCV ${d(ncv as Decimal)} TJ/${unit} = ${d(energy)} TJ`} x EF ${d(ef)} t-CO2/TJ x oxidation ${d(oxid)} = ${d(co2)} t CO2`,
  ];
  if (share.units !== 0n) lines.push(`${s.id}: biomass share ${d(share)}: ${d(biomass)} t CO2 reported as a memo item, not counted`);
  return { counted: subDec(co2, biomass), biomass, gas: "CO2", lines };
}

function processSource(s: SourceStream, q: Decimal, at: string): Computed | Refusal {
  const ef = param(s.emissionFactor, undefined, `${at}.emissionFactor`);
  const cf = param(s.conversionFactor, 1, `${at}.conversionFactor`);
  const bio = param(s.biomassFraction, 0, `${at}.biomassFraction`);
  for (const x of [ef, cf, bio]) if (isRefusal(x)) return x;
  if (ef === undefined || isRefusal(ef)) return complianceRefusal("PARAMETER_MISSING", `${at}: no emission factor`, { source: s.id, parameter: "emissionFactor" });
  const co2 = mulDec(q, ef, cf as Decimal);
  const biomass = mulDec(co2, bio as Decimal);
  return { counted: subDec(co2, biomass), biomass, gas: "CO2", lines: [`${s.id}: ${d(q)} ${s.unit ?? ""} x EF ${d(ef)} t-CO2/${s.unit ?? "unit"} x conversion ${d(cf as Decimal)} = ${d(co2)} t CO2`] };
}

function purchased(ctx: MrvContext, s: SourceStream, q: Decimal, at: string): Computed | Refusal {
  const unit = s.kind === "electricity" ? "MWh" : "GJ";
  if (ctx.electricity === "direct")
    return { counted: DEC_ZERO, biomass: DEC_ZERO, gas: "CO2", lines: [`${s.id}: ${d(q)} ${unit} of purchased ${s.kind} not counted: ${ctx.scheme} counts it at the generator (direct)`] };
  const rule = s.kind === "electricity" ? ctx.rules?.electricity : ctx.rules?.heat;
  const f = param(s.emissionFactor, rule?.defaultFactor, `${at}.emissionFactor`);
  if (isRefusal(f)) return f;
  if (f === undefined) return complianceRefusal("PARAMETER_MISSING", `${at}: no supplier factor and no default in the rulebook`, { source: s.id, parameter: "emissionFactor" });
  const co2 = mulDec(q, f);
  const whose = s.emissionFactor === undefined ? "the rulebook's default factor" : `${s.supplier ?? "the supplier"}'s factor`;
  return { counted: co2, biomass: DEC_ZERO, gas: "CO2", lines: [`${s.id}: ${d(q)} ${unit} x ${whose} ${d(f)} t-CO2/${unit} = ${d(co2)} t CO2 (indirect)`] };
}

function gasSource(ctx: MrvContext, s: SourceStream, q: Decimal, at: string): Computed | Refusal {
  const gas = s.gas ?? "";
  const g = gwpIn(ctx, gas);
  if (g === undefined) return complianceRefusal("GAS_UNKNOWN", `${at}: no GWP for "${gas}"`, { source: s.id, gas });
  const co2e = mulDec(q, decimal(g));
  return { counted: co2e, biomass: DEC_ZERO, gas, lines: [`${s.id}: ${d(q)} t ${gas} x GWP ${g} (${Object.hasOwn(ctx.gwpOverrides, gas) ? "rulebook override" : ctx.gwpSet ?? ""}) = ${d(co2e)} t CO2e`] };
}

function emissionsOf(ctx: MrvContext, s: SourceStream, q: Decimal, at: string): Computed | Refusal {
  switch (s.kind) {
    case "combustion":
      return combustion(ctx, s, q, at);
    case "process":
      return processSource(s, q, at);
    case "electricity":
    case "heat":
      return purchased(ctx, s, q, at);
    case "gas":
      return gasSource(ctx, s, q, at);
  }
}

function readActivity(plan: MonitoringPlan, input: ReportInput): Map<string, Decimal> | Refusal {
  const out: Refusal[] = [];
  const byId = new Map<string, Decimal>();
  const known = new Set(plan.sources.map((s) => s.id));
  input.activity.forEach((a, i) => {
    const at = `activity[${i}]`;
    if (!known.has(a.source)) out.push(complianceRefusal("SOURCE_NOT_IN_PLAN", `${at}: source "${a.source}" is not in plan version ${plan.version} of ${plan.installation}`, { source: a.source }));
    if (byId.has(a.source)) out.push(complianceRefusal("SOURCE_DUPLICATE", `${at}: activity for "${a.source}" given twice`, { source: a.source }));
    const q = readDecimal(a.quantity, `${at}.quantity`);
    if (isRefusal(q)) out.push(q);
    else if (isNegative(q)) out.push(complianceRefusal("ACTIVITY_NEGATIVE", `${at}: negative activity ${a.quantity} for "${a.source}"`, { source: a.source, quantity: String(a.quantity) }));
    else byId.set(a.source, q);
  });
  for (const s of plan.sources) if (!input.activity.some((a) => a.source === s.id)) out.push(complianceRefusal("ACTIVITY_MISSING", `no activity data for source "${s.id}" in ${input.year} (give 0 if it did not run)`, { source: s.id, year: input.year }));
  return lowest(out) ?? byId;
}

/** The year's emission report of an installation, from its plan and activity data; or the first broken rule. */
export function computeReport(ctx: MrvContext, plan: MonitoringPlan, input: ReportInput): { ok: true; report: EmissionReport } | Refusal {
  const bad = validatePlan(ctx, plan);
  if (bad) return bad;
  if (input.installation !== plan.installation || !Number.isInteger(input.year) || input.year < plan.validFrom || (plan.validTo !== undefined && input.year > plan.validTo))
    return complianceRefusal("PLAN_MISMATCH", `plan version ${plan.version} is for ${plan.installation} ${plan.validFrom}-${plan.validTo ?? ""}, not ${input.installation} ${input.year}`, { installation: input.installation, year: input.year });
  const activity = readActivity(plan, input);
  if (isRefusal(activity)) return activity;
  const sources: SourceEmissions[] = [];
  const byGas: Record<string, Decimal> = {};
  let biomassMemo = DEC_ZERO;
  for (const [i, s] of plan.sources.entries()) {
    const q = activity.get(s.id) ?? DEC_ZERO;
    const c = emissionsOf(ctx, s, q, `sources[${i}]`);
    if (isRefusal(c)) return c;
    byGas[c.gas] = addDec(byGas[c.gas] ?? DEC_ZERO, c.counted);
    biomassMemo = addDec(biomassMemo, c.biomass);
    sources.push({ source: s.id, kind: s.kind, gas: c.gas, activity: d(q), unit: s.unit ?? ctx.fuels.get(s.fuel ?? "")?.unit ?? "", counted: d(c.counted), biomass: d(c.biomass), lines: c.lines });
  }
  const totalExact = sumDec(Object.values(byGas));
  const rounding = ctx.rules?.rounding ?? "halfUp";
  return {
    ok: true,
    report: {
      installation: plan.installation,
      year: input.year,
      planVersion: plan.version,
      gwpSet: ctx.gwpSet ?? null,
      sources,
      byGas: Object.fromEntries(Object.entries(byGas).map(([g, v]) => [g, d(v)])),
      totalExact: d(totalExact),
      total: toWholeDec(totalExact, rounding),
      rounding,
      biomassMemo: d(biomassMemo),
    },
  };
}


