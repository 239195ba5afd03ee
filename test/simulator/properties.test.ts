// Goal: properties of the equilibrium on random deterministic scenarios (fast-check; a failure
// prints its seed): Hotelling while the bank is positive, monotonicity in the cap, borrowing never
// costs more, allowances conserved every year.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "./helpers.ts";
import type { Scenario } from "../../src/simulator/scenario.ts";
import { arbitrageWarnings, simulate } from "../../src/simulator/simulate.ts";
import type { SimulationResult } from "../../src/simulator/simulate.ts";

const facilityArb = fc.record({
  bau: fc.integer({ min: 20, max: 200 }),
  mac: fc.oneof(
    fc.record({ linear: fc.record({ slope: fc.double({ min: 0.2, max: 5, noNaN: true }) }) }),
    fc.record({ steps: fc.array(fc.record({ quantity: fc.integer({ min: 1, max: 60 }), cost: fc.integer({ min: 1, max: 120 }) }), { minLength: 1, maxLength: 4 }) }),
  ),
}).map((f) => ("steps" in f.mac ? { ...f, mac: { steps: [...f.mac.steps, { quantity: f.bau, cost: 130 }] } } : f));

const scenarioArb = fc
  .record({
    n: fc.integer({ min: 2, max: 5 }),
    facilities: fc.array(facilityArb, { minLength: 1, maxLength: 5 }),
    capShare: fc.array(fc.double({ min: 0.3, max: 1.1, noNaN: true }), { minLength: 5, maxLength: 5 }),
    r: fc.double({ min: 0, max: 0.15, noNaN: true }),
    ceiling: fc.option(fc.integer({ min: 30, max: 150 }), { nil: undefined }),
    floor: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
    reserve: fc.option(fc.record({ trigger: fc.integer({ min: 20, max: 100 }), quantity: fc.integer({ min: 1, max: 50 }) }), { nil: undefined }),
    offsets: fc.option(fc.record({ price: fc.integer({ min: 5, max: 80 }), limitShare: fc.double({ min: 0, max: 0.3, noNaN: true }) }), { nil: undefined }),
    freeShare: fc.double({ min: 0, max: 0.8, noNaN: true }),
    initialBank: fc.integer({ min: 0, max: 50 }),
  })
  .map((x) => {
    const bau = x.facilities.reduce((a, f) => a + f.bau, 0);
    const cap = x.capShare.slice(0, x.n).map((c, t) => Math.round(bau * c * (1 - 0.05 * t)));
    const v: Record<string, unknown> = {
      years: { from: 2030, to: 2030 + x.n - 1 },
      discountRate: x.r,
      cap,
      initialBank: x.initialBank,
      facilities: x.facilities.map((f, i) => ({ id: `f${i}`, bau: f.bau, mac: f.mac, freeAllocation: Math.floor((f.bau * x.freeShare * Math.min(...cap)) / bau) })),
    };
    if (x.ceiling !== undefined) v.priceCeiling = x.ceiling;
    if (x.floor !== undefined) v.priceFloor = Math.min(x.floor, x.ceiling ?? Infinity);
    if (x.reserve !== undefined) v.reserve = [x.reserve];
    if (x.offsets !== undefined) v.offsets = x.offsets;
    return v;
  });

function conserved(s: Scenario, r: SimulationResult): void {
  let bank = s.initialBank;
  for (const y of r.years) {
    const scale = Math.max(1, y.cap, y.emissions);
    const inflow = y.freeAllocation + y.auctioned + y.reserveSales + y.ceilingSales + y.offsetsUsed;
    expect(Math.abs(bank + y.interest + inflow - y.emissions - y.expired - y.bank)).toBeLessThan(1e-7 * scale);
    expect(Math.abs(y.freeAllocation + y.auctioned + y.unsold + y.msrIntake - y.msrRelease - y.cap)).toBeLessThan(1e-7 * scale);
    expect(y.bank).toBeGreaterThan(-1e-7 * scale);
    bank = y.bank;
  }
}

const PARAMS = { numRuns: 120, seed: 20261201 };

