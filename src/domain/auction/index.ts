// Auctions: uniform-price sealed-bid clearing with reserve prices, reserve tiers, limits,
// guarantees, non-competitive bids, ties and cancellation; the results statement; the calendar;
// revenue shares; the settlement plan that phase 2 applies as one ledger batch.
export { checkBids, MAX_ISSUES } from "./bids.ts";
export { auctionCalendar, auctionsPerYear, splitVolume, spreadCarryOver } from "./calendar.ts";
export type { CalendarAuction, CalendarResult } from "./calendar.ts";
export { clearAuction, coverRatio, MAX_BIDS, spreadEvenly } from "./clear.ts";
export { seededPermutation } from "./random.ts";
export { distributeRevenue, revenueFor, revenueTableFor } from "./revenue.ts";
export type { RevenuePart, RevenueShare } from "./revenue.ts";
export { auctionRulesFor, defaultAuctionRules, rescale } from "./rules.ts";
export type { RuleOverrides } from "./rules.ts";
export { settlementPlan } from "./settlement.ts";
export type { AccountRole, SettlementLeg, SettlementPlan } from "./settlement.ts";
export { statementOf } from "./statement.ts";
export type { Statement } from "./statement.ts";
export type * from "./types.ts";
