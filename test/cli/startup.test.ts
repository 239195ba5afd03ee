// Goal (issue 15, the CLI benchmark): what the CLI does to start faster on a PGlite store changes
// no outcome. bin/ets runs node with --liftoff-only (WebAssembly on V8's baseline compiler only)
// and --wasm-lazy-compilation and --wasm-lazy-validation (each WASM function compiled and validated when first called),
// with glibc's malloc on transparent huge pages (GLIBC_TUNABLES, ahead of the caller's own);
// the CLI's own opens start PostgreSQL as a small instance (shared_buffers 4MB instead of the data
// directory's 128MB) and such a store still migrates, writes and reads; a server's open (no
// shortLived) keeps PostgreSQL's settings. A registry command on a PGlite store compiles PGlite's
// WebAssembly ahead (src/store/pglite-prefetch.ts), and the open uses that module.
import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { withRegistry } from "../../src/cli/commands/registry/context.ts";
import { CLI_GLIBC_TUNABLES, CLI_NODE_FLAGS } from "../../src/cli/process-tuning.ts";
import { systemPrincipal } from "../../src/domain/security/roles.ts";
import { migrations } from "../../src/store/migrations/index.ts";
import { openStore } from "../../src/store/open.ts";
import { COMMAND_START_PARAMS, openPglite } from "../../src/store/pglite.ts";
import { prefetchPgliteWasm, takePrefetchedWasm } from "../../src/store/pglite-prefetch.ts";
import { etsBin } from "../support/ets.ts";

const dir = mkdtempSync(join(tmpdir(), "ets-startup-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sharedBuffers = async (db: { query: (t: string) => Promise<{ rows: unknown[] }> }) =>
  ((await db.query("SHOW shared_buffers")).rows[0] as { shared_buffers: string }).shared_buffers;

describe("the CLI's start on a PGlite store", () => {
  it("bin/ets runs node with the CLI's flags and glibc tunables before the CLI and passes the arguments on", async () => {
    // A `node` first on PATH that prints the tunables it was given, then its arguments.
    const fake = join(dir, "fake-node");
    rmSync(fake, { recursive: true, force: true });
    mkdirSync(fake);
    writeFileSync(join(fake, "node"), '#!/bin/sh\nprintf "%s\\n" "$GLIBC_TUNABLES" "$@"\n');
    chmodSync(join(fake, "node"), 0o755);
    const run = (extra: NodeJS.ProcessEnv) =>
      new Promise<string[]>((res, rej) =>
        execFile(etsBin, ["holdings", "X-1"], { env: { ...process.env, GLIBC_TUNABLES: undefined, ETS_QUIET_TSX: "1", PATH: `${fake}${delimiter}${process.env.PATH ?? ""}`, ...extra } }, (err, stdout) =>
          err ? rej(err) : res(stdout.trim().split("\n")),
        ),
      );
    const [tunables, ...args] = await run({});
    expect(CLI_NODE_FLAGS).toEqual(["--liftoff-only", "--wasm-lazy-compilation", "--wasm-lazy-validation"]);
    expect(args.slice(0, 3)).toEqual([...CLI_NODE_FLAGS]);
    expect(tunables).toBe(CLI_GLIBC_TUNABLES);
    expect(CLI_GLIBC_TUNABLES).toBe("glibc.malloc.hugetlb=1:glibc.malloc.top_pad=67108864");
    // A caller's own tunables come after the CLI's, so that glibc applies them last: they win.
    const [theirs] = await run({ GLIBC_TUNABLES: "glibc.malloc.hugetlb=0" });
    expect(theirs).toBe(`${CLI_GLIBC_TUNABLES}:glibc.malloc.hugetlb=0`);
    expect(args.slice(-2)).toEqual(["holdings", "X-1"]);
    // `npm test` runs the suite with the same tunables (scripts/test.mjs, plain JavaScript).
    expect(readFileSync(join(import.meta.dirname, "../../scripts/test.mjs"), "utf8")).toContain(`"${CLI_GLIBC_TUNABLES}"`);
    // bin/ets.mjs picks the compiled CLI or the sources (test/build.test.ts).
    expect(args.some((a) => /\/bin\/ets\.mjs$/.test(a))).toBe(true);
  });

  it("a short-lived open starts a small instance; a new store is still migrated, and writes and reads work", async () => {
    expect(COMMAND_START_PARAMS).toEqual(["-c", "shared_buffers=4MB"]);
    const data = join(dir, "small");
    const db = await openStore({ database: data, shortLived: true });
    try {
      expect(await sharedBuffers(db)).toBe("4MB");
      const applied = (await db.query<{ id: string }>("SELECT id FROM schema_migrations")).rows.map((r) => r.id);
      expect(applied).toEqual(expect.arrayContaining(migrations.map((m) => m.id)));
      // PGlite's own start parameters are kept beside ours (they are appended to, never dropped).
      expect(((await db.query("SHOW search_path")).rows[0] as { search_path: string }).search_path).toBe("public");
    } finally {
      await db.close();
    }
    // The CLI's registry commands open it so, and a write through the registry is read back.
    const sys = { principal: systemPrincipal("test"), ip: null };
    await withRegistry({ database: data }, async (ctx) => {
      expect(await sharedBuffers(ctx.db)).toBe("4MB");
      const opened = await ctx.registry.openAccount(sys, { commandId: "o1", accountId: "JP-100-0001", type: "national_issuance", holder: "Government", name: "Issuance" });
      expect(opened.ok).toBe(true);
    });
    await withRegistry({ database: data }, async (ctx) => {
      const rows = (await ctx.db.query<{ id: string }>("SELECT id FROM accounts WHERE id = 'JP-100-0001'")).rows;
      expect(rows).toEqual([{ id: "JP-100-0001" }]);
    });
  }, 60_000);

  it("a prefetched pglite.wasm is compiled once and taken by the next open, which works on it", async () => {
    prefetchPgliteWasm();
    prefetchPgliteWasm(); // a second call starts nothing more
    const pending = takePrefetchedWasm();
    expect(pending).toBeDefined();
    const mod = await pending;
    expect(mod?.constructor.name).toBe("Module");
    expect(takePrefetchedWasm()).toBeUndefined();
    prefetchPgliteWasm();
    const db = await openPglite(undefined, { shortLived: true });
    try {
      expect(takePrefetchedWasm()).toBeUndefined(); // the open took it
      expect((await db.query<{ n: number }>("SELECT 40 + 2 AS n")).rows).toEqual([{ n: 42 }]);
    } finally {
      await db.close();
    }
  }, 60_000);

  it("an open without shortLived (the server's) keeps PostgreSQL's settings", async () => {
    const db = await openStore({ database: join(dir, "small") });
    try {
      expect(await sharedBuffers(db)).toBe("128MB");
    } finally {
      await db.close();
    }
  }, 60_000);
});
