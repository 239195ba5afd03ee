// Goal: the Article 6.2 book authorizes, first transfers, transfers, uses and cancels units by
// the rules of each Party; a first transfer happens exactly once, at the event the authorization
// defines; each bad command is refused with its code and changes nothing.
import { describe, expect, it } from "vitest";
import { internationalSchema } from "../../rulebook/international.ts";
import type { Refusal } from "../codes.ts";
import { adjustmentEntries } from "./adjustments.ts";
import { applyA6, decide, type RulesByParty } from "./book.ts";
import { replay } from "./evolve.ts";
import { type A6Command, type A6Record, type A6State, EMPTY_A6 } from "./types.ts";

function party(p: Record<string, unknown>) {
  const r = internationalSchema.parse({
    article6: {
      registryId: `${p.party}01`,
      ndc: { kind: "single-year", period: { from: 2021, to: 2030 }, targetYear: 2030, method: "averaging" },
      authorization: { revocation: { allowed: true, withinDays: 30 }, oimpFirstTransfer: ["authorization", "issuance", "use-or-cancellation", "first-international-transfer"] },
      adjustments: { firstTransferYear: "vintage", averagingRounding: "halfEven" },
      use: { vintageInNdcPeriod: true },
      ...p,
    },
  });
  return r.article6!;
}

// Illustrative Parties: a host (GHA) and two acquirers. Rules are test choices, not the Parties' own.
const rules: RulesByParty = new Map([
  ["GHA", party({ party: "GHA" })],
  ["CHE", party({ party: "CHE", ndc: { kind: "multi-year", period: { from: 2021, to: 2030 } } })],
  ["SWE", party({ party: "SWE", authorization: { revocation: { allowed: false }, oimpFirstTransfer: ["use-or-cancellation"] } })],
  ["KEN", party({ party: "KEN" })],
]);

const issuance = (id: string, start: number, end: number, extra: Partial<Extract<A6Command, { type: "issue" }>> = {}): A6Command => ({
  type: "issue", id, date: "2025-03-01", series: "GHA-cookstoves", start, end, host: "GHA", registry: "GHA01", vintage: 2024,
  sector: "Energy", activityType: "Cookstoves", mitigationType: "Emission reductions", metric: "GHG", gwp: "AR5", underlying: null, ...extra,
});
const authorization = (id: string, purposes: "NDC" | "OIMP" | "NDC and OIMP", more: Record<string, unknown> = {}): A6Command => ({
  type: "authorize", id, date: "2025-02-01", party: "GHA", cooperativeApproach: "CA0007", purposes, authorizedParties: ["CHE"], quantity: 1_000n, gwp: "AR5",
  sectors: ["Energy"], activityTypes: ["Cookstoves"], terms: "Not revocable once first transferred.", ...(purposes === "NDC" ? {} : { oimpPurposes: ["CORSIA"] }), ...more,
} as A6Command);
const blocks = (start: number, end: number) => [{ series: "GHA-cookstoves", start, end }];

function run(cmds: readonly A6Command[], from: A6State = EMPTY_A6): { state: A6State; records: A6Record[] } {
  let state = from;
  const records: A6Record[] = [];
  for (const c of cmds) {
    const o = applyA6(state, c, rules);
    if (!o.ok) throw new Error(`${c.type} ${"id" in c ? c.id : ""}: ${o.code} ${o.message}`);
    state = o.value.state;
    records.push(...o.value.records);
  }
  return { state, records };
}

function refused(state: A6State, c: A6Command): Refusal {
  const before = JSON.stringify([...state.blocks], (_k, v) => (typeof v === "bigint" ? String(v) : v));
  const o = decide(state, c, rules);
  if (o.ok) throw new Error(`${c.type} was accepted`);
  expect(JSON.stringify([...state.blocks], (_k, v) => (typeof v === "bigint" ? String(v) : v))).toBe(before);
  return o;
}

const kinds = (rs: readonly A6Record[]) => rs.map((r) => r.kind);

