// The rulebook's `mrv` section: how emissions are monitored, reported and verified. The MRV
// domain (src/domain/mrv) reads it: which GWP set converts non-CO2 gases, the default fuel factors
// with their sources, electricity and heat factors for indirect counting, minimum tiers per
// installation category, how a report's total is rounded to whole tonnes, the verifier rules
// (materiality, rotation, cooling-off) and how a conservative estimate is made for a missing report.
import { z } from "zod";
import { GWP_SET_IDS } from "../mrv/gwp.ts";
import { fraction, id, monthDay, nonNegative, positive, rounding, text } from "./fields.ts";

const fuel = z
  .strictObject({
    id: id().describe("fuel id a monitoring plan names"),
    name: z.string().optional().describe("human name"),
    unit: z.enum(["t", "kL", "1000Nm3", "TJ", "GJ"]).describe("the unit activity data of this fuel are measured in"),
    ncv: positive().optional().describe("net calorific value, TJ per `unit` (absent when the unit is TJ or GJ)"),
    emissionFactor: nonNegative().describe("emission factor, t-CO2 per TJ"),
    oxidationFactor: fraction().default(1).describe("share of the carbon oxidised (1 under the IPCC 2006 defaults)"),
    biomassFraction: fraction().default(0).describe("share of the carbon that is biomass, counted at zero (reported as a memo item)"),
    source: z.string().optional().describe("where the factors come from"),
  })
  .describe("a fuel with its default factors");

const purchased = (what: string, unit: string) =>
  z
    .strictObject({
      unit: z.literal(unit).describe(`activity unit of purchased ${what}`),
      defaultFactor: nonNegative().optional().describe(`t-CO2 per ${unit} used when the plan gives no supplier factor`),
      supplierFactors: z.boolean().default(true).describe("a plan may give its supplier's own factor"),
      source: z.string().optional().describe("where the default factor comes from"),
    })
    .describe(`purchased ${what}, counted when \`coverage.electricity\` is indirect or both`);

const tierSet = z
  .strictObject({
    activity: z.int().min(1).max(4).optional().describe("minimum tier of activity data"),
    emissionFactor: z.int().min(1).max(4).optional().describe("minimum tier of the emission factor"),
    ncv: z.int().min(1).max(4).optional().describe("minimum tier of the net calorific value"),
    oxidationFactor: z.int().min(1).max(4).optional().describe("minimum tier of the oxidation factor"),
  })
  .describe("minimum tier per parameter (absent: no minimum)");

const tiers = z
  .strictObject({
    categories: z
      .array(
        z.strictObject({
          id: id().describe("category id (EU MRR: A, B, C)"),
          upTo: positive().optional().describe("the category holds installations with average emissions up to this many tonnes a year; the last category has none"),
          minimum: tierSet.default({}),
        }),
      )
      .min(1)
      .describe("installation categories by yearly emissions, smallest first; the first whose `upTo` is not below the emissions applies"),
  })
  .describe("minimum tiers by installation category (EU MRR Art. 19 and 26)");

const verification = z
  .strictObject({
    required: z.boolean().default(true).describe("reports must be verified by an accredited verifier before they count"),
    standard: z.string().default("ISO 14065").describe("the accreditation standard verifiers hold"),
    materiality: z
      .array(
        z.strictObject({
          upTo: positive().optional().describe("applies to reports with total emissions up to this many tonnes; the last entry has none"),
          level: fraction().describe("uncorrected misstatements at or above this share of the total make the report materially misstated"),
        }),
      )
      .min(1)
      .default([{ level: 0.05 }])
      .describe("materiality levels, smallest reports first (EU AVR: 5%, 2% above 500 kt)"),
    maxConsecutiveYears: z.int().min(1).optional().describe("a verifier verifies one installation for at most this many consecutive years"),
    coolingOffYears: z.int().min(1).optional().describe("years a verifier must skip after reaching the maximum"),
    servicesCoolingOffYears: z.int().min(0).default(3).describe("a verifier that advised the operator (consultancy, preparing the plan or report) may not verify it for this many years after"),
    reportDeadline: monthDay().optional().describe("verified report due (MM-DD) in the year after the reporting year"),
  })
  .describe("verification rules");

const estimate = z
  .discriminatedUnion("method", [
    z.strictObject({ method: z.literal("authority").describe("the competent authority sets the figure (EU MRR Art. 70); it is recorded as an estimate") }),
    z.strictObject({
      method: z.literal("max-recent").describe("the largest of the last verified years, raised by `uplift`, rounded up"),
      years: z.int().min(1).describe("how many recent verified years are looked at"),
      uplift: fraction().default(0).describe("added share (0.1 = +10%)"),
    }),
  ])
  .describe("how a conservative estimate is made for a missing or unverified report");

export const mrvSection = z
  .strictObject({
    gwp: z
      .strictObject({
        set: z.enum(GWP_SET_IDS).describe("IPCC assessment report whose 100-year GWPs convert non-CO2 gases (docs/reference/gwp.md)"),
        overrides: z.record(id(), positive()).default({}).describe("gas id -> GWP that replaces or adds to the set's value"),
      })
      .describe("global warming potentials"),
    rounding: rounding().default("halfUp").describe("how a report's exact total becomes whole tonnes"),
    fuels: z.array(fuel).default([]).describe("default fuel factors a monitoring plan may refer to"),
    electricity: purchased("electricity", "MWh").optional(),
    heat: purchased("heat", "GJ").optional(),
    tiers: tiers.optional(),
    verification: verification.default({ required: true, standard: "ISO 14065", materiality: [{ level: 0.05 }], servicesCoolingOffYears: 3 }),
    conservativeEstimate: estimate.default({ method: "authority" }),
    note: text().optional().describe("what the section simplifies"),
  })
  .describe("monitoring, reporting and verification (issue: compliance)");

export type MrvRules = z.output<typeof mrvSection>;
export type FuelRule = z.output<typeof fuel>;
