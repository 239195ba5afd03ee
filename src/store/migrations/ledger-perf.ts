// Ledger performance (issue 10's benchmark), migration ledger-perf-001. Measured on the bench
// cluster with pg_stat_statements (track = all) and track_functions, a single transfer spent its
// time in many small statements inside ledger_write, not in any one of them. This migration
// removes statements and calls from that path without changing what is written or checked:
// - ledger_apply asked ledger_batch_eligible (an SQL function walking the plan's steps twice) for
//   every plan, batch or not: about a tenth of a single transfer's time in the database. It is now
//   asked only when the plan carries a batch.
// - A completion checked its sources' available units (ledger_earmark with p_check_only), then
//   moved the blocks, then computed the net balance change per account and class and wrote it.
//   ledger_complete now takes the units out of each source's balance in the same statement that
//   confirms they are available (`quantity - earmarked >= needed`, the same condition, sources in
//   the same order, the same EL003 facts), before the blocks move, and then adds them to each
//   destination. Checks still run in the documented order: exact ranges (EL005), available units
//   (EL003), the moves (EL004 for an issuance); the balances end as before.
// - ledger_move_leg walked a source's blocks through ledger_move, a set-returning function whose
//   rows PL/pgSQL gathers in a tuple store; the same walk (the block rule: lowest serials first,
//   the last block touched split with its lower part moving, merged into the destination's
//   neighbours) is now a loop inside ledger_move_leg.
// - ledger_write called ledger_check_pending and ledger_check_returns for every plan; each loops
//   over a list the plan carries (the kinds kept to one pending per account, the returns of excess
//   allocation), empty for every other transfer. They are called only when their list is not empty.
// - The index transaction_events_due (status, detail->>'delayUntil') served the delayed
//   transactions of ledger v1; since v2 they are found through tx_state_due and nothing reads it,
//   yet every event paid for it.
// Functions are redefined with CREATE OR REPLACE (same signatures), so a store migrated before
// upgrades in place.
import type { Migration } from "../migration.ts";
import { FREEZE_LOCK_KEY } from "./ledger-005.ts";
import { APPLY_HEAD, APPLY_STEPS, APPLY_TAIL } from "./ledger-v2.ts";

