// Allocation of 1,000,000 installations with mixed methods (benchmark, exposed benchmark,
// grandfathering, output-based, auction) read from CSV, beside only parsing the same CSV files in
// the same run. Figure: load (parse + validate) + allocate, in seconds; baseline: parse only.
// Goal: ratio <= 2. The dataset is generated into a temp folder (BENCH_ALLOCATION_N overrides
// the size for a quick look).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { allocate } from "../src/domain/allocation/engine.ts";
import { frac, ratio } from "../src/domain/allocation/ratio.ts";
import type { AllocationRules } from "../src/domain/allocation/rules.ts";
import { EU_PHASE3_AUCTION } from "../src/domain/allocation/shares.ts";
import { columns, loadDataset } from "../src/io/dataset.ts";
import { readTable } from "../src/io/table.ts";
import { figure } from "./figure.ts";
import type { Figure } from "./figure.ts";

const N = Number(process.env.BENCH_ALLOCATION_N ?? 1_000_000);
const SECTORS = ["steel", "cement", "offices", "paper", "power"] as const;

const rules: AllocationRules = {
  scheme: "bench",
  year: 2013,
  sectors: {
    steel: { method: "benchmark", products: { hot_metal: { value: ratio("1.328"), unit: "t/t" } }, fallbacks: {}, activity: { basis: "historical", window: { from: 2011, to: 2012 }, statistic: "mean" }, adjustmentFactors: {} },
    cement: { method: "benchmark", products: { clinker: { value: ratio("0.766"), unit: "t/t" } }, fallbacks: {}, activity: { basis: "historical", window: { from: 2011, to: 2012 }, statistic: "median" }, adjustmentFactors: {} },
    offices: {
      method: "grandfathering",
      basePeriod: { choice: "auto", years: 2, window: { from: 2011, to: 2012 }, excludeAbnormalYear: false },
      reduction: { kind: "fixed", rate: ratio("0.08") }, classes: {}, topLevelFactors: { top: frac(1, 2) },
    },
    paper: { method: "output-based", intensity: ratio("0.45"), lagYears: [1, 2] },
    power: { method: "auction" },
  },
  auction: { schedule: EU_PHASE3_AUCTION, fullyAuctioned: ["power"], exposed: ["cement"] },
  correction: { kind: "uniform", mode: "cap", budget: 10n ** 12n, excludeSectors: [] },
};

async function generate(dir: string): Promise<void> {
  await writeFile(join(dir, "dataset.json"), JSON.stringify({ name: "bench", currency: "EUR", gridFactor: 0.4, nationalTotal: 1e12, year: 2012 }));
  await writeFile(join(dir, "sectors.csv"), `sector,name,value_added,exports,imports,domestic_output\n${SECTORS.map((s) => `${s},${s},1000,100,100,1000`).join("\n")}\n`);
  await writeFile(join(dir, "products.csv"), "product,name,unit\nhot_metal,Hot metal,t\nclinker,Clinker,t\npulp,Pulp,t\n");
  const inst: string[] = ["installation,name,sector,company,site,start_year,capacity,product"];
  const act: string[] = ["installation,year,emissions,electricity_mwh,output"];
  for (let i = 0; i < N; i++) {
    const sector = SECTORS[i % SECTORS.length] as string;
    const product = sector === "steel" ? "hot_metal" : sector === "cement" ? "clinker" : sector === "paper" ? "pulp" : "";
    const id = `I${i}`;
    inst.push(`${id},Plant ${i},${sector},C${i % 5000},S${i % 20000},1990,,${product}`);
    const base = 1000 + ((i * 7919) % 100000);
    for (const y of [2011, 2012]) {
      const e = base + ((i + y) % 97) * 3.5;
      act.push(`${id},${y},${e},${(e / 3).toFixed(1)},${product ? (e * 1.3).toFixed(2) : ""}`);
    }
  }
  await writeFile(join(dir, "installations.csv"), `${inst.join("\n")}\n`);
  await writeFile(join(dir, "activity.csv"), `${act.join("\n")}\n`);
}

const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;

export async function run(log: (s: string) => void): Promise<Figure[]> {
  const dir = await mkdtemp(join(tmpdir(), "ets-bench-alloc-"));
  try {
    log(`generating ${N} installations (${2 * N} activity rows) in ${dir}`);
    await generate(dir);
    // Two rounds, alternating, keeping the faster of each: the machine may be shared.
    const ROUNDS = Number(process.env.BENCH_ALLOCATION_ROUNDS ?? 2);
    let parse = Number.POSITIVE_INFINITY;
    let total = Number.POSITIVE_INFINITY;
    for (let round = 1; round <= ROUNDS; round++) {
      let t0 = process.hrtime.bigint();
      let rows = 0;
      for (const [name, cols] of [["sectors", columns.sectors], ["products", columns.products], ["installations", columns.installations], ["activity", columns.activity]] as const) {
        rows += (await readTable(join(dir, `${name}.csv`), cols)).length;
      }
      const p = seconds(t0);
      parse = Math.min(parse, p);
      log(`round ${round}: parsed ${rows} rows in ${p.toFixed(2)} s`);
      t0 = process.hrtime.bigint();
      const d = await loadDataset(dir);
      const loaded = seconds(t0);
      const result = allocate(rules, d.installations, d.activity, { explain: false });
      const t = seconds(t0);
      total = Math.min(total, t);
      log(`round ${round}: loaded in ${loaded.toFixed(2)} s, allocated ${result.results.length} (skipped ${result.skipped.length}) in ${(t - loaded).toFixed(2)} s; free ${result.totals.free}`);
    }
    return [
      figure({ figure: `allocation of ${N} installations from CSV (load + allocate)`, value: total, baseline: parse, unit: "s", baselineName: "parsing the same CSV only", goal: "ratio <= 2" }),
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
