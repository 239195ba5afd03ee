// `npm run bench -- ledger-floor` (also run by `npm run bench -- ledger`): the least a batch of
// 1,000 allocations can cost the database, whatever the code that writes it. Each batch here is
// only the rows a batch writes, put in by one bare set-based INSERT per table (no plan, no checks,
// no locks, no PL/pgSQL, no JSON to parse, chain hashes not even chained), committed durably; its
// rate is the ceiling of figure 2 of bench/ledger.bench.ts on this machine, beside the same
// pgbench tps. Three row designs, alternated batch by batch so each sees the same load:
// - today's: per transfer a transaction, its leg, event and state, a movement, the destination's
//   new block (under the GiST exclusion constraint), the destination's balance and two chain
//   links (the source's and the destination's), in the migrated schema itself;
// - today's rows with the destination blocks in a copy of the table without the exclusion index;
// - the fewest rows the four design changes of docs/concepts/ledger-performance.md ("What the goal
//   of 10 still needs") would leave together: the leg, event and state folded into the
//   transaction's row, one chain link per account per batch, blocks without the GiST index.
// Not a test: the figures are reported, with no goal of their own.
import { loadavg } from "node:os";
import { migrate } from "../src/store/migrate.ts";
import { openPostgres } from "../src/store/postgres.ts";
import { startPgCluster } from "../test/support/pg-cluster.ts";
import { type Figure, figure } from "./figure.ts";
import { pgbenchTps } from "./support/pgbench.ts";

const N = 1000;
const BATCHES = Number(process.env.ETS_BENCH_FLOOR_BATCHES ?? 12);
const WARM_UP = 2;
const SECONDS = Number(process.env.ETS_BENCH_SECONDS ?? 10);

/** One batch's statements of a design: `b` numbers the batch, so serials, ids and chain positions never repeat. */
type Design = (b: number) => string[];

const tx = (b: number) => `'f-${b}-' || i`;
const series = `generate_series(1, ${N}) i`;
/** A transfer's canonical request, about the size of a batch member's. */
const request = (b: number) =>
  `jsonb_build_object('kind', 'allocation', 'legs', jsonb_build_array(jsonb_build_object('classCode', 'A-2026', 'from', 'A-NHA', 'quantity', '2000', 'to', 'A-OHA-' || i)), 'transactionId', ${tx(b)})`;
const serialStart = (b: number) => `(${b}::int8 * ${N} + i) * 2000 + 1`;
const serialEnd = (b: number) => `(${b}::int8 * ${N} + i) * 2000 + 2000`;
const hash = (what: string) => `encode(sha256(convert_to(${what}, 'UTF8')), 'hex')`;

const common = (b: number, blocks: string): string[] => [
  `INSERT INTO movements SELECT ${tx(b)}, 1, 1, 1, 'A-NHA', 'A-OHA-' || i, ${serialStart(b)}, ${serialEnd(b)} FROM ${series}`,
  `INSERT INTO ${blocks} (class_id, account_id, serial_start, serial_end) SELECT 1, 'A-OHA-' || i, ${serialStart(b)}, ${serialEnd(b)} FROM ${series}`,
  `INSERT INTO balances (account_id, class_id, quantity, earmarked) SELECT 'A-OHA-' || i, 1, 2000, 0 FROM ${series}
     ON CONFLICT (account_id, class_id) DO UPDATE SET quantity = balances.quantity + EXCLUDED.quantity`,
];

const todays = (blocks: string): Design => (b) => [
  `INSERT INTO transactions (id, kind, request, initiator, created_at, idem_scope, idem_key, batch_id) SELECT ${tx(b)}, 'allocation', ${request(b)}, 'bench', now(), '', ${tx(b)}, 'floor-${b}' FROM ${series}`,
  `INSERT INTO transaction_legs SELECT ${tx(b)}, 1, 1, 'A-NHA', 'A-OHA-' || i, 2000 FROM ${series}`,
  `INSERT INTO transaction_events (tx_id, seq, status, at, actor, detail, lseq) SELECT ${tx(b)}, 1, 'completed', now(), 'bench', '{}', ${b}::int8 * ${N} + i FROM ${series}`,
  `INSERT INTO tx_state (tx_id, status, seq, last_actor) SELECT ${tx(b)}, 'completed', 1, 'bench' FROM ${series}`,
  ...common(b, blocks),
  `INSERT INTO chain_links SELECT c, CASE WHEN c = 'A-NHA' THEN ${b}::int8 * ${N} + i ELSE ${b} END, ${tx(b)}, ${hash("c || i")}, ${hash(`c || ${tx(b)}`)}
     FROM ${series}, LATERAL (VALUES ('A-OHA-' || i), ('A-NHA')) v(c)`,
];

