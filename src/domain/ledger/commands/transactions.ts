// Transaction commands (propose, approve/reject/cancel, reverse) and their validation: legs,
// quantities, holds, actors.
import { refuse } from "../checks.ts";
import { ACCOUNT_ID_PATTERN, ACTOR_PATTERN, CLASS_CODE_PATTERN, type Checked, checkId, field, isObj, MAX_LEGS, optString, parseQuantity, parseRfc3339, type Quantity, TIME_RULE } from "./fields.ts";

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
