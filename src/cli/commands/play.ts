// `ets play FILE.yaml [--json] [--database D]`: plays a scenario (users, a rulebook, steps that are
// HTTP API operations or clock moves) on a fresh registry and says, step by step, whether each came
// to what the scenario expects; exits 1 at the first that does not, 2 when the scenario itself is
// wrong (a field, an unknown user or operation, a clock moving back).
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { PlayError, type PlayResult, play, REGISTRIES_OWN_STORES, type StepResult } from "../../play/run.ts";
import { parseScenario, ScenarioError } from "../../play/scenario.ts";
import { RulebookLoadError } from "../../io/rulebook.ts";
import type { Db } from "../../store/db.ts";
import { openStore } from "../../store/open.ts";
import { action, CommandFailure, toJson, UsageError } from "../io.ts";

function stepLine(r: StepResult): string {
  const who = r.kind === "clock" ? "clock" : `${r.at ? `${r.at}: ` : ""}${r.as ?? "(public)"}`;
  const what = r.kind === "clock" ? "" : `${r.do} ${r.status}`;
  const mark = r.matched ? "ok " : "NOT";
  return `${mark} ${String(r.index + 1).padStart(3)}  ${who.padEnd(r.at ? 30 : 14)} ${what.padEnd(32)} ${r.summary}${r.label ? `  (${r.label})` : ""}\n`;
}

export async function runPlay(file: string, opts: { json?: boolean; database?: string; image?: Blob }, out: (s: string) => void = (s) => process.stdout.write(s)): Promise<PlayResult> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new UsageError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let scenario;
  try {
    scenario = parseScenario(text, file);
  } catch (err) {
    if (err instanceof ScenarioError) throw new UsageError(err.message);
    throw err;
  }
  // Refused before any store is opened: opening a new directory would create it (and run initdb)
  // for a command that then does nothing.
  if (opts.database !== undefined && scenario.registries) throw new UsageError(`${file}: ${REGISTRIES_OWN_STORES}`);
  let db: Db | undefined;
  if (opts.database !== undefined) db = await openStore({ database: opts.database, shortLived: true });
  try {
    const regs = scenario.registries ? Object.keys(scenario.registries) : [];
    const users = regs.length > 0 ? Object.values(scenario.registries ?? {}).reduce((n, r) => n + r.users.length, 0) : scenario.users.length;
    if (!opts.json) out(`playing ${scenario.name} (${scenario.steps.length} steps, ${users} users${regs.length > 0 ? `, registries ${regs.join(", ")}` : ""}${scenario.rulebook ? `, rulebook ${scenario.rulebook}` : ""})\n`);
    const result = await play(scenario, { ...(db ? { db } : {}), image: opts.image, ...(opts.json ? {} : { onStep: (r: StepResult) => out(stepLine(r)) }) });
    if (opts.json) out(`${toJson(result)}\n`);
    else if (result.passed) out(`all ${result.steps.length} steps came out as expected\n`);
    else {
      const f = result.steps[result.steps.length - 1] as StepResult;
      out(`step ${f.index + 1}${f.label ? ` (${f.label})` : ""}: ${f.mismatch}\nanswer: ${toJson(f.body, 0).slice(0, 600)}\n`);
    }
    return result;
  } catch (err) {
    if (err instanceof PlayError) throw new UsageError(`${file}: ${err.message}`);
    if (err instanceof RulebookLoadError) throw new UsageError(`${file}: rulebook: ${err.message}`);
    throw err;
  } finally {
    await db?.close();
  }
}

export function register(program: Command): void {
  program
    .command("play <file>")
    .description("play a scenario of API operations and clock moves on a fresh registry; exit 1 at the first step that does not come out as expected (docs/guides/play.md)")
    .option("--database <dir|url>", "play on this (empty) store and keep it, instead of a fresh one in memory")
    .option("--json", "print the outcome of every step as JSON")
    .action(
      action(async (file: string, opts: { json?: boolean; database?: string }) => {
        const r = await runPlay(file, opts);
        if (!r.passed) throw new CommandFailure(`scenario ${r.scenario}: step ${(r.failedAt ?? 0) + 1} did not come out as expected`);
      }),
    );
}

