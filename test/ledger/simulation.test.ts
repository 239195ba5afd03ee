// Goal: the ledger keeps every rule under a random mix of every command kind from concurrent
// clients on the real PostgreSQL server, while faults are injected: dropped connections, statement
// timeouts, serialization failures, lost answers, and a client process killed with SIGKILL and
// restarted. After each run, the commands that took effect are replayed into the reference ledger
// in the ledger's commit order and everything must agree: every recorded status change, the final
// serial blocks, earmarks, transaction and account statuses, every acknowledged answer (nothing
// lost, nothing duplicated), and verify. A seed fixes the workload, every id and time, the fault
// plan and the kill moments; the interleaving is the operating system's. The knobs (see
// docs/internals/testing.md, "The simulation test"):
//   ETS_SIM_SEEDS=7,8,9 or random:N   ETS_SIM_CLIENTS=6   ETS_SIM_COMMANDS=100   ETS_SIM_KILLS=2
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runSimulation } from "../support/sim/run.ts";
import { LABELS } from "../support/sim/world.ts";
import { createServerDatabase } from "../support/stores.ts";

/** The fixed budget of every test run (about half a minute on an idle 2-core machine): three seeds, 4, 6 and 8 clients. */
const CI_RUNS = [
  { seed: 1, clients: 4 },
  { seed: 2, clients: 6 },
  { seed: 3, clients: 8 },
];

function runs(): Array<{ seed: number; clients: number }> {
  const spec = process.env.ETS_SIM_SEEDS;
  const clients = process.env.ETS_SIM_CLIENTS;
  if (!spec) return clients ? CI_RUNS.map((r) => ({ ...r, clients: Number(clients) })) : CI_RUNS;
  const random = /^random:(\d+)$/.exec(spec);
  const seeds = random ? Array.from({ length: Number(random[1]) }, () => 1 + Math.floor(Math.random() * 1_000_000_000)) : spec.split(",").map((x) => Number(x.trim()));
  return seeds.map((seed) => ({ seed, clients: Number(clients ?? 6) }));
}

const COMMANDS = Number(process.env.ETS_SIM_COMMANDS ?? 100);
const KILLS = Number(process.env.ETS_SIM_KILLS ?? 2);
const root = join(import.meta.dirname, "../..");

describe("deterministic simulation of the ledger on PostgreSQL, with faults", () => {
  for (const { seed, clients } of runs()) {
    it(`seed ${seed}: ${clients} clients x ${COMMANDS} commands agree with the reference ledger`, async () => {
      const again = `replay: ETS_SIM_SEEDS=${seed} ETS_SIM_CLIENTS=${clients} ETS_SIM_COMMANDS=${COMMANDS} ETS_SIM_KILLS=${KILLS} npx vitest run test/ledger/simulation.test.ts`;
      const r = await runSimulation({ seed, clients, commands: COMMANDS, kills: KILLS, url: await createServerDatabase(), root });
      process.stderr.write(
        `[simulation] seed ${seed}, ${clients} clients: ${r.sends} sendings, ${r.effects} effects, twins ${JSON.stringify(r.twins)}; succeeded ${JSON.stringify(r.succeeded)}; ` +
          `faults ${JSON.stringify(r.faults)}; kills ${JSON.stringify(r.kills)}; refusals ${JSON.stringify(r.refusals)}\n`,
      );
      expect(r.problems, `seed ${seed} (${again})`).toEqual([]);
      // Not vacuous: every command kind took effect, every fault happened, and a kill landed mid-command (faults.kill).
      for (const label of LABELS) expect(r.succeeded[label], `${label} never succeeded (seed ${seed}; ${again})`).toBeGreaterThan(0);
      for (const [fault, n] of Object.entries(r.faults)) {
        if (fault !== "kill" || KILLS > 0) expect(n, `fault ${fault} never happened (seed ${seed}; ${again})`).toBeGreaterThan(0);
      }
      expect(r.kills.kills, `kills (seed ${seed})`).toBeGreaterThanOrEqual(KILLS);
      expect(r.twins.sent, `commands sent by two clients (seed ${seed})`).toBeGreaterThan(0);
    }, 600_000);
  }
});
