// Ledger commands, their pure validation (shape, identifiers, quantities) and the canonical form
// used for idempotency: a replayed command is compared field by field with the first one.
import { ACCOUNT_STATE_CODES, type AccountState } from "./catalog.ts";
import { type Refusal, refuse } from "./checks.ts";

export const MAX_QUANTITY = 10n ** 15n;
export const MAX_LEGS = 100;
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
export const ACCOUNT_ID_PATTERN = /^[A-Z0-9][A-Z0-9-]{1,63}$/;
export const CLASS_CODE_PATTERN = /^[A-Z0-9][A-Za-z0-9._-]{0,63}$/;
export const ACTOR_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}$/;

export type Quantity = string | bigint | number;

export interface DefineClassCommand {
  commandId: string;
  code: string;
  unitType: string;
  scheme: string;
  vintage?: number;
  commitmentPeriod?: string;
  project?: string;
  hostCountry?: string;
  creditKind?: "reduction" | "avoidance" | "removal";
  methodology?: string;
  article6?: { authorized: boolean; use?: "NDC" | "OIMP" | "both"; firstTransferred?: boolean };
  issuanceLimit?: Quantity;
  serialStart?: Quantity;
}

export interface OpenAccountCommand {
  commandId: string;
  /** Omitted where the registry numbers its accounts (the rulebook's `ledger.accountNumbers`): it assigns the next number. */
  accountId?: string;
  type: string;
  holder: string;
  name: string;
  installation?: string;
  /** The installation's permit id (operator accounts): one live account per permit. */
  permitId?: string;
  /** The monitoring plan id (aircraft and ship operators, or installations): one live account per plan. */
  monitoringPlanId?: string;
}

export type AccountStatus = AccountState;

export interface SetAccountStatusCommand {
  commandId: string;
  accountId: string;
  status: AccountStatus;
  reason?: string;
}

export interface LegInput {
  classCode: string;
  from?: string | null;
  to: string;
  quantity: Quantity;
}

export interface ProposeCommand {
  transactionId: string;
  kind: string;
  legs: LegInput[];
  initiator?: string;
  purpose?: string;
  beneficiary?: string;
  note?: string;
  /** Decided by the security layer: wait for a second approval, and/or a delay before completion. */
  hold?: { approval?: boolean; delayUntil?: string };
}

export interface DecideCommand {
  transactionId: string;
  actor: string;
  reason?: string;
  /** For approve: a delay that still applies after approval. */
  delayUntil?: string;
}

export interface ReverseCommand {
  transactionId: string;
  reverses: string;
  actor?: string;
  reason?: string;
}

export interface Leg {
  classCode: string;
  from: string | null;
  to: string;
  quantity: bigint;
}

export interface ValidProposal {
  transactionId: string;
  kind: string;
  legs: Leg[];
  initiator: string | null;
  purpose: string | null;
  beneficiary: string | null;
  note: string | null;
  hold: { approval: boolean; delayUntil: string | null };
}

type Ok<T> = { ok: true; value: T };
export type Checked<T> = Ok<T> | Refusal;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function field(path: string, reason: string): Refusal {
  return refuse("FIELD_INVALID", `${path}: ${reason}`, { field: path, reason });
}

export function checkId(value: unknown, path: string, pattern = ID_PATTERN): Refusal | undefined {
  if (typeof value !== "string") return field(path, "must be a string");
  if (!pattern.test(value)) return refuse("ID_MALFORMED", `${path} ${JSON.stringify(value.slice(0, 80))} does not match ${pattern.source}`, { field: path, value: value.slice(0, 200) });
  return undefined;
}

