// The rulebook format: one validated description of a scheme's rules (who is covered, the cap,
// how allowances are set, auctions, price controls, compliance, penalties, credits, security).
// Rules are data: a preset in presets/*.yaml is parsed by `rulebookSchema`, and every field carries
// its description here, so docs/reference/rulebook.md is generated from this file
// (scripts/gen-rulebook-docs.ts). Amounts of allowances become bigint; shares, rates and prices
// stay numbers. Cross-field rules (sector references, overlapping periods) are in `refineRulebook`.
import { z } from "zod";
import { criteriaSchema } from "../leakage/criteria.ts";
import { auctions, refineAuctions } from "./auctions.ts";
import { refineStability, stability } from "./stability.ts";
import type { PricePath } from "./price-path.ts";
import { internationalShape, refineInternational } from "./international.ts";
import { DEFAULT_SECURITY_CONFIG, parseSecurityConfig, type SecurityConfig } from "../security/config.ts";
import { CONFIG_FIELDS } from "../security/reference.ts";
import { refineRegistry } from "./registry.ts";
import { ROLES } from "../security/roles.ts";
import { complianceIssues, complianceSection } from "./compliance.ts";
import { creditsSection } from "./credits.ts";
import { ledgerSection } from "./ledger.ts";
import { mrvSection } from "./mrv.ts";
import { penaltiesSection } from "./penalties.ts";
import { publicationSection } from "./publication.ts";

// ---------------------------------------------------------------- building blocks

const num = () => z.number({ error: "expected a number" });
const positive = () => num().positive({ error: "expected a positive number" });
const nonNegative = () => num().min(0, { error: "expected a number >= 0" });
export const fraction = () => num().min(0, { error: "expected a fraction >= 0" }).max(1, { error: "expected a fraction <= 1" });
const text = () => z.string({ error: "expected a string" }).min(1, { error: "expected a non-empty string" });
export const year = () =>
  z.int({ error: "expected a whole year" }).min(1990, { error: "expected a year >= 1990" }).max(2200, { error: "expected a year <= 2200" });
const wholeCount = () => z.int({ error: "expected a whole number" }).min(0, { error: "expected a whole number >= 0" });
const monthDay = () => z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { error: "expected a date as MM-DD" });
const id = () => z.string({ error: "expected a string" }).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { error: "expected an id (letters, digits, . _ -)" });

/** Whole allowances: a non-negative integer (a string of digits for very large values), read as bigint. */
export const allowances = () =>
  z
    .union([z.int().min(0), z.string().regex(/^\d+$/)], { error: "expected a whole number of allowances >= 0" })
    .transform((v) => BigInt(v))
    .describe("whole allowances (t-CO2e); an integer, or a string of digits");

const yearRange = () =>
  z
    .strictObject({
      from: year().describe("first year (inclusive)"),
      to: year().describe("last year (inclusive)"),
    })
    .refine((r) => r.from <= r.to, { error: "`from` must not be after `to`", path: ["to"] });

const source = z.strictObject({
  id: id().describe("short key used in comments and notes, e.g. `dir-2003-87`"),
  title: text().describe("what the source is (law, decision, report, web page)"),
  url: z.string().optional().describe("where to read it"),
});

// ---------------------------------------------------------------- scheme, periods

const scheme = z
  .strictObject({
    id: id().describe("identifier of the rulebook, e.g. `eu-ets-phase3`"),
    name: text().describe("human name of the scheme and phase"),
    jurisdiction: text().describe("who runs it (EU, Tokyo Metropolitan Government, ...)"),
    description: z.string().optional().describe("one paragraph on what the rulebook covers and what it leaves out"),
    status: z.enum(["historical", "in-force", "proposed", "illustrative"]).default("in-force").describe("whether the rules are past, current, a proposal or only an illustration"),
    sources: z.array(source).default([]).describe("the documents the figures come from; each figure in a preset cites one in a comment"),
    registry: z
      .boolean()
      .default(false)
      .describe("true when a registry can run on this rulebook: then the `security` section is required, with the holidays of every calendar year its periods touch (src/domain/rulebook/registry.ts); the server refuses a rulebook without it"),
  })
  .describe("what the rulebook describes");

const yearBasis = z
  .strictObject({
    kind: z.enum(["calendar", "fiscal"]).describe("calendar years, or fiscal years starting on `startMonth`"),
    startMonth: z.int().min(1).max(12).default(1).describe("first month of the year (Japan's fiscal year: 4)"),
  })
  .describe("what a year means in this rulebook");

const period = z
  .strictObject({
    id: id().describe("period id used elsewhere (e.g. in `reduction.byPeriod`)"),
    name: z.string().optional().describe("human name"),
    from: year().describe("first year (inclusive)"),
    to: year().describe("last year (inclusive)"),
  })
  .refine((r) => r.from <= r.to, { error: "`from` must not be after `to`", path: ["to"] })
  .describe("a trading period (phase)");

// ---------------------------------------------------------------- cap

