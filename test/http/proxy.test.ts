// Goal: behind N trusted proxies (OPENETS_TRUST_PROXY=N) the client address is the X-Forwarded-For
// entry N hops from the right, the one the nearest untrusted party was seen from, so entries a
// client writes itself (on the left, kept by an appending proxy) change nothing. The issue's
// finding: 30 sign-ins through an appending proxy, each with another leftmost address, all got
// 401 and none 429, and the audit trail recorded the made-up addresses. Both proxy styles
// (appending and overwriting) are shown, and 0 (the default) believes only the socket.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SECURITY_CONFIG } from "../../src/domain/security/config.ts";
import { clientAddress } from "../../src/http/client-address.ts";
import { StartupError, trustProxyHops } from "../../src/http/server.ts";
import { buildFixture, type Fixture } from "./fixture.ts";
import { SYSTEM } from "./world.ts";
import { openMigratedPglite } from "../support/stores.ts";

describe("the client address from X-Forwarded-For", () => {
  it("takes the entry N hops from the right behind an appending proxy, whatever the client wrote on the left", () => {
    // One proxy that appends the address it saw: the client's own entries come first.
    expect(clientAddress("10.0.0.1", "6.6.6.6, 203.0.113.5", 1)).toBe("203.0.113.5");
    expect(clientAddress("10.0.0.1", "6.6.6.6,7.7.7.7 ,  203.0.113.5", 1)).toBe("203.0.113.5");
    // Two proxies (a CDN, then a load balancer): the second appended the first's address.
    expect(clientAddress("10.0.0.2", "6.6.6.6, 203.0.113.5, 10.0.0.1", 2)).toBe("203.0.113.5");
    // Repeated headers arrive joined with commas; the rightmost still counts first.
    expect(clientAddress("10.0.0.1", "6.6.6.6, 7.7.7.7, 203.0.113.6", 1)).toBe("203.0.113.6");
    // A client cannot push the trusted entries out by writing a long header: its end is read.
    const padding = Array.from({ length: 2000 }, (_, i) => `10.9.${i % 250}.${i % 200}`).join(", ");
    expect(clientAddress("10.0.0.1", `${padding}, 203.0.113.7`, 1)).toBe("203.0.113.7");
    expect(clientAddress("10.0.0.2", `${padding}, 203.0.113.7, 10.0.0.1`, 2)).toBe("203.0.113.7");
  });

  it("takes the only entry behind an overwriting proxy, and the leftmost when fewer entries than hops arrived", () => {
    expect(clientAddress("10.0.0.1", "203.0.113.5", 1)).toBe("203.0.113.5");
    // Every entry present was written by a trusted proxy, so the leftmost is the furthest known.
    expect(clientAddress("10.0.0.1", "203.0.113.5", 3)).toBe("203.0.113.5");
  });

  it("believes only the socket with 0 hops, without the header, or when the trusted entry is not an address", () => {
    expect(clientAddress("198.51.100.1", "203.0.113.5", 0)).toBe("198.51.100.1");
    expect(clientAddress("198.51.100.1", undefined, 1)).toBe("198.51.100.1");
    expect(clientAddress("198.51.100.1", " , ", 1)).toBe("198.51.100.1");
    expect(clientAddress("198.51.100.1", "6.6.6.6, not-an-address", 1)).toBe("198.51.100.1");
    expect(clientAddress("198.51.100.1", `6.6.6.6, ${"1".repeat(300)}`, 1)).toBe("198.51.100.1");
    expect(clientAddress(undefined, undefined, 0)).toBe("local");
  });

  it("accepts IPv6 and strips ports a proxy may add", () => {
    expect(clientAddress("::1", "2001:db8::7", 1)).toBe("2001:db8::7");
    expect(clientAddress("::1", "[2001:db8::7]:4711", 1)).toBe("2001:db8::7");
    expect(clientAddress("::1", "203.0.113.5:4711", 1)).toBe("203.0.113.5");
    expect(clientAddress("::ffff:10.0.0.1", "::ffff:203.0.113.5", 1)).toBe("::ffff:203.0.113.5");
  });

  it("reads OPENETS_TRUST_PROXY as a number of hops (0 when unset) and refuses anything else at start-up", () => {
    expect(trustProxyHops(undefined)).toBe(0);
    expect(trustProxyHops("")).toBe(0);
    expect(trustProxyHops("0")).toBe(0);
    expect(trustProxyHops("2")).toBe(2);
    for (const bad of ["yes", "-1", "1.5", "11", " 1"]) expect(() => trustProxyHops(bad), bad).toThrow(StartupError);
  });
});

