// Goal: the rulebook's `international` section and the mechanism files validate with field paths
// (and lines) for each kind of mistake, and the shipped presets carry the domestic-use rules and
// UN mechanism figures with a source tag on every figure.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseRulebook } from "../../src/domain/rulebook/index.ts";
import { internationalSchema } from "../../src/domain/rulebook/international.ts";
import { INTERNATIONAL_DIR, listInternationalPresets, loadInternationalRules, parseInternationalText } from "../../src/io/international.ts";
import { listPresets, loadRulebook } from "../../src/io/rulebook.ts";
import { untaggedFigures } from "../support/preset-tags.ts";

function issues(value: unknown): { path: string; message: string }[] {
  const r = internationalSchema.safeParse(value);
  if (r.success) throw new Error("expected the section to be rejected");
  return r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
}

const party = {
  party: "THA",
  registryId: "THA01",
  ndc: { kind: "single-year", period: { from: 2021, to: 2030 }, targetYear: 2030, method: "averaging" },
  authorization: { revocation: { allowed: false }, oimpFirstTransfer: ["authorization"] },
  adjustments: { firstTransferYear: "vintage", averagingRounding: "halfEven" },
  use: { vintageInNdcPeriod: true },
};

describe("the international section", () => {
  it("accepts a Party's Article 6 choices and fills the defaults", () => {
    const r = internationalSchema.parse({ article6: party });
    expect(r.domesticUse).toEqual([]);
    expect(r.article6?.ndc).toMatchObject({ kind: "single-year", trajectory: [] });
  });

  it("names a unit type the mechanism does not issue", () => {
    expect(issues({ domesticUse: [{ id: "x", mechanisms: ["CDM"], unitTypes: ["CER", "ERU"] }] })).toEqual([
      { path: "domesticUse.0.unitTypes.1", message: 'unit type "ERU" is not issued by CDM (they issue: CER, tCER, lCER)' },
    ]);
  });

  it("refuses overlapping commitment periods, a target year outside the period and a trajectory method without a trajectory", () => {
    const cps = { commitmentPeriods: [{ id: "CP1", code: 1, from: 2008, to: 2012 }, { id: "CP2", code: 2, from: 2012, to: 2020 }] };
    expect(issues({ kyoto: cps }).map((i) => i.path)).toEqual(["kyoto.commitmentPeriods.1.from"]);
    const ndc = { ...party.ndc, targetYear: 2035, method: "trajectory" };
    expect(issues({ article6: { ...party, ndc } }).map((i) => i.path)).toEqual(["article6.ndc.targetYear", "article6.ndc.trajectory"]);
  });

  it("refuses Article 6.4 shares that would exceed the issuance, and a rounding that is not named", () => {
    expect(issues({ a64: { shareOfProceeds: { rate: 0.6, rounding: "ceil" }, omge: { rate: 0.5, rounding: "ceil" } } }).map((i) => i.path)).toEqual(["a64"]);
    expect(issues({ a64: { shareOfProceeds: { rate: 0.05 }, omge: { rate: 0.02, rounding: "floor" } } }).map((i) => i.path)).toEqual(["a64.shareOfProceeds.rounding"]);
  });

  it("is checked inside a rulebook at its path", () => {
    const rb = loadRulebook("eu-ets-phase2") as unknown as Record<string, unknown>;
    const raw = JSON.parse(JSON.stringify(rb, (_k, v) => (typeof v === "bigint" ? Number(v) : v)));
    raw.international = { domesticUse: [{ id: "a", mechanisms: ["JI"], unitTypes: ["CER"] }] };
    const r = parseRulebook(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toEqual([{ path: "international.domesticUse[0].unitTypes[0]", message: 'unit type "CER" is not issued by JI (they issue: ERU)' }]);
  });
});

describe("presets", () => {
  it("every unit a preset admits for domestic use is an eligible credit type of the preset", () => {
    for (const name of listPresets()) {
      const rb = loadRulebook(name);
      for (const r of rb.international?.domesticUse ?? []) {
        const counted = r.limitType ? [r.limitType] : r.unitTypes;
        for (const t of counted) expect([name, t, rb.credits?.eligibleTypes.includes(t)]).toEqual([name, t, true]);
      }
    }
  });

  it("EU phase 2 admits CERs and ERUs but not nuclear, LULUCF, tCERs or lCERs (Directive 2004/101/EC)", () => {
    const rules = loadRulebook("eu-ets-phase2").international?.domesticUse ?? [];
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ mechanisms: ["CDM", "JI"], unitTypes: ["CER", "ERU"], excludeActivities: ["nuclear", "lulucf"] });
  });

  it("EU phase 3 also excludes industrial gas credits (Regulation (EU) No 550/2011)", () => {
    expect(loadRulebook("eu-ets-phase3").international?.domesticUse[0]?.excludeActivities).toEqual(["nuclear", "lulucf", "hfc-23-destruction", "n2o-adipic-acid"]);
  });

  it("GX-ETS admits JCM credits and J-Credits, limited together by credits.limits", () => {
    const rb = loadRulebook("japan-gx-ets");
    expect(rb.international?.domesticUse.map((r) => r.unitTypes)).toEqual([["JCM"], ["J-Credit"]]);
    expect(rb.credits?.limits[0]?.types).toEqual(["J-Credit", "JCM"]);
  });
});

describe("mechanism files", () => {
  it("ships the UN mechanisms' rules", () => {
    expect(listInternationalPresets()).toEqual(["unfccc"]);
  });

  for (const name of listInternationalPresets()) {
    it(`${name} validates, its id is its name, and every figure carries a source tag`, () => {
      expect(loadInternationalRules(name).id).toBe(name);
      expect(untaggedFigures(readFileSync(join(INTERNATIONAL_DIR, `${name}.yaml`), "utf8"))).toEqual([]);
    });
  }

  it("unfccc: CP1 2008-2012 and CP2 2013-2020; CDM 2%; A6.4 5% and 2%", () => {
    const u = loadInternationalRules("unfccc");
    expect(u.kyoto?.commitmentPeriods.map((p) => [p.id, p.code, p.from, p.to])).toEqual([["CP1", 1, 2008, 2012], ["CP2", 2, 2013, 2020]]);
    expect(u.cdm?.shareOfProceeds.rate).toBe(0.02);
    expect([u.a64?.shareOfProceeds.rate, u.a64?.omge.rate]).toEqual([0.05, 0.02]);
  });

  it("names the file, the path and the line of a mistake", () => {
    const text = "id: x\nname: X\nsources: [{ id: s, title: S }]\ncdm:\n  shareOfProceeds: { rate: 2, rounding: floor }\n  creditingPeriods: { standard: { renewableYears: 7, maxRenewals: 2, fixedYears: 10 }, afforestation: { renewableYears: 20, maxRenewals: 2, fixedYears: 30 } }\n  extra: 1\n";
    const r = parseInternationalText(text, "x.yaml");
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors).toEqual([
        { path: "cdm.shareOfProceeds.rate", message: "expected a fraction <= 1", line: 5 },
        { path: "cdm.extra", message: "unknown field (misspelt, or not part of the format)", line: 7 },
      ]);
    }
    expect(() => loadInternationalRules("/nonexistent.yaml")).toThrow(/no such file or preset/);
  });
});