const capReduction = z
  .discriminatedUnion("kind", [
    z.strictObject({
      kind: z.literal("amount").describe("the cap falls by a fixed number of allowances a year"),
      perYear: allowances().describe("allowances removed from the cap each year"),
    }),
    z.strictObject({
      kind: z.literal("factor").describe("the cap falls each year by `factor` x `reference` (a linear reduction factor)"),
      factor: fraction().describe("the linear reduction factor, e.g. 0.0174"),
      reference: allowances().describe("the quantity the factor applies to; the yearly step is factor x reference rounded half up"),
    }),
    z.strictObject({
      kind: z.literal("rate").describe("the cap falls geometrically: each year's cap is the previous one x (1 - rate), rounded half up to whole allowances"),
      rate: fraction().describe("the yearly rate"),
    }),
  ])
  .describe("how the cap falls inside a segment");

const capSegment = z
  .strictObject({
    from: year().describe("first year of the segment"),
    to: year().optional().describe("last year of the segment; open-ended when absent (last segment only)"),
    start: allowances().optional().describe("cap in the first year; when absent the segment continues from the previous segment's last cap less one step"),
    reduction: capReduction,
  })
  .describe("a stretch of years with one linear or geometric rule");

const cap = z
  .strictObject({
    kind: z
      .enum(["trajectory", "bottom-up", "not-modelled"])
      .default("trajectory")
      .describe("trajectory: a fixed cap per year (segments and explicit figures); bottom-up: the cap is the sum of unit allocations (Tokyo, China's intensity-based ETS); not-modelled: the preset leaves it out (see `note`)"),
    segments: z.array(capSegment).default([]).describe("consecutive segments of the trajectory, in year order"),
    explicit: z
      .array(z.strictObject({ year: year().describe("the year"), amount: allowances().describe("the cap in that year") }))
      .default([])
      .describe("published caps per year; they override the segments for their years"),
    note: z.string().optional().describe("what the cap includes (aviation, reserves) and what it leaves out"),
  })
  .describe("the cap trajectory; `capFor(rulebook, year)` derives the cap of a year (undefined outside it)");

// ---------------------------------------------------------------- coverage

const threshold = z
  .strictObject({
    value: positive().describe("the threshold: covered when the measure is at or above it"),
    unit: z
      .enum(["t-CO2e", "t-CO2", "kL-crude-oil-eq", "MW-thermal-input", "MW-electrical", "t-product", "MWh-electricity"])
      .describe("what the value measures: emissions, energy use (Tokyo), rated thermal input (EU combustion), generating capacity (RGGI), output, or electricity used (UK CRC)"),
    basis: z.enum(["installation", "site", "company"]).describe("the unit of obligation the threshold is tested on"),
    averageOfYears: z.int().min(1).default(1).describe("the measure is the average of this many previous years (GX-ETS: 3)"),
  })
  .describe("one test of coverage; an entity is covered when any threshold holds");

const coverage = z
  .strictObject({
    thresholds: z.array(threshold).default([]).describe("coverage tests; any one that holds brings the entity in"),
    gases: z.array(z.enum(["CO2", "CH4", "N2O", "HFC", "PFC", "SF6", "NF3"])).min(1).describe("greenhouse gases covered"),
    electricity: z
      .enum(["direct", "indirect", "both"])
      .describe("direct: power plants carry their stack emissions; indirect: consumers carry electricity x the supplier's factor (Tokyo); both: each counted (Korea)"),
    sectors: z.array(id()).optional().describe("covered sectors (ids of `allocation.sectors`); all of them when absent"),
    entry: z
      .strictObject({
        consecutiveYears: z.int().min(1).describe("years in a row the measure must be at or above `atOrAbove`"),
        atOrAbove: positive().describe("entry level, in the first threshold's unit"),
      })
      .optional()
      .describe("rule for entering the scheme (Tokyo: 3 consecutive years >= 1,500 kL)"),
    exit: z
      .strictObject({
        previousYearBelow: positive().optional().describe("leaves when the previous year's measure is below this"),
        consecutiveYearsBelow: z
          .strictObject({ years: z.int().min(1).describe("number of consecutive years"), below: positive().describe("level, in the first threshold's unit") })
          .optional()
          .describe("leaves after `years` consecutive years below `below`"),
        onClosure: z.boolean().default(true).describe("closure ends coverage"),
      })
      .optional()
      .describe("rule for leaving the scheme (Tokyo: previous year < 1,000 kL, or 3 consecutive years < 1,500 kL)"),
  })
  .describe("who is covered");

// ---------------------------------------------------------------- allocation

const reduction = z
  .discriminatedUnion("kind", [
    z.strictObject({
      kind: z.literal("fixed").describe("one rate for every year"),
      rate: fraction().describe("allowance = baseline x (1 - rate)"),
    }),
    z.strictObject({
      kind: z.literal("byPeriod").describe("a rate per trading period (Tokyo's compliance factors)"),
      rates: z.record(id(), fraction()).describe("period id -> rate"),
    }),
    z.strictObject({
      kind: z.literal("annual").describe("a rate that grows each year from `fromYear`"),
      annualRate: fraction().describe("yearly step (GX-ETS: 0.017)"),
      fromYear: year().describe("the year with no reduction; year y has factor 1 - annualRate x (y - fromYear) (linear) or (1 - annualRate)^(y - fromYear) (compound)"),
      compounding: z.enum(["linear", "compound"]).default("linear").describe("how the yearly steps combine"),
    }),
  ])
  .describe("the reduction applied to a grandfathered baseline");

