// Goal: each allocation method reproduces the published and worked figures exactly, in whole
// allowances, and says how it got there.
import { describe, expect, it } from "vitest";
import { benchmarkAllocation, grandfathering, intensityTrueUp, lineAmount, newEntrant, outputBased, TOP_LEVEL_FACTORS } from "./methods.ts";
import { frac, mul, ratio, show, toWhole } from "./ratio.ts";
import { applyGateway } from "./gateway.ts";

const whole = (a: { amount: Parameters<typeof toWhole>[0] }) => toWhole(a.amount);

describe("exact ratios", () => {
  it("reads decimals as their text, not as binary floats", () => {
    expect(ratio(0.877)).toEqual({ n: 877n, d: 1000n });
    expect(ratio("1.5e-3")).toEqual({ n: 3n, d: 2000n });
    expect(ratio(1e21)).toEqual({ n: 10n ** 21n, d: 1n });
    expect(show(frac(1, 3))).toBe("~0.333333");
    expect(show(ratio("0.0174"))).toBe("0.0174");
    expect(() => ratio("abc")).toThrow(/not a decimal/);
  });
});

describe("DOMAIN.md section 2 worked example: firms A and B", () => {
  // Both emitted 100 t; A made 50 units at 2 t/unit, B made 25 units at 4 t/unit.
  const bm = ratio(2);
  it("a benchmark of 2 t/unit gives A 100 and B 50 (past effort rewarded)", () => {
    const a = benchmarkAllocation({ lines: [{ id: "A", product: { name: "widget", benchmark: bm, activity: ratio(50) } }] });
    const b = benchmarkAllocation({ lines: [{ id: "B", product: { name: "widget", benchmark: bm, activity: ratio(25) } }] });
    expect(whole(a)).toBe(100n);
    expect(whole(b)).toBe(50n);
    expect(a.explanation.method).toBe("benchmark");
    expect(a.explanation.lines[0]).toMatch(/widget benchmark 2 x activity 50 = 100/);
  });
  it("grandfathering at 10% gives both 90", () => {
    for (const id of ["A", "B"]) {
      const g = grandfathering({ baseline: ratio(100), reductionRate: ratio(0.1), className: id });
      expect(whole(g)).toBe(90n);
      expect(g.explanation.factors[0]).toEqual({ name: `reduction rate (class ${id})`, value: "0.1", label: { key: "alloc.factor.reductionRateClass", params: { class: id } } });
    }
  });
});

describe("Tokyo compliance factors and top-level facilities", () => {
  // Compliance factors P1 8%/6%, P2 17%/15%, P3 27%/25% (TMG, metro.tokyo.lg.jp; ICAP fact
  // sheet); top-level x 1/2, near-top x 3/4 (TMG detailed document 3(14)-(16)).
  const base = ratio(10_000);
  it.each([
    ["P1 offices", "0.08", 9_200n],
    ["P1 factories", "0.06", 9_400n],
    ["P2 offices", "0.17", 8_300n],
    ["P2 factories", "0.15", 8_500n],
    ["P3 offices", "0.27", 7_300n],
    ["P3 factories", "0.25", 7_500n],
  ])("%s: 10,000 t x (1 - %s) = %d", (_l, rate, want) => {
    expect(whole(grandfathering({ baseline: base, reductionRate: ratio(rate) }))).toBe(want);
  });
  it("top-level halves the rate, near-top takes three quarters", () => {
    const rate = ratio("0.08");
    expect(whole(grandfathering({ baseline: base, reductionRate: mul(rate, TOP_LEVEL_FACTORS.top) }))).toBe(9_600n);
    expect(whole(grandfathering({ baseline: base, reductionRate: mul(rate, TOP_LEVEL_FACTORS["near-top"]) }))).toBe(9_400n);
  });
  it("Germany phase 2: the industry factor 0.9875 multiplies the result", () => {
    const g = grandfathering({ baseline: ratio(80_000), reductionRate: ratio(0), factors: [{ name: "industry factor", value: ratio("0.9875") }] });
    expect(whole(g)).toBe(79_000n);
  });
});

