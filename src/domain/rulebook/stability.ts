// The rulebook's `stability` section: price collars (a ceiling sold at a fixed price or paid in
// lieu of allowances, a floor), reserve tiers released above a trigger or withheld below it (RGGI's
// cost and emissions containment reserves, California's reserve tiers), and the EU market stability
// reserve with every threshold, rate, window and date as data. src/domain/stability reads it.
import { z } from "zod";
import { checkPricePath, pricePath } from "./price-path.ts";

const num = () => z.number({ error: "expected a number" });
const fraction = () => num().min(0, { error: "expected a fraction >= 0" }).max(1, { error: "expected a fraction <= 1" });
const year = () =>
  z.int({ error: "expected a whole year" }).min(1990, { error: "expected a year >= 1990" }).max(2200, { error: "expected a year <= 2200" });
const allowances = () =>
  z
    .union([z.int().min(0), z.string().regex(/^\d+$/)], { error: "expected a whole number of allowances >= 0" })
    .transform((v) => BigInt(v))
    .describe("whole allowances (t-CO2e); an integer, or a string of digits");
const id = () => z.string({ error: "expected a string" }).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { error: "expected an id (letters, digits, . _ -)" });
const monthDay = () => z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { error: "expected a date as MM-DD" });

const ceiling = pricePath
  .extend({
    mechanism: z
      .enum(["fixed-price-sale", "payment-in-lieu", "price-ceiling-units"])
      .default("fixed-price-sale")
      .describe("fixed-price-sale: allowances are sold at the ceiling in any quantity, issued beyond the cap; payment-in-lieu: a covered entity pays the ceiling price per allowance instead of surrendering it (GX-ETS); price-ceiling-units: units sold at the ceiling only for a shortfall at the next surrender, once every reserve tier is empty (California)"),
  })
  .describe("the price ceiling per year and how it is kept");

const floor = pricePath
  .extend({
    mechanism: z
      .enum(["auction-reserve", "reverse-auction", "supply-adjustment"])
      .default("auction-reserve")
      .describe("auction-reserve: auctions sell nothing below it (the reserve price is the floor); reverse-auction: the government buys back allowances (GX-ETS); supply-adjustment: allocation or auction volumes are cut"),
    auctionReserve: z
      .boolean()
      .optional()
      .describe("the floor is also the reserve price of every auction (the higher of it and `auctions.reservePrice`): no allowance is sold below the price the scheme defends. Default: true for `auction-reserve`, false otherwise"),
  })
  .describe("the price floor per year and how it is kept");

const tierSize = z
  .discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("amount"), amount: allowances().describe("allowances each year") }),
    z.strictObject({ kind: z.literal("capShare"), share: fraction().describe("share of the year's cap, rounded half up to whole allowances") }),
    z.strictObject({
      kind: z.literal("byYear"),
      amounts: z.array(z.strictObject({ year: year(), amount: allowances() })).min(1).describe("allowances per year; a year without an entry has none"),
    }),
  ])
  .describe("volume of the tier each year");

const reserveTier = z.strictObject({
  id: id().describe("tier id (`ccr`, `ecr`, `apcr-1` ...); `ets rulebook show --year` reports the first release tier as `ccr` and the first withhold tier as `ecr`"),
  trigger: pricePath.describe("trigger price per year; the tier exists in the years its path covers"),
  size: tierSize,
  direction: z
    .enum(["release", "withhold"])
    .default("release")
    .describe("release: added to the auction when the interim clearing price is at or above the trigger (cost containment); withhold: kept out when it is below the trigger, only as much as needed to keep the price at the trigger (emissions containment)"),
  sale: z
    .enum(["in-auction", "reserve-sale"])
    .default("in-auction")
    .describe("in-auction: the tier takes part in the auction's clearing (RGGI); reserve-sale: sold at its tier price in separate reserve sales (California)"),
});

const window = z
  .strictObject({
    yearOffset: z.int().min(0).max(3).describe("years after the TNAC year the window starts in"),
    startMonth: z.int().min(1).max(12).describe("first month of the window"),
    months: z.int().min(1).max(36).describe("number of months the amount is spread over, in whole allowances that sum exactly"),
  })
  .describe("months over which an intake or release changes auction volumes");

const intakeRate = z.strictObject({
  from: year().describe("first TNAC year (the year the TNAC counts up to; it is published the year after)"),
  to: year().optional().describe("last TNAC year; open-ended when absent"),
  rate: fraction().describe("share of TNAC taken in"),
  minIntake: allowances().optional().describe("no intake by this rate when it would be smaller (overrides the section's `minIntake`)"),
  window: window.optional().describe("the months this intake is spread over (overrides `intakeWindow`; the 2019 start: January-August 2019 at 16%)"),
});

const invalidation = z.strictObject({
  from: year().describe("first year (of the 1 January on which holdings are checked)"),
  to: year().optional().describe("last year; open-ended when absent"),
  above: z
    .union([allowances(), z.literal("previous-year-auction-volume")])
    .describe("holdings above this are invalidated: a number of allowances (400 M from 2024), or the previous year's total auction volume (2023)"),
});

