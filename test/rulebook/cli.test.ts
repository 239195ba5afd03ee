// Goal: `ets rulebook` runs as a user runs it (./bin/ets in a child process): presets listed, a
// rulebook shown and validated, a cap trajectory printed, and a bad file exiting 1 with paths.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { register } from "../../src/cli/commands/rulebook.ts";
import { runEts } from "../support/ets.ts";

/** Runs `ets <args>` in this process (for the cheap cases), capturing output and the exit code. */
async function inProcess(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const program = new Command().exitOverride();
  register(program);
  let stdout = "";
  let stderr = "";
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const saved = process.exitCode;
  process.exitCode = 0;
  process.stdout.write = ((c: string) => ((stdout += c), true)) as typeof process.stdout.write;
  process.stderr.write = ((c: string) => ((stderr += c), true)) as typeof process.stderr.write;
  try {
    await program.parseAsync(["node", "ets", ...args]);
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = saved;
  return { code, stdout, stderr };
}

const root = join(import.meta.dirname, "../..");

const ets = (...args: string[]) => runEts(args, {});

type Result = Awaited<ReturnType<typeof ets>>;
let tmp = "";
const r: Record<string, Result> = {};

// Each run of ./bin/ets costs seconds on a loaded machine: run them all at once, then assert.
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "ets-rulebook-"));
  const bad = join(tmp, "bad.yaml");
  await writeFile(
    bad,
    [
      "scheme: { id: bad, name: Bad, jurisdiction: X }",
      "currency: EUR",
      "periods: [{ id: p1, from: 2021, to: 2025 }]",
      "cap: { segments: [{ from: 2021, start: 100, reduction: { kind: amount, perYear: 1 } }] }",
      "coverage: { gases: [CO2], electricity: direct }",
      "allocation:",
      "  issuance: { timing: ex-ante }",
      "  sectors:",
      "    steel:",
      "      method: benchmark",
      "      products:",
      "        - { id: hot-metal, value: -1.3, unit: t-CO2/t }",
      "  auctionShare: { default: { points: [{ year: 2021, share: 1.5 }] } }",
      "leakage: { exposedSectors: [cement] }",
    ].join("\n"),
  );
  const runs: Record<string, string[]> = {
    cap: ["rulebook", "cap", "eu-ets-phase3", "--from", "2013", "--to", "2014", "--json"],
    badJson: ["rulebook", "validate", bad, "--json"],
    badText: ["rulebook", "validate", bad],
  };
  const done = await Promise.all(Object.entries(runs).map(async ([k, args]) => [k, await ets(...args)] as const));
  for (const [k, v] of done) r[k] = v;
}, 120_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe("ets rulebook", () => {
  it("list names every preset", async () => {
    const list = await inProcess("rulebook", "list", "--json");
    expect(list.code).toBe(0);
    const rows = JSON.parse(list.stdout) as { name: string; currency: string }[];
    expect(rows.map((x) => x.name)).toContain("japan-gx-ets");
    expect(rows.find((x) => x.name === "tokyo")?.currency).toBe("JPY");
  });

  it("list judges current or historical by --date against the periods, not by the file's flag (issue 15 item 7)", async () => {
    const on = async (date: string) => Object.fromEntries((JSON.parse((await inProcess("rulebook", "list", "--date", date, "--json")).stdout) as { name: string; status: string }[]).map((x) => [x.name, x.status]));
    const y2027 = await on("2027-06-30");
    expect(y2027["eu-ets-phase4"]).toBe("in-force"); // 2021-2030, though its file says historical
    expect(y2027["eu-ets-phase3"]).toBe("historical");
    expect(y2027["us-kl-bill"]).toBe("proposed"); // a proposal stays one
    const y2015 = await on("2015-01-01");
    expect([y2015["eu-ets-phase3"], y2015["eu-ets-phase4"]]).toEqual(["in-force", "upcoming"]);
    const today = JSON.parse((await inProcess("rulebook", "list", "--json")).stdout) as { name: string; status: string }[];
    expect(today.find((x) => x.name === "eu-ets-phase4")?.status).toBe(new Date().getUTCFullYear() <= 2030 ? "in-force" : "historical");
    const bad = await inProcess("rulebook", "list", "--date", "2027-02-30");
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining("--date")]);
  });

  it("cap --from --to says on stderr when it clips the range to the rulebook's years", async () => {
    const c = await inProcess("rulebook", "cap", "eu-ets-phase3", "--from", "2010", "--to", "2014", "--json");
    expect(c.code).toBe(0);
    expect((JSON.parse(c.stdout) as { year: number }[]).map((x) => x.year)).toEqual([2013, 2014]);
    expect(c.stderr).toBe("note: eu-ets-phase3 has a cap for 2013-2020 only; showing 2013-2014\n");
    const inside = await inProcess("rulebook", "cap", "eu-ets-phase3", "--from", "2013", "--to", "2014");
    expect(inside.stderr).toBe("");
    const outside = await inProcess("rulebook", "cap", "eu-ets-phase3", "--from", "2030", "--to", "2031");
    expect(outside.stderr).toContain("none of the years asked for has one");
  });

  it("show --json prints the validated rulebook with defaults and amounts as strings; show prints a summary", async () => {
    const show = await inProcess("rulebook", "show", "eu-ets-phase3", "--json");
    expect(show.code).toBe(0);
    const rb = JSON.parse(show.stdout) as { scheme: { id: string }; cap: { segments: { start: string }[] }; unit: string };
    expect(rb.scheme.id).toBe("eu-ets-phase3");
    expect(rb.cap.segments[0]?.start).toBe("2084301856");
    expect(rb.unit).toBe("t-CO2e");
    const text = await inProcess("rulebook", "show", "tokyo");
    expect(text.stdout).toMatch(/buildings: grandfathering \(3 of 2002-2007, operator/);
    const missing = await inProcess("rulebook", "show", "no-such-preset");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such file or preset/);
  });

  it("show --year prints the year's derived figures (GX-ETS FY2027: ceiling 4,300 x 1.03, floor 1,700 x 1.03)", async () => {
    const r = await inProcess("rulebook", "show", "japan-gx-ets", "--year", "2027", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ year: 2027, period: "gx-2026", cap: null, priceCeiling: 4429, priceFloor: 1751 });
    const t = await inProcess("rulebook", "show", "tokyo", "--year", "2016");
    expect(t.stdout).toMatch(/buildings\/I-1 17%, buildings\/I-2 15%, factories 15%/);
  });

  it("cap prints the EU phase 3 trajectory (Decision (EU) 2020/1722: 2,084,301,856 in 2013)", async () => {
    expect(r.cap?.code).toBe(0);
    expect((await inProcess("rulebook", "cap", "tokyo")).stdout).toMatch(/bottom-up/);
    expect((await inProcess("rulebook", "cap", "rggi", "--from", "20x1")).code).toBe(2);
    expect(JSON.parse(r.cap?.stdout ?? "")).toEqual([
      { year: 2013, cap: "2084301856", period: "phase3" },
      { year: 2014, cap: "2046037610", period: "phase3" },
    ]);
  });

  it("validate: a valid file exits 0; a bad one exits 1 naming each field path, its line and the reason", async () => {
    expect((await inProcess("rulebook", "validate", join(root, "presets/rggi.yaml"))).code).toBe(0);
    expect(r.badJson?.code).toBe(1);
    const j = JSON.parse(r.badJson?.stdout ?? "") as { valid: boolean; scheme: string | null; errors: { path: string; line: number; message: string }[]; error: { code: string } };
    expect(j.valid).toBe(false);
    // One document: the report with `scheme` always there, and the error of the output contract.
    expect(j).toHaveProperty("scheme");
    expect(j.error.code).toBe("rulebook-invalid");
    expect(j.errors).toContainEqual({ path: "allocation.sectors.steel.products[0].value", line: 12, message: "expected a positive number" });
    expect(j.errors).toContainEqual({ path: "allocation.auctionShare.default.points[0].share", line: 13, message: "expected a fraction <= 1" });
    expect(r.badText?.code).toBe(1);
    expect(r.badText?.stderr).toMatch(/allocation\.sectors\.steel\.products\[0\]\.value \(line 12\): expected a positive number/);
  });

  it("validate: a valid rulebook whose penalty can be cheaper than buying exits 0 with a warning", async () => {
    const text = await inProcess("rulebook", "validate", "uk-ets-2002");
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^warning: penalties: non-compliance costs nothing per tonne/m);
    const json = JSON.parse((await inProcess("rulebook", "validate", "korea-kets", "--json")).stdout) as { valid: boolean; warnings: string[] };
    expect(json).toMatchObject({ valid: true, warnings: [expect.stringMatching(/KRW 100000/)] });
    expect(JSON.parse((await inProcess("rulebook", "validate", "eu-ets-phase2", "--json")).stdout)).toMatchObject({ valid: true, warnings: [] });
  });
});
