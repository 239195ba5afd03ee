// Goal: every AEF row comes from a record of the book: authorizations and their revised versions,
// first transfers with the definition that made them, transfers, acquisitions, uses and
// cancellations of ITMOs only, holdings as at 31 December; "NA" only where a record makes a field
// not applicable; bad input is refused with its field.
import { describe, expect, it } from "vitest";
import { internationalSchema } from "../rulebook/international.ts";
import { ACTION_COLUMNS, ACTION_TYPES, actionsOfType, AUTHORIZATION_COLUMNS, buildAef, type Cell } from "./aef.ts";
import { applyA6, type RulesByParty } from "./article6/book.ts";
import { type A6Command, type A6Record, EMPTY_A6 } from "./article6/types.ts";

const partyRules = (party: string) =>
  internationalSchema.parse({
    article6: {
      party,
      registryId: `${party}01`,
      ndc: { kind: "multi-year", period: { from: 2021, to: 2030 } },
      authorization: { revocation: { allowed: true }, oimpFirstTransfer: ["issuance", "use-or-cancellation"] },
      adjustments: { firstTransferYear: "first-transfer", averagingRounding: "floor" },
      use: { vintageInNdcPeriod: false },
    },
  }).article6!;
const rules: RulesByParty = new Map([["GHA", partyRules("GHA")], ["SGP", partyRules("SGP")]]);

// An illustrative history (made-up ids and figures): Ghana authorizes cookstove credits for
// CORSIA (first transfer at issuance) and solar credits for NDCs; Singapore acquires and uses some.
const history: A6Command[] = [
  { type: "authorize", id: "GH-OIMP", date: "2025-01-10", party: "GHA", cooperativeApproach: "CA0003", purposes: "OIMP", oimpPurposes: ["CORSIA"], firstTransferDefinition: "issuance", authorizedParties: [], authorizedEntities: ["Airline-X"], quantity: 300n, gwp: "AR5", sectors: ["Energy"], activityTypes: ["Cookstoves"], terms: "t1" },
  { type: "authorize", id: "GH-NDC", date: "2025-01-11", party: "GHA", cooperativeApproach: "CA0004", purposes: "NDC", authorizedParties: ["SGP"], quantity: 500n, gwp: "AR5", sectors: ["Energy"], activityTypes: ["Solar"], timeframe: { from: 2025, to: 2030 }, terms: "t2" },
  { type: "issue", id: "I-COOK", date: "2025-02-01", series: "GH-COOK", start: 1, end: 300, host: "GHA", registry: "GHA01", vintage: 2024, sector: "Energy", activityType: "Cookstoves", mitigationType: "Emission reductions", metric: "GHG", gwp: "AR5", underlying: { registry: "Gold Standard", idPrefix: "GS-1-" }, authorization: "GH-OIMP" },
  { type: "issue", id: "I-SOLAR", date: "2025-02-02", series: "GH-SOLAR", start: 1, end: 1000, host: "GHA", registry: "GHA01", vintage: 2024, sector: "Energy", activityType: "Solar", mitigationType: "Emission reductions", metric: "GHG", gwp: "AR5", underlying: null },
  { type: "cover", id: "C-SOLAR", date: "2025-02-03", authorization: "GH-NDC", blocks: [{ series: "GH-SOLAR", start: 1, end: 500 }] },
  { type: "transfer", id: "T1", date: "2025-03-01", from: "GHA", to: "SGP", blocks: [{ series: "GH-SOLAR", start: 1, end: 200 }] },
  { type: "transfer", id: "T2", date: "2025-03-02", from: "SGP", to: "GHA", blocks: [{ series: "GH-SOLAR", start: 151, end: 200 }] },
  { type: "transfer", id: "T3", date: "2025-03-03", from: "GHA", to: "SGP", blocks: [{ series: "GH-SOLAR", start: 601, end: 700 }] }, // not authorized: no AEF row
  { type: "cancel", id: "X1", date: "2025-04-01", party: "GHA", reason: "omge", blocks: [{ series: "GH-COOK", start: 1, end: 6 }] },
  { type: "revoke", id: "R1", date: "2025-05-01", authorization: "GH-NDC", blocks: [{ series: "GH-SOLAR", start: 401, end: 500 }] },
  { type: "use", id: "U1", date: "2025-06-01", party: "SGP", purpose: "NDC", forYear: 2025, blocks: [{ series: "GH-SOLAR", start: 1, end: 100 }] },
  { type: "transfer", id: "T4", date: "2026-01-05", from: "SGP", to: "GHA", blocks: [{ series: "GH-SOLAR", start: 101, end: 150 }] }, // next year
];

const records: A6Record[] = [];
let state = EMPTY_A6;
for (const c of history) {
  const o = applyA6(state, c, rules);
  if (!o.ok) throw new Error(`${c.type}: ${o.message}`);
  state = o.value.state;
  records.push(...o.value.records);
}

