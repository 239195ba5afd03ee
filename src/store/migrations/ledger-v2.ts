// Ledger v2: one write path. Every change of units or of a transaction's status is a plan built by
// the pure planner (src/domain/ledger/plan.ts) and applied by one function, ledger_apply, in one
// round trip. The function takes its locks in the documented order (holders, classes, accounts,
// transactions), confirms the plan's expectations under them, writes the records and raises a
// typed SQLSTATE with its facts as JSON in DETAIL when the plan cannot be applied:
//   EL001 stale      an expectation (account type/status, a transaction's state) no longer holds:
//                    the caller re-plans from a fresh snapshot
//   EL002 prior      the transaction (or batch) id was used before: the caller answers the replay
//   EL003 available  a source holds fewer units than needed once earmarks are set aside (3003)
//   EL004 issuance   an issuance would pass the class's limit or run out of serials (3004)
//   EL005 range      a reversal's exact serials are no longer in the account (6005)
//   EL007 holding    a holder would hold more than its holding limit (8007)
// New tables: tx_state (the current state of each transaction, a projection of its events),
// holders (one row per account holder, locked for holding limits), ledger_commands (one namespace
// for the ids of class and account commands), batches; balances gain `earmarked`.
import type { Migration } from "../migration.ts";

const appendOnly = (table: string) => [
  `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()`,
  `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()`,
];

/** Raises a typed ledger error with facts; shared by the functions below. */
const RAISE = `CREATE FUNCTION ledger_raise(p_state text, p_message text, p_facts jsonb) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = p_state, MESSAGE = p_message, DETAIL = p_facts::text;
END $$`;

/** Puts [s, e] into an account, merging with the account's neighbouring blocks of the class. */
const PLACE = `CREATE FUNCTION ledger_place(p_class int, p_to text, p_s int8, p_e int8) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  r_end int8;
BEGIN
  DELETE FROM blocks k WHERE k.class_id = p_class AND k.serial_start = p_e + 1 AND k.account_id = p_to RETURNING k.serial_end INTO r_end;
  UPDATE blocks k SET serial_end = coalesce(r_end, p_e) WHERE k.class_id = p_class AND k.serial_end = p_s - 1 AND k.account_id = p_to;
  IF NOT FOUND THEN
    INSERT INTO blocks (class_id, account_id, serial_start, serial_end) VALUES (p_class, p_to, p_s, coalesce(r_end, p_e));
  END IF;
END $$`;

/** Moves exactly [s, e] (a reversal's range) from one account to another; EL005 when it is not there whole. */
const MOVE_RANGE = `CREATE FUNCTION ledger_move_range(p_class int, p_code text, p_from text, p_to text, p_s int8, p_e int8, p_tx text, p_leg int, p_part int)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  b record;
BEGIN
  SELECT k.id, k.serial_start AS s, k.serial_end AS e INTO b FROM blocks k
   WHERE k.class_id = p_class AND k.account_id = p_from AND k.serial_start <= p_s AND k.serial_end >= p_e FOR UPDATE;
  IF NOT FOUND THEN
    PERFORM ledger_raise('EL005', 'serials moved on', jsonb_build_object('classCode', p_code, 'start', p_s::text, 'end', p_e::text, 'accountId', p_from));
  END IF;
  IF b.s = p_s AND b.e = p_e THEN
    DELETE FROM blocks WHERE id = b.id;
  ELSIF b.s = p_s THEN
    UPDATE blocks SET serial_start = p_e + 1 WHERE id = b.id;
  ELSIF b.e = p_e THEN
    UPDATE blocks SET serial_end = p_s - 1 WHERE id = b.id;
  ELSE
    UPDATE blocks SET serial_end = p_s - 1 WHERE id = b.id;
    INSERT INTO blocks (class_id, account_id, serial_start, serial_end) VALUES (p_class, p_from, p_e + 1, b.e);
  END IF;
  PERFORM ledger_place(p_class, p_to, p_s, p_e);
  INSERT INTO movements (tx_id, leg_no, part_no, class_id, from_account, to_account, serial_start, serial_end)
    VALUES (p_tx, p_leg, p_part, p_class, p_from, p_to, p_s, p_e);
END $$`;

