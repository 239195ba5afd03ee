// Goal: every shipped preset validates, and the published figures come out of the derivation
// functions (cap, auction share, prices, rates) exactly. Sources are cited beside each vector.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { updateBenchmark } from "../../src/domain/benchmark/index.ts";
import { mulDiv } from "../../src/domain/quantity/index.ts";
import {
  auctionShareFor,
  capFor,
  compliancePeriodOf,
  decimalFraction,
  grandfatheringRate,
  priceCeilingFor,
  priceFloorFor,
  distributionFor,
  priceFor,
  productBenchmark,
  reservePriceFor,
} from "../../src/domain/rulebook/index.ts";
import type { Rulebook } from "../../src/domain/rulebook/index.ts";
import { listPresets, loadRulebook, PRESETS_DIR } from "../../src/io/rulebook.ts";
import { untaggedFigures } from "../support/preset-tags.ts";

describe("presets", () => {
  it("the tag check finds an untagged figure", () => {
    expect(untaggedFigures("cap:\n  start: 5 # [V] act\n  step: 3\n")).toEqual(["line 3: step: 3"]);
    expect(untaggedFigures("# [R] memory\nx: 1\nlist: # [V] a\n  - { v: 2 }\n")).toEqual([]);
  });

  it("ships the presets the issue lists", () => {
    expect(listPresets()).toEqual([
      "california-quebec",
      "china-national-power",
      "eu-ets-phase1",
      "eu-ets-phase2",
      "eu-ets-phase3",
      "eu-ets-phase4",
      "japan-gx-ets",
      "korea-kets",
      "rggi",
      "tokyo",
      "uk-crc",
      "uk-ets",
      "uk-ets-2002",
      "us-kl-bill",
    ]);
  });

  for (const name of listPresets()) {
    it(`${name} validates and its id matches the file name`, () => {
      const rb = loadRulebook(name);
      expect(rb.scheme.id).toBe(name);
      expect(rb.scheme.sources.length).toBeGreaterThan(0);
    });

    it(`${name}: every figure carries a source tag ([V], [D] or [R])`, () => {
      expect(untaggedFigures(readFileSync(join(PRESETS_DIR, `${name}.yaml`), "utf8"))).toEqual([]);
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
    // the step: 1.74% of the 2008-12 average, where 2013 = average x (1 - 3 x 1.74%)
    // (Commission: the 2013 cap was set from the average annual quantity of 2008-2012)
    expect(mulDiv(2_084_301_856n, 174n, 10_000n - 3n * 174n, "halfUp")).toBe(capFor(rb, 2013)! - capFor(rb, 2014)!);
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

describe("EU ETS phase 4", () => {
  const rb = loadRulebook("eu-ets-phase4");

  it("cap falls by 2.2% = 43,003,515 allowances a year", () => {
    // Commission Decision (EU) 2020/1722: LRF 2.2% from 2021 = 43,003,515 allowances a year
    expect(capFor(rb, 2021)! - capFor(rb, 2022)!).toBe(43_003_515n);
    expect(capFor(rb, 2030)).toBe(capFor(rb, 2021)! - 9n * 43_003_515n);
  });

  it("correction factor 100% in 2021-25 (Implementing Decision (EU) 2021/927)", () => {
    const c = rb.allocation.correction;
    expect(c.kind).toBe("uniform");
    if (c.kind !== "uniform") return;
    expect(c.factors.map((f) => [f.year, f.factor])).toEqual([2021, 2022, 2023, 2024, 2025].map((y) => [y, 1]));
  });

  it("benchmark update clamps to 0.2%-1.6% a year over 15 years (Art. 10a(2) as amended in 2018)", () => {
    const rule = rb.allocation.sectors["steel"];
    if (rule?.method !== "benchmark" || !rule.update) throw new Error("steel has no update rule");
    // hot metal 1.328 (Dec. 2011/278) improves slowly: floor 0.2% -> 1.328 x 0.97 = 1.28816, published 1.288
    const slow = updateBenchmark(1.328, 1.32, rule.update);
    expect(slow.appliedAnnualRate).toBe(0.002);
    expect(slow.value).toBeCloseTo(1.28816, 10);
    expect(productBenchmark(rb, "steel", "hot-metal")?.value).toBe(Number(slow.value.toFixed(3)));
    // EAF carbon steel 0.283 improves fast: cap 1.6% -> 0.283 x 0.76 = 0.21508, published 0.215
    const fast = updateBenchmark(0.283, 0.2, rule.update);
    expect(fast.appliedAnnualRate).toBe(0.016);
    expect(productBenchmark(rb, "steel", "eaf-carbon-steel")?.value).toBe(Number(fast.value.toFixed(3)));
  });
});

describe("Tokyo", () => {
  const rb = loadRulebook("tokyo");
  // Compliance factors: P1 8%/6% (DOMAIN.md section 2; TMG), P2 17%/15% (TMG), P3 27%/25% (ICAP)
  it.each([
    [2010, "I-1", 0.08],
    [2014, "I-2", 0.06],
    [2015, "I-1", 0.17],
    [2019, "I-2", 0.15],
    [2020, "I-1", 0.27],
    [2024, "I-2", 0.25],
  ])("FY%i class %s: %f", (year, cls, rate) => {
    expect(grandfatheringRate(rb, "buildings", year, { class: cls })).toBe(rate);
  });

  it("factories get the lower factor; top-level facilities x1/2, near-top x3/4", () => {
    expect(grandfatheringRate(rb, "factories", 2012)).toBe(0.06);
    expect(grandfatheringRate(rb, "factories", 2017)).toBe(0.15);
    expect(grandfatheringRate(rb, "buildings", 2012, { class: "I-1", status: "top-level" })).toBe(0.04);
    expect(grandfatheringRate(rb, "buildings", 2012, { class: "I-1", status: "near-top" })).toBeCloseTo(0.06, 15);
    expect(grandfatheringRate(rb, "buildings", 2022, { class: "I-1", status: "top-level" })).toBe(0.135);
  });

  it("5-year periods; base from 3 consecutive years within FY2002-2007; ex post; bottom-up cap", () => {
    expect(rb.periods.map((p) => p.to - p.from + 1)).toEqual([5, 5, 5, 5]);
    expect(compliancePeriodOf(rb, 2012)).toEqual({ id: "P1", from: 2010, to: 2014 });
    const rule = rb.allocation.sectors["buildings"];
    if (rule?.method !== "grandfathering") throw new Error("buildings is not grandfathered");
    expect(rule.basePeriod).toMatchObject({ years: 3, window: { from: 2002, to: 2007 }, excludeAbnormalYear: true });
    expect(rb.allocation.issuance.timing).toBe("ex-post");
    expect(capFor(rb, 2012)).toBeUndefined();
  });
});

describe("China national ETS, power", () => {
  const rb: Rulebook = loadRulebook("china-national-power");

  it("coal 0.877 and gas 0.392 t/MWh; 1,000,000 MWh x 0.877 = 877,000 (ICAP, 2019-20 allocation plan)", () => {
    const coal = productBenchmark(rb, "power", "coal-above-300mw")?.value;
    expect(coal).toBe(0.877);
    expect(productBenchmark(rb, "power", "gas")?.value).toBe(0.392);
    const [n, d] = decimalFraction(coal!);
    expect((1_000_000n * n) / d).toBe(877_000n);
  });
});

describe("Japan GX-ETS", () => {
  const rb = loadRulebook("japan-gx-ets");

  it("ceiling JPY 4,300 and floor JPY 1,700 in FY2026, x1.03 a year (METI via BCI, Dec 2025)", () => {
    expect(priceCeilingFor(rb, 2026)).toBe(4300);
    expect(priceFloorFor(rb, 2026)).toBe(1700);
    expect(priceCeilingFor(rb, 2027)).toBe(4429); // 4,300 x 1.03
    expect(priceFloorFor(rb, 2027)).toBe(1751); // 1,700 x 1.03
    expect(priceCeilingFor(rb, 2028)).toBe(4562); // 4,429 x 1.03 = 4,561.87, whole yen (rounding assumed)
    expect(priceCeilingFor(rb, 2025)).toBeUndefined();
  });

  it("covered at a 3-year average of direct CO2 >= 100,000 t; grandfathering -1.7% a year", () => {
    expect(rb.coverage.thresholds[0]).toMatchObject({ value: 100000, averageOfYears: 3, basis: "company" });
    expect(grandfatheringRate(rb, "other", 2026)).toBeCloseTo(0.017, 15);
    expect(grandfatheringRate(rb, "other", 2028)).toBeCloseTo(0.051, 15);
  });
});

describe("EU ETS phases 1 and 2 (Germany)", () => {
  it("phase 2: Germany's industry factor 0.9875 (DOMAIN.md section 2)", () => {
    const rb = loadRulebook("eu-ets-phase2");
    expect(1 - grandfatheringRate(rb, "industry", 2010)).toBe(0.9875);
    expect(rb.penalties?.perTonne).toBe(100);
    expect(rb.compliance?.banking.acrossPeriods).toBe(true);
  });

  it("phase 1: EUR 40 penalty, no banking into phase 2 (Directive 2003/87/EC Art. 16(4); DOMAIN.md section 4)", () => {
    const rb = loadRulebook("eu-ets-phase1");
    expect(rb.penalties?.perTonne).toBe(40);
    expect(rb.compliance?.banking).toEqual({ allowed: true, acrossPeriods: false });
  });
});

describe("RGGI", () => {
  const rb = loadRulebook("rggi");

  it("reserve price: USD 2.38 in 2021 +2.5% chained to the cent gives USD 2.62 in 2025; USD 9.00 in 2027 (S&P; ICAP)", () => {
    expect([2021, 2022, 2023, 2024, 2025].map((y) => reservePriceFor(rb, y))).toEqual([2.38, 2.44, 2.5, 2.56, 2.62]);
    expect(reservePriceFor(rb, 2027)).toBe(9);
    expect(reservePriceFor(rb, 2028)).toBe(9.63);
  });

  it("CCR trigger USD 13.00 in 2021, 13.91 in 2022, 14.88 in 2023 (RGGI; EIA; ESAI)", () => {
    const ccr = rb.stability?.reserveTiers.find((t) => t.id === "ccr");
    if (!ccr) throw new Error("no CCR");
    expect([2021, 2022, 2023].map((y) => priceFor(ccr.trigger, y))).toEqual([13, 13.91, 14.88]);
  });

  it("published caps 2018-2020 (rggi.org) and the Model Rule's 2,275,000 a year", () => {
    expect(capFor(rb, 2019)).toBe(80_179_708n);
    expect(capFor(rb, 2021)! - capFor(rb, 2022)!).toBe(2_275_000n);
    expect(capFor(rb, 2030)).toBe(52_250_000n); // 75 M less 30% (S&P Global)
  });
});

describe("California-Quebec", () => {
  const rb = loadRulebook("california-quebec");
  it("budgets of 17 CCR 95841 and the formula from 2032", () => {
    expect(capFor(rb, 2021)).toBe(320_800_000n);
    expect(capFor(rb, 2031)).toBe(193_800_000n);
    expect(capFor(rb, 2032)).toBe(187_100_000n); // 193.8 - 6.7 x 1
    expect(capFor(rb, 2034)).toBe(173_700_000n); // 193.8 - 6.7 x 3
  });
});

describe("US Kerry-Lieberman bill", () => {
  const rb = loadRulebook("us-kl-bill");
  it("the 2012-13 distribution table sums to 100% (DOMAIN.md section 3)", () => {
    const shares = distributionFor(rb, 2012);
    expect(shares).toHaveLength(10);
    expect(shares.reduce((s, x) => s + Math.round(x.share * 1000), 0)).toBe(1000);
    expect(shares.find((x) => x.sector === "trade-exposed-industry")?.share).toBe(0.02);
    expect(shares.find((x) => x.recipient.startsWith("Electricity consumers"))?.share).toBe(0.51);
    expect(distributionFor(rb, 2014)).toEqual([]);
  });

  it("output-based allocation on the two previous years; trade-exposed industry free", () => {
    const rule = rb.allocation.sectors["trade-exposed-industry"];
    expect(rule).toMatchObject({ method: "output-based", lagYears: [1, 2] });
    expect(auctionShareFor(rb, "trade-exposed-industry", 2013)).toBe(0);
    expect(rb.compliance?.borrowing).toMatchObject({ allowed: true, maxShare: 0.15, yearsAhead: 5, interestRate: 0.08 });
  });
});

describe("UK ETS 2002", () => {
  it("absolute and intensity participants joined by a gateway", () => {
    const rb = loadRulebook("uk-ets-2002");
    expect(rb.allocation.sectors["direct-participants"]?.method).toBe("grandfathering");
    expect(rb.allocation.sectors["agreement-participants"]?.method).toBe("intensity-target");
    expect(rb.allocation.gateway).toMatchObject({ from: "agreement-participants", to: "direct-participants" });
    expect(rb.allocation.issuance.timing).toBe("ex-post");
  });
});

describe("Korea K-ETS", () => {
  const rb = loadRulebook("korea-kets");
  it("phase 3 caps 589.3 Mt (2021-23) and 567.1 Mt (2024-25); coverage 125,000 t per company or 25,000 t per site; direct and indirect (ICAP 2021; ME)", () => {
    expect([2021, 2023, 2024, 2025].map((y) => capFor(rb, y))).toEqual([589_300_000n, 589_300_000n, 567_100_000n, 567_100_000n]);
    expect(rb.coverage.thresholds.map((t) => [t.value, t.basis])).toEqual([[125000, "company"], [25000, "site"]]);
    expect(rb.coverage.electricity).toBe("both");
  });
  it("3% auctioned from phase 2, 10% from phase 3; a bidder takes at most 30%; CERs at most 5% of the obligation in phase 2 (ICAP news 530)", () => {
    expect([2017, 2018, 2021].map((y) => auctionShareFor(rb, "industry", y))).toEqual([0, 0.03, 0.1]);
    expect(rb.auctions?.maxBidderShare).toBe(0.3);
    expect(rb.credits?.limits.find((l) => l.types.length === 1 && l.types[0] === "CER")?.maxShareOfObligation).toBe(0.05);
    expect(rb.penalties).toMatchObject({ priceMultiple: 3, priceBasis: "year-average", maxPerTonne: 100000, upTo: true });
  });
});

describe("UK CRC", () => {
  const rb = loadRulebook("uk-crc");
  it("GBP 40 per missing tonne plus make-good and publication; indirect electricity; every allowance bought (CRC Orders 2010 and 2013)", () => {
    expect(rb.penalties).toMatchObject({ perTonne: 40, makeGood: true, publication: true });
    expect(rb.coverage.electricity).toBe("indirect");
    expect(auctionShareFor(rb, "participants", 2015)).toBe(1);
    expect(rb.cap.kind).toBe("not-modelled");
  });
});
