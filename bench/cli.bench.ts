// `npm run bench -- cli`: how long `ets` takes to start and answer, as a user runs it: the median
// wall time of `ets --version` and of `ets holdings` on a small PGlite store (a class, two accounts,
// one issuance), each spawned as a process, beside `node -e 0` spawned in the same run (what any
// Node program costs to start on this machine). Goal: ratio <= 3 for --version and <= 6 for
// holdings. bin/ets runs the compiled CLI (build/cli, built here first when stale). A third figure:
// the same `ets holdings` beside a running server on the store (it asks the API; no PGlite).
//
// Where the time goes (node --cpu-prof of `ets holdings`, 2026-12-06): PGlite's start in the
// process (WASM compile, PostgreSQL boot, the first read of each table's catalogue) is most of it;
// before that date a current store was also migrated in a write transaction and the ledger's
// catalogue rows re-inserted at every start, and `pg` and the password hasher were loaded for
// nothing. Those are gone (src/store/migrate.ts, src/registry/ledger/service.ts, src/store/open.ts);
// side by side in one run at load ~13, 7,967 ms before and 7,296 ms after (node -e 0: 277 ms).
// Figures of 2026-12-06 22:58 UTC, load average 11.8-15.8 on the 2 cores (other sessions):
//   --version 445 ms / node 336 ms = 1.32 (goal <= 3, met)
//   holdings on the PGlite store 5,896 ms = 17.5 (goal <= 6, NOT met: PGlite's own start-up)
//   holdings beside a running server 1,241 ms = 3.7 (goal <= 6, met)
// At load ~1.5 earlier that day, before the changes: holdings 3,414 ms / node 97 ms = 35.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { AuditLog } from "../src/audit/index.ts";
import { AuthService } from "../src/auth/index.ts";
import { systemPrincipal } from "../src/domain/security/roles.ts";
import { DEFAULT_SECURITY_CONFIG } from "../src/domain/security/config.ts";
import { systemClock } from "../src/platform/clock.ts";
import { SecureRegistry } from "../src/registry/secure/index.ts";
import { openStore } from "../src/store/open.ts";
import { startServerProcess } from "../test/support/server-process.ts";
import { type Figure, figure } from "./figure.ts";

const ROOT = resolve(import.meta.dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

/** The median wall time, in milliseconds, of running this command RUNS times (after one warm-up run). */
function median(cmd: string, args: string[], env: NodeJS.ProcessEnv): number {
  const times: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const t = performance.now();
    const r = spawnSync(cmd, args, { env, encoding: "utf8" });
    const ms = performance.now() - t;
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
    if (i > 0) times.push(ms);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? 0;
}

export async function run(log: (s: string) => void): Promise<Figure[]> {
  // @ts-expect-error: a plain ES module without types
  const { buildStep, STEPS } = (await import("../scripts/build.mjs")) as { buildStep(s: unknown): Promise<string>; STEPS: Array<{ name: string }> };
  log(`compiled CLI: ${await buildStep(STEPS.find((s) => s.name === "cli"))}`);
  const dir = mkdtempSync(join(tmpdir(), "ets-bench-cli-"));
  let token = "";
  const data = join(dir, "pglite");
  try {
    log("a small store: one class, two accounts, one issuance");
    const db = await openStore({ database: data });
    try {
      const registry = await SecureRegistry.open(db, systemClock, DEFAULT_SECURITY_CONFIG, {});
      const sys = { principal: systemPrincipal("bench"), ip: null };
      const must = (r: { ok: boolean }) => {
        if (!r.ok) throw new Error(JSON.stringify(r));
      };
      must(await registry.defineClass(sys, { commandId: "c", code: "JPA-2026", unitType: "allowance", scheme: "JP-GX", vintage: 2026 }));
      must(await registry.openAccount(sys, { commandId: "o0", accountId: "JP-100-0001", type: "national_issuance", holder: "Government", name: "Issuance" }));
      must(await registry.ledger.propose({ transactionId: "iss", kind: "issuance", legs: [{ classCode: "JPA-2026", to: "JP-100-0001", quantity: "1000000" }] }));
      // A user and an API token for `ets holdings --server` (what `ets login` leaves behind).
      const auth = await AuthService.open(db, systemClock, DEFAULT_SECURITY_CONFIG, new AuditLog(db, systemClock));
      must(await auth.createUser(sys, { userId: "bench-admin", displayName: "bench", password: "bench-admin-long-password", roles: ["national-admin"] }));
      const tok = await auth.createApiToken(sys, { userId: "bench-admin", name: "bench", scopes: ["read"] });
      if (!tok.ok) throw new Error(JSON.stringify(tok));
      token = tok.value.token;
    } finally {
      await db.close();
    }
    const env = { ...process.env, DATABASE_URL: undefined, OPENETS_URL: undefined } as NodeJS.ProcessEnv;
    delete env.DATABASE_URL;
    delete env.OPENETS_URL;
    const ets = join(ROOT, "bin/ets");
    log(`node -e 0, ${RUNS} runs`);
    const node = median(process.execPath, ["-e", "0"], env);
    log(`ets --version, ${RUNS} runs`);
    const version = median(ets, ["--version"], env);
    log(`ets holdings, ${RUNS} runs`);
    const holdings = median(ets, ["holdings", "JP-100-0001", "--database", data], env);
    // The same command beside a running server on the store (the server records itself there):
    // the CLI then loads neither PGlite nor the services, it asks the server's API.
    log("starting the server on the store");
    const server = await startServerProcess({ DATABASE_URL: data, OPENETS_MODE: "demo" });
    let remote: number;
    try {
      log(`ets holdings beside the server, ${RUNS} runs`);
      remote = median(ets, ["holdings", "JP-100-0001", "--database", data], { ...env, OPENETS_TOKEN: token });
    } finally {
      await server.stop();
    }
    return [
      figure({ figure: "cli ets --version median wall time", value: version, baseline: node, unit: "ms", baselineName: "node -e 0, same run", goal: "ratio <= 3" }),
      figure({ figure: "cli ets holdings (small PGlite store) median wall time", value: holdings, baseline: node, unit: "ms", baselineName: "node -e 0, same run", goal: "ratio <= 6" }),
      figure({ figure: "cli ets holdings beside a running server (same store, over HTTP) median wall time", value: remote, baseline: node, unit: "ms", baselineName: "node -e 0, same run", goal: "ratio <= 6" }),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
