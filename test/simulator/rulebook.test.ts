// Goal: a scenario that names a rulebook takes, for each simulated year, the rulebook's cap,
// banking and borrowing, price ceiling and floor, reserve tiers, offsets limit and MSR; inline
// fields win; what is taken and what is left aside is listed; bad names are refused by field.
// Figures: japan-gx-ets reference prices JPY 4,300 (upper) and 1,700 (adjustment) for FY2026,
// x 1.03 a year (BCI report of METI's FY2026 prices, presets/japan-gx-ets.yaml); EU ETS 2013 cap
// 2,084,301,856 (Decision (EU) 2020/1722 recital 1, presets/eu-ets-phase3.yaml), falling by
// 38,264,246 a year.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario } from "../../src/cli/commands/simulate.ts";
import { loadRulebook } from "../../src/io/rulebook.ts";
import { parseScenario } from "../../src/simulator/scenario.ts";
import type { Scenario } from "../../src/simulator/scenario.ts";
import { simulate } from "../../src/simulator/simulate.ts";

const firms = [
  { id: "a", bau: 100, mac: { linear: { slope: 20 } } },
  { id: "b", bau: 100, mac: { linear: { slope: 60 } } },
];

function parse(v: Record<string, unknown>): Scenario {
  const r = parseScenario(v, { rulebook: loadRulebook });
  if (!r.ok) throw new Error(`${r.path}: ${r.message}`);
  return r.scenario;
}

function fails(v: Record<string, unknown>): { path: string; message: string } {
  const r = parseScenario(v, { rulebook: loadRulebook });
  if (r.ok) throw new Error("expected an error");
  return r;
}

