// A map from serial ranges to values: sorted, non-overlapping [start, end] pieces, each with a
// value. International books keep per-serial state this way (who holds a block, its
// authorization, whether it was first transferred): an action on [s, e] splits the pieces at s
// and e and changes only the pieces inside, and equal neighbours merge again, so the cost of an
// action grows with the number of pieces touched, never with the number of units. Immutable:
// every change returns a new map.

export interface Piece<T> {
  readonly start: bigint;
  readonly end: bigint;
  readonly value: T;
}

export type RangeMap<T> = readonly Piece<T>[];

export function size(p: { start: bigint; end: bigint }): bigint {
  return p.end - p.start + 1n;
}

/** The pieces overlapping [start, end], clipped to it, in order. Gaps are simply absent. */
export function slice<T>(map: RangeMap<T>, start: bigint, end: bigint): Piece<T>[] {
  const out: Piece<T>[] = [];
  for (const p of map) {
    if (p.end < start || p.start > end) continue;
    out.push({ start: p.start > start ? p.start : start, end: p.end < end ? p.end : end, value: p.value });
  }
  return out;
}

/** True when every serial of [start, end] is in the map. */
export function covers<T>(map: RangeMap<T>, start: bigint, end: bigint): boolean {
  let next = start;
  for (const p of slice(map, start, end)) {
    if (p.start !== next) return false;
    next = p.end + 1n;
  }
  return next === end + 1n;
}

/** Adds [start, end] with `value`; throws if any serial of it is already in the map. */
export function insert<T>(map: RangeMap<T>, start: bigint, end: bigint, value: T, same: (a: T, b: T) => boolean): RangeMap<T> {
  if (start > end) throw new RangeError(`insert: start ${start} after end ${end}`);
  if (slice(map, start, end).length > 0) throw new RangeError(`insert: [${start}, ${end}] overlaps the map`);
  const out = [...map, { start, end, value }].sort((a, b) => (a.start < b.start ? -1 : 1));
  return merge(out, same);
}

/**
 * Replaces the value of every serial in [start, end] with f(old value). Serials of the range not
 * in the map are left out (callers check `covers` first). Pieces are split at start and end.
 */
export function update<T>(map: RangeMap<T>, start: bigint, end: bigint, f: (v: T) => T, same: (a: T, b: T) => boolean): RangeMap<T> {
  const out: Piece<T>[] = [];
  for (const p of map) {
    if (p.end < start || p.start > end) {
      out.push(p);
      continue;
    }
    if (p.start < start) out.push({ start: p.start, end: start - 1n, value: p.value });
    const s = p.start > start ? p.start : start;
    const e = p.end < end ? p.end : end;
    out.push({ start: s, end: e, value: f(p.value) });
    if (p.end > end) out.push({ start: end + 1n, end: p.end, value: p.value });
  }
  return merge(out, same);
}

/** Joins adjacent pieces with equal values. */
function merge<T>(pieces: Piece<T>[], same: (a: T, b: T) => boolean): Piece<T>[] {
  const out: Piece<T>[] = [];
  for (const p of pieces) {
    const last = out[out.length - 1];
    if (last && last.end + 1n === p.start && same(last.value, p.value)) out[out.length - 1] = { start: last.start, end: p.end, value: last.value };
    else out.push(p);
  }
  return out;
}

/** The total number of serials in pieces. */
export function count<T>(pieces: readonly Piece<T>[]): bigint {
  let n = 0n;
  for (const p of pieces) n += size(p);
  return n;
}
