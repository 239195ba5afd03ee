// Goal: the public scheme and dashboard routes answer from the rulebook and the ledger on both
// stores (the month query uses AT TIME ZONE, which both must support): the scheme's currency,
// fiscal year and calendar zone; the dashboard's totals equal what the world issued, allocated and
// surrendered, the stocks add up to what was issued, and a bad unit type is a 400 problem.
import { describe, expect, it } from "vitest";
import { loadRulebook } from "../../src/io/rulebook.ts";
import { STORE_KINDS, openTestDb } from "../support/stores.ts";
import { buildFixture } from "./fixture.ts";
import { A, CLASS, seedWorld } from "./world.ts";

for (const kind of STORE_KINDS) {
  describe(`scheme and dashboard [${kind}]`, () => {
    it("publishes the scheme and the dashboard's figures", async () => {
      const f = await buildFixture(await openTestDb(kind), { rulebook: { name: "japan-gx-ets", rulebook: loadRulebook("japan-gx-ets") } });
      try {
        await seedWorld(f);
        expect((await f.ledger.propose({ transactionId: "sur-1", kind: "surrender", legs: [{ classCode: CLASS, from: A, to: "JP-900-0001", quantity: "700000" }] })).ok).toBe(true);
        const scheme = (await (await f.request("/v1/public/scheme")).json()) as Record<string, unknown>;
        expect(scheme).toMatchObject({ rulebook: "japan-gx-ets", id: "japan-gx-ets", currency: "JPY", yearBasis: { kind: "fiscal", startMonth: 4 }, demo: false, features: { exPostIssuance: false, ceilingPayments: true, ceilingSales: false } });
        expect(typeof scheme.timeZone).toBe("string");

        const res = await f.request("/v1/public/dashboard");
        expect(res.status).toBe(200);
        const d = (await res.json()) as { totals: Record<string, unknown> & { stocks: Record<string, string> }; months: Array<{ month: string }>; years: Array<{ year: number }>; price: Record<string, unknown> };
        expect(d.totals).toMatchObject({ issued: "50000000", allocated: "8000000", surrendered: "700000", auctioned: "0" });
        expect(d.totals.stocks).toEqual({ undistributed: "42000000", reserves: "0", banked: "7300000", surrendered: "700000", retired: "0", cancelled: "0" });
        expect(d.months.map((m) => m.month)).toEqual(["2026-04"]);
        expect(d.years.map((y) => y.year)).toEqual([2026]);
        expect(d.price).toMatchObject({ value: null, floor: 1700, ceiling: 4300, currency: "JPY" });

        const bad = await f.request("/v1/public/dashboard?unitType=%3Cscript%3E");
        expect(bad.status).toBe(400);
        expect(((await bad.json()) as { check: string }).check).toBe("input-invalid");
      } finally {
        await f.db.close();
      }
    }, 120_000);
  });
}

describe("scheme features", () => {
  it("says which workflows the rulebook has: Tokyo issues excess reductions ex post and has no price ceiling", async () => {
    const f = await buildFixture(await openTestDb("pglite"), { rulebook: { name: "tokyo", rulebook: loadRulebook("tokyo") } });
    try {
      expect(await (await f.request("/v1/public/scheme")).json()).toMatchObject({ id: "tokyo", features: { exPostIssuance: true, ceilingPayments: false, ceilingSales: false } });
    } finally {
      await f.db.close();
    }
  }, 60_000);
});

describe("scheme without a rulebook", () => {
  it("answers with nulls and the calendar defaults", async () => {
    const f = await buildFixture(await openTestDb("pglite"));
    try {
      const scheme = (await (await f.request("/v1/public/scheme")).json()) as Record<string, unknown>;
      expect(scheme).toMatchObject({ rulebook: null, id: null, currency: null, yearBasis: { kind: "calendar", startMonth: 1 }, periods: [], features: { exPostIssuance: false, ceilingPayments: false, ceilingSales: false } });
      const d = (await (await f.request("/v1/public/dashboard")).json()) as { cap: unknown; totals: { issued: string } };
      expect(d.cap).toMatchObject({ basis: "none", value: null });
      expect(d.totals.issued).toBe("0");
    } finally {
      await f.db.close();
    }
  }, 60_000);
});
