// `npm run bench -- api`: requests per second and p99 latency of the HTTP API on the real
// PostgreSQL server, over loopback HTTP with a small concurrent client (fetch), for a read route
// (an account's holdings) and the transfer route, beside a bare route that returns a constant
// from the same server process in the same run. Goal: holdings at >= 0.5 of the bare rate.
// The client runs in a process of its own, as a real client does (in the server's process it
// shared the event loop, and the ratio was 0.25-0.31): one long-lived process, so its code is
// warm and its connections kept alive. The bare route and holdings are measured in alternating
// slices, so both see the same share of the machine's other work. Requests reach the API's app as
// the server hands them over (src/http/server.ts); both routes are warmed up first. Logged beside
// the figures: CPU time per request of the client, this (server) process and the PostgreSQL
// processes, and the load average, since the figures depend on the machine's other work.
//
// A third route runs in the same slices: the same API on a second port whose holdings reads each
// go alone (SecureRegistry's readGroup: false), so the coalesced read (src/registry/read-group.ts)
// is measured against the reads it replaces in the same run; `ETS_BENCH_READ_SLOTS=N` gives the
// coalesced read N statements in flight. The log line "coalesced reads" counts its statements.
//
// Figures (docs/guides/api.md, Performance; how they were measured and changed before the
// coalesced read, and what was tried and not kept: docs/internals/api-performance.md). Before it,
// on a quiet machine (the lead, load 1-2): holdings 0.407-0.415 of the bare rate; CPU per holdings
// request client 280 + server 286 + PostgreSQL 195 us against bare 203 + 63. With it (2026-12-07
// 13:26-14:01 UTC, loads 7.8-13 from other sessions): coalesced against alone 1.44 (load 7.8, two
// statements in flight), then with one 1.31, 1.35, 0.99, 1.33, 1.18, 1.54 (loads 10.5-13), 1.89,
// 1.24 (loads 8.7-10.1; one in
// flight measured 1.02-1.28 times two in the same runs); CPU per holdings request coalesced
// against alone, server 524-823 against 816-1,109 us and PostgreSQL 128-175 against 294-405 (loads
// 10.5-13), server 252 and 471 against 469 and 698, PostgreSQL 79 and 96 against 243 and 273 (8.7-10.1);
// holdings against bare 0.468 (7.8), 0.374, 0.421, 0.437, 0.276, 0.339, 0.450, 0.437, 0.437: not 0.5 on
// the loaded machine. The lead, merged code, quieter machine (14:34-14:36 UTC, loads 1.7-2.4): 2,767 /
// 5,130 = 0.539 and 3,388 / 4,818 = 0.703 (coalesced against alone 1.34, 1.48); at 15:14 (load 0.9)
// 3,489 / 6,355 = 0.549 (1.29). Goal met.
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
import { DEFAULT_READ_SLOTS } from "../src/registry/read-group.ts";
import { SecureRegistry } from "../src/registry/secure/index.ts";
import { migrate } from "../src/store/migrate.ts";
import { openPostgres } from "../src/store/postgres.ts";
import { startPgCluster } from "../test/support/pg-cluster.ts";
import { type Figure, figure } from "./figure.ts";

const CONCURRENCY = 16;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
/** Slices the bare route's and the holdings route's seconds are cut into, measured in turn (even, so each route is first in half the rounds). */
const SLICES = 6;

interface Load {
  rate: number;
  p99: number;
  errors: number;
  /** Requests completed. */
  n: number;
  /** CPU time of the client process, of this (the server's) process and of the PostgreSQL server's processes, per request, in microseconds. */
  cpu: { client: number; server: number; postgres: number };
}

/**
 * CPU time (ms) of the cluster's processes: the postmaster and its children (the backends), from
 * /proc (Linux); 0 elsewhere. A backend that ends between two readings (the pool closes idle
 * connections) takes its CPU with it from the live children's sum, so the postmaster's own count
 * of its ended children (cutime, cstime) is added: the total only grows, and a difference of two
 * readings is never negative (it was, before, when a backend ended during a slice).
 */
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
      // After the command: state, ppid, ..., utime (field 14 of the line, 12 here), stime (13),
      // then the ended and reaped children's cutime (14) and cstime (15).
      if (Number(d) === pid) ms += (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * tick;
      else if (Number(f[1]) === pid) ms += (Number(f[11]) + Number(f[12])) * tick;
    }
    return ms;
  } catch {
    return 0;
  }
}

