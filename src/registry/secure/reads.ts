// Reads filtered by what the caller may see: administrators and the authority see everything;
// representatives the accounts they represent and the transactions touching them; the public the
// account register and completed allocations, without the people involved. Every list is a page
// with the cursor of the next one.
import { refuse } from "../../domain/ledger/checks.ts";
import { printable, securityRefusal } from "../../domain/security/codes.ts";
import { type Caller, can, hasRole } from "../../domain/security/roles.ts";
import type { AccountView, BlockView, HoldingView, Page, Result, TransactionStatus, UnitClassView } from "../ledger/index.ts";
import { mayDecide, maySeeAccount, visibleTx } from "./authorize.ts";
import { defined, MAX_PAGE, notVisible, ok, pageLimit, permit, type SecureCtx, str } from "./context.ts";
import { withBlocks } from "../ledger/reads.ts";
import type { HoldingsAsk } from "../read-group.ts";
import { representedAccounts } from "./store.ts";
import { type SecureTransactionView, secureView } from "./transactions.ts";

export interface ListOptions {
  /** The cursor of the previous page. */
  after?: string | undefined;
  /** Page size 1..500, default 100. */
  limit?: number | undefined;
}

export async function getTransaction(ctx: SecureCtx, c: Caller, id: string): Promise<Result<SecureTransactionView>> {
  const t = await visibleTx(ctx, c.principal, id);
  if ("ok" in t) return t;
  return ok(secureView(ctx, t));
}

export interface TransactionListOptions extends ListOptions {
  account?: string | undefined;
  status?: TransactionStatus | undefined;
  kind?: string | undefined;
  since?: string | undefined;
}

/**
 * Administrators and the authority see every transaction; representatives those touching their
 * accounts; everyone else (the public) only completed allocations, without the people involved.
 */
export async function listTransactions(ctx: SecureCtx, c: Caller, opts: TransactionListOptions = {}): Promise<Result<Page<SecureTransactionView>>> {
  const p = c.principal;
  const base = { status: opts.status, kind: opts.kind, since: opts.since, after: opts.after, limit: pageLimit(opts.limit) };
  let pg: Page<import("../ledger/index.ts").TransactionView>;
  if (can(p, "transactions:read-all")) {
    pg = await ctx.ledger.listTransactions(defined({ ...base, accounts: opts.account === undefined ? undefined : [opts.account] }));
  } else if (hasRole(p, "representative")) {
    const mine = await representedAccounts(ctx.db, p.userId);
    const scope = opts.account === undefined ? mine : mine.filter((a) => a === opts.account);
    pg = scope.length === 0 ? { items: [], next: null } : await ctx.ledger.listTransactions(defined({ ...base, accounts: scope }));
  } else {
    const perm = permit(p, "accounts:read-public");
    if (perm) return perm;
    if (opts.kind !== undefined && opts.kind !== "allocation") return securityRefusal("PERMISSION_DENIED", "the public sees completed allocations only", { permission: "transactions:read-all" });
    const all = await ctx.ledger.listTransactions(defined({ ...base, kind: "allocation", status: "completed" as const, accounts: opts.account === undefined ? undefined : [opts.account] }));
    pg = { next: all.next, items: all.items.map((t) => ({ ...t, initiator: null, note: null, events: t.events.map((e) => ({ ...e, actor: null, detail: {} })) })) };
  }
  return ok({ items: pg.items.map((t) => secureView(ctx, t)), next: pg.next });
}

/** Transactions awaiting an approval the caller may give (not their own). */
export async function listAwaitingMyApproval(ctx: SecureCtx, c: Caller, opts: ListOptions = {}): Promise<Result<Page<SecureTransactionView>>> {
  const p = c.principal;
  const want = pageLimit(opts.limit);
  const accounts = hasRole(p, "national-admin") ? undefined : await representedAccounts(ctx.db, p.userId);
  if (accounts !== undefined && accounts.length === 0) return ok({ items: [], next: null });
  const out: SecureTransactionView[] = [];
  let after = opts.after;
  // Pages of candidates filtered by the rights: bounded, and the cursor resumes where this stopped.
  for (let round = 0; round < 20 && out.length < want; round++) {
    const pg = await ctx.ledger.listTransactions(defined({ status: "awaiting_approval" as const, accounts, after, limit: MAX_PAGE }));
    for (const t of pg.items) {
      after = `${t.createdAt}|${t.id}`;
      if (t.initiator === p.userId && ctx.config.fourEyes) continue;
      if (!(await mayDecide(ctx, p, t))) out.push(secureView(ctx, t));
      if (out.length >= want) break;
    }
    if (pg.next === null && out.length < want) return ok({ items: out, next: null });
  }
  return ok({ items: out, next: after ?? null });
}

