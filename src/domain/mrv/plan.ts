// Monitoring plans: what an installation measures and how. A plan lists source streams (fuel
// combustion, process emissions, purchased electricity or heat, direct releases of a gas), each
// with its activity unit and the parameters that turn activity into emissions (emission factor,
// net calorific value, oxidation or conversion factor, biomass fraction), every parameter with the
// tier it is determined at and where it comes from. `validatePlan` checks a plan against the
// rulebook (known fuels and gases, covered gases, minimum tiers for the installation's category,
// units, factor ranges) and names the first broken rule by its 90xx code.
import type { Refusal } from "../compliance/codes.ts";
import { complianceRefusal, lowest } from "../compliance/codes.ts";
import { cmpDec, decimal, isNegative } from "../quantity/decimal.ts";
import type { Decimal } from "../quantity/decimal.ts";
import type { Rulebook } from "../rulebook/index.ts";
import type { FuelRule, MrvRules } from "../rulebook/mrv.ts";
import { gasInfo, gwpOf } from "./gwp.ts";
import type { GwpSetId } from "./gwp.ts";

export const SOURCE_KINDS = ["combustion", "process", "electricity", "heat", "gas"] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** A parameter of a source: a decimal value, the tier it is determined at, and where it comes from. */
export interface Parameter {
  value: string | number;
  tier?: number;
  source?: string;
}

export interface SourceStream {
  id: string;
  kind: SourceKind;
  description?: string;
  /** combustion: a fuel of the rulebook's `mrv.fuels` (its factors apply unless the plan gives its own). */
  fuel?: string;
  /** The unit activity data are measured in (a fuel's unit, t of material, MWh, GJ, t of gas). */
  unit?: string;
  activityTier?: number;
  /** combustion: t-CO2/TJ; process: t-CO2 per unit; electricity: t-CO2/MWh; heat: t-CO2/GJ. */
  emissionFactor?: Parameter;
  /** combustion: TJ per unit. */
  ncv?: Parameter;
  oxidationFactor?: Parameter;
  /** process: share of the material converted (calcination). */
  conversionFactor?: Parameter;
  biomassFraction?: Parameter;
  /** gas: the species released (activity is tonnes of that gas). */
  gas?: string;
  supplier?: string;
}

export interface MonitoringPlan {
  installation: string;
  version: number;
  /** First and last reporting year the plan applies to (open-ended when `validTo` is absent). */
  validFrom: number;
  validTo?: number;
  /** Average yearly emissions (t CO2e), which place the installation in a tier category. */
  averageEmissions?: number | string;
  /** The installation's activity, matched against a verifier's accreditation scopes. */
  sector?: string;
  sources: SourceStream[];
}

/** What MRV reads from a rulebook, resolved once. */
export interface MrvContext {
  scheme: string;
  covered: ReadonlySet<string>;
  electricity: "direct" | "indirect" | "both";
  gwpSet: GwpSetId | undefined;
  gwpOverrides: Readonly<Record<string, number>>;
  rules: MrvRules | undefined;
  fuels: ReadonlyMap<string, FuelRule>;
}

export function mrvContext(rb: Rulebook): MrvContext {
  const m = rb.mrv;
  return {
    scheme: rb.scheme.id,
    covered: new Set(rb.coverage.gases),
    electricity: rb.coverage.electricity,
    gwpSet: m?.gwp.set,
    gwpOverrides: m?.gwp.overrides ?? {},
    rules: m,
    fuels: new Map((m?.fuels ?? []).map((f) => [f.id, f])),
  };
}

/** The GWP of a gas in this context, or undefined (no set in the rulebook, or an unknown gas). CO2 is 1 in any case. */
export function gwpIn(ctx: MrvContext, gas: string): string | undefined {
  if (gas === "CO2") return "1";
  if (Object.hasOwn(ctx.gwpOverrides, gas)) return String(ctx.gwpOverrides[gas]);
  return ctx.gwpSet === undefined ? undefined : gwpOf(ctx.gwpSet, gas);
}

/** Decimal places an input may have: five factors of a source multiply to at most 90 places. */
export const MAX_INPUT_DECIMALS = 18;

/** Reads a decimal field; a refusal naming the field when it is not a finite decimal of at most 18 places and 18 whole digits. */
export function readDecimal(v: unknown, field: string): Decimal | Refusal {
  if (typeof v !== "number" && typeof v !== "string") return complianceRefusal("INPUT_INVALID", `${field}: expected a decimal number`, { field });
  let d: Decimal;
  try {
    d = decimal(v);
  } catch {
    return complianceRefusal("INPUT_INVALID", `${field}: not a finite decimal (${JSON.stringify(v).slice(0, 40)})`, { field });
  }
  if (d.scale > MAX_INPUT_DECIMALS) return complianceRefusal("INPUT_INVALID", `${field}: more than ${MAX_INPUT_DECIMALS} decimal places`, { field });
  if ((d.units < 0n ? -d.units : d.units) >= 10n ** BigInt(MAX_INPUT_DECIMALS + d.scale)) return complianceRefusal("INPUT_INVALID", `${field}: more than ${MAX_INPUT_DECIMALS} whole digits`, { field });
  return d;
}

