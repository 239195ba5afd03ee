// Runs ./bin/ets in a child process as a user would, and returns its exit code and output
// (a failing exit is a result to assert on, not an exception).
import { execFile } from "node:child_process";
import { join } from "node:path";

export const projectRoot = join(import.meta.dirname, "../..");
export const etsBin = join(projectRoot, "bin/ets");

export interface EtsRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface EtsOptions {
  cwd?: string;
  /** Variables to set; a variable set to undefined is removed from the child's environment. */
  env?: Record<string, string | undefined>;
}

export function runEts(args: readonly string[], opts: EtsOptions = {}): Promise<EtsRun> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return new Promise((resolve) => {
    execFile(etsBin, [...args], { cwd: opts.cwd ?? projectRoot, env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
