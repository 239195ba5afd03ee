// `ets verify`: re-derives every ledger invariant from the database, independently of the code
// that maintains them. It reads only; it trusts neither the balances nor the blocks, and rebuilds
// ownership from the immutable movements and the hash chains from the immutable records.
import { ACCOUNT_TYPES } from "../domain/ledger/catalog.ts";
import type { Db, Sql } from "../store/db.ts";
import { type ChainPayload, GENESIS, linkHash, payloadDigest } from "./ledger/hash.ts";

export interface Violation {
  invariant: string;
  message: string;
  facts: Record<string, string | number | null>;
}

export interface VerifyReport {
  ok: boolean;
  classes: number;
  accounts: number;
  blocks: number;
  /** Units issued over all classes, as a decimal string. */
  units: string;
  byFate: Record<string, string>;
  chains: number;
  transactions: number;
  violations: Violation[];
}

const MAX_VIOLATIONS = 1000;

/**
 * Verifies the ledger. Given a database (not a transaction), it reads one consistent snapshot: a
 * REPEATABLE READ, READ ONLY transaction, so that transfers committing while verify runs cannot make
 * two of its queries disagree (e.g. a block read before a transfer and its movement after).
 */
export async function verifyLedger(sql: Sql | Db): Promise<VerifyReport> {
  if (isDb(sql)) {
    return sql.transaction(async (tx) => {
      await tx.query("SET TRANSACTION READ ONLY");
      return verifyIn(tx);
    }, { isolation: "repeatable read" });
  }
  return verifyIn(sql);
}

function isDb(x: Sql | Db): x is Db {
  return typeof (x as Partial<Db>).transaction === "function";
}

