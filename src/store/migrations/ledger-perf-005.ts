// Ledger performance, migration ledger-perf-005: fewer statements per group write.
//
// Sampled with perf (scripts/profile-batch.ts --single 8), a group of 4 or 5 single proposals
// spent its database CPU mostly starting and planning statements, not writing rows: about 65
// statements per group, 7 of them per member (its source's blocks opened, fetched and cut, its
// destination placed by ledger_place in two, the head of each of its two chains looked up). Same
// rows, same checks in the same order, same SQLSTATEs and facts; fewer statements:
// - the set path (ledger_complete_group, and ledger_complete_batch, which shares its text) locks
//   every source's first block in one statement and walks a source's blocks with a cursor only
//   when its first block does not cover what it sends, then deletes the used-up blocks and cuts
//   the last ones once for all sources; it looks up every chain's head in the statement that
//   hashes the links, once per chain, instead of one statement per chain; it places all
//   destinations in two statements (right neighbours deleted and merged, then left neighbours
//   grown or new blocks inserted) instead of ledger_place's two per run that touched a block;
// - ledger_create_group writes a group's headers, legs, events and states in one statement with
//   data-modifying CTEs (events numbered in step order as before);
// - ledger_group_eligible is PL/pgSQL: as a SQL function its query was parsed and planned again in
//   every transaction (SQL functions keep no plan across calls), where PL/pgSQL caches it;
// - ledger_check_refs asks its three questions (account, class, kind missing) in one statement
//   and reports the first that fails, in the same order;
// - ledger_apply skips the holder, class and held-transaction locks when the plan names none
//   (their statements found no rows), and counts the plan's accounts in the statement that
//   locks them.
// CREATE OR REPLACE (same signatures), so a store migrated before upgrades in place.
import type { Migration } from "../migration.ts";
import { COMPLETE_BATCH } from "./ledger-batch.ts";
import { COMPLETE_GROUP } from "./ledger-perf-003.ts";
import { APPLY_004 } from "./ledger-perf-004.ts";

function replaceOnce(s: string, from: string, to: string): string {
  const parts = s.split(from);
  if (parts.length !== 2) throw new Error(`ledger-perf-005: expected one ${JSON.stringify(from.slice(0, 60))}, found ${parts.length - 1}`);
  return parts.join(to);
}

const PLACE_OLD_START = "  -- Destinations, in runs of consecutive serials per account and class: a run next to a block the\n";
const PLACE_OLD_END = "WHERE NOT x.touch;\n";

/**
 * Destinations placed as sets. A run's right neighbour (the account's block starting just after
 * it) is deleted and the run grows to its end; grown runs that now touch are merged (a block of the
 * account lying between two runs joins them, as placing them one after another would); each
 * merged run then grows the block ending just before it, or is inserted. The delete runs in a
 * statement of its own, before anything grows, so the exclusion constraint never sees two live
 * blocks overlap.
 */
const PLACE_SETS = `  -- Destinations, in runs of consecutive serials per account and class, placed as sets: right
  -- neighbours deleted and taken in, runs that then touch merged, left neighbours grown, the rest inserted.
  WITH runs AS (
         SELECT k.acc, k.cls, min(k.s) AS s, max(k.e) AS e
           FROM (SELECT p.*, p.s - coalesce(sum(p.e - p.s + 1) OVER (PARTITION BY p.acc, p.cls ORDER BY p.s ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS island
                   FROM (SELECT x.t AS acc, x.cls, x.s, x.e FROM unnest(m_to, m_cls, m_s, m_e) AS x(t, cls, s, e)) p) k
          GROUP BY k.acc, k.cls, k.island),
       nb AS (DELETE FROM blocks z USING runs WHERE z.class_id = runs.cls AND z.account_id = runs.acc AND z.serial_start = runs.e + 1
              RETURNING runs.acc, runs.cls, runs.s, z.serial_end),
       grown AS (SELECT runs.acc, runs.cls, runs.s, coalesce(nb.serial_end, runs.e) AS e FROM runs LEFT JOIN nb ON nb.acc = runs.acc AND nb.cls = runs.cls AND nb.s = runs.s),
       merged AS (SELECT g.acc, g.cls, min(g.s) AS s, max(g.e) AS e
                    FROM (SELECT q.*, q.s - coalesce(sum(q.e - q.s + 1) OVER (PARTITION BY q.acc, q.cls ORDER BY q.s ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS island
                            FROM grown q) g
                   GROUP BY g.acc, g.cls, g.island)
  SELECT coalesce(array_agg(m.acc ORDER BY m.acc, m.cls, m.s), '{}'), coalesce(array_agg(m.cls ORDER BY m.acc, m.cls, m.s), '{}'),
         coalesce(array_agg(m.s ORDER BY m.acc, m.cls, m.s), '{}'), coalesce(array_agg(m.e ORDER BY m.acc, m.cls, m.s), '{}')
    INTO d_acc, d_cls, d_s, d_e
    FROM merged m;
  WITH left_grown AS (UPDATE blocks z SET serial_end = x.e FROM unnest(d_acc, d_cls, d_s, d_e) AS x(acc, cls, s, e)
                       WHERE z.class_id = x.cls AND z.account_id = x.acc AND z.serial_end = x.s - 1 RETURNING x.acc, x.cls, x.s)
  INSERT INTO blocks (class_id, account_id, serial_start, serial_end)
    SELECT x.cls, x.acc, x.s, x.e FROM unnest(d_acc, d_cls, d_s, d_e) AS x(acc, cls, s, e)
     WHERE NOT EXISTS (SELECT 1 FROM left_grown g WHERE g.acc = x.acc AND g.cls = x.cls AND g.s = x.s);
`;

