// Goal: when the database goes away mid-service, the API answers 503 store-unavailable (8212) with
// Retry-After, never a 500, and changes nothing; once the database is back, the same command sent
// again under the same id is applied once. The outage is real: the server reaches PostgreSQL
// through a TCP relay that the test cuts (every open connection dropped, new ones refused) and
// restores on the same port.
import { createServer, type Server, type Socket, connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../src/store/migrate.ts";
import { openPostgres } from "../../src/store/postgres.ts";
import type { Db } from "../../src/store/db.ts";
import { freePort } from "../support/pg-cluster.ts";
import { createServerDatabase } from "../support/stores.ts";
import { buildFixture, type Fixture } from "./fixture.ts";
import { A, as, C, CLASS, seedWorld, signIn } from "./world.ts";

/** A TCP relay in front of the database that can be cut and restored on the same port. */
class Relay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}
  async open(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on("close", () => this.sockets.delete(s));
        s.on("error", () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    this.server = server;
  }
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

let relay: Relay;
let db: Db;
let f: Fixture;

beforeAll(async () => {
  const direct = new URL(await createServerDatabase());
  relay = new Relay(await freePort(), { host: direct.hostname, port: Number(direct.port) });
  await relay.open();
  const viaRelay = new URL(direct.href);
  viaRelay.host = `127.0.0.1:${relay.port}`;
  db = openPostgres(viaRelay.href, { max: 4 });
  await migrate(db);
  f = await buildFixture(db, {
    security: { signIn: { secondFactorRoles: [], maxFailures: 5, maxFailuresPerUser: 25, lockoutMinutes: 15, backoffBaseSeconds: 1, backoffMaxSeconds: 60, minPasswordLength: 12 } },
  });
  await seedWorld(f);
}, 120_000);

afterAll(async () => {
  await relay.cut();
  await db.close().catch(() => undefined);
});

describe("a database outage", () => {
  it("answers 503 store-unavailable with Retry-After, never 500, and the command applies once after", async () => {
    const rep = await signIn(f, "rep-a1");
    const body = { commandId: "outage-1", from: A, to: C, classCode: CLASS, quantity: "10" };
    expect((await as(f, rep, "GET", `/v1/accounts/${A}`)).status).toBe(200);

    await relay.cut();
    for (const [method, path, b] of [
      ["GET", `/v1/accounts/${A}`, undefined],
      ["POST", "/v1/transfers", body],
      ["GET", "/v1/public/accounts", undefined],
    ] as const) {
      const res = await as(f, rep, method, path, b);
      const problem = (await res.json()) as { code?: number; check?: string };
      expect({ path, status: res.status, code: problem.code, retry: res.headers.get("retry-after") }).toEqual({ path, status: 503, code: 8212, retry: "5" });
    }

    await relay.open();
    // The refused transfer was not applied: sending it again under the same id creates it now, once.
    const again = await as(f, rep, "POST", "/v1/transfers", body);
    expect(again.status).toBe(201);
    const repeat = await as(f, rep, "POST", "/v1/transfers", body);
    expect(repeat.status).toBe(200);
    expect(((await repeat.json()) as { id: string }).id).toBe(((await again.json()) as { id: string }).id);
    expect(f.undeclared).toEqual([]);
  }, 120_000);
});
