// `npm run bench -- api`: requests per second and p99 latency of the HTTP API on the real
// PostgreSQL server, over loopback HTTP with a small concurrent client (fetch), for a read route
// (an account's holdings) and the transfer route, beside a bare route that returns a constant
// from the same server process in the same run. Goal: holdings at >= 0.5 of the bare rate.
// The client runs in a process of its own, as a real client does (in the server's process it
// shared the event loop, and the ratio was 0.25-0.31). Requests reach the API's app as the server
// hands them over (src/http/server.ts); both routes are warmed up first. Logged beside the figures:
// CPU time per request of the client, this (server) process and the PostgreSQL processes, and the
// load average, since the figures depend on the machine's other work.
//
// Figures (docs/guides/api.md, Performance). 2026-12-07 01:11 UTC, load 1.4, before that day's
// changes: holdings 479 req/s / bare 3,092 = 0.155 (goal >= 0.5, not met). After them (one prepared
// statement per holdings request, no full Request built for a GET, cheaper request edge), only
// loaded runs could be made: load 12.8: 79.6 / 130 = 0.61; load 16.6: 22.5 / 56 = 0.40. Under
// load the bare route suffers most; at load 2.2 (02:35, the lead's run after the changes):
// 695 / 1,774 = 0.39, so the goal is not met.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { AuditLog } from "../src/audit/index.ts";
import { AuthService } from "../src/auth/index.ts";
import { DEFAULT_SECURITY_CONFIG } from "../src/domain/security/config.ts";
import { systemPrincipal } from "../src/domain/security/roles.ts";
import { createApp } from "../src/http/app.ts";
import { createLogger } from "../src/http/logger.ts";
import { systemClock } from "../src/platform/clock.ts";
import { SecureRegistry } from "../src/registry/secure/index.ts";
import { migrate } from "../src/store/migrate.ts";
import { openPostgres } from "../src/store/postgres.ts";
import { startPgCluster } from "../test/support/pg-cluster.ts";
import { type Figure, figure } from "./figure.ts";

const CONCURRENCY = 16;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

interface Load {
  rate: number;
  p99: number;
  errors: number;
  /** Requests completed. */
  n: number;
  /** CPU time of the client process, of this (the server's) process and of the PostgreSQL server's processes, per request, in microseconds. */
  cpu: { client: number; server: number; postgres: number };
}

/** CPU time (ms) of the cluster's processes: the postmaster and its children (the backends), from /proc (Linux); 0 elsewhere. */
function postgresCpuMs(socketDir: string): number {
  try {
    const pid = Number(readFileSync(join(socketDir, "data", "postmaster.pid"), "utf8").split("\n")[0]);
    const tick = 10; // USER_HZ is 100 on Linux: one tick is 10 ms
    let ms = 0;
    for (const d of readdirSync("/proc")) {
      if (!/^\d+$/.test(d)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${d}/stat`, "utf8");
      } catch {
        continue; // the process ended meanwhile
      }
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // After the command: state, ppid, ..., utime (field 14 of the line, 12 here), stime (13).
      if (Number(d) === pid || Number(f[1]) === pid) ms += (Number(f[11]) + Number(f[12])) * tick;
    }
    return ms;
  } catch {
    return 0;
  }
}

/**
 * The load client, run in a process of its own (as a real client is), so that the server's figures
 * do not share an event loop with the client: CONCURRENCY fetch loops for `seconds`, over one URL,
 * with a body whose "__I__" is replaced by the request's number. Prints {rate, p99, errors}.
 */
const CLIENT = `
const { url, init, seconds, concurrency } = JSON.parse(process.env.BENCH_LOAD);
const latencies = []; let errors = 0; let n = 0;
const end = performance.now() + seconds * 1000;
const worker = async () => {
  while (performance.now() < end) {
    const i = n++;
    const t = performance.now();
    const res = await fetch(url, init.body ? { ...init, body: init.body.replaceAll("__I__", String(i)) } : init);
    await res.arrayBuffer();
    if (res.status >= 400) errors++;
    latencies.push(performance.now() - t);
  }
};
const started = performance.now();
await Promise.all(Array.from({ length: concurrency }, worker));
const elapsed = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const cpu = process.cpuUsage();
process.stdout.write(JSON.stringify({ rate: latencies.length / elapsed, p99: latencies[Math.floor(latencies.length * 0.99)] ?? 0, errors, n: latencies.length, clientCpuMs: (cpu.user + cpu.system) / 1000 }));
`;

async function load(url: string, init: RequestInit & { body?: string }, seconds: number, socketDir: string): Promise<Load> {
  const server0 = process.cpuUsage();
  const pg0 = postgresCpuMs(socketDir);
  const r = await runClient(url, init, seconds);
  const server = process.cpuUsage(server0);
  const per = (ms: number) => (r.n === 0 ? 0 : (ms * 1000) / r.n);
  return { ...r, cpu: { client: per(r.clientCpuMs), server: per((server.user + server.system) / 1000), postgres: per(postgresCpuMs(socketDir) - pg0) } };
}

function runClient(url: string, init: RequestInit & { body?: string }, seconds: number): Promise<Omit<Load, "cpu"> & { clientCpuMs: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", CLIENT], {
      env: { ...process.env, BENCH_LOAD: JSON.stringify({ url, init, seconds, concurrency: CONCURRENCY }) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load client exited ${code}`))));
  });
}

