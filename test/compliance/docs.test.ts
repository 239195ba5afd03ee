// Goal: the compliance reference pages (check codes, GWP tables) are exactly what the catalogue
// and the tables say today, and the codes stay inside their documented ranges.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { complianceDocs } from "../../scripts/gen-compliance-docs.ts";
import { COMPLIANCE_CHECKS } from "../../src/domain/compliance/codes.ts";
import { CHECKS } from "../../src/domain/ledger/checks.ts";
import { SECURITY_CHECKS } from "../../src/domain/security/codes.ts";

describe("compliance reference docs", () => {
  for (const [path, text] of Object.entries(complianceDocs())) {
    it(`${path} is up to date (run: npx tsx scripts/gen-compliance-docs.ts)`, () => {
      expect(readFileSync(path, "utf8")).toBe(text);
    });
  }

  it("codes are unique, in 9000-9499, and clash with no ledger or security code", () => {
    const codes: number[] = Object.values(COMPLIANCE_CHECKS).map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.every((c) => c >= 9000 && c < 9500)).toBe(true);
    const others = new Set<number>([...Object.values(CHECKS), ...Object.values(SECURITY_CHECKS)].map((c) => c.code));
    expect(codes.filter((c) => others.has(c))).toEqual([]);
    const names = Object.values(COMPLIANCE_CHECKS).map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
