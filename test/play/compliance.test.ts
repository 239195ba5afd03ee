// Goal: the GX-ETS compliance year (examples/play/gx-ets-compliance-year.yaml) plays through the
// API with every step as expected on both stores: a fresh PGlite in memory and a fresh database on
// the test PostgreSQL server. The answers are the registry's own (the close's figures, the refusal
// codes of the surrender rules run inside the writing transaction).
import { expect } from "vitest";
import { playsOnBothStores } from "../support/play.ts";

playsOnBothStores("ets play: a GX-ETS compliance year", "gx-ets-compliance-year.yaml", (r) => {
  const close = r.steps.find((s) => s.label.startsWith("the ministry closes FY2026"));
  expect(close?.body).toMatchObject({ period: "2026", deadline: "2028-01-31", totals: { shortfall: "10000", amountMinor: "47300000" } });
  const over = r.steps.find((s) => s.label.startsWith("more J-Credits than the limit"));
  expect(over?.body).toMatchObject({ code: 9205, check: "credit-limit-obligation" });
});
