// PGlite's PostgreSQL (a 9 MB WebAssembly module) compiled ahead, while a command still loads its
// own modules. WebAssembly.compile decodes and validates the module on V8's background threads;
// PGlite.create compiles it on first use otherwise, with the main thread idle meanwhile (about 70
// ms of `ets holdings`, bench/cli.bench.ts). The CLI starts it once it knows that a command opens a
// PGlite store (src/cli/commands/registry/commands.ts); openPglite takes it (src/store/pglite.ts).
// This module loads nothing of PGlite's: only the file is read.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

/**
 * A file beside PGlite's entry point (its dist/ folder). Resolved with require's resolver rather
 * than import.meta.resolve, which Vite's module runner (a test run's global setup) does not have.
 */
export function pgliteFile(name: string): URL {
  return new URL(`./${name}`, pathToFileURL(createRequire(import.meta.url).resolve("@electric-sql/pglite")));
}

/** WebAssembly.compile (the project's TypeScript libraries declare WebAssembly's types, not its functions). */
const wasmApi = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<WebAssembly.Module> } }).WebAssembly;

let pending: Promise<WebAssembly.Module | undefined> | undefined;

/** Starts reading and compiling pglite.wasm (once); a failure only means that PGlite compiles it itself. */
export function prefetchPgliteWasm(): void {
  if (pending) return;
  pending = (async () => {
    const wasm = pgliteFile("pglite.wasm");
    return wasmApi.compile(await readFile(wasm));
  })().catch(() => undefined);
}

/** The prefetched module, if one was started (each prefetch is used by one open). */
export function takePrefetchedWasm(): Promise<WebAssembly.Module | undefined> | undefined {
  const p = pending;
  pending = undefined;
  return p;
}