describe("scenario with rulebook: japan-gx-ets", () => {
  const base = { rulebook: "japan-gx-ets", cap: 150, facilities: firms };

  it("takes the years of its period, the collar per year, banking, no borrowing and the offsets limit", () => {
    const s = parse({ ...base, offsets: { price: 3000 } });
    expect(s.years).toEqual([2026, 2027, 2028, 2029, 2030]);
    expect(s.priceCeiling.slice(0, 2)).toEqual([4300, 4429]); // 4,300 x 1.03
    expect(s.priceFloor.slice(0, 2)).toEqual([1700, 1751]); // 1,700 x 1.03
    expect(s.priceCeiling[2]).toBe(4562); // 4,429 x 1.03 = 4,561.87, whole yen
    expect(s.banking).toBe(true);
    expect(s.borrowing).toEqual({ kind: "none" });
    expect(s.offsets).toEqual({ price: 3000, limitShare: 0.1 });
    expect(s.rulebook?.used.join("\n")).toMatch(/priceCeiling: stability\.priceCeiling/);
    expect(s.rulebook?.ignored.join("\n")).toMatch(/indexedToInflation/);
    expect(s.rulebook?.ignored.join("\n")).toMatch(/^allocation/m);
  });

  it("the simulated price sits at the rulebook's ceiling when the cap is tight, and at its floor when slack", () => {
    // two firms with MAC = 100 a: the aggregate abates p / 50, so cap 60 of BAU 200 would need 7,000
    const steep = [
      { id: "a", bau: 100, mac: { linear: { slope: 100 } } },
      { id: "b", bau: 100, mac: { linear: { slope: 100 } } },
    ];
    const tight = simulate(parse({ rulebook: "japan-gx-ets", years: [2026, 2027], banking: false, cap: 60, facilities: steep }));
    // ceiling sales = emissions at the ceiling - cap = (200 - 4,429 / 50) - 60
    expect(tight.years.map((y) => y.price)).toEqual([4300, 4429]);
    expect(tight.years[1]!.ceilingSales).toBeCloseTo(200 - 4429 / 50 - 60, 6);
    const slack = simulate(parse({ rulebook: "japan-gx-ets", years: [2026, 2027], banking: false, cap: 199, facilities: steep }));
    expect(slack.years.map((y) => y.price)).toEqual([1700, 1751]); // cap 199 needs only 50 without the floor
    expect(slack.years[0]!.unsold).toBeCloseTo(1700 / 50 - 1, 6); // abatement 34 at the floor: 33 unsold
  });

  it("an inline field overrides the rulebook's", () => {
    const s = parse({ ...base, priceCeiling: 5000, banking: false });
    expect(s.priceCeiling).toEqual([5000, 5000, 5000, 5000, 5000]);
    expect(s.priceFloor[1]).toBe(1751); // not overridden: still the rulebook's
    expect(s.banking).toBe(false);
    expect(s.rulebook?.used.join("\n")).not.toMatch(/priceCeiling/);
  });

  it("rulebookYears: simulated year i reads rulebook year i", () => {
    const s = parse({ ...base, years: { from: 2031, to: 2032 }, rulebookYears: [2026, 2027] });
    expect(s.years).toEqual([2031, 2032]);
    expect(s.priceCeiling).toEqual([4300, 4429]);
    expect(s.priceFloor).toEqual([1700, 1751]);
    expect(s.rulebook?.used.join("\n")).toMatch(/simulated years 2031-2032 read the rulebook's 2026-2027/);
    // without years, the rulebook years are simulated
    expect(parse({ ...base, rulebookYears: { from: 2027, to: 2028 } }).years).toEqual([2027, 2028]);
    // outside the rulebook's paths: no ceiling or floor that year
    expect(parse({ ...base, years: [2030, 2031] }).priceCeiling[1]).toBeUndefined();
    expect(fails({ ...base, years: [2031, 2032], rulebookYears: [2026] })).toMatchObject({ path: "rulebookYears", message: expect.stringMatching(/as many years .* \(2\), got 1/) });
    expect(fails({ ...base, years: [2031, 2032], rulebookYears: [2026, 2028] }).path).toBe("rulebookYears");
    expect(fails({ years: [2030], cap: 100, rulebookYears: [2026], facilities: firms }).path).toBe("rulebookYears");
  });

  it("a bottom-up cap must be given in the scenario", () => {
    const e = fails({ rulebook: "japan-gx-ets", facilities: firms });
    expect(e.path).toBe("cap");
    expect(e.message).toMatch(/japan-gx-ets defines no cap for 2026.*bottom-up/);
  });
});

describe("scenario with rulebook: eu-ets-phase3", () => {
  it("takes the cap in tonnes, or scaled by capScale into the scenario's units", () => {
    const big = [{ id: "eu", bau: 2.2e9, mac: { linear: { slope: 1e-7 } } }];
    const t = parse({ rulebook: "eu-ets-phase3", years: [2013, 2014], facilities: big });
    expect(t.cap).toEqual([2_084_301_856, 2_084_301_856 - 38_264_246]);
    const mt = parse({ rulebook: "eu-ets-phase3", years: { from: 2013, to: 2020 }, capScale: 1e-6, facilities: [{ id: "eu", bau: 2200, mac: { linear: { slope: 0.1 } } }] });
    expect(mt.cap[0]).toBeCloseTo(2084.301856, 9);
    expect(mt.cap[7]).toBeCloseTo(2084.301856 - 7 * 38.264246, 9);
    // MSR thresholds scaled the same way; its intake rate of 2019-2020 is used and the gap reported
    expect(mt.msr).toMatchObject({ upperThreshold: 833, lowerThreshold: 400, intakeRate: 0.24, releaseQuantity: 100 });
    expect(mt.rulebook?.ignored.join("\n")).toMatch(/years outside its intake periods/);
    expect(mt.rulebook?.ignored.join("\n")).toMatch(/minIntake/);
    expect(mt.banking).toBe(true);
  });

  it("without years, the cap trajectory's years", () => {
    const s = parse({ rulebook: "eu-ets-phase3", capScale: 1e-6, facilities: [{ id: "eu", bau: 2200, mac: { linear: { slope: 0.1 } } }] });
    expect(s.years[0]).toBe(2013);
    expect(s.years[s.years.length - 1]).toBe(2020);
  });
});

describe("scenario with rulebook: rggi", () => {
  // RGGI figures (presets/rggi.yaml): CCR trigger USD 13.00 in 2021 +7% a year (13.91 in 2022),
  // 10% of the cap; auction reserve price USD 2.38 in 2021 +2.5% a year; offsets up to 3.3% until 2026.
  it("takes the release tier (not the withhold tier), the auction reserve price as floor and the offsets limit", () => {
    const s = parse({ rulebook: "rggi", years: [2021, 2022], capScale: 1e-6, offsets: { price: 5 }, facilities: [{ id: "power", bau: 100, mac: { linear: { slope: 0.5 } } }] });
    expect(s.reserve.map((ts) => ts.map((t) => t.trigger))).toEqual([[13], [13.91]]);
    expect(s.reserve[0]![0]!.quantity).toBeCloseTo(0.1 * s.cap[0]!, 12);
    expect(s.reserve[1]![0]!.quantity).toBeCloseTo(0.1 * s.cap[1]!, 12);
    expect(s.priceFloor).toEqual([2.38, 2.44]); // 2.38 x 1.025 = 2.4395, to the cent
    expect(s.priceCeiling).toEqual([undefined, undefined]);
    expect(s.offsets).toEqual({ price: 5, limitShare: 0.033 });
    const notes = s.rulebook!;
    expect(notes.used.join("\n")).toMatch(/reserve: stability\.reserveTiers ccr per year/);
    expect(notes.used.join("\n")).toMatch(/priceFloor: auctions\.reservePrice/);
    expect(notes.ignored.join("\n")).toMatch(/reserveTiers ecr: withhold tiers/);
  });

  it("an offsets limit that changes over the simulated years is used for the first year and reported", () => {
    const s = parse({ rulebook: "rggi", years: [2026, 2027], cap: 60, offsets: { price: 5 }, facilities: [{ id: "power", bau: 100, mac: { linear: { slope: 0.5 } } }] });
    expect(s.offsets?.limitShare).toBe(0.033);
    expect(s.rulebook!.ignored.join("\n")).toMatch(/the share changes over the years \(0\.033, 0\)/);
    const none = parse({ rulebook: "rggi", years: [2026], cap: 60, facilities: [{ id: "power", bau: 100, mac: { linear: { slope: 0.5 } } }] });
    expect(none.offsets).toBeUndefined();
    expect(none.rulebook!.ignored.join("\n")).toMatch(/no offsets are modelled because the rulebook gives no credit price/);
  });
});

describe("bad rulebook fields", () => {
  it("an unknown preset is refused naming the field rulebook", () => {
    const e = fails({ rulebook: "no-such-scheme", years: [2030], cap: 100, facilities: firms });
    expect(e.path).toBe("rulebook");
    expect(e.message).toMatch(/no-such-scheme/);
    expect(e.message).toMatch(/japan-gx-ets/); // lists the presets
  });

  it("capScale without a rulebook, and a rulebook without a loader, are refused by field", () => {
    expect(fails({ years: [2030], cap: 100, capScale: 2, facilities: firms }).path).toBe("capScale");
    const r = parseScenario({ rulebook: "rggi", years: [2030], cap: 100, facilities: firms });
    expect(r.ok ? "" : r.path).toBe("rulebook");
    expect(fails({ rulebook: "eu-ets-phase3", years: [2013], capScale: -1, facilities: firms }).path).toBe("capScale");
  });

  it("the file loader resolves a rulebook file relative to the scenario", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ets-simrb-"));
    try {
      const { readFile } = await import("node:fs/promises");
      const gx = await readFile(join(import.meta.dirname, "../../presets/japan-gx-ets.yaml"), "utf8");
      await writeFile(join(dir, "my-rules.yaml"), gx.replace("start: 4300", "start: 5000"));
      await writeFile(join(dir, "s.yaml"), "rulebook: my-rules.yaml\ncap: 150\nfacilities:\n  - { id: a, bau: 100, mac: { linear: { slope: 20 } } }\n  - { id: b, bau: 100, mac: { linear: { slope: 60 } } }\n");
      const s = await loadScenario(join(dir, "s.yaml"));
      expect(s.priceCeiling[0]).toBe(5000);
      await writeFile(join(dir, "bad.yaml"), "rulebook: nowhere.yaml\ncap: 150\nfacilities:\n  - { id: a, bau: 100, mac: { linear: { slope: 20 } } }\n");
      await expect(loadScenario(join(dir, "bad.yaml"))).rejects.toThrow(/field "rulebook"/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
