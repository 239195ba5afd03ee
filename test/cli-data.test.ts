// Goal: the data commands run as a user runs them (./bin/ets in a child process): tables, JSON,
// files written, and bad input exiting 2 with file, line and column.
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runEts } from "./support/ets.ts";

const root = join(import.meta.dirname, "..");
const sample = join(root, "data/steel-cement");

const ets = (...args: string[]) => runEts(args, {});

let tmp = "";
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "ets-cli-data-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe("ets data commands", () => {
  it("dataset generate writes the steel-cement sample identical to the committed one", async () => {
    const out = join(tmp, "sc");
    const r = await ets("dataset", "generate", "--sample", "steel-cement", "--out", out);
    expect(r.code).toBe(0);
    expect(await readFile(join(out, "activity.csv"), "utf8")).toBe(await readFile(join(sample, "activity.csv"), "utf8"));
  });

  it("benchmark prints the EU draft clinker value as the top-10% average and writes the SVG", async () => {
    const svg = join(tmp, "clinker.svg");
    const r = await ets("benchmark", "--dataset", sample, "--product", "clinker", "--top", "10", "--svg", svg, "--json", "--update-from", "1");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { value: number; installationsInTop: number; curve: unknown[]; update: { appliedAnnualRate: number; value: number } };
    // from 1.0 to 0.78 over 9 years is 2.4%/yr, capped at 1.6%/yr over 15 years: 1 x (1 - 0.24)
    expect(j.update.appliedAnnualRate).toBe(0.016);
    expect(j.update.value).toBeCloseTo(0.76, 12);
    expect(j.value).toBeCloseTo(0.78, 5); // EU draft clinker benchmark (DOMAIN.md section 2)
    expect(j.installationsInTop).toBe(3);
    expect(j.curve).toHaveLength(30);
    expect(await readFile(svg, "utf8")).toMatch(/^<svg[\s\S]*class="benchmark"/);
  });

  it("coverage prints the study layout and writes CSV and XLSX", async () => {
    const csv = join(tmp, "cov.csv");
    const r = await ets("coverage", "--dataset", sample, "--thresholds", "1000000,5000000", "--out", csv);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/reports \(indirect\)/);
    expect(r.stdout).toMatch(/1,000,000/);
    const lines = (await readFile(csv, "utf8")).trim().split("\n");
    expect(lines[0]).toBe("year,electricity,basis,threshold_t,entities,emissions_t,share_of_reported,share_of_national");
    expect(lines).toHaveLength(5); // two treatments x two thresholds
    expect(lines[1]).toMatch(/^2008,indirect,installation,1000000,\d+,[\d.]+,[\d.]+,[\d.]+$/);
    const x = await ets("coverage", "--dataset", sample, "--electricity", "direct", "--basis", "company", "--json", "--out", join(tmp, "cov.xlsx"));
    expect(x.code).toBe(0);
    const tables = JSON.parse(x.stdout) as { basis: string; electricity: string }[];
    expect(tables.map((t) => [t.basis, t.electricity])).toEqual([["company", "direct"]]);
    expect((await readFile(join(tmp, "cov.xlsx"))).subarray(0, 2).toString()).toBe("PK");
  });

  it("leakage screens sectors and needs a price when currencies differ without a rate", async () => {
    const r = await ets("leakage", "--dataset", sample, "--criteria", "eu-phase3", "--json");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { pricePerTonne: number; exposed: string[] };
    expect(j.pricePerTonne).toBe(30);
    expect(j.exposed).toContain("steel");
    const us = await ets("leakage", "--dataset", sample, "--criteria", "us-kl");
    expect(us.code).toBe(2);
    expect(us.stderr).toMatch(/exchangeRates\.USD.*--price/);
    expect((await ets("leakage", "--dataset", sample, "--criteria", "us-kl", "--price", "15")).code).toBe(0);
  });

  it("bad input exits 2 naming file, line and column, and unknown options exit 2", async () => {
    const bad = join(tmp, "bad");
    await cp(sample, bad, { recursive: true });
    const act = await readFile(join(bad, "activity.csv"), "utf8");
    const lines = act.split("\n");
    lines[3] = lines[3]!.replace(/^([^,]+,\d+,)\d+/, "$1-5");
    await writeFile(join(bad, "activity.csv"), lines.join("\n"));
    const r = await ets("coverage", "--dataset", bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/activity\.csv:4 column "emissions": must be >= 0, got -5/);
    expect((await ets("coverage", "--dataset", sample, "--thresholds", "3000,abc")).code).toBe(2);
    expect((await ets("benchmark", "--dataset", sample, "--product", "nothing")).stderr).toMatch(/no installation makes "nothing"/);
    expect((await ets("coverage", "--bogus")).code).toBe(2);
    const help = await ets("coverage", "--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--electricity/);
  });
});
