// Goal: obligations, deadlines, unit eligibility and the surrender plan follow the rulebook:
// banking and borrowing rules, credit limits as shares of the obligation, allocation or required
// reduction, exchange rates, China's gas-fired cap, late surrender; each violated rule refused
// with its 92xx code. Property: surrendered credits never exceed any limit, and a proposed plan
// is always one the rules accept.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  assessHoldings,
  compliancePeriod,
  complianceStatus,
  deadlineOf,
  evaluateSurrender,
  obligationFor,
  proposeSurrender,
} from "../../src/domain/compliance/index.ts";
import type { Obligation, PeriodSpan, SurrenderLine, UnitClassRef } from "../../src/domain/compliance/index.ts";
import type { EmissionsState } from "../../src/domain/mrv/index.ts";
import type { Rulebook } from "../../src/domain/rulebook/index.ts";
import { loadRulebook } from "../../src/io/rulebook.ts";

const verified = (tonnes: number): EmissionsState => ({ state: "verified", tonnes: BigInt(tonnes), version: 1, opinion: "positive" });

function oblige(rb: Rulebook, periodId: string, tonnes: number, extra: { freeAllocation?: bigint; facilityCap?: bigint; requiredReduction?: bigint; product?: string } = {}): Obligation {
  const p = compliancePeriod(rb, periodId);
  if ("ok" in p) throw new Error(p.message);
  const period: PeriodSpan = p;
  const emissions = [];
  const years = period.to - period.from + 1;
  for (let y = period.from; y <= period.to; y++) emissions.push({ year: y, state: verified(y === period.from ? tonnes - Math.floor(tonnes / years) * (years - 1) : Math.floor(tonnes / years)) });
  const { product, ...rest } = extra;
  const o = obligationFor(rb, { installation: { installation: "I1", ...(product ? { product } : {}) }, period, emissions, ...rest });
  if ("ok" in o) throw new Error(o.message);
  return o;
}

const allowance = (scheme: string, vintage: number, quantity: number): SurrenderLine => ({ class: { unitType: "allowance", scheme, vintage }, quantity: BigInt(quantity) });
const credit = (unitType: string, quantity: number, extra: Partial<UnitClassRef> = {}): SurrenderLine => ({ class: { unitType, scheme: "UN", ...extra }, quantity: BigInt(quantity) });

