// `npm run bench -- http-headers`: what the security headers of an API answer cost the client and
// the server. A plain Node HTTP server answers a holdings-sized JSON body (three classes, 451
// bytes) with the API's header set (src/http/security-headers.ts, path /v1/...) and, as the
// baseline, with the document set plus no-store, which every API answer carried until 2026-12-07.
// A 16-way fetch client in a process of its own (as in bench/api.bench.ts) drives the two in
// alternating one-second slices; the figures are CPU time per request of the client process and
// of this (server) process. Everything else about the two answers is the same, so the difference
// is the headers alone: their bytes, and the client's parsing of each into its Headers object.
// Figures (2026-12-07 10:27 UTC, loads 7.7-9.4 from other sessions, three runs): client 215, 256
// and 239 us per request with the API set against 219, 265 and 251 with the document set; server
// 45, 56 and 52 against 46, 64 and 58: 4-12 us less for the client and 1-7 less for the server per
// answer, a few per cent of each. (A first version measured the two in a fixed order, and whichever
// came first in each pair measured 10-25 % dearer: hence the ABBA order here and in api.bench.ts.)
// Goal: reported (the saving counts towards bench/api.bench.ts's goal).
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { availableParallelism, loadavg } from "node:os";
import { securityHeaders } from "../src/http/security-headers.ts";
import { type Figure, figure } from "./figure.ts";

const SLICES = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = 16;

const CLIENT = `
import { createInterface } from "node:readline";
for await (const line of createInterface({ input: process.stdin })) {
  const { url, seconds, concurrency } = JSON.parse(line);
  let n = 0; let errors = 0;
  const end = performance.now() + seconds * 1000;
  const worker = async () => { while (performance.now() < end) { const r = await fetch(url); await r.arrayBuffer(); if (r.status !== 200) errors++; n++; } };
  const c0 = process.cpuUsage();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const c = process.cpuUsage(c0);
  process.stdout.write(JSON.stringify({ n, errors, cpuMs: (c.user + c.system) / 1000 }) + "\\n");
}`;

export async function run(log: (s: string) => void): Promise<Figure[]> {
  const api = { ...securityHeaders("/v1/accounts", false), "content-type": "application/json" };
  const documentSet = { ...securityHeaders("/", false), "cache-control": "no-store", "content-type": "application/json" };
  const body = JSON.stringify({
    accountId: "JP-200-0001",
    holdings: [2026, 2027, 2028].map((y) => ({ classCode: `JPA-${y}`, unitType: "allowance", quantity: "34000", earmarked: "0", available: "34000", blockCount: 34, attributes: null })),
  });
  const bytes = (h: Record<string, string>) => Object.entries(h).reduce((t, [k, v]) => t + k.length + v.length + 4, 0);
  log(`headers set by the app: API ${Object.keys(api).length} (${bytes(api)} bytes), document set ${Object.keys(documentSet).length} (${bytes(documentSet)} bytes); body ${body.length} bytes`);
  const server = createServer((req, res) => {
    res.writeHead(200, req.url === "/document" ? documentSet : api);
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  const base = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", CLIENT], { stdio: ["pipe", "pipe", "inherit"] });
  let buffered = "";
  let waiting: ((a: { n: number; errors: number; cpuMs: number }) => void) | undefined;
  child.stdout.on("data", (d: Buffer) => {
    buffered += d.toString();
    const nl = buffered.indexOf("\n");
    if (nl < 0 || !waiting) return;
    const w = waiting;
    waiting = undefined;
    const line = buffered.slice(0, nl);
    buffered = buffered.slice(nl + 1);
    w(JSON.parse(line) as { n: number; errors: number; cpuMs: number });
  });
  const slice = (path: string, seconds: number) =>
    new Promise<{ n: number; errors: number; cpuMs: number }>((resolve) => {
      waiting = resolve;
      child.stdin.write(`${JSON.stringify({ url: `${base}${path}`, seconds, concurrency: CONCURRENCY })}\n`);
    });
  try {
    const total = { api: { n: 0, client: 0, server: 0, errors: 0 }, document: { n: 0, client: 0, server: 0, errors: 0 } };
    await slice("/api", 1);
    await slice("/document", 1);
    for (let i = 0; i < SLICES; i++) {
      // ABBA order: the first slice of a pair measured dearer than the second whatever it served.
      for (const k of i % 2 === 0 ? (["api", "document"] as const) : (["document", "api"] as const)) {
        const s0 = process.cpuUsage();
        const r = await slice(`/${k}`, 1);
        const s = process.cpuUsage(s0);
        total[k].n += r.n;
        total[k].errors += r.errors;
        total[k].client += r.cpuMs;
        total[k].server += (s.user + s.system) / 1000;
      }
    }
    const per = (k: "api" | "document", side: "client" | "server") => (total[k].n === 0 ? 0 : (total[k][side] * 1000) / total[k].n);
    log(`errors: API set ${total.api.errors}, document set ${total.document.errors}`);
    log(`CPU per request (us): API set client ${per("api", "client").toFixed(1)}, server ${per("api", "server").toFixed(1)}; document set client ${per("document", "client").toFixed(1)}, server ${per("document", "server").toFixed(1)}`);
    log(`load average (1 min) at the end: ${loadavg()[0]?.toFixed(2)} on ${availableParallelism()} cores`);
    return [
      figure({ figure: "client CPU per API answer, API header set", value: per("api", "client"), baseline: per("document", "client"), unit: "us", baselineName: "document set + no-store, same run", goal: "reported" }),
      figure({ figure: "server CPU per API answer, API header set", value: per("api", "server"), baseline: per("document", "server"), unit: "us", baselineName: "document set + no-store, same run", goal: "reported" }),
    ];
  } finally {
    child.stdin.end();
    await new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    });
  }
}
