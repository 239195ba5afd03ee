// Goal: `ets simulate` runs as a user runs it (./bin/ets in a child process): readable tables,
// the JSON shape { years, facilities, monteCarlo }, SVG charts in --out, compare, and a bad
// scenario exiting 2 with the field named; --out never overwrites charts without --force; the MSR
// columns add up (held = previous + in - out - invalidated).
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runEts } from "../support/ets.ts";

const root = join(import.meta.dirname, "../..");
const ex = (n: string) => join(root, "examples/scenarios", n);

// from a directory outside the project: the Monte Carlo workers must still find their loader
const ets = (...args: string[]) => runEts(args, { cwd: tmp || root });

let tmp = "";
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "ets-sim-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe("ets simulate", () => {
  it("prints the two-firm answer as a table", async () => {
    const r = await ets("simulate", ex("two-firms.yaml"));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^2030\s+45\s+140\s+140\s+60\b/m);
  });

  it("--json has years, facilities and monteCarlo; --out writes the three charts", async () => {
    const out = join(tmp, "charts");
    const small = join(tmp, "collar-small.yaml");
    await writeFile(small, (await readFile(ex("collar.yaml"), "utf8")).replace(/paths: 200/, "paths: 6"));
    const r = await ets("simulate", small, "--json", "--out", out, "--threads", "2");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { years: { year: number; price: number; reserveSales: number }[]; facilities: { id: string }[]; monteCarlo: { paths: number; perfectForesight: unknown; rollingHorizon: unknown } };
    expect(j.years).toHaveLength(10);
    expect(j.years[0]).toMatchObject({ year: 2026 });
    expect(j.years.some((y) => y.reserveSales > 0)).toBe(true);
    expect(j.facilities.map((f) => f.id)).toEqual(["power-1", "steel-1", "cement-1"]);
    expect(j.monteCarlo.paths).toBe(6);
    expect(j.monteCarlo.perfectForesight).toBeDefined();
    expect(j.monteCarlo.rollingHorizon).toBeDefined();
    for (const f of ["price.svg", "emissions.svg", "bank.svg"]) expect(await readFile(join(out, f), "utf8")).toMatch(/^<svg[\s\S]*class="series"/);
  }, 60_000);

  it("--out into a folder that holds charts already is refused (exit 2, naming --out, nothing written); --force overwrites", async () => {
    const out = join(tmp, "again");
    expect((await ets("simulate", ex("two-firms.yaml"), "--out", out)).code).toBe(0);
    await writeFile(join(out, "price.svg"), "mine");
    const r = await ets("simulate", ex("two-firms.yaml"), "--out", out, "--json");
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error).toMatchObject({ field: "--out", message: expect.stringContaining("--force") });
    expect(await readFile(join(out, "price.svg"), "utf8")).toBe("mine");
    expect((await ets("simulate", ex("two-firms.yaml"), "--out", out, "--force")).code).toBe(0);
    expect(await readFile(join(out, "price.svg"), "utf8")).toMatch(/^<svg/);
  }, 60_000);

  it("the MSR columns add up: held = previous held + in - out - invalidated, every year", async () => {
    const r = await ets("simulate", ex("msr.yaml"));
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    const head = (lines.find((l) => l.startsWith("year  price")) ?? "").split(/\s{2,}/);
    const col = (name: string) => head.indexOf(name);
    expect([col("MSR in"), col("MSR out"), col("MSR invalidated"), col("MSR held")].every((i) => i > 0)).toBe(true);
    const rows = lines.filter((l) => /^20\d\d\s/.test(l)).map((l) => l.trim().split(/\s+/).map((x) => Number(x.replace(/,/g, ""))));
    expect(rows.length).toBeGreaterThan(5);
    let held = 0;
    let invalidated = 0;
    for (const row of rows) {
      const [inn, out, inv, now] = [col("MSR in"), col("MSR out"), col("MSR invalidated"), col("MSR held")].map((i) => row[i] ?? Number.NaN) as [number, number, number, number];
      expect(Math.abs(held + inn - out - inv - now), `year ${row[0]}`).toBeLessThan(0.05);
      held = now;
      invalidated += inv;
    }
    expect(invalidated).toBeGreaterThan(0);
    expect(r.stdout).toContain("MSR held = previous held + in - out - invalidated");
  }, 60_000);

  it("compare sets the criteria side by side", async () => {
    const r = await ets("simulate", "compare", ex("compare-grandfathering.yaml"), ex("compare-benchmarks.yaml"), ex("compare-auction-ceiling.yaml"));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/reward for past effort\s+1\.000\s+1\.250\s+n\/a/);
    expect(r.stdout).toMatch(/emissions - cap \(total\)\s+0\s+0\s+[1-9]/);
  });

  it("a compare file (compare: [paths]) runs the listed scenarios", async () => {
    const r = await ets("simulate", ex("compare.yaml"), "--json");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { scenarios: { name: string }[] };
    expect(j.scenarios.map((x) => x.name)).toEqual(["grandfathering", "benchmarks", "auction", "auction-ceiling"]);
  });

  it("a scenario naming a rulebook (gx-ets.yaml) lists what it took and sits inside the rulebook's collar", async () => {
    const r = await ets("simulate", ex("gx-ets.yaml"), "--json");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { rulebook: { name: string; used: string[]; ignored: string[] }; years: { year: number; price: number }[] };
    expect(j.rulebook.name).toBe("japan-gx-ets");
    expect(j.rulebook.used.join("\n")).toMatch(/priceFloor: stability\.priceFloor per year \(2026: 1,700\)/);
    expect(j.years.map((y) => y.year)).toEqual([2026, 2027, 2028, 2029, 2030]);
    for (const y of j.years) expect(y.price).toBeGreaterThanOrEqual(1700 * 1.03 ** (y.year - 2026) - 1);
    const t = await ets("simulate", ex("gx-ets.yaml"));
    expect(t.stdout).toContain("rulebook japan-gx-ets, taken for each simulated year:");
    const bad = join(tmp, "no-rulebook.yaml");
    await writeFile(bad, (await readFile(ex("gx-ets.yaml"), "utf8")).replace("rulebook: japan-gx-ets", "rulebook: japan-gx"));
    const u = await ets("simulate", bad);
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(/no-rulebook\.yaml: field "rulebook": cannot load rulebook "japan-gx"/);
  }, 60_000);

  it("a bad scenario exits 2 naming the file and the field", async () => {
    const bad = join(tmp, "bad.yaml");
    await writeFile(bad, "years: [2030]\ncap: 10\nfacilities:\n  - { id: a, bau: 5, mac: { linear: { slope: -1 } } }\n");
    const r = await ets("simulate", bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("bad.yaml");
    expect(r.stderr).toContain('field "facilities.0.mac.linear.slope"');
  });
});
