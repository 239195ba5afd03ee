// Worker-thread side of the Monte Carlo pool: runs a range of paths and posts them back, with a
// progress message every few paths.
import { parentPort, workerData } from "node:worker_threads";
import { runPaths } from "./montecarlo.ts";
import type { Behaviour } from "./montecarlo.ts";
import type { Scenario } from "./scenario.ts";

const job = workerData as { scenario: Scenario; from: number; to: number; behaviour: Behaviour };
let done = 0;
const paths = runPaths(job.scenario, job.from, job.to, job.behaviour, () => {
  done++;
  if (done % 16 === 0) parentPort?.postMessage({ kind: "progress", done: 16 });
});
parentPort?.postMessage({ kind: "progress", done: done % 16 });
parentPort?.postMessage({ kind: "result", paths });
