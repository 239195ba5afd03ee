// Goal: shares of an issuance are exact decimals of the gross quantity rounded as the rule names,
// and the parts (shares + remainder) always sum exactly to the issuance.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { deduct, shareOf, type ShareRounding } from "./shares.ts";

describe("shareOf", () => {
  it.each([
    [1000n, 0.05, "floor", 50n],
    [1000n, 0.02, "floor", 20n],
    [49n, 0.02, "floor", 0n],
    [49n, 0.02, "ceil", 1n],
    [49n, 0.02, "halfUp", 1n],
    [25n, 0.02, "halfUp", 1n], // 0.5 -> 1
    [25n, 0.02, "halfEven", 0n], // 0.5 -> 0 (even)
    [75n, 0.02, "halfEven", 2n], // 1.5 -> 2 (even)
    [1_916n, 0.05, "floor", 95n], // 95.8
    [1_916n, 0.05, "halfUp", 96n],
  ] as const)("%d x %d rounded %s is %d", (q, rate, rounding, want) => {
    expect(shareOf(q, { rate, rounding })).toBe(want);
  });

  it("reads the rate as the decimal written, not its float: 0.07 x 100 is exactly 7", () => {
    // 0.07 * 100 in floats is 7.000000000000001; ceil would give 8 if floats leaked in
    expect(shareOf(100n, { rate: 0.07, rounding: "ceil" })).toBe(7n);
  });

  it("refuses a rate outside [0, 1]", () => {
    expect(() => shareOf(10n, { rate: 1.5, rounding: "floor" })).toThrow(/not a fraction/);
  });
});

describe("deduct", () => {
  it("Article 6.4: 1,000 A6.4ERs -> 50 adaptation, 20 cancelled for OMGE, 930 forwarded", () => {
    // Decision 3/CMA.3 annex (5% SOP, 2% OMGE at issuance); the UNDP registry's Article 6.2 audit
    // (undp/undp-national-carbon-registry PR #360) seeds the same balances: Holding 930 / OMGE 20 / SOP 50.
    const d = deduct(1000n, { adaptation: { rate: 0.05, rounding: "floor" }, omge: { rate: 0.02, rounding: "floor" } });
    expect(d).toEqual({ gross: 1000n, shares: { adaptation: 50n, omge: 20n }, remainder: 930n });
  });

  it("rounding down, 999 give 49, 19 and 931: no share exceeds its percentage (docs/concepts/international.md)", () => {
    const d = deduct(999n, { adaptation: { rate: 0.05, rounding: "floor" }, omge: { rate: 0.02, rounding: "floor" } });
    expect([d.shares.adaptation, d.shares.omge, d.remainder]).toEqual([49n, 19n, 931n]);
  });

  it("rounding up on a tiny issuance: the shares are served in the order listed and never exceed it", () => {
    const d = deduct(1n, { adaptation: { rate: 0.05, rounding: "ceil" }, omge: { rate: 0.02, rounding: "ceil" } });
    expect([d.shares.adaptation, d.shares.omge, d.remainder]).toEqual([1n, 0n, 0n]);
  });

  const rounding = fc.constantFrom<ShareRounding>("floor", "ceil", "halfUp", "halfEven");
  test.prop([fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 500 }), rounding, rounding])(
    "shares + remainder = gross, each share within one unit of its exact value",
    (gross, bpA, bpB, ra, rb) => {
      const a = { rate: bpA / 10_000, rounding: ra };
      const b = { rate: bpB / 10_000, rounding: rb };
      const d = deduct(gross, { a, b });
      expect(d.shares.a + d.shares.b + d.remainder).toBe(gross);
      expect(d.remainder >= 0n).toBe(true);
      for (const [share, bp] of [[d.shares.a, bpA], [d.shares.b, bpB]] as const) {
        const exactFloor = (gross * BigInt(bp)) / 10_000n;
        // A share is its rounded value, or capped because rounding up left nothing more to take.
        const capped = d.remainder === 0n && share <= exactFloor + 1n;
        expect(share === exactFloor || share === exactFloor + 1n || capped).toBe(true);
      }
    },
  );
});
