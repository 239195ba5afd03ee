// The rulebook's `compliance` section: what an installation owes for a compliance period and which
// units may pay it. src/domain/compliance reads it: the deadline, what the obligation is (verified
// emissions, or the excess over a facility cap as in Tokyo), scheme-specific limits on it (China's
// gas-fired units owe nothing beyond their free allocation), banking and borrowing (with the KL
// bill's limited, interest-bearing tier), linked schemes, late surrender, true-ups and ex-post
// issuance. The simulator reads `banking` and `borrowing` too (src/simulator/from-rulebook.ts).
import { z } from "zod";
import { gasInfo } from "../mrv/gwp.ts";
import { fraction, id, monthDay, nonNegative, rounding, year } from "./fields.ts";

const appliesTo = z
  .strictObject({
    sectors: z.array(id()).optional().describe("allocation sectors the rule applies to"),
    products: z.array(id()).optional().describe("products (benchmarks) the rule applies to"),
    tags: z.array(id()).optional().describe("installation tags (e.g. gas-fired) the rule applies to"),
  })
  .describe("which installations a rule applies to: any listed sector, product or tag matches; an empty object matches all");

const obligationLimit = z
  .strictObject({
    id: id().describe("rule id shown in explanations"),
    appliesTo,
    maxAboveAllocationShare: fraction().describe("the obligation is at most free allocation + this share of verified emissions (China 2019-20: gas 0, coal 0.2)"),
    note: z.string().optional().describe("what the rule is and where it comes from"),
  })
  .describe("a cap on the obligation relative to free allocation");

export const complianceSection = z
  .strictObject({
    surrenderDeadline: monthDay().describe("surrender date (MM-DD) in the year after the compliance period"),
    deadlineYearOffset: z.int().min(0).max(5).default(1).describe("years after the end of the compliance period the deadline falls in"),
    banking: z
      .strictObject({
        allowed: z.boolean().describe("allowances may be kept for later periods"),
        acrossPeriods: z.boolean().default(true).describe("banking also into the next trading period"),
        earliestVintage: year().optional().describe("allowances of earlier vintages never count (EU phase 2: 2008, phase 1 units could not be banked)"),
      })
      .describe("banking"),
    borrowing: z
      .strictObject({
        allowed: z.boolean().describe("future allowances may be used now"),
        maxShare: fraction().optional().describe("at most this share of the obligation"),
        yearsAhead: z.int().min(1).optional().describe("from at most this many years ahead"),
        interestRate: nonNegative().optional().describe("extra allowances owed per borrowed allowance per year"),
        freeYearsAhead: z.int().min(0).default(0).describe("vintages up to this many years after the period count without limit or interest (KL bill: next year's allowances, 1)"),
        interestCompounding: z.enum(["simple", "compound"]).default("compound").describe("interest for k years ahead: rate x k (simple) or (1 + rate)^k - 1 (compound), on the limited tier"),
        interestRounding: rounding().default("ceil").describe("how interest owed becomes whole allowances"),
      })
      .describe("borrowing; vintages beyond `freeYearsAhead` and up to `yearsAhead` form the limited tier (`maxShare`, `interestRate`)"),
    obligation: z
      .strictObject({
        kind: z
          .enum(["emissions", "excess-over-cap"])
          .default("emissions")
          .describe("emissions: surrender units equal to verified emissions (EU); excess-over-cap: surrender only what emissions exceed the facility cap, and a surplus is issued ex post (Tokyo)"),
        limits: z.array(obligationLimit).default([]).describe("scheme-specific caps on the obligation (China's power sector)"),
      })
      .default({ kind: "emissions", limits: [] })
      .describe("what an installation owes for a compliance period"),
    schemeCode: id().optional().describe("the scheme code of this rulebook's allowances in the registry (unit class `scheme`, e.g. EU, JP-GX); the scheme id when absent"),
    linkedSchemes: z.array(id()).default([]).describe("scheme codes whose allowances also count (mutual recognition, e.g. California and Quebec)"),
    lateSurrender: z
      .enum(["refused", "accepted"])
      .default("accepted")
      .describe("refused: nothing is surrendered for a period after its deadline; accepted: late units still count toward what is owed (the penalty stays)"),
    trueUp: z
      .strictObject({
        negative: z.boolean().default(true).describe("a true-up below zero is taken back (false: the pre-allocation is kept)"),
        rounding: rounding().default("floor").describe("how exact allowances become whole ones (floor: never more than the rule gives)"),
        baseYear: year().optional().describe("the year whose output the ex-ante share is computed on (China 2019-20: 2018); the year before the allocation year when absent"),
      })
      .default({ negative: true, rounding: "floor" })
      .describe("ex-post adjustment of an ex-ante share (`allocation.sectors.*.exAnteShare`)"),
    exPostIssuance: z
      .strictObject({
        maxShareOfBaseline: fraction().optional().describe("excess reductions issued at most up to this share of baseline emissions x years"),
        unitType: id().default("excess-reduction").describe("unit type of the credits issued"),
      })
      .optional()
      .describe("excess reductions below the facility cap become tradable credits after verification (Tokyo)"),
  })
  .describe("surrender deadline, obligation, banking and borrowing (issue: compliance)");

