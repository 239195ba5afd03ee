// Writes a year's free allocation into the ledger, idempotently, through the secure registry as an
// administrator (the same rules as the API: the issuance waits for a second administrator when
// four-eyes is on). Every command carries an id derived from the scheme, the year and the
// installation, so running the same allocation twice allocates once (the ledger replays the first
// result), and a run cut short is completed by running it again. A second run with different
// figures is refused (REPLAY_DIFFERS), never applied twice: reverse the first allocation to change
// it. Steps: the vintage class (cap as issuance limit), the national issuance account, one operator
// holding account per installation, the issuance of the year's free total, then every
// installation's allocation in one batch (all or nothing), then returns for changes in the year.
import { createHash } from "node:crypto";
import type { Refusal } from "../domain/ledger/checks.ts";
import type { Caller } from "../domain/security/roles.ts";
import type { Result } from "./ledger/index.ts";
import type { SecureRegistry } from "./secure/index.ts";

export interface AllocationToCommit {
  installation: string;
  free: bigint;
  /** Holder of the operator account (company); the installation id when unknown. */
  holder?: string;
  name?: string;
}

/** An allowance return decided by a change during the year (closure, suspension, capacity reduction). */
export interface ReturnToCommit {
  installation: string;
  quantity: bigint;
  /** What caused it, part of the transaction id (e.g. "closure:2013-07-01"). */
  cause: string;
}

export interface CommitInput {
  scheme: string;
  year: number;
  /** The year's cap: the class's issuance limit (none for bottom-up schemes). */
  cap?: bigint;
  allocations: readonly AllocationToCommit[];
  /** Returns to the issuance account (reverse_allocation), after the allocation. */
  returns?: readonly ReturnToCommit[];
  /** The regulator named as holder of the government accounts. */
  authority?: string;
  onProgress?: (done: number, total: number) => void;
}

export interface CommitSummary {
  /** committed: everything is in the ledger; awaiting-approval: the issuance waits for a second administrator (run again after). */
  state: "committed" | "awaiting-approval";
  classCode: string;
  issuanceAccount: string;
  /** The issuance transaction (approve it with `ets approve <id>` as another administrator when it awaits approval). */
  issuanceId: string;
  batchId: string;
  issued: bigint;
  /** Allowances returned to the issuance account by changes during the year. */
  returned: bigint;
  transactions: number;
  /** Commands the ledger had already applied (a re-run): all of them on a second run. */
  replayed: number;
  accountsOpened: number;
}

export class CommitRefused extends Error {
  constructor(
    readonly step: string,
    readonly refusal: Refusal,
  ) {
    super(`${step}: refused by check ${refusal.code} (${refusal.check}): ${refusal.message}`);
  }
}

const short = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 8).toUpperCase();

/**
 * An upper-case id part from free text; text that had to change gets a hash suffix so ids never
 * collide. `foldCase`: upper-casing alone is not a change (scheme ids, which are case-insensitive).
 */
export function idPart(text: string, max = 40, foldCase = false): string {
  const clean = text.toUpperCase().replace(/[^A-Z0-9-]+/g, "-").replace(/^-+|-+$/g, "") || "X";
  if ((clean === text || (foldCase && clean === text.toUpperCase())) && clean.length <= max) return clean;
  return `${clean.slice(0, max - 9)}-${short(text)}`;
}

/** Deterministic ids of everything a commit creates. */
export function commitIds(scheme: string, year: number) {
  const s = idPart(scheme, 30, true);
  const tx = (what: string) => `alloc:${s}:${year}:${what}`;
  return {
    classCode: `${s}-${year}`,
    issuanceAccount: `${s}-ISSUANCE`,
    operatorAccount: (installation: string) => `${s}-OHA-${idPart(installation)}`,
    classCommand: `class:${s}:${year}`,
    accountCommand: (accountId: string) => `open:${accountId}`,
    issuance: tx("issuance"),
    batch: tx("allocation"),
    allocation: (installation: string) => tx(`i:${idPart(installation, 60)}`),
    returned: (installation: string, cause: string) => tx(`r:${idPart(installation, 40)}:${idPart(cause, 40)}`),
  };
}

