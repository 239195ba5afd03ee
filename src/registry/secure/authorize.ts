// Who may do what on which account or transaction: the role table (src/domain/security/roles.ts)
// and the per-account rights of representatives (the representatives table).
import type { TransactionKind } from "../../domain/ledger/catalog.ts";
import { refuse, type Refusal } from "../../domain/ledger/checks.ts";
import type { Leg } from "../../domain/ledger/commands.ts";
import { securityRefusal } from "../../domain/security/codes.ts";
import { can, hasRole, type Principal } from "../../domain/security/roles.ts";
import type { TransactionView } from "../ledger/index.ts";
import { representedAccounts, rightsOf } from "./store.ts";
import { bad, permit, type SecureCtx, str } from "./context.ts";

/**
 * The idempotency scope of a caller's transaction keys: the registry's own (empty) for the
 * administrators' administrative kinds, where keys are the transaction ids and are shared by the
 * administrators (a re-run by another administrator finds the first run); a user's own otherwise.
 */
export function scopeOf(p: Principal, kind: TransactionKind | undefined): string {
  return kind?.administrative && hasRole(p, "national-admin") ? "" : `user:${p.userId ?? "anonymous"}`;
}

export async function mayInitiate(ctx: SecureCtx, p: Principal, kind: TransactionKind, legs: readonly Leg[]): Promise<Refusal | undefined> {
  if (kind.code === "reversal") return securityRefusal("KIND_NOT_ALLOWED", "reversals go through reverse()", { kind: kind.code });
  if (kind.administrative) {
    if (!hasRole(p, "national-admin")) return securityRefusal("KIND_NOT_ALLOWED", `${kind.code} is an administrative kind, initiated by a national administrator`, { kind: kind.code });
    return permit(p, "admin:kinds");
  }
  const perm = permit(p, "transfers:initiate");
  if (perm) return perm;
  for (const [i, leg] of legs.entries()) {
    const r = leg.from === null ? undefined : await rightsOf(ctx.db, p.userId, leg.from);
    if (!r?.initiate) {
      return securityRefusal("NOT_INITIATOR_REPRESENTATIVE", `legs[${i}]: you are not a representative of ${leg.from} with the initiate right`, { leg: i, accountId: leg.from });
    }
  }
  return representativesIncomplete(ctx, legs);
}

/**
 * An operator account needs a representative who may initiate and one who may approve before it
 * transacts (8026). Checked when a representative initiates: an account is opened before its
 * representatives are appointed, so this is the first moment the rule can hold.
 */
async function representativesIncomplete(ctx: SecureCtx, legs: readonly Leg[]): Promise<Refusal | undefined> {
  for (const from of new Set(legs.flatMap((l) => (l.from === null ? [] : [l.from])))) {
    const r = await ctx.db.query<{ type: string; initiators: bigint; approvers: bigint }>(
      `SELECT a.type, count(*) FILTER (WHERE r.can_initiate)::int8 AS initiators, count(*) FILTER (WHERE r.can_approve)::int8 AS approvers
       FROM accounts a LEFT JOIN representatives r ON r.account_id = a.id WHERE a.id = $1 GROUP BY a.type`,
      [from],
    );
    const row = r.rows[0];
    if (!row || !ctx.ledger.catalogue.accountTypes.get(row.type)?.needsInstallation) continue;
    if (row.initiators === 0n || row.approvers === 0n) {
      return securityRefusal("REPRESENTATIVES_INCOMPLETE", `${from} has ${row.initiators} representatives who may initiate and ${row.approvers} who may approve: it needs at least one of each before it transacts`, {
        accountId: from, initiators: Number(row.initiators), approvers: Number(row.approvers),
      });
    }
  }
  return undefined;
}

/** Who may approve or reject: another representative with the approve right, or an administrator for administrative kinds. */
export async function mayDecide(ctx: SecureCtx, p: Principal, t: TransactionView): Promise<Refusal | undefined> {
  const kind = ctx.ledger.catalogue.kinds.get(t.kind);
  if (kind?.administrative) {
    return hasRole(p, "national-admin") ? permit(p, "admin:kinds") : securityRefusal("NOT_APPROVER_REPRESENTATIVE", `${t.kind} is approved by a national administrator`, { kind: t.kind });
  }
  const perm = permit(p, "transfers:approve");
  if (perm) return perm;
  for (const from of new Set(t.legs.map((l) => l.from))) {
    const r = from === null ? undefined : await rightsOf(ctx.db, p.userId, from);
    if (!r?.approve) return securityRefusal("NOT_APPROVER_REPRESENTATIVE", `you are not a representative of ${from} with the approve right`, { accountId: from });
  }
  return undefined;
}

/** A transaction the caller may see, or 6001 as if it did not exist (nothing told about others' transactions). */
export async function visibleTx(ctx: SecureCtx, p: Principal, id: unknown): Promise<TransactionView | Refusal> {
  if (!str(id, 128)) return bad("transactionId", "must be a transaction id");
  const unknown = refuse("TX_UNKNOWN", `no transaction ${id}`, { transactionId: id });
  const t = await ctx.ledger.getTransaction(id);
  if (!t) return unknown;
  if (can(p, "transactions:read-all")) return t;
  const mine = new Set(await representedAccounts(ctx.db, p.userId));
  if (t.legs.some((l) => (l.from !== null && mine.has(l.from)) || mine.has(l.to))) return t;
  return unknown;
}

export async function maySeeAccount(ctx: SecureCtx, p: Principal, accountId: string): Promise<boolean> {
  return can(p, "holdings:read-all") || ((await rightsOf(ctx.db, p.userId, accountId)) !== undefined && can(p, "accounts:read-public"));
}

/** Holders of the trusted list of an account: its representatives with the initiate right, or administrators. */
export async function mayManageTrusted(ctx: SecureCtx, p: Principal, accountId: string): Promise<Refusal | undefined> {
  if (hasRole(p, "national-admin")) return permit(p, "trusted:manage-any");
  const r = await rightsOf(ctx.db, p.userId, accountId);
  if (!r?.initiate) return securityRefusal("NOT_INITIATOR_REPRESENTATIVE", `you are not a representative of ${accountId} with the initiate right`, { accountId });
  return permit(p, "transfers:initiate");
}

/** A second person's approval of a security change: another representative with the approve right, or an administrator. */
export async function mayApproveChange(ctx: SecureCtx, p: Principal, accountId: string): Promise<Refusal | undefined> {
  if (hasRole(p, "national-admin")) return permit(p, "trusted:manage-any");
  const r = await rightsOf(ctx.db, p.userId, accountId);
  if (!r?.approve) return securityRefusal("NOT_APPROVER_REPRESENTATIVE", `you are not a representative of ${accountId} with the approve right`, { accountId });
  return permit(p, "transfers:approve");
}