describe("rate limits and the audit trail behind proxies", () => {
  let appending: Fixture;
  let overwriting: Fixture;
  let direct: Fixture;
  const limits = { rateLimit: { ip: { max: 1000, windowMs: 60_000 }, user: { max: 1000, windowMs: 60_000 }, signIn: { max: 20, windowMs: 60_000 } } };

  // No backoff or lockout here: the sign-in rate limit per address is what is counted.
  const security = { signIn: { ...DEFAULT_SECURITY_CONFIG.signIn, backoffBaseSeconds: 0, backoffMaxSeconds: 0, maxFailures: 100 } };
  const fixture = async (trustProxy: number) => {
    const db = await openMigratedPglite();
    const f = await buildFixture(db, { security, http: { ...limits, trustProxy } });
    expect((await f.auth.createUser(SYSTEM, { userId: "victim", displayName: "V", password: "victim-long-password" })).ok).toBe(true);
    return f;
  };

  beforeAll(async () => {
    appending = await fixture(1);
    overwriting = await fixture(1);
    direct = await fixture(0);
  }, 60_000);
  afterAll(async () => {
    for (const f of [appending, overwriting, direct]) await f?.db.close();
  });
  const limited = async (r: Response) => r.status === 429 && ((await r.json()) as { type: string }).type.endsWith("/rate-limited");

  const signIn = (f: Fixture, xff: string | undefined, socket = "10.0.0.1") =>
    f.request("/v1/auth/sign-in", {
      method: "POST",
      ip: socket,
      headers: { "content-type": "application/json", ...(xff === undefined ? {} : { "x-forwarded-for": xff }) },
      body: JSON.stringify({ userId: "victim", password: "wrong-password-123" }),
    });

  it("limits sign-ins per real client behind an appending proxy although the leftmost entry changes every time", async () => {
    const statuses: boolean[] = [];
    for (let i = 0; i < 30; i++) statuses.push(await limited(await signIn(appending, `192.0.2.${i}, 198.51.100.77`)));
    expect(statuses.slice(0, 20).some((x) => x)).toBe(false);
    expect(statuses.slice(20).every((x) => x)).toBe(true);
    // Another client through the same proxy is not affected.
    expect((await signIn(appending, "192.0.2.1, 198.51.100.78")).status).not.toBe(429);
    const rows = await appending.audit.query(SYSTEM, { action: "auth.sign-in", limit: 500 });
    if (!rows.ok) throw new Error(rows.message);
    const ips = new Set(rows.value.rows.map((r) => r.ip));
    expect([...ips].sort()).toEqual(["198.51.100.77", "198.51.100.78"]);
  });

  it("limits each client behind an overwriting proxy by the address the proxy wrote", async () => {
    const statuses: boolean[] = [];
    for (let i = 0; i < 22; i++) statuses.push(await limited(await signIn(overwriting, "198.51.100.90")));
    expect(statuses).toEqual([...Array(20).fill(false), true, true]);
    expect((await signIn(overwriting, "198.51.100.91")).status).not.toBe(429);
  });

  it("without trusted proxies counts by the socket address and ignores the header", async () => {
    const statuses: boolean[] = [];
    for (let i = 0; i < 21; i++) statuses.push(await limited(await signIn(direct, `198.51.100.${100 + i}`, "203.0.113.200")));
    expect(statuses).toEqual([...Array(20).fill(false), true]);
  });
});
