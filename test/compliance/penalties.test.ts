// Goal: penalty what-ifs per preset follow the published rules, computed only from the rulebook;
// each vector cites its source. Money is exact (decimal strings at the currency's minor digits).
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { minorUnits, moneyText } from "../../src/domain/compliance/money.ts";
import { nonReportingPenaltyFor, penaltyFor, penaltyJson, penaltyWarnings } from "../../src/domain/compliance/penalty.ts";
import type { Penalty } from "../../src/domain/compliance/penalty.ts";
import { decimal } from "../../src/domain/quantity/decimal.ts";
import type { Rulebook } from "../../src/domain/rulebook/index.ts";
import { loadRulebook } from "../../src/io/rulebook.ts";

function ok(r: ReturnType<typeof penaltyFor>): Penalty {
  if (!r.ok) throw new Error(`refused: ${r.code} ${r.message}`);
  return r;
}

const rb = (name: string) => loadRulebook(name);

describe("penalty what-ifs against the published rules", () => {
  it("EU phase 2: 1,000 t short -> EUR 100,000 and 1,000 still owed (Directive 2003/87/EC Art. 16(3); DOMAIN.md section 5)", () => {
    const p = ok(penaltyFor(rb("eu-ets-phase2"), { shortfall: 1000n }));
    expect(penaltyJson(p)).toMatchObject({ amount: "100000.00", currency: "EUR", owed: "1000", upTo: false, publication: true });
    expect(p.warnings).toEqual([]);
  });

  it("EU phase 1: EUR 40 per tonne (Directive 2003/87/EC Art. 16(4))", () => {
    expect(moneyText(ok(penaltyFor(rb("eu-ets-phase1"), { shortfall: 250n })).amount)).toBe("10000.00");
  });

  it("EU phase 3: indexed from 2013 by the rulebook's index table; before 2013 and without a year it refuses or stays nominal", () => {
    const r = rb("eu-ets-phase3");
    // [D] 100 x index(2020) / index(2012), rounded half up to the cent, from the preset's ([R]) table
    const ix = r.penalties?.indexation?.index ?? [];
    const at = (y: number) => ix.find((x) => x.year === y)?.value as number;
    const expected = Math.round((100 * at(2020) * 100) / at(2012)) / 100;
    const p = ok(penaltyFor(r, { shortfall: 1000n, year: 2020 }));
    expect(moneyText(p.perTonne!)).toBe(expected.toFixed(2));
    expect(moneyText(p.amount)).toBe((expected * 1000).toFixed(2));
    expect(p.uncertain).toMatch(/approximate/);
    expect(moneyText(ok(penaltyFor(r, { shortfall: 1000n, year: 2012 })).amount)).toBe("100000.00");
    expect(penaltyFor(r, { shortfall: 1n })).toMatchObject({ ok: false, code: 9404 });
    expect(penaltyFor(r, { shortfall: 1n, year: 2099 })).toMatchObject({ ok: false, code: 9403 });
  });

  it("Tokyo: an order to make up 1.3 x the shortfall; if not met a fine up to JPY 500,000, publication and the purchase billed (DOMAIN.md section 5)", () => {
    const p = ok(penaltyFor(rb("tokyo"), { shortfall: 1000n, price: decimal(5000) }));
    expect(p.owed).toBe(1300n);
    expect(p.order).toBe(true);
    expect(moneyText(p.amount)).toBe("0");
    expect(p.ifOrderNotMet).toMatchObject({ upTo: true, purchaseQuantity: 1300n, publication: true });
    expect(moneyText(p.ifOrderNotMet!.fine!)).toBe("500000");
    expect(moneyText(p.ifOrderNotMet!.purchase!)).toBe("6500000");
    expect(moneyText(p.ifOrderNotMet!.amount)).toBe("7000000");
    // 1.3 x 7 = 9.1 -> 10 (the preset rounds up)
    expect(ok(penaltyFor(rb("tokyo"), { shortfall: 7n })).owed).toBe(10n);
  });

  it("KL bill: 2 x the market price per missing tonne, still owed (DOMAIN.md section 5)", () => {
    const p = ok(penaltyFor(rb("us-kl-bill"), { shortfall: 1000n, price: decimal("15.50") }));
    expect(penaltyJson(p)).toMatchObject({ amount: "31000.00", currency: "USD", owed: "1000" });
    expect(penaltyFor(rb("us-kl-bill"), { shortfall: 1000n })).toMatchObject({ ok: false, code: 9402 });
  });

  it("UK CRC: GBP 40 per missing tonne plus make-good (CRC Order 2010 art. 100; research notes section 7)", () => {
    expect(penaltyJson(ok(penaltyFor(rb("uk-crc"), { shortfall: 1000n })))).toMatchObject({ amount: "40000.00", currency: "GBP", owed: "1000" });
  });

  it("K-ETS: at most 3 x the year's average price, at most KRW 100,000 a tonne (Climate Change Laws of the World)", () => {
    const low = ok(penaltyFor(rb("korea-kets"), { shortfall: 1000n, price: decimal(20000) }));
    expect(penaltyJson(low)).toMatchObject({ amount: "60000000", currency: "KRW", upTo: true, perTonne: "60000" });
    const high = ok(penaltyFor(rb("korea-kets"), { shortfall: 1000n, price: decimal(40000) }));
    expect(penaltyJson(high)).toMatchObject({ amount: "100000000", perTonne: "100000" });
  });

  it("GX-ETS: the charge is 1.1 x the reference upper price of the year, tagged uncertain; at a market price above it non-compliance is cheaper", () => {
    // [R] charge = shortfall x ceiling x 1.1; ceiling JPY 4,300 in FY2026 (METI via BCI)
    const p = ok(penaltyFor(rb("japan-gx-ets"), { shortfall: 1000n, year: 2026 }));
    expect(moneyText(p.amount)).toBe("4730000");
    expect(p.uncertain).toBeDefined();
    expect(p.explanation.some((l) => l.startsWith("UNCERTAIN"))).toBe(true);
    expect(penaltyFor(rb("japan-gx-ets"), { shortfall: 1000n })).toMatchObject({ ok: false, code: 9404 });
    const cheap = ok(penaltyFor(rb("japan-gx-ets"), { shortfall: 1000n, year: 2026, price: decimal(5000) }));
    expect(cheap.warnings[0]).toMatch(/cheaper than buying/);
  });

  it("China: a fine of up to CNY 30,000 and the shortfall still owed ([R] preset)", () => {
    expect(penaltyJson(ok(penaltyFor(rb("china-national-power"), { shortfall: 100n })))).toMatchObject({ amount: "30000.00", upTo: true, owed: "100" });
  });

  it("UK ETS 2002: nothing owed and no money, so non-compliance costs nothing (warned)", () => {
    expect(ok(penaltyFor(rb("uk-ets-2002"), { shortfall: 10n })).warnings[0]).toMatch(/costs nothing/);
  });

  it("non-reporting: Tokyo up to JPY 500,000 and publication; Japan's reporting scheme JPY 200,000; UK CRC per day late (DOMAIN.md section 5)", () => {
    const t = nonReportingPenaltyFor(rb("tokyo"));
    expect(t).toMatchObject({ ok: true, upTo: true, publication: true });
    if (t.ok) expect(moneyText(t.amount)).toBe("500000");
    const g = nonReportingPenaltyFor(rb("japan-gx-ets"));
    if (g.ok) expect(moneyText(g.amount)).toBe("200000");
    const c = nonReportingPenaltyFor(rb("uk-crc"), 50);
    if (c.ok) expect(moneyText(c.amount)).toBe("25000.00"); // 5,000 + 500 x 40 (at most 40 days) [R]
    expect(nonReportingPenaltyFor(rb("eu-ets-phase2"))).toMatchObject({ ok: false, code: 9401 });
  });
});

