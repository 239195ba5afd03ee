// The simulation test's injected faults. The database side is a trigger installed only in the
// test's own database (installFaults), on the two tables every write of the ledger inserts into
// under its locks (transaction_events, ledger_commands): when the session says so, it raises a
// serialization failure (SQLSTATE 40001) or stalls, mid-command, with the locks held. The client
// side is FaultyDb, a Db that arms one fault for the next write of a command:
//   serialization  the write fails with 40001; the ledger retries it itself (invisible to the caller)
//   timeout        the write runs with a tiny statement_timeout and stalls: cancelled (57014)
//   drop           the write stalls and another connection terminates its backend (57P01)
//   lost           the write commits, then the answer is lost (the caller gets an error)
// Which command gets which fault is the seed's plan (faultFor), the same on every run of a seed.
import { type Db, type Isolation, type QueryResult, type Sql, sqlState } from "../../../src/store/db.ts";
import { hashUnit } from "./world.ts";

export const FAULTS = ["serialization", "timeout", "drop", "lost"] as const;
export type Fault = (typeof FAULTS)[number];

/** Sequences count the faults the trigger raised (a sequence is not rolled back with the transaction it ran in). */
const INSTALL = [
  `CREATE SEQUENCE sim_fault_serialization`,
  `CREATE SEQUENCE sim_fault_stall`,
  `CREATE FUNCTION sim_fault() RETURNS trigger LANGUAGE plpgsql AS $$
   DECLARE
     f text := coalesce(current_setting('sim.fault', true), '');
   BEGIN
     IF f = 'serialization' THEN
       PERFORM set_config('sim.fault', '', true);
       PERFORM nextval('sim_fault_serialization');
       RAISE EXCEPTION USING ERRCODE = '40001', MESSAGE = 'could not serialize access (injected by the simulation test)';
     ELSIF f = 'stall' THEN
       PERFORM set_config('sim.fault', '', true);
       PERFORM nextval('sim_fault_stall');
       PERFORM pg_sleep(3);
     END IF;
     RETURN NEW;
   END $$`,
  `CREATE TRIGGER sim_fault BEFORE INSERT ON transaction_events FOR EACH ROW EXECUTE FUNCTION sim_fault()`,
  `CREATE TRIGGER sim_fault BEFORE INSERT ON ledger_commands FOR EACH ROW EXECUTE FUNCTION sim_fault()`,
];

/** Installs the fault trigger in a (test) database. */
export async function installFaults(db: Db): Promise<void> {
  for (const s of INSTALL) await db.query(s);
}

/** How many serialization failures and stalls the trigger raised. */
export async function faultsRaised(db: Db): Promise<{ serialization: bigint; stall: bigint }> {
  // last_value is the start value until the first nextval; is_called tells them apart.
  const n = async (seq: string) => {
    const r = await db.query<{ last_value: bigint; is_called: boolean }>(`SELECT last_value, is_called FROM ${seq}`);
    const row = r.rows[0];
    return row?.is_called ? row.last_value : 0n;
  };
  return { serialization: await n("sim_fault_serialization"), stall: await n("sim_fault_stall") };
}

/**
 * The fault planned for one sending of a command: from the seed and the command's place, so the
 * same on every run of the seed. First sendings get one now and then (and each kind once at fixed
 * places), second ones rarely, later ones never (a command always gets through in the end).
 */
export function faultFor(seed: number, client: number, n: number, attempt: number): Fault | null {
  if (attempt > 2) return null;
  // Every client gets each kind once early on (commands 5, 12, 19, 26), whatever the draws below.
  if (attempt === 1 && n >= 5 && (n - 5) % 7 === 0 && (n - 5) / 7 < FAULTS.length) return FAULTS[(n - 5) / 7] as Fault;
  const u = hashUnit(seed, `${client}/${n}/${attempt}`) * (attempt === 1 ? 1 : 3);
  const p: Record<Fault, number> = { serialization: 0.06, timeout: 0.025, drop: 0.025, lost: 0.02 };
  let acc = 0;
  for (const f of FAULTS) {
    acc += p[f];
    if (u < acc) return f;
  }
  return null;
}

/** The error a caller sees when the answer of a committed write is lost. */
export class LostAnswer extends Error {
  constructor() {
    super("connection lost before the answer arrived (injected by the simulation test; the write committed)");
  }
}

