// The Agreed Electronic Format (AEF) of a Party for a reported year, built from the Article 6
// book's records and the Party's rules, never from defaults. The five tables of the template
// (Decision 6/CMA.4, as revised by 4/CMA.6): 1 Submission, 2 Authorizations, 3 Actions (first
// transfers, transfers, acquisitions, uses and cancellations, one row per serial block), 4 Holdings
// (the ITMOs the Party's registry holds at the end of the year) and 5 Authorized entities. A cell
// is "NA" only where the record itself makes the field not applicable (a GHG metric has no non-GHG
// metric; an NDC-only authorization has no OIMP); fields the CARP fills are left as the template
// says. ITMO identifiers are cooperative approach, originating registry, first transferring
// Party, serial and vintage. Records are taken in the book's order; holdings replay those dated
// up to 31 December of the year.
import type { Article6Rules, FirstTransferDefinition } from "../rulebook/international.ts";
import { evolve } from "./article6/evolve.ts";
import { type A6Record, type A6State, EMPTY_A6, type IssuanceRecord, type RecordBlock, type UnitState } from "./article6/types.ts";
import { intlRefusal, type Outcome, ok } from "./codes.ts";
import { checkDate, checkParty, checkText, checkYear, yearOf } from "./input.ts";
import { slice } from "./ranges.ts";

export type Cell = string | number | null;

export interface AefTable {
  /** Worksheet name in the template. */
  sheet: string;
  /** Heading cell above the field labels. */
  heading: string;
  columns: readonly string[];
  rows: Cell[][];
}

export interface AefInput {
  /** The reporting Party's rules (its code, registry id and NDC period). */
  rules: Article6Rules;
  /** The Party's name as the template shows it (e.g. Thailand). */
  partyName: string;
  year: number;
  /** Version of the submission, X.Y. */
  version: string;
  /** Date of submission (YYYY-MM-DD), or null while not yet filed. */
  submittedOn: string | null;
  records: readonly A6Record[];
}

export interface Aef {
  submission: AefTable;
  authorizations: AefTable;
  actions: AefTable;
  holdings: AefTable;
  entities: AefTable;
}

const CARP = "{Information in this field is populated by the CARP}";
const NA = "NA";

export const SUBMISSION_FIELDS = ["Party", "Version", "Reported year", "Date of submission", "Review status of the initial report", "Result of the consistency check of this AEF submission", "First year of the NDC implementation period", "Last year of the NDC implementation period", "Reference to the Article 6 technical expert review report of the initial report"] as const;
export const AUTHORIZATION_COLUMNS = ["Authorization ID", "Date of authorization", "Cooperative approach ID", "Version of the authorization", "Authorized quantity", "Metric", "Applicable GWP value(s)", "Applicable non-GHG metric", "Sector(s)", "Activity type(s)", "Purposes for authorization", "Authorized Party(ies) ID", "Authorized entity(ies) ID", "OIMP authorized by the Party", "Authorized timeframe", "Authorization terms and conditions", "Authorization documentation", "First transfer definition for OIMP", "Additional explanatory information"] as const;
const UNIT_COLUMNS = ["Cooperative approach ID", "Authorization ID", "First transferring participating Party ID", "Party ITMO registry ID", "First ID", "Last ID", "Underlying unit registry ID", "First unit ID", "Last unit ID", "Metric", "Applicable GWP value(s)", "Applicable non-GHG metric", "Quantity (t CO2 eq)", "Quantity (in non-GHG metric)", "Mitigation type", "Vintage"] as const;
export const ACTION_COLUMNS = ["Action date", "Action type", "Action subtype", ...UNIT_COLUMNS, "Transferring participating Party ID", "Acquiring participating Party ID", "Purpose for which the ITMO has been used towards or cancelled for OIMP", "Using/cancelling participating Party ID", "Using/cancelling authorized entity ID", "Calendar year for which the ITMOs are used towards the Party's NDC", "Result of the consistency checks", "Additional explanatory information"] as const;
export const HOLDING_COLUMNS = UNIT_COLUMNS;
export const ENTITY_COLUMNS = ["Date of the authorization", "Name", "Country of incorporation", "Identification number", "Cooperative approach ID", "Conditions", "Change and revocation conditions", "Additional explanatory information"] as const;

/** Sheet, heading and columns of each table, as in the template. */
export const AEF_TABLES = {
  submission: { sheet: "Table 1 Submission", heading: "Table 1: Submission", columns: ["Field", "Value"] },
  authorizations: { sheet: "Table 2 Authorizations", heading: "Table 2: Authorizations", columns: AUTHORIZATION_COLUMNS },
  actions: { sheet: "Table 3 Actions", heading: "Table 3: Actions", columns: ACTION_COLUMNS },
  holdings: { sheet: "Table 4 Holdings", heading: "Table 4: Holdings", columns: HOLDING_COLUMNS },
  entities: { sheet: "Table 5 Auth. entities", heading: "Table 5: Authorized entities", columns: ENTITY_COLUMNS },
} as const satisfies Record<keyof Aef, Omit<AefTable, "rows">>;

