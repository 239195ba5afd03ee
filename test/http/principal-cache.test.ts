// Goal: the short cache of verified credentials (src/http/middleware/authenticate.ts) asks the
// database once for a burst of concurrent requests with one credential, and never brings back a
// credential ended meanwhile: a look-up that began before a revocation is neither remembered nor
// joined by the requests that come after the revocation.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildFixture, type Fixture } from "./fixture.ts";
import { A, as, seedWorld, type Session, signIn } from "./world.ts";
import { openMigratedPglite } from "../support/stores.ts";

let f: Fixture;
let rep: Session;

beforeAll(async () => {
  const db = await openMigratedPglite();
  f = await buildFixture(db, {
    security: { signIn: { secondFactorRoles: [], maxFailures: 5, maxFailuresPerUser: 25, lockoutMinutes: 15, backoffBaseSeconds: 1, backoffMaxSeconds: 60, minPasswordLength: 12 } },
    http: { rateLimit: { ip: { max: 10_000, windowMs: 60_000 }, user: { max: 10_000, windowMs: 60_000 }, signIn: { max: 100, windowMs: 60_000 } } },
  });
  await seedWorld(f);
  rep = await signIn(f, "rep-a1");
}, 120_000);

afterAll(async () => {
  vi.restoreAllMocks();
  await f?.db.close();
});

async function newToken(name: string): Promise<{ token: string; tokenId: string }> {
  const r = await as(f, rep, "POST", "/v1/tokens", { name, scopes: ["read"] });
  expect(r.status).toBe(201);
  const body = (await r.json()) as { token: string; view: { tokenId: string } };
  return { token: body.token, tokenId: body.view.tokenId };
}

const holdings = (token: string) => f.request(`/v1/accounts/${A}/holdings`, { headers: { authorization: `Bearer ${token}` } });

/** Counts the token look-ups, and holds the first one made after `hold()` until `release()` (after it read the database). */
function spyOnLookUps() {
  const real = f.auth.authenticateToken.bind(f.auth);
  let held: { arrived: () => void; release: Promise<void> } | undefined;
  let calls = 0;
  const spy = vi.spyOn(f.auth, "authenticateToken").mockImplementation(async (token: string) => {
    calls++;
    const r = await real(token);
    const h = held;
    held = undefined;
    if (h) {
      h.arrived();
      await h.release;
    }
    return r;
  });
  return {
    calls: () => calls,
    hold(): { arrived: Promise<void>; release: () => void } {
      let arrived = () => {};
      let release = () => {};
      const a = new Promise<void>((r) => (arrived = r));
      held = { arrived, release: new Promise<void>((r) => (release = r)) };
      return { arrived: a, release: () => release() };
    },
    restore: () => spy.mockRestore(),
  };
}

describe("principal cache", () => {
  it("looks a token up once for a burst of concurrent requests", async () => {
    const { token } = await newToken("burst");
    const spy = spyOnLookUps();
    try {
      const answers = await Promise.all(Array.from({ length: 16 }, () => holdings(token)));
      expect(answers.map((r) => r.status)).toEqual(Array(16).fill(200));
      expect(spy.calls()).toBe(1);
    } finally {
      spy.restore();
    }
  });

  it("does not remember a look-up that a revocation overtook", async () => {
    const { token, tokenId } = await newToken("overtaken");
    const spy = spyOnLookUps();
    try {
      const gate = spy.hold();
      const early = holdings(token); // reads the token while valid, then waits
      await gate.arrived;
      expect((await as(f, rep, "DELETE", `/v1/tokens/${tokenId}`)).status).toBe(200);
      gate.release();
      expect((await early).status).toBe(200); // concurrent with the revocation: either answer is right
      expect((await holdings(token)).status).toBe(401);
      expect(spy.calls()).toBe(2);
    } finally {
      spy.restore();
    }
  });

  it("does not let a request after a revocation join a look-up begun before it", async () => {
    const { token, tokenId } = await newToken("joined");
    const spy = spyOnLookUps();
    try {
      const gate = spy.hold();
      const early = holdings(token);
      await gate.arrived;
      expect((await as(f, rep, "DELETE", `/v1/tokens/${tokenId}`)).status).toBe(200);
      const late = holdings(token); // starts while the early look-up is still out
      expect((await late).status).toBe(401);
      gate.release();
      expect((await early).status).toBe(200);
      expect((await holdings(token)).status).toBe(401);
    } finally {
      spy.restore();
    }
  });

  // Last in this file: it moves the fixture's clock past the token's end.
  it("never serves a remembered token past the token's own end", async () => {
    const r = await as(f, rep, "POST", "/v1/tokens", { name: "short", scopes: ["read"], days: 1 });
    expect(r.status).toBe(201);
    const { token } = (await r.json()) as { token: string };
    f.clock.advance(86_400_000 - 2_000); // two seconds before the token ends
    expect((await holdings(token)).status).toBe(200); // remembered for up to 5 s from now...
    f.clock.advance(3_000); // ...but the token ended a second ago
    const late = await holdings(token);
    expect(late.status).toBe(401);
    expect(await late.json()).toMatchObject({ code: 8107 });
  });
});
