// Account commands (open, set status) and their validation, and the request an opening stores.
import { ACCOUNT_STATE_CODES, type AccountState } from "../catalog.ts";
import { refuse } from "../checks.ts";
import { ACCOUNT_ID_PATTERN, type Checked, checkId, field, isObj, optString } from "./fields.ts";

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
