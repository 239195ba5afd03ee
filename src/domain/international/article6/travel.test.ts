// Goal: what travels with ITMOs over a link (travel.ts) turns into the receiver's records on its own
// serials without losing a fact: the host's ITMO identifiers (serials, registry, host, vintage)
// on both sides' AEFs, the host's authorization referenced with its revisions (a partly revoked
// one arrives at its revised version), the first transfer once, as the host made it and dated it;
// units the host released from their authorization arrive as no ITMOs; onward transfers keep the
// host's identifiers; malformed facts are refused with 10761, facts that do not fit the receiver
// with 10762; and, for any split of the transfer's serials, the imported blocks tile the receiver's
// run exactly with local serial + offset = the sender's serial (property). Illustrative Parties.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { internationalSchema } from "../../rulebook/international.ts";
import { ACTION_COLUMNS, buildAef, type Cell } from "../aef.ts";
import { slice } from "../ranges.ts";
import { applyA6, decide, type RulesByParty } from "./book.ts";
import { replay } from "./evolve.ts";
import { type ExportInput, exportPayload, importRecords } from "./travel.ts";
import { type A6Command, type A6Record, type A6State, EMPTY_A6, type IssuanceRecord } from "./types.ts";

function party(p: Record<string, unknown>) {
  return internationalSchema.parse({
    article6: {
      registryId: `${p.party}01`,
      ndc: { kind: "multi-year", period: { from: 2021, to: 2030 } },
      authorization: { revocation: { allowed: true, withinDays: 30 }, oimpFirstTransfer: ["first-international-transfer"] },
      adjustments: { firstTransferYear: "vintage", averagingRounding: "halfEven" },
      use: { vintageInNdcPeriod: true },
      ...p,
    },
  }).article6!;
}
const rules: RulesByParty = new Map([["GHA", party({ party: "GHA" })], ["CHE", party({ party: "CHE" })], ["KEN", party({ party: "KEN" })]]);
const SERIES = "GHA-cookstoves";

function run(cmds: readonly A6Command[], from: { state: A6State; records: A6Record[] } = { state: EMPTY_A6, records: [] }) {
  let { state } = from;
  const records = [...from.records];
  for (const c of cmds) {
    const o = applyA6(state, c, rules);
    if (!o.ok) throw new Error(`${c.type}: ${o.code} ${o.message}`);
    state = o.value.state;
    records.push(...o.value.records);
  }
  return { state, records };
}

const ok = <T,>(o: { ok: true; value: T } | { ok: false; code: number; message: string }): T => {
  if (!o.ok) throw new Error(`refused ${o.code}: ${o.message}`);
  return o.value;
};

/** The host's book: 500 units of vintage 2024 under an NDC authorization for CHE, the last 100 released by a partial revocation. */
function host() {
  return run([
    { type: "authorize", id: "LOA-1", date: "2025-02-01", party: "GHA", cooperativeApproach: "CA0007", purposes: "NDC", authorizedParties: ["CHE", "KEN"], quantity: 1_000n, gwp: "AR5", sectors: ["Energy"], activityTypes: ["Cookstoves"], terms: "NDC use." },
    { type: "issue", id: "ISS-1", date: "2025-02-10", series: SERIES, start: 1, end: 500, host: "GHA", registry: "GHA01", vintage: 2024, sector: "Energy", activityType: "Cookstoves", mitigationType: "Emission reductions", metric: "GHG", gwp: "AR5", underlying: null, authorization: "LOA-1" },
    { type: "revoke", id: "REV-1", date: "2025-02-20", authorization: "LOA-1", blocks: [{ series: SERIES, start: 401, end: 500 }] },
  ]);
}

