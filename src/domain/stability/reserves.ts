// Reserve tiers and reserve prices of a year, from the rulebook: each tier's trigger price exactly
// in minor units and its quantity in whole allowances (a fixed amount, a share of the year's cap
// rounded half up, or a published figure per year). The auction (src/domain/auction), the CLI's
// `rulebook show --year` and the simulator all read them here, so they see the same numbers.
import { largestRemainder, mulDiv } from "../quantity/index.ts";
import { capFor, decimalFraction, priceMinorFor } from "../rulebook/index.ts";
import type { Rulebook } from "../rulebook/index.ts";
import type { ReserveTierRule } from "../rulebook/stability.ts";

export interface ReserveTierYear {
  id: string;
  direction: "release" | "withhold";
  sale: "in-auction" | "reserve-sale";
  /** Trigger price in minor units of `decimals` decimal places. */
  triggerMinor: bigint;
  decimals: number;
  /** Allowances in the tier that year; null when it is a share of a cap the rulebook does not give. */
  quantity: bigint | null;
}

function tierQuantity(rb: Rulebook, t: ReserveTierRule, year: number): bigint | null {
  const s = t.size;
  switch (s.kind) {
    case "amount":
      return s.amount;
    case "capShare": {
      const cap = capFor(rb, year);
      if (cap === undefined) return null;
      const [n, d] = decimalFraction(s.share);
      return mulDiv(cap, n, d, "halfUp");
    }
    case "byYear":
      return s.amounts.find((a) => a.year === year)?.amount ?? 0n;
  }
}

/** The tiers that exist in a year (their trigger path covers it), in rulebook order. */
export function reserveTiersFor(rb: Rulebook, year: number): ReserveTierYear[] {
  const out: ReserveTierYear[] = [];
  for (const t of rb.stability?.reserveTiers ?? []) {
    const p = priceMinorFor(t.trigger, year);
    if (!p) continue;
    out.push({ id: t.id, direction: t.direction, sale: t.sale, triggerMinor: p.minor, decimals: p.decimals, quantity: tierQuantity(rb, t, year) });
  }
  return out;
}

/** A year's auction reserve price: exact, in minor units of `decimals` places, and where it comes from. */
export interface AuctionReservePrice {
  minor: bigint;
  decimals: number;
  source: "auctions.reservePrice" | "stability.priceFloor";
}

/** Whether the floor is also the auctions' reserve price (its `auctionReserve`, by default only for the `auction-reserve` mechanism). */
export function floorIsReserve(rb: Rulebook): boolean {
  const f = rb.stability?.priceFloor;
  return f !== undefined && (f.auctionReserve ?? f.mechanism === "auction-reserve");
}

/**
 * The reserve price of the year's auctions: the higher of `auctions.reservePrice` and a floor kept
 * through the auctions (`floorIsReserve`), compared exactly at the finer of their decimals (a tie
 * goes to the auction's own path); undefined when neither covers the year.
 */
export function auctionReservePriceFor(rb: Rulebook, year: number): AuctionReservePrice | undefined {
  const rp = rb.auctions?.reservePrice ? priceMinorFor(rb.auctions.reservePrice, year) : undefined;
  const fp = floorIsReserve(rb) && rb.stability?.priceFloor ? priceMinorFor(rb.stability.priceFloor, year) : undefined;
  const a: AuctionReservePrice | undefined = rp ? { minor: rp.minor, decimals: rp.decimals, source: "auctions.reservePrice" } : undefined;
  const b: AuctionReservePrice | undefined = fp ? { minor: fp.minor, decimals: fp.decimals, source: "stability.priceFloor" } : undefined;
  if (!a || !b) return a ?? b;
  const d = Math.max(a.decimals, b.decimals);
  const scaled = (x: AuctionReservePrice) => x.minor * 10n ** BigInt(d - x.decimals);
  return scaled(b) > scaled(a) ? b : a;
}

/** A trigger and a quantity as `ets rulebook show --year --json` prints them. */
export interface TierFigure {
  trigger: number;
  quantity: bigint | null;
}

const figure = (t: ReserveTierYear | undefined): TierFigure | null =>
  t ? { trigger: Number(t.triggerMinor) / 10 ** t.decimals, quantity: t.quantity } : null;

/**
 * The year's reserve price and its cost and emissions containment reserves: `ccr` is the first
 * release tier, `ecr` the first withhold tier (null when there is none that year); `reserveTiers`
 * lists every tier of the year.
 */
