// Goal: the shipped presets drive the engine end to end (rulebook -> rules for the year ->
// allocation) and give the published figures: China's power benchmark, Tokyo's compliance
// factors by period, class and certified status, the EU phase 3 schedule with exposed sectors free.
import { describe, expect, it } from "vitest";
import { allocate, rulesFromRulebook } from "../../src/domain/allocation/index.ts";
import type { ActivityData, InstallationAttributes, InstallationData } from "../../src/domain/allocation/index.ts";
import { loadRulebook } from "../../src/io/rulebook.ts";

const inst = (installation: string, sector: string, product?: string): InstallationData => ({ installation, sector, startYear: 1990, ...(product ? { product } : {}) });

describe("china-national-power", () => {
  const rules = rulesFromRulebook(loadRulebook("china-national-power"), 2019);
  it("1,000,000 MWh x 0.877 t/MWh = 877,000 (ICAP, 2019-20 allocation plan)", () => {
    const run = allocate(rules, [inst("U1", "power", "coal-above-300mw")], [{ installation: "U1", year: 2019, emissions: 900_000, output: 1_000_000 }]);
    expect(run.results[0]).toMatchObject({ free: 877_000n, auctioned: 0n });
  });
  it("gas 0.392 t/MWh, and the cooling correction chosen per unit (air-cooled x 1.05, UNCERTAIN in the preset)", () => {
    const activity: ActivityData[] = [{ installation: "G1", year: 2019, emissions: 1, output: 1_000_000 }, { installation: "C1", year: 2019, emissions: 1, output: 1_000_000 }];
    const attrs = new Map<string, InstallationAttributes>([["C1", { options: { cooling: "air" } }]]);
    const run = allocate(rules, [inst("G1", "power", "gas"), inst("C1", "power", "coal-above-300mw")], activity, { attributes: attrs });
    expect(run.results.map((r) => r.free)).toEqual([392_000n, 920_850n]);
  });
});

describe("tokyo", () => {
  const rb = loadRulebook("tokyo");
  // FY2002-2007 emissions; the operator picks FY2003-2005 (mean 10,000) and may drop one year.
  const years = [2002, 2003, 2004, 2005, 2006, 2007];
  const values = [12_000, 10_000, 9_000, 11_000, 13_000, 14_000];
  const series = (id: string): ActivityData[] => years.map((year, i) => ({ installation: id, year, emissions: values[i] as number }));
  const installations = [inst("OFF", "buildings"), inst("OFF2", "buildings"), inst("TOP", "buildings"), inst("FAC", "factories"), inst("DROP", "buildings")];
  const attrs = new Map<string, InstallationAttributes>([
    ["OFF", { class: "I-1", baseFrom: 2003 }],
    ["OFF2", { class: "I-2", baseFrom: 2003 }],
    ["TOP", { class: "I-1", baseFrom: 2003, topLevel: "top-level" }],
    ["FAC", { baseFrom: 2003 }],
    ["DROP", { class: "I-1", baseFrom: 2003, excludeYear: 2004 }],
  ]);
  const activity = installations.flatMap((i) => series(i.installation));
  it.each([
    [2012, { OFF: 9_200n, OFF2: 9_400n, TOP: 9_600n, FAC: 9_400n, DROP: 9_660n }], // P1 8% / 6%; top-level 4%; DROP: mean(10,000, 11,000) = 10,500 x 0.92
    [2017, { OFF: 8_300n, OFF2: 8_500n, TOP: 9_150n, FAC: 8_500n, DROP: 8_715n }], // P2 17% / 15%
    [2022, { OFF: 7_300n, OFF2: 7_500n, TOP: 8_650n, FAC: 7_500n, DROP: 7_665n }], // P3 27% / 25%
  ])("in %d each facility gets baseline x (1 - its factor)", (year, want) => {
    const run = allocate(rulesFromRulebook(rb, year), installations, activity, { attributes: attrs });
    expect(Object.fromEntries(run.results.map((r) => [r.installation, r.free]))).toEqual(want);
  });
  it("refuses base years outside FY2002-2007", () => {
    const run = allocate(rulesFromRulebook(rb, 2012), [inst("X", "factories")], series("X"), { attributes: new Map([["X", { baseFrom: 2006 }]]) });
    expect(run.skipped[0]?.reason).toMatch(/base years 2006-2008 are outside the window 2002-2007/);
  });
});

describe("eu-ets-phase3 on the steel-cement product ids (aliases)", () => {
  it("benchmarks exposed sectors free and applies the published 2013 correction factor", () => {
    const rules = rulesFromRulebook(loadRulebook("eu-ets-phase3"), 2013);
    const activity: ActivityData[] = [2005, 2006, 2007, 2008].map((year) => ({ installation: "K", year, emissions: 1, output: 1_000_000 }));
    const run = allocate(rules, [inst("K", "cement", "clinker")], activity);
    // 1,000,000 t x 0.766 = 766,000, exposed (free), x 0.94272151 = 722,124.67 -> 722,124
    expect(run.results[0]).toMatchObject({ entitlement: 766_000n, auctionShare: "0", free: 722_124n });
  });
});

describe("uk-ets-2002: absolute and intensity participants with the gateway", () => {
  const rb = loadRulebook("uk-ets-2002");
  const installations = [inst("D1", "direct-participants"), inst("A1", "agreement-participants"), inst("A2", "agreement-participants"), inst("A3", "agreement-participants")];
  const activity: ActivityData[] = [
    ...[1998, 1999, 2000].map((year) => ({ installation: "D1", year, emissions: 10_000 })),
    { installation: "A1", year: 2003, emissions: 400, output: 1000 }, // target 0.5 x 1000 = 500: surplus 100
    { installation: "A2", year: 2003, emissions: 450, output: 1000 }, // surplus 50
    { installation: "A3", year: 2003, emissions: 600, output: 1000 }, // shortfall 100
  ];
  it("grandfathers the absolute sector, settles intensity targets ex post, and closes the gateway at a net flow of 0", () => {
    const run = allocate(rulesFromRulebook(rb, 2003), installations, activity);
    const r = new Map(run.results.map((x) => [x.installation, x]));
    expect(r.get("D1")?.free).toBe(9_600n); // 10,000 x (1 - 0.02 x 2), the preset's illustrative rate
    expect([r.get("A1")?.trueUp, r.get("A2")?.trueUp, r.get("A3")?.trueUp]).toEqual([100n, 50n, -100n]);
    expect(run.gateway).toMatchObject({ requested: 150n, accepted: 0n, closed: true });
    expect(r.get("A1")?.explanation.lines.at(-1)).toMatch(/gateway .*: 0 of the 100 surplus may be sold/);
  });
  it("lets surpluses through in order up to a net-flow cap", () => {
    const rules = { ...rulesFromRulebook(rb, 2003), gateway: { from: "agreement-participants", to: "direct-participants", maxNetFlow: 120n } };
    const run = allocate(rules, installations, activity, { explain: false });
    expect(run.results.filter((x) => x.gatewayAccepted !== undefined).map((x) => x.gatewayAccepted)).toEqual([100n, 20n]);
    expect(run.explain("A2")?.lines.at(-1)).toMatch(/20 of the 50 surplus/);
  });
});
