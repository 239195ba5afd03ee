// Goal: the GX-ETS compliance year (examples/play/gx-ets-compliance-year.yaml) plays through the
// API with every step as expected on both stores: a fresh PGlite in memory and a fresh database on
// the test PostgreSQL server. The answers are the registry's own (the close's figures, the refusal
// codes of the surrender rules run inside the writing transaction).
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runPlay } from "../../src/cli/commands/play.ts";
import { createServerDatabase } from "../support/stores.ts";

const EXAMPLE = join(import.meta.dirname, "../../examples/play/gx-ets-compliance-year.yaml");

describe("ets play: a GX-ETS compliance year", () => {
  for (const store of ["pglite", "postgres"] as const) {
    it(`plays every step as expected [${store}]`, async () => {
      const lines: string[] = [];
      const opts = store === "postgres" ? { database: await createServerDatabase() } : {};
      const r = await runPlay(EXAMPLE, opts, (s) => lines.push(s));
      expect(r.passed, lines.join("")).toBe(true);
      const close = r.steps.find((s) => s.label.startsWith("the ministry closes FY2026"));
      expect(close?.body).toMatchObject({ period: "2026", deadline: "2028-01-31", totals: { shortfall: "10000", amountMinor: "47300000" } });
      const over = r.steps.find((s) => s.label.startsWith("more J-Credits than the limit"));
      expect(over?.body).toMatchObject({ code: 9205, check: "credit-limit-obligation" });
    }, 180_000);
  }
});