/**
 * Moves one leg's units, or issues them, and returns the movement entries of the chain payload
 * ([leg, part, code, from, to, "start", "end"] as canonical JSON text). Lowest serials first; the
 * last block touched is split with its lower part moving (the block rule).
 */
const MOVE_LEG = `CREATE FUNCTION ledger_move_leg(p_tx text, p_leg int, l jsonb) RETURNS text[] LANGUAGE plpgsql AS $$
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
  m record;
  rg jsonb;
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
  FOR m IN SELECT * FROM ledger_move(v_class, v_from, v_to, v_qty, p_tx, p_leg) LOOP
    v_out := v_out || (prefix || m.o_part || tail || to_json(m.o_start::text)::text || ',' || to_json(m.o_end::text)::text || ']');
  END LOOP;
  RETURN v_out;
END $$`;

/** A held issuance: refused at once (EL004) when it would already pass the class's limit on what is issued now. */
const CHECK_ISSUANCE = `CREATE FUNCTION ledger_check_issuance(p_legs jsonb) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  r record;
  v_first int8;
  v_limit int8;
  v_last int8;
BEGIN
  FOR r IN SELECT (x->>'cls')::int AS cls, max(x->>'code') AS code, sum((x->>'qty')::int8)::int8 AS q
           FROM jsonb_array_elements(p_legs) x WHERE x->>'from' IS NULL GROUP BY 1 ORDER BY 1 LOOP
    SELECT c.serial_start, c.issuance_limit INTO v_first, v_limit FROM unit_classes c WHERE c.id = r.cls;
    CONTINUE WHEN v_limit IS NULL;
    SELECT max(m.serial_end) INTO v_last FROM movements m WHERE m.class_id = r.cls AND m.from_account IS NULL;
    IF coalesce(v_last - v_first + 1, 0) + r.q > v_limit THEN
      PERFORM ledger_raise('EL004', 'issuance limit', jsonb_build_object('classCode', r.code, 'limit', v_limit::text,
        'issued', coalesce(v_last - v_first + 1, 0)::text, 'requested', r.q::text));
    END IF;
  END LOOP;
END $$`;

/** Every exact range of a reversal's legs must still be whole in its account (EL005), checked before what is earmarked. */
const CHECK_RANGES = `CREATE FUNCTION ledger_check_ranges(p_legs jsonb) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  l jsonb;
  rg jsonb;
BEGIN
  FOR l IN SELECT * FROM jsonb_array_elements(p_legs) LOOP
    CONTINUE WHEN l->'ranges' IS NULL OR jsonb_typeof(l->'ranges') <> 'array';
    FOR rg IN SELECT * FROM jsonb_array_elements(l->'ranges') LOOP
      IF NOT EXISTS (SELECT 1 FROM blocks k WHERE k.class_id = (l->>'cls')::int AND k.account_id = l->>'from'
                      AND k.serial_start <= (rg->>0)::int8 AND k.serial_end >= (rg->>1)::int8) THEN
        PERFORM ledger_raise('EL005', 'serials moved on', jsonb_build_object('classCode', l->>'code', 'start', rg->>0, 'end', rg->>1, 'accountId', l->>'from'));
      END IF;
    END LOOP;
  END LOOP;
END $$`;

/**
 * Sets aside (p_sign = 1) or frees (p_sign = -1) the units of a step's legs in their sources'
 * balances. Setting aside needs the units to be available (held and not yet set aside): EL003.
 * With p_check, only checks that the units are available (a transfer about to complete at once).
 */