const WALK_START = "  -- Each source's blocks walked once, in serial order, across its transfers in step order.\n";
const WALK_END = "  INSERT INTO movements (tx_id, leg_no, part_no, class_id, from_account, to_account, serial_start, serial_end)\n";

/** Every source's first block, locked, beside what the source sends in all: one statement for the whole plan. */
const FIRST_BLOCKS = `  -- Each source's first block, locked in one statement: when it covers all the source sends (the
  -- common case), the walk needs no cursor; otherwise the source's blocks are walked as before.
  SELECT coalesce(array_agg(f.id ORDER BY n.acc, n.cls), '{}'), coalesce(array_agg(f.s ORDER BY n.acc, n.cls), '{}'),
         coalesce(array_agg(f.e ORDER BY n.acc, n.cls), '{}'), coalesce(array_agg(n.q ORDER BY n.acc, n.cls), '{}')
    INTO f_id, f_s, f_e, f_need
    FROM (SELECT y->'legs'->0->>'from' AS acc, (y->'legs'->0->>'cls')::int AS cls, sum((y->'legs'->0->>'qty')::int8)::int8 AS q
            FROM jsonb_array_elements(p_steps) y GROUP BY 1, 2) n
    LEFT JOIN LATERAL (SELECT k.id, k.serial_start AS s, k.serial_end AS e FROM blocks k
                        WHERE k.account_id = n.acc AND k.class_id = n.cls ORDER BY k.serial_start LIMIT 1 FOR UPDATE) f ON true;
`;

const SWITCH_OLD = `      IF g_acc IS NOT NULL THEN
        CLOSE c_blocks;
        IF cardinality(g_used) > 0 THEN DELETE FROM blocks WHERE id = ANY (g_used); END IF;
        IF g_cut IS NOT NULL THEN UPDATE blocks SET serial_start = g_cut WHERE id = g_last; END IF;
      END IF;
      g_acc := t.acc; g_cls := t.cls; g_used := '{}'; g_last := NULL; g_cut := NULL; have := false;
      OPEN c_blocks FOR SELECT k.id, k.serial_start AS s, k.serial_end AS e FROM blocks k
        WHERE k.account_id = t.acc AND k.class_id = t.cls ORDER BY k.serial_start FOR UPDATE;
`;
const SWITCH_NEW = `      IF g_acc IS NOT NULL THEN
        IF NOT g_fast THEN CLOSE c_blocks; END IF;
        IF g_cut IS NOT NULL THEN w_cut_id := w_cut_id || g_last; w_cut_s := w_cut_s || g_cut; END IF;
      END IF;
      g_acc := t.acc; g_cls := t.cls; g_last := NULL; g_cut := NULL; have := false;
      f_i := f_i + 1;
      g_fast := f_id[f_i] IS NOT NULL AND f_e[f_i] - f_s[f_i] + 1 >= f_need[f_i];
      IF g_fast THEN
        b_id := f_id[f_i]; b_s := f_s[f_i]; b_e := f_e[f_i];
        have := true;
        cur := b_s;
      ELSE
        OPEN c_blocks FOR SELECT k.id, k.serial_start AS s, k.serial_end AS e FROM blocks k
          WHERE k.account_id = t.acc AND k.class_id = t.cls ORDER BY k.serial_start FOR UPDATE;
      END IF;
`;
const TAIL_OLD = `  IF g_acc IS NOT NULL THEN
    CLOSE c_blocks;
    IF cardinality(g_used) > 0 THEN DELETE FROM blocks WHERE id = ANY (g_used); END IF;
    IF g_cut IS NOT NULL THEN UPDATE blocks SET serial_start = g_cut WHERE id = g_last; END IF;
  END IF;
`;
const TAIL_NEW = `  IF g_acc IS NOT NULL THEN
    IF NOT g_fast THEN CLOSE c_blocks; END IF;
    IF g_cut IS NOT NULL THEN w_cut_id := w_cut_id || g_last; w_cut_s := w_cut_s || g_cut; END IF;
  END IF;
  -- The used-up blocks of every source deleted, and the last block each source touched cut, at once.
  IF cardinality(g_used) > 0 THEN DELETE FROM blocks WHERE id = ANY (g_used); END IF;
  IF cardinality(w_cut_id) > 0 THEN
    UPDATE blocks k SET serial_start = x.s FROM unnest(w_cut_id, w_cut_s) AS x(id, s) WHERE k.id = x.id;
  END IF;
`;