describe("rulebook-level warnings: a penalty that can be cheaper than buying", () => {
  it("only the presets without make-good draw one, with the price from which it holds", () => {
    const warned = Object.fromEntries(
      ["eu-ets-phase2", "eu-ets-phase3", "tokyo", "us-kl-bill", "uk-crc", "rggi", "california-quebec", "china-national-power", "japan-gx-ets", "korea-kets", "uk-ets-2002"].map((n) => [n, penaltyWarnings(rb(n))]),
    );
    expect(Object.entries(warned).filter(([, w]) => w.length > 0).map(([n]) => n)).toEqual(["japan-gx-ets", "korea-kets", "uk-ets-2002"]);
    expect(warned["korea-kets"]?.[0]).toMatch(/exceeds the cap of KRW 100000/);
    expect(penaltyWarnings(rb("japan-gx-ets"), 2026)[0]).toMatch(/JPY 4730 \(2026\)/);
    expect(warned["uk-ets-2002"]?.[0]).toMatch(/costs nothing/);
  });
});

describe("penalty rules", () => {
  const base = rb("eu-ets-phase2");
  const withPenalties = (p: Partial<NonNullable<Rulebook["penalties"]>>): Rulebook => ({ ...base, penalties: { ...(base.penalties as NonNullable<Rulebook["penalties"]>), ...p } });

  it("refuses a negative shortfall or price, and a rulebook without penalties", () => {
    expect(penaltyFor(base, { shortfall: -1n })).toMatchObject({ ok: false, code: 9000 });
    expect(penaltyFor(base, { shortfall: 1n, price: decimal(-1) })).toMatchObject({ ok: false, code: 9000 });
    const { penalties: _, ...bare } = base;
    expect(penaltyFor(bare as Rulebook, { shortfall: 1n })).toMatchObject({ ok: false, code: 9401 });
  });

  it("warns when the penalty per tonne is below the price and nothing is owed", () => {
    const r = withPenalties({ perTonne: 10, makeGood: false });
    expect(ok(penaltyFor(r, { shortfall: 100n, price: decimal(25) })).warnings[0]).toMatch(/EUR 1,000.00 against EUR 2,500.00/);
    expect(ok(penaltyFor(r, { shortfall: 100n })).warnings[0]).toMatch(/exceeds EUR 10/);
  });

  const cases = fc.record({
    shortfall: fc.bigInt({ min: 0n, max: 10n ** 9n }),
    perTonne: fc.integer({ min: 0, max: 500 }),
    factor: fc.constantFrom(1, 1.3, 2, 4),
    makeGood: fc.boolean(),
    price: fc.integer({ min: 0, max: 100_000 }).map((cents) => ({ units: BigInt(cents), scale: 2 })),
  });

  test.prop([cases])("a warning is raised exactly when money due + owed x price < shortfall x price", (c) => {
    const r = withPenalties({ perTonne: c.perTonne, makeGood: c.makeGood, makeGoodFactor: c.factor });
    const p = ok(penaltyFor(r, { shortfall: c.shortfall, price: c.price }));
    const due = minorUnits(p.amount); // cents
    const cheaper = c.shortfall > 0n && due + p.owed * c.price.units < c.shortfall * c.price.units;
    expect(p.warnings.length > 0).toBe(cheaper);
    expect(p.owed >= (c.makeGood ? c.shortfall : 0n)).toBe(true);
  });
});
