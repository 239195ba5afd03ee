// Goal: committing an allocation to the ledger is idempotent (a second run allocates nothing more
// and reports every command as replayed), a run cut short is completed by running it again, and
// a second run with other figures or beyond the cap is refused, on PGlite and PostgreSQL.
import { describe, expect, it } from "vitest";
import { LedgerService } from "../../src/registry/ledger.ts";
import { commitAllocation, CommitRefused, commitIds, idPart } from "../../src/registry/allocation-commit.ts";
import { verifyLedger } from "../../src/registry/verify.ts";
import { forEachStore } from "../support/stores.ts";

const allocations = [
  { installation: "KILN-1", free: 766n, holder: "Cement Co" },
  { installation: "kiln 2/b", free: 612n, holder: "Cement Co" },
  { installation: "POWER-1", free: 0n },
];

describe("ids", () => {
  it("are deterministic, valid and collision-free for messy installation ids", () => {
    const ids = commitIds("steel-cement-test", 2013);
    expect(ids.classCode).toBe("STEEL-CEMENT-TEST-2013");
    expect(ids.operatorAccount("KILN-1")).toBe("STEEL-CEMENT-TEST-OHA-KILN-1");
    expect(idPart("kiln 2/b")).toMatch(/^KILN-2-B-[0-9A-F]{8}$/);
    expect(idPart("KILN-2-B")).not.toBe(idPart("kiln 2/b"));
    expect(ids.allocation("kiln 2/b")).toMatch(/^alloc:STEEL-CEMENT-TEST:2013:i:KILN-2-B-[0-9A-F]{8}$/);
  });
});

forEachStore("commitAllocation", (db) => {
  it("allocates once however often it runs", async () => {
    const ledger = await LedgerService.open(db());
    const first = await commitAllocation(ledger, { scheme: "steel-cement-test", year: 2013, cap: 10_000n, allocations });
    expect(first).toMatchObject({ classCode: "STEEL-CEMENT-TEST-2013", issued: 1378n, transactions: 4, replayed: 0, accountsOpened: 4 });
    const second = await commitAllocation(ledger, { scheme: "steel-cement-test", year: 2013, cap: 10_000n, allocations });
    expect(second).toMatchObject({ issued: 1378n, transactions: 4, replayed: 4, accountsOpened: 0 });
    const ids = commitIds("steel-cement-test", 2013);
    expect((await ledger.holdings(ids.operatorAccount("KILN-1")))?.[0]?.quantity).toBe(766n);
    expect((await ledger.holdings(ids.operatorAccount("kiln 2/b")))?.[0]?.quantity).toBe(612n);
    expect(await ledger.getAccount(ids.operatorAccount("POWER-1"))).toBeUndefined();
    expect(await ledger.holdings(ids.allocationAccount)).toEqual([]);
    const cls = await ledger.getClass(ids.classCode);
    expect(cls).toMatchObject({ issuanceLimit: 10_000n, issued: 1378n, vintage: 2013 });
    const v = await verifyLedger(db());
    expect(v.ok).toBe(true);
  });

  it("refuses a second run with other figures instead of allocating twice", async () => {
    const ledger = await LedgerService.open(db());
    const changed = [{ installation: "KILN-1", free: 700n }, { installation: "kiln 2/b", free: 612n }];
    const err = await commitAllocation(ledger, { scheme: "steel-cement-test", year: 2013, cap: 10_000n, allocations: changed }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommitRefused);
    expect((err as CommitRefused).refusal.check).toBe("replay-differs");
  });

  it("returns allowances for changes during the year once, however often it runs", async () => {
    const ledger = await LedgerService.open(db());
    const input = { scheme: "returns", year: 2013, cap: 1_000n, allocations: [{ installation: "K", free: 365n }], returns: [{ installation: "K", quantity: 184n, cause: "closure:2013-07-01" }] };
    const first = await commitAllocation(ledger, input);
    expect(first).toMatchObject({ returned: 184n, transactions: 4, replayed: 0 });
    const again = await commitAllocation(ledger, input);
    expect(again).toMatchObject({ returned: 184n, transactions: 4, replayed: 4 });
    const ids = commitIds("returns", 2013);
    expect((await ledger.holdings(ids.operatorAccount("K")))?.[0]?.quantity).toBe(181n);
    expect((await ledger.holdings(ids.allocationAccount))?.[0]?.quantity).toBe(184n);
    expect((await verifyLedger(db())).ok).toBe(true);
  });

  it("completes a run cut short, and refuses issuance beyond the cap", async () => {
    const ledger = await LedgerService.open(db());
    const ids = commitIds("partial", 2014);
    // Simulate a crash after the class and accounts: the next run picks up from there.
    await ledger.defineClass({ commandId: `class:PARTIAL:2014`, code: ids.classCode, unitType: "allowance", scheme: "partial", vintage: 2014, issuanceLimit: "100" });
    const r = await commitAllocation(ledger, { scheme: "partial", year: 2014, cap: 100n, allocations: [{ installation: "A", free: 60n }] });
    expect(r).toMatchObject({ issued: 60n, replayed: 0 });
    const over = await commitAllocation(ledger, { scheme: "capped", year: 2014, cap: 50n, allocations: [{ installation: "A", free: 60n }] }).catch((e: unknown) => e);
    expect((over as CommitRefused).refusal.check).toBe("issuance-limit-exceeded");
  });
});
