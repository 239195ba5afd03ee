// Goal: uniform-price clearing gives the published tie example, each undersubscription rule,
// reserve tiers that release above and withhold below their triggers, refusals by row and field,
// and the properties of issue 12 on random auctions: sold = min(supply, demand at the clearing
// price), no winner pays above its bid, awards sum exactly, proceeds = sold x price exactly, the
// same seed gives the same result; a slow obvious clearing agrees with the fast one.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { clearAuction, coverRatio, spreadEvenly } from "./clear.ts";
import { orderByPriceDesc } from "./order.ts";
import { defaultAuctionRules } from "./rules.ts";
import { statementOf } from "./statement.ts";
import type { AuctionResult, AuctionRules, AuctionTier, Bid } from "./types.ts";

const rules = (o: Partial<AuctionRules> = {}): AuctionRules => ({ ...defaultAuctionRules(), ...o });
const bid = (bidder: string, quantity: number, price: number, row: number): Bid => ({ bidder, quantity: BigInt(quantity), priceMinor: BigInt(price), row });

function cleared(r: AuctionRules, offered: bigint, bids: Bid[], seed = "s"): AuctionResult {
  const o = clearAuction(r, { offered, bids, seed });
  if (!o.ok) throw new Error(`${o.code}: ${JSON.stringify(o)}`);
  return o.result;
}

// Issue 12's example of the EU rule (Regulation (EU) 1031/2010 Art. 7(2)-(4), kept in Delegated
// Regulation (EU) 2023/2830: ties ordered by random selection, the last bid partly filled).
const EU_TIE = [bid("A", 400, 8010, 2), bid("B", 400, 8005, 3), bid("C", 300, 8000, 4), bid("D", 300, 8000, 5)];

describe("the EU tie example: 1,000 offered; A 400 @ 80.10, B 400 @ 80.05, C and D 300 @ 80.00", () => {
  const eu = rules({ tieBreak: "random", undersubscribed: "cancel", spreadOverNext: 4 });

  it("clears at 80.00; A and B are filled; C and D share 200 in the seeded order, the last bid to count partly filled", () => {
    const r = cleared(eu, 1000n, EU_TIE, "seed-1");
    const s = statementOf(r);
    expect(s.clearingPrice).toBe("80.00");
    expect(s.sold).toBe("1000");
    expect(s.proceeds).toBe("80000.00");
    const won = Object.fromEntries(r.awards.map((a) => [a.bidder, a.quantity]));
    expect(won.A).toBe(400n);
    expect(won.B).toBe(400n);
    expect((won.C ?? 0n) + (won.D ?? 0n)).toBe(200n);
    expect(r.tie?.order.map((f) => f.filled)).toEqual([200n, 0n]); // the first in random order reaches the volume with part of its 300
    expect(r.seed).toBe("seed-1");
  });

  it("the same seed gives the same result; over seeds both C and D come first", () => {
    expect(cleared(eu, 1000n, EU_TIE, "x")).toEqual(cleared(eu, 1000n, EU_TIE, "x"));
    const firsts = new Set(Array.from({ length: 40 }, (_, k) => cleared(eu, 1000n, EU_TIE, `seed-${k}`).tie?.order[0]?.bidder));
    expect(firsts).toEqual(new Set(["C", "D"]));
  });

  it("pro rata gives C and D 100 each; time priority gives C (earlier row) 200", () => {
    const pro = cleared(rules({ tieBreak: "pro-rata" }), 1000n, EU_TIE);
    expect(pro.awards.map((a) => [a.bidder, a.quantity])).toEqual([["A", 400n], ["B", 400n], ["C", 100n], ["D", 100n]]);
    const time = cleared(rules({ tieBreak: "time-priority" }), 1000n, EU_TIE);
    expect(time.awards.map((a) => [a.bidder, a.quantity])).toEqual([["A", 400n], ["B", 400n], ["C", 200n]]);
  });

  it("pro rata splits exactly in whole allowances by largest remainder (1 left among three equal bids goes to the first row)", () => {
    const r = cleared(rules({ tieBreak: "pro-rata" }), 100n, [bid("X", 50, 10, 2), bid("Y", 50, 10, 3), bid("Z", 50, 10, 4)]);
    expect(r.awards.map((a) => a.quantity)).toEqual([34n, 33n, 33n]);
  });
});

