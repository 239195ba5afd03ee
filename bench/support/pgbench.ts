// pgbench's TPC-B-like workload on a bench's private cluster: the baseline the ledger's figures
// stand beside (the same server, 8 clients, fsync and synchronous_commit on as the cluster has them).
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import type { PgCluster } from "../../test/support/pg-cluster.ts";

/** Creates database `pgb` at scale 8 and returns the tps of `clients` clients over `seconds`. */
export function pgbenchTps(cluster: PgCluster, clients: number, seconds: number, log: (s: string) => void): number {
  const bin = join(cluster.binDir, "pgbench");
  const env = { ...process.env, PGPASSWORD: "openets" };
  const common = ["-h", "127.0.0.1", "-p", String(cluster.port), "-U", "openets"];
  execFileSync(join(cluster.binDir, "createdb"), [...common, "pgb"], { env });
  execFileSync(bin, [...common, "-i", "-q", "-s", "8", "pgb"], { env, stdio: ["ignore", "ignore", "ignore"] });
  const out = execFileSync(bin, [...common, "-b", "tpcb-like", "-c", String(clients), "-j", "2", "-T", String(seconds), "pgb"], { env, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  const m = /tps = ([\d.]+)/.exec(out);
  if (!m) throw new Error(`pgbench printed no tps:\n${out}`);
  log(`pgbench tpcb-like: ${Number(m[1]).toFixed(0)} tps`);
  return Number(m[1]);
}