export function isRefusal(x: unknown): x is Refusal {
  return typeof x === "object" && x !== null && (x as { ok?: unknown }).ok === false;
}

/** The tier category of an installation: the first whose `upTo` is not below its average emissions. */
export function categoryOf(ctx: MrvContext, averageEmissions: Decimal | undefined): { id: string; minimum: Record<string, number | undefined> } | undefined {
  const cats = ctx.rules?.tiers?.categories;
  if (!cats || averageEmissions === undefined) return undefined;
  const c = cats.find((x) => x.upTo === undefined || cmpDec(averageEmissions, decimal(x.upTo)) <= 0) ?? cats[cats.length - 1];
  return c ? { id: c.id, minimum: c.minimum } : undefined;
}

const RANGE_01 = ["oxidationFactor", "conversionFactor", "biomassFraction"] as const;

function checkParameters(s: SourceStream, at: string): Refusal[] {
  const out: Refusal[] = [];
  for (const k of ["emissionFactor", "ncv", ...RANGE_01] as const) {
    const p = s[k];
    if (p === undefined) continue;
    const v = readDecimal(p.value, `${at}.${k}.value`);
    if (isRefusal(v)) {
      out.push(v);
      continue;
    }
    const in01 = (RANGE_01 as readonly string[]).includes(k);
    if (isNegative(v) || (in01 && cmpDec(v, decimal(1)) > 0))
      out.push(complianceRefusal("FACTOR_OUT_OF_RANGE", `${at}.${k}: ${p.value} is outside ${in01 ? "0..1" : ">= 0"}`, { source: s.id, field: k, value: String(p.value) }));
    if (p.tier !== undefined && (!Number.isInteger(p.tier) || p.tier < 1 || p.tier > 4)) out.push(complianceRefusal("INPUT_INVALID", `${at}.${k}.tier: expected 1..4`, { field: `${at}.${k}.tier` }));
  }
  return out;
}

function checkKind(ctx: MrvContext, s: SourceStream, at: string): Refusal[] {
  const out: Refusal[] = [];
  const missing = (p: string) => complianceRefusal("PARAMETER_MISSING", `${at}: a ${s.kind} source needs ${p}`, { source: s.id, parameter: p });
  switch (s.kind) {
    case "combustion": {
      const fuel = s.fuel === undefined ? undefined : ctx.fuels.get(s.fuel);
      if (s.fuel !== undefined && !fuel && s.emissionFactor === undefined)
        out.push(complianceRefusal("FUEL_UNKNOWN", `${at}: unknown fuel "${s.fuel}" (rulebook ${ctx.scheme} has: ${[...ctx.fuels.keys()].join(", ") || "none"}) and no emission factor of its own`, { source: s.id, fuel: s.fuel }));
      else if (!fuel && s.emissionFactor === undefined) out.push(missing("a fuel or an emission factor"));
      const unit = s.unit ?? fuel?.unit;
      if (fuel && s.unit !== undefined && s.unit !== fuel.unit && s.ncv === undefined)
        out.push(complianceRefusal("UNIT_MISMATCH", `${at}: activity in ${s.unit}, but fuel ${fuel.id} is measured in ${fuel.unit}`, { source: s.id, unit: s.unit, expected: fuel.unit }));
      if (unit === undefined) out.push(missing("a unit"));
      else if (unit !== "TJ" && unit !== "GJ" && s.ncv === undefined && fuel?.ncv === undefined) out.push(missing("a net calorific value (TJ per unit)"));
      break;
    }
    case "process":
      if (s.emissionFactor === undefined) out.push(missing("an emission factor (t-CO2 per unit)"));
      if (s.unit === undefined) out.push(missing("a unit"));
      break;
    case "electricity":
    case "heat": {
      const expected = s.kind === "electricity" ? "MWh" : "GJ";
      if (s.unit !== undefined && s.unit !== expected) out.push(complianceRefusal("UNIT_MISMATCH", `${at}: ${s.kind} is measured in ${expected}, not ${s.unit}`, { source: s.id, unit: s.unit, expected }));
      const rule = s.kind === "electricity" ? ctx.rules?.electricity : ctx.rules?.heat;
      if (s.emissionFactor !== undefined && rule && !rule.supplierFactors)
        out.push(complianceRefusal("INPUT_INVALID", `${at}.emissionFactor: rulebook ${ctx.scheme} uses its default ${s.kind} factor, not the supplier's`, { field: `${at}.emissionFactor` }));
      const counted = ctx.electricity !== "direct";
      if (counted && s.emissionFactor === undefined && rule?.defaultFactor === undefined) out.push(missing(`a supplier factor (t-CO2/${expected}); the rulebook has no default`));
      break;
    }
    case "gas": {
      if (s.gas === undefined) {
        out.push(missing("the gas it releases"));
        break;
      }
      const info = gasInfo(s.gas);
      if (!info || gwpIn(ctx, s.gas) === undefined)
        out.push(complianceRefusal("GAS_UNKNOWN", `${at}: no GWP for "${s.gas}" in ${ctx.gwpSet ?? "the rulebook (no mrv.gwp set)"}`, { source: s.id, gas: s.gas, set: ctx.gwpSet ?? null }));
      else if (!ctx.covered.has(info.family))
        out.push(complianceRefusal("GAS_NOT_COVERED", `${at}: ${s.gas} (${info.family}) is not covered by ${ctx.scheme} (gases: ${[...ctx.covered].join(", ")})`, { source: s.id, gas: s.gas, family: info.family }));
      if (s.unit !== undefined && s.unit !== "t") out.push(complianceRefusal("UNIT_MISMATCH", `${at}: a gas release is measured in t, not ${s.unit}`, { source: s.id, unit: s.unit, expected: "t" }));
      break;
    }
    default:
      out.push(complianceRefusal("INPUT_INVALID", `${at}.kind: expected one of ${SOURCE_KINDS.join(", ")}`, { field: `${at}.kind` }));
  }
  return out;
}