async function verifyIn(sql: Sql): Promise<VerifyReport> {
  const violations: Violation[] = [];
  const add = (v: Violation) => {
    if (violations.length < MAX_VIOLATIONS) violations.push(v);
  };
  const count = async (table: string) => Number((await sql.query<{ n: bigint }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n ?? 0n);

  await checkPartition(sql, add);
  await checkBalances(sql, add);
  const fates = await checkConservation(sql, add);
  await checkMovements(sql, add);
  await checkOwnership(sql, add);
  await checkClosedEmpty(sql, add);
  await checkEarmarks(sql, add);
  await checkTxState(sql, add);
  const chains = await checkChains(sql, add);

  const issued = (await sql.query<{ q: bigint | null }>(
    `SELECT sum(serial_end - serial_start + 1)::int8 AS q FROM movements WHERE from_account IS NULL`,
  )).rows[0]?.q ?? 0n;
  return {
    ok: violations.length === 0,
    classes: await count("unit_classes"),
    accounts: await count("accounts"),
    blocks: await count("blocks"),
    units: issued.toString(),
    byFate: Object.fromEntries(Object.entries(fates).map(([k, v]) => [k, v.toString()])),
    chains,
    transactions: await count("transactions"),
    violations,
  };
}

type Add = (v: Violation) => void;

/** Per class, the blocks partition exactly the issued serial range: no overlap, no gap, nothing past the end. */
async function checkPartition(sql: Sql, add: Add): Promise<void> {
  const bad = await sql.query<{ code: string; serial_start: bigint; serial_end: bigint; prev_end: bigint | null; first: bigint }>(
    `WITH b AS (
       SELECT class_id, serial_start, serial_end, lag(serial_end) OVER (PARTITION BY class_id ORDER BY serial_start) AS prev_end FROM blocks)
     SELECT c.code, b.serial_start, b.serial_end, b.prev_end, c.serial_start AS first
     FROM b JOIN unit_classes c ON c.id = b.class_id
     WHERE (b.prev_end IS NULL AND b.serial_start <> c.serial_start) OR (b.prev_end IS NOT NULL AND b.serial_start <> b.prev_end + 1)
     ORDER BY c.code, b.serial_start LIMIT 100`,
  );
  for (const r of bad.rows) {
    const overlap = r.prev_end !== null && r.serial_start <= r.prev_end;
    add({
      invariant: overlap ? "no-overlap" : "no-gap",
      message: overlap
        ? `class ${r.code}: block starting at ${r.serial_start} overlaps the previous block ending at ${r.prev_end}`
        : `class ${r.code}: serials before ${r.serial_start} (after ${r.prev_end ?? r.first - 1n}) are held nowhere`,
      facts: { classCode: r.code, start: r.serial_start.toString(), previousEnd: r.prev_end?.toString() ?? null },
    });
  }
  const ends = await sql.query<{ code: string; block_end: bigint | null; issued_end: bigint | null }>(
    `SELECT c.code,
            (SELECT max(serial_end) FROM blocks b WHERE b.class_id = c.id) AS block_end,
            (SELECT max(serial_end) FROM movements m WHERE m.class_id = c.id AND m.from_account IS NULL) AS issued_end
     FROM unit_classes c`,
  );
  for (const r of ends.rows) {
    if (r.block_end !== r.issued_end) {
      add({
        invariant: "blocks-cover-issued",
        message: `class ${r.code}: blocks end at ${r.block_end ?? "none"} but issuance ended at ${r.issued_end ?? "none"}`,
        facts: { classCode: r.code, blockEnd: r.block_end?.toString() ?? null, issuedEnd: r.issued_end?.toString() ?? null },
      });
    }
  }
}

/** Balances equal the sum of the account's blocks, per class. */
async function checkBalances(sql: Sql, add: Add): Promise<void> {
  const r = await sql.query<{ account_id: string; code: string; balance: bigint | null; blocks: bigint | null }>(
    `WITH s AS (SELECT account_id, class_id, sum(serial_end - serial_start + 1)::int8 AS q FROM blocks GROUP BY account_id, class_id)
     SELECT coalesce(b.account_id, s.account_id) AS account_id, c.code, b.quantity AS balance, s.q AS blocks
     FROM balances b FULL OUTER JOIN s ON s.account_id = b.account_id AND s.class_id = b.class_id
     JOIN unit_classes c ON c.id = coalesce(b.class_id, s.class_id)
     WHERE coalesce(b.quantity, 0) <> coalesce(s.q, 0) LIMIT 100`,
  );
  for (const x of r.rows) {
    add({
      invariant: "balance-equals-blocks",
      message: `account ${x.account_id}, class ${x.code}: balance ${x.balance ?? 0} but blocks sum to ${x.blocks ?? 0}`,
      facts: { accountId: x.account_id, classCode: x.code, balance: (x.balance ?? 0n).toString(), blocks: (x.blocks ?? 0n).toString() },
    });
  }
}

/** issued = held + surrendered + retired + cancelled, per class, by the fate of each account type. */
async function checkConservation(sql: Sql, add: Add): Promise<Record<string, bigint>> {
  const fateOf = new Map(ACCOUNT_TYPES.map((t) => [t.code, t.fate] as const));
  const types = await sql.query<{ code: string; definition: { fate?: string } }>("SELECT code, definition FROM account_types");
  for (const t of types.rows) if (t.definition.fate) fateOf.set(t.code, t.definition.fate as "held");
  const issued = new Map(
    (await sql.query<{ code: string; q: bigint }>(
      `SELECT c.code, coalesce(sum(m.serial_end - m.serial_start + 1), 0)::int8 AS q
       FROM unit_classes c LEFT JOIN movements m ON m.class_id = c.id AND m.from_account IS NULL GROUP BY c.code`,
    )).rows.map((r) => [r.code, r.q]),
  );
  const held = await sql.query<{ code: string; type: string; q: bigint }>(
    `SELECT c.code, a.type, sum(b.serial_end - b.serial_start + 1)::int8 AS q
     FROM blocks b JOIN unit_classes c ON c.id = b.class_id JOIN accounts a ON a.id = b.account_id GROUP BY c.code, a.type`,
  );
  const totals: Record<string, bigint> = { issued: 0n, held: 0n, surrendered: 0n, retired: 0n, cancelled: 0n };
  const perClass = new Map<string, bigint>();
  for (const r of held.rows) {
    const fate = fateOf.get(r.type) ?? "held";
    totals[fate] = (totals[fate] ?? 0n) + r.q;
    perClass.set(r.code, (perClass.get(r.code) ?? 0n) + r.q);
  }
  for (const [code, q] of issued) {
    totals.issued = (totals.issued ?? 0n) + q;
    const accounted = perClass.get(code) ?? 0n;
    if (accounted !== q) {
      add({
        invariant: "conservation",
        message: `class ${code}: issued ${q} but held + surrendered + retired + cancelled = ${accounted}`,
        facts: { classCode: code, issued: q.toString(), accounted: accounted.toString() },
      });
    }
  }
  return totals;
}

/** Every movement belongs to a completed transaction, and each completed leg moved exactly its quantity. */
async function checkMovements(sql: Sql, add: Add): Promise<void> {
  const orphan = await sql.query<{ tx_id: string; status: string | null }>(
    `SELECT DISTINCT m.tx_id, (SELECT e.status FROM transaction_events e WHERE e.tx_id = m.tx_id ORDER BY e.seq DESC LIMIT 1) AS status
     FROM movements m
     WHERE coalesce((SELECT e.status FROM transaction_events e WHERE e.tx_id = m.tx_id ORDER BY e.seq DESC LIMIT 1), '') <> 'completed'
     LIMIT 100`,
  );
  for (const r of orphan.rows) {
    add({ invariant: "movement-completed", message: `transaction ${r.tx_id} moved units but is ${r.status ?? "without status"}`, facts: { transactionId: r.tx_id, status: r.status } });
  }
  const legs = await sql.query<{ tx_id: string; leg_no: number; quantity: bigint; moved: bigint | null }>(
    `SELECT l.tx_id, l.leg_no, l.quantity,
            (SELECT sum(m.serial_end - m.serial_start + 1)::int8 FROM movements m WHERE m.tx_id = l.tx_id AND m.leg_no = l.leg_no) AS moved
     FROM transaction_legs l
     WHERE (SELECT e.status FROM transaction_events e WHERE e.tx_id = l.tx_id ORDER BY e.seq DESC LIMIT 1) = 'completed'
       AND l.quantity <> coalesce((SELECT sum(m.serial_end - m.serial_start + 1)::int8 FROM movements m WHERE m.tx_id = l.tx_id AND m.leg_no = l.leg_no), 0)
     LIMIT 100`,
  );
  for (const r of legs.rows) {
    add({
      invariant: "leg-moved-exactly",
      message: `transaction ${r.tx_id} leg ${r.leg_no}: quantity ${r.quantity} but ${r.moved ?? 0} moved`,
      facts: { transactionId: r.tx_id, leg: r.leg_no, quantity: r.quantity.toString(), moved: (r.moved ?? 0n).toString() },
    });
  }
}

/**
 * Rebuilds who holds what from the movements alone: for each class and account, every serial has
 * entered once more than it left (held) or as often (not held); anything else is a violation.
 * The result must equal the blocks table exactly.
 */
async function checkOwnership(sql: Sql, add: Add): Promise<void> {
  const classes = await sql.query<{ id: number; code: string }>("SELECT id, code FROM unit_classes ORDER BY id");
  for (const c of classes.rows) {
    const mv = await sql.query<{ from_account: string | null; to_account: string; serial_start: bigint; serial_end: bigint }>(
      `SELECT m.from_account, m.to_account, m.serial_start, m.serial_end FROM movements m
       WHERE m.class_id = $1 AND (SELECT e.status FROM transaction_events e WHERE e.tx_id = m.tx_id ORDER BY e.seq DESC LIMIT 1) = 'completed'`,
      [c.id],
    );
    const events = new Map<string, Array<[bigint, number]>>();
    const push = (acct: string, at: bigint, d: number) => {
      let list = events.get(acct);
      if (!list) events.set(acct, (list = []));
      list.push([at, d]);
    };
    for (const m of mv.rows) {
      push(m.to_account, m.serial_start, 1);
      push(m.to_account, m.serial_end + 1n, -1);
      if (m.from_account) {
        push(m.from_account, m.serial_start, -1);
        push(m.from_account, m.serial_end + 1n, 1);
      }
    }
    const derived = new Map<string, Array<[bigint, bigint]>>();
    for (const [acct, list] of events) {
      list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      const ranges: Array<[bigint, bigint]> = [];
      let level = 0;
      let openAt = 0n;
      for (let i = 0; i < list.length; ) {
        const at = (list[i] as [bigint, number])[0];
        const before = level;
        while (i < list.length && (list[i] as [bigint, number])[0] === at) level += (list[i++] as [bigint, number])[1];
        if (level < 0 || level > 1) {
          add({ invariant: "ownership-from-movements", message: `class ${c.code}: serial ${at} is in account ${acct} ${level} times by the movements`, facts: { classCode: c.code, accountId: acct, serial: at.toString(), level } });
          return;
        }
        if (before === 0 && level === 1) openAt = at;
        if (before === 1 && level === 0) ranges.push([openAt, at - 1n]);
      }
      if (ranges.length > 0) derived.set(acct, coalesce(ranges));
    }
    const blocks = await sql.query<{ account_id: string; serial_start: bigint; serial_end: bigint }>(
      "SELECT account_id, serial_start, serial_end FROM blocks WHERE class_id = $1 ORDER BY account_id, serial_start",
      [c.id],
    );
    const actual = new Map<string, Array<[bigint, bigint]>>();
    for (const b of blocks.rows) {
      let l = actual.get(b.account_id);
      if (!l) actual.set(b.account_id, (l = []));
      l.push([b.serial_start, b.serial_end]);
    }
    for (const acct of new Set([...derived.keys(), ...actual.keys()])) {
      const want = JSON.stringify(derived.get(acct) ?? [], (_k, v) => (typeof v === "bigint" ? v.toString() : v));
      const got = JSON.stringify(coalesce(actual.get(acct) ?? []), (_k, v) => (typeof v === "bigint" ? v.toString() : v));
      if (want !== got) {
        add({
          invariant: "ownership-from-movements",
          message: `class ${c.code}, account ${acct}: blocks ${got.slice(0, 200)} differ from the movements' ${want.slice(0, 200)}`,
          facts: { classCode: c.code, accountId: acct },
        });
      }
    }
  }
}

/** A closed account holds nothing: it was emptied before closing and nothing may arrive after. */
async function checkClosedEmpty(sql: Sql, add: Add): Promise<void> {
  const r = await sql.query<{ account_id: string; q: bigint }>(
    `SELECT b.account_id, sum(b.serial_end - b.serial_start + 1)::int8 AS q FROM blocks b JOIN accounts a ON a.id = b.account_id
     WHERE a.status = 'closed' GROUP BY b.account_id ORDER BY b.account_id LIMIT 100`,
  );
  for (const x of r.rows) {
    add({ invariant: "closed-account-empty", message: `account ${x.account_id} is closed but holds ${x.q} units`, facts: { accountId: x.account_id, quantity: x.q.toString() } });
  }
}

/** Earmarks equal the units of the transactions awaiting approval or delayed, per source account and class, rebuilt from their legs and events. */
async function checkEarmarks(sql: Sql, add: Add): Promise<void> {
  const r = await sql.query<{ account_id: string; code: string; recorded: bigint | null; held: bigint | null }>(
    `WITH last AS (SELECT DISTINCT ON (tx_id) tx_id, status FROM transaction_events ORDER BY tx_id, seq DESC),
          due AS (SELECT l.from_account AS account_id, l.class_id, sum(l.quantity)::int8 AS q
                  FROM transaction_legs l JOIN last e ON e.tx_id = l.tx_id
                  WHERE e.status IN ('awaiting_approval', 'delayed') AND l.from_account IS NOT NULL GROUP BY 1, 2),
          rec AS (SELECT account_id, class_id, earmarked AS q FROM balances WHERE earmarked <> 0)
     SELECT coalesce(rec.account_id, due.account_id) AS account_id, c.code, rec.q AS recorded, due.q AS held
     FROM rec FULL OUTER JOIN due ON due.account_id = rec.account_id AND due.class_id = rec.class_id
     JOIN unit_classes c ON c.id = coalesce(rec.class_id, due.class_id)
     WHERE coalesce(rec.q, 0) <> coalesce(due.q, 0) LIMIT 100`,
  );
  for (const x of r.rows) {
    add({
      invariant: "earmarks-match-held",
      message: `account ${x.account_id}, class ${x.code}: ${x.recorded ?? 0} earmarked but held transactions need ${x.held ?? 0}`,
      facts: { accountId: x.account_id, classCode: x.code, earmarked: (x.recorded ?? 0n).toString(), held: (x.held ?? 0n).toString() },
    });
  }
}

/** Each transaction's current state (tx_state) is its last event, and its reversal is the one transaction that names it. */
async function checkTxState(sql: Sql, add: Add): Promise<void> {
  const r = await sql.query<{ id: string; state: string | null; seq: number | null; event: string | null; last: number | null; reversed_by: string | null; reversal: string | null }>(
    `WITH last AS (SELECT DISTINCT ON (tx_id) tx_id, seq, status FROM transaction_events ORDER BY tx_id, seq DESC)
     SELECT t.id, s.status AS state, s.seq, e.status AS event, e.seq AS last, s.reversed_by, (SELECT r.id FROM transactions r WHERE r.reverses = t.id) AS reversal
     FROM transactions t LEFT JOIN tx_state s ON s.tx_id = t.id LEFT JOIN last e ON e.tx_id = t.id
     WHERE s.status IS DISTINCT FROM e.status OR s.seq IS DISTINCT FROM e.seq
        OR s.reversed_by IS DISTINCT FROM (SELECT r.id FROM transactions r JOIN last re ON re.tx_id = r.id WHERE r.reverses = t.id AND re.status = 'completed')
     LIMIT 100`,
  );
  for (const x of r.rows) {
    add({
      invariant: "state-matches-events",
      message: `transaction ${x.id}: state ${x.state ?? "missing"} (${x.seq ?? "-"}) but last event ${x.event ?? "none"} (${x.last ?? "-"}); reversed by ${x.reversed_by ?? "none"}`,
      facts: { transactionId: x.id, state: x.state, event: x.event, reversedBy: x.reversed_by, reversal: x.reversal },
    });
  }
}

function coalesce(ranges: Array<[bigint, bigint]>): Array<[bigint, bigint]> {
  const out: Array<[bigint, bigint]> = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last && last[1] + 1n === r[0]) last[1] = r[1];
    else out.push([r[0], r[1]]);
  }
  return out;
}

