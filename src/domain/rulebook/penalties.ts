// The rulebook's `penalties` section: what a shortfall or a missing report costs. Penalties are
// data, never code: src/domain/compliance/penalty.ts computes a penalty only from these fields
// (money per missing tonne, fixed or a multiple of a price, capped, indexed to a price index;
// allowances still owed and by what factor; an order that comes first, then a fine, publication
// and a billed purchase as in Tokyo; penalties for not reporting). `uncertain` is echoed in every
// answer, so a figure not verified against the law is never shown as settled.
import { z } from "zod";
import { id, nonNegative, positive, rounding, text, year } from "./fields.ts";

const indexation = z
  .strictObject({
    from: year().describe("first year the indexed amount applies (EU: 2013)"),
    baseYear: year().describe("the year whose index the base amount stands for"),
    index: z
      .array(z.strictObject({ year: year().describe("the year"), value: positive().describe("the price index of that year") }))
      .min(1)
      .describe("price index per year (EU: the European index of consumer prices)"),
    decimals: z.int().min(0).max(4).default(2).describe("decimals of the indexed amount per tonne"),
    rounding: rounding().default("halfUp").describe("how the indexed amount is rounded"),
    source: z.string().optional().describe("where the index comes from"),
  })
  .describe("indexation of `perTonne`: amount(year) = perTonne x index(year) / index(baseYear), from `from` on");

const nonReporting = z
  .strictObject({
    amount: nonNegative().describe("fine for a report not submitted, in `currency`"),
    upTo: z.boolean().default(true).describe("the amount is a maximum the authority may impose"),
    perDayLate: nonNegative().optional().describe("added per day (working day where the law says so) the report is late"),
    maxDays: z.int().min(1).optional().describe("days of `perDayLate` counted at most"),
    publication: z.boolean().default(false).describe("the name is published"),
    note: z.string().optional().describe("what the law says"),
  })
  .describe("penalty for not reporting emissions");

export const penaltiesSection = z
  .strictObject({
    perTonne: nonNegative().optional().describe("money per missing allowance, in `currency`"),
    priceMultiple: nonNegative().optional().describe("penalty per missing allowance as a multiple of the market (or reference) price"),
    priceBasis: z
      .enum(["market", "year-average", "price-ceiling"])
      .default("market")
      .describe("the price `priceMultiple` multiplies: the market price given, the average market price of the compliance year, or the rulebook's price ceiling for the year (GX-ETS reference upper price)"),
    maxPerTonne: nonNegative().optional().describe("the money per missing allowance never exceeds this (K-ETS: KRW 100,000)"),
    upTo: z.boolean().default(false).describe("the per-tonne amount is a maximum the authority sets case by case (K-ETS)"),
    indexedToInflation: z.boolean().default(false).describe("the per-tonne amount is indexed to inflation"),
    indexation: indexation.optional(),
    makeGood: z.boolean().describe("the missing allowances are still owed"),
    makeGoodFactor: positive().default(1).describe("allowances owed per missing one (Tokyo 1.3)"),
    makeGoodRounding: rounding().default("ceil").describe("how shortfall x factor becomes whole allowances"),
    order: z.boolean().default(false).describe("the allowances owed are first an order; the fine, publication and a billed purchase follow only when it is not met (Tokyo)"),
    purchaseBilled: z.boolean().default(false).describe("when the order is not met, the authority buys what it left unmet and bills the operator (Tokyo)"),
    maxFine: nonNegative().optional().describe("maximum fine in `currency` (Tokyo JPY 500,000)"),
    nonReporting: nonReporting.optional(),
    publication: z.boolean().default(false).describe("names of non-compliant operators are published"),
    rounding: rounding().default("halfUp").describe("how money is rounded to the currency's minor unit"),
    uncertain: text().optional().describe("what in this section is not verified against the law; shown with every penalty computed from it"),
    sourceIds: z.array(id()).default([]).describe("ids of `scheme.sources` the penalty rules come from"),
  })
  .refine((p) => p.perTonne === undefined || p.priceMultiple === undefined, { error: "give at most one of `perTonne` and `priceMultiple`", path: ["priceMultiple"] })
  .refine((p) => !p.indexation || p.perTonne !== undefined, { error: "`indexation` indexes `perTonne`, which is missing", path: ["indexation"] })
  .describe("penalties (issue: compliance)");

export type PenaltyRules = z.output<typeof penaltiesSection>;