const FT_SUBTYPE: Record<FirstTransferDefinition, string> = {
  "first-international-transfer": "First international transfer",
  authorization: "Authorization",
  issuance: "Issuance",
  "use-or-cancellation": "Use or cancellation",
};

/** dd/mm/yyyy, the template's date form. */
export function aefDate(d: string): string {
  return `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;
}

/** The ITMO unique identifier of one serial. */
export function itmoId(cooperativeApproach: string, registry: string, firstTransferringParty: string, serial: bigint, vintage: number): string {
  return `${cooperativeApproach}-${registry}-${firstTransferringParty}-${serial}-${vintage}`;
}

interface UnitFacts {
  state: A6State;
  block: RecordBlock;
  unit: UnitState;
  registryId: string;
}

/** The sixteen unit columns of a block, from the issuance and the authorization covering it. */
function unitCells({ state, block, unit, registryId }: UnitFacts): Cell[] {
  const iss = state.issuances.get(block.issuance) as IssuanceRecord;
  const auth = state.authorizations.get(unit.authorization as string);
  if (!auth) throw new Error(`block ${block.series} ${block.start} has no authorization in the AEF`);
  // units acquired over a link keep the host registry's serials in their identifiers
  const off = iss.serialOffset ?? 0n;
  const id = (n: bigint) => itmoId(auth.cooperativeApproach, iss.registry, unit.host, n + off, block.vintage);
  const u = iss.underlying;
  return [
    auth.cooperativeApproach, auth.id, unit.host, registryId, id(block.start), id(block.end),
    u ? u.registry : NA, u ? `${u.idPrefix}${block.start + off}` : NA, u ? `${u.idPrefix}${block.end + off}` : NA,
    iss.metric, iss.gwp, NA, Number(block.end - block.start + 1n), NA, iss.mitigationType, block.vintage,
  ];
}

/** The state of each block just before a record: the units it names, in one state each (the book made it so). */
function unitsOf(state: A6State, blocks: readonly RecordBlock[]): { block: RecordBlock; unit: UnitState }[] {
  return blocks.map((b) => {
    const pieces = slice(state.blocks.get(b.series) ?? [], b.start, b.end);
    if (pieces.length !== 1) throw new Error(`record block ${b.series} ${b.start}-${b.end} is not one run of the book`);
    return { block: b, unit: (pieces[0] as { value: UnitState }).value };
  });
}

interface ActionCells {
  type: string;
  subtype: string;
  transferring: string;
  acquiring: string;
  purpose: string;
  using: string;
  entity: string;
  forYear: Cell;
}

function actionOf(r: A6Record, party: string, firstTransferred: ReadonlySet<string>): ActionCells | undefined {
  const none = { transferring: NA, acquiring: NA, purpose: NA, using: NA, entity: NA, forYear: NA };
  switch (r.kind) {
    case "first-transfer":
      return r.party === party ? { ...none, type: "First transfer", subtype: FT_SUBTYPE[r.definition], transferring: r.party, acquiring: r.to ?? NA } : undefined;
    case "transfer":
      if (r.to === party) return { ...none, type: "Acquisition", subtype: NA, transferring: r.from, acquiring: r.to };
      // the first international transfer is reported once, as the first transfer
      if (r.from === party && !firstTransferred.has(r.id)) return { ...none, type: "Transfer", subtype: NA, transferring: r.from, acquiring: r.to };
      return undefined;
    case "use":
      if (r.party !== party) return undefined;
      return { ...none, type: "Use", subtype: r.purpose === "NDC" ? "Use towards NDC" : "Use for OIMP", purpose: r.oimpPurpose ?? NA, using: r.party, entity: r.entity ?? NA, forYear: r.forYear ?? NA };
    case "cancellation":
      if (r.party !== party) return undefined;
      return { ...none, type: "Cancellation", subtype: r.reason === "omge" ? "Voluntary cancellation to deliver OMGE" : "Other cancellations", using: r.party };
    default:
      return undefined;
  }
}

function authorizationRow(a: Extract<A6Record, { kind: "authorization" }>, version: number, date: string, quantity: bigint, note: string | null): Cell[] {
  return [
    a.id, aefDate(date), a.cooperativeApproach, version, Number(quantity), "GHG", a.gwp, NA, a.sectors.join(", "), a.activityTypes.join(", "), a.purposes,
    a.authorizedParties.length ? a.authorizedParties.join(", ") : NA, a.authorizedEntities.length ? a.authorizedEntities.join(", ") : NA,
    a.purposes === "NDC" ? NA : a.oimpPurposes.join(", "), a.timeframe ? `${a.timeframe.from} - ${a.timeframe.to}` : null, a.terms, null,
    a.firstTransferDefinition === null ? NA : FT_SUBTYPE[a.firstTransferDefinition], note,
  ];
}

function checkInput(i: AefInput): ReturnType<typeof checkDate> {
  return (
    checkParty(i.rules.party, "rules.party", "alpha-3") ??
    checkText(i.partyName, "partyName", 120) ??
    checkYear(i.year, "year") ??
    (/^\d+\.\d+$/.test(i.version) ? undefined : intlRefusal("FIELD_INVALID", "version: X.Y, e.g. 1.0", { field: "version" })) ??
    (i.submittedOn === null ? undefined : checkDate(i.submittedOn, "submittedOn"))
  );
}

/**
 * The AEF tables of `rules.party` for `year`. Refused (10001) for a bad input field; a record that
 * does not fit the records before it throws (the book's history is corrupt).
 */
export function buildAef(i: AefInput): Outcome<Aef> {
  const bad = checkInput(i);
  if (bad) return bad;
  const party = i.rules.party;
  const end = `${i.year}-12-31`;
  const inYear = (d: string) => yearOf(d) === i.year;
  const ftOfTransfer = new Set(i.records.filter((r) => r.kind === "first-transfer" && r.to !== null).map((r) => r.id.slice(0, r.id.lastIndexOf("/"))));
  const authorizations: Cell[][] = [];
  const actions: Cell[][] = [];
  const entities: Cell[][] = [];
  const made = new Map<string, Extract<A6Record, { kind: "authorization" }>>();
  let state = EMPTY_A6;
  let holdingsState = EMPTY_A6;
  for (const r of i.records) {
    if (r.kind === "authorization") made.set(r.id, r);
    if (inYear(r.date)) {
      if (r.kind === "authorization" && r.party === party) authorizations.push(authorizationRow(r, 1, r.date, r.quantity, null));
      const a = r.kind === "revocation" ? made.get(r.authorization) : undefined;
      if (a && a.party === party && r.kind === "revocation") authorizations.push(authorizationRow(a, r.version, r.date, r.quantity, `Revised on ${aefDate(r.date)}: ${r.full ? "revoked" : "partly revoked"}, ${r.blocks.reduce((t, b) => t + b.end - b.start + 1n, 0n)} units released`));
      if (r.kind === "entity" && r.party === party) entities.push([aefDate(r.date), r.name, r.country, r.identification, r.cooperativeApproach, r.conditions, r.changeConditions, null]);
      const act = actionOf(r, party, ftOfTransfer);
      if (act && "blocks" in r) {
        for (const { block, unit } of unitsOf(state, r.blocks)) {
          if (unit.authorization === null) continue; // not an ITMO: outside the AEF
          const cells = unitCells({ state, block, unit, registryId: i.rules.registryId });
          actions.push([aefDate(r.date), act.type, act.subtype, ...cells, act.transferring, act.acquiring, act.purpose, act.using, act.entity, act.forYear, null, null]);
        }
      }
    }
    state = evolve(state, r);
    if (r.date <= end) holdingsState = evolve(holdingsState, r);
  }
  return ok({
    submission: {
      ...AEF_TABLES.submission,
      rows: SUBMISSION_FIELDS.map((f, k) => [f, [i.partyName, i.version, i.year, i.submittedOn === null ? null : aefDate(i.submittedOn), CARP, CARP, i.rules.ndc.period.from, i.rules.ndc.period.to, "{Link to be produced by the CARP}"][k] ?? null]),
    },
    authorizations: { ...AEF_TABLES.authorizations, rows: authorizations },
    actions: { ...AEF_TABLES.actions, rows: actions },
    holdings: { ...AEF_TABLES.holdings, rows: holdings(holdingsState, party, i.rules.registryId) },
    entities: { ...AEF_TABLES.entities, rows: entities },
  });
}

export const ACTION_TYPES = ["First transfer", "Transfer", "Acquisition", "Use", "Cancellation"] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

/**
 * The rows of Table 3 of one action type: the year's first transfers, transfers, acquisitions,
 * uses or cancellations. The template keeps them in one table; this is the view by type.
 */
export function actionsOfType(aef: Aef, type: ActionType): Cell[][] {
  return aef.actions.rows.filter((r) => r[1] === type);
}

/** ITMOs held by the Party: active, authorized units in its registry, by series then serial. */
function holdings(state: A6State, party: string, registryId: string): Cell[][] {
  const rows: Cell[][] = [];
  for (const series of [...state.blocks.keys()].sort()) {
    for (const p of state.blocks.get(series) ?? []) {
      if (p.value.holder !== party || p.value.status !== "active" || p.value.authorization === null) continue;
      const vintage = (state.issuances.get(p.value.issuance) as IssuanceRecord).vintage;
      rows.push(unitCells({ state, block: { series, start: p.start, end: p.end, issuance: p.value.issuance, vintage }, unit: p.value, registryId }));
    }
  }
  return rows;
}
