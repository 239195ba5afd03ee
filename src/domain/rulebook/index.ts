// Reading a rulebook: validation with field paths, and the figures every other part derives from
// it (cap per year, auction share per sector and year, price paths, periods, reduction rates).
// Pure: a rulebook arrives as a parsed value (src/io/rulebook.ts reads files and presets).
// Allowance amounts are exact (bigint); decimal rates in the file are read as exact fractions
// (0.0174 is 174/10000), so derived caps and prices do not depend on float rounding.
import { div, mulDiv } from "../quantity/index.ts";
import { rulebookSchema } from "./schema.ts";
import type { BenchmarkProduct, PricePath, Reduction, Rulebook, Schedule, SectorRule } from "./schema.ts";

export { rulebookSchema } from "./schema.ts";
export type { BenchmarkProduct, CapSegment, PricePath, Reduction, Rulebook, RulebookInput, Schedule, SectorRule } from "./schema.ts";

export interface RulebookError {
  /** Field path as written in a file, e.g. `allocation.sectors.steel.benchmark.products[0].value`. */
  path: string;
  message: string;
}

export type RulebookParse = { ok: true; rulebook: Rulebook } | { ok: false; errors: RulebookError[] };

/** `["a", "b", 0, "c"]` -> `a.b[0].c`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out === "" ? String(seg) : `.${String(seg)}`;
  }
  return out;
}

/** Validates a parsed YAML/JSON value. Every problem is reported with its path and reason. */
export function parseRulebook(value: unknown): RulebookParse {
  const r = rulebookSchema.safeParse(value, { reportInput: true });
  if (r.success) return { ok: true, rulebook: r.data };
  const errors: RulebookError[] = [];
  for (const i of r.error.issues) {
    if (i.code === "unrecognized_keys") {
      // one error per unknown key, at the key itself (so a YAML line points at it)
      for (const k of i.keys) errors.push({ path: formatPath([...i.path, k]), message: "unknown field (misspelt, or not part of the rulebook format)" });
    } else if (i.code === "invalid_type" && i.input === undefined) {
      errors.push({ path: formatPath(i.path), message: "required field is missing" });
    } else {
      errors.push({ path: formatPath(i.path), message: i.message });
    }
  }
  return { ok: false, errors };
}

/** One line per error: `path: reason`. */
export function formatErrors(errors: readonly RulebookError[]): string {
  return errors.map((e) => `${e.path || "(top level)"}: ${e.message}`).join("\n");
}

// ---------------------------------------------------------------- exact decimals

/** A finite number as an exact fraction of its shortest decimal form: 0.0174 -> [174n, 10000n]. */
export function decimalFraction(x: number): [bigint, bigint] {
  if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(x));
  if (!m) throw new RangeError(`cannot read ${x} as a decimal`);
  const [, sign, int, frac = "", exp = "0"] = m;
  let num = BigInt(`${int}${frac}`);
  let den = 10n ** BigInt(frac.length);
  const e = Number(exp);
  if (e > 0) num *= 10n ** BigInt(e);
  if (e < 0) den *= 10n ** BigInt(-e);
  return [sign === "-" ? -num : num, den];
}

// ---------------------------------------------------------------- cap

function step(seg: Rulebook["cap"]["segments"][number]): bigint | undefined {
  const r = seg.reduction;
  switch (r.kind) {
    case "amount":
      return r.perYear;
    case "factor": {
      const [n, d] = decimalFraction(r.factor);
      return mulDiv(r.reference, n, d, "halfUp");
    }
    case "rate":
      return undefined;
  }
}

function nextGeometric(prev: bigint, rate: number): bigint {
  const [n, d] = decimalFraction(rate);
  return mulDiv(prev, d - n, d, "halfUp");
}

