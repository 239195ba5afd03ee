// Goal: auctions as records in the registry and settled through its one write path, on both
// stores. An RGGI auction of 2025 (the preset's reserve price USD 2.62, 25% bidder limit, lots of
// 1,000, guarantees, the emissions containment reserve withholding below USD 7.86) from the
// calendar to settlement: bids refused by rule with their code and nothing recorded; bids sealed
// (a bidder reads only its own, nobody all before the close); the clearing recorded; settlement in
// ONE batch whose payment records match the awards exactly, all or nothing (a failing delivery
// leaves no delivery and no payment), idempotent (a second settle changes nothing); conservation
// (sold + unsold + withheld = offered); no auction delivery outside a settlement; settled
// deliveries final; the cost containment reserve released above its trigger, settlement waiting
// for the second administrator's approval of the release; the ECR's withheld allowances sent to
// its account by a four-eyes transaction; an undersubscribed auction settled at the reserve price;
// and two settlements of one auction at once settling it once.
import { beforeAll, expect, it } from "vitest";
import type { Caller } from "../../src/domain/security/roles.ts";
import { rulebookValue } from "../../src/io/rulebook.ts";
import { AuctionService, settlementBatchId } from "../../src/registry/auction/index.ts";
import { SecureRegistry } from "../../src/registry/secure/index.ts";
import { recordRulebook } from "../../src/registry/settings.ts";
import { createUsers, type Fixture, setUp } from "../security/fixture.ts";
import { forEachStore } from "../support/stores.ts";

function must<T>(r: { ok: true; value: T } | { ok: false; code: number; check: string; message: string }): T {
  if (!r.ok) throw new Error(`refused ${r.code} ${r.check}: ${r.message}`);
  return r.value;
}

const CLS = "RGA-2025";
const BIDDERS = ["A", "B", "C", "D", "E"] as const;

