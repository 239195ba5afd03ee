// Goal: coalesced holdings reads (src/registry/read-group.ts) answer every caller exactly as a
// read alone does. Many concurrent reads of many accounts by callers of different scopes (some
// refused: an account not represented, an unknown one, a malformed id) are fired at once on a
// coalescing registry and compared, answer for answer, with the same reads one by one on a
// registry that reads alone; the counters prove groups formed and stayed within their bound. A
// write committed before a read arrives is seen by it; a group whose statement fails answers each
// member as alone. PGlite and PostgreSQL.
import fc from "fast-check";
import { beforeAll, expect, it } from "vitest";
import type { Caller } from "../../src/domain/security/roles.ts";
import { SecureRegistry } from "../../src/registry/secure/index.ts";
import { forEachStore } from "../support/stores.ts";
import { createUsers, type Fixture, seedLedger, setUp } from "../security/fixture.ts";

const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? `${x}n` : x));

/** What a read came to: its answer, or the error it threw (by message), as comparable text. */
async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    return json(await p);
  } catch (e) {
    return `threw ${e instanceof Error ? e.message : String(e)}`;
  }
}

const ACCOUNTS = ["NAT", "A-1", "A-2", "B-1", "C-1", "NO-SUCH", "", "X".repeat(65)] as const;
const CALLERS = ["admin", "auditor", "alice", "bob", "carol"] as const;

