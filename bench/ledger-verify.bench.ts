// `npm run bench -- ledger` (or `-- ledger-verify` alone): `verify` on a ledger of 10,000,000
// movements on a real PostgreSQL server, for its speed and its peak memory.
//
// The ledger is built by bench/support/verify-ledger.ts (the allocations through ledger_apply,
// the trading rounds by SQL in the same shapes; see there why it is a fair ledger), then verified
// in a child process so that the peak memory measured (the kernel's max RSS of that process) is
// verify's alone. Figures, each beside a baseline measured in the same run:
// 1. movements verified per second, beside the movements per second of PostgreSQL counting the
//    same table (`SELECT count(*) FROM movements`, a sequential scan): how far verify is from the
//    cheapest possible pass over the rows.
// 2. verify's peak memory, beside the peak memory of the same child process that only runs that
//    count (Node, tsx and the driver). Goal: at most 512 MB whatever the ledger's size.
// Before verify, one checkpoint is recorded (logged with its time: the first checkpoint of a big
// ledger takes every account record and chain head), so that verify also proves one.
// ETS_BENCH_VERIFY_MOVEMENTS sets the size (default 10,000,000; building it takes most of the
// run). The cluster runs with fsync off: verify only reads, and the build does not measure anything.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { systemClock } from "../src/platform/clock.ts";
import { recordCheckpoint } from "../src/registry/checkpoints/index.ts";
import { migrate } from "../src/store/migrate.ts";
import { openPostgres } from "../src/store/postgres.ts";
import { startPgCluster } from "../test/support/pg-cluster.ts";
import { type Figure, figure } from "./figure.ts";
import { buildVerifyLedger } from "./support/verify-ledger.ts";

const MOVEMENTS = Number(process.env.ETS_BENCH_VERIFY_MOVEMENTS ?? 10_000_000);

interface ChildResult {
  seconds: number;
  maxRssMb: number;
  movements: number;
  ok?: boolean;
  violations?: unknown[];
  checkpoints?: number;
}

function child(url: string, mode: "verify" | "count"): ChildResult {
  const out = execFileSync(process.execPath, ["--import", "tsx", join(import.meta.dirname, "support/verify-child.ts"), url, mode], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(out.trim().split("\n").pop() as string) as ChildResult;
}

export async function run(log: (s: string) => void): Promise<Figure[]> {
  // `ETS_BENCH_LEDGER=single` or `=batch` (`npm run bench -- ledger`) measures one figure of ledger.bench.ts only.
  if (process.env.ETS_BENCH_LEDGER === "single" || process.env.ETS_BENCH_LEDGER === "batch") return [];
  if (!Number.isSafeInteger(MOVEMENTS) || MOVEMENTS < 1000) throw new Error(`ETS_BENCH_VERIFY_MOVEMENTS must be a whole number of at least 1000, not ${process.env.ETS_BENCH_VERIFY_MOVEMENTS}`);
  const cluster = await startPgCluster({ fsync: false });
  try {
    const admin = openPostgres(cluster.url, { max: 1 });
    await admin.query("CREATE DATABASE bench_verify");
    await admin.close();
    const url = cluster.urlFor("bench_verify");
    const db = openPostgres(url, { max: 2 });
    const started = Date.now();
    let built;
    try {
      await migrate(db);
      built = await buildVerifyLedger(db, MOVEMENTS, log);
      const t = Date.now();
      const cp = await recordCheckpoint(db, { clock: systemClock, by: "bench" });
      log(`verify bench: first checkpoint (${cp?.count.toLocaleString("en")} leaves) recorded in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    } finally {
      await db.close();
    }
    log(`verify bench: ledger of ${built.movements.toLocaleString("en")} movements (${built.accounts} accounts, ${built.rounds} rounds) built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    // The count first, then verify: both read a table that is already in the server's cache as far as it fits.
    const count = child(url, "count");
    log(`verify bench: SELECT count(*) read ${count.movements.toLocaleString("en")} movements in ${count.seconds.toFixed(2)} s (peak RSS ${count.maxRssMb.toFixed(0)} MB)`);
    const v = child(url, "verify");
    log(`verify bench: verify read ${v.movements.toLocaleString("en")} movements in ${v.seconds.toFixed(1)} s, peak RSS ${v.maxRssMb.toFixed(0)} MB, ok: ${v.ok}, checkpoints proven: ${v.checkpoints}`);
    if (v.checkpoints !== 1) throw new Error(`verify proved ${v.checkpoints} checkpoints, expected 1`);
    if (!v.ok) throw new Error(`verify found violations on the bench ledger: ${JSON.stringify(v.violations)}`);
    if (v.movements !== built.movements || count.movements !== built.movements) throw new Error(`expected ${built.movements} movements, verify read ${v.movements}, count ${count.movements}`);
    const n = built.movements.toLocaleString("en");
    return [
      figure({
        figure: `verify movements/s (ledger of ${n} movements)`,
        value: v.movements / v.seconds,
        baseline: count.movements / count.seconds,
        unit: "movements/s",
        baselineName: "SELECT count(*) FROM movements, same server",
        goal: "verify finishes in bounded memory (next figure)",
      }),
      figure({
        figure: `verify peak memory (max RSS, ledger of ${n} movements)`,
        value: v.maxRssMb,
        baseline: count.maxRssMb,
        unit: "MB",
        baselineName: "the same process running only the count",
        goal: "value <= 512 MB",
      }),
    ];
  } finally {
    cluster.stop();
  }
}
