// The registry rules of issue 17, checked again from the records (the database already enforces
// them at every write): an installation, permit or monitoring plan belongs to at most one live
// account (not closed, closing or handing its installation over), and what an account returned
// as excess allocation (completed and not reversed, or pending) for a year and allocation table
// never exceeds what it was allocated beyond its latest recorded entitlement (nothing while none
// is recorded). Each asks the database for at most PER_CHECK offending rows.
import { ACCOUNT_TYPES, TRANSACTION_KINDS } from "../../domain/ledger/catalog.ts";
import type { Sql } from "../../store/db.ts";
import { type Add, PER_CHECK } from "./report.ts";

const RELEASED = ["closed", "transfer_pending", "closure_pending"];

export async function checkLiveAccounts(sql: Sql, add: Add): Promise<void> {
  const r = await sql.query<{ field: string; value: string; accounts: string[] }>(
    `SELECT x.field, x.value, array_agg(x.id ORDER BY x.id) AS accounts
     FROM (SELECT id, 'installation' AS field, installation AS value FROM accounts WHERE installation IS NOT NULL AND NOT (status = ANY($1::text[]))
           UNION ALL SELECT id, 'permitId', permit_id FROM accounts WHERE permit_id IS NOT NULL AND NOT (status = ANY($1::text[]))
           UNION ALL SELECT id, 'monitoringPlanId', monitoring_plan_id FROM accounts WHERE monitoring_plan_id IS NOT NULL AND NOT (status = ANY($1::text[]))) x
     GROUP BY x.field, x.value HAVING count(*) > 1 ORDER BY x.field, x.value LIMIT ${PER_CHECK}`,
    [RELEASED],
  );
  for (const x of r.rows) {
    add({ invariant: "live-account-unique", message: `${x.field} ${x.value} belongs to ${x.accounts.length} live accounts: ${x.accounts.join(", ")}`, facts: { field: x.field, value: x.value, accounts: x.accounts.join(",") } });
  }
}

export async function checkReturns(sql: Sql, add: Add): Promise<void> {
  const tabled = ACCOUNT_TYPES.filter((t) => t.allocationTable !== undefined);
  const r = await sql.query<{ account_id: string; year: number | null; tbl: string; returned: bigint; allocated: bigint; entitled: bigint | null }>(
    `WITH dt AS (SELECT * FROM unnest($1::text[], $2::text[]) AS dt(type, tbl)),
     ret AS (
       SELECT l.from_account AS account_id, c.vintage AS year, dt.tbl, sum(l.quantity)::int8 AS q
       FROM transaction_legs l JOIN transactions t ON t.id = l.tx_id JOIN tx_state s ON s.tx_id = l.tx_id
       JOIN unit_classes c ON c.id = l.class_id JOIN accounts d ON d.id = l.to_account JOIN dt ON dt.type = d.type
       WHERE t.kind = ANY($3::text[]) AND (s.status IN ('awaiting_approval', 'delayed') OR (s.status = 'completed' AND s.reversed_by IS NULL))
       GROUP BY 1, 2, 3),
     alloc AS (
       SELECT l.to_account AS account_id, c.vintage AS year, dt.tbl, sum(l.quantity)::int8 AS q
       FROM transaction_legs l JOIN transactions t ON t.id = l.tx_id JOIN tx_state s ON s.tx_id = l.tx_id
       JOIN unit_classes c ON c.id = l.class_id JOIN accounts f ON f.id = l.from_account JOIN dt ON dt.type = f.type
       WHERE t.kind = ANY($4::text[]) AND s.status = 'completed' AND s.reversed_by IS NULL
       GROUP BY 1, 2, 3),
     ent AS (
       SELECT DISTINCT ON (account_id, year, alloc_table) account_id, year, alloc_table, quantity
       FROM allocation_entitlements ORDER BY account_id, year, alloc_table, lseq DESC)
     SELECT ret.account_id, ret.year, ret.tbl, ret.q AS returned, coalesce(alloc.q, 0)::int8 AS allocated, ent.quantity AS entitled
     FROM ret
     LEFT JOIN alloc ON alloc.account_id = ret.account_id AND alloc.year IS NOT DISTINCT FROM ret.year AND alloc.tbl = ret.tbl
     LEFT JOIN ent ON ent.account_id = ret.account_id AND ent.year IS NOT DISTINCT FROM ret.year AND ent.alloc_table = ret.tbl
     WHERE ret.q > greatest(0, coalesce(alloc.q, 0) - coalesce(ent.quantity, coalesce(alloc.q, 0)))
     ORDER BY 1, 2, 3 LIMIT ${PER_CHECK}`,
    [
      tabled.map((t) => t.code), tabled.map((t) => t.allocationTable as string),
      TRANSACTION_KINDS.filter((k) => k.returnsExcess).map((k) => k.code), TRANSACTION_KINDS.filter((k) => k.allocates).map((k) => k.code),
    ],
  );
  for (const x of r.rows) {
    const excess = x.entitled === null ? 0n : x.allocated > x.entitled ? x.allocated - x.entitled : 0n;
    add({
      invariant: "return-within-excess",
      message: `account ${x.account_id} returned ${x.returned} of ${x.year ?? "no year"} (${x.tbl}) but was over-allocated ${excess} (allocated ${x.allocated}, entitlement ${x.entitled ?? "not recorded"})`,
      facts: { accountId: x.account_id, year: x.year, table: x.tbl, returned: x.returned.toString(), allocated: x.allocated.toString(), entitlement: x.entitled === null ? null : x.entitled.toString() },
    });
  }
}
