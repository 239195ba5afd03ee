// Goal: an auction's proceeds are split by the rulebook's revenue table exactly to the cent and
// recorded at settlement, in the settlement batch's own database transaction, on both stores: a
// settlement that fails records no revenue; a settled one has one row per recipient plus the
// retained rest, summing exactly to the payments; settling again adds nothing; the table is the
// one of the auction's creation (a later rulebook change does not alter it); the results show it
// to everyone, the CLI's `auction show` prints it.
// Figures: RGGI 2025 rules (preset) with a revenue table written for this test (shares 0.333333,
// 0.333333 and 0.3 of the proceeds, so 0.033334 stays retained). 20,000 allowances clear at
// USD 8.49: proceeds 16,980,000 cents; given out floor(16,980,000 x 0.966666) = 16,413,988,
// retained 566,012; by weight 5,659,994 + 5,659,994 + 5,093,999 = 16,413,987, and the last cent
// goes to the largest remainder (the third row): 5,094,000.
import { beforeAll, expect, it } from "vitest";
import type { Caller } from "../../src/domain/security/roles.ts";
import { rulebookValue } from "../../src/io/rulebook.ts";
import { AuctionService, settlementBatchId } from "../../src/registry/auction/index.ts";
import { recordRulebook } from "../../src/registry/settings.ts";
import { createUsers, type Fixture, setUp } from "../security/fixture.ts";
import { forEachStore } from "../support/stores.ts";

function must<T>(r: { ok: true; value: T } | { ok: false; code: number; check: string; message: string }): T {
  if (!r.ok) throw new Error(`refused ${r.code} ${r.check}: ${r.message}`);
  return r.value;
}

const CLS = "RGA-2025";
const BIDDERS = ["A", "B", "C", "D"] as const;
const TABLE = [
  { recipient: "Energy efficiency", share: 0.333333 },
  { recipient: "Bill assistance", share: 0.333333 },
  { recipient: "Clean energy", share: 0.3 },
];

function withRevenue(shares: ReadonlyArray<{ recipient: string; share: number }>): unknown {
  const v = rulebookValue("rggi") as { auctions: Record<string, unknown> };
  return { ...v, auctions: { ...v.auctions, revenue: [{ from: 2025, to: 2025, shares }] } };
}

