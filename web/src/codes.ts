// The catalogue codes the console offers in filters and forms (the ledger's account types and
// transaction kinds, docs/reference/account-types.md and transaction-kinds.md). Their names come
// from the message catalogue; a code the catalogue does not know yet is shown as itself.
export const ACCOUNT_TYPE_CODES = [
  "national_issuance", "party_holding", "allocation", "auction", "new_entrants_reserve", "market_stability_reserve", "cost_containment_reserve",
  "operator_holding", "aircraft_operator_holding", "maritime_operator_holding", "trading", "person_holding", "pending", "share_of_proceeds",
  "buffer_pool",
  "surrender", "retirement", "voluntary_cancellation", "mandatory_cancellation", "omge_cancellation",
  "link_sent",
] as const;

export const TX_KIND_CODES = [
  "issuance", "internal_transfer", "allocation", "reverse_allocation", "excess_allocation_return", "auction_delivery", "ceiling_sale", "ex_post_issuance", "reserve_release", "reserve_intake", "transfer",
  "external_transfer", "surrender", "retirement", "voluntary_cancellation", "mandatory_cancellation", "share_of_proceeds", "correction", "reversal",
  "forwarding", "omge_cancellation", "buffer_contribution", "buffer_cancellation", "itmo_use", "itmo_cancellation",
  "link_delivery",
] as const;

export const TX_STATUSES = ["awaiting_approval", "delayed", "completed", "rejected", "cancelled"] as const;
