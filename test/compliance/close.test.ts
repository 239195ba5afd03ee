// Goal: closing a period gives each installation its status, penalty and carry-over from the
// rulebook; it refuses before the deadline and all or nothing; the result depends only on its
// inputs (property: any order of entries gives the same result, so closing twice changes nothing).
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { closePeriod, compliancePeriod, obligationFor, withCarryOver } from "../../src/domain/compliance/index.ts";
import type { CloseEntry, Obligation, PeriodSpan } from "../../src/domain/compliance/index.ts";
import type { EmissionsState } from "../../src/domain/mrv/index.ts";
import type { Rulebook } from "../../src/domain/rulebook/index.ts";
import { loadRulebook } from "../../src/io/rulebook.ts";

const eu = loadRulebook("eu-ets-phase2");
const y2010 = compliancePeriod(eu, "2010") as PeriodSpan;

function entry(rb: Rulebook, period: PeriodSpan, id: string, state: EmissionsState, surrendered: bigint): CloseEntry {
  return { installation: id, obligation: obligationFor(rb, { installation: { installation: id }, period, emissions: [{ year: period.from, state }] }), surrendered };
}
const v = (t: bigint): EmissionsState => ({ state: "verified", tonnes: t, version: 1, opinion: "positive" });

describe("closing a period", () => {
  const entries = [
    entry(eu, y2010, "DE-003", { state: "missing" }, 0n),
    entry(eu, y2010, "DE-001", v(5000n), 5000n),
    entry(eu, y2010, "DE-002", v(5000n), 4000n),
  ];

  it("EU phase 2: compliant, short (EUR 100 a tonne, still owed and carried over) and not verified, sorted by installation", () => {
    const r = closePeriod(eu, y2010, entries, "2011-05-01");
    if (!r.ok) throw new Error(r.message);
    expect(r.deadline).toBe("2011-04-30");
    expect(r.results.map((x) => [x.installation, x.status.status, x.amount, x.carryOver])).toEqual([
      ["DE-001", "compliant", "0", 0n],
      ["DE-002", "short", "100000.00", 1000n],
      ["DE-003", "not-verified", "0", 0n],
    ]);
    expect(r.totals).toMatchObject({ installations: 3, byStatus: { compliant: 1, short: 1, "not-verified": 1 }, shortfall: 1000n, carryOver: 1000n, amountMinor: 10_000_000n });
  });

  it("refuses before the deadline (9307), a duplicate installation (9308), and a penalty that needs a price without one (9402)", () => {
    expect(closePeriod(eu, y2010, entries, "2011-04-30")).toMatchObject({ ok: false, code: 9307 });
    expect(closePeriod(eu, y2010, [...entries, entries[0]!], "2011-05-01")).toMatchObject({ ok: false, code: 9308 });
    const kl = loadRulebook("us-kl-bill");
    const p = compliancePeriod(kl, "2020") as PeriodSpan;
    const short = [entry(kl, p, "US-1", v(100n), 0n)];
    expect(closePeriod(kl, p, short, "2021-05-01")).toMatchObject({ ok: false, code: 9402, facts: { installation: "US-1" } });
    expect(closePeriod(kl, p, short, "2021-05-01", "20.00")).toMatchObject({ ok: true, results: [{ amount: "4000.00", carryOver: 100n }] });
  });

  it("a missing report costs the non-reporting penalty where the rulebook has one (Tokyo: up to JPY 500,000 and publication)", () => {
    const tokyo = loadRulebook("tokyo");
    const p1 = compliancePeriod(tokyo, "P1") as PeriodSpan;
    const r = closePeriod(tokyo, p1, [{ installation: "T1", obligation: obligationFor(tokyo, { installation: { installation: "T1" }, period: p1, emissions: [] }), surrendered: 0n }], "2016-10-01");
    expect(r).toMatchObject({ ok: true, results: [{ status: { status: "not-verified" }, amount: "500000", upTo: true, publication: true }] });
  });

  it("the carry-over is added to the next period's obligation", () => {
    const y2011 = compliancePeriod(eu, "2011") as PeriodSpan;
    const next = obligationFor(eu, { installation: { installation: "DE-002" }, period: y2011, emissions: [{ year: 2011, state: v(4000n) }] }) as Obligation;
    expect(withCarryOver(next, 1000n).due).toBe(5000n);
    expect(withCarryOver(next, 0n)).toBe(next);
  });

  test.prop([fc.array(fc.record({ e: fc.bigInt({ min: 0n, max: 10n ** 9n }), s: fc.bigInt({ min: 0n, max: 10n ** 9n }), verified: fc.boolean() }), { minLength: 1, maxLength: 20 }), fc.integer()])(
    "the result depends only on the entries, not their order: closing twice (in any order) gives the same rows",
    (rows, seed) => {
      const es = rows.map((r, i) => entry(eu, y2010, `I${String(i).padStart(3, "0")}`, r.verified ? v(r.e) : { state: "missing" }, r.s));
      const shuffled = [...es].sort((a, b) => ((a.installation.charCodeAt(3) * 31 + seed) % 7) - ((b.installation.charCodeAt(3) * 31 + seed) % 7));
      const a = closePeriod(eu, y2010, es, "2011-06-01");
      const b = closePeriod(eu, y2010, shuffled, "2011-06-01");
      expect(b).toEqual(a);
      if (a.ok) expect(a.totals.shortfall).toBe(a.results.reduce((s, x) => s + x.status.shortfall, 0n));
    },
  );
});
