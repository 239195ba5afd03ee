// Goal: a server's PostgreSQL pool keeps its connection through a quiet spell longer than pg's
// default idle timeout (10 s), so the next request finds a warm backend instead of opening a new
// one (fork, authentication, cold plan caches); a short-lived command (the CLI) keeps pg's
// default. The backend's process id tells whether the connection is the same one. The test waits
// 11 s of real time once, for both opens at the same time: the pool's timer is pg's own.
import { setTimeout as sleep } from "node:timers/promises";
import { expect, it } from "vitest";
import type { Db } from "../src/store/db.ts";
import { openStore } from "../src/store/open.ts";
import { SERVER_IDLE_MS } from "../src/store/postgres.ts";
import { createServerDatabase } from "./support/stores.ts";

const pid = async (db: Db) => (await db.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]?.pid;

it("a server's store keeps an idle connection past 10 s; a short-lived command's closes it", { timeout: 60_000 }, async () => {
  expect(SERVER_IDLE_MS).toBeGreaterThan(11_000);
  const url = await createServerDatabase();
  const server = await openStore({ database: url, poolSize: 1 });
  const command = await openStore({ database: url, poolSize: 1, shortLived: true });
  try {
    const [s0, c0] = [await pid(server), await pid(command)];
    await sleep(11_000);
    expect(await pid(server)).toBe(s0);
    expect(await pid(command)).not.toBe(c0);
  } finally {
    await server.close();
    await command.close();
  }
});
