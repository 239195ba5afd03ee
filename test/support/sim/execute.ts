// Runs one command of the simulation's workload on a LedgerService (in the test process, or in
// the child process that gets killed) and reduces the ledger's answer to what the checks compare.
// JSON-safe, so that the child can write it to its acknowledgement file.
import type { LedgerService, Result, TransactionView } from "../../../src/registry/ledger/index.ts";
import { type Command, idOf, type Label, type Op } from "./world.ts";

/** One movement: class, from, to, first and last serial (decimal strings). */
export type Move = [classCode: string, from: string | null, to: string, start: string, end: string];

export interface TxOutcome {
  id: string;
  status: string;
  moves: Move[];
}

export type Outcome =
  | {
      ack: "ok";
      replayed: boolean;
      /** The transaction a proposal, decision or reversal answered with. */
      tx?: TxOutcome;
      /** A batch's transactions. */
      txs?: TxOutcome[];
      /** releaseDue: what happened to each due transaction. */
      released?: Array<{ id: string; ok: boolean; code: number | null }>;
    }
  | { ack: "refused"; code: number; check: string; message: string }
  /** No answer: the command failed with an error (a fault), or its process was killed while it ran. */
  | { ack: "error"; error: string; sqlState: string | null; fault: string };

/** One sending of a command (a command is sent again after an error, with the same id and time). */
export interface Send {
  client: number;
  n: number;
  attempt: number;
  label: Label;
  op: Op["op"];
  /** The command's idempotency key, or null (decisions and releases have none). */
  id: string | null;
  /** The transaction a decision, release or reversal names. */
  target: string | null;
  actor: string | null;
  at: string;
  outcome: Outcome;
}

function txOutcome(v: TransactionView): TxOutcome {
  return { id: v.id, status: v.status, moves: v.movements.map((m) => [m.classCode, m.from, m.to, m.start.toString(), m.end.toString()]) };
}

function reduce<T>(r: Result<T>, view: (v: T) => Partial<Extract<Outcome, { ack: "ok" }>>): Outcome {
  if (!r.ok) return { ack: "refused", code: r.code, check: r.check, message: r.message };
  return { ack: "ok", replayed: r.replayed, ...view(r.value) };
}

export async function execute(ledger: LedgerService, cmd: Command): Promise<Outcome> {
  const op = cmd.op;
  switch (op.op) {
    case "define":
      return reduce(await ledger.defineClass(op.input), () => ({}));
    case "open":
      return reduce(await ledger.openAccount(op.input), () => ({}));
    case "status":
      return reduce(await ledger.setAccountStatus(op.input), () => ({}));
    case "propose":
      return reduce(await ledger.propose(op.input), (v) => ({ tx: txOutcome(v) }));
    case "approve":
      return reduce(await ledger.approve(op.input), (v) => ({ tx: txOutcome(v) }));
    case "reject":
      return reduce(await ledger.reject(op.input), (v) => ({ tx: txOutcome(v) }));
    case "cancel":
      return reduce(await ledger.cancel(op.input), (v) => ({ tx: txOutcome(v) }));
    case "reverse":
      return reduce(await ledger.reverse(op.input), (v) => ({ tx: txOutcome(v) }));
    case "batch":
      return reduce(await ledger.batch(op.input), (v) => ({ txs: v.transactions.map(txOutcome) }));
    case "release": {
      if (op.transactionId !== null) return reduce(await ledger.release(op.transactionId), (v) => ({ tx: txOutcome(v) }));
      const all = await ledger.releaseDue(50);
      return { ack: "ok", replayed: false, released: all.map((x) => ({ id: x.transactionId, ok: x.result.ok, code: x.result.ok ? null : x.result.code })) };
    }
  }
}

/** The send record of a command's answer. */
export function sendOf(client: number, cmd: Command, attempt: number, outcome: Outcome): Send {
  const op = cmd.op;
  const target = op.op === "approve" || op.op === "reject" || op.op === "cancel" ? op.input.transactionId : op.op === "reverse" ? op.input.reverses : op.op === "release" ? op.transactionId : null;
  const actor = op.op === "approve" || op.op === "reject" || op.op === "cancel" || op.op === "reverse" ? op.input.actor : null;
  return { client, n: cmd.n, attempt, label: cmd.label, op: op.op, id: idOf(op), target, actor, at: cmd.at, outcome };
}
