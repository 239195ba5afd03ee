// Goal: the presets give the published reserve prices, reserve triggers and sizes of every year,
// the collars and their mechanisms, the auction rules of each scheme, a calendar and revenue
// shares that sum exactly, and a settlement plan that delivers exactly what was sold.
// Sources: RGGI reserve price USD 2.38 in 2021 chained +2.5% a year to 2.62 in 2025 (S&P; ICAP);
// 2015 USD 2.05 and CCR trigger USD 6.00 (TransmissionHub, Auction 27); CCR trigger 13.00 (2021),
// 13.91 (2022, EIA), 14.88 (2023, ESAI); reserve price USD 9.00 from 2027 (ICAP). California
// reserve price USD 11.34 in 2014 (Trinity Consultants). GX-ETS reference upper price JPY 4,300
// and adjustment price JPY 1,700 in FY2026, x 1.03 a year (METI via BCI). KL bill distribution
// (DOMAIN.md section 3). EU auction volume 2023: 517,587,000 (COM(2024)538).
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { register } from "../../src/cli/commands/rulebook.ts";
import { auctionCalendar, auctionRulesFor, clearAuction, revenueFor, settlementPlan } from "../../src/domain/auction/index.ts";
import { priceMinorFor } from "../../src/domain/rulebook/index.ts";
import { stability } from "../../src/domain/rulebook/stability.ts";
import { ceilingSales, collarFor, paymentInLieu, reserveFigures, reserveSale } from "../../src/domain/stability/index.ts";
import { listPresets, loadRulebook } from "../../src/io/rulebook.ts";
import { yearFigures } from "../../src/cli/commands/rulebook.ts";

const rggi = loadRulebook("rggi");

describe("RGGI reserve price, CCR and ECR for every year from 2009", () => {
  it.each([
    [2009, 1.86], [2010, 1.86], [2014, 2.0], [2015, 2.05], [2020, 2.32], [2021, 2.38], [2022, 2.44], [2023, 2.5], [2024, 2.56], [2025, 2.62], [2027, 9.0], [2028, 9.63],
  ])("reserve price in %i: USD %f", (year, price) => {
    expect(reserveFigures(rggi, year).reservePrice).toBe(price);
  });

  it("CCR trigger 13.00 (2021) -> 13.91 (2022) -> 14.88 (2023), chained at the cent; 10% of the cap", () => {
    expect([2021, 2022, 2023, 2024].map((y) => reserveFigures(rggi, y).ccr?.trigger)).toEqual([13, 13.91, 14.88, 15.92]);
    expect(reserveFigures(rggi, 2021).ccr?.quantity).toBe(7_272_500n); // 10% of the Model Rule's 72,725,000
  });

  it("CCR 2014-2020: USD 4, 6, 8, 10 then +2.5%; 5 M then 10 M; two tiers from 2027; ECR 6.00 +7% in 2021-2026", () => {
    expect([2014, 2015, 2016, 2017, 2018, 2019, 2020].map((y) => reserveFigures(rggi, y).ccr)).toEqual([
      { trigger: 4, quantity: 5_000_000n }, { trigger: 6, quantity: 10_000_000n }, { trigger: 8, quantity: 10_000_000n }, { trigger: 10, quantity: 10_000_000n },
      { trigger: 10.25, quantity: 10_000_000n }, { trigger: 10.51, quantity: 10_000_000n }, { trigger: 10.77, quantity: 10_000_000n },
    ]);
    expect(reserveFigures(rggi, 2027).reserveTiers.map((t) => [t.id, t.trigger])).toEqual([["ccr-2027-1", 19.5], ["ccr-2027-2", 29.25]]);
    expect(reserveFigures(rggi, 2037).reserveTiers.map((t) => t.trigger)).toEqual([38.36, 57.53]); // ICAP: USD 38.36 and 57.53 by 2037
    expect([2021, 2022, 2026, 2027].map((y) => reserveFigures(rggi, y).ecr?.trigger ?? null)).toEqual([6, 6.42, 8.41, null]);
  });

  it("every year 2009-2030 has reservePrice, ccr and ecr (a tier or null) in `ets rulebook show --year --json`", async () => {
    for (let y = 2009; y <= 2030; y++) {
      const f = reserveFigures(rggi, y);
      expect(f.reservePrice, `${y}`).not.toBeNull();
      expect(f.ccr === null || (typeof f.ccr.trigger === "number" && typeof f.ccr.quantity === "bigint"), `${y}`).toBe(true);
      if (y < 2014) expect(f.ccr, `${y}`).toBeNull();
    }
    const program = new Command().exitOverride();
    register(program);
    let out = "";
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((c: string) => ((out += c), true)) as typeof process.stdout.write;
    try {
      await program.parseAsync(["node", "ets", "rulebook", "show", "rggi", "--year", "2025", "--json"]);
    } finally {
      process.stdout.write = write;
    }
    expect(JSON.parse(out)).toMatchObject({ reservePrice: 2.62, ccr: { trigger: 17.03, quantity: "6362500" }, ecr: { trigger: 7.86, quantity: "6362500" } });
  });
});