export type ComplianceRules = z.output<typeof complianceSection>;
export type AppliesTo = z.output<typeof appliesTo>;

/** What the cross-field rules of the compliance sections read (structural, so this file needs no import of schema.ts). */
export interface ComplianceRefineInput {
  allocation: { sectors: Record<string, unknown> };
  coverage: { gases: readonly string[] };
  compliance?: ComplianceRules | undefined;
  penalties?: { priceBasis: string; priceMultiple?: number | undefined; indexation?: { from: number; baseYear: number; index: readonly { year: number }[] } | undefined } | undefined;
  stability?: { priceCeiling?: unknown } | undefined;
  mrv?: { gwp: { overrides: Record<string, number> } } | undefined;
}

type Issue = { path: (string | number)[]; message: string };

/**
 * Rules across the compliance sections: sectors named in obligation limits exist; ex-post issuance
 * goes with an excess-over-cap obligation; a penalty on the price ceiling needs a ceiling; the
 * index table holds the base year and increasing years.
 */
export function complianceIssues(rb: ComplianceRefineInput): Issue[] {
  const out: Issue[] = [];
  const sectors = Object.keys(rb.allocation.sectors);
  rb.compliance?.obligation.limits.forEach((l, i) =>
    l.appliesTo.sectors?.forEach((s, j) => {
      if (!sectors.includes(s)) out.push({ path: ["compliance", "obligation", "limits", i, "appliesTo", "sectors", j], message: `unknown sector "${s}" (allocation.sectors has: ${sectors.join(", ") || "none"})` });
    }),
  );
  if (rb.compliance?.exPostIssuance && rb.compliance.obligation.kind !== "excess-over-cap")
    out.push({ path: ["compliance", "exPostIssuance"], message: "ex-post issuance of excess reductions needs obligation.kind excess-over-cap" });
  const p = rb.penalties;
  if (p?.priceMultiple !== undefined && p.priceBasis === "price-ceiling" && !rb.stability?.priceCeiling)
    out.push({ path: ["penalties", "priceBasis"], message: "price-ceiling needs stability.priceCeiling" });
  const ix = p?.indexation;
  if (ix) {
    if (!ix.index.some((x) => x.year === ix.baseYear)) out.push({ path: ["penalties", "indexation", "baseYear"], message: `the index table has no value for the base year ${ix.baseYear}` });
    ix.index.forEach((x, i) => {
      const prev = ix.index[i - 1];
      if (prev && x.year <= prev.year) out.push({ path: ["penalties", "indexation", "index", i, "year"], message: `years must increase (${x.year} after ${prev.year})` });
    });
  }
  for (const gas of Object.keys(rb.mrv?.gwp.overrides ?? {}))
    if (!gasInfo(gas)) out.push({ path: ["mrv", "gwp", "overrides", gas], message: `unknown gas "${gas}" (docs/reference/gwp.md lists the gas ids)` });
  return out;
}
