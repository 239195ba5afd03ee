#!/usr/bin/env node
// `npm run build` (and `npm ci`'s `prepare`, and `npm start` before the server starts): builds
// what the project ships besides its TypeScript sources. Each step names its inputs and its output
// folder; a step runs only when the hash of its inputs differs from the one recorded in its output
// (`--force` runs every step). Steps are a list so that later builds (e.g. a compiled CLI) are one
// more entry. Concurrent runs (two test files, `npm start` twice) take a lock per step, so a
// half-written output is never served; the output is built in a temporary folder and swapped in.
//
//   node scripts/build.mjs [--force] [--quiet] [step ...]
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const STAMP = ".inputs-hash";

/** @typedef {{ name: string, inputs: string[], output: string, run: (outDir: string) => Promise<void> }} Step */

/** @type {Step[]} */
export const STEPS = [
  {
    // The web console (web/): a React app bundled by Vite into build/console, served by the server.
    name: "console",
    // Everything the bundle is made of (test/http/console-serve.test.ts checks that the console's
    // imports from src/ are all here, so a change there rebuilds it).
    inputs: ["web", "src/i18n", "src/report/svg.ts", "src/domain/allocation/texts.ts", "package-lock.json"],
    output: "build/console",
    run: async (outDir) => {
      const { build } = await import("vite");
      const { consoleConfig } = await import(join(ROOT, "web/vite.config.mjs"));
      await build({ ...consoleConfig({ outDir }), configFile: false, logLevel: "warn" });
    },
  },
  {
    // The `ets` command compiled to JavaScript (build/cli/main.mjs), so that a command does not
    // compile TypeScript at each start (bin/ets runs it; with the build missing or older than
    // src/, bin/ets says so and runs the sources through tsx). One ES module bundle of the
    // project's own sources, split at the dynamic imports (a command loads only what it needs);
    // packages stay imports of node_modules, except those in BUNDLED. build/cli is two folders
    // below the project like src/cli and src/io, so paths taken from import.meta (package.json,
    // presets/) still hold.
    name: "cli",
    inputs: ["src", "package.json", "package-lock.json", "scripts/build.mjs"],
    output: "build/cli",
    run: async (outDir) => {
      const { build } = await import("esbuild");
      const result = await build({
        entryPoints: { main: join(ROOT, "src/cli/main.ts") },
        bundle: true,
        splitting: true,
        format: "esm",
        platform: "node",
        target: "node20",
        plugins: [externalPackagesBut(BUNDLED)],
        outdir: outDir,
        outExtension: { ".js": ".mjs" },
        chunkNames: "[name]-[hash]",
        logLevel: "warning",
        write: false,
      });
      // A bundled CommonJS package require()s Node's own modules (commander: node:events,
      // node:child_process, ...) through esbuild's __require, which uses a `require` in scope: the
      // file that defines it gets one that answers Node's modules only (process.getBuiltinModule,
      // Node >= 20.16; package.json asks >= 20.19), so that no file imports node:module for it.
      const shim = [
        "const require = (id) => {",
        "  const m = process.getBuiltinModule(id);",
        "  if (m === undefined) throw new Error(`build/cli: a bundled package requires ${id}, which is not a module of Node's (scripts/build.mjs BUNDLED)`);",
        "  return m;",
        "};",
        "",
      ].join("\n");
      for (const f of result.outputFiles) {
        mkdirSync(dirname(f.path), { recursive: true });
        writeFileSync(f.path, /^var __require = /m.test(f.text) ? shim + f.text : f.text);
      }
    },
  },
];

/**
 * Packages bundled into build/cli rather than imported from node_modules: commander, which every
 * command loads first. Imported from node_modules it is CommonJS that Node's ES module loader
 * wraps (its CommonJS loader and lexer run at each start); bundled, it is part of the program's
 * own module (loading `ets holdings`' modules: 101 ms of CPU against 112 ms, bench/cli.bench.ts).
 */
const BUNDLED = new Set(["commander"]);