describe("equilibrium properties", () => {
  it("allowances are conserved every year and the bank never goes negative without borrowing", () => {
    fc.assert(
      fc.property(scenarioArb, (v) => {
        const s = parse(v);
        const r = simulate(s);
        conserved(s, r);
        // the aggregate curve's cost equals the sum over facilities (differential check)
        const fast = simulate(s, { facilities: false });
        fast.years.forEach((y, t) => expect(y.abatementCost).toBeCloseTo(r.years[t]!.abatementCost, 6));
      }),
      PARAMS,
    );
  });

  it("while the bank is positive the price rises by exactly 1 + r (below the ceiling)", () => {
    fc.assert(
      fc.property(scenarioArb, (v) => {
        const s = parse(v);
        const r = simulate(s);
        for (let t = 0; t + 1 < r.years.length; t++) {
          const y = r.years[t]!;
          const next = r.years[t + 1]!;
          if (y.bank > 1e-6 * Math.max(1, y.cap) && y.price > 0) {
            expect(next.price / y.price).toBeCloseTo(1 + s.discountRate, 9);
          }
        }
      }),
      PARAMS,
    );
  });

  it("raising any cap never raises any price", () => {
    fc.assert(
      fc.property(scenarioArb, fc.nat(4), fc.integer({ min: 1, max: 100 }), (v, at, extra) => {
        const s = parse(v);
        const caps = [...(v.cap as number[])];
        const i = at % caps.length;
        caps[i] = (caps[i] as number) + extra;
        const base = simulate(s);
        const more = simulate(parse({ ...v, cap: caps }));
        more.years.forEach((y, t) => expect(y.price).toBeLessThanOrEqual(base.years[t]!.price * (1 + 1e-9) + 1e-9));
      }),
      PARAMS,
    );
  });

  it("borrowing (limited, with or without interest, or unlimited) never costs more than no borrowing (cap only: no supply that responds to price)", () => {
    fc.assert(
      fc.property(scenarioArb, fc.double({ min: 0, max: 0.5, noNaN: true }), (full, share) => {
        const { priceCeiling: _c, priceFloor: _f, reserve: _r, offsets: _o, ...v } = full;
        const none = simulate(parse(v));
        for (const borrowing of ["unlimited", { limitShare: share, interestRate: 0 }, { limitShare: share, interestRate: 0.05 }]) {
          const r = simulate(parse({ ...v, borrowing }));
          expect(r.abatementCostPv).toBeLessThanOrEqual(none.abatementCostPv * (1 + 1e-9) + 1e-6);
        }
      }),
      PARAMS,
    );
  });
});

describe("arbitrage check", () => {
  it("finds no violation on equilibria, with or without interest, and flags a path that breaks one", () => {
    fc.assert(
      fc.property(scenarioArb, (v) => {
        expect(simulate(parse(v)).warnings).toEqual([]);
        expect(simulate(parse({ ...v, borrowing: "unlimited" })).warnings).toEqual([]);
      }),
      { numRuns: 60, seed: 11 },
    );
    // with interest: a bank at the zero kink, prices 80, 80, 80/1.03, 80 as HiGHS finds them
    const kink = simulate(
      parse({
        years: { from: 2030, to: 2033 }, discountRate: 0.03, borrowing: { limitShare: 0.3, interestRate: 0.08 },
        cap: [35.11222273, 33.36944546, 105.11672086, 52.0251776], initialBank: 36.2891,
        facilities: [{ id: "f0", bau: 117, mac: { steps: [{ quantity: 50, cost: 133 }, { quantity: 73, cost: 103 }, { quantity: 69, cost: 77 }, { quantity: 66, cost: 133 }, { quantity: 75, cost: 120 }, { quantity: 117, cost: 170 }] }, freeAllocation: 23.4 }],
        priceCeiling: 136, reserve: [{ trigger: 24, quantity: 10 }], offsets: { price: 50, limitShare: 0.1 },
      }),
    );
    expect(kink.warnings).toEqual([]);
    expect(kink.years.map((y) => y.price)).toEqual([expect.closeTo(80, 9), expect.closeTo(80, 9), expect.closeTo(80 / 1.03, 9), expect.closeTo(80, 9)]);
    // a scenario the earlier segment search with interest got wrong; HiGHS: 110 110 110 101.852
    const r = simulate(
      parse({
        years: { from: 2030, to: 2033 }, discountRate: 0, borrowing: { limitShare: 0.3, interestRate: 0.08 },
        cap: [361.9100270299991, 132.31474719461102, 146.81599074340275, 229.3399396147853], initialBank: 3.2891,
        facilities: [
          { id: "f0", bau: 191, mac: { steps: [{ quantity: 3, cost: 42 }, { quantity: 24, cost: 42 }, { quantity: 11, cost: 30 }, { quantity: 191, cost: 170 }] } },
          { id: "f1", bau: 138, mac: { steps: [{ quantity: 61, cost: 110 }, { quantity: 57, cost: 129 }, { quantity: 44, cost: 46 }, { quantity: 26, cost: 88 }, { quantity: 138, cost: 171 }] } },
        ],
      }),
    );
    expect(r.warnings).toEqual([]);
    expect(r.years.map((y) => y.price)).toEqual([expect.closeTo(110, 6), expect.closeTo(110, 6), expect.closeTo(110, 6), expect.closeTo(110 / 1.08, 6)]);
    // the check itself flags the path that search produced: a flat price over a negative bank,
    // where borrowing at 8% needs the price to fall by 1/1.08
    const wrong = r.years.map((y, t) => ({ ...y, price: 110, bank: t === 2 ? -20 : y.bank }));
    const flagged = arbitrageWarnings(wrong, 0, r.years.map((y) => 0.3 * y.cap), 0.08, true);
    expect(flagged).toHaveLength(1);
    expect(flagged[0]).toMatch(/^2032->2033: the price changes by 1\.000000 with a bank of -20\.0000/);
  });
});
