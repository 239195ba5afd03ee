// Every recorded checkpoint is a prefix of today's ledger. The leaf log is read once, in position
// order (keyset pages), beside today's record for each leaf:
// - each chain head a checkpoint recorded is still a link of its chain with the same hash (a
//   chain cut below it: checkpoint-chain-cut; a chain rewritten, however consistently:
//   checkpoint-chain-rewritten);
// - each account type, command and account event recorded is unchanged (checkpoint-record-changed);
// - the log is what the checkpoints say: the RFC 6962 root of its first `count` leaves is each
//   checkpoint's recorded root, with the frontier recorded beside it (checkpoint-root).
// Together: the root recomputed from today's records equals every recorded (and published) root.
import { canonical } from "../../domain/ledger/commands.ts";
import { CURRENT_LEAF, type LeafRow, leafHashOf, present } from "../checkpoints/leaves.ts";
import { Frontier } from "../checkpoints/merkle.ts";
import { keysetPages } from "./pages.ts";
import { type Add, limited, type Pass } from "./report.ts";

interface LogRow extends LeafRow {
  position: bigint;
  leaf_hash: string;
  chain_end: bigint | null;
}

interface CheckpointRow {
  id: bigint;
  at: string;
  root: string;
  count: bigint;
  frontier: unknown;
}


export async function checkCheckpoints(p: Pass): Promise<{ checkpoints: number; leaves: number }> {
  const adds = { cut: limited(p.add), rewritten: limited(p.add), changed: limited(p.add), root: limited(p.add) };
  const frontier = Frontier.empty();
  const list = keysetPages<CheckpointRow>(p.sql, p.pageSize, (after) => ({
    text: `SELECT id, at, root, count, frontier FROM checkpoints ${after ? "WHERE id > $1" : ""} ORDER BY id`,
    params: after ? [after.id] : [],
  }))[Symbol.asyncIterator]();
  const state = { pending: (await list.next()).value as CheckpointRow | undefined, expectId: 1n, prevCount: 0n, checkpoints: 0 };

  /** Checks every checkpoint whose leaves have all been read. */
  const settle = async () => {
    while (state.pending && state.pending.count <= BigInt(frontier.size)) {
      checkOne(adds.root, state, state.pending, frontier);
      state.pending = (await list.next()).value as CheckpointRow | undefined;
    }
  };

  let leaves = 0;
  for await (const l of keysetPages<LogRow>(p.sql, p.pageSize, (after) => ({
    text: `SELECT l.position, l.kind, l.key, l.seq, l.leaf_hash, ${CURRENT_LEAF.columns},
                  CASE WHEN l.kind = 'chain-head' AND c.hash IS NULL THEN (SELECT max(x.seq) FROM chain_links x WHERE x.chain = l.key) END AS chain_end
           FROM checkpoint_leaves l ${CURRENT_LEAF.joins}
           ${after ? "WHERE l.position > $1" : ""} ORDER BY l.position`,
    params: after ? [after.position] : [],
  }))) {
    await settle();
    leaves++;
    if (l.position !== BigInt(frontier.size)) {
      adds.root({ invariant: "checkpoint-root", message: `the checkpoint log has leaf ${l.position} where leaf ${frontier.size} was expected`, facts: { position: l.position.toString(), expected: frontier.size } });
    }
    const cp = state.pending?.id.toString() ?? null;
    if (cp === null) {
      adds.root({ invariant: "checkpoint-root", message: `the checkpoint log has leaf ${l.position} past the last checkpoint`, facts: { position: l.position.toString() } });
    }
    checkLeaf(adds, l, cp ?? "none");
    frontier.push(l.leaf_hash);
  }
  await settle();
  for (let c = state.pending; c; c = (await list.next()).value as CheckpointRow | undefined) {
    state.checkpoints++;
    adds.root({
      invariant: "checkpoint-root",
      message: `checkpoint ${c.id} (${c.at}) covers ${c.count} leaves but the checkpoint log holds ${frontier.size}`,
      facts: { checkpoint: c.id.toString(), count: c.count.toString(), leaves: frontier.size },
    });
  }
  return { checkpoints: state.checkpoints, leaves };
}

/** The leaf recorded then against today's record. */
function checkLeaf(adds: Record<"cut" | "rewritten" | "changed", Add>, l: LogRow, cp: string): void {
  const here = present(l);
  if (here && leafHashOf(l) === l.leaf_hash) return;
  if (l.kind === "chain-head") {
    const facts = { chain: l.key, seq: String(l.seq), checkpoint: cp };
    if (!here) {
      adds.cut({
        invariant: "checkpoint-chain-cut",
        message: `chain ${l.key}: checkpoint ${cp} recorded its head at link ${l.seq}, but the chain now ends at ${l.chain_end ?? "nothing"} (cut)`,
        facts: { ...facts, chainEnd: l.chain_end?.toString() ?? null },
      });
    } else {
      adds.rewritten({
        invariant: "checkpoint-chain-rewritten",
        message: `chain ${l.key} link ${l.seq} is not the link checkpoint ${cp} recorded (the chain was rewritten)`,
        facts: { ...facts, hash: l.hash },
      });
    }
    return;
  }
  adds.changed({
    invariant: "checkpoint-record-changed",
    message: `${l.kind} ${l.key}: ${here ? "changed" : "gone from the ledger"} since checkpoint ${cp} recorded it`,
    facts: { kind: l.kind, key: l.key, checkpoint: cp },
  });
}

/** A checkpoint whose leaves have all been read: its root and frontier are what they give. */
function checkOne(add: Add, state: { expectId: bigint; prevCount: bigint; checkpoints: number }, c: CheckpointRow, frontier: Frontier): void {
  state.checkpoints++;
  const facts = { checkpoint: c.id.toString(), count: c.count.toString() };
  const problem = (message: string, more: Record<string, string | null> = {}) =>
    add({ invariant: "checkpoint-root", message: `checkpoint ${c.id} (${c.at}): ${message}`, facts: { ...facts, ...more } });
  if (c.id !== state.expectId) problem(`its id follows ${state.expectId - 1n}`);
  if (c.count < state.prevCount) problem(`covers ${c.count} leaves, fewer than the ${state.prevCount} of the checkpoint before`);
  state.expectId = c.id + 1n;
  state.prevCount = c.count;
  if (c.count !== BigInt(frontier.size)) return;
  const root = frontier.root();
  if (root !== c.root) problem(`recorded root ${c.root} but its ${c.count} leaves give ${root}`, { root: c.root, recomputed: root });
  else if (JSON.stringify(canonical(c.frontier)) !== JSON.stringify(canonical(frontier.toJSON()))) problem("its recorded frontier is not the one its leaves give");
}