const msr = z
  .strictObject({
    upperThreshold: allowances().describe("TNAC above this: intake"),
    lowerThreshold: allowances().describe("TNAC below this: release"),
    intakeRates: z.array(intakeRate).min(1).describe("share of TNAC taken in, per TNAC years"),
    minIntake: allowances().optional().describe("no intake by the rate when the amount would be smaller (the buffer rule's intake is not subject to it)"),
    buffer: z
      .strictObject({
        upTo: allowances().describe("when upperThreshold < TNAC <= upTo, intake = TNAC - upperThreshold"),
        from: year().describe("first TNAC year the buffer rule applies to (2023, published 2024)"),
      })
      .optional()
      .describe("the buffer rule of Directive (EU) 2023/959"),
    release: allowances().describe("released when TNAC is below the lower threshold (all the reserve holds if it holds fewer)"),
    releaseWindow: window.optional().describe("the months a release is added to auctions over (default: `intakeWindow`)"),
    intakeWindow: window.default({ yearOffset: 1, startMonth: 9, months: 12 }).describe("the months an intake reduces auctions over (EU: September of the year after the TNAC year, 12 months)"),
    invalidation: z.array(invalidation).default([]).describe("holdings of the reserve above a threshold are no longer valid, per years"),
    publication: monthDay().default("06-01").describe("the TNAC of year x is published by this date (MM-DD) of year x + 1"),
    rounding: z.enum(["halfUp", "halfEven", "floor", "ceil"]).default("halfUp").describe("how rate x TNAC becomes whole allowances (the Commission's published intakes round to the nearest)"),
    from: year().optional().describe("first year the reserve operates (EU: 2019)"),
  })
  .describe("a market stability reserve on the total number of allowances in circulation (EU)");

export const stability = z
  .strictObject({
    priceCeiling: ceiling.optional(),
    priceFloor: floor.optional(),
    reserveTiers: z.array(reserveTier).default([]).describe("cost or emissions containment reserve tiers"),
    reserveSale: z
      .strictObject({
        triggerShareOfLowestTier: fraction().describe("a reserve sale is held only when the previous current auction settled at or above this share of the lowest tier price (California 95913(d): 0.6)"),
        oversubscribed: z.enum(["pro-rata"]).default("pro-rata").describe("how a tier's allowances are shared when more are requested than it holds: pro rata to the requests, whole allowances by largest remainder"),
      })
      .optional()
      .describe("fixed-price sales from the `reserve-sale` tiers, outside the auctions (California's allowance price containment reserve)"),
    msr: msr.optional(),
  })
  .describe("price and supply controls (src/domain/stability)");

export type StabilitySection = z.output<typeof stability>;
export type ReserveTierRule = z.output<typeof reserveTier>;
export type MsrSection = z.output<typeof msr>;
export type MsrWindow = z.output<typeof window>;

type Ctx = z.RefinementCtx;
type Path = (string | number)[];

function ordered(ctx: Ctx, list: readonly { from: number; to?: number | undefined }[], path: Path, what: string): void {
  list.forEach((x, i) => {
    if (x.to !== undefined && x.to < x.from) ctx.addIssue({ code: "custom", path: [...path, i, "to"], message: "`to` is before `from`" });
    const prev = list[i - 1];
    if (prev && x.from <= (prev.to ?? Number.POSITIVE_INFINITY))
      ctx.addIssue({ code: "custom", path: [...path, i, "from"], message: `${what} overlaps the previous one or is out of order` });
  });
}

/** Cross-field rules: ordered paths and periods, unique tier ids, thresholds in order. */
export function refineStability(st: StabilitySection | undefined, ctx: Ctx): void {
  if (!st) return;
  checkPricePath(ctx, st.priceCeiling, ["stability", "priceCeiling"]);
  checkPricePath(ctx, st.priceFloor, ["stability", "priceFloor"]);
  const ids = new Set<string>();
  st.reserveTiers.forEach((t, i) => {
    checkPricePath(ctx, t.trigger, ["stability", "reserveTiers", i, "trigger"]);
    if (ids.has(t.id)) ctx.addIssue({ code: "custom", path: ["stability", "reserveTiers", i, "id"], message: `duplicate tier id "${t.id}"` });
    ids.add(t.id);
  });
  const m = st.msr;
  if (!m) return;
  if (m.lowerThreshold > m.upperThreshold) ctx.addIssue({ code: "custom", path: ["stability", "msr", "lowerThreshold"], message: "must not exceed upperThreshold" });
  if (m.buffer && m.buffer.upTo <= m.upperThreshold) ctx.addIssue({ code: "custom", path: ["stability", "msr", "buffer", "upTo"], message: "must be above upperThreshold" });
  ordered(ctx, m.intakeRates, ["stability", "msr", "intakeRates"], "intake rate");
  ordered(ctx, m.invalidation, ["stability", "msr", "invalidation"], "invalidation rule");
}