forEachStore("coalesced holdings reads", (db) => {
  let f: Fixture;
  let alone: SecureRegistry;
  let bounded: SecureRegistry;
  const callers = new Map<string, Caller>();

  beforeAll(async () => {
    f = await setUp(db());
    await createUsers(f, [["admin", ["national-admin"]], ["auditor", ["authority"]], ["alice", []], ["bob", []], ["carol", []]]);
    await seedLedger(f);
    const must = (r: { ok: boolean; message?: string }) => {
      if (!r.ok) throw new Error(r.message);
    };
    // Holdings of two classes in several accounts, in several blocks; C-1 holds nothing.
    for (const [i, [to, cls, q]] of ([["A-2", "EUA-2026", 700], ["B-1", "EUA-2026", 300], ["B-1", "VER-1", 40], ["A-1", "VER-1", 5], ["A-2", "EUA-2026", 11]] as const).entries()) {
      must(await f.reg.ledger.propose({ transactionId: `spread-${i}`, kind: "correction", legs: [{ classCode: cls, from: cls === "VER-1" ? "NAT" : "A-1", to, quantity: String(q) }] }));
    }
    for (const [accountId, userId] of [["A-1", "alice"], ["A-2", "alice"], ["B-1", "bob"]] as const) {
      must(await f.reg.addRepresentative(f.system, { accountId, userId, initiate: true, approve: false }));
    }
    for (const u of CALLERS) callers.set(u, await f.as(u));
    alone = await SecureRegistry.open(db(), f.clock, f.reg.config, { audit: f.audit, readGroup: false });
    bounded = await SecureRegistry.open(db(), f.clock, f.reg.config, { audit: f.audit, readGroup: { slots: 1, maxGroup: 4 } });
  });

  const read = (reg: SecureRegistry, r: { caller: string; account: string; blocks: boolean }) =>
    reg.holdings(callers.get(r.caller) as Caller, r.account, r.blocks ? { blocks: true, blockLimit: 2 } : {});

  it("many concurrent reads, some refused, answer byte for byte as the same reads one by one", async () => {
    const asks = fc.array(fc.record({ caller: fc.constantFrom(...CALLERS), account: fc.constantFrom(...ACCOUNTS), blocks: fc.boolean() }), { minLength: 2, maxLength: 40 });
    for (const reg of [f.reg, bounded]) {
      const before = { ...(reg.readGroupStats ?? { reads: 0, statements: 0 }) };
      await fc.assert(
        fc.asyncProperty(asks, async (rs) => {
          const together = await Promise.all(rs.map((r) => outcome(read(reg, r))));
          const oneByOne: string[] = [];
          for (const r of rs) oneByOne.push(await outcome(read(alone, r)));
          expect(together).toEqual(oneByOne);
        }),
        { numRuns: 25, seed: 15 },
      );
      const stats = reg.readGroupStats;
      // Not vacuous: reads were answered several to a statement, and never more than the bound.
      expect(stats && stats.reads - before.reads).toBeGreaterThan((stats?.statements ?? 0) - before.statements);
      expect(stats?.largest).toBeLessThanOrEqual(reg === bounded ? 4 : 32);
      expect(stats?.fallbacks).toBe(0);
    }
    expect(bounded.readGroupStats?.largest).toBe(4);
  });

  it("refusals keep their codes: ACCOUNT_UNKNOWN for an administrator, not visible for a representative, whoever shares the statement", async () => {
    const [adminUnknown, aliceA1, aliceB1, bobB1, carolA1] = await Promise.all([
      read(bounded, { caller: "admin", account: "NO-SUCH", blocks: false }),
      read(bounded, { caller: "alice", account: "A-1", blocks: false }),
      read(bounded, { caller: "alice", account: "B-1", blocks: false }),
      read(bounded, { caller: "bob", account: "B-1", blocks: false }),
      read(bounded, { caller: "carol", account: "A-1", blocks: false }),
    ]);
    expect(adminUnknown).toMatchObject({ ok: false, code: 7006 });
    expect(aliceB1).toMatchObject({ ok: false, code: 8014 });
    expect(carolA1).toMatchObject({ ok: false, code: 8014, message: "no account A-1 visible to you" });
    expect(aliceA1.ok && aliceA1.value.map((h) => h.classCode)).toEqual(["EUA-2026", "VER-1"]);
    expect(bobB1.ok && bobB1.value.map((h) => [h.classCode, h.quantity])).toEqual([["EUA-2026", 300n], ["VER-1", 40n]]);
  });

  it("a read that arrives after a write committed sees it, though it waited behind a statement in flight", async () => {
    const admin = callers.get("admin") as Caller;
    const quantity = async (p: ReturnType<SecureRegistry["holdings"]>) => {
      const r = await p;
      return r.ok ? r.value.find((h) => h.classCode === "EUA-2026")?.quantity : undefined;
    };
    const start = await quantity(bounded.holdings(admin, "C-1"));
    const statements0 = bounded.readGroupStats?.statements ?? 0;
    const earlier = Array.from({ length: 6 }, () => quantity(bounded.holdings(admin, "C-1")));
    const committed = await f.reg.ledger.propose({ transactionId: "after-reads", kind: "correction", legs: [{ classCode: "EUA-2026", from: "A-1", to: "C-1", quantity: "9" }] });
    expect(committed.ok).toBe(true);
    const later = quantity(bounded.holdings(admin, "C-1"));
    expect(await later).toBe((start ?? 0n) + 9n);
    // The earlier reads were sent before the write's commit or after it: each sees one state or the other, whole.
    for (const q of await Promise.all(earlier)) expect([start, (start ?? 0n) + 9n]).toContain(q);
    expect((bounded.readGroupStats?.statements ?? 0) - statements0).toBeGreaterThanOrEqual(2);
  });

  it("a group whose statement fails (an id PostgreSQL cannot store) answers each member as alone: the others their holdings, the bad one its error", async () => {
    const rs = [{ caller: "admin", account: "A-1", blocks: false }, { caller: "admin", account: "BAD\u0000ID", blocks: false }, { caller: "bob", account: "B-1", blocks: true }, { caller: "alice", account: "B-1", blocks: false }];
    const fallbacks0 = bounded.readGroupStats?.fallbacks ?? 0;
    const together = await Promise.all([read(bounded, rs[0] as (typeof rs)[0]), ...rs.map((r) => outcome(read(bounded, r)))]);
    const oneByOne: string[] = [];
    for (const r of rs) oneByOne.push(await outcome(read(alone, r)));
    expect(together.slice(1)).toEqual(oneByOne);
    expect(oneByOne[1]).toMatch(/^threw /);
    expect(bounded.readGroupStats?.fallbacks).toBeGreaterThan(fallbacks0);
  });
});
