// The snapshot a plan is made on, read in one statement: the classes and accounts a command names,
// and the transactions it touches (with their legs, state and, for a reversal, the movements; a
// reversal's original comes along with it). Without locks: the plan carries what it expected and
// the database confirms it under its locks (src/registry/ledger/apply.ts).
import type { AccountStatus, Leg } from "../../domain/ledger/commands.ts";
import type { AccountFacts, ClassFacts, MovementFacts, Snapshot, TransactionStatus, TxFacts } from "../../domain/ledger/plan.ts";
import type { Sql } from "../../store/db.ts";

interface RawTx {
  id: string;
  kind: string;
  request: unknown;
  initiator: string | null;
  reverses: string | null;
  status: TransactionStatus;
  seq: number;
  delay_until: string | null;
  approved_by: string | null;
  last_actor: string | null;
  reversed_by: string | null;
  completed_at: string | null;
  legs: Array<[string, string | null, string, string]>;
  movements: Array<[number, string, string | null, string, string, string]> | null;
}

export interface SnapshotQuery {
  classes?: readonly string[];
  accounts?: readonly string[];
  /** Transactions to read (with their originals, when they are reversals) and whose accounts and classes to read. */
  txs?: readonly string[];
  /** Read the movements of these transactions too (what a reversal moves back). */
  movements?: boolean;
}

const SQL = `
WITH base AS (SELECT t.id FROM transactions t WHERE t.id = ANY($3::text[])),
     ids AS (SELECT id FROM base UNION SELECT t.reverses FROM transactions t JOIN base b ON b.id = t.id WHERE t.reverses IS NOT NULL),
     txs AS (
       SELECT t.id, t.kind, t.request, t.initiator, t.reverses, s.status, s.seq,
              to_char(s.delay_until AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS delay_until,
              s.approved_by, s.last_actor, s.reversed_by,
              (SELECT to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') FROM transaction_events e WHERE e.tx_id = t.id AND e.status = 'completed' LIMIT 1) AS completed_at,
              (SELECT coalesce(jsonb_agg(jsonb_build_array(c.code, l.from_account, l.to_account, l.quantity::text) ORDER BY l.leg_no), '[]'::jsonb)
                 FROM transaction_legs l JOIN unit_classes c ON c.id = l.class_id WHERE l.tx_id = t.id) AS legs,
              CASE WHEN $4::boolean THEN
                (SELECT coalesce(jsonb_agg(jsonb_build_array(m.leg_no, c.code, m.from_account, m.to_account, m.serial_start::text, m.serial_end::text) ORDER BY m.leg_no, m.part_no), '[]'::jsonb)
                   FROM movements m JOIN unit_classes c ON c.id = m.class_id WHERE m.tx_id = t.id) END AS movements
       FROM transactions t JOIN tx_state s ON s.tx_id = t.id WHERE t.id IN (SELECT id FROM ids)),
     leg_accounts AS (
       SELECT l.from_account AS id FROM transaction_legs l WHERE l.tx_id IN (SELECT id FROM ids) AND l.from_account IS NOT NULL
       UNION SELECT l.to_account FROM transaction_legs l WHERE l.tx_id IN (SELECT id FROM ids)),
     leg_classes AS (SELECT DISTINCT l.class_id FROM transaction_legs l WHERE l.tx_id IN (SELECT id FROM ids)),
     cls AS (SELECT c.id, c.code, c.unit_type, c.vintage FROM unit_classes c WHERE c.code = ANY($1::text[]) OR c.id IN (SELECT class_id FROM leg_classes)),
     acc AS (SELECT a.id, a.type, a.status, a.holder FROM accounts a WHERE a.id = ANY($2::text[]) OR a.id IN (SELECT id FROM leg_accounts))
SELECT (SELECT coalesce(jsonb_agg(to_jsonb(cls)), '[]'::jsonb) FROM cls) AS classes,
       (SELECT coalesce(jsonb_agg(to_jsonb(acc)), '[]'::jsonb) FROM acc) AS accounts,
       (SELECT coalesce(jsonb_agg(to_jsonb(txs)), '[]'::jsonb) FROM txs) AS txs,
       coalesce((SELECT f.frozen FROM registry_freeze f WHERE f.id = 1), false) AS frozen`;

export async function readSnapshot(sql: Sql, now: string, q: SnapshotQuery): Promise<Snapshot> {
  const r = await sql.query<{
    classes: Array<{ id: number; code: string; unit_type: string; vintage: number | null }>;
    accounts: Array<{ id: string; type: string; status: AccountStatus; holder: string }>;
    txs: RawTx[];
    frozen: boolean;
  }>(
    SQL,
    [q.classes ?? [], q.accounts ?? [], q.txs ?? [], q.movements === true],
  );
  const row = r.rows[0];
  if (!row) throw new Error("snapshot query returned no row");
  return {
    now,
    classes: new Map(row.classes.map((c) => [c.code, { id: c.id, code: c.code, unitType: c.unit_type, vintage: c.vintage } satisfies ClassFacts])),
    accounts: new Map(row.accounts.map((a) => [a.id, { id: a.id, type: a.type, status: a.status, holder: a.holder } satisfies AccountFacts])),
    txs: new Map(row.txs.map((t) => [t.id, txFacts(t)])),
    frozen: row.frozen,
  };
}

function txFacts(t: RawTx): TxFacts {
  const legs: Leg[] = t.legs.map(([classCode, from, to, q]) => ({ classCode, from, to, quantity: BigInt(q) }));
  const movements: MovementFacts[] = (t.movements ?? []).map(([legNo, classCode, from, to, s, e]) => ({ legNo, classCode, from, to, start: BigInt(s), end: BigInt(e) }));
  return {
    id: t.id, kind: t.kind, request: t.request, initiator: t.initiator, reverses: t.reverses, legs, status: t.status, seq: t.seq,
    delayUntil: t.delay_until, approvedBy: t.approved_by, lastActor: t.last_actor, reversedBy: t.reversed_by, completedAt: t.completed_at, movements,
  };
}

/** Account and class rows seen before: a hint for planning without a read, never trusted alone. */
export class SeenRows {
  private static readonly LIMIT = 20_000;
  readonly accounts = new Map<string, AccountFacts>();
  readonly classes = new Map<string, ClassFacts>();

  remember(s: Snapshot): void {
    if (this.accounts.size > SeenRows.LIMIT) this.accounts.clear();
    if (this.classes.size > SeenRows.LIMIT) this.classes.clear();
    for (const a of s.accounts.values()) this.accounts.set(a.id, a);
    for (const c of s.classes.values()) this.classes.set(c.code, c);
  }

  forget(accounts: Iterable<string>): void {
    for (const id of accounts) this.accounts.delete(id);
  }

  /** A snapshot from remembered rows alone, when every row is known. */
  snapshot(now: string, classes: readonly string[], accounts: readonly string[]): Snapshot | undefined {
    const c = new Map<string, ClassFacts>();
    const a = new Map<string, AccountFacts>();
    for (const code of classes) {
      const row = this.classes.get(code);
      if (!row) return undefined;
      c.set(code, row);
    }
    for (const id of accounts) {
      const row = this.accounts.get(id);
      if (!row) return undefined;
      a.set(id, row);
    }
    // The freeze is assumed off: ledger_write confirms it under its lock, and a frozen registry sends the command back to a read snapshot.
    return { now, classes: c, accounts: a, txs: new Map(), frozen: false };
  }
}