/** The sender's runs split by the book's pieces (as the registry's bookBlocks does for a transfer's moves). */
function bookBlocksOf(state: A6State, series: string, list: Array<[number, number]>) {
  return list.flatMap(([s, e]) => slice(state.blocks.get(series) ?? [], BigInt(s), BigInt(e)).map((p) => ({ series, start: p.start, end: p.end })));
}
const runs = (list: Array<[number, number]>) => list.map(([start, end]) => ({ start: String(start), end: String(end) }));
const named = (rows: Cell[][]) => rows.map((r) => Object.fromEntries(ACTION_COLUMNS.map((c, k) => [c, r[k]])));

function sendFrom(book: { state: A6State; records: A6Record[] }, from: string, to: string, sender: Array<[number, number]>, extra: Partial<ExportInput> = {}) {
  const blocks = bookBlocksOf(book.state, SERIES, sender);
  return exportPayload({ state: book.state, records: book.records, blocks, from, to, date: "2025-03-01", firstTransferYear: "vintage", ...extra });
}

describe("ITMOs' Article 6 facts over a link", () => {
  const A = host();
  const sender: Array<[number, number]> = [[101, 200], [301, 450]];
  const payload = sendFrom(A, "GHA", "CHE", sender);
  const importAt = (state: A6State, records: readonly A6Record[], p: unknown, over: Record<string, unknown> = {}) =>
    importRecords({ state, records, party: "CHE", peerParty: "GHA", baseId: "in:L:T1", series: SERIES, localStart: 1001n, localEnd: 1250n, originSerials: runs(sender), date: "2025-03-02", payload: p, ...over });

  it("carries each block of the host's book with its facts; the released units without an authorization", () => {
    expect(payload?.blocks.map((b) => [b.start, b.end, b.authorization, b.firstTransfer?.madeBy ?? null])).toEqual([
      ["101", "200", "LOA-1", "this-transfer"], ["301", "400", "LOA-1", "this-transfer"], ["401", "450", null, null],
    ]);
    expect(payload?.authorizations).toEqual([{ record: expect.objectContaining({ id: "LOA-1", version: 1, quantity: "1000" }), revisions: [{ id: "REV-1", date: "2025-02-20", version: 2, quantity: "900", full: false }] }]);
    expect(payload?.blocks[0]?.firstTransfer).toEqual({ madeBy: "this-transfer", party: "GHA", to: "CHE", date: "2025-03-01", definition: "first-international-transfer", year: 2024 });
  });

  it("the receiver holds them as acquired on its own serials, the authorization at its revised version, and both AEFs name the same ITMOs", () => {
    const records = ok(importAt(EMPTY_A6, [], JSON.parse(JSON.stringify(payload))));
    expect(records.map((r) => r.kind)).toEqual(["issuance", "issuance", "issuance", "authorization", "revocation", "cover", "first-transfer", "transfer"]);
    const B = replay(records, EMPTY_A6);
    const pieces = (B.blocks.get(SERIES) ?? []).map((p) => [p.start, p.end, p.value.holder, p.value.authorization, p.value.firstTransferred]);
    expect(pieces).toEqual([[1001n, 1100n, "CHE", "LOA-1", true], [1101n, 1200n, "CHE", "LOA-1", true], [1201n, 1250n, "CHE", null, false]]);
    expect(B.authorizations.get("LOA-1")).toMatchObject({ party: "GHA", version: 2, quantity: 900n, covered: 200n, revoked: false });
    // the host's AEF, after its delivery, and the receiver's: the same identifiers
    const A2 = run([{ type: "transfer", id: "link:L:T1", date: "2025-03-01", from: "GHA", to: "CHE", blocks: bookBlocksOf(A.state, SERIES, sender) }], A);
    const ids = (rows: Cell[][]) => named(rows).map((r) => [r["Action type"], r["First ID"], r["Last ID"], r["Transferring participating Party ID"], r["Acquiring participating Party ID"]]);
    const aefA = ok(buildAef({ rules: rules.get("GHA")!, partyName: "Ghana", year: 2025, version: "1.0", submittedOn: null, records: A2.records }));
    const aefB = ok(buildAef({ rules: rules.get("CHE")!, partyName: "Switzerland", year: 2025, version: "1.0", submittedOn: null, records }));
    expect(ids(aefA.actions.rows)).toEqual([
      ["First transfer", "CA0007-GHA01-GHA-101-2024", "CA0007-GHA01-GHA-200-2024", "GHA", "CHE"],
      ["First transfer", "CA0007-GHA01-GHA-301-2024", "CA0007-GHA01-GHA-400-2024", "GHA", "CHE"],
    ]);
    expect(ids(aefB.actions.rows)).toEqual([
      ["Acquisition", "CA0007-GHA01-GHA-101-2024", "CA0007-GHA01-GHA-200-2024", "GHA", "CHE"],
      ["Acquisition", "CA0007-GHA01-GHA-301-2024", "CA0007-GHA01-GHA-400-2024", "GHA", "CHE"],
    ]);
    expect(aefB.authorizations.rows).toEqual([]);
    // the receiver's use towards its NDC works on the authorized units, not on the released ones; no second first transfer
    expect(decide(B, { type: "use", id: "U-1", date: "2025-04-01", party: "CHE", purpose: "NDC", forYear: 2025, blocks: [{ series: SERIES, start: 1001, end: 1100 }] }, rules).ok).toBe(true);
    expect(decide(B, { type: "use", id: "U-2", date: "2025-04-01", party: "CHE", purpose: "NDC", forYear: 2025, blocks: [{ series: SERIES, start: 1201, end: 1250 }] }, rules)).toMatchObject({ ok: false, code: 10701 });
    expect(decide(B, { type: "firstTransfer", id: "F-1", date: "2025-04-01", party: "GHA", blocks: [{ series: SERIES, start: 1001, end: 1100 }] }, rules)).toMatchObject({ ok: false, code: 10601 });
    // the host's adjustment is dated by the host's rule (vintage), carried with the record
    expect(records.find((r) => r.kind === "first-transfer")).toMatchObject({ party: "GHA", year: 2024 });
  });

  it("an onward transfer keeps the host's identifiers and the first transfer made earlier", () => {
    const records = ok(importAt(EMPTY_A6, [], JSON.parse(JSON.stringify(payload))));
    const B = { state: replay(records, EMPTY_A6), records };
    const onward = sendFrom(B, "CHE", "KEN", [[1051, 1100]], { date: "2025-05-01" });
    expect(onward?.blocks).toEqual([expect.objectContaining({ start: "1051", end: "1100", firstTransfer: { madeBy: "earlier", party: "GHA", to: "CHE", date: "2025-03-01", definition: "first-international-transfer", year: 2024 } })]);
    const C = ok(importRecords({ state: EMPTY_A6, records: [], party: "KEN", peerParty: "CHE", baseId: "in:M:T9", series: SERIES, localStart: 1n, localEnd: 50n, originSerials: runs([[1051, 1100]]), date: "2025-05-02", payload: JSON.parse(JSON.stringify(onward)) }));
    const aef = ok(buildAef({ rules: rules.get("KEN")!, partyName: "Kenya", year: 2025, version: "1.0", submittedOn: null, records: C }));
    expect(named(aef.actions.rows).map((r) => [r["Action type"], r["First ID"], r["Last ID"], r["Transferring participating Party ID"]])).toEqual([["Acquisition", "CA0007-GHA01-GHA-151-2024", "CA0007-GHA01-GHA-200-2024", "CHE"]]);
  });

  it("refuses malformed facts (10761) and facts that do not fit the receiver (10762), making no record", () => {
    const p = JSON.parse(JSON.stringify(payload)) as Record<string, unknown> & { blocks: Array<Record<string, unknown>>; authorizations: Array<{ record: Record<string, unknown> }> };
    const bad: Array<[unknown, Record<string, unknown>, number]> = [
      [{ ...p, version: 2 }, {}, 10761],
      [{ ...p, from: "Ghana" }, {}, 10761],
      [{ ...p, blocks: [{ ...p.blocks[0], start: "90" }] }, {}, 10761], // outside the transfer's serials
      [{ ...p, blocks: [p.blocks[0], p.blocks[0]] }, {}, 10761], // the same serials twice
      [{ ...p, blocks: [{ ...p.blocks[0], authorization: "LOA-9" }] }, {}, 10761],
      [{ ...p, blocks: [{ ...p.blocks[2], firstTransfer: p.blocks[0]!.firstTransfer }] }, {}, 10761], // released units first transferred
      [p, { party: null }, 10762],
      [p, { party: "KEN" }, 10762],
      [p, { peerParty: "KEN" }, 10762],
      [{ ...p, authorizations: [{ ...p.authorizations[0], record: { ...p.authorizations[0]!.record, party: "KEN" } }] }, {}, 10762], // authorized by another than the host
    ];
    for (const [payloadX, over, code] of bad) expect(importAt(EMPTY_A6, [], payloadX, over)).toMatchObject({ ok: false, code });
    // an authorization under the same id with other facts
    const mine = run([{ type: "authorize", id: "LOA-1", date: "2025-01-01", party: "GHA", cooperativeApproach: "CA0008", purposes: "NDC", authorizedParties: ["CHE"], quantity: 5n, gwp: "AR5", sectors: ["Energy"], activityTypes: ["Cookstoves"], terms: "Other." }]);
    expect(importAt(mine.state, mine.records, p)).toMatchObject({ ok: false, code: 10762 });
    // the same authorization already held (a second transfer of the same programme): referenced, not made twice
    const first = ok(importAt(EMPTY_A6, [], p));
    const held = { state: replay(first, EMPTY_A6), records: first };
    const second = sendFrom(A, "GHA", "CHE", [[1, 50]]);
    const again = ok(importRecords({ state: held.state, records: held.records, party: "CHE", peerParty: "GHA", baseId: "in:L:T2", series: SERIES, localStart: 1251n, localEnd: 1300n, originSerials: runs([[1, 50]]), date: "2025-03-03", payload: JSON.parse(JSON.stringify(second)) }));
    expect(again.map((r) => r.kind)).toEqual(["issuance", "cover", "first-transfer", "transfer"]);
  });

  test.prop([fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 30 })), { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 10_000 })])(
    "for any split of the serials, the imported blocks tile the receiver's run and keep the sender's serials",
    (gaps, localStart) => {
      // disjoint sender runs inside 1..400 (the authorized, unreleased serials), in order
      const list: Array<[number, number]> = [];
      let at = 1;
      for (const [gap, len] of gaps) {
        const start = at + gap;
        const end = Math.min(start + len - 1, 400);
        if (start > 400) break;
        list.push([start, end]);
        at = end + 1;
      }
      if (list.length === 0) return;
      const total = BigInt(list.reduce((t, [s, e]) => t + e - s + 1, 0));
      const p = sendFrom(A, "GHA", "CHE", list);
      const ls = BigInt(localStart);
      const recs = ok(importRecords({ state: EMPTY_A6, records: [], party: "CHE", peerParty: "GHA", baseId: "in:P:T", series: SERIES, localStart: ls, localEnd: ls + total - 1n, originSerials: runs(list), date: "2025-03-02", payload: JSON.parse(JSON.stringify(p)) }));
      const iss = recs.filter((r): r is IssuanceRecord => r.kind === "issuance");
      let next = ls;
      for (const [k, r] of iss.entries()) {
        expect(r.start).toBe(next);
        const [s0] = list[k] as [number, number];
        expect(r.start + (r.serialOffset ?? 0n)).toBe(BigInt(s0));
        next = r.end + 1n;
      }
      expect(next).toBe(ls + total);
      const state = replay(recs, EMPTY_A6);
      expect(slice(state.blocks.get(SERIES) ?? [], ls, ls + total - 1n).every((x) => x.value.holder === "CHE" && x.value.firstTransferred)).toBe(true);
    },
  );
});
