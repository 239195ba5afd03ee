// pgbench's TPC-B-like workload on a bench's private cluster: the baseline the ledger's figures
// stand beside (the same server, 8 clients, fsync and synchronous_commit on as the cluster has them).
// `pgbenchOn` initialises its database once and returns a runner, so that a bench can alternate
// pgbench's rounds with its own (both sides then see the same load, which drifts on a shared machine).
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import type { PgCluster } from "../../test/support/pg-cluster.ts";

/** Runs pgbench for `seconds` and returns its tps. */
export type PgbenchRun = (seconds: number) => number;

/**
 * Creates database `pgb` at scale 8 (pgbench vacuums it), then a CHECKPOINT so the first round
 * does not pay for writing out the 800,000 rows just loaded, and returns the runner of `clients`
 * clients (2 threads).
 */
export function pgbenchOn(cluster: PgCluster, clients: number, log: (s: string) => void): PgbenchRun {
  const bin = join(cluster.binDir, "pgbench");
  const env = { ...process.env, PGPASSWORD: "openets" };
  const common = ["-h", "127.0.0.1", "-p", String(cluster.port), "-U", "openets"];
  execFileSync(join(cluster.binDir, "createdb"), [...common, "pgb"], { env });
  execFileSync(bin, [...common, "-i", "-q", "-s", "8", "pgb"], { env, stdio: ["ignore", "ignore", "ignore"] });
  execFileSync(join(cluster.binDir, "psql"), [...common, "-q", "-c", "CHECKPOINT", "pgb"], { env, stdio: ["ignore", "ignore", "ignore"] });
  return (seconds) => {
    const out = execFileSync(bin, [...common, "-b", "tpcb-like", "-c", String(clients), "-j", "2", "-T", String(seconds), "pgb"], { env, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const m = /tps = ([\d.]+)/.exec(out);
    if (!m) throw new Error(`pgbench printed no tps:\n${out}`);
    log(`pgbench tpcb-like: ${Number(m[1]).toFixed(0)} tps`);
    return Number(m[1]);
  };
}

/** Creates database `pgb` and returns the tps of one run of `clients` clients over `seconds`. */
export function pgbenchTps(cluster: PgCluster, clients: number, seconds: number, log: (s: string) => void): number {
  return pgbenchOn(cluster, clients, log)(seconds);
}
