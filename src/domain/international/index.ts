// International units, as pure rules: Kyoto units and their block identifiers, the CDM project
// cycle, JI conversion, the JCM, the Article 6.2 book (authorization, first transfer, corresponding
// adjustments, use, cancellation), the Article 6.4 mechanism, credit attributes and unit classes,
// domestic use in a scheme, and the AEF tables. The registry (phase 2) stores the records these
// functions return and calls them with a snapshot; nothing here does I/O or reads a clock.
// docs/concepts/international.md explains the lifecycles; docs/reference/international-checks.md
// lists the refusal codes.
export { type A64Activity, type A64Command, type A64Issuance, type A64State, applyA64, EMPTY_A64, type Reversal, toArticle6 } from "./a64.ts";
export { ACTION_TYPES, actionsOfType, type Aef, AEF_TABLES, type AefInput, type AefTable, buildAef, itmoId } from "./aef.ts";
export { type AdjustmentEntry, adjustmentEntries, annualBalance, type NdcReport, ndcReport } from "./article6/adjustments.ts";
export { applyA6, decide, type RulesByParty } from "./article6/book.ts";
export { replay } from "./article6/evolve.ts";
export { firstTransferBy } from "./article6/first-transfer.ts";
export type { A6Command, A6Record, A6State, BlockRef, RecordBlock, UnitState } from "./article6/types.ts";
export { EMPTY_A6 } from "./article6/types.ts";
export { type ClassDefinition, classCode, classDefinition, type CreditAttributes, validateAttributes } from "./attributes.ts";
export { INTL_CHECKS, type IntlCheckKey, intlRefusal, type Outcome } from "./codes.ts";
export { admittingRule, assessDomesticUse, type ComplianceFigures, type DomesticUseResult, type OfferedUnits } from "./domestic-use.ts";
export { applyJcm, EMPTY_JCM, type JcmCommand, type JcmState, splitIssuance } from "./jcm.ts";
export { carryOver, issueAaus, issueRmus } from "./kyoto/assigned-amount.ts";
export { applyCdm, type CdmCommand, type CdmState, EMPTY_CDM } from "./kyoto/cdm.ts";
export { convertToErus, type JiConversion } from "./kyoto/ji.ts";
export { formatKyotoBlock, type KyotoBlock, parseKyotoBlock, readKyotoBlock, validateKyotoBlock } from "./kyoto/serial.ts";
export { checkNotExpired, KYOTO_UNIT_TYPES, lcerExpiry, tcerExpiry } from "./kyoto/units.ts";
export { MECHANISMS, type Mechanism } from "./mechanisms.ts";
export { deduct, shareOf } from "./shares.ts";
