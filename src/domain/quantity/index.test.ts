// Goal: exact integer arithmetic with named rounding, and splits that always sum to the total.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { div, formatDecimal, largestRemainder, mulDiv, parseDecimal } from "./index.ts";

describe("div", () => {
  it.each([
    [7n, 2n, "floor", 3n],
    [7n, 2n, "ceil", 4n],
    [-7n, 2n, "floor", -4n],
    [-7n, 2n, "ceil", -3n],
    [5n, 2n, "halfEven", 2n],
    [7n, 2n, "halfEven", 4n],
    [5n, 2n, "halfUp", 3n],
    [-5n, 2n, "halfEven", -2n],
    [11n, 4n, "halfEven", 3n],
    [9n, 4n, "halfEven", 2n],
  ] as const)("%d / %d rounded %s is %d", (a, b, r, want) => {
    expect(div(a, b, r)).toBe(want);
  });
  it("refuses inexact division when exact is asked", () => {
    expect(() => div(7n, 2n, "exact")).toThrow(/not divisible/);
    expect(div(8n, 2n, "exact")).toBe(4n);
  });
  test.prop([fc.bigInt(), fc.bigInt().filter((b) => b !== 0n)])("floor <= a/b <= ceil, one apart", (a, b) => {
    const f = div(a, b, "floor");
    const c = div(a, b, "ceil");
    expect(c - f === 0n || c - f === 1n).toBe(true);
    expect(f * b <= a === b > 0n || f * b === a).toBe(true);
  });
  it("mulDiv keeps full precision", () => {
    expect(mulDiv(10n ** 18n, 3n, 7n, "floor")).toBe(428571428571428571n);
  });
});

describe("largestRemainder", () => {
  it("splits 10 in thirds as 4,3,3 (tie to the lower index)", () => {
    expect(largestRemainder(10n, [1n, 1n, 1n])).toEqual([4n, 3n, 3n]);
  });
  test.prop([fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.array(fc.bigInt({ min: 0n, max: 10n ** 9n }), { minLength: 1, maxLength: 30 })])(
    "parts sum exactly to the total and each is within one of its exact share",
    (total, weights) => {
      fc.pre(weights.some((w) => w > 0n));
      const parts = largestRemainder(total, weights);
      expect(parts.reduce((a, b) => a + b, 0n)).toBe(total);
      const s = weights.reduce((a, b) => a + b, 0n);
      parts.forEach((p, i) => {
        const exactFloor = (total * (weights[i] as bigint)) / s;
        expect(p === exactFloor || p === exactFloor + 1n).toBe(true);
      });
    },
  );
});

describe("decimal text", () => {
  it("parses and formats at a scale", () => {
    expect(parseDecimal("12.34", 2)).toBe(1234n);
    expect(parseDecimal("-0.5", 2)).toBe(-50n);
    expect(formatDecimal(1234n, 2)).toBe("12.34");
    expect(formatDecimal(-5n, 2)).toBe("-0.05");
    expect(formatDecimal(123n)).toBe("123");
  });
  it("rejects malformed text and excess precision", () => {
    expect(() => parseDecimal("1e3")).toThrow(/not a decimal/);
    expect(() => parseDecimal("1.234", 2)).toThrow(/decimal places/);
    expect(() => parseDecimal("")).toThrow();
  });
  test.prop([fc.bigInt(), fc.integer({ min: 0, max: 6 })])("format then parse is the identity", (v, scale) => {
    expect(parseDecimal(formatDecimal(v, scale), scale)).toBe(v);
  });
});