export function reserveFigures(rb: Rulebook, year: number): { reservePrice: number | null; ccr: TierFigure | null; ecr: TierFigure | null; reserveTiers: (TierFigure & { id: string; direction: string; sale: string })[] } {
  const tiers = reserveTiersFor(rb, year);
  const rp = auctionReservePriceFor(rb, year);
  return {
    reservePrice: rp ? Number(rp.minor) / 10 ** rp.decimals : null,
    ccr: figure(tiers.find((t) => t.direction === "release")),
    ecr: figure(tiers.find((t) => t.direction === "withhold")),
    reserveTiers: tiers.map((t) => ({ id: t.id, direction: t.direction, sale: t.sale, ...(figure(t) as TierFigure) })),
  };
}

// ---------------------------------------------------------------- reserve sales (California)

export interface ReserveSaleRequest {
  buyer: string;
  tier: string;
  quantity: bigint;
}

export interface ReserveSaleAward {
  buyer: string;
  tier: string;
  requested: bigint;
  quantity: bigint;
  paymentMinor: bigint;
}

export type ReserveSaleResult =
  | { ok: true; awards: ReserveSaleAward[]; tiers: { id: string; priceMinor: bigint; decimals: number; quantity: bigint; sold: bigint }[]; proceedsMinor: bigint }
  | { ok: false; code: "reserve-sale-none"; facts: { year: number } }
  | { ok: false; code: "reserve-sale-not-triggered"; facts: { previousSettlementMinor: bigint; thresholdMinor: bigint } }
  | { ok: false; code: "reserve-sale-unknown-tier"; facts: { tier: string; tiers: string[] } }
  | { ok: false; code: "reserve-sale-quantity-not-positive"; facts: { buyer: string; quantity: bigint } };

/**
 * A fixed-price sale from the year's `reserve-sale` tiers: held only when the previous current
 * auction settled at or above the rulebook's share of the lowest tier price; each request buys at
 * its tier's price; a tier asked for more than it holds is shared pro rata to the requests (whole
 * allowances, largest remainder, ties to the earlier request).
 */
export function reserveSale(rb: Rulebook, year: number, previousSettlementMinor: bigint, requests: readonly ReserveSaleRequest[]): ReserveSaleResult {
  const rule = rb.stability?.reserveSale;
  const tiers = reserveTiersFor(rb, year).filter((t) => t.sale === "reserve-sale");
  if (!rule || tiers.length === 0) return { ok: false, code: "reserve-sale-none", facts: { year } };
  const lowest = tiers.reduce((a, b) => (a.triggerMinor <= b.triggerMinor ? a : b));
  const [n, d] = decimalFraction(rule.triggerShareOfLowestTier);
  const thresholdMinor = mulDiv(lowest.triggerMinor, n, d, "ceil");
  if (previousSettlementMinor < thresholdMinor) return { ok: false, code: "reserve-sale-not-triggered", facts: { previousSettlementMinor, thresholdMinor } };
  for (const r of requests) {
    if (r.quantity <= 0n) return { ok: false, code: "reserve-sale-quantity-not-positive", facts: { buyer: r.buyer, quantity: r.quantity } };
    if (!tiers.some((t) => t.id === r.tier)) return { ok: false, code: "reserve-sale-unknown-tier", facts: { tier: r.tier, tiers: tiers.map((t) => t.id) } };
  }
  const awards: ReserveSaleAward[] = requests.map((r) => ({ buyer: r.buyer, tier: r.tier, requested: r.quantity, quantity: 0n, paymentMinor: 0n }));
  const out = tiers.map((t) => {
    const mine = awards.filter((a) => a.tier === t.id);
    const asked = mine.reduce((s, a) => s + a.requested, 0n);
    const held = t.quantity ?? 0n;
    const parts = asked <= held ? mine.map((a) => a.requested) : largestRemainder(held, mine.map((a) => a.requested));
    mine.forEach((a, i) => {
      a.quantity = parts[i] as bigint;
      a.paymentMinor = a.quantity * t.triggerMinor;
    });
    return { id: t.id, priceMinor: t.triggerMinor, decimals: t.decimals, quantity: held, sold: parts.reduce((s, x) => s + x, 0n) };
  });
  return { ok: true, awards, tiers: out, proceedsMinor: awards.reduce((s, a) => s + a.paymentMinor, 0n) };
}
