// Runs the API's simulations on a few long-lived worker threads (simulation-worker.ts) with a
// time limit each: no request can hold the event loop, take more than `timeoutMs` (the worker is
// ended and replaced) or run beside more than `workers` others (the request is told the simulator
// is busy). Workers load the TypeScript sources through tsx's loader, as the Monte Carlo pool does.
import { Worker } from "node:worker_threads";
import type { JobResult, SimulationJob } from "./simulation-job.ts";

export type RunResult = JobResult | { ok: false; code: "simulation-busy" } | { ok: false; code: "simulation-timeout"; seconds: number } | { ok: false; code: "simulation-failed"; reason: string };

interface Slot {
  worker: Worker;
  busy: boolean;
}

export class SimulationRunner {
  private readonly slots: Slot[] = [];
  private next = 1;

  constructor(readonly opts: { workers: number; timeoutMs: number } = { workers: 2, timeoutMs: 15_000 }) {}

  private spawn(): Slot {
    const url = new URL("./simulation-worker.ts", import.meta.url).href;
    const tsx = import.meta.resolve("tsx/esm/api");
    const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url)}); });`;
    const worker = new Worker(boot, { eval: true });
    worker.unref();
    const slot: Slot = { worker, busy: false };
    worker.on("error", () => this.drop(slot));
    worker.on("exit", () => this.drop(slot));
    this.slots.push(slot);
    return slot;
  }

  private drop(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
  }

  /** Starts a worker ahead of the first request (its start-up takes a moment). */
  warm(): void {
    if (this.slots.length === 0) this.spawn();
  }

  run(job: SimulationJob): Promise<RunResult> {
    let slot = this.slots.find((s) => !s.busy);
    if (!slot) {
      if (this.slots.length >= this.opts.workers) return Promise.resolve({ ok: false, code: "simulation-busy" });
      slot = this.spawn();
    }
    const s = slot;
    s.busy = true;
    const id = this.next++;
    return new Promise<RunResult>((resolve) => {
      const finish = (r: RunResult) => {
        clearTimeout(timer);
        s.worker.off("message", onMessage);
        s.worker.off("exit", onExit);
        s.busy = false;
        resolve(r);
      };
      const onMessage = (m: { id: number; result?: JobResult; error?: string }) => {
        if (m.id !== id) return;
        finish(m.result ?? { ok: false, code: "simulation-failed", reason: m.error ?? "unknown" });
      };
      const onExit = () => finish({ ok: false, code: "simulation-failed", reason: "the simulation worker stopped" });
      const timer = setTimeout(() => {
        this.drop(s);
        void s.worker.terminate();
        finish({ ok: false, code: "simulation-timeout", seconds: Math.round(this.opts.timeoutMs / 1000) });
      }, this.opts.timeoutMs);
      s.worker.on("message", onMessage);
      s.worker.on("exit", onExit);
      s.worker.postMessage({ id, job });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }
}