forEachStore("auctions in the registry", (db) => {
  let f: Fixture;
  let svc: AuctionService;
  let admin: Caller, admin2: Caller, alice: Caller, bob: Caller, auditor: Caller;
  const held = async (account: string) => (await f.reg.ledger.holdings(account))?.find((h) => h.classCode === CLS)?.quantity ?? 0n;
  const count = async (table: string) => Number((await db().query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`)).rows[0]?.n);

  beforeAll(async () => {
    f = await setUp(db(), undefined, "2025-03-02T09:00:00Z");
    await recordRulebook(db(), "rggi", rulebookValue("rggi"), "2025-03-01T00:00:00Z");
    await createUsers(f, [["admin", ["national-admin"]], ["admin2", ["national-admin"]], ["alice", []], ["bob", []], ["auditor", ["authority"]]]);
    admin = await f.as("admin");
    must(await f.reg.defineClass(admin, { commandId: "c-rga", code: CLS, unitType: "allowance", scheme: "RGGI", vintage: 2025 }));
    const accounts: Array<[string, string, string]> = [["NAT", "national_issuance", "RGGI"], ["AUC", "auction", "RGGI"], ["CCR", "cost_containment_reserve", "RGGI"], ["ECR", "cost_containment_reserve", "RGGI"]];
    for (const b of BIDDERS) accounts.push([`${b}-1`, "trading", `Holder ${b}`]);
    for (const [id, type, holder] of accounts) must(await f.reg.openAccount(admin, { commandId: `open-${id}`, accountId: id, type, holder, name: `${holder} ${id}` }));
    // Setup bypasses the policy (ledger directly): the year's auction volume into the auction account.
    must(await f.reg.ledger.propose({ transactionId: "seed-issue", kind: "issuance", legs: [{ classCode: CLS, to: "NAT", quantity: 200_000n }] }));
    must(await f.reg.ledger.propose({ transactionId: "seed-auc", kind: "internal_transfer", legs: [{ classCode: CLS, from: "NAT", to: "AUC", quantity: 80_000n }] }));
    must(await f.reg.addRepresentative(admin, { accountId: "A-1", userId: "alice", initiate: true, approve: true }));
    must(await f.reg.addRepresentative(admin, { accountId: "B-1", userId: "bob", initiate: true, approve: true }));
    [admin2, alice, bob, auditor] = await Promise.all([f.as("admin2"), f.as("alice"), f.as("bob"), f.as("auditor")]);
    svc = new AuctionService(f.reg);
  }, 60_000);

  it("writes the year's calendar once, in whole lots, from the given volume", async () => {
    const cal = must(await svc.writeCalendar(admin, { commandId: "cal-2025", year: 2025, volume: "80000" }));
    expect(cal.map((e) => e.volume)).toEqual([20_000n, 20_000n, 20_000n, 20_000n]);
    expect(await svc.writeCalendar(admin, { commandId: "cal-2025", year: 2025, volume: "80000" })).toMatchObject({ ok: true, replayed: true });
    expect(await svc.writeCalendar(admin, { commandId: "cal-2025", year: 2025, volume: "40000" })).toMatchObject({ ok: false, code: 11003 });
    expect(await svc.writeCalendar(admin, { commandId: "cal-2025b", year: 2025, volume: "40000" })).toMatchObject({ ok: false, code: 11104 });
    expect(await svc.writeCalendar(admin, { commandId: "cal-2026c", year: 2026 })).toMatchObject({ ok: false, code: 11101 });
    expect(await svc.writeCalendar(alice, { commandId: "cal-2026", year: 2026, volume: "40000" })).toMatchObject({ ok: false, code: 8001 });
    expect(await svc.calendar(2026)).toEqual([]);
  });

  it("creates an auction with its year's rules, refusing bad accounts and a taken entry with nothing recorded", async () => {
    const base = { year: 2025, number: 1, classCode: CLS, auctionAccount: "AUC", reserveAccounts: { ccr: "CCR", ecr: "ECR" } };
    expect(await svc.create(admin, { ...base, commandId: "cr-0", auctionId: "R25-1", auctionAccount: "A-1" })).toMatchObject({ ok: false, code: 11005, facts: { field: "auctionAccount" } });
    expect(await svc.create(admin, { ...base, commandId: "cr-0", auctionId: "R25-1", number: 9 })).toMatchObject({ ok: false, code: 11105 });
    expect(await count("auctions")).toBe(0);
    const a = must(await svc.create(admin, { ...base, commandId: "cr-1", auctionId: "R25-1" }));

    expect(a).toMatchObject({ status: "open", offered: 20_000n, rules: { reservePrice: "2.62", lotSize: 1000n, maxBidderShare: "25/100" } });
    expect(await svc.create(admin, { ...base, commandId: "cr-2", auctionId: "R25-1b" })).toMatchObject({ ok: false, code: 11106 });
    for (const b of BIDDERS) must(await svc.admit(admin, "R25-1", { commandId: `ad-1-${b}`, bidder: b, accountId: `${b}-1`, guarantee: "100000.00" }));
    expect(await svc.admit(admin, "R25-1", { commandId: "ad-1-X", bidder: "X", accountId: "A-1", guarantee: "1.00" })).toMatchObject({ ok: false, code: 11201 });
  });

  it("takes sealed bids and refuses bad ones by rule, with nothing recorded", async () => {
    const bid = (c: Caller, key: string, bidder: string, quantity: string, price: string | null) => svc.bid(c, "R25-1", { commandId: key, bidder, quantity, price });
    must(await bid(alice, "b1", "A", "5000", "10.00"));
    must(await bid(bob, "b2", "B", "5000", "9.50"));
    must(await bid(admin, "b3", "C", "5000", "9.00"));
    must(await bid(admin, "b4", "D", "3000", "8.50"));
    must(await bid(admin, "b5", "E", "3000", "8.50"));
    expect(await bid(alice, "b1", "A", "5000", "10.00")).toMatchObject({ ok: true, replayed: true });
    expect(await bid(alice, "b1", "A", "4000", "10.00")).toMatchObject({ ok: false, code: 11003 });
    expect(await bid(alice, "x1", "A", "1000", "10.00")).toMatchObject({ ok: false, code: 11308 }); // over 25% of 20,000
    expect(await bid(bob, "x2", "A", "1000", "10.00")).toMatchObject({ ok: false, code: 8002 }); // bob is not A's representative
    expect(await bid(admin, "x3", "E", "500", "10.00")).toMatchObject({ ok: false, code: 11302 }); // not whole lots
    expect(await bid(admin, "x4", "E", "-1000", "10.00")).toMatchObject({ ok: false, code: 11001, facts: { field: "quantity" } });
    expect(await bid(admin, "x5", "E", "1000", "10.001")).toMatchObject({ ok: false, code: 11001, facts: { field: "price" } });
    expect(await bid(admin, "x6", "E", "1000", null)).toMatchObject({ ok: false, code: 11304 }); // RGGI takes no non-competitive bids
    expect(await bid(admin, "x7", "Z", "1000", "10.00")).toMatchObject({ ok: false, code: 11202 });
    expect(await count("auction_bids")).toBe(5);
    // sealed: a bidder sees its own bids only; nobody sees them all before the close
    expect(must(await svc.bids(alice, "R25-1")).map((b) => b.bidder)).toEqual(["A"]);
    expect(must(await svc.bids(bob, "R25-1")).map((b) => b.bidder)).toEqual(["B"]);
    expect(must(await svc.bids(f.anon, "R25-1"))).toEqual([]);
    expect(await svc.bids(admin, "R25-1")).toMatchObject({ ok: false, code: 11312 });
    expect(await svc.bids(auditor, "R25-1")).toMatchObject({ ok: false, code: 11312 });
    expect(await svc.results(f.anon, "R25-1")).toMatchObject({ ok: false, code: 11402 });
  });

  it("closes and clears once; results are public, awards go to each bidder for itself", async () => {
    expect(await svc.close(alice, "R25-1", { commandId: "close-1", seed: "s" })).toMatchObject({ ok: false, code: 8001 });
    const closed = must(await svc.close(admin, "R25-1", { commandId: "close-1", seed: "seed-1" }));
    expect(closed.status).toBe("cleared");
    expect(await svc.bid(admin, "R25-1", { commandId: "late", bidder: "E", quantity: "1000", price: "20.00" })).toMatchObject({ ok: false, code: 11401 });
    const pub = must(await svc.results(f.anon, "R25-1"));
    expect(pub).toMatchObject({ status: "cleared", clearingPrice: "8.50", offered: "20000", sold: "20000", unsold: "0", withheld: "0", proceeds: "170000.00", bidders: 5, winners: 5, awards: [], detail: null });
    expect(must(await svc.results(alice, "R25-1")).awards).toEqual([{ bidder: "A", accountId: "A-1", quantity: 5000n, nonCompetitive: 0n, payment: "42500.00" }]);
    // D and E tie at the clearing price for the last 5,000: in the seeded order, one filled, the other partly
    const all = must(await svc.results(auditor, "R25-1")).awards;
    expect(all.map((w) => w.bidder)).toEqual(["A", "B", "C", "D", "E"]);
    expect(all.filter((w) => w.bidder === "D" || w.bidder === "E").map((w) => w.quantity).sort()).toEqual([2000n, 3000n]);
    // after the close the administrators see every bid; a bidder still only its own
    expect(must(await svc.bids(admin, "R25-1"))).toHaveLength(5);
    expect(must(await svc.bids(bob, "R25-1")).map((b) => b.bidder)).toEqual(["B"]);
  });

  it("settles all or nothing: a delivery that fails leaves no delivery and no payment", async () => {
    // take the auction account below the awards: the last delivery cannot be made
    must(await f.reg.ledger.propose({ transactionId: "drain", kind: "internal_transfer", legs: [{ classCode: CLS, from: "AUC", to: "NAT", quantity: 75_000n }] }));
    const r = await svc.settle(admin, "R25-1", { commandId: "settle-1" });
    expect(r.ok).toBe(false);
    for (const b of BIDDERS) expect(await held(`${b}-1`)).toBe(0n);
    expect(await held("AUC")).toBe(5_000n);
    expect(await count("auction_payments")).toBe(0);
    expect(must(await svc.get(admin, "R25-1")).status).toBe("cleared");
    must(await f.reg.ledger.propose({ transactionId: "refill", kind: "internal_transfer", legs: [{ classCode: CLS, from: "NAT", to: "AUC", quantity: 75_000n }] }));
  });

  it("refuses an auction delivery that is not an auction's settlement, changing nothing", async () => {
    const transfers = [{ classCode: CLS, from: "AUC", to: "A-1", quantity: "2500" }];
    expect(await f.reg.batch(admin, { batchId: "not-a-settlement", kind: "auction_delivery", transfers })).toMatchObject({ ok: false, code: 11501 });
    expect(await f.reg.batch(admin, { batchId: settlementBatchId("R25-1"), kind: "auction_delivery", transfers })).toMatchObject({ ok: false, code: 11502 });
    const wrong = BIDDERS.map((b) => ({ classCode: CLS, from: "AUC", to: `${b}-1`, quantity: b === "D" || b === "E" ? "2500" : "5000" }));
    expect(await f.reg.batch(admin, { batchId: settlementBatchId("R25-1"), kind: "auction_delivery", transfers: wrong })).toMatchObject({ ok: false, code: 11502, facts: { field: "transfers[3]" } });
    expect(await held("A-1")).toBe(0n);
    expect(await count("auction_payments")).toBe(0);
  });

  it("settles in one batch with payment records matching the awards exactly, once", async () => {
    expect(await svc.settle(alice, "R25-1", { commandId: "settle-2" })).toMatchObject({ ok: false, code: 8001 });
    const s = must(await svc.settle(admin, "R25-1", { commandId: "settle-2" }));
    expect(s.batchId).toBe(settlementBatchId("R25-1"));
    const awards = must(await svc.results(admin, "R25-1")).awards;
    expect(s.payments.map((p) => ({ bidder: p.bidder, accountId: p.accountId, quantity: p.quantity, amount: p.amountMinor, price: p.priceMinor, currency: p.currency }))).toEqual(
      awards.map((w) => ({ bidder: w.bidder, accountId: w.accountId, quantity: w.quantity, amount: BigInt(w.payment.replace(".", "")), price: 850n, currency: "USD" })),
    );
    expect(s.payments.reduce((t, p) => t + p.amountMinor, 0n)).toBe(17_000_000n);
    for (const w of awards) expect(await held(w.accountId)).toBe(w.quantity);
    expect(await held("AUC")).toBe(60_000n);
    // each payment names the ledger transaction of its delivery, all in the one batch
    for (const p of s.payments) {
      const t = await f.reg.ledger.getTransaction(p.transactionId);
      expect(t).toMatchObject({ kind: "auction_delivery", status: "completed" });
    }
    // conservation
    const pub = must(await svc.results(f.anon, "R25-1"));
    expect(BigInt(pub.sold) - BigInt(pub.reserveSold) + BigInt(pub.unsold) + BigInt(pub.withheld)).toBe(BigInt(pub.offered));
    // twice settles once
    const again = await svc.settle(admin, "R25-1", { commandId: "settle-3" });
    expect(again).toMatchObject({ ok: true, replayed: true });
    expect(await held("AUC")).toBe(60_000n);
    expect(await count("auction_payments")).toBe(5);
    expect(must(await svc.get(f.anon, "R25-1")).status).toBe("settled");
    // a bidder sees its own payment only
    expect(must(await svc.settlement(alice, "R25-1")).payments.map((p) => p.bidder)).toEqual(["A"]);
  });

  it("keeps a settled delivery final", async () => {
    const p = must(await svc.settlement(admin, "R25-1")).payments[0];
    if (!p) throw new Error("no payment");
    const r = await f.reg.reverse(admin, { transactionId: "rev-1", reverses: p.transactionId, reason: "try" });
    expect(r).toMatchObject({ ok: false, code: 11503 });
    expect(await held(p.accountId)).toBe(p.quantity);
  });

  it("withholds the emissions containment reserve below its trigger, by four-eyes after the settlement", async () => {
    must(await svc.create(admin, { commandId: "cr-2", auctionId: "R25-2", year: 2025, number: 2, classCode: CLS, auctionAccount: "AUC", reserveAccounts: { ccr: "CCR", ecr: "ECR" } }));
    for (const b of ["A", "B"]) must(await svc.admit(admin, "R25-2", { commandId: `ad-2-${b}`, bidder: b, accountId: `${b}-1`, guarantee: "50000.00" }));
    must(await svc.bid(alice, "R25-2", { commandId: "b2-1", bidder: "A", quantity: "2000", price: "9.00" }));
    must(await svc.bid(bob, "R25-2", { commandId: "b2-2", bidder: "B", quantity: "1000", price: "8.00" }));
    must(await svc.close(admin, "R25-2", { commandId: "close-2", seed: "seed-2" }));
    const pub = must(await svc.results(f.anon, "R25-2"));
    // the price is held at the USD 7.86 trigger by withholding what the bids do not take
    expect(pub).toMatchObject({ status: "cleared", clearingPrice: "7.86", sold: "3000", withheld: "17000", unsold: "0" });
    const before = await held("A-1");
    const s = must(await svc.settle(admin, "R25-2", { commandId: "settle-r2" }));
    expect(s.payments.map((p) => [p.bidder, p.quantity, p.amountMinor])).toEqual([["A", 2000n, 1_572_000n], ["B", 1000n, 786_000n]]);
    expect(await held("A-1")).toBe(before + 2_000n);
    const w = s.transactions.find((t) => t.role === "withhold");
    expect(w).toMatchObject({ status: "awaiting_approval", quantity: 17_000n });
    const id = (w as { transactionId: string }).transactionId;
    expect(await f.reg.approve(admin, { transactionId: id })).toMatchObject({ ok: false });
    must(await f.reg.approve(admin2, { transactionId: id }));
    expect(await held("ECR")).toBe(17_000n);
    expect(await held("AUC")).toBe(60_000n - 3_000n - 17_000n);
  });

  it("settles an undersubscribed auction at the reserve price (RGGI 2027: USD 9.00, no containment reserve)", async () => {
    must(await svc.writeCalendar(admin, { commandId: "cal-2027", year: 2027, volume: "80000" }));
    must(await svc.create(admin, { commandId: "cr-27", auctionId: "R27-1", year: 2027, number: 1, classCode: CLS, auctionAccount: "AUC", reserveAccounts: { "ccr-2027-1": "CCR", "ccr-2027-2": "CCR" } }));
    for (const b of ["A", "B"]) must(await svc.admit(admin, "R27-1", { commandId: `ad-27-${b}`, bidder: b, accountId: `${b}-1`, guarantee: "100000.00" }));
    expect(await svc.bid(bob, "R27-1", { commandId: "b27-0", bidder: "B", quantity: "1000", price: "-9.50" })).toMatchObject({ ok: false, code: 11303 });
    must(await svc.bid(alice, "R27-1", { commandId: "b27-1", bidder: "A", quantity: "2000", price: "12.00" }));
    must(await svc.bid(bob, "R27-1", { commandId: "b27-2", bidder: "B", quantity: "1000", price: "9.50" }));
    expect(must(await svc.close(admin, "R27-1", { commandId: "close-27", seed: "s27" })).status).toBe("undersubscribed");
    const pub = must(await svc.results(f.anon, "R27-1"));
    expect(pub).toMatchObject({ clearingPrice: "9.00", offered: "20000", sold: "3000", unsold: "17000", withheld: "0", proceeds: "27000.00" });
    expect(BigInt(pub.sold) + BigInt(pub.unsold)).toBe(BigInt(pub.offered));
    const s = must(await svc.settle(admin, "R27-1", { commandId: "settle-27" }));
    expect(s.payments.map((p) => [p.bidder, p.quantity, p.amountMinor])).toEqual([["A", 2000n, 1_800_000n], ["B", 1000n, 900_000n]]);
    expect(s.transactions).toEqual([]); // RGGI keeps unsold allowances in the auction account
    expect(await held("AUC")).toBe(40_000n - 3_000n);
  });

  it("releases the cost containment reserve above its trigger; settlement waits for a second administrator's approval of the release", async () => {
    must(await f.reg.ledger.propose({ transactionId: "seed-ccr", kind: "reserve_intake", legs: [{ classCode: CLS, from: "NAT", to: "CCR", quantity: 4_000n }] }));
    must(await svc.create(admin, { commandId: "cr-4", auctionId: "R25-4", year: 2025, number: 4, classCode: CLS, auctionAccount: "AUC", reserveAccounts: { ccr: "CCR", ecr: "ECR" } }));
    const prices: Record<string, string> = { A: "20.00", B: "19.00", C: "18.00", D: "17.50", E: "17.10" };
    for (const b of BIDDERS) must(await svc.admit(admin, "R25-4", { commandId: `ad-4-${b}`, bidder: b, accountId: `${b}-1`, guarantee: "200000.00" }));
    for (const b of BIDDERS) must(await svc.bid(admin, "R25-4", { commandId: `b4-${b}`, bidder: b, quantity: "5000", price: prices[b] as string }));
    const closed = must(await svc.close(admin, "R25-4", { commandId: "close-4", seed: "seed-4" }));
    // the interim price (USD 17.50) reaches the USD 17.03 trigger: the reserve's 4,000 join the supply
    expect(closed.transactions).toMatchObject([{ role: "release", tier: "ccr", quantity: 4_000n, status: "awaiting_approval" }]);
    const pub = must(await svc.results(f.anon, "R25-4"));
    expect(pub).toMatchObject({ clearingPrice: "17.10", offered: "20000", sold: "24000", reserveSold: "4000", unsold: "0" });
    expect(BigInt(pub.sold) - BigInt(pub.reserveSold) + BigInt(pub.unsold) + BigInt(pub.withheld)).toBe(BigInt(pub.offered));
    const auc = await held("AUC");
    expect(await svc.settle(admin, "R25-4", { commandId: "settle-4" })).toMatchObject({ ok: false, code: 11404 });
    expect(await held("AUC")).toBe(auc);
    const release = closed.transactions[0]?.transactionId as string;
    expect(await f.reg.approve(admin, { transactionId: release })).toMatchObject({ ok: false });
    must(await f.reg.approve(admin2, { transactionId: release }));
    const s = must(await svc.settle(admin, "R25-4", { commandId: "settle-4" }));
    expect(s.payments.reduce((t, p) => t + p.quantity, 0n)).toBe(24_000n);
    expect(s.payments.reduce((t, p) => t + p.amountMinor, 0n)).toBe(24_000n * 1_710n);
    expect(await held("CCR")).toBe(0n);
    expect(await held("AUC")).toBe(auc - 20_000n);
  });

  it("settles once when two administrators settle the same auction at the same time", async () => {
    must(await svc.create(admin, { commandId: "cr-27-2", auctionId: "R27-2", year: 2027, number: 2, classCode: CLS, auctionAccount: "AUC", reserveAccounts: { "ccr-2027-1": "CCR", "ccr-2027-2": "CCR" } }));
    for (const b of ["A", "B"]) must(await svc.admit(admin, "R27-2", { commandId: `ad-27-2-${b}`, bidder: b, accountId: `${b}-1`, guarantee: "100000.00" }));
    must(await svc.bid(alice, "R27-2", { commandId: "b27-2-a", bidder: "A", quantity: "3000", price: "10.00" }));
    must(await svc.bid(bob, "R27-2", { commandId: "b27-2-b", bidder: "B", quantity: "2000", price: "9.00" }));
    must(await svc.close(admin, "R27-2", { commandId: "close-27-2", seed: "s" }));
    const [auc, a1, b1] = [await held("AUC"), await held("A-1"), await held("B-1")];
    // a second registry on the same store, as a second server process would be
    const other = new AuctionService(await SecureRegistry.open(db(), f.clock, f.reg.config, { audit: f.audit }));
    const [x, y] = await Promise.all([svc.settle(admin, "R27-2", { commandId: "race-1" }), other.settle(admin2, "R27-2", { commandId: "race-2" })]);
    expect([x, y].filter((r) => !r.ok)).toEqual([]);
    expect(await held("AUC")).toBe(auc - 5_000n);
    expect(await held("A-1")).toBe(a1 + 3_000n);
    expect(await held("B-1")).toBe(b1 + 2_000n);
    expect(must(await svc.settlement(admin, "R27-2")).payments).toHaveLength(2);
  });

  it("refuses to settle an open auction, with a code", async () => {
    must(await svc.create(admin, { commandId: "cr-3", auctionId: "R25-3", year: 2025, number: 3, classCode: CLS, auctionAccount: "AUC", reserveAccounts: { ccr: "CCR", ecr: "ECR" } }));
    expect(await svc.settle(admin, "R25-3", { commandId: "settle-r3" })).toMatchObject({ ok: false, code: 11403 });
    expect(await svc.settle(admin, "nope", {})).toMatchObject({ ok: false, code: 11002 });
  });
});