/** Parses a quantity: a positive whole number (decimal string, bigint, or safe integer number). */
export function parseQuantity(value: unknown, path: string): Checked<bigint> {
  let q: bigint;
  if (typeof value === "bigint") q = value;
  else if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) return refuse("QUANTITY_NOT_POSITIVE_WHOLE", `${path} must be a whole number`, { field: path, value: String(value) });
    q = BigInt(value);
  } else if (typeof value === "string") {
    if (!/^-?\d{1,40}$/.test(value)) return refuse("QUANTITY_NOT_POSITIVE_WHOLE", `${path} ${JSON.stringify(value.slice(0, 50))} is not a whole number`, { field: path, value: value.slice(0, 50) });
    q = BigInt(value);
  } else return field(path, "must be a decimal string");
  if (q <= 0n) return refuse("QUANTITY_NOT_POSITIVE_WHOLE", `${path} must be positive, got ${q}`, { field: path, value: q.toString() });
  if (q > MAX_QUANTITY) return refuse("QUANTITY_TOO_LARGE", `${path} ${q} exceeds ${MAX_QUANTITY}`, { field: path, value: q.toString() });
  return { ok: true, value: q };
}

function optString(o: Record<string, unknown>, key: string, path: string, max = 500): Refusal | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") return field(`${path}${key}`, "must be a string");
  if (v.length > max) return field(`${path}${key}`, `longer than ${max} characters`);
  return undefined;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/;

/**
 * An RFC 3339 time with an explicit offset ("2030-03-07T09:00:00+09:00" or "...Z"), as the UTC
 * ISO string with milliseconds that the ledger stores; undefined for anything else: dates in a
 * local time zone, other formats, impossible dates such as February 30 (which Date.parse would
 * quietly move to March), years past 9999.
 */
export function parseRfc3339(v: unknown): string | undefined {
  if (typeof v !== "string" || v.length > 40) return undefined;
  const m = RFC3339.exec(v);
  if (!m) return undefined;
  const [y, mo, d, h, mi, se] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
  const days = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > (days[mo - 1] as number) || h > 23 || mi > 59 || se > 59) return undefined;
  if (m[8] !== "Z" && (Number(m[9]) > 23 || Number(m[10]) > 59)) return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

const TIME_RULE = "must be an RFC 3339 time with an offset, e.g. 2030-03-07T09:00:00+09:00 or 2030-03-07T00:00:00Z";

export function validatePropose(input: unknown): Checked<ValidProposal> {
  if (!isObj(input)) return field("command", "must be an object");
  const idErr = checkId(input.transactionId, "transactionId");
  if (idErr) return idErr;
  if (typeof input.kind !== "string" || input.kind.length > 64) return field("kind", "must be a string");
  for (const k of ["initiator", "purpose", "beneficiary", "note"]) {
    const e = optString(input, k, "");
    if (e) return e;
  }
  if (!Array.isArray(input.legs)) return field("legs", "must be a list");
  if (input.legs.length < 1 || input.legs.length > MAX_LEGS) {
    return refuse("LEGS_EMPTY_OR_TOO_MANY", `a transaction has 1 to ${MAX_LEGS} legs, got ${input.legs.length}`, { legs: input.legs.length });
  }
  const legs: Leg[] = [];
  for (const [i, raw] of input.legs.entries()) {
    const p = `legs[${i}].`;
    if (!isObj(raw)) return field(`legs[${i}]`, "must be an object");
    const cErr = checkId(raw.classCode, `${p}classCode`, CLASS_CODE_PATTERN);
    if (cErr) return cErr;
    if (raw.from !== undefined && raw.from !== null) {
      const fErr = checkId(raw.from, `${p}from`, ACCOUNT_ID_PATTERN);
      if (fErr) return fErr;
    }
    const tErr = checkId(raw.to, `${p}to`, ACCOUNT_ID_PATTERN);
    if (tErr) return tErr;
    const q = parseQuantity(raw.quantity, `${p}quantity`);
    if (!q.ok) return q;
    legs.push({ classCode: raw.classCode as string, from: (raw.from as string | undefined) ?? null, to: raw.to as string, quantity: q.value });
  }
  let hold = { approval: false, delayUntil: null as string | null };
  if (input.hold !== undefined) {
    if (!isObj(input.hold)) return field("hold", "must be an object");
    if (input.hold.approval !== undefined && typeof input.hold.approval !== "boolean") return field("hold.approval", "must be a boolean");
    const until = input.hold.delayUntil === undefined ? null : parseRfc3339(input.hold.delayUntil);
    if (until === undefined) return field("hold.delayUntil", TIME_RULE);
    hold = { approval: input.hold.approval === true, delayUntil: until };
  }
  const s = (k: string) => (typeof input[k] === "string" ? (input[k] as string) : null);
  return {
    ok: true,
    value: { transactionId: input.transactionId as string, kind: input.kind, legs, initiator: s("initiator"), purpose: s("purpose"), beneficiary: s("beneficiary"), note: s("note"), hold },
  };
}

