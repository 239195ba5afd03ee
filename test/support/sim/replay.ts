// After a simulation run: the commands that took effect, read back from the ledger in its commit
// order, replayed into the reference ledger (src/domain/ledger/reference.ts), and the two final
// states compared. The order is ledger_seq: every status change of a transaction
// (transaction_events.lseq) and every class or account command (ledger_commands.lseq) takes its
// number under the locks it holds, so of two conflicting commands the one that committed first has
// the lower number; commands that do not conflict commute, so their relative order does not matter.
import { ReferenceLedger, type RefResult } from "../../../src/domain/ledger/reference.ts";
import type { Db } from "../../../src/store/db.ts";
import { START } from "./world.ts";

/** One recorded change: a transaction's status event, or a class or account command. */
export interface Effect {
  lseq: bigint;
  src: "tx" | "cmd";
  id: string;
  /** For a transaction event: its number (1 = created) and the status it set. */
  seq: number | null;
  status: string | null;
  at: string;
  actor: string | null;
  detail: Record<string, unknown> | null;
  /** The transaction kind, or the command kind (class.define, account.open, account.status). */
  kind: string;
  request: Record<string, unknown>;
  reverses: string | null;
  batchId: string | null;
}

export async function readEffects(db: Db): Promise<Effect[]> {
  const r = await db.query<{
    lseq: bigint; src: "tx" | "cmd"; id: string; seq: number | null; status: string | null; at: string; actor: string | null;
    detail: Record<string, unknown> | null; kind: string; request: Record<string, unknown>; reverses: string | null; batch_id: string | null;
  }>(
    `SELECT e.lseq, 'tx' AS src, e.tx_id AS id, e.seq, e.status, e.at, e.actor, e.detail, t.kind, t.request, t.reverses, t.batch_id
       FROM transaction_events e JOIN transactions t ON t.id = e.tx_id
     UNION ALL
     SELECT c.lseq, 'cmd', c.id, NULL::int, NULL::text, c.at, NULL::text, NULL::jsonb, c.kind, c.request, NULL::text, NULL::text
       FROM ledger_commands c
     ORDER BY 1`,
  );
  return r.rows.map((x) => ({ ...x, batchId: x.batch_id }));
}

/** What was stored, as a command again: null fields dropped (the commands' validation wants them absent). */
function input(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === null) continue;
    out[k] = typeof v === "object" && !Array.isArray(v) ? input(v as Record<string, unknown>) : v;
  }
  return out;
}

export interface Replayed {
  ref: ReferenceLedger;
  /** Where the reference disagreed with what the ledger recorded (empty when they agree). */
  divergences: string[];
  /** The reference's answer to each transaction's creation. */
  created: Map<string, RefResult>;
}

const show = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));

/** Replays the effects in commit order into a fresh reference ledger, each at the time it was recorded. */
export function replay(effects: readonly Effect[]): Replayed {
  let now = START;
  const ref = new ReferenceLedger(() => now);
  const divergences: string[] = [];
  const created = new Map<string, RefResult>();
  const status = new Map<string, string>();
  const diverge = (e: Effect, what: string) => {
    if (divergences.length < 25) divergences.push(`lseq ${e.lseq} ${e.src} ${e.id}${e.status ? ` -> ${e.status}` : ""} (${e.kind}, actor ${e.actor}, at ${e.at}): ${what}`);
  };
  for (const e of effects) {
    now = e.at;
    if (e.src === "cmd") {
      const r = command(ref, e);
      if (!r.ok || r.replayed) diverge(e, `the reference answered ${show(r)}`);
      continue;
    }
    const prev = status.get(e.id) ?? null;
    const r = transition(ref, e, prev);
    if (e.seq === 1) created.set(e.id, r);
    status.set(e.id, e.status as string);
    const code = typeof e.detail?.code === "number" ? e.detail.code : null;
    const failedCompletion = e.status === "rejected" && code !== null;
    const agrees = failedCompletion ? !r.ok && r.code === code : r.ok && !r.replayed && (r.status === undefined || r.status === e.status);
    if (!agrees) diverge(e, `after ${prev ?? "nothing"}, the reference answered ${show(r)}`);
    const refStatus = ref.txs.get(e.id)?.status;
    if (refStatus !== e.status) diverge(e, `the reference's transaction is ${refStatus ?? "missing"}`);
  }
  return { ref, divergences, created };
}

function command(ref: ReferenceLedger, e: Effect): RefResult {
  const cmd = { commandId: e.id, ...input(e.request) };
  if (e.kind === "class.define") return ref.defineClass(cmd);
  if (e.kind === "account.open") return ref.openAccount(cmd);
  return ref.setAccountStatus(cmd);
}

