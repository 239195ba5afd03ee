// Goal: committing an allocation to the ledger goes through the secure registry as an
// administrator: the issuance waits for a second administrator (four-eyes), then one batch
// delivers every installation's allocation. It is idempotent (a second run allocates nothing more
// and reports every command as replayed), a run cut short is completed by running it again, and
// a second run with other figures or beyond the cap is refused, on PGlite and PostgreSQL.
import { describe, expect, it } from "vitest";
import { DEFAULT_SECURITY_CONFIG } from "../../src/domain/security/config.ts";
import { type Caller, systemPrincipal } from "../../src/domain/security/roles.ts";
import { ManualClock } from "../../src/platform/clock.ts";
import { commitAllocation, type CommitInput, CommitRefused, commitIds, idPart } from "../../src/registry/allocation-commit.ts";
import { SecureRegistry } from "../../src/registry/secure/index.ts";
import { verifyLedger } from "../../src/registry/verify.ts";
import type { Db } from "../../src/store/db.ts";
import { forEachStore } from "../support/stores.ts";

const first: Caller = { principal: systemPrincipal("allocation-officer"), ip: null };
const second: Caller = { principal: systemPrincipal("allocation-approver"), ip: null };

/** A commit as two administrators make it: the first commits, the second approves the issuance, the first runs it again. */
async function commitWithApproval(db: Db, input: CommitInput) {
  const reg = await SecureRegistry.open(db, new ManualClock("2026-04-01T00:00:00Z"), DEFAULT_SECURITY_CONFIG);
  const r = await commitAllocation(reg, first, input);
  if (r.state !== "awaiting-approval") return { reg, summary: r };
  const approved = await reg.approve(second, { transactionId: r.issuanceId });
  if (!approved.ok) throw new Error(`approval refused: ${approved.message}`);
  return { reg, summary: await commitAllocation(reg, first, input) };
}

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
    expect(ids.batch).toBe("alloc:STEEL-CEMENT-TEST:2013:allocation");
  });
});

forEachStore("commitAllocation", (db) => {
  it("waits for a second administrator's approval of the issuance, then allocates once however often it runs", async () => {
    const reg = await SecureRegistry.open(db(), new ManualClock("2026-04-01T00:00:00Z"), DEFAULT_SECURITY_CONFIG);
    const input = { scheme: "steel-cement-test", year: 2013, cap: 10_000n, allocations };
    const pending = await commitAllocation(reg, first, input);
    expect(pending).toMatchObject({ state: "awaiting-approval", issued: 1378n, transactions: 1, accountsOpened: 3 });
    const ids = commitIds("steel-cement-test", 2013);
    expect((await reg.ledger.holdings(ids.operatorAccount("KILN-1")))?.[0]).toBeUndefined();
    // The same administrator cannot approve it.
    expect(await reg.approve(first, { transactionId: pending.issuanceId })).toMatchObject({ ok: false, code: 8004 });
    expect(await reg.approve(second, { transactionId: pending.issuanceId })).toMatchObject({ ok: true });
    const done = await commitAllocation(reg, first, input);
    expect(done).toMatchObject({ state: "committed", classCode: "STEEL-CEMENT-TEST-2013", issued: 1378n, transactions: 3, replayed: 1, accountsOpened: 0 });
    const again = await commitAllocation(reg, first, input);
    expect(again).toMatchObject({ state: "committed", issued: 1378n, transactions: 3, replayed: 3, accountsOpened: 0 });
    expect((await reg.ledger.holdings(ids.operatorAccount("KILN-1")))?.[0]?.quantity).toBe(766n);
    expect((await reg.ledger.holdings(ids.operatorAccount("kiln 2/b")))?.[0]?.quantity).toBe(612n);
    expect(await reg.ledger.getAccount(ids.operatorAccount("POWER-1"))).toBeUndefined();
    expect(await reg.ledger.holdings(ids.issuanceAccount)).toEqual([]);
    // Every installation's allocation is its own transaction, in one batch.
    const t = await reg.ledger.getTransaction(ids.allocation("KILN-1"));
    expect(t).toMatchObject({ kind: "allocation", status: "completed", batchId: ids.batch });
    const cls = await reg.ledger.getClass(ids.classCode);
    expect(cls).toMatchObject({ issuanceLimit: 10_000n, issued: 1378n, vintage: 2013 });
    const v = await verifyLedger(db());
    expect(v.ok).toBe(true);
  });

  it("refuses a second run with other figures instead of allocating twice", async () => {
    const reg = await SecureRegistry.open(db(), new ManualClock("2026-04-01T00:00:00Z"), DEFAULT_SECURITY_CONFIG);
    const changed = [{ installation: "KILN-1", free: 700n }, { installation: "kiln 2/b", free: 612n }];
    const err = await commitAllocation(reg, first, { scheme: "steel-cement-test", year: 2013, cap: 10_000n, allocations: changed }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommitRefused);
    expect((err as CommitRefused).refusal.check).toBe("replay-differs");
  });

  it("returns allowances for changes during the year once, however often it runs", async () => {
    const input = { scheme: "returns", year: 2013, cap: 1_000n, allocations: [{ installation: "K", free: 365n }], returns: [{ installation: "K", quantity: 184n, cause: "closure:2013-07-01" }] };
    const { reg, summary } = await commitWithApproval(db(), input);
    expect(summary).toMatchObject({ state: "committed", returned: 184n, transactions: 3, replayed: 1 });
    const again = await commitAllocation(reg, first, input);
    expect(again).toMatchObject({ returned: 184n, transactions: 3, replayed: 3 });
    const ids = commitIds("returns", 2013);
    expect((await reg.ledger.holdings(ids.operatorAccount("K")))?.[0]?.quantity).toBe(181n);
    expect((await reg.ledger.holdings(ids.issuanceAccount))?.[0]?.quantity).toBe(184n);
    expect((await verifyLedger(db())).ok).toBe(true);
  });

  it("completes a run cut short, and refuses issuance beyond the cap", async () => {
    const reg = await SecureRegistry.open(db(), new ManualClock("2026-04-01T00:00:00Z"), DEFAULT_SECURITY_CONFIG);
    const ids = commitIds("partial", 2014);
    // Simulate a crash after the class: the next run picks up from there.
    await reg.ledger.defineClass({ commandId: `class:PARTIAL:2014`, code: ids.classCode, unitType: "allowance", scheme: "partial", vintage: 2014, issuanceLimit: "100" });
    const { summary } = await commitWithApproval(db(), { scheme: "partial", year: 2014, cap: 100n, allocations: [{ installation: "A", free: 60n }] });
    expect(summary).toMatchObject({ state: "committed", issued: 60n });
    // Another installation: one installation has one live account in a registry (7011).
    const capped = await commitWithApproval(db(), { scheme: "capped", year: 2014, cap: 50n, allocations: [{ installation: "B", free: 60n }] }).catch((e: unknown) => e);
    expect((capped as CommitRefused).refusal.check).toBe("issuance-limit-exceeded");
  });
});
