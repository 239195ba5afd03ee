// Maps a validated rulebook (src/domain/rulebook) to the engine's rules for one year: periods are
// resolved (a per-period rate becomes the year's rate), numbers become exact ratios, the budget of
// the correction and the reserve are computed from the year's cap, and step schedules become
// linear ones with a point the year before each step.
import { capFor, periodOf } from "../rulebook/index.ts";
import type { Reduction as RbReduction, Rulebook, Schedule, SectorRule as RbSectorRule } from "../rulebook/index.ts";
import { mulDiv } from "../quantity/index.ts";
import type { Ratio } from "./ratio.ts";
import { ratio } from "./ratio.ts";
import type { AllocationRules, BasePeriodRule, CorrectionRule, Reduction, SectorRule } from "./rules.ts";
import type { SharePoint } from "./shares.ts";

export class RulesMappingError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

function reductionOf(r: RbReduction, rb: Rulebook, year: number, path: string): Reduction {
  switch (r.kind) {
    case "fixed":
      return { kind: "fixed", rate: ratio(r.rate) };
    case "byPeriod": {
      const p = periodOf(rb, year);
      if (!p) throw new RulesMappingError(path, `${year} is in no period of the rulebook`);
      const rate = Object.hasOwn(r.rates, p.id) ? r.rates[p.id] : undefined;
      if (rate === undefined) throw new RulesMappingError(`${path}.rates`, `no rate for period "${p.id}" (the period of ${year})`);
      return { kind: "fixed", rate: ratio(rate) };
    }
    case "annual":
      return { kind: "annual", annualRate: ratio(r.annualRate), fromYear: r.fromYear, compound: r.compounding === "compound" };
    default: {
      const never: never = r;
      throw new RulesMappingError(path, `unknown reduction ${JSON.stringify(never)}`);
    }
  }
}

function ratios(rec: Readonly<Record<string, number>>): Record<string, Ratio> {
  return Object.fromEntries(Object.entries(rec).map(([k, v]) => [k, ratio(v)]));
}

function sectorOf(rule: RbSectorRule, rb: Rulebook, year: number, path: string): SectorRule {
  switch (rule.method) {
    case "grandfathering": {
      const bp = rule.basePeriod;
      return {
        method: "grandfathering",
        basePeriod: { choice: bp.choice, years: bp.years, window: { from: bp.window.from, to: bp.window.to }, excludeAbnormalYear: bp.excludeAbnormalYear },
        reduction: reductionOf(rule.reduction, rb, year, `${path}.reduction`),
        classes: Object.fromEntries(Object.entries(rule.classes).map(([k, c]) => [k, reductionOf(c.reduction, rb, year, `${path}.classes.${k}.reduction`)])),
        topLevelFactors: ratios(rule.topLevelFactors),
      };
    }
    case "benchmark": {
      const products: Record<string, { value?: Ratio; unit: string }> = {};
      for (const p of rule.products) {
        const entry = p.value === undefined ? { unit: p.unit } : { value: ratio(p.value), unit: p.unit };
        products[p.id] = entry;
        const aliases = (p as { aliases?: readonly string[] }).aliases ?? [];
        for (const a of aliases) products[a] = entry;
        // Datasets often write ids with underscores (hot_metal for hot-metal).
        const underscored = p.id.replace(/-/g, "_");
        if (!Object.hasOwn(products, underscored)) products[underscored] = entry;
      }
      const window = rule.activity.window ? { from: rule.activity.window.from, to: rule.activity.window.to } : undefined;
      const fixedWindow: BasePeriodRule = {
        choice: "fixed", years: window ? window.to - window.from + 1 : 2, window: window ?? { from: year - 2, to: year - 1 }, excludeAbnormalYear: false,
      };
      const fallbacks: { heat?: Ratio; fuel?: Ratio; process?: { reduction: Reduction; basePeriod: BasePeriodRule } } = {};
      if (rule.fallbacks.heat) fallbacks.heat = ratio(rule.fallbacks.heat.value);
      if (rule.fallbacks.fuel) fallbacks.fuel = ratio(rule.fallbacks.fuel.value);
      if (rule.fallbacks.process) fallbacks.process = { reduction: reductionOf(rule.fallbacks.process.reduction, rb, year, `${path}.fallbacks.process.reduction`), basePeriod: fixedWindow };
      const out: SectorRule = {
        method: "benchmark",
        products,
        fallbacks,
        activity: { basis: rule.activity.basis, statistic: rule.activity.statistic, ...(window ? { window } : {}) },
        adjustmentFactors: Object.fromEntries(Object.entries(rule.adjustmentFactors).map(([k, v]) => [k, ratios(v)])),
      };
      if (rule.newEntrantUtilisation !== undefined) out.newEntrantUtilisation = ratio(rule.newEntrantUtilisation);
      // `derive` arrived in the schema later; read it structurally so either version compiles.
      const derive = (rule as { derive?: { topPercent: number; method: "boundary" | "average"; weighting: "count" | "output" } }).derive;
      if (derive) out.derive = { topPercent: derive.topPercent, method: derive.method, weighting: derive.weighting };
      return out;
    }
    case "output-based":
      return rule.intensity === undefined ? { method: "output-based", lagYears: rule.lagYears } : { method: "output-based", intensity: ratio(rule.intensity), lagYears: rule.lagYears };
    case "intensity-target": {
      const targets: Record<string, Ratio> = {};
      for (const t of rule.targets) {
        if ((t.from !== undefined && year < t.from) || (t.to !== undefined && year > t.to)) continue;
        targets[t.product ?? "*"] = ratio(t.value);
      }
      return { method: "intensity-target", targets };
    }
    case "auction":
      return { method: "auction" };
    default: {
      const never: never = rule;
      throw new RulesMappingError(path, `unknown method ${JSON.stringify(never)}`);
    }
  }
}

