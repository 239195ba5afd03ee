// Goal: annual emission reports are computed exactly from activity data under a rulebook's MRV
// rules (fuels, GWP set, electricity counting, rounding), and bad plans and activity data are
// refused with their 90xx code.
import { describe, expect, it } from "vitest";
import { computeReport, gwpOf, GWP_TABLES, GASES, mrvContext, validatePlan } from "../../src/domain/mrv/index.ts";
import type { MonitoringPlan, MrvContext } from "../../src/domain/mrv/index.ts";
import type { Rulebook } from "../../src/domain/rulebook/index.ts";
import { loadRulebook } from "../../src/io/rulebook.ts";

const eu4 = loadRulebook("eu-ets-phase4");
const ctx = mrvContext(eu4);

function plan(sources: MonitoringPlan["sources"], extra: Partial<MonitoringPlan> = {}): MonitoringPlan {
  return { installation: "DE-001", version: 1, validFrom: 2021, sources, ...extra };
}

function report(c: MrvContext, p: MonitoringPlan, activity: { source: string; quantity: string | number }[], year = 2022) {
  return computeReport(c, p, { installation: p.installation, year, activity });
}

describe("GWP tables", () => {
  it("hold CH4, N2O, SF6, NF3 and the common HFCs and PFCs in AR4, AR5 and AR6, each with its IPCC source", () => {
    for (const t of GWP_TABLES) {
      expect(t.source).toMatch(/IPCC/);
      for (const g of ["CH4", "N2O", "SF6", "NF3", "HFC-23", "HFC-32", "HFC-125", "HFC-134a", "HFC-143a", "PFC-14", "PFC-116"]) expect(t.values[g], `${t.id} ${g}`).toBeDefined();
      for (const g of Object.keys(t.values)) expect(GASES.some((x) => x.id === g), `${t.id} ${g} has a family`).toBe(true);
    }
  });

  it("published values: AR4 CH4 25, N2O 298, SF6 22,800 (40 CFR 98 Table A-1, AR4 edition); AR5 CH4 28, N2O 265, NF3 16,100 (The Climate Registry); AR6 CH4 27.9", () => {
    expect([gwpOf("AR4", "CH4"), gwpOf("AR4", "N2O"), gwpOf("AR4", "SF6"), gwpOf("AR4", "NF3"), gwpOf("AR4", "PFC-14")]).toEqual(["25", "298", "22800", "17200", "7390"]);
    expect([gwpOf("AR5", "CH4"), gwpOf("AR5", "N2O"), gwpOf("AR5", "NF3")]).toEqual(["28", "265", "16100"]);
    expect(gwpOf("AR6", "CH4")).toBe("27.9");
    expect(gwpOf("AR5", "CH4", { CH4: 21 })).toBe("21");
    expect(gwpOf("AR5", "CFC-11")).toBeUndefined();
  });

  it("converts 10 t of CH4 to 250, 280 and 279 t CO2e under AR4, AR5 and AR6; overrides win (EU phase 3: N2O 310)", () => {
    const ch4 = (set: "AR4" | "AR5" | "AR6") => {
      const rb: Rulebook = { ...eu4, coverage: { ...eu4.coverage, gases: ["CO2", "CH4"] }, mrv: { ...eu4.mrv!, gwp: { set, overrides: {} } } };
      const r = report(mrvContext(rb), plan([{ id: "vent", kind: "gas", gas: "CH4", unit: "t" }]), [{ source: "vent", quantity: 10 }]);
      if (!r.ok) throw new Error(r.message);
      return r.report.totalExact;
    };
    expect([ch4("AR4"), ch4("AR5"), ch4("AR6")]).toEqual(["250", "280", "279"]);
    const p3 = mrvContext(loadRulebook("eu-ets-phase3"));
    const n2o = report(p3, plan([{ id: "nitric", kind: "gas", gas: "N2O", unit: "t" }], { validFrom: 2013 }), [{ source: "nitric", quantity: "1.5" }], 2015);
    expect(n2o.ok && n2o.report.totalExact).toBe("465"); // 1.5 x 310 (Reg. 601/2012 Annex VI, [R] in the preset)
  });
});

