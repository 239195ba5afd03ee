// Reserve tiers and reserve prices of a year, from the rulebook: each tier's trigger price exactly
// in minor units and its quantity in whole allowances (a fixed amount, a share of the year's cap
// rounded half up, or a published figure per year). The auction (src/domain/auction), the CLI's
// `rulebook show --year` and the simulator all read them here, so they see the same numbers.
import { mulDiv } from "../quantity/index.ts";
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
  const rp = rb.auctions?.reservePrice ? priceMinorFor(rb.auctions.reservePrice, year) : undefined;
  return {
    reservePrice: rp ? Number(rp.minor) / 10 ** rp.decimals : null,
    ccr: figure(tiers.find((t) => t.direction === "release")),
    ecr: figure(tiers.find((t) => t.direction === "withhold")),
    reserveTiers: tiers.map((t) => ({ id: t.id, direction: t.direction, sale: t.sale, ...(figure(t) as TierFigure) })),
  };
}
