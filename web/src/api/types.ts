// The shapes of the API's answers the console reads: the HTTP contract as documented at
// /openapi.json (docs/reference/api.md). Amounts of units are decimal strings.

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Me {
  userId: string;
  displayName: string;
  roles: string[];
  representing: Array<{ accountId: string; initiate: boolean; approve: boolean }>;
  totpEnrolled: boolean;
  disabled: boolean;
  demo: boolean;
  createdAt: string;
  csrfToken: string | null;
}

export type SignInAnswer = { kind: "session"; userId: string; roles: string[]; expiresAt: string; csrfToken: string } | { kind: "totp-required"; challenge: string; expiresAt: string };

export interface Scheme {
  rulebook: string | null;
  id: string | null;
  name: string | null;
  jurisdiction: string | null;
  currency: string | null;
  unit: string;
  yearBasis: { kind: "calendar" | "fiscal"; startMonth: number };
  periods: Array<{ id: string; name: string | null; from: number; to: number }>;
  timeZone: string;
  transferDelayHours: number;
  demo: boolean;
  /** Workflows the rulebook has. */
  features: { exPostIssuance: boolean; ceilingPayments: boolean; ceilingSales: boolean };
}

export interface Flows {
  issued: string;
  allocated: string;
  auctioned: string;
  surrendered: string;
  retired: string;
  cancelled: string;
}
export interface Stocks {
  undistributed: string;
  reserves: string;
  banked: string;
  surrendered: string;
  retired: string;
  cancelled: string;
}
export interface Dashboard {
  asOf: string;
  unitType: string;
  totals: Flows & { stocks: Stocks };
  months: Array<{ month: string; flows: Flows; stocks: Stocks }>;
  years: Array<{ year: number; cap: string | null; flows: Flows; stocks: Stocks; priceFloor: number | null; priceCeiling: number | null }>;
  byUnitType: Array<{ unitType: string; issued: string; stocks: Stocks }>;
  cap: { year: number; value: string | null; basis: "rulebook" | "bottom-up" | "none" };
  price: { value: number | null; source: "none"; floor: number | null; ceiling: number | null; currency: string | null };
}

export interface Account {
  id: string;
  type: string;
  holder: string;
  name: string;
  installation: string | null;
  status: "open" | "blocked" | "restricted" | "suspended" | "transfer_pending" | "closure_pending" | "closed";
  openedAt: string;
  permitId?: string | null;
  monitoringPlanId?: string | null;
  /** The administrator's reason for the current state. */
  statusReason?: string | null;
  statusSince?: string | null;
}

export interface Block {
  start: string;
  end: string;
  quantity: string;
}

/** `earmarked` and `available` come with the ledger's earmarks; before that only the total. */
export interface Holding {
  classCode: string;
  unitType: string;
  quantity: string;
  earmarked?: string;
  available?: string;
  blockCount: number;
  /** The credit attributes of an international class; null for other classes (absent from older servers). */
  attributes?: Record<string, unknown> | null;
  blocks?: Block[];
}

export interface UnitClass {
  code: string;
  unitType: string;
  scheme: string;
  vintage: number | null;
  issuanceLimit: string | null;
  issued: string;
}

export type TxStatus = "awaiting_approval" | "delayed" | "completed" | "rejected" | "cancelled";

export interface Leg {
  classCode: string;
  from: string | null;
  to: string;
  quantity: string;
}

export interface Transaction {
  id: string;
  kind: string;
  status: TxStatus;
  legs: Leg[];
  initiator: string | null;
  purpose: string | null;
  beneficiary: string | null;
  note: string | null;
  createdAt: string;
  delayUntil: string | null;
  reverses: string | null;
  reversedBy: string | null;
  events: Array<{ status: TxStatus; at: string; actor: string | null; detail: Record<string, unknown> }>;
  movements: Array<{ legNo: number; classCode: string; from: string | null; to: string; start: string; end: string; quantity: string }>;
  securityStatus?: TxStatus | "expired";
  approvalExpiresAt?: string | null;
}

export interface CheckTrail {
  transactionId: string;
  checks: Array<{ code: number; check: string; stage: "initiation" | "approval" | "delay" | "completion"; outcome: "passed" | "failed" | "pending" | "not-reached" }>;
  decision: { status: "rejected" | "cancelled"; actor: string | null; at: string } | null;
}