/**
 * The load client, run in a process of its own (as a real client is), so that the server's figures
 * do not share an event loop with the client. One process for the whole run, so its code is warm
 * and its keep-alive connections are reused from slice to slice: each line on its stdin,
 * {url, init, seconds}, runs CONCURRENCY fetch loops for `seconds` over one URL, with a body whose
 * "__I__" is replaced by the request's number, and answers one line: {latencies, elapsed, errors,
 * clientCpuMs} (the CPU time of those loops).
 */
const CLIENT = `
import { createInterface } from "node:readline";
const { concurrency } = JSON.parse(process.env.BENCH_LOAD);
let n = 0;
for await (const line of createInterface({ input: process.stdin })) {
  const { url, init, seconds } = JSON.parse(line);
  const latencies = []; let errors = 0;
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
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(JSON.stringify({ latencies, elapsed, errors, clientCpuMs: (cpu.user + cpu.system) / 1000 }) + "\\n");
}
`;

/** What the client answers for one slice. */
interface ClientAnswer {
  latencies: number[];
  /** Seconds. */
  elapsed: number;
  errors: number;
  clientCpuMs: number;
}

/** The client process: one slice at a time. */
class Client {
  private readonly child = spawn(process.execPath, ["--input-type=module", "-e", CLIENT], {
    env: { ...process.env, BENCH_LOAD: JSON.stringify({ concurrency: CONCURRENCY }) },
    stdio: ["pipe", "pipe", "inherit"],
  });
  private buffered = "";
  private waiting: { resolve: (a: ClientAnswer) => void; reject: (e: Error) => void } | undefined;

  constructor() {
    this.child.stdout.on("data", (d: Buffer) => {
      this.buffered += d.toString();
      const nl = this.buffered.indexOf("\n");
      if (nl < 0 || !this.waiting) return;
      const line = this.buffered.slice(0, nl);
      this.buffered = this.buffered.slice(nl + 1);
      const w = this.waiting;
      this.waiting = undefined;
      w.resolve(JSON.parse(line) as ClientAnswer);
    });
    this.child.once("exit", (code) => this.waiting?.reject(new Error(`load client exited ${code}`)));
  }

  run(url: string, init: RequestInit & { body?: string }, seconds: number): Promise<ClientAnswer> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.child.stdin.write(`${JSON.stringify({ url, init, seconds })}\n`);
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) return resolve();
      this.child.once("exit", () => resolve());
      this.child.stdin.end();
    });
  }
}

/** One slice of load, with the CPU time the server (this process) and PostgreSQL spent meanwhile. */
interface Slice {
  latencies: number[];
  /** Seconds. */
  elapsed: number;
  errors: number;
  cpuMs: { client: number; server: number; postgres: number };
}

async function slice(client: Client, url: string, init: RequestInit & { body?: string }, seconds: number, socketDir: string): Promise<Slice> {
  const server0 = process.cpuUsage();
  const pg0 = postgresCpuMs(socketDir);
  const r = await client.run(url, init, seconds);
  const server = process.cpuUsage(server0);
  return { latencies: r.latencies, elapsed: r.elapsed, errors: r.errors, cpuMs: { client: r.clientCpuMs, server: (server.user + server.system) / 1000, postgres: postgresCpuMs(socketDir) - pg0 } };
}

/** The figures of one route over its slices: requests over their total time, p99 over all latencies, CPU per request. */
function combine(slices: Slice[]): Load {
  const latencies = slices.flatMap((s) => s.latencies).sort((a, b) => a - b);
  const n = latencies.length;
  const elapsed = slices.reduce((t, s) => t + s.elapsed, 0);
  const per = (f: (s: Slice) => number) => (n === 0 ? 0 : (slices.reduce((t, s) => t + f(s), 0) * 1000) / n);
  return {
    rate: elapsed > 0 ? n / elapsed : 0,
    p99: latencies[Math.floor(n * 0.99)] ?? 0,
    errors: slices.reduce((t, s) => t + s.errors, 0),
    n,
    cpu: { client: per((s) => s.cpuMs.client), server: per((s) => s.cpuMs.server), postgres: per((s) => s.cpuMs.postgres) },
  };
}

