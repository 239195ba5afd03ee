// The supply an auction offers at a price, with its reserve tiers as steps on the price axis.
// A release tier (cost containment) adds its quantity when the price is at or above its trigger; a
// withhold tier (emissions containment) keeps its quantity out below its trigger. At a trigger
// price itself supply is an interval: `lo` without the step, `hi` with it, so a price exactly at a
// trigger can sell part of a tier (RGGI: the CCR partly sold at its trigger; the ECR withholding
// only what keeps the price at its trigger).
import type { AuctionTier, ReserveUse } from "./types.ts";

export interface Supply {
  base: bigint;
  tiers: readonly AuctionTier[];
}

const clamp = (x: bigint) => (x < 0n ? 0n : x);

export function supplyLo(s: Supply, p: bigint): bigint {
  let q = s.base;
  for (const t of s.tiers) {
    if (t.direction === "withhold" && t.triggerMinor >= p) q -= t.quantity;
    if (t.direction === "release" && t.triggerMinor < p) q += t.quantity;
  }
  return clamp(q);
}

export function supplyHi(s: Supply, p: bigint): bigint {
  let q = s.base;
  for (const t of s.tiers) {
    if (t.direction === "withhold" && t.triggerMinor > p) q -= t.quantity;
    if (t.direction === "release" && t.triggerMinor <= p) q += t.quantity;
  }
  return clamp(q);
}

/**
 * How `sold` allowances at price p split between the offered volume and the tiers. Withhold tiers
 * with a trigger above p are withheld in full; at p, base allowances come back before any reserve
 * allowance is sold; release tiers below or at p are sold in trigger order, each up to its size.
 */
export function reserveUse(s: Supply, p: bigint, sold: bigint): { uses: ReserveUse[]; reserveSold: bigint; withheld: bigint } {
  let fixedWithheld = 0n;
  let flexWithheld = 0n;
  for (const t of s.tiers) {
    if (t.direction !== "withhold") continue;
    if (t.triggerMinor > p) fixedWithheld += t.quantity;
    else if (t.triggerMinor === p) flexWithheld += t.quantity;
  }
  const surely = clamp(s.base - fixedWithheld - flexWithheld);
  let extra = clamp(sold - surely);
  const flexAvailable = clamp(s.base - fixedWithheld) - surely;
  const unwithheld = extra < flexAvailable ? extra : flexAvailable;
  extra -= unwithheld;
  // withheld tiers: the fixed ones in full, the flex ones less what came back (in tier order)
  let back = unwithheld;
  const uses: ReserveUse[] = [];
  let reserveSold = 0n;
  const releases = s.tiers.filter((t) => t.direction === "release").sort((a, b) => (a.triggerMinor < b.triggerMinor ? -1 : a.triggerMinor > b.triggerMinor ? 1 : 0));
  const soldOf = new Map<AuctionTier, bigint>();
  for (const t of releases) {
    if (t.triggerMinor > p) continue;
    const take = extra < t.quantity ? extra : t.quantity;
    soldOf.set(t, take);
    extra -= take;
    reserveSold += take;
  }
  if (extra > 0n) throw new Error(`supply accounting: ${extra} sold beyond the supply at the price`);
  let withheld = 0n;
  for (const t of s.tiers) {
    let w = 0n;
    if (t.direction === "withhold") {
      if (t.triggerMinor > p) w = t.quantity;
      else if (t.triggerMinor === p) {
        const r = back < t.quantity ? back : t.quantity;
        back -= r;
        w = t.quantity - r;
      }
    }
    // a withhold tier cannot keep out more than the base volume
    withheld += w;
    uses.push({ id: t.id, direction: t.direction, triggerMinor: t.triggerMinor, quantity: t.quantity, sold: soldOf.get(t) ?? 0n, withheld: w });
  }
  if (withheld > s.base) {
    // only possible when withhold tiers exceed the volume: cap the record at what was offered
    let over = withheld - s.base;
    for (const u of uses) {
      const cut = over < u.withheld ? over : u.withheld;
      u.withheld -= cut;
      over -= cut;
    }
    withheld = s.base;
  }
  return { uses, reserveSold, withheld };
}
