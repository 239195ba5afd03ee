// Goal: the generated reference of international check codes is exactly what the catalogue says,
// and the catalogue itself is sound (unique codes and names, each in a documented family).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { INTL_CHECKS } from "../../src/domain/international/codes.ts";
import { FAMILIES, internationalDocs } from "../../src/domain/international/reference.ts";

describe("international check codes", () => {
  for (const [path, text] of Object.entries(internationalDocs())) {
    it(`${path} is up to date (run: npx tsx scripts/gen-international-docs.ts)`, () => {
      expect(readFileSync(path, "utf8")).toBe(text);
    });
  }

  it("codes and names are unique, five digits, in a documented family", () => {
    const all = Object.values(INTL_CHECKS);
    expect(new Set(all.map((c) => c.code)).size).toBe(all.length);
    expect(new Set(all.map((c) => c.name)).size).toBe(all.length);
    const families = new Set(FAMILIES.map(([p]) => p));
    for (const c of all) {
      expect(c.code).toBeGreaterThanOrEqual(10_000);
      expect(c.code).toBeLessThan(11_000);
      expect(families.has(Math.floor(c.code / 100))).toBe(true);
    }
  });
});
