// One run of the simulation test for one seed, on a fresh database of the test's PostgreSQL
// server: the world is set up, the clients run their scripts at once (one of them in a child
// process that is killed and restarted), then the ledger's history is replayed into the reference
// ledger and everything is compared. The report lists every problem found and what the run
// exercised, so that the test can refuse a run that passed without doing anything.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "../../../src/platform/clock.ts";
import { LedgerService } from "../../../src/registry/ledger/index.ts";
import { verifyLedger } from "../../../src/registry/verify.ts";
import { migrate } from "../../../src/store/migrate.ts";
import { openPostgres } from "../../../src/store/postgres.ts";
import { checkAcks } from "./acks.ts";
import { type ChildConfig, childSends, type KillReport, runClient, runKilledClient } from "./client.ts";
import type { Send } from "./execute.ts";
import { type Fault, FAULTS, FaultyDb, faultsRaised, installFaults } from "./faults.ts";
import { compareFinal, readEffects, replay } from "./replay.ts";
import { generate } from "./workload.ts";
import { type Label, LABELS, rng, setupScript } from "./world.ts";

export interface SimOptions {
  seed: number;
  /** Clients in all, 2 or more; the last runs in a child process that is killed. */
  clients: number;
  /** Commands per client. */
  commands: number;
  /** Times the child process is killed. */
  kills: number;
  /** A fresh, empty database. */
  url: string;
  root: string;
}

export interface SimReport {
  problems: string[];
  /** Fresh successes per command kind. */
  succeeded: Record<Label, number>;
  /** Faults that reached a client (or, for serialization failures, that the database raised). */
  faults: Record<Fault | "kill", number>;
  kills: KillReport;
  sends: number;
  effects: number;
  /** Ids two clients sent (twins), and how many of them one client got as a replay. */
  twins: { sent: number; replayed: number };
  refusals: Record<string, number>;
}

/** The moments (answers of the child) at which it is killed: seeded, spread over its script. */
function killPlan(seed: number, kills: number, commands: number): number[] {
  const r = rng(seed * 31 + 5);
  const out = new Set<number>();
  const lo = Math.min(5, commands - 1);
  while (out.size < Math.min(kills, commands - lo)) out.add(lo + Math.floor(r() * Math.max(1, commands - lo - 2)));
  return [...out].sort((a, b) => a - b);
}

export async function runSimulation(o: SimOptions): Promise<SimReport> {
  const dir = mkdtempSync(join(tmpdir(), "ets-sim-"));
  const db = openPostgres(o.url, { max: 2 });
  const pools: Array<{ close(): Promise<void> }> = [db];
  try {
    await migrate(db);
    await installFaults(db);
    const setupClock = new ManualClock();
    const sends: Send[] = await runClient(-1, setupScript(), await LedgerService.open(db, setupClock), setupClock, null);
    const scripts = generate(o.seed, o.clients, o.commands);
    const child = o.clients - 1;
    const runs = scripts.slice(0, child).map(async (script, c) => {
      const r = rng(o.seed * 7 + c);
      const own = openPostgres(o.url, { max: 2 });
      const fdb = new FaultyDb(own, db, () => 20 + Math.floor(r() * 100));
      pools.push(fdb);
      const clock = new ManualClock();
      return runClient(c, script, await LedgerService.open(fdb, clock), clock, { db: fdb, seed: o.seed });
    });
    const appName = `sim-child-${o.seed}`;
    const cfg: ChildConfig = { url: `${o.url}?application_name=${appName}`, client: child, script: scripts[child] ?? [], ackFile: join(dir, "acks.jsonl") };
    const killed = runKilledClient(cfg, dir, killPlan(o.seed, o.kills, o.commands), db, appName, o.root);
    for (const s of await Promise.all(runs)) sends.push(...s);
    const kills = await killed;
    sends.push(...childSends(cfg));
    return await check(db, sends, kills);
  } finally {
    for (const p of pools) await p.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function check(db: ReturnType<typeof openPostgres>, sends: Send[], kills: KillReport): Promise<SimReport> {
  const effects = await readEffects(db);
  const replayed = replay(effects);
  const problems = [...replayed.divergences.map((d) => `replay: ${d}`)];
  problems.push(...(await compareFinal(db, replayed.ref)).map((d) => `final state: ${d}`));
  problems.push(...checkAcks(sends, effects, replayed).map((d) => `answer: ${d}`));
  const report = await verifyLedger(db);
  problems.push(...report.violations.map((v) => `verify: ${v.invariant}: ${v.message}`));
  const raised = await faultsRaised(db);
  const faults = Object.fromEntries([...FAULTS, "kill"].map((f) => [f, 0])) as Record<Fault | "kill", number>;
  for (const s of sends) if (s.outcome.ack === "error" && s.outcome.fault !== "unexpected") faults[s.outcome.fault as Fault | "kill"]++;
  // A serialization failure never reaches the client (the ledger retries it): count what the database raised.
  faults.serialization = Number(raised.serialization);
  return { problems, succeeded: succeeded(sends), faults, kills, sends: sends.length, effects: effects.length, twins: twins(sends), refusals: refusals(sends) };
}

function twins(sends: readonly Send[]): { sent: number; replayed: number } {
  const byId = new Map<string, Send[]>();
  for (const s of sends) if (s.id !== null) byId.set(s.id, [...(byId.get(s.id) ?? []), s]);
  const both = [...byId.values()].filter((list) => new Set(list.map((s) => s.client)).size > 1);
  return { sent: both.length, replayed: both.filter((list) => list.some((s) => s.outcome.ack === "ok" && s.outcome.replayed)).length };
}

function succeeded(sends: readonly Send[]): Record<Label, number> {
  const out = Object.fromEntries(LABELS.map((l) => [l, 0])) as Record<Label, number>;
  for (const s of sends) {
    if (s.client < 0 || s.outcome.ack !== "ok") continue;
    const released = (s.outcome.released ?? []).filter((x) => x.ok).length;
    if (s.op === "release" && s.target === null) out.release += released;
    else if (!s.outcome.replayed) out[s.label]++;
  }
  return out;
}

function refusals(sends: readonly Send[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of sends) if (s.outcome.ack === "refused") out[`${s.op}:${s.outcome.code}`] = (out[`${s.op}:${s.outcome.code}`] ?? 0) + 1;
  return out;
}