describe("undersubscription (issue 12: cancelled under EU rules, settled at the reserve price under UK, RGGI and WCI)", () => {
  const few = [bid("A", 400, 900, 2), bid("B", 200, 700, 3)];

  it("EU: cancelled, the volume spread evenly over the next 4 auctions in whole allowances", () => {
    const r = cleared(rules({ undersubscribed: "cancel", spreadOverNext: 4 }), 1001n, few);
    expect(r.status).toBe("cancelled");
    expect(r.reason).toBe("undersubscribed");
    expect(r.sold).toBe(0n);
    expect(r.carryOver).toEqual([251n, 250n, 250n, 250n]);
    expect(r.awards).toEqual([]);
  });

  it("RGGI and California: every bid filled at the reserve price; the rest unsold", () => {
    const r = cleared(rules({ undersubscribed: "reserve-price", reservePriceMinor: 500n }), 1000n, [...few, bid("C", 100, 400, 4)]);
    expect(r.status).toBe("undersubscribed");
    expect(r.clearingPriceMinor).toBe(500n);
    expect(r.sold).toBe(600n); // C bid below the reserve: not accepted
    expect(r.unsold).toBe(400n);
    expect(r.proceedsMinor).toBe(600n * 500n);
  });

  it("UK: every bid filled at the lowest bid at or above the reserve price (Auctioning Regulations 2021 reg. 7(1)(b))", () => {
    const r = cleared(rules({ undersubscribed: "lowest-bid", reservePriceMinor: 500n }), 1000n, few);
    expect(r.clearingPriceMinor).toBe(700n);
    expect(r.sold).toBe(600n);
  });

  it("with no bid at all the reserve-price rule settles nothing at the reserve price", () => {
    const r = cleared(rules({ undersubscribed: "reserve-price", reservePriceMinor: 186n }), 1000n, []);
    expect([r.status, r.sold, r.unsold, r.clearingPriceMinor]).toEqual(["undersubscribed", 0n, 1000n, 186n]);
  });
});

describe("reserve tiers in the clearing", () => {
  const ccr: AuctionTier = { id: "ccr", direction: "release", triggerMinor: 1488n, quantity: 500n };
  const ecr: AuctionTier = { id: "ecr", direction: "withhold", triggerMinor: 600n, quantity: 300n };

  it("a release tier is added when the interim price reaches its trigger, and clears again (all of it sold above the trigger)", () => {
    const bids = [bid("A", 1000, 2000, 2), bid("B", 600, 1600, 3), bid("C", 1000, 1000, 4)];
    const r = cleared(rules({ tiers: [ccr] }), 1000n, bids);
    expect(r.clearingPriceMinor).toBe(1600n); // demand 1,600 at 16.00 >= 1,000 + 500
    expect(r.sold).toBe(1500n);
    expect(r.reserveSold).toBe(500n);
    expect(r.unsold).toBe(0n);
  });

  it("when the added tier would push the price below the trigger, the auction clears at the trigger with the tier partly sold (RGGI Auction 62 cleared at the CCR trigger, USD 14.88: esai)", () => {
    const bids = [bid("A", 1200, 2000, 2), bid("B", 1000, 1000, 3)];
    const r = cleared(rules({ tiers: [ccr] }), 1000n, bids);
    expect(r.clearingPriceMinor).toBe(1488n);
    expect(r.sold).toBe(1200n);
    expect(r.reserveSold).toBe(200n);
    expect(r.reserves[0]).toMatchObject({ id: "ccr", sold: 200n });
  });

  it("a withhold tier keeps allowances out below its trigger, only as many as keep the price at it", () => {
    const partly = cleared(rules({ tiers: [ecr] }), 1000n, [bid("A", 800, 700, 2), bid("B", 1000, 300, 3)]);
    expect(partly.clearingPriceMinor).toBe(600n);
    expect([partly.sold, partly.withheld, partly.unsold]).toEqual([800n, 200n, 0n]);
    const fully = cleared(rules({ tiers: [ecr] }), 1000n, [bid("A", 500, 700, 2), bid("B", 1000, 300, 3)]);
    expect(fully.clearingPriceMinor).toBe(300n);
    expect([fully.sold, fully.withheld]).toEqual([700n, 300n]);
    const none = cleared(rules({ tiers: [ecr] }), 1000n, [bid("A", 1500, 700, 2)]);
    expect([none.clearingPriceMinor, none.withheld]).toEqual([700n, 0n]);
  });
});

