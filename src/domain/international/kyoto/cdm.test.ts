// Goal: the CDM project cycle runs from methodology to forwarding with the 2% share of proceeds
// taken exactly from each issuance, and every bad transition is refused with its code, naming the
// state, without changing the state.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { loadInternationalRules } from "../../../io/international.ts";
import type { Refusal } from "../codes.ts";
import { applyCdm, type CdmCommand, type CdmOutcome, type CdmRulesIn, type CdmState, creditingEnd, EMPTY_CDM } from "./cdm.ts";
import { formatKyotoBlock } from "./serial.ts";

const unfccc = loadInternationalRules("unfccc");
const rules: CdmRulesIn = { cdm: unfccc.cdm!, kyoto: unfccc.kyoto! };

function run(cmds: readonly CdmCommand[], r: CdmRulesIn = rules, from: CdmState = EMPTY_CDM): { state: CdmState; last: CdmOutcome } {
  let state = from;
  let last: CdmOutcome = { state };
  for (const c of cmds) {
    const o = applyCdm(state, c, r);
    if (!o.ok) throw new Error(`${c.type}: ${o.code} ${o.message}`);
    last = o.value;
    state = o.value.state;
  }
  return { state, last };
}

function refused(state: CdmState, c: CdmCommand, r: CdmRulesIn = rules): Refusal {
  const o = applyCdm(state, c, r);
  if (o.ok) throw new Error(`${c.type} was accepted`);
  return o;
}

const P = "wind-0001";
const design: CdmCommand[] = [
  { type: "proposeMethodology", id: "ACM0002" },
  { type: "decideMethodology", id: "ACM0002", approve: true },
  { type: "submitProject", id: P, number: 4087, host: "CN", participants: ["DevCo", "Buyer-JP"], methodology: "ACM0002", kind: "standard", crediting: { type: "renewable", start: "2008-01-01" } },
  { type: "approveByHost", project: P, date: "2007-06-01" },
  { type: "validate", project: P, date: "2007-09-01", doe: "DOE-1" },
  { type: "register", project: P, date: "2007-12-01" },
];
const monitored: CdmCommand[] = [
  ...design,
  { type: "reportMonitoring", project: P, period: { id: "MP1", from: "2008-01-01", to: "2008-12-31" }, reductions: 10_500n },
  { type: "verify", project: P, periodId: "MP1", verified: 10_000n, doe: "DOE-2" },
];

