// Goal: scripts/build.mjs (npm ci's prepare, npm start's first step) runs a step only when its
// inputs changed, swaps the output in whole, and lets two concurrent builds produce one output
// (the second waits for the first under the lock and finds it fresh). Exercised with a step of its
// own (no bundler), in an ignored folder under build/.
import { execFile } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain ES module without types
import { buildStep, inputsHash, isFresh, STEPS } from "../scripts/build.mjs";
import { runEts } from "./support/ets.ts";

const ROOT = resolve(import.meta.dirname, "..");
const DIR = join(ROOT, "build", "test-build-step");
let runs = 0;
const step = {
  name: "test-build-step",
  inputs: ["build/test-build-step/in"],
  output: "build/test-build-step/out",
  run: async (outDir: string) => {
    runs++;
    await new Promise((r) => setTimeout(r, 50));
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, "result.txt"), readFileSync(join(DIR, "in", "a.txt"), "utf8").toUpperCase());
  },
};

afterAll(() => rmSync(DIR, { recursive: true, force: true }));

describe("scripts/build.mjs", () => {
  it("builds when stale, not when fresh, and again when an input changes", async () => {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(join(DIR, "in"), { recursive: true });
    writeFileSync(join(DIR, "in", "a.txt"), "one");
    expect(isFresh(step)).toBe(false);
    expect(await buildStep(step)).toBe("built");
    expect(readFileSync(join(DIR, "out", "result.txt"), "utf8")).toBe("ONE");
    expect(readFileSync(join(DIR, "out", ".inputs-hash"), "utf8").trim()).toBe(inputsHash(step));
    expect(await buildStep(step)).toBe("fresh");
    writeFileSync(join(DIR, "in", "a.txt"), "two");
    expect(await buildStep(step)).toBe("built");
    expect(readFileSync(join(DIR, "out", "result.txt"), "utf8")).toBe("TWO");
    expect(await buildStep(step, { force: true })).toBe("built");
  });

  it("two builds at once produce one output: the second finds it fresh", async () => {
    writeFileSync(join(DIR, "in", "a.txt"), "three");
    runs = 0;
    const outcomes = (await Promise.all([buildStep(step), buildStep(step)])).sort();
    expect(outcomes).toEqual(["built", "fresh"]);
    expect(runs).toBe(1);
    expect(existsSync(join(ROOT, "build", ".lock-test-build-step"))).toBe(false);
    expect(readFileSync(join(DIR, "out", "result.txt"), "utf8")).toBe("THREE");
  });

  it("the cli step compiles ets; bin/ets runs it when current, and says so when it falls back to the sources", async () => {
    const cli = (STEPS as Array<{ name: string; inputs: string[]; output: string }>).find((s) => s.name === "cli");
    expect(cli?.output).toBe("build/cli");
    expect(cli?.inputs).toEqual(expect.arrayContaining(["src", "package.json"]));
    expect(["built", "fresh"]).toContain(await buildStep(cli as never));
    const version = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
    const fast = await runEts(["--version"], { env: { ETS_QUIET_TSX: undefined } });
    expect(fast).toEqual({ code: 0, stdout: `ets ${version}\n`, stderr: "" });
    // A source newer than the build: the sources run through tsx, and stderr says why. Shown on a
    // copy of the layout (bin/ets, src and node_modules linked, an old build), so that the
    // project's own build stays current for the tests that spawn ets at the same time.
    const copy = mkdtempSync(join(tmpdir(), "ets-layout-"));
    try {
      mkdirSync(join(copy, "bin"));
      copyFileSync(join(ROOT, "bin/ets"), join(copy, "bin/ets"));
      copyFileSync(join(ROOT, "bin/ets.mjs"), join(copy, "bin/ets.mjs"));
      chmodSync(join(copy, "bin/ets"), 0o755);
      copyFileSync(join(ROOT, "package.json"), join(copy, "package.json"));
      symlinkSync(join(ROOT, "src"), join(copy, "src"));
      symlinkSync(join(ROOT, "node_modules"), join(copy, "node_modules"));
      const run = (bin = join(copy, "bin/ets")): Promise<{ code: number; stdout: string; stderr: string }> =>
        new Promise((res) => {
          const env = { ...process.env };
          delete env.ETS_QUIET_TSX;
          execFile(bin, ["--version"], { env }, (err, stdout, stderr) => res({ code: err ? 1 : 0, stdout, stderr }));
        });
      const missing = await run();
      expect(missing.stdout).toBe(`ets ${version}\n`);
      expect(missing.stderr).toMatch(/no compiled CLI.*tsx/);
      mkdirSync(join(copy, "build/cli"), { recursive: true });
      for (const f of readdirSync(join(ROOT, "build/cli"))) {
        copyFileSync(join(ROOT, "build/cli", f), join(copy, "build/cli", f));
        utimesSync(join(copy, "build/cli", f), new Date(1000), new Date(1000));
      }
      const stale = await run();
      expect(stale.stdout).toBe(`ets ${version}\n`);
      expect(stale.stderr).toMatch(/compiled CLI is older than src\/.*tsx/);
      // The build's stamp renewed (as scripts/build.mjs renews it when the build is current): the
      // compiled CLI runs, also through a symbolic link to bin/ets (npm link, node_modules/.bin).
      const later = new Date(Date.now() + 60_000);
      utimesSync(join(copy, "build/cli/.inputs-hash"), later, later);
      expect(await run()).toEqual({ code: 0, stdout: `ets ${version}\n`, stderr: "" });
      symlinkSync(join(copy, "bin/ets"), join(copy, "ets-link"));
      expect(await run(join(copy, "ets-link"))).toEqual({ code: 0, stdout: `ets ${version}\n`, stderr: "" });
      // A source newer than the stamp, or a folder under src/ changed (a source deleted or added): the sources again.
      const src = join(copy, "src-real"); // a stand-in for src/ (the real one is linked above and must not be touched)
      mkdirSync(join(src, "cli"), { recursive: true });
      rmSync(join(copy, "src"));
      symlinkSync(src, join(copy, "src"));
      utimesSync(src, new Date(1000), new Date(1000));
      utimesSync(join(src, "cli"), new Date(1000), new Date(1000));
      expect((await run()).stderr).toBe("");
      utimesSync(join(src, "cli"), new Date(Date.now() + 120_000), new Date(Date.now() + 120_000));
      expect((await run()).stderr).toMatch(/compiled CLI is older than src\/.*tsx/);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
    // The same sources: the build is found fresh (its time renewed), and the compiled CLI runs.
    expect(await buildStep(cli as never)).toBe("fresh");
    expect((await runEts(["--version"], { env: { ETS_QUIET_TSX: undefined } })).stderr).toBe("");
  }, 120_000);

  it("the console step reads the sources the bundle is made of", () => {
    const c = (STEPS as Array<{ name: string; inputs: string[]; output: string }>).find((s) => s.name === "console");
    expect(c?.output).toBe("build/console");
    expect(c?.inputs).toEqual(expect.arrayContaining(["web", "src/i18n", "src/report/svg.ts", "package-lock.json"]));
  });
});