export interface ValidClass {
  commandId: string;
  code: string;
  unitType: string;
  scheme: string;
  vintage: number | null;
  commitmentPeriod: string | null;
  project: string | null;
  hostCountry: string | null;
  creditKind: "reduction" | "avoidance" | "removal" | null;
  methodology: string | null;
  article6: { authorized: boolean; use: string | null; firstTransferred: boolean } | null;
  issuanceLimit: bigint | null;
  serialStart: bigint;
}

export function validateDefineClass(input: unknown): Checked<ValidClass> {
  if (!isObj(input)) return field("command", "must be an object");
  const e1 = checkId(input.commandId, "commandId") ?? checkId(input.code, "code", CLASS_CODE_PATTERN);
  if (e1) return e1;
  if (typeof input.unitType !== "string") return field("unitType", "must be a string");
  if (typeof input.scheme !== "string" || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/.test(input.scheme)) return field("scheme", "must be a short code such as JP-GX or EU");
  for (const k of ["commitmentPeriod", "project", "methodology"]) {
    const e = optString(input, k, "", 200);
    if (e) return e;
  }
  if (input.vintage !== undefined && (!Number.isInteger(input.vintage) || (input.vintage as number) < 1990 || (input.vintage as number) > 2200)) {
    return field("vintage", "must be a year between 1990 and 2200");
  }
  if (input.hostCountry !== undefined && (typeof input.hostCountry !== "string" || !/^[A-Z]{2,3}$/.test(input.hostCountry))) {
    return field("hostCountry", "must be an ISO 3166 code such as TH or JPN");
  }
  if (input.creditKind !== undefined && !["reduction", "avoidance", "removal"].includes(input.creditKind as string)) {
    return field("creditKind", "must be reduction, avoidance or removal");
  }
  let article6: ValidClass["article6"] = null;
  if (input.article6 !== undefined) {
    const a = input.article6;
    if (!isObj(a) || typeof a.authorized !== "boolean") return field("article6.authorized", "must be a boolean");
    if (a.use !== undefined && !["NDC", "OIMP", "both"].includes(a.use as string)) return field("article6.use", "must be NDC, OIMP or both");
    if (a.firstTransferred !== undefined && typeof a.firstTransferred !== "boolean") return field("article6.firstTransferred", "must be a boolean");
    article6 = { authorized: a.authorized, use: (a.use as string | undefined) ?? null, firstTransferred: a.firstTransferred === true };
  }
  let issuanceLimit: bigint | null = null;
  if (input.issuanceLimit !== undefined && input.issuanceLimit !== null) {
    const q = parseQuantity(input.issuanceLimit, "issuanceLimit");
    if (!q.ok) return q;
    issuanceLimit = q.value;
  }
  let serialStart = 1n;
  if (input.serialStart !== undefined) {
    const q = parseQuantity(input.serialStart, "serialStart");
    if (!q.ok) return q;
    serialStart = q.value;
  }
  const s = (k: string) => (typeof input[k] === "string" ? (input[k] as string) : null);
  return {
    ok: true,
    value: {
      commandId: input.commandId as string,
      code: input.code as string,
      unitType: input.unitType,
      scheme: input.scheme,
      vintage: (input.vintage as number | undefined) ?? null,
      commitmentPeriod: s("commitmentPeriod"),
      project: s("project"),
      hostCountry: s("hostCountry"),
      creditKind: (input.creditKind as ValidClass["creditKind"] | undefined) ?? null,
      methodology: s("methodology"),
      article6,
      issuanceLimit,
      serialStart,
    },
  };
}

