// The pieces every ledger command's validation is made of: identifier patterns and limits,
// quantities (positive whole numbers up to MAX_QUANTITY), optional strings, RFC 3339 times, and
// the FIELD_INVALID refusal naming the field.
import { type Refusal, refuse } from "../checks.ts";

export const MAX_QUANTITY = 10n ** 15n;
export const MAX_LEGS = 100;
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
export const ACCOUNT_ID_PATTERN = /^[A-Z0-9][A-Z0-9-]{1,63}$/;
export const CLASS_CODE_PATTERN = /^[A-Z0-9][A-Za-z0-9._-]{0,63}$/;
export const ACTOR_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}$/;

export type Quantity = string | bigint | number;
type Ok<T> = { ok: true; value: T };
export type Checked<T> = Ok<T> | Refusal;

export const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export function field(path: string, reason: string): Refusal {
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

export function optString(o: Record<string, unknown>, key: string, path: string, max = 500): Refusal | undefined {
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

export const TIME_RULE = "must be an RFC 3339 time with an offset, e.g. 2030-03-07T09:00:00+09:00 or 2030-03-07T00:00:00Z";