const basePeriod = z
  .strictObject({
    choice: z
      .enum(["operator", "auto", "fixed"])
      .describe("operator: the operator picks a run inside the window; auto: the steadiest run ((max - min) / mean smallest); fixed: the whole window"),
    years: z.int().min(1).describe("length of the run of consecutive years (Tokyo: 3)"),
    window: yearRange().describe("years the run must lie in (Tokyo: FY2002-2007)"),
    excludeAbnormalYear: z.boolean().default(false).describe("one abnormal year of the run may be dropped (the baseline is then the average of the others)"),
  })
  .describe("how the historical baseline is taken");

const grandfathering = z.strictObject({
  method: z.literal("grandfathering").describe("allowance = baseline emissions x (1 - reduction rate)"),
  name: z.string().optional().describe("human name of the sector"),
  basePeriod,
  reduction: reduction.describe("reduction for installations without a class"),
  classes: z
    .record(
      id(),
      z.strictObject({
        name: z.string().optional().describe("what the class is (e.g. offices and district heating)"),
        reduction,
      }).describe("a class of installations"),
    )
    .default({})
    .describe("installation classes with their own reduction (Tokyo I-1, I-2, II)"),
  topLevelFactors: z
    .record(id(), positive().max(1, { error: "expected a factor <= 1" }))
    .default({})
    .describe("certified status -> multiplier of the reduction rate (Tokyo: top-level 1/2, near-top 3/4)"),
  baselineRevisionThreshold: fraction()
    .optional()
    .describe("a declared change (floor area, use, equipment) moving emissions by at least this share of the baseline revises it (Tokyo: 0.06)"),
});

const benchmarkProduct = z.strictObject({
  id: id().describe("product id, used in activity data"),
  name: z.string().optional().describe("human name"),
  aliases: z.array(id()).default([]).describe("other ids that mean this product in datasets (e.g. `clinker` for `grey-clinker`)"),
  value: positive().optional().describe("benchmark value: allowances per unit of product; absent only when the sector's `derive` sets it from data"),
  unit: text().describe("the unit of `value`, e.g. `t-CO2/t clinker`, `t-CO2/MWh`"),
  source: z.string().optional().describe("where the value comes from"),
});

const fallbackBenchmark = z.strictObject({
  value: positive().describe("allowances per TJ"),
  unit: text().default("t-CO2/TJ").describe("unit of the value"),
});

const benchmark = z.strictObject({
  method: z.literal("benchmark").describe("allowance = product benchmark x activity level"),
  name: z.string().optional().describe("human name of the sector"),
  products: z.array(benchmarkProduct).default([]).describe("product benchmarks (one per product)"),
  derive: z
    .strictObject({
      topPercent: positive().max(100).describe("the top share of installations (EU: 10; GX-ETS FY2030: 32.5)"),
      method: z.enum(["boundary", "average"]).describe("value at the edge of the top share, or the average inside it"),
      weighting: z.enum(["count", "output"]).default("count").describe("count installations, or weight them by output"),
    })
    .optional()
    .describe("products without a value get one derived from installation data this way (`ets benchmark`)"),
  fallbacks: z
    .strictObject({
      heat: fallbackBenchmark.optional().describe("heat benchmark: allowances per TJ of measurable heat"),
      fuel: fallbackBenchmark.optional().describe("fuel benchmark: allowances per TJ of fuel"),
      process: z
        .strictObject({ reduction })
        .optional()
        .describe("process emissions, grandfathered with this reduction"),
    })
    .default({})
    .describe("where no product benchmark fits, applied in the order heat, fuel, process"),
  activity: z
    .strictObject({
      basis: z.enum(["historical", "current", "previous-year"]).describe("which output the benchmark multiplies"),
      window: yearRange().optional().describe("years of the historical activity level"),
      statistic: z.enum(["mean", "median"]).default("mean").describe("how the window's outputs combine"),
    })
    .default({ basis: "historical", statistic: "mean" })
    .describe("the activity level the benchmark is multiplied by"),
  remainder: z
    .strictObject({ basePeriod, reduction })
    .optional()
    .describe("for mixed sites: emissions outside benchmarked lines (lighting, air conditioning, unbenchmarked products) are grandfathered"),
  newEntrantUtilisation: fraction().optional().describe("new entrants: capacity x this standard utilisation factor replaces historical output"),
  adjustmentFactors: z
    .record(id(), z.record(id(), positive()))
    .default({})
    .describe("named multipliers chosen per installation attribute (China: cooling, heat supply, load factor): factor name -> option -> value"),
  exAnteShare: fraction().optional().describe("share issued ex ante before output is known; the rest is trued up ex post (China 2019-20: 0.7)"),
  update: z
    .strictObject({
      minAnnualRate: fraction().describe("lowest yearly improvement rate"),
      maxAnnualRate: fraction().describe("highest yearly improvement rate"),
      observationYears: z.int().min(1).describe("years between the data behind the old value and the new data; the observed rate is (old - new) / old / observationYears (EU 2021-25: 9)"),
      applicationYears: z.int().min(1).describe("years the clamped rate is applied over, linearly: new value = old x (1 - applicationYears x rate) (EU 2021-25: 15)"),
    })
    .refine((u) => u.minAnnualRate <= u.maxAnnualRate, { error: "`minAnnualRate` must not exceed `maxAnnualRate`", path: ["maxAnnualRate"] })
    .optional()
    .describe("how benchmark values are updated over time (EU phase 4: 0.2%-1.6% a year over 15 years)"),
});

