// Goal: only an accredited verifier without a conflict of interest gives an opinion; the opinion
// must fit the misstatements; a negative opinion never locks emissions; corrections and estimates
// follow their rules. Properties: a verifier with a conflict is never accepted; a negative
// opinion never locks.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  computeReport,
  conservativeEstimate,
  correction,
  emissionsOf,
  firstReport,
  missingReports,
  mrvContext,
  setEstimate,
  verifyReport,
} from "../../src/domain/mrv/index.ts";
import type { EmissionReport, Opinion, VerificationInput, VerifierRecords, YearRecord } from "../../src/domain/mrv/index.ts";
import { loadRulebook } from "../../src/io/rulebook.ts";

const rb = loadRulebook("eu-ets-phase4"); // maxConsecutiveYears 5, coolingOffYears 3, services 3 ([R] in the preset)
const ctx = mrvContext(rb);

function reportOf(tonnes: number, year = 2022, installation = "DE-001"): EmissionReport {
  const r = computeReport(ctx, { installation, version: 1, validFrom: 2013, sources: [{ id: "p", kind: "process", unit: "t", emissionFactor: { value: 1 } }] }, { installation, year, activity: [{ source: "p", quantity: tonnes }] });
  if (!r.ok) throw new Error(r.message);
  return r.report;
}

const accredited: VerifierRecords = {
  accreditations: [{ verifier: "V1", body: "DAkkS", standard: "EN ISO 14065", scopes: ["cement", "combustion"], validFrom: "2020-01-01", expires: "2025-12-31", status: "active" }],
  history: [],
  services: [],
  affiliations: [],
};

function input(over: Partial<VerificationInput> = {}): VerificationInput {
  return { report: reportOf(100000), version: 1, operator: "OP1", sector: "cement", verifier: "V1", date: "2023-03-15", opinion: "positive", misstatements: 0, ...over };
}

describe("accreditation", () => {
  it("a positive opinion by an accredited verifier locks the total", () => {
    expect(verifyReport(ctx, accredited, input())).toMatchObject({ ok: true, verification: { locked: true, verifiedTotal: 100000n, opinion: "positive" } });
  });

  const suspended: VerifierRecords = { ...accredited, accreditations: [{ ...accredited.accreditations[0]!, status: "suspended" }] };
  it.each<[string, VerificationInput, number, VerifierRecords?]>([
    ["a verifier without accreditation", input({ verifier: "V9" }), 9101],
    ["an expired accreditation", input({ date: "2026-03-15" }), 9102],
    ["a suspended accreditation", input(), 9102, suspended],
    ["an activity outside the scope", input({ sector: "aviation" }), 9103],
    ["a bad date", input({ date: "15/03/2023" }), 9000],
    ["an unknown opinion", input({ opinion: "maybe" as Opinion }), 9000],
  ])("refuses %s", (_w, v, code, records = accredited) => {
    expect(verifyReport(ctx, records, v)).toMatchObject({ ok: false, code });
  });
});

