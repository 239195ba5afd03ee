// Goal: the first ITMOs, end to end in the Article 6 book, with the AEF of both Parties written as
// an XLSX workbook and read back. 1,916 units from Bangkok's e-bus programme (reductions of
// October-December 2022), authorized by Thailand and transferred to Switzerland, issued on
// 15 December 2023 (DOMAIN.md section 6; KliK Foundation: "First-ever ITMOs for NDC use", first
// ITMOs issued in December 2023, programme owner Energy Absolute, buyer the KliK Foundation).
// Everything else (ids, the cooperative approach id, the authorization's date, quantity and
// terms, the date of Switzerland's use and the year it is used for) is assumed for the test and
// marked so. Thailand's and Switzerland's rules are test configurations (fixtures/*.yaml).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type Aef, buildAef } from "../../src/domain/international/aef.ts";
import { adjustmentEntries, ndcReport } from "../../src/domain/international/article6/adjustments.ts";
import { applyA6, decide, type RulesByParty } from "../../src/domain/international/article6/book.ts";
import { type A6Command, type A6Record, type A6State, EMPTY_A6 } from "../../src/domain/international/article6/types.ts";
import { loadInternationalRules } from "../../src/io/international.ts";
import { readAefWorkbook, writeAefWorkbook } from "../../src/io/aef.ts";

const fixtures = join(import.meta.dirname, "fixtures");
const thailand = loadInternationalRules(join(fixtures, "thailand.yaml")).article6!;
const switzerland = loadInternationalRules(join(fixtures, "switzerland.yaml")).article6!;
const rules: RulesByParty = new Map([["THA", thailand], ["CHE", switzerland]]);

const SERIES = "TH-BKK-EBUS";
const ITMOS = { series: SERIES, start: 1n, end: 1_916n };

const scenario: A6Command[] = [
  {
    type: "authorize",
    id: "TH-LOA-BKK-EBUS", // [assumed]
    date: "2023-11-01", // [assumed]
    party: "THA",
    cooperativeApproach: "CA0001", // [assumed] the CARP's id of the Switzerland-Thailand cooperative approach
    purposes: "NDC", // KliK: "ITMOs for NDC use"
    authorizedParties: ["CHE"],
    quantity: 500_000n, // [assumed] the programme's expected reductions by 2030 (500,000 t, southeastasiainfra.com)
    gwp: "AR5", // [R] Decision 18/CMA.1 annex: AR5 100-year GWP values
    sectors: ["Transport"],
    activityTypes: ["Electric buses"],
    timeframe: { from: 2022, to: 2030 }, // [assumed]
    terms: "Authorized for use towards Switzerland's NDC under the Switzerland-Thailand implementing agreement.", // [assumed]
  },
  {
    type: "issue",
    id: "TH-ISS-2022-Q4",
    date: "2023-12-15", // DOMAIN.md section 6
    series: SERIES,
    start: 1,
    end: 1_916, // 1,916 units, DOMAIN.md section 6
    host: "THA",
    registry: "THA01",
    vintage: 2022, // reductions of October-December 2022
    sector: "Transport",
    activityType: "Electric buses",
    mitigationType: "Emission reductions",
    metric: "GHG",
    gwp: "AR5",
    underlying: null,
    authorization: "TH-LOA-BKK-EBUS",
  },
  { type: "transfer", id: "TH-CH-2023-1", date: "2023-12-15", from: "THA", to: "CHE", blocks: [ITMOS] }, // [assumed] same day
  {
    type: "authorizeEntity",
    id: "CH-ENT-KLIK",
    date: "2023-12-01", // [assumed]
    party: "CHE",
    name: "Foundation for Climate Protection and Carbon Offset KliK",
    country: "CHE",
    identification: "CHE-KLIK", // [assumed]
    cooperativeApproach: "CA0001",
    conditions: "Acquires ITMOs for use towards Switzerland's NDC.", // [assumed]
    changeConditions: "Revocable by the Federal Office for the Environment.", // [assumed]
  },
  { type: "use", id: "CH-USE-2024-1", date: "2024-04-15", party: "CHE", purpose: "NDC", forYear: 2022, blocks: [ITMOS] }, // [assumed] date and year
];

function play(cmds: readonly A6Command[]): { state: A6State; records: A6Record[] } {
  let state = EMPTY_A6;
  const records: A6Record[] = [];
  for (const c of cmds) {
    const o = applyA6(state, c, rules);
    if (!o.ok) throw new Error(`${c.type}: ${o.code} ${o.message}`);
    state = o.value.state;
    records.push(...o.value.records);
  }
  return { state, records };
}