const outputBased = z.strictObject({
  method: z.literal("output-based").describe("allowance = average output of previous years x sector intensity, recalculated every year"),
  name: z.string().optional().describe("human name of the sector"),
  intensity: positive().optional().describe("sector average intensity: allowances per unit of output; computed from the dataset (sector emissions / sector output) when absent"),
  unit: text().describe("unit of `intensity`"),
  lagYears: z.array(z.int().min(1)).min(1).default([1, 2]).describe("which previous years' outputs are averaged (KL bill: the two previous years)"),
});

const intensityTarget = z.strictObject({
  method: z.literal("intensity-target").describe("allowance = target intensity x actual output, issued ex post (no guaranteed total)"),
  name: z.string().optional().describe("human name of the sector"),
  targets: z
    .array(
      z.strictObject({
        product: id().optional().describe("product the target applies to; the sector's output when absent"),
        value: positive().describe("target intensity: allowances per unit of output"),
        unit: text().describe("unit of `value`"),
        from: year().optional().describe("first year of the target"),
        to: year().optional().describe("last year of the target"),
      }),
    )
    .min(1)
    .describe("intensity targets"),
  trueUp: z.enum(["ex-post"]).default("ex-post").describe("allowances are issued (or owed) after verified output is known"),
});

const auctionOnly = z.strictObject({
  method: z.literal("auction").describe("no free allocation: the sector buys every allowance"),
  name: z.string().optional().describe("human name of the sector"),
});

export const sectorRule = z
  .discriminatedUnion("method", [grandfathering, benchmark, outputBased, intensityTarget, auctionOnly])
  .describe("a sector's allocation method, chosen by `method`");

const schedule = z
  .strictObject({
    interpolation: z.enum(["linear", "step"]).default("linear").describe("between points: straight line, or hold the previous value"),
    points: z
      .array(z.strictObject({ year: year().describe("the year of the point"), share: fraction().describe("auctioned share of the sector's allowances") }))
      .min(1)
      .describe("(year, share) points in increasing year order; before the first and after the last the nearest point holds"),
  })
  .describe("a share per year");

const correction = z
  .discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("none").describe("no correction") }),
    z.strictObject({
      kind: z.literal("uniform").describe("one factor scales every free allocation (except excluded sectors) so the total fits the budget; whole allowances by largest remainder"),
      budget: z
        .discriminatedUnion("kind", [
          z.strictObject({ kind: z.literal("cap").describe("the year's cap less the reserve") }),
          z.strictObject({ kind: z.literal("capShare").describe("a share of the cap"), share: fraction() }),
          z.strictObject({ kind: z.literal("amount").describe("a fixed number"), amount: allowances() }),
        ])
        .describe("the total free allocation may not exceed"),
      excludeSectors: z.array(id()).default([]).describe("sectors the factor does not touch (EU: electricity generators)"),
      factors: z
        .array(z.strictObject({ year: year(), factor: positive().max(1, { error: "expected a factor <= 1" }) }))
        .default([])
        .describe("published factors per year; used as given instead of being computed"),
    }),
  ])
  .describe("the correction rule that keeps free allocation within a budget");

const ner = z
  .strictObject({
    share: fraction().optional().describe("share of the cap set aside"),
    amount: allowances().optional().describe("allowances set aside (per year)"),
    order: z.enum(["first-come-first-served"]).default("first-come-first-served").describe("who is served first"),
    proRata: z.enum(["days", "months", "none"]).default("days").describe("a mid-year entrant gets the annual amount x the share of the year it operates"),
    whenExhausted: z
      .enum(["market", "auction", "government-purchase"])
      .default("market")
      .describe("what entrants do when the reserve runs out (unmet demand is reported)"),
  })
  .refine((n) => (n.share === undefined) !== (n.amount === undefined), { error: "give exactly one of `share` and `amount`" })
  .describe("the new entrants' reserve");

