// Goal: Monte Carlo is deterministic for a seed whatever the thread count, shocks have the stated
// distribution, and with no shock every path equals the deterministic run.
import { describe, expect, it } from "vitest";
import { pathShocks, runPath, summarise } from "../../src/simulator/montecarlo.ts";
import { runBehaviour } from "../../src/simulator/pool.ts";
import { simulate } from "../../src/simulator/simulate.ts";
import { parse } from "./helpers.ts";

const base = {
  years: { from: 2030, to: 2034 },
  discountRate: 0.05,
  cap: [90, 85, 80, 75, 70],
  priceCeiling: 80,
  priceFloor: 5,
  reserve: [{ trigger: 50, quantity: 5 }],
  facilities: [
    { id: "a", bau: 60, mac: { linear: { slope: 1.5 } } },
    { id: "b", bau: 50, mac: { steps: [{ quantity: 10, cost: 20 }, { quantity: 20, cost: 45 }, { quantity: 50, cost: 90 }] } },
  ],
};

describe("Monte Carlo", () => {
  it("shocks are N(0, s^2): mean about 0 and standard deviation about s over many draws", () => {
    const xs = Array.from({ length: 4000 }, (_, i) => pathShocks(7, i, 1, 0.1)[0]! - 1);
    const mean = xs.reduce((a, x) => a + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length);
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(sd).toBeGreaterThan(0.095);
    expect(sd).toBeLessThan(0.105);
  });

  it("with bauSigma 0 every path is the deterministic run, under both behaviours (rolling horizon to the end)", () => {
    const s = parse({ ...base, monteCarlo: { paths: 3, seed: 1, bauSigma: 0 } });
    const det = simulate(s).years.map((y) => y.price);
    for (const b of ["perfectForesight", "rollingHorizon"] as const) {
      const p = runPath(s, 0, b);
      p.price.forEach((x, t) => expect(x).toBeCloseTo(det[t]!, 6));
    }
  });

  it("a one-year rolling horizon never banks beyond the year (myopic), unlike perfect foresight", () => {
    const s = parse({ ...base, initialBank: 0, priceFloor: undefined, cap: [100, 90, 70, 60, 50], monteCarlo: { paths: 1, seed: 1, bauSigma: 0, horizon: 1 } });
    const pf = runPath(s, 0, "perfectForesight");
    const rh = runPath(s, 0, "rollingHorizon");
    expect(Math.max(...pf.bank)).toBeGreaterThan(1);
    for (const b of rh.bank) expect(b).toBeLessThan(1e-6);
  });

  it("the same summary for a seed with 1 thread and with 2 worker threads", async () => {
    const s = parse({ ...base, monteCarlo: { paths: 24, seed: 42, bauSigma: 0.15 } });
    const one = summarise(s, await runBehaviour(s, "perfectForesight", { threads: 1 }));
    const two = summarise(s, await runBehaviour(s, "perfectForesight", { threads: 2 }));
    expect(two).toEqual(one);
    expect(one.price[0]!.p90).toBeGreaterThan(one.price[0]!.p10);
    const other = summarise(s, await runBehaviour({ ...s, monteCarlo: { ...s.monteCarlo!, seed: 43 } }, "perfectForesight", { threads: 1 }));
    expect(other).not.toEqual(one);
  }, 60_000);
});
