// `npm run bench -- cli`: how long `ets` takes to start and answer, as a user runs it: the median
// wall time of `ets --version` and of `ets holdings` on a small PGlite store (a class, two accounts,
// one issuance), each spawned as a process, beside `node -e 0` spawned in the same run (what any
// Node program costs to start on this machine). Goal: ratio <= 3 for --version and <= 6 for
// holdings. bin/ets runs the compiled CLI (build/cli, built here first when stale). The first five
// commands run in turn (one run of each, then the next round), so that a load changing during the
// run moves them alike: node -e 0, --version, holdings, and two baselines of PGlite alone (a node
// process that opens the same directory, runs SELECT 1 and closes): with PGlite's defaults, and
// started as the CLI starts it (bin/ets's node flags and glibc tunables, src/cli/process-tuning.ts,
// and the small instance's settings). Then `ets holdings` on a PostgreSQL store (the bench's own
// private cluster; no PGlite) and beside a running server on the store (the CLI asks its API), each
// in turn with node -e 0 again, its baseline. The load average is logged.
//
// Where the time of holdings goes and every step taken or tried, with its same-run figures:
// docs/internals/cli-performance.md.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { AuditLog } from "../src/audit/index.ts";
import { AuthService } from "../src/auth/index.ts";
import { systemPrincipal } from "../src/domain/security/roles.ts";
import { DEFAULT_SECURITY_CONFIG } from "../src/domain/security/config.ts";
import { systemClock } from "../src/platform/clock.ts";
import { SecureRegistry } from "../src/registry/secure/index.ts";
import { openStore } from "../src/store/open.ts";
import { CLI_GLIBC_TUNABLES, CLI_NODE_FLAGS } from "../src/cli/process-tuning.ts";
import { COMMAND_START_PARAMS } from "../src/store/pglite.ts";
import { openPostgres } from "../src/store/postgres.ts";
import { startPgCluster } from "../test/support/pg-cluster.ts";
import { startServerProcess } from "../test/support/server-process.ts";
import { type Figure, figure } from "./figure.ts";

