// Goal: the formatters give each language its own way of writing numbers, money, dates and years
// (Japanese fiscal years as 年度), keep every digit of 10^15 units, and never throw on odd input.
import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime, formatMoney, formatMonth, formatNumber, formatPercent, formatQuantity, formatYear, schemeYearOf } from "./format.ts";

describe("formatters", () => {
  it("units keep every digit and group by the locale", () => {
    expect(formatQuantity("en", "1000000000000000")).toBe("1,000,000,000,000,000");
    expect(formatQuantity("ja", "123456789")).toBe("123,456,789");
    expect(formatQuantity("en", 42n)).toBe("42");
    expect(formatQuantity("en", "not a number")).toBe("not a number");
  });
  it("money in the currency's own decimals", () => {
    expect(formatMoney("ja", 4300, "JPY")).toBe("￥4,300");
    expect(formatMoney("en", 4300, "JPY")).toBe("¥4,300");
    expect(formatMoney("en", 23.3333, "EUR")).toBe("€23.33");
    expect(formatMoney("en", Number.NaN, "EUR")).toBe("-");
  });
  it("model figures and shares", () => {
    expect(formatNumber("en", 1234.5678)).toBe("1,234.57");
    expect(formatNumber("en", Number.POSITIVE_INFINITY)).toBe("∞");
    expect(formatPercent("ja", 0.255)).toBe("25.5%");
  });
  it("dates in a given zone, with the zone named", () => {
    expect(formatDateTime("en", "2026-04-01T00:30:00Z", "Asia/Tokyo")).toBe("Apr 1, 2026, 09:30 GMT+9");
    expect(formatDateTime("ja", "2026-04-01T00:30:00Z", "Asia/Tokyo")).toBe("2026年4月1日 09:30 JST");
    expect(formatDate("ja", "2026-03-31T20:00:00Z", "Asia/Tokyo")).toBe("2026/04/01");
    expect(formatDateTime("en", "yesterday", "UTC")).toBe("yesterday");
  });
  it("months and scheme years", () => {
    expect(formatMonth("en", "2026-04")).toBe("Apr 2026");
    expect(formatMonth("ja", "2026-04")).toBe("2026年4月");
    expect(formatYear("ja", 2026, true)).toBe("2026年度");
    expect(formatYear("en", 2026, true)).toBe("FY2026");
    expect(formatYear("ja", 2026, false)).toBe("2026");
    expect(schemeYearOf("2027-03", 4)).toBe(2026);
    expect(() => schemeYearOf("March", 4)).toThrow(RangeError);
  });
});
