// Profiles allocation delivery in batches of 1,000 (bench/ledger.bench.ts figure 2) on a private
// PostgreSQL cluster: per batch, the wall time of registry.batch, the CPU its backend spent
// (/proc/PID/stat of the one connection, in 10 ms ticks: hence the means over many batches) and
// the Node.js process's CPU. Not a test and not a benchmark figure.
//
//   npx tsx scripts/profile-batch.ts [--batches N] [--explain] [--ab FILE]
//
// --explain: auto_explain's plans (ANALYZE, BUFFERS, nested statements of the ledger functions)
//   of the last batch, printed per statement, longest first (timing every row inflates the
//   statements that loop over many rows; compare with the CPU means, not alone).
// --ab FILE: a same-run comparison of SQL function definitions: FILE holds CREATE OR REPLACE
//   FUNCTION statements separated by lines `-- next`; batches alternate between the migrated
//   definitions (A) and FILE's (B), and the means are printed for each.
// --perf FILE: `perf record -g` of the backend during the batches (from the third), into FILE.
// --single SECONDS: instead of batches, figure 1's workload (8 clients, each transferring 1 unit
//   at a time, group commit at its default) for SECONDS after 2 s of warm-up; with --perf, all
//   8 backends are recorded; with --ab FILE, --rounds N (6) rounds of SECONDS alternate A and B.
//   Each round prints, per transfer, the backends' CPU and minor page faults and the Node.js
//   process's CPU (process.cpuUsage: every thread) and minor faults (/proc/PID/stat, field 10).
//   --rounds N without --ab repeats the same code. --cpu-prof FILE writes a V8 CPU profile of
//   this process over the rounds (node:inspector; open it in Chrome's DevTools). --pgbench then
//   runs pgbench's TPC-B-like workload on the same cluster for SECONDS and prints the same
//   figures of its backends per transaction, the baseline beside ours. --node-ab DIR alternates
//   rounds between this checkout's service (A) and DIR's (B, another checkout of the project with
//   its own src/) on the same cluster: a same-run A/B of a Node.js-side change; --slots-b N
//   alternates the default group commit (A) with N write slots (B); --slots-b off, with none;
//   --group-b JSON with these group commit options (e.g. '{"maxGroup":4}').
import { execFileSync, spawn } from "node:child_process";
import { Session } from "node:inspector/promises";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { LedgerService } from "../src/registry/ledger/index.ts";
import { migrate } from "../src/store/migrate.ts";
import type { Db } from "../src/store/db.ts";
import { openPostgres } from "../src/store/postgres.ts";
import { startPgCluster } from "../test/support/pg-cluster.ts";

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
};
const explain = process.argv.includes("--explain");
const abFile = arg("--ab");
const N = 1000;
const BATCHES = Number(arg("--batches") ?? 8);
const single = arg("--single");
const cluster = await startPgCluster({});
try {
  if (single !== undefined) {
    await profileSingle(Number(single));
    process.exit(0);
  }
  const admin = openPostgres(cluster.url, { max: 1 });
  await admin.query("CREATE DATABASE prof");
  await admin.close();
  const db = openPostgres(cluster.urlFor("prof"), { max: 1 });
  await migrate(db);
  const ledger = await LedgerService.open(db);
  const must = (r: { ok: boolean }) => {
    if (!r.ok) throw new Error(JSON.stringify(r));
  };
  must(await ledger.defineClass({ commandId: "a-class", code: "A-2026", unitType: "allowance", scheme: "A" }));
  must(await ledger.openAccount({ commandId: "a-nha", accountId: "A-NHA", type: "national_issuance", holder: "s", name: "s" }));
  // Every batch goes to the same 1,000 installations: each gets a new block per batch (the serials
  // between two batches' blocks of one account belong to the others), as in the bench.
  for (let i = 0; i < N; i++) must(await ledger.openAccount({ commandId: `a-open-${i}`, accountId: `A-OHA-${i}`, type: "operator_holding", holder: `op-${i}`, name: "n", installation: `I-${i}` }));
  must(await ledger.propose({ transactionId: "a-issue", kind: "issuance", legs: [{ classCode: "A-2026", from: null, to: "A-NHA", quantity: String(N * BATCHES * 2000) }] }));
  const pid = Number((await db.query<{ p: number }>("SELECT pg_backend_pid() AS p")).rows[0]?.p);
  const cpu = () => {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(f[11]) + Number(f[12])) * 10; // utime + stime, in ms (100 ticks/s)
  };
  const variants = await abVariants(db);
  const perfOut = arg("--perf");
  let perf: ReturnType<typeof spawn> | undefined;
  const sums = [{ n: 0, db: 0, node: 0, wall: 0 }, { n: 0, db: 0, node: 0, wall: 0 }];
  for (let b = 0; b < BATCHES; b++) {
    if (perfOut && b === 2) {
      perf = spawn("perf", ["record", "-F", "1999", "-g", "-p", String(pid), "-o", perfOut], { stdio: "ignore" });
      await new Promise((r) => setTimeout(r, 500));
    }
    const v = abFile ? b % 2 : 0;
    for (const def of variants[v] ?? []) await db.query(def);
    const last = explain && b === BATCHES - 1;
    if (last) {
      await db.query("LOAD 'auto_explain'");
      for (const s of ["log_min_duration = 0", "log_analyze = on", "log_buffers = on", "log_nested_statements = on", "log_timing = on"]) await db.query(`SET auto_explain.${s}`);
    }
    const transfers = Array.from({ length: N }, (_, j) => ({ classCode: "A-2026", from: "A-NHA", to: `A-OHA-${j}`, quantity: String(500 + ((b * N + j) % 997)) }));
    const c0 = cpu();
    const n0 = process.cpuUsage();
    const t0 = performance.now();
    must(await ledger.batch({ batchId: `a-batch-${b}`, kind: "allocation", transfers }));
    const wall = performance.now() - t0;
    const n1 = process.cpuUsage(n0);
    const node = (n1.user + n1.system) / 1000;
    const dbCpu = cpu() - c0;
    process.stdout.write(`batch ${b}${abFile ? ` (${v ? "B" : "A"})` : ""}: ${wall.toFixed(0)} ms wall, backend CPU ${dbCpu} ms, Node.js CPU ${node.toFixed(0)} ms\n`);
    const s = sums[v];
    if (s && b >= 2 && !last) {
      s.n++;
      s.db += dbCpu;
      s.node += node;
      s.wall += wall;
    }
  }
  if (perf) {
    const p = perf;
    await new Promise((r) => {
      p.once("exit", r);
      p.kill("SIGINT");
    });
  }
  for (const [i, s] of sums.entries()) {
    if (s.n > 0) process.stdout.write(`${abFile ? (i ? "B" : "A") : "all"}: mean of ${s.n} batches (from the third): ${(s.wall / s.n).toFixed(0)} ms wall, backend CPU ${(s.db / s.n).toFixed(1)} ms, Node.js CPU ${(s.node / s.n).toFixed(1)} ms\n`);
  }
  await db.close();
  if (explain) {
    const log = readFileSync(join(cluster.socketDir, "server.log"), "utf8");
    const re = /duration: ([\d.]+) ms\s+plan:\n\s*Query Text: ([\s\S]*?)\n(?:\t|\s{2})/g;
    const rows: [number, string][] = [];
    for (let m = re.exec(log); m; m = re.exec(log)) rows.push([Number(m[1]), (m[2] ?? "").replace(/\s+/g, " ").slice(0, 140)]);
    for (const [ms, q] of rows.sort((a, b) => b[0] - a[0]).slice(0, 40)) process.stdout.write(`${ms.toFixed(2).padStart(9)} ms  ${q}\n`);
    if (process.env.PROFILE_LOG) writeFileSync(process.env.PROFILE_LOG, log);
  }
} finally {
  cluster.stop();
}

