// Goal: the security reference pages are exactly what the catalogue, defaults and role table say
// today, and every configuration field is documented.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CONFIG_FIELDS, configLeaves, securityDocs } from "../../src/domain/security/reference.ts";

describe("security reference docs", () => {
  for (const [path, text] of Object.entries(securityDocs())) {
    it(`${path} is up to date (run: npx tsx scripts/gen-security-docs.ts)`, () => {
      expect(readFileSync(path, "utf8")).toBe(text);
    });
  }
  it("every field of the security configuration has a documented meaning", () => {
    expect(CONFIG_FIELDS.map(([p]) => p).sort()).toEqual(configLeaves().sort());
  });
});