describe("obligations and deadlines", () => {
  it("EU: one year, deadline 30 April of the next year; Tokyo: five fiscal years, deadline end of September two years later (presets)", () => {
    const eu = loadRulebook("eu-ets-phase2");
    expect(deadlineOf(eu, compliancePeriod(eu, "2010") as PeriodSpan)).toBe("2011-04-30");
    const tokyo = loadRulebook("tokyo");
    const p1 = compliancePeriod(tokyo, "P1") as PeriodSpan;
    expect(p1).toEqual({ id: "P1", from: 2010, to: 2014 });
    expect(deadlineOf(tokyo, p1)).toBe("2016-09-30"); // [V] research 5.2: P1 deadline end of September 2016
    expect(compliancePeriod(tokyo, "P9")).toMatchObject({ ok: false, code: 9301 });
    const gx = loadRulebook("japan-gx-ets"); // fiscal year from April: a January deadline falls in the next calendar year
    expect(deadlineOf(gx, compliancePeriod(gx, "2026") as PeriodSpan)).toBe("2028-01-31");
  });

  it("refuses an obligation whose emissions are not determined (9302), and the status is then not verified", () => {
    const eu = loadRulebook("eu-ets-phase2");
    const period = compliancePeriod(eu, "2010") as PeriodSpan;
    const o = obligationFor(eu, { installation: { installation: "I1" }, period, emissions: [{ year: 2010, state: { state: "not-verified", reason: "negative-opinion", version: 1 } }] });
    expect(o).toMatchObject({ ok: false, code: 9302 });
    expect(complianceStatus(o as never, 0n, "2011-05-01", "2011-04-30").status).toBe("not-verified");
  });

  it("status after the deadline: compliant, short, estimated; open before it", () => {
    const eu = loadRulebook("eu-ets-phase2");
    const o = oblige(eu, "2010", 1000);
    expect(complianceStatus(o, 1000n, "2011-05-01")).toMatchObject({ status: "compliant", shortfall: 0n });
    expect(complianceStatus(o, 400n, "2011-05-01")).toMatchObject({ status: "short", shortfall: 600n });
    expect(complianceStatus(o, 0n, "2011-04-30")).toMatchObject({ status: "open" });
    const period = compliancePeriod(eu, "2010") as PeriodSpan;
    const est = obligationFor(eu, { installation: { installation: "I1" }, period, emissions: [{ year: 2010, state: { state: "estimated", tonnes: 1200n, method: "authority" } }] }) as Obligation;
    expect(complianceStatus(est, 1200n, "2011-05-01")).toMatchObject({ status: "estimated", shortfall: 0n, due: 1200n });
  });

  it("China 2019-20: a gas-fired unit owes nothing beyond its free allocation; coal at most allocation + 20% of emissions (ICAP node/731; 20% [R])", () => {
    const cn = loadRulebook("china-national-power");
    expect(oblige(cn, "cycle1", 1000, { freeAllocation: 800n, product: "gas" }).due).toBe(800n);
    expect(oblige(cn, "cycle1", 1000, { freeAllocation: 700n, product: "coal-above-300mw" }).due).toBe(900n);
    expect(oblige(cn, "cycle1", 1000, { freeAllocation: 900n, product: "coal-above-300mw" }).due).toBe(1000n);
  });

  it("Tokyo: only the excess over the facility cap is owed; the rest is a surplus", () => {
    const tokyo = loadRulebook("tokyo");
    expect(oblige(tokyo, "P1", 50000, { facilityCap: 46000n })).toMatchObject({ due: 4000n, surplus: 0n, kind: "excess-over-cap" });
    expect(oblige(tokyo, "P1", 40000, { facilityCap: 46000n })).toMatchObject({ due: 0n, surplus: 6000n });
  });
});

