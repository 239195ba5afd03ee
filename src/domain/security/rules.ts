// The security rules as pure decisions over facts the registry gathers: whether a proposed
// transaction must wait for a second approval and until when it is delayed, the per-transaction
// limit outside the trusted list, holding limits, four-eyes, and approval expiry. The registry
// (src/registry/secure/index.ts) reads the facts and applies the outcome.
import type { TransactionKind } from "../ledger/catalog.ts";
import type { Refusal } from "../ledger/checks.ts";
import type { Leg } from "../ledger/commands.ts";
import { inWindow, nextInWindow } from "./calendar.ts";
import { securityRefusal } from "./codes.ts";
import type { SecurityConfig } from "./config.ts";

export interface HoldPlan {
  /** Wait for a second person's approval (four-eyes). */
  readonly approval: boolean;
  /** ISO time before which the transaction may not complete, or null. */
  readonly delayUntil: string | null;
  /** Units going to accounts outside the source's trusted list. */
  readonly outsideTrusted: bigint;
  /** Destinations outside the trusted list, in leg order without repeats. */
  readonly untrustedDestinations: readonly string[];
}

export interface HoldFacts {
  readonly kind: TransactionKind;
  readonly legs: readonly Leg[];
  /** Whether `to` is trusted by `from` right now (active entry, or same holder when configured). */
  readonly trusted: (from: string, to: string) => boolean;
  /** Source account types, by account id. */
  readonly sourceTypes: ReadonlyMap<string, string>;
  /** Limits the sources' representatives set on their own accounts (units outside the trusted list per transaction). */
  readonly accountLimits?: ReadonlyMap<string, bigint>;
  readonly now: Date;
}

/** Decides approval and delay for a proposal, or refuses it (trusted-only types, transaction limit). */
export function planHold(f: HoldFacts, cfg: SecurityConfig): { ok: true; value: HoldPlan } | Refusal {
  const untrusted: string[] = [];
  let outside = 0n;
  const bySource = new Map<string, bigint>();
  for (const [i, leg] of f.legs.entries()) {
    if (leg.from === null || f.trusted(leg.from, leg.to)) continue;
    const type = f.sourceTypes.get(leg.from) ?? "";
    if (f.kind.delay && cfg.trustedList.trustedOnlyAccountTypes.includes(type)) {
      return securityRefusal("DEST_NOT_TRUSTED", `legs[${i}]: ${leg.from} (${type}) may send only to accounts on its trusted list; ${leg.to} is not on it`, {
        leg: i, accountId: leg.from, destination: leg.to, type,
      });
    }
    outside += leg.quantity;
    bySource.set(leg.from, (bySource.get(leg.from) ?? 0n) + leg.quantity);
    if (!untrusted.includes(leg.to)) untrusted.push(leg.to);
  }
  const limit = cfg.transactionLimitOutsideTrusted;
  // The limit applies to transfers between holders (kinds with a delay), not to administrative kinds, surrender or retirement.
  if (f.kind.delay && limit !== null && outside > limit) {
    return securityRefusal("TRANSACTION_LIMIT_EXCEEDED", `${outside} units to accounts outside the trusted list exceed the limit of ${limit} per transaction`, {
      quantity: outside.toString(), limit: limit.toString(), level: "central", destinations: untrusted,
    });
  }
  // Account-level limits: the lowest applicable limit wins (EU Delegated Regulation 2023/1642).
  for (const [source, q] of f.kind.delay ? bySource : []) {
    const own = f.accountLimits?.get(source);
    if (own !== undefined && q > own) {
      return securityRefusal("TRANSACTION_LIMIT_EXCEEDED", `${q} units from ${source} to accounts outside its trusted list exceed the account's own limit of ${own} per transaction`, {
        quantity: q.toString(), limit: own.toString(), level: "account", accountId: source, destinations: untrusted,
      });
    }
  }
  const bh = f.kind.delay ? cfg.businessHours : null;
  if (bh?.initiate && !inWindow(f.now, bh.initiate, cfg.trustedList)) {
    const next = nextInWindow(f.now, bh.initiate, cfg.trustedList).toISOString();
    return securityRefusal("OUTSIDE_BUSINESS_HOURS", `transfers are initiated on working days ${bh.initiate.from}-${bh.initiate.to} (${cfg.trustedList.timeZone}); next: ${next}`, {
      window: bh.initiate, timeZone: cfg.trustedList.timeZone, nextOpen: next,
    });
  }
  const delayed = f.kind.delay && untrusted.length > 0 && cfg.transferDelayHours > 0;
  let delayUntil = delayed ? new Date(f.now.getTime() + cfg.transferDelayHours * 3_600_000) : null;
  if (delayUntil && bh?.complete) delayUntil = nextInWindow(delayUntil, bh.complete, cfg.trustedList);
  return {
    ok: true,
    value: {
      approval: cfg.fourEyes && f.kind.approval,
      delayUntil: delayUntil ? delayUntil.toISOString() : null,
      outsideTrusted: outside,
      untrustedDestinations: untrusted,
    },
  };
}

/** The holding limit of a holder: its own, else the default, else none. */
export function holdingLimitOf(holder: string, cfg: SecurityConfig): bigint | null {
  return Object.hasOwn(cfg.holdingLimits.perHolder, holder) ? (cfg.holdingLimits.perHolder[holder] as bigint) : cfg.holdingLimits.defaultLimit;
}

/** Refuses when current + incoming would exceed the holder's limit (only an increase is refused). */
export function checkHoldingLimit(holder: string, current: bigint, incoming: bigint, cfg: SecurityConfig): Refusal | undefined {
  const limit = holdingLimitOf(holder, cfg);
  if (limit === null || incoming <= 0n || current + incoming <= limit) return undefined;
  return securityRefusal("HOLDING_LIMIT_EXCEEDED", `holder ${holder} would hold ${current + incoming} units, above its holding limit of ${limit}`, {
    holder, held: current.toString(), incoming: incoming.toString(), limit: limit.toString(),
  });
}

/** Four-eyes: approver and initiator must be two people. */
export function checkFourEyes(initiator: string | null, approver: string, cfg: SecurityConfig): Refusal | undefined {
  if (!cfg.fourEyes || initiator === null || initiator !== approver) return undefined;
  return securityRefusal("FOUR_EYES_SAME_PERSON", `${approver} initiated this transaction and cannot also approve it`, { initiator, approver });
}

export function approvalExpiresAt(createdAt: string, cfg: SecurityConfig): string {
  return new Date(Date.parse(createdAt) + cfg.approvalExpiryHours * 3_600_000).toISOString();
}

export function isApprovalExpired(createdAt: string, now: Date, cfg: SecurityConfig): boolean {
  return now.getTime() >= Date.parse(createdAt) + cfg.approvalExpiryHours * 3_600_000;
}
