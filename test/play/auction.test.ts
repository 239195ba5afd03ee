// Goal: the auction example (examples/play/auction.yaml) plays through on both stores: an RGGI
// auction from the calendar to settlement in one batch, a refused bid, sealed bids, a tie at the
// clearing price in the seeded order, a second settlement that settles nothing more, and an
// undersubscribed auction settled at the reserve price. The answers checked here are the
// registry's own (not echoes of the scenario's expectations).
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { runPlay } from "../../src/cli/commands/play.ts";
import { createServerDatabase, STORE_KINDS } from "../support/stores.ts";

const EXAMPLE = join(import.meta.dirname, "../../examples/play/auction.yaml");

describe("ets play examples/play/auction.yaml", () => {
  for (const kind of STORE_KINDS) {
    it(`plays every step as expected [${kind}]`, async () => {
      const lines: string[] = [];
      const r = await runPlay(EXAMPLE, kind === "postgres" ? { database: await createServerDatabase() } : {}, (s) => lines.push(s));
      expect(r.passed, lines.join("")).toBe(true);
      const settle = r.steps.find((s) => s.label.startsWith("settlement, every award"));
      const body = settle?.body as { payments: Array<{ bidder: string; quantity: string; amountMinor: string }> };
      // the awards sum to the volume sold, and the payments to sold x price
      expect(body.payments.reduce((s, p) => s + BigInt(p.quantity), 0n)).toBe(20_000n);
      expect(body.payments.reduce((s, p) => s + BigInt(p.amountMinor), 0n)).toBe(17_000_000n);
      const tied = body.payments.filter((p) => p.bidder === "DELTA" || p.bidder === "ECHO").map((p) => p.quantity).sort();
      expect(tied).toEqual(["2000", "3000"]);
    }, 180_000);
  }
});
