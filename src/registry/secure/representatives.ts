// Account representatives and their rights (initiate, approve), managed by administrators.
import { refuse } from "../../domain/ledger/checks.ts";
import { printable, securityRefusal } from "../../domain/security/codes.ts";
import type { Caller } from "../../domain/security/roles.ts";
import type { Result } from "../ledger/index.ts";
import { maySeeAccount } from "./authorize.ts";
import { bad, isObj, notVisible, ok, type SecureCtx, str } from "./context.ts";

export interface RepresentativeView {
  accountId: string;
  userId: string;
  initiate: boolean;
  approve: boolean;
  addedAt: string;
  addedBy: string | null;
}

export async function representativesOf(ctx: SecureCtx, accountId: string): Promise<RepresentativeView[]> {
  const r = await ctx.db.query<{ account_id: string; user_id: string; can_initiate: boolean; can_approve: boolean; added_at: string; added_by: string | null }>(
    "SELECT * FROM representatives WHERE account_id = $1 ORDER BY user_id LIMIT 1000",
    [accountId],
  );
  return r.rows.map((x) => ({ accountId: x.account_id, userId: x.user_id, initiate: x.can_initiate, approve: x.can_approve, addedAt: x.added_at, addedBy: x.added_by }));
}

export async function addRepresentative(ctx: SecureCtx, c: Caller, input: { accountId: string; userId: string; initiate: boolean; approve: boolean }): Promise<Result<RepresentativeView>> {
  if (!isObj(input) || !str(input.accountId, 64) || !str(input.userId, 64)) return bad("accountId/userId", "both are required strings");
  if (typeof input.initiate !== "boolean" || typeof input.approve !== "boolean") return bad("initiate/approve", "must be true or false");
  if (!input.initiate && !input.approve) return bad("initiate/approve", "a representative needs at least one right");
  if (!(await ctx.ledger.getAccount(input.accountId))) return refuse("ACCOUNT_UNKNOWN", `no account ${input.accountId}`, { accountId: input.accountId });
  const u = await ctx.db.query<{ disabled: boolean }>("SELECT disabled FROM users WHERE id = $1", [input.userId]);
  if (!u.rows[0] || u.rows[0].disabled) return securityRefusal("USER_UNKNOWN", `no active user ${input.userId}`, { userId: input.userId });
  const r = await ctx.db.query(
    `INSERT INTO representatives (account_id, user_id, can_initiate, can_approve, added_at, added_by) VALUES ($1,$2,$3,$4,$5,$6)
     ON CONFLICT (account_id, user_id) DO NOTHING`,
    [input.accountId, input.userId, input.initiate, input.approve, ctx.clock.now().toISOString(), c.principal.userId],
  );
  if (r.rowCount !== 1) return securityRefusal("REPRESENTATIVE_EXISTS", `${input.userId} already represents ${input.accountId}`, { accountId: input.accountId, userId: input.userId });
  return ok((await representativesOf(ctx, input.accountId)).find((x) => x.userId === input.userId) as RepresentativeView);
}

export async function removeRepresentative(ctx: SecureCtx, _c: Caller, input: { accountId: string; userId: string }): Promise<Result<RepresentativeView>> {
  if (!isObj(input) || !str(input.accountId, 64) || !str(input.userId, 64)) return bad("accountId/userId", "both are required strings");
  const before = (await representativesOf(ctx, input.accountId)).find((x) => x.userId === input.userId);
  if (!before) return securityRefusal("REPRESENTATIVE_UNKNOWN", `${input.userId} does not represent ${input.accountId}`, { accountId: input.accountId, userId: input.userId });
  await ctx.db.query("DELETE FROM representatives WHERE account_id = $1 AND user_id = $2", [input.accountId, input.userId]);
  return ok(before);
}

/** Administrators, the authority, and the account's own representatives. */
export async function listRepresentatives(ctx: SecureCtx, c: Caller, accountId: string): Promise<Result<RepresentativeView[]>> {
  if (!str(accountId, 64) || !(await maySeeAccount(ctx, c.principal, accountId))) return notVisible(`account ${printable(accountId, 64)}`);
  return ok(await representativesOf(ctx, accountId));
}