const changes = z
  .strictObject({
    closure: z
      .strictObject({
        surrenderUpToClosure: z.boolean().default(true).describe("the operator surrenders for emissions up to the closure"),
        returnRemaining: z.boolean().default(true).describe("allowances for the years after closure go back to the government"),
        stoppageReportDays: z.int().min(1).optional().describe("a stoppage longer than this is reported (UK: 50)"),
        abnormalStopIsClosure: z.boolean().default(false).describe("a stop that is not normal business counts as permanent closure"),
        belowThresholdIsClosure: z.boolean().default(true).describe("capacity falling below the threshold counts as closure"),
      })
      .default({ surrenderUpToClosure: true, returnRemaining: true, abnormalStopIsClosure: false, belowThresholdIsClosure: true })
      .describe("closure"),
    suspension: z.enum(["pro-rata-return", "none"]).default("pro-rata-return").describe("a suspended installation returns the pro-rata share"),
    capacityReduction: z.enum(["pro-rata-return", "none"]).default("pro-rata-return").describe("a capacity reduction returns the pro-rata share"),
    ownerChange: z.enum(["split-at-change"]).default("split-at-change").describe("the old owner surrenders up to the change, the new owner from then on"),
    relocation: z.enum(["closure-and-entry"]).default("closure-and-entry").describe("moving a site is a closure plus a new entry"),
    mergerSplit: z.enum(["succession", "closure-and-entry"]).default("succession").describe("how mergers and splits are treated"),
  })
  .describe("closures, suspensions, capacity reductions and changes of owner");

const distribution = z
  .array(
    z.strictObject({
      from: year().describe("first year the table applies"),
      to: year().describe("last year the table applies"),
      shares: z
        .array(
          z.strictObject({
            recipient: text().describe("who receives this part of the allowance budget"),
            share: fraction().describe("share of the year's allowance budget"),
            free: z.boolean().describe("given free (true) or sold, with the revenue used for the purpose (false)"),
            sector: id().optional().describe("the sector of `allocation.sectors` this share funds, if any"),
          }),
        )
        .min(1)
        .describe("the uses and their shares"),
    }),
  )
  .default([])
  .describe("how the allowance budget is split between uses (the KL bill's table); shares of one entry sum to at most 1");

const allocation = z
  .strictObject({
    issuance: z
      .strictObject({
        timing: z.enum(["ex-ante", "ex-post"]).describe("ex ante: issued at the start of the period (EU); ex post: after verified emissions (Tokyo)"),
        date: monthDay().optional().describe("issue date in the year (MM-DD), e.g. 02-28"),
      })
      .describe("when free allowances are issued"),
    sectors: z.record(id(), sectorRule).describe("sector id -> allocation method; other sections refer to these ids"),
    auctionShare: z
      .strictObject({
        default: schedule.describe("auctioned share for sectors without their own schedule"),
        sectors: z.record(id(), schedule).default({}).describe("sector id -> its own schedule (EU: power 100%)"),
        exposedSectorsFree: z.boolean().default(true).describe("sectors listed in `leakage.exposedSectors` have share 0 (all free)"),
      })
      .describe("share of each sector's allowances sold rather than given, per year"),
    correction: correction.default({ kind: "none" }),
    newEntrantReserve: ner.optional(),
    changes: changes.default({
      closure: { surrenderUpToClosure: true, returnRemaining: true, abnormalStopIsClosure: false, belowThresholdIsClosure: true },
      suspension: "pro-rata-return",
      capacityReduction: "pro-rata-return",
      ownerChange: "split-at-change",
      relocation: "closure-and-entry",
      mergerSplit: "succession",
    }),
    gateway: z
      .strictObject({
        from: id().describe("sector whose allowances may flow out (the intensity sector)"),
        to: id().describe("sector they flow into (the absolute sector)"),
        maxNetFlow: allowances().optional().describe("cap on the net flow over the period; no cap when absent"),
      })
      .optional()
      .describe("the UK ETS 2002 gateway: limits the net flow of allowances from intensity participants into the absolute sector"),
    distribution,
  })
  .describe("how allowances are set: the section the allocation engine reads");

// The leakage screening criteria of src/domain/leakage, with a description per field for the reference.
const criteria = criteriaSchema.extend({
  id: criteriaSchema.shape.id.describe("criteria id"),
  name: criteriaSchema.shape.name.describe("human name"),
  price: criteriaSchema.shape.price.describe("carbon price the carbon intensity is computed at, per t"),
  currency: criteriaSchema.shape.currency.describe("currency of `price` (ISO 4217)"),
  clauses: criteriaSchema.shape.clauses.describe(
    "a sector is exposed when every condition of any clause holds; a condition is {metric: carbonIntensity | tradeIntensity, above: fraction}",
  ),
  excludedSectors: criteriaSchema.shape.excludedSectors.describe("sectors left out of the screening (EU: power)"),
  source: criteriaSchema.shape.source.describe("where the criteria come from"),
});

const leakage = z
  .strictObject({
    criteria: criteria.optional().describe("the screening criteria (same shape as `ets leakage --criteria`)"),
    exposedSectors: z.array(id()).default([]).describe("sectors deemed exposed to carbon leakage (ids of `allocation.sectors`)"),
    treatment: z.enum(["free-allocation", "compensation", "border-adjustment"]).default("free-allocation").describe("what exposed sectors get"),
  })
  .describe("carbon-leakage criteria and the exposed list");

// ---------------------------------------------------------------- sections other issues fill

// compliance, penalties and credits live in their own files (compliance.ts, penalties.ts, credits.ts), like mrv.ts.
const compliance = complianceSection;
const penalties = penaltiesSection;
const credits = creditsSection;