describe("NDC authorization: first transferred by the first international transfer", () => {
  const base = [issuance("I1", 1, 1000), authorization("AUTH1", "NDC"), { type: "cover", id: "C1", date: "2025-03-05", authorization: "AUTH1", blocks: blocks(1, 1000) } as A6Command];

  it("records the first transfer with the transfer, once; the host's adjustment is dated by vintage, the user's by its year", () => {
    const { state, records } = run([
      ...base,
      { type: "transfer", id: "T1", date: "2025-04-01", from: "GHA", to: "CHE", blocks: blocks(1, 600) },
      { type: "transfer", id: "T2", date: "2025-05-01", from: "CHE", to: "KEN", blocks: blocks(1, 100) },
      { type: "use", id: "U1", date: "2026-01-15", party: "CHE", purpose: "NDC", forYear: 2025, blocks: blocks(101, 600) },
    ]);
    expect(kinds(records)).toEqual(["issuance", "authorization", "cover", "first-transfer", "transfer", "transfer", "use"]);
    const ft = records.find((r) => r.kind === "first-transfer");
    expect(ft).toMatchObject({ id: "T1/ft1", party: "GHA", to: "CHE", definition: "first-international-transfer", authorization: "AUTH1" });
    const ca = adjustmentEntries(records, rules);
    if (!ca.ok) throw new Error(ca.message);
    expect(ca.value.map((e) => [e.party, e.year, e.quantity, e.reason])).toEqual([
      ["GHA", 2024, 600n, "first-transfer"],
      ["CHE", 2025, -500n, "use"],
    ]);
    expect(state.blocks.get("GHA-cookstoves")?.map((p) => [p.start, p.end, p.value.holder, p.value.firstTransferred, p.value.status])).toEqual([
      [1n, 100n, "KEN", true, "active"],
      [101n, 600n, "CHE", true, "used"],
      [601n, 1000n, "GHA", false, "active"],
    ]);
  });

  it("authorization at issuance: the issuance covers the units and nothing is first transferred yet", () => {
    const { records } = run([authorization("AUTH1", "NDC"), issuance("I1", 1, 1000, { authorization: "AUTH1" })]);
    expect(kinds(records)).toEqual(["authorization", "issuance", "cover"]);
  });
});

describe("OIMP authorizations: first transferred at the event the Party chose", () => {
  it.each<[string, "authorization" | "issuance" | "use-or-cancellation" | "first-international-transfer", A6Command[], string]>([
    ["issuance", "issuance", [authorization("A", "OIMP", { firstTransferDefinition: "issuance" }), issuance("I", 1, 10, { authorization: "A" })], "I/cover/ft1"],
    ["authorization (later)", "authorization", [issuance("I", 1, 10), authorization("A", "OIMP", { firstTransferDefinition: "authorization" }), { type: "cover", id: "C", date: "2025-03-02", authorization: "A", blocks: blocks(1, 10) }], "C/ft1"],
    ["use for CORSIA", "use-or-cancellation", [issuance("I", 1, 10), authorization("A", "OIMP", { firstTransferDefinition: "use-or-cancellation" }), { type: "cover", id: "C", date: "2025-03-02", authorization: "A", blocks: blocks(1, 10) }, { type: "transfer", id: "T", date: "2025-04-01", from: "GHA", to: "CHE", blocks: blocks(1, 10) }, { type: "use", id: "U", date: "2025-05-01", party: "CHE", purpose: "OIMP", oimpPurpose: "CORSIA", blocks: blocks(1, 10) }], "U/ft1"],
    ["voluntary cancellation", "use-or-cancellation", [issuance("I", 1, 10), authorization("A", "OIMP", { firstTransferDefinition: "use-or-cancellation" }), { type: "cover", id: "C", date: "2025-03-02", authorization: "A", blocks: blocks(1, 10) }, { type: "cancel", id: "X", date: "2025-05-01", party: "GHA", reason: "voluntary", blocks: blocks(1, 10) }], "X/ft1"],
  ])("%s", (_what, definition, cmds, id) => {
    const { records } = run(cmds);
    const fts = records.filter((r) => r.kind === "first-transfer");
    expect(fts.map((f) => [f.id, f.kind === "first-transfer" && f.definition])).toEqual([[id, definition]]);
  });

  it("NDC and OIMP, defined by use: the first international transfer comes first and is the first transfer; the later use is not", () => {
    const { records } = run([
      issuance("I", 1, 10),
      authorization("A", "NDC and OIMP", { firstTransferDefinition: "use-or-cancellation" }),
      { type: "cover", id: "C", date: "2025-03-02", authorization: "A", blocks: blocks(1, 10) },
      { type: "transfer", id: "T", date: "2025-04-01", from: "GHA", to: "CHE", blocks: blocks(1, 10) },
      { type: "use", id: "U", date: "2025-05-01", party: "CHE", purpose: "OIMP", oimpPurpose: "CORSIA", blocks: blocks(1, 10) },
    ]);
    expect(records.filter((r) => r.kind === "first-transfer").map((r) => r.id)).toEqual(["T/ft1"]);
  });

  it("an OMGE cancellation is not a first transfer", () => {
    const { records } = run([issuance("I", 1, 10), authorization("A", "OIMP", { firstTransferDefinition: "use-or-cancellation" }), { type: "cover", id: "C", date: "2025-03-02", authorization: "A", blocks: blocks(1, 10) }, { type: "cancel", id: "X", date: "2025-05-01", party: "GHA", reason: "omge", blocks: blocks(1, 10) }]);
    expect(kinds(records)).not.toContain("first-transfer");
  });
});

