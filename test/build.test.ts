// Goal: scripts/build.mjs (npm ci's prepare, npm start's first step) runs a step only when its
// inputs changed, swaps the output in whole, and lets two concurrent builds produce one output
// (the second waits for the first under the lock and finds it fresh). Exercised with a step of its
// own (no bundler), in an ignored folder under build/.
import { existsSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
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
    // A source newer than the build: the sources run through tsx, and stderr says why.
    const stamp = join(ROOT, "build/cli/.inputs-hash");
    const past = new Date(Date.now() - 60_000);
    utimesSync(stamp, past, past);
    const slow = await runEts(["--version"], { env: { ETS_QUIET_TSX: undefined } });
    expect(slow.code).toBe(0);
    expect(slow.stdout).toBe(`ets ${version}\n`);
    expect(slow.stderr).toMatch(/compiled CLI is older than src\/.*tsx/);
    // The same sources: the build is found fresh and its time renewed, so the compiled CLI runs again.
    expect(await buildStep(cli as never)).toBe("fresh");
    expect((await runEts(["--version"], { env: { ETS_QUIET_TSX: undefined } })).stderr).toBe("");
  }, 120_000);

  it("the console step reads the sources the bundle is made of", () => {
    const c = (STEPS as Array<{ name: string; inputs: string[]; output: string }>).find((s) => s.name === "console");
    expect(c?.output).toBe("build/console");
    expect(c?.inputs).toEqual(expect.arrayContaining(["web", "src/i18n", "src/report/svg.ts", "package-lock.json"]));
  });
});
