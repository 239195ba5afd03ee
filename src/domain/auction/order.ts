// Bids in price order, highest first, for clearing. The fast path sorts one Float64Array of keys
// price x 2^b + index (b = bits of the bid count) with the engine's native numeric sort: every key
// is an integer below 2^53, so it is held exactly and compared exactly (no floating-point
// arithmetic reaches a price or a quantity). Prices too large for that fall back to a comparator
// sort on bigint. Equal prices keep the input order (lower index first).

/** Indices of the bids whose `accepted` flag is set, highest price first, ties in input order. */
export function orderByPriceDesc(prices: readonly bigint[], accepted: Uint8Array): Uint32Array {
  const n = prices.length;
  let count = 0;
  let max = 0n;
  for (let i = 0; i < n; i++) {
    if (accepted[i] !== 1) continue;
    count++;
    const p = prices[i] as bigint;
    if (p > max) max = p;
  }
  const bits = Math.max(1, Math.ceil(Math.log2(n + 1)));
  const scale = 2 ** bits;
  if (max < BigInt(2 ** (53 - bits))) {
    const keys = new Float64Array(count);
    let k = 0;
    for (let i = 0; i < n; i++) {
      // descending price, ascending index: store (maxPrice - price) x 2^bits + index and sort ascending
      if (accepted[i] === 1) keys[k++] = Number(max - (prices[i] as bigint)) * scale + i;
    }
    keys.sort();
    const out = new Uint32Array(count);
    for (let j = 0; j < count; j++) out[j] = (keys[j] as number) % scale;
    return out;
  }
  const idx: number[] = [];
  for (let i = 0; i < n; i++) if (accepted[i] === 1) idx.push(i);
  idx.sort((a, b) => {
    const pa = prices[a] as bigint;
    const pb = prices[b] as bigint;
    return pa === pb ? a - b : pa > pb ? -1 : 1;
  });
  return Uint32Array.from(idx);
}
