// Arguments of the registry commands, checked the same way on both doors (store and server):
// ids chosen or generated, a value from a fixed list, page sizes and cursors. Light: no store.
import { ACCOUNT_STATE_CODES } from "../../../domain/ledger/catalog.ts";
import { randomBytes } from "node:crypto";
import { UsageError } from "../../io.ts";
import { decodeCursor, encodeCursor } from "./format.ts";

export function newId(): string {
  return `cli-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
}

export function pickId(opts: { id?: string | undefined }): { id: string; generated: boolean } {
  return opts.id === undefined ? { id: newId(), generated: true } : { id: opts.id, generated: false };
}

export function oneOf<T extends string>(flag: string, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`option ${flag}: ${JSON.stringify(v)} is not one of ${allowed.join(", ")}`, { field: flag, facts: { known: [...allowed] } });
  return v as T;
}

export function positiveInt(flag: string, v: string, max = 999_999): number {
  if (!/^\d{1,7}$/.test(v) || Number(v) < 1 || Number(v) > max) throw new UsageError(`option ${flag}: not a whole number from 1 to ${max}: ${JSON.stringify(v)}`, { field: flag });
  return Number(v);
}

/** A page size: 1 to 500 (the API's bound), default 100. */
export function pageLimit(v: string | undefined): number {
  return v === undefined ? 100 : positiveInt("--limit", v, 500);
}

/** The key a --after cursor stands for (the cursor a page printed, as the API writes it). */
export function afterKey(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const key = decodeCursor(v);
  if (key === undefined) throw new UsageError(`option --after: not a cursor a page printed: ${JSON.stringify(v)}`, { field: "--after" });
  return key;
}

/** A --after key read by its list's rule (src/registry/page-key.ts); one it cannot read is bad usage naming --after. */
export function parsedAfter<K>(key: string, parse: (key: string) => K | undefined): K {
  const k = parse(key);
  if (k === undefined) throw new UsageError(`option --after: not a cursor a page printed: ${JSON.stringify(encodeCursor(key))}`, { field: "--after" });
  return k;
}

/** The states an account can be in (src/domain/ledger/catalog.ts). */
export const ACCOUNT_STATUSES = ACCOUNT_STATE_CODES;
export const TX_STATUSES = ["awaiting_approval", "delayed", "completed", "rejected", "cancelled"] as const;

export interface ClassDefineOpts {
  unitType: string;
  scheme: string;
  vintage?: string;
  commitmentPeriod?: string;
  project?: string;
  hostCountry?: string;
  creditKind?: string;
  methodology?: string;
  a6Authorized?: boolean;
  a6Use?: string;
  a6FirstTransferred?: boolean;
  issuanceLimit?: string;
  serialStart?: string;
  id?: string | undefined;
}

/** The class definition a `class define` command sends (to the service, or as the API's body less its commandId). */
export function classCommand(code: string, o: ClassDefineOpts): Record<string, unknown> {
  const cmd: Record<string, unknown> = { code, unitType: o.unitType, scheme: o.scheme };
  // Numbers are passed on as given when they are not plain digits, so the ledger names the field.
  if (o.vintage !== undefined) cmd.vintage = /^\d{1,9}$/.test(o.vintage) ? Number(o.vintage) : o.vintage;
  for (const [k, v] of [["commitmentPeriod", o.commitmentPeriod], ["project", o.project], ["hostCountry", o.hostCountry], ["creditKind", o.creditKind], ["methodology", o.methodology], ["issuanceLimit", o.issuanceLimit], ["serialStart", o.serialStart]] as const) {
    if (v !== undefined) cmd[k] = v;
  }
  if (o.a6Authorized !== undefined || o.a6Use !== undefined || o.a6FirstTransferred !== undefined) {
    cmd.article6 = { authorized: o.a6Authorized === true, ...(o.a6Use ? { use: o.a6Use } : {}), firstTransferred: o.a6FirstTransferred === true };
  }
  return cmd;
}

