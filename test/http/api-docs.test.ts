// Goal: docs/reference/api.md is exactly what scripts/gen-api-docs.ts writes from the OpenAPI
// document (run `npx tsx scripts/gen-api-docs.ts` after changing a route), and it names every route.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { apiReference } from "../../scripts/gen-api-docs.ts";
import { createApp } from "../../src/http/app.ts";

describe("API reference", () => {
  it("is current with the OpenAPI document", () => {
    const committed = readFileSync(resolve(import.meta.dirname, "../../docs/reference/api.md"), "utf8");
    expect(committed === apiReference(), "docs/reference/api.md is stale: run npx tsx scripts/gen-api-docs.ts").toBe(true);
  });

  it("has a section for every operation", () => {
    const text = apiReference();
    for (const o of createApp({} as never).ops) expect(text).toContain(`### ${o.method.toUpperCase()} ${o.path}\n`);
  });
});
