// The registry ledger's schema. Tables of record (transactions, legs, events, movements, chain
// links, commands, account events) are append-only: a trigger refuses UPDATE and DELETE. Blocks
// and balances are the current-state projection of the movements, kept in the same database
// transaction and re-derived independently by `ets verify`. Serial ranges of a class never overlap
// (exclusion constraint), balances never go negative (check constraint).
import type { Migration } from "../migration.ts";

const appendOnly = (table: string) => [
  `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()`,
  `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()`,
];

export const ledgerMigrations: readonly Migration[] = [
  {
    id: "ledger-001",
    statements: [
      `CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         RAISE EXCEPTION 'ledger rows are immutable: % on % refused', TG_OP, TG_TABLE_NAME USING ERRCODE = 'P0001';
       END $$`,
      `CREATE TABLE unit_types (code text PRIMARY KEY, name text NOT NULL, family text NOT NULL)`,
      `CREATE TABLE account_types (code text PRIMARY KEY, definition jsonb NOT NULL)`,
      `CREATE TABLE transaction_kinds (code text PRIMARY KEY, definition jsonb NOT NULL)`,
      `CREATE TABLE unit_classes (
         id serial PRIMARY KEY,
         code text NOT NULL UNIQUE,
         unit_type text NOT NULL REFERENCES unit_types(code),
         scheme text NOT NULL,
         vintage int,
         commitment_period text,
         project text,
         host_country text,
         credit_kind text CHECK (credit_kind IN ('reduction','avoidance','removal')),
         methodology text,
         a6_authorized boolean,
         a6_use text,
         a6_first_transferred boolean,
         issuance_limit int8 CHECK (issuance_limit > 0),
         serial_start int8 NOT NULL CHECK (serial_start > 0),
         command_id text NOT NULL UNIQUE,
         definition jsonb NOT NULL,
         defined_at timestamptz NOT NULL
       )`,
      `CREATE TABLE accounts (
         id text PRIMARY KEY,
         type text NOT NULL REFERENCES account_types(code),
         holder text NOT NULL,
         name text NOT NULL,
         installation text,
         status text NOT NULL CHECK (status IN ('open','blocked','closed')),
         opened_at timestamptz NOT NULL,
         command_id text NOT NULL UNIQUE
       )`,
      `CREATE INDEX accounts_holder ON accounts (holder)`,
      `CREATE TABLE account_events (
         command_id text PRIMARY KEY,
         account_id text NOT NULL REFERENCES accounts(id),
         status text NOT NULL,
         reason text,
         request jsonb NOT NULL,
         at timestamptz NOT NULL
       )`,
      `CREATE TABLE transactions (
         id text PRIMARY KEY,
         kind text NOT NULL REFERENCES transaction_kinds(code),
         request jsonb NOT NULL,
         initiator text,
         reverses text UNIQUE REFERENCES transactions(id),
         created_at timestamptz NOT NULL
       )`,
      `CREATE TABLE transaction_legs (
         tx_id text NOT NULL REFERENCES transactions(id),
         leg_no int NOT NULL,
         class_id int NOT NULL REFERENCES unit_classes(id),
         from_account text REFERENCES accounts(id),
         to_account text NOT NULL REFERENCES accounts(id),
         quantity int8 NOT NULL CHECK (quantity > 0),
         PRIMARY KEY (tx_id, leg_no)
       )`,
      `CREATE INDEX transaction_legs_from ON transaction_legs (from_account)`,
      `CREATE INDEX transaction_legs_to ON transaction_legs (to_account)`,
      `CREATE TABLE transaction_events (
         tx_id text NOT NULL REFERENCES transactions(id),
         seq int NOT NULL,
         status text NOT NULL CHECK (status IN ('awaiting_approval','delayed','completed','rejected','cancelled')),
         at timestamptz NOT NULL,
         actor text,
         detail jsonb NOT NULL DEFAULT '{}'::jsonb,
         PRIMARY KEY (tx_id, seq)
       )`,
      `CREATE INDEX transaction_events_due ON transaction_events (status, ((detail->>'delayUntil')))`,
      `CREATE TABLE movements (
         tx_id text NOT NULL REFERENCES transactions(id),
         leg_no int NOT NULL,
         part_no int NOT NULL,
         class_id int NOT NULL REFERENCES unit_classes(id),
         from_account text REFERENCES accounts(id),
         to_account text NOT NULL REFERENCES accounts(id),
         serial_start int8 NOT NULL,
         serial_end int8 NOT NULL,
         CHECK (serial_start > 0 AND serial_end >= serial_start),
         PRIMARY KEY (tx_id, leg_no, part_no)
       )`,
      `CREATE INDEX movements_issuance ON movements (class_id, serial_end) WHERE from_account IS NULL`,
      `CREATE TABLE blocks (
         id bigserial PRIMARY KEY,
         class_id int NOT NULL REFERENCES unit_classes(id),
         account_id text NOT NULL REFERENCES accounts(id),
         serial_start int8 NOT NULL,
         serial_end int8 NOT NULL,
         CHECK (serial_start > 0 AND serial_end >= serial_start),
         EXCLUDE USING gist (class_id WITH =, int8range(serial_start, serial_end, '[]') WITH &&)
       )`,
      `CREATE INDEX blocks_holding ON blocks (account_id, class_id, serial_start)`,
      `CREATE UNIQUE INDEX blocks_by_end ON blocks (class_id, serial_end)`,
      `CREATE UNIQUE INDEX blocks_by_start ON blocks (class_id, serial_start)`,
      `CREATE TABLE balances (
         account_id text NOT NULL REFERENCES accounts(id),
         class_id int NOT NULL REFERENCES unit_classes(id),
         quantity int8 NOT NULL CHECK (quantity >= 0),
         PRIMARY KEY (account_id, class_id)
       )`,
      `CREATE TABLE chain_links (
         chain text NOT NULL,
         seq int8 NOT NULL,
         tx_id text NOT NULL REFERENCES transactions(id),
         prev_hash text NOT NULL,
         hash text NOT NULL,
         PRIMARY KEY (chain, seq)
       )`,
      `CREATE INDEX chain_links_tx ON chain_links (tx_id)`,
      ...["unit_classes", "account_events", "transactions", "transaction_legs", "transaction_events", "movements", "chain_links"].flatMap(appendOnly),
    ],
  },
  {
    // One leg's move in one round trip instead of three to five per block: the block rule (lowest
    // serials first, the last block touched split with its lower part moving), merging into the
    // destination's neighbours, and the movement rows. The caller holds both accounts' locks and
    // has loaded them; too few units raises EL003, which the service reports as check 3003.
    id: "ledger-002",
    statements: [
      `CREATE FUNCTION ledger_move(p_class int, p_from text, p_to text, p_qty int8, p_tx text, p_leg int)
       RETURNS TABLE (o_part int, o_start int8, o_end int8) LANGUAGE plpgsql AS $$
       DECLARE
         need int8 := p_qty;
         b record;
         take int8;
         e int8;
         r_end int8;
         n int := 0;
       BEGIN
         FOR b IN SELECT k.id, k.serial_start AS s, k.serial_end AS e FROM blocks k
                  WHERE k.account_id = p_from AND k.class_id = p_class ORDER BY k.serial_start FOR UPDATE LOOP
           EXIT WHEN need = 0;
           take := least(b.e - b.s + 1, need);
           e := b.s + take - 1;
           IF e = b.e THEN
             DELETE FROM blocks WHERE id = b.id;
           ELSE
             UPDATE blocks SET serial_start = e + 1 WHERE id = b.id;
           END IF;
           r_end := NULL;
           DELETE FROM blocks k WHERE k.class_id = p_class AND k.serial_start = e + 1 AND k.account_id = p_to RETURNING k.serial_end INTO r_end;
           UPDATE blocks k SET serial_end = coalesce(r_end, e) WHERE k.class_id = p_class AND k.serial_end = b.s - 1 AND k.account_id = p_to;
           IF NOT FOUND THEN
             INSERT INTO blocks (class_id, account_id, serial_start, serial_end) VALUES (p_class, p_to, b.s, coalesce(r_end, e));
           END IF;
           n := n + 1;
           INSERT INTO movements (tx_id, leg_no, part_no, class_id, from_account, to_account, serial_start, serial_end)
             VALUES (p_tx, p_leg, n, p_class, p_from, p_to, b.s, e);
           need := need - take;
           o_part := n; o_start := b.s; o_end := e;
           RETURN NEXT;
         END LOOP;
         IF need > 0 THEN
           RAISE EXCEPTION USING ERRCODE = 'EL003', MESSAGE = format('insufficient:%s|%s|%s|%s', p_from, p_class, p_qty - need, p_qty);
         END IF;
       END $$`,
      // Movements are written before their transaction row in the same database transaction
      // (the move comes first, the header with the balances and chain links last), so the
      // reference is checked at commit.
      `ALTER TABLE movements ALTER CONSTRAINT movements_tx_id_fkey DEFERRABLE INITIALLY DEFERRED`,
    ],
  },
  {
    // A plain transfer (or any completing kind other than issuance) in one round trip: the caller
    // has checked the legs against account and class rows it has seen before and passes the type
    // and status it expects for each account. Under the accounts' locks the function confirms
    // them; if an account differs or the id was used before, it writes nothing and answers 'stale'
    // or 'prior', and the caller takes the general path (BEGIN, load and check under lock, move,
    // write, COMMIT). Otherwise it writes exactly what the general path writes: the transaction,
    // its legs, the moves (ledger_move), the completed event, the balances and one chain link per
    // source account, with the payload digest built here as the same canonical JSON that
    // payloadDigest hashes in TypeScript (keys sorted; strings escaped by to_json, which escapes
    // the same characters as JSON.stringify). Run as one autocommit statement, it is atomic.
    id: "ledger-003",
    statements: [
      `CREATE FUNCTION ledger_transfer(
         p_tx text, p_kind text, p_request text, p_now text, p_initiator text,
         p_acc text[], p_acc_type text[], p_acc_status text[],
         p_class int[], p_code text[], p_from text[], p_to text[], p_qty int8[])
       RETURNS TABLE (o_state text, o_leg int, o_part int, o_start int8, o_end int8) LANGUAGE plpgsql AS $$
       DECLARE
         a record;
         m record;
         k int;
         seen int := 0;
         v_moves text[] := '{}';
         v_digest text;
         v_zero text := repeat('0', 64);
       BEGIN
         IF EXISTS (SELECT 1 FROM transactions t WHERE t.id = p_tx) THEN
           o_state := 'prior';
           RETURN NEXT;
           RETURN;
         END IF;
         -- the same lock order as the general path: every involved account, ascending id
         FOR a IN SELECT x.id, x.type, x.status FROM accounts x WHERE x.id = ANY(p_acc) ORDER BY x.id FOR NO KEY UPDATE LOOP
           k := array_position(p_acc, a.id);
           IF k IS NULL OR a.type IS DISTINCT FROM p_acc_type[k] OR a.status IS DISTINCT FROM p_acc_status[k] THEN
             o_state := 'stale';
             RETURN NEXT;
             RETURN;
           END IF;
           seen := seen + 1;
         END LOOP;
         IF seen <> coalesce(array_length(p_acc, 1), 0) THEN
           o_state := 'stale';
           RETURN NEXT;
           RETURN;
         END IF;
         INSERT INTO transactions (id, kind, request, initiator, reverses, created_at)
           VALUES (p_tx, p_kind, p_request::jsonb, p_initiator, NULL, p_now::timestamptz);
         INSERT INTO transaction_legs (tx_id, leg_no, class_id, from_account, to_account, quantity)
           SELECT p_tx, x.n, x.c, x.f, x.t, x.q FROM unnest(p_class, p_from, p_to, p_qty) WITH ORDINALITY AS x(c, f, t, q, n);
         FOR k IN 1 .. array_length(p_class, 1) LOOP
           FOR m IN SELECT * FROM ledger_move(p_class[k], p_from[k], p_to[k], p_qty[k], p_tx, k) LOOP
             v_moves := v_moves || ('[' || k || ',' || m.o_part || ',' || to_json(p_code[k])::text || ',' || coalesce(to_json(p_from[k])::text, 'null')
               || ',' || to_json(p_to[k])::text || ',' || to_json(m.o_start::text)::text || ',' || to_json(m.o_end::text)::text || ']');
             o_state := 'done'; o_leg := k; o_part := m.o_part; o_start := m.o_start; o_end := m.o_end;
             RETURN NEXT;
           END LOOP;
         END LOOP;
         INSERT INTO transaction_events (tx_id, seq, status, at, actor, detail) VALUES (p_tx, 1, 'completed', p_now::timestamptz, p_initiator, '{}');
         FOR a IN SELECT d.acc, d.cls, sum(d.q)::int8 AS q
                  FROM (SELECT x.f AS acc, x.c AS cls, -x.q AS q FROM unnest(p_from, p_class, p_qty) AS x(f, c, q)
                        UNION ALL SELECT x.t, x.c, x.q FROM unnest(p_to, p_class, p_qty) AS x(t, c, q)) d
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
           FROM (SELECT DISTINCT 'account:' || f AS chain FROM unnest(p_from) AS f) c
           LEFT JOIN LATERAL (SELECT x.seq, x.hash FROM chain_links x WHERE x.chain = c.chain ORDER BY x.seq DESC LIMIT 1) h ON true;
       END $$`,
    ],
  },
];
