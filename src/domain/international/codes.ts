// The catalogue of numbered checks for international units, next to the ledger's (1xxx-7xxx), the
// security rules' (80xx, 81xx) and compliance's (9xxx). Five-digit codes, by family:
// 100xx input, 101xx Kyoto serials, 102xx Kyoto units and JI, 103xx the CDM project cycle,
// 104xx JCM, 105xx Article 6.2 authorization, 106xx first transfer and corresponding adjustments,
// 107xx use and cancellation (1075x-1076x: transfers between linked registries), 108xx Article 6.4,
// 109xx domestic use and credit attributes.
// A refusal has the ledger's Refusal shape ({ ok: false, code, check, message, facts }), so every
// layer above reports all catalogues alike. When several checks fail the first one met in the
// documented order of each operation is reported (each function says its order).
// docs/reference/international-checks.md is generated from this table and a test keeps it in step.
import type { Refusal } from "../ledger/checks.ts";

export type { Refusal } from "../ledger/checks.ts";

export interface IntlCheckDefinition {
  readonly code: number;
  readonly name: string;
  /** The HTTP status the API answers a refusal with (phase 2): 400 malformed, 404 unknown, 409 conflicts with the state, 422 breaks a rule. */
  readonly status: 400 | 401 | 404 | 409 | 422;
  readonly rule: string;
}

