// After a simulation run: every answer a client got, held against what the ledger recorded and
// what the reference ledger computed. Nothing acknowledged is lost (an id answered ok is in the
// ledger), nothing is duplicated (at most one fresh success per id, per decision, per release),
// nothing refused left a trace, and each fresh success reported what the reference computed
// (status, and the very serials moved). A refusal is decided on a snapshot, which the commit order
// only approximates for commands that do not conflict, so its code is checked against the codes
// that command can legitimately get in this workload, not pinned to one point of the replay.
import type { ReferenceLedger } from "../../../src/domain/ledger/reference.ts";
import type { Move, Send, TxOutcome } from "./execute.ts";
import type { Effect, Replayed } from "./replay.ts";
import type { Op } from "./world.ts";

/** The refusal codes each command can get in this workload (an account blocked or closed, units short, a transaction decided by another client...). */
export const ALLOWED_REFUSALS: Record<Op["op"], readonly number[]> = {
  define: [],
  open: [],
  // 7004: closing an account that still holds units; 7005: a closed account changes no more
  status: [7004, 7005],
  // 1002/2002 blocked or closed accounts, 2001 an account not yet opened, 3003 units short, 3004 the limited class
  propose: [1002, 2001, 2002, 3003, 3004],
  batch: [1002, 2002, 3003],
  // 6001 not proposed yet, 6002 decided already; a completion refused by its checks (recorded as rejected)
  approve: [6001, 6002, 1002, 2002, 3004],
  reject: [6001, 6002],
  cancel: [6001, 6002],
  release: [6001, 6002, 6007, 1002, 2002],
  // the original unknown yet, an issuance, not completed, reversed already, in a terminal account, back into a closed account, moved on, earmarked
  reverse: [6001, 6006, 6003, 6004, 1004, 2002, 6005, 3003],
};

const show = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));

function refMoves(ref: ReferenceLedger, id: string): Move[] {
  return (ref.txs.get(id)?.moves ?? []).map((m) => [m.classCode, m.from, m.to, m.start.toString(), m.end.toString()]);
}

/** Problems with the clients' answers; empty when every answer is accounted for. */
export function checkAcks(sends: readonly Send[], effects: readonly Effect[], replayed: Replayed): string[] {
  const out: string[] = [];
  const problem = (s: Send, what: string) => {
    if (out.length < 40) out.push(`client ${s.client} command ${s.n} (${s.op} ${s.id ?? s.target ?? ""}, sending ${s.attempt}): ${what}`);
  };
  const createdBy = new Map<string, Effect>();
  const batches = new Set<string>();
  const events = new Map<string, Effect[]>();
  for (const e of effects) {
    if (e.seq === 1 || e.src === "cmd") createdBy.set(e.id, e);
    if (e.batchId !== null) batches.add(e.batchId);
    if (e.src === "tx") events.set(e.id, [...(events.get(e.id) ?? []), e]);
  }
  checkIds(sends, (id, op) => (op === "batch" ? batches.has(id) : createdBy.has(id)), problem);
  for (const s of sends) {
    if (s.outcome.ack === "refused" && !ALLOWED_REFUSALS[s.op].includes(s.outcome.code)) problem(s, `refused with ${s.outcome.code} (${s.outcome.message}), which this command should not get`);
    if (s.outcome.ack === "error" && s.outcome.fault === "unexpected") problem(s, `unexpected error: ${s.outcome.error}`);
    if (s.outcome.ack !== "ok" || s.outcome.replayed) continue;
    if (s.outcome.tx) checkTx(s, s.outcome.tx, createdBy, replayed, problem);
    for (const t of s.outcome.txs ?? []) checkTx(s, t, createdBy, replayed, problem);
  }
  checkDecisions(sends, events, problem);
  return out;
}

/**
 * Per id: at most one fresh success; nothing answered ok that is not in the ledger; when it is in
 * the ledger and no answer was a fresh success, the effect came from a sending that got no answer
 * (killed, lost, or dropped after it committed). A client sends an id until it is answered, so for
 * an id of one client the ledger has it exactly when its last answer is a success. An id two
 * clients sent (a twin) may be refused to one of them, on a snapshot taken before the other's
 * committed.
 */