describe("CDM project cycle", () => {
  it("issues 10,000 CERs: 200 (2%) to the Adaptation Fund from the lowest serials, 9,800 forwarded as instructed", () => {
    // Kyoto Protocol Art. 12.8, Decision 17/CP.7 para 15(a): 2% of the CERs issued (presets/international/unfccc.yaml)
    const { state, last } = run([...monitored, { type: "issue", project: P, periodId: "MP1", quantity: 10_000n, serialStart: 117_490_001n, date: "2009-03-02" }]);
    const iss = last.issuance!;
    expect([iss.gross, iss.adaptation, iss.pending]).toEqual([10_000n, 200n, 9_800n]);
    expect(formatKyotoBlock(iss.adaptationBlock!)).toBe("CN-5-0-117490001-117490200-1-1-0-4087-0");
    expect(formatKyotoBlock(iss.pendingBlock!)).toBe("CN-5-0-117490201-117500000-1-1-0-4087-0");
    expect(iss.expiry).toBeNull();
    const f = run([{ type: "forward", project: P, periodId: "MP1", date: "2009-03-10", instructions: [{ participant: "Buyer-JP", quantity: 7_000n }, { participant: "DevCo", quantity: "2800" }] }], rules, state);
    expect(f.last.forwarded?.map((x) => [x.participant, formatKyotoBlock(x.block)])).toEqual([
      ["Buyer-JP", "CN-5-0-117490201-117497200-1-1-0-4087-0"],
      ["DevCo", "CN-5-0-117497201-117500000-1-1-0-4087-0"],
    ]);
    expect(f.state.projects.get(P)?.periods[0]?.status).toBe("forwarded");
  });

  it("a host on the exempt list pays no share of proceeds", () => {
    const exempt = { ...rules, cdm: { ...rules.cdm, shareOfProceedsExemptHosts: ["CN"] } };
    const { last } = run([...monitored, { type: "issue", project: P, periodId: "MP1", quantity: 1_000n, serialStart: 1n, date: "2009-03-02" }], exempt);
    expect([last.issuance?.adaptation, last.issuance?.adaptationBlock]).toEqual([0n, null]);
  });

  it("afforestation: tCERs issued for CP1 expire at the end of CP2; lCERs at the end of the crediting period", () => {
    const ar = (unit: "tCER" | "lCER"): CdmCommand[] => [
      { type: "proposeMethodology", id: "AR-AM0001" },
      { type: "decideMethodology", id: "AR-AM0001", approve: true },
      { type: "submitProject", id: "forest", number: 77, host: "IN", participants: ["F"], methodology: "AR-AM0001", kind: "afforestation", afforestationUnit: unit, crediting: { type: "fixed", start: "2006-01-01" } },
      { type: "approveByHost", project: "forest", date: "2005-06-01" },
      { type: "validate", project: "forest", date: "2005-09-01", doe: "D" },
      { type: "register", project: "forest", date: "2005-12-01" },
      { type: "reportMonitoring", project: "forest", period: { id: "M", from: "2008-01-01", to: "2011-12-31" }, reductions: 500n },
      { type: "verify", project: "forest", periodId: "M", verified: 500n, doe: "D" },
      { type: "issue", project: "forest", periodId: "M", quantity: 500n, serialStart: 1n, date: "2012-02-01" },
    ];
    const t = run(ar("tCER")).last.issuance!;
    // Decision 5/CMP.1: a tCER expires at the end of the commitment period after the one it was issued for
    expect([t.unitType, t.expiry, formatKyotoBlock(t.pendingBlock!)]).toEqual(["tCER", "2020-12-31", "IN-6-0-11-500-1-1-1-77-0"]);
    const l = run(ar("lCER")).last.issuance!;
    // fixed A/R crediting period of 30 years from 2006-01-01 (Decision 5/CMP.1 para 23): ends 2035-12-31
    expect([l.unitType, l.expiry]).toEqual(["lCER", "2035-12-31"]);
  });

  it("renewable crediting periods: 7 years, renewed at most twice", () => {
    const { state } = run([...design, { type: "renewCrediting", project: P, date: "2014-06-01" }, { type: "renewCrediting", project: P, date: "2021-06-01" }]);
    const p = state.projects.get(P)!;
    expect(creditingEnd(p, rules.cdm)).toBe("2028-12-31");
    expect(refused(state, { type: "renewCrediting", project: P, date: "2022-01-01" }).code).toBe(10307);
  });

  it.each<[string, CdmCommand[], CdmCommand, number, string | undefined]>([
    ["validation without the host's approval", design.slice(0, 3), { type: "validate", project: P, date: "2007-09-01", doe: "D" }, 10303, undefined],
    ["validation against an unapproved methodology", [design[0]!, ...design.slice(2, 4)], { type: "validate", project: P, date: "2007-09-01", doe: "D" }, 10302, undefined],
    ["registration before validation", design.slice(0, 4), { type: "register", project: P, date: "2007-12-01" }, 10301, "design"],
    ["monitoring before registration", design.slice(0, 5), { type: "reportMonitoring", project: P, period: { id: "M", from: "2008-01-01", to: "2008-12-31" }, reductions: 1n }, 10301, "validated"],
    ["a period outside the crediting period", design, { type: "reportMonitoring", project: P, period: { id: "M", from: "2007-01-01", to: "2008-12-31" }, reductions: 1n }, 10304, undefined],
    ["a period straddling two commitment periods", design, { type: "reportMonitoring", project: P, period: { id: "M", from: "2012-07-01", to: "2013-06-30" }, reductions: 1n }, 10304, undefined],
    ["an overlapping period", monitored, { type: "reportMonitoring", project: P, period: { id: "MP2", from: "2008-12-01", to: "2009-06-30" }, reductions: 1n }, 10304, undefined],
    ["verifying more than reported", monitored.slice(0, -1), { type: "verify", project: P, periodId: "MP1", verified: 10_501n, doe: "D" }, 10305, undefined],
    ["issuing more than verified", monitored, { type: "issue", project: P, periodId: "MP1", quantity: 10_001n, serialStart: 1n, date: "2009-03-02" }, 10305, undefined],
    ["issuing before verification", monitored.slice(0, -1), { type: "issue", project: P, periodId: "MP1", quantity: 1n, serialStart: 1n, date: "2009-03-02" }, 10301, "reported"],
    ["forwarding before issuance", monitored, { type: "forward", project: P, periodId: "MP1", date: "2009-03-02", instructions: [] }, 10301, "verified"],
    ["a bad issuance date", monitored, { type: "issue", project: P, periodId: "MP1", quantity: 1n, serialStart: 1n, date: "2009-02-30" }, 10003, undefined],
    ["an unknown project", [], { type: "register", project: "nope", date: "2007-12-01" }, 10006, undefined],
    ["serials of an earlier issuance of the host", [...monitored, { type: "issue", project: P, periodId: "MP1", quantity: 100n, serialStart: 1n, date: "2009-03-02" }, { type: "reportMonitoring", project: P, period: { id: "MP2", from: "2009-01-01", to: "2009-12-31" }, reductions: 100n }, { type: "verify", project: P, periodId: "MP2", verified: 100n, doe: "D" }], { type: "issue", project: P, periodId: "MP2", quantity: 100n, serialStart: 100n, date: "2010-03-02" }, 10001, undefined],
  ])("refuses %s with %i", (_what, before, cmd, code, state) => {
    const s = run(before).state;
    const snapshot = JSON.stringify([...s.projects.values()], (_k, v) => (typeof v === "bigint" ? String(v) : v));
    const r = refused(s, cmd);
    expect(r.code).toBe(code);
    if (state) expect(r.facts.state).toBe(state);
    expect(JSON.stringify([...s.projects.values()], (_k, v) => (typeof v === "bigint" ? String(v) : v))).toBe(snapshot);
  });

  it("refuses forwarding to a non-participant, or not exactly the pending CERs", () => {
    const { state } = run([...monitored, { type: "issue", project: P, periodId: "MP1", quantity: 10_000n, serialStart: 1n, date: "2009-03-02" }]);
    const fwd = (instructions: { participant: string; quantity: bigint }[]): CdmCommand => ({ type: "forward", project: P, periodId: "MP1", date: "2009-03-10", instructions });
    expect(refused(state, fwd([{ participant: "Stranger", quantity: 9_800n }])).code).toBe(10306);
    expect(refused(state, fwd([{ participant: "DevCo", quantity: 9_799n }])).code).toBe(10306);
    expect(refused(state, fwd([{ participant: "DevCo", quantity: 9_800n }, { participant: "DevCo", quantity: 1n }])).code).toBe(10306);
  });

  const rounding = fc.constantFrom("floor" as const, "ceil" as const, "halfUp" as const, "halfEven" as const);
  test.prop([fc.bigInt({ min: 1n, max: 10n ** 9n }), fc.bigInt({ min: 1n, max: 10n ** 12n }), rounding])(
    "adaptation and pending blocks partition the issued serials exactly",
    (q, start, r) => {
      const rr = { ...rules, cdm: { ...rules.cdm, shareOfProceeds: { rate: 0.02, rounding: r } } };
      const iss = run([...monitored.slice(0, -1), { type: "verify", project: P, periodId: "MP1", verified: q > 10_500n ? 10_500n : q, doe: "D" }, { type: "issue", project: P, periodId: "MP1", quantity: q > 10_500n ? 10_500n : q, serialStart: start, date: "2009-01-01" }], rr).last.issuance!;
      expect(iss.adaptation + iss.pending).toBe(iss.gross);
      const blocks = [iss.adaptationBlock, iss.pendingBlock].filter((b) => b !== null);
      expect(blocks[0]?.start).toBe(start);
      expect(blocks[blocks.length - 1]?.end).toBe(start + iss.gross - 1n);
      if (blocks.length === 2) expect(blocks[1]!.start).toBe(blocks[0]!.end + 1n);
    },
  );
});