/**
 * The block walk with each source's first block read by one statement for all sources, a cursor
 * only for a source whose first block is too small, and the used-up blocks deleted and the cut
 * blocks updated once for the whole plan instead of once per source. A source's blocks are only
 * ever written by a transaction that holds its account's lock (taken first, in id order), so
 * locking the first blocks of all sources in one statement cannot deadlock.
 */
function walkWithoutCursors(def: string): string {
  const start = def.indexOf(WALK_START);
  const end = def.indexOf(WALK_END);
  if (start < 0 || end < start) throw new Error("ledger-perf-005: the set path's block walk was not found");
  let walk = def.slice(start, end);
  walk = replaceOnce(walk, SWITCH_OLD, SWITCH_NEW);
  walk = replaceOnce(walk, TAIL_OLD, TAIL_NEW);
  walk = replaceOnce(walk, "        FETCH c_blocks INTO b;\n", "        FETCH c_blocks INTO b_id, b_s, b_e;\n");
  walk = walk.replace(/\bb\.(id|s|e)\b/g, "b_$1");
  if (/\bb\./.test(walk)) throw new Error("ledger-perf-005: the block walk still reads the record b");
  const declared = replaceOnce(
    def.slice(0, start),
    "  d_i int;\nBEGIN\n",
    "  d_i int;\n  f_id int8[];\n  f_s int8[];\n  f_e int8[];\n  f_need int8[];\n  f_i int := 0;\n  g_fast boolean := false;\n  b_id int8;\n  b_s int8;\n  b_e int8;\n  w_cut_id int8[] := '{}';\n  w_cut_s int8[] := '{}';\nBEGIN\n",
  );
  return declared + FIRST_BLOCKS + walk + def.slice(end);
}

/** The set path with the destinations placed as sets and every chain head read in the hashing statement. */
function fewerStatements(def: string): string {
  const start = def.indexOf(PLACE_OLD_START);
  const end = def.indexOf(PLACE_OLD_END);
  if (start < 0 || end < start || def.indexOf(PLACE_OLD_START, start + 1) >= 0) throw new Error("ledger-perf-005: the set path's placing of destinations was not found once");
  let out = def.slice(0, start) + PLACE_SETS + def.slice(end + PLACE_OLD_END.length);
  out = replaceOnce(out, "  FOR r IN SELECT ch.chain, y.n::int AS n, y.st->>'id' AS id,\n", "  FOR r IN WITH l AS (SELECT ch.chain, y.n::int AS n, y.st->>'id' AS id,\n");
  out = replaceOnce(
    out,
    "           ORDER BY 1, 2 LOOP\n",
    `)
           SELECT l.chain, l.n, l.id, l.digest, h.seq AS head_seq, h.hash AS head_hash
             FROM l LEFT JOIN (SELECT c.chain, hd.seq, hd.hash FROM (SELECT DISTINCT l.chain FROM l) c,
                                 LATERAL (SELECT x.seq, x.hash FROM chain_links x WHERE x.chain = c.chain ORDER BY x.seq DESC LIMIT 1) hd) h ON h.chain = l.chain
            ORDER BY 1, 2 LOOP
`,
  );
  out = replaceOnce(
    out,
    "      SELECT x.seq, x.hash INTO h_seq, h_hash FROM chain_links x WHERE x.chain = r.chain ORDER BY x.seq DESC LIMIT 1;\n      IF NOT FOUND THEN h_seq := 0; h_hash := v_zero; END IF;\n",
    "      h_seq := coalesce(r.head_seq, 0); h_hash := coalesce(r.head_hash, v_zero);\n",
  );
  return walkWithoutCursors(out);
}

