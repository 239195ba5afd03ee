// Auctions and the market stability reserve in the registry: the calendar, auctions with their
// bidders and sealed bids, the close (clearing by src/domain/auction), settlement in one ledger
// batch with its payment records (a hook on auction_delivery keeps them together on every door),
// the reserve transactions an auction calls for, the split of its proceeds by the revenue table,
// payments of the ceiling price in place of allowances, sales at a hard ceiling issued beyond the
// cap, and the reserve's decisions on the TNAC
// computed from the ledger. Every command takes a Caller (the security rules decide who may) and is
// recorded in the audit log; units move only through the secure registry's one write path.
import type { Rulebook } from "../../domain/rulebook/index.ts";
import type { Caller } from "../../domain/security/roles.ts";
import type { SecureRegistry } from "../secure/index.ts";
import * as auctions from "./auctions.ts";
import * as calendar from "./calendar.ts";
import * as ceiling from "./ceiling-payments.ts";
import * as requests from "./ceiling-sale-requests.ts";
import * as sales from "./ceiling-sales.ts";
import { type AuctionCtx, makeCtx, type VerifiedEmissionsSource } from "./context.ts";
import * as msr from "./msr.ts";
import * as reads from "./reads.ts";
import * as settle from "./settle.ts";
import type { KeyPage } from "./store.ts";

export type { AdmitInput, BidInput, CloseInput, CreateInput } from "./auctions.ts";
export type { CalendarEntryView, CalendarInput } from "./calendar.ts";
export { NO_EMISSIONS_SOURCE, type VerifiedEmissionsSource } from "./context.ts";
export type { DecideInput, DecisionView, MonthView, TnacView } from "./msr.ts";
export type { AuctionView, PublicResults, ResultsView } from "./reads.ts";
export type { CeilingPaymentInput, CeilingPaymentView } from "./ceiling-payments.ts";
export { ceilingPaymentsCovering } from "./ceiling-payments.ts";
export { PENDING_STATES, type PendingCeilingSaleView, type PendingState } from "./ceiling-sale-requests.ts";
export type { CeilingSaleInput, CeilingSaleView } from "./ceiling-sales.ts";
export { issuedBeyondCap, saleIssuanceId, saleTransactionId } from "./ceiling-sales.ts";
export type { RevenueView } from "./revenue.ts";
export type { AuctionTransaction, SettlementView } from "./settle.ts";
export type { BidderRow, BidRow, PaymentRow } from "./store.ts";
export { installAuctionRules } from "./hooks.ts";
export { settlementBatchId } from "./store.ts";

export class AuctionService {
  readonly ctx: AuctionCtx;

  constructor(registry: SecureRegistry, opts: { rulebook?: { name: string; rulebook: Rulebook } | undefined; emissions?: VerifiedEmissionsSource | undefined } = {}) {
    this.ctx = makeCtx(registry, opts);
  }

  // the calendar
  writeCalendar = (c: Caller, input: calendar.CalendarInput) => calendar.writeCalendar(this.ctx, c, input);
  calendar = (year: number) => calendar.calendarOf(this.ctx.db, year);

  // an auction
  create = async (c: Caller, input: auctions.CreateInput) => {
    const r = await auctions.createAuction(this.ctx, c, input);
    return r.ok ? { ...r, value: reads.auctionView(r.value, null) } : r;
  };
  admit = (c: Caller, auctionId: string, input: auctions.AdmitInput) => auctions.admitBidder(this.ctx, c, auctionId, input);
  bid = (c: Caller, auctionId: string, input: auctions.BidInput) => auctions.placeBid(this.ctx, c, auctionId, input);
  /** Closes and clears; the result's reserve releases and withholding are proposed as the caller (a second administrator approves them). */
  close = async (c: Caller, auctionId: string, input: auctions.CloseInput) => {
    const r = await auctions.closeAuction(this.ctx, c, auctionId, input);
    if (!r.ok) return r;
    const transactions = await settle.proposeTransactions(this.ctx, c, r.value, new Set(["release"]));
    const view = await reads.getAuction(this.ctx, c, auctionId);
    if (!view.ok) return view;
    return { ok: true as const, value: { ...view.value, transactions }, replayed: r.replayed };
  };
  settle = (c: Caller, auctionId: string, input: { commandId?: string | undefined } = {}) => settle.settleAuction(this.ctx, c, auctionId, input);

  // reads
  get = (c: Caller, auctionId: string) => reads.getAuction(this.ctx, c, auctionId);
  list = (opts: { year?: number | undefined; limit?: number | undefined; before?: { year: number; number: number } | undefined } = {}) => reads.listAuctions(this.ctx, opts);
  bidders = (c: Caller, auctionId: string, page?: KeyPage<string>) => reads.listBidders(this.ctx, c, auctionId, page);
  bids = (c: Caller, auctionId: string, page?: KeyPage<number>) => reads.listBids(this.ctx, c, auctionId, page);
  results = (c: Caller, auctionId: string) => reads.getResults(this.ctx, c, auctionId);
  settlement = (c: Caller, auctionId: string) => reads.getSettlement(this.ctx, c, auctionId);
  payments = (c: Caller, auctionId: string, page?: KeyPage<string>) => reads.listPayments(this.ctx, c, auctionId, page);

  // the price ceiling kept by payment in lieu of allowances (GX-ETS)
  payInLieu = (c: Caller, input: ceiling.CeilingPaymentInput) => ceiling.payInLieu(this.ctx, c, input);
  ceilingPayments = (opts: Parameters<typeof ceiling.listCeilingPayments>[1] = {}) => ceiling.listCeilingPayments(this.ctx.db, opts);

  // a hard ceiling kept by fixed-price sales: allowances issued beyond the cap
  sellAtCeiling = (c: Caller, input: sales.CeilingSaleInput) => sales.sellAtCeiling(this.ctx, c, input);
  ceilingSales = (opts: Parameters<typeof sales.listCeilingSales>[1] = {}) => sales.listCeilingSales(this.ctx.db, opts);
  completeCeilingSale = (c: Caller, commandId: string) => sales.completeCeilingSale(this.ctx, c, commandId);
  pendingCeilingSales = (opts: Parameters<typeof requests.listPendingCeilingSales>[1] = {}) => requests.listPendingCeilingSales(this.ctx.db, opts);
  issuedBeyondCap = (year?: number) => sales.issuedBeyondCap(this.ctx.db, year);

  // the market stability reserve
  tnac = (year: number, verifiedEmissions?: bigint) => msr.tnac(this.ctx, year, verifiedEmissions);
  decide = (c: Caller, input: msr.DecideInput) => msr.decide(this.ctx, c, input);
  decisions = (tnacYear?: number, page?: KeyPage<number>) => msr.decisions(this.ctx.db, tnacYear, page);
  applyMonth = (c: Caller, tnacYear: number, month: string, classCode: unknown) => msr.applyMonth(this.ctx, c, tnacYear, month, classCode);
}
