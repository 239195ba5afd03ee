#!/usr/bin/env node
// `npm test`: checks the system prerequisites first (a missing one is named, never skipped),
// then runs type checking and the whole Vitest suite. The PostgreSQL server for the store tests
// is started by the suite itself (test/support/global-setup.ts).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

function fail(msg) {
  process.stderr.write(`\nprerequisite missing: ${msg}\n0 passed, 1 failed\n`);
  process.exit(1);
}

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 19)) fail(`Node >= 20.19 is required (found ${process.versions.node}); install Node 20.`);

function hasPgServer() {
  try {
    const dir = execFileSync("pg_config", ["--bindir"], { encoding: "utf8" }).trim();
    if (existsSync(`${dir}/initdb`)) return true;
  } catch {}
  if (!existsSync("/usr/lib/postgresql")) return false;
  return readdirSync("/usr/lib/postgresql").some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`));
}
if (!hasPgServer()) fail("PostgreSQL 15 server binaries (initdb, pg_ctl): apt-get install -y postgresql");

const chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
if (!chromium && !process.env.CHROMIUM_PATH) fail("Chromium for the browser tests: apt-get install -y chromium");

const tsc = spawnSync("npx", ["tsc", "--noEmit"], { stdio: "inherit" });
// The web console has its own compiler settings (DOM, JSX): web/tsconfig.json.
const tscWeb = tsc.status === 0 ? spawnSync("npx", ["tsc", "--noEmit", "-p", "web/tsconfig.json"], { stdio: "inherit" }) : tsc;
if (tsc.status !== 0 || tscWeb.status !== 0) {
  process.stdout.write("\ntype check failed\n0 passed, 1 failed\n");
  process.exit(1);
}
const args = ["vitest", "run", ...process.argv.slice(2)];
// The summary reporter also writes its line to this file: Vitest may print after its reporters
// (a worker slow to stop: "Timeout terminating forks worker"), so the line is repeated here to be
// the last one CI reads.
const summaryDir = mkdtempSync(join(tmpdir(), "openets-summary-"));
const summaryFile = join(summaryDir, "line");
// The suite starts PGlite hundreds of times, and each start touches about 100 MB: with glibc's
// malloc on transparent huge pages and a 64 MB heap step (the tunables bin/ets gives the CLI,
// src/cli/process-tuning.ts; the caller's own come after and win), two ledger test files took 15-18%
// less CPU and 40% fewer page faults (docs/internals/testing.md). The suite's PostgreSQL server
// inherits them.
const GLIBC_TUNABLES = ["glibc.malloc.hugetlb=1:glibc.malloc.top_pad=67108864", process.env.GLIBC_TUNABLES].filter(Boolean).join(":");
const r = spawnSync("npx", args, { stdio: "inherit", env: { ...process.env, GLIBC_TUNABLES, FORCE_COLOR: process.env.FORCE_COLOR ?? "0", OPENETS_SUMMARY_FILE: summaryFile } });
if (existsSync(summaryFile)) process.stdout.write(`${readFileSync(summaryFile, "utf8").trim()}\n`);
else if (r.status !== 0) process.stdout.write("\n0 passed, 1 failed\n");
rmSync(summaryDir, { recursive: true, force: true });
process.exit(r.status ?? 1);
