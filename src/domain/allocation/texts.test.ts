// Goal: every line of an explanation is a Text whose English rendering is the line the CLI prints,
// and which renders in Japanese too (nested Texts in the same language, data left as it is);
// skip reasons and derivations carry their Text beside the English.
import { describe, expect, it } from "vitest";
import { allocate } from "./engine.ts";
import { grandfathering } from "./methods.ts";
import { frac, ratio } from "./ratio.ts";
import type { AllocationRules } from "./rules.ts";
import { ALLOCATION_TEXTS, renderText, text } from "./texts.ts";

describe("allocation texts", () => {
  it("render nested texts and lists in the same language; data stays as it is", () => {
    const t = text("alloc.line.approach", { approach: text("alloc.approach.product"), text: text("alloc.line.product", { id: "K-1", product: "clinker", benchmark: "0.766", activity: "100", unit: text("alloc.unit.year", { year: "2012" }), factors: [text("alloc.part.factor", { name: "CLEF", value: "1" })], amount: "76.6" }) });
    expect(renderText("en", t)).toBe("[product] K-1: clinker benchmark 0.766 x activity 100 output 2012 x CLEF 1 = 76.6");
    expect(renderText("ja", t)).toBe("［製品］K-1：clinkerのベンチマーク 0.766 × 活動量 100（2012年の生産量） × 係数「CLEF」1 = 76.6");
  });

  it("an explanation's steps render to its English lines, one for one", () => {
    const g = grandfathering({ baseline: ratio(1000), reductionRate: frac(8, 100), className: "I-1", rateNote: text("alloc.note.linear", { rate: "0.04", years: "2", from: "2010" }) });
    expect(g.explanation.steps.map((s) => renderText("en", s))).toEqual(g.explanation.lines);
    expect(g.explanation.lines).toEqual(["reduction rate 0.08: 0.04 x 2 years since 2010", "baseline 1000 t x (1 - 0.08) = 920"]);
    expect(g.explanation.steps.map((s) => renderText("ja", s))).toEqual(["削減率 0.08：0.04 × 2年（2010年から）", "基準排出量 1000 t × (1 − 0.08) = 920"]);
  });

  it("skip reasons carry their Text", () => {
    const rules: AllocationRules = { scheme: "t", year: 2020, sectors: {}, auction: { schedule: [] }, correction: { kind: "none" } } as unknown as AllocationRules;
    const run = allocate(rules, [{ installation: "X", sector: "glass", startYear: 2000 }], []);
    expect(run.skipped[0]).toMatchObject({ reason: 'sector "glass" has no allocation rule (not covered)', reasonText: { key: "alloc.skip.noRule", params: { sector: "glass" } } });
    expect(renderText("ja", run.skipped[0]?.reasonText ?? text("alloc.none"))).toBe("部門「glass」に割当ルールなし（対象外）");
  });

  it("has both languages with the same placeholders for every text", () => {
    const ph = (s: string) => [...s.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]).sort().join();
    for (const [k, v] of Object.entries(ALLOCATION_TEXTS)) expect(ph(v.ja), k).toBe(ph(v.en));
  });
});
