// Goal: exact decimals read, add, multiply, round and print without loss, and agree with a slow
// reference on bigint fractions.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { addDec, cmpDec, decimal, divDec, formatDec, formatFixed, groupedDec, mulDec, roundDec, subDec, sumDec, toWholeDec } from "./decimal.ts";

describe("exact decimals", () => {
  it("reads numbers by their shortest text, strings exactly, and refuses what is not a decimal", () => {
    expect(decimal(0.1)).toEqual({ units: 1n, scale: 1 });
    expect(decimal("12.500")).toEqual({ units: 125n, scale: 1 });
    expect(decimal("1e3")).toEqual({ units: 1000n, scale: 0 });
    expect(decimal("2.5e-3")).toEqual({ units: 25n, scale: 4 });
    expect(decimal(-3)).toEqual({ units: -3n, scale: 0 });
    expect(() => decimal("12,5")).toThrow(/not a decimal/);
    expect(() => decimal(Number.NaN)).toThrow(/finite/);
  });

  it("0.1 + 0.2 is exactly 0.3 and 56.1 x 0.0481 is exact", () => {
    expect(formatDec(addDec(decimal(0.1), decimal(0.2)))).toBe("0.3");
    expect(formatDec(mulDec(decimal("56.1"), decimal("0.0481")))).toBe("2.69841");
  });

  it("rounds by the named rule", () => {
    const x = decimal("2.5");
    expect(toWholeDec(x, "halfUp")).toBe(3n);
    expect(toWholeDec(x, "halfEven")).toBe(2n);
    expect(toWholeDec(x, "floor")).toBe(2n);
    expect(toWholeDec(decimal("-2.5"), "halfUp")).toBe(-2n);
    expect(formatDec(roundDec(decimal("1.2345"), 2, "halfUp"))).toBe("1.23");
    expect(formatDec(divDec(decimal(1), decimal(3), 4, "halfUp"))).toBe("0.3333");
    expect(() => divDec(decimal(1), decimal(3), 4, "exact")).toThrow();
  });

  it("prints fixed places and groups thousands", () => {
    expect(formatFixed(decimal(100000), 2)).toBe("100000.00");
    expect(formatFixed(decimal("-0.5"), 2)).toBe("-0.50");
    expect(groupedDec(decimal("1234567.25"))).toBe("1,234,567.25");
    expect(groupedDec(-1000n)).toBe("-1,000");
  });

  const dec = fc.tuple(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.integer({ min: 0, max: 8 })).map(([u, s]) => ({ units: u, scale: s }));
  // reference: a decimal as the fraction units / 10^scale, compared by cross-multiplication
  const eqFrac = (a: { units: bigint; scale: number }, n: bigint, d: bigint) => a.units * d === n * 10n ** BigInt(a.scale);

  test.prop([dec, dec])("addition and subtraction agree with fractions", (a, b) => {
    const n = a.units * 10n ** BigInt(b.scale) + b.units * 10n ** BigInt(a.scale);
    const d = 10n ** BigInt(a.scale + b.scale);
    expect(eqFrac(addDec(a, b), n, d)).toBe(true);
    expect(cmpDec(subDec(addDec(a, b), b), a)).toBe(0);
  });

  test.prop([dec, dec])("multiplication is exact", (a, b) => {
    expect(eqFrac(mulDec(a, b), a.units * b.units, 10n ** BigInt(a.scale + b.scale))).toBe(true);
  });

  test.prop([fc.array(dec, { maxLength: 20 })])("a sum of parts printed and read back is the same value", (xs) => {
    const s = sumDec(xs);
    expect(cmpDec(decimal(formatDec(s)), s)).toBe(0);
  });

  test.prop([dec])("floor <= value <= ceil, and they differ by at most one", (a) => {
    const f = toWholeDec(a, "floor");
    const c = toWholeDec(a, "ceil");
    expect(cmpDec({ units: f, scale: 0 }, a) <= 0 && cmpDec(a, { units: c, scale: 0 }) <= 0).toBe(true);
    expect(c - f <= 1n).toBe(true);
  });
});
