// Recording a checkpoint. Under a lock that only checkpoints take (writers of the ledger never
// wait for it), in one snapshot: append to the leaf log, in a fixed order, every record not yet
// in it (account types, then ledger commands, then account events, each by key in byte order)
// and the head of every chain whose head is not in it yet (by chain); then record the root of
// the RFC 6962 tree over the whole log, its size (`count`), and the frontier from which the next
// checkpoint continues, so that a checkpoint hashes only what is new since the last one.
//
// The new leaves are read through a cursor and written in pages: memory stays bounded however
// many there are (the first checkpoint of a big ledger has one per chain and per record).
import type { Clock } from "../../platform/clock.ts";
import type { Db, Sql } from "../../store/db.ts";
import { CURRENT_LEAF, type LeafRow, leafHashOf } from "./leaves.ts";
import { Frontier } from "./merkle.ts";

export interface Checkpoint {
  id: number;
  /** When it was recorded (UTC ISO-8601). */
  at: string;
  /** The RFC 6962 root (hex) over the first `count` leaves of the log. */
  root: string;
  /** Leaves covered: the size of the tree. */
  count: number;
}

export interface RecordOptions {
  clock: Clock;
  /** Who records it: a user id, or the server's scheduler. */
  by: string;
  /** Record only when the last checkpoint is at least this old (ms): the server's schedule, kept by every process sharing the store. */
  ifOlderThanMs?: number;
  /** Leaves read and written per page (default 1000). */
  pageSize?: number;
}

/** Every leaf not in the log yet, in the log's order. */
const NEW_LEAVES = `
WITH RECURSIVE chains(chain) AS (
  SELECT min(chain) FROM chain_links
  UNION ALL
  SELECT (SELECT min(x.chain) FROM chain_links x WHERE x.chain > c.chain) FROM chains c WHERE c.chain IS NOT NULL
),
heads AS (
  SELECT c.chain, h.seq FROM chains c
  CROSS JOIN LATERAL (SELECT x.seq FROM chain_links x WHERE x.chain = c.chain ORDER BY x.seq DESC LIMIT 1) h
  WHERE c.chain IS NOT NULL
),
l AS (
  SELECT 1 AS rank, 'account-type'::text AS kind, code AS key, NULL::int8 AS seq FROM account_types
  UNION ALL SELECT 2, 'command', id, NULL FROM ledger_commands
  UNION ALL SELECT 3, 'account-event', command_id, NULL FROM account_events
  UNION ALL SELECT 4, 'chain-head', chain, seq FROM heads
)
SELECT l.kind, l.key, l.seq, ${CURRENT_LEAF.columns}
FROM l ${CURRENT_LEAF.joins}
WHERE NOT EXISTS (SELECT 1 FROM checkpoint_leaves g WHERE g.kind = l.kind AND g.key = l.key AND coalesce(g.seq, 0) = coalesce(l.seq, 0))
ORDER BY l.rank, l.key COLLATE "C"`;

/**
 * Records a checkpoint and returns it; with `ifOlderThanMs`, returns null when the last one is
 * more recent. Given a database it runs in its own REPEATABLE READ transaction (the lock is taken
 * first, so the snapshot sees every checkpoint committed before); given a transaction, in that.
 */
export async function recordCheckpoint(sql: Sql | Db, opts: RecordOptions): Promise<Checkpoint | null> {
  if ("transaction" in sql && typeof sql.transaction === "function") {
    return sql.transaction((tx) => recordIn(tx, opts), { isolation: "repeatable read" });
  }
  return recordIn(sql, opts);
}

async function recordIn(sql: Sql, opts: RecordOptions): Promise<Checkpoint | null> {
  await sql.query("LOCK TABLE checkpoints IN SHARE ROW EXCLUSIVE MODE");
  const now = opts.clock.now();
  const prev = (await sql.query<{ id: bigint; at: string; count: bigint; frontier: unknown }>(
    "SELECT id, at, count, frontier FROM checkpoints ORDER BY id DESC LIMIT 1",
  )).rows[0];
  if (prev && opts.ifOlderThanMs !== undefined && now.getTime() - new Date(prev.at).getTime() < opts.ifOlderThanMs) return null;
  const frontier = prev ? Frontier.from(prev.frontier) : Frontier.empty();
  if (prev && BigInt(frontier.size) !== prev.count) {
    throw new Error(`checkpoint ${prev.id}'s frontier covers ${frontier.size} leaves but it says ${prev.count}; run ets verify`);
  }
  await appendNewLeaves(sql, frontier, opts.pageSize ?? 1000);
  const cp: Checkpoint = { id: prev ? Number(prev.id) + 1 : 1, at: now.toISOString(), root: frontier.root(), count: frontier.size };
  await sql.query("INSERT INTO checkpoints (id, at, root, count, frontier, recorded_by) VALUES ($1, $2, $3, $4, $5, $6)", [
    cp.id, cp.at, cp.root, cp.count, JSON.stringify(frontier.toJSON()), opts.by,
  ]);
  return cp;
}

async function appendNewLeaves(sql: Sql, frontier: Frontier, pageSize: number): Promise<void> {
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`checkpoint: pageSize must be a whole number of at least 1, not ${pageSize}`);
  await sql.query(`DECLARE checkpoint_new_leaves NO SCROLL CURSOR FOR ${NEW_LEAVES}`);
  for (;;) {
    const rows = (await sql.query<LeafRow>(`FETCH FORWARD ${pageSize} FROM checkpoint_new_leaves`)).rows;
    if (rows.length === 0) break;
    const cols: [string[], string[], string[], Array<string | null>, string[]] = [[], [], [], [], []];
    for (const r of rows) {
      const h = leafHashOf(r);
      cols[0].push(String(frontier.size));
      cols[1].push(r.kind);
      cols[2].push(r.key);
      cols[3].push(r.seq === null ? null : r.seq.toString());
      cols[4].push(h);
      frontier.push(h);
    }
    await sql.query(
      `INSERT INTO checkpoint_leaves (position, kind, key, seq, leaf_hash)
       SELECT * FROM unnest($1::int8[], $2::text[], $3::text[], $4::int8[], $5::text[])`,
      cols,
    );
    if (rows.length < pageSize) break;
  }
  // (On an error the transaction is rolled back, which closes the cursor with it.)
  await sql.query("CLOSE checkpoint_new_leaves");
}
