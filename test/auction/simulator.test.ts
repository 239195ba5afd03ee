// Goal: a scenario and a real auction read the same numbers: the simulator's reserve tiers are the
// tiers an auction of that year clears with, its collar is the rulebook's, and its MSR takes the
// same branch and amount as `ets msr` for the same TNAC (to within the one-allowance rounding the
// model does not make). Figures: presets/rggi.yaml (CCR 14.88 in 2023), presets/eu-ets-phase4.yaml
// (TNAC 1,654,909,824 -> 397,178,358, Commission communication C(2019) 3288).
import { describe, expect, it } from "vitest";
import { auctionRulesFor } from "../../src/domain/auction/index.ts";
import { collarFor, msrDecision } from "../../src/domain/stability/index.ts";
import { loadRulebook } from "../../src/io/rulebook.ts";
import { parseScenario } from "../../src/simulator/scenario.ts";
import { msrFlows } from "../../src/simulator/simulate.ts";

function scenario(v: Record<string, unknown>) {
  const r = parseScenario(v, { rulebook: loadRulebook });
  if (!r.ok) throw new Error(`${r.path}: ${r.message}`);
  return r.scenario;
}

const power = [{ id: "power", bau: 80_000_000, mac: { linear: { slope: 1e-6 } } }];

describe("simulator and auction share the domain's figures", () => {
  it("RGGI 2021-2023: the scenario's reserve tiers are the auction's release tiers (trigger and quantity)", () => {
    const rb = loadRulebook("rggi");
    const s = scenario({ rulebook: "rggi", years: [2021, 2022, 2023], facilities: power });
    [2021, 2022, 2023].forEach((y, i) => {
      const auction = auctionRulesFor(rb, y).tiers.filter((t) => t.direction === "release");
      expect(s.reserve[i]).toEqual(auction.map((t) => ({ trigger: Number(t.triggerMinor) / 100, quantity: Number(t.quantity) })));
    });
    expect(s.reserve[2]).toEqual([{ trigger: 14.88, quantity: 6_817_500 }]);
  });

  it("GX-ETS: the scenario's ceiling and floor are the collar of each year", () => {
    const rb = loadRulebook("japan-gx-ets");
    const s = scenario({ rulebook: "japan-gx-ets", cap: 150, facilities: power });
    s.years.forEach((y, i) => {
      const c = collarFor(rb, y);
      expect(s.priceCeiling[i]).toBe(Number(c.ceiling?.priceMinor));
      expect(s.priceFloor[i]).toBe(Number(c.floor?.priceMinor));
    });
  });

  it("EU MSR: the same TNAC gives the same branch and intake in the simulator as in ets msr", () => {
    const rb = loadRulebook("eu-ets-phase4");
    const s = scenario({ rulebook: "eu-ets-phase4", years: [2024, 2025], facilities: power });
    if (!s.msr) throw new Error("no MSR");
    for (const [tnac, holdings] of [[1_654_909_824, 0], [1_000_000_000, 0], [350_000_000, 60_000_000], [600_000_000, 0]] as const) {
      const exact = msrDecision(rb.stability!.msr!, { tnacYear: 2023, tnac: BigInt(tnac), holdings: BigInt(holdings) });
      if (!exact.ok) throw new Error(exact.code);
      const f = msrFlows(s.msr, tnac, holdings, [0], [1e12], [0]);
      expect(Math.abs((f.intake[0] as number) - Number(exact.decision.intake))).toBeLessThan(1);
      expect(f.release[0]).toBe(Number(exact.decision.release));
    }
  });
});