describe("conflicts of interest", () => {
  const years = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ({ verifier: "V1", installation: "DE-001", year: from + i }));

  it("a sixth consecutive year is refused (9104); after a 3-year break the verifier may return; inside it, not (9105)", () => {
    expect(verifyReport(ctx, { ...accredited, history: years(2017, 2021) }, input())).toMatchObject({ ok: false, code: 9104, facts: { consecutive: 5, max: 5 } });
    expect(verifyReport(ctx, { ...accredited, history: years(2016, 2020) }, input())).toMatchObject({ ok: false, code: 9105 });
    expect(verifyReport(ctx, { ...accredited, history: years(2014, 2018) }, input())).toMatchObject({ ok: true });
    expect(verifyReport(ctx, { ...accredited, history: years(2018, 2021) }, input())).toMatchObject({ ok: true });
  });

  it("advice to the operator within 3 years (9106) and affiliation (9107) are refused", () => {
    expect(verifyReport(ctx, { ...accredited, services: [{ verifier: "V1", operator: "OP1", year: 2020 }] }, input())).toMatchObject({ ok: false, code: 9106 });
    expect(verifyReport(ctx, { ...accredited, services: [{ verifier: "V1", operator: "OP1", year: 2018 }] }, input())).toMatchObject({ ok: true });
    expect(verifyReport(ctx, { ...accredited, affiliations: [{ verifier: "V1", operator: "OP1" }] }, input())).toMatchObject({ ok: false, code: 9107 });
  });

  const records = fc.record({
    history: fc.array(fc.record({ verifier: fc.constantFrom("V1", "V2"), installation: fc.constantFrom("DE-001", "DE-002"), year: fc.integer({ min: 2010, max: 2021 }) }), { maxLength: 14 }),
    services: fc.array(fc.record({ verifier: fc.constantFrom("V1", "V2"), operator: fc.constantFrom("OP1", "OP2"), year: fc.integer({ min: 2012, max: 2022 }) }), { maxLength: 3 }),
    affiliations: fc.array(fc.record({ verifier: fc.constantFrom("V1", "V2"), operator: fc.constantFrom("OP1", "OP2") }), { maxLength: 2 }),
  });

  /** The conflict rules written out plainly, as a second opinion on verifyReport. */
  function conflicted(r: Omit<VerifierRecords, "accreditations">): boolean {
    const verified = new Set(r.history.filter((h) => h.verifier === "V1" && h.installation === "DE-001").map((h) => h.year));
    const runEndingAt = (e: number) => {
      let n = 0;
      while (verified.has(e - n)) n++;
      return n;
    };
    if (runEndingAt(2021) >= 5) return true; // a sixth year in a row
    for (const e of [2019, 2020, 2021]) if (runEndingAt(e) >= 5) return true; // within 3 years after a full run
    if (r.services.some((s) => s.verifier === "V1" && s.operator === "OP1" && s.year >= 2019 && s.year <= 2022)) return true;
    return r.affiliations.some((a) => a.verifier === "V1" && a.operator === "OP1");
  }

  test.prop([records])("a verifier with a conflict is never accepted, and one without is", (r) => {
    const out = verifyReport(ctx, { accreditations: accredited.accreditations, ...r }, input());
    if (conflicted(r)) expect(out).toMatchObject({ ok: false, code: expect.toSatisfy((c: number) => c >= 9104 && c <= 9107) });
    else expect(out.ok).toBe(true);
  });
});

describe("opinions and materiality", () => {
  it("misstatements at or above 5% (2% above 500 kt) allow only a negative opinion (9108)", () => {
    expect(verifyReport(ctx, accredited, input({ misstatements: 4999 }))).toMatchObject({ ok: true });
    expect(verifyReport(ctx, accredited, input({ misstatements: 5000 }))).toMatchObject({ ok: false, code: 9108 });
    expect(verifyReport(ctx, accredited, input({ opinion: "qualified", misstatements: 5000 }))).toMatchObject({ ok: false, code: 9108 });
    expect(verifyReport(ctx, accredited, input({ report: reportOf(1000000), misstatements: 20000 }))).toMatchObject({ ok: false, code: 9108, facts: { level: "0.02" } });
    expect(verifyReport(ctx, accredited, input({ nonConformities: [{ material: true, resolved: false }] }))).toMatchObject({ ok: false, code: 9108 });
    expect(verifyReport(ctx, accredited, input({ opinion: "negative", misstatements: 5000 }))).toMatchObject({ ok: true, verification: { locked: false } });
  });

  test.prop([fc.constantFrom<Opinion>("positive", "qualified", "negative"), fc.integer({ min: 0, max: 200000 }), fc.integer({ min: 1, max: 2000000 })])(
    "a negative opinion never locks emissions, and a locked opinion always carries the report's total",
    (opinion, mis, tonnes) => {
      const out = verifyReport(ctx, accredited, input({ opinion, misstatements: mis, report: reportOf(tonnes) }));
      if (!out.ok) return;
      if (opinion === "negative") {
        expect(out.verification.locked).toBe(false);
        expect(out.verification.verifiedTotal).toBeUndefined();
        const record: YearRecord = { installation: "DE-001", year: 2022, versions: [{ version: 1, report: reportOf(tonnes), verification: out.verification }] };
        expect(emissionsOf(record).state).toBe("not-verified");
      } else expect(out.verification.verifiedTotal).toBe(BigInt(tonnes));
    },
  );
});

