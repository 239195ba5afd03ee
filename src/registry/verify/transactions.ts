// One pass over the transactions in id order, in keyset pages. For each page (a range of ids) it
// reads the transactions with their last event, state row and reversal, then streams the range's
// movements, legs and chain links in primary-key order, and checks: every movement belongs to a
// completed transaction; each completed leg moved exactly its quantity; each transaction's state
// is its last event; every chain link naming a transaction has the hash its records give (the
// payload digest is built while the movements stream past); every completed transaction that
// moved units is in a chain. Memory: one page of transactions and one page of rows at a time.
import type { Sql } from "../../store/db.ts";
import { linkHash } from "../ledger/hash.ts";
import { PayloadHasher } from "./digest.ts";
import { keyRange, keysetPages } from "./pages.ts";
import { type Add, limited, type Pass, PER_CHECK } from "./report.ts";

interface TxRow {
  id: string;
  kind: string;
  request: unknown;
  ev_seq: number | null;
  ev_status: string | null;
  ev_at: string | null;
  st_status: string | null;
  st_seq: number | null;
  reversed_by: string | null;
  reversal: string | null;
  reversal_status: string | null;
}

interface Tx {
  row: TxRow;
  hasher: PayloadHasher | undefined;
  digest: string | undefined;
  moved: Map<number, bigint>;
  moves: boolean;
  flagged: boolean;
  linked: boolean;
}


type Adds = Record<"movementCompleted" | "legMoved" | "state" | "chainHash" | "chainCompleted", Add>;

export async function checkTransactions(p: Pass): Promise<{ transactions: number; movements: number }> {
  const adds: Adds = {
    movementCompleted: limited(p.add),
    legMoved: limited(p.add),
    state: limited(p.add),
    chainHash: limited(p.add),
    chainCompleted: limited(p.add),
  };
  let lo: string | null = null;
  let transactions = 0;
  let movements = 0;
  for (;;) {
    const rows = await txPage(p.sql, lo, p.pageSize);
    // The last page's range is open above, so that rows naming an id past every transaction are seen too.
    const hi = rows.length < p.pageSize ? null : (rows[rows.length - 1] as TxRow).id;
    transactions += rows.length;
    movements += await checkRange({ ...p, adds }, lo, hi, rows);
    if (hi === null) return { transactions, movements };
    lo = hi;
  }
}

async function txPage(sql: Sql, after: string | null, size: number): Promise<TxRow[]> {
  const r = await sql.query<{ id: string; kind: string; request: unknown }>(
    `SELECT id, kind, request FROM transactions ${after === null ? "" : "WHERE id > $2"} ORDER BY id LIMIT $1`,
    after === null ? [size] : [size, after],
  );
  return r.rows.map((t) => ({ ...t, ev_seq: null, ev_status: null, ev_at: null, st_status: null, st_seq: null, reversed_by: null, reversal: null, reversal_status: null }));
}

/**
 * Fills in each transaction of the range its last event, its state row and the transaction that
 * reverses it (with that one's last status): three range scans in key order rather than three
 * lookups per transaction.
 */
async function describeRange(p: Pass, lo: string | null, hi: string | null, byId: Map<string, TxRow>): Promise<void> {
  const range = keyRange("tx_id", lo, hi, 1);
  const k = range.params.length;
  // Descending, so that the primary key (tx_id, seq) is read backwards and the last event of each
  // transaction comes first, with no sort.
  for await (const e of keysetPages<{ tx_id: string; seq: number; status: string; at: string }>(p.sql, p.pageSize, (after) => ({
    text: `SELECT DISTINCT ON (tx_id) tx_id, seq, status, at FROM transaction_events
           WHERE ${range.clause} ${after ? `AND tx_id < $${k + 1}` : ""} ORDER BY tx_id DESC, seq DESC`,
    params: after ? [...range.params, after.tx_id] : range.params,
  }))) {
    const t = byId.get(e.tx_id);
    if (t) {
      t.ev_seq = e.seq;
      t.ev_status = e.status;
      t.ev_at = e.at;
    }
  }
  for await (const x of keysetPages<{ tx_id: string; seq: number; status: string; reversed_by: string | null }>(p.sql, p.pageSize, (after) => ({
    text: `SELECT tx_id, seq, status, reversed_by FROM tx_state WHERE ${range.clause} ${after ? `AND tx_id > $${k + 1}` : ""} ORDER BY tx_id`,
    params: after ? [...range.params, after.tx_id] : range.params,
  }))) {
    const t = byId.get(x.tx_id);
    if (t) {
      t.st_status = x.status;
      t.st_seq = x.seq;
      t.reversed_by = x.reversed_by;
    }
  }
  const rev = keyRange("y.reverses", lo, hi, 1);
  for await (const y of keysetPages<{ reverses: string; id: string; status: string | null }>(p.sql, p.pageSize, (after) => ({
    text: `SELECT y.reverses, y.id, (SELECT z.status FROM transaction_events z WHERE z.tx_id = y.id ORDER BY z.seq DESC LIMIT 1) AS status
           FROM transactions y WHERE y.reverses IS NOT NULL AND ${rev.clause} ${after ? `AND y.reverses > $${k + 1}` : ""} ORDER BY y.reverses`,
    params: after ? [...rev.params, after.reverses] : rev.params,
  }))) {
    const t = byId.get(y.reverses);
    if (t) {
      t.reversal = y.id;
      t.reversal_status = y.status;
    }
  }
}

