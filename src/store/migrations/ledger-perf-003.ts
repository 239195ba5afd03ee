// Ledger performance, migration ledger-perf-003: group commit of single proposals.
//
// The service (src/registry/ledger/group.ts) applies single proposals that arrive while another
// is being written TOGETHER, in one ledger_write call and one database transaction. Each stays
// its own transaction (own id, request, rows, event, movements, chain link and time); nothing
// ties a group's members together afterwards: no batch row, no batch id. Such a plan is marked
// `group: true` and carries each step's own time (`at`, when its proposal arrived).
//
// ledger_apply is redefined (as in ledger-perf-001, same locks and expectations) with one more
// branch: a group is written by the set path of ledger-batch-001 (rows as sets, each source's
// blocks walked once, destinations in runs, balances once per account and class, chain links in
// step order per chain), with each step's own time in its rows and chain payload. A group must
// be eligible for the set path exactly as a batch is (one leg each, completing at once, no
// reversal, no exact ranges, no source that is also a destination in it); the service only sends
// such groups, and one that is not is refused with an error (never written by the loop, whose
// rows would carry one time for all). Any failure of a group's write makes the service apply each
// member alone through the ordinary path, so every caller gets the answer it would have had alone.
import type { Migration } from "../migration.ts";
import { COMPLETE_BATCH } from "./ledger-batch.ts";
import { stepsWithoutCheckOnly } from "./ledger-perf.ts";
import { APPLY_HEAD, APPLY_TAIL } from "./ledger-v2.ts";

function replaceOnce(s: string, from: string, to: string): string {
  const parts = s.split(from);
  if (parts.length !== 2) throw new Error(`ledger-perf-003: expected one ${JSON.stringify(from.slice(0, 60))} in ledger_complete_batch, found ${parts.length - 1}`);
  return parts.join(to);
}

/** ledger_complete_batch with each step's own completion time in its chain payload. */
export const COMPLETE_GROUP = replaceOnce(
  replaceOnce(COMPLETE_BATCH, "CREATE FUNCTION ledger_complete_batch(p_steps jsonb, p_now text)", "CREATE FUNCTION ledger_complete_group(p_steps jsonb)"),
  "to_json(p_now)::text",
  "to_json(y.st->>'at')::text",
);

/** Whether a plan is a group the set path can take: as ledger_batch_eligible, for a plan without a batch and with a time per step. */
const GROUP_ELIGIBLE = `CREATE FUNCTION ledger_group_eligible(p jsonb) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT (p->'batch' IS NULL OR jsonb_typeof(p->'batch') = 'null')
     AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(p->'steps') y
                     WHERE y->>'op' <> 'create' OR y->>'status' <> 'completed' OR y->>'reverses' IS NOT NULL OR y->>'at' IS NULL
                        OR jsonb_array_length(y->'legs') <> 1 OR y->'legs'->0->>'from' IS NULL OR y->'legs'->0 ? 'ranges')
     AND NOT EXISTS (SELECT 1 FROM (SELECT DISTINCT y->'legs'->0->>'from' AS acc FROM jsonb_array_elements(p->'steps') y) f
                     JOIN (SELECT DISTINCT y->'legs'->0->>'to' AS acc FROM jsonb_array_elements(p->'steps') y) d USING (acc))
$$`;

/** A group's transactions as sets: headers (no batch), legs, completed events (in step order), states; each at its own time. */
const CREATE_GROUP = `CREATE FUNCTION ledger_create_group(p jsonb) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO transactions (id, kind, request, initiator, reverses, created_at, idem_scope, idem_key, batch_id)
    SELECT y->>'id', y->>'kind', (y->>'request')::jsonb, y->>'initiator', NULL, (y->>'at')::timestamptz, y->>'scope', y->>'key', NULL
    FROM jsonb_array_elements(p->'steps') y;
  INSERT INTO transaction_legs (tx_id, leg_no, class_id, from_account, to_account, quantity)
    SELECT y->>'id', 1, (y->'legs'->0->>'cls')::int, y->'legs'->0->>'from', y->'legs'->0->>'to', (y->'legs'->0->>'qty')::int8
    FROM jsonb_array_elements(p->'steps') y;
  INSERT INTO transaction_events (tx_id, seq, status, at, actor, detail, lseq)
    SELECT z.id, 1, 'completed', z.at, z.actor, z.detail, nextval('ledger_seq')
    FROM (SELECT y.st->>'id' AS id, (y.st->>'at')::timestamptz AS at, y.st->>'actor' AS actor, coalesce(y.st->'detail', '{}'::jsonb) AS detail, y.n
          FROM jsonb_array_elements(p->'steps') WITH ORDINALITY AS y(st, n) ORDER BY y.n) z;
  INSERT INTO tx_state (tx_id, status, seq, delay_until, approved_by, last_actor, reversed_by)
    SELECT y->>'id', 'completed', 1, NULL, NULL, y->>'actor', NULL FROM jsonb_array_elements(p->'steps') y;
END $$`;

/** ledger_apply as in ledger-perf-001, with the set path for a group of single proposals (redefined again by ledger-perf-004). */
export const APPLY = `CREATE OR REPLACE FUNCTION ledger_apply(p jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
${APPLY_HEAD}  IF (CASE WHEN jsonb_typeof(p->'batch') = 'object' THEN ledger_batch_eligible(p) ELSE false END) THEN
    PERFORM ledger_create_batch(p, v_at);
    v_out := ledger_complete_batch(p->'steps', v_now);
  ELSIF jsonb_typeof(p->'group') = 'boolean' AND (p->>'group')::boolean THEN
    IF NOT ledger_group_eligible(p) THEN
      RAISE EXCEPTION 'a group of proposals must be eligible for the set path (one leg each, completing at once, no source also a destination)';
    END IF;
    PERFORM ledger_create_group(p);
    v_out := ledger_complete_group(p->'steps');
  ELSE
${stepsWithoutCheckOnly()}  END IF;
${APPLY_TAIL}`;

export const ledgerPerf003Migrations: readonly Migration[] = [
  {
    id: "ledger-perf-003",
    statements: [COMPLETE_GROUP, GROUP_ELIGIBLE, CREATE_GROUP, APPLY],
  },
];