/** --ab FILE's definitions: [the migrated ones (A), FILE's (B)], empty without --ab. */
async function abVariants(db: Pick<Db, "query">): Promise<string[][]> {
  const variants: string[][] = [[], []];
  if (!abFile) return variants;
  const b = readFileSync(abFile, "utf8").split(/^-- next$/m).map((s) => s.trim()).filter((s) => s.length > 0);
  for (const def of b) {
    const name = /FUNCTION\s+(\w+)\s*\(/i.exec(def)?.[1];
    const r = await db.query<{ d: string }>("SELECT pg_get_functiondef(p.oid) AS d FROM pg_proc p WHERE p.proname = $1", [name]);
    if (r.rows.length !== 1) throw new Error(`--ab: ${name} is not one function of the store`);
    variants[0]?.push(r.rows[0]?.d as string);
    variants[1]?.push(def);
  }
  return variants;
}

/** A process's CPU (user plus system, in ms: /proc, 100 ticks/s) and minor page faults so far. */
interface ProcUse {
  cpu: number;
  faults: number;
}

/** CPU and minor faults of each given process so far (fields 14-15 and 10 of /proc/PID/stat); a process gone is left out. */
function useOf(pids: readonly (number | "self")[]): Map<number | "self", ProcUse> {
  const out = new Map<number | "self", ProcUse>();
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      continue;
    }
    const f = stat.split(") ")[1]?.split(" ") ?? [];
    out.set(pid, { cpu: (Number(f[11]) + Number(f[12])) * 10, faults: Number(f[7]) });
  }
  return out;
}