describe("report versions: corrections, estimates, missing reports", () => {
  const verified = (tonnes: number, version = 1): YearRecord["versions"][number] => {
    const v = verifyReport(ctx, accredited, input({ report: reportOf(tonnes), version }));
    if (!v.ok) throw new Error(v.message);
    return { version, report: reportOf(tonnes), verification: v.verification };
  };

  it("a correction is a new version with reasons, counted once verified; the earlier lock holds until then", () => {
    const rec: YearRecord = { installation: "DE-001", year: 2022, versions: [verified(100000)] };
    expect(correction(rec, reportOf(100500), 1, [" "])).toMatchObject({ ok: false, code: 9110 });
    expect(correction(rec, reportOf(100500), 7, ["meter recalibrated"])).toMatchObject({ ok: false, code: 9111 });
    const c = correction(rec, reportOf(100500), 1, ["meter recalibrated"]);
    expect(c).toMatchObject({ version: 2, corrects: { version: 1, reasons: ["meter recalibrated"] } });
    const pending: YearRecord = { ...rec, versions: [...rec.versions, c as YearRecord["versions"][number]] };
    expect(emissionsOf(pending)).toMatchObject({ state: "verified", tonnes: 100000n, version: 1 });
    const done: YearRecord = { ...rec, versions: [rec.versions[0]!, verified(100500, 2)] };
    expect(emissionsOf(done)).toMatchObject({ state: "verified", tonnes: 100500n, version: 2 });
    expect(verifyReport(ctx, accredited, input({ version: 1 }), [1])).toMatchObject({ ok: false, code: 9109 });
    expect(firstReport(rec, reportOf(1))).toMatchObject({ ok: false, code: 9109 });
  });

  it("a missing report is flagged after the deadline; an estimate is marked as such and never replaces a verified report", () => {
    const none: YearRecord = { installation: "DE-002", year: 2022, versions: [] };
    const done: YearRecord = { installation: "DE-001", year: 2022, versions: [verified(100000)] };
    expect(missingReports(ctx, [none, done], 2022, "2023-03-31")).toEqual([]);
    expect(missingReports(ctx, [none, done], 2022, "2023-04-01")).toEqual([{ installation: "DE-002", state: "missing", deadline: "2023-03-31" }]);
    const e = setEstimate(none, 120000n, "authority", "admin1", "no report by 31 March");
    expect(e).toMatchObject({ tonnes: 120000n, method: "authority" });
    expect(emissionsOf({ ...none, estimate: e as never })).toEqual({ state: "estimated", tonnes: 120000n, method: "authority" });
    expect(setEstimate(done, 1n, "authority", "admin1", "x")).toMatchObject({ ok: false, code: 9112 });
    expect(setEstimate(none, 1n, "authority", "admin1", " ")).toMatchObject({ ok: false, code: 9000 });
  });

  it("the rulebook's conservative estimate: the largest recent year plus the uplift, rounded up (UK CRC preset: last year + 10%)", () => {
    const crc = mrvContext(loadRulebook("uk-crc"));
    expect(conservativeEstimate(crc, [{ year: 2015, tonnes: 1001n }, { year: 2014, tonnes: 5000n }], 2016)).toMatchObject({ tonnes: 1102n }); // 1,001 x 1.1 = 1,101.1 -> 1,102
    expect(conservativeEstimate(ctx, [{ year: 2021, tonnes: 1n }], 2022)).toBeUndefined(); // EU: the authority sets it
  });
});