forEachStore("auction revenue recorded at settlement", (db) => {
  let f: Fixture;
  let svc: AuctionService;
  let admin: Caller;
  const count = async (table: string) => Number((await db().query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`)).rows[0]?.n);

  beforeAll(async () => {
    f = await setUp(db(), undefined, "2025-03-02T09:00:00Z");
    await recordRulebook(db(), "rggi-revenue", withRevenue(TABLE), "2025-03-01T00:00:00Z");
    await createUsers(f, [["admin", ["national-admin"]]]);
    admin = await f.as("admin");
    must(await f.reg.defineClass(admin, { commandId: "c-rga", code: CLS, unitType: "allowance", scheme: "RGGI", vintage: 2025 }));
    const accounts: Array<[string, string]> = [["NAT", "national_issuance"], ["AUC", "auction"], ["CCR", "cost_containment_reserve"], ["ECR", "cost_containment_reserve"]];
    for (const b of BIDDERS) accounts.push([`${b}-1`, "trading"]);
    for (const [id, type] of accounts) must(await f.reg.openAccount(admin, { commandId: `open-${id}`, accountId: id, type, holder: `Holder ${id}`, name: id }));
    must(await f.reg.ledger.propose({ transactionId: "seed-issue", kind: "issuance", legs: [{ classCode: CLS, to: "NAT", quantity: 200_000n }] }));
    svc = new AuctionService(f.reg);
    must(await svc.writeCalendar(admin, { commandId: "cal", year: 2025, volume: "80000" }));
    must(await svc.create(admin, { commandId: "cr", auctionId: "RV-1", year: 2025, number: 1, classCode: CLS, auctionAccount: "AUC", reserveAccounts: { ccr: "CCR", ecr: "ECR" } }));
    // a later rulebook without the table: the auction keeps the table of its creation
    await recordRulebook(db(), "rggi-revenue", withRevenue([{ recipient: "Someone else", share: 1 }]), "2025-03-02T10:00:00Z");
    const prices: Record<string, string> = { A: "8.51", B: "8.50", C: "8.50", D: "8.49" };
    for (const b of BIDDERS) {
      must(await svc.admit(admin, "RV-1", { commandId: `ad-${b}`, bidder: b, accountId: `${b}-1`, guarantee: "100000.00" }));
      must(await svc.bid(admin, "RV-1", { commandId: `bid-${b}`, bidder: b, quantity: "5000", price: prices[b] as string }));
    }
    expect(must(await svc.close(admin, "RV-1", { commandId: "close", seed: "s" }))).toMatchObject({ status: "cleared" });
  }, 60_000);

  it("a settlement that fails records no revenue", async () => {
    // the auction account holds nothing yet: no delivery, no payment, no revenue
    expect((await svc.settle(admin, "RV-1", { commandId: "settle-0" })).ok).toBe(false);
    expect(await count("auction_payments")).toBe(0);
    expect(await count("auction_revenue")).toBe(0);
    expect(must(await svc.results(f.anon, "RV-1")).revenue).toBeNull();
  });

  it("records the split exactly to the cent with the retained rest, in the settlement's transaction, once", async () => {
    must(await f.reg.ledger.propose({ transactionId: "seed-auc", kind: "internal_transfer", legs: [{ classCode: CLS, from: "NAT", to: "AUC", quantity: 20_000n }] }));
    const s = must(await svc.settle(admin, "RV-1", { commandId: "settle-1" }));
    const paid = s.payments.reduce((t, p) => t + p.amountMinor, 0n);
    expect(paid).toBe(16_980_000n);
    const rows = await db().query<{ recipient: string; share: string | null; retained: boolean; amount_minor: string; batch_id: string; revenue_table: string }>(
      "SELECT recipient, share, retained, amount_minor::text, batch_id, revenue_table FROM auction_revenue WHERE auction_id = 'RV-1' ORDER BY seq",
    );
    expect(rows.rows.map((r) => [r.recipient, r.share, r.retained, r.amount_minor])).toEqual([
      ["Energy efficiency", "0.333333", false, "5659994"],
      ["Bill assistance", "0.333333", false, "5659994"],
      ["Clean energy", "0.3", false, "5094000"],
      ["retained", null, true, "566012"],
    ]);
    expect(rows.rows.reduce((t, r) => t + BigInt(r.amount_minor), 0n)).toBe(paid);
    expect(rows.rows.every((r) => r.batch_id === settlementBatchId("RV-1") && r.revenue_table === "auctions.revenue")).toBe(true);
    // public results show it as decimals
    expect(must(await svc.results(f.anon, "RV-1")).revenue).toEqual({
      table: "auctions.revenue",
      currency: "USD",
      proceeds: "169800.00",
      parts: [
        { recipient: "Energy efficiency", share: "0.333333", retained: false, amount: "56599.94" },
        { recipient: "Bill assistance", share: "0.333333", retained: false, amount: "56599.94" },
        { recipient: "Clean energy", share: "0.3", retained: false, amount: "50940.00" },
        { recipient: "retained", share: null, retained: true, amount: "5660.12" },
      ],
    });
    // settling again adds nothing
    expect(await svc.settle(admin, "RV-1", { commandId: "settle-2" })).toMatchObject({ ok: true, replayed: true });
    expect(await count("auction_revenue")).toBe(4);
  });

  it("keeps the recorded split append-only", async () => {
    await expect(db().query("UPDATE auction_revenue SET amount_minor = 0 WHERE auction_id = 'RV-1'")).rejects.toThrow();
    await expect(db().query("DELETE FROM auction_revenue")).rejects.toThrow();
    expect(await count("auction_revenue")).toBe(4);
  });
});
