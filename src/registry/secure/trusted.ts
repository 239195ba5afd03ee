// The trusted account list: destinations a representative may send to without the transfer delay.
// An addition takes effect after the working-day delay (EU: 4 working days) and, with the
// second-approval rule, after another person approves it, naming the entry (its id) they saw:
// an entry removed and proposed again is a new entry that this approval does not cover.
import { refuse } from "../../domain/ledger/checks.ts";
import { trustedActivationAt } from "../../domain/security/calendar.ts";
import { printable, securityRefusal } from "../../domain/security/codes.ts";
import type { Caller } from "../../domain/security/roles.ts";
import type { Result } from "../ledger/index.ts";
import { mayApproveChange, mayManageTrusted, maySeeAccount } from "./authorize.ts";
import { bad, isObj, notVisible, ok, type SecureCtx, str, targetOf } from "./context.ts";

export interface TrustedEntryView {
  /** The entry's id: an approval names it. */
  entryId: string;
  accountId: string;
  trustedAccountId: string;
  proposedAt: string;
  /** Earliest time the entry takes effect (the working-day delay from the proposal). */
  activeFrom: string;
  /** awaiting_approval: needs a second person; pending: approved, activeFrom not reached; active: in effect. */
  status: "awaiting_approval" | "pending" | "active";
  active: boolean;
  addedBy: string | null;
  approvedBy: string | null;
  approvedAt: string | null;
}

interface EntryRow {
  id: bigint; account_id: string; trusted_account_id: string; proposed_at: string; active_from: string; added_by: string | null; approved_at: string | null; approved_by: string | null;
}

function entryView(x: EntryRow, now: string): TrustedEntryView {
  return {
    entryId: x.id.toString(), accountId: x.account_id, trustedAccountId: x.trusted_account_id, proposedAt: x.proposed_at, activeFrom: x.active_from,
    status: x.approved_at === null ? "awaiting_approval" : x.active_from <= now ? "active" : "pending",
    active: x.approved_at !== null && x.active_from <= now, addedBy: x.added_by, approvedBy: x.approved_by, approvedAt: x.approved_at,
  };
}

/** Current entries of an account's list (at most 10,000; lists are short in practice). */
export async function trustedOf(ctx: SecureCtx, accountId: string): Promise<TrustedEntryView[]> {
  const r = await ctx.db.query<EntryRow>(
    "SELECT id, account_id, trusted_account_id, proposed_at, active_from, added_by, approved_at, approved_by FROM trusted_accounts WHERE account_id = $1 AND removed_at IS NULL ORDER BY trusted_account_id LIMIT 10000",
    [accountId],
  );
  const now = ctx.clock.now().toISOString();
  return r.rows.map((x) => entryView(x, now));
}

type Pair = { accountId: string; trustedAccountId: string };
const pairOk = (input: unknown): input is Pair => isObj(input) && str(input.accountId, 64) && str(input.trustedAccountId, 64);

/** Representative (initiate right) of the account, or administrator; takes effect after the working-day delay. */
export async function addTrusted(ctx: SecureCtx, c: Caller, input: Pair): Promise<Result<TrustedEntryView>> {
  const res = await ctx.audit.guard(c, "trusted.add", async (): Promise<Result<TrustedEntryView>> => {
    if (!pairOk(input)) return bad("accountId/trustedAccountId", "both are required account ids");
    const who = await mayManageTrusted(ctx, c.principal, input.accountId);
    if (who) return who;
    if (input.accountId === input.trustedAccountId) return securityRefusal("TRUSTED_SELF", "an account cannot trust itself", { accountId: input.accountId });
    for (const id of [input.accountId, input.trustedAccountId]) {
      if (!(await ctx.ledger.getAccount(id))) return refuse("ACCOUNT_UNKNOWN", `no account ${id}`, { accountId: id });
    }
    const now = ctx.clock.now();
    const activeFrom = trustedActivationAt(now, ctx.config.trustedList).toISOString();
    // Without the second-approval rule the proposer's addition counts as approved at once.
    const self = !ctx.config.trustedList.secondApproval;
    // The unique index on current entries refuses a second one, even from a racing request.
    const r = await ctx.db.query<EntryRow>(
      `INSERT INTO trusted_accounts (account_id, trusted_account_id, proposed_at, active_from, added_by, approved_at, approved_by)
       VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (account_id, trusted_account_id) WHERE removed_at IS NULL DO NOTHING
       RETURNING id, account_id, trusted_account_id, proposed_at, active_from, added_by, approved_at, approved_by`,
      [input.accountId, input.trustedAccountId, now.toISOString(), activeFrom, c.principal.userId, self ? now.toISOString() : null, self ? c.principal.userId : null],
    );
    const row = r.rows[0];
    if (!row) return securityRefusal("TRUSTED_ENTRY_EXISTS", `${input.trustedAccountId} is already on the trusted list of ${input.accountId}`, { accountId: input.accountId, trustedAccountId: input.trustedAccountId });
    return ok(entryView(row, now.toISOString()));
  });
  return ctx.audit.outcome(c, "trusted.add", targetOf(input, "accountId"), res,
    res.ok ? { trustedAccountId: res.value.trustedAccountId, activeFrom: res.value.activeFrom, entryId: res.value.entryId } : {});
}

