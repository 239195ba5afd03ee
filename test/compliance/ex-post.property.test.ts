// Goal (property): the ex-post figure (src/domain/compliance/ex-post.ts) is exact bigint arithmetic
// that never issues above the surplus below the facility cap, never above the rulebook's ceiling
// (maxShareOfBaseline x baseline over the period, floored), and is exactly min(surplus, ceiling).
// Tokyo's preset sets no ceiling: the whole surplus is issued (46,000 - 40,000 = 6,000 for a building
// of baseline 10,000 t a year at P1's 8%, presets/tokyo.yaml, tmg). A rulebook without ex-post
// issuance is refused (9306), and a ceiling without the baseline names what is missing (9305).
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { exPostCeiling, exPostClass, exPostFigure, exPostIssuance, obligationFor } from "../../src/domain/compliance/index.ts";
import type { Rulebook } from "../../src/domain/rulebook/index.ts";
import { loadRulebook } from "../../src/io/rulebook.ts";

const tokyo = loadRulebook("tokyo");
const P1 = { id: "P1", from: 2010, to: 2014 };
const withShare = (share: number): Rulebook => ({ ...tokyo, compliance: { ...tokyo.compliance, exPostIssuance: { unitType: "excess-reduction", maxShareOfBaseline: share } } }) as Rulebook;

function obligation(rb: Rulebook, perYear: readonly bigint[], cap: bigint) {
  const o = obligationFor(rb, { installation: { installation: "B" }, period: P1, facilityCap: cap, emissions: perYear.map((t, i) => ({ year: 2010 + i, state: { state: "verified" as const, tonnes: t, version: 1, opinion: "positive" as const } })) });
  if ("ok" in o) throw new Error(o.message);
  return o;
}

describe("ex-post issuance figure", () => {
  it("issues Tokyo's whole surplus: 46,000 - 40,000 = 6,000 excess-reduction credits of the period's class", () => {
    const f = exPostFigure(tokyo, obligation(tokyo, [8000n, 8000n, 8000n, 8000n, 8000n], 46_000n));
    expect(f).toMatchObject({ issued: 6000n, surplus: 6000n, ceiling: null, unitType: "excess-reduction" });
    expect(exPostClass(tokyo, P1)).toEqual({ code: "TOKYO-ER-P1", unitType: "excess-reduction", scheme: "tokyo", vintage: 2014 });
  });

  it("caps at the share of the baseline over the period, floored; the per-year form agrees", () => {
    const rb = withShare(0.1);
    const o = obligation(rb, [1000n, 1000n, 1000n, 1000n, 1000n], 46_000n); // surplus 41,000
    // 0.1 x 50,001 = 5,000.1 -> 5,000
    expect(exPostFigure(rb, o, 50_001n)).toMatchObject({ issued: 5000n, ceiling: 5000n, surplus: 41_000n });
    expect(exPostIssuance(rb, o, 10_000n)).toMatchObject({ issued: 5000n });
    expect(exPostFigure(rb, o)).toMatchObject({ ok: false, code: 9305 });
    expect(exPostFigure(loadRulebook("japan-gx-ets"), o)).toMatchObject({ ok: false, code: 9306 });
  });

  test.prop([
    fc.array(fc.bigInt({ min: 0n, max: 10n ** 12n }), { minLength: 5, maxLength: 5 }),
    fc.bigInt({ min: 0n, max: 10n ** 13n }),
    fc.integer({ min: 0, max: 1000 }),
    fc.bigInt({ min: 0n, max: 10n ** 13n }),
  ])("never above the surplus nor the ceiling; exactly min(surplus, ceiling)", (perYear, cap, permille, baseline) => {
    const share = permille / 1000;
    const rb = withShare(share);
    const o = obligation(rb, perYear, cap);
    const f = exPostFigure(rb, o, baseline);
    if ("ok" in f) throw new Error(f.message);
    const emissions = perYear.reduce((a, x) => a + x, 0n);
    const surplus = cap > emissions ? cap - emissions : 0n;
    const ceiling = (BigInt(permille) * baseline) / 1000n; // floor, exact for a share in thousandths
    expect(f.surplus).toBe(surplus);
    expect(f.ceiling).toBe(ceiling);
    expect(f.issued).toBe(surplus < ceiling ? surplus : ceiling);
    expect(f.issued <= surplus && f.issued <= ceiling && f.issued >= 0n).toBe(true);
    expect(exPostCeiling(share, baseline)).toBe(ceiling);
  });
});
