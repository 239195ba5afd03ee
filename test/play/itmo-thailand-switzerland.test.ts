// Goal: the first ITMOs are playable on two linked registries (issue 13, "How it is shown to
// work"): `ets play examples/play/itmo-thailand-switzerland.yaml` starts Thailand's and
// Switzerland's registries, each on a fresh store of its own served on a loopback port, links them
// with each other's keys, and plays the authorization, the issuance, the transfer over the link,
// Thailand's corresponding adjustment for 2022, Switzerland's use towards its NDC and both AEFs,
// every step as expected through the real rules. A scenario naming registries wrongly is refused
// (exit 2) naming the field and its line; the temporary stores are removed afterwards.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migratedPgliteImage } from "../support/stores.ts";
import { runPlay } from "../../src/cli/commands/play.ts";
import { UsageError } from "../../src/cli/io.ts";

const EXAMPLE = join(import.meta.dirname, "../../examples/play/itmo-thailand-switzerland.yaml");
let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "ets-play2-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const playDirs = () => readdirSync(tmpdir()).filter((d) => /^ets-play-(thailand|switzerland|a|b)-/.test(d)).sort();

describe("ets play: the first ITMOs on two linked registries", () => {
  it("plays every step as expected, at the registry each names, and removes the stores", async () => {
    const before = playDirs();
    const lines: string[] = [];
    // Each registry's directory store starts from the run's migrated archive (openPglite's image).
    const r = await runPlay(EXAMPLE, { image: await migratedPgliteImage() }, (s) => lines.push(s));
    expect(r.passed, lines.join("")).toBe(true);
    expect(lines.join("")).toMatch(/registries thailand, switzerland/);
    expect(new Set(r.steps.map((s) => s.at))).toEqual(new Set(["thailand", "switzerland", null]));
    // The transfer went over loopback HTTP: Switzerland's book holds what Thailand's sent.
    const recover = r.steps.find((s) => s.do === "recoverLinks");
    expect(recover?.body).toMatchObject({ outbound: [{ linkId: "THA-CHE", status: "delivered", decision: "accepted", quantity: "1916", serials: [{ start: "1", end: "1916" }] }] });
    const [tha, che] = r.steps.filter((s) => s.do === "getAef").map((s) => s.body as { actions: { rows: unknown[][] } });
    // The same ITMO identifiers on both sides.
    expect(tha?.actions.rows.map((x) => x.slice(7, 9))).toEqual([["CA0001-THA01-THA-1-2022", "CA0001-THA01-THA-1916-2022"]]);
    expect(che?.actions.rows.map((x) => [x[1], ...x.slice(7, 9)])).toEqual([
      ["Acquisition", "CA0001-THA01-THA-1-2022", "CA0001-THA01-THA-1916-2022"],
      ["Use", "CA0001-THA01-THA-1-2022", "CA0001-THA01-THA-1916-2022"],
    ]);
    expect(playDirs()).toEqual(before);
  }, 180_000);

  const HEAD = `name: t
start: 2026-04-01T09:00:00+09:00
registries:
  a:
    users: [{ id: admin-1, roles: [national-admin] }]
  b:
    users: [{ id: admin-2, roles: [national-admin] }]
steps:
`;
  const BAD: Array<[string, string, RegExp]> = [
    ["a step at an unknown registry", `${HEAD}  - { at: c, as: admin-1, do: health }\n`, /steps\[0\]\.at \(line 9\): no registry c in registries \(a, b\)/],
    ["a user of another registry", `${HEAD}  - { at: a, as: admin-2, do: health }\n`, /steps\[0\]\.as \(line 9\): no user admin-2 in the users of a/],
    ["a user of another registry, by default at the first", `${HEAD}  - { as: admin-2, do: health }\n`, /no user admin-2 in the users of a/],
    ["one registry only", HEAD.replace(/ {2}b:\n.*\n/, "") + "  - { do: health }\n", /registries \(line 4\): declare two or more registries/],
    ["registries beside top-level users", HEAD.replace("registries:", "users: [{ id: admin-9 }]\nregistries:") + "  - { do: health }\n", /declare two or more registries, each with its users/],
    ["at: without registries", `name: t\nstart: 2026-04-01T09:00:00+09:00\nusers: [{ id: admin-9 }]\nsteps:\n  - { at: a, do: health }\n`, /steps\[0\]\.at \(line 5\): at: names a registry, and the scenario declares no registries/],
  ];
  it.each(BAD)("refuses %s with exit 2, naming where", async (_n, text, message) => {
    const f = join(dir, "bad.yaml");
    writeFileSync(f, text);
    const err = await runPlay(f, {}, () => undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(message);
  });

  it("refuses --database for a scenario of several registries (each plays on a fresh store of its own)", async () => {
    const f = join(dir, "two.yaml");
    writeFileSync(f, `${HEAD}  - { at: b, do: health }\n`);
    const err = await runPlay(f, { database: join(dir, "store") }, () => undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/fresh store of its own/);
    // refused before opening it: no store was created
    expect(existsSync(join(dir, "store"))).toBe(false);
  });
});