/** Moves one leg's units, or issues them (as in ledger-004), with the block walk inline. */
const MOVE_LEG = `CREATE OR REPLACE FUNCTION ledger_move_leg(p_tx text, p_leg int, l jsonb) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
  v_class int := (l->>'cls')::int;
  v_code text := l->>'code';
  v_from text := l->>'from';
  v_to text := l->>'to';
  v_qty int8 := (l->>'qty')::int8;
  v_out text[] := '{}';
  v_first int8;
  v_limit int8;
  v_last int8;
  v_s int8;
  v_e int8;
  b record;
  rg jsonb;
  need int8;
  r_end int8;
  n int := 0;
  prefix text := '[' || p_leg || ',';
  tail text := ',' || to_json(v_code)::text || ',' || coalesce(to_json(v_from)::text, 'null') || ',' || to_json(v_to)::text || ',';
BEGIN
  IF v_from IS NULL THEN
    SELECT c.serial_start, c.issuance_limit INTO v_first, v_limit FROM unit_classes c WHERE c.id = v_class;
    SELECT max(x.serial_end) INTO v_last FROM movements x WHERE x.class_id = v_class AND x.from_account IS NULL;
    v_s := coalesce(v_last, v_first - 1) + 1;
    IF v_s > 9000000000000000000 - v_qty THEN
      PERFORM ledger_raise('EL004', 'serials exhausted', jsonb_build_object('classCode', v_code, 'exhausted', true));
    END IF;
    v_e := v_s + v_qty - 1;
    IF v_limit IS NOT NULL AND v_e - v_first + 1 > v_limit THEN
      PERFORM ledger_raise('EL004', 'issuance limit', jsonb_build_object('classCode', v_code, 'limit', v_limit::text, 'issued', (v_s - v_first)::text, 'requested', v_qty::text));
    END IF;
    PERFORM ledger_place(v_class, v_to, v_s, v_e);
    INSERT INTO movements (tx_id, leg_no, part_no, class_id, from_account, to_account, serial_start, serial_end)
      VALUES (p_tx, p_leg, 1, v_class, NULL, v_to, v_s, v_e);
    RETURN ARRAY[prefix || '1' || tail || to_json(v_s::text)::text || ',' || to_json(v_e::text)::text || ']'];
  END IF;
  IF l->'ranges' IS NOT NULL AND jsonb_typeof(l->'ranges') = 'array' THEN
    FOR rg IN SELECT * FROM jsonb_array_elements(l->'ranges') LOOP
      n := n + 1;
      v_s := (rg->>0)::int8;
      v_e := (rg->>1)::int8;
      PERFORM ledger_move_range(v_class, v_code, v_from, v_to, v_s, v_e, p_tx, p_leg, n);
      v_out := v_out || (prefix || n || tail || to_json(v_s::text)::text || ',' || to_json(v_e::text)::text || ']');
    END LOOP;
    RETURN v_out;
  END IF;
  need := v_qty;
  FOR b IN SELECT k.id, k.serial_start AS s, k.serial_end AS e FROM blocks k
           WHERE k.account_id = v_from AND k.class_id = v_class ORDER BY k.serial_start FOR UPDATE LOOP
    EXIT WHEN need = 0;
    v_e := b.s + least(b.e - b.s + 1, need) - 1;
    IF v_e = b.e THEN
      DELETE FROM blocks WHERE id = b.id;
    ELSE
      UPDATE blocks SET serial_start = v_e + 1 WHERE id = b.id;
    END IF;
    r_end := NULL;
    DELETE FROM blocks k WHERE k.class_id = v_class AND k.serial_start = v_e + 1 AND k.account_id = v_to RETURNING k.serial_end INTO r_end;
    UPDATE blocks k SET serial_end = coalesce(r_end, v_e) WHERE k.class_id = v_class AND k.serial_end = b.s - 1 AND k.account_id = v_to;
    IF NOT FOUND THEN
      INSERT INTO blocks (class_id, account_id, serial_start, serial_end) VALUES (v_class, v_to, b.s, coalesce(r_end, v_e));
    END IF;
    n := n + 1;
    INSERT INTO movements (tx_id, leg_no, part_no, class_id, from_account, to_account, serial_start, serial_end)
      VALUES (p_tx, p_leg, n, v_class, v_from, v_to, b.s, v_e);
    need := need - (v_e - b.s + 1);
    v_out := v_out || (prefix || n || tail || to_json(b.s::text)::text || ',' || to_json(v_e::text)::text || ']');
  END LOOP;
  IF need > 0 THEN
    RAISE EXCEPTION USING ERRCODE = 'EL003', MESSAGE = format('insufficient:%s|%s|%s|%s', v_from, v_class, v_qty - need, v_qty);
  END IF;
  RETURN v_out;
END $$`;

/**
 * Completes a step (as in ledger-004): sources' units confirmed available and taken out of their
 * balances in one statement each (EL003 otherwise), every leg moved, destinations' balances
 * raised, one chain link per chain. Returns the moves' texts.
 */
