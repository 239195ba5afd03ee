// Every page of the console: its path, its title, who may open it, and the navigation. Adding a
// page is adding a line here (and its messages); docs/internals/console.md walks through it.
// The server serves the app for every path under CONSOLE_PREFIXES (src/http/console.ts); a test
// checks that each path here is one of them.
import type { ReactNode } from "react";
import type { MessageKey } from "../../src/i18n/index.ts";
import type { Scheme } from "./api/types.ts";
import { BaselinesPage } from "./pages/allocation/baselines.tsx";
import { AuctionPage } from "./pages/auctions/auction.tsx";
import { AuctionsPage } from "./pages/auctions/auctions.tsx";
import { AllocationPage } from "./pages/allocation/run.tsx";
import { CeilingPaymentsPage } from "./pages/compliance/ceiling-payments.tsx";
import { CeilingSalesPage } from "./pages/compliance/ceiling-sales.tsx";
import { LinksPage } from "./pages/international/links.tsx";
import { ExPostPage } from "./pages/compliance/ex-post.tsx";
import { ReportsPage } from "./pages/compliance/reports.tsx";
import { StatusPage } from "./pages/compliance/status.tsx";
import { SurrenderPage } from "./pages/compliance/surrender.tsx";
import { VerificationPage } from "./pages/compliance/verification.tsx";
import { DashboardPage } from "./pages/dashboard.tsx";
import { InternationalPage } from "./pages/international/units.tsx";
import { ProfilePage } from "./pages/profile.tsx";
import { PublicAccountsPage, PublicAllocationsPage, PublicCompliancePage, PublicTransactionsPage } from "./pages/public.tsx";
import { AccountPage } from "./pages/registry/account.tsx";
import { AccountsPage } from "./pages/registry/accounts.tsx";
import { TransactionPage } from "./pages/registry/transaction.tsx";
import { ApprovalsPage, TransactionsPage } from "./pages/registry/transactions.tsx";
import { TransferPage } from "./pages/registry/transfer.tsx";
import { SignInPage } from "./pages/sign-in.tsx";
import { ComparePage } from "./pages/simulator/compare.tsx";
import { SimulatorPage } from "./pages/simulator/run.tsx";
import type { abilities } from "./session.tsx";

export interface RouteDef {
  path: string;
  title: MessageKey;
  access: "public" | "signed-in";
  page: (props: { params: Record<string, string> }) => ReactNode;
}

export const ROUTES: readonly RouteDef[] = [
  { path: "/", title: "dashboard.title", access: "public", page: DashboardPage },
  { path: "/sign-in", title: "signIn.title", access: "public", page: SignInPage },
  { path: "/profile", title: "profile.title", access: "signed-in", page: ProfilePage },
  { path: "/registry/accounts", title: "accounts.title", access: "signed-in", page: AccountsPage },
  { path: "/registry/accounts/:accountId", title: "account.title", access: "signed-in", page: AccountPage },
  { path: "/registry/transactions", title: "transactions.title", access: "signed-in", page: TransactionsPage },
  { path: "/registry/transactions/:transactionId", title: "transaction.title", access: "signed-in", page: TransactionPage },
  { path: "/registry/transfer", title: "transfer.title", access: "signed-in", page: TransferPage },
  { path: "/registry/approvals", title: "approvals.title", access: "signed-in", page: ApprovalsPage },
  { path: "/international", title: "intl.title", access: "signed-in", page: InternationalPage },
  { path: "/international/links", title: "lnk.title", access: "signed-in", page: LinksPage },
  { path: "/allocation", title: "allocation.title", access: "signed-in", page: AllocationPage },
  { path: "/allocation/baselines", title: "baselines.title", access: "signed-in", page: BaselinesPage },
  { path: "/simulator", title: "sim.title", access: "signed-in", page: SimulatorPage },
  { path: "/simulator/compare", title: "sim.compareTitle", access: "signed-in", page: ComparePage },
  { path: "/public/accounts", title: "public.accountsTitle", access: "public", page: PublicAccountsPage },
  { path: "/public/allocations", title: "public.allocationsTitle", access: "public", page: PublicAllocationsPage },
  { path: "/public/transactions", title: "public.transactionsTitle", access: "public", page: PublicTransactionsPage },
  { path: "/public/compliance", title: "public.complianceTitle", access: "public", page: PublicCompliancePage },
  { path: "/auctions", title: "auctions.title", access: "public", page: AuctionsPage },
  { path: "/auctions/:auctionId", title: "auction.title", access: "public", page: AuctionPage },
  { path: "/compliance/reports", title: "cpl.reports.title", access: "signed-in", page: ReportsPage },
  { path: "/compliance/verification", title: "cpl.verify.title", access: "signed-in", page: VerificationPage },
  { path: "/compliance/surrender", title: "cpl.surrender.title", access: "signed-in", page: SurrenderPage },
  { path: "/compliance/status", title: "cpl.status.title", access: "signed-in", page: StatusPage },
  { path: "/compliance/ex-post", title: "xp.title", access: "signed-in", page: ExPostPage },
  { path: "/compliance/ceiling-payments", title: "cp.title", access: "signed-in", page: CeilingPaymentsPage },
  { path: "/compliance/ceiling-sales", title: "cs.title", access: "signed-in", page: CeilingSalesPage },
];

