// Goal (issue 15, the CLI benchmark): PGlite opens a store with btree_gist's files in place but its
// library not loaded (src/store/pglite-btree-gist.ts), and PostgreSQL loads the library the first
// time it needs it: a new store's CREATE EXTENSION, the blocks table's exclusion constraint on a
// write, an index scan through it. A directory store written, read by `ets holdings`, written
// again and checked by `ets verify` holds; an overlapping block is still refused.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { withRegistry } from "../src/cli/commands/registry/context.ts";
import { systemPrincipal } from "../src/domain/security/roles.ts";
import { openStore } from "../src/store/open.ts";
import { openPglite } from "../src/store/pglite.ts";
import { btreeGistFiles, untar } from "../src/store/pglite-btree-gist.ts";
import { etsInProcess } from "./support/ets-in-process.ts";

const dir = mkdtempSync(join(tmpdir(), "ets-btree-gist-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sys = { principal: systemPrincipal("test"), ip: null };

/** A tar header block for one regular file (ustar), its size field as given. */
function header(name: string, sizeField: string): Uint8Array {
  const h = new Uint8Array(512);
  h.set(new TextEncoder().encode(name), 0);
  h.set(new TextEncoder().encode(sizeField), 124);
  h[156] = 0x30;
  return h;
}

/** How many WebAssembly modules of `bytes` bytes `fn` compiles (synchronously or not), counted by wrapping WebAssembly's entry points. */
async function modulesCompiled<T>(bytes: number, fn: () => Promise<T>): Promise<{ count: number; value: T }> {
  const wasm = (globalThis as unknown as { WebAssembly: Record<string, unknown> }).WebAssembly;
  const original = { Module: wasm.Module, instantiate: wasm.instantiate, compile: wasm.compile };
  let count = 0;
  const sized = (b: unknown) => (ArrayBuffer.isView(b) || b instanceof ArrayBuffer) && b.byteLength === bytes;
  const Module = original.Module as new (b: unknown) => object;
  wasm.Module = new Proxy(Module, { construct: (t, args: unknown[]) => ((count += sized(args[0]) ? 1 : 0), new t(args[0])) });
  for (const name of ["instantiate", "compile"] as const) {
    const f = original[name] as (...a: unknown[]) => unknown;
    wasm[name] = (...a: unknown[]) => ((count += sized(a[0]) ? 1 : 0), f(...a));
  }
  try {
    return { value: await fn(), count };
  } finally {
    Object.assign(wasm, original);
  }
}

describe("btree_gist loaded on first use", () => {
  it("untar reads PGlite's btree_gist archive: the library (a WebAssembly module), the control file, the SQL scripts", () => {
    const files = btreeGistFiles();
    const lib = files.find((f) => f.path === "lib/postgresql/btree_gist.so");
    expect([...(lib?.data.subarray(0, 4) ?? [])]).toEqual([0x00, 0x61, 0x73, 0x6d]);
    expect(files.map((f) => f.path)).toContain("share/postgresql/extension/btree_gist.control");
    expect(files.filter((f) => /^share\/postgresql\/extension\/btree_gist--[\d.]+\.sql$/.test(f.path)).length).toBeGreaterThan(0);
  });

  it("untar refuses a damaged archive: a size that is not octal, a file past the end, no end marker", () => {
    const data = new Uint8Array(512).fill(0x41);
    const end = new Uint8Array(1024);
    expect(untar(new Uint8Array([...header("a.txt", "00000001000"), ...data, ...end])).map((f) => [f.path, f.data.length])).toEqual([["a.txt", 512]]);
    expect(() => untar(new Uint8Array([...header("a.txt", "0000000x000"), ...data, ...end]))).toThrow(/bad size field/);
    expect(() => untar(new Uint8Array([...header("a.txt", "00000002000"), ...data]))).toThrow(/a\.txt runs past the end/);
    expect(() => untar(new Uint8Array([...header("a.txt", "00000001000"), ...data]))).toThrow(/no end-of-archive marker/);
  });

  it("a new store: opening compiles no btree_gist library; CREATE EXTENSION (the migrations) loads it, once", async () => {
    const size = btreeGistFiles().find((f) => f.path.endsWith(".so"))?.data.byteLength ?? 0;
    expect(size).toBeGreaterThan(0);
    const opened = await modulesCompiled(size, () => openPglite());
    const db = opened.value;
    try {
      expect(opened.count).toBe(0);
      const migrated = await modulesCompiled(size, async () => (await import("../src/store/migrate.ts")).migrate(db));
      expect(migrated.count).toBe(1);
      expect((await db.query<{ extname: string }>("SELECT extname FROM pg_extension WHERE extname = 'btree_gist'")).rows).toHaveLength(1);
    } finally {
      await db.close();
    }
  });

  it("a directory store: written, read by ets holdings, written again, verified; the exclusion constraint refuses an overlapping block through the library loaded on demand", async () => {
    const data = join(dir, "store");
    await withRegistry({ database: data }, async (ctx) => {
      expect((await ctx.registry.defineClass(sys, { commandId: "c", code: "JPA-2026", unitType: "allowance", scheme: "JP-GX", vintage: 2026 })).ok).toBe(true);
      expect((await ctx.registry.openAccount(sys, { commandId: "o", accountId: "JP-100-0001", type: "national_issuance", holder: "Government", name: "Issuance" })).ok).toBe(true);
      expect((await ctx.registry.ledger.propose({ transactionId: "iss-1", kind: "issuance", legs: [{ classCode: "JPA-2026", to: "JP-100-0001", quantity: "1000" }] })).ok).toBe(true);
    });
    const read = await etsInProcess(["holdings", "JP-100-0001", "--database", data, "--json"]);
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout).toContain("1000");
    await withRegistry({ database: data }, async (ctx) => {
      expect((await ctx.registry.ledger.propose({ transactionId: "iss-2", kind: "issuance", legs: [{ classCode: "JPA-2026", to: "JP-100-0001", quantity: "500" }] })).ok).toBe(true);
    });
    const verified = await etsInProcess(["verify", "--database", data]);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);

    const size = btreeGistFiles().find((f) => f.path.endsWith(".so"))?.data.byteLength ?? 0;
    const db = await openStore({ database: data, shortLived: true });
    try {
      // An index scan through the exclusion constraint's GiST index calls btree_gist's functions.
      const scan = await modulesCompiled(size, () =>
        db.transaction(async (tx) => {
          await tx.query("SET LOCAL enable_seqscan = off");
          await tx.query("SET LOCAL enable_bitmapscan = off");
          const plan = (await tx.query<{ "QUERY PLAN": string }>("EXPLAIN SELECT serial_start FROM blocks WHERE class_id = 1 AND int8range(serial_start, serial_end, '[]') && int8range(1200, 1300, '[]')")).rows;
          const rows = (await tx.query<{ serial_start: bigint; serial_end: bigint }>("SELECT serial_start, serial_end FROM blocks WHERE class_id = 1 AND int8range(serial_start, serial_end, '[]') && int8range(1200, 1300, '[]')")).rows;
          return { plan: plan.map((r) => r["QUERY PLAN"]).join("\n"), rows };
        }),
      );
      expect(scan.value.plan).toMatch(/Index Scan using blocks_class_id_int8range_excl/);
      // The two issuances to one account are one block of serials 1-1,500 (adjacent blocks merge).
      expect(scan.value.rows).toEqual([{ serial_start: 1n, serial_end: 1500n }]);
      expect(scan.count).toBe(1);
      await expect(db.query("INSERT INTO blocks (class_id, account_id, serial_start, serial_end) VALUES (1, 'JP-100-0001', 1400, 1600)")).rejects.toMatchObject({ code: "23P01" });
    } finally {
      await db.close();
    }
  }, 60_000);
});
