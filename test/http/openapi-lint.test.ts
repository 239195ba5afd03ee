// Goal (issue 18): the OpenAPI document the server serves passes the two standard linters as an
// integrator would run them, with no help: Redocly's `recommended` rules and Spectral's
// `spectral:oas` ruleset, with no error and no warning at all (before: 100 errors for undeclared
// security schemes, and warnings for missing 4xx responses, descriptions, tags, license and
// contact). Both run from their dev-dependency CLIs, offline.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SecureRegistry } from "../../src/registry/secure/index.ts";
import { buildFixture, type Fixture } from "./fixture.ts";
import { openMigratedPglite } from "../support/stores.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "node_modules/.bin");
const dir = mkdtempSync(join(tmpdir(), "openets-lint-"));
let f: Fixture;
let file = "";

beforeAll(async () => {
  const db = await openMigratedPglite();
  const unused = new Proxy({}, { get: () => () => Promise.reject(new Error("registry not used here")) }) as SecureRegistry;
  f = await buildFixture(db, { registry: unused });
  const res = await f.request("/openapi.json");
  expect(res.status).toBe(200);
  file = join(dir, "openapi.json");
  writeFileSync(file, await res.text());
  writeFileSync(join(dir, "redocly.yaml"), "extends:\n  - recommended\n");
  writeFileSync(join(dir, ".spectral.yaml"), 'extends: ["spectral:oas"]\n');
}, 60_000);

afterAll(async () => {
  await f?.db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs a linter's CLI in the temporary folder without network chatter; returns its JSON report. */
function run(bin: string, args: string[]): string {
  const r = spawnSync(join(BIN, bin), args, {
    cwd: dir,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", NO_UPDATE_NOTIFIER: "1", CI: "true" },
  });
  if (r.error) throw r.error;
  return r.stdout;
}

describe("the served OpenAPI document", () => {
  it("passes Redocly's recommended rules with no error and no warning", () => {
    const out = run("redocly", ["lint", "openapi.json", "--config", "redocly.yaml", "--format", "json", "--max-problems", "1000"]);
    const report = JSON.parse(out) as { totals: { errors: number; warnings: number }; problems: Array<{ ruleId: string; severity: string; message: string; location: Array<{ pointer: string }> }> };
    const shown = report.problems.slice(0, 15).map((p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer ?? ""}: ${p.message}`);
    expect(shown).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  }, 120_000);

  it("passes Spectral's spectral:oas ruleset with no error and no warning", () => {
    const out = run("spectral", ["lint", "openapi.json", "--ruleset", ".spectral.yaml", "--format", "json", "--quiet", "--fail-severity", "hint"]);
    const report = JSON.parse(out || "[]") as Array<{ code: string; severity: number; message: string; path: string[] }>;
    const shown = report.filter((p) => p.severity <= 1).slice(0, 15).map((p) => `${p.severity === 0 ? "error" : "warn"} ${p.code} ${p.path.join(".")}: ${p.message}`);
    expect(shown).toEqual([]);
  }, 120_000);
});
