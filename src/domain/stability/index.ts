// Price and supply controls: reserve tiers and reserve prices per year, collars, the market
// stability reserve and the total number of allowances in circulation.
export { ceilingSales, collarFor, paymentInLieu } from "./collar.ts";
export type { CeilingRequest, CeilingSale, CeilingSaleResult, CollarPrice, CollarYear, PaymentInLieu } from "./collar.ts";
export { EXACT, invalidationRuleFor, msrDecide, msrDecision, msrInvalidate, msrRuleFor, spreadOverWindow } from "./msr.ts";
export type { ExactRate, MonthAmount, MsrArithmetic, MsrBranch, MsrDecision, MsrDecisionResult, MsrInput, MsrOutcome, MsrParams, MsrYearRule } from "./msr.ts";
export { auctionReservePriceFor, floorIsReserve, reserveFigures, reserveSale, reserveTiersFor } from "./reserves.ts";
export type { AuctionReservePrice, ReserveSaleAward, ReserveSaleRequest, ReserveSaleResult, ReserveTierYear, TierFigure } from "./reserves.ts";
export { totalInCirculation } from "./tnac.ts";
export type { TnacFigures } from "./tnac.ts";