describe("eligibility and the surrender plan", () => {
  const eu = loadRulebook("eu-ets-phase2");

  it("EU phase 2: allowances of the period count; phase 1 vintages never (9204); other schemes' allowances not (9214); AAUs not (9201); future vintages not (9202)", () => {
    const o = oblige(eu, "2010", 1000);
    expect(evaluateSurrender({ rulebook: eu, obligation: o }, [allowance("EU", 2009, 600), allowance("EU", 2010, 400)])).toMatchObject({ ok: true, covered: 1000n, remaining: 0n });
    expect(evaluateSurrender({ rulebook: eu, obligation: o }, [allowance("EU", 2007, 10)])).toMatchObject({ ok: false, code: 9204 });
    expect(evaluateSurrender({ rulebook: eu, obligation: o }, [allowance("RGGI", 2010, 10)])).toMatchObject({ ok: false, code: 9214 });
    expect(evaluateSurrender({ rulebook: eu, obligation: o }, [credit("AAU", 10)])).toMatchObject({ ok: false, code: 9201 });
    expect(evaluateSurrender({ rulebook: eu, obligation: o }, [allowance("EU", 2011, 10)])).toMatchObject({ ok: false, code: 9202 });
    expect(evaluateSurrender({ rulebook: eu, obligation: o }, [allowance("EU", 2010, 0)])).toMatchObject({ ok: false, code: 9213 });
  });

  it("EU phase 1: no banking into phase 2 (9203); holdings bound the request (9211)", () => {
    const p1 = loadRulebook("eu-ets-phase1");
    const p = { ...p1, periods: [...p1.periods, { id: "phase2", from: 2008, to: 2012 }] } as Rulebook;
    const o = oblige(p, "2008", 100);
    expect(evaluateSurrender({ rulebook: p, obligation: o }, [allowance("EU", 2007, 10)])).toMatchObject({ ok: false, code: 9203 });
    const o1 = oblige(p1, "2006", 100);
    expect(evaluateSurrender({ rulebook: p1, obligation: o1, holdings: [allowance("EU", 2006, 50)] }, [allowance("EU", 2006, 60)])).toMatchObject({ ok: false, code: 9211, facts: { available: "50" } });
  });

  it("EU phase 2: CERs and ERUs together at most 22% of the free allocation (Germany, [R] preset)", () => {
    const o = oblige(eu, "2010", 1000, { freeAllocation: 1000n });
    expect(evaluateSurrender({ rulebook: eu, obligation: o }, [credit("CER", 200), credit("ERU", 20)])).toMatchObject({ ok: true, covered: 220n });
    expect(evaluateSurrender({ rulebook: eu, obligation: o }, [credit("CER", 200), credit("ERU", 21)])).toMatchObject({ ok: false, code: 9206, facts: { max: "220", used: "221" } });
    // earlier surrenders of the period count toward the limit
    const first = evaluateSurrender({ rulebook: eu, obligation: o }, [credit("CER", 200)]);
    if (!first.ok) throw new Error(first.message);
    expect(evaluateSurrender({ rulebook: eu, obligation: o, previous: first.lines }, [credit("ERU", 21)])).toMatchObject({ ok: false, code: 9206 });
  });

  it("KL bill: next year's allowances free; 2-5 years ahead up to 15% at 8% compound interest (9209, 9210); foreign credits 25% at 1:1.25 (9205, 9215)", () => {
    const kl = loadRulebook("us-kl-bill");
    const o = oblige(kl, "2020", 1000);
    const plan = evaluateSurrender({ rulebook: kl, obligation: o }, [allowance("us-kl-bill", 2021, 500), allowance("us-kl-bill", 2023, 150)]);
    // 150 borrowed 3 years ahead: 150 x (1.08^3 - 1) = 150 x 0.259712 = 38.9568 -> 39 (rounded up)
    expect(plan).toMatchObject({ ok: true, covered: 650n, interestOwed: 39n, lines: [{ category: "borrowed-free" }, { category: "borrowed-limited", yearsAhead: 3, interest: 39n }] });
    expect(evaluateSurrender({ rulebook: kl, obligation: o }, [allowance("us-kl-bill", 2023, 151)])).toMatchObject({ ok: false, code: 9209 });
    expect(evaluateSurrender({ rulebook: kl, obligation: o }, [allowance("us-kl-bill", 2026, 1)])).toMatchObject({ ok: false, code: 9210 });
    expect(evaluateSurrender({ rulebook: kl, obligation: o }, [credit("international-offset", 250)])).toMatchObject({ ok: true, covered: 200n });
    expect(evaluateSurrender({ rulebook: kl, obligation: o }, [credit("international-offset", 251)])).toMatchObject({ ok: false, code: 9215, facts: { lower: "250", higher: "255" } });
    expect(evaluateSurrender({ rulebook: kl, obligation: o }, [credit("international-offset", 315)])).toMatchObject({ ok: false, code: 9205, facts: { max: "250", used: "252" } });
    expect(evaluateSurrender({ rulebook: kl, obligation: o }, [credit("domestic-offset", 1000)])).toMatchObject({ ok: true, covered: 1000n });
  });

  it("Tokyo: credits from outside Tokyo cover at most one third of the required reduction (iepd); exactly, not 0.333...", () => {
    const tokyo = loadRulebook("tokyo");
    const o = oblige(tokyo, "P1", 50000, { facilityCap: 46000n, requiredReduction: 3000n });
    expect(evaluateSurrender({ rulebook: tokyo, obligation: o }, [credit("outside-tokyo", 1000)])).toMatchObject({ ok: true, covered: 1000n });
    expect(evaluateSurrender({ rulebook: tokyo, obligation: o }, [credit("outside-tokyo", 1001)])).toMatchObject({ ok: false, code: 9207, facts: { max: "1000" } });
  });

  it("RGGI: offsets at most 3.3% of the obligation, and from outside the region two credits per allowance (DOMAIN.md section 4)", () => {
    const rggi = loadRulebook("rggi");
    const o = oblige(rggi, "cp5", 10000); // three-year control period 2021-23
    expect(evaluateSurrender({ rulebook: rggi, obligation: o }, [credit("rggi-offset", 330, { scheme: "RGGI" })])).toMatchObject({ ok: true, covered: 330n });
    expect(evaluateSurrender({ rulebook: rggi, obligation: o }, [credit("rggi-offset", 331, { scheme: "RGGI" })])).toMatchObject({ ok: false, code: 9205 });
    expect(evaluateSurrender({ rulebook: rggi, obligation: o }, [credit("rggi-offset", 660, { scheme: "outside-region" })])).toMatchObject({ ok: true, covered: 330n });
    expect(evaluateSurrender({ rulebook: rggi, obligation: o }, [credit("rggi-offset", 3, { scheme: "outside-region" })])).toMatchObject({ ok: false, code: 9215 });
    expect(evaluateSurrender({ rulebook: rggi, obligation: oblige(rggi, "cp7", 10000) }, [credit("rggi-offset", 1, { scheme: "RGGI" })])).toMatchObject({ ok: true }); // no limit listed after 2026
  });

  it("GX-ETS: J-Credits and JCM credits count, together at most 10% of the obligation ([R] preset; eligibility [V] Shulman 2024)", () => {
    const gx = loadRulebook("japan-gx-ets");
    const o = oblige(gx, "2026", 1000);
    expect(evaluateSurrender({ rulebook: gx, obligation: o }, [credit("J-Credit", 60, { scheme: "JP" }), credit("JCM", 40, { scheme: "JCM", hostCountry: "TH" })])).toMatchObject({ ok: true, covered: 100n });
    expect(evaluateSurrender({ rulebook: gx, obligation: o }, [credit("J-Credit", 60, { scheme: "JP" }), credit("JCM", 41, { scheme: "JCM" })])).toMatchObject({ ok: false, code: 9205 });
    expect(evaluateSurrender({ rulebook: gx, obligation: o }, [credit("CER", 1)])).toMatchObject({ ok: false, code: 9201 });
  });

  it("a rulebook that refuses late surrender refuses it after the deadline (9212)", () => {
    const strict = { ...eu, compliance: { ...eu.compliance!, lateSurrender: "refused" as const } };
    const o = oblige(strict, "2010", 10);
    expect(evaluateSurrender({ rulebook: strict, obligation: o, asOf: "2011-05-01" }, [allowance("EU", 2010, 10)])).toMatchObject({ ok: false, code: 9212 });
    expect(evaluateSurrender({ rulebook: strict, obligation: o, asOf: "2011-04-30" }, [allowance("EU", 2010, 10)])).toMatchObject({ ok: true });
    expect(evaluateSurrender({ rulebook: eu, obligation: oblige(eu, "2010", 10), asOf: "2011-05-01" }, [allowance("EU", 2010, 10)])).toMatchObject({ ok: true });
  });

  it("a proposal uses credits up to their limit, then banked and current allowances, oldest first, and borrows only when asked", () => {
    const kl = loadRulebook("us-kl-bill");
    const o = oblige(kl, "2020", 1000);
    const holdings = [allowance("us-kl-bill", 2020, 300), allowance("us-kl-bill", 2018, 200), credit("international-offset", 2000), allowance("us-kl-bill", 2023, 500)];
    const p = proposeSurrender({ rulebook: kl, obligation: o }, holdings);
    expect(p).toMatchObject({ ok: true, covered: 748n, remaining: 252n });
    if (!p.ok) return;
    expect(p.lines.map((l) => [l.category, l.class.vintage ?? l.class.unitType, l.quantity])).toEqual([
      ["credit", "international-offset", 310n], // 248 allowances x 1.25: the largest multiple of 4 (5 credits = 4 allowances) within the 25% limit of 250
      ["banked", 2018, 200n],
      ["allowance", 2020, 300n],
    ]);
    const b = proposeSurrender({ rulebook: kl, obligation: o }, holdings, { allowBorrowing: true });
    expect(b).toMatchObject({ ok: true, covered: 898n, remaining: 102n }); // borrowing capped at 15% = 150
  });
});

