// Builds a big, valid ledger for the verify benchmark, fast, in the shapes the write path writes.
//
// One allowance class and A operator holding accounts (A = movements / 100). The class's issuance
// and the free allocation of `PER_ACCOUNT` units to every account go through the ledger's own
// write path (LedgerService: the issuance, then batches of 20,000 transfers through ledger_apply,
// as `ets allocate --commit` delivers). Then R rounds of trading: in each round every account
// passes the block it holds to the next account (a transfer of one leg and one movement, the
// shape of most real transfers), so after R rounds account j holds the block first allocated to
// account j - R. Those A x R transfers are written by SQL, one round per statement per table,
// with the rows the write path writes (transaction, leg, completed event, state, movement, the
// link of the source's hash chain with the payload digest built exactly as ledger_complete builds
// it); the blocks are then moved to their final holders. Foreign-key triggers are off while a
// round is loaded (session_replication_role = replica): the rows satisfy them, and verify, which
// the benchmark runs on the result, checks every invariant of the ledger itself.
//
// Why it is a fair ledger for verify: verify's work grows with the rows (transactions, legs,
// events, movements, chain links, blocks), and here every one of them is of the kind a real
// registry holds, in the proportions a transfer writes; the allocations are real ledger_apply
// output. What it does not have is blocks split into many pieces; verify's cost per movement does
// not depend on how many units a movement carries.
import { LedgerService } from "../../src/registry/ledger/index.ts";
import type { Db } from "../../src/store/db.ts";

export const PER_ACCOUNT = 100;
const CLASS = "V-2030";
const BATCH = 1_000;

export interface BenchLedger {
  accounts: number;
  rounds: number;
  movements: number;
  transactions: number;
}

export function shape(movements: number): { accounts: number; rounds: number } {
  const accounts = Math.max(10, Math.round(movements / 100));
  return { accounts, rounds: Math.max(1, Math.ceil((movements - 1 - accounts) / accounts)) };
}

const acct = (j: number | string) => (typeof j === "number" ? `OP-${String(j).padStart(7, "0")}` : `'OP-' || lpad((${j})::text, 7, '0')`);

function must<T extends { ok: boolean }>(r: T): T {
  if (!r.ok) throw new Error(`bench setup refused: ${JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? v.toString() : v))}`);
  return r;
}

