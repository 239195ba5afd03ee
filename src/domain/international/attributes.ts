// Credit attributes: the facts that make units interchangeable, fixed when units are issued or
// converted: the mechanism and unit type, the credit kind (reduction, avoidance, removal), the
// host, the vintage, the methodology and project, the sector and activity type, the Kyoto
// commitment period, the Article 6.2 cooperative approach, quality labels, the expiry of tCERs and
// lCERs and the GWP values behind the tonnes. One unit class per distinct set of attributes:
// `classCode` derives the class code from them (a readable prefix and a hash of all of them), and
// `classDefinition` the ledger's class definition, so a class is defined from its attributes and
// never by hand. What changes over a unit's life (authorization, first transfer, use) is not an
// attribute: the Article 6 book keeps it per serial block (src/domain/international/article6).
import { intlRefusal, type Outcome, ok, shown } from "./codes.ts";
import { checkDate, checkYear, isObject, RECORD_ID } from "./input.ts";
import { CREDIT_KINDS, type CreditKind, type Mechanism, MECHANISM_IDS, MECHANISMS } from "./mechanisms.ts";

export interface CreditAttributes {
  mechanism: Mechanism;
  unitType: string;
  /** Null only for AAUs (assigned amount, not a credit). */
  creditKind: CreditKind | null;
  /** Host Party, ISO 3166 alpha-2 or alpha-3 (as the registry records it). */
  host: string;
  vintage: number;
  methodology: string | null;
  project: string | null;
  sector: string | null;
  activityType: string | null;
  commitmentPeriod: string | null;
  /** Article 6.2 cooperative approach id as in the AEF (CA followed by four digits). */
  cooperativeApproach: string | null;
  /** Quality labels, sorted and unique (e.g. CCP, CORSIA-eligible). */
  labels: readonly string[];
  /** Last valid day of a tCER or lCER; null for every other unit type. */
  expiry: string | null;
  /** GWP values the tonnes are counted with (e.g. AR5); the AEF's "applicable GWP value(s)". */
  gwp: string | null;
}

const OPTIONAL_IDS = ["methodology", "project", "sector", "activityType", "commitmentPeriod", "gwp"] as const;
const EXPIRING = new Set(["tCER", "lCER"]);
const REMOVAL_ONLY = new Set(["RMU", "tCER", "lCER"]);
const MAX_LABELS = 20;

function bad(field: string, reason: string, value?: unknown) {
  return intlRefusal("ATTRIBUTES_INVALID", `${field}: ${reason}`, value === undefined ? { field, reason } : { field, reason, value: shown(value) });
}

function optionalId(o: Record<string, unknown>, k: string): Outcome<string | null> {
  const v = o[k];
  if (v === undefined || v === null) return ok(null);
  if (typeof v !== "string" || !RECORD_ID.test(v)) return bad(k, "must be an id of 1-64 letters, digits and . _ : -", v);
  return ok(v);
}

function kindOf(o: Record<string, unknown>, unitType: string): Outcome<CreditKind | null> {
  const k = o.creditKind;
  if (unitType === "AAU") return k === undefined || k === null ? ok(null) : bad("creditKind", "an AAU is assigned amount, not a credit: leave it out", k);
  if (!CREDIT_KINDS.includes(k as CreditKind)) return bad("creditKind", `must be one of ${CREDIT_KINDS.join(", ")}`, k);
  if (REMOVAL_ONLY.has(unitType) && k !== "removal") return bad("creditKind", `a ${unitType} is a removal`, k);
  return ok(k as CreditKind);
}

function labelsOf(v: unknown): Outcome<string[]> {
  if (v === undefined) return ok([]);
  if (!Array.isArray(v) || v.length > MAX_LABELS) return bad("labels", `must be a list of at most ${MAX_LABELS} ids`);
  for (const [i, l] of v.entries()) if (typeof l !== "string" || !RECORD_ID.test(l)) return bad(`labels[${i}]`, "must be an id", l);
  const sorted = [...new Set(v as string[])].sort();
  if (sorted.length !== v.length) return bad("labels", "lists a label twice");
  return ok(sorted);
}

/**
 * Validates attributes given as data. Checks in order: mechanism, unit type, credit kind, host,
 * vintage, the optional ids, cooperative approach, labels, expiry; the first problem is refused
 * (10905) naming the field.
 */