/** Second approval of a proposed addition, naming the entry: never by the proposer. */
export async function approveTrusted(ctx: SecureCtx, c: Caller, input: Pair & { entryId: string }): Promise<Result<TrustedEntryView>> {
  const res = await ctx.audit.guard(c, "trusted.approve", async (): Promise<Result<TrustedEntryView>> => {
    if (!pairOk(input)) return bad("accountId/trustedAccountId", "both are required account ids");
    if (!isObj(input) || typeof input.entryId !== "string" || !/^\d{1,18}$/.test(input.entryId)) return bad("entryId", "must be the id of the entry being approved");
    const p = c.principal;
    const who = await mayApproveChange(ctx, p, input.accountId);
    if (who) return who;
    const entry = (await trustedOf(ctx, input.accountId)).find((e) => e.trustedAccountId === input.trustedAccountId);
    if (!entry) return securityRefusal("TRUSTED_ENTRY_UNKNOWN", `${input.trustedAccountId} is not proposed for the trusted list of ${input.accountId}`, { accountId: input.accountId, trustedAccountId: input.trustedAccountId });
    if (entry.entryId !== input.entryId) {
      return securityRefusal("CHANGE_VERSION_STALE", `the proposed entry is ${entry.entryId}, not ${input.entryId}: it was proposed again since; look at it again`, { entryId: entry.entryId, named: input.entryId });
    }
    if (entry.status !== "awaiting_approval") return securityRefusal("TRUSTED_NOT_AWAITING", `the entry was already approved by ${entry.approvedBy}`, { approvedBy: entry.approvedBy });
    if (entry.addedBy === p.userId) return securityRefusal("FOUR_EYES_SAME_PERSON", `${p.userId} proposed this entry and cannot also approve it`, { proposer: entry.addedBy, approver: p.userId });
    const r = await ctx.db.query<EntryRow>(
      `UPDATE trusted_accounts SET approved_at = $2, approved_by = $3 WHERE id = $1 AND removed_at IS NULL AND approved_at IS NULL
       RETURNING id, account_id, trusted_account_id, proposed_at, active_from, added_by, approved_at, approved_by`,
      [input.entryId, ctx.clock.now().toISOString(), p.userId],
    );
    const row = r.rows[0];
    if (!row) return securityRefusal("CHANGE_VERSION_STALE", `entry ${input.entryId} changed while it was being approved: look at it again`, { entryId: input.entryId });
    return ok(entryView(row, ctx.clock.now().toISOString()));
  });
  return ctx.audit.outcome(c, "trusted.approve", targetOf(input, "accountId"), res,
    res.ok ? { trustedAccountId: res.value.trustedAccountId, activeFrom: res.value.activeFrom, entryId: res.value.entryId } : {});
}

/** Removal (also of an unapproved proposal) takes effect at once. */
export async function removeTrusted(ctx: SecureCtx, c: Caller, input: Pair): Promise<Result<TrustedEntryView>> {
  const res = await ctx.audit.guard(c, "trusted.remove", async (): Promise<Result<TrustedEntryView>> => {
    if (!pairOk(input)) return bad("accountId/trustedAccountId", "both are required account ids");
    const who = await mayManageTrusted(ctx, c.principal, input.accountId);
    if (who) return who;
    const r = await ctx.db.query<EntryRow>(
      `UPDATE trusted_accounts SET removed_at = $3, removed_by = $4 WHERE account_id = $1 AND trusted_account_id = $2 AND removed_at IS NULL
       RETURNING id, account_id, trusted_account_id, proposed_at, active_from, added_by, approved_at, approved_by`,
      [input.accountId, input.trustedAccountId, ctx.clock.now().toISOString(), c.principal.userId],
    );
    const row = r.rows[0];
    if (!row) return securityRefusal("TRUSTED_ENTRY_UNKNOWN", `${input.trustedAccountId} is not on the trusted list of ${input.accountId}`, { accountId: input.accountId, trustedAccountId: input.trustedAccountId });
    return ok(entryView(row, ctx.clock.now().toISOString()));
  });
  return ctx.audit.outcome(c, "trusted.remove", targetOf(input, "accountId"), res, res.ok ? { trustedAccountId: res.value.trustedAccountId } : {});
}

export async function listTrusted(ctx: SecureCtx, c: Caller, accountId: string): Promise<Result<TrustedEntryView[]>> {
  if (!str(accountId, 64) || !(await maySeeAccount(ctx, c.principal, accountId))) return notVisible(`account ${printable(accountId, 64)}`);
  return ok(await trustedOf(ctx, accountId));
}