const COMPLETE_BATCH_005 = fewerStatements(replaceOnce(COMPLETE_BATCH, "CREATE FUNCTION ledger_complete_batch", "CREATE OR REPLACE FUNCTION ledger_complete_batch"));
const COMPLETE_GROUP_005 = fewerStatements(replaceOnce(COMPLETE_GROUP, "CREATE FUNCTION ledger_complete_group", "CREATE OR REPLACE FUNCTION ledger_complete_group"));

/** A group's transactions in one statement: headers (no batch), legs, states, and completed events numbered in step order. */
const CREATE_GROUP = `CREATE OR REPLACE FUNCTION ledger_create_group(p jsonb) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  WITH y AS (SELECT y.st, y.n FROM jsonb_array_elements(p->'steps') WITH ORDINALITY AS y(st, n)),
       t AS (INSERT INTO transactions (id, kind, request, initiator, reverses, created_at, idem_scope, idem_key, batch_id)
               SELECT y.st->>'id', y.st->>'kind', (y.st->>'request')::jsonb, y.st->>'initiator', NULL, (y.st->>'at')::timestamptz, y.st->>'scope', y.st->>'key', NULL FROM y),
       l AS (INSERT INTO transaction_legs (tx_id, leg_no, class_id, from_account, to_account, quantity)
               SELECT y.st->>'id', 1, (y.st->'legs'->0->>'cls')::int, y.st->'legs'->0->>'from', y.st->'legs'->0->>'to', (y.st->'legs'->0->>'qty')::int8 FROM y),
       s AS (INSERT INTO tx_state (tx_id, status, seq, delay_until, approved_by, last_actor, reversed_by)
               SELECT y.st->>'id', 'completed', 1, NULL, NULL, y.st->>'actor', NULL FROM y)
  INSERT INTO transaction_events (tx_id, seq, status, at, actor, detail, lseq)
    SELECT z.id, 1, 'completed', z.at, z.actor, z.detail, nextval('ledger_seq')
    FROM (SELECT y.st->>'id' AS id, (y.st->>'at')::timestamptz AS at, y.st->>'actor' AS actor, coalesce(y.st->'detail', '{}'::jsonb) AS detail, y.n
          FROM y ORDER BY y.n) z;
END $$`;

/** As ledger-perf-003's, in PL/pgSQL so that its query's plan is kept across transactions. */
const GROUP_ELIGIBLE = `CREATE OR REPLACE FUNCTION ledger_group_eligible(p jsonb) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (p->'batch' IS NULL OR jsonb_typeof(p->'batch') = 'null')
     AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(p->'steps') y
                     WHERE y->>'op' <> 'create' OR y->>'status' <> 'completed' OR y->>'reverses' IS NOT NULL OR y->>'at' IS NULL
                        OR jsonb_array_length(y->'legs') <> 1 OR y->'legs'->0->>'from' IS NULL OR y->'legs'->0 ? 'ranges')
     AND NOT EXISTS (SELECT 1 FROM (SELECT DISTINCT y->'legs'->0->>'from' AS acc FROM jsonb_array_elements(p->'steps') y) f
                     JOIN (SELECT DISTINCT y->'legs'->0->>'to' AS acc FROM jsonb_array_elements(p->'steps') y) d USING (acc));
END $$`;

/**
 * ledger-perf-004's three reference checks asked in one statement. Each answer is an array (NULL
 * when nothing is missing) so that a missing name that is itself null still counts as found.
 */
const CHECK_REFS = `CREATE OR REPLACE FUNCTION ledger_check_refs(p jsonb) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_acc text[];
  v_code text[];
  v_kind text[];
  v_accounts jsonb := coalesce(p->'accounts', '{}'::jsonb);
BEGIN
  WITH y AS (SELECT y.st, y.n FROM jsonb_array_elements(p->'steps') WITH ORDINALITY AS y(st, n))
  SELECT (SELECT ARRAY[a.acc]
            FROM y, jsonb_array_elements(y.st->'legs') WITH ORDINALITY AS l(leg, k),
                 LATERAL (VALUES (1, l.leg->>'from'), (2, l.leg->>'to')) AS a(side, acc)
           WHERE (y.st->>'op' = 'create' OR y.st->>'to' = 'completed') AND a.acc IS NOT NULL AND NOT (v_accounts ? a.acc)
           ORDER BY y.n, l.k, a.side LIMIT 1),
         (SELECT ARRAY[d.code]
            FROM (SELECT (l->>'cls')::int AS cls, min(l->>'code') AS code, min(y.n) AS n
                    FROM y, jsonb_array_elements(y.st->'legs') l
                   WHERE y.st->>'op' = 'create' OR y.st->>'to' = 'completed' GROUP BY 1) d
           WHERE NOT EXISTS (SELECT 1 FROM unit_classes c WHERE c.id = d.cls) ORDER BY d.n LIMIT 1),
         (SELECT ARRAY[d.kind]
            FROM (SELECT y.st->>'kind' AS kind, min(y.n) AS n FROM y WHERE y.st->>'op' = 'create' GROUP BY 1) d
           WHERE NOT EXISTS (SELECT 1 FROM transaction_kinds k WHERE k.code = d.kind) ORDER BY d.n LIMIT 1)
    INTO v_acc, v_code, v_kind;
  IF v_acc IS NOT NULL THEN
    PERFORM ledger_raise('EL001', 'account missing', jsonb_build_object('accountId', v_acc[1]));
  END IF;
  IF v_code IS NOT NULL THEN
    PERFORM ledger_raise('EL001', 'class missing', jsonb_build_object('classCode', v_code[1]));
  END IF;
  IF v_kind IS NOT NULL THEN
    RAISE EXCEPTION 'transaction kind % is not in transaction_kinds (the catalogue and the store disagree)', v_kind[1];
  END IF;
END $$`;

