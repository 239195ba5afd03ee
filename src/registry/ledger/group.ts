// Group commit of single proposals (on unless LedgerOptions.groupCommit is false; figures in
// docs/concepts/ledger-performance.md). A proposal the planner made on
// remembered rows, and that may join a group (src/domain/ledger/plan/group.ts), asks for a write
// slot. It waits in a queue for one turn of the event loop (with a slot free) or until a slot
// frees, so that the proposals arriving with it go with it: the queued proposals (up to
// `maxGroup`) are applied together in one ledger_write call and one database transaction, hooks included
// (ledger-perf-003: the set path, each member its own transaction). Each caller's promise
// settles only after that transaction committed. A proposal that finds itself alone in the queue
// goes alone, through the ordinary path: a caller alone, and every sequential caller, gets what it
// had without group commit, one turn of the event loop later.
//
// A group is never all-or-nothing across callers: if its write fails for any reason (an
// expectation changed, units missing, an id used before, a hook's refusal, a serialization
// failure), every member is applied alone through the ordinary path with its re-plans, so each
// caller gets exactly the answer it would have had alone.
import { groupPlans, MAX_GROUP, type Plan } from "../../domain/ledger/plan.ts";
import type { Applied, Move } from "./apply.ts";

export interface GroupCommitOptions {
  /** How many writes of groupable proposals may be in flight at once (alone or as groups). */
  readonly slots?: number;
  /** The most proposals one group carries (at most MAX_GROUP). */
  readonly maxGroup?: number;
}

/** What became of a proposal that asked for a slot. */
export type GroupTurn =
  /** Write it alone now, through the ordinary path; call release() when done. */
  | { readonly kind: "go" }
  /** It was applied in a group, committed, with these moves. */
  | { readonly kind: "done"; readonly moves: readonly Move[] }
  /** Its group's write failed: apply it alone through the ordinary path (no slot is held). */
  | { readonly kind: "alone" };

interface Waiting {
  readonly plan: Plan;
  resolve(turn: GroupTurn): void;
}

/** Two writes in flight: measured best of 1, 2 and 4 on the 2-core bench machine (docs/concepts/ledger-performance.md). */
export const DEFAULT_GROUP_SLOTS = 2;

export class GroupCommit {
  /** Groups written, proposals committed in them, and groups whose members went alone after a failed write. */
  readonly stats = { groups: 0, grouped: 0, fallbacks: 0 };
  readonly slots: number;
  readonly maxGroup: number;
  private inFlight = 0;
  private queue: Waiting[] = [];
  /** A drain is due at the next turn of the event loop (turn()). */
  private gathering = false;

  constructor(
    private readonly write: (plan: Plan) => Promise<Applied>,
    opts: GroupCommitOptions = {},
  ) {
    this.slots = Math.max(1, Math.floor(opts.slots ?? DEFAULT_GROUP_SLOTS));
    this.maxGroup = Math.max(1, Math.min(MAX_GROUP, Math.floor(opts.maxGroup ?? MAX_GROUP)));
  }

  /**
   * A groupable proposal's plan asks for a write slot. With a slot free it waits one turn of the
   * event loop for the proposals that arrive with it (the members of a group just committed come
   * back together), also when nothing is in flight: when the first of them took a free slot alone,
   * a quarter of figure 1's transfers were written one by one (until 2026-12-07 17:00 UTC), and
   * when the first found nothing in flight and went at once, an eighth still were (until 20:50
   * UTC), each write costing the database about as much as a group's; measured in
   * docs/concepts/ledger-performance.md.
   */
  turn(plan: Plan): Promise<GroupTurn> {
    const waiting = new Promise<GroupTurn>((resolve) => this.queue.push({ plan, resolve }));
    if (this.inFlight < this.slots && !this.gathering) {
      this.gathering = true;
      setImmediate(() => {
        this.gathering = false;
        this.drain();
      });
    }
    return waiting;
  }

  /** The proposal that got "go" is written: its slot serves the queue. */
  release(): void {
    this.inFlight--;
    this.drain();
  }

  private drain(): void {
    while (this.inFlight < this.slots && this.queue.length > 0) {
      const waiting = this.queue;
      if (waiting.length === 1) {
        this.queue = [];
        this.inFlight++;
        (waiting[0] as Waiting).resolve({ kind: "go" });
        continue;
      }
      const { plan, taken, left } = groupPlans(waiting.map((w) => w.plan), this.maxGroup);
      this.queue = left.map((i) => waiting[i] as Waiting);
      const members = taken.map((i) => waiting[i] as Waiting);
      this.inFlight++;
      if (members.length === 1) {
        (members[0] as Waiting).resolve({ kind: "go" });
        continue;
      }
      void this.apply(plan, members).finally(() => this.release());
    }
  }

  private async apply(plan: Plan, members: readonly Waiting[]): Promise<void> {
    let applied: Applied | undefined;
    try {
      applied = await this.write(plan);
    } catch {
      applied = undefined;
    }
    if (applied?.kind === "done") {
      const moves = applied.moves;
      this.stats.groups++;
      this.stats.grouped += members.length;
      members.forEach((m, i) => m.resolve({ kind: "done", moves: moves[i] ?? [] }));
      return;
    }
    this.stats.fallbacks++;
    for (const m of members) m.resolve({ kind: "alone" });
  }
}