function segmentCap(rb: Rulebook, index: number, y: number): bigint {
  const seg = rb.cap.segments[index];
  if (!seg) throw new RangeError(`no cap segment ${index}`);
  let start: bigint;
  if (seg.start !== undefined) start = seg.start;
  else {
    const prev = rb.cap.segments[index - 1];
    if (!prev || prev.to === undefined) throw new RangeError("a continuing cap segment needs a closed previous segment");
    const before = segmentCap(rb, index - 1, prev.to);
    const s = step(seg);
    start = s === undefined ? nextGeometric(before, (seg.reduction as { rate: number }).rate) : before - s;
  }
  const n = y - seg.from;
  const s = step(seg);
  let v: bigint;
  if (s !== undefined) v = start - s * BigInt(n);
  else {
    v = start;
    for (let i = 0; i < n; i++) v = nextGeometric(v, (seg.reduction as { rate: number }).rate);
  }
  return v < 0n ? 0n : v;
}

/**
 * The cap of a year in whole allowances: an explicit figure if the rulebook publishes one, else
 * the segment's rule (linear: start - step x (year - from), never below 0; geometric: the previous
 * year's cap x (1 - rate) rounded half up). Undefined outside the trajectory.
 */
export function capFor(rb: Rulebook, year: number): bigint | undefined {
  const explicit = rb.cap.explicit.find((e) => e.year === year);
  if (explicit) return explicit.amount;
  const i = rb.cap.segments.findIndex((s) => s.from <= year && year <= (s.to ?? Number.POSITIVE_INFINITY));
  return i < 0 ? undefined : segmentCap(rb, i, year);
}

/** Caps for every year from..to that has one. */
export function capTrajectory(rb: Rulebook, from: number, to: number): { year: number; cap: bigint }[] {
  const out: { year: number; cap: bigint }[] = [];
  for (let y = from; y <= to; y++) {
    const c = capFor(rb, y);
    if (c !== undefined) out.push({ year: y, cap: c });
  }
  return out;
}

/** First and last year the rulebook defines a cap for (the last open-ended segment ends with the last period). */
export function capYears(rb: Rulebook): { from: number; to: number } | undefined {
  const years = [...rb.cap.explicit.map((e) => e.year), ...rb.cap.segments.flatMap((s) => [s.from, s.to ?? s.from])];
  const lastPeriod = rb.periods[rb.periods.length - 1]?.to;
  if (years.length === 0) return undefined;
  const from = Math.min(...years);
  let to = Math.max(...years);
  if (rb.cap.segments.some((s) => s.to === undefined) && lastPeriod !== undefined) to = Math.max(to, lastPeriod);
  return { from, to };
}

// ---------------------------------------------------------------- periods

export interface YearSpan {
  id: string;
  from: number;
  to: number;
}

/** The trading period (phase) containing the year, if any. */
export function periodOf(rb: Rulebook, year: number): YearSpan | undefined {
  const p = rb.periods.find((x) => x.from <= year && year <= x.to);
  return p ? { id: p.id, from: p.from, to: p.to } : undefined;
}

/** The compliance period containing the year; each year is its own when none are listed. */
export function compliancePeriodOf(rb: Rulebook, year: number): YearSpan | undefined {
  const list = rb.compliancePeriods;
  if (list.length === 0) return { id: String(year), from: year, to: year };
  const p = list.find((x) => x.from <= year && year <= x.to);
  return p ? { id: p.id, from: p.from, to: p.to } : undefined;
}

// ---------------------------------------------------------------- auction share

/** A schedule's value in a year: linear or step between points, the nearest point outside them. */
export function scheduleValue(s: Schedule, year: number): number {
  const pts = s.points;
  const first = pts[0];
  const last = pts[pts.length - 1];
  if (!first || !last) throw new RangeError("empty schedule");
  if (year <= first.year) return first.share;
  if (year >= last.year) return last.share;
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1] as { year: number; share: number };
    const b = pts[i] as { year: number; share: number };
    if (year === b.year) return b.share;
    if (year < b.year) {
      if (s.interpolation === "step") return a.share;
      return a.share + ((b.share - a.share) * (year - a.year)) / (b.year - a.year);
    }
  }
  return last.share;
}

