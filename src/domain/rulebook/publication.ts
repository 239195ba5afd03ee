// The rulebook's `publication` section: what a registry publishes about compliance and its
// transactions, and after how long. The registry reads it (src/registry/compliance/publish.ts and
// the public transaction log): per installation and year, the allocation, the verified emissions,
// the units surrendered and the status appear once the period's surrender deadline plus
// `compliance.delayDays` has passed; a completed transaction appears in the public transaction log
// `transactions.delayYears` years after it completed (the EU's Union Registry shows transaction
// details three years after). Without the section, compliance rows appear the day after the
// deadline and transactions at once.
import { z } from "zod";
import { text } from "./fields.ts";

export const publicationSection = z
  .strictObject({
    compliance: z
      .strictObject({
        delayDays: z.int().min(0).max(3650).default(1).describe("days after a period's surrender deadline before its rows (allocation, verified emissions, units surrendered, status) are published; 1 = the day after the deadline"),
      })
      .default({ delayDays: 1 })
      .describe("publication of compliance per installation and year"),
    transactions: z
      .strictObject({
        delayYears: z.int().min(0).max(10).default(0).describe("a completed transaction appears in the public transaction log once this many years have passed since it completed (EU: 3); 0 = at once"),
      })
      .default({ delayYears: 0 })
      .describe("publication of completed transactions"),
    note: text().optional().describe("what the section simplifies and where its figures come from"),
  })
  .describe("what the registry publishes about compliance and transactions, and when (issue: compliance)");

export type PublicationRules = z.output<typeof publicationSection>;

/** The rules when a rulebook has no section: compliance the day after the deadline, transactions at once. */
export const DEFAULT_PUBLICATION: PublicationRules = { compliance: { delayDays: 1 }, transactions: { delayYears: 0 } };
