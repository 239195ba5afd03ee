// Ledger performance, migration ledger-perf-002: the write-hot tables stop carrying foreign keys.
//
// Every row a transfer writes (its header, leg, event and state; its movements, blocks, balances
// and chain link) carried foreign keys: about 12 checks per single transfer and 17,000 per batch
// of 1,000, each one SPI query that also takes FOR KEY SHARE on the parent row. The parents are
// few and shared (the class every client trades, the kind `transfer`), so concurrent writers
// turned their row locks into MultiXacts. Measured on the bench cluster (same run, load 9-13), a
// batch of 1,000 allocations cost the database 224-264 ms of CPU with them and 136-182 ms without.
//
// What replaces them, so that no row ever names a parent that does not exist:
// - The parents can never disappear or change key: unit_classes, transactions and batches were
//   append-only already; transaction_kinds becomes append-only; an account row may change its
//   status but can never be deleted or re-keyed (a trigger refuses both, and TRUNCATE).
// - The one write function checks the names before it writes (ledger_check_refs, called by
//   ledger_write): every leg's accounts are among the accounts ledger_apply locks and confirms
//   (EL001 `account missing` otherwise), every leg's class exists (EL001 `class missing`), every
//   created transaction's kind exists. A stale plan is planned again on a fresh snapshot, where
//   the planner refuses the unknown account or class with its existing check code. The rows that
//   name a transaction or batch (legs, events, state, movements, chain links) are written by the
//   same function right after that transaction or batch.
// - `verify` proves it from the records: every reference of these tables resolves
//   (`references-resolve`, src/registry/verify/references.ts).
// The catalogue tables referencing each other, and the other parts' tables (security, auctions,
// compliance, links), keep their foreign keys: they are written rarely.
import type { Migration } from "../migration.ts";
import { FREEZE_LOCK_KEY } from "./ledger-005.ts";

/** The foreign keys dropped: [table, constraint]. */
export const DROPPED_FOREIGN_KEYS: ReadonlyArray<readonly [string, string]> = [
  ["transactions", "transactions_kind_fkey"],
  ["transactions", "transactions_batch_id_fkey"],
  ["transaction_legs", "transaction_legs_tx_id_fkey"],
  ["transaction_legs", "transaction_legs_class_id_fkey"],
  ["transaction_legs", "transaction_legs_from_account_fkey"],
  ["transaction_legs", "transaction_legs_to_account_fkey"],
  ["transaction_events", "transaction_events_tx_id_fkey"],
  ["tx_state", "tx_state_tx_id_fkey"],
  ["movements", "movements_tx_id_fkey"],
  ["movements", "movements_class_id_fkey"],
  ["movements", "movements_from_account_fkey"],
  ["movements", "movements_to_account_fkey"],
  ["blocks", "blocks_class_id_fkey"],
  ["blocks", "blocks_account_id_fkey"],
  ["balances", "balances_account_id_fkey"],
  ["balances", "balances_class_id_fkey"],
  ["chain_links", "chain_links_tx_id_fkey"],
];

/**
 * For the steps that write rows naming accounts and classes (a creation writes its legs, a
 * completion its movements, blocks and balances): every leg's accounts among the plan's (locked
 * and confirmed) accounts, its class among the classes that exist; every created transaction's kind
 * among the kinds. A transition that completes nothing (to delayed, rejected, cancelled) writes an
 * event and a state row naming its transaction only, and its plan locks no account.
 */
const CHECK_REFS = `CREATE FUNCTION ledger_check_refs(p jsonb) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v text;
BEGIN
  SELECT a.acc INTO v
    FROM jsonb_array_elements(p->'steps') y, jsonb_array_elements(y->'legs') l,
         LATERAL (VALUES (l->>'from'), (l->>'to')) AS a(acc)
   WHERE (y->>'op' = 'create' OR y->>'to' = 'completed') AND a.acc IS NOT NULL AND NOT (coalesce(p->'accounts', '{}'::jsonb) ? a.acc) LIMIT 1;
  IF FOUND THEN
    PERFORM ledger_raise('EL001', 'account missing', jsonb_build_object('accountId', v));
  END IF;
  SELECT l->>'code' INTO v
    FROM jsonb_array_elements(p->'steps') y, jsonb_array_elements(y->'legs') l
   WHERE (y->>'op' = 'create' OR y->>'to' = 'completed') AND NOT EXISTS (SELECT 1 FROM unit_classes c WHERE c.id = (l->>'cls')::int) LIMIT 1;
  IF FOUND THEN
    PERFORM ledger_raise('EL001', 'class missing', jsonb_build_object('classCode', v));
  END IF;
  SELECT y->>'kind' INTO v
    FROM jsonb_array_elements(p->'steps') y
   WHERE y->>'op' = 'create' AND NOT EXISTS (SELECT 1 FROM transaction_kinds k WHERE k.code = y->>'kind') LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'transaction kind % is not in transaction_kinds (the catalogue and the store disagree)', v;
  END IF;
END $$`;

/** ledger_write as in ledger-perf-001, with the references checked before anything is written. */
const WRITE = `CREATE OR REPLACE FUNCTION ledger_write(p jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_out jsonb;
BEGIN
  PERFORM pg_advisory_xact_lock_shared(${FREEZE_LOCK_KEY});
  IF (SELECT f.frozen FROM registry_freeze f WHERE f.id = 1) THEN
    PERFORM ledger_raise('EL001', 'registry frozen', jsonb_build_object('frozen', true));
  END IF;
  PERFORM ledger_check_refs(p);
  v_out := ledger_apply(p);
  IF jsonb_typeof(p->'pendingOnce') = 'array' AND jsonb_array_length(p->'pendingOnce') > 0 THEN
    PERFORM ledger_check_pending(p);
  END IF;
  IF jsonb_typeof(p->'returns') = 'array' AND jsonb_array_length(p->'returns') > 0 THEN
    PERFORM ledger_check_returns(p);
  END IF;
  RETURN v_out;
END $$`;

export const ledgerPerf002Migrations: readonly Migration[] = [
  {
    id: "ledger-perf-002",
    statements: [
      `CREATE TRIGGER accounts_kept BEFORE DELETE ON accounts FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()`,
      `CREATE TRIGGER accounts_key_kept BEFORE UPDATE OF id ON accounts FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION ledger_refuse_change()`,
      `CREATE TRIGGER accounts_no_truncate BEFORE TRUNCATE ON accounts FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()`,
      `CREATE TRIGGER transaction_kinds_append_only BEFORE UPDATE OR DELETE ON transaction_kinds FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()`,
      `CREATE TRIGGER transaction_kinds_no_truncate BEFORE TRUNCATE ON transaction_kinds FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()`,
      CHECK_REFS,
      WRITE,
      ...DROPPED_FOREIGN_KEYS.map(([t, c]) => `ALTER TABLE ${t} DROP CONSTRAINT ${c}`),
    ],
  },
];