function tables(party: "GHA" | "SGP", year = 2025) {
  const r = buildAef({ rules: rules.get(party)!, partyName: party === "GHA" ? "Ghana" : "Singapore", year, version: "1.2", submittedOn: "2026-04-15", records });
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

const col = (row: readonly Cell[] | undefined, name: string, cols: readonly string[] = ACTION_COLUMNS) => row?.[cols.indexOf(name)];

describe("AEF tables from the book", () => {
  const gha = tables("GHA");
  const sgp = tables("SGP");

  it("Table 2: both authorizations and the revised version after the partial revocation", () => {
    const rows = gha.authorizations.rows.map((r) => [col(r, "Authorization ID", AUTHORIZATION_COLUMNS), col(r, "Version of the authorization", AUTHORIZATION_COLUMNS), col(r, "Authorized quantity", AUTHORIZATION_COLUMNS), col(r, "OIMP authorized by the Party", AUTHORIZATION_COLUMNS), col(r, "First transfer definition for OIMP", AUTHORIZATION_COLUMNS), col(r, "Authorized entity(ies) ID", AUTHORIZATION_COLUMNS)]);
    expect(rows).toEqual([
      ["GH-OIMP", 1, 300, "CORSIA", "Issuance", "Airline-X"],
      ["GH-NDC", 1, 500, "NA", "NA", "NA"],
      ["GH-NDC", 2, 400, "NA", "NA", "NA"],
    ]);
    expect(col(gha.authorizations.rows[2], "Additional explanatory information", AUTHORIZATION_COLUMNS)).toBe("Revised on 01/05/2025: partly revoked, 100 units released");
    expect(sgp.authorizations.rows).toEqual([]);
  });

  it("Table 3 (Ghana): first transfer at issuance, first international transfer, re-acquisition, OMGE cancellation; the unauthorized transfer is absent", () => {
    const rows = gha.actions.rows.map((r) => [col(r, "Action date"), col(r, "Action type"), col(r, "Action subtype"), col(r, "First ID"), col(r, "Quantity (t CO2 eq)"), col(r, "Underlying unit registry ID"), col(r, "First unit ID")]);
    expect(rows).toEqual([
      ["01/02/2025", "First transfer", "Issuance", "CA0003-GHA01-GHA-1-2024", 300, "Gold Standard", "GS-1-1"],
      ["01/03/2025", "First transfer", "First international transfer", "CA0004-GHA01-GHA-1-2024", 200, "NA", "NA"],
      ["02/03/2025", "Acquisition", "NA", "CA0004-GHA01-GHA-151-2024", 50, "NA", "NA"],
      ["01/04/2025", "Cancellation", "Voluntary cancellation to deliver OMGE", "CA0003-GHA01-GHA-1-2024", 6, "Gold Standard", "GS-1-1"],
    ]);
  });

  it("Table 3 (Singapore): acquisition, transfer back, use towards its NDC for 2025", () => {
    const rows = sgp.actions.rows.map((r) => [col(r, "Action type"), col(r, "Action subtype"), col(r, "Transferring participating Party ID"), col(r, "Acquiring participating Party ID"), col(r, "Using/cancelling participating Party ID"), col(r, "Calendar year for which the ITMOs are used towards the Party's NDC"), col(r, "Party ITMO registry ID")]);
    expect(rows).toEqual([
      ["Acquisition", "NA", "GHA", "SGP", "NA", "NA", "SGP01"],
      ["Transfer", "NA", "SGP", "GHA", "NA", "NA", "SGP01"],
      ["Use", "Use towards NDC", "NA", "NA", "SGP", 2025, "SGP01"],
    ]);
  });

  it("the view by action type splits Table 3 without losing a row", () => {
    expect(ACTION_TYPES.map((t) => actionsOfType(gha, t).length)).toEqual([2, 0, 1, 0, 1]);
    expect(ACTION_TYPES.map((t) => actionsOfType(sgp, t).length)).toEqual([0, 1, 1, 1, 0]);
    expect(ACTION_TYPES.reduce((n, t) => n + actionsOfType(gha, t).length, 0)).toBe(gha.actions.rows.length);
  });

  it("Table 4: ITMOs held on 31 December, not the units revoked, used or moved later", () => {
    const held = (t: ReturnType<typeof tables>) => t.holdings.rows.map((r) => [r[4], r[5], r[12]]);
    // Ghana: cookstoves 7-300 (OIMP), solar 151-200 back from Singapore (first transferred) and
    // 201-400 never sent (authorized, not first transferred: a row of its own); 401-500 were revoked
    expect(held(gha)).toEqual([
      ["CA0003-GHA01-GHA-7-2024", "CA0003-GHA01-GHA-300-2024", 294],
      ["CA0004-GHA01-GHA-151-2024", "CA0004-GHA01-GHA-200-2024", 50],
      ["CA0004-GHA01-GHA-201-2024", "CA0004-GHA01-GHA-400-2024", 200],
    ]);
    // Singapore: 101-150 (the transfer back is dated 2026)
    expect(held(sgp)).toEqual([["CA0004-GHA01-GHA-101-2024", "CA0004-GHA01-GHA-150-2024", 50]]);
    expect(held(tables("SGP", 2026))).toEqual([]);
  });

  it("Table 1 from the input and the Party's rules", () => {
    expect(gha.submission.rows.map((r) => r[1])).toEqual(["Ghana", "1.2", 2025, "15/04/2026", "{Information in this field is populated by the CARP}", "{Information in this field is populated by the CARP}", 2021, 2030, "{Link to be produced by the CARP}"]);
  });

  it.each([
    ["version", { version: "one" }],
    ["partyName", { partyName: "" }],
    ["submittedOn", { submittedOn: "2026-13-01" }],
    ["year", { year: 1800 }],
  ])("refuses a bad %s", (field, change) => {
    const r = buildAef({ rules: rules.get("GHA")!, partyName: "Ghana", year: 2025, version: "1.0", submittedOn: null, records, ...change });
    expect(r.ok ? null : r.facts.field).toBe(field);
  });
});
