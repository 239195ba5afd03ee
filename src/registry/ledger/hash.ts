// The tamper-evident log: each completed transaction appends one link to the hash chain of every
// account it takes units from (or, for an issuance, of the class it issues). A chain advances only
// under the lock its transaction already holds, so no global row serializes transfers.
// link.hash = sha256(prev_hash + "\n" + sha256(canonical payload)); the first prev_hash is 64 zeros.
import { createHash } from "node:crypto";
import { canonical } from "../../domain/ledger/commands.ts";

export const GENESIS = "0".repeat(64);

export interface ChainPayload {
  id: string;
  kind: string;
  request: unknown;
  completedAt: string;
  movements: Array<[legNo: number, partNo: number, classCode: string, from: string | null, to: string, start: string, end: string]>;
}

export function payloadDigest(p: ChainPayload): string {
  return createHash("sha256").update(JSON.stringify(canonical(p))).digest("hex");
}

export function linkHash(prev: string, digest: string): string {
  return createHash("sha256").update(`${prev}\n${digest}`).digest("hex");
}
