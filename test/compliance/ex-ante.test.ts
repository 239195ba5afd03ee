// Goal: `ets allocate --json` gives each result of an ex-ante sector its preAllocation on the
// base-year output and, with the year's output, its trueUp (China power, ICAP node/731: 70% of 2018
// output x benchmark ex ante). The domain function is tested in-process; one spawn checks the CLI.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exAnteSplit } from "../../src/domain/compliance/index.ts";
import { loadRulebook } from "../../src/io/rulebook.ts";
import { runEts } from "../support/ets.ts";

const china = loadRulebook("china-national-power");
const installations = [
  { installation: "CN-COAL-1", sector: "power", product: "coal-above-300mw" },
  { installation: "CN-GAS-1", sector: "power", product: "gas" },
  { installation: "CN-NEW-1", sector: "power", product: "gas" },
];
const activity = [
  { installation: "CN-COAL-1", year: 2018, output: 1_000_000 },
  { installation: "CN-COAL-1", year: 2019, output: 1_100_000 },
  { installation: "CN-GAS-1", year: 2018, output: 100_000 },
  { installation: "CN-GAS-1", year: 2019, output: 60_000 },
  { installation: "CN-NEW-1", year: 2019, output: 10_000 },
];

describe("pre-allocation and true-up of an allocation run", () => {
  it("pre-allocates 70% of 2018 output x benchmark and trues up against 2019 output; no base-year output, no pre-allocation", () => {
    const results = [
      { installation: "CN-COAL-1", sector: "power", free: 964_700n },
      { installation: "CN-GAS-1", sector: "power", free: 23_520n },
      { installation: "CN-NEW-1", sector: "power", free: 3_920n },
    ];
    const lines = exAnteSplit(china, 2019, results, installations, activity);
    expect(lines.map((l) => [l.installation, l.preAllocation, l.trueUp])).toEqual([
      ["CN-COAL-1", 613_900n, 350_800n], // 1,000,000 x 0.877 x 0.7; 964,700 - 613,900
      ["CN-GAS-1", 27_440n, -3_920n], // 100,000 x 0.392 x 0.7 = 27,440; output fell: taken back
    ]);
    expect(exAnteSplit(loadRulebook("eu-ets-phase3"), 2019, results, installations, activity)).toEqual([]);
  });
});

describe("ets allocate --json (spawned)", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "ets-exante-"));
    await writeFile(join(dir, "dataset.json"), JSON.stringify({ name: "China power sample", currency: "CNY", gridFactor: 0.58, nationalTotal: 1e10, year: 2019 }));
    await writeFile(join(dir, "sectors.csv"), "sector,name,value_added,exports,imports,domestic_output\npower,Power,1000,0,0,1000\n");
    await writeFile(join(dir, "installations.csv"), `installation,name,sector,company,site,start_year,capacity,product\n${installations.map((i) => `${i.installation},${i.installation},power,GenCo,S-${i.installation},2000,,${i.product}`).join("\n")}\n`);
    await writeFile(join(dir, "activity.csv"), `installation,year,emissions,electricity_mwh,output\n${activity.map((a) => `${a.installation},${a.year},1000,0,${a.output}`).join("\n")}\n`);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("carries preAllocation and trueUp as strings of digits", async () => {
    const r = await runEts(["allocate", "--rulebook", "china-national-power", "--dataset", dir, "--year", "2019", "--json"], { env: { DATABASE_URL: undefined } });
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { results: { installation: string; free: string; preAllocation?: string; trueUp?: string }[] };
    expect(j.results.find((x) => x.installation === "CN-COAL-1")).toMatchObject({ free: "964700", preAllocation: "613900", trueUp: "350800" });
    expect(j.results.find((x) => x.installation === "CN-GAS-1")).toMatchObject({ preAllocation: "27440", trueUp: "-3920" });
    expect(j.results.find((x) => x.installation === "CN-NEW-1")?.preAllocation).toBeUndefined();
  });
});
