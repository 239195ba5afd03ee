// Goal: Tokyo's ex-post issuance (examples/play/tokyo-ex-post.yaml) plays through the API with every
// step as expected on both stores: not before every year is verified (9316), four-eyes (9319, the
// initiator's approval 8004, a second administrator's completes it), the figure 46,000 - 40,000 =
// 6,000 excess-reduction credits (presets/tokyo.yaml, P1 factor 8%, tmg), once per installation
// and period (9318), none without a surplus (9317); the credits are traded and surrendered by the
// building over its cap, whose 1,000 t are then covered.
import { expect } from "vitest";
import { playsOnBothStores } from "../support/play.ts";

playsOnBothStores("ets play: Tokyo excess reductions issued ex post", "tokyo-ex-post.yaml", (r) => {
  const issued = r.steps.find((s) => s.label.startsWith("the same command completes it"));
  expect(issued?.body).toMatchObject({ surplus: "6000", issued: "6000", transactionId: "ex-post.P1.BLDG-A", issuanceId: "ex-post.P1.BLDG-A.issue", issuedBy: "tmg-1" });
  const status = r.steps.find((s) => s.label.startsWith("A owes nothing"));
  expect(status?.body).toMatchObject({ items: [{ installation: "BLDG-A", due: "0" }, { installation: "BLDG-B", due: "1000", surrendered: "1000", shortfall: "0" }] });
}, 300_000);
