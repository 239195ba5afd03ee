// The rulebook's `auctions` section: how a scheme sells allowances (format, lots, price decimals,
// reserve price path, bidder limits and guarantees, who may bid, non-competitive bids, ties,
// cancellation and undersubscription, unsold volume, the calendar of volumes, and how revenue is
// shared). src/domain/auction reads it through `auctionRulesFor`; every field is described here
// for docs/reference/rulebook.md.
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
const text = () => z.string({ error: "expected a string" }).min(1, { error: "expected a non-empty string" });

const spread = z
  .strictObject({
    spreadOverNext: z.int().min(1).max(100).describe("the volume is added evenly to this many following auctions of the same platform, in whole allowances (EU and UK: 4)"),
    maxIncreaseShare: fraction()
      .optional()
      .describe("no following auction may grow by more than this share of its planned volume; the excess moves to the others (UK: 0.25, i.e. 125%)"),
  })
  .describe("how a volume moves to the following auctions");

const belowReference = z
  .strictObject({
    threshold: fraction().describe("the clearing price is 'significantly below' the reference (secondary market) price when it is below reference x (1 - threshold); the platforms do not publish their method, so this is configurable"),
    action: z
      .enum(["cancel", "exclude-bids"])
      .describe("cancel: the auction is cancelled (EU, Regulation 2023/2830 Art. 7(6)); exclude-bids: bids below that price are left out and the auction clears on the rest (UK Auctioning Regulations reg. 7(1)(c))"),
  })
  .describe("the check of the clearing price against a reference price from the secondary market");

const revenueTable = z.strictObject({
  from: year().describe("first year the table applies"),
  to: year().describe("last year the table applies"),
  shares: z
    .array(z.strictObject({ recipient: text().describe("who receives this part of the proceeds"), share: fraction().describe("share of the proceeds") }))
    .min(1)
    .describe("recipients and their shares; shares sum to at most 1 (what is left stays with the auctioneer)"),
});

export const auctions = z
  .strictObject({
    format: z.enum(["uniform-price-sealed-bid", "discriminatory-sealed-bid"]).default("uniform-price-sealed-bid").describe("auction format (OpenETS clears uniform-price sealed-bid auctions)"),
    frequency: z.enum(["daily", "weekly", "monthly", "quarterly", "yearly"]).optional().describe("how often auctions are held; sets the calendar's number of auctions when `calendar.auctionsPerYear` is absent"),
    lotSize: z.int().min(1).default(1).describe("bids are for multiples of this many allowances"),
    priceDecimals: z.int().min(0).max(4).default(2).describe("decimals of a bid price (and of the clearing price)"),
    maxBidderShare: fraction().optional().describe("one bidder may bid for at most this share of the allowances offered (RGGI 0.25); bids over it are refused"),
    reservePrice: pricePath.optional().describe("minimum (reserve) price: no bid below it is accepted"),
    tieBreak: z
      .enum(["random", "pro-rata", "time-priority"])
      .default("random")
      .describe("how bids at the clearing price share what is left: random order from a seed recorded in the result, the last bid partly filled (EU); pro rata to the quantities bid, whole allowances by largest remainder; or in the order received"),
    undersubscribed: z
      .enum(["cancel", "reserve-price", "lowest-bid"])
      .default("cancel")
      .describe("when bids at or above the reserve price total less than the volume: cancel the auction (EU, Art. 7(5)); settle every bid at the reserve price (RGGI, California-Quebec); or at the lowest bid (UK reg. 7(1)(b)). The volume not sold goes as `unsold` says"),
    belowReference: belowReference.optional(),
    cancelledVolume: spread.optional().describe("what happens to the volume of a cancelled auction (EU: spread over the next 4 auctions)"),
    unsold: z
      .enum(["next-auctions", "reserve", "retire", "held"])
      .default("held")
      .describe("allowances offered but not sold in an auction that cleared: added to the following auctions (`cancelledVolume` says how), moved to a reserve (California after 2 years), retired, or held by the auctioneer"),
    advanceShare: fraction().optional().describe("share of a year's auction volume sold in advance auctions (California: 0.1, 3 years ahead)"),
    bidders: z
      .strictObject({
        eligible: z
          .enum(["any-account-holder", "covered-entities", "registered-participants"])
          .default("any-account-holder")
          .describe("who may bid: any registry account holder (RGGI), only covered entities, or registered participants (any of them qualified by the platform)"),
        guarantee: z.boolean().default(false).describe("every bidder must lodge a bid guarantee covering the value of its bids (quantity x price); bids it does not cover are refused (California)"),
      })
      .default({ eligible: "any-account-holder", guarantee: false })
      .describe("who may bid and what they must lodge"),
    nonCompetitive: z
      .strictObject({
        maxPerBidder: allowances().describe("at most this many allowances per bidder (UK phase 2: 10,000)"),
        coveredOnly: z.boolean().default(true).describe("only covered entities may place them"),
      })
      .optional()
      .describe("non-competitive bids: a quantity without a price, filled at the competitive clearing price before the competitive bids share the rest"),
    calendar: z
      .strictObject({
        auctionsPerYear: z.int().min(1).max(366).optional().describe("number of auctions in a year (default from `frequency`: yearly 1, quarterly 4, monthly 12, weekly 52, daily 250)"),
        volumes: z
          .array(z.strictObject({ year: year().describe("the year"), amount: allowances().describe("allowances auctioned that year") }))
          .default([])
          .describe("published yearly auction volumes; a year without one has none in the calendar unless a volume is given to `ets auction calendar`"),
      })
      .optional()
      .describe("the auction calendar: yearly volumes split evenly over the year's auctions in whole lots"),
    revenue: z.array(revenueTable).default([]).describe("how auction proceeds are shared, per years; when empty, the sold (not free) uses of `allocation.distribution` share them in proportion"),
  })
  .describe("auction rules (src/domain/auction)");

export type AuctionsSection = z.output<typeof auctions>;

type Ctx = z.RefinementCtx;

/** Cross-field rules of the section: ordered paths, tables that do not overlap and sum to at most 1. */
export function refineAuctions(a: AuctionsSection | undefined, ctx: Ctx): void {
  if (!a) return;
  checkPricePath(ctx, a.reservePrice, ["auctions", "reservePrice"]);
  a.calendar?.volumes.forEach((v, i) => {
    const prev = a.calendar?.volumes[i - 1];
    if (prev && v.year <= prev.year) ctx.addIssue({ code: "custom", path: ["auctions", "calendar", "volumes", i, "year"], message: `years must increase (${v.year} after ${prev.year})` });
  });
  a.revenue.forEach((t, i) => {
    if (t.from > t.to) ctx.addIssue({ code: "custom", path: ["auctions", "revenue", i, "to"], message: "`to` is before `from`" });
    const prev = a.revenue[i - 1];
    if (prev && t.from <= prev.to) ctx.addIssue({ code: "custom", path: ["auctions", "revenue", i, "from"], message: `revenue table overlaps the previous one (${t.from} <= ${prev.to})` });
    // shares are decimals with few places: compare in millionths to avoid float noise
    const total = t.shares.reduce((s, x) => s + Math.round(x.share * 1e6), 0);
    if (total > 1e6) ctx.addIssue({ code: "custom", path: ["auctions", "revenue", i, "shares"], message: `shares sum to ${total / 1e6}, more than 1` });
  });
  if (a.unsold === "next-auctions" && !a.cancelledVolume)
    ctx.addIssue({ code: "custom", path: ["auctions", "unsold"], message: "unsold volume to the next auctions needs `cancelledVolume.spreadOverNext`" });
}
