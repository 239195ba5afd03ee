// The rulebook's `credits` section: which offset credits count toward an obligation and how much.
// src/domain/compliance/eligibility.ts and surrender.ts read it: eligible types, vintage windows,
// quantitative limits as a share of the obligation, of the free allocation or of the required
// reduction, and exchange rates (credits needed per allowance: RGGI's 1:2 outside the region, the
// KL bill's 1:1.25 for foreign credits). Limits are on the compliance value (allowances covered),
// and several limits may bind the same credits at once. The simulator reads `limits` too.
import { z } from "zod";
import { fraction, id, positive, year } from "./fields.ts";

const limit = z.strictObject({
  types: z.array(id()).min(1).describe("credit types the limit applies to"),
  origins: z.array(id()).optional().describe("only credits of these origins (the unit class's scheme or host country); all origins when absent"),
  maxShareOfObligation: fraction().optional().describe("at most this share of the obligation"),
  maxShareOfAllocation: fraction().optional().describe("at most this share of the free allocation"),
  maxShareOfReduction: z
    .union([fraction(), z.string().regex(/^\d+\/[1-9]\d*$/, { error: "expected a fraction such as 0.25 or 1/3" })])
    .optional()
    .describe("at most this share of the required reduction, a number or an exact fraction such as \"1/3\" (Tokyo)"),
  exchangeRate: positive().default(1).describe("credits needed per allowance (RGGI outside the region: 2); when several limits set one for the same credits, the highest applies"),
  from: year().optional().describe("first year the limit applies"),
  to: year().optional().describe("last year the limit applies"),
});

export const creditsSection = z
  .strictObject({
    eligibleTypes: z.array(id()).default([]).describe("credit types that count (CER, ERU, J-Credit, JCM, CCER, offsets ...)"),
    vintages: z
      .array(
        z.strictObject({
          types: z.array(id()).min(1).describe("credit types the window applies to"),
          from: year().optional().describe("earliest vintage that counts"),
          to: year().optional().describe("latest vintage that counts"),
        }),
      )
      .default([])
      .describe("vintage windows of credit types; credits outside their window do not count"),
    limits: z.array(limit).default([]).describe("quantitative limits on credit use"),
  })
  .describe("offset credits (issue: credits)");

export type CreditRules = z.output<typeof creditsSection>;
export type CreditLimit = z.output<typeof limit>;