/** An esbuild plugin: every bare import (a package or a node: module) stays external, except the packages named. */
function externalPackagesBut(bundled) {
  return {
    name: "external-packages",
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        const pkg = args.path.startsWith("@") ? args.path.split("/").slice(0, 2).join("/") : args.path.split("/")[0];
        return bundled.has(pkg) ? undefined : { path: args.path, external: true };
      });
    },
  };
}

/** Every file under the inputs (sorted, so the hash does not depend on directory order). */
function inputFiles(inputs) {
  const out = [];
  const walk = (p) => {
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) {
      for (const n of readdirSync(p)) if (n !== "node_modules" && !n.startsWith(".")) walk(join(p, n));
    } else if (st.isFile()) out.push(p);
  };
  for (const i of inputs) walk(join(ROOT, i));
  return out.sort();
}

/** The hash of a step's inputs: their paths and contents. */
export function inputsHash(step) {
  const h = createHash("sha256");
  for (const f of inputFiles(step.inputs)) {
    h.update(relative(ROOT, f));
    h.update("\0");
    h.update(readFileSync(f));
    h.update("\0");
  }
  return h.digest("hex");
}

/** True when the step's output exists and was built from the current inputs. */
export function isFresh(step) {
  const stamp = join(ROOT, step.output, STAMP);
  return existsSync(stamp) && readFileSync(stamp, "utf8").trim() === inputsHash(step);
}

/**
 * A fresh output's stamp gets the current time: bin/ets compares file times (it cannot hash src/
 * at every start), so files rewritten with the same content (a checkout) would otherwise keep it
 * on the slow path although the build is current.
 */
function touchStamp(step) {
  const now = new Date();
  utimesSync(join(ROOT, step.output, STAMP), now, now);
  return "fresh";
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A lock folder per step (mkdir is atomic); a lock older than 5 minutes is left by a dead build and taken over. */
async function withLock(step, fn) {
  const lock = join(ROOT, "build", `.lock-${step.name}`);
  mkdirSync(join(ROOT, "build"), { recursive: true });
  for (let waited = 0; ; waited += 100) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if (err.code !== "EEXIST") throw err;
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 5 * 60_000) rmSync(lock, { recursive: true, force: true });
      else if (waited > 10 * 60_000) throw new Error(`build ${step.name}: waited 10 minutes for ${lock}; remove it if no build is running`);
      else await sleep(100);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Builds one step if stale (or forced): into a temporary folder, then swapped in. Returns what it did. */
export async function buildStep(step, { force = false } = {}) {
  if (!force && isFresh(step)) return touchStamp(step);
  return withLock(step, async () => {
    const hash = inputsHash(step);
    if (!force && isFresh(step)) return touchStamp(step); // another process built it while we waited
    const out = join(ROOT, step.output);
    const tmp = `${out}.tmp-${process.pid}`;
    const old = `${out}.old-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    await step.run(tmp);
    writeFileSync(join(tmp, STAMP), `${hash}\n`);
    if (existsSync(out)) renameSync(out, old);
    renameSync(tmp, out);
    rmSync(old, { recursive: true, force: true });
    return "built";
  });
}

async function main(argv) {
  const force = argv.includes("--force");
  const quiet = argv.includes("--quiet");
  const names = argv.filter((a) => !a.startsWith("--"));
  const unknown = names.filter((n) => !STEPS.some((s) => s.name === n));
  if (unknown.length > 0) {
    process.stderr.write(`build: unknown step ${unknown.join(", ")} (steps: ${STEPS.map((s) => s.name).join(", ")})\n`);
    process.exit(2);
  }
  for (const step of STEPS.filter((s) => names.length === 0 || names.includes(s.name))) {
    const started = performance.now();
    let what;
    try {
      what = await buildStep(step, { force });
    } catch (err) {
      process.stderr.write(`build ${step.name} failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    }
    if (!quiet || what === "built") process.stdout.write(`build ${step.name}: ${what === "built" ? `built ${step.output} in ${((performance.now() - started) / 1000).toFixed(1)} s` : "up to date"}\n`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main(process.argv.slice(2));
