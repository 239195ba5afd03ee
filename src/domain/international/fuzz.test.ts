// Goal: no command, however malformed, makes the international rules throw: each answers with a
// value or a refusal, as an API request must never end in a 500. Commands are valid ones (against
// seeded states) with one to three fields replaced by any JSON value, a bigint, a string or
// nothing, so the checks past the first fields run too.
import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { internationalSchema } from "../rulebook/international.ts";
import { applyA64, EMPTY_A64 } from "./a64.ts";
import { decide } from "./article6/book.ts";
import { replay } from "./article6/evolve.ts";
import { EMPTY_A6 } from "./article6/types.ts";
import { validateAttributes } from "./attributes.ts";
import { applyJcm, EMPTY_JCM } from "./jcm.ts";
import { applyCdm, EMPTY_CDM } from "./kyoto/cdm.ts";
import { parseKyotoBlock } from "./kyoto/serial.ts";

const rules = internationalSchema.parse({
  kyoto: { commitmentPeriods: [{ id: "CP1", code: 1, from: 2008, to: 2012 }] },
  cdm: { shareOfProceeds: { rate: 0.02, rounding: "floor" }, creditingPeriods: { standard: { renewableYears: 7, maxRenewals: 2, fixedYears: 10 }, afforestation: { renewableYears: 20, maxRenewals: 2, fixedYears: 30 } } },
  a64: { shareOfProceeds: { rate: 0.05, rounding: "floor" }, omge: { rate: 0.02, rounding: "floor" }, removals: { bufferByRiskRating: { low: { rate: 0.1, rounding: "ceil" } }, monitoringYearsAfterCrediting: 5 } },
  article6: {
    party: "GHA",
    registryId: "GHA01",
    ndc: { kind: "multi-year", period: { from: 2021, to: 2030 } },
    authorization: { revocation: { allowed: true }, oimpFirstTransfer: ["authorization", "use-or-cancellation"] },
    adjustments: { firstTransferYear: "vintage", averagingRounding: "floor" },
    use: { vintageInNdcPeriod: true },
  },
});
const byParty = new Map([["GHA", rules.article6!], ["CHE", { ...rules.article6!, party: "CHE", registryId: "CHE01" }]]);
const cdmRules = { cdm: rules.cdm!, kyoto: rules.kyoto! };

type Cmd = Record<string, unknown>;
type Apply<S> = (s: S, c: Cmd) => { ok: boolean; code?: number; value?: unknown; message?: string };

function seeded<S>(apply: Apply<S>, start: S, cmds: readonly Cmd[]): S {
  let st = start;
  for (const c of cmds) {
    const o = apply(st, c);
    if (!o.ok) throw new Error(`seed ${String(c.type)}: ${o.message}`);
    st = (o.value as { state: S }).state;
  }
  return st;
}

const a6: Apply<typeof EMPTY_A6> = (s, c) => {
  const d = decide(s, c as never, byParty);
  return d.ok ? { ok: true, value: { state: replay(d.value, s) } } : d;
};
const cdm: Apply<typeof EMPTY_CDM> = (s, c) => applyCdm(s, c as never, cdmRules);
const jcm: Apply<typeof EMPTY_JCM> = (s, c) => applyJcm(s, c as never);
const a64: Apply<typeof EMPTY_A64> = (s, c) => applyA64(s, c as never, rules.a64!);

