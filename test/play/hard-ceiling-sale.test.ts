// Goal: a hard ceiling's fixed-price sale (examples/play/hard-ceiling-sale.yaml) plays through the
// API on both stores: allowances issued beyond the cap and sold at the rulebook's ceiling price
// (JPY 4,300 in FY2026, GX-ETS's reference upper price, METI via BCI, in an illustrative rulebook
// that sells at it), once per command id, only by an administrator and only to a covered entity;
// the request waits in the pending list until a second administrator approves its issuance and
// then completes the sale by its command id alone; the sale list shows the quantity issued beyond
// the cap in the year.
import { expect } from "vitest";
import { playsOnBothStores } from "../support/play.ts";

playsOnBothStores("ets play: a sale at a hard ceiling, beyond the cap", "hard-ceiling-sale.yaml", (r) => {
  const sold = r.steps.find((s) => s.label.startsWith("the ministry sells"));
  expect(sold?.body).toMatchObject({ account: "JP-200-0002", installation: "JP-INST-002", quantity: "10000", price: "4300", amount: "43000000", currency: "JPY", beyondCap: true, transactionId: "ceiling-sale.sale-cement-1" });
  expect(sold?.label).toMatch(/completed by the approver knowing only its commandId/);
  const pending = r.steps.find((s) => s.label.startsWith("the request waits in the pending list"));
  expect(pending?.body).toMatchObject({ items: [{ commandId: "sale-cement-1", classCode: "JPA-2026", issuanceStatus: "awaiting_approval" }] });
  expect(r.steps.find((s) => s.label === "the sale leaves the pending list")?.body).toMatchObject({ items: [] });
  const listed = r.steps.find((s) => s.label === "the sales and what they issued beyond the cap");
  expect(listed?.body).toMatchObject({ items: [{ id: "sale-cement-1" }], issuedBeyondCap: [{ year: 2026, quantity: "10000" }] });
});