const EARMARK = `CREATE FUNCTION ledger_earmark(p_legs jsonb, p_sign int, p_check_only boolean) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  r record;
  b record;
BEGIN
  FOR r IN SELECT x->>'from' AS acc, (x->>'cls')::int AS cls, max(x->>'code') AS code, sum((x->>'qty')::int8)::int8 AS q
           FROM jsonb_array_elements(p_legs) x WHERE x->>'from' IS NOT NULL
           GROUP BY x->>'from', (x->>'cls')::int ORDER BY 1, 2 LOOP
    SELECT k.quantity, k.earmarked INTO b FROM balances k WHERE k.account_id = r.acc AND k.class_id = r.cls;
    IF p_sign > 0 AND coalesce(b.quantity, 0) - coalesce(b.earmarked, 0) < r.q THEN
      PERFORM ledger_raise('EL003', 'units not available', jsonb_build_object('accountId', r.acc, 'classCode', r.code,
        'held', coalesce(b.quantity, 0)::text, 'earmarked', coalesce(b.earmarked, 0)::text, 'needed', r.q::text));
    END IF;
    IF NOT p_check_only THEN
      UPDATE balances k SET earmarked = k.earmarked + p_sign * r.q WHERE k.account_id = r.acc AND k.class_id = r.cls;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'earmark of % units of class % in % has no balance row', r.q, r.cls, r.acc;
      END IF;
    END IF;
  END LOOP;
END $$`;

/**
 * Completes a step: moves every leg, applies the balance changes, appends one chain link per chain
 * (source accounts, or an issuance's classes) with the payload digest built as the same canonical
 * JSON that payloadDigest hashes in TypeScript. Returns the moves as [leg, part, start, end].
 */
const COMPLETE = `CREATE FUNCTION ledger_complete(p_tx text, p_kind text, p_request text, p_now text, p_legs jsonb, p_chains jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  l jsonb;
  k int := 0;
  v_moves text[] := '{}';
  v_digest text;
  v_zero text := repeat('0', 64);
  a record;
BEGIN
  FOR l IN SELECT * FROM jsonb_array_elements(p_legs) LOOP
    k := k + 1;
    v_moves := v_moves || ledger_move_leg(p_tx, k, l);
  END LOOP;
  FOR a IN SELECT d.acc, d.cls, sum(d.q)::int8 AS q
           FROM (SELECT x->>'from' AS acc, (x->>'cls')::int AS cls, -(x->>'qty')::int8 AS q FROM jsonb_array_elements(p_legs) x WHERE x->>'from' IS NOT NULL
                 UNION ALL SELECT x->>'to', (x->>'cls')::int, (x->>'qty')::int8 FROM jsonb_array_elements(p_legs) x) d
           GROUP BY d.acc, d.cls HAVING sum(d.q) <> 0 ORDER BY d.acc, d.cls LOOP
    IF a.q < 0 THEN
      UPDATE balances b SET quantity = b.quantity + a.q WHERE b.account_id = a.acc AND b.class_id = a.cls;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'a balance row is missing while units leave it (%, %)', a.acc, a.cls;
      END IF;
    ELSE
      INSERT INTO balances (account_id, class_id, quantity) VALUES (a.acc, a.cls, a.q)
        ON CONFLICT (account_id, class_id) DO UPDATE SET quantity = balances.quantity + EXCLUDED.quantity;
    END IF;
  END LOOP;
  v_digest := encode(sha256(convert_to('{"completedAt":' || to_json(p_now)::text || ',"id":' || to_json(p_tx)::text || ',"kind":' || to_json(p_kind)::text
    || ',"movements":[' || array_to_string(v_moves, ',') || '],"request":' || p_request || '}', 'UTF8')), 'hex');
  INSERT INTO chain_links (chain, seq, tx_id, prev_hash, hash)
    SELECT c.chain, coalesce(h.seq, 0) + 1, p_tx, coalesce(h.hash, v_zero),
           encode(sha256(convert_to(coalesce(h.hash, v_zero) || chr(10) || v_digest, 'UTF8')), 'hex')
    FROM jsonb_array_elements_text(p_chains) AS c(chain)
    LEFT JOIN LATERAL (SELECT x.seq, x.hash FROM chain_links x WHERE x.chain = c.chain ORDER BY x.seq DESC LIMIT 1) h ON true;
  RETURN to_jsonb(v_moves);
END $$`;