describe("benchmarks", () => {
  it("China power: 1,000,000 MWh x 0.877 t/MWh = 877,000 (ICAP, 2019-20 allocation plan)", () => {
    const a = benchmarkAllocation({ lines: [{ id: "coal-unit-1", product: { name: "coal > 300 MW", benchmark: ratio(0.877), activity: ratio(1_000_000), unit: "MWh" } }] });
    expect(whole(a)).toBe(877_000n);
  });
  it("China power with correction factors multiplies them in (cooling 0.99 here)", () => {
    const a = benchmarkAllocation({ lines: [{ id: "u", product: { name: "gas", benchmark: ratio(0.392), activity: ratio(1_000_000), factors: [{ name: "cooling", value: ratio("0.99") }] } }] });
    expect(whole(a)).toBe(388_080n);
  });
  it("fall-backs apply in the order heat, fuel, process", () => {
    const heat = { activity: ratio(100), benchmark: ratio(62.3) };
    const fuel = { activity: ratio(100), benchmark: ratio(56.1) };
    const process = { emissions: ratio(1000), factor: ratio(0.97) };
    expect(lineAmount({ id: "x", heat, fuel, process }).approach).toBe("heat");
    expect(lineAmount({ id: "x", fuel, process }).approach).toBe("fuel");
    expect(toWhole(lineAmount({ id: "x", process }).amount)).toBe(970n);
    expect(toWhole(lineAmount({ id: "x", heat }).amount)).toBe(6230n);
    expect(() => lineAmount({ id: "x" })).toThrow(/no product benchmark/);
  });
  it("a mixed site adds benchmarked lines and the grandfathered rest", () => {
    const a = benchmarkAllocation({
      lines: [{ id: "kiln", product: { name: "clinker", benchmark: ratio(0.766), activity: ratio(1000) } }],
      rest: { baseline: ratio(200), reductionRate: ratio(0.1) },
    });
    expect(whole(a)).toBe(766n + 180n);
    expect(a.explanation.method).toBe("benchmark+grandfathering");
    expect(a.explanation.lines.some((l) => l.startsWith("[rest]"))).toBe(true);
  });
  it("new entrants: capacity x standard utilisation x benchmark", () => {
    expect(whole(newEntrant({ product: "clinker", capacity: ratio(1_000_000), utilisation: ratio(0.8), benchmark: ratio(0.766) }))).toBe(612_800n);
  });
});

describe("output-based allocation and intensity targets", () => {
  it("KL bill: average output of the two previous years x sector intensity", () => {
    const a = outputBased({ year: 2014, previousOutputs: [{ year: 2013, output: ratio(1000) }, { year: 2012, output: ratio(1100) }], intensity: ratio(0.5), sector: "cement" });
    expect(whole(a)).toBe(525n);
    expect(a.explanation.lines[0]).toMatch(/2013 1000, 2012 1100: average 1050/);
  });
  it("ex-post true-up: over-achievement issued (floor), shortfall owed (rounded up)", () => {
    expect(intensityTrueUp({ target: ratio(0.5), output: ratio(1001), emissions: ratio(400) }).balance).toBe(100n);
    expect(intensityTrueUp({ target: ratio(0.5), output: ratio(1001), emissions: ratio(600) }).balance).toBe(-100n);
  });
  it("the gateway lets through at most the limit of net flow, in order, cutting the request at the limit", () => {
    const g = applyGateway([{ participant: "P1", quantity: 60n }, { participant: "P2", quantity: 60n }, { participant: "P3", quantity: 10n }], -100n, 0n);
    expect(g.accepted.map((a) => a.accepted)).toEqual([60n, 40n, 0n]);
    expect(g.netFlow).toBe(0n);
    expect(g.closed).toBe(true);
    expect(applyGateway([{ participant: "P1", quantity: 5n }], -100n).closed).toBe(false);
  });
});