/** The reference command that makes the recorded status change, from the status before it. */
function transition(ref: ReferenceLedger, e: Effect, prev: string | null): RefResult {
  const transactionId = e.id;
  if (e.seq === 1) {
    if (e.reverses !== null) return ref.reverse({ transactionId, ...input(e.request) });
    return ref.propose({ transactionId, ...input(e.request) });
  }
  const actor = e.actor ?? "sim-replay";
  switch (e.status) {
    case "delayed":
      return ref.approve({ transactionId, actor, ...(typeof e.detail?.delayUntil === "string" ? { delayUntil: e.detail.delayUntil } : {}) });
    case "completed":
      return prev === "delayed" ? ref.release(transactionId) : ref.approve({ transactionId, actor });
    case "cancelled":
      return ref.cancel({ transactionId, actor });
    case "rejected":
      // A completion refused by its checks is recorded as a rejection with the check's code (no actor).
      if (typeof e.detail?.code === "number") return prev === "delayed" ? ref.release(transactionId) : ref.approve({ transactionId, actor });
      return ref.reject({ transactionId, actor });
    default:
      return { ok: false, code: 0, check: "unknown-status", message: `unknown status ${e.status}`, facts: {} };
  }
}

/** Differences between the ledger's final state and the reference's: blocks, earmarks, transaction and account statuses. */
export async function compareFinal(db: Db, ref: ReferenceLedger): Promise<string[]> {
  const out: string[] = [];
  const differ = (what: string, sql: unknown, reference: unknown) => {
    if (out.length < 25) out.push(`${what}: ledger ${show(sql)}, reference ${show(reference)}`);
  };
  const blocks = await db.query<{ code: string; account_id: string; serial_start: bigint; serial_end: bigint }>(
    "SELECT c.code, b.account_id, b.serial_start, b.serial_end FROM blocks b JOIN unit_classes c ON c.id = b.class_id ORDER BY c.code, b.account_id, b.serial_start",
  );
  const sqlBlocks = new Map<string, string[]>();
  for (const b of blocks.rows) {
    const k = `${b.code} in ${b.account_id}`;
    sqlBlocks.set(k, [...(sqlBlocks.get(k) ?? []), `${b.serial_start}-${b.serial_end}`]);
  }
  const refBlocks = new Map<string, string[]>();
  for (const [code, byAccount] of ref.blocks) {
    for (const [acc, ranges] of byAccount) if (ranges.length > 0) refBlocks.set(`${code} in ${acc}`, ranges.map(([s, e]) => `${s}-${e}`));
  }
  for (const k of new Set([...sqlBlocks.keys(), ...refBlocks.keys()])) {
    if (show(sqlBlocks.get(k) ?? []) !== show(refBlocks.get(k) ?? [])) differ(`blocks of ${k}`, sqlBlocks.get(k) ?? [], refBlocks.get(k) ?? []);
  }
  const marks = await db.query<{ code: string; account_id: string; earmarked: bigint }>(
    "SELECT c.code, b.account_id, b.earmarked FROM balances b JOIN unit_classes c ON c.id = b.class_id WHERE b.earmarked <> 0",
  );
  const sqlMarks = new Map(marks.rows.map((m) => [`${m.code} in ${m.account_id}`, m.earmarked]));
  for (const code of ref.classes.keys()) {
    for (const acc of ref.accounts.keys()) {
      const k = `${code} in ${acc}`;
      const q = ref.earmarked(code, acc, null);
      if ((sqlMarks.get(k) ?? 0n) !== q) differ(`earmarked ${k}`, sqlMarks.get(k) ?? 0n, q);
      sqlMarks.delete(k);
    }
  }
  for (const [k, q] of sqlMarks) differ(`earmarked ${k}`, q, 0n);
  const txs = await db.query<{ tx_id: string; status: string }>("SELECT tx_id, status FROM tx_state");
  const sqlTx = new Map(txs.rows.map((t) => [t.tx_id, t.status]));
  for (const id of new Set([...sqlTx.keys(), ...ref.txs.keys()])) {
    if (sqlTx.get(id) !== ref.txs.get(id)?.status) differ(`status of transaction ${id}`, sqlTx.get(id) ?? "missing", ref.txs.get(id)?.status ?? "missing");
  }
  const accounts = await db.query<{ id: string; status: string }>("SELECT id, status FROM accounts");
  const sqlAcc = new Map(accounts.rows.map((a) => [a.id, a.status]));
  for (const id of new Set([...sqlAcc.keys(), ...ref.accounts.keys()])) {
    if (sqlAcc.get(id) !== ref.accounts.get(id)?.status) differ(`status of account ${id}`, sqlAcc.get(id) ?? "missing", ref.accounts.get(id)?.status ?? "missing");
  }
  return out;
}