export const INTL_CHECKS = {
  FIELD_INVALID: { code: 10001, name: "intl-field-invalid", status: 400, rule: "A field of an international command has the wrong type, is missing or is out of range; the field is named." },
  PARTY_INVALID: { code: 10002, name: "party-invalid", status: 400, rule: "A Party is named by its ISO 3166 code: alpha-2 in Kyoto serials (as in the Data Exchange Standards), alpha-3 in Article 6 records (as in the AEF)." },
  DATE_INVALID: { code: 10003, name: "date-invalid", status: 400, rule: "A date is a real calendar date written YYYY-MM-DD." },
  QUANTITY_INVALID: { code: 10004, name: "intl-quantity-invalid", status: 400, rule: "A quantity is a positive whole number of units (tonnes of CO2 equivalent) of at most 10^15." },
  ID_EXISTS: { code: 10005, name: "intl-id-exists", status: 409, rule: "An id (project, methodology, authorization, record) is used once." },
  ID_UNKNOWN: { code: 10006, name: "intl-id-unknown", status: 404, rule: "A referenced id (project, methodology, authorization, issuance, committee) must exist." },
  RULES_MISSING: { code: 10007, name: "rules-missing", status: 422, rule: "The operation needs a rule the configuration does not give (e.g. a commitment period, a buffer share for a risk rating); the rule is named." },
  INTENT_MISSING: { code: 10008, name: "intl-operation-required", status: 422, rule: "Units of international classes, and the accounts the international service keeps (pending, outbound, buffer), move only through the international operations that record what the move means (issuance, shares and forwarding, international transfer, use, cancellation)." },

  SERIAL_MALFORMED: { code: 10101, name: "serial-malformed", status: 400, rule: "A Kyoto block identifier has ten parts separated by '-': party, unit type, supplementary unit type, block start, block end, original and applicable commitment period, LULUCF activity, project, track." },
  SERIAL_PART_INVALID: { code: 10102, name: "serial-part-invalid", status: 400, rule: "Each part of a Kyoto block identifier has its documented form (the part is named)." },
  SERIAL_BLOCK_INVALID: { code: 10103, name: "serial-block-invalid", status: 422, rule: "A block's start is at least 1 and not after its end, and its end is at most 10^15." },
  SERIAL_TYPE_PAIR_INVALID: { code: 10104, name: "serial-type-pair-invalid", status: 422, rule: "The unit type and supplementary unit type must be a known pair (Kyoto units carry supplementary type 0)." },
  SERIAL_PERIOD_INVALID: { code: 10105, name: "serial-period-invalid", status: 422, rule: "Both commitment periods must be known, and units are applicable in their original period or a later one (carry-over), never an earlier one." },
  SERIAL_LULUCF_INVALID: { code: 10106, name: "serial-lulucf-invalid", status: 422, rule: "RMUs and ERUs converted from RMUs name the LULUCF activity (1-7) that generated them; tCERs and lCERs name afforestation and reforestation (1); other units name none (0)." },
  SERIAL_PROJECT_INVALID: { code: 10107, name: "serial-project-invalid", status: 422, rule: "ERUs, CERs, tCERs and lCERs name their project; AAUs and RMUs name none (0)." },
  SERIAL_TRACK_INVALID: { code: 10108, name: "serial-track-invalid", status: 422, rule: "ERUs name their JI track (1 or 2); other units name none (0)." },

  UNIT_EXPIRED: { code: 10201, name: "unit-expired", status: 422, rule: "A tCER or lCER past its expiry date can no longer be transferred, surrendered or used; it must have been replaced." },
  JI_SOURCE_NOT_CONVERTIBLE: { code: 10202, name: "ji-source-not-convertible", status: 422, rule: "JI issuance converts only AAUs or RMUs into ERUs." },
  JI_NOT_HOST_UNITS: { code: 10203, name: "ji-not-host-units", status: 422, rule: "A Party converts only units it issued (the block's party is the JI host)." },
  JI_SOURCE_MISMATCH: { code: 10204, name: "ji-source-mismatch", status: 422, rule: "Where the rules say so, RMUs are converted only for projects enhancing removals by sinks (LULUCF) and AAUs only for the other projects." },
  JI_TRACK1_INELIGIBLE: { code: 10205, name: "ji-track1-ineligible", status: 422, rule: "Track 1 issuance needs a host that meets all the eligibility requirements; otherwise the Track 2 procedure applies." },
  JI_TRACK2_UNDETERMINED: { code: 10206, name: "ji-track2-undetermined", status: 422, rule: "Track 2 issuance needs the final determination of an accredited independent entity on the verified reductions." },
  JI_PERIOD_MISMATCH: { code: 10207, name: "ji-period-mismatch", status: 422, rule: "ERUs are issued for reductions in years of the commitment period of the converted units." },
  JI_EXCEEDS_VERIFIED: { code: 10208, name: "ji-exceeds-verified", status: 422, rule: "A conversion may not exceed the verified (Track 1) or determined (Track 2) reductions not yet converted." },
  AAU_EXCEEDS_ASSIGNED: { code: 10209, name: "aau-exceeds-assigned-amount", status: 422, rule: "A Party issues AAUs for a commitment period up to its assigned amount, and RMUs up to the net removals accounted for each LULUCF activity." },
  CARRY_OVER_NOT_ALLOWED: { code: 10210, name: "carry-over-not-allowed", status: 422, rule: "Only the unit types the rules allow are carried over into the next commitment period (never RMUs, tCERs or lCERs), and only into the next period." },
  CARRY_OVER_LIMIT: { code: 10211, name: "carry-over-limit", status: 422, rule: "Carry-over of a unit type limited to a share of the Party's assigned amount (CERs, ERUs: 2.5% each) may not exceed it." },

  CDM_BAD_TRANSITION: { code: 10301, name: "cdm-bad-transition", status: 422, rule: "Only the transitions of the CDM project cycle are allowed (design, validation, registration, then monitoring, verification, issuance and forwarding per monitoring period); the current state is named." },
  CDM_METHODOLOGY_NOT_APPROVED: { code: 10302, name: "cdm-methodology-not-approved", status: 422, rule: "A project is validated only against a methodology the Executive Board has approved." },
  CDM_HOST_APPROVAL_MISSING: { code: 10303, name: "cdm-host-approval-missing", status: 422, rule: "Validation needs the written approval of the host Party's designated national authority." },
  CDM_PERIOD_INVALID: { code: 10304, name: "cdm-monitoring-period-invalid", status: 422, rule: "A monitoring period lies within the crediting period, ends after it starts and does not overlap an earlier period of the project." },
  CDM_EXCEEDS_VERIFIED: { code: 10305, name: "cdm-exceeds-verified", status: 422, rule: "Issuance for a monitoring period may not exceed the reductions the DOE verified and certified for it." },
  CDM_FORWARDING_INVALID: { code: 10306, name: "cdm-forwarding-invalid", status: 422, rule: "Forwarding names project participants of the project and moves exactly the CERs left in the pending account after the share of proceeds." },
  CDM_CREDITING_PERIOD_INVALID: { code: 10307, name: "cdm-crediting-period-invalid", status: 422, rule: "The crediting period follows the rules: renewable (at most the allowed renewals) or fixed, with the lengths of the project type." },

  JCM_NO_JOINT_COMMITTEE: { code: 10401, name: "jcm-no-joint-committee", status: 422, rule: "JCM work with a partner country needs the joint committee Japan and that country set up." },
  JCM_METHODOLOGY_NOT_APPROVED: { code: 10402, name: "jcm-methodology-not-approved", status: 422, rule: "A JCM project applies a methodology approved by its own joint committee." },
  JCM_BAD_TRANSITION: { code: 10403, name: "jcm-bad-transition", status: 422, rule: "Only the transitions of the JCM project cycle are allowed (proposal, validation, registration, then monitoring, verification and issuance notification per period); the current state is named." },
  JCM_ALLOCATION_INVALID: { code: 10404, name: "jcm-allocation-invalid", status: 422, rule: "A project's credit allocation lists at least one entry, every entry in the partner's or Japan's registry, with non-negative weights that are not all zero." },
  JCM_EXCEEDS_VERIFIED: { code: 10405, name: "jcm-exceeds-verified", status: 422, rule: "Credits notified for issuance may not exceed the verified reductions of the period." },
  JCM_TPE_NOT_DESIGNATED: { code: 10406, name: "jcm-tpe-not-designated", status: 422, rule: "Validation and verification are done by a third-party entity the joint committee designated." },

  A6_AUTHORIZE_FOREIGN_UNITS: { code: 10501, name: "a6-authorize-foreign-units", status: 422, rule: "A Party authorizes only mitigation outcomes it hosts: the authorizing Party must be the units' host." },
  A6_AUTHORIZATION_UNKNOWN: { code: 10502, name: "a6-authorization-unknown", status: 404, rule: "The authorization must exist and belong to the acting Party." },
  A6_ALREADY_AUTHORIZED: { code: 10503, name: "a6-already-authorized", status: 409, rule: "Units are covered by at most one authorization." },
  A6_REVOCATION_NOT_ALLOWED: { code: 10504, name: "a6-revocation-not-allowed", status: 422, rule: "An authorization is revoked only where the Party's rules allow revocation." },
  A6_REVOKE_AFTER_DEADLINE: { code: 10505, name: "a6-revoke-after-deadline", status: 422, rule: "An authorization may be revoked only until the deadline the Party's rules set." },
  A6_REVOKE_FIRST_TRANSFERRED: { code: 10506, name: "a6-revoke-first-transferred", status: 422, rule: "A revocation never reaches units already first transferred." },
  A6_QUANTITY_EXCEEDED: { code: 10507, name: "a6-authorized-quantity-exceeded", status: 422, rule: "An authorization covers at most its authorized quantity of units." },
  A6_PURPOSE_INVALID: { code: 10508, name: "a6-purpose-invalid", status: 422, rule: "An authorization states its purposes (NDC, OIMP or both); an OIMP authorization names the other purposes and a first transfer definition the Party's rules allow." },
  A6_AUTHORIZATION_REVOKED: { code: 10509, name: "a6-authorization-revoked", status: 409, rule: "A revoked authorization covers no more units." },
  A6_NOT_AUTHORIZED_ENTITY: { code: 10510, name: "a6-entity-not-authorized", status: 422, rule: "An entity acts under a cooperative approach only after the Party authorized it." },

  A6_SECOND_FIRST_TRANSFER: { code: 10601, name: "a6-second-first-transfer", status: 409, rule: "A unit is first transferred once; a later transfer is an ordinary transfer." },
  A6_FIRST_TRANSFER_UNAUTHORIZED: { code: 10602, name: "a6-first-transfer-unauthorized", status: 422, rule: "Only authorized units can be first transferred." },
  A6_FIRST_TRANSFER_NOT_HOST: { code: 10603, name: "a6-first-transfer-not-host", status: 422, rule: "The first transferring Party is the host that authorized the units." },
  A6_YEAR_OUTSIDE_NDC: { code: 10604, name: "a6-year-outside-ndc", status: 422, rule: "A corresponding adjustment or a use is recorded for a year of the Party's NDC implementation period." },
  A6_NOT_FIRST_TRANSFERRED: { code: 10606, name: "a6-not-first-transferred", status: 422, rule: "Units are used towards an NDC or for OIMP only once first transferred (the corresponding adjustment applied), or, when their first transfer is defined as their use or cancellation, by that use." },
  A6_NDC_UNKNOWN: { code: 10605, name: "a6-ndc-unknown", status: 422, rule: "A Party's corresponding adjustments need its NDC (single-year or multi-year, period, method) in its rules." },

  A6_USE_UNAUTHORIZED: { code: 10701, name: "a6-use-unauthorized", status: 422, rule: "Only units authorized for use towards NDCs can be used towards an NDC." },
  A6_USE_PURPOSE_NOT_AUTHORIZED: { code: 10702, name: "a6-use-purpose-not-authorized", status: 422, rule: "Units are used or cancelled for other international mitigation purposes only when authorized for them." },
  A6_UNIT_NOT_ACTIVE: { code: 10703, name: "a6-unit-not-active", status: 409, rule: "Units already used or cancelled cannot be transferred, used or cancelled again." },
  A6_NOT_HOLDER: { code: 10704, name: "a6-not-holder", status: 422, rule: "A Party transfers, uses or cancels only units held in its registry." },
  A6_VINTAGE_OUTSIDE_NDC: { code: 10705, name: "a6-vintage-outside-ndc", status: 422, rule: "Where the Party's rules require it, units used towards its NDC have a vintage in the NDC implementation period." },
  A6_BLOCK_UNKNOWN: { code: 10706, name: "a6-block-unknown", status: 422, rule: "Every serial of the block must have been issued into the book." },
  A6_BLOCK_OVERLAPS: { code: 10707, name: "a6-block-overlaps", status: 422, rule: "An issuance uses serials no earlier issuance of the series used." },
  A6_BLOCK_MIXED: { code: 10708, name: "a6-block-mixed", status: 422, rule: "An action applies to units in one state; a block whose serials differ (holder, authorization, status) must be split by the caller." },
  A6_SAME_PARTY: { code: 10709, name: "a6-same-party", status: 422, rule: "An international transfer goes to another Party's registry." },
  A6_UNTRACKED_EXIT: { code: 10710, name: "a6-untracked-exit", status: 422, rule: "Units the Article 6 book holds as active ITMOs leave their holding only by an Article 6 international transfer, use or cancellation, which records it in the book." },

  A64_ACTIVITY_NOT_REGISTERED: { code: 10801, name: "a64-activity-not-registered", status: 422, rule: "A6.4ERs are issued only for an activity the Supervisory Body registered." },
  A64_ALREADY_DISTRIBUTED: { code: 10802, name: "a64-already-forwarded", status: 409, rule: "An issuance leaves the pending account once." },
  A64_FORWARDING_INVALID: { code: 10803, name: "a64-forwarding-invalid", status: 422, rule: "Forwarding moves exactly the A6.4ERs left in the pending account after the share of proceeds, the cancellation for OMGE and any buffer contribution, to named recipients." },
  A64_NOT_REMOVAL: { code: 10804, name: "a64-not-removal", status: 422, rule: "Buffer contributions and reversals apply to removal activities only." },
  A64_REVERSAL_INVALID: { code: 10805, name: "a64-reversal-invalid", status: 422, rule: "A reversal is reported for a registered removal activity, with a positive quantity, on a date inside its monitoring period." },
  A64_AUTHORIZE_DEDUCTED: { code: 10806, name: "a64-authorize-deducted", status: 422, rule: "Only forwarded A6.4ERs can be authorized: the share of proceeds, OMGE and buffer units never become ITMOs." },
  A64_AUTHORIZE_NOT_HOST: { code: 10807, name: "a64-authorize-not-host", status: 422, rule: "Only the activity's host Party authorizes its A6.4ERs." },

  DOMESTIC_NOT_ELIGIBLE: { code: 10901, name: "domestic-not-eligible", status: 422, rule: "A unit counts for domestic compliance only if a rule of the rulebook's international.domesticUse admits its mechanism and unit type in that year." },
  DOMESTIC_EXCLUDED: { code: 10902, name: "domestic-excluded", status: 422, rule: "A domestic-use rule excludes the unit's activity, host, label or vintage; the attribute is named." },
  DOMESTIC_AUTHORIZATION_REQUIRED: { code: 10903, name: "domestic-authorization-required", status: 422, rule: "Where a domestic-use rule requires it, a unit counts only if authorized under Article 6 with the corresponding adjustment applied (first transferred)." },
  DOMESTIC_LIMIT_EXCEEDED: { code: 10904, name: "domestic-limit-exceeded", status: 422, rule: "International units count for compliance only up to the rulebook's credits.limits (share of obligation, allocation or required reduction)." },
  ATTRIBUTES_INVALID: { code: 10905, name: "credit-attributes-invalid", status: 400, rule: "Credit attributes name a mechanism, a unit type of that mechanism, a credit kind, a host and a vintage; optional fields have their documented forms." },

  LINK_UNKNOWN: { code: 10751, name: "link-unknown", status: 404, rule: "A linked transfer names a link this registry has configured (and, for a transfer, one of its transfers)." },
  LINK_INVALID: { code: 10752, name: "link-invalid", status: 400, rule: "A link names its id, the peer's URL (http or https), the peer's registry id and the peer's Ed25519 public key (PEM); the field is named." },
  LINK_SIGNATURE_INVALID: { code: 10753, name: "link-signature-invalid", status: 401, rule: "Every message between linked registries is signed with the sender's Ed25519 key over the link id, the message type, the nonce, the time and the body's digest, and verified with the public key the link records." },
  LINK_REPLAYED: { code: 10754, name: "link-replayed", status: 409, rule: "A signed message is accepted once: its nonce is new on the link and its time within five minutes of the receiver's clock." },
  LINK_MESSAGE_INVALID: { code: 10755, name: "link-message-invalid", status: 400, rule: "A link message has its documented fields (transfer id, class, quantity, serial runs summing to the quantity, destination); the field is named." },
  LINK_TRANSFER_DIFFERS: { code: 10756, name: "link-transfer-differs", status: 409, rule: "A transfer id on a link names one transfer: a message with the same id and another content is refused." },
  LINK_DESTINATION_INVALID: { code: 10757, name: "link-destination-invalid", status: 422, rule: "A linked transfer is credited to an open holding account of the receiving registry." },
  LINK_CLASS_MISMATCH: { code: 10758, name: "link-class-mismatch", status: 422, rule: "The receiving registry credits units of the same class: a class it knows under the code must have the same unit type, scheme, vintage, host and attributes." },
  LINK_DECIDED: { code: 10759, name: "link-decided", status: 409, rule: "The receiver decides a transfer once (accepted or refused); the decision never changes." },
  LINK_STATE: { code: 10760, name: "link-state", status: 409, rule: "A linked transfer settles once: delivered after the receiver's accepted answer, or returned after its refusal." },
  LINK_A6_INVALID: { code: 10761, name: "link-article6-invalid", status: 422, rule: "The Article 6 facts carried with ITMOs over a link are well formed: every block a run of the transfer's serials, with its issuance, authorization and first transfer facts, Parties as ISO 3166 alpha-3 codes." },
  LINK_A6_CONFLICT: { code: 10762, name: "link-article6-conflict", status: 422, rule: "The receiving registry imports ITMOs only when they fit its book and rules: it has an Article 6 Party and is the acquiring Party, the transferring Party is the link's peer, the host authorized them, and an authorization it already holds has the same facts." },
  LINK_NOT_SENT: { code: 10763, name: "link-not-sent", status: 409, rule: "A transfer goes over its link once its escrow has completed: while the escrow awaits approval or its delay there is nothing in flight yet, and an escrow rejected, cancelled or expired is never sent (its transaction says why)." },
} as const satisfies Record<string, IntlCheckDefinition>;

export type IntlCheckKey = keyof typeof INTL_CHECKS;

export function intlRefusal(key: IntlCheckKey, message: string, facts: Record<string, unknown> = {}): Refusal {
  const c = INTL_CHECKS[key];
  return { ok: false, code: c.code, check: c.name, message, facts };
}

/** An outcome: a value, or a refusal with its code. */
export type Outcome<T> = { ok: true; value: T } | Refusal;

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

/** A caller-supplied value for a message: strings cut to `max`, anything else named by its type. */
export function shown(v: unknown, max = 64): string {
  if (typeof v === "string") return JSON.stringify(v.slice(0, max));
  if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") return String(v);
  return `(${v === null ? "null" : typeof v})`;
}
