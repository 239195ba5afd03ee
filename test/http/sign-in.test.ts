// Goal (issue 16, item 3, over HTTP): a real user id and an unknown one get the same statuses,
// bodies and Retry-After headers, attempt after attempt (before: after one wrong password the real
// user's next attempt got 429 with a wait while an unknown one always got 401); a lockout at one
// address leaves the real user free at another; after failures from many addresses the user still
// signs in with password and one-time code together; and every 429 the API gives carries
// Retry-After: sign-in backoff, lockout, the restriction to the second factor, and the rate limits
// per address, per user and for sign-in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { base32Decode, totp } from "../../src/auth/index.ts";
import { DEFAULT_SECURITY_CONFIG } from "../../src/domain/security/config.ts";
import { buildFixture, type Fixture } from "./fixture.ts";
import { as, passwordOf, SYSTEM, signIn } from "./world.ts";
import { openMigratedPglite } from "../support/stores.ts";

const MIN = 60_000;
let f: Fixture;
let secret = "";

beforeAll(async () => {
  const db = await openMigratedPglite();
  f = await buildFixture(db, {
    security: { signIn: { ...DEFAULT_SECURITY_CONFIG.signIn, secondFactorRoles: ["national-admin"], maxFailures: 5, maxFailuresPerUser: 10 } },
    http: { rateLimit: { ip: { max: 200, windowMs: 60_000 }, user: { max: 30, windowMs: 60_000 }, signIn: { max: 100, windowMs: 60_000 } } },
  });
  for (const [userId, roles] of [["kenji", ["authority"]], ["boss", ["national-admin"]]] as const) {
    const r = await f.auth.createUser(SYSTEM, { userId, displayName: userId, password: passwordOf(userId), roles: [...roles] });
    if (!r.ok || !r.value.totp) throw new Error(`create ${userId}`);
    if (userId === "boss") secret = r.value.totp.secret;
  }
}, 60_000);

afterAll(async () => {
  await f?.db.close();
});

const attempt = (userId: string, ip: string, password = "wrong-password-42", extra: Record<string, unknown> = {}) =>
  f.request("/v1/auth/sign-in", { method: "POST", ip, headers: { "content-type": "application/json" }, body: JSON.stringify({ userId, password, ...extra }) });

/** Status, Retry-After and body of an answer, with the user id taken out. */
async function seen(r: Response, userId: string): Promise<unknown> {
  const body = (await r.text()).split(userId).join("<user>");
  return { status: r.status, retryAfter: r.headers.get("retry-after"), body: JSON.parse(body) as unknown };
}

describe("sign-in over HTTP", () => {
  it("answers a real user id and an unknown one alike, with the same waits", async () => {
    const run = async (userId: string, ip: string) => {
      const start = f.clock.now().getTime();
      const out: unknown[] = [];
      for (const wait of [0, 0, 1000, 2000, 4000, 8000, 0]) {
        f.clock.advance(wait);
        out.push(await seen(await attempt(userId, ip), userId));
      }
      f.clock.set(new Date(start));
      return out;
    };
    const real = await run("kenji", "203.0.113.1");
    const ghost = await run("no-such-user", "203.0.113.2");
    expect(ghost).toEqual(real);
    expect(real.map((x) => [(x as { status: number }).status, (x as { retryAfter: string | null }).retryAfter])).toEqual([
      [401, null], [429, "1"], [401, null], [401, null], [401, null], [429, "900"], [429, "900"],
    ]);
  });

  it("a lockout at one address leaves the real user free at another", async () => {
    expect((await attempt("kenji", "203.0.113.1", passwordOf("kenji"))).status).toBe(429);
    expect((await attempt("kenji", "198.51.100.5", passwordOf("kenji"))).status).toBe(200);
  });

  it("after failures from many addresses the administrator still signs in with password and code together", async () => {
    for (let i = 0; i < 10; i++) await attempt("boss", `192.0.2.${i + 1}`);
    const alone = await attempt("boss", "198.51.100.9", passwordOf("boss"));
    expect(alone.status).toBe(429);
    expect(Number(alone.headers.get("retry-after"))).toBe(15 * 60);
    expect(await alone.json()).toMatchObject({ code: 8102, facts: { secondFactorRequired: true } });
    const withCode = await attempt("boss", "198.51.100.9", passwordOf("boss"), { totp: totp(base32Decode(secret), f.clock.now()) });
    expect(withCode.status).toBe(200);
    expect(await withCode.json()).toMatchObject({ kind: "session", userId: "boss" });
    f.clock.advance(20 * MIN);
  });

  it("puts Retry-After on every 429: per-user and per-address rate limits too", async () => {
    const s = await signIn(f, "kenji", "198.51.100.6");
    let limited: Response | undefined;
    for (let i = 0; i < 40 && !limited; i++) {
      const r = await as(f, s, "GET", "/v1/auth/me");
      if (r.status === 429) limited = r;
    }
    expect(limited?.status).toBe(429);
    expect(Number(limited?.headers.get("retry-after"))).toBeGreaterThan(0);
    let perAddress: Response | undefined;
    for (let i = 0; i < 210 && !perAddress; i++) {
      const r = await f.request("/health", { ip: "198.51.100.250" });
      if (r.status === 429) perAddress = r;
    }
    expect(Number(perAddress?.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("answered only statuses the OpenAPI document declares for each operation", () => {
    expect(f.undeclared).toEqual([]);
  });
});