/** CPU of this process's threads so far, in ms: the main thread (JavaScript, the event loop) and the others (V8's GC helpers, libuv). */
function threadCpu(): Map<string, number> {
  const out = new Map<string, number>();
  const main = String(process.pid);
  for (const tid of readdirSync("/proc/self/task")) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
    } catch {
      continue;
    }
    const name = tid === main ? "main thread" : "other threads";
    const f = stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
    out.set(name, (out.get(name) ?? 0) + (Number(f[11]) + Number(f[12])) * 10);
  }
  return out;
}

/** What processes spent between two readings (one that started in between counts from 0). */
function spent(before: Map<number | "self", ProcUse>, after: Map<number | "self", ProcUse>): ProcUse {
  const sum = { cpu: 0, faults: 0 };
  for (const [pid, u] of after) {
    sum.cpu += u.cpu - (before.get(pid)?.cpu ?? 0);
    sum.faults += u.faults - (before.get(pid)?.faults ?? 0);
  }
  return sum;
}

/** The load average of the last minute. */
function loadNow(): string {
  return readFileSync("/proc/loadavg", "utf8").split(" ")[0] ?? "?";
}

/**
 * Figure 1's workload for `seconds`, its backends optionally under `perf record`. With --ab FILE,
 * `--rounds N` rounds of `seconds` each alternate between the migrated definitions (A) and FILE's
 * (B), and each round prints its rate and the 8 backends' CPU per transfer.
 */
