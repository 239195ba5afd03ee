// One dedicated connection that LISTENs on a PostgreSQL channel (not taken from the pool: a pooled
// connection is shared and released, and a LISTEN lives only as long as its connection). Used by
// the server to hear credential changes made by any process (src/store/migrations/auth-notify.ts).
// While the connection is not established (before the first connect, after an error or a drop)
// `listening` is false and a consumer must assume it misses notices; on every (re)connection it is
// told first (onListening), then notices follow. Reconnects with a doubling back-off. A connection
// that goes silent (a network partition: no error, no end, and no notices either) is found by a
// heartbeat, a `SELECT 1` every few seconds that must answer in time, and counted as lost.
import pg from "pg";

export interface Listener {
  /** True while the LISTEN connection is established: every notice committed from now on arrives. */
  readonly listening: boolean;
  /** Stops listening and ends the connection; no reconnection afterwards. */
  close(): Promise<void>;
}

export interface ListenOptions {
  /** A notice arrived on the channel. */
  onNotice(payload: string | undefined): void;
  /** The connection is (again) established and listening: notices may have been missed before. */
  onListening(): void;
  /** The connection was lost (or could not be made); `listening` is false until onListening. */
  onLost(err: unknown): void;
  /** First and largest wait before reconnecting (ms); default 100 and 5,000. */
  backoffMs?: { first: number; max: number };
  /** How often the connection is proved alive, and how long a connect or the proof may take (ms); default 5,000 each. */
  heartbeatMs?: number;
}

export function listenPostgres(url: string, channel: string, opts: ListenOptions): Listener {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new Error(`not a channel name: ${channel}`);
  const first = opts.backoffMs?.first ?? 100;
  const max = opts.backoffMs?.max ?? 5_000;
  let wait = first;
  let listening = false;
  let closed = false;
  let client: pg.Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  const beatMs = opts.heartbeatMs ?? 5_000;

  const lost = (c: pg.Client, err: unknown) => {
    if (client !== c) return; // an older connection's late event
    client = undefined;
    const was = listening;
    listening = false;
    if (heartbeat) clearInterval(heartbeat);
    heartbeat = undefined;
    c.removeAllListeners("notification");
    c.end().catch(() => undefined);
    if (closed) return;
    if (was || err !== undefined) opts.onLost(err);
    timer = setTimeout(connect, wait);
    timer.unref();
    wait = Math.min(max, wait * 2);
  };

  const connect = () => {
    timer = undefined;
    if (closed) return;
    const c = new pg.Client({ connectionString: url, application_name: "openets-listen", connectionTimeoutMillis: beatMs, query_timeout: beatMs, keepAlive: true });
    client = c;
    c.on("error", (err) => lost(c, err));
    c.on("end", () => lost(c, new Error("the LISTEN connection ended")));
    c.on("notification", (n) => {
      if (n.channel === channel && client === c && listening) opts.onNotice(n.payload);
    });
    c.connect()
      .then(() => c.query(`LISTEN ${channel}`))
      .then(() => {
        if (client !== c || closed) return;
        listening = true;
        wait = first;
        heartbeat = setInterval(() => {
          c.query("SELECT 1").catch((err: unknown) => lost(c, err));
        }, beatMs);
        heartbeat.unref();
        opts.onListening();
      })
      .catch((err: unknown) => lost(c, err));
  };

  connect();
  return {
    get listening() {
      return listening;
    },
    async close() {
      closed = true;
      listening = false;
      if (timer) clearTimeout(timer);
      if (heartbeat) clearInterval(heartbeat);
      const c = client;
      client = undefined;
      if (c) {
        c.removeAllListeners("notification");
        await c.end().catch(() => undefined);
      }
    },
  };
}
