// The security layer's closure precondition (issue 17; UK PendingActivationTrustedAccountsRule and
// PendingTALRequestsRule): an account does not close while security changes about it are still
// pending, since approving them later would act on a closed account. Registered on the ledger with
// `onClose`, so it runs inside the closing database transaction under the account's lock. Known
// limit: the trusted-list and limit commands do not take that lock, so a change proposed in the
// same instant as the closure may commit beside it; it can then never be approved into effect
// for sending (a closed account sends nothing, 1002) nor receiving (2002).
import { securityRefusal } from "../../domain/security/codes.ts";
import type { ClosurePrecondition } from "../ledger/index.ts";

export const noPendingSecurityChanges: ClosurePrecondition = async (sql, account, now) => {
  const t = await sql.query<{ id: string; account_id: string; trusted_account_id: string }>(
    `SELECT id::text AS id, account_id, trusted_account_id FROM trusted_accounts
     WHERE (account_id = $1 OR trusted_account_id = $1) AND removed_at IS NULL AND (approved_at IS NULL OR active_from > $2)
     ORDER BY id LIMIT 1`,
    [account.id, now],
  );
  const entry = t.rows[0];
  if (entry) {
    return securityRefusal("CLOSURE_CHANGES_PENDING", `the trusted-list entry ${entry.account_id} -> ${entry.trusted_account_id} is still pending: approve, remove or let it take effect before closing ${account.id}`, {
      accountId: account.id, entry: entry.id, from: entry.account_id, trusted: entry.trusted_account_id,
    });
  }
  const l = await sql.query("SELECT 1 FROM account_limits WHERE account_id = $1 AND pending", [account.id]);
  if (l.rows.length > 0) {
    return securityRefusal("CLOSURE_CHANGES_PENDING", `a change of ${account.id}'s own limit awaits approval: decide it before closing`, { accountId: account.id, limit: "pending" });
  }
  return null;
};
