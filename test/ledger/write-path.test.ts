// Goal: the one write path (plan, then ledger_apply in one statement) builds the chain digest in
// SQL exactly as verify rebuilds it in TypeScript, and never decides on remembered rows alone: an
// account blocked by another service instance (another process) since this one last saw it is
// caught under the lock, the plan is made again on a fresh snapshot, and that refuses with the
// right code. A transfer among remembered rows costs one statement. PGlite and PostgreSQL.
import { describe, expect, it } from "vitest";
import { chainPayload, LedgerService } from "../../src/registry/ledger/index.ts";
import { payloadDigest } from "../../src/registry/ledger/hash.ts";
import { verifyLedger } from "../../src/registry/verify.ts";
import { forEachStore } from "../support/stores.ts";

const leg = (classCode: string, from: string | null, to: string, quantity: string) => ({ classCode, from, to, quantity });

function ok<T extends { ok: boolean }>(r: T): T {
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r)}`);
  return r;
}

forEachStore("one-call transfer path", (get) => {
  let a: LedgerService;
  let b: LedgerService;

  it("sets up two services on one store (as two processes would be)", async () => {
    a = await LedgerService.open(get());
    b = await LedgerService.open(get());
    ok(await a.defineClass({ commandId: "c1", code: "EU-2026", unitType: "allowance", scheme: "EU" }));
    ok(await a.defineClass({ commandId: "c2", code: "CER-CN-1", unitType: "CER", scheme: "CDM" }));
    for (const [id, type] of [["NHA", "national_issuance"], ["T-1", "trading"], ["T-2", "trading"], ["T-3", "trading"]] as const) {
      ok(await a.openAccount({ commandId: `o-${id}`, accountId: id, type, holder: "h", name: id }));
    }
    ok(await a.propose({ transactionId: "i1", kind: "issuance", legs: [leg("EU-2026", null, "NHA", "1000")] }));
    ok(await a.propose({ transactionId: "i2", kind: "issuance", legs: [leg("CER-CN-1", null, "NHA", "500")] }));
    expect(a.paths).toEqual({ remembered: 0, read: 2 });
  });

  it("reads a snapshot for rows it has not seen, then plans from remembered rows, with the same movements and digest", async () => {
    const first = ok(await a.propose({ transactionId: "t1", kind: "correction", legs: [leg("EU-2026", "NHA", "T-1", "300"), leg("CER-CN-1", "NHA", "T-1", "200")] }));
    expect(a.paths).toEqual({ remembered: 0, read: 3 });
    // T-2 has not been seen yet: a read again, after which both are remembered
    ok(await a.propose({ transactionId: "t1b", kind: "transfer", legs: [leg("EU-2026", "T-1", "T-2", "1")] }));
    expect(a.paths).toEqual({ remembered: 0, read: 4 });
    // A note with quotes, a backslash, a newline, a tab, a control character and non-ASCII text:
    // the digest built in SQL must escape them exactly as JSON.stringify does.
    const note = 'lot "A\\B"\n\tkontrol \u0001 排出枠 €';
    const second = ok(await a.propose({ transactionId: "t2", kind: "transfer", note, legs: [leg("EU-2026", "T-1", "T-2", "120"), leg("CER-CN-1", "T-1", "T-2", "50")] }));
    expect(a.paths).toEqual({ remembered: 1, read: 4 });
    expect(first.ok && first.value.movements.map((m) => [m.legNo, m.start, m.end])).toEqual([[1, 1n, 300n], [2, 1n, 200n]]);
    expect(second.ok && second.value.movements.map((m) => [m.legNo, m.classCode, m.from, m.to, m.start, m.end, m.quantity])).toEqual([
      [1, "EU-2026", "T-1", "T-2", 2n, 121n, 120n],
      [2, "CER-CN-1", "T-1", "T-2", 1n, 50n, 50n],
    ]);
    // what was returned is what a reader gets back
    const stored = await b.getTransaction("t2");
    expect(stored?.movements).toEqual(second.ok && second.value.movements);
    expect(stored?.note).toBe(note);
    expect(stored?.events.map((e) => e.status)).toEqual(["completed"]);
    // the chain link's hash was built from the digest SQL computed; it must equal the TypeScript digest
    const link = await get().query<{ prev_hash: string; hash: string }>("SELECT prev_hash, hash FROM chain_links WHERE tx_id = 't2'");
    expect(link.rows).toHaveLength(1);
    const created = (await get().query<{ at: string }>("SELECT at FROM transaction_events WHERE tx_id = 't2'")).rows[0]?.at as string;
    const digest = payloadDigest(await chainPayload(get(), "t2", second.ok ? second.value.createdAt : created));
    const { createHash } = await import("node:crypto");
    expect(link.rows[0]?.hash).toBe(createHash("sha256").update(`${link.rows[0]?.prev_hash}\n${digest}`).digest("hex"));
    const report = await verifyLedger(get());
    expect(report.violations).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it("a replay planned on remembered rows returns the first result; a changed replay names the field", async () => {
    const again = await a.propose({ transactionId: "t2", kind: "transfer", note: 'lot "A\\B"\n\tkontrol \u0001 排出枠 €', legs: [leg("EU-2026", "T-1", "T-2", "120"), leg("CER-CN-1", "T-1", "T-2", "50")] });
    expect(again.ok && again.replayed).toBe(true);
    const changed = await a.propose({ transactionId: "t2", kind: "transfer", legs: [leg("EU-2026", "T-1", "T-2", "121")] });
    expect(changed.ok).toBe(false);
    expect(!changed.ok && changed.code).toBe(5002);
  });

  it("too few units is refused with 3003 and writes nothing", async () => {
    const before = await get().query<{ n: bigint }>("SELECT count(*) AS n FROM transactions");
    const r = await a.propose({ transactionId: "t3", kind: "transfer", legs: [leg("EU-2026", "T-1", "T-2", "1"), leg("CER-CN-1", "T-1", "T-2", "151")] });
    expect(!r.ok && r.code).toBe(3003);
    expect(!r.ok && r.facts).toMatchObject({ accountId: "T-1", classCode: "CER-CN-1", held: "150", needed: "151" });
    expect((await get().query<{ n: bigint }>("SELECT count(*) AS n FROM transactions")).rows[0]?.n).toBe(before.rows[0]?.n);
    expect((await a.holdings("T-2"))?.map((h) => [h.classCode, h.quantity])).toEqual([["CER-CN-1", 50n], ["EU-2026", 121n]]);
  });

  it("an account blocked by another instance is caught under the lock: planned again, 1002, nothing written", async () => {
    ok(await a.propose({ transactionId: "t3b", kind: "transfer", legs: [leg("EU-2026", "T-1", "T-3", "1")] }));
    ok(await b.setAccountStatus({ commandId: "s1", accountId: "T-1", status: "blocked", reason: "investigation" }));
    const before = { ...a.paths };
    const r = await a.propose({ transactionId: "t4", kind: "transfer", legs: [leg("EU-2026", "T-1", "T-3", "10")] });
    expect(!r.ok && r.code).toBe(1002);
    expect(a.paths).toEqual(before);
    expect(await a.getTransaction("t4")).toBeUndefined();
    // unblocked elsewhere: a no longer trusts what it remembered of T-1, reads again, and completes
    ok(await b.setAccountStatus({ commandId: "s2", accountId: "T-1", status: "open" }));
    ok(await a.propose({ transactionId: "t5", kind: "transfer", legs: [leg("EU-2026", "T-1", "T-3", "10")] }));
    ok(await a.propose({ transactionId: "t6", kind: "transfer", legs: [leg("EU-2026", "T-1", "T-3", "10")] }));
    expect(a.paths.read).toBe(before.read + 1);
    expect(a.paths.remembered).toBe(before.remembered + 1);
    const report = await verifyLedger(get());
    expect(report.violations).toEqual([]);
  });

  it("holdings in one statement: none is an empty list, an unknown account is undefined", async () => {
    ok(await a.openAccount({ commandId: "o-T-4", accountId: "T-4", type: "trading", holder: "h", name: "T-4" }));
    expect(await a.holdings("T-4")).toEqual([]);
    expect(await a.holdings("T-404")).toBeUndefined();
    expect((await a.holdings("T-2"))?.map((h) => [h.classCode, h.quantity, h.earmarked, h.available, h.blockCount])).toEqual([["CER-CN-1", 50n, 0n, 50n, 1], ["EU-2026", 121n, 0n, 121n, 1]]);
  });

  it("a closed destination is refused even when remembered as open", async () => {
    ok(await a.propose({ transactionId: "t7", kind: "transfer", legs: [leg("EU-2026", "T-3", "T-1", "21")] }));
    ok(await b.setAccountStatus({ commandId: "s3", accountId: "T-3", status: "closed" }));
    const r = await a.propose({ transactionId: "t8", kind: "transfer", legs: [leg("EU-2026", "T-2", "T-3", "1")] });
    expect(!r.ok && r.code).toBe(2002);
    expect(await a.getTransaction("t8")).toBeUndefined();
  });
});

describe("statements per command", () => {
  it("a completing transfer among remembered rows is one statement; a held one and its approval too, plus the approval's snapshot read", async () => {
    const { openPglite } = await import("../../src/store/pglite.ts");
    const { migrate } = await import("../../src/store/migrate.ts");
    const inner = await openPglite();
    let statements = 0;
    const db = { ...inner, kind: inner.kind, query: ((text: string, params?: readonly unknown[]) => {
      statements++;
      return inner.query(text, params);
    }) as typeof inner.query };
    try {
      await migrate(inner);
      const l = await LedgerService.open(db);
      ok(await l.defineClass({ commandId: "c", code: "X-1", unitType: "allowance", scheme: "X" }));
      ok(await l.openAccount({ commandId: "o1", accountId: "N-1", type: "national_issuance", holder: "h", name: "n" }));
      ok(await l.openAccount({ commandId: "o2", accountId: "T-9", type: "trading", holder: "h", name: "n" }));
      ok(await l.propose({ transactionId: "i", kind: "issuance", legs: [leg("X-1", null, "N-1", "5")] }));
      ok(await l.propose({ transactionId: "w", kind: "correction", legs: [leg("X-1", "N-1", "T-9", "1")] }));
      statements = 0;
      ok(await l.propose({ transactionId: "x", kind: "correction", legs: [leg("X-1", "N-1", "T-9", "1")] }));
      expect(statements).toBe(1);
      statements = 0;
      ok(await l.propose({ transactionId: "h", kind: "correction", legs: [leg("X-1", "N-1", "T-9", "1")], hold: { approval: true } }));
      expect(statements).toBe(1);
      statements = 0;
      const done = ok(await l.approve({ transactionId: "h", actor: "second" }));
      expect(done.ok && done.value.status).toBe("completed");
      // the snapshot, the plan applied, and the view read back
      expect(statements).toBe(3);
    } finally {
      await inner.close();
    }
  });
});
