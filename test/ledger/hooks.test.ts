// Goal: a rule registered on a transaction kind (LedgerService.onKind) holds on every way such a
// transaction is written, inside the database transaction that writes it: its refusal rolls the
// whole command back (no movement, no transaction, the id free to use again); its companion rows
// commit with the transaction; it sees a held proposal, its approval and a batch's every step
// with the serials moved; and, locking a row of its own, it keeps a limit under concurrent
// commands from two services on one store. PGlite and PostgreSQL.
import { describe, expect, it } from "vitest";
import { refuse } from "../../src/domain/ledger/checks.ts";
import { type HookStep, LedgerService } from "../../src/registry/ledger/index.ts";
import type { Sql } from "../../src/store/db.ts";
import { forEachStore } from "../support/stores.ts";

const leg = (classCode: string, from: string | null, to: string, quantity: string) => ({ classCode, from, to, quantity });

function ok<T extends { ok: boolean }>(r: T): T {
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r)}`);
  return r;
}

/** A rule of "another part of the registry": at most CAP units surrendered per account, counted in its own table. */
const CAP = 100n;
function capHook(seen: HookStep[][]) {
  return async (sql: Sql, steps: readonly HookStep[]) => {
    seen.push([...steps]);
    for (const s of steps) {
      if (s.status !== "completed") continue;
      for (const l of s.legs) {
        const from = l.from as string;
        // Serialize concurrent surrenders from one account on a row of the hook's own.
        await sql.query("INSERT INTO hook_totals (account_id, total) VALUES ($1, 0) ON CONFLICT (account_id) DO NOTHING", [from]);
        const row = await sql.query<{ total: string }>("SELECT total::text AS total FROM hook_totals WHERE account_id = $1 FOR UPDATE", [from]);
        const total = BigInt(row.rows[0]?.total ?? "0") + l.quantity;
        if (total > CAP) return refuse("QUANTITY_TOO_LARGE", `${from} would surrender ${total}, above the cap ${CAP}`, { accountId: from, total: total.toString() });
        await sql.query("UPDATE hook_totals SET total = $2 WHERE account_id = $1", [from, total.toString()]);
        await sql.query("INSERT INTO hook_log (tx_id, account_id, quantity) VALUES ($1, $2, $3)", [s.id, from, l.quantity.toString()]);
      }
    }
    return null;
  };
}

forEachStore("hooks on transaction kinds", (get, kind) => {
  let a: LedgerService;
  let b: LedgerService;
  const seenA: HookStep[][] = [];
  const seenB: HookStep[][] = [];

  const held = async (accountId: string) => (await a.holdings(accountId))?.find((h) => h.classCode === "EU-2026")?.quantity ?? 0n;
  const log = async () => (await get().query<{ tx_id: string; quantity: string }>("SELECT tx_id, quantity::text AS quantity FROM hook_log ORDER BY tx_id")).rows;

  it("sets up two services with the hook, and refuses a hook on an unknown kind", async () => {
    await get().exec("CREATE TABLE hook_totals (account_id text PRIMARY KEY, total numeric NOT NULL); CREATE TABLE hook_log (tx_id text PRIMARY KEY REFERENCES transactions (id), account_id text NOT NULL, quantity numeric NOT NULL);");
    a = await LedgerService.open(get());
    b = await LedgerService.open(get());
    a.onKind("surrender", capHook(seenA));
    b.onKind("surrender", capHook(seenB));
    expect(() => a.onKind("no-such-kind", capHook([]))).toThrow(/not a transaction kind/);
    ok(await a.defineClass({ commandId: "c1", code: "EU-2026", unitType: "allowance", scheme: "EU" }));
    ok(await a.openAccount({ commandId: "o1", accountId: "NHA", type: "national_issuance", holder: "state", name: "NHA" }));
    ok(await a.openAccount({ commandId: "o2", accountId: "SUR", type: "surrender", holder: "state", name: "SUR" }));
    for (const id of ["OP-1", "OP-2", "OP-3"]) ok(await a.openAccount({ commandId: `o-${id}`, accountId: id, type: "operator_holding", holder: id, name: id, installation: `INST-${id}` }));
    ok(await a.propose({ transactionId: "i1", kind: "issuance", legs: [leg("EU-2026", null, "NHA", "10000")] }));
    ok(await a.batch({ batchId: "alloc-1", kind: "allocation", transfers: ["OP-1", "OP-2", "OP-3"].map((to) => ({ classCode: "EU-2026", from: "NHA", to, quantity: "500" })) }));
  });

  it("commits its rows with the transaction, and a refusal rolls everything back, leaving the id free", async () => {
    ok(await a.propose({ transactionId: "s1", kind: "surrender", legs: [leg("EU-2026", "OP-1", "SUR", "60")] }));
    expect(await log()).toEqual([{ tx_id: "s1", quantity: "60" }]);
    const refused = await a.propose({ transactionId: "s2", kind: "surrender", legs: [leg("EU-2026", "OP-1", "SUR", "50")] });
    expect(refused).toMatchObject({ ok: false, check: "quantity-too-large", facts: { accountId: "OP-1", total: "110" } });
    expect(await held("OP-1")).toBe(440n);
    expect(await a.getTransaction("s2")).toBeUndefined();
    expect(await log()).toEqual([{ tx_id: "s1", quantity: "60" }]);
    // The same id with content the rule accepts goes through: the refusal did not consume it.
    ok(await a.propose({ transactionId: "s2", kind: "surrender", legs: [leg("EU-2026", "OP-1", "SUR", "40")] }));
    expect(await held("OP-1")).toBe(400n);
  });

  it("sees a held proposal and then its approval, with the serials moved only at completion", async () => {
    seenA.length = 0;
    ok(await a.propose({ transactionId: "s3", kind: "surrender", hold: { approval: true }, legs: [leg("EU-2026", "OP-2", "SUR", "100")] }));
    ok(await a.approve({ transactionId: "s3", actor: "second-person" }));
    expect(seenA.map((steps) => steps.map((s) => [s.op, s.id, s.status, s.moves.length > 0]))).toEqual([[["create", "s3", "awaiting_approval", false]], [["transition", "s3", "completed", true]]]);
    expect(seenA[1]?.[0]?.actor).toBe("second-person");
    // A held proposal the rule refuses at completion ends as a completion the database refuses
    // does (insufficient units): rejected with the rule's code, its earmark released.
    ok(await a.propose({ transactionId: "s4", kind: "surrender", hold: { approval: true }, legs: [leg("EU-2026", "OP-2", "SUR", "1")] }));
    expect(await a.approve({ transactionId: "s4", actor: "second-person" })).toMatchObject({ ok: false, check: "quantity-too-large" });
    const s4 = await a.getTransaction("s4");
    expect([s4?.status, s4?.events.at(-1)?.detail.code]).toEqual(["rejected", 3002]);
    expect(await held("OP-2")).toBe(400n);
    expect((await a.holdings("OP-2"))?.[0]?.earmarked).toBe(0n);
  });

  it("runs once per kind for a batch, with every step, and refuses the whole batch", async () => {
    // No hook on allocation: the batch above went through without any call.
    expect(seenA.flat().some((s) => s.kind === "allocation")).toBe(false);
    a.onKind("allocation", async (_sql, steps) => (steps.length > 2 ? refuse("BATCH_SIZE", `at most 2 allocations in this test, got ${steps.length}`, { size: steps.length }) : null));
    const before = await held("OP-3");
    const r = await a.batch({ batchId: "alloc-2", kind: "allocation", transfers: ["OP-1", "OP-2", "OP-3"].map((to) => ({ classCode: "EU-2026", from: "NHA", to, quantity: "1" })) });
    expect(r).toMatchObject({ ok: false, check: "batch-size", facts: { size: 3 } });
    expect(await held("OP-3")).toBe(before);
    ok(await a.batch({ batchId: "alloc-3", kind: "allocation", transfers: ["OP-1", "OP-2"].map((to) => ({ classCode: "EU-2026", from: "NHA", to, quantity: "1" })) }));
  });

  describe("under concurrency", () => {
    it("keeps the cap with two services surrendering from one account at once", async () => {
      const attempts = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? a : b).propose({ transactionId: `c${i}`, kind: "surrender", legs: [leg("EU-2026", "OP-3", "SUR", "20")] }));
      const results = await Promise.all(attempts);
      const done = results.filter((r) => r.ok).length;
      // 100 / 20 = 5 fit under the cap, whatever the interleaving.
      expect({ kind, done, refused: results.filter((r) => !r.ok && r.check === "quantity-too-large").length }).toEqual({ kind, done: 5, refused: 7 });
      expect(await held("OP-3")).toBe(400n);
      const total = await get().query<{ total: string }>("SELECT total::text AS total FROM hook_totals WHERE account_id = 'OP-3'");
      expect(total.rows[0]?.total).toBe("100");
    });
  });
});
