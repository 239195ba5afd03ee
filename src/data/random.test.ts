// Goal: the generator is deterministic per seed, differs across seeds and is roughly uniform.
import { describe, expect, it } from "vitest";
import { Rng } from "./random.ts";

describe("Rng", () => {
  it("replays the same sequence for a seed and a different one for another seed", () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
  });
  it("is uniform enough in [0,1) and normal has mean 0 and sd 1", () => {
    const r = new Rng(7);
    const n = 100_000;
    const bins = new Array<number>(10).fill(0);
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const x = r.next();
      expect(x >= 0 && x < 1).toBe(true);
      bins[Math.floor(x * 10)]! += 1;
      const z = r.normal();
      s += z;
      s2 += z * z;
    }
    for (const b of bins) expect(Math.abs(b - n / 10)).toBeLessThan(500); // about 5 sd of a binomial
    expect(Math.abs(s / n)).toBeLessThan(0.02);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.03);
  });
  it("draws weighted indices in proportion", () => {
    const r = new Rng(1);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[r.weighted([1, 0, 2])]! += 1;
    expect(counts[1]).toBe(0);
    expect(Math.abs(counts[2]! / counts[0]! - 2)).toBeLessThan(0.1);
  });
});
