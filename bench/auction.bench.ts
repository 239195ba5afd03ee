// Clearing one uniform-price auction of 1,000,000 bids (random ties resolved from a seed, a CCR
// and an ECR tier in the supply, awards aggregated per bidder, proceeds exact) beside sorting the
// same 1,000,000 prices as a Float64Array in the same run. Figure: milliseconds of clearAuction;
// baseline: milliseconds of Float64Array.prototype.sort on the prices. Goal: ratio <= 2. Bids
// are generated in memory from a fixed seed (BENCH_AUCTION_N overrides the count).
import { clearAuction, defaultAuctionRules } from "../src/domain/auction/index.ts";
import type { AuctionRules, Bid } from "../src/domain/auction/index.ts";
import { seededUint32 } from "../src/domain/auction/random.ts";
import { figure } from "./figure.ts";
import type { Figure } from "./figure.ts";

const N = Number(process.env.BENCH_AUCTION_N ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_AUCTION_ROUNDS ?? 5);

function bids(n: number): Bid[] {
  const next = seededUint32("bench-auction");
  const out: Bid[] = new Array(n);
  const names = Array.from({ length: 20_000 }, (_, k) => `b${k}`);
  const ids = new Int32Array(20_000).fill(-1);
  let seen = 0;
  const idOf = (b: number) => (ids[b] === -1 ? (ids[b] = seen++) : (ids[b] as number));
  for (let i = 0; i < n; i++) {
    // prices 5.00-35.00 in cents, quantities 1-10 lots of 1,000, 20,000 bidders
    // bidders numbered as the bids reader numbers them (src/io/bids.ts)
    const b = next() % 20_000;
    out[i] = { bidder: names[b] as string, bidderId: idOf(b), quantity: BigInt(1000 * (1 + (next() % 10))), priceMinor: BigInt(500 + (next() % 3001)), row: i + 2 };
  }
  return out;
}

export async function run(log: (s: string) => void): Promise<Figure[]> {
  const all = bids(N);
  const demand = all.reduce((s, b) => s + b.quantity, 0n);
  const offered = demand / 3n;
  const rules: AuctionRules = {
    ...defaultAuctionRules(),
    reservePriceMinor: 600n,
    tiers: [
      { id: "ccr", direction: "release", triggerMinor: 2600n, quantity: offered / 10n },
      { id: "ecr", direction: "withhold", triggerMinor: 700n, quantity: offered / 10n },
    ],
  };
  const prices = Float64Array.from(all, (b) => Number(b.priceMinor));
  let clear = Number.POSITIVE_INFINITY;
  let sort = Number.POSITIVE_INFINITY;
  // alternate the two and keep the fastest of each: the machine is shared
  for (let round = 1; round <= ROUNDS; round++) {
    const copy = prices.slice();
    let t0 = performance.now();
    copy.sort();
    const s = performance.now() - t0;
    sort = Math.min(sort, s);
    t0 = performance.now();
    const o = clearAuction(rules, { offered, bids: all, seed: `round-${round}` });
    const c = performance.now() - t0;
    clear = Math.min(clear, c);
    if (!o.ok) throw new Error(`bench auction refused: ${o.code}`);
    log(`round ${round}: sort ${s.toFixed(1)} ms, clear ${c.toFixed(1)} ms (price ${o.result.clearingPriceMinor}, sold ${o.result.sold} of ${offered}, reserve ${o.result.reserveSold}, ${o.result.awards.length} winners)`);
  }
  return [figure({ figure: `clearing an auction of ${N} bids`, value: clear, baseline: sort, unit: "ms", baselineName: `Float64Array sort of the ${N} prices`, goal: "ratio <= 2" })];
}