describe("assessing holdings", () => {
  it("says per class what counts, how much, under which limit, or which rule keeps it out", () => {
    const kl = loadRulebook("us-kl-bill");
    const o = oblige(kl, "2020", 1000);
    const a = assessHoldings({ rulebook: kl, obligation: o }, [credit("international-offset", 2000), allowance("us-kl-bill", 2019, 10), allowance("us-kl-bill", 2030, 10), credit("VER", 5)]);
    expect(a.map((x) => x.counts)).toEqual([
      { ok: true, category: "credit", rate: "5/4", value: 1600n, limitedTo: 250n },
      { ok: true, category: "banked", rate: "1", value: 10n },
      expect.objectContaining({ ok: false, code: 9210 }),
      expect.objectContaining({ ok: false, code: 9201 }),
    ]);
  });
});

describe("property: credits never exceed any limit", () => {
  const kl = loadRulebook("us-kl-bill");
  const eu = loadRulebook("eu-ets-phase2");
  const classes: SurrenderLine["class"][] = [
    { unitType: "international-offset", scheme: "UN" },
    { unitType: "domestic-offset", scheme: "US" },
    { unitType: "allowance", scheme: "us-kl-bill", vintage: 2019 },
    { unitType: "allowance", scheme: "us-kl-bill", vintage: 2020 },
    { unitType: "allowance", scheme: "us-kl-bill", vintage: 2022 },
    { unitType: "CER", scheme: "UN" },
    { unitType: "ERU", scheme: "UN" },
    { unitType: "allowance", scheme: "EU", vintage: 2010 },
  ];
  const lines = fc.array(fc.record({ c: fc.integer({ min: 0, max: classes.length - 1 }), q: fc.bigInt({ min: 1n, max: 3000n }) }), { minLength: 1, maxLength: 8 });
  const setup = fc.record({ which: fc.constantFrom("kl", "eu"), due: fc.integer({ min: 1, max: 5000 }), alloc: fc.bigInt({ min: 0n, max: 5000n }), lines, holdings: lines });

  function withinLimits(rb: Rulebook, o: Obligation, plan: { lines: { category: string; class: UnitClassRef; value: bigint }[] }): boolean {
    for (const l of rb.credits?.limits ?? []) {
      const used = plan.lines.filter((x) => x.category === "credit" && l.types.includes(x.class.unitType)).reduce((s, x) => s + x.value, 0n);
      const cap = (share: number | undefined, base: bigint) => (share === undefined ? undefined : (base * BigInt(Math.round(share * 1e6))) / 1000000n);
      for (const max of [cap(l.maxShareOfObligation, o.due), cap(l.maxShareOfAllocation, o.freeAllocation ?? 0n)]) if (max !== undefined && used > max) return false;
    }
    const b = rb.compliance?.borrowing;
    const borrowed = plan.lines.filter((x) => x.category === "borrowed-limited").reduce((s, x) => s + x.value, 0n);
    return !(b?.maxShare !== undefined && borrowed > (o.due * BigInt(Math.round(b.maxShare * 1e6))) / 1000000n);
  }

  test.prop([setup])("an accepted request and a proposal both stay within every limit; a proposal is always accepted", (s) => {
    const rb = s.which === "kl" ? kl : eu;
    const o = oblige(rb, s.which === "kl" ? "2020" : "2010", s.due, { freeAllocation: s.alloc });
    const request = s.lines.map((x) => ({ class: classes[x.c] as UnitClassRef, quantity: x.q }));
    const r = evaluateSurrender({ rulebook: rb, obligation: o }, request);
    if (r.ok) expect(withinLimits(rb, o, r)).toBe(true);
    const holdings = s.holdings.map((x) => ({ class: classes[x.c] as UnitClassRef, quantity: x.q }));
    const p = proposeSurrender({ rulebook: rb, obligation: o }, holdings, { allowBorrowing: true });
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    expect(withinLimits(rb, o, p)).toBe(true);
    expect(p.coveredTotal <= o.due).toBe(true);
    if (p.lines.length > 0) expect(evaluateSurrender({ rulebook: rb, obligation: o, holdings }, p.lines)).toMatchObject({ ok: true, covered: p.covered });
  });
});