const { state, records } = play(scenario);
const dir = mkdtempSync(join(tmpdir(), "openets-aef-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function aef(party: "THA" | "CHE", year: number): Aef {
  const r = buildAef({ rules: party === "THA" ? thailand : switzerland, partyName: party === "THA" ? "Thailand" : "Switzerland", year, version: "1.0", submittedOn: null, records });
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

async function roundTrip(a: Aef, name: string): Promise<Aef> {
  const file = join(dir, name);
  writeFileSync(file, await writeAefWorkbook(a));
  return readAefWorkbook(readFileSync(file), file);
}

const ID_FIRST = "CA0001-THA01-THA-1-2022";
const ID_LAST = "CA0001-THA01-THA-1916-2022";

describe("the first ITMOs: Thailand to Switzerland", () => {
  it("authorization, issuance under it, first transfer by the transfer, Switzerland's use", () => {
    expect(records.map((r) => [r.kind, r.id])).toEqual([
      ["authorization", "TH-LOA-BKK-EBUS"],
      ["issuance", "TH-ISS-2022-Q4"],
      ["cover", "TH-ISS-2022-Q4/cover"],
      ["first-transfer", "TH-CH-2023-1/ft1"],
      ["transfer", "TH-CH-2023-1"],
      ["entity", "CH-ENT-KLIK"],
      ["use", "CH-USE-2024-1"],
    ]);
    expect(records[3]).toMatchObject({ party: "THA", to: "CHE", definition: "first-international-transfer", blocks: [{ start: 1n, end: 1_916n, vintage: 2022 }] });
    expect(state.blocks.get(SERIES)?.map((p) => [p.start, p.end, p.value.holder, p.value.status])).toEqual([[1n, 1_916n, "CHE", "used"]]);
  });

  it("corresponding adjustments: Thailand adds 1,916 for 2022; Switzerland subtracts 1,916 for the year it used them for", () => {
    const ca = adjustmentEntries(records, rules);
    if (!ca.ok) throw new Error(ca.message);
    expect(ca.value.map((e) => [e.party, e.year, e.quantity, e.reason, e.record])).toEqual([
      ["THA", 2022, 1_916n, "first-transfer", "TH-CH-2023-1/ft1"],
      ["CHE", 2022, -1_916n, "use", "CH-USE-2024-1"],
    ]);
    // Thailand (single-year NDC, averaging [assumed]): 1,916 over 2021-2023 is 638.67 a year, 639 rounded half-even
    const th = ndcReport(ca.value, thailand, new Map(), 2023);
    expect(th.ok && th.value.kind === "single-year" && th.value.method === "averaging" && th.value.averageFirstTransferred).toEqual({ numerator: 1_916n, denominator: 3n, rounded: 639n });
    // Switzerland (multi-year NDC): the adjustments through 2024 sum to -1,916
    const ch = ndcReport(ca.value, switzerland, new Map(), 2024);
    expect(ch.ok && ch.value.kind === "multi-year" && ch.value.cumulativeAdjustment).toBe(-1_916n);
  });

  it("Thailand's AEF for 2023, written and read back: its authorization and its first transfer; no holdings left", async () => {
    const back = await roundTrip(aef("THA", 2023), "THA-2023.xlsx");
    expect(back.submission.rows.slice(0, 4)).toEqual([["Party", "Thailand"], ["Version", "1.0"], ["Reported year", 2023], ["Date of submission", null]]);
    expect(back.submission.rows.slice(6, 8)).toEqual([["First year of the NDC implementation period", 2021], ["Last year of the NDC implementation period", 2030]]);
    expect(back.authorizations.rows).toEqual([
      ["TH-LOA-BKK-EBUS", "01/11/2023", "CA0001", 1, 500_000, "GHG", "AR5", "NA", "Transport", "Electric buses", "NDC", "CHE", "NA", "NA", "2022 - 2030", scenario[0] && "terms" in scenario[0] ? scenario[0].terms : "", null, "NA", null],
    ]);
    expect(back.actions.rows).toEqual([
      ["15/12/2023", "First transfer", "First international transfer", "CA0001", "TH-LOA-BKK-EBUS", "THA", "THA01", ID_FIRST, ID_LAST, "NA", "NA", "NA", "GHG", "AR5", "NA", 1_916, "NA", "Emission reductions", 2022, "THA", "CHE", "NA", "NA", "NA", "NA", null, null],
    ]);
    expect(back.holdings.rows).toEqual([]);
    expect(back.entities.rows).toEqual([]);
  });

  it("Switzerland's AEF for 2023: the acquisition, the 1,916 ITMOs held at the end of the year, KliK as authorized entity", async () => {
    const back = await roundTrip(aef("CHE", 2023), "CHE-2023.xlsx");
    expect(back.authorizations.rows).toEqual([]);
    expect(back.actions.rows).toEqual([
      ["15/12/2023", "Acquisition", "NA", "CA0001", "TH-LOA-BKK-EBUS", "THA", "CHE01", ID_FIRST, ID_LAST, "NA", "NA", "NA", "GHG", "AR5", "NA", 1_916, "NA", "Emission reductions", 2022, "THA", "CHE", "NA", "NA", "NA", "NA", null, null],
    ]);
    expect(back.holdings.rows).toEqual([["CA0001", "TH-LOA-BKK-EBUS", "THA", "CHE01", ID_FIRST, ID_LAST, "NA", "NA", "NA", "GHG", "AR5", "NA", 1_916, "NA", "Emission reductions", 2022]]);
    expect(back.entities.rows.map((r) => r.slice(0, 5))).toEqual([["01/12/2023", "Foundation for Climate Protection and Carbon Offset KliK", "CHE", "CHE-KLIK", "CA0001"]]);
  });

  it("Switzerland's AEF for 2024: the use towards its NDC for 2022; nothing held at the end of the year", async () => {
    const back = await roundTrip(aef("CHE", 2024), "CHE-2024.xlsx");
    expect(back.actions.rows).toEqual([
      ["15/04/2024", "Use", "Use towards NDC", "CA0001", "TH-LOA-BKK-EBUS", "THA", "CHE01", ID_FIRST, ID_LAST, "NA", "NA", "NA", "GHG", "AR5", "NA", 1_916, "NA", "Emission reductions", 2022, "NA", "NA", "NA", "CHE", "NA", 2022, null, null],
    ]);
    expect(back.holdings.rows).toEqual([]);
  });

  it("the workbook carries the template's sheet names, headings and labels", async () => {
    const a = aef("CHE", 2023);
    const back = await roundTrip(a, "labels.xlsx");
    for (const k of ["submission", "authorizations", "actions", "holdings", "entities"] as const) {
      expect([back[k].sheet, back[k].heading, back[k].columns]).toEqual([a[k].sheet, a[k].heading, a[k].columns]);
    }
    expect(a.actions.sheet).toBe("Table 3 Actions");
    expect(a.actions.columns).toHaveLength(27);
  });
});

describe("bad input in the scenario is refused with its code and changes nothing", () => {
  const before = JSON.stringify([...state.blocks, ...state.authorizations], (_k, v) => (typeof v === "bigint" ? String(v) : v));
  const beforeIssued = play(scenario.slice(0, 2)).state;
  const { authorization: _a, ...unauthorized } = scenario[1] as Extract<A6Command, { type: "issue" }>;
  const swissLoa: A6Command = { ...(scenario[0] as Extract<A6Command, { type: "authorize" }>), id: "CH-LOA", party: "CHE", authorizedParties: [] };
  const otherUnits = play([...scenario.slice(0, 2), { ...unauthorized, id: "TH-ISS-OTHER", series: "TH-OTHER" }, swissLoa, { type: "transfer", id: "T-OTHER", date: "2023-12-16", from: "THA", to: "CHE", blocks: [{ series: "TH-OTHER", start: 1, end: 10 }] }]).state;

  it.each<[string, number, A6State, A6Command]>([
    ["Switzerland authorizing Thailand's units", 10501, otherUnits, { type: "cover", id: "X", date: "2024-01-02", authorization: "CH-LOA", blocks: [{ series: "TH-OTHER", start: 11, end: 20 }] }],
    ["a second first transfer of the 1,916", 10601, state, { type: "firstTransfer", id: "X", date: "2024-01-02", party: "THA", blocks: [ITMOS] }],
    ["Thailand revoking after its 30-day deadline [assumed rule]", 10505, beforeIssued, { type: "revoke", id: "X", date: "2023-12-20", authorization: "TH-LOA-BKK-EBUS" }],
    ["Switzerland using unauthorized units towards its NDC", 10701, otherUnits, { type: "use", id: "X", date: "2024-01-02", party: "CHE", purpose: "NDC", forYear: 2023, blocks: [{ series: "TH-OTHER", start: 1, end: 10 }] }],
  ])("%s: %i", (_what, code, s, cmd) => {
    const snapshot = JSON.stringify([...s.blocks, ...s.authorizations], (_k, v) => (typeof v === "bigint" ? String(v) : v));
    const o = decide(s, cmd, rules);
    expect(o.ok ? 0 : o.code).toBe(code);
    expect(JSON.stringify([...s.blocks, ...s.authorizations], (_k, v) => (typeof v === "bigint" ? String(v) : v))).toBe(snapshot);
  });

  it("the book of the scenario is untouched by the refusals above", () => {
    expect(JSON.stringify([...state.blocks, ...state.authorizations], (_k, v) => (typeof v === "bigint" ? String(v) : v))).toBe(before);
  });
});
