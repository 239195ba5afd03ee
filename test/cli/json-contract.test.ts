// Goal (issue 15, item 5): with --json, every command prints JSON on stdout for every outcome,
// failures included ({"error": {code, message, field, facts}}), with the documented exit code
// (1 refused or failed, 2 bad usage or input), never a stack trace. The commands are enumerated
// from the commander program itself (src/cli/program.ts), so a command added later (by any
// module in src/cli/commands/index.ts) is covered without editing this test. Each command is
// run in-process twice: with an unknown flag (commander's usage error), and with every required
// argument and option given a value that cannot work (a path that does not exist), which reaches
// the command's own action.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fullProgram } from "../../src/cli/program.ts";
import type { EtsRun } from "../support/ets.ts";
import { etsInProcess } from "../support/ets-in-process.ts";

/** Every leaf command with its path of names (`account rep add`). */
function leaves(cmd: Command, path: string[] = []): Array<{ path: string[]; cmd: Command }> {
  const subs = cmd.commands;
  if (subs.length === 0) return [{ path, cmd }];
  return subs.flatMap((c) => leaves(c, [...path, c.name()]));
}

const ets = etsInProcess;

const dir = mkdtempSync(join(tmpdir(), "ets-json-"));
const missing = join(dir, "no-such-folder", "no-such-file");
const saved: Record<string, string | undefined> = {};

beforeAll(() => {
  // Nothing may touch the worktree's default store or a real server, nor wait for a password:
  // the store named is a file (bad input to every command that opens one).
  writeFileSync(join(dir, "a-file"), "not a data directory\n");
  const env: Record<string, string | undefined> = {
    DATABASE_URL: join(dir, "a-file"),
    OPENETS_ADMIN_PASSWORD: "a-long-enough-password",
    OPENETS_USER_PASSWORD: "a-long-enough-password",
    OPENETS_URL: undefined,
    OPENETS_CONFIG_DIR: join(dir, "config"),
    OPENETS_PASSWORD: "not-the-password",
    ETS_AS: undefined,
    LANG: "C",
  };
  for (const [k, v] of Object.entries(env)) {
    saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

afterAll(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  rmSync(dir, { recursive: true, force: true });
});

const program = await fullProgram();
const commands = leaves(program).filter((c) => c.path.length > 0);

/** Commands that run a long job on a value that does not exist would not end quickly; none may be skipped silently. */
const SKIP = new Set<string>([]);

function expectJsonError(r: EtsRun, what: string): { code: unknown; message: string; field: unknown; facts: unknown } {
  expect([1, 2], `${what}: exit ${r.code}\n${r.stderr}`).toContain(r.code);
  let doc: { error?: { code: unknown; message: string; field: unknown; facts: unknown } };
  try {
    doc = JSON.parse(r.stdout) as typeof doc;
  } catch {
    throw new Error(`${what}: stdout is not one JSON document:\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
  expect(doc.error, `${what}: ${r.stdout}`).toBeDefined();
  const e = doc.error as NonNullable<typeof doc.error>;
  expect(typeof e.message, what).toBe("string");
  expect(e, what).toHaveProperty("field");
  expect(typeof e.facts, what).toBe("object");
  expect(r.stderr, what).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/); // no stack trace
  return e;
}

describe("--json over every command", () => {
  it("finds the commands from the program", () => {
    expect(commands.length).toBeGreaterThan(30);
    expect(commands.map((c) => c.path.join(" "))).toEqual(expect.arrayContaining(["account list", "transfer", "verify", "simulate", "login"]));
  });

  for (const { path, cmd } of commands) {
    const name = path.join(" ");
    if (SKIP.has(name)) continue;
    it(`${name}: every command takes --json`, () => {
      expect(cmd.options.some((o) => o.long === "--json"), name).toBe(true);
    });

    it(`${name}: a usage error is JSON with exit 2, naming the flag or argument`, async () => {
      const r = await ets([...path, "--json", "--no-such-flag"]);
      expect(r.code, r.stderr).toBe(2);
      const e = expectJsonError(r, name);
      expect(e.code).toBe("usage");
      // commander reports the first problem: a required option or argument missing, else the unknown flag.
      expect(String(e.field)).toMatch(/^(--[a-z0-9-]+|<[a-z0-9-]+>)$/);
      if (!cmd.options.some((o) => o.mandatory) && !cmd.registeredArguments.some((a) => a.required)) expect(e.field).toBe("--no-such-flag");
    });

    it(`${name}: an outcome of the command itself is one JSON document (an error with exit 1 or 2)`, async () => {
      const args = cmd.registeredArguments.filter((a) => a.required).map(() => missing);
      const opts = cmd.options.filter((o) => o.mandatory && o.long).flatMap((o) => [o.long as string, missing]);
      const r = await ets([...path, ...args, ...opts, "--json"]);
      const what = `${name} ${[...args, ...opts].join(" ")}`;
      // A command that needs nothing the test can break (rulebook list) may succeed: its JSON is still one document.
      if (r.code === 0) expect(() => JSON.parse(r.stdout), `${what}: ${r.stdout}`).not.toThrow();
      else expectJsonError(r, what);
    }, 60_000);
  }
});
