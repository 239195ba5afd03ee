// The auction part of the HTTP tests' world (test/http/world.ts), made on first use: the EU phase 4
// rulebook recorded in the store (the server's auction service reads it), a calendar of 2030, an
// open auction M-1 with account A's bidder ALPHA (so rep-a1 bids and reads its own bids, and
// rep-b, representing no bidder, reads none), and fresh auctions for the rows that close or
// settle one.
import { rulebookValue, loadRulebook } from "../../src/io/rulebook.ts";
import { AuctionService } from "../../src/registry/auction/index.ts";
import { recordRulebook } from "../../src/registry/settings.ts";
import type { Fixture } from "./fixture.ts";
import { A, CLASS, SYSTEM } from "./world.ts";

export const AUCTION = "M-1";
export const AUCTION_ACCOUNT = "JP-300-0001";
export const MSR_ACCOUNT = "JP-300-0002";
export const BIDDER = "ALPHA";

interface World {
  svc: AuctionService;
  next: number;
}
const worlds = new WeakMap<Fixture, Promise<World>>();

function must<T>(r: { ok: true; value: T } | { ok: false; message: string }, what: string): T {
  if (!r.ok) throw new Error(`${what}: ${r.message}`);
  return r.value;
}

async function build(f: Fixture): Promise<World> {
  await recordRulebook(f.db, "eu-ets-phase4", rulebookValue("eu-ets-phase4"), f.clock.now().toISOString());
  const svc = new AuctionService(f.registry, { rulebook: { name: "eu-ets-phase4", rulebook: loadRulebook("eu-ets-phase4") } });
  must(await f.registry.openAccount(SYSTEM, { commandId: "open-auc", accountId: AUCTION_ACCOUNT, type: "auction", holder: "Government of Japan", name: "Auction" }), "auction account");
  must(await f.registry.openAccount(SYSTEM, { commandId: "open-msr", accountId: MSR_ACCOUNT, type: "market_stability_reserve", holder: "Government of Japan", name: "Reserve" }), "reserve account");
  must(await svc.writeCalendar(SYSTEM, { commandId: "cal-2030", year: 2030, volume: "223000000" }), "calendar");
  must(await svc.create(SYSTEM, { commandId: "auc-m1", auctionId: AUCTION, year: 2030, number: 1, classCode: CLASS, auctionAccount: AUCTION_ACCOUNT }), "auction");
  must(await svc.admit(SYSTEM, AUCTION, { commandId: "adm-alpha", bidder: BIDDER, accountId: A }), "bidder");
  must(await svc.bid(SYSTEM, AUCTION, { commandId: "bid-alpha", bidder: BIDDER, quantity: "500", price: "80.00" }), "bid");
  return { svc, next: 10 };
}

export function auctionWorld(f: Fixture): Promise<World> {
  let w = worlds.get(f);
  if (!w) {
    w = build(f);
    worlds.set(f, w);
  }
  return w;
}

/** A calendar entry of 2030 no auction has taken yet. */
export async function freeEntry(f: Fixture): Promise<number> {
  const w = await auctionWorld(f);
  return w.next++;
}

/** A fresh open auction (for a row that closes it), or closed (for one that settles it). */
export async function freshAuction(f: Fixture, closed: boolean): Promise<string> {
  const w = await auctionWorld(f);
  const number = w.next++;
  const id = `M-${number}`;
  must(await w.svc.create(SYSTEM, { commandId: `auc-${id}`, auctionId: id, year: 2030, number, classCode: CLASS, auctionAccount: AUCTION_ACCOUNT }), id);
  if (closed) must(await w.svc.close(SYSTEM, id, { commandId: `close-${id}`, seed: "matrix" }), `close ${id}`);
  return id;
}
