// The simulation's clients. An in-process client runs its script on its own connection pool
// (through FaultyDb, which injects the seed's planned faults) and its own clock, one command at a
// time; a command that fails with an error is sent again, with the same id and the same time,
// until the ledger answers (the way a real client retries what it got no answer for). The killed
// client runs the same loop in a child process (child.ts) that the parent kills with SIGKILL at
// the seed's moments and starts again; the new process resends the command that was in flight.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ManualClock } from "../../../src/platform/clock.ts";
import type { LedgerService } from "../../../src/registry/ledger/index.ts";
import { sqlState } from "../../../src/store/db.ts";
import type { Db } from "../../../src/store/db.ts";
import { execute, type Outcome, type Send, sendOf } from "./execute.ts";
import { dropped, type Fault, FAULTS, type FaultyDb, faultFor, LostAnswer } from "./faults.ts";
import type { Command } from "./world.ts";

/** A command is sent at most this many times (faults stop after the second sending). */
const MAX_SENDS = 8;

/** An error as a send outcome: which fault it came from, or "unexpected" (which fails the run). */
export function errorOutcome(err: unknown, injected: Fault | null): Extract<Outcome, { ack: "error" }> {
  const state = sqlState(err) ?? null;
  const message = err instanceof Error ? err.message : String(err);
  const expected =
    injected === "lost" ? err instanceof LostAnswer
    : injected === "timeout" ? state === "57014"
    : injected === "drop" ? dropped(err)
    : false;
  return { ack: "error", error: message.slice(0, 300), sqlState: state, fault: expected ? (injected as Fault) : "unexpected" };
}

/** Runs a script in this process; every sending of every command is returned, in order. */
export async function runClient(c: number, script: readonly Command[], ledger: LedgerService, clock: ManualClock, faults: { db: FaultyDb; seed: number } | null): Promise<Send[]> {
  const sends: Send[] = [];
  for (const cmd of script) {
    for (let attempt = 1; attempt <= MAX_SENDS; attempt++) {
      const planned = faults ? faultFor(faults.seed, c, cmd.n, attempt) : null;
      const before = faults ? { ...faults.db.injected } : null;
      if (faults && planned) faults.db.arm(planned);
      clock.set(cmd.at);
      try {
        sends.push(sendOf(c, cmd, attempt, await execute(ledger, cmd)));
        break;
      } catch (err) {
        const injected = faults && before ? (FAULTS.find((f) => faults.db.injected[f] > before[f]) ?? null) : null;
        sends.push(sendOf(c, cmd, attempt, errorOutcome(err, injected)));
      }
    }
  }
  return sends;
}

export interface ChildConfig {
  url: string;
  client: number;
  script: Command[];
  ackFile: string;
}

/** One line of the child's acknowledgement file: written before a command is sent, and after its answer. */
export type AckLine = { n: number; phase: "sent" } | { n: number; phase: "done"; outcome: Outcome };

export function readAcks(file: string): AckLine[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.endsWith("}"))
    .map((l) => JSON.parse(l) as AckLine);
}

/**
 * The sends of a killed client, from its acknowledgement file: a command sent and never answered
 * (its process was killed while it ran) is an unanswered send, sent again by the next process.
 */
export function childSends(cfg: ChildConfig): Send[] {
  const out: Send[] = [];
  const attempts = new Map<number, number>();
  let open: number | null = null;
  const sendOfN = (n: number, outcome: Outcome) => {
    const a = (attempts.get(n) ?? 0) + 1;
    attempts.set(n, a);
    out.push(sendOf(cfg.client, cfg.script[n] as Command, a, outcome));
  };
  for (const line of readAcks(cfg.ackFile)) {
    if (line.phase === "sent") {
      if (open !== null) sendOfN(open, { ack: "error", error: "process killed while the command ran", sqlState: null, fault: "kill" });
      open = line.n;
    } else {
      sendOfN(line.n, line.outcome);
      open = null;
    }
  }
  if (open !== null) sendOfN(open, { ack: "error", error: "process killed while the command ran", sqlState: null, fault: "kill" });
  return out;
}

export interface KillReport {
  kills: number;
  /** Processes started (kills + 1). */
  lives: number;
}

/** Kills that landed while a command was in flight: its sending got no answer and was made again. */
export function killedInFlight(cfg: ChildConfig): number {
  return childSends(cfg).filter((s) => s.outcome.ack === "error" && s.outcome.fault === "kill").length;
}

/** Kills added after the planned ones, at most, until one lands while a command is in flight. */
const EXTRA_KILLS = 5;

/**
 * Runs the child client to the end of its script, killing it with SIGKILL after the given numbers
 * of answered commands (waiting, briefly, for a moment when a command is in flight), and starting
 * it again each time once the dead process's database sessions are gone. When no planned kill
 * landed mid-command (a fast command can finish between the look and the signal), a few more
 * kills follow until one does.
 */
export async function runKilledClient(cfg: ChildConfig, dir: string, killAfter: readonly number[], admin: Db, appName: string, root: string): Promise<KillReport> {
  const cfgFile = join(dir, `child-${cfg.client}.json`);
  writeFileSync(cfgFile, JSON.stringify(cfg));
  const report: KillReport = { kills: 0, lives: 0 };
  const plan = [...killAfter];
  for (let life = 0; ; life++) {
    report.lives++;
    const child = spawn(process.execPath, ["--import", "tsx", join(root, "test/support/sim/child.ts"), cfgFile], { cwd: root, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const done = () => readAcks(cfg.ackFile).filter((l) => l.phase === "done").length;
    if (life === plan.length && killedInFlight(cfg) === 0 && plan.length < killAfter.length + EXTRA_KILLS && done() + 3 < cfg.script.length) plan.push(done() + 3);
    const target = plan[life];
    if (target === undefined) {
      const code = await exited;
      if (code !== 0) throw new Error(`the simulation's child client exited with ${code}: ${stderr.slice(-2000)}`);
      return report;
    }
    const deadline = Date.now() + 240_000;
    while (done() < target && child.exitCode === null && Date.now() < deadline) await sleep(10);
    if (child.exitCode !== null) throw new Error(`the simulation's child client ended before its kill at ${target} answers: ${stderr.slice(-2000)}`);
    // Land the kill while a command is in flight when possible (it may have committed or not).
    const flightDeadline = Date.now() + 3_000;
    while (readAcks(cfg.ackFile).at(-1)?.phase !== "sent" && Date.now() < flightDeadline) await sleep(2);
    child.kill("SIGKILL");
    await exited;
    report.kills++;
    await sessionsGone(admin, appName);
  }
}

/**
 * Waits until the killed process's database sessions have ended. A statement it sent before dying
 * may still be running and commit; the next process must not race it with the same id (the real
 * world's answer: the client reconnects after the server has noticed). After 10 s they are ended.
 */
async function sessionsGone(admin: Db, appName: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const r = await admin.query<{ n: bigint }>("SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1", [appName]);
    if ((r.rows[0]?.n ?? 0n) === 0n) return;
    if (Date.now() > deadline) {
      await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", [appName]);
    }
    await sleep(20);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
