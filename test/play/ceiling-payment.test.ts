// Goal: GX-ETS's payment of the reference upper price in place of allowances
// (examples/play/gx-ets-ceiling-payment.yaml) plays through the API on both stores: the payment
// is priced from the rulebook (JPY 4,300 in FY2026, METI via BCI: the reference upper price),
// recorded once per command id, counted toward the installation's obligation by compliance's
// status and close (no shortfall, no charge), and refused for a closed period.
import { expect } from "vitest";
import { playsOnBothStores } from "../support/play.ts";

playsOnBothStores("ets play: a GX-ETS payment in place of allowances", "gx-ets-ceiling-payment.yaml", (r) => {
  const paid = r.steps.find((s) => s.label.startsWith("the ministry records the payment"));
  expect(paid?.body).toMatchObject({ installation: "JP-INST-002", period: "2026", quantity: "10000", price: "4300", amount: "43000000", currency: "JPY", reference: "MOF-2027-0042" });
  const before = r.steps.find((s) => s.label.startsWith("10,000 t short"));
  expect(before?.body).toMatchObject({ items: [{ surrendered: "50000", due: "60000" }] });
  const close = r.steps.find((s) => s.label.startsWith("the ministry closes FY2026"));
  expect(close?.body).toMatchObject({ totals: { shortfall: "0", amountMinor: "0" }, results: [{ installation: "JP-INST-002", surrendered: "60000", shortfall: "0" }] });
  const listed = r.steps.find((s) => s.label === "the payments recorded");
  expect((listed?.body as { items: unknown[] }).items).toHaveLength(1);
});