/**
 * Applies a plan. Locks, in this order for every writer: holders (when holding limits apply), the
 * classes an issuance draws serials from, every account involved, then the state rows of the
 * transactions the plan changes. Under the locks it confirms the plan's expectations (EL001 when
 * one fails: nothing written), then applies each step, then checks holding limits on the result.
 */
/** ledger_apply's parts, exported so that a later migration can redefine it around them (ledger-batch.ts). */
export const APPLY_HEAD = `DECLARE
  v_now text := p->>'now';
  v_at timestamptz := (p->>'now')::timestamptz;
  r record;
  s jsonb;
  x jsonb;
  n int;
  v_id text;
  v_seq int;
  v_out jsonb := '[]'::jsonb;
  v_moves jsonb;
  v_status text;
  v_from text;
  v_held bigint;
BEGIN
  PERFORM 1 FROM holders h WHERE h.id IN (SELECT jsonb_array_elements_text(p->'holders')) ORDER BY h.id FOR NO KEY UPDATE;
  PERFORM 1 FROM unit_classes c WHERE c.id IN (SELECT (jsonb_array_elements_text(p->'classes'))::int) ORDER BY c.id FOR NO KEY UPDATE;
  n := 0;
  FOR r IN SELECT a.id, a.type, a.status FROM accounts a WHERE a.id IN (SELECT jsonb_object_keys(p->'accounts')) ORDER BY a.id FOR NO KEY UPDATE LOOP
    x := p->'accounts'->r.id;
    IF r.type IS DISTINCT FROM x->>'type' OR r.status IS DISTINCT FROM x->>'status' THEN
      PERFORM ledger_raise('EL001', 'account changed', jsonb_build_object('accountId', r.id, 'type', r.type, 'status', r.status));
    END IF;
    n := n + 1;
  END LOOP;
  IF n <> (SELECT count(*) FROM jsonb_object_keys(p->'accounts')) THEN
    PERFORM ledger_raise('EL001', 'account missing', '{}'::jsonb);
  END IF;
  n := 0;
  FOR r IN SELECT t.tx_id, t.seq, t.status, t.reversed_by FROM tx_state t WHERE t.tx_id IN (SELECT jsonb_object_keys(p->'txs')) ORDER BY t.tx_id FOR UPDATE LOOP
    x := p->'txs'->r.tx_id;
    IF r.seq <> (x->>'seq')::int OR r.status <> x->>'status' OR r.reversed_by IS DISTINCT FROM x->>'reversedBy' THEN
      PERFORM ledger_raise('EL001', 'transaction changed', jsonb_build_object('transactionId', r.tx_id, 'status', r.status, 'seq', r.seq));
    END IF;
    n := n + 1;
  END LOOP;
  IF n <> (SELECT count(*) FROM jsonb_object_keys(p->'txs')) THEN
    PERFORM ledger_raise('EL001', 'transaction missing', '{}'::jsonb);
  END IF;
  IF p->'batch' IS NOT NULL AND jsonb_typeof(p->'batch') = 'object' THEN
    IF EXISTS (SELECT 1 FROM batches b WHERE b.id = p->'batch'->>'id') THEN
      PERFORM ledger_raise('EL002', 'batch exists', jsonb_build_object('batchId', p->'batch'->>'id'));
    END IF;
    INSERT INTO batches (id, idem_scope, idem_key, kind, request, size, created_at)
      VALUES (p->'batch'->>'id', p->'batch'->>'scope', p->'batch'->>'key', p->'batch'->>'kind', (p->'batch'->>'request')::jsonb, (p->'batch'->>'size')::int, v_at);
  END IF;
  SELECT t.id INTO v_id FROM transactions t WHERE t.id IN (SELECT y->>'id' FROM jsonb_array_elements(p->'steps') y WHERE y->>'op' = 'create') LIMIT 1;
  IF FOUND THEN
    PERFORM ledger_raise('EL002', 'transaction exists', jsonb_build_object('transactionId', v_id));
  END IF;

`;
export const APPLY_STEPS = `  FOR s IN SELECT * FROM jsonb_array_elements(p->'steps') LOOP
    v_id := s->>'id';
    v_moves := NULL;
    IF s->>'op' = 'create' THEN
      v_status := s->>'status';
      INSERT INTO transactions (id, kind, request, initiator, reverses, created_at, idem_scope, idem_key, batch_id)
        VALUES (v_id, s->>'kind', (s->>'request')::jsonb, s->>'initiator', s->>'reverses', v_at, s->>'scope', s->>'key', p->'batch'->>'id');
      INSERT INTO transaction_legs (tx_id, leg_no, class_id, from_account, to_account, quantity)
        SELECT v_id, y.n, (y.l->>'cls')::int, y.l->>'from', y.l->>'to', (y.l->>'qty')::int8 FROM jsonb_array_elements(s->'legs') WITH ORDINALITY AS y(l, n);
      INSERT INTO transaction_events (tx_id, seq, status, at, actor, detail, lseq)
        VALUES (v_id, 1, v_status, v_at, s->>'actor', coalesce(s->'detail', '{}'::jsonb), nextval('ledger_seq'));
      INSERT INTO tx_state (tx_id, status, seq, delay_until, approved_by, last_actor, reversed_by)
        VALUES (v_id, v_status, 1, (s->>'delayUntil')::timestamptz, NULL, s->>'actor', NULL);
      IF v_status = 'completed' THEN
        PERFORM ledger_check_ranges(s->'legs');
        PERFORM ledger_earmark(s->'legs', 1, true);
        v_moves := ledger_complete(v_id, s->>'kind', s->>'request', v_now, s->'legs', s->'chains');
        IF s->>'reverses' IS NOT NULL THEN
          UPDATE tx_state SET reversed_by = v_id WHERE tx_id = s->>'reverses';
        END IF;
      ELSE
        PERFORM ledger_check_ranges(s->'legs');
        PERFORM ledger_earmark(s->'legs', 1, false);
        PERFORM ledger_check_issuance(s->'legs');
      END IF;
    ELSE
      x := p->'txs'->v_id;
      v_status := s->>'to';
      v_seq := (x->>'seq')::int + 1;
      INSERT INTO transaction_events (tx_id, seq, status, at, actor, detail, lseq)
        VALUES (v_id, v_seq, v_status, v_at, s->>'actor', coalesce(s->'detail', '{}'::jsonb), nextval('ledger_seq'));
      UPDATE tx_state SET status = v_status, seq = v_seq,
             delay_until = CASE WHEN s ? 'delayUntil' THEN (s->>'delayUntil')::timestamptz ELSE delay_until END,
             approved_by = coalesce(s->>'approvedBy', approved_by), last_actor = s->>'actor'
       WHERE tx_id = v_id;
      IF x->>'status' IN ('awaiting_approval', 'delayed') AND v_status IN ('completed', 'rejected', 'cancelled') THEN
        PERFORM ledger_earmark(s->'legs', -1, false);
      END IF;
      IF v_status = 'completed' THEN
        PERFORM ledger_check_ranges(s->'legs');
        PERFORM ledger_earmark(s->'legs', 1, true);
        v_moves := ledger_complete(v_id, s->>'kind', s->>'request', v_now, s->'legs', s->'chains');
        IF s->>'reverses' IS NOT NULL THEN
          UPDATE tx_state SET reversed_by = v_id WHERE tx_id = s->>'reverses';
        END IF;
      END IF;
    END IF;
    v_out := v_out || jsonb_build_array(coalesce(v_moves, '[]'::jsonb));
  END LOOP;

`;
export const APPLY_TAIL = `  FOR x IN SELECT * FROM jsonb_array_elements(p->'limits') LOOP
    SELECT coalesce(sum(b.quantity), 0)::int8 INTO v_held FROM balances b JOIN accounts a ON a.id = b.account_id JOIN unit_classes c ON c.id = b.class_id
     WHERE a.holder = x->>'holder'
       AND NOT (a.type IN (SELECT jsonb_array_elements_text(x->'exempt')))
       AND c.unit_type IN (SELECT jsonb_array_elements_text(x->'unitTypes'));
    -- pending: units a held transfer will bring, counted now although not yet moved
    IF v_held + (x->>'pending')::int8 > (x->>'limit')::int8 THEN
      PERFORM ledger_raise('EL007', 'holding limit', jsonb_build_object('holder', x->>'holder',
        'held', (v_held - (x->>'incoming')::int8 + (x->>'pending')::int8)::text, 'incoming', x->>'incoming', 'limit', x->>'limit'));
    END IF;
  END LOOP;
  RETURN v_out;
END $$`;
const APPLY = `CREATE FUNCTION ledger_apply(p jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
${APPLY_HEAD}${APPLY_STEPS}${APPLY_TAIL}`;

