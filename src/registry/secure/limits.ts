// Account-level transaction limits (units per transaction to accounts outside the trusted list;
// EU Delegated Regulation 2023/1642) and the holding limit a holder stands at. A raise or removal
// of an account limit waits for a second person, whose approval names the version it approves: a
// change proposed again after the approver looked is a new version and is not approved by it.
import { refuse } from "../../domain/ledger/checks.ts";
import { printable, securityRefusal } from "../../domain/security/codes.ts";
import { type Caller, can } from "../../domain/security/roles.ts";
import { holdingLimitOf } from "../../domain/security/rules.ts";
import type { Result } from "../ledger/index.ts";
import { mayApproveChange, mayManageTrusted, maySeeAccount } from "./authorize.ts";
import { bad, isObj, notVisible, ok, type SecureCtx, str, targetOf } from "./context.ts";
import { accountFacts, type AccountLimitRow, accountLimitRow, holderHoldings, representedAccounts } from "./store.ts";

export interface AccountLimitView {
  accountId: string;
  /** Units per transaction to accounts outside the trusted list; null = only the central limit applies. */
  limit: bigint | null;
  /** A raise or removal waiting for a second person's approval; `version` is what an approval names. */
  pending: { limit: bigint | null; proposedBy: string | null; proposedAt: string | null; version: number } | null;
  version: number;
}

export interface HolderLimitView {
  holder: string;
  held: bigint;
  limit: bigint | null;
}

function view(accountId: string, row: AccountLimitRow | undefined): AccountLimitView {
  return {
    accountId,
    limit: row?.limit_units ?? null,
    pending: row?.pending ? { limit: row.pending_units, proposedBy: row.proposed_by, proposedAt: row.proposed_at, version: row.version } : null,
    version: row?.version ?? 0,
  };
}

function parseLimit(v: unknown): bigint | null | undefined {
  if (v === null) return null;
  if (typeof v === "bigint" || (typeof v === "number" && Number.isSafeInteger(v)) || (typeof v === "string" && /^\d{1,16}$/.test(v))) {
    const q = BigInt(v);
    return q >= 0n && q <= 10n ** 15n ? q : undefined;
  }
  return undefined;
}

/**
 * Sets the account's own limit (representative with the initiate right, or administrator).
 * Tightening applies at once; a raise or removal waits for a second person's approval when
 * four-eyes is on. Every change makes a new version.
 */
export async function setAccountLimit(ctx: SecureCtx, c: Caller, input: { accountId: string; limit: string | number | bigint | null }): Promise<Result<AccountLimitView>> {
  const res = await ctx.audit.guard(c, "account-limit.set", async (): Promise<Result<AccountLimitView>> => {
    if (!isObj(input) || !str(input.accountId, 64)) return bad("accountId", "must be an account id");
    const who = await mayManageTrusted(ctx, c.principal, input.accountId);
    if (who) return who;
    const limit = parseLimit(input.limit);
    if (limit === undefined) return bad("limit", "must be a whole number of units (0 to 10^15) or null");
    if (!(await ctx.ledger.getAccount(input.accountId))) return refuse("ACCOUNT_UNKNOWN", `no account ${input.accountId}`, { accountId: input.accountId });
    const now = ctx.clock.now().toISOString();
    // one statement: the decision (tighter applies at once) is made on the row it updates
    const r = await ctx.db.query<AccountLimitRow>(
      `INSERT INTO account_limits (account_id, limit_units, pending, pending_units, proposed_by, proposed_at, updated_at, version)
       VALUES ($1, CASE WHEN $3 OR $2::int8 IS NOT NULL THEN $2::int8 END, NOT ($3 OR $2::int8 IS NOT NULL), CASE WHEN $3 OR $2::int8 IS NOT NULL THEN NULL ELSE $2::int8 END, $4, $5, $5, 1)
       ON CONFLICT (account_id) DO UPDATE SET
         limit_units = CASE WHEN $3 OR ($2::int8 IS NOT NULL AND (account_limits.limit_units IS NULL OR $2::int8 <= account_limits.limit_units)) THEN $2::int8 ELSE account_limits.limit_units END,
         pending = NOT ($3 OR ($2::int8 IS NOT NULL AND (account_limits.limit_units IS NULL OR $2::int8 <= account_limits.limit_units))),
         pending_units = CASE WHEN $3 OR ($2::int8 IS NOT NULL AND (account_limits.limit_units IS NULL OR $2::int8 <= account_limits.limit_units)) THEN NULL ELSE $2::int8 END,
         proposed_by = $4, proposed_at = $5, updated_at = $5, version = account_limits.version + 1
       RETURNING *`,
      [input.accountId, limit, !ctx.config.fourEyes, c.principal.userId, now],
    );
    return ok(view(input.accountId, r.rows[0]));
  });
  return ctx.audit.outcome(c, "account-limit.set", targetOf(input, "accountId"), res,
    res.ok ? { limit: res.value.limit, pending: res.value.pending?.limit ?? null, version: res.value.version } : {});
}