describe("refusals", () => {
  const covered = run([issuance("I1", 1, 1000), authorization("AUTH1", "NDC"), { type: "cover", id: "C1", date: "2025-02-15", authorization: "AUTH1", blocks: blocks(1, 500) }]).state;
  const transferred = run([{ type: "transfer", id: "T1", date: "2025-04-01", from: "GHA", to: "CHE", blocks: blocks(1, 300) }], covered).state;
  const kenyan = run([{ ...issuance("K1", 1, 100), series: "KEN-solar", host: "KEN", registry: "KEN01" } as A6Command], covered).state;

  it.each<[string, number, A6State, A6Command]>([
    ["authorizing units of another host", 10501, kenyan, { type: "cover", id: "C2", date: "2025-03-02", authorization: "AUTH1", blocks: [{ series: "KEN-solar", start: 1, end: 10 }] }],
    ["a second first transfer", 10601, transferred, { type: "firstTransfer", id: "F2", date: "2025-05-01", party: "GHA", blocks: blocks(1, 300) }],
    ["revoking after the deadline (30 days)", 10505, covered, { type: "revoke", id: "R1", date: "2025-03-04", authorization: "AUTH1" }],
    ["revoking first-transferred units", 10506, transferred, { type: "revoke", id: "R1", date: "2025-02-20", authorization: "AUTH1", blocks: blocks(1, 300) }],
    ["using an unauthorized unit towards an NDC", 10701, run([{ type: "transfer", id: "T9", date: "2025-04-01", from: "GHA", to: "CHE", blocks: blocks(501, 600) }], covered).state, { type: "use", id: "U1", date: "2025-05-01", party: "CHE", purpose: "NDC", forYear: 2025, blocks: blocks(501, 600) }],
    ["using authorized units not yet first transferred", 10606, covered, { type: "use", id: "U1", date: "2025-05-01", party: "GHA", purpose: "NDC", forYear: 2025, blocks: blocks(301, 400) }],
    ["using OIMP units before their first transfer when it is defined as the international transfer", 10606, run([authorization("OI", "OIMP", { firstTransferDefinition: "first-international-transfer" }), { type: "cover", id: "C9", date: "2025-03-02", authorization: "OI", blocks: blocks(501, 600) }], covered).state, { type: "use", id: "U1", date: "2025-05-01", party: "GHA", purpose: "OIMP", oimpPurpose: "CORSIA", blocks: blocks(501, 600) }],
    ["using NDC-only units for CORSIA", 10702, transferred, { type: "use", id: "U1", date: "2025-05-01", party: "CHE", purpose: "OIMP", oimpPurpose: "CORSIA", blocks: blocks(1, 10) }],
    ["using for a year outside the NDC period", 10604, transferred, { type: "use", id: "U1", date: "2025-05-01", party: "CHE", purpose: "NDC", forYear: 2031, blocks: blocks(1, 10) }],
    ["using units held by another Party", 10704, transferred, { type: "use", id: "U1", date: "2025-05-01", party: "KEN", purpose: "NDC", forYear: 2025, blocks: blocks(1, 10) }],
    ["a block running past the issued serials", 10706, covered, { type: "cover", id: "C2", date: "2025-03-02", authorization: "AUTH1", blocks: blocks(501, 1001) }],
    ["covering beyond the authorized quantity", 10507, run([issuance("I2", 1001, 2000)], covered).state, { type: "cover", id: "C2", date: "2025-03-02", authorization: "AUTH1", blocks: [...blocks(501, 1000), ...blocks(1001, 1001)] }],
    ["covering units twice", 10503, covered, { type: "cover", id: "C2", date: "2025-03-02", authorization: "AUTH1", blocks: blocks(1, 10) }],
    ["a block whose serials are in two states", 10708, covered, { type: "transfer", id: "T2", date: "2025-04-01", from: "GHA", to: "CHE", blocks: blocks(400, 600) }],
    ["serials never issued", 10706, covered, { type: "transfer", id: "T2", date: "2025-04-01", from: "GHA", to: "CHE", blocks: blocks(990, 1010) }],
    ["a transfer to the same Party", 10709, covered, { type: "transfer", id: "T2", date: "2025-04-01", from: "GHA", to: "GHA", blocks: blocks(1, 10) }],
    ["issuing serials twice", 10707, covered, issuance("I9", 900, 1100)],
    ["a record id used twice", 10005, covered, issuance("I1", 5000, 5100)],
    ["a record id with a slash (reserved for the records a command makes)", 10001, covered, issuance("I1/cover", 5000, 5100)],
    ["an authorization by a Party without rules", 10007, covered, { ...authorization("A9", "NDC"), party: "FRA" } as A6Command],
    ["an OIMP authorization with a definition the Party does not allow", 10508, covered, { ...authorization("A9", "OIMP", { firstTransferDefinition: "issuance" }), party: "SWE" } as A6Command],
    ["an NDC-only authorization with an OIMP definition", 10508, covered, authorization("A9", "NDC", { firstTransferDefinition: "issuance" })],
  ])("refuses %s with %i and changes nothing", (_what, code, state, cmd) => {
    expect(refused(state, cmd).code).toBe(code);
  });

  it("revoking where the Party's rules forbid it (10504), and a wholly revoked authorization covers nothing more (10509)", () => {
    const swe = new Map(rules).set("GHA", party({ party: "GHA", authorization: { revocation: { allowed: false }, oimpFirstTransfer: ["authorization"] } }));
    const o = decide(covered, { type: "revoke", id: "R1", date: "2025-02-20", authorization: "AUTH1" }, swe);
    expect(o.ok ? 0 : o.code).toBe(10504);
    const revoked = run([{ type: "revoke", id: "R1", date: "2025-02-20", authorization: "AUTH1" }], transferred);
    expect(revoked.records[0]).toMatchObject({ kind: "revocation", version: 2, quantity: 300n, full: true, blocks: [{ start: 301n, end: 500n }] });
    expect(refused(revoked.state, { type: "cover", id: "C2", date: "2025-03-02", authorization: "AUTH1", blocks: blocks(501, 510) }).code).toBe(10509);
    // the first-transferred units keep their authorization; the rest lost it
    expect(revoked.state.blocks.get("GHA-cookstoves")?.map((p) => [p.start, p.end, p.value.authorization])).toEqual([
      [1n, 300n, "AUTH1"],
      [301n, 1000n, null],
    ]);
  });

  it("the explicit first transfer: by the host, of authorized units only", () => {
    expect(refused(covered, { type: "firstTransfer", id: "F1", date: "2025-05-01", party: "GHA", blocks: blocks(501, 600) }).code).toBe(10602);
    expect(refused(covered, { type: "firstTransfer", id: "F1", date: "2025-05-01", party: "CHE", blocks: blocks(1, 10) }).code).toBe(10603);
    const ok = run([{ type: "firstTransfer", id: "F1", date: "2025-05-01", party: "GHA", blocks: blocks(1, 10) }], covered);
    expect(ok.records).toMatchObject([{ kind: "first-transfer", id: "F1", party: "GHA", to: null, definition: "first-international-transfer" }]);
  });

  it("the state is the replay of the records", () => {
    const { state, records } = run([issuance("I1", 1, 1000), authorization("AUTH1", "NDC"), { type: "cover", id: "C1", date: "2025-02-15", authorization: "AUTH1", blocks: blocks(1, 500) }, { type: "transfer", id: "T1", date: "2025-04-01", from: "GHA", to: "CHE", blocks: blocks(1, 300) }]);
    const s = (x: A6State) => JSON.stringify([...x.blocks, ...x.authorizations], (_k, v) => (typeof v === "bigint" ? String(v) : v));
    expect(s(replay(records, EMPTY_A6))).toBe(s(state));
    expect(() => replay([...records, records[0] as A6Record], EMPTY_A6)).toThrow(/used twice/);
  });
});