// The `security` section is the registry's SecurityConfig (src/domain/security/config.ts): the same
// field names, described from its reference table, checked by zod for shape and then by
// parseSecurityConfig (the one authority for defaults and limits), whose output the rulebook carries.
function sec(path: string): string {
  const meaning = CONFIG_FIELDS.find(([p]) => p === path)?.[1];
  if (meaning === undefined) throw new Error(`security field ${path} has no description in CONFIG_FIELDS`);
  let v: unknown = DEFAULT_SECURITY_CONFIG;
  for (const k of path.split(".")) v = (v as Record<string, unknown>)[k];
  return `${meaning} Default: ${JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x))}.`;
}

const hhmm = () => z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: "expected a time as HH:MM" });
const timeWindow = () => z.strictObject({ from: hhmm().describe("start (HH:MM, local)"), to: hhmm().describe("end (HH:MM, local), after `from`") });
const names = () => z.array(z.string({ error: "expected a string" }));

const security = z
  .strictObject({
    fourEyes: z.boolean().optional().describe(sec("fourEyes")),
    approvalExpiryHours: z.int().min(1).max(24 * 365).optional().describe(sec("approvalExpiryHours")),
    trustedList: z
      .strictObject({
        activationWorkingDays: z.int().min(0).max(60).optional().describe(sec("trustedList.activationWorkingDays")),
        activationTime: hhmm().optional().describe(sec("trustedList.activationTime")),
        timeZone: z.string().optional().describe(sec("trustedList.timeZone")),
        weekend: z.array(z.int().min(0).max(6)).max(6).optional().describe(sec("trustedList.weekend")),
        holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: "expected a date as YYYY-MM-DD" })).optional().describe(sec("trustedList.holidays")),
        secondApproval: z.boolean().optional().describe(sec("trustedList.secondApproval")),
        sameHolderTrusted: z.boolean().optional().describe(sec("trustedList.sameHolderTrusted")),
        trustedOnlyAccountTypes: names().optional().describe(sec("trustedList.trustedOnlyAccountTypes")),
      })
      .optional()
      .describe("the trusted account list and its working-day calendar"),
    businessHours: z
      .strictObject({
        initiate: timeWindow().nullable().optional().describe("window in which transfers between holders may be initiated; null = any time"),
        complete: timeWindow().nullable().optional().describe("window in which delayed transfers complete; null = any time"),
      })
      .nullable()
      .optional()
      .describe(sec("businessHours")),
    transferDelayHours: num().min(0, { error: "expected a number of hours >= 0" }).max(24 * 60, { error: "expected at most 1440 hours (60 days)" }).optional().describe(sec("transferDelayHours")),
    transactionLimitOutsideTrusted: allowances().nullable().optional().describe(sec("transactionLimitOutsideTrusted")),
    holdingLimits: z
      .strictObject({
        defaultLimit: allowances().nullable().optional().describe(sec("holdingLimits.defaultLimit")),
        perHolder: z.record(z.string(), allowances()).optional().describe(sec("holdingLimits.perHolder")),
        unitTypes: names().optional().describe(sec("holdingLimits.unitTypes")),
        exemptAccountTypes: names().optional().describe(sec("holdingLimits.exemptAccountTypes")),
      })
      .optional()
      .describe("holding limits per holder"),
    signIn: z
      .strictObject({
        secondFactorRoles: z.array(z.enum(ROLES)).optional().describe(sec("signIn.secondFactorRoles")),
        maxFailures: z.int().min(1).max(100).optional().describe(sec("signIn.maxFailures")),
        maxFailuresPerUser: z.int().min(1).max(1_000_000).optional().describe(sec("signIn.maxFailuresPerUser")),
        lockoutMinutes: z.int().min(1).optional().describe(sec("signIn.lockoutMinutes")),
        backoffBaseSeconds: num().min(0, { error: "expected seconds >= 0" }).max(3600, { error: "expected at most 3600 seconds" }).optional().describe(sec("signIn.backoffBaseSeconds")),
        backoffMaxSeconds: num().min(0, { error: "expected seconds >= 0" }).max(3600, { error: "expected at most 3600 seconds" }).optional().describe(sec("signIn.backoffMaxSeconds")),
        minPasswordLength: z.int().min(8).max(128).optional().describe(sec("signIn.minPasswordLength")),
      })
      .optional()
      .describe("sign-in: second factor, lockout, backoff, passwords"),
    sessions: z
      .strictObject({
        ttlMinutes: z.int().min(1).max(24 * 60).optional().describe(sec("sessions.ttlMinutes")),
        challengeMinutes: z.int().min(1).max(60).optional().describe(sec("sessions.challengeMinutes")),
      })
      .optional()
      .describe("session lifetimes"),
    apiTokens: z
      .strictObject({ maxDays: z.int().min(1).max(3650).optional().describe(sec("apiTokens.maxDays")) })
      .optional()
      .describe("API tokens of machine clients"),
    demoMode: z.boolean().optional().describe(sec("demoMode")),
  })
  .transform((v, ctx): SecurityConfig => {
    const r = parseSecurityConfig(v);
    if (r.ok) return r.value;
    const field = String(r.facts.field ?? "security").replace(/^security\.?/, "");
    const path = [...field.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : (m[1] as string)));
    ctx.addIssue({ code: "custom", path, message: String(r.facts.reason ?? r.message) });
    return z.NEVER;
  })
  .describe("registry security rules, the SecurityConfig of src/domain/security/config.ts (issue: security); every field is optional and takes the default shown; an absent section means all defaults");