export const ledgerV2Migrations: readonly Migration[] = [
  {
    id: "ledger-004",
    statements: [
      // One row per holder, so that holding limits can be checked under a lock that two transfers
      // to different accounts of one holder both need.
      `CREATE TABLE holders (id text PRIMARY KEY)`,
      `INSERT INTO holders (id) SELECT DISTINCT holder FROM accounts`,
      `ALTER TABLE accounts ADD CONSTRAINT accounts_holder_fkey FOREIGN KEY (holder) REFERENCES holders(id)`,
      // Earmarks: units set aside for transactions awaiting approval or delayed.
      `ALTER TABLE balances ADD COLUMN earmarked int8 NOT NULL DEFAULT 0`,
      `ALTER TABLE balances ADD CONSTRAINT balances_earmark_range CHECK (earmarked >= 0 AND earmarked <= quantity)`,
      // One namespace for the ids of class and account commands (defining, opening, status).
      `CREATE SEQUENCE ledger_seq`,
      `CREATE TABLE ledger_commands (
         id text PRIMARY KEY,
         kind text NOT NULL CHECK (kind IN ('class.define', 'account.open', 'account.status')),
         target text NOT NULL,
         request jsonb NOT NULL,
         at timestamptz NOT NULL,
         lseq bigint NOT NULL
       )`,
      `INSERT INTO ledger_commands (id, kind, target, request, at, lseq)
         SELECT command_id, 'class.define', code, definition, defined_at, nextval('ledger_seq') FROM unit_classes ORDER BY id`,
      `INSERT INTO ledger_commands (id, kind, target, request, at, lseq)
         SELECT e.command_id, CASE WHEN a.command_id = e.command_id THEN 'account.open' ELSE 'account.status' END, e.account_id, e.request, e.at, nextval('ledger_seq')
         FROM account_events e JOIN accounts a ON a.id = e.account_id
         WHERE NOT EXISTS (SELECT 1 FROM ledger_commands c WHERE c.id = e.command_id) ORDER BY e.at, e.command_id`,
      ...appendOnly("ledger_commands"),
      // Idempotency keys scoped to a caller: the transaction id is derived from (scope, key).
      `CREATE TABLE batches (
         id text PRIMARY KEY,
         idem_scope text NOT NULL,
         idem_key text NOT NULL,
         kind text NOT NULL,
         request jsonb NOT NULL,
         size int NOT NULL CHECK (size > 0),
         created_at timestamptz NOT NULL,
         UNIQUE (idem_scope, idem_key)
       )`,
      ...appendOnly("batches"),
      `ALTER TABLE transactions DISABLE TRIGGER transactions_append_only`,
      `ALTER TABLE transactions ADD COLUMN idem_scope text NOT NULL DEFAULT ''`,
      `ALTER TABLE transactions ADD COLUMN idem_key text`,
      `ALTER TABLE transactions ADD COLUMN batch_id text REFERENCES batches(id)`,
      `UPDATE transactions SET idem_key = id`,
      `ALTER TABLE transactions ALTER COLUMN idem_key SET NOT NULL`,
      `ALTER TABLE transactions ALTER COLUMN idem_scope DROP DEFAULT`,
      `ALTER TABLE transactions ENABLE TRIGGER transactions_append_only`,
      `CREATE UNIQUE INDEX transactions_idem ON transactions (idem_scope, idem_key)`,
      `CREATE INDEX transactions_batch ON transactions (batch_id) WHERE batch_id IS NOT NULL`,
      `CREATE INDEX transactions_created ON transactions (created_at, id)`,
      // The commit order of status changes (taken under the locks, so conflicting changes are ordered).
      `ALTER TABLE transaction_events ADD COLUMN lseq bigint`,
      // The current state of each transaction: a projection of its events, written with them.
      `CREATE TABLE tx_state (
         tx_id text PRIMARY KEY REFERENCES transactions(id),
         status text NOT NULL CHECK (status IN ('awaiting_approval','delayed','completed','rejected','cancelled')),
         seq int NOT NULL CHECK (seq > 0),
         delay_until timestamptz,
         approved_by text,
         last_actor text,
         reversed_by text REFERENCES transactions(id)
       )`,
      `INSERT INTO tx_state (tx_id, status, seq, delay_until, approved_by, last_actor, reversed_by)
         SELECT t.id, e.status, e.seq,
                (SELECT (x.detail->>'delayUntil')::timestamptz FROM transaction_events x WHERE x.tx_id = t.id AND x.detail ? 'delayUntil' ORDER BY x.seq DESC LIMIT 1),
                (SELECT x.detail->>'approvedBy' FROM transaction_events x WHERE x.tx_id = t.id AND x.detail ? 'approvedBy' ORDER BY x.seq DESC LIMIT 1),
                e.actor,
                (SELECT r.id FROM transactions r WHERE r.reverses = t.id)
         FROM transactions t JOIN transaction_events e ON e.tx_id = t.id
         WHERE e.seq = (SELECT max(seq) FROM transaction_events x WHERE x.tx_id = t.id)`,
      `CREATE INDEX tx_state_due ON tx_state (delay_until, tx_id) WHERE status = 'delayed'`,
      `CREATE INDEX tx_state_awaiting ON tx_state (tx_id) WHERE status = 'awaiting_approval'`,
      // Earmark what transactions already held (oldest first); one whose source cannot cover it is
      // ended as rejected: a held transfer without its units is what this version stops.
      `DO $$
       DECLARE
         t record;
         ok boolean;
       BEGIN
         FOR t IN SELECT s.tx_id, s.seq FROM tx_state s JOIN transactions x ON x.id = s.tx_id
                  WHERE s.status IN ('awaiting_approval', 'delayed') ORDER BY x.created_at, x.id LOOP
           SELECT bool_and(coalesce(b.quantity, 0) - coalesce(b.earmarked, 0) >= n.q) INTO ok
             FROM (SELECT from_account, class_id, sum(quantity) AS q FROM transaction_legs WHERE tx_id = t.tx_id AND from_account IS NOT NULL GROUP BY 1, 2) n
             LEFT JOIN balances b ON b.account_id = n.from_account AND b.class_id = n.class_id;
           IF coalesce(ok, true) THEN
             UPDATE balances b SET earmarked = b.earmarked + n.q
               FROM (SELECT from_account, class_id, sum(quantity) AS q FROM transaction_legs WHERE tx_id = t.tx_id AND from_account IS NOT NULL GROUP BY 1, 2) n
               WHERE b.account_id = n.from_account AND b.class_id = n.class_id;
           ELSE
             INSERT INTO transaction_events (tx_id, seq, status, at, actor, detail)
               VALUES (t.tx_id, t.seq + 1, 'rejected', now(), 'system:migration', '{"code":3003,"check":"insufficient-units","message":"the units of this held transaction were no longer available when earmarks were introduced"}');
             UPDATE tx_state SET status = 'rejected', seq = t.seq + 1, last_actor = 'system:migration' WHERE tx_id = t.tx_id;
           END IF;
         END LOOP;
       END $$`,
      RAISE,
      PLACE,
      MOVE_RANGE,
      MOVE_LEG,
      CHECK_RANGES,
      CHECK_ISSUANCE,
      EARMARK,
      COMPLETE,
      APPLY,
      `DROP FUNCTION ledger_transfer(text, text, text, text, text, text[], text[], text[], int[], text[], text[], text[], int8[])`,
    ],
  },
];
