// Goal: the JCM cycle runs per joint committee, and an issuance is split between the partner's and
// Japan's registries exactly at the ratio agreed for the project (largest remainder, ties to the
// earlier entry); every bad step is refused with its code and changes nothing.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import type { Refusal } from "./codes.ts";
import { applyJcm, EMPTY_JCM, type JcmCommand, type JcmOutcome, type JcmState, splitIssuance } from "./jcm.ts";

function run(cmds: readonly JcmCommand[], from: JcmState = EMPTY_JCM): { state: JcmState; last: JcmOutcome } {
  let state = from;
  let last: JcmOutcome = { state };
  for (const c of cmds) {
    const o = applyJcm(state, c);
    if (!o.ok) throw new Error(`${c.type}: ${o.code} ${o.message}`);
    last = o.value;
    state = o.value.state;
  }
  return { state, last };
}

function refused(state: JcmState, c: JcmCommand): Refusal {
  const o = applyJcm(state, c);
  if (o.ok) throw new Error(`${c.type} was accepted`);
  return o;
}

// An illustrative project in Mongolia (the first JCM partner; the bilateral document was signed in
// January 2013 [R]); the project, its ids, dates and figures are made up.
const committee: JcmCommand[] = [
  { type: "establishCommittee", partner: "MNG", date: "2013-01-08" },
  { type: "designateTpe", partner: "MNG", tpe: "TPE-A" },
  { type: "proposeMethodology", partner: "MNG", id: "MN_AM001" },
  { type: "decideMethodology", partner: "MNG", id: "MN_AM001", approve: true },
];
const project: JcmCommand = {
  type: "proposeProject",
  id: "MN001",
  partner: "MNG",
  methodology: "MN_AM001",
  participants: ["Ulaanbaatar-Heat", "JP-Engineering"],
  allocation: [
    { registry: "partner", holder: "MN-Government", weight: 1n },
    { registry: "partner", holder: "Ulaanbaatar-Heat", weight: 1n },
    { registry: "japan", holder: "JP-Government", weight: 1n },
  ],
};
const verified: JcmCommand[] = [
  ...committee,
  project,
  { type: "validate", project: "MN001", tpe: "TPE-A", date: "2014-03-01" },
  { type: "register", project: "MN001", date: "2014-06-01" },
  { type: "reportMonitoring", project: "MN001", period: { id: "M1", from: "2014-06-01", to: "2015-05-31" }, reductions: 1_000n },
  { type: "verify", project: "MN001", periodId: "M1", tpe: "TPE-A", verified: 1_000n },
];

describe("JCM", () => {
  it("splits 1,000 credits in thirds as 334 / 333 / 333 (tie to the earlier entry): 667 to the partner's registry, 333 to Japan's", () => {
    const { last, state } = run([...verified, { type: "notifyIssuance", project: "MN001", periodId: "M1", quantity: 1_000n, date: "2015-09-01" }]);
    expect(last.issuance?.entries.map((e) => e.quantity)).toEqual([334n, 333n, 333n]);
    expect([last.issuance?.partnerRegistry, last.issuance?.japanRegistry]).toEqual([667n, 333n]);
    expect(state.projects.get("MN001")?.periods[0]?.status).toBe("notified");
  });

  it.each<[string, JcmCommand[], JcmCommand, number]>([
    ["a project with a partner without a joint committee", committee, { ...project, partner: "IDN" } as JcmCommand, 10401],
    ["a methodology another committee approved", [...committee, { type: "establishCommittee", partner: "IDN", date: "2013-08-07" }], { ...project, partner: "IDN" } as JcmCommand, 10402],
    ["an allocation outside the two registries", committee, { ...project, allocation: [{ registry: "thirdparty", holder: "X", weight: 1n }] } as JcmCommand, 10404],
    ["an allocation with all weights zero", committee, { ...project, allocation: [{ registry: "japan", holder: "X", weight: 0n }] } as JcmCommand, 10404],
    ["validation by an undesignated TPE", [...committee, project], { type: "validate", project: "MN001", tpe: "TPE-Z", date: "2014-03-01" }, 10406],
    ["registration before validation", [...committee, project], { type: "register", project: "MN001", date: "2014-06-01" }, 10403],
    ["notifying more than verified", verified, { type: "notifyIssuance", project: "MN001", periodId: "M1", quantity: 1_001n, date: "2015-09-01" }, 10405],
    ["notifying before verification", verified.slice(0, -1), { type: "notifyIssuance", project: "MN001", periodId: "M1", quantity: 1n, date: "2015-09-01" }, 10403],
    ["a second committee for the same partner", committee, { type: "establishCommittee", partner: "MNG", date: "2014-01-01" }, 10005],
    ["a partner code that is not alpha-3", [], { type: "establishCommittee", partner: "MN", date: "2014-01-01" }, 10002],
  ])("refuses %s with %i", (_what, before, cmd, code) => {
    const s = run(before).state;
    const snapshot = JSON.stringify([[...s.committees.keys()], [...s.projects.values()]], (_k, v) => (typeof v === "bigint" ? String(v) : v));
    expect(refused(s, cmd).code).toBe(code);
    expect(JSON.stringify([[...s.committees.keys()], [...s.projects.values()]], (_k, v) => (typeof v === "bigint" ? String(v) : v))).toBe(snapshot);
  });

  test.prop([fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.array(fc.record({ registry: fc.constantFrom("partner" as const, "japan" as const), weight: fc.bigInt({ min: 0n, max: 100n }) }), { minLength: 1, maxLength: 8 })])(
    "the parts sum exactly to the notified quantity and each is within one unit of its exact share",
    (q, entries) => {
      fc.pre(entries.some((e) => e.weight > 0n));
      const alloc = entries.map((e, i) => ({ ...e, holder: `h${i}` }));
      const iss = splitIssuance(q, alloc, "2020-01-01");
      expect(iss.partnerRegistry + iss.japanRegistry).toBe(q);
      const total = alloc.reduce((s, e) => s + e.weight, 0n);
      iss.entries.forEach((e, i) => {
        const exact = (q * (alloc[i]?.weight ?? 0n)) / total;
        expect(e.quantity === exact || e.quantity === exact + 1n).toBe(true);
      });
    },
  );
});
