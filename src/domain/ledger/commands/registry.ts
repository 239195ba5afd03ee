// The regulator's records and switches beside the transactions: an account's entitlement for a
// year and allocation table (what a return of excess allocation is measured against), and the
// freeze of the registry's transactions for a reconciliation.
import { refuse } from "../checks.ts";
import { ACCOUNT_ID_PATTERN, type Checked, checkId, field, isObj, MAX_QUANTITY } from "./fields.ts";

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