function must<T>(step: string, r: Result<T>): { value: T; replayed: boolean } {
  if (!r.ok) throw new CommitRefused(step, r);
  return r;
}

export async function commitAllocation(registry: SecureRegistry, caller: Caller, input: CommitInput): Promise<CommitSummary> {
  const ids = commitIds(input.scheme, input.year);
  const authority = input.authority ?? input.scheme;
  const ledger = registry.ledger;
  let replayed = 0;
  let transactions = 0;
  let accountsOpened = 0;
  const count = (r: { replayed: boolean }) => {
    transactions++;
    if (r.replayed) replayed++;
  };

  const cls = await registry.defineClass(caller, {
    commandId: ids.classCommand, code: ids.classCode, unitType: "allowance", scheme: input.scheme, vintage: input.year,
    ...(input.cap === undefined ? {} : { issuanceLimit: input.cap.toString() }),
  });
  if (!cls.ok && cls.check === "class-exists") {
    // Defined by another command (e.g. by hand): fine when it is this scheme's vintage.
    const c = await ledger.getClass(ids.classCode);
    if (!c || c.scheme !== input.scheme || c.vintage !== input.year || c.unitType !== "allowance") must(`define class ${ids.classCode}`, cls);
  } else must(`define class ${ids.classCode}`, cls);

  const open = async (accountId: string, type: string, holder: string, name: string, installation?: string) => {
    const r = await registry.openAccount(caller, { commandId: ids.accountCommand(accountId), accountId, type, holder, name, ...(installation === undefined ? {} : { installation }) });
    if (!r.ok && r.check === "account-exists") {
      const existing = await ledger.getAccount(accountId);
      if (existing && existing.type === type) return;
    }
    if (!must(`open account ${accountId}`, r).replayed) accountsOpened++;
  };
  await open(ids.issuanceAccount, "national_issuance", authority, `${input.scheme} national issuance`);

  const given = input.allocations.filter((a) => a.free > 0n);
  let total = 0n;
  for (const a of given) total += a.free;
  const summary = (state: CommitSummary["state"], returned: bigint): CommitSummary => ({
    state, classCode: ids.classCode, issuanceAccount: ids.issuanceAccount, issuanceId: ids.issuance, batchId: ids.batch, issued: total, returned, transactions, replayed, accountsOpened,
  });
  for (const [i, a] of given.entries()) {
    await open(ids.operatorAccount(a.installation), "operator_holding", a.holder ?? a.installation, a.name ?? a.installation, a.installation);
    input.onProgress?.(i + 1, given.length * 2);
  }
  if (total > 0n) {
    const issuance = must("issuance", await registry.initiate(caller, {
      transactionId: ids.issuance, kind: "issuance", note: `free allocation ${input.scheme} ${input.year}`,
      legs: [{ classCode: ids.classCode, from: null, to: ids.issuanceAccount, quantity: total.toString() }],
    }));
    count(issuance);
    if (issuance.value.status !== "completed") return summary("awaiting-approval", 0n);
    const batch = must("allocation", await registry.batch(caller, {
      batchId: ids.batch, kind: "allocation",
      transfers: given.map((a) => ({
        key: ids.allocation(a.installation), classCode: ids.classCode, from: ids.issuanceAccount, to: ids.operatorAccount(a.installation), quantity: a.free.toString(),
        note: `${input.scheme} ${input.year} ${a.installation}`,
      })),
    }));
    transactions += batch.value.size;
    if (batch.replayed) replayed += batch.value.size;
    input.onProgress?.(given.length * 2, given.length * 2);
  }
  let returned = 0n;
  for (const r of input.returns ?? []) {
    if (r.quantity <= 0n) continue;
    count(must(`return from ${r.installation}`, await registry.initiate(caller, {
      transactionId: ids.returned(r.installation, r.cause), kind: "reverse_allocation", note: `${input.scheme} ${input.year} ${r.installation} ${r.cause}`,
      legs: [{ classCode: ids.classCode, from: ids.operatorAccount(r.installation), to: ids.issuanceAccount, quantity: r.quantity.toString() }],
    })));
    returned += r.quantity;
  }
  return summary("committed", returned);
}