const blocks = [{ series: "S", start: 1, end: 10 }];
const A6_SEED: Cmd[] = [
  { type: "issue", id: "I1", date: "2025-01-01", series: "S", start: 1, end: 100, host: "GHA", registry: "GHA01", vintage: 2024, sector: "Energy", activityType: "Solar", mitigationType: "Emission reductions", metric: "GHG", gwp: "AR5", underlying: null },
  { type: "authorize", id: "A1", date: "2025-01-01", party: "GHA", cooperativeApproach: "CA0001", purposes: "NDC and OIMP", oimpPurposes: ["CORSIA"], firstTransferDefinition: "use-or-cancellation", authorizedParties: ["CHE"], authorizedEntities: ["E"], quantity: 50, gwp: "AR5", sectors: ["Energy"], activityTypes: ["Solar"], terms: "t" },
  { type: "cover", id: "C1", date: "2025-01-02", authorization: "A1", blocks: [{ series: "S", start: 1, end: 40 }] },
  { type: "firstTransfer", id: "F0", date: "2025-01-02", party: "GHA", blocks: [{ series: "S", start: 31, end: 40 }] },
];
const A6_VALID: Cmd[] = [
  { type: "issue", id: "I2", date: "2025-01-01", series: "S", start: 101, end: 110, host: "GHA", registry: "GHA01", vintage: 2024, sector: "Energy", activityType: "Solar", mitigationType: "Removals", metric: "GHG", gwp: "AR5", underlying: { registry: "R", idPrefix: "X-" }, authorization: "A1" },
  { type: "authorize", id: "A2", date: "2025-01-01", party: "GHA", cooperativeApproach: "CA0002", purposes: "OIMP", oimpPurposes: ["CORSIA"], firstTransferDefinition: "authorization", authorizedParties: [], authorizedEntities: ["E"], quantity: 10, gwp: "AR5", sectors: ["Energy"], activityTypes: ["Solar"], timeframe: { from: 2024, to: 2026 }, terms: "t" },
  { type: "cover", id: "C2", date: "2025-01-02", authorization: "A1", blocks: [{ series: "S", start: 41, end: 50 }] },
  { type: "revoke", id: "R1", date: "2025-01-03", authorization: "A1", blocks },
  { type: "transfer", id: "T1", date: "2025-01-03", from: "GHA", to: "CHE", blocks },
  { type: "use", id: "U1", date: "2025-01-03", party: "GHA", purpose: "OIMP", oimpPurpose: "CORSIA", entity: "E", blocks },
  { type: "use", id: "U2", date: "2025-01-03", party: "GHA", purpose: "NDC", forYear: 2025, blocks: [{ series: "S", start: 31, end: 40 }] },
  { type: "cancel", id: "X1", date: "2025-01-03", party: "GHA", reason: "voluntary", blocks },
  { type: "firstTransfer", id: "F1", date: "2025-01-03", party: "GHA", blocks },
  { type: "authorizeEntity", id: "E1", date: "2025-01-03", party: "GHA", name: "E", country: "GHA", identification: "E-1", cooperativeApproach: "CA0001", conditions: "c", changeConditions: "c" },
];
const CDM_SEED: Cmd[] = [
  { type: "proposeMethodology", id: "M3" },
  { type: "proposeMethodology", id: "M1" },
  { type: "decideMethodology", id: "M1", approve: true },
  { type: "submitProject", id: "P", number: 1, host: "GH", participants: ["Dev"], methodology: "M1", kind: "standard", crediting: { type: "renewable", start: "2008-01-01" } },
  { type: "approveByHost", project: "P", date: "2008-01-01" },
  { type: "validate", project: "P", date: "2008-01-02", doe: "D" },
  { type: "register", project: "P", date: "2008-01-03" },
  { type: "reportMonitoring", project: "P", period: { id: "M1", from: "2008-01-01", to: "2008-12-31" }, reductions: 100 },
  { type: "verify", project: "P", periodId: "M1", verified: 100, doe: "D" },
  { type: "submitProject", id: "D1", number: 3, host: "GH", participants: ["Dev"], methodology: "M1", kind: "standard", crediting: { type: "fixed", start: "2010-01-01" } },
];
const CDM_VALID: Cmd[] = [
  { type: "proposeMethodology", id: "M2" },
  { type: "decideMethodology", id: "M3", approve: false },
  { type: "submitProject", id: "Q", number: 2, host: "GH", participants: ["Dev"], methodology: "M1", kind: "afforestation", afforestationUnit: "tCER", crediting: { type: "fixed", start: "2008-01-01" } },
  { type: "renewCrediting", project: "P", date: "2009-01-01" },
  { type: "reportMonitoring", project: "P", period: { id: "M2", from: "2009-01-01", to: "2009-12-31" }, reductions: 100 },
  { type: "issue", project: "P", periodId: "M1", quantity: 100, serialStart: 1, date: "2009-03-01" },
  { type: "withdraw", project: "D1", date: "2009-03-01" },
  { type: "approveByHost", project: "D1", date: "2009-03-01" },
];
const JCM_SEED: Cmd[] = [
  { type: "establishCommittee", partner: "MNG", date: "2013-01-08" },
  { type: "designateTpe", partner: "MNG", tpe: "T" },
  { type: "proposeMethodology", partner: "MNG", id: "M1" },
  { type: "decideMethodology", partner: "MNG", id: "M1", approve: true },
  { type: "proposeProject", id: "P", partner: "MNG", methodology: "M1", participants: ["Dev"], allocation: [{ registry: "japan", holder: "J", weight: 1 }] },
  { type: "validate", project: "P", tpe: "T", date: "2014-01-01" },
  { type: "register", project: "P", date: "2014-02-01" },
  { type: "reportMonitoring", project: "P", period: { id: "M1", from: "2014-01-01", to: "2014-12-31" }, reductions: 10 },
  { type: "verify", project: "P", periodId: "M1", tpe: "T", verified: 10 },
];
const JCM_VALID: Cmd[] = [
  { type: "establishCommittee", partner: "IDN", date: "2013-08-07" },
  { type: "proposeProject", id: "P2", partner: "MNG", methodology: "M1", participants: ["Dev"], allocation: [{ registry: "partner", holder: "G", weight: "2" }, { registry: "japan", holder: "J", weight: 1 }] },
  { type: "reportMonitoring", project: "P", period: { id: "M2", from: "2015-01-01", to: "2015-12-31" }, reductions: 10 },
  { type: "notifyIssuance", project: "P", periodId: "M1", quantity: 10, date: "2015-03-01" },
];
const A64_SEED: Cmd[] = [
  { type: "registerActivity", id: "A1", host: "GHA", kind: "removal", riskRating: "low", creditingEnd: "2030-12-31" },
  { type: "issue", id: "I1", activity: "A1", date: "2026-01-01", vintage: 2025, quantity: 100, serialStart: 1 },
];
const A64_VALID: Cmd[] = [
  { type: "registerActivity", id: "A2", host: "GHA", kind: "reduction", creditingEnd: "2030-12-31" },
  { type: "issue", id: "I2", activity: "A1", date: "2026-01-01", vintage: 2025, quantity: 100, serialStart: 1000 },
  { type: "forward", issuance: "I1", date: "2026-01-02", instructions: [{ recipient: "b", quantity: 83 }] },
  { type: "reportReversal", id: "R1", activity: "A1", date: "2031-01-01", quantity: 5, avoidable: true },
];

