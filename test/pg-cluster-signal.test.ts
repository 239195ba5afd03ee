// Goal (issue 15, item 7): an interrupted test run or benchmark stops the PostgreSQL server it
// started. A child process starts a cluster (test/support/pg-cluster.ts) and is sent SIGTERM (as
// Ctrl-C or a kill would): the server no longer answers and its temp directory is gone.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { connect } from "node:net";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");

const answers = (port: number) =>
  new Promise<boolean>((res) => {
    const s = connect({ port, host: "127.0.0.1" });
    s.once("connect", () => (s.destroy(), res(true)));
    s.once("error", () => res(false));
  });

describe("pg-cluster", () => {
  it("stops the server it started when the process is interrupted", async () => {
    const script = `import { startPgCluster } from ${JSON.stringify(join(ROOT, "test/support/pg-cluster.ts"))};
      const c = await startPgCluster();
      process.stdout.write(JSON.stringify({ port: c.port, dir: c.socketDir }) + "\\n");
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
    const started = await new Promise<{ port: number; dir: string }>((res, rej) => {
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        const line = out.split("\n")[0];
        if (out.includes("\n") && line) res(JSON.parse(line) as { port: number; dir: string });
      });
      child.once("exit", (code) => rej(new Error(`exited ${code} before starting`)));
    });
    expect(await answers(started.port)).toBe(true);
    const exited = new Promise<NodeJS.Signals | null>((res) => child.once("exit", (_c, sig) => res(sig)));
    child.kill("SIGTERM");
    expect(await exited).toBe("SIGTERM");
    expect(await answers(started.port)).toBe(false);
    expect(existsSync(started.dir)).toBe(false);
  }, 180_000);
});
