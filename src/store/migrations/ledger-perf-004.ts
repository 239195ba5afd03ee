// Ledger performance, migration ledger-perf-004: no copy of the plan's big members per row.
//
// Profiled on the bench cluster (scripts/profile-batch.ts: `perf record` of the backend that
// applies batches of 1,000 allocations, and its CPU from /proc), a batch spent about a tenth of
// its database CPU copying memory (memmove under jsonb_object_field): expressions such as
// `p->'batch'->>'id'` or `p->'accounts'` inside a statement over the steps are evaluated once per
// row, and each evaluation copies that member out of the plan (the batch member carries the
// batch's request, one entry per transfer; the accounts member one entry per account):
// - ledger_create_batch wrote each transaction's batch id as `p->'batch'->>'id'`: 1,000 copies
//   of the batch member (about 100 kB each for a batch of 1,000);
// - ledger_apply confirmed each locked account against `p->'accounts'->r.id`: one copy of the
//   accounts member per account;
// - ledger_check_refs asked `p->'accounts' ? acc` for each side of each leg, ran its class check
//   once per leg and looked the kind up once per step.
// Each member is now taken out of the plan once, into a variable; the class and kind checks look
// up the distinct classes and kinds the steps name. Same statements otherwise, same checks in the
// same order, same errors and facts (when several names are missing, the first in step order is
// reported); same rows written. CREATE OR REPLACE (same signatures), so a store migrated before
// upgrades in place.
import type { Migration } from "../migration.ts";
import { CREATE_BATCH } from "./ledger-batch.ts";
import { APPLY } from "./ledger-perf-003.ts";

function replaceOnce(s: string, from: string, to: string): string {
  const parts = s.split(from);
  if (parts.length !== 2) throw new Error(`ledger-perf-004: expected one ${JSON.stringify(from.slice(0, 60))}, found ${parts.length - 1}`);
  return parts.join(to);
}

/** ledger_apply of ledger-perf-003, confirming the locked accounts against the plan's accounts taken out once. */
export const APPLY_004 = replaceOnce(
  replaceOnce(APPLY, "  v_held bigint;\nBEGIN\n", "  v_held bigint;\n  v_accounts jsonb := coalesce(p->'accounts', '{}'::jsonb);\nBEGIN\n"),
  "    x := p->'accounts'->r.id;\n",
  "    x := v_accounts->r.id;\n",
);

/** ledger_create_batch of ledger-batch-001, with the batch id taken out of the plan once. */
const CREATE_BATCH_004 = replaceOnce(
  replaceOnce(
    replaceOnce(CREATE_BATCH, "CREATE FUNCTION ledger_create_batch", "CREATE OR REPLACE FUNCTION ledger_create_batch"),
    "LANGUAGE plpgsql AS $$\nBEGIN\n",
    "LANGUAGE plpgsql AS $$\nDECLARE\n  v_batch text := p->'batch'->>'id';\nBEGIN\n",
  ),
  "y->>'key', p->'batch'->>'id'\n",
  "y->>'key', v_batch\n",
);

const CHECK_REFS = `CREATE OR REPLACE FUNCTION ledger_check_refs(p jsonb) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v text;
  v_accounts jsonb := coalesce(p->'accounts', '{}'::jsonb);
BEGIN
  SELECT a.acc INTO v
    FROM jsonb_array_elements(p->'steps') WITH ORDINALITY AS y(st, n), jsonb_array_elements(y.st->'legs') WITH ORDINALITY AS l(leg, k),
         LATERAL (VALUES (1, l.leg->>'from'), (2, l.leg->>'to')) AS a(side, acc)
   WHERE (y.st->>'op' = 'create' OR y.st->>'to' = 'completed') AND a.acc IS NOT NULL AND NOT (v_accounts ? a.acc)
   ORDER BY y.n, l.k, a.side LIMIT 1;
  IF FOUND THEN
    PERFORM ledger_raise('EL001', 'account missing', jsonb_build_object('accountId', v));
  END IF;
  SELECT d.code INTO v
    FROM (SELECT (l->>'cls')::int AS cls, min(l->>'code') AS code, min(y.n) AS n
            FROM jsonb_array_elements(p->'steps') WITH ORDINALITY AS y(st, n), jsonb_array_elements(y.st->'legs') l
           WHERE y.st->>'op' = 'create' OR y.st->>'to' = 'completed' GROUP BY 1) d
   WHERE NOT EXISTS (SELECT 1 FROM unit_classes c WHERE c.id = d.cls) ORDER BY d.n LIMIT 1;
  IF FOUND THEN
    PERFORM ledger_raise('EL001', 'class missing', jsonb_build_object('classCode', v));
  END IF;
  SELECT d.kind INTO v
    FROM (SELECT y.st->>'kind' AS kind, min(y.n) AS n FROM jsonb_array_elements(p->'steps') WITH ORDINALITY AS y(st, n)
           WHERE y.st->>'op' = 'create' GROUP BY 1) d
   WHERE NOT EXISTS (SELECT 1 FROM transaction_kinds k WHERE k.code = d.kind) ORDER BY d.n LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'transaction kind % is not in transaction_kinds (the catalogue and the store disagree)', v;
  END IF;
END $$`;

export const ledgerPerf004Migrations: readonly Migration[] = [
  {
    id: "ledger-perf-004",
    statements: [CHECK_REFS, CREATE_BATCH_004, APPLY_004],
  },
];