export interface ValidOpenAccount {
  commandId: string;
  /** null: the registry assigns a number. */
  accountId: string | null;
  type: string;
  holder: string;
  name: string;
  installation: string | null;
  permitId: string | null;
  monitoringPlanId: string | null;
}

const EXTERNAL_ID = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;

export function validateOpenAccount(input: unknown): Checked<ValidOpenAccount> {
  if (!isObj(input)) return field("command", "must be an object");
  const e1 = checkId(input.commandId, "commandId") ?? (input.accountId === undefined ? undefined : checkId(input.accountId, "accountId", ACCOUNT_ID_PATTERN));
  if (e1) return e1;
  if (typeof input.type !== "string") return field("type", "must be a string");
  if (typeof input.holder !== "string" || input.holder.length < 1 || input.holder.length > 200) return field("holder", "must be a non-empty string of at most 200 characters");
  if (typeof input.name !== "string" || input.name.length < 1 || input.name.length > 200) return field("name", "must be a non-empty string of at most 200 characters");
  const e2 = optString(input, "installation", "", 64);
  if (e2) return e2;
  for (const k of ["permitId", "monitoringPlanId"] as const) {
    const v = input[k];
    if (v !== undefined && (typeof v !== "string" || !EXTERNAL_ID.test(v))) return field(k, `must be an identifier (letters, digits, . _ : / -, at most 64 characters)`);
  }
  return {
    ok: true,
    value: {
      commandId: input.commandId as string,
      accountId: (input.accountId as string | undefined) ?? null,
      type: input.type,
      holder: input.holder,
      name: input.name,
      installation: (input.installation as string | undefined) ?? null,
      permitId: (input.permitId as string | undefined) ?? null,
      monitoringPlanId: (input.monitoringPlanId as string | undefined) ?? null,
    },
  };
}

/**
 * The request of an account opening as stored and compared on replay. The permit and
 * monitoring-plan ids appear only when given, so openings recorded before they existed replay
 * unchanged.
 */
export function openingRequest(a: ValidOpenAccount, accountId: string): Record<string, unknown> {
  return {
    accountId, type: a.type, holder: a.holder, name: a.name, installation: a.installation,
    ...(a.permitId !== null ? { permitId: a.permitId } : {}),
    ...(a.monitoringPlanId !== null ? { monitoringPlanId: a.monitoringPlanId } : {}),
  };
}

export function validateSetStatus(input: unknown): Checked<Omit<SetAccountStatusCommand, "reason"> & { reason: string | null }> {
  if (!isObj(input)) return field("command", "must be an object");
  const e1 = checkId(input.commandId, "commandId") ?? checkId(input.accountId, "accountId", ACCOUNT_ID_PATTERN);
  if (e1) return e1;
  if (!(ACCOUNT_STATE_CODES as readonly unknown[]).includes(input.status)) {
    return refuse("ACCOUNT_STATUS_INVALID", `status must be one of ${ACCOUNT_STATE_CODES.join(", ")}, got ${JSON.stringify(typeof input.status === "string" ? input.status.slice(0, 40) : input.status)}`, { field: "status", allowed: ACCOUNT_STATE_CODES });
  }
  const e2 = optString(input, "reason", "");
  if (e2) return e2;
  return {
    ok: true,
    value: { commandId: input.commandId as string, accountId: input.accountId as string, status: input.status as AccountStatus, reason: (input.reason as string | undefined) ?? null },
  };
}

export function validateDecide(input: unknown): Checked<{ transactionId: string; actor: string; reason: string | null; delayUntil: string | null }> {
  if (!isObj(input)) return field("command", "must be an object");
  const e1 = checkId(input.transactionId, "transactionId") ?? checkId(input.actor, "actor", ACTOR_PATTERN);
  if (e1) return e1;
  const e2 = optString(input, "reason", "");
  if (e2) return e2;
  const until = input.delayUntil === undefined ? null : parseRfc3339(input.delayUntil);
  if (until === undefined) return field("delayUntil", TIME_RULE);
  return {
    ok: true,
    value: {
      transactionId: input.transactionId as string,
      actor: input.actor as string,
      reason: (input.reason as string | undefined) ?? null,
      delayUntil: until,
    },
  };
}

