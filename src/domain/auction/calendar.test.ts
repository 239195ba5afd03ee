// Goal: volumes split over auctions and carried over to later auctions, and proceeds shared among
// recipients, always sum exactly in whole units; the UK's 125% cap on a following auction holds.
// Source of the cap: SI 2021/484 reg. 6(8) (a quarter of unsold allowances to each of the next
// four auctions, none above 125% of its first proposed volume).
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { splitVolume, spreadCarryOver } from "./calendar.ts";
import { distributeRevenue } from "./revenue.ts";

describe("splitting and carrying volumes", () => {
  it("the UK cap: a quarter each, but an auction planned at 1,000 takes only 250 (25%); the excess moves to the next with room, or is left over", () => {
    expect(spreadCarryOver(4000n, [1000n, 4000n, 4000n, 4000n], { n: 1n, d: 4n })).toEqual({ additions: [250n, 1000n, 1000n, 1000n], leftover: 750n });
    expect(spreadCarryOver(4000n, [1000n, 8000n, 8000n, 8000n], { n: 1n, d: 4n })).toEqual({ additions: [250n, 1750n, 1000n, 1000n], leftover: 0n });
    expect(spreadCarryOver(10n, [], undefined)).toEqual({ additions: [], leftover: 10n });
  });

  test.prop([fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.integer({ min: 1, max: 300 }), fc.bigInt({ min: 1n, max: 1000n })])("a year's volume splits into whole lots (the remainder to the first auction) and sums exactly", (volume, n, lot) => {
    const parts = splitVolume(volume, n, lot);
    expect(parts).toHaveLength(n);
    expect(parts.reduce((s, x) => s + x, 0n)).toBe(volume);
    parts.slice(1).forEach((p) => expect(p % lot).toBe(0n));
  });

  test.prop([fc.bigInt({ min: 0n, max: 10n ** 9n }), fc.array(fc.bigInt({ min: 0n, max: 10n ** 9n }), { minLength: 1, maxLength: 6 })])("a carried-over volume is all placed or reported left over, and no auction passes its cap", (q, planned) => {
    const r = spreadCarryOver(q, planned, { n: 1n, d: 4n });
    expect(r.additions.reduce((s, x) => s + x, 0n) + r.leftover).toBe(q);
    r.additions.forEach((a, i) => expect(a * 4n).toBeLessThanOrEqual(planned[i] as bigint));
  });
});

describe("revenue shares", () => {
  test.prop([fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 12 })])("shares in proportion sum exactly to the proceeds", (proceeds, thousandths) => {
    const shares = thousandths.map((t, i) => ({ recipient: `r${i}`, share: t / 1000 }));
    const r = distributeRevenue(proceeds, shares, "proportional");
    expect(r.parts.reduce((s, p) => s + p.amountMinor, 0n)).toBe(proceeds);
    expect(r.retainedMinor).toBe(0n);
  });

  test.prop([fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 12 })])(
    "a table as written gives out floor(proceeds x sum of shares), each part within one minor unit of its exact share, and parts + retained = proceeds",
    (proceeds, millionths) => {
      const total = millionths.reduce((a, b) => a + b, 0);
      const scaled = total > 1_000_000 ? millionths.map((m) => Math.floor((m * 1_000_000) / total)) : millionths;
      const shares = scaled.map((m, i) => ({ recipient: `r${i}`, share: m / 1_000_000 }));
      const r = distributeRevenue(proceeds, shares, "as-written");
      const sumW = BigInt(scaled.reduce((a, b) => a + b, 0));
      expect(r.retainedMinor).toBe(proceeds - (proceeds * sumW) / 1_000_000n);
      expect(r.parts.reduce((s, p) => s + p.amountMinor, 0n) + r.retainedMinor).toBe(proceeds);
      r.parts.forEach((p, i) => {
        const exact = (proceeds * BigInt(scaled[i] as number)) / 1_000_000n; // floor of the part's exact share
        expect(p.amountMinor >= exact - 1n && p.amountMinor <= exact + 1n).toBe(true);
      });
    },
  );

  it("a table written as shares of the proceeds that sums below 1 leaves the rest retained", () => {
    const r = distributeRevenue(1000n, [{ recipient: "a", share: 0.5 }, { recipient: "b", share: 0.25 }], "as-written");
    expect(r.parts.map((p) => p.amountMinor)).toEqual([500n, 250n]);
    expect(r.retainedMinor).toBe(250n);
    expect(() => distributeRevenue(1n, [{ recipient: "a", share: 0.7 }, { recipient: "b", share: 0.4 }], "as-written")).toThrow(/more than 1/);
  });
});
