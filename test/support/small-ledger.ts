// A small valid ledger built through the LedgerService, for the tests that corrupt it one way at
// a time (verify's mutation tests, checkpoints). Its serials are fixed, so a test can undo or
// redo a transaction by hand the way an attacker with database access would:
//   class SM-2026: issue i1 [1, 1000] to NHA
//   t1  NHA -> TRA-1 [1, 300]        t2  NHA -> TRA-2 [301, 500]      t3  TRA-1 -> TRA-2 [1, 50]
//   r3  reverses t3                  t4  TRA-2 -> RET [301, 310] (retired)
//   h1  TRA-1 -> TRA-3 20, awaiting approval (earmarked)              t5  NHA -> TRA-3 [501, 600]
//   t6a TRA-3 -> TRA-4 [501, 540]    t6b TRA-3 -> TRA-4 [541, 600] (TRA-4 then holds [501, 600])
//   EMPTY opened, blocked and closed.
// Final blocks: NHA [601, 1000], TRA-1 [1, 300] (20 earmarked), TRA-2 [311, 500], RET [301, 310],
// TRA-4 [501, 600]; TRA-3 and EMPTY hold nothing.
import type { LedgerService } from "../../src/registry/ledger/index.ts";

export const SM = "SM-2026";
const leg = (from: string | null, to: string, quantity: string) => ({ classCode: SM, from, to, quantity });

function ok<T extends { ok: boolean }>(r: T): T {
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? v.toString() : v))}`);
  return r;
}

export async function buildSmallLedger(l: LedgerService): Promise<void> {
  ok(await l.defineClass({ commandId: "sm-class", code: SM, unitType: "allowance", scheme: "SM", vintage: 2026, issuanceLimit: "100000" }));
  const accounts = [["NHA", "national_issuance"], ["TRA-1", "trading"], ["TRA-2", "trading"], ["TRA-3", "trading"], ["TRA-4", "trading"], ["RET", "retirement"], ["EMPTY", "trading"]] as const;
  for (const [id, type] of accounts) ok(await l.openAccount({ commandId: `open-${id}`, accountId: id, type, holder: `holder of ${id}`, name: id }));
  ok(await l.propose({ transactionId: "i1", kind: "issuance", legs: [leg(null, "NHA", "1000")] }));
  ok(await l.propose({ transactionId: "t1", kind: "correction", legs: [leg("NHA", "TRA-1", "300")] }));
  ok(await l.propose({ transactionId: "t2", kind: "correction", legs: [leg("NHA", "TRA-2", "200")] }));
  ok(await l.propose({ transactionId: "t3", kind: "transfer", legs: [leg("TRA-1", "TRA-2", "50")] }));
  ok(await l.reverse({ transactionId: "r3", reverses: "t3" }));
  ok(await l.propose({ transactionId: "t4", kind: "retirement", purpose: "voluntary offset", beneficiary: "someone", legs: [leg("TRA-2", "RET", "10")] }));
  ok(await l.propose({ transactionId: "h1", kind: "transfer", legs: [leg("TRA-1", "TRA-3", "20")], hold: { approval: true } }));
  ok(await l.propose({ transactionId: "t5", kind: "correction", legs: [leg("NHA", "TRA-3", "100")] }));
  ok(await l.propose({ transactionId: "t6a", kind: "transfer", legs: [leg("TRA-3", "TRA-4", "40")] }));
  ok(await l.propose({ transactionId: "t6b", kind: "transfer", legs: [leg("TRA-3", "TRA-4", "60")] }));
  ok(await l.setAccountStatus({ commandId: "block-EMPTY", accountId: "EMPTY", status: "blocked" }));
  ok(await l.setAccountStatus({ commandId: "close-EMPTY", accountId: "EMPTY", status: "closed" }));
}