export function validateReverse(input: unknown): Checked<{ transactionId: string; reverses: string; actor: string | null; reason: string | null }> {
  if (!isObj(input)) return field("command", "must be an object");
  const e1 = checkId(input.transactionId, "transactionId") ?? checkId(input.reverses, "reverses");
  if (e1) return e1;
  if (input.actor !== undefined) {
    const e = checkId(input.actor, "actor", ACTOR_PATTERN);
    if (e) return e;
  }
  const e2 = optString(input, "reason", "");
  if (e2) return e2;
  return {
    ok: true,
    value: {
      transactionId: input.transactionId as string,
      reverses: input.reverses as string,
      actor: (input.actor as string | undefined) ?? null,
      reason: (input.reason as string | undefined) ?? null,
    },
  };
}

export const ALLOCATION_TABLES = ["NAT", "NER"] as const;
export type AllocationTable = (typeof ALLOCATION_TABLES)[number];

export interface ValidEntitlement {
  commandId: string;
  accountId: string;
  year: number;
  table: AllocationTable;
  quantity: bigint;
}

/** The regulator's record of what an account is entitled to for a year and allocation table (0 or more). */
export function validateEntitlement(input: unknown): Checked<ValidEntitlement> {
  if (!isObj(input)) return field("command", "must be an object");
  const e1 = checkId(input.commandId, "commandId") ?? checkId(input.accountId, "accountId", ACCOUNT_ID_PATTERN);
  if (e1) return e1;
  if (!Number.isInteger(input.year) || (input.year as number) < 1990 || (input.year as number) > 2200) return field("year", "must be a year between 1990 and 2200");
  if (!(ALLOCATION_TABLES as readonly unknown[]).includes(input.table)) return field("table", "must be NAT (the national allocation table) or NER (the new entrants' reserve)");
  const raw = input.quantity;
  const text = typeof raw === "bigint" || (typeof raw === "number" && Number.isSafeInteger(raw)) ? String(raw) : raw;
  if (typeof text !== "string" || !/^\d{1,16}$/.test(text) || BigInt(text) > MAX_QUANTITY) return refuse("QUANTITY_NOT_POSITIVE_WHOLE", "quantity must be a whole number of allowances, 0 or more", { field: "quantity" });
  return { ok: true, value: { commandId: input.commandId as string, accountId: input.accountId as string, year: input.year as number, table: input.table as AllocationTable, quantity: BigInt(text) } };
}

export interface ValidFreeze {
  commandId: string;
  frozen: boolean;
  reason: string;
}

/** An administrator's switch: freeze the registry's transactions for a reconciliation, or lift the freeze (a reason is recorded either way). */
export function validateFreeze(input: unknown): Checked<ValidFreeze> {
  if (!isObj(input)) return field("command", "must be an object");
  const e1 = checkId(input.commandId, "commandId");
  if (e1) return e1;
  if (typeof input.frozen !== "boolean") return field("frozen", "must be true or false");
  if (typeof input.reason !== "string" || input.reason.length < 1 || input.reason.length > 500) return field("reason", "must be 1 to 500 characters");
  return { ok: true, value: { commandId: input.commandId as string, frozen: input.frozen, reason: input.reason } };
}

/** A JSON-safe canonical form (bigint -> decimal string, keys sorted) for storage and comparison. */
export function canonical(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(canonical);
  if (isObj(value)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = value[k];
      if (v !== undefined) out[k] = canonical(v);
    }
    return out;
  }
  return value;
}

/** The first path at which two canonical values differ, or undefined when equal. */
export function firstDifference(a: unknown, b: unknown, path = ""): string | undefined {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path || "value"}.length`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) {
      const d = firstDifference(a[k], b[k], path ? `${path}.${k}` : k);
      if (d) return d;
    }
    return undefined;
  }
  return a === b ? undefined : path || "value";
}
