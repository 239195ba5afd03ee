// Goal: the first ITMOs are playable: `ets play examples/play/article6-first-itmos.yaml` runs every
// step as expected through the real rules (four-eyes, the transfer delay, the hooks writing the
// Article 6 book), and the answers are the registry's own: the book's first transfer and
// adjustment, the 2% CDM share of proceeds, Article 6.4's 50 / 20 / 930.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runPlay } from "../../src/cli/commands/play.ts";

const EXAMPLE = join(import.meta.dirname, "../../examples/play/article6-first-itmos.yaml");

describe("ets play: the first ITMOs", () => {
  it("plays every step as expected", async () => {
    const lines: string[] = [];
    const r = await runPlay(EXAMPLE, {}, (s) => lines.push(s));
    expect(r.passed, lines.join("")).toBe(true);
    const book = r.steps.find((s) => s.label.startsWith("the first transfer is recorded once"));
    expect(book?.body).toMatchObject({ party: "THA", adjustments: [{ party: "THA", year: 2022, quantity: "1916", firstTransferred: "1916", used: "0" }] });
    const a64 = r.steps.at(-1);
    expect((a64?.body as { steps: Array<{ step: string; quantity: string }> }).steps.map((s) => [s.step, s.quantity])).toEqual([["issue", "1000"], ["share_of_proceeds", "50"], ["omge", "20"], ["forward", "930"]]);
  }, 120_000);
});
