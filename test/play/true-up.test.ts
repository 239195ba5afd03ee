// Goal: China's power sector true-up (examples/play/china-power-true-up.yaml) plays through the API
// with every step as expected on both stores: the true-up waits for the verification (9314), is
// booked through the ledger once (350,800 delivered, 87,700 returned), and booking again changes
// nothing (the same figure answers the booked one; another is refused, 9315).
import { expect } from "vitest";
import { playsOnBothStores } from "../support/play.ts";

playsOnBothStores("ets play: China power pre-allocation and true-up", "china-power-true-up.yaml", (r) => {
  const a = r.steps.find((s) => s.label.startsWith("unit A generated"));
  expect(a?.body).toMatchObject({ preAllocation: "613900", final: "964700", trueUp: "350800" });
  const again = r.steps.find((s) => s.label.startsWith("booking again"));
  expect(again?.body).toMatchObject({ trueUp: "350800", transactionId: "true-up:2019:CN-COAL-A" });
});