/** Second approval of a raised or removed account limit, naming the version the approver saw. */
export async function approveAccountLimit(ctx: SecureCtx, c: Caller, input: { accountId: string; version: number }): Promise<Result<AccountLimitView>> {
  const res = await ctx.audit.guard(c, "account-limit.approve", async (): Promise<Result<AccountLimitView>> => {
    if (!isObj(input) || !str(input.accountId, 64)) return bad("accountId", "must be an account id");
    if (!Number.isSafeInteger(input.version) || input.version < 1) return bad("version", "must be the version of the pending change (a whole number >= 1)");
    const p = c.principal;
    const who = await mayApproveChange(ctx, p, input.accountId);
    if (who) return who;
    const row = await accountLimitRow(ctx.db, input.accountId);
    if (!row?.pending) return securityRefusal("ACCOUNT_LIMIT_NOT_PENDING", `no change of the limit of ${input.accountId} awaits approval`, { accountId: input.accountId });
    if (row.version !== input.version) {
      return securityRefusal("CHANGE_VERSION_STALE", `the pending change of ${input.accountId} is version ${row.version}, not ${input.version}: look at it again`, {
        accountId: input.accountId, version: row.version, named: input.version,
      });
    }
    if (row.proposed_by === p.userId) return securityRefusal("FOUR_EYES_SAME_PERSON", `${p.userId} proposed this change and cannot also approve it`, { proposer: row.proposed_by, approver: p.userId });
    // The version in the WHERE clause: a change proposed meanwhile is not approved by this.
    const r = await ctx.db.query<AccountLimitRow>(
      `UPDATE account_limits SET limit_units = pending_units, pending = false, pending_units = NULL, updated_at = $2, version = version + 1
       WHERE account_id = $1 AND pending AND version = $3 RETURNING *`,
      [input.accountId, ctx.clock.now().toISOString(), input.version],
    );
    if (!r.rows[0]) return securityRefusal("CHANGE_VERSION_STALE", `the change of ${input.accountId} changed while it was being approved: look at it again`, { accountId: input.accountId, named: input.version });
    return ok(view(input.accountId, r.rows[0]));
  });
  return ctx.audit.outcome(c, "account-limit.approve", targetOf(input, "accountId"), res, res.ok ? { limit: res.value.limit, version: input.version } : {});
}

export async function getAccountLimit(ctx: SecureCtx, c: Caller, accountId: string): Promise<Result<AccountLimitView>> {
  if (!str(accountId, 64) || !(await maySeeAccount(ctx, c.principal, accountId))) return notVisible(`account ${printable(accountId, 64)}`);
  return ok(view(accountId, await accountLimitRow(ctx.db, accountId)));
}

export async function holderLimit(ctx: SecureCtx, c: Caller, holder: string): Promise<Result<HolderLimitView>> {
  if (!str(holder, 200)) return bad("holder", "must be 1 to 200 characters");
  if (!can(c.principal, "holdings:read-all")) {
    const mine = await accountFacts(ctx.db, await representedAccounts(ctx.db, c.principal.userId));
    if (![...mine.values()].some((a) => a.holder === holder)) return notVisible(`holder ${holder}`);
  }
  return ok({ holder, held: await holderHoldings(ctx.db, holder, ctx.config), limit: holdingLimitOf(holder, ctx.config) });
}
