// Goal: surrender counts international units only as the rulebook admits them (mechanism, type,
// exclusions, authorization) and only up to credits.limits, at the exchange rate; each refusal has
// its code and nothing counts.
import { describe, expect, it } from "vitest";
import { loadRulebook } from "../../io/rulebook.ts";
import { parseRulebook } from "../rulebook/index.ts";
import { type CreditAttributes, validateAttributes } from "./attributes.ts";
import { assessDomesticUse, type OfferedUnits } from "./domestic-use.ts";

function attrs(input: Record<string, unknown>): CreditAttributes {
  const r = validateAttributes(input);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

const wind = attrs({ mechanism: "CDM", unitType: "CER", creditKind: "reduction", host: "CN", vintage: 2009, activityType: "wind" });
const nuclear = attrs({ mechanism: "JI", unitType: "ERU", creditKind: "reduction", host: "UA", vintage: 2010, activityType: "nuclear" });
const tcer = attrs({ mechanism: "CDM", unitType: "tCER", creditKind: "removal", host: "IN", vintage: 2010, expiry: "2020-12-31" });
const jcm = attrs({ mechanism: "JCM", unitType: "JCM", creditKind: "reduction", host: "MNG", vintage: 2025 });
const lot = (attributes: CreditAttributes, quantity: bigint, article6?: OfferedUnits["article6"]): OfferedUnits => (article6 ? { attributes, quantity, article6 } : { attributes, quantity });

describe("EU ETS phase 2 (Germany: CERs and ERUs up to 22% of allocation)", () => {
  const rb = loadRulebook("eu-ets-phase2");
  const f = { year: 2010, date: "2011-04-30", obligation: 5_000n, allocation: 1_000n };

  it("counts 220 CERs from a wind farm one for one, the whole limit of 22% of 1,000", () => {
    const r = assessDomesticUse(rb, [lot(wind, 220n)], f);
    expect(r.ok && [r.value.countsAs, r.value.units[0]?.rule]).toEqual([220n, "cdm-ji"]);
  });

  it("refuses the 221st (10904), with what was already counted in the period", () => {
    const r = assessDomesticUse(rb, [lot(wind, 221n)], f);
    expect(r.ok ? 0 : [r.code, r.facts.max]).toEqual([10904, "220"]);
    const again = assessDomesticUse(rb, [lot(wind, 20n)], { ...f, alreadyCounted: { CER: 150n, ERU: 51n } });
    expect(again.ok ? 0 : again.code).toBe(10904);
  });

  it("refuses ERUs from a nuclear facility (10902, activityType), tCERs (10901) and JCM credits (10901)", () => {
    const n = assessDomesticUse(rb, [lot(nuclear, 1n)], f);
    expect(n.ok ? 0 : [n.code, n.facts.field]).toEqual([10902, "activityType"]);
    for (const a of [tcer, jcm]) {
      const r = assessDomesticUse(rb, [lot(a, 1n)], f);
      expect(r.ok ? 0 : r.code).toBe(10901);
    }
  });

  it("needs the allocation when the limit is a share of it", () => {
    const { allocation: _drop, ...noAllocation } = f;
    const r = assessDomesticUse(rb, [lot(wind, 1n)], noAllocation);
    expect(r.ok ? 0 : [r.code, r.facts.field]).toEqual([10001, "allocation"]);
  });
});

describe("GX-ETS (JCM credits and J-Credits up to 10% of emissions together)", () => {
  const rb = loadRulebook("japan-gx-ets");
  it("counts JCM credits up to 10% of the obligation", () => {
    const f = { year: 2026, date: "2027-09-30", obligation: 10_000n };
    expect(assessDomesticUse(rb, [lot(jcm, 1_000n)], f)).toMatchObject({ ok: true, value: { countsAs: 1_000n } });
    const r = assessDomesticUse(rb, [lot(jcm, 600n), lot({ ...jcm, mechanism: "J-Credit", unitType: "J-Credit" }, 401n)], f);
    expect(r.ok ? 0 : r.code).toBe(10904);
  });
});

describe("rules beyond the presets", () => {
  const base = loadRulebook("us-kl-bill");
  const rb = {
    credits: base.credits,
    international: {
      domesticUse: [
        { id: "cer", mechanisms: ["CDM" as const], unitTypes: ["CER", "tCER"], limitType: "international-offset", excludeActivities: [], excludeHosts: [], requireLabels: [], excludeLabels: [], requireAuthorization: false },
        { id: "itmo", mechanisms: ["A6.2" as const], unitTypes: ["ITMO"], limitType: "international-offset", excludeActivities: [], excludeHosts: [], requireLabels: [], excludeLabels: [], requireAuthorization: true },
      ],
    },
  };

  it("counts foreign credits at 1.25 per allowance from 2018 (US KL bill), rounding down", () => {
    // DOMAIN.md section 4: domestic:foreign exchange 1:1.25 from 2018
    const r = assessDomesticUse(rb, [lot(wind, 126n)], { year: 2018, date: "2019-03-31", obligation: 1_000n });
    expect(r.ok && r.value.units[0]).toEqual({ rule: "cer", limitType: "international-offset", quantity: 126n, countsAs: 100n });
    const before = assessDomesticUse(rb, [lot(wind, 126n)], { year: 2017, date: "2018-03-31", obligation: 1_000n });
    expect(before.ok && before.value.countsAs).toBe(126n);
  });

  it("refuses an expired tCER (10201) and an ITMO not authorized and first transferred (10903)", () => {
    const t = assessDomesticUse(rb, [lot(tcer, 1n)], { year: 2021, date: "2021-01-01", obligation: 1_000n });
    expect(t.ok ? 0 : t.code).toBe(10201);
    const itmo = attrs({ mechanism: "A6.2", unitType: "ITMO", creditKind: "reduction", host: "THA", vintage: 2022 });
    const f = { year: 2023, date: "2024-03-31", obligation: 1_000n };
    const no = assessDomesticUse(rb, [lot(itmo, 10n, { authorized: true, firstTransferred: false })], f);
    expect(no.ok ? 0 : no.code).toBe(10903);
    expect(assessDomesticUse(rb, [lot(itmo, 10n, { authorized: true, firstTransferred: true })], f).ok).toBe(true);
  });

  it("the rulebook schema accepts such rules", () => {
    const raw = JSON.parse(JSON.stringify(base, (_k, v) => (typeof v === "bigint" ? Number(v) : v)));
    raw.international = { domesticUse: rb.international.domesticUse };
    expect(parseRulebook(raw).ok).toBe(true);
  });
});
