// Worker-thread side of the simulation runner: runs one job at a time and posts its result, so a
// long simulation never blocks the server's event loop and can be stopped by ending the thread.
import { parentPort } from "node:worker_threads";
import { runJob, type SimulationJob } from "./simulation-job.ts";

parentPort?.on("message", (m: { id: number; job: SimulationJob }) => {
  try {
    parentPort?.postMessage({ id: m.id, result: runJob(m.job) });
  } catch (err) {
    parentPort?.postMessage({ id: m.id, error: err instanceof Error ? err.message : String(err) });
  }
});