type RangePass = Pass & { adds: Adds };

async function checkRange(p: RangePass, lo: string | null, hi: string | null, rows: TxRow[]): Promise<number> {
  await describeRange(p, lo, hi, new Map(rows.map((r) => [r.id, r])));
  const txs = new Map<string, Tx>();
  for (const row of rows) {
    const completed = row.ev_status === "completed" && row.ev_at !== null;
    txs.set(row.id, {
      row,
      hasher: completed ? new PayloadHasher({ id: row.id, kind: row.kind, completedAt: row.ev_at as string }) : undefined,
      digest: undefined,
      moved: new Map(),
      moves: false,
      flagged: false,
      linked: false,
    });
  }
  const movements = await streamMovements(p, lo, hi, txs);
  for (const t of txs.values()) if (t.hasher) t.digest = t.hasher.finish(t.row.request);
  await checkLegs(p, lo, hi, txs);
  await checkLinks(p, lo, hi, txs);
  for (const t of txs.values()) {
    if (t.digest !== undefined && t.moves && !t.linked) {
      p.adds.chainCompleted({ invariant: "chain-completed", message: `completed transaction ${t.row.id} is in no hash chain`, facts: { transactionId: t.row.id } });
    }
    checkState(p.adds.state, t.row);
  }
  return movements;
}

interface MovementRow {
  tx_id: string;
  leg_no: number;
  part_no: number;
  code: string | null;
  from_account: string | null;
  to_account: string;
  serial_start: bigint;
  serial_end: bigint;
}

/** Feeds each movement of the range to its transaction: the moved quantity per leg and the payload digest. */
async function streamMovements(p: RangePass, lo: string | null, hi: string | null, txs: Map<string, Tx>): Promise<number> {
  const range = keyRange("m.tx_id", lo, hi, 1);
  let n = 0;
  let orphan: string | undefined;
  for await (const m of keysetPages<MovementRow>(p.sql, p.pageSize, (after) => {
    const k = range.params.length;
    return {
      text: `SELECT m.tx_id, m.leg_no, m.part_no, c.code, m.from_account, m.to_account, m.serial_start, m.serial_end
             FROM movements m LEFT JOIN unit_classes c ON c.id = m.class_id
             WHERE ${range.clause} ${after ? `AND (m.tx_id, m.leg_no, m.part_no) > ($${k + 1}, $${k + 2}, $${k + 3})` : ""}
             ORDER BY m.tx_id, m.leg_no, m.part_no`,
      params: after ? [...range.params, after.tx_id, after.leg_no, after.part_no] : range.params,
    };
  })) {
    n++;
    const t = txs.get(m.tx_id);
    if (!t || !t.hasher) {
      if (t && !t.flagged) {
        t.flagged = true;
        p.adds.movementCompleted({ invariant: "movement-completed", message: `transaction ${m.tx_id} moved units but is ${t.row.ev_status ?? "without status"}`, facts: { transactionId: m.tx_id, status: t.row.ev_status } });
      } else if (!t && orphan !== m.tx_id) {
        orphan = m.tx_id;
        p.adds.movementCompleted({ invariant: "movement-completed", message: `transaction ${m.tx_id} moved units but is without status`, facts: { transactionId: m.tx_id, status: null } });
      }
      continue;
    }
    t.moves = true;
    t.moved.set(m.leg_no, (t.moved.get(m.leg_no) ?? 0n) + (m.serial_end - m.serial_start + 1n));
    t.hasher.movement([m.leg_no, m.part_no, m.code ?? "", m.from_account, m.to_account, m.serial_start.toString(), m.serial_end.toString()]);
  }
  return n;
}

/** Each leg of a completed transaction moved exactly its quantity. */
async function checkLegs(p: RangePass, lo: string | null, hi: string | null, txs: Map<string, Tx>): Promise<void> {
  const range = keyRange("tx_id", lo, hi, 1);
  for await (const l of keysetPages<{ tx_id: string; leg_no: number; quantity: bigint }>(p.sql, p.pageSize, (after) => {
    const k = range.params.length;
    return {
      text: `SELECT tx_id, leg_no, quantity FROM transaction_legs
             WHERE ${range.clause} ${after ? `AND (tx_id, leg_no) > ($${k + 1}, $${k + 2})` : ""} ORDER BY tx_id, leg_no`,
      params: after ? [...range.params, after.tx_id, after.leg_no] : range.params,
    };
  })) {
    const t = txs.get(l.tx_id);
    if (!t || t.digest === undefined) continue;
    const moved = t.moved.get(l.leg_no) ?? 0n;
    if (moved !== l.quantity) {
      p.adds.legMoved({
        invariant: "leg-moved-exactly",
        message: `transaction ${l.tx_id} leg ${l.leg_no}: quantity ${l.quantity} but ${moved} moved`,
        facts: { transactionId: l.tx_id, leg: l.leg_no, quantity: l.quantity.toString(), moved: moved.toString() },
      });
    }
  }
}

