// Auction shares per sector and year, and the split of an installation's entitlement into the free
// part and the part that goes to auction. A schedule is a list of (year, share) points with the
// share held flat before the first point and after the last, and linear in between (EU phase 3:
// 20% in 2013 rising to 70% in 2020 and 100% in 2027). Exact ratios throughout.
import type { Ratio } from "./ratio.ts";
import { add, frac, mul, ONE, sub, ZERO } from "./ratio.ts";

export interface SharePoint {
  year: number;
  share: Ratio;
}

export function shareInYear(schedule: readonly SharePoint[], year: number): Ratio {
  const pts = [...schedule].sort((a, b) => a.year - b.year);
  const first = pts[0];
  if (!first) return ZERO;
  if (year <= first.year) return first.share;
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1] as SharePoint;
    const b = pts[i] as SharePoint;
    if (year <= b.year) {
      // a + (b - a) x (year - a.year) / (b.year - a.year)
      return add(a.share, mul(sub(b.share, a.share), frac(year - a.year, b.year - a.year)));
    }
  }
  return (pts[pts.length - 1] as SharePoint).share;
}

export interface AuctionRules {
  /** The schedule for sectors without their own. */
  schedule: readonly SharePoint[];
  bySector?: Readonly<Record<string, readonly SharePoint[]>>;
  /** Sectors sold in full every year (EU: power and CCS). */
  fullyAuctioned?: readonly string[];
  /** Sectors exposed to carbon leakage: kept free (share 0). */
  exposed?: readonly string[];
}

export interface SectorShare {
  share: Ratio;
  reason: "fully-auctioned" | "leakage-exposed" | "sector-schedule" | "schedule";
}

export function auctionShare(rules: AuctionRules, sector: string, year: number): SectorShare {
  if (rules.fullyAuctioned?.includes(sector)) return { share: ONE, reason: "fully-auctioned" };
  if (rules.exposed?.includes(sector)) return { share: ZERO, reason: "leakage-exposed" };
  const own = rules.bySector?.[sector];
  if (own) return { share: shareInYear(own, year), reason: "sector-schedule" };
  return { share: shareInYear(rules.schedule, year), reason: "schedule" };
}

/** The EU ETS phase 3 schedule (Directive 2003/87/EC Art. 10a(11)): 20% (2013) -> 70% (2020) -> 100% (2027). */
export const EU_PHASE3_AUCTION: readonly SharePoint[] = [
  { year: 2013, share: frac(20, 100) },
  { year: 2020, share: frac(70, 100) },
  { year: 2027, share: ONE },
];
