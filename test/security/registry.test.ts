// Goal: the registry's security rules as flows with a moving clock, on both stores: four-eyes,
// the 26-hour delay outside the trusted list with cancellation inside it and release after it,
// trusted-list activation after the working-day delay, the transaction and holding limits
// (refused with their codes, changing nothing), approval expiry, administrator blocking, and
// reads filtered by role. Every operation leaves an audit row.
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SECURITY_CONFIG, type SecurityConfig } from "../../src/domain/security/config.ts";
import type { Caller } from "../../src/domain/security/roles.ts";
import { type Refusal, type Result, SecureRegistry } from "../../src/registry/secure/index.ts";
import { forEachStore } from "../support/stores.ts";
import { createUsers, type Fixture, seedLedger, setUp } from "./fixture.ts";

const CONFIG: SecurityConfig = {
  ...DEFAULT_SECURITY_CONFIG,
  holdingLimits: { ...DEFAULT_SECURITY_CONFIG.holdingLimits, perHolder: { Beta: 1000n } },
};

const HOUR = 3_600_000;

function must<T>(r: Result<T> | { ok: true; value: T } | Refusal): T {
  if (!r.ok) throw new Error(`refused ${r.code} ${r.check}: ${r.message}`);
  return r.value;
}

const transfer = (id: string, to: string, quantity: number | bigint, from = "A-1", classCode = "EUA-2026") => ({
  transactionId: id, legs: [{ classCode, from, to, quantity: String(quantity) }],
});

