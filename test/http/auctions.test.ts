// Goal: an auction over the API (PGlite), from bids to settlement. Bids are sealed: a
// representative reads only its bidder's bids, another representative none, and administrators
// none before the close (409 bids-sealed); a bid for another's bidder is refused. A bad bid is
// refused with its check code and nothing is recorded. Results are published only after the
// close: the public sees the platform's figures, a bidder its own award. Settlement delivers the
// award in one batch with its payment record; a second request replays it (200) and moves nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUCTION, AUCTION_ACCOUNT, auctionWorld, BIDDER } from "./auction-world.ts";
import { buildFixture, type Fixture } from "./fixture.ts";
import { A, as, CLASS, NAT, seedWorld, type Session, signIn } from "./world.ts";
import { openMigratedPglite } from "../support/stores.ts";

let f: Fixture;
const s: Record<string, Session> = {};

beforeAll(async () => {
  const db = await openMigratedPglite();
  f = await buildFixture(db, {
    security: { signIn: { secondFactorRoles: [], maxFailures: 5, maxFailuresPerUser: 25, lockoutMinutes: 15, backoffBaseSeconds: 1, backoffMaxSeconds: 60, minPasswordLength: 12 } } as never,
  });
  await seedWorld(f);
  await auctionWorld(f);
  const r = await f.ledger.propose({ transactionId: "seed-auc", kind: "internal_transfer", legs: [{ classCode: CLASS, from: NAT, to: AUCTION_ACCOUNT, quantity: "2000000" }] });
  expect(r.ok).toBe(true);
  for (const u of ["admin", "rep-a1", "rep-b", "auditor"]) s[u] = await signIn(f, u);
}, 120_000);

afterAll(async () => {
  await f?.db.close();
});

type Body = Record<string, unknown> & { code?: number; check?: string; items?: Array<Record<string, unknown>> };
const call = async (user: string | null, method: string, path: string, body?: unknown): Promise<{ status: number; body: Body }> => {
  const res = await as(f, user ? s[user] : undefined, method, path, body);
  return { status: res.status, body: (await res.json()) as Body };
};
const held = async () => (await f.ledger.holdings(A))?.find((h) => h.classCode === CLASS)?.quantity ?? 0n;

describe("an auction over the API", () => {
  it("takes a representative's sealed bid once, and refuses another's", async () => {
    const bid = { commandId: "rep-bid-1", bidder: BIDDER, quantity: "999500", price: "80.05" };
    expect((await call("rep-a1", "POST", `/v1/auctions/${AUCTION}/bids`, bid)).status).toBe(201);
    expect((await call("rep-a1", "POST", `/v1/auctions/${AUCTION}/bids`, bid)).status).toBe(200);
    expect(await call("rep-b", "POST", `/v1/auctions/${AUCTION}/bids`, { ...bid, commandId: "b-1" })).toMatchObject({ status: 403, body: { code: 8002 } });
  });

  it("keeps bids sealed", async () => {
    expect((await call("rep-a1", "GET", `/v1/auctions/${AUCTION}/bids`)).body.items?.map((b) => [b.bidder, b.quantity])).toEqual([[BIDDER, "500"], [BIDDER, "999500"]]);
    expect((await call("rep-b", "GET", `/v1/auctions/${AUCTION}/bids`)).body.items).toEqual([]);
    expect(await call("admin", "GET", `/v1/auctions/${AUCTION}/bids`)).toMatchObject({ status: 409, body: { code: 11312, check: "bids-sealed" } });
    expect(await call("auditor", "GET", `/v1/auctions/${AUCTION}/bids`)).toMatchObject({ status: 409, body: { code: 11312 } });
    expect((await call(null, "GET", `/v1/auctions/${AUCTION}/bids`)).status).toBe(401);
    expect(await call(null, "GET", `/v1/auctions/${AUCTION}/results`)).toMatchObject({ status: 409, body: { code: 11402 } });
  });

  it("refuses bad bids with their codes, recording nothing", async () => {
    const base = { bidder: BIDDER, quantity: "500", price: "80.00" };
    expect(await call("rep-a1", "POST", `/v1/auctions/${AUCTION}/bids`, { ...base, commandId: "bad-1", quantity: "250" })).toMatchObject({ status: 422, body: { code: 11302 } });
    expect(await call("rep-a1", "POST", `/v1/auctions/${AUCTION}/bids`, { ...base, commandId: "bad-2", price: "-1.00" })).toMatchObject({ status: 422, body: { code: 11303 } });
    expect(await call("rep-a1", "POST", `/v1/auctions/${AUCTION}/bids`, { ...base, commandId: "bad-3", price: "1.005" })).toMatchObject({ status: 400, body: { code: 11001, facts: { field: "price" } } });
    expect(await call("rep-a1", "POST", `/v1/auctions/${AUCTION}/bids`, { ...base, commandId: "bad-4", bidder: "NOBODY" })).toMatchObject({ status: 404, body: { code: 11202 } });
    expect(await call("admin", "POST", "/v1/auctions/NOPE/bids", { ...base, commandId: "bad-5" })).toMatchObject({ status: 404, body: { code: 11002 } });
    expect((await call("rep-a1", "GET", `/v1/auctions/${AUCTION}/bids`)).body.items).toHaveLength(2);
  });

  it("closes, publishes the results, and gives each bidder its own award", async () => {
    expect((await call("rep-a1", "POST", `/v1/auctions/${AUCTION}/close`, { commandId: "close" })).status).toBe(403);
    const closed = await call("admin", "POST", `/v1/auctions/${AUCTION}/close`, { commandId: "close", seed: "http" });
    expect(closed).toMatchObject({ status: 201, body: { status: "cleared" } });
    const pub = await call(null, "GET", `/v1/auctions/${AUCTION}/results`);
    expect(pub).toMatchObject({ status: 200, body: { status: "cleared", clearingPrice: "80.00", offered: "1000000", sold: "1000000", proceeds: "80000000.00", coverRatio: "1.00", awards: [], detail: null } });
    expect((await call("rep-a1", "GET", `/v1/auctions/${AUCTION}/results`)).body.awards).toEqual([{ bidder: BIDDER, accountId: A, quantity: "1000000", nonCompetitive: "0", payment: "80000000.00" }]);
    expect((await call("rep-b", "GET", `/v1/auctions/${AUCTION}/results`)).body.awards).toEqual([]);
    expect((await call("admin", "GET", `/v1/auctions/${AUCTION}/bids`)).body.items).toHaveLength(2);
    expect((await call("rep-b", "GET", `/v1/auctions/${AUCTION}/bids`)).body.items).toEqual([]);
  });

  it("settles in one batch with the payment record, once", async () => {
    const before = await held();
    const r = await call("admin", "POST", `/v1/auctions/${AUCTION}/settle`, { commandId: "settle" });
    expect(r).toMatchObject({ status: 201, body: { batchId: `auction-settle.${AUCTION}` } });
    expect(r.body.payments).toMatchObject([{ bidder: BIDDER, accountId: A, quantity: "1000000", priceMinor: "8000", amountMinor: "8000000000", currency: "EUR" }]);
    expect(await held()).toBe(before + 1_000_000n);
    expect((await call("admin", "POST", `/v1/auctions/${AUCTION}/settle`, { commandId: "settle-again" })).status).toBe(200);
    expect(await held()).toBe(before + 1_000_000n);
    expect((await call("rep-b", "GET", `/v1/auctions/${AUCTION}/settlement`)).body.payments).toEqual([]);
    expect((await call(null, "GET", `/v1/auctions/${AUCTION}`)).body.status).toBe("settled");
  });
});
