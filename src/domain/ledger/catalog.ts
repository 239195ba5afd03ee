// The ledger's catalogue as data: unit types, account types and transaction kinds. A kind says
// which account types may send and receive, which unit types it carries, and the approval and
// delay flags the security rules read. Schemes extend the catalogue with more entries of the same
// shape; nothing in the ledger code names a particular kind except issuance and reversal, whose
// mechanics differ (no source; serials moved back exactly).

export interface UnitType {
  readonly code: string;
  readonly name: string;
  readonly family: "allowance" | "kyoto" | "credit";
}

export const UNIT_TYPES: readonly UnitType[] = [
  { code: "allowance", name: "Allowance of a cap-and-trade scheme", family: "allowance" },
  { code: "AAU", name: "Assigned amount unit (Kyoto)", family: "kyoto" },
  { code: "RMU", name: "Removal unit (Kyoto)", family: "kyoto" },
  { code: "CER", name: "Certified emission reduction (CDM)", family: "credit" },
  { code: "tCER", name: "Temporary CER (CDM afforestation)", family: "credit" },
  { code: "lCER", name: "Long-term CER (CDM afforestation)", family: "credit" },
  { code: "ERU", name: "Emission reduction unit (Joint Implementation)", family: "credit" },
  { code: "JCM", name: "Joint Crediting Mechanism credit", family: "credit" },
  { code: "J-Credit", name: "Japan's domestic J-Credit", family: "credit" },
  { code: "ITMO", name: "Internationally transferred mitigation outcome (Article 6.2)", family: "credit" },
  { code: "A6.4ER", name: "Article 6.4 emission reduction", family: "credit" },
  { code: "VER", name: "Voluntary carbon credit", family: "credit" },
  { code: "excess-reduction", name: "Excess reduction credit (emissions verified below a facility cap, issued ex post; Tokyo)", family: "credit" },
];

export interface AccountType {
  readonly code: string;
  readonly name: string;
  /** Terminal accounts never send: units in them are surrendered, retired or cancelled for good. */
  readonly terminal: boolean;
  /** What the units in a terminal account count as in the conservation identity (transferred: delivered to a linked registry, which now holds them). */
  readonly fate: "held" | "surrendered" | "retired" | "cancelled" | "transferred";
  readonly needsInstallation: boolean;
  /**
   * A government account (issuance, allocation, auction, reserves): never closed, and what one may
   * send to another is the rulebook's routing table (src/domain/ledger/rules.ts).
   */
  readonly government?: boolean;
  /** For the accounts free allocation comes from: the allocation table it belongs to (the national table, or the new entrants' reserve). */
  readonly allocationTable?: "NAT" | "NER";
}

const held = (code: string, name: string, needsInstallation = false): AccountType => ({
  code,
  name,
  terminal: false,
  fate: "held",
  needsInstallation,
});

const government = (code: string, name: string, allocationTable?: "NAT" | "NER"): AccountType => ({
  ...held(code, name),
  government: true,
  ...(allocationTable ? { allocationTable } : {}),
});

export const ACCOUNT_TYPES: readonly AccountType[] = [
  government("national_issuance", "National issuance (total quantity) account", "NAT"),
  held("party_holding", "Party holding account (Kyoto / Article 6 national account)"),
  government("allocation", "Allocation account (free allocation pool)", "NAT"),
  government("auction", "Auction account"),
  government("new_entrants_reserve", "New entrants' reserve", "NER"),
  government("market_stability_reserve", "Market stability reserve"),
  government("cost_containment_reserve", "Cost containment / price reserve"),
  held("operator_holding", "Operator holding account (installation)", true),
  held("aircraft_operator_holding", "Aircraft operator holding account", true),
  held("maritime_operator_holding", "Maritime operator holding account", true),
  held("trading", "Trading account"),
  held("person_holding", "Person holding account"),
  held("pending", "Pending account (units in transit to or from another registry)"),
  held("share_of_proceeds", "Adaptation / share-of-proceeds account"),
  held("buffer_pool", "Reversal risk buffer pool (Article 6.4 removals)"),
  { code: "surrender", name: "Surrender (compliance) account", terminal: true, fate: "surrendered", needsInstallation: false },
  { code: "retirement", name: "Retirement account", terminal: true, fate: "retired", needsInstallation: false },
  { code: "voluntary_cancellation", name: "Voluntary cancellation account", terminal: true, fate: "cancelled", needsInstallation: false },
  { code: "mandatory_cancellation", name: "Mandatory cancellation account", terminal: true, fate: "cancelled", needsInstallation: false },
  { code: "omge_cancellation", name: "Cancellation for overall mitigation in global emissions (OMGE)", terminal: true, fate: "cancelled", needsInstallation: false },
  { code: "link_sent", name: "Units delivered to a linked registry (one per link)", terminal: true, fate: "transferred", needsInstallation: false },
];