export async function run(log: (s: string) => void): Promise<Figure[]> {
  log("starting a PostgreSQL server");
  const cluster = await startPgCluster({ fsync: false });
  const admin = openPostgres(cluster.url, { max: 1 });
  await admin.query("CREATE DATABASE bench_api");
  await admin.close();
  const db = openPostgres(cluster.urlFor("bench_api"), { max: 20 });
  try {
    await migrate(db);
    const config = { ...DEFAULT_SECURITY_CONFIG, signIn: { ...DEFAULT_SECURITY_CONFIG.signIn, secondFactorRoles: [] } };
    const audit = new AuditLog(db, systemClock);
    const auth = await AuthService.open(db, systemClock, config, audit);
    const registry = await SecureRegistry.open(db, systemClock, config, { audit });
    const sys = { principal: systemPrincipal("bench"), ip: null };
    const must = (r: { ok: boolean }) => {
      if (!r.ok) throw new Error(JSON.stringify(r));
    };
    log("seeding: 3 classes, 2 operators, 200 allocations");
    for (const y of [2026, 2027, 2028]) must(await registry.defineClass(sys, { commandId: `c${y}`, code: `JPA-${y}`, unitType: "allowance", scheme: "JP-GX", vintage: y }));
    must(await registry.openAccount(sys, { commandId: "o0", accountId: "JP-100-0001", type: "national_issuance", holder: "Government", name: "Issuance" }));
    must(await registry.openAccount(sys, { commandId: "o1", accountId: "JP-200-0001", type: "operator_holding", holder: "Alpha", name: "Alpha", installation: "I1" }));
    must(await registry.openAccount(sys, { commandId: "o2", accountId: "JP-200-0002", type: "operator_holding", holder: "Beta", name: "Beta", installation: "I2" }));
    for (const u of ["rep-a1", "rep-a2"]) must(await auth.createUser(sys, { userId: u, displayName: u, password: `${u}-long-password` }));
    must(await registry.addRepresentative(sys, { accountId: "JP-200-0001", userId: "rep-a1", initiate: true, approve: true }));
    must(await registry.addRepresentative(sys, { accountId: "JP-200-0001", userId: "rep-a2", initiate: true, approve: true }));
    for (const y of [2026, 2027, 2028]) {
      must(await registry.ledger.propose({ transactionId: `iss${y}`, kind: "issuance", legs: [{ classCode: `JPA-${y}`, to: "JP-100-0001", quantity: "100000000" }] }));
      // Many allocations in turn to A and B leave A's holdings in many serial blocks.
      for (let i = 0; i < 67; i++) {
        must(await registry.ledger.propose({ transactionId: `al${y}-${i}`, kind: "allocation", legs: [{ classCode: `JPA-${y}`, from: "JP-100-0001", to: i % 2 ? "JP-200-0002" : "JP-200-0001", quantity: "1000" }] }));
      }
    }
    const tok = await auth.createApiToken(sys, { userId: "rep-a1", name: "bench", scopes: ["read", "transfer:initiate"] });
    if (!tok.ok) throw new Error(JSON.stringify(tok));
    const bearer = { authorization: `Bearer ${tok.value.token}` };

    const sink = new Writable({ write: (_c, _e, cb) => cb() });
    const api = createApp({
      ledger: registry.ledger, registry, auth, audit, clock: systemClock, logger: createLogger({ destination: sink, level: "info" }),
      config: { rateLimit: { ip: { max: 1e9, windowMs: 60_000 }, user: { max: 1e9, windowMs: 60_000 }, signIn: { max: 1e9, windowMs: 60_000 } } },
    });
    // The bare route: a Hono app of its own answering a constant. Every other request goes to the
    // API's app as the server hands it over (src/http/server.ts serves api.app.fetch), without
    // routing through a second app (which made the Node adapter build a full Request object).
    const bareApp = new Hono();
    bareApp.get("/bench/bare", (c) => c.json({ ok: true }));
    const fetchOf = (req: Request, env: unknown) => (req.url.endsWith("/bench/bare") ? bareApp.fetch(req, env) : api.app.fetch(req, env));
    const server = await new Promise<ReturnType<typeof serve>>((res) => {
      const s = serve({ fetch: fetchOf, port: 0, hostname: "127.0.0.1" }, () => res(s));
    });
    const addr = server.address();
    const base = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
    try {
      const check = await fetch(`${base}/v1/accounts/JP-200-0001/holdings`, { headers: bearer });
      if (check.status !== 200) throw new Error(`holdings answered ${check.status}: ${await check.text()}`);
      // Warm-up of both routes: the pool's connections (each a SCRAM sign-in to the server, whose
      // hashing would otherwise be counted in the first figure) and the code's first runs.
      await load(`${base}/bench/bare`, {}, 1, cluster.socketDir);
      await load(`${base}/v1/accounts/JP-200-0001/holdings`, { headers: bearer }, 1, cluster.socketDir);
      log(`bare route, ${CONCURRENCY} concurrent clients in another process, ${SECONDS} s`);
      const bare = await load(`${base}/bench/bare`, {}, SECONDS, cluster.socketDir);
      log("holdings");
      const hold = await load(`${base}/v1/accounts/JP-200-0001/holdings`, { headers: bearer }, SECONDS, cluster.socketDir);
      log("transfers");
      const stamp = Date.now().toString(36);
      const trf = await load(
        `${base}/v1/transfers`,
        { method: "POST", headers: { ...bearer, "content-type": "application/json" }, body: JSON.stringify({ commandId: `b-${stamp}-__I__`, from: "JP-200-0001", to: "JP-200-0002", classCode: "JPA-2026", quantity: "1" }) },
        SECONDS,
        cluster.socketDir,
      );
      log(`errors: bare ${bare.errors}, holdings ${hold.errors}, transfers ${trf.errors}`);
      const us = (l: Load) => `client ${l.cpu.client.toFixed(0)}, server ${l.cpu.server.toFixed(0)}, postgres ${l.cpu.postgres.toFixed(0)}`;
      log(`CPU per request (us): bare ${us(bare)}; holdings ${us(hold)}; transfers ${us(trf)}`);
      log(`load average (1 min) at the end: ${loadavg()[0]?.toFixed(2)} on ${availableParallelism()} cores`);
      return [
        figure({ figure: "api holdings (read) rate", value: hold.rate, baseline: bare.rate, unit: "req/s", baselineName: "bare constant route, same server", goal: "ratio >= 0.5" }),
        figure({ figure: "api transfer (initiate) rate", value: trf.rate, baseline: bare.rate, unit: "req/s", baselineName: "bare constant route, same server", goal: "reported" }),
        figure({ figure: "api holdings p99 latency", value: hold.p99, baseline: bare.p99, unit: "ms", baselineName: "bare constant route p99", goal: "reported" }),
        figure({ figure: "api transfer p99 latency", value: trf.p99, baseline: bare.p99, unit: "ms", baselineName: "bare constant route p99", goal: "reported" }),
      ];
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  } finally {
    await db.close();
    cluster.stop();
  }
}
