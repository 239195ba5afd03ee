// Goal: verify reads the ledger in bounded pages. On a ledger with hundreds of transactions,
// movements, chain links and blocks, no query verify runs returns more than one page (or the
// PER_CHECK offending rows a database-side check may return), so its memory does not grow with
// the ledger; a transaction whose movements span many pages is still hashed exactly; and the
// report is the same whatever the page size. PGlite and PostgreSQL.
import { beforeAll, expect, it } from "vitest";
import { LedgerService } from "../../src/registry/ledger/index.ts";
import { PER_CHECK, verifyLedger } from "../../src/registry/verify.ts";
import { meterRows } from "../support/capped-db.ts";
import { forEachStore } from "../support/stores.ts";

const leg = (from: string | null, to: string, quantity: string) => ({ classCode: "PG-2026", from, to, quantity });
const TRANSFERS = 240;

function ok<T extends { ok: boolean }>(r: T): T {
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? v.toString() : v))}`);
  return r;
}

forEachStore("verify in keyset pages", (get) => {
  beforeAll(async () => {
    const l = await LedgerService.open(get());
    ok(await l.defineClass({ commandId: "c", code: "PG-2026", unitType: "allowance", scheme: "PG" }));
    for (const [id, type] of [["NHA", "national_issuance"], ["AA", "trading"], ["BB", "trading"], ["DD", "trading"]] as const) {
      ok(await l.openAccount({ commandId: `o-${id}`, accountId: id, type, holder: "h", name: id }));
    }
    ok(await l.propose({ transactionId: "issue", kind: "issuance", legs: [leg(null, "NHA", "1000")] }));
    // One unit at a time to A and B in turn: A ends with 120 one-unit blocks (odd serials).
    for (let i = 0; i < TRANSFERS; i++) ok(await l.propose({ transactionId: `t${i}`, kind: "correction", legs: [leg("NHA", i % 2 === 0 ? "AA" : "BB", "1")] }));
    // All of A's 120 blocks to D in one transaction: one leg of 120 movement parts.
    ok(await l.propose({ transactionId: "big", kind: "transfer", legs: [leg("AA", "DD", "120")] }));
    ok(await l.propose({ transactionId: "held", kind: "transfer", legs: [leg("BB", "AA", "5")], hold: { approval: true } }));
    ok(await l.reverse({ transactionId: "r-t1", reverses: "t1" }));
  }, 300_000);

  it("returns no more than a page from any query, and the ledger verifies", async () => {
    const meter = meterRows(get());
    const report = await verifyLedger(meter.db, { pageSize: 7 });
    expect(meter.max.rows, meter.max.query).toBeLessThanOrEqual(7);
    expect(report.violations).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.transactions).toBe(TRANSFERS + 4);
    // issuance 1, transfers 240, "big" 120 parts, reversal 1 (held: none yet)
    expect(report.movements).toBe(1 + TRANSFERS + 120 + 1);
    expect(report.links).toBe(1 + TRANSFERS + 1 + 1);
    expect(report.blocks).toBeGreaterThan(PER_CHECK);
  });

  it("gives the same report with the default page size, and with a page of one row", async () => {
    const small = await verifyLedger(get(), { pageSize: 1 });
    const large = await verifyLedger(get());
    expect(small).toEqual(large);
    expect(large.ok).toBe(true);
  });

  it("finds a tampered movement of the transaction whose movements span pages", async () => {
    const report = await get()
      .transaction(async (tx) => {
        await tx.query("ALTER TABLE transactions DISABLE TRIGGER transactions_append_only");
        await tx.query(`UPDATE transactions SET request = jsonb_set(request, '{note}', '"edited"') WHERE id = 'big'`);
        const r = await verifyLedger(tx, { pageSize: 7 });
        throw Object.assign(new Error("rollback"), { report: r });
      })
      .catch((e: { report?: Awaited<ReturnType<typeof verifyLedger>> }) => e.report);
    expect(report?.violations.map((v) => [v.invariant, v.facts.transactionId])).toEqual([["chain-hash", "big"]]);
  });

  it("refuses a page size that is not a whole number of at least 1", async () => {
    await expect(verifyLedger(get(), { pageSize: 0 })).rejects.toThrow(/pageSize/);
    await expect(verifyLedger(get(), { pageSize: 2.5 })).rejects.toThrow(/pageSize/);
  });
});
