// Runs Monte Carlo paths on worker threads. Paths are cut into contiguous ranges, one per thread,
// and joined in path order, so the result is the same for any thread count. The workers run the
// TypeScript sources through tsx's loader (registered inside the worker, which Node 20 needs for
// worker threads; execArgv alone does not carry the loader into them).
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { runPaths, summarise } from "./montecarlo.ts";
import type { Behaviour, BehaviourSummary, MonteCarloSummary, PathOutcome } from "./montecarlo.ts";
import type { Scenario } from "./scenario.ts";

export interface PoolOptions {
  threads?: number;
  onProgress?: (done: number, total: number) => void;
}

function runWorker(s: Scenario, from: number, to: number, behaviour: Behaviour, onDone: (n: number) => void): Promise<PathOutcome[]> {
  // From the sources, the worker beside this file; from the compiled CLI (build/cli/*.mjs), the
  // worker's source, which the worker runs through tsx as well.
  const url = new URL(import.meta.url.endsWith(".ts") ? "./worker.ts" : "../../src/simulator/worker.ts", import.meta.url).href;
  // resolved here, so the worker finds tsx whatever the current directory is
  const tsx = import.meta.resolve("tsx/esm/api");
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url)}); });`;
  return new Promise((resolve, reject) => {
    const w = new Worker(boot, { eval: true, workerData: { scenario: s, from, to, behaviour } });
    let result: PathOutcome[] | undefined;
    w.on("message", (m: { kind: "progress"; done: number } | { kind: "result"; paths: PathOutcome[] }) => {
      if (m.kind === "progress") onDone(m.done);
      else result = m.paths;
    });
    w.on("error", reject);
    w.on("exit", (code) => (result ? resolve(result) : reject(new Error(`Monte Carlo worker exited with code ${code} before its result`))));
  });
}

/** All paths of one behaviour, in path order. threads = 1 runs in this thread. */
export async function runBehaviour(s: Scenario, behaviour: Behaviour, o: PoolOptions = {}): Promise<PathOutcome[]> {
  const total = s.monteCarlo?.paths ?? 0;
  // Never more threads than cores: more only cost memory and start-up (64 took 24 s and 2 GB).
  const threads = Math.max(1, Math.min(o.threads ?? s.monteCarlo?.threads ?? availableParallelism(), availableParallelism(), total));
  let done = 0;
  const tick = (n: number) => {
    done += n;
    o.onProgress?.(done, total);
  };
  if (threads === 1) return runPaths(s, 0, total, behaviour, () => tick(1));
  const chunks = Array.from({ length: threads }, (_, k) => [Math.floor((total * k) / threads), Math.floor((total * (k + 1)) / threads)] as const);
  const parts = await Promise.all(chunks.map(([a, b]) => runWorker(s, a, b, behaviour, tick)));
  return parts.flat();
}

export async function monteCarlo(s: Scenario, o: PoolOptions = {}): Promise<MonteCarloSummary | undefined> {
  const mc = s.monteCarlo;
  if (!mc) return undefined;
  const out: MonteCarloSummary = { paths: mc.paths, seed: mc.seed, bauSigma: mc.bauSigma };
  for (const b of mc.behaviours) {
    const summary: BehaviourSummary = summarise(s, await runBehaviour(s, b, o));
    out[b] = summary;
  }
  return out;
}