export function validateAttributes(input: unknown): Outcome<CreditAttributes> {
  if (!isObject(input)) return bad("attributes", "must be an object");
  const m = input.mechanism;
  if (!MECHANISM_IDS.includes(m as Mechanism)) return bad("mechanism", `must be one of ${MECHANISM_IDS.join(", ")}`, m);
  const mechanism = m as Mechanism;
  const types: readonly string[] = MECHANISMS[mechanism].unitTypes;
  if (typeof input.unitType !== "string" || !types.includes(input.unitType)) return bad("unitType", `${mechanism} issues ${types.join(", ")}`, input.unitType);
  const unitType = input.unitType;
  const kind = kindOf(input, unitType);
  if (!kind.ok) return kind;
  if (typeof input.host !== "string" || !/^[A-Z]{2,3}$/.test(input.host)) return bad("host", "must be an ISO 3166 alpha-2 or alpha-3 code", input.host);
  const y = checkYear(input.vintage, "vintage");
  if (y) return bad("vintage", "must be a year between 1990 and 2200", input.vintage);
  const ids: Partial<Record<(typeof OPTIONAL_IDS)[number], string | null>> = {};
  for (const k of OPTIONAL_IDS) {
    const r = optionalId(input, k);
    if (!r.ok) return r;
    ids[k] = r.value;
  }
  const ca = input.cooperativeApproach ?? null;
  if (ca !== null && (typeof ca !== "string" || !/^CA\d{4}$/.test(ca))) return bad("cooperativeApproach", "must be CA followed by four digits, as in the AEF", ca);
  const labels = labelsOf(input.labels);
  if (!labels.ok) return labels;
  const expiry = input.expiry ?? null;
  if (EXPIRING.has(unitType) ? checkDate(expiry, "expiry") !== undefined : expiry !== null) {
    return bad("expiry", EXPIRING.has(unitType) ? `a ${unitType} has an expiry date YYYY-MM-DD` : `only tCERs and lCERs expire`, expiry);
  }
  return ok({
    mechanism,
    unitType,
    creditKind: kind.value,
    host: input.host,
    vintage: input.vintage as number,
    methodology: ids.methodology ?? null,
    project: ids.project ?? null,
    sector: ids.sector ?? null,
    activityType: ids.activityType ?? null,
    commitmentPeriod: ids.commitmentPeriod ?? null,
    cooperativeApproach: ca as string | null,
    labels: labels.value,
    expiry: expiry as string | null,
    gwp: ids.gwp ?? null,
  });
}

/** The attributes as canonical text: fixed key order, so equal attributes give equal text. */
export function canonicalAttributes(a: CreditAttributes): string {
  const keys: (keyof CreditAttributes)[] = ["mechanism", "unitType", "creditKind", "host", "vintage", "methodology", "project", "sector", "activityType", "commitmentPeriod", "cooperativeApproach", "labels", "expiry", "gwp"];
  return JSON.stringify(keys.map((k) => [k, a[k]]));
}

/** FNV-1a, 32 bits, over the UTF-16 code units; eight hex digits. Not for security: a short fingerprint. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

const SCHEME_CODE: Record<Mechanism, string> = { kyoto: "KP", CDM: "CDM", JI: "JI", JCM: "JCM", "A6.2": "A6.2", "A6.4": "A6.4", "J-Credit": "JCR", voluntary: "VCM" };

/**
 * The unit class code of the attributes: `SCHEME-TYPE-HOST-VINTAGE[-PROJECT]-HASH`, at most 64
 * characters, where HASH fingerprints every attribute. Equal attributes give the same code;
 * attributes that differ in any field give a different hash, so a different code (a hash collision
 * would meet the ledger's class-exists check, which refuses a second definition under one code,
 * never merges two).
 */
export function classCode(a: CreditAttributes): string {
  const project = a.project === null ? "" : `-${a.project.replace(/[^A-Za-z0-9._-]/g, "_")}`;
  const prefix = `${SCHEME_CODE[a.mechanism]}-${a.unitType}-${a.host}-${a.vintage}${project}`.slice(0, 55);
  return `${prefix}-${fnv1a(canonicalAttributes(a))}`;
}

/** The fields of the ledger's class definition (src/domain/ledger/commands/classes.ts DefineClassCommand) that attributes fill. */
export interface LedgerClassFields {
  commandId: string;
  code: string;
  unitType: string;
  scheme: string;
  vintage: number;
  commitmentPeriod?: string;
  project?: string;
  hostCountry: string;
  creditKind?: CreditKind;
  methodology?: string;
}

export interface ClassDefinition {
  ledger: LedgerClassFields;
  /** Every attribute, for the class's stored definition (the ledger keeps what has no column of its own here). */
  attributes: CreditAttributes;
}

/** The class definition for units with these attributes, under the caller's command id. */
export function classDefinition(a: CreditAttributes, commandId: string): ClassDefinition {
  const ledger: LedgerClassFields = { commandId, code: classCode(a), unitType: a.unitType, scheme: a.mechanism, vintage: a.vintage, hostCountry: a.host };
  if (a.commitmentPeriod !== null) ledger.commitmentPeriod = a.commitmentPeriod;
  if (a.project !== null) ledger.project = a.project;
  if (a.creditKind !== null) ledger.creditKind = a.creditKind;
  if (a.methodology !== null) ledger.methodology = a.methodology;
  return { ledger, attributes: a };
}
