// Price collars of a year: the ceiling and the floor with their mechanisms. A hard ceiling kept by
// fixed-price sales issues allowances beyond the cap, and every sale is recorded as such; a
// ceiling kept by payment in lieu (Japan's GX-ETS: the reference upper price, JPY 4,300 in FY2026
// x 1.03 a year) lets a covered entity pay that price per allowance it does not surrender;
// California's price ceiling units are sold only for a shortfall once its reserve tiers are empty.
// A floor kept through the auction reserve is applied by the auction (rules.ts). Money is exact.
import { priceMinorFor } from "../rulebook/index.ts";
import type { Rulebook } from "../rulebook/index.ts";

export interface CollarPrice {
  priceMinor: bigint;
  decimals: number;
  mechanism: string;
  published: boolean;
}

export interface CollarYear {
  ceiling: CollarPrice | null;
  floor: CollarPrice | null;
}

export function collarFor(rb: Rulebook, year: number): CollarYear {
  const st = rb.stability;
  const of = (p: NonNullable<typeof st>["priceCeiling"] | NonNullable<typeof st>["priceFloor"]): CollarPrice | null => {
    if (!p) return null;
    const m = priceMinorFor(p, year);
    return m ? { priceMinor: m.minor, decimals: m.decimals, mechanism: p.mechanism, published: m.published } : null;
  };
  return { ceiling: of(st?.priceCeiling), floor: of(st?.priceFloor) };
}

export interface CeilingRequest {
  buyer: string;
  quantity: bigint;
  /** The buyer's shortfall at the next surrender (price ceiling units are sold only up to it). */
  shortfall?: bigint | undefined;
}

export interface CeilingSale {
  buyer: string;
  quantity: bigint;
  paymentMinor: bigint;
  /** Every allowance sold at the ceiling is issued beyond the cap. */
  beyondCap: true;
}

export type CeilingSaleResult =
  | { ok: true; sales: CeilingSale[]; issuedBeyondCap: bigint; proceedsMinor: bigint; priceMinor: bigint; decimals: number }
  | { ok: false; code: "ceiling-none"; facts: { year: number } }
  | { ok: false; code: "ceiling-is-payment"; facts: { mechanism: string } }
  | { ok: false; code: "ceiling-reserve-not-exhausted"; facts: { reserveRemaining: bigint } }
  | { ok: false; code: "ceiling-over-shortfall"; facts: { buyer: string; quantity: bigint; shortfall: bigint | null } }
  | { ok: false; code: "ceiling-quantity-not-positive"; facts: { buyer: string; quantity: bigint } };

/** Fixed-price sales at the year's ceiling. `reserveRemaining`: allowances left in the reserve tiers (price ceiling units need 0). */
export function ceilingSales(rb: Rulebook, year: number, requests: readonly CeilingRequest[], reserveRemaining = 0n): CeilingSaleResult {
  const c = collarFor(rb, year).ceiling;
  if (!c) return { ok: false, code: "ceiling-none", facts: { year } };
  if (c.mechanism === "payment-in-lieu") return { ok: false, code: "ceiling-is-payment", facts: { mechanism: c.mechanism } };
  if (c.mechanism === "price-ceiling-units" && reserveRemaining > 0n) return { ok: false, code: "ceiling-reserve-not-exhausted", facts: { reserveRemaining } };
  const sales: CeilingSale[] = [];
  for (const r of requests) {
    if (r.quantity <= 0n) return { ok: false, code: "ceiling-quantity-not-positive", facts: { buyer: r.buyer, quantity: r.quantity } };
    if (c.mechanism === "price-ceiling-units" && (r.shortfall === undefined || r.quantity > r.shortfall))
      return { ok: false, code: "ceiling-over-shortfall", facts: { buyer: r.buyer, quantity: r.quantity, shortfall: r.shortfall ?? null } };
    sales.push({ buyer: r.buyer, quantity: r.quantity, paymentMinor: r.quantity * c.priceMinor, beyondCap: true });
  }
  const issuedBeyondCap = sales.reduce((s, x) => s + x.quantity, 0n);
  return { ok: true, sales, issuedBeyondCap, proceedsMinor: issuedBeyondCap * c.priceMinor, priceMinor: c.priceMinor, decimals: c.decimals };
}

export type PaymentInLieu =
  | { ok: true; paymentMinor: bigint; priceMinor: bigint; decimals: number; allowancesCovered: bigint }
  | { ok: false; code: "ceiling-none" | "ceiling-not-payment"; facts: { year: number; mechanism: string | null } };

/** GX-ETS: the payment of the reference upper price for allowances not surrendered (the obligation they cover counts as met). */
export function paymentInLieu(rb: Rulebook, year: number, allowances: bigint): PaymentInLieu {
  if (allowances < 0n) throw new RangeError("allowances must not be negative");
  const c = collarFor(rb, year).ceiling;
  if (!c) return { ok: false, code: "ceiling-none", facts: { year, mechanism: null } };
  if (c.mechanism !== "payment-in-lieu") return { ok: false, code: "ceiling-not-payment", facts: { year, mechanism: c.mechanism } };
  return { ok: true, paymentMinor: allowances * c.priceMinor, priceMinor: c.priceMinor, decimals: c.decimals, allowancesCovered: allowances };
}
