// Writes docs/reference/auction-checks.md (the 110xx-116xx check catalogue of auctions and the
// market stability reserve in the registry) from src/domain/auction/checks.ts, so the reference
// can never drift from the code. `npx tsx scripts/gen-auction-docs.ts`; test/auction/docs.test.ts
// fails when they differ.
import { writeFileSync } from "node:fs";
import { auctionChecksDoc } from "../src/domain/auction/checks.ts";

export function auctionDocs(): Record<string, string> {
  return { "docs/reference/auction-checks.md": auctionChecksDoc() };
}

if (process.argv[1]?.endsWith("gen-auction-docs.ts")) {
  for (const [path, text] of Object.entries(auctionDocs())) writeFileSync(path, text);
}
