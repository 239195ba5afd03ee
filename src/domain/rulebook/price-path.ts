// A price per year as rulebook data: segments that start at a price and grow by a rate (rounded to
// the segment's decimals, chained year on year or compounded directly), an optional inflation table
// whose yearly rate is added to the growth (California: 5% plus CPI-U), and published prices that
// override the rule for their year and that later chained years grow from. `priceMinorFor` in
// ./index.ts derives a year's price exactly, in minor units; nothing here is a float computation.
import { z } from "zod";

const num = () => z.number({ error: "expected a number" });
const nonNegative = () => num().min(0, { error: "expected a number >= 0" });
const year = () =>
  z.int({ error: "expected a whole year" }).min(1990, { error: "expected a year >= 1990" }).max(2200, { error: "expected a year <= 2200" });

const priceSegment = z.strictObject({
  from: year().describe("first year"),
  to: year().optional().describe("last year; open-ended when absent"),
  start: nonNegative().describe("price in the first year"),
  growth: num().min(-1).default(0).describe("yearly growth (0.03 = +3%), compounded"),
  decimals: z.int().min(0).max(6).default(2).describe("decimals the price is rounded to (half up)"),
  chained: z.boolean().default(true).describe("round every year and grow from the rounded value (RGGI), rather than round start x (1 + growth)^n"),
  indexedToInflation: z
    .boolean()
    .default(false)
    .describe("the yearly growth also adds the path's `inflation` rate of the year (California: 5% + CPI-U); years the table lacks add nothing, and `ets rulebook show` says so"),
});

const inflationPoint = z.strictObject({
  year: year().describe("the year whose price this rate raises"),
  rate: num().min(-1).describe("the inflation rate added to the growth for that year (0.062 = 6.2%)"),
  source: z.string().optional().describe("what the rate is (e.g. CPI-U, October to October)"),
});

const publishedPrice = z.strictObject({
  year: year().describe("the year"),
  price: nonNegative().describe("the price the regulator published for that year, in the segment's decimals"),
});

export const pricePath = z
  .strictObject({
    segments: z.array(priceSegment).min(1).describe("segments in year order"),
    inflation: z
      .array(inflationPoint)
      .default([])
      .describe("inflation rate per year for segments with `indexedToInflation` (the consumer price index the rule names)"),
    published: z
      .array(publishedPrice)
      .default([])
      .describe("prices the regulator published; they override the rule for their year, and chained years after them grow from them"),
    note: z.string().optional().describe("what the price is and what the path leaves out"),
  })
  .describe("a price per year; `priceFor(path, year)` derives it (exactly, in minor units, by `priceMinorFor`)");

export type PricePath = z.output<typeof pricePath>;
export type PriceSegment = z.output<typeof priceSegment>;

type Ctx = z.RefinementCtx;
type Path = (string | number)[];

function increasing(ctx: Ctx, points: readonly { year: number }[], path: Path): void {
  points.forEach((p, i) => {
    const prev = points[i - 1];
    if (prev && p.year <= prev.year) ctx.addIssue({ code: "custom", path: [...path, i, "year"], message: `years must increase (${p.year} after ${prev.year})` });
  });
}

/** Segments in order without overlap; inflation and published years increasing. */
export function checkPricePath(ctx: Ctx, p: PricePath | undefined, path: Path): void {
  if (!p) return;
  for (let i = 1; i < p.segments.length; i++) {
    const prev = p.segments[i - 1] as PriceSegment;
    const cur = p.segments[i] as PriceSegment;
    const prevEnd = prev.to ?? Number.POSITIVE_INFINITY;
    if (cur.from <= prevEnd)
      ctx.addIssue({ code: "custom", path: [...path, "segments", i, "from"], message: `price segment overlaps the previous one or is out of order (${cur.from} <= ${prevEnd})` });
  }
  p.segments.forEach((s, i) => {
    if (s.to !== undefined && s.to < s.from) ctx.addIssue({ code: "custom", path: [...path, "segments", i, "to"], message: "`to` is before `from`" });
  });
  increasing(ctx, p.inflation, [...path, "inflation"]);
  increasing(ctx, p.published, [...path, "published"]);
}