describe("non-competitive bids and the reference price", () => {
  it("non-competitive bids are filled at the competitive clearing price before the competitive bids share the rest", () => {
    const o = clearAuction(rules({ nonCompetitive: { maxPerBidder: 10_000n, coveredOnly: false } }), {
      offered: 1000n,
      bids: [bid("A", 700, 900, 2), bid("B", 500, 800, 3)],
      nonCompetitive: [{ bidder: "N", quantity: 300n, row: 4 }],
      seed: "s",
    });
    if (!o.ok) throw new Error(o.code);
    expect(o.result.clearingPriceMinor).toBe(900n); // 700 competitive allowances left: A alone covers them
    expect(o.result.awards).toEqual([
      { bidder: "A", quantity: 700n, nonCompetitive: 0n, paymentMinor: 630_000n },
      { bidder: "N", quantity: 300n, nonCompetitive: 300n, paymentMinor: 270_000n },
    ]);
    expect(o.result.sold).toBe(1000n);
  });

  it("EU: a clearing price significantly below the reference price cancels; UK: those bids are left out", () => {
    const threshold = { n: 1n, d: 10n };
    const bids = [bid("A", 500, 9000, 2), bid("B", 500, 7000, 3)];
    const eu = clearAuction(rules({ belowReference: { threshold, action: "cancel" } }), { offered: 1000n, bids, seed: "s", referencePriceMinor: 8500n });
    expect(eu.ok && [eu.result.status, eu.result.reason, eu.result.referenceCheck]).toEqual(["cancelled", "below-reference", "failed"]);
    const uk = clearAuction(rules({ belowReference: { threshold, action: "exclude-bids" }, undersubscribed: "lowest-bid" }), { offered: 1000n, bids, seed: "s", referencePriceMinor: 8500n });
    expect(uk.ok && [uk.result.status, uk.result.clearingPriceMinor, uk.result.sold]).toEqual(["undersubscribed", 9000n, 500n]);
    const noRef = clearAuction(rules({ belowReference: { threshold, action: "cancel" } }), { offered: 1000n, bids, seed: "s" });
    expect(noRef.ok && noRef.result.referenceCheck).toBe("not-made");
  });
});

describe("refusals by row and field", () => {
  const base = rules({ lotSize: 500n, maxBidderShare: { n: 1n, d: 4n } });
  const refused = (r: AuctionRules, bids: Bid[], bidders?: Map<string, { id: string; guaranteeMinor?: bigint; covered?: boolean }>) => {
    const o = clearAuction(r, { offered: 4000n, bids, seed: "s", bidders });
    if (o.ok) throw new Error("expected a refusal");
    if (o.code !== "auction-bids-refused") throw new Error(o.code);
    return o.issues.map((i) => [i.row, i.field, i.code]);
  };

  it("a bid below the lot size, a negative price and a zero quantity", () => {
    expect(refused(base, [bid("A", 400, 100, 2), bid("B", 500, -1, 3), bid("C", 0, 100, 4)])).toEqual([
      [2, "quantity", "bid-not-whole-lots"],
      [3, "price", "bid-price-negative"],
      [4, "quantity", "bid-quantity-not-positive"],
    ]);
  });

  it("a bidder over its limit (25% of 4,000 = 1,000) is refused at the row that crosses it", () => {
    expect(refused(base, [bid("A", 500, 100, 2), bid("A", 500, 90, 3), bid("A", 500, 80, 4)])).toEqual([[4, "quantity", "bidder-over-limit"]]);
  });

  it("a bidder without a guarantee, or bidding more than it, and one not qualified or not covered", () => {
    const g = rules({ lotSize: 500n, bidders: { eligible: "any-account-holder", guarantee: true } });
    const bidders = new Map([["A", { id: "A", guaranteeMinor: 60_000n }], ["B", { id: "B" }]]);
    expect(refused(g, [bid("A", 500, 100, 2), bid("A", 500, 30, 3), bid("B", 500, 10, 4), bid("Z", 500, 10, 5)], bidders)).toEqual([
      [3, "quantity", "bid-over-guarantee"],
      [4, "bidder", "bidder-without-guarantee"],
      [5, "bidder", "bidder-not-qualified"],
    ]);
    const covered = rules({ bidders: { eligible: "covered-entities", guarantee: false } });
    expect(refused(covered, [bid("A", 1, 1, 7)], new Map([["A", { id: "A", covered: false }]]))).toEqual([[7, "bidder", "bidder-not-covered"]]);
  });

  it("a random tie order without a seed, and a negative volume, are refused by field", () => {
    const o = clearAuction(rules(), { offered: 10n, bids: [] });
    expect(o).toMatchObject({ ok: false, code: "auction-input-invalid", field: "seed" });
    expect(clearAuction(rules(), { offered: -1n, bids: [], seed: "s" })).toMatchObject({ ok: false, field: "offered" });
  });
});

