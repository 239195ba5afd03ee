// Goal (issue 15, item 2): `ets` works while the server runs on the same PGlite data directory.
// The server records its address in the directory; `ets login` keeps a token (a 0600 file in the
// user's config folder); `ets account list` and a transfer then go through the server's API, as
// the signed-in user, instead of refusing because the directory is in use. A stopped server's
// record is ignored (the CLI opens the store itself again).
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readServerRecord } from "../../src/store/server-record.ts";
import { runEts } from "../support/ets.ts";
import { type ServerProcess, startServerProcess } from "../support/server-process.ts";

const dir = mkdtempSync(join(tmpdir(), "ets-beside-"));
const data = join(dir, "pglite");
const config = join(dir, "config");
let server: ServerProcess | undefined;

const env = { OPENETS_CONFIG_DIR: config, OPENETS_URL: undefined, DATABASE_URL: undefined, ETS_AS: undefined, OPENETS_TOKEN: undefined, LANG: "C" };

beforeAll(async () => {
  server = await startServerProcess({ DATABASE_URL: data, OPENETS_MODE: "demo" });
}, 300_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("ets beside a running server", () => {
  it("finds the server by the address it recorded in the data directory", () => {
    const rec = readServerRecord(data);
    expect(rec?.url).toBe(server?.url);
  });

  it("says to sign in first, in one line, with exit 2 and JSON", async () => {
    const r = await runEts(["account", "list", "--database", data, "--json"], { env });
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout) as { error: { code: string; message: string } };
    expect(doc.error.code).toBe("not-signed-in");
    expect(r.stderr).toMatch(/ets login/);
  }, 60_000);

  it("signs in, keeps the token readable by the user only, lists accounts and transfers through the API", async () => {
    const login = await runEts(["login", "--database", data, "--user", "demo-rep-a", "--json"], { env: { ...env, OPENETS_PASSWORD: "demo-rep-a-password" } });
    expect(login.stderr).toBe("");
    expect(login.code).toBe(0);
    const file = (JSON.parse(login.stdout) as { credentials: string }).credentials;
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const list = await runEts(["account", "list", "--database", data, "--json"], { env });
    expect(list.code).toBe(0);
    const page = JSON.parse(list.stdout) as { items: Array<{ id: string }>; nextCursor: string | null };
    expect(page.items.map((a) => a.id)).toContain("JP-200-0001");
    expect(page.nextCursor).toBeNull();
    const text = await runEts(["account", "list", "--database", data], { env });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/JP-200-0001/);

    const year = new Date().getUTCFullYear();
    const t = await runEts(["transfer", `JPA-${year}`, "1000", "--from", "JP-200-0001", "--to", "JP-200-0002", "--id", "beside-1", "--database", data, "--json"], { env });
    expect(t.stderr).toBe("");
    expect(t.code).toBe(0);
    const tx = JSON.parse(t.stdout) as { key: string; status: string; replayed: boolean };
    expect(tx.key).toBe("beside-1");
    expect(["awaiting_approval", "delayed", "completed"]).toContain(tx.status);

    // The same command again is the same transaction (idempotent by --id), said so.
    const again = await runEts(["transfer", `JPA-${year}`, "1000", "--from", "JP-200-0001", "--to", "JP-200-0002", "--id", "beside-1", "--database", data, "--json"], { env });
    expect(again.code).toBe(0);
    expect((JSON.parse(again.stdout) as { replayed: boolean }).replayed).toBe(true);
  }, 120_000);

  it("a refusal by the server's rules exits 1 with its check code in JSON", async () => {
    const year = new Date().getUTCFullYear();
    const r = await runEts(["transfer", `JPA-${year}`, "999999999999", "--from", "JP-200-0001", "--to", "JP-200-0002", "--database", data, "--json"], { env });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout) as { error: { code: unknown; message: string } };
    expect(typeof doc.error.code).toBe("number");
  }, 60_000);
});
