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

/** Gives `amount` out to the tiers in order, each up to its own size. */
function shareOut(amount: bigint, sizes: readonly bigint[]): bigint[] {
  let left = amount;
  return sizes.map((q) => {
    const take = left < q ? left : q;
    left -= take;
    return take;
  });
}

/**
 * How `sold` allowances at price p split between the offered volume and the tiers. Withhold tiers
 * with a trigger above p keep their allowances out in full (never more than the volume); at p,
 * base allowances come back before any reserve allowance is sold; release tiers at or below p
 * are sold in trigger order, each up to its size.
 */
export function reserveUse(s: Supply, p: bigint, sold: bigint): { uses: ReserveUse[]; reserveSold: bigint; withheld: bigint } {
  const fixed = s.tiers.filter((t) => t.direction === "withhold" && t.triggerMinor > p);
  const flex = s.tiers.filter((t) => t.direction === "withhold" && t.triggerMinor === p);
  const fixedWithheld = sum(fixed.map((t) => t.quantity));
  const available = clamp(s.base - fixedWithheld);
  const flexCap = sum(flex.map((t) => t.quantity));
  const flexWithheldMax = flexCap < available ? flexCap : available;
  const surely = available - flexWithheldMax;
  const baseSold = sold < available ? sold : available;
  const flexWithheld = flexWithheldMax - clamp(baseSold - surely);
  const releases = s.tiers.filter((t) => t.direction === "release" && t.triggerMinor <= p).sort((a, b) => (a.triggerMinor < b.triggerMinor ? -1 : a.triggerMinor > b.triggerMinor ? 1 : 0));
  const extra = sold - baseSold;
  const releaseSold = shareOut(extra, releases.map((t) => t.quantity));
  const reserveSold = sum(releaseSold);
  if (reserveSold !== extra) throw new Error(`supply accounting: ${extra - reserveSold} sold beyond the supply at the price`);
  const soldOf = new Map(releases.map((t, i) => [t, releaseSold[i] as bigint]));
  const fixedOut = shareOut(fixedWithheld < s.base ? fixedWithheld : s.base, fixed.map((t) => t.quantity));
  const flexOut = shareOut(flexWithheld, flex.map((t) => t.quantity));
  const withheldOf = new Map([...fixed.map((t, i) => [t, fixedOut[i] as bigint] as const), ...flex.map((t, i) => [t, flexOut[i] as bigint] as const)]);
  const uses: ReserveUse[] = s.tiers.map((t) => ({ id: t.id, direction: t.direction, triggerMinor: t.triggerMinor, quantity: t.quantity, sold: soldOf.get(t) ?? 0n, withheld: withheldOf.get(t) ?? 0n }));
  return { uses, reserveSold, withheld: sum(fixedOut) + flexWithheld };
}

function sum(xs: readonly bigint[]): bigint {
  let t = 0n;
  for (const x of xs) t += x;
  return t;
}