// ---------------------------------------------------------------- the rulebook

export const rulebookShape = z.strictObject({
  scheme,
  currency: z.string().regex(/^[A-Z]{3}$/, { error: "expected a three-letter ISO 4217 code" }).describe("currency of prices and penalties (ISO 4217)"),
  unit: z.enum(["t-CO2e", "t-CO2", "short-ton-CO2"]).default("t-CO2e").describe("what one allowance stands for (RGGI: one short ton)"),
  yearBasis: yearBasis.default({ kind: "calendar", startMonth: 1 }),
  periods: z.array(period).min(1).describe("trading periods (phases), in order, not overlapping"),
  compliancePeriods: z
    .array(period)
    .default([])
    .describe("compliance periods (surrender covers the whole period), in order, not overlapping; when empty each year is its own compliance period"),
  cap,
  coverage,
  allocation,
  leakage: leakage.default({ exposedSectors: [], treatment: "free-allocation" }),
  auctions: auctions.optional(),
  stability: stability.optional(),
  compliance: compliance.optional(),
  penalties: penalties.optional(),
  credits: credits.optional(),
  mrv: mrvSection.optional(),
  publication: publicationSection.optional(),
  international: internationalShape.optional(),
  security: security.optional(),
  ledger: ledgerSection.optional(),
  notes: z.array(z.string()).default([]).describe("what the preset simplifies or leaves out, and figures still to verify"),
});

export type Rulebook = z.output<typeof rulebookShape>;
export type RulebookInput = z.input<typeof rulebookShape>;
export type SectorRule = z.output<typeof sectorRule>;
export type Schedule = z.output<typeof schedule>;
export type { PricePath };
export type Reduction = z.output<typeof reduction>;
export type CapSegment = z.output<typeof capSegment>;
export type BenchmarkProduct = z.output<typeof benchmarkProduct>;

type Ctx = z.RefinementCtx;
type Path = (string | number)[];

function overlapping(ctx: Ctx, list: readonly { from: number; to?: number | undefined }[], path: Path, what: string): void {
  for (let i = 1; i < list.length; i++) {
    const prev = list[i - 1];
    const cur = list[i];
    if (!prev || !cur) continue;
    const prevEnd = prev.to ?? Number.POSITIVE_INFINITY;
    if (cur.from <= prevEnd) ctx.addIssue({ code: "custom", path: [...path, i, "from"], message: `${what} overlaps the previous one or is out of order (${cur.from} <= ${prevEnd})` });
  }
}

function sectorRef(ctx: Ctx, sectors: Record<string, unknown>, ref: string, path: Path): void {
  if (!Object.hasOwn(sectors, ref)) {
    const known = Object.keys(sectors);
    ctx.addIssue({ code: "custom", path, message: `unknown sector "${ref}" (allocation.sectors has: ${known.length ? known.join(", ") : "none"})` });
  }
}

function increasingYears(ctx: Ctx, points: readonly { year: number }[], path: Path): void {
  points.forEach((p, i) => {
    const prev = points[i - 1];
    if (prev && p.year <= prev.year) ctx.addIssue({ code: "custom", path: [...path, i, "year"], message: `years must increase (${p.year} after ${prev.year})` });
  });
}

