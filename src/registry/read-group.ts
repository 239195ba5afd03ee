// Coalesced holdings reads: the holdings reads that arrive while others are in flight are
// answered together by one statement, as the ledger's group commit gathers writes
// (src/registry/ledger/group.ts; docs/concepts/ledger-performance.md, "Coalesced reads"). A read
// goes at once when fewer than `slots` statements are in flight (so a lone read never waits);
// otherwise it waits in a queue, and when a statement comes back the queued reads (up to
// `maxGroup`) leave together in the next one. A read only ever joins a statement not yet sent,
// so the statement that answers it starts after it arrived and sees every write committed before
// then, as a read alone would (read committed: each statement takes its own snapshot).
//
// Each member of a group carries its own scope (any account, or only those a user represents),
// checked in the statement member by member: one member's account being unknown or not its to
// see leaves the others' answers untouched. If the group's statement fails, every member is read
// alone, so each gets the answer (or the error) it would have had alone.
import type { Sql } from "../store/db.ts";
import { HOLDING_COLUMNS, HOLDING_JOIN, type HoldingRow, holdingView } from "./ledger/reads.ts";
import type { HoldingView } from "./ledger/types.ts";

/** One holdings read: the account, and whose scope it is read in. */
export interface HoldingsAsk {
  readonly accountId: string;
  /** null: any account (administrators, the authority); a user id: only an account that user represents. */
  readonly representedBy: string | null;
}

export interface ReadGroupOptions {
  /** How many holdings statements may be in flight at once (alone or as groups). */
  readonly slots?: number;
  /** The most reads one statement carries. */
  readonly maxGroup?: number;
}

/**
 * One statement in flight: the reads that arrive meanwhile form the next group, and the pool's
 * other connections stay free for the other routes. Measured against two in flight in the same
 * runs (bench/api.bench.ts, 16 clients, 2026-12-07, load 11): 1.02-1.28 times the rate, groups of
 * 4-5 reads instead of 3, and a third less PostgreSQL CPU per read.
 */
export const DEFAULT_READ_SLOTS = 1;

/**
 * The most reads one statement answers: bounds its parameter arrays, the rows held for one answer
 * (a member's rows are one per class it holds) and the wait of a read queued behind a full group.
 * The bench's 16 clients make groups of 4-5, so the bound only matters under far more concurrent
 * reads, where a group of 32 already shares its round trip 32 ways.
 */
export const MAX_READ_GROUP = 32;

/**
 * The holdings of many (scope, account) pairs in one statement: a row per class held, numbered by
 * the pair's position (1-based); a pair whose account is unknown or out of its scope has no row,
 * and an account holding nothing has one row with a null class. Kept prepared (one text for every
 * group size: the pairs are two array parameters).
 */
const GROUP_READ = `SELECT q.i, ${HOLDING_COLUMNS}
     FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS q(account_id, user_id, i)
     JOIN accounts a ON a.id = q.account_id
     ${HOLDING_JOIN}
     WHERE q.user_id IS NULL OR EXISTS (SELECT 1 FROM representatives r WHERE r.account_id = a.id AND r.user_id = q.user_id)
     ORDER BY q.i, c.code`;

interface Waiting {
  readonly ask: HoldingsAsk;
  resolve(h: HoldingView[] | undefined): void;
  reject(e: unknown): void;
}

export class HoldingsReadGroup {
  /** Statements sent, reads answered by them, the most in one, and groups whose members were read alone after a failure. */
  readonly stats = { statements: 0, reads: 0, largest: 0, fallbacks: 0 };
  readonly slots: number;
  readonly maxGroup: number;
  private inFlight = 0;
  private queue: Waiting[] = [];

  /** `alone`: the read of one pair by itself, for the members of a group whose statement failed. */
  constructor(
    private readonly sql: Sql,
    private readonly alone: (ask: HoldingsAsk) => Promise<HoldingView[] | undefined>,
    opts: ReadGroupOptions = {},
  ) {
    this.slots = Math.max(1, Math.floor(opts.slots ?? DEFAULT_READ_SLOTS));
    this.maxGroup = Math.max(1, Math.min(MAX_READ_GROUP, Math.floor(opts.maxGroup ?? MAX_READ_GROUP)));
  }

  /** The account's holdings (without blocks) in the ask's scope; undefined when it is unknown or out of scope. */
  read(ask: HoldingsAsk): Promise<HoldingView[] | undefined> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ask, resolve, reject });
      this.drain();
    });
  }

  private drain(): void {
    while (this.inFlight < this.slots && this.queue.length > 0) {
      const members = this.queue.splice(0, this.maxGroup);
      this.inFlight++;
      this.send(members)
        .catch((e: unknown) => {
          for (const m of members) m.reject(e); // a bug in splitting the answer: every member learns it
        })
        .finally(() => {
          this.inFlight--;
          this.drain();
        });
    }
  }

  private async send(members: readonly Waiting[]): Promise<void> {
    let rows: Array<HoldingRow & { i: bigint }>;
    try {
      const r = await this.sql.query<HoldingRow & { i: bigint }>(
        GROUP_READ,
        [members.map((m) => m.ask.accountId), members.map((m) => m.ask.representedBy)],
        { prepare: true },
      );
      rows = r.rows;
    } catch (e) {
      if (members.length === 1) return (members[0] as Waiting).reject(e);
      this.stats.fallbacks++;
      await Promise.all(members.map((m) => this.alone(m.ask).then(m.resolve, m.reject)));
      return;
    }
    this.stats.statements++;
    this.stats.reads += members.length;
    this.stats.largest = Math.max(this.stats.largest, members.length);
    const answers = split(rows, members.length);
    members.forEach((m, k) => m.resolve(answers[k]));
  }
}

/** The rows of a group's statement as each member's answer, by position (rows come ordered by it). */
function split(rows: ReadonlyArray<HoldingRow & { i: bigint }>, n: number): Array<HoldingView[] | undefined> {
  const out: Array<HoldingView[] | undefined> = Array.from({ length: n }, () => undefined);
  for (const row of rows) {
    const k = Number(row.i) - 1;
    const held = (out[k] ??= []);
    const h = holdingView(row);
    if (h) held.push(h);
  }
  return out;
}