describe("every preset, every year it covers", () => {
  it.each(listPresets())("%s: show --year gives reservePrice, ccr and ecr (a figure or null) without failing", (name) => {
    const rb = loadRulebook(name);
    const from = rb.periods[0]?.from ?? 2000;
    const to = rb.periods[rb.periods.length - 1]?.to ?? 2000;
    for (let y = from; y <= to; y++) {
      const f = yearFigures(rb, y);
      expect(Object.keys(f)).toEqual(expect.arrayContaining(["reservePrice", "ccr", "ecr"]));
      for (const t of [f.ccr, f.ecr]) if (t !== null) expect(Object.keys(t).sort()).toEqual(["quantity", "trigger"]);
    }
  });
});

describe("a hard ceiling kept by fixed-price sales", () => {
  it("sells any quantity at the ceiling and records every allowance as issued beyond the cap", () => {
    const rb = { ...rggi, stability: stability.parse({ priceCeiling: { segments: [{ from: 2021, start: 30, decimals: 2 }], mechanism: "fixed-price-sale" } }) };
    const r = ceilingSales(rb, 2022, [{ buyer: "a", quantity: 1_000n }, { buyer: "b", quantity: 250n }]);
    expect(r).toMatchObject({ ok: true, issuedBeyondCap: 1_250n, proceedsMinor: 1_250n * 3000n });
    if (r.ok) expect(r.sales).toEqual([
      { buyer: "a", quantity: 1_000n, paymentMinor: 3_000_000n, beyondCap: true },
      { buyer: "b", quantity: 250n, paymentMinor: 750_000n, beyondCap: true },
    ]);
    expect(ceilingSales(rb, 2022, [{ buyer: "a", quantity: 0n }])).toMatchObject({ ok: false, code: "ceiling-quantity-not-positive" });
    expect(ceilingSales(rb, 2019, [])).toMatchObject({ ok: false, code: "ceiling-none" });
  });
});

describe("California reserve price: 5% plus CPI-U, with the table in the rulebook", () => {
  const ca = loadRulebook("california-quebec");
  const path = ca.auctions?.reservePrice;
  if (!path) throw new Error("no reserve price");

  it("2014: USD 11.34 published; each published price is the previous one x (1.05 + CPI-U) at the cent", () => {
    expect(priceMinorFor(path, 2014)).toMatchObject({ minor: 1134n, published: true });
    for (const p of path.published.filter((x) => x.year > 2012)) {
      const rule = priceMinorFor({ ...path, published: path.published.filter((x) => x.year === p.year - 1) }, p.year);
      expect(rule?.minor, `${p.year}`).toBe(BigInt(Math.round(p.price * 100)));
    }
  });

  it("after the table, the price grows by 5% and the missing inflation is reported", () => {
    expect(priceMinorFor(path, 2026)).toMatchObject({ minor: 2716n, published: false, inflationMissing: [2026] }); // 25.87 x 1.05 = 27.1635
  });
});

