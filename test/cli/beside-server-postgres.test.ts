// Goal (issue 15, item 2, for PostgreSQL stores): a server on a PostgreSQL store records itself in
// the store (registry_settings "server": its loopback URL, pid and host), so that `ets --database
// postgres://...` on the same host talks to it over HTTP, as the signed-in user, like beside a
// PGlite directory; the server clears the record at stop, and the CLI then opens the store itself.
// A record whose process is gone, or that names another host, is ignored.
import { mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgres } from "../../src/store/postgres.ts";
import { readStoreServerRecord, SERVER_SETTING_KEY, writeStoreServerRecord } from "../../src/store/server-record.ts";
import { runEts } from "../support/ets.ts";
import { type ServerProcess, startServerProcess } from "../support/server-process.ts";
import { createServerDatabase } from "../support/stores.ts";

const dir = mkdtempSync(join(tmpdir(), "ets-beside-pg-"));
const config = join(dir, "config");
let url = "";
let server: ServerProcess | undefined;

const env = { OPENETS_CONFIG_DIR: config, OPENETS_URL: undefined, DATABASE_URL: undefined, ETS_AS: undefined, OPENETS_TOKEN: undefined, LANG: "C" };

async function recordRow(): Promise<unknown> {
  const db = openPostgres(url, { max: 1 });
  try {
    return (await db.query<{ value: unknown }>("SELECT value FROM registry_settings WHERE key = $1", [SERVER_SETTING_KEY])).rows[0]?.value;
  } finally {
    await db.close();
  }
}

beforeAll(async () => {
  url = await createServerDatabase();
  server = await startServerProcess({ DATABASE_URL: url, OPENETS_MODE: "demo" });
}, 300_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("ets beside a running server on a PostgreSQL store", () => {
  it("the server records its address, pid and host in the store", async () => {
    const db = openPostgres(url, { max: 1 });
    try {
      const rec = await readStoreServerRecord(db);
      expect(rec).toMatchObject({ url: server?.url, pid: server?.child.pid, host: hostname() });
    } finally {
      await db.close();
    }
  });

  it("`ets --database postgres://...` goes to the server: it asks for a sign-in, then lists accounts through the API", async () => {
    const before = await runEts(["account", "list", "--database", url, "--json"], { env });
    expect(before.code).toBe(2);
    expect((JSON.parse(before.stdout) as { error: { code: string } }).error.code).toBe("not-signed-in");
    const login = await runEts(["login", "--database", url, "--user", "demo-rep-a", "--json"], { env: { ...env, OPENETS_PASSWORD: "demo-rep-a-password" } });
    expect([login.code, login.stderr]).toEqual([0, ""]);
    const list = await runEts(["account", "list", "--database", url, "--json"], { env });
    expect(list.code, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as { items: Array<{ id: string }> }).items.map((a) => a.id)).toContain("JP-200-0001");
  }, 120_000);

  it("a record of a process that is gone, or of another host, is ignored", async () => {
    const db = openPostgres(url, { max: 1 });
    try {
      const live = await readStoreServerRecord(db);
      await writeStoreServerRecord(db, { url: "http://127.0.0.1:1", pid: 2 ** 22 + 12345, startedAt: new Date().toISOString(), version: "x" });
      expect(await readStoreServerRecord(db)).toBeUndefined();
      await writeStoreServerRecord(db, { url: "http://127.0.0.1:1", pid: process.pid, startedAt: new Date().toISOString(), version: "x" }, "another-host");
      expect(await readStoreServerRecord(db)).toBeUndefined();
      // Put the server's own record back for the next test.
      if (live) await writeStoreServerRecord(db, live, live.host);
    } finally {
      await db.close();
    }
  });

  it("a stopped server clears its record, and `ets` opens the store itself again", async () => {
    await server?.stop();
    server = undefined;
    expect(await recordRow()).toBeUndefined();
    const list = await runEts(["account", "list", "--database", url, "--json"], { env });
    expect(list.code, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as { items: Array<{ id: string }> }).items.map((a) => a.id)).toContain("JP-200-0001");
  }, 120_000);
});