const ROOT = resolve(import.meta.dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

interface Command {
  cmd: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

/** The wall time, in milliseconds, of one run of this command. */
function timeOnce({ cmd, args, env }: Command): number {
  const t = performance.now();
  const r = spawnSync(cmd, args, { env, encoding: "utf8", cwd: ROOT });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return ms;
}

/**
 * The median wall time, in milliseconds, of each command over RUNS rounds (after one warm-up
 * round), a round being one run of each command in turn.
 */
function medians(commands: readonly Command[]): number[] {
  const times = commands.map(() => [] as number[]);
  for (let round = 0; round <= RUNS; round++) {
    commands.forEach((c, i) => {
      const ms = timeOnce(c);
      if (round > 0) times[i]?.push(ms);
    });
  }
  return times.map((t) => {
    t.sort((a, b) => a - b);
    return t[Math.floor(t.length / 2)] ?? 0;
  });
}

/** The small store (a class, an issuance account, one issuance; a user with an API token), in a PGlite directory or on a PostgreSQL URL; returns the token. */
async function seed(database: string): Promise<string> {
  const db = await openStore({ database });
  try {
    const registry = await SecureRegistry.open(db, systemClock, DEFAULT_SECURITY_CONFIG, {});
    const sys = { principal: systemPrincipal("bench"), ip: null };
    const must = (r: { ok: boolean }) => {
      if (!r.ok) throw new Error(JSON.stringify(r));
    };
    must(await registry.defineClass(sys, { commandId: "c", code: "JPA-2026", unitType: "allowance", scheme: "JP-GX", vintage: 2026 }));
    must(await registry.openAccount(sys, { commandId: "o0", accountId: "JP-100-0001", type: "national_issuance", holder: "Government", name: "Issuance" }));
    must(await registry.ledger.propose({ transactionId: "iss", kind: "issuance", legs: [{ classCode: "JPA-2026", to: "JP-100-0001", quantity: "1000000" }] }));
    // A user and an API token for `ets holdings --server` (what `ets login` leaves behind).
    const auth = await AuthService.open(db, systemClock, DEFAULT_SECURITY_CONFIG, new AuditLog(db, systemClock));
    must(await auth.createUser(sys, { userId: "bench-admin", displayName: "bench", password: "bench-admin-long-password", roles: ["national-admin"] }));
    const tok = await auth.createApiToken(sys, { userId: "bench-admin", name: "bench", scopes: ["read"] });
    if (!tok.ok) throw new Error(JSON.stringify(tok));
    return tok.value.token;
  } finally {
    await db.close();
  }
}

/**
 * PGlite alone, as a second baseline: a node process that opens the same data directory as the
 * store does (PGlite.create with the btree_gist extension), runs `SELECT 1` and closes. What any
 * command on a PGlite store costs before OpenETS does anything.
 */
const BARE_PGLITE = `
import { PGlite } from "@electric-sql/pglite";
import { btree_gist } from "@electric-sql/pglite/contrib/btree_gist";
const pg = await PGlite.create(process.env.BENCH_PGLITE_DIR, { extensions: { btree_gist } });
await pg.query("SELECT 1");
await pg.close();
`;

/**
 * The same, started as the CLI starts it: bin/ets's node flags and glibc tunables
 * (src/cli/process-tuning.ts; the tunables since 2026-12-07), PostgreSQL's small-instance
 * settings (src/store/pglite.ts COMMAND_START_PARAMS), NodeFS imported beside PGlite, and (since
 * 2026-12-07, cli10) no extension loaded: the CLI only writes btree_gist's files, which
 * PostgreSQL loads when it needs them (src/store/pglite-btree-gist.ts; a holdings read does not).
 */
const BARE_PGLITE_AS_CLI = `
import { PGlite } from "@electric-sql/pglite";
import { NodeFS } from "@electric-sql/pglite/nodefs";
const startParams = [...PGlite.defaultStartParams, ...JSON.parse(process.env.BENCH_START_PARAMS)];
const dataDir = process.env.BENCH_PGLITE_DIR;
const pg = await PGlite.create({ dataDir, fs: new NodeFS(dataDir), startParams });
await pg.query("SELECT 1");
await pg.close();
`;

export async function run(log: (s: string) => void): Promise<Figure[]> {
  // @ts-expect-error: a plain ES module without types
  const { buildStep, STEPS } = (await import("../scripts/build.mjs")) as { buildStep(s: unknown): Promise<string>; STEPS: Array<{ name: string }> };
  log(`compiled CLI: ${await buildStep(STEPS.find((s) => s.name === "cli"))}`);
  log(`load average (1 min) at the start: ${loadavg()[0]?.toFixed(2)} on ${availableParallelism()} cores`);
  const dir = mkdtempSync(join(tmpdir(), "ets-bench-cli-"));
  let token: string;
  const data = join(dir, "pglite");
  try {
    log("a small store: one class, two accounts, one issuance");
    token = await seed(data);
    const env = { ...process.env, DATABASE_URL: undefined, OPENETS_URL: undefined } as NodeJS.ProcessEnv;
    delete env.DATABASE_URL;
    delete env.OPENETS_URL;
    const ets = join(ROOT, "bin/ets");
    const nodeCmd: Command = { cmd: process.execPath, args: ["-e", "0"], env };
    log(`node -e 0, ets --version, ets holdings, bare PGlite (PGlite's defaults) and bare PGlite as the CLI starts it (${CLI_NODE_FLAGS.join(" ")}, GLIBC_TUNABLES=${CLI_GLIBC_TUNABLES}, ${COMMAND_START_PARAMS.join(" ")}), in turn, ${RUNS} rounds`);
    const [node = 0, version = 0, holdings = 0, bare = 0, bareAsCli = 0] = medians([
      nodeCmd,
      { cmd: ets, args: ["--version"], env },
      { cmd: ets, args: ["holdings", "JP-100-0001", "--database", data], env },
      { cmd: process.execPath, args: ["--input-type=module", "-e", BARE_PGLITE], env: { ...env, BENCH_PGLITE_DIR: data } },
      {
        cmd: process.execPath,
        args: [...CLI_NODE_FLAGS, "--input-type=module", "-e", BARE_PGLITE_AS_CLI],
        env: { ...env, GLIBC_TUNABLES: CLI_GLIBC_TUNABLES, BENCH_PGLITE_DIR: data, BENCH_START_PARAMS: JSON.stringify(COMMAND_START_PARAMS) },
      },
    ]);
    // The same command on a PostgreSQL store (the bench's own private cluster): no PGlite in the process.
    log("starting a PostgreSQL server for the same small store");
    const cluster = await startPgCluster({ fsync: false });
    let onPostgres: number;
    let nodeBesidePostgres: number;
    try {
      const admin = openPostgres(cluster.url, { max: 1 });
      await admin.query("CREATE DATABASE bench_cli");
      await admin.close();
      await seed(cluster.urlFor("bench_cli"));
      log(`node -e 0 and ets holdings on the PostgreSQL store, in turn, ${RUNS} rounds`);
      [nodeBesidePostgres = 0, onPostgres = 0] = medians([nodeCmd, { cmd: ets, args: ["holdings", "JP-100-0001", "--database", cluster.urlFor("bench_cli")], env }]);
    } finally {
      cluster.stop();
    }
    // The same command beside a running server on the store (the server records itself there):
    // the CLI then loads neither PGlite nor the services, it asks the server's API.
    log("starting the server on the store");
    const server = await startServerProcess({ DATABASE_URL: data, OPENETS_MODE: "demo" });
    let remote: number;
    let nodeBesideServer: number;
    try {
      log(`node -e 0 and ets holdings beside the server, in turn, ${RUNS} rounds`);
      [nodeBesideServer = 0, remote = 0] = medians([nodeCmd, { cmd: ets, args: ["holdings", "JP-100-0001", "--database", data], env: { ...env, OPENETS_TOKEN: token } }]);
    } finally {
      await server.stop();
    }
    log(`load average (1 min) at the end: ${loadavg()[0]?.toFixed(2)} on ${availableParallelism()} cores`);
    return [
      figure({ figure: "cli ets --version median wall time", value: version, baseline: node, unit: "ms", baselineName: "node -e 0, same run", goal: "ratio <= 3" }),
      figure({ figure: "cli ets holdings (small PGlite store) median wall time", value: holdings, baseline: node, unit: "ms", baselineName: "node -e 0, same run", goal: "ratio <= 6" }),
      figure({ figure: "cli ets holdings beside a running server (same store, over HTTP) median wall time", value: remote, baseline: nodeBesideServer, unit: "ms", baselineName: "node -e 0, same run", goal: "ratio <= 6" }),
      figure({ figure: "cli ets holdings (small PostgreSQL store, direct) median wall time", value: onPostgres, baseline: nodeBesidePostgres, unit: "ms", baselineName: "node -e 0, same run", goal: "ratio <= 6" }),
      figure({ figure: "cli bare PGlite open + SELECT 1 + close (no OpenETS code) median wall time", value: bare, baseline: node, unit: "ms", baselineName: "node -e 0, same run", goal: "reported: PGlite's own start-up" }),
      figure({ figure: "cli ets holdings (small PGlite store) beside bare PGlite", value: holdings, baseline: bare, unit: "ms", baselineName: "bare PGlite open + SELECT 1 + close, same run", goal: "reported: OpenETS's share on top of PGlite" }),
      figure({ figure: "cli bare PGlite started as the CLI does (--liftoff-only, small instance) median wall time", value: bareAsCli, baseline: node, unit: "ms", baselineName: "node -e 0, same run", goal: "reported: PGlite's own start-up in the CLI" }),
      figure({ figure: "cli ets holdings (small PGlite store) beside bare PGlite started as the CLI does", value: holdings, baseline: bareAsCli, unit: "ms", baselineName: "bare PGlite as the CLI starts it, same run", goal: "reported: OpenETS's share on top of PGlite" }),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