export interface TrustedEntry {
  accountId: string;
  trustedAccountId: string;
  proposedAt: string;
  activeFrom: string;
  status: "awaiting_approval" | "pending" | "active";
  active: boolean;
  addedBy: string | null;
  approvedBy: string | null;
  approvedAt: string | null;
}

export interface Representative {
  accountId: string;
  userId: string;
  initiate: boolean;
  approve: boolean;
}

export interface PublicTransaction {
  id: string;
  kind: string;
  completedAt: string;
  legs: Leg[];
}

export interface PublicAllocation {
  transactionId: string;
  accountId: string;
  holder: string;
  installation: string | null;
  classCode: string;
  quantity: string;
  at: string;
}

export interface ComplianceRow {
  accountId: string;
  holder: string;
  installation: string | null;
  surrendered: string;
  verifiedEmissions: string | null;
  status: "not-determined" | "compliant" | "non-compliant";
}

/** A text of the allocation engine, rendered in the reader's language (src/domain/allocation/texts.ts). */
export interface AllocText {
  key: string;
  params: Record<string, string | AllocText | AllocText[]>;
}

export interface AnalysisOptions {
  rulebooks: Array<{ id: string; name: string; currency: string; yearBasis: { kind: string; startMonth: number }; periods: Array<{ id: string; from: number; to: number }> }>;
  datasets: Array<{ id: string; name: string; description: string | null; currency: string; year: number }>;
  scenarios: Array<{ id: string; name: string; description: string | null; rulebook: string | null }>;
}

export interface AllocationRun {
  rulebook: string;
  dataset: string;
  year: number;
  scheme: string;
  period: string | null;
  results: Array<{
    installation: string;
    name: string | null;
    company: string | null;
    sector: string;
    method: string;
    entitlement: string;
    auctionShare: string;
    auctioned: string;
    free: string;
    newEntrant: boolean;
    unmet?: string;
    trueUp?: string;
    explanation: {
      method: string;
      lines: string[];
      steps: AllocText[];
      factors: Array<{ name: string; value: string; label: AllocText | null }>;
      roundings: Array<{ step: string; exact: string; rounded: string; rule: string; stepText: AllocText; ruleText: AllocText }>;
    };
  }>;
  skipped: Array<{ installation: string; sector: string; reason: string; reasonText: AllocText }>;
  derived: Array<{ sector: string; product?: string; value: string; how: string; howText: AllocText }>;
  totals: { entitlement: string; free: string; auctioned: string };
  correction: { kind: string; factor: string; applied: boolean; available: string; before: string; after: string } | null;
  reserve: { size: string; granted: string; remaining: string; unmet: string } | null;
}

export interface BaselineRow {
  installation: string;
  name: string;
  company: string;
  sector: string;
  series: Array<{ year: number; emissions: number }>;
  window: [number, number] | null;
  excluded: number | null;
  baseline: number | null;
  baselineExact: string | null;
  variationAll: number | null;
  variationWindow: number | null;
  problem: "no-window" | "missing-year" | "bad-exclusion" | null;
}

export type PriceOverride = { kind: "keep" } | { kind: "none" } | { kind: "value"; value: number };

export interface SimulationRequest {
  preset?: string;
  text?: string;
  format?: "yaml" | "json";
  name?: string;
  overrides?: { capFactor?: number; priceCeiling?: PriceOverride; priceFloor?: PriceOverride };
}

export interface SimulationResult {
  name: string;
  rulebook: string | null;
  currency: string | null;
  facilities: number;
  monteCarloIgnored: boolean;
  parameters: { years: number[]; cap: number[]; priceCeiling: (number | null)[]; priceFloor: (number | null)[] };
  years: Array<{
    year: number; price: number; cap: number; emissions: number; abatement: number; bank: number; auctioned: number; unsold: number;
    reserveSales: number; ceilingSales: number; offsetsUsed: number; msrIntake: number; msrHoldings: number; auctionRevenue: number; abatementCost: number;
  }>;
  msr: { converged: boolean; iterations: number } | null;
  warnings: number;
  criteria: {
    environmentalIntegrity: { totalEmissions: number; totalCap: number; excessEmissions: number; emissionsToCap: number | null };
    efficiency: { abatementCostPv: number; leastCostPv: number; ratio: number };
    fairness: { meanCostPerFirm: number; maxCostPerFirm: number; minCostPerFirm: number; costGini: number; windfall: number; rewardForPastEffort: number | null };
    revenue: { total: number; presentValue: number };
    priceStability: { meanPrice: number; minPrice: number; maxPrice: number; logChangeSd: number; monteCarloSpread: number | null };
  };
}