/**
 * The states an account can be in. What each lets send and receive is data: the rulebook's
 * `ledger.accountStates` table, with the defaults of src/domain/ledger/rules.ts. `open` lets
 * everything pass and `closed` nothing (a closed account holds nothing and is never reopened);
 * the others are the graded restrictions registries use.
 */
export const ACCOUNT_STATES = [
  { code: "open", name: "Open" },
  { code: "blocked", name: "All transactions restricted (blocked)" },
  { code: "restricted", name: "Some transactions restricted (trading stopped; surrender and returns of allocation pass)" },
  { code: "suspended", name: "Suspended (administrators may still act)" },
  { code: "transfer_pending", name: "Transfer pending (the installation is changing hands)" },
  { code: "closure_pending", name: "Closure pending" },
  { code: "closed", name: "Closed" },
] as const;

export type AccountState = (typeof ACCOUNT_STATES)[number]["code"];

export const ACCOUNT_STATE_CODES: readonly AccountState[] = ACCOUNT_STATES.map((s) => s.code);

export interface TransactionKind {
  readonly code: string;
  readonly name: string;
  /** Account types allowed as source; empty for issuance (units are created). */
  readonly from: readonly string[];
  readonly to: readonly string[];
  /** Unit types carried; undefined means any. */
  readonly unitTypes?: readonly string[];
  /** Needs a second representative's approval (four-eyes) before it executes. */
  readonly approval: boolean;
  /** Subject to the transfer delay to accounts outside the trusted list. */
  readonly delay: boolean;
  readonly requiresPurpose: boolean;
  /**
   * A reversal may move its units back. Kinds whose units end in a terminal account (surrender,
   * voluntary cancellation) are reversible only within the window the rulebook sets for them
   * (`ledger.reversalWindows`; the UK: 14 days); without one their units are final.
   */
  readonly reversible: boolean;
  /** Administrative kinds are initiated by administrators; account states may let them pass where others may not (src/domain/ledger/rules.ts). */
  readonly administrative: boolean;
  /**
   * A return of excess allocation: never more than was over-allocated to the account for the
   * vintage's year and the allocation table, and one pending per account, year and table.
   */
  readonly returnsExcess?: boolean;
  /** Free allocation: what an account was allocated, which a return of excess allocation is measured against. */
  readonly allocates?: boolean;
}

const HOLDING = [
  "operator_holding",
  "aircraft_operator_holding",
  "maritime_operator_holding",
  "trading",
  "person_holding",
  "party_holding",
] as const;
const OPERATOR = ["operator_holding", "aircraft_operator_holding", "maritime_operator_holding"] as const;
const GOVERNMENT = [
  "national_issuance",
  "allocation",
  "auction",
  "new_entrants_reserve",
  "market_stability_reserve",
  "cost_containment_reserve",
] as const;

function kind(k: Partial<TransactionKind> & Pick<TransactionKind, "code" | "name" | "from" | "to">): TransactionKind {
  return { approval: false, delay: false, requiresPurpose: false, reversible: true, administrative: false, ...k };
}

