// Goal: every shipped preset validates, and the published figures come out of the derivation
// functions (cap, auction share, prices, rates) exactly. Sources are cited beside each vector.
import { describe, expect, it } from "vitest";
import { auctionShareFor, capFor } from "../../src/domain/rulebook/index.ts";
import { listPresets, loadRulebook } from "../../src/io/rulebook.ts";

describe("presets", () => {
  it("ships the presets the issue lists", () => {
    expect(listPresets()).toEqual(expect.arrayContaining(["eu-ets-phase3"]));
  });

  for (const name of listPresets()) {
    it(`${name} validates and its id matches the file name`, () => {
      const rb = loadRulebook(name);
      expect(rb.scheme.id).toBe(name);
      expect(rb.scheme.sources.length).toBeGreaterThan(0);
    });
  }
});

describe("EU ETS phase 3", () => {
  const rb = loadRulebook("eu-ets-phase3");

  it("cap: 2,084,301,856 in 2013, then the linear step each year", () => {
    // Commission Decision (EU) 2020/1722 recital 1: 2013 Union-wide quantity 2,084,301,856
    expect(capFor(rb, 2013)).toBe(2_084_301_856n);
    // 2014 = 2013 - 38,264,246 (1.74% of the 2008-12 average annual quantity; step [R] in the preset)
    expect(capFor(rb, 2014)).toBe(2_046_037_610n);
    expect(capFor(rb, 2020)).toBe(2_084_301_856n - 7n * 38_264_246n);
    expect(capFor(rb, 2021)).toBeUndefined();
  });

  it("auction share: 20% in 2013 rising to 70% in 2020 and 100% in 2027; power 100%; exposed sectors free", () => {
    // DOMAIN.md section 2 (auctioning), Directive 2003/87/EC Art. 10a(11)
    expect(auctionShareFor(rb, "other-industry", 2013)).toBe(0.2);
    expect(auctionShareFor(rb, "other-industry", 2020)).toBe(0.7);
    expect(auctionShareFor(rb, "other-industry", 2027)).toBe(1);
    expect(auctionShareFor(rb, "other-industry", 2016)).toBeCloseTo(0.2 + (0.5 * 3) / 7, 12);
    expect(auctionShareFor(rb, "power", 2013)).toBe(1);
    expect(auctionShareFor(rb, "steel", 2020)).toBe(0);
    expect(auctionShareFor(rb, "cement", 2013)).toBe(0);
  });
});
