// Goal: the auction check reference (docs/reference/auction-checks.md) is exactly what the catalogue
// says today; codes are unique, in 11000-11699 by family, and clash with no other catalogue's.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { auctionDocs } from "../../scripts/gen-auction-docs.ts";
import { AUCTION_CHECKS, AUCTION_FAMILIES } from "../../src/domain/auction/checks.ts";
import { COMPLIANCE_CHECKS } from "../../src/domain/compliance/codes.ts";
import { INTL_CHECKS } from "../../src/domain/international/codes.ts";
import { CHECKS } from "../../src/domain/ledger/checks.ts";
import { SECURITY_CHECKS } from "../../src/domain/security/codes.ts";

describe("auction reference docs", () => {
  for (const [path, text] of Object.entries(auctionDocs())) {
    it(`${path} is up to date (run: npx tsx scripts/gen-auction-docs.ts)`, () => {
      expect(readFileSync(path, "utf8")).toBe(text);
    });
  }

  it("codes are unique, in their families, and clash with no other catalogue's", () => {
    const codes = Object.values(AUCTION_CHECKS).map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    const prefixes = new Set(AUCTION_FAMILIES.map(([p]) => p));
    expect(codes.filter((c) => !prefixes.has(Math.floor(c / 100)))).toEqual([]);
    const others = new Set<number>([...Object.values(CHECKS), ...Object.values(SECURITY_CHECKS), ...Object.values(COMPLIANCE_CHECKS), ...Object.values(INTL_CHECKS)].map((c) => c.code));
    expect(codes.filter((c) => others.has(c))).toEqual([]);
    const names = Object.values(AUCTION_CHECKS).map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
