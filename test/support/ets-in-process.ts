// Runs the `ets` program in this process (src/cli/program.ts run), as the CLI's own main does, with
// stdout and stderr captured: for CLI tests that need the store or a fixture of this process, or
// many runs that a child process each would make slow. runEts (ets.ts) runs bin/ets as a user does.
import { run } from "../../src/cli/program.ts";
import type { EtsRun } from "./ets.ts";

export async function etsInProcess(argv: readonly string[]): Promise<EtsRun> {
  let stdout = "";
  let stderr = "";
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((c: string | Uint8Array) => ((stdout += String(c)), true)) as typeof process.stdout.write;
  process.stderr.write = ((c: string | Uint8Array) => ((stderr += String(c)), true)) as typeof process.stderr.write;
  try {
    return { code: await run([...argv]), stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}