forEachStore("security rules", (db) => {
  let f: Fixture;
  let admin: Caller, admin2: Caller, alice: Caller, bob: Caller, carol: Caller, dave: Caller, auditor: Caller;
  const held = async (account: string, cls = "EUA-2026") => (await f.reg.ledger.holdings(account))?.find((h) => h.classCode === cls)?.quantity ?? 0n;
  /** The id of a representative's transaction: derived from the key in the initiator's own scope. */
  const tid = (key: string, user = "alice") => f.reg.ledger.idFor(`user:${user}`, key);

  beforeAll(async () => {
    f = await setUp(db(), CONFIG);
    await createUsers(f, [["admin", ["national-admin"]], ["admin2", ["national-admin"]], ["alice", []], ["bob", []], ["carol", []], ["dave", []], ["auditor", ["authority"]]]);
    await seedLedger(f);
    admin = await f.as("admin");
    for (const [acc, user, initiate, approve] of [["A-1", "alice", true, true], ["A-1", "bob", true, true], ["A-1", "carol", true, false], ["A-2", "alice", true, true], ["B-1", "dave", true, true]] as const) {
      must(await f.reg.addRepresentative(admin, { accountId: acc, userId: user, initiate, approve }));
    }
    [admin2, alice, bob, carol, dave, auditor] = await Promise.all([f.as("admin2"), f.as("alice"), f.as("bob"), f.as("carol"), f.as("dave"), f.as("auditor")]);
  }, 60_000);

  it("four-eyes: the initiator cannot approve; a second representative can, and the transfer executes", async () => {
    // A-2 has the same holder as A-1, so it counts as trusted: no delay, only the approval.
    const t = must(await f.reg.initiate(alice, transfer("fe-1", "A-2", 10)));
    expect(t.status).toBe("awaiting_approval");
    expect(t.approvalExpiresAt).toBe("2026-03-04T09:00:00.000Z");
    expect(await f.reg.approve(alice, { transactionId: tid("fe-1") })).toMatchObject({ ok: false, code: 8004 });
    expect(await f.reg.approve(carol, { transactionId: tid("fe-1") })).toMatchObject({ ok: false, code: 8003 });
    expect(await held("A-2")).toBe(0n);
    const done = must(await f.reg.approve(bob, { transactionId: tid("fe-1") }));
    expect(done.status).toBe("completed");
    expect(done.events.map((e) => [e.status, e.actor])).toEqual([["awaiting_approval", "alice"], ["completed", "bob"]]);
    expect(await held("A-2")).toBe(10n);
  });

  it("only representatives with the initiate right initiate; the public and other holders cannot", async () => {
    expect(await f.reg.initiate(dave, transfer("ri-1", "B-1", 1))).toMatchObject({ ok: false, code: 8002 });
    expect(await f.reg.initiate(f.anon, transfer("ri-2", "B-1", 1))).toMatchObject({ ok: false, code: 8001 });
    expect(await f.reg.initiate(auditor, transfer("ri-3", "B-1", 1))).toMatchObject({ ok: false, code: 8001 });
    expect(await f.reg.initiate(alice, { transactionId: "ri-4", kind: "allocation", legs: [{ classCode: "EUA-2026", from: "NAT", to: "A-1", quantity: "1" }] })).toMatchObject({ ok: false, code: 8015 });
    expect(await f.reg.ledger.getTransaction(tid("ri-1", "dave"))).toBeUndefined();
    const readOnly = await f.as("alice", ["read"]);
    expect(await f.reg.initiate(readOnly, transfer("ri-5", "A-2", 1))).toMatchObject({ ok: false, code: 8016 });
  });

  it("26-hour delay outside the trusted list: cancellable by the initiator inside it, released after it", async () => {
    const t0 = f.clock.now().getTime();
    const t = must(await f.reg.initiate(alice, transfer("dl-1", "C-1", 100)));
    expect(t.delayUntil).toBe(new Date(t0 + 26 * HOUR).toISOString());
    expect(must(await f.reg.approve(bob, { transactionId: tid("dl-1") })).status).toBe("delayed");
    must(await f.reg.initiate(alice, transfer("dl-2", "C-1", 50)));
    must(await f.reg.approve(bob, { transactionId: tid("dl-2") }));
    // Bob approved but did not initiate: he may not cancel; Alice (initiator) may.
    expect(await f.reg.cancel(bob, { transactionId: tid("dl-2") })).toMatchObject({ ok: false, code: 8005 });
    f.clock.advance(25 * HOUR);
    expect(must(await f.reg.cancel(alice, { transactionId: tid("dl-2"), reason: "wrong account" })).status).toBe("cancelled");
    expect(must(await f.reg.releaseDue(f.system))).toEqual([]);
    expect(await held("C-1")).toBe(0n);
    f.clock.advance(HOUR);
    const rel = must(await f.reg.releaseDue(f.system));
    expect(rel.map((r) => [r.transactionId, r.result.ok && r.result.value.status])).toEqual([[tid("dl-1"), "completed"]]);
    expect(await held("C-1")).toBe(100n);
    // Too late to cancel a completed transaction.
    expect(await f.reg.cancel(alice, { transactionId: tid("dl-1") })).toMatchObject({ ok: false, code: 6002 });
  });

  it("an administrator can cancel inside the delay", async () => {
    must(await f.reg.initiate(alice, transfer("dl-3", "C-1", 7)));
    must(await f.reg.approve(bob, { transactionId: tid("dl-3") }));
    expect(must(await f.reg.cancel(admin, { transactionId: tid("dl-3") })).status).toBe("cancelled");
  });

  it("trusted list: an addition on Friday takes effect at 12:00 CET the next Thursday; before that transfers are delayed", async () => {
    f.clock.set("2026-03-06T10:00:00Z"); // Friday 11:00 in Brussels
    const e = must(await f.reg.addTrusted(alice, { accountId: "A-1", trustedAccountId: "C-1" }));
    expect(e).toMatchObject({ activeFrom: "2026-03-12T11:00:00.000Z", active: false, status: "awaiting_approval" });
    const entry = { accountId: "A-1", trustedAccountId: "C-1", entryId: e.entryId };
    // EU Art. 23: a second representative approves the addition; not the proposer, not someone without the approve right.
    expect(await f.reg.approveTrusted(alice, entry)).toMatchObject({ ok: false, code: 8004 });
    expect(await f.reg.approveTrusted(carol, entry)).toMatchObject({ ok: false, code: 8003 });
    // An approval names the entry it approves: another id is refused and approves nothing.
    expect(await f.reg.approveTrusted(bob, { ...entry, entryId: String(Number(e.entryId) + 1000) })).toMatchObject({ ok: false, code: 8024 });
    f.clock.advance(HOUR);
    expect(must(await f.reg.approveTrusted(bob, entry))).toMatchObject({ status: "pending", approvedBy: "bob", activeFrom: "2026-03-12T11:00:00.000Z" });
    expect(await f.reg.approveTrusted(bob, entry)).toMatchObject({ ok: false, code: 8021 });
    expect(await f.reg.addTrusted(alice, { accountId: "A-1", trustedAccountId: "C-1" })).toMatchObject({ ok: false, code: 8010 });
    expect(await f.reg.addTrusted(alice, { accountId: "A-1", trustedAccountId: "A-1" })).toMatchObject({ ok: false, code: 8012 });
    expect(await f.reg.addTrusted(dave, { accountId: "A-1", trustedAccountId: "B-1" })).toMatchObject({ ok: false, code: 8002 });
    must(await f.reg.addTrusted(alice, { accountId: "A-1", trustedAccountId: "B-1" })); // never approved
    f.clock.set("2026-03-12T10:59:59Z"); // Thursday 11:59:59 CET
    expect(must(await f.reg.initiate(alice, transfer("tl-1", "C-1", 1))).delayUntil).not.toBeNull();
    f.clock.set("2026-03-12T11:00:00Z");
    expect(must(await f.reg.listTrusted(alice, "A-1")).find((e) => e.trustedAccountId === "C-1")?.active).toBe(true);
    expect(must(await f.reg.listTrusted(alice, "A-1")).find((e) => e.trustedAccountId === "B-1")).toMatchObject({ status: "awaiting_approval", active: false });
    expect(must(await f.reg.initiate(alice, transfer("tl-b", "B-1", 1))).delayUntil).not.toBeNull();
    must(await f.reg.cancel(alice, { transactionId: tid("tl-b") }));
    must(await f.reg.removeTrusted(alice, { accountId: "A-1", trustedAccountId: "B-1" }));
    const t = must(await f.reg.initiate(alice, transfer("tl-2", "C-1", 2)));
    expect(t.delayUntil).toBeNull();
    expect(must(await f.reg.approve(bob, { transactionId: tid("tl-2") })).status).toBe("completed");
    // Above the outside-list limit is fine to a trusted account.
    must(await f.reg.initiate(alice, transfer("tl-3", "C-1", 2_000_001)));
    expect(must(await f.reg.approve(bob, { transactionId: tid("tl-3") })).status).toBe("completed");
    // Removal is immediate: the next transfer to C-1 is delayed again.
    must(await f.reg.removeTrusted(alice, { accountId: "A-1", trustedAccountId: "C-1" }));
    expect(must(await f.reg.initiate(alice, transfer("tl-4", "C-1", 1))).delayUntil).not.toBeNull();
    expect(await f.reg.removeTrusted(alice, { accountId: "A-1", trustedAccountId: "C-1" })).toMatchObject({ ok: false, code: 8011 });
  });

  it("the per-transaction limit outside the trusted list refuses with 8006 and changes nothing", async () => {
    const before = await held("A-1");
    const r = await f.reg.initiate(alice, { transactionId: "lim-1", legs: [{ classCode: "EUA-2026", from: "A-1", to: "C-1", quantity: "1500000" }, { classCode: "EUA-2026", from: "A-1", to: "B-1", quantity: "500001" }] });
    expect(r).toMatchObject({ ok: false, code: 8006, facts: { quantity: "2000001", limit: "2000000" } });
    expect(await f.reg.ledger.getTransaction(tid("lim-1"))).toBeUndefined();
    expect(await held("A-1")).toBe(before);
  });

  it("an account's own limit: tightening applies at once, raising needs a second person; the lowest limit applies", async () => {
    expect(must(await f.reg.setAccountLimit(alice, { accountId: "A-1", limit: "100" }))).toEqual({ accountId: "A-1", limit: 100n, pending: null, version: 1 });
    expect(await f.reg.initiate(alice, transfer("al-1", "C-1", 101))).toMatchObject({ ok: false, code: 8006, facts: { level: "account", limit: "100" } });
    expect(await f.reg.ledger.getTransaction(tid("al-1"))).toBeUndefined();
    must(await f.reg.initiate(alice, transfer("al-2", "C-1", 100)));
    must(await f.reg.cancel(alice, { transactionId: tid("al-2") }));
    // Same-holder and trusted destinations are not limited.
    must(await f.reg.initiate(alice, transfer("al-3", "A-2", 500)));
    must(await f.reg.cancel(alice, { transactionId: tid("al-3") }));
    expect(must(await f.reg.setAccountLimit(alice, { accountId: "A-1", limit: 1000 }))).toMatchObject({ limit: 100n, pending: { limit: 1000n, proposedBy: "alice", version: 2 } });
    expect(await f.reg.approveAccountLimit(alice, { accountId: "A-1", version: 2 })).toMatchObject({ ok: false, code: 8004 });
    expect(await f.reg.approveAccountLimit(carol, { accountId: "A-1", version: 2 })).toMatchObject({ ok: false, code: 8003 });
    expect(await f.reg.initiate(alice, transfer("al-4", "C-1", 101))).toMatchObject({ ok: false, code: 8006 });
    // Bob looked at the raise to 1,000 (version 2); meanwhile Alice proposes 900,000 (version 3): his approval of version 2 approves nothing.
    must(await f.reg.setAccountLimit(alice, { accountId: "A-1", limit: 900_000 }));
    expect(await f.reg.approveAccountLimit(bob, { accountId: "A-1", version: 2 })).toMatchObject({ ok: false, code: 8024 });
    expect(must(await f.reg.getAccountLimit(bob, "A-1"))).toMatchObject({ limit: 100n, pending: { limit: 900_000n, version: 3 } });
    must(await f.reg.setAccountLimit(alice, { accountId: "A-1", limit: 1000 }));
    expect(must(await f.reg.approveAccountLimit(bob, { accountId: "A-1", version: 4 }))).toEqual({ accountId: "A-1", limit: 1000n, pending: null, version: 5 });
    expect(await f.reg.approveAccountLimit(bob, { accountId: "A-1", version: 5 })).toMatchObject({ ok: false, code: 8023 });
    expect(await f.reg.getAccountLimit(dave, "A-1")).toMatchObject({ ok: false, code: 8014 });
    expect(await f.reg.setAccountLimit(dave, { accountId: "A-1", limit: 1 })).toMatchObject({ ok: false, code: 8002 });
    expect(await f.reg.setAccountLimit(alice, { accountId: "A-1", limit: "-1" })).toMatchObject({ ok: false, code: 8020 });
    const removal = must(await f.reg.setAccountLimit(alice, { accountId: "A-1", limit: null }));
    expect(must(await f.reg.approveAccountLimit(admin, { accountId: "A-1", version: removal.pending?.version ?? 0 })).limit).toBeNull();
  });

  it("holding limits refuse with 8007 at initiation and again at release, changing nothing", async () => {
    expect(await f.reg.initiate(alice, transfer("hl-1", "B-1", 1001))).toMatchObject({ ok: false, code: 8007, facts: { holder: "Beta", limit: "1000" } });
    expect(await f.reg.ledger.getTransaction(tid("hl-1"))).toBeUndefined();
    // Non-allowance units do not count toward the limit.
    must(await f.reg.ledger.propose({ transactionId: "hl-ver", kind: "correction", legs: [{ classCode: "VER-1", from: "NAT", to: "A-1", quantity: "5000" }] }));
    must(await f.reg.initiate(alice, transfer("hl-v", "B-1", 5000, "A-1", "VER-1")));
    // Two transfers that each fit but not together: the second is stopped at release.
    must(await f.reg.initiate(alice, transfer("hl-2", "B-1", 600)));
    must(await f.reg.initiate(alice, transfer("hl-3", "B-1", 600)));
    for (const id of ["hl-v", "hl-2", "hl-3"]) must(await f.reg.approve(bob, { transactionId: tid(id) }));
    f.clock.advance(26 * HOUR);
    const rel = must(await f.reg.releaseDue(f.system));
    const byId = Object.fromEntries(rel.map((r) => [r.transactionId, r.result.ok ? r.result.value.status : r.result.code]));
    expect(byId).toMatchObject({ [tid("hl-2")]: "completed", [tid("hl-3")]: 8007, [tid("hl-v")]: "completed" });
    expect(await held("B-1")).toBe(600n);
    // Refused under the ledger's locks at release, and recorded as rejected with the check's code.
    const hl3 = await f.reg.ledger.getTransaction(tid("hl-3"));
    expect(hl3?.status).toBe("rejected");
    expect(hl3?.events.at(-1)?.detail).toMatchObject({ code: 8007 });
    const lim = must(await f.reg.holderLimit(dave, "Beta"));
    expect(lim).toEqual({ holder: "Beta", held: 600n, limit: 1000n });
    expect(await f.reg.holderLimit(alice, "Beta")).toMatchObject({ ok: false, code: 8014 });
  });

  it("approval expiry: after 48 hours the transaction ends and cannot be approved", async () => {
    must(await f.reg.initiate(alice, transfer("ex-1", "A-2", 1)));
    must(await f.reg.initiate(alice, transfer("ex-2", "A-2", 1)));
    f.clock.advance(47 * HOUR);
    expect(must(await f.reg.getTransaction(bob, tid("ex-1"))).status).toBe("awaiting_approval");
    f.clock.advance(HOUR);
    const r = await f.reg.approve(bob, { transactionId: tid("ex-1") });
    expect(r).toMatchObject({ ok: false, code: 8009 });
    expect(must(await f.reg.getTransaction(bob, tid("ex-1")))).toMatchObject({ status: "rejected", securityStatus: "expired", approvalExpiresAt: null });
    const swept = await f.reg.releaseDue(f.system);
    expect(swept.ok).toBe(true);
    expect(must(await f.reg.getTransaction(bob, tid("ex-2"))).securityStatus).toBe("expired");
  });

  it("an administrator blocks and unblocks an account; a blocked account cannot send", async () => {
    expect(await f.reg.blockAccount(alice, { commandId: "blk-0", accountId: "A-1" })).toMatchObject({ ok: false, code: 8001 });
    expect(must(await f.reg.blockAccount(admin, { commandId: "blk-1", accountId: "A-1", reason: "suspected compromise" })).status).toBe("blocked");
    expect(await f.reg.initiate(alice, transfer("blk-t", "A-2", 1))).toMatchObject({ ok: false, code: 1002 });
    expect(must(await f.reg.unblockAccount(admin, { commandId: "blk-2", accountId: "A-1" })).status).toBe("open");
  });

  it("administrative kinds: one administrator initiates, another approves", async () => {
    const t = must(await f.reg.initiate(admin, { transactionId: "adm-1", kind: "issuance", legs: [{ classCode: "EUA-2026", to: "NAT", quantity: "1000" }] }));
    expect(t.status).toBe("awaiting_approval");
    expect(await f.reg.approve(admin, { transactionId: "adm-1" })).toMatchObject({ ok: false, code: 8004 });
    // Alice represents no government account: the transaction is not even visible to her.
    expect(await f.reg.approve(alice, { transactionId: "adm-1" })).toMatchObject({ ok: false, code: 6001 });
    expect(await f.reg.approve(await f.as("auditor"), { transactionId: "adm-1" })).toMatchObject({ ok: false, code: 8003 });
    expect(must(await f.reg.approve(admin2, { transactionId: "adm-1" })).status).toBe("completed");
  });

  it("a representative's holdings: the administrator's view of the account; refused alike for an account not represented, one unknown, and one whose representative was removed", async () => {
    expect(must(await f.reg.holdings(alice, "A-1"))).toEqual(must(await f.reg.holdings(admin, "A-1")));
    const notRepresented = await f.reg.holdings(alice, "B-1");
    const unknown = await f.reg.holdings(alice, "NO-SUCH-ACCOUNT");
    expect(notRepresented).toMatchObject({ ok: false, code: 8014 });
    expect(unknown).toMatchObject({ ok: false, code: 8014 });
    expect(must(await f.reg.holdings(dave, "B-1"))).toEqual(must(await f.reg.holdings(admin, "B-1")));
    must(await f.reg.removeRepresentative(admin, { accountId: "B-1", userId: "dave" }));
    expect(await f.reg.holdings(dave, "B-1")).toMatchObject({ ok: false, code: 8014 });
    must(await f.reg.addRepresentative(admin, { accountId: "B-1", userId: "dave", initiate: true, approve: true }));
    expect(must(await f.reg.holdings(dave, "B-1"))).toEqual(must(await f.reg.holdings(admin, "B-1")));
  });

  it("reads are filtered by role", async () => {
    expect(must(await f.reg.holdings(alice, "A-1")).length).toBeGreaterThan(0);
    expect(must(await f.reg.holdings(auditor, "A-1")).length).toBeGreaterThan(0);
    expect(await f.reg.holdings(dave, "A-1")).toMatchObject({ ok: false, code: 8014 });
    expect(await f.reg.holdings(f.anon, "A-1")).toMatchObject({ ok: false, code: 8014 });
    expect(await f.reg.getTransaction(dave, tid("fe-1"))).toMatchObject({ ok: false, code: 6001 });
    expect(must(await f.reg.getTransaction(auditor, tid("fe-1")))).toMatchObject({ id: tid("fe-1"), key: "fe-1" });
    expect(must(await f.reg.listAccounts(f.anon)).items.map((a) => a.id)).toContain("A-1");
    const daveTx = must(await f.reg.listTransactions(dave)).items.map((t) => t.id);
    expect(daveTx).toContain(tid("hl-2"));
    expect(daveTx).not.toContain(tid("fe-1"));
    expect(await f.reg.listTransactions(f.anon, { kind: "transfer" })).toMatchObject({ ok: false, code: 8001 });
    expect(must(await f.reg.listTransactions(f.anon)).items).toEqual([]);
    expect(await f.reg.listRepresentatives(dave, "A-1")).toMatchObject({ ok: false, code: 8014 });
    expect(must(await f.reg.listRepresentatives(alice, "A-1")).map((r) => r.userId)).toEqual(["alice", "bob", "carol"]);
  });

  it("replaying a transaction id returns the first result; different content is refused", async () => {
    const first = must(await f.reg.initiate(alice, transfer("rp-1", "A-2", 3)));
    f.clock.advance(HOUR);
    const again = await f.reg.initiate(alice, transfer("rp-1", "A-2", 3));
    expect(again).toMatchObject({ ok: true, replayed: true, value: { id: first.id, key: "rp-1", createdAt: first.createdAt } });
    expect(await f.reg.initiate(alice, transfer("rp-1", "A-2", 4))).toMatchObject({ ok: false, code: 5002 });
  });

  it("transaction keys are the caller's own: another holder's key is neither revealed nor taken (issue 16, item 4)", async () => {
    // Dave (another holder) uses Alice's key "fe-1": a new transaction of his own, not a conflict that tells him hers exists.
    const mine = must(await f.reg.initiate(dave, transfer("fe-1", "C-1", 1, "B-1")));
    expect(mine.id).not.toBe(tid("fe-1"));
    expect(mine).toMatchObject({ key: "fe-1", initiator: "dave" });
    // Alice's transaction under that key is untouched, and to Dave it looks exactly like an id that does not exist.
    expect(must(await f.reg.getTransaction(alice, tid("fe-1")))).toMatchObject({ key: "fe-1", initiator: "alice", status: "completed" });
    const unknown = await f.reg.getTransaction(dave, "TX-AAAAAAAAAAAAAAAAAAAA");
    const hers = await f.reg.getTransaction(dave, tid("fe-1"));
    expect(hers.ok).toBe(false);
    expect(unknown.ok).toBe(false);
    if (!hers.ok && !unknown.ok) expect([hers.code, hers.check]).toEqual([unknown.code, unknown.check]);
    must(await f.reg.cancel(dave, { transactionId: mine.id }));
  });

  it("awaiting-my-approval lists what the caller may approve, never their own", async () => {
    must(await f.reg.initiate(alice, transfer("aw-1", "A-2", 1)));
    const forBob = must(await f.reg.listAwaitingMyApproval(bob)).items.map((t) => t.id);
    expect(forBob).toContain(tid("aw-1"));
    expect(must(await f.reg.listAwaitingMyApproval(alice)).items.map((t) => t.id)).not.toContain(tid("aw-1"));
    expect(must(await f.reg.listAwaitingMyApproval(carol)).items.map((t) => t.id)).not.toContain(tid("aw-1"));
  });

  it("concurrent approvals by two representatives complete the transfer once", async () => {
    const before = await held("A-2");
    must(await f.reg.initiate(carol, transfer("cc-1", "A-2", 5)));
    const [a, b] = await Promise.all([f.reg.approve(alice, { transactionId: tid("cc-1", "carol") }), f.reg.approve(bob, { transactionId: tid("cc-1", "carol") })]);
    const oks = [a, b].filter((r) => r.ok);
    expect(oks).toHaveLength(1);
    expect([a, b].find((r) => !r.ok)).toMatchObject({ code: 6002 });
    expect(await held("A-2")).toBe(before + 5n);
    // The same transaction id initiated twice at once: one transaction, the other call replays it.
    const [x, y] = await Promise.all([f.reg.initiate(alice, transfer("cc-2", "A-2", 1)), f.reg.initiate(alice, transfer("cc-2", "A-2", 1))]);
    expect([x.ok, y.ok]).toEqual([true, true]);
    expect(must(await f.reg.getTransaction(auditor, tid("cc-2"))).events).toHaveLength(1);
  });

  it("concurrent transfers that each fit a holding limit but not together: one completes, the other is refused", async () => {
    // Four-eyes and delay off so that initiation completes at once.
    const before = await held("B-1");
    const limits = { ...CONFIG.holdingLimits, perHolder: { Beta: before + 400n } };
    const cfg: SecurityConfig = { ...CONFIG, fourEyes: false, transferDelayHours: 0, holdingLimits: limits };
    const reg = await SecureRegistry.open(db(), f.clock, cfg, { audit: f.audit });
    const rs = await Promise.all([reg.initiate(alice, transfer("hc-1", "B-1", 300)), reg.initiate(alice, transfer("hc-2", "B-1", 300))]);
    expect(rs.filter((r) => r.ok)).toHaveLength(1);
    expect(rs.find((r) => !r.ok)).toMatchObject({ code: 8007 });
    expect(await held("B-1")).toBe(before + 300n);
  });

  it("bad input is refused with a code, never thrown", async () => {
    const odd: unknown[] = [null, 42, "x", [], { transactionId: 5 }, { transactionId: "ok-id", legs: "no" }, { transactionId: "ok-id", legs: [{ classCode: "EUA-2026", from: "A-1", to: "A-2", quantity: "-5" }] }, { transactionId: "ünïcode", legs: [] }];
    for (const input of odd) {
      const r = await f.reg.initiate(alice, input as never);
      expect(r.ok).toBe(false);
    }
    for (const id of [null, 7, "", "x".repeat(1000)]) {
      expect((await f.reg.approve(bob, { transactionId: id } as never)).ok).toBe(false);
      expect((await f.reg.holdings(alice, id as never)).ok).toBe(false);
    }
    expect((await f.reg.addTrusted(alice, { accountId: "A-1" } as never)).ok).toBe(false);
    expect((await f.reg.addRepresentative(admin, { accountId: "A-1", userId: "nobody", initiate: true, approve: true })).ok).toBe(false);
  });

  it("graded states need the administrator's reason, shown with the account; closure waits for pending trusted-list changes (8025)", async () => {
    must(await f.reg.openAccount(admin, { commandId: "open-E-1", accountId: "E-1", type: "trading", holder: "Epsilon", name: "E-1" }));
    expect(await f.reg.setAccountState(admin, { commandId: "st-e1", accountId: "E-1", status: "restricted" })).toMatchObject({ ok: false, code: 7007 });
    expect(await f.reg.setAccountState(alice, { commandId: "st-e1", accountId: "E-1", status: "restricted", reason: "r" })).toMatchObject({ ok: false, code: 8001 });
    expect(must(await f.reg.setAccountState(admin, { commandId: "st-e1", accountId: "E-1", status: "restricted", reason: "unpaid fees" }))).toMatchObject({ status: "restricted", statusReason: "unpaid fees" });
    must(await f.reg.setAccountState(admin, { commandId: "st-e2", accountId: "E-1", status: "open" }));
    must(await f.reg.addRepresentative(admin, { accountId: "E-1", userId: "dave", initiate: true, approve: true }));
    must(await f.reg.addTrusted(dave, { accountId: "E-1", trustedAccountId: "C-1" }));
    expect(await f.reg.closeAccount(admin, { commandId: "close-e1", accountId: "E-1" })).toMatchObject({ ok: false, code: 8025 });
    expect((await f.reg.ledger.getAccount("E-1"))?.status).toBe("open");
    must(await f.reg.openAccount(admin, { commandId: "open-E-2", accountId: "E-2", type: "trading", holder: "Epsilon", name: "E-2" }));
    expect(must(await f.reg.closeAccount(admin, { commandId: "close-e2", accountId: "E-2" })).status).toBe("closed");
  });

  it("an operator account transacts only once it has a representative who may initiate and one who may approve (8026)", async () => {
    must(await f.reg.openAccount(admin, { commandId: "open-O-1", accountId: "O-1", type: "operator_holding", holder: "Omega", name: "O-1", installation: "INS-O1" }));
    must(await f.reg.ledger.propose({ transactionId: "seed-o1", kind: "correction", legs: [{ classCode: "EUA-2026", from: "NAT", to: "O-1", quantity: "100" }] }));
    must(await f.reg.addRepresentative(admin, { accountId: "O-1", userId: "carol", initiate: true, approve: false }));
    expect(await f.reg.initiate(carol, transfer("o1-a", "A-1", 5, "O-1"))).toMatchObject({ ok: false, code: 8026, facts: { accountId: "O-1", initiators: 1, approvers: 0 } });
    must(await f.reg.addRepresentative(admin, { accountId: "O-1", userId: "dave", initiate: false, approve: true }));
    expect(must(await f.reg.initiate(carol, transfer("o1-b", "A-1", 5, "O-1"))).status).toBe("awaiting_approval");
  });

  it("every state change and refusal is in the audit log with who, where and the code", async () => {
    const page = must(await f.audit.query(auditor, { action: "transaction.approve", outcome: "refused", limit: 500 }));
    const codes = page.rows.map((r) => r.code);
    expect(codes).toContain(8004);
    expect(codes).toContain(8009);
    const own = page.rows.find((r) => r.code === 8004 && r.target === tid("fe-1"));
    expect(own).toMatchObject({ actor: "alice", ip: "198.51.100.7", via: "session" });
    const tl = must(await f.audit.query(admin, { action: "trusted.", limit: 10 }));
    expect(tl.rows.map((r) => r.action)).toContain("trusted.add");
    expect(await f.audit.query(alice, {})).toMatchObject({ ok: false, code: 8001 });
  });
});
