// The Article 6.2 book's data: what it records (issuances, authorizations and their versions,
// first transfers, international transfers, uses, cancellations, authorized entities), the
// per-serial state it keeps (who holds a block, under which authorization, whether it was first
// transferred, whether it is still active) and the commands that ask for a change. Records are
// the book's output and its whole history: the state is what replaying them gives (evolve.ts),
// the corresponding adjustments and the AEF tables are computed from them (adjustments.ts,
// ../aef.ts). Parties are ISO 3166 alpha-3 codes, as in the AEF.
import type { FirstTransferDefinition } from "../../rulebook/international.ts";
import type { RangeMap } from "../ranges.ts";

export type Purposes = "NDC" | "OIMP" | "NDC and OIMP";

/** A run of serials of one series (a unit class's serial space). */
export interface BlockRef {
  series: string;
  start: bigint;
  end: bigint;
}

/** A block as records carry it: the serials plus the facts the reports need. */
export interface RecordBlock extends BlockRef {
  issuance: string;
  vintage: number;
}

export interface UnitState {
  issuance: string;
  host: string;
  /** The Party whose registry holds the units. */
  holder: string;
  authorization: string | null;
  firstTransferred: boolean;
  status: "active" | "used" | "cancelled";
}

export interface IssuanceRecord {
  kind: "issuance";
  id: string;
  date: string;
  series: string;
  start: bigint;
  end: bigint;
  host: string;
  /** The Party registry the units are issued into (its AEF registry id). */
  registry: string;
  vintage: number;
  sector: string;
  activityType: string;
  mitigationType: "Emission reductions" | "Removals";
  metric: "GHG";
  gwp: string;
  /**
   * Units of another registry the ITMOs stand for (A6.4ERs, JCM credits), one for one with the
   * same serials: unit n's id there is idPrefix + n. Null when they stand for none.
   */
  underlying: { registry: string; idPrefix: string } | null;
  /**
   * For units acquired over a link (src/registry/international/book-import.ts): the host
   * registry's serial of local serial n is n + serialOffset, so the ITMO identifiers (and the
   * underlying units' ids) are the ones the host issued. Absent (0) for units issued here.
   */
  serialOffset?: bigint;
}

export interface AuthorizationRecord {
  kind: "authorization";
  id: string;
  /** 1 when made; each revocation records the next version with the reduced quantity. */
  version: number;
  date: string;
  party: string;
  cooperativeApproach: string;
  purposes: Purposes;
  oimpPurposes: readonly string[];
  authorizedParties: readonly string[];
  authorizedEntities: readonly string[];
  quantity: bigint;
  /** GWP values the authorized tonnes are counted with (e.g. AR5). */
  gwp: string;
  sectors: readonly string[];
  activityTypes: readonly string[];
  timeframe: { from: number; to: number } | null;
  /** For OIMP authorizations: the Party's first transfer definition; null for NDC-only ones (first international transfer). */
  firstTransferDefinition: FirstTransferDefinition | null;
  terms: string;
}

export interface CoverRecord {
  kind: "cover";
  id: string;
  date: string;
  authorization: string;
  blocks: readonly RecordBlock[];
}

export interface RevocationRecord {
  kind: "revocation";
  id: string;
  date: string;
  authorization: string;
  /** The authorization's version after the revocation. */
  version: number;
  /** Units that lose the authorization (may be none when only the unused quantity is withdrawn). */
  blocks: readonly RecordBlock[];
  /** Authorized quantity after the revocation. */
  quantity: bigint;
  /** The whole authorization is revoked: it covers no more units (a partial one only releases the blocks named). */
  full: boolean;
}

export interface FirstTransferRecord {
  kind: "first-transfer";
  id: string;
  date: string;
  /** The first transferring Party: the host. */
  party: string;
  /** The acquiring Party for a first international transfer; null otherwise. */
  to: string | null;
  definition: FirstTransferDefinition;
  authorization: string;
  blocks: readonly RecordBlock[];
  /**
   * The year of the host's corresponding adjustment, for a first transfer made in another Party's
   * registry and imported with the units (the host's rules date it; this registry has only its own
   * Party's rules). Absent for first transfers made here.
   */
  year?: number;
}

export interface TransferRecord {
  kind: "transfer";
  id: string;
  date: string;
  from: string;
  to: string;
  blocks: readonly RecordBlock[];
}

export interface UseRecord {
  kind: "use";
  id: string;
  date: string;
  party: string;
  purpose: "NDC" | "OIMP";
  /** For OIMP: the purpose (e.g. CORSIA); for NDC: null. */
  oimpPurpose: string | null;
  entity: string | null;
  /** The calendar year the units are used towards the Party's NDC (NDC use only). */
  forYear: number | null;
  blocks: readonly RecordBlock[];
}

export interface CancellationRecord {
  kind: "cancellation";
  id: string;
  date: string;
  party: string;
  reason: "omge" | "voluntary";
  blocks: readonly RecordBlock[];
}

export interface EntityRecord {
  kind: "entity";
  id: string;
  date: string;
  party: string;
  name: string;
  country: string;
  identification: string;
  cooperativeApproach: string;
  conditions: string;
  changeConditions: string;
}

export type A6Record = IssuanceRecord | AuthorizationRecord | CoverRecord | RevocationRecord | FirstTransferRecord | TransferRecord | UseRecord | CancellationRecord | EntityRecord;

export interface A6State {
  issuances: ReadonlyMap<string, IssuanceRecord>;
  /** The latest version of each authorization, with the units it covers so far. */
  authorizations: ReadonlyMap<string, AuthorizationRecord & { covered: bigint; revoked: boolean }>;
  entities: ReadonlyMap<string, EntityRecord>;
  blocks: ReadonlyMap<string, RangeMap<UnitState>>;
  /** Every record id used, so a command id is used once. */
  ids: ReadonlySet<string>;
}

export const EMPTY_A6: A6State = { issuances: new Map(), authorizations: new Map(), entities: new Map(), blocks: new Map(), ids: new Set() };

type Units = bigint | string | number;
type Serial = bigint | string | number;
export interface BlockInput {
  series: string;
  start: Serial;
  end: Serial;
}

export type A6Command =
  | (Omit<IssuanceRecord, "kind" | "start" | "end"> & { type: "issue"; start: Serial; end: Serial; authorization?: string })
  | {
      type: "authorize";
      id: string;
      date: string;
      party: string;
      cooperativeApproach: string;
      purposes: Purposes;
      oimpPurposes?: readonly string[];
      authorizedParties: readonly string[];
      authorizedEntities?: readonly string[];
      quantity: Units;
      gwp: string;
      sectors: readonly string[];
      activityTypes: readonly string[];
      timeframe?: { from: number; to: number };
      firstTransferDefinition?: FirstTransferDefinition;
      terms: string;
    }
  | { type: "cover"; id: string; date: string; authorization: string; blocks: readonly BlockInput[] }
  | { type: "revoke"; id: string; date: string; authorization: string; blocks?: readonly BlockInput[] }
  | { type: "transfer"; id: string; date: string; from: string; to: string; blocks: readonly BlockInput[] }
  | { type: "use"; id: string; date: string; party: string; purpose: "NDC" | "OIMP"; oimpPurpose?: string; entity?: string; forYear?: number; blocks: readonly BlockInput[] }
  | { type: "cancel"; id: string; date: string; party: string; reason: "omge" | "voluntary"; blocks: readonly BlockInput[] }
  | { type: "firstTransfer"; id: string; date: string; party: string; blocks: readonly BlockInput[] }
  | (Omit<EntityRecord, "kind"> & { type: "authorizeEntity" });
