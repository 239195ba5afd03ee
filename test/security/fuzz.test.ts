// Goal: the security services never throw on malformed input and never change the ledger when
// they refuse. Random values of every JSON-ish shape (wrong types, unicode, malformed text: lone
// surrogates and what a lenient decoder makes of overlong and invalid UTF-8, huge and negative
// numbers, other holders' accounts) go to every operation as every kind of caller; each call
// must return a result, and a snapshot of balances, transactions and trusted lists taken before
// must equal one taken after (the callers hold no rights that could make a change succeed).
import { fc } from "@fast-check/vitest";
import { beforeAll, expect, it } from "vitest";
import type { Caller } from "../../src/domain/security/roles.ts";
import { badText } from "../support/bad-text.ts";
import { forEachStore } from "../support/stores.ts";
import { createUsers, type Fixture, seedLedger, setUp } from "./fixture.ts";

const ACCOUNTS = ["A-1", "A-2", "B-1", "C-1", "NAT", "ZZ-404", ""];
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  any: fc.oneof(
    { maxDepth: 3 },
    fc.constantFrom(...ACCOUNTS, "EUA-2026", "transfer", "issuance", "alice", "admin", null, undefined, true, -1, 0, 1e300, Number.NaN, "2000001", "-5", "１２３"),
    fc.string({ maxLength: 30 }),
    badText,
    fc.integer(),
    fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }),
    fc.array(tie("any"), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom("transactionId", "legs", "kind", "from", "to", "quantity", "classCode", "accountId", "trustedAccountId", "userId", "reason", "password", "scopes", "__proto__"), tie("any"), { maxKeys: 5 }),
  ),
})).any;

const leg = fc.record({ classCode: fc.constantFrom("EUA-2026", "VER-1", "NOPE"), from: fc.constantFrom(...ACCOUNTS), to: fc.constantFrom(...ACCOUNTS), quantity: value });
const freeText = fc.oneof(fc.constant(undefined), fc.string({ maxLength: 20 }), badText);
const transferLike = fc.record({
  transactionId: fc.oneof(fc.string({ maxLength: 20 }), badText, value),
  kind: fc.constantFrom(undefined, "transfer", "issuance", "allocation", "reversal", "x"),
  legs: fc.oneof(fc.array(leg, { maxLength: 3 }), value),
  note: freeText,
  purpose: freeText,
  beneficiary: freeText,
});

async function snapshot(f: Fixture): Promise<string> {
  const q = async (sql: string) => JSON.stringify((await f.reg.ledger.db.query(sql)).rows, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
  return [
    await q("SELECT account_id, class_id, quantity FROM balances ORDER BY 1, 2"),
    await q("SELECT count(*)::int AS n FROM transactions"),
    await q("SELECT count(*)::int AS n FROM transaction_events"),
    await q("SELECT account_id, trusted_account_id, approved_at, removed_at FROM trusted_accounts ORDER BY 1, 2"),
    await q("SELECT account_id, user_id FROM representatives ORDER BY 1, 2"),
    await q("SELECT id, roles, disabled FROM users ORDER BY 1"),
    await q("SELECT id, status FROM accounts ORDER BY 1"),
    await q("SELECT * FROM account_limits ORDER BY 1"),
  ].join("\n");
}

forEachStore("security services under malformed input", (db) => {
  let f: Fixture;
  let callers: Caller[];

  beforeAll(async () => {
    f = await setUp(db());
    await createUsers(f, [["mallory", []], ["vera", ["verifier"]], ["audrey", ["authority"]]]);
    await seedLedger(f, 1000n);
    // Mallory represents B-1 with the approve right only: she can initiate nothing and approve nothing of A-1.
    const ok = await f.reg.addRepresentative(f.system, { accountId: "B-1", userId: "mallory", initiate: false, approve: true });
    if (!ok.ok) throw new Error(ok.message);
    callers = [f.anon, await f.as("mallory"), await f.as("vera"), await f.as("audrey"), await f.as("mallory", ["read"])];
  }, 60_000);

  it("never throws and changes nothing", async () => {
    const before = await snapshot(f);
    await fc.assert(
      fc.asyncProperty(fc.nat(callers.length - 1), fc.nat(16), transferLike, value, value, async (ci, op, t, a, b) => {
        const c = callers[ci] as Caller;
        const r = f.reg;
        const calls: Array<() => Promise<{ ok: boolean }>> = [
          () => r.initiate(c, t as never),
          () => r.approve(c, a as never),
          () => r.reject(c, a as never),
          () => r.cancel(c, a as never),
          () => r.addTrusted(c, { accountId: a, trustedAccountId: b } as never),
          () => r.approveTrusted(c, a as never),
          () => r.removeTrusted(c, a as never),
          () => r.blockAccount(c, { commandId: "fz", accountId: a } as never),
          () => r.addRepresentative(c, { accountId: a, userId: b, initiate: true, approve: true } as never),
          () => r.holdings(c, a as never),
          () => r.setAccountLimit(c, { accountId: a, limit: b } as never),
          () => f.auth.createUser(c, { userId: a, displayName: b, password: "x".repeat(20) } as never),
          () => f.auth.signIn(null, { userId: a, password: b } as never),
          () => r.openAccount(c, { commandId: "fz-open", accountId: "Z-1", type: "trading", holder: a, name: b } as never),
          () => r.reverse(c, { transactionId: "fz-rev", reverses: "seed-a1", reason: a } as never),
          () => r.reject(c, { transactionId: a, reason: b } as never),
          () => r.blockAccount(c, { commandId: "fz-blk", accountId: "A-1", reason: b } as never),
        ];
        const res = await (calls[op] as () => Promise<{ ok: boolean }>)();
        expect(typeof res.ok).toBe("boolean");
        if (op <= 8 || (op >= 10 && op !== 12)) expect(res.ok).toBe(false);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 250), seed: Number(process.env.FUZZ_SEED ?? 20261201) },
    );
    expect(await snapshot(f)).toBe(before);
  }, 120_000);
});