/** The account register is public (like the EU's public account list). */
export async function getAccount(ctx: SecureCtx, c: Caller, id: string): Promise<Result<AccountView>> {
  const perm = permit(c.principal, "accounts:read-public");
  if (perm) return perm;
  const a = str(id, 64) ? await ctx.ledger.getAccount(id) : undefined;
  return a ? ok(a) : refuse("ACCOUNT_UNKNOWN", `no account ${printable(id, 64)}`, { accountId: printable(id, 64) });
}

export async function listAccounts(ctx: SecureCtx, c: Caller, opts: ListOptions & { type?: string | undefined; holder?: string | undefined; status?: "open" | "blocked" | "closed" | undefined } = {}): Promise<Result<Page<AccountView>>> {
  const perm = permit(c.principal, "accounts:read-public");
  if (perm) return perm;
  return ok(await ctx.ledger.listAccounts({ ...defined(opts), limit: pageLimit(opts.limit) }));
}

/** The caller ($2) represents the account `a` (with any right): the condition of a representative's holdings read. */
const REPRESENTS = "EXISTS (SELECT 1 FROM representatives r WHERE r.account_id = a.id AND r.user_id = $2)";

/**
 * Holdings: administrators, the authority and the account's representatives. For a
 * representative the rights check is a condition of the read itself (one round trip); an account
 * the user does not represent looks the same as one that does not exist.
 */
export async function holdings(ctx: SecureCtx, c: Caller, accountId: string, opts: { blocks?: boolean | undefined; blockLimit?: number | undefined } = {}): Promise<Result<HoldingView[]>> {
  if (!str(accountId, 64)) return notVisible(`account ${printable(accountId, 64)}`);
  if (can(c.principal, "holdings:read-all")) {
    const h = await holdingsIn(ctx, { accountId, representedBy: null }, opts);
    return h ? ok(h) : refuse("ACCOUNT_UNKNOWN", `no account ${accountId}`, { accountId });
  }
  const userId = c.principal.userId;
  if (userId === null || !can(c.principal, "accounts:read-public")) return notVisible(`account ${printable(accountId, 64)}`);
  const h = await holdingsIn(ctx, { accountId, representedBy: userId }, opts);
  return h ? ok(h) : notVisible(`account ${printable(accountId, 64)}`);
}

/** An account's holdings in a scope: in a coalesced read when the registry has one, else alone; then the blocks if asked for. */
async function holdingsIn(ctx: SecureCtx, ask: HoldingsAsk, opts: { blocks?: boolean | undefined; blockLimit?: number | undefined }): Promise<HoldingView[] | undefined> {
  if (!ctx.holdingsGroup) return holdingsAlone(ctx, ask, opts);
  const held = await ctx.holdingsGroup.read(ask);
  return held && withBlocks(ctx.db, ask.accountId, held, defined(opts));
}

/** The read of one account by itself (the reference the coalesced read answers alike, and its fallback). */
export function holdingsAlone(ctx: SecureCtx, ask: HoldingsAsk, opts: { blocks?: boolean | undefined; blockLimit?: number | undefined } = {}): Promise<HoldingView[] | undefined> {
  const only = ask.representedBy === null ? {} : { onlyIf: { sql: REPRESENTS, params: [ask.representedBy] } };
  return ctx.ledger.holdings(ask.accountId, { ...defined(opts), ...only });
}

/** One page of an account's serial blocks of a class (who may see the holdings may see the blocks). */
export async function listBlocks(ctx: SecureCtx, c: Caller, accountId: string, classCode: string, opts: { after?: bigint | undefined; limit?: number | undefined }): Promise<Result<Page<BlockView>>> {
  if (!str(accountId, 64) || !(await maySeeAccount(ctx, c.principal, accountId))) return notVisible(`account ${printable(accountId, 64)}`);
  return ok(await ctx.ledger.listBlocks(accountId, classCode, opts));
}

export async function listClasses(ctx: SecureCtx, c: Caller, opts: ListOptions = {}): Promise<Result<Page<UnitClassView>>> {
  const perm = permit(c.principal, "accounts:read-public");
  if (perm) return perm;
  return ok(await ctx.ledger.listClasses({ ...defined(opts), limit: pageLimit(opts.limit) }));
}