export const TRANSACTION_KINDS: readonly TransactionKind[] = [
  kind({ code: "issuance", name: "Issuance", from: [], to: ["national_issuance", "party_holding", "pending"], approval: true, reversible: false, administrative: true }),
  kind({ code: "internal_transfer", name: "Transfer between government accounts", from: [...GOVERNMENT], to: [...GOVERNMENT], approval: true, administrative: true }),
  kind({ code: "allocation", name: "Free allocation", from: ["allocation", "national_issuance", "new_entrants_reserve"], to: [...OPERATOR], unitTypes: ["allowance"], administrative: true, allocates: true }),
  kind({ code: "reverse_allocation", name: "Return of allocation", from: [...OPERATOR], to: ["allocation", "national_issuance", "new_entrants_reserve"], unitTypes: ["allowance"], administrative: true }),
  kind({
    code: "excess_allocation_return", name: "Return of excess allocation", from: [...OPERATOR], to: ["allocation", "national_issuance", "new_entrants_reserve"], unitTypes: ["allowance"],
    approval: true, returnsExcess: true,
  }),
  kind({ code: "auction_delivery", name: "Delivery of auctioned allowances", from: ["auction"], to: [...HOLDING], unitTypes: ["allowance"], administrative: true }),
  // A hard ceiling's fixed-price sale: allowances issued beyond the cap into the national issuance
  // account, then sold to a covered entity at the ceiling price (src/registry/auction/ceiling-sales.ts);
  // final, like a delivery against payment: the sale row stays, so its units do not go back.
  kind({ code: "ceiling_sale", name: "Sale at the price ceiling (issued beyond the cap)", from: ["national_issuance"], to: [...OPERATOR], unitTypes: ["allowance"], reversible: false, administrative: true }),
  // Ex-post issuance (Tokyo): excess reductions verified below a facility cap become credits in the
  // installation's operator account; issued first into the national issuance account (four-eyes),
  // then moved by this kind, whose hook (src/registry/compliance/ex-post-hook.ts) records it once
  // per period and installation and refuses any other door.
  kind({ code: "ex_post_issuance", name: "Ex-post issuance of excess reductions", from: ["national_issuance"], to: [...OPERATOR], unitTypes: ["excess-reduction"], reversible: false, administrative: true }),
  kind({ code: "reserve_release", name: "Release from a reserve", from: ["market_stability_reserve", "cost_containment_reserve"], to: ["auction", "allocation"], approval: true, administrative: true }),
  kind({ code: "reserve_intake", name: "Intake into a reserve", from: ["auction", "national_issuance"], to: ["market_stability_reserve", "cost_containment_reserve"], approval: true, administrative: true }),
  kind({ code: "transfer", name: "Transfer", from: [...HOLDING], to: [...HOLDING, "pending"], approval: true, delay: true }),
  kind({ code: "external_transfer", name: "Transfer to another registry", from: [...HOLDING], to: ["pending"], approval: true, delay: true }),
  kind({ code: "surrender", name: "Surrender for compliance", from: [...OPERATOR], to: ["surrender"], approval: true }),
  kind({ code: "retirement", name: "Retirement", from: [...HOLDING], to: ["retirement"], approval: true, requiresPurpose: true, reversible: false }),
  kind({ code: "voluntary_cancellation", name: "Voluntary cancellation", from: [...HOLDING], to: ["voluntary_cancellation"], approval: true }),
  kind({ code: "mandatory_cancellation", name: "Mandatory cancellation", from: [...GOVERNMENT, "party_holding"], to: ["mandatory_cancellation"], approval: true, reversible: false, administrative: true }),
  kind({ code: "share_of_proceeds", name: "Share of proceeds", from: [...HOLDING, "national_issuance", "pending"], to: ["share_of_proceeds"], administrative: true }),
  kind({ code: "correction", name: "Administrative correction", from: [...GOVERNMENT, ...HOLDING, "pending"], to: [...GOVERNMENT, ...HOLDING, "pending"], approval: true, administrative: true }),
  kind({ code: "reversal", name: "Reversal of a completed transaction", from: [], to: [], approval: true, reversible: false, administrative: true }),
  // International units (src/registry/international): the mechanisms' pending accounts, the
  // Article 6.4 buffer pool, the Article 6.2 uses and cancellations.
  kind({ code: "forwarding", name: "Forwarding from a pending account", from: ["pending"], to: [...HOLDING], reversible: false, administrative: true }),
  kind({ code: "omge_cancellation", name: "Cancellation for OMGE at issuance", from: ["pending"], to: ["omge_cancellation"], reversible: false, administrative: true }),
  kind({ code: "buffer_contribution", name: "Contribution to the reversal risk buffer pool", from: ["pending"], to: ["buffer_pool"], reversible: false, administrative: true }),
  kind({ code: "buffer_cancellation", name: "Cancellation of buffer units for a reversal", from: ["buffer_pool"], to: ["mandatory_cancellation"], reversible: false, administrative: true }),
  kind({ code: "itmo_use", name: "Use of ITMOs towards an NDC or for other international mitigation purposes", from: [...HOLDING], to: ["retirement"], approval: true, reversible: false }),
  kind({ code: "itmo_cancellation", name: "Cancellation of ITMOs (voluntary, or to deliver OMGE)", from: [...HOLDING], to: ["voluntary_cancellation", "omge_cancellation"], approval: true, reversible: false }),
  // Linked registries (src/registry/international/links): units a linked registry confirmed it
  // credited leave the transfer's escrow for good.
  kind({ code: "link_delivery", name: "Delivery to a linked registry (escrow to sent)", from: ["pending"], to: ["link_sent"], reversible: false, administrative: true }),
];

export interface Catalogue {
  unitTypes: ReadonlyMap<string, UnitType>;
  accountTypes: ReadonlyMap<string, AccountType>;
  kinds: ReadonlyMap<string, TransactionKind>;
}

export function catalogue(extra: Partial<{ unitTypes: UnitType[]; accountTypes: AccountType[]; kinds: TransactionKind[] }> = {}): Catalogue {
  const byCode = <T extends { code: string }>(list: readonly T[]) => new Map(list.map((x) => [x.code, x] as const));
  return {
    unitTypes: byCode([...UNIT_TYPES, ...(extra.unitTypes ?? [])]),
    accountTypes: byCode([...ACCOUNT_TYPES, ...(extra.accountTypes ?? [])]),
    kinds: byCode([...TRANSACTION_KINDS, ...(extra.kinds ?? [])]),
  };
}

export const DEFAULT_CATALOGUE: Catalogue = catalogue();