describe("helpers", () => {
  it("cover ratio to 2 decimals half up; even spread in whole allowances", () => {
    expect(coverRatio(1400n, 1000n)).toBe("1.40");
    expect(coverRatio(2n, 3n)).toBe("0.67");
    expect(coverRatio(0n, 0n)).toBeNull();
    expect(spreadEvenly(3_322_500n * 4n + 3n, 4)).toEqual([3_322_501n, 3_322_501n, 3_322_501n, 3_322_500n]);
  });

  it("ordering by price: native sort of exact keys, and a comparator sort when prices are too large for the keys, with the same order", () => {
    const big = 2 ** 50; // with 5 bids the keys need 3 bits: 2^50 leaves no room, so the comparator path runs
    expect([...orderByPriceDesc(Float64Array.from([5, big, 7, big, 1]), new Uint8Array([1, 1, 1, 1, 1]))]).toEqual([1, 3, 2, 0, 4]);
    expect([...orderByPriceDesc(Float64Array.from([5, 9, 7, 9, 1]), new Uint8Array([1, 1, 1, 1, 1]))]).toEqual([1, 3, 2, 0, 4]);
    expect([...orderByPriceDesc(Float64Array.from([5, 9, 7, 9]), new Uint8Array([1, 1, 0, 1]))]).toEqual([1, 3, 0]);
  });

  it("a bid or a volume beyond 2^53 is refused rather than held inexactly", () => {
    const o = clearAuction(rules(), { offered: 10n, bids: [bid("A", 1, 1, 2), { bidder: "B", quantity: 2n ** 53n, priceMinor: 1n, row: 3 }], seed: "s" });
    expect(o).toMatchObject({ ok: false, code: "auction-bids-refused", issues: [{ row: 3, field: "quantity", code: "bid-too-large" }] });
    expect(clearAuction(rules(), { offered: 2n ** 53n, bids: [], seed: "s" })).toMatchObject({ ok: false, field: "offered" });
    const many = Array.from({ length: 3 }, (_, i) => ({ bidder: "A", quantity: 2n ** 52n - 1n, priceMinor: 1n, row: i + 2 }));
    expect(clearAuction(rules(), { offered: 10n, bids: many, seed: "s" })).toMatchObject({ ok: false, field: "bids" });
  });
});

// ---------------------------------------------------------------- properties

/** The obvious clearing for a fixed volume: sort, walk, stop where cumulative demand reaches the volume. */
function slowClearingPrice(offered: bigint, bids: readonly Bid[], reserve: bigint | null): bigint | undefined {
  const sorted = bids.filter((b) => reserve === null || b.priceMinor >= reserve).sort((a, b) => (a.priceMinor > b.priceMinor ? -1 : a.priceMinor < b.priceMinor ? 1 : 0));
  let cum = 0n;
  for (const b of sorted) {
    cum += b.quantity;
    if (cum >= offered) return b.priceMinor;
  }
  return undefined;
}

const bidsArb = fc.array(
  fc.record({ bidder: fc.constantFrom("a", "b", "c", "d", "e"), quantity: fc.integer({ min: 1, max: 50 }), price: fc.integer({ min: 0, max: 30 }) }),
  { maxLength: 40 },
);
const tierArb = fc.option(fc.record({ trigger: fc.integer({ min: 0, max: 30 }), quantity: fc.integer({ min: 0, max: 200 }) }), { nil: undefined });

