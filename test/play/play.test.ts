// Goal: `ets play` plays a scenario of API operations and clock moves on a fresh registry with the
// real rules, says step by step whether each came out as expected, stops at the first that did
// not (exit 1, naming the step and why), and refuses a wrong scenario (exit 2) naming the field
// and its line: an unknown user or operation, a time without an offset, a clock moving back, a
// reference to an answer never saved, a store that is not empty.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPlay } from "../../src/cli/commands/play.ts";
import { UsageError } from "../../src/cli/io.ts";
import { runEts } from "../support/ets.ts";

const EXAMPLE = join(import.meta.dirname, "../../examples/play/registry-basics.yaml");
let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "ets-play-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

const HEAD = `name: t
start: 2026-04-01T09:00:00+09:00
users:
  - { id: admin-1, roles: [national-admin] }
  - { id: admin-2, roles: [national-admin] }
steps:
`;

describe("ets play", () => {
  it("plays the registry example: every step as expected, through the real rules (four-eyes, earmarks, the delay, the scheduler)", async () => {
    const lines: string[] = [];
    const r = await runPlay(EXAMPLE, {}, (s) => lines.push(s));
    expect(r.passed, lines.join("")).toBe(true);
    expect(r.steps.length).toBeGreaterThan(15);
    // the outcomes are the registry's own answers, not echoes of the expectations
    const sale = r.steps.find((s) => s.label.startsWith("a sale to the broker"));
    expect(sale?.body).toMatchObject({ key: "sale-1", status: "awaiting_approval", initiator: "steel-1" });
    expect(lines.join("")).toMatch(/scheduler: TX-[A-Z2-9]{20} completed/);
    expect(lines.at(-1)).toBe(`all ${r.steps.length} steps came out as expected\n`);
  }, 120_000);

  it("stops at the first step that does not come out as expected, and says why", async () => {
    const f = file("fail.yaml", `${HEAD}  - { as: admin-1, do: defineClass, with: { commandId: c1, code: X-1, unitType: allowance, scheme: X } }
  - { name: wrong on purpose, as: admin-1, do: defineClass, with: { commandId: c2, code: X-1, unitType: allowance, scheme: X }, expect: ok }
  - { as: admin-1, do: defineClass, with: { commandId: c3, code: X-3, unitType: allowance, scheme: X } }
`);
    const out: string[] = [];
    const r = await runPlay(f, {}, (s) => out.push(s));
    expect(r).toMatchObject({ passed: false, failedAt: 1 });
    expect(r.steps).toHaveLength(2);
    expect(out.join("")).toMatch(/step 2 \(wrong on purpose\): expected success, got refused 4004 class-exists/);
    // an expected refusal is a success of the scenario
    const g = file("refusal.yaml", `${HEAD}  - { as: admin-1, do: defineClass, with: { commandId: c1, code: X-1, unitType: allowance, scheme: X } }
  - { as: admin-1, do: defineClass, with: { commandId: c2, code: X-1, unitType: allowance, scheme: X }, expect: 4004 }
  - { do: publicAccounts, expect: { items: [] } }
`);
    expect((await runPlay(g, {}, () => undefined)).passed).toBe(true);
  }, 60_000);

  const BAD: Array<[string, string, RegExp]> = [
    ["an unknown user", `${HEAD}  - { as: nobody, do: health }\n`, /steps\[0\]\.as \(line 7\): no user nobody/],
    ["an unknown operation", `${HEAD}  - { as: admin-1, do: defineClas }\n`, /steps\[0\]\.do: no operation defineClas \(did you mean defineClass/],
    ["a time without an offset", HEAD.replace("+09:00", "") + "  - { do: health }\n", /start \(line 2\): expected an RFC 3339 time with an offset/],
    ["the clock moving back", `${HEAD}  - { clock: 2020-01-01T00:00:00Z }\n`, /steps\[0\]\.clock: 2020-01-01T00:00:00Z is before the registry's time/],
    ["an answer never saved", `${HEAD}  - { as: admin-1, do: getTransaction, with: { transactionId: "{{nope.id}}" } }\n`, /\{\{nope\.id\}\} names no saved answer/],
    ["a missing path parameter", `${HEAD}  - { as: admin-1, do: getTransaction }\n`, /getTransaction needs transactionId/],
    ["a user listed twice", HEAD.replace("admin-2", "admin-1") + "  - { do: health }\n", /users\[1\]\.id \(line 5\): user admin-1 is listed twice/],
    ["not YAML", "name: [unclosed\n", /invalid scenario/],
  ];
  it.each(BAD)("refuses %s with exit 2, naming where", async (_n, text, message) => {
    const f = file("bad.yaml", text);
    const err = await runPlay(f, {}, () => undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(message);
  });

  it("plays on a named store only when it is empty, and keeps it", async () => {
    const db = join(dir, "kept");
    const f = file("one.yaml", `${HEAD}  - { as: admin-1, do: openAccount, with: { commandId: o1, accountId: JP-1, type: trading, holder: h, name: n } }\n`);
    expect((await runPlay(f, { database: db }, () => undefined)).passed).toBe(true);
    const again = await runPlay(f, { database: db }, () => undefined).catch((e: unknown) => e);
    expect((again as Error).message).toMatch(/the store already holds accounts or users/);
  }, 60_000);

  it("spawned: exit 0 when every step comes out as expected, 1 at a mismatch, 2 for a wrong scenario; --json has every step", async () => {
    const good = file("good.yaml", `${HEAD}  - { do: health }\n`);
    const ok = await runEts(["play", good, "--json"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ passed: true, failedAt: null, steps: [{ do: "health", status: 200, matched: true }] });
    const bad = file("mismatch.yaml", `${HEAD}  - { do: health, expect: 8001 }\n`);
    expect((await runEts(["play", bad])).code).toBe(1);
    expect((await runEts(["play", join(dir, "missing.yaml")])).code).toBe(2);
  }, 120_000);
});
