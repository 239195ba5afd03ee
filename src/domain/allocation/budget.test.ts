// Goal: auction shares follow the EU schedule with leakage-exposed sectors free; the correction
// to the budget is exact in whole allowances and never exceeds it; the reserve serves entrants
// first come, first served and pro rata; closures and other changes give the right returns.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { sum } from "../quantity/index.ts";
import { applyChange, DEFAULT_CHANGE_RULES } from "./changes.ts";
import { correctToBudget } from "./correction.ts";
import { frac, ratio, reduce, show } from "./ratio.ts";
import { serveReserve } from "./reserve.ts";
import { auctionShare, EU_PHASE3_AUCTION, shareInYear } from "./shares.ts";

describe("EU phase 3 auction shares (Directive 2003/87/EC Art. 10a(11); DOMAIN.md section 2)", () => {
  it.each([
    [2013, "0.2"],
    [2020, "0.7"],
    [2027, "1"],
    [2030, "1"],
    [2012, "0.2"],
  ])("in %d the auctioned share is %s", (y, want) => {
    expect(show(shareInYear(EU_PHASE3_AUCTION, y))).toBe(want);
  });
  it("rises in equal steps in between: 2016 = 0.2 + 0.5 x 3/7 exactly", () => {
    expect(reduce(shareInYear(EU_PHASE3_AUCTION, 2016))).toEqual({ n: 29n, d: 70n });
  });
  const rules = { schedule: EU_PHASE3_AUCTION, fullyAuctioned: ["power"], exposed: ["steel", "cement"] };
  it("power is fully auctioned and leakage-exposed sectors stay free", () => {
    expect(auctionShare(rules, "power", 2013)).toMatchObject({ share: { n: 1n, d: 1n }, reason: "fully-auctioned" });
    expect(auctionShare(rules, "steel", 2020)).toMatchObject({ share: { n: 0n }, reason: "leakage-exposed" });
    expect(show(auctionShare(rules, "glass", 2020).share)).toBe("0.7");
  });
});

const amounts = fc.array(fc.bigInt({ min: 0n, max: 10n ** 9n }), { minLength: 1, maxLength: 40 });

describe("correction to the budget", () => {
  test.prop([amounts, fc.bigInt({ min: 0n, max: 10n ** 10n })])("the corrected total never exceeds the budget and the parts sum exactly", (xs, budget) => {
    const total = sum(xs);
    if (total === 0n && budget >= 0n) {
      expect(correctToBudget(xs, budget).parts).toEqual(xs);
      return;
    }
    const c = correctToBudget(xs, budget);
    expect(sum(c.parts)).toBe(c.applied ? budget : total);
    expect(sum(c.parts) <= budget || !c.applied).toBe(true);
    if (total > budget) expect(sum(c.parts)).toBe(budget);
    c.parts.forEach((p, i) => expect(p <= (xs[i] as bigint)).toBe(true));
  });
  test.prop([amounts, fc.array(fc.boolean(), { maxLength: 40 }), fc.bigInt({ min: 0n, max: 10n ** 10n })])("exempt amounts are untouched", (xs, ex, extra) => {
    const exemptTotal = sum(xs.filter((_, i) => ex[i] === true));
    const budget = exemptTotal + extra;
    const c = correctToBudget(xs, budget, "cap", ex);
    xs.forEach((x, i) => {
      if (ex[i] === true) expect(c.parts[i]).toBe(x);
    });
    expect(sum(c.parts) <= budget).toBe(true);
  });
  it("uses one uniform factor: 100/80/20 into 100 gives 50/40/10", () => {
    const c = correctToBudget([100n, 80n, 20n], 100n);
    expect(c.parts).toEqual([50n, 40n, 10n]);
    expect(show(c.factor)).toBe("0.5");
  });
  it("leaves amounts within the budget alone in cap mode and scales up in fit mode", () => {
    expect(correctToBudget([10n, 20n], 100n).applied).toBe(false);
    expect(correctToBudget([10n, 20n], 90n, "fit").parts).toEqual([30n, 60n]);
  });
  it("refuses exempt amounts alone above the budget", () => {
    expect(() => correctToBudget([10n, 20n], 15n, "cap", [false, true])).toThrow(/exceed the budget/);
  });
});