export function isExposed(rb: Rulebook, sector: string): boolean {
  return rb.leakage.exposedSectors.includes(sector);
}

export function sectorRule(rb: Rulebook, sector: string): SectorRule | undefined {
  return Object.hasOwn(rb.allocation.sectors, sector) ? rb.allocation.sectors[sector] : undefined;
}

/**
 * The share of a sector's allowances auctioned in a year (0..1): 0 for leakage-exposed sectors when
 * the rulebook keeps them free, 1 for sectors allocated by auction, else the sector's schedule or the
 * default one. Throws for a sector the rulebook does not know.
 */
export function auctionShareFor(rb: Rulebook, sector: string, year: number): number {
  const rule = sectorRule(rb, sector);
  if (!rule) throw new RangeError(`unknown sector "${sector}" (rulebook ${rb.scheme.id} has: ${Object.keys(rb.allocation.sectors).join(", ")})`);
  const as = rb.allocation.auctionShare;
  if (as.exposedSectorsFree && isExposed(rb, sector)) return 0;
  if (rule.method === "auction") return 1;
  const own = Object.hasOwn(as.sectors, sector) ? as.sectors[sector] : undefined;
  return scheduleValue(own ?? as.default, year);
}

// ---------------------------------------------------------------- prices

/** A price path as `priceFor` reads it (inflation and published prices may be left out). */
export type PricePathInput = Pick<PricePath, "segments"> & Partial<Pick<PricePath, "inflation" | "published">>;

/** A year's price exactly: an integer of `decimals` decimal places (2.38 at 2 is 238n). */
export interface PriceMinor {
  minor: bigint;
  decimals: number;
  /** The regulator's published figure for the year, rather than the rule's. */
  published: boolean;
  /** Years whose growth was meant to add inflation but the path's table has no rate for them. */
  inflationMissing: number[];
}

function scaled(x: number, decimals: number): bigint {
  const [n, d] = decimalFraction(x);
  return mulDiv(n, 10n ** BigInt(decimals), d, "halfUp");
}

/**
 * A price path's value in a year, exactly, in minor units of the segment's decimals; undefined
 * outside its segments. A published price wins for its year. Chained segments grow from the
 * previous year's price (published or derived) by 1 + growth (+ the year's inflation rate when
 * the segment is indexed) and round half up every year (RGGI: 2.38 -> 2.44 -> 2.50 -> 2.56 ->
 * 2.62); other segments round start x the product of the yearly factors once.
 */
export function priceMinorFor(path: PricePathInput, year: number): PriceMinor | undefined {
  const seg = path.segments.find((s) => s.from <= year && year <= (s.to ?? Number.POSITIVE_INFINITY));
  if (!seg) return undefined;
  const decimals = seg.decimals;
  const published = new Map((path.published ?? []).map((p) => [p.year, p.price]));
  const inflation = new Map((path.inflation ?? []).map((p) => [p.year, p.rate]));
  const own = published.get(year);
  if (own !== undefined) return { minor: scaled(own, decimals), decimals, published: true, inflationMissing: [] };
  const [gn, gd] = decimalFraction(seg.growth);
  const missing: number[] = [];
  // the factor 1 + growth (+ inflation) of year k, as an exact fraction
  const factor = (k: number): [bigint, bigint] => {
    const rate = seg.indexedToInflation ? inflation.get(k) : undefined;
    if (seg.indexedToInflation && rate === undefined) missing.push(k);
    if (rate === undefined) return [gd + gn, gd];
    const [inN, inD] = decimalFraction(rate);
    return [(gd + gn) * inD + inN * gd, gd * inD];
  };
  if (seg.chained) {
    let minor = scaled(published.get(seg.from) ?? seg.start, decimals);
    for (let k = seg.from + 1; k <= year; k++) {
      const p = published.get(k);
      if (p !== undefined) {
        minor = scaled(p, decimals);
        continue;
      }
      const [n, d] = factor(k);
      minor = mulDiv(minor, n, d, "halfUp");
    }
    return { minor, decimals, published: false, inflationMissing: missing };
  }
  const [sn, sd] = decimalFraction(seg.start);
  let num = sn * 10n ** BigInt(decimals);
  let den = sd;
  for (let k = seg.from + 1; k <= year; k++) {
    const [n, d] = factor(k);
    num *= n;
    den *= d;
  }
  return { minor: div(num, den, "halfUp"), decimals, published: false, inflationMissing: missing };
}