/** Walks every hash chain: links in sequence, each hash recomputed from the immutable records. */
async function checkChains(sql: Sql, add: Add): Promise<number> {
  const completed = await sql.query<{ tx_id: string; at: string }>(
    `SELECT e.tx_id, e.at FROM transaction_events e WHERE e.status = 'completed'
       AND e.seq = (SELECT max(seq) FROM transaction_events x WHERE x.tx_id = e.tx_id)`,
  );
  const completedAt = new Map(completed.rows.map((r) => [r.tx_id, r.at]));
  const txs = new Map(
    (await sql.query<{ id: string; kind: string; request: unknown }>("SELECT id, kind, request FROM transactions")).rows.map((t) => [t.id, t]),
  );
  const moves = new Map<string, ChainPayload["movements"]>();
  const mv = await sql.query<{ tx_id: string; leg_no: number; part_no: number; code: string; from_account: string | null; to_account: string; serial_start: bigint; serial_end: bigint }>(
    `SELECT m.tx_id, m.leg_no, m.part_no, c.code, m.from_account, m.to_account, m.serial_start, m.serial_end
     FROM movements m JOIN unit_classes c ON c.id = m.class_id ORDER BY m.tx_id, m.leg_no, m.part_no`,
  );
  for (const m of mv.rows) {
    let l = moves.get(m.tx_id);
    if (!l) moves.set(m.tx_id, (l = []));
    l.push([m.leg_no, m.part_no, m.code, m.from_account, m.to_account, m.serial_start.toString(), m.serial_end.toString()]);
  }
  const links = await sql.query<{ chain: string; seq: bigint; tx_id: string; prev_hash: string; hash: string }>(
    "SELECT chain, seq, tx_id, prev_hash, hash FROM chain_links ORDER BY chain, seq",
  );
  const linked = new Set<string>();
  const digests = new Map<string, string>();
  let chain = "";
  let prevHash = GENESIS;
  let expectSeq = 1n;
  let chains = 0;
  for (const l of links.rows) {
    if (l.chain !== chain) {
      chain = l.chain;
      prevHash = GENESIS;
      expectSeq = 1n;
      chains++;
    }
    linked.add(l.tx_id);
    const facts = { chain: l.chain, seq: l.seq.toString(), transactionId: l.tx_id };
    if (l.seq !== expectSeq) add({ invariant: "chain-sequence", message: `chain ${l.chain}: link ${l.seq} where ${expectSeq} was expected`, facts });
    if (l.prev_hash !== prevHash) add({ invariant: "chain-link", message: `chain ${l.chain} link ${l.seq}: previous hash does not match`, facts });
    const t = txs.get(l.tx_id);
    const at = completedAt.get(l.tx_id);
    if (!t || !at) {
      add({ invariant: "chain-completed", message: `chain ${l.chain} link ${l.seq} names transaction ${l.tx_id}, which is not completed`, facts });
    } else {
      let digest = digests.get(l.tx_id);
      if (!digest) {
        digest = payloadDigest({ id: t.id, kind: t.kind, request: t.request, completedAt: at, movements: moves.get(t.id) ?? [] });
        digests.set(l.tx_id, digest);
      }
      if (linkHash(l.prev_hash, digest) !== l.hash) {
        add({ invariant: "chain-hash", message: `chain ${l.chain} link ${l.seq}: transaction ${l.tx_id} does not match its recorded hash (altered records)`, facts });
      }
    }
    prevHash = l.hash;
    expectSeq = l.seq + 1n;
  }
  for (const id of completedAt.keys()) {
    if (moves.has(id) && !linked.has(id)) add({ invariant: "chain-completed", message: `completed transaction ${id} is in no hash chain`, facts: { transactionId: id } });
  }
  return chains;
}