const TXS_START = "  n := 0;\n  FOR r IN SELECT t.tx_id, t.seq, t.status, t.reversed_by FROM tx_state t";
const TXS_END = "    PERFORM ledger_raise('EL001', 'transaction missing', '{}'::jsonb);\n  END IF;\n";

/** Wraps the held transactions' lock and confirmation in a test that the plan names any. */
function txsOnlyWhenNamed(def: string): string {
  const start = def.indexOf(TXS_START);
  const end = def.indexOf(TXS_END);
  if (start < 0 || end < start) throw new Error("ledger-perf-005: ledger_apply's confirmation of held transactions was not found");
  const body = def.slice(start, end + TXS_END.length).replace(/^(?=.)/gm, "  ");
  return `${def.slice(0, start)}  IF p->'txs' IS DISTINCT FROM '{}'::jsonb THEN\n${body}  END IF;\n${def.slice(end + TXS_END.length)}`;
}

const HOLDERS_LOCK = "  PERFORM 1 FROM holders h WHERE h.id IN (SELECT jsonb_array_elements_text(p->'holders')) ORDER BY h.id FOR NO KEY UPDATE;\n";
const CLASSES_LOCK = "  PERFORM 1 FROM unit_classes c WHERE c.id IN (SELECT (jsonb_array_elements_text(p->'classes'))::int) ORDER BY c.id FOR NO KEY UPDATE;\n";

/** ledger_apply of ledger-perf-004 without the statements that find nothing to lock or confirm. */
const APPLY_005 = (() => {
  let s = APPLY_004;
  s = replaceOnce(s, HOLDERS_LOCK, `  IF p->'holders' IS DISTINCT FROM '[]'::jsonb THEN\n  ${HOLDERS_LOCK}  END IF;\n`);
  s = replaceOnce(s, CLASSES_LOCK, `  IF p->'classes' IS DISTINCT FROM '[]'::jsonb THEN\n  ${CLASSES_LOCK}  END IF;\n`);
  s = replaceOnce(s, "  v_accounts jsonb := coalesce(p->'accounts', '{}'::jsonb);\nBEGIN\n", "  v_accounts jsonb := coalesce(p->'accounts', '{}'::jsonb);\n  v_named bigint;\nBEGIN\n");
  s = replaceOnce(
    s,
    "  FOR r IN SELECT a.id, a.type, a.status FROM accounts a WHERE",
    "  FOR r IN SELECT a.id, a.type, a.status, (SELECT count(*) FROM jsonb_object_keys(p->'accounts')) AS named FROM accounts a WHERE",
  );
  s = replaceOnce(s, "    x := v_accounts->r.id;\n", "    x := v_accounts->r.id;\n    v_named := r.named;\n");
  s = replaceOnce(
    s,
    "  IF n <> (SELECT count(*) FROM jsonb_object_keys(p->'accounts')) THEN\n",
    "  IF v_named IS NULL THEN\n    v_named := (SELECT count(*) FROM jsonb_object_keys(p->'accounts'));\n  END IF;\n  IF n <> v_named THEN\n",
  );
  return txsOnlyWhenNamed(s);
})();

export const ledgerPerf005Migrations: readonly Migration[] = [
  {
    id: "ledger-perf-005",
    statements: [COMPLETE_BATCH_005, COMPLETE_GROUP_005, CREATE_GROUP, GROUP_ELIGIBLE, CHECK_REFS, APPLY_005],
  },
];