const COMPLETE = `CREATE OR REPLACE FUNCTION ledger_complete(p_tx text, p_kind text, p_request text, p_now text, p_legs jsonb, p_chains jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  l jsonb;
  k int := 0;
  v_moves text[] := '{}';
  v_digest text;
  v_zero text := repeat('0', 64);
  a record;
  b record;
BEGIN
  FOR a IN SELECT x->>'from' AS acc, (x->>'cls')::int AS cls, max(x->>'code') AS code, sum((x->>'qty')::int8)::int8 AS q
           FROM jsonb_array_elements(p_legs) x WHERE x->>'from' IS NOT NULL
           GROUP BY x->>'from', (x->>'cls')::int ORDER BY 1, 2 LOOP
    UPDATE balances k SET quantity = k.quantity - a.q WHERE k.account_id = a.acc AND k.class_id = a.cls AND k.quantity - k.earmarked >= a.q;
    IF NOT FOUND THEN
      SELECT k.quantity, k.earmarked INTO b FROM balances k WHERE k.account_id = a.acc AND k.class_id = a.cls;
      PERFORM ledger_raise('EL003', 'units not available', jsonb_build_object('accountId', a.acc, 'classCode', a.code,
        'held', coalesce(b.quantity, 0)::text, 'earmarked', coalesce(b.earmarked, 0)::text, 'needed', a.q::text));
    END IF;
  END LOOP;
  FOR l IN SELECT * FROM jsonb_array_elements(p_legs) LOOP
    k := k + 1;
    v_moves := v_moves || ledger_move_leg(p_tx, k, l);
  END LOOP;
  INSERT INTO balances (account_id, class_id, quantity)
    SELECT x->>'to', (x->>'cls')::int, sum((x->>'qty')::int8)::int8 FROM jsonb_array_elements(p_legs) x GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (account_id, class_id) DO UPDATE SET quantity = balances.quantity + EXCLUDED.quantity;
  v_digest := encode(sha256(convert_to('{"completedAt":' || to_json(p_now)::text || ',"id":' || to_json(p_tx)::text || ',"kind":' || to_json(p_kind)::text
    || ',"movements":[' || array_to_string(v_moves, ',') || '],"request":' || p_request || '}', 'UTF8')), 'hex');
  INSERT INTO chain_links (chain, seq, tx_id, prev_hash, hash)
    SELECT c.chain, coalesce(h.seq, 0) + 1, p_tx, coalesce(h.hash, v_zero),
           encode(sha256(convert_to(coalesce(h.hash, v_zero) || chr(10) || v_digest, 'UTF8')), 'hex')
    FROM jsonb_array_elements_text(p_chains) AS c(chain)
    LEFT JOIN LATERAL (SELECT x.seq, x.hash FROM chain_links x WHERE x.chain = c.chain ORDER BY x.seq DESC LIMIT 1) h ON true;
  RETURN to_jsonb(v_moves);
END $$`;

/** The check-only availability call before each completion: ledger_complete now does it. */
const CHECK_ONLY = "        PERFORM ledger_earmark(s->'legs', 1, true);\n";

export function stepsWithoutCheckOnly(): string {
  const parts = APPLY_STEPS.split(CHECK_ONLY);
  // Both completions (a created transaction completing at once, a transition to completed).
  if (parts.length !== 3) throw new Error(`ledger-perf-001: expected 2 check-only earmark calls in ledger_apply's steps, found ${parts.length - 1}`);
  return parts.join("");
}

/** ledger_apply as in ledger-batch-001, asking whether the set path applies only for a batch. */
const APPLY = `CREATE OR REPLACE FUNCTION ledger_apply(p jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
${APPLY_HEAD}  IF (CASE WHEN jsonb_typeof(p->'batch') = 'object' THEN ledger_batch_eligible(p) ELSE false END) THEN
    PERFORM ledger_create_batch(p, v_at);
    v_out := ledger_complete_batch(p->'steps', v_now);
  ELSE
${stepsWithoutCheckOnly()}  END IF;
${APPLY_TAIL}`;

/** ledger_write as in ledger-005; the registry's rules are checked when the plan names any. */
const WRITE = `CREATE OR REPLACE FUNCTION ledger_write(p jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_out jsonb;
BEGIN
  PERFORM pg_advisory_xact_lock_shared(${FREEZE_LOCK_KEY});
  IF (SELECT f.frozen FROM registry_freeze f WHERE f.id = 1) THEN
    PERFORM ledger_raise('EL001', 'registry frozen', jsonb_build_object('frozen', true));
  END IF;
  v_out := ledger_apply(p);
  IF jsonb_typeof(p->'pendingOnce') = 'array' AND jsonb_array_length(p->'pendingOnce') > 0 THEN
    PERFORM ledger_check_pending(p);
  END IF;
  IF jsonb_typeof(p->'returns') = 'array' AND jsonb_array_length(p->'returns') > 0 THEN
    PERFORM ledger_check_returns(p);
  END IF;
  RETURN v_out;
END $$`;

export const ledgerPerfMigrations: readonly Migration[] = [
  {
    id: "ledger-perf-001",
    statements: [MOVE_LEG, COMPLETE, APPLY, WRITE, "DROP INDEX transaction_events_due"],
  },
];