/** `ETS_BENCH_READ_SLOTS=N`: the coalesced read with N statements in flight (default: the module's). */
function readGroupOption(): { slots: number } | Record<string, never> {
  const n = Number(process.env.ETS_BENCH_READ_SLOTS);
  return Number.isInteger(n) && n > 0 ? { slots: n } : {};
}

type Target = [url: string, init: RequestInit & { body?: string }];

/**
 * Routes measured in alternating slices (a, b, b, a, a, b, ...; `seconds` in all for each), so that they
 * see the same share of the machine's other work: measured one after the other, a change of load
 * between the two halves moved the ratio by a factor of two on the shared machine.
 */
async function alternate(client: Client, targets: Target[], seconds: number, slices: number, socketDir: string): Promise<Load[]> {
  const per: Slice[][] = targets.map(() => []);
  for (let i = 0; i < slices; i++) {
    // In the reverse order every other round (a, b, b, a, ...): the first slice after a switch
    // measured dearer whatever it served (bench/http-headers.bench.ts), which a fixed order charged
    // to one route only.
    const order = [...targets.keys()];
    if (i % 2 === 1) order.reverse();
    for (const k of order) {
      const [url, init] = targets[k] as Target;
      per[k]?.push(await slice(client, url, init, seconds / slices, socketDir));
    }
  }
  return per.map(combine);
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
    const registry = await SecureRegistry.open(db, systemClock, config, { audit, readGroup: readGroupOption() });
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
    // Statistics and the visibility map, as autovacuum would have made them on a server that has
    // run a while: freshly seeded tables have neither, so the holdings read fetched every counted
    // block's heap page (102 per request) and was planned without statistics.
    await db.query("VACUUM ANALYZE");
    const tok = await auth.createApiToken(sys, { userId: "rep-a1", name: "bench", scopes: ["read", "transfer:initiate"] });
    if (!tok.ok) throw new Error(JSON.stringify(tok));
    const bearer = { authorization: `Bearer ${tok.value.token}` };

    const sink = new Writable({ write: (_c, _e, cb) => cb() });
    const appOf = (reg: SecureRegistry) =>
      createApp({
        ledger: reg.ledger, registry: reg, auth, audit, clock: systemClock, logger: createLogger({ destination: sink, level: "info" }),
        config: { rateLimit: { ip: { max: 1e9, windowMs: 60_000 }, user: { max: 1e9, windowMs: 60_000 }, signIn: { max: 1e9, windowMs: 60_000 } } },
      });
    const api = appOf(registry);
    // The same API with every holdings read alone (no coalescing), on a second port of this
    // process: the A/B of the coalesced read, measured in the same alternating slices.
    const aloneApi = appOf(await SecureRegistry.open(db, systemClock, config, { audit, readGroup: false }));
    // The bare route: a Hono app of its own answering a constant. Every other request goes to the
    // API's app as the server hands it over (src/http/server.ts serves api.app.fetch), without
    // routing through a second app (which made the Node adapter build a full Request object).
    const bareApp = new Hono();
    bareApp.get("/bench/bare", (c) => c.json({ ok: true }));
    const fetchOf = (req: Request, env: unknown) => (req.url.endsWith("/bench/bare") ? bareApp.fetch(req, env) : api.app.fetch(req, env));
    const listen = (fetch: (req: Request, env: unknown) => Response | Promise<Response>) =>
      new Promise<ReturnType<typeof serve>>((res) => {
        const s = serve({ fetch, port: 0, hostname: "127.0.0.1" }, () => res(s));
      });
    const server = await listen(fetchOf);
    const aloneServer = await listen((req, env) => aloneApi.app.fetch(req, env));
    const baseOf = (s: ReturnType<typeof serve>) => {
      const addr = s.address();
      return `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
    };
    const base = baseOf(server);
    const client = new Client();
    try {
      const check = await fetch(`${base}/v1/accounts/JP-200-0001/holdings`, { headers: bearer });
      if (check.status !== 200) throw new Error(`holdings answered ${check.status}: ${await check.text()}`);
      const bareTarget: Target = [`${base}/bench/bare`, {}];
      const holdTarget: Target = [`${base}/v1/accounts/JP-200-0001/holdings`, { headers: bearer }];
      const aloneTarget: Target = [`${baseOf(aloneServer)}/v1/accounts/JP-200-0001/holdings`, { headers: bearer }];
      // Warm-up of both routes: the pool's connections (each a SCRAM sign-in to the server, whose
      // hashing would otherwise be counted in the first figure), the client's connections and the
      // code's first runs.
      await alternate(client, [bareTarget, holdTarget, aloneTarget], 2, 2, cluster.socketDir);
      log(`bare route, holdings and holdings read alone, ${CONCURRENCY} concurrent clients in another process, ${SECONDS} s each in ${SLICES} alternating slices`);
      const stats0 = { ...registry.readGroupStats };
      const [bare, hold, alone] = (await alternate(client, [bareTarget, holdTarget, aloneTarget], SECONDS, SLICES, cluster.socketDir)) as [Load, Load, Load];
      const stats = registry.readGroupStats;
      if (stats) log(`coalesced reads: ${stats.reads - (stats0.reads ?? 0)} in ${stats.statements - (stats0.statements ?? 0)} statements (${readGroupOption().slots ?? DEFAULT_READ_SLOTS} in flight at most), ${stats.fallbacks - (stats0.fallbacks ?? 0)} fallbacks`);
      log("transfers");
      const stamp = Date.now().toString(36);
      const [trf] = (await alternate(
        client,
        [[`${base}/v1/transfers`, { method: "POST", headers: { ...bearer, "content-type": "application/json" }, body: JSON.stringify({ commandId: `b-${stamp}-__I__`, from: "JP-200-0001", to: "JP-200-0002", classCode: "JPA-2026", quantity: "1" }) }]],
        SECONDS,
        1,
        cluster.socketDir,
      )) as [Load];
      log(`errors: bare ${bare.errors}, holdings ${hold.errors}, holdings alone ${alone.errors}, transfers ${trf.errors}`);
      const us = (l: Load) => `client ${l.cpu.client.toFixed(0)}, server ${l.cpu.server.toFixed(0)}, postgres ${l.cpu.postgres.toFixed(0)}`;
      log(`CPU per request (us): bare ${us(bare)}; holdings ${us(hold)}; holdings alone ${us(alone)}; transfers ${us(trf)}`);
      log(`load average (1 min) at the end: ${loadavg()[0]?.toFixed(2)} on ${availableParallelism()} cores`);
      return [
        figure({ figure: "api holdings (read) rate", value: hold.rate, baseline: bare.rate, unit: "req/s", baselineName: "bare constant route, same server", goal: "ratio >= 0.5" }),
        figure({ figure: "api holdings rate, coalesced vs alone", value: hold.rate, baseline: alone.rate, unit: "req/s", baselineName: "holdings, each read alone, same run", goal: "reported" }),
        figure({ figure: "api transfer (initiate) rate", value: trf.rate, baseline: bare.rate, unit: "req/s", baselineName: "bare constant route, same server", goal: "reported" }),
        figure({ figure: "api holdings p99 latency", value: hold.p99, baseline: bare.p99, unit: "ms", baselineName: "bare constant route p99", goal: "reported" }),
        figure({ figure: "api transfer p99 latency", value: trf.p99, baseline: bare.p99, unit: "ms", baselineName: "bare constant route p99", goal: "reported" }),
      ];
    } finally {
      await client.close();
      await new Promise<void>((r) => server.close(() => r()));
      await new Promise<void>((r) => aloneServer.close(() => r()));
    }
  } finally {
    await db.close();
    cluster.stop();
  }
}