/** A price path's value in a year as a number (exact decimal text: 2.62, 4429); undefined outside it. */
export function priceFor(path: PricePathInput, year: number): number | undefined {
  const p = priceMinorFor(path, year);
  return p === undefined ? undefined : Number(p.minor) / 10 ** p.decimals;
}

export function priceCeilingFor(rb: Rulebook, year: number): number | undefined {
  const p = rb.stability?.priceCeiling;
  return p ? priceFor(p, year) : undefined;
}

export function priceFloorFor(rb: Rulebook, year: number): number | undefined {
  const p = rb.stability?.priceFloor;
  return p ? priceFor(p, year) : undefined;
}

export function reservePriceFor(rb: Rulebook, year: number): number | undefined {
  const p = rb.auctions?.reservePrice;
  return p ? priceFor(p, year) : undefined;
}

// ---------------------------------------------------------------- grandfathering rates

/** The reduction rate of a `reduction` rule in a year (byPeriod: the rate of the year's period, 0 if none). */
export function reductionRate(rb: Rulebook, r: Reduction, year: number): number {
  switch (r.kind) {
    case "fixed":
      return r.rate;
    case "byPeriod": {
      const p = periodOf(rb, year);
      return p && Object.hasOwn(r.rates, p.id) ? (r.rates[p.id] as number) : 0;
    }
    case "annual": {
      const n = Math.max(0, year - r.fromYear);
      const rate = r.compounding === "linear" ? r.annualRate * n : 1 - (1 - r.annualRate) ** n;
      return Math.min(1, rate);
    }
  }
}

/**
 * A grandfathered installation's reduction rate: its class's rule (or the sector's), times the
 * top-level factor of its certified status if any (Tokyo: top-level x 1/2, near-top x 3/4).
 */
export function grandfatheringRate(
  rb: Rulebook,
  sector: string,
  year: number,
  installation: { class?: string; status?: string } = {},
): number {
  const rule = sectorRule(rb, sector);
  if (!rule || rule.method !== "grandfathering") throw new RangeError(`sector "${sector}" is not grandfathered in ${rb.scheme.id}`);
  let r = rule.reduction;
  if (installation.class !== undefined) {
    const c = Object.hasOwn(rule.classes, installation.class) ? rule.classes[installation.class] : undefined;
    if (!c) throw new RangeError(`unknown class "${installation.class}" in sector "${sector}" (classes: ${Object.keys(rule.classes).join(", ")})`);
    r = c.reduction;
  }
  let rate = reductionRate(rb, r, year);
  if (installation.status !== undefined) {
    const f = Object.hasOwn(rule.topLevelFactors, installation.status) ? rule.topLevelFactors[installation.status] : undefined;
    if (f === undefined) throw new RangeError(`unknown status "${installation.status}" in sector "${sector}"`);
    rate *= f;
  }
  return rate;
}

// ---------------------------------------------------------------- benchmarks, distribution

/** A product benchmark of a benchmark sector, or undefined. */
export function productBenchmark(rb: Rulebook, sector: string, product: string): BenchmarkProduct | undefined {
  const rule = sectorRule(rb, sector);
  if (!rule || rule.method !== "benchmark") return undefined;
  return rule.products.find((p) => p.id === product);
}

/** The distribution table (shares of the allowance budget) in force in a year; [] when none. */
export function distributionFor(rb: Rulebook, year: number): Rulebook["allocation"]["distribution"][number]["shares"] {
  return rb.allocation.distribution.find((d) => d.from <= year && year <= d.to)?.shares ?? [];
}
