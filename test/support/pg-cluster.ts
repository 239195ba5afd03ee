// Starts a private PostgreSQL cluster in a temporary directory on a free port, for tests and
// benchmarks. Nothing outside the temp dir is touched; stop() removes it. A missing server
// fails loudly, naming the Debian package to install, so no suite is ever skipped silently.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface PgCluster {
  readonly url: string;
  readonly port: number;
  readonly socketDir: string;
  readonly binDir: string;
  /** URL of a database on this cluster (created by createDatabase). */
  urlFor(database: string): string;
  stop(): void;
}

export function findPgBinDir(): string {
  const candidates: string[] = [];
  try {
    candidates.push(execFileSync("pg_config", ["--bindir"], { encoding: "utf8" }).trim());
  } catch {
    // pg_config may be absent (client-only install); fall back to Debian's layout.
  }
  if (existsSync("/usr/lib/postgresql")) {
    const versions = readdirSync("/usr/lib/postgresql").sort((a, b) => Number(b) - Number(a));
    for (const v of versions) candidates.push(`/usr/lib/postgresql/${v}/bin`);
  }
  for (const dir of candidates) {
    if (existsSync(join(dir, "initdb")) && existsSync(join(dir, "pg_ctl"))) return dir;
  }
  throw new Error(
    "PostgreSQL server binaries (initdb, pg_ctl) not found: install the Debian package 'postgresql' " +
      "(apt-get install -y postgresql). The store's contract tests need a real server.",
  );
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      if (addr === null || typeof addr === "string") return reject(new Error("no port"));
      srv.close(() => resolve(addr.port));
    });
  });
}

function asPostgresUser(): { uid?: number; gid?: number } {
  // initdb refuses to run as root; run the cluster as the 'postgres' (or 'nobody') user then.
  if (process.getuid?.() !== 0) return {};
  for (const name of ["postgres", "nobody"]) {
    const r = spawnSync("id", ["-u", name], { encoding: "utf8" });
    const g = spawnSync("id", ["-g", name], { encoding: "utf8" });
    if (r.status === 0 && g.status === 0) return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
  }
  throw new Error("running as root and no 'postgres' user to run the test cluster as");
}

export async function startPgCluster(opts: { maxConnections?: number; fsync?: boolean } = {}): Promise<PgCluster> {
  const binDir = findPgBinDir();
  const dir = mkdtempSync(join(tmpdir(), "openets-pg-"));
  const dataDir = join(dir, "data");
  const socketDir = dir;
  const user = asPostgresUser();
  if (user.uid !== undefined) execFileSync("chown", ["-R", `${user.uid}:${user.gid}`, dir]);
  const run = (bin: string, args: string[]) =>
    execFileSync(join(binDir, bin), args, { ...user, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
  const pwFile = join(dir, "pw");
  writeFileSync(pwFile, "openets\n");
  if (user.uid !== undefined) execFileSync("chown", [`${user.uid}:${user.gid}`, pwFile]);
  run("initdb", ["-D", dataDir, "-U", "openets", "--pwfile", pwFile, "-A", "scram-sha-256", "-E", "UTF8", "--no-locale"]);
  const port = await freePort();
  const conf = [
    `-p ${port}`,
    `-k ${socketDir}`,
    "-c listen_addresses=127.0.0.1",
    `-c max_connections=${opts.maxConnections ?? 200}`,
    `-c fsync=${opts.fsync === false ? "off" : "on"}`,
    "-c shared_buffers=128MB",
  ].join(" ");
  run("pg_ctl", ["-D", dataDir, "-o", conf, "-l", join(dir, "server.log"), "-w", "-t", "60", "start"]);
  const base = `postgres://openets:openets@127.0.0.1:${port}`;
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    process.removeListener("exit", stop);
    for (const s of SIGNALS) process.removeListener(s, onSignal);
    try {
      run("pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  // An interrupted test run or benchmark (Ctrl-C, a kill) stops the server it started instead of
  // leaving it running with its temp directory: stop, then end as the signal would have.
  const onSignal = (signal: NodeJS.Signals) => {
    try {
      stop();
    } finally {
      process.kill(process.pid, signal);
    }
  };
  for (const s of SIGNALS) process.once(s, onSignal);
  process.once("exit", stop);
  return {
    url: `${base}/postgres`,
    port,
    socketDir,
    binDir,
    urlFor: (database: string) => `${base}/${database}`,
    stop,
  };
}

const SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