describe("collars", () => {
  const gx = loadRulebook("japan-gx-ets");

  it("GX-ETS: JPY 4,300 paid in lieu of allowances in FY2026, 4,429 in FY2027; floor JPY 1,700 by reverse auction", () => {
    expect(collarFor(gx, 2026)).toMatchObject({ ceiling: { priceMinor: 4300n, decimals: 0, mechanism: "payment-in-lieu" }, floor: { priceMinor: 1700n, mechanism: "reverse-auction" } });
    expect(paymentInLieu(gx, 2027, 1_000n)).toMatchObject({ ok: true, paymentMinor: 4_429_000n, allowancesCovered: 1_000n });
    expect(ceilingSales(gx, 2027, [{ buyer: "x", quantity: 1n }])).toMatchObject({ ok: false, code: "ceiling-is-payment" });
  });

  it("GX-ETS: the floor acts through the reserve price (JPY 1,700 in FY2026, 1,751 in FY2027) in `rulebook show --year` and in the clearing", () => {
    expect(reserveFigures(gx, 2026).reservePrice).toBe(1700);
    expect(yearFigures(gx, 2027)).toMatchObject({ reservePrice: 1751, priceFloor: 1751 });
    expect(auctionRulesFor(gx, 2026)).toMatchObject({ reservePriceMinor: 1700n, priceDecimals: 0 });
    // bids below the floor are not accepted: demand at 1,700 or more clears, the rest stays unsold at the floor
    const bids = [
      { bidder: "a", quantity: 600n, priceMinor: 1800n, row: 1 },
      { bidder: "b", quantity: 300n, priceMinor: 1699n, row: 2 },
    ];
    const r = clearAuction(auctionRulesFor(gx, 2026), { offered: 1000n, bids, seed: "1" });
    expect(r.ok && r.result).toMatchObject({ status: "undersubscribed", clearingPriceMinor: 1700n, sold: 600n, unsold: 400n });
    // without `auctionReserve` a reverse-auction floor is not an auction reserve price
    const plain = { ...gx, stability: { ...gx.stability, priceFloor: { ...gx.stability?.priceFloor, auctionReserve: false } } } as typeof gx;
    expect(auctionRulesFor(plain, 2026).reservePriceMinor).toBeNull();
    expect(reserveFigures(plain, 2026).reservePrice).toBeNull();
  });

  it("the reserve price is the higher of the auction's path and the floor, compared exactly across decimals", () => {
    const rb = { ...rggi, stability: { ...rggi.stability, reserveTiers: [], priceFloor: { segments: [{ from: 2021, to: 2021, start: 3, growth: 0, decimals: 0, chained: true, indexedToInflation: false }], inflation: [], published: [], mechanism: "auction-reserve" as const } } } as typeof rggi;
    expect(auctionRulesFor(rb, 2021).reservePriceMinor).toBe(300n); // floor USD 3 above the 2.38 path
    expect(auctionRulesFor(rb, 2022).reservePriceMinor).toBe(244n); // outside the floor's years: the path, 2.38 x 1.025
  });

  it("California: price ceiling units only once the reserve is empty and only for a shortfall; recorded as beyond the cap", () => {
    const ca = loadRulebook("california-quebec");
    expect(ceilingSales(ca, 2021, [{ buyer: "x", quantity: 5n, shortfall: 10n }], 1n)).toMatchObject({ ok: false, code: "ceiling-reserve-not-exhausted" });
    expect(ceilingSales(ca, 2021, [{ buyer: "x", quantity: 11n, shortfall: 10n }])).toMatchObject({ ok: false, code: "ceiling-over-shortfall" });
    const ok = ceilingSales(ca, 2021, [{ buyer: "x", quantity: 10n, shortfall: 10n }, { buyer: "y", quantity: 3n, shortfall: 3n }]);
    expect(ok).toMatchObject({ ok: true, issuedBeyondCap: 13n, proceedsMinor: 13n * 6500n, priceMinor: 6500n });
    if (ok.ok) expect(ok.sales.every((s) => s.beyondCap)).toBe(true);
  });
});

