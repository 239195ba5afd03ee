// Goal: the generated reference pages are exactly what the catalogue says today.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ledgerDocs } from "../scripts/gen-ledger-docs.ts";

describe("generated reference docs", () => {
  for (const [path, text] of Object.entries(ledgerDocs())) {
    it(`${path} is up to date (run: npx tsx scripts/gen-ledger-docs.ts)`, () => {
      expect(readFileSync(path, "utf8")).toBe(text);
    });
  }
});
