// Races between server processes over HTTP (test/registry/two-servers.test.ts). Two requests sent
// at once rarely meet inside the database on their own: the work before the write (authentication,
// rights, snapshot) takes longer than the write. So a trigger installed only in the test's database
// stalls the writes of the transactions (and account limits) a round races over, while they hold
// their locks; `race` sends two requests at once and counts whether they were in flight together
// through most of the stall, `meet` sends the second once the first is seen stalled (a known order).
import type { Db } from "../../src/store/db.ts";
import type { ServerProcess } from "./server-process.ts";

export interface Call {
  status: number;
  body: Record<string, unknown> & { code?: number; status?: unknown; id?: string };
  start: number;
  end: number;
}

const stallSql = (ms: number) => [
  `CREATE TABLE race_stall (id text PRIMARY KEY)`,
  `CREATE FUNCTION race_stall() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF EXISTS (SELECT 1 FROM race_stall WHERE id = coalesce(to_jsonb(NEW)->>'tx_id', to_jsonb(NEW)->>'account_id')) THEN
       PERFORM pg_sleep(${ms / 1000});
     END IF;
     RETURN NEW;
   END $$`,
  `CREATE TRIGGER race_stall BEFORE INSERT ON transaction_events FOR EACH ROW EXECUTE FUNCTION race_stall()`,
  // On update only: a proposal's INSERT ... ON CONFLICT holds the row's lock in its UPDATE, not in the BEFORE INSERT trigger.
  `CREATE TRIGGER race_stall BEFORE UPDATE ON account_limits FOR EACH ROW EXECUTE FUNCTION race_stall()`,
];

export class Racer {
  /** Rounds, and rounds whose two requests overlapped, per race. */
  readonly overlap: Record<string, { rounds: number; overlapped: number }> = {};

  private constructor(
    private readonly db: Db,
    private readonly tokens: Readonly<Record<string, string>>,
    readonly stallMs: number,
  ) {}

  /** Installs the stalling trigger in the (test) database; requests go as the users of `tokens` (API tokens). */
  static async install(db: Db, tokens: Readonly<Record<string, string>>, stallMs = 250): Promise<Racer> {
    for (const sql of stallSql(stallMs)) await db.query(sql);
    return new Racer(db, tokens, stallMs);
  }

  async call(server: ServerProcess, user: string, method: string, path: string, body?: unknown): Promise<Call> {
    const start = performance.now();
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.tokens[user]}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Call["body"]) : {}, start, end: performance.now() };
  }

  /** Marks transactions (or accounts, for their limits) whose writes stall while a race meets them. */
  async stall(...ids: string[]): Promise<void> {
    for (const id of ids) await this.db.query("INSERT INTO race_stall (id) VALUES ($1) ON CONFLICT DO NOTHING", [id]);
  }

  /** Sends two requests at once and counts whether they were in flight together through most of a stall. */
  async race(name: string, x: () => Promise<Call>, y: () => Promise<Call>): Promise<[Call, Call]> {
    const [p, q] = await Promise.all([x(), y()]);
    const o = (this.overlap[name] ??= { rounds: 0, overlapped: 0 });
    o.rounds++;
    if (Math.min(p.end, q.end) - Math.max(p.start, q.start) >= this.stallMs * 0.8) o.overlapped++;
    return [p, q];
  }

  /**
   * Sends `first`, waits until its write is stalled in the database (holding its locks; a statement
   * starting with `stalledQuery`), then sends `second`: the second meets the first mid-write.
   */
  async meet(name: string, stalledQuery: string, first: () => Promise<Call>, second: () => Promise<Call>): Promise<[Call, Call]> {
    const p = first();
    const deadline = Date.now() + 10_000;
    for (;;) {
      const r = await this.db.query("SELECT 1 FROM pg_stat_activity WHERE state = 'active' AND wait_event = 'PgSleep' AND query LIKE $1", [`${stalledQuery}%`]);
      if (r.rows.length > 0 || Date.now() > deadline) break;
      await new Promise((res) => setTimeout(res, 5));
    }
    return this.race(name, () => p, second);
  }
}
