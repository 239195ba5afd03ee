// Goal: the principal cache (src/http/middleware/authenticate.ts) caches nothing while changes made
// by other processes could go unseen (CredentialChanges.watching false: a server on PostgreSQL whose
// LISTEN connection is not established), takes nothing from it then either, and forgets every
// verified principal on each change announced. Revocations here are written straight into the store
// (no route of this app), so only the cache decides whether they are seen: a stand-in for the
// store's notices says when watching holds and when a change is announced.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DEFAULT_SECURITY_CONFIG } from "../../src/domain/security/config.ts";
import type { CredentialChanges } from "../../src/http/context.ts";
import { principalCacheMs, StartupError } from "../../src/http/server.ts";
import { buildFixture, type Fixture } from "./fixture.ts";
import { seedWorld, signIn, SYSTEM } from "./world.ts";
import { openMigratedPglite } from "../support/stores.ts";

let f: Fixture;
const subscribers: Array<() => void> = [];
const watch: { watching: boolean } & CredentialChanges = { watching: false, subscribe: (fn: () => void) => void subscribers.push(fn) };
const announce = () => {
  for (const s of subscribers) s();
};

beforeAll(async () => {
  const db = await openMigratedPglite();
  f = await buildFixture(db, {
    credentialChanges: watch,
    http: { principalCacheMs: 3_600_000 },
    security: { signIn: { ...DEFAULT_SECURITY_CONFIG.signIn, secondFactorRoles: [] }, sessions: { ttlMinutes: 30, challengeMinutes: 5 } },
  });
  await seedWorld(f);
}, 120_000);

afterAll(async () => {
  vi.restoreAllMocks();
  await f?.db.close();
});

let n = 0;
async function newToken(): Promise<{ token: string; tokenId: string }> {
  const r = await f.auth.createApiToken(SYSTEM, { userId: "rep-a1", name: `watch-${++n}`, scopes: ["read"] });
  if (!r.ok) throw new Error(JSON.stringify(r));
  return { token: r.value.token, tokenId: r.value.view.tokenId };
}
const me = (token: string) => f.request("/v1/auth/me", { headers: { authorization: `Bearer ${token}` } });
/** Revoked in the store behind the app's back: no route of this app empties its cache. */
const revokeBehindItsBack = (tokenId: string) => f.db.query("UPDATE api_tokens SET revoked_at = $2 WHERE id = $1", [tokenId, f.clock.now().toISOString()]);

describe("principal cache and the store's notices", () => {
  it("subscribes to the changes once", () => {
    expect(subscribers).toHaveLength(1);
  });

  it("while not watching, asks the database at every request (nothing cached)", async () => {
    watch.watching = false;
    const { token, tokenId } = await newToken();
    const spy = vi.spyOn(f.auth, "authenticateToken");
    try {
      expect((await me(token)).status).toBe(200);
      expect((await me(token)).status).toBe(200);
      expect(spy).toHaveBeenCalledTimes(2);
      await revokeBehindItsBack(tokenId);
      expect((await me(token)).status).toBe(401);
    } finally {
      spy.mockRestore();
    }
  });

  it("while watching, remembers a verified token until a change is announced", async () => {
    watch.watching = true;
    const { token, tokenId } = await newToken();
    expect((await me(token)).status).toBe(200);
    await revokeBehindItsBack(tokenId);
    expect((await me(token)).status).toBe(200); // remembered: the change was not announced
    announce();
    expect((await me(token)).status).toBe(401);
  });

  it("stops using what it remembered as soon as it is not watching", async () => {
    watch.watching = true;
    const { token, tokenId } = await newToken();
    expect((await me(token)).status).toBe(200);
    await revokeBehindItsBack(tokenId);
    watch.watching = false; // lost, and nothing announced (yet)
    expect((await me(token)).status).toBe(401);
  });

  it("does not remember a look-up made while not watching once watching again", async () => {
    watch.watching = false;
    const { token, tokenId } = await newToken();
    expect((await me(token)).status).toBe(200);
    watch.watching = true;
    await revokeBehindItsBack(tokenId);
    expect((await me(token)).status).toBe(401);
  });

  it("remembers a session no longer than until it expires, however long the cache", async () => {
    watch.watching = true;
    const s = await signIn(f, "rep-a1");
    const meBySession = () => f.request("/v1/auth/me", { headers: { cookie: s.cookie } });
    expect((await meBySession()).status).toBe(200);
    f.clock.advance(29 * 60_000);
    expect((await meBySession()).status).toBe(200);
    f.clock.advance(2 * 60_000); // past the 30-minute session, well within the hour of the cache
    expect((await meBySession()).status).toBe(401);
  });
});

describe("OPENETS_PRINCIPAL_CACHE_SECONDS", () => {
  it("is 5 s unless set, whole seconds from 0 to 3600, and anything else a startup error naming it", () => {
    expect(principalCacheMs({})).toBe(5_000);
    expect(principalCacheMs({ OPENETS_PRINCIPAL_CACHE_SECONDS: "" })).toBe(5_000);
    expect(principalCacheMs({ OPENETS_PRINCIPAL_CACHE_SECONDS: "0" })).toBe(0);
    expect(principalCacheMs({ OPENETS_PRINCIPAL_CACHE_SECONDS: "600" })).toBe(600_000);
    for (const bad of ["3601", "-1", "1.5", "5s", " 5"]) {
      expect(() => principalCacheMs({ OPENETS_PRINCIPAL_CACHE_SECONDS: bad })).toThrow(StartupError);
      expect(() => principalCacheMs({ OPENETS_PRINCIPAL_CACHE_SECONDS: bad })).toThrow(/OPENETS_PRINCIPAL_CACHE_SECONDS/);
    }
  });
});