describe("annual emission reports", () => {
  it("natural gas: 1,000 t x 0.048 TJ/t x 56.1 t/TJ x 1 = 2,692.8 t, reported as 2,693 (IPCC 2006 defaults; half up)", () => {
    const r = report(ctx, plan([{ id: "boiler", kind: "combustion", fuel: "natural-gas" }]), [{ source: "boiler", quantity: 1000 }]);
    expect(r).toMatchObject({ ok: true, report: { totalExact: "2692.8", total: 2693n, rounding: "halfUp", byGas: { CO2: "2692.8" } } });
    if (r.ok) expect(r.report.sources[0]?.lines[0]).toMatch(/1000 t x NCV 0.048 TJ\/t = 48 TJ x EF 56.1 t-CO2\/TJ x oxidation 1 = 2692.8 t CO2/);
  });

  it("sums sources exactly (no float drift) and rounds once; own factors, biomass and process emissions", () => {
    const p = plan([
      { id: "kiln-fuel", kind: "combustion", unit: "TJ", emissionFactor: { value: "94.6", tier: 2 }, oxidationFactor: { value: "0.99", tier: 2 } },
      { id: "calcination", kind: "process", unit: "t", emissionFactor: { value: "0.44", tier: 2 }, conversionFactor: { value: 1 } },
      { id: "dryer", kind: "combustion", fuel: "wood" },
    ]);
    const r = report(ctx, p, [
      { source: "kiln-fuel", quantity: "0.1" },
      { source: "calcination", quantity: "0.2" },
      { source: "dryer", quantity: 10 },
    ]);
    if (!r.ok) throw new Error(r.message);
    // 0.1 x 94.6 x 0.99 = 9.3654; 0.2 x 0.44 = 0.088; wood: biomass, 0 counted
    expect(r.report.totalExact).toBe("9.4534");
    expect(r.report.total).toBe(9n);
    expect(r.report.biomassMemo).toBe("17.472"); // 10 x 0.0156 x 112
  });

  it("purchased electricity counts only where the rulebook counts it indirectly (Tokyo-like) and not under direct counting (EU)", () => {
    const p = plan([{ id: "grid", kind: "electricity", unit: "MWh", emissionFactor: { value: "0.45" }, supplier: "utility" }]);
    const direct = report(ctx, p, [{ source: "grid", quantity: 1000 }]);
    expect(direct.ok && direct.report.total).toBe(0n);
    const crc = mrvContext(loadRulebook("uk-crc"));
    const noSupplier = plan([{ id: "grid", kind: "electricity", unit: "MWh" }], { validFrom: 2010 });
    const indirect = report(crc, noSupplier, [{ source: "grid", quantity: 1000 }], 2014);
    expect(indirect.ok && indirect.report.totalExact).toBe("541"); // 1,000 MWh x 0.541 (the preset's [R] default)
    expect(report(crc, { ...p, validFrom: 2010 }, [{ source: "grid", quantity: 1 }], 2014)).toMatchObject({ ok: false, code: 9000 }); // CRC used the government's factor
  });

  it.each([
    ["an unknown fuel", [{ id: "b", kind: "combustion", fuel: "unobtainium" }], [{ source: "b", quantity: 1 }], 9001],
    ["negative activity", [{ id: "b", kind: "combustion", fuel: "natural-gas" }], [{ source: "b", quantity: -5 }], 9002],
    ["a gas without a GWP", [{ id: "v", kind: "gas", gas: "CFC-11" }], [{ source: "v", quantity: 1 }], 9003],
    ["a gas the scheme does not cover (SF6 in EU phase 4's CO2, N2O, PFC)", [{ id: "v", kind: "gas", gas: "SF6" }], [{ source: "v", quantity: 1 }], 9004],
    ["a missing emission factor", [{ id: "p", kind: "process", unit: "t" }], [{ source: "p", quantity: 1 }], 9006],
    ["the wrong unit for a fuel", [{ id: "b", kind: "combustion", fuel: "natural-gas", unit: "kL" }], [{ source: "b", quantity: 1 }], 9007],
    ["a duplicate source", [{ id: "b", kind: "combustion", fuel: "natural-gas" }, { id: "b", kind: "combustion", fuel: "lignite" }], [{ source: "b", quantity: 1 }], 9008],
    ["activity for a source not in the plan", [{ id: "b", kind: "combustion", fuel: "natural-gas" }], [{ source: "b", quantity: 1 }, { source: "x", quantity: 1 }], 9009],
    ["a source without activity", [{ id: "b", kind: "combustion", fuel: "natural-gas" }, { id: "c", kind: "combustion", fuel: "lignite" }], [{ source: "b", quantity: 1 }], 9010],
    ["an oxidation factor above 1", [{ id: "b", kind: "combustion", fuel: "natural-gas", oxidationFactor: { value: 1.2 } }], [{ source: "b", quantity: 1 }], 9011],
    ["a quantity that is not a number", [{ id: "b", kind: "combustion", fuel: "natural-gas" }], [{ source: "b", quantity: "12,5" }], 9000],
    ["a quantity with too many decimals", [{ id: "b", kind: "combustion", fuel: "natural-gas" }], [{ source: "b", quantity: "0.0000000000000000001" }], 9000],
    ["a quantity with an absurd exponent", [{ id: "b", kind: "combustion", fuel: "natural-gas" }], [{ source: "b", quantity: "1e999999" }], 9000],
    ["a quantity beyond 18 whole digits", [{ id: "b", kind: "combustion", fuel: "natural-gas" }], [{ source: "b", quantity: "1e19" }], 9000],
  ] as const)("refuses %s", (_what, sources, activity, code) => {
    expect(report(ctx, plan(sources as unknown as MonitoringPlan["sources"]), activity as unknown as { source: string; quantity: string | number }[])).toMatchObject({ ok: false, code });
  });

  it("refuses a report outside the plan's years or for another installation (9012)", () => {
    const p = plan([{ id: "b", kind: "combustion", fuel: "natural-gas" }], { validTo: 2022 });
    expect(report(ctx, p, [{ source: "b", quantity: 1 }], 2023)).toMatchObject({ ok: false, code: 9012 });
    expect(computeReport(ctx, p, { installation: "other", year: 2022, activity: [{ source: "b", quantity: 1 }] })).toMatchObject({ ok: false, code: 9012 });
  });

  it("minimum tiers by category: a category C installation (> 500 kt) with activity data at tier 1 is refused (9005)", () => {
    const src = { id: "b", kind: "combustion" as const, fuel: "natural-gas", activityTier: 1, emissionFactor: { value: 56.1, tier: 3 }, ncv: { value: 0.048, tier: 3 } };
    expect(validatePlan(ctx, plan([src], { averageEmissions: 600000 }))).toMatchObject({ code: 9005, facts: { category: "C", parameter: "activity", minimum: 3 } });
    expect(validatePlan(ctx, plan([src], { averageEmissions: 20000 }))).toBeUndefined();
    expect(validatePlan(ctx, plan([{ ...src, activityTier: 3 }], { averageEmissions: 600000 }))).toBeUndefined();
  });

  it("without an mrv section a rulebook still counts CO2, but refuses non-CO2 gases (no GWP set chosen)", () => {
    const bare = mrvContext({ ...eu4, mrv: undefined });
    expect(report(bare, plan([{ id: "p", kind: "process", unit: "t", emissionFactor: { value: 0.5 } }]), [{ source: "p", quantity: 3 }])).toMatchObject({ ok: true, report: { total: 2n } });
    expect(report(bare, plan([{ id: "v", kind: "gas", gas: "N2O" }]), [{ source: "v", quantity: 1 }])).toMatchObject({ ok: false, code: 9003 });
  });
});