function checkTiers(ctx: MrvContext, plan: MonitoringPlan, avg: Decimal | undefined): Refusal[] {
  const cat = categoryOf(ctx, avg);
  if (!cat) return [];
  const out: Refusal[] = [];
  plan.sources.forEach((s, i) => {
    if (s.kind !== "combustion" && s.kind !== "process") return;
    const tiers: Record<string, number | undefined> = {
      activity: s.activityTier,
      emissionFactor: s.emissionFactor?.tier,
      ncv: s.kind === "combustion" ? s.ncv?.tier : undefined,
      oxidationFactor: s.kind === "combustion" ? s.oxidationFactor?.tier : undefined,
    };
    for (const [param, min] of Object.entries(cat.minimum)) {
      if (min === undefined) continue;
      if (s.kind === "process" && (param === "ncv" || param === "oxidationFactor")) continue;
      const given = tiers[param] ?? 1;
      if (given < min)
        out.push(complianceRefusal("TIER_BELOW_MINIMUM", `sources[${i}] ${s.id}: ${param} at tier ${tiers[param] ?? "(none given: 1)"}, category ${cat.id} needs at least ${min}`, { source: s.id, parameter: param, tier: given, minimum: min, category: cat.id }));
    }
  });
  return out;
}

/** Checks a monitoring plan against the rulebook; the lowest-coded refusal, or undefined when it is sound. */
export function validatePlan(ctx: MrvContext, plan: MonitoringPlan): Refusal | undefined {
  const out: Refusal[] = [];
  if (typeof plan.installation !== "string" || plan.installation === "") out.push(complianceRefusal("INPUT_INVALID", "installation: expected an id", { field: "installation" }));
  if (!Number.isInteger(plan.validFrom) || (plan.validTo !== undefined && (!Number.isInteger(plan.validTo) || plan.validTo < plan.validFrom)))
    out.push(complianceRefusal("INPUT_INVALID", "validFrom/validTo: expected years with validFrom <= validTo", { field: "validFrom" }));
  if (!Array.isArray(plan.sources) || plan.sources.length === 0) out.push(complianceRefusal("INPUT_INVALID", "sources: a plan lists at least one source", { field: "sources" }));
  let avg: Decimal | undefined;
  if (plan.averageEmissions !== undefined) {
    const a = readDecimal(plan.averageEmissions, "averageEmissions");
    if (isRefusal(a)) out.push(a);
    else if (isNegative(a)) out.push(complianceRefusal("ACTIVITY_NEGATIVE", "averageEmissions: must be >= 0", { field: "averageEmissions" }));
    else avg = a;
  }
  const seen = new Set<string>();
  (plan.sources ?? []).forEach((s, i) => {
    const at = `sources[${i}]`;
    if (seen.has(s.id)) out.push(complianceRefusal("SOURCE_DUPLICATE", `${at}: source "${s.id}" appears twice`, { source: s.id }));
    seen.add(s.id);
    out.push(...checkKind(ctx, s, at), ...checkParameters(s, at));
  });
  out.push(...checkTiers(ctx, plan, avg));
  return lowest(out);
}