async function profileSingle(seconds: number): Promise<void> {
  const C = 8;
  const admin = openPostgres(cluster.url, { max: 1 });
  await admin.query("CREATE DATABASE prof");
  const db = openPostgres(cluster.urlFor("prof"), { max: C });
  await migrate(db);
  const ledger = await LedgerService.open(db);
  const must = (r: { ok: boolean }) => {
    if (!r.ok) throw new Error(JSON.stringify(r));
  };
  must(await ledger.defineClass({ commandId: "b-class", code: "B-2026", unitType: "allowance", scheme: "B" }));
  must(await ledger.openAccount({ commandId: "b-nha", accountId: "B-NHA", type: "national_issuance", holder: "s", name: "s" }));
  must(await ledger.propose({ transactionId: "b-issue", kind: "issuance", legs: [{ classCode: "B-2026", from: null, to: "B-NHA", quantity: "100000000" }] }));
  const legs = [];
  for (let c = 0; c < C; c++) {
    for (const side of ["S", "D"]) must(await ledger.openAccount({ commandId: `b-open-${side}${c}`, accountId: `B-${side}${c}`, type: "trading", holder: "h", name: "n" }));
    legs.push({ classCode: "B-2026", from: "B-NHA", to: `B-S${c}`, quantity: "10000000" });
  }
  must(await ledger.propose({ transactionId: "b-seed", kind: "correction", legs }));
  // --node-ab DIR: the same service from another checkout (its src/), alternating with this one round
  // by round on the same cluster and database, so that a Node.js-side change is measured against the
  // code before it in one run.
  const services = [ledger];
  const nodeAb = arg("--node-ab");
  if (nodeAb) {
    const other = (await import(pathToFileURL(join(resolve(nodeAb), "src/registry/ledger/index.ts")).href)) as typeof import("../src/registry/ledger/index.ts");
    services.push(await other.LedgerService.open(db));
  } else if (arg("--group-b") !== undefined) {
    // --group-b JSON: B is this service with these group commit options (e.g. '{"maxGroup":4}').
    services.push(await LedgerService.open(db, undefined, undefined, { groupCommit: JSON.parse(arg("--group-b") ?? "{}") }));
  } else if (arg("--slots-b") !== undefined) {
    // --slots-b N|off: B is this service with N write slots of group commit, or without it (A: the default).
    const slots = arg("--slots-b");
    services.push(await LedgerService.open(db, undefined, undefined, { groupCommit: slots === "off" ? false : { slots: Number(slots) } }));
  }
  const run = async (secs: number, tag: string, svc = ledger) => {
    let done = 0;
    const until = Date.now() + secs * 1000;
    await Promise.all(
      Array.from({ length: C }, async (_, c) => {
        for (let n = 0; Date.now() < until; n++) {
          must(await svc.propose({ transactionId: `b-${tag}-${c}-${n}`, kind: "transfer", legs: [{ classCode: "B-2026", from: `B-S${c}`, to: `B-D${c}`, quantity: "1" }] }));
          done++;
        }
      }),
    );
    return done;
  };
  for (const [i, svc] of services.entries()) await run(2, `w${i}`, svc);
  const pids = (await admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = 'prof'")).rows.map((r) => r.pid);
  const perfOut = arg("--perf");
  const perf = perfOut ? spawn("perf", ["record", "-F", "1999", "-g", "-p", pids.join(","), "-o", perfOut], { stdio: "ignore" }) : undefined;
  if (perf) await new Promise((r) => setTimeout(r, 500));
  const variants = await abVariants(db);
  const ab = services.length > 1 || abFile !== undefined;
  const rounds = Number(arg("--rounds") ?? (ab ? 6 : 1));
  const profOut = arg("--cpu-prof");
  const profiler = profOut ? new Session() : undefined;
  if (profiler) {
    profiler.connect();
    await profiler.post("Profiler.enable");
    await profiler.post("Profiler.start");
  }
  let n = 0;
  for (let k = 0; k < rounds; k++) {
    const v = k % 2;
    for (const def of variants[v] ?? []) await db.query(def);
    const svc = services[v] ?? ledger;
    const before = { ...(svc.group?.stats ?? { groups: 0, grouped: 0, fallbacks: 0 }) };
    // The pool closes connections idle for 10 s and opens new ones: the backends at the end of a
    // round are counted from their CPU at its start, or from 0 if they started during it (one that
    // closed during a round was idle, so little is lost).
    const backends = async () => (await admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = 'prof' AND pid <> pg_backend_pid()")).rows.map((r) => r.pid);
    const b0 = useOf(await backends());
    const n0 = useOf(["self"]);
    const t0 = threadCpu();
    const u0 = process.cpuUsage();
    const load = loadNow();
    const done = await run(seconds, `m${k}`, svc);
    const u1 = process.cpuUsage(u0);
    const node = spent(n0, useOf(["self"]));
    const threads = [...threadCpu()].map(([name, ms]) => `${name} ${((ms - (t0.get(name) ?? 0)) / done).toFixed(3)}`).join(", ");
    const dbUse = spent(b0, useOf(await backends()));
    const g = svc.group?.stats;
    const per = g && g.groups > before.groups ? ((g.grouped - before.grouped) / (g.groups - before.groups)).toFixed(1) : "-";
    const nodeMs = (u1.user + u1.system) / 1000;
    process.stdout.write(
      `round ${k}${ab ? ` (${v ? "B" : "A"})` : ""} (load ${load}): ${(done / seconds).toFixed(0)} transfers/s, per transfer: backends' CPU ${(dbUse.cpu / done).toFixed(3)} ms and ${(dbUse.faults / done).toFixed(1)} minor faults, ` +
        `Node.js CPU ${(nodeMs / done).toFixed(3)} ms (user ${(u1.user / 1000 / done).toFixed(3)}) and ${(node.faults / done).toFixed(1)} minor faults; ${per} per group, fallbacks ${(g?.fallbacks ?? 0) - before.fallbacks}\n  Node.js threads, ms per transfer: ${threads}\n`,
    );
    n += done;
  }
  if (profiler && profOut) {
    const { profile } = await profiler.post("Profiler.stop");
    writeFileSync(profOut, JSON.stringify(profile));
    profiler.disconnect();
  }
  seconds *= rounds;
  if (perf) {
    await new Promise((r) => {
      perf.once("exit", r);
      perf.kill("SIGINT");
    });
  }
  process.stdout.write(`${n} transfers in ${seconds} s (${(n / seconds).toFixed(0)}/s) from ${pids.length} backends; group commit ${JSON.stringify(ledger.group?.stats ?? null)}\n`);
  await admin.close();
  await db.close();
  if (process.argv.includes("--pgbench")) pgbenchUse(seconds / rounds);
}

/**
 * pgbench's TPC-B-like workload on the same cluster (8 clients) for `seconds`, with what its
 * backends spent per transaction over a window inside the run: the baseline of the figures above.
 */
function pgbenchUse(seconds: number): void {
  const bin = (name: string) => join(cluster.binDir, name);
  const env = { ...process.env, PGPASSWORD: "openets" };
  const common = ["-h", "127.0.0.1", "-p", String(cluster.port), "-U", "openets"];
  execFileSync(bin("createdb"), [...common, "pgb"], { env });
  execFileSync(bin("pgbench"), [...common, "-i", "-q", "-s", "8", "pgb"], { env, stdio: "ignore" });
  const psql = (q: string) => execFileSync(bin("psql"), [...common, "-d", "postgres", "-Atc", q], { env, encoding: "utf8" }).trim();
  const child = spawn(bin("pgbench"), [...common, "-b", "tpcb-like", "-c", "8", "-j", "2", "-T", String(seconds + 4), "pgb"], { env, stdio: "ignore" });
  const sleep = (ms: number) => execFileSync("sleep", [String(ms / 1000)]);
  sleep(2000);
  const pids = psql("SELECT pid FROM pg_stat_activity WHERE datname = 'pgb'").split("\n").map(Number);
  // Each TPC-B-like transaction inserts one history row: an exact count of what committed.
  const commits = () => Number(execFileSync(bin("psql"), [...common, "-d", "pgb", "-Atc", "SELECT count(*) FROM pgbench_history"], { env, encoding: "utf8" }).trim());
  const load = loadNow();
  const client = [child.pid ?? 0];
  const [b0, c0, x0] = [useOf(pids), useOf(client), commits()];
  sleep(seconds * 1000);
  const [b1, c1, x1] = [useOf(pids), useOf(client), commits()];
  const u = spent(b0, b1);
  const c = spent(c0, c1);
  const tx = x1 - x0;
  process.stdout.write(
    `pgbench (load ${load}): ${(tx / seconds).toFixed(0)} tps, per transaction: backends' CPU ${(u.cpu / tx).toFixed(3)} ms and ${(u.faults / tx).toFixed(1)} minor faults (${pids.length} backends), ` +
      `pgbench's own CPU ${(c.cpu / tx).toFixed(3)} ms and ${(c.faults / tx).toFixed(1)} minor faults\n`,
  );
  child.kill("SIGINT");
}