/**
 * A connection its backend was terminated under: the statement running gets 57P01 (or the socket's
 * end), a statement sent after the loss (between two statements of a transaction) "not queryable".
 */
export function dropped(err: unknown): boolean {
  return sqlState(err) === "57P01" || (err instanceof Error && /Connection terminated|not queryable/.test(err.message));
}

/** The error that shows a fault hit its write. */
function hit(f: Exclude<Fault, "lost">, err: unknown): boolean {
  const state = sqlState(err);
  if (f === "serialization") return state === "40001";
  if (f === "timeout") return state === "57014";
  return dropped(err);
}

/**
 * A Db that injects the armed fault into the next write (the ledger's one statement, ledger_write around ledger_apply,
 * or a class or account command's transaction). A write that ends before the fault could hit it
 * (refused, or a replay that writes nothing) leaves the fault armed for the client's next write,
 * so that every planned fault happens. Everything else passes through.
 */
export class FaultyDb implements Db {
  readonly kind = "postgres" as const;
  private armed: Fault | null = null;
  /** Whether the write being injected had its backend terminated. */
  private terminated = false;
  /** Faults that hit a write, by kind (serialization failures are then retried by the ledger itself). */
  readonly injected: Record<Fault, number> = { serialization: 0, timeout: 0, drop: 0, lost: 0 };

  constructor(
    private readonly db: Db,
    /** A separate connection that terminates this client's backends. */
    private readonly admin: Db,
    private readonly dropAfterMs: () => number,
  ) {}

  /** Arms a fault for the next write (a planned fault replaces one still waiting). */
  arm(f: Fault): void {
    this.armed = f;
  }

  private take(): Fault | null {
    const f = this.armed;
    this.armed = null;
    return f;
  }

  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    const f = text.includes("ledger_apply(") || text.includes("ledger_write(") ? this.take() : null;
    if (f === null) return this.db.query<R>(text, params);
    if (f === "lost") return this.lose(() => this.db.query<R>(text, params));
    return this.db.transaction((tx) => this.inject(f, tx, () => tx.query<R>(text, params)));
  }

  transaction<T>(fn: (tx: Sql) => Promise<T>, opts?: { isolation?: Isolation }): Promise<T> {
    const f = this.take();
    if (f === null) return this.db.transaction(fn, opts);
    if (f === "lost") return this.lose(() => this.db.transaction(fn, opts));
    return this.db.transaction((tx) => this.inject(f, tx, () => fn(tx)), opts);
  }

  exec(script: string): Promise<void> {
    return this.db.exec(script);
  }

  close(): Promise<void> {
    return this.db.close();
  }

  /** The write commits, and then its answer never arrives (a write that fails keeps the fault armed). */
  private async lose<T>(run: () => Promise<T>): Promise<T> {
    try {
      await run();
    } catch (err) {
      this.armed ??= "lost";
      throw err;
    }
    this.injected.lost++;
    throw new LostAnswer();
  }

  private async inject<T>(f: Exclude<Fault, "lost">, tx: Sql, run: () => Promise<T>): Promise<T> {
    this.terminated = false;
    try {
      const out = await this.attempt(f, tx, run);
      // A write that finished before the stall (a replay writes nothing) may still have had its
      // backend terminated, on a slow machine: then its commit fails, and that is the fault.
      if (f === "drop" && this.terminated) this.injected.drop++;
      else this.armed ??= f;
      return out;
    } catch (err) {
      if (hit(f, err)) this.injected[f]++;
      else this.armed ??= f;
      throw err;
    }
  }

  private async attempt<T>(f: Exclude<Fault, "lost">, tx: Sql, run: () => Promise<T>): Promise<T> {
    if (f === "serialization") {
      await tx.query("SELECT set_config('sim.fault', 'serialization', true)");
      return run();
    }
    await tx.query("SELECT set_config('sim.fault', 'stall', true)");
    if (f === "timeout") {
      await tx.query("SET LOCAL statement_timeout = 150");
      return run();
    }
    const pid = (await tx.query<{ p: number }>("SELECT pg_backend_pid() AS p")).rows[0]?.p as number;
    let kill: Promise<unknown> = Promise.resolve();
    const timer = setTimeout(() => {
      this.terminated = true;
      kill = this.admin.query("SELECT pg_terminate_backend($1)", [pid]);
    }, this.dropAfterMs());
    try {
      return await run();
    } finally {
      clearTimeout(timer);
      await kill;
    }
  }
}