const garbage = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant(undefined), fc.bigInt(), fc.string(), fc.constant(null), fc.constant([]), fc.constant({}));

function mutated(valid: readonly Cmd[]) {
  return fc.tuple(fc.constantFrom(...valid), fc.array(fc.tuple(fc.nat(), garbage), { minLength: 1, maxLength: 3 })).map(([c, changes]) => {
    const out: Cmd = { ...c };
    const keys = Object.keys(c).filter((k) => k !== "type");
    for (const [i, v] of changes) out[keys[i % keys.length] as string] = v;
    return out;
  });
}

const answers = (o: { ok: boolean; code?: number }) => o.ok || (typeof o.code === "number" && o.code >= 10_000);

function fuzz<S>(name: string, apply: Apply<S>, empty: S, seed: readonly Cmd[], valid: readonly Cmd[]): void {
  const state = seeded(apply, empty, seed);
  test("every valid template of " + name + " is accepted (so the mutations start from real commands)", () => {
    for (const c of valid) {
      const o = apply(state, c);
      expect([c.type, o.ok ? "ok" : o.message]).toEqual([c.type, "ok"]);
    }
  });
  test.prop([mutated(valid)], { numRuns: 500 })(`${name}: a mutated command is answered, never thrown`, (c) => {
    expect(answers(apply(state, c))).toBe(true);
    expect(answers(apply(empty, c))).toBe(true);
  });
}

describe("malformed commands are refused, never thrown", () => {
  fuzz("the Article 6 book", a6, EMPTY_A6, A6_SEED, A6_VALID);
  fuzz("the CDM", cdm, EMPTY_CDM, CDM_SEED, CDM_VALID);
  fuzz("the JCM", jcm, EMPTY_JCM, JCM_SEED, JCM_VALID);
  fuzz("Article 6.4", a64, EMPTY_A64, A64_SEED, A64_VALID);
  test.prop([fc.jsonValue({ maxDepth: 3 })])("attributes and Kyoto block identifiers", (v) => {
    expect(answers(validateAttributes(v))).toBe(true);
    expect(answers(parseKyotoBlock(v))).toBe(true);
  });
});