describe("properties of clearing (fast-check)", () => {
  test.prop([bidsArb, fc.integer({ min: 1, max: 500 }), fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }), tierArb, fc.constantFrom("random", "pro-rata", "time-priority" as const), fc.string()])(
    "sold = min(offered + reserve released, demand at the clearing price); nobody pays above its bid; awards and proceeds are exact",
    (raw, offered, reserve, tier, tieBreak, seed) => {
      const bids = raw.map((b, i) => bid(b.bidder, b.quantity, b.price, i + 2));
      const tiers: AuctionTier[] = tier ? [{ id: "ccr", direction: "release", triggerMinor: BigInt(tier.trigger), quantity: BigInt(tier.quantity) }] : [];
      const r = rules({ tieBreak, reservePriceMinor: reserve === undefined ? null : BigInt(reserve), undersubscribed: "reserve-price", tiers });
      const res = cleared(r, BigInt(offered), bids, `seed:${seed}`);
      const p = res.clearingPriceMinor as bigint;
      const accepted = bids.filter((b) => r.reservePriceMinor === null || b.priceMinor >= r.reservePriceMinor);
      const demandAt = accepted.filter((b) => b.priceMinor >= p).reduce((s, b) => s + b.quantity, 0n);
      const released = tiers.filter((t) => t.triggerMinor <= p).reduce((s, t) => s + t.quantity, 0n);
      const supply = BigInt(offered) + released;
      expect(res.sold).toBe(demandAt < supply ? demandAt : supply);
      expect(res.awards.reduce((s, a) => s + a.quantity, 0n)).toBe(res.sold);
      expect(res.proceedsMinor).toBe(res.sold * p);
      expect(res.awards.reduce((s, a) => s + a.paymentMinor, 0n)).toBe(res.proceedsMinor);
      expect(res.sold - res.reserveSold + res.unsold + res.withheld).toBe(BigInt(offered));
      for (const a of res.awards) {
        const mine = accepted.filter((b) => b.bidder === a.bidder);
        // no winner pays above its bid: it wins no more than its bids at or above the price, at least those above it
        expect(a.quantity).toBeLessThanOrEqual(mine.filter((b) => b.priceMinor >= p).reduce((s, b) => s + b.quantity, 0n));
        if (res.status === "cleared") expect(a.quantity).toBeGreaterThanOrEqual(mine.filter((b) => b.priceMinor > p).reduce((s, b) => s + b.quantity, 0n));
      }
      expect(cleared(r, BigInt(offered), bids, `seed:${seed}`)).toEqual(res);
      // bidders numbered by a reader give the same result; numbers that do not name one bidder each are not trusted
      const ids = new Map<string, number>();
      const numbered = bids.map((b) => ({ ...b, bidderId: ids.get(b.bidder) ?? (ids.set(b.bidder, ids.size), ids.size - 1) }));
      expect(cleared(r, BigInt(offered), numbered, `seed:${seed}`)).toEqual(res);
      expect(cleared(r, BigInt(offered), bids.map((b) => ({ ...b, bidderId: 0 })), `seed:${seed}`)).toEqual(res);
    },
  );

  test.prop([bidsArb, fc.integer({ min: 1, max: 500 }), fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 1000 }), tierArb, fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined })])(
    "with a withhold tier: offered = sold from the volume + unsold + withheld, nothing negative, and allowances are withheld only when the price is at or below the trigger",
    (raw, offered, trigger, quantity, release, reserve) => {
      const bids = raw.map((b, i) => bid(b.bidder, b.quantity, b.price, i + 2));
      const tiers: AuctionTier[] = [{ id: "ecr", direction: "withhold", triggerMinor: BigInt(trigger), quantity: BigInt(quantity) }];
      if (release) tiers.push({ id: "ccr", direction: "release", triggerMinor: BigInt(release.trigger), quantity: BigInt(release.quantity) });
      const res = cleared(rules({ tiers, undersubscribed: "reserve-price", reservePriceMinor: reserve === undefined ? null : BigInt(reserve) }), BigInt(offered), bids);
      expect(res.sold - res.reserveSold + res.unsold + res.withheld).toBe(BigInt(offered));
      for (const v of [res.sold, res.unsold, res.withheld, res.reserveSold]) expect(v).toBeGreaterThanOrEqual(0n);
      expect(res.withheld).toBeLessThanOrEqual(BigInt(quantity));
      if (res.withheld > 0n) expect(res.clearingPriceMinor as bigint).toBeLessThanOrEqual(BigInt(trigger));
      expect(res.awards.reduce((s, a) => s + a.quantity, 0n)).toBe(res.sold);
    },
  );

  test.prop([bidsArb, fc.integer({ min: 1, max: 500 })])("without tiers the clearing price is the slow obvious one's, and undersubscription is when it has none", (raw, offered) => {
    const bids = raw.map((b, i) => bid(b.bidder, b.quantity, b.price, i + 2));
    const res = cleared(rules({ undersubscribed: "cancel" }), BigInt(offered), bids);
    const slow = slowClearingPrice(BigInt(offered), bids, null);
    if (slow === undefined) expect(res.status).toBe("cancelled");
    else expect(res.clearingPriceMinor).toBe(slow);
  });
});
