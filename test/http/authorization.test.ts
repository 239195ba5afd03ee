// Goal: every (operation, role) pair of the authorization matrix (test/http/matrix.ts) behaves as
// the table says, on PGlite and once on the real PostgreSQL server; and every operation of the
// OpenAPI document has a row, so a new route without a row fails here.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StoreKind, openTestDb } from "../support/stores.ts";
import { buildFixture, type Fixture } from "./fixture.ts";
import { DENIALS, MATRIX, MATRIX_ROLES, ROLE_USER } from "./matrix.ts";
import { as, seedWorld, type Session, SYSTEM, signIn } from "./world.ts";

const TEST_SECURITY = {
  signIn: { secondFactorRoles: [], maxFailures: 5, lockoutMinutes: 15, backoffBaseSeconds: 1, backoffMaxSeconds: 60, minPasswordLength: 12 },
  sessions: { ttlMinutes: 600, challengeMinutes: 5 },
} as const;
const LOOSE_LIMITS = { rateLimit: { ip: { max: 1e9, windowMs: 60_000 }, user: { max: 1e9, windowMs: 60_000 }, signIn: { max: 1e9, windowMs: 60_000 } } };

for (const kind of ["pglite", "postgres"] as StoreKind[]) {
  describe(`authorization matrix [${kind}]`, () => {
    let f: Fixture;
    const sessions: Record<string, Session> = {};
    beforeAll(async () => {
      f = await buildFixture(await openTestDb(kind), { security: TEST_SECURITY as never, http: LOOSE_LIMITS });
      await seedWorld(f);
      const spare = await f.auth.createUser(SYSTEM, { userId: "spare", displayName: "Spare", password: "spare-long-password" });
      expect(spare.ok).toBe(true);
      for (const u of Object.values(ROLE_USER)) if (u) sessions[u] = await signIn(f, u);
    }, 120_000);
    afterAll(async () => {
      await f?.db.close();
    });

    it("has a row for every operation in the OpenAPI document, and no row without one", async () => {
      const doc = (await (await f.request("/openapi.json")).json()) as { paths: Record<string, Record<string, { operationId: string }>> };
      const ids = Object.values(doc.paths).flatMap((m) => Object.values(m).map((o) => o.operationId));
      expect(ids.filter((id) => !(id in MATRIX))).toEqual([]);
      expect(Object.keys(MATRIX).filter((id) => !ids.includes(id))).toEqual([]);
      for (const [id, row] of Object.entries(MATRIX)) expect(row.expect, id).toMatch(/^[YNF]{6}$/);
    });

    it("allows and denies every (operation, role) pair as the table says", async () => {
      let n = 0;
      const wrong: string[] = [];
      for (const [id, row] of Object.entries(MATRIX)) {
        for (const [i, role] of MATRIX_ROLES.entries()) {
          n++;
          const user = ROLE_USER[role];
          const req = await row.req({ f, role, user, n });
          const session = user ? (req.fresh ? await signIn(f, user) : sessions[user]) : undefined;
          const res = await as(f, session, req.method, req.path, req.body);
          const text = await res.text();
          const body = text ? (JSON.parse(text) as { check?: string; items?: unknown[] }) : {};
          // Every row addresses objects that exist, so a 404 means "not visible to you".
          const denied = res.status === 404 || (body.check !== undefined && DENIALS.has(body.check));
          const want = row.expect[i];
          let ok = res.status < 500 && (want === "N" ? denied : !denied);
          if (ok && want === "F") ok = Array.isArray(body.items) && body.items.length === 0;
          if (!ok) wrong.push(`${id} as ${role}: expected ${want}, got ${res.status} ${text.slice(0, 160)}`);
        }
      }
      expect(wrong).toEqual([]);
      expect(n).toBe(Object.keys(MATRIX).length * MATRIX_ROLES.length);
      // And the document declares every status the server answered.
      expect(f.undeclared).toEqual([]);
    }, 120_000);
  });
}
