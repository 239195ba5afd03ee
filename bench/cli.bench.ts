// `npm run bench -- cli`: how long `ets` takes to start and answer, as a user runs it: the median
// wall time of `ets --version` and of `ets holdings` on a small PGlite store (a class, two accounts,
// one issuance), each spawned as a process, beside `node -e 0` spawned in the same run (what any
// Node program costs to start on this machine). Goal: ratio <= 3 for --version and <= 6 for
// holdings. bin/ets runs the compiled CLI (build/cli, built here first when stale).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { systemPrincipal } from "../src/domain/security/roles.ts";
import { DEFAULT_SECURITY_CONFIG } from "../src/domain/security/config.ts";
import { systemClock } from "../src/platform/clock.ts";
import { SecureRegistry } from "../src/registry/secure/index.ts";
import { openStore } from "../src/store/open.ts";
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
    return [
      figure({ figure: "cli ets --version median wall time", value: version, baseline: node, unit: "ms", baselineName: "node -e 0, same run", goal: "ratio <= 3" }),
      figure({ figure: "cli ets holdings (small PGlite store) median wall time", value: holdings, baseline: node, unit: "ms", baselineName: "node -e 0, same run", goal: "ratio <= 6" }),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