describe("California-style reserve sales from fixed-price tiers (illustrative tier prices and sizes: the preset has none)", () => {
  const ca = loadRulebook("california-quebec");
  const withTiers = {
    ...ca,
    stability: stability.parse({
      reserveTiers: [
        { id: "tier-1", sale: "reserve-sale", trigger: { segments: [{ from: 2021, start: 41.4, decimals: 2 }] }, size: { kind: "amount", amount: 1000 } },
        { id: "tier-2", sale: "reserve-sale", trigger: { segments: [{ from: 2021, start: 53.2, decimals: 2 }] }, size: { kind: "amount", amount: 500 } },
      ],
      reserveSale: { triggerShareOfLowestTier: 0.6 },
    }),
  };

  it("held only when the previous auction settled at or above 60% of the lowest tier price (41.40 x 0.6 = 24.84)", () => {
    expect(reserveSale(withTiers, 2021, 2483n, [])).toMatchObject({ ok: false, code: "reserve-sale-not-triggered", facts: { thresholdMinor: 2484n } });
    expect(reserveSale(withTiers, 2021, 2484n, [])).toMatchObject({ ok: true });
    expect(reserveSale(ca, 2021, 9999n, [])).toMatchObject({ ok: false, code: "reserve-sale-none" });
  });

  it("each request pays its tier's price; an oversubscribed tier is shared pro rata in whole allowances", () => {
    const r = reserveSale(withTiers, 2021, 3000n, [
      { buyer: "a", tier: "tier-1", quantity: 1000n },
      { buyer: "b", tier: "tier-1", quantity: 500n },
      { buyer: "c", tier: "tier-2", quantity: 100n },
    ]);
    if (!r.ok) throw new Error(r.code);
    expect(r.awards.map((a) => [a.buyer, a.quantity, a.paymentMinor])).toEqual([["a", 667n, 667n * 4140n], ["b", 333n, 333n * 4140n], ["c", 100n, 100n * 5320n]]);
    expect(r.tiers.map((t) => [t.id, t.sold])).toEqual([["tier-1", 1000n], ["tier-2", 100n]]);
    expect(r.proceedsMinor).toBe(1000n * 4140n + 100n * 5320n);
    expect(reserveSale(withTiers, 2021, 3000n, [{ buyer: "a", tier: "tier-9", quantity: 1n }])).toMatchObject({ ok: false, code: "reserve-sale-unknown-tier" });
  });

  it("reserve-sale tiers stay out of the auction's clearing", () => {
    expect(auctionRulesFor(withTiers, 2021).tiers).toEqual([]);
  });
});

describe("auction rules per scheme", () => {
  it("RGGI 2023: lots of 1,000, reserve 2.50, 25% limit, guarantees, CCR released at 14.88 and ECR withheld below 6.87", () => {
    const r = auctionRulesFor(rggi, 2023);
    expect(r).toMatchObject({ lotSize: 1000n, reservePriceMinor: 250n, maxBidderShare: { n: 25n, d: 100n }, undersubscribed: "reserve-price", bidders: { guarantee: true } });
    expect(r.tiers).toEqual([
      { id: "ccr", direction: "release", triggerMinor: 1488n, quantity: 6_817_500n },
      { id: "ecr", direction: "withhold", triggerMinor: 687n, quantity: 6_817_500n },
    ]);
    expect(auctionRulesFor(rggi, 2023, { ccr: 100n, reservePriceMinor: 300n }).tiers[0]?.quantity).toBe(100n);
  });

  it("EU cancels, UK settles at the lowest bid and leaves out bids far below the market, California at the reserve price", () => {
    expect(auctionRulesFor(loadRulebook("eu-ets-phase4"), 2024)).toMatchObject({ lotSize: 500n, undersubscribed: "cancel", spreadOverNext: 4, belowReference: { action: "cancel" } });
    expect(auctionRulesFor(loadRulebook("uk-ets"), 2024)).toMatchObject({ lotSize: 500n, undersubscribed: "lowest-bid", reservePriceMinor: 2200n, belowReference: { action: "exclude-bids" } });
    expect(auctionRulesFor(loadRulebook("california-quebec"), 2024)).toMatchObject({ undersubscribed: "reserve-price", reservePriceMinor: 2404n });
  });
});