/** A schedule as linear points; a step schedule holds each value until the year before the next point. */
export function schedulePoints(s: Schedule): SharePoint[] {
  const out: SharePoint[] = [];
  s.points.forEach((p, i) => {
    const prev = s.points[i - 1];
    if (s.interpolation === "step" && prev && p.year - 1 > prev.year) out.push({ year: p.year - 1, share: ratio(prev.share) });
    out.push({ year: p.year, share: ratio(p.share) });
  });
  return out;
}

/** The engine's rules for `year`; throws RulesMappingError (field path and reason) when the rulebook cannot give them. */
export function rulesFromRulebook(rb: Rulebook, year: number): AllocationRules {
  if (!periodOf(rb, year)) {
    throw new RulesMappingError("periods", `${year} is in none of the rulebook's periods (${rb.periods.map((p) => `${p.id} ${p.from}-${p.to}`).join(", ")})`);
  }
  const a = rb.allocation;
  const sectors: Record<string, SectorRule> = {};
  for (const [sid, rule] of Object.entries(a.sectors)) sectors[sid] = sectorOf(rule, rb, year, `allocation.sectors.${sid}`);
  const cap = capFor(rb, year);
  const needCap = (path: string) => {
    if (cap === undefined) throw new RulesMappingError(path, `the rulebook gives no cap for ${year}`);
    return cap;
  };
  let reserve: bigint | undefined;
  const ner = a.newEntrantReserve;
  if (ner) {
    if (ner.amount !== undefined) reserve = ner.amount;
    else if (ner.share !== undefined) {
      const [n, d] = [ratio(ner.share).n, ratio(ner.share).d];
      reserve = mulDiv(needCap("allocation.newEntrantReserve.share"), n, d, "floor");
    }
  }
  let correction: CorrectionRule = { kind: "none" };
  const c = a.correction;
  if (c.kind === "uniform") {
    const published = c.factors.find((f) => f.year === year);
    if (published) correction = { kind: "factor", factor: ratio(published.factor), excludeSectors: c.excludeSectors };
    else {
      let budget: bigint;
      if (c.budget.kind === "amount") budget = c.budget.amount;
      else if (c.budget.kind === "cap") budget = needCap("allocation.correction.budget") - (reserve ?? 0n);
      else {
        const s = ratio(c.budget.share);
        budget = mulDiv(needCap("allocation.correction.budget.share"), s.n, s.d, "floor");
      }
      if (budget < 0n) throw new RulesMappingError("allocation.correction.budget", `the budget for ${year} is negative (cap less reserve)`);
      correction = { kind: "uniform", mode: "cap", budget, excludeSectors: c.excludeSectors };
    }
  }
  const bySector: Record<string, SharePoint[]> = {};
  for (const [sid, s] of Object.entries(a.auctionShare.sectors)) bySector[sid] = schedulePoints(s);
  const rules: AllocationRules = {
    scheme: rb.scheme.id,
    year,
    sectors,
    auction: {
      schedule: schedulePoints(a.auctionShare.default),
      bySector,
      fullyAuctioned: Object.entries(a.sectors).filter(([, r]) => r.method === "auction").map(([sid]) => sid),
      exposed: a.auctionShare.exposedSectorsFree ? rb.leakage.exposedSectors : [],
    },
    correction,
  };
  if (reserve !== undefined) rules.reserve = reserve;
  if (a.gateway) rules.gateway = { from: a.gateway.from, to: a.gateway.to, ...(a.gateway.maxNetFlow === undefined ? {} : { maxNetFlow: a.gateway.maxNetFlow }) };
  const ch = a.changes;
  rules.changes = {
    ...(ch.closure.stoppageReportDays === undefined ? {} : { stoppageDays: ch.closure.stoppageReportDays }),
    abnormalStopIsClosure: ch.closure.abnormalStopIsClosure,
    belowThresholdIsClosure: ch.closure.belowThresholdIsClosure,
    returnRemaining: ch.closure.returnRemaining,
    surrenderUpToClosure: ch.closure.surrenderUpToClosure,
    suspension: ch.suspension,
    capacityReduction: ch.capacityReduction,
  };
  const p = periodOf(rb, year);
  if (p) rules.period = p.id;
  return rules;
}