function checkIds(sends: readonly Send[], exists: (id: string, op: Op["op"]) => boolean, problem: (s: Send, what: string) => void): void {
  const byId = new Map<string, Send[]>();
  for (const s of sends) if (s.id !== null) byId.set(s.id, [...(byId.get(s.id) ?? []), s]);
  for (const [id, list] of byId) {
    const fresh = list.filter((s) => s.outcome.ack === "ok" && !s.outcome.replayed);
    const answered = list.filter((s) => s.outcome.ack !== "error");
    const last = answered.at(-1) ?? (list.at(-1) as Send);
    const there = exists(id, last.op);
    const unanswered = list.some((s) => s.outcome.ack === "error");
    if (fresh.length > 1) problem(last, `acknowledged as new ${fresh.length} times`);
    if (answered.length === 0) problem(last, "never answered");
    if (!there && answered.some((s) => s.outcome.ack === "ok")) problem(last, "answered ok, but not in the ledger");
    if (there && fresh.length === 0 && !unanswered) problem(last, "in the ledger, but no sending of it was answered as new or went unanswered");
    const clients = new Set(list.map((s) => s.client));
    if (clients.size === 1 && answered.length > 0 && there !== (last.outcome.ack === "ok")) problem(last, `in the ledger: ${there}, but the last answer was ${show(last.outcome)}`);
  }
}

function checkTx(s: Send, t: TxOutcome, createdBy: Map<string, Effect>, replayed: Replayed, problem: (s: Send, what: string) => void): void {
  const made = createdBy.get(t.id);
  if (!made) return problem(s, `answered with transaction ${t.id}, which is not in the ledger`);
  if (s.op === "propose" || s.op === "reverse" || s.op === "batch") {
    if (made.status !== t.status) problem(s, `answered ${t.status}, recorded ${made.status}`);
    const r = replayed.created.get(t.id);
    if (r && r.ok && r.status !== undefined && r.status !== t.status) problem(s, `answered ${t.status}, the reference ${r.status}`);
  }
  if (t.status === "completed" && show(t.moves) !== show(refMoves(replayed.ref, t.id))) problem(s, `moved ${show(t.moves)}, the reference ${show(refMoves(replayed.ref, t.id))}`);
}

/**
 * Decisions and releases carry no id: each fresh success must be an event of its transaction
 * by its actor (approve, reject, cancel) or by the scheduler (release), and no event is claimed by
 * two answers.
 */
function checkDecisions(sends: readonly Send[], events: Map<string, Effect[]>, problem: (s: Send, what: string) => void): void {
  const claimed = new Map<string, Send>();
  const claim = (s: Send, txId: string, want: (e: Effect) => boolean, what: string, fresh: boolean) => {
    const e = (events.get(txId) ?? []).find(want);
    if (!e) return problem(s, `answered ok, but ${txId} has no ${what}`);
    if (!fresh) return;
    const key = `${txId}#${e.seq}`;
    const other = claimed.get(key);
    if (other) problem(s, `${what} of ${txId} also acknowledged to client ${other.client} command ${other.n}`);
    claimed.set(key, s);
  };
  for (const s of sends) {
    if (s.outcome.ack !== "ok") continue;
    const fresh = !s.outcome.replayed;
    const t = s.target as string;
    if (s.op === "approve") claim(s, t, (e) => e.actor === s.actor && (e.status === "delayed" || e.status === "completed") && (e.seq ?? 0) > 1, `approval by ${s.actor}`, fresh);
    if (s.op === "reject") claim(s, t, (e) => e.actor === s.actor && e.status === "rejected", `rejection by ${s.actor}`, fresh);
    if (s.op === "cancel") claim(s, t, (e) => e.actor === s.actor && e.status === "cancelled", `cancellation by ${s.actor}`, fresh);
    if (s.op === "release" && s.target !== null) claim(s, t, (e) => e.actor === null && e.status === "completed" && (e.seq ?? 0) > 1, "release", fresh);
    for (const x of s.outcome.released ?? []) if (x.ok) claim(s, x.id, (e) => e.actor === null && e.status === "completed" && (e.seq ?? 0) > 1, "release", true);
  }
}
