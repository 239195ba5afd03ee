// Goal: the per-address limit answers 429 with Retry-After once an address has used its window,
// other addresses are unaffected, the window reopens on the injected clock, X-Forwarded-For is
// believed only behind trusted proxies, and the limiter's memory stays bounded under a flood of addresses.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RateLimiter } from "../../src/http/rate-limit.ts";
import { ManualClock } from "../../src/platform/clock.ts";
import type { SecureRegistry } from "../../src/registry/secure/index.ts";
import { buildFixture, type Fixture } from "./fixture.ts";
import { openMigratedPglite } from "../support/stores.ts";

const unused = new Proxy({}, { get: () => () => Promise.reject(new Error("registry not used here")) }) as SecureRegistry;
let f: Fixture;
let proxied: Fixture;

beforeAll(async () => {
  const db = await openMigratedPglite();
  const limits = { rateLimit: { ip: { max: 5, windowMs: 60_000 }, user: { max: 100, windowMs: 60_000 }, signIn: { max: 100, windowMs: 60_000 } } };
  f = await buildFixture(db, { registry: unused, http: limits });
  proxied = await buildFixture(db, { registry: unused, http: { ...limits, trustProxy: 1 } });
}, 60_000);

afterAll(async () => {
  await f?.db.close();
});

describe("rate limits", () => {
  it("limits each client address per window", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await f.request("/v1/public/accounts", { ip: "203.0.113.7" })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const limited = await f.request("/v1/public/accounts", { ip: "203.0.113.7" });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await limited.json()) as { status: number }).toMatchObject({ status: 429 });
    expect((await f.request("/v1/public/accounts", { ip: "203.0.113.8" })).status).toBe(200);
    f.clock.advance(60_000);
    expect((await f.request("/v1/public/accounts", { ip: "203.0.113.7" })).status).toBe(200);
  });

  it("believes X-Forwarded-For only behind a trusted proxy", async () => {
    for (let i = 0; i < 5; i++) await f.request("/health", { ip: "198.51.100.1", headers: { "x-forwarded-for": `10.0.0.${i}` } });
    expect((await f.request("/health", { ip: "198.51.100.1", headers: { "x-forwarded-for": "10.0.0.99" } })).status).toBe(429);
    // Behind one trusted proxy, each forwarded client has its own window.
    for (let i = 0; i < 5; i++) expect((await proxied.request("/health", { ip: "198.51.100.2", headers: { "x-forwarded-for": `10.0.1.${i}` } })).status).toBe(200);
  });

  it("keeps its memory bounded", () => {
    const clock = new ManualClock();
    const rl = new RateLimiter(clock, { max: 1, windowMs: 1000 }, 100);
    for (let i = 0; i < 10_000; i++) rl.hit(`k${i}`);
    expect((rl as unknown as { windows: Map<string, unknown> }).windows.size).toBeLessThanOrEqual(100);
    expect(rl.hit("k9999")).toBeGreaterThan(0);
  });
});