/** Every link naming a transaction of the range: the transaction is completed and its records give the link's hash. */
async function checkLinks(p: RangePass, lo: string | null, hi: string | null, txs: Map<string, Tx>): Promise<void> {
  const range = keyRange("tx_id", lo, hi, 1);
  for await (const l of keysetPages<{ chain: string; seq: bigint; tx_id: string; prev_hash: string; hash: string }>(p.sql, p.pageSize, (after) => {
    const k = range.params.length;
    return {
      text: `SELECT chain, seq, tx_id, prev_hash, hash FROM chain_links
             WHERE ${range.clause} ${after ? `AND (tx_id, chain, seq) > ($${k + 1}, $${k + 2}, $${k + 3})` : ""} ORDER BY tx_id, chain, seq`,
      params: after ? [...range.params, after.tx_id, after.chain, after.seq] : range.params,
    };
  })) {
    const facts = { chain: l.chain, seq: l.seq.toString(), transactionId: l.tx_id };
    const t = txs.get(l.tx_id);
    if (!t || t.digest === undefined) {
      p.adds.chainCompleted({ invariant: "chain-completed", message: `chain ${l.chain} link ${l.seq} names transaction ${l.tx_id}, which is not completed`, facts });
      continue;
    }
    t.linked = true;
    if (linkHash(l.prev_hash, t.digest) !== l.hash) {
      p.adds.chainHash({ invariant: "chain-hash", message: `chain ${l.chain} link ${l.seq}: transaction ${l.tx_id} does not match its recorded hash (altered records)`, facts });
    }
  }
}

/** Each transaction's current state (tx_state) is its last event, and its reversal is the completed transaction that names it. */
function checkState(add: Add, x: TxRow): void {
  const reversedBy = x.reversal_status === "completed" ? x.reversal : null;
  if (x.st_status === x.ev_status && x.st_seq === x.ev_seq && x.reversed_by === reversedBy) return;
  add({
    invariant: "state-matches-events",
    message: `transaction ${x.id}: state ${x.st_status ?? "missing"} (${x.st_seq ?? "-"}) but last event ${x.ev_status ?? "none"} (${x.ev_seq ?? "-"}); reversed by ${x.reversed_by ?? "none"}`,
    facts: { transactionId: x.id, state: x.st_status, event: x.ev_status, reversedBy: x.reversed_by, reversal: x.reversal },
  });
}

/** Earmarks equal the units of the transactions awaiting approval or delayed, per source account and class, rebuilt from their legs and events. */
export async function checkEarmarks(sql: Sql, add: Add): Promise<void> {
  const r = await sql.query<{ account_id: string; code: string; recorded: bigint | null; held: bigint | null }>(
    `WITH once AS (SELECT DISTINCT tx_id FROM transaction_events WHERE status IN ('awaiting_approval', 'delayed')),
          last AS (SELECT DISTINCT ON (e.tx_id) e.tx_id, e.status FROM transaction_events e JOIN once o ON o.tx_id = e.tx_id ORDER BY e.tx_id, e.seq DESC),
          due AS (SELECT l.from_account AS account_id, l.class_id, sum(l.quantity)::int8 AS q
                  FROM transaction_legs l JOIN last e ON e.tx_id = l.tx_id
                  WHERE e.status IN ('awaiting_approval', 'delayed') AND l.from_account IS NOT NULL GROUP BY 1, 2),
          rec AS (SELECT account_id, class_id, earmarked AS q FROM balances WHERE earmarked <> 0)
     SELECT coalesce(rec.account_id, due.account_id) AS account_id, c.code, rec.q AS recorded, due.q AS held
     FROM rec FULL OUTER JOIN due ON due.account_id = rec.account_id AND due.class_id = rec.class_id
     JOIN unit_classes c ON c.id = coalesce(rec.class_id, due.class_id)
     WHERE coalesce(rec.q, 0) <> coalesce(due.q, 0) LIMIT ${PER_CHECK}`,
  );
  for (const x of r.rows) {
    add({
      invariant: "earmarks-match-held",
      message: `account ${x.account_id}, class ${x.code}: ${x.recorded ?? 0} earmarked but held transactions need ${x.held ?? 0}`,
      facts: { accountId: x.account_id, classCode: x.code, earmarked: (x.recorded ?? 0n).toString(), held: (x.held ?? 0n).toString() },
    });
  }
}
