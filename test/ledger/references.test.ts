// Goal: since migration ledger-perf-002 the write-hot ledger tables carry no foreign keys, and no
// row can still name a parent that does not exist. The parents cannot go: an account cannot be
// deleted, re-keyed or truncated, a transaction kind cannot change (classes, transactions and
// batches were append-only already). The one write function refuses, before it writes anything, a
// plan whose leg names an account it does not lock and confirm, a class that does not exist, or a
// kind that does not exist. (verify proves the rest from the records:
// test/ledger/verify-mutations.test.ts, "references resolve".) PGlite and PostgreSQL.
import { beforeAll, expect, it } from "vitest";
import { planCreate, type Plan } from "../../src/domain/ledger/plan.ts";
import { applyPlan } from "../../src/registry/ledger/apply.ts";
import { LedgerService } from "../../src/registry/ledger/index.ts";
import { readSnapshot } from "../../src/registry/ledger/snapshot.ts";
import { sqlState } from "../../src/store/db.ts";
import { DROPPED_FOREIGN_KEYS } from "../../src/store/migrations/ledger-perf-002.ts";
import { forEachStore } from "../support/stores.ts";

function ok<T extends { ok: boolean }>(r: T): T {
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r)}`);
  return r;
}

forEachStore("references without foreign keys", (get) => {
  let ledger: LedgerService;
  const count = async () => (await get().query<{ n: bigint }>("SELECT count(*) AS n FROM transactions")).rows[0]?.n;

  beforeAll(async () => {
    ledger = await LedgerService.open(get());
    ok(await ledger.defineClass({ commandId: "rf-c", code: "RF-2026", unitType: "allowance", scheme: "RF" }));
    for (const [id, type] of [["RF-NHA", "national_issuance"], ["RF-1", "trading"], ["RF-2", "trading"]] as const) {
      ok(await ledger.openAccount({ commandId: `rf-o-${id}`, accountId: id, type, holder: "h", name: id }));
    }
    ok(await ledger.propose({ transactionId: "rf-i", kind: "issuance", legs: [{ classCode: "RF-2026", from: null, to: "RF-NHA", quantity: "100" }] }));
    ok(await ledger.propose({ transactionId: "rf-s", kind: "correction", legs: [{ classCode: "RF-2026", from: "RF-NHA", to: "RF-1", quantity: "100" }] }));
  });

  /** A valid plan for a transfer of 10 from RF-1 to RF-2. */
  async function transferPlan(id: string): Promise<Plan> {
    const now = new Date().toISOString();
    const snap = await readSnapshot(get(), now, { classes: ["RF-2026"], accounts: ["RF-1", "RF-2"], txs: [id] });
    const request = { kind: "transfer", legs: [{ classCode: "RF-2026", from: "RF-1", to: "RF-2", quantity: "10" }] };
    const plan = planCreate(
      { id, scope: "", key: id, kind: "transfer", legs: [{ classCode: "RF-2026", from: "RF-1", to: "RF-2", quantity: 10n }], request, initiator: null, purpose: null, beneficiary: null, hold: { approval: false, delayUntil: null } },
      snap,
      ledger.options,
    );
    if ("ok" in plan) throw new Error(`planning refused: ${plan.message}`);
    return plan;
  }

  it("the write-hot tables carry none of the dropped foreign keys", async () => {
    const r = await get().query<{ conname: string }>("SELECT conname FROM pg_constraint WHERE contype = 'f' AND conname = ANY($1::text[])", [DROPPED_FOREIGN_KEYS.map(([, c]) => c)]);
    expect(r.rows).toEqual([]);
  });

  it("an account can be blocked but never deleted, re-keyed or truncated; a transaction kind never changes", async () => {
    for (const q of ["DELETE FROM accounts WHERE id = 'RF-2'", "UPDATE accounts SET id = 'RF-9' WHERE id = 'RF-2'", "TRUNCATE accounts CASCADE", "DELETE FROM transaction_kinds WHERE code = 'transfer'", "UPDATE transaction_kinds SET code = 'move' WHERE code = 'transfer'"]) {
      const err = await get().query(q).then(() => undefined, (e: unknown) => e);
      expect(sqlState(err), q).toBe("P0001");
      expect(String((err as Error).message), q).toMatch(/ledger rows are immutable/);
    }
    ok(await ledger.setAccountStatus({ commandId: "rf-block", accountId: "RF-2", status: "blocked", reason: "test" }));
    ok(await ledger.setAccountStatus({ commandId: "rf-unblock", accountId: "RF-2", status: "open", reason: "test" }));
  });

  it("a leg naming an account the plan does not lock and confirm is stale, and nothing is written", async () => {
    const plan = await transferPlan("rf-t1");
    const before = await count();
    const tampered: Plan = { ...plan, accounts: new Map([...plan.accounts].filter(([id]) => id !== "RF-2")) };
    expect(await applyPlan(get(), tampered)).toEqual({ kind: "stale", facts: { accountId: "RF-2" } });
    expect(await count()).toBe(before);
  });

  it("a leg naming a class that does not exist is stale, and nothing is written", async () => {
    const plan = await transferPlan("rf-t2");
    const before = await count();
    const steps = plan.steps.map((s) => ({ ...s, legs: s.legs.map((l) => ({ ...l, cls: { ...l.cls, id: 999_999, code: "RF-GHOST" } })) }));
    expect(await applyPlan(get(), { ...plan, steps } as Plan)).toEqual({ kind: "stale", facts: { classCode: "RF-GHOST" } });
    expect(await count()).toBe(before);
  });

  it("a transaction of a kind the store does not have is refused, and nothing is written", async () => {
    const plan = await transferPlan("rf-t3");
    const before = await count();
    const steps = plan.steps.map((s) => ({ ...s, kind: "ghost_kind" }));
    await expect(applyPlan(get(), { ...plan, steps } as Plan)).rejects.toThrow(/transaction kind ghost_kind is not in transaction_kinds/);
    expect(await count()).toBe(before);
  });

  it("the plans untouched go through, and the service answers an unknown account with its check code", async () => {
    const plan = await transferPlan("rf-t4");
    expect((await applyPlan(get(), plan)).kind).toBe("done");
    const r = await ledger.propose({ transactionId: "rf-t5", kind: "transfer", legs: [{ classCode: "RF-2026", from: "RF-1", to: "RF-NOPE", quantity: "1" }] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.code).toBe(2001);
  });
});