describe("new entrants' reserve", () => {
  it("serves first come first served, pro rata for a mid-year start, and reports unmet demand", () => {
    const out = serveReserve(1_000n, 2021, [
      { installation: "late", applied: "2021-03-01", start: "2021-01-01", annual: 600n },
      { installation: "mid", applied: "2021-02-01", start: "2021-07-02", annual: 730n },
      { installation: "last", applied: "2021-04-01", start: "2021-01-01", annual: 500n },
    ]);
    // mid: 730 x 183/365 = 366 (2021-07-02 is day 183; 183 days left)
    expect(out.grants.map((g) => [g.installation, g.requested, g.granted, g.unmet])).toEqual([
      ["mid", 366n, 366n, 0n],
      ["late", 600n, 600n, 0n],
      ["last", 500n, 34n, 466n],
    ]);
    expect(out.remaining).toBe(0n);
    expect(out.unmetTotal).toBe(466n);
    expect(out.grants[2]?.explanation.lines.join("\n")).toMatch(/reserve exhausted: 466 unmet/);
  });
});

describe("closures, suspensions, capacity reductions and changes of owner", () => {
  it("closure on 1 July 2021 keeps 181/365 and returns the rest, with an obligation up to 30 June", () => {
    const c = applyChange({ kind: "closure", installation: "I1", date: "2021-07-01" }, 2021, 365_000n);
    expect(c[0]).toMatchObject({ kind: "return", quantity: 184_000n });
    expect(c[1]).toMatchObject({ kind: "obligation", from: "2021-01-01", to: "2021-06-30" });
  });
  it("a stop over 50 days outside normal business is a closure; a normal one returns the stopped days", () => {
    const long = applyChange({ kind: "suspension", installation: "I1", from: "2021-03-01", to: "2021-04-30", normalBusiness: false }, 2021, 365n);
    expect(long[0]?.explanation.method).toBe("closure");
    expect(long[0]).toMatchObject({ quantity: 365n - 59n });
    const normal = applyChange({ kind: "suspension", installation: "I1", from: "2021-03-01", to: "2021-04-30", normalBusiness: true }, 2021, 365n);
    expect(normal).toEqual([expect.objectContaining({ kind: "return", quantity: 61n })]);
  });
  it("a capacity reduction returns the lost share for the rest of the year; below the threshold it is a closure", () => {
    const c = applyChange({ kind: "capacity-reduction", installation: "I1", date: "2021-07-02", lostShare: frac(1, 4) }, 2021, 365_000n);
    expect(c[0]).toMatchObject({ kind: "return", quantity: 45_750n }); // 365,000 x 1/4 x 183/365
    const below = applyChange({ kind: "capacity-reduction", installation: "I1", date: "2021-07-02", lostShare: ratio("0.9"), belowThreshold: true }, 2021, 365n);
    expect(below[0]?.explanation.method).toBe("closure");
  });
  it("a change of owner splits the year and the obligations at the date", () => {
    const c = applyChange({ kind: "owner-change", installation: "I1", date: "2021-04-01", from: "Old Co", to: "New Co" }, 2021, 365n);
    expect(c[0]).toMatchObject({ kind: "transfer", from: "Old Co", to: "New Co", quantity: 275n }); // keeps 90 days
    expect(c.slice(1)).toEqual([
      expect.objectContaining({ holder: "Old Co", from: "2021-01-01", to: "2021-03-31" }),
      expect.objectContaining({ holder: "New Co", from: "2021-04-01", to: "2021-12-31" }),
    ]);
  });
  it("follows the rulebook's switches: no return after closure, no return for suspensions, any abnormal stop a closure", () => {
    const rules = { ...DEFAULT_CHANGE_RULES, returnRemaining: false, surrenderUpToClosure: false, suspension: "none" as const };
    expect(applyChange({ kind: "closure", installation: "I1", date: "2021-07-01" }, 2021, 365n, rules)).toEqual([expect.objectContaining({ kind: "return", quantity: 0n })]);
    expect(applyChange({ kind: "suspension", installation: "I1", from: "2021-03-01", to: "2021-03-10", normalBusiness: true }, 2021, 365n, rules)[0]).toMatchObject({ quantity: 0n });
    const anyStop = { ...DEFAULT_CHANGE_RULES };
    delete anyStop.stoppageDays;
    expect(applyChange({ kind: "suspension", installation: "I1", from: "2021-03-01", to: "2021-03-10", normalBusiness: false }, 2021, 365n, anyStop)[0]?.explanation.method).toBe("closure");
    expect(applyChange({ kind: "suspension", installation: "I1", from: "2021-03-01", to: "2021-04-30", normalBusiness: false }, 2021, 365n, { ...DEFAULT_CHANGE_RULES, abnormalStopIsClosure: false })[0]?.explanation.method).toBe("suspension");
  });

  it("refuses a date outside the year", () => {
    expect(() => applyChange({ kind: "closure", installation: "I1", date: "2022-01-01" }, 2021, 1n)).toThrow(/not in 2021/);
  });
});
