// Goal: the console's one decimal sum (web/src/decimal.ts, used for the totals of the ceiling
// payments and sales pages) is exact and agrees with the domain's (src/domain/quantity/decimal.ts,
// sumDec) on any list of decimal strings: a differential test, so the two copies cannot drift.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decimal, formatFixed, sumDec } from "../../src/domain/quantity/decimal.ts";
import { sumDecimals } from "../../web/src/decimal.ts";

const decimalText = fc
  .tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.integer({ min: 0, max: 6 }))
  .map(([neg, units, places]) => {
    const digits = units.toString().padStart(places + 1, "0");
    const text = places === 0 ? digits : `${digits.slice(0, -places)}.${digits.slice(-places)}`;
    return neg && units !== 0n ? `-${text}` : text;
  });

describe("sumDecimals", () => {
  it("sums exactly, keeping the most places any value has", () => {
    expect(sumDecimals(["215000", "430000"])).toBe("645000");
    expect(sumDecimals(["12.5", "0.25", "3"])).toBe("15.75");
    expect(sumDecimals(["0.1", "0.2"])).toBe("0.3");
    expect(sumDecimals(["-0.75", "0.5"])).toBe("-0.25");
    expect(sumDecimals(["99999999999999999999.99", "0.01"])).toBe("100000000000000000000.00");
    expect(sumDecimals([])).toBe("0");
  });

  it("refuses a string that is not a plain decimal rather than guess", () => {
    expect(() => sumDecimals(["1e3"])).toThrow(/not a decimal/);
    expect(() => sumDecimals(["12,5"])).toThrow(/not a decimal/);
  });

  it("agrees with the domain's sumDec on any list", () => {
    fc.assert(
      fc.property(fc.array(decimalText, { maxLength: 20 }), (xs) => {
        const places = Math.max(0, ...xs.map((x) => x.split(".")[1]?.length ?? 0));
        expect(sumDecimals(xs)).toBe(formatFixed(sumDec(xs.map((x) => decimal(x))), places));
      }),
    );
  });
});