describe("calendar, revenue and settlement", () => {
  it("EU 2023: 517,587,000 over 223 auctions in whole lots of 500, summing exactly; an MSR intake lowers its month's auctions", () => {
    const eu = loadRulebook("eu-ets-phase4");
    const c = auctionCalendar(eu, 2023);
    if (!c.ok) throw new Error(c.code);
    expect(c.auctions).toHaveLength(223);
    expect(c.auctions.reduce((s, a) => s + a.volume, 0n)).toBe(517_587_000n);
    expect(c.auctions.every((a) => a.volume % 500n === 0n)).toBe(true);
    const adj = auctionCalendar(eu, 2023, { adjustments: new Map([["2023-09", -1_000_001n]]) });
    if (!adj.ok) throw new Error(adj.code);
    const sept = adj.auctions.filter((a) => a.month === "2023-09");
    expect(sept.reduce((s, a) => s + a.adjustment, 0n)).toBe(-1_000_001n);
    expect(adj.auctions.reduce((s, a) => s + a.volume, 0n)).toBe(517_587_000n - 1_000_001n);
    expect(auctionCalendar(eu, 2030)).toMatchObject({ ok: false, code: "calendar-no-volume" });
  });

  it("KL bill: proceeds shared among the sold uses of the distribution table in proportion, exactly to the cent", () => {
    const kl = loadRulebook("us-kl-bill");
    const r = revenueFor(kl, 2012, 100_000_000_00n);
    expect(r.table).toBe("allocation.distribution");
    expect(r.parts.map((p) => p.recipient)).toEqual(["Cost-containment reserve", "Heating oil and propane consumers", "Consumer relief", "Energy technology", "Transport", "Deficit reduction"]);
    expect(r.parts.reduce((s, p) => s + p.amountMinor, 0n)).toBe(100_000_000_00n);
    expect(r.parts[0]?.amountMinor).toBe(3_597_122_30n); // 1.5 / 41.7 of USD 100 M = 3,597,122.30
  });

  it("a cleared auction with CCR settles as reserve -> auction account, then auction account -> each winner, summing to what was sold", () => {
    const rules = { ...auctionRulesFor(rggi, 2023, { ccr: 3000n }), bidders: { eligible: "any-account-holder" as const, guarantee: false }, maxBidderShare: null };
    const bids = [
      { bidder: "a", quantity: 3000n, priceMinor: 2000n, row: 2 },
      { bidder: "b", quantity: 3000n, priceMinor: 1488n, row: 3 },
    ];
    const o = clearAuction(rules, { offered: 4000n, bids, seed: "s" });
    if (!o.ok) throw new Error(o.code);
    const plan = settlementPlan("rggi-2023-q1", o.result);
    expect(plan?.legs).toEqual([
      { from: { kind: "reserve", tier: "ccr" }, to: { kind: "auction" }, quantity: 2000n },
      { from: { kind: "auction" }, to: { kind: "winner", bidder: "a" }, quantity: 3000n },
      { from: { kind: "auction" }, to: { kind: "winner", bidder: "b" }, quantity: 3000n },
    ]);
    expect(plan?.payments).toEqual([{ bidder: "a", amountMinor: 3000n * 1488n }, { bidder: "b", amountMinor: 3000n * 1488n }]);
    expect(settlementPlan("x", { ...o.result, status: "cancelled" })).toBeUndefined();
  });
});