/** Rules across fields: references to sectors and periods, ordering, totals. */
export function refineRulebook(rb: Rulebook, ctx: Ctx): void {
  const sectors = rb.allocation.sectors;
  overlapping(ctx, rb.periods, ["periods"], "period");
  const periodIds = new Set(rb.periods.map((p) => p.id));
  const seen = new Set<string>();
  rb.periods.forEach((p, i) => {
    if (seen.has(p.id)) ctx.addIssue({ code: "custom", path: ["periods", i, "id"], message: `duplicate period id "${p.id}"` });
    seen.add(p.id);
  });

  overlapping(ctx, rb.cap.segments, ["cap", "segments"], "cap segment");
  rb.cap.segments.forEach((s, i) => {
    if (s.to !== undefined && s.to < s.from) ctx.addIssue({ code: "custom", path: ["cap", "segments", i, "to"], message: "`to` is before `from`" });
    if (s.to === undefined && i < rb.cap.segments.length - 1) ctx.addIssue({ code: "custom", path: ["cap", "segments", i, "to"], message: "only the last segment may be open-ended" });
    if (s.start === undefined && i === 0) ctx.addIssue({ code: "custom", path: ["cap", "segments", 0, "start"], message: "the first segment needs a start amount" });
    const prev = rb.cap.segments[i - 1];
    if (s.start === undefined && prev?.to !== undefined && prev.to !== s.from - 1)
      ctx.addIssue({ code: "custom", path: ["cap", "segments", i, "start"], message: "a segment that continues the previous one must start the year after it ends" });
  });
  increasingYears(ctx, rb.cap.explicit, ["cap", "explicit"]);
  if (rb.cap.kind === "trajectory" && rb.cap.segments.length === 0 && rb.cap.explicit.length === 0)
    ctx.addIssue({ code: "custom", path: ["cap"], message: "a trajectory needs segments or explicit caps (or set kind: bottom-up)" });

  if (rb.coverage.sectors) rb.coverage.sectors.forEach((s, i) => sectorRef(ctx, sectors, s, ["coverage", "sectors", i]));

  for (const [sid, rule] of Object.entries(sectors)) {
    const base: Path = ["allocation", "sectors", sid];
    const checkReduction = (r: Reduction, path: Path) => {
      if (r.kind === "byPeriod")
        for (const pid of Object.keys(r.rates))
          if (!periodIds.has(pid)) ctx.addIssue({ code: "custom", path: [...path, "rates", pid], message: `unknown period "${pid}" (periods: ${[...periodIds].join(", ")})` });
    };
    if (rule.method === "grandfathering") {
      checkReduction(rule.reduction, [...base, "reduction"]);
      for (const [cid, c] of Object.entries(rule.classes)) checkReduction(c.reduction, [...base, "classes", cid, "reduction"]);
      if (rule.basePeriod.years > rule.basePeriod.window.to - rule.basePeriod.window.from + 1)
        ctx.addIssue({ code: "custom", path: [...base, "basePeriod", "years"], message: "the run is longer than the window" });
    }
    if (rule.method === "benchmark") {
      const ids = new Set<string>();
      rule.products.forEach((p, i) => {
        if (ids.has(p.id)) ctx.addIssue({ code: "custom", path: [...base, "products", i, "id"], message: `duplicate product "${p.id}"` });
        ids.add(p.id);
      });
      rule.products.forEach((p, i) =>
        p.aliases.forEach((a, j) => {
          if (ids.has(a)) ctx.addIssue({ code: "custom", path: [...base, "products", i, "aliases", j], message: `alias "${a}" is already a product or alias` });
          ids.add(a);
        }),
      );
      if (!rule.derive)
        rule.products.forEach((p, i) => {
          if (p.value === undefined) ctx.addIssue({ code: "custom", path: [...base, "products", i, "value"], message: "a product needs a value unless the sector has `derive`" });
        });
      if (rule.products.length === 0 && !rule.fallbacks.heat && !rule.fallbacks.fuel && !rule.fallbacks.process)
        ctx.addIssue({ code: "custom", path: [...base, "products"], message: "a benchmark sector needs at least one product benchmark or fall-back" });
      if (rule.fallbacks.process) checkReduction(rule.fallbacks.process.reduction, [...base, "fallbacks", "process", "reduction"]);
      if (rule.remainder) checkReduction(rule.remainder.reduction, [...base, "remainder", "reduction"]);
    }
  }

  const as = rb.allocation.auctionShare;
  increasingYears(ctx, as.default.points, ["allocation", "auctionShare", "default", "points"]);
  for (const [sid, s] of Object.entries(as.sectors)) {
    sectorRef(ctx, sectors, sid, ["allocation", "auctionShare", "sectors", sid]);
    increasingYears(ctx, s.points, ["allocation", "auctionShare", "sectors", sid, "points"]);
  }
  const corr = rb.allocation.correction;
  if (corr.kind === "uniform") {
    corr.excludeSectors.forEach((s, i) => sectorRef(ctx, sectors, s, ["allocation", "correction", "excludeSectors", i]));
    increasingYears(ctx, corr.factors, ["allocation", "correction", "factors"]);
  }
  const gw = rb.allocation.gateway;
  if (gw) {
    sectorRef(ctx, sectors, gw.from, ["allocation", "gateway", "from"]);
    sectorRef(ctx, sectors, gw.to, ["allocation", "gateway", "to"]);
  }
  rb.allocation.distribution.forEach((d, i) => {
    if (d.from > d.to) ctx.addIssue({ code: "custom", path: ["allocation", "distribution", i, "to"], message: "`to` is before `from`" });
    // shares are fractions with few decimals; compare in millionths to avoid float noise
    const total = d.shares.reduce((s, x) => s + Math.round(x.share * 1e6), 0);
    if (total > 1e6) ctx.addIssue({ code: "custom", path: ["allocation", "distribution", i, "shares"], message: `shares sum to ${total / 1e6}, more than 1` });
    d.shares.forEach((x, j) => {
      if (x.sector !== undefined) sectorRef(ctx, sectors, x.sector, ["allocation", "distribution", i, "shares", j, "sector"]);
    });
  });
  overlapping(ctx, rb.allocation.distribution, ["allocation", "distribution"], "distribution entry");
  rb.leakage.exposedSectors.forEach((s, i) => sectorRef(ctx, sectors, s, ["leakage", "exposedSectors", i]));

  refineAuctions(rb.auctions, ctx);
  refineStability(rb.stability, ctx);
  overlapping(ctx, rb.compliancePeriods, ["compliancePeriods"], "compliance period");
  for (const i of complianceIssues(rb)) ctx.addIssue({ code: "custom", path: i.path, message: i.message });
  if (rb.international) refineInternational(rb.international, ctx, ["international"]);
  refineRegistry(rb, ctx);
}

export const rulebookSchema = rulebookShape.superRefine(refineRulebook);
