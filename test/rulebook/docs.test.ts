// Goal: the generated rulebook reference (and its JSON Schema) is exactly what the schema says today.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { rulebookDocs } from "../../scripts/gen-rulebook-docs.ts";

describe("generated rulebook reference", () => {
  for (const [path, text] of Object.entries(rulebookDocs())) {
    it(`${path} is up to date (run: npx tsx scripts/gen-rulebook-docs.ts)`, () => {
      expect(readFileSync(path, "utf8")).toBe(text);
    });
  }

  it("documents every field with a description", () => {
    const page = rulebookDocs()["docs/reference/rulebook.md"] ?? "";
    const undocumented = page.split("\n").filter((l) => l.startsWith("| `") && / \|  \|$/.test(l));
    expect(undocumented).toEqual([]);
  });
});
