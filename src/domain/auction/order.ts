// The demand curve of an auction: its distinct accepted bid prices, highest first, with the
// quantity bid at each. Prices are integers (minor units) and quantities whole allowances, both
// held exactly in doubles below 2^53 (see clear.ts). When the prices span a modest range (the
// usual case: cents over a few tens of currency units) the quantities are summed into one bucket
// per price in a single pass, with no sort at all; otherwise the bids are ranked by one native
// sort of exact integer keys price x 2^b + index (b = bits of the bid count), or, for prices too
// large for such keys, by a comparator sort.

/** Distinct prices (descending) and the quantity bid at each. */
export interface PriceLevels {
  price: Float64Array;
  quantity: Float64Array;
}

/** A bucket per price when the range is at most this many prices (or twice the bid count, if larger). */
const MAX_BUCKETS = 1 << 24;

/** Indices of the bids whose `accepted` flag is set, highest price first, ties in input order. Prices are integers below 2^53. */
export function orderByPriceDesc(prices: Float64Array, accepted: Uint8Array): Uint32Array {
  const n = prices.length;
  let count = 0;
  let top = 0;
  for (let i = 0; i < n; i++) {
    if (accepted[i] !== 1) continue;
    count++;
    const p = prices[i] as number;
    if (p > top) top = p;
  }
  const bits = Math.max(1, Math.ceil(Math.log2(n + 1)));
  const scale = 2 ** bits;
  if (top < 2 ** (53 - bits)) {
    // descending price, ascending index: (top - price) x 2^bits + index, an integer below 2^53, sorted ascending
    const keys = new Float64Array(count);
    let k = 0;
    for (let i = 0; i < n; i++) if (accepted[i] === 1) keys[k++] = (top - (prices[i] as number)) * scale + i;
    keys.sort();
    const out = new Uint32Array(count);
    for (let j = 0; j < count; j++) out[j] = (keys[j] as number) % scale;
    return out;
  }
  const idx: number[] = [];
  for (let i = 0; i < n; i++) if (accepted[i] === 1) idx.push(i);
  idx.sort((a, b) => {
    const pa = prices[a] as number;
    const pb = prices[b] as number;
    return pa === pb ? a - b : pa > pb ? -1 : 1;
  });
  return Uint32Array.from(idx);
}

function fromBuckets(prices: Float64Array, quantities: Float64Array, accepted: Uint8Array, low: number, high: number): PriceLevels {
  const span = high - low + 1;
  const bucket = new Float64Array(span);
  for (let i = 0; i < prices.length; i++) if (accepted[i] === 1) bucket[(prices[i] as number) - low] = (bucket[(prices[i] as number) - low] as number) + (quantities[i] as number);
  let levels = 0;
  for (let j = 0; j < span; j++) if ((bucket[j] as number) > 0) levels++;
  const price = new Float64Array(levels);
  const quantity = new Float64Array(levels);
  let k = 0;
  for (let j = span - 1; j >= 0; j--) {
    const q = bucket[j] as number;
    if (q > 0) {
      price[k] = low + j;
      quantity[k++] = q;
    }
  }
  return { price, quantity };
}

function fromOrder(prices: Float64Array, quantities: Float64Array, order: Uint32Array): PriceLevels {
  const price: number[] = [];
  const quantity: number[] = [];
  for (let k = 0; k < order.length; k++) {
    const i = order[k] as number;
    const p = prices[i] as number;
    const last = price.length - 1;
    if (last >= 0 && price[last] === p) quantity[last] = (quantity[last] as number) + (quantities[i] as number);
    else {
      price.push(p);
      quantity.push(quantities[i] as number);
    }
  }
  return { price: Float64Array.from(price), quantity: Float64Array.from(quantity) };
}

/** The accepted bids' price levels, highest first. */
export function priceLevels(prices: Float64Array, quantities: Float64Array, accepted: Uint8Array): PriceLevels {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < prices.length; i++) {
    if (accepted[i] !== 1) continue;
    const p = prices[i] as number;
    if (p < low) low = p;
    if (p > high) high = p;
  }
  if (high < low) return { price: new Float64Array(0), quantity: new Float64Array(0) };
  if (high - low + 1 <= Math.max(MAX_BUCKETS, 2 * prices.length) && high - low + 1 <= 2 ** 26) return fromBuckets(prices, quantities, accepted, low, high);
  return fromOrder(prices, quantities, orderByPriceDesc(prices, accepted));
}