const fewest: Design = (b) => [
  `INSERT INTO floor_tx (id, kind, request, initiator, created_at, idem_scope, idem_key, batch_id, class_id, from_account, to_account, quantity, status, seq, last_actor)
     SELECT ${tx(b)}, 'allocation', ${request(b)}, 'bench', now(), '', ${tx(b)}, 'floor-${b}', 1, 'A-NHA', 'A-OHA-' || i, 2000, 'completed', 1, 'bench' FROM ${series}`,
  ...common(b, "floor_blocks"),
  `INSERT INTO chain_links SELECT 'A-OHA-' || i, ${b}, ${tx(b)}, ${hash("'A-OHA-' || i")}, ${hash(tx(b))} FROM ${series}`,
  `INSERT INTO chain_links VALUES ('A-NHA', ${b}, 'floor-${b}', ${hash("'prev'")}, ${hash(`'floor-${b}'`)})`,
];

/** Tables for the other designs beside the migrated schema: blocks without the exclusion index, a transaction row with its leg and state folded in. */
const SCRATCH = [
  `CREATE TABLE floor_blocks (LIKE blocks INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`,
  `CREATE INDEX ON floor_blocks (account_id, class_id, serial_start)`,
  `CREATE UNIQUE INDEX ON floor_blocks (class_id, serial_end)`,
  `CREATE UNIQUE INDEX ON floor_blocks (class_id, serial_start)`,
  `CREATE TABLE floor_tx (LIKE transactions INCLUDING ALL, class_id int NOT NULL, from_account text, to_account text NOT NULL, quantity int8 NOT NULL CHECK (quantity > 0), status text NOT NULL, seq int NOT NULL, last_actor text)`,
  `CREATE INDEX ON floor_tx (from_account)`,
  `CREATE INDEX ON floor_tx (to_account)`,
];

export async function run(log: (s: string) => void): Promise<Figure[]> {
  log(`load average (1 min) at the start: ${loadavg()[0]?.toFixed(2)}`);
  const cluster = await startPgCluster({});
  try {
    const pgb = pgbenchTps(cluster, 8, SECONDS, log);
    const admin = openPostgres(cluster.url, { max: 1 });
    await admin.query("CREATE DATABASE floor");
    await admin.close();
    const db = openPostgres(cluster.urlFor("floor"), { max: 1 });
    try {
      await migrate(db);
      for (const s of SCRATCH) await db.query(s);
      // Each design numbers its batches in a range of its own (ids, serials and chain positions are shared tables' keys).
      const designs: [string, Design][] = [["today", todays("blocks")], ["nogist", (b) => todays("floor_blocks")(b + 100_000)], ["fewest", (b) => fewest(b + 200_000)]];
      const times = new Map<string, number[]>(designs.map(([name]) => [name, []]));
      log(`${BATCHES} batches of ${N} per design (the first ${WARM_UP} not counted), designs alternating`);
      for (let b = 0; b < BATCHES; b++) {
        const order = b % 2 === 0 ? designs : [...designs].reverse();
        for (const [name, design] of order) {
          const t0 = performance.now();
          await db.transaction(async (t) => {
            for (const s of design(b)) await t.query(s);
          });
          if (b >= WARM_UP) times.get(name)?.push(performance.now() - t0);
        }
      }
      const rate = (name: string) => N / (median(times.get(name) ?? []) / 1000);
      for (const [name] of designs) log(`${name}: median ${median(times.get(name) ?? []).toFixed(1)} ms per batch of ${N}`);
      log(`load average (1 min) at the end: ${loadavg()[0]?.toFixed(2)}`);
      const row = (label: string, name: string) =>
        figure({ figure: `ledger batch floor, ${label}: transfers/s vs pgbench`, value: rate(name), unit: "transfers/s", baseline: pgb, baselineName: "pgbench tpcb-like, 8 clients, same server", goal: "reported: the ceiling of the batch figure's ratio (goal 10) for that row design" });
      return [
        row("today's rows (bare INSERTs)", "today"),
        row("today's rows, blocks without the GiST exclusion index", "nogist"),
        row("fewest rows (leg, event, state folded; one link per account per batch; no GiST)", "fewest"),
      ];
    } finally {
      await db.close();
    }
  } finally {
    await cluster.stop();
  }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}