export async function buildVerifyLedger(db: Db, movements: number, log: (s: string) => void): Promise<BenchLedger> {
  const { accounts: A, rounds: R } = shape(movements);
  const ledger = await LedgerService.open(db);
  must(await ledger.defineClass({ commandId: "bench-class", code: CLASS, unitType: "allowance", scheme: "BENCH", vintage: 2030 }));
  must(await ledger.openAccount({ commandId: "bench-open-NHA", accountId: "NHA", type: "national_issuance", holder: "Ministry", name: "National issuance" }));
  await openAccounts(db, A);
  must(await ledger.propose({ transactionId: "bench-issue", kind: "issuance", legs: [{ classCode: CLASS, from: null, to: "NHA", quantity: String(A * PER_ACCOUNT) }] }));
  let started = Date.now();
  for (let first = 0; first < A; first += BATCH) {
    const transfers = [];
    for (let j = first; j < Math.min(A, first + BATCH); j++) transfers.push({ key: `alloc-${j}`, classCode: CLASS, from: "NHA", to: acct(j), quantity: PER_ACCOUNT });
    must(await ledger.batch({ batchId: `alloc-${first}`, kind: "allocation", transfers }));
  }
  log(`verify bench: ${A} accounts allocated through ledger_apply in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  started = Date.now();
  const classId = (await db.query<{ id: number }>("SELECT id FROM unit_classes WHERE code = $1", [CLASS])).rows[0]?.id as number;
  await db.query(DIGEST_FN);
  for (let r = 1; r <= R; r++) {
    await tradingRound(db, classId, A, r);
    if (r % 10 === 0 || r === R) log(`verify bench: ${r}/${R} trading rounds (${(r * A).toLocaleString("en")} transfers) in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  // Every account now holds the block allocated to the account R places before it.
  await db.query(
    `UPDATE blocks SET account_id = ${acct(`((serial_start - 1) / ${PER_ACCOUNT} + ${R}) % ${A}`)} WHERE class_id = $1 AND account_id <> 'NHA'`,
    [classId],
  );
  await db.query("DROP FUNCTION bench_digest(text, text, text, text, text, int8, int8)");
  for (const t of ["transactions", "transaction_legs", "transaction_events", "tx_state", "movements", "chain_links", "blocks", "balances"]) await db.query(`VACUUM ANALYZE ${t}`);
  return { accounts: A, rounds: R, movements: 1 + A + A * R, transactions: 1 + A + A * R };
}

/** The accounts, as openAccount writes them (holder, account, opening event, command), A at once. */
async function openAccounts(db: Db, n: number): Promise<void> {
  const j = "g.j";
  const request = `jsonb_build_object('accountId', ${acct(j)}, 'holder', 'Operator ' || ${j}, 'installation', 'INS-' || ${j}, 'name', 'Installation ' || ${j}, 'type', 'operator_holding')`;
  await db.transaction(async (tx) => {
    await tx.query(`INSERT INTO holders (id) SELECT 'Operator ' || j FROM generate_series(0, $1 - 1) AS g(j)`, [n]);
    await tx.query(
      `INSERT INTO accounts (id, type, holder, name, installation, status, opened_at, command_id)
       SELECT ${acct(j)}, 'operator_holding', 'Operator ' || ${j}, 'Installation ' || ${j}, 'INS-' || ${j}, 'open', now(), 'bench-open-' || ${j}
       FROM generate_series(0, $1 - 1) AS g(j)`,
      [n],
    );
    await tx.query(
      `INSERT INTO account_events (command_id, account_id, status, reason, request, at)
       SELECT 'bench-open-' || ${j}, ${acct(j)}, 'open', NULL, ${request}, now() FROM generate_series(0, $1 - 1) AS g(j)`,
      [n],
    );
    await tx.query(
      `INSERT INTO ledger_commands (id, kind, target, request, at, lseq)
       SELECT 'bench-open-' || ${j}, 'account.open', ${acct(j)}, ${request}, now(), nextval('ledger_seq') FROM generate_series(0, $1 - 1) AS g(j) ORDER BY j`,
      [n],
    );
  });
}

/**
 * The chain payload digest of a one-movement transfer, built as ledger_complete builds it:
 * sha256 of the canonical JSON {completedAt, id, kind, movements, request}.
 */
const DIGEST_FN = `CREATE FUNCTION bench_digest(p_id text, p_at text, p_request text, p_from text, p_to text, p_s int8, p_e int8) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to('{"completedAt":' || to_json(p_at)::text || ',"id":' || to_json(p_id)::text || ',"kind":"transfer","movements":[[1,1,'
    || to_json('${CLASS}'::text)::text || ',' || to_json(p_from)::text || ',' || to_json(p_to)::text || ',' || to_json(p_s::text)::text || ','
    || to_json(p_e::text)::text || ']],"request":' || p_request || '}', 'UTF8')), 'hex')
$$`;

/** Round r: account j sends the block first allocated to account j - r + 1 to account j + 1. */
async function tradingRound(db: Db, classId: number, A: number, r: number): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query("SET LOCAL session_replication_role = replica");
    await tx.query(
      `CREATE TEMP TABLE bench_round ON COMMIT DROP AS
       SELECT id, src, dst, s, e, at, at_text, request, bench_digest(id, at_text, request, src, dst, s, e) AS digest
       FROM (SELECT id, src, dst, s, s + ${PER_ACCOUNT - 1} AS e, at, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at_text,
                    '{"beneficiary":null,"hold":{"approval":false,"delayUntil":null},"initiator":null,"kind":"transfer","legs":[{"classCode":"${CLASS}","from":'
                    || to_json(src)::text || ',"quantity":"${PER_ACCOUNT}","to":' || to_json(dst)::text || '}],"note":null,"purpose":null}' AS request
             FROM (SELECT 't-' || lpad($1::int::text, 4, '0') || '-' || lpad(j::text, 7, '0') AS id, ${acct("j")} AS src, ${acct(`(j + 1) % ${A}`)} AS dst,
                          ((j - $1::int + 1 + ${A} * $1::int) % ${A})::int8 * ${PER_ACCOUNT} + 1 AS s,
                          timestamptz '2031-01-01T00:00:00Z' + ($1::int::int8 * ${A} + j) * interval '1 millisecond' AS at
                   FROM generate_series(0, ${A - 1}) AS g(j)) x) y`,
      [r],
    );
    await tx.query(
      `INSERT INTO transactions (id, kind, request, initiator, reverses, created_at, idem_scope, idem_key, batch_id)
       SELECT id, 'transfer', request::jsonb, NULL, NULL, at, '', id, NULL FROM bench_round`,
    );
    await tx.query(`INSERT INTO transaction_legs (tx_id, leg_no, class_id, from_account, to_account, quantity) SELECT id, 1, $1, src, dst, ${PER_ACCOUNT} FROM bench_round`, [classId]);
    await tx.query("INSERT INTO transaction_events (tx_id, seq, status, at, actor, detail, lseq) SELECT id, 1, 'completed', at, NULL, '{}', nextval('ledger_seq') FROM bench_round ORDER BY id");
    await tx.query("INSERT INTO tx_state (tx_id, status, seq, delay_until, approved_by, last_actor, reversed_by) SELECT id, 'completed', 1, NULL, NULL, NULL, NULL FROM bench_round");
    await tx.query(
      "INSERT INTO movements (tx_id, leg_no, part_no, class_id, from_account, to_account, serial_start, serial_end) SELECT id, 1, 1, $1, src, dst, s, e FROM bench_round",
      [classId],
    );
    await tx.query(
      `INSERT INTO chain_links (chain, seq, tx_id, prev_hash, hash)
       SELECT 'account:' || b.src, $1, b.id, coalesce(p.hash, repeat('0', 64)),
              encode(sha256(convert_to(coalesce(p.hash, repeat('0', 64)) || chr(10) || b.digest, 'UTF8')), 'hex')
       FROM bench_round b LEFT JOIN chain_links p ON p.chain = 'account:' || b.src AND p.seq = $1 - 1`,
      [r],
    );
  });
}
