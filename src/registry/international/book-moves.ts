// From the ledger's moves to the Article 6 book's blocks: the serials a step moved (series = the
// class code) split by the book's pieces, so each block is one run in one state, as the book's
// commands want them. Serials the book does not hold are not ITMOs (units never issued into the
// book); each command decides what that means (a use refuses them).
import { slice } from "../../domain/international/ranges.ts";
import type { A6State, BlockInput } from "../../domain/international/article6/types.ts";
import type { Move } from "../ledger/apply.ts";

export interface Run {
  start: bigint;
  end: bigint;
}

export interface BookBlocks {
  /** Runs the book holds, one state each. */
  tracked: BlockInput[];
  /** Runs the book does not hold. */
  untracked: Array<{ series: string } & Run>;
}

/** The runs a step's moves took, per class, in move order. */
export function movedRuns(moves: readonly Move[]): Map<string, Run[]> {
  const out = new Map<string, Run[]>();
  for (const m of moves) {
    const list = out.get(m[2]) ?? [];
    list.push({ start: BigInt(m[5]), end: BigInt(m[6]) });
    out.set(m[2], list);
  }
  return out;
}

export function bookBlocks(state: A6State, moves: readonly Move[]): BookBlocks {
  const out: BookBlocks = { tracked: [], untracked: [] };
  for (const [series, runs] of movedRuns(moves)) {
    const map = state.blocks.get(series) ?? [];
    for (const run of runs) {
      let next = run.start;
      for (const p of slice(map, run.start, run.end)) {
        if (p.start > next) out.untracked.push({ series, start: next, end: p.start - 1n });
        out.tracked.push({ series, start: p.start, end: p.end });
        next = p.end + 1n;
      }
      if (next <= run.end) out.untracked.push({ series, start: next, end: run.end });
    }
  }
  return out;
}

/** Whether any of the blocks is active in the book (still to be used, cancelled or sent). */
export function anyActive(state: A6State, blocks: readonly BlockInput[]): boolean {
  return blocks.some((b) => slice(state.blocks.get(b.series) ?? [], BigInt(b.start), BigInt(b.end)).some((p) => p.value.status === "active"));
}
