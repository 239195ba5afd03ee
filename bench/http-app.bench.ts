// `npm run bench -- http-app`: the API's own work per holdings request, without sockets or a
// database: GET /v1/accounts/{id}/holdings through the whole app (request log, security headers,
// rate limits, text check, bearer-token authentication from its cache, CSRF and access rules,
// validation, handler, JSON) with the registry's answer stubbed (three classes), beside a bare
// Hono route answering a constant, both through the Node adapter's Request and Response as
// src/http/server.ts serves them. Best of 40 rounds of 1,000 sequential requests each, the two
// interleaved, each first in every other round: the best round is the least disturbed by the machine's other work, so the figure
// is steadier than the socket bench's (bench/api.bench.ts), which it complements: what is left
// above this in the server's CPU per request there is HTTP and PostgreSQL socket I/O.
// Figures (2026-12-07 07:45 UTC, load 8): 62.7 and 63.8 microseconds per holdings request beside
// 23.0 and 23.2 for the bare route (docs/guides/api.md, Performance). Goal: reported.
import { Writable } from "node:stream";
import { getRequestListener } from "@hono/node-server";
import { Hono } from "hono";
import { createApp } from "../src/http/app.ts";
import { createLogger } from "../src/http/logger.ts";
import { systemClock } from "../src/platform/clock.ts";
import { type Figure, figure } from "./figure.ts";

const ROUNDS = 40;
const PER_ROUND = 1000;

/** An object answering the named methods; any other method answers nothing (the holdings route calls no other). */
function stub(methods: Record<string, unknown>): never {
  return new Proxy(methods, { get: (t, k) => (typeof k === "string" && k in t ? t[k] : k === "then" ? undefined : () => undefined) }) as never;
}

export async function run(log: (s: string) => void): Promise<Figure[]> {
  // Installs the adapter's Request and Response as the global ones, as serving does.
  getRequestListener(() => new Response(null));
  const principal = { userId: "rep-a1", roles: ["representative"], via: "token", scopes: ["read"], credentialId: "tok-1" };
  const holdings = [2026, 2027, 2028].map((y) => ({ classCode: `JPA-${y}`, unitType: "allowance", quantity: 34000n, earmarked: 0n, available: 34000n, blockCount: 34, attributes: null }));
  const api = createApp({
    clock: systemClock,
    registry: stub({ holdings: async () => ({ ok: true, value: holdings }) }),
    auth: stub({ authenticateToken: async () => ({ ok: true, value: principal }) }),
    ledger: stub({}),
    audit: stub({}),
    logger: createLogger({ destination: new Writable({ write: (_c, _e, cb) => cb() }), level: "info" }),
    config: { rateLimit: { ip: { max: 1e12, windowMs: 60_000 }, user: { max: 1e12, windowMs: 60_000 }, signIn: { max: 1e12, windowMs: 60_000 } } },
  });
  const bare = new Hono();
  bare.get("/bench/bare", (c) => c.json({ ok: true }));
  const headers = { authorization: "Bearer ets_tok_benchbenchbenchbenchbenchbench", "user-agent": "bench", host: "127.0.0.1" };
  const read = async (app: { fetch: (r: Request) => Response | Promise<Response> }, url: string) => {
    const res = await app.fetch(new Request(url, { headers }));
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
    // What the adapter does with a response: its headers into a plain object, its body out.
    const out: Record<string, string> = {};
    for (const [k, v] of res.headers) out[k] = v;
    await res.text();
  };
  const targets = [
    ["holdings", () => read(api.app, "http://127.0.0.1/v1/accounts/JP-200-0001/holdings")],
    ["bare", () => read(bare, "http://127.0.0.1/bench/bare")],
  ] as const;
  const best = { holdings: Number.POSITIVE_INFINITY, bare: Number.POSITIVE_INFINITY };
  for (let r = 0; r < ROUNDS; r++) {
    // Each route goes first in half the rounds: in a fixed order the first slice of a round was found dearer
    // whatever it served (bench/api.bench.ts header), and that would always have been charged to holdings.
    for (const [name, once] of r % 2 === 0 ? targets : [...targets].reverse()) {
      const t0 = performance.now();
      for (let i = 0; i < PER_ROUND; i++) await once();
      best[name] = Math.min(best[name], ((performance.now() - t0) * 1000) / PER_ROUND);
    }
  }
  log(`best of ${ROUNDS} rounds of ${PER_ROUND}: holdings ${best.holdings.toFixed(1)} us, bare ${best.bare.toFixed(1)} us per request`);
  return [figure({ figure: "api app work per holdings request (services stubbed)", value: best.holdings, baseline: best.bare, unit: "us", baselineName: "bare Hono route, same harness", goal: "reported" })];
}