type Can = ReturnType<typeof abilities>;

export interface NavGroup {
  title: MessageKey;
  show: (can: Can) => boolean;
  /** An item shows when its group does and its own test (what the user may do, what the scheme has) passes. */
  items: ReadonlyArray<{ path: string; label: MessageKey; show?: (can: Can, scheme: Scheme | undefined) => boolean }>;
}

export const NAV: readonly NavGroup[] = [
  { title: "nav.overview", show: () => true, items: [{ path: "/", label: "nav.dashboard" }] },
  {
    title: "nav.registry",
    show: (can) => can.registry,
    items: [
      { path: "/registry/accounts", label: "nav.accounts" },
      { path: "/registry/transactions", label: "nav.transactions" },
      { path: "/registry/transfer", label: "nav.transfer", show: (can) => can.representative },
      { path: "/registry/approvals", label: "nav.approvals", show: (can) => can.representative || can.admin },
      { path: "/international", label: "nav.international" },
      { path: "/international/links", label: "nav.links", show: (can) => can.admin || can.authority || can.representative },
    ],
  },
  {
    title: "nav.allocation",
    show: (can) => can.analyses,
    items: [
      { path: "/allocation", label: "nav.allocationYear" },
      { path: "/allocation/baselines", label: "nav.baselines" },
    ],
  },
  {
    title: "nav.simulator",
    show: (can) => can.analyses,
    items: [
      { path: "/simulator", label: "nav.simulate" },
      { path: "/simulator/compare", label: "nav.compare" },
    ],
  },
  {
    title: "nav.compliance",
    show: (can) => can.registry || can.verifier,
    items: [
      { path: "/compliance/reports", label: "nav.cplReports", show: (can) => can.representative },
      { path: "/compliance/verification", label: "nav.cplVerify", show: (can) => can.verifier },
      { path: "/compliance/surrender", label: "nav.cplSurrender", show: (can) => can.representative },
      { path: "/compliance/status", label: "nav.cplStatus" },
      { path: "/compliance/ex-post", label: "nav.cplExPost", show: (can, scheme) => can.registry && scheme?.features.exPostIssuance === true },
      { path: "/compliance/ceiling-payments", label: "nav.cplCeiling", show: (can, scheme) => (can.admin || can.authority) && scheme?.features.ceilingPayments === true },
      { path: "/compliance/ceiling-sales", label: "nav.cplCeilingSales", show: (can, scheme) => (can.admin || can.authority) && scheme?.features.ceilingSales === true },
    ],
  },
  { title: "nav.auctions", show: () => true, items: [{ path: "/auctions", label: "nav.auctionList" }] },
  {
    title: "nav.public",
    show: () => true,
    items: [
      { path: "/public/accounts", label: "nav.publicAccounts" },
      { path: "/public/allocations", label: "nav.publicAllocations" },
      { path: "/public/transactions", label: "nav.publicTransactions" },
      { path: "/public/compliance", label: "nav.publicCompliance" },
    ],
  },
];
