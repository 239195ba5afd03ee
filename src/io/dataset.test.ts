// Goal: a dataset folder loads from CSV or XLSX, and every kind of bad input is rejected with an
// error that names the file, the line (or sheet row) and the column.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { InputError } from "./csv.ts";
import { loadDataset, writeDataset } from "./dataset.ts";
import type { Dataset } from "./dataset.ts";
import { writeXlsx } from "./xlsx.ts";

const meta = { name: "tiny", currency: "JPY", gridFactor: 0.5, nationalTotal: 1000000, year: 2008 };
const good = {
  sectors: "sector,name,value_added,exports,imports,domestic_output,benchmark_product\nsteel,Iron and steel,100,10,5,400,hot_metal\npower,Power,50,0,0,200,\n",
  installations:
    "installation,name,sector,company,site,start_year,capacity,product\nS1,Works 1,steel,C1,X1,1990,1000,hot_metal\nP1,Plant 1,power,C2,X2,1990,,\n",
  activity: "installation,year,emissions,electricity_mwh,output\nS1,2008,5000,100,3000\nS1,2009,4000,90,2500\nP1,2008,90000,0,\n",
};

let dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  dirs = [];
});

async function folder(files: Record<string, string | Buffer>, metaJson: unknown = meta): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ets-ds-"));
  dirs.push(dir);
  await writeFile(join(dir, "dataset.json"), JSON.stringify(metaJson));
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  return dir;
}

async function failure(p: Promise<unknown>): Promise<InputError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error("expected an InputError");
}

const csvFiles = (over: Partial<typeof good> = {}) => {
  const t = { ...good, ...over };
  return { "sectors.csv": t.sectors, "installations.csv": t.installations, "activity.csv": t.activity };
};

describe("loadDataset", () => {
  it("loads a valid CSV folder with typed values", async () => {
    const d = await loadDataset(await folder(csvFiles()));
    expect(d.meta.gridFactor).toBe(0.5);
    expect(d.sectors.map((s) => s.sector)).toEqual(["steel", "power"]);
    expect(d.installations[0]).toMatchObject({ installation: "S1", capacity: 1000, product: "hot_metal", startYear: 1990 });
    expect(d.installations[1]?.capacity).toBeUndefined();
    expect(d.activity).toHaveLength(3);
    expect(d.activity[2]).toMatchObject({ installation: "P1", emissions: 90000, electricityMwh: 0 });
    expect(d.activity[2]?.output).toBeUndefined();
  });

  it("names a missing column with file and header line", async () => {
    const e = await failure(loadDataset(await folder(csvFiles({ activity: "installation,year,emissions,output\nS1,2008,5,1\n" }))));
    expect(e.file).toMatch(/activity\.csv$/);
    expect(e.line).toBe(1);
    expect(e.column).toBe("electricity_mwh");
    expect(e.reason).toMatch(/missing column/);
  });

  it("rejects negative emissions at their line", async () => {
    const e = await failure(loadDataset(await folder(csvFiles({ activity: "installation,year,emissions,electricity_mwh,output\nS1,2008,5,1,1\nS1,2009,-7,1,1\n" }))));
    expect([e.line, e.column]).toEqual([3, "emissions"]);
    expect(e.message).toMatch(/activity\.csv:3 column "emissions": must be >= 0, got -7/);
  });

  it("rejects an unknown sector", async () => {
    const inst = `${good.installations}Q1,Quarry,mining,C3,X3,2000,,\n`;
    const e = await failure(loadDataset(await folder(csvFiles({ installations: inst }))));
    expect(e.file).toMatch(/installations\.csv$/);
    expect([e.line, e.column]).toEqual([4, "sector"]);
    expect(e.reason).toMatch(/unknown sector "mining"/);
  });

  it("rejects a duplicate installation-year, pointing at the first one", async () => {
    const act = `${good.activity}S1,2009,4100,90,2500\n`;
    const e = await failure(loadDataset(await folder(csvFiles({ activity: act }))));
    expect([e.line, e.column]).toEqual([5, "year"]);
    expect(e.reason).toMatch(/duplicate year 2009 for installation "S1" \(first on line 3\)/);
  });

  it("rejects a non-numeric value", async () => {
    const e = await failure(loadDataset(await folder(csvFiles({ activity: "installation,year,emissions,electricity_mwh,output\nS1,2008,5kt,1,1\n" }))));
    expect([e.line, e.column]).toEqual([2, "emissions"]);
    expect(e.reason).toMatch(/not a number: "5kt"/);
  });

  it("rejects activity for an unknown installation and years before start", async () => {
    let e = await failure(loadDataset(await folder(csvFiles({ activity: "installation,year,emissions,electricity_mwh,output\nZZ,2008,5,1,1\n" }))));
    expect([e.line, e.column]).toEqual([2, "installation"]);
    e = await failure(loadDataset(await folder(csvFiles({ activity: "installation,year,emissions,electricity_mwh,output\nS1,1980,5,1,1\n" }))));
    expect([e.line, e.column]).toEqual([2, "year"]);
  });

  it("rejects a duplicate installation id and a missing table", async () => {
    let e = await failure(loadDataset(await folder(csvFiles({ installations: `${good.installations}S1,Again,steel,C1,X1,1990,,\n` }))));
    expect([e.line, e.column]).toEqual([4, "installation"]);
    const files = csvFiles();
    const { "activity.csv": _dropped, ...rest } = files;
    e = await failure(loadDataset(await folder(rest)));
    expect(e.reason).toMatch(/missing table/);
  });

  it("checks products against products.csv when it exists", async () => {
    const products = "product,name,unit,benchmark\nhot_metal,Hot metal,t,1.286\n";
    const ok = await loadDataset(await folder({ ...csvFiles(), "products.csv": products }));
    expect(ok.products).toEqual([{ product: "hot_metal", name: "Hot metal", unit: "t", benchmark: 1.286, line: 2 }]);
    const inst = `${good.installations}E1,EAF,steel,C1,X9,1990,,eaf_steel\n`;
    const e = await failure(loadDataset(await folder({ ...csvFiles({ installations: inst }), "products.csv": products })));
    expect([e.line, e.column]).toEqual([4, "product"]);
    expect(e.reason).toMatch(/unknown product "eaf_steel"/);
  });

  it("names the field of a bad dataset.json", async () => {
    const e = await failure(loadDataset(await folder(csvFiles(), { ...meta, gridFactor: -1 })));
    expect(e.file).toMatch(/dataset\.json$/);
    expect(e.column).toBe("gridFactor");
    const e2 = await failure(loadDataset(await folder(csvFiles(), { ...meta, currency: "yen" })));
    expect(e2.column).toBe("currency");
  });

  it("reads XLSX tables and names sheet and row in errors", async () => {
    const xlsx = (headers: string[], rows: unknown[][], name: string) => writeXlsx([{ name, headers, rows }]);
    const files: Record<string, string | Buffer> = {
      "sectors.csv": good.sectors,
      "installations.csv": good.installations,
      "activity.xlsx": await xlsx(["installation", "year", "emissions", "electricity_mwh", "output"], [["S1", 2008, 5000, 100, 3000], ["P1", 2008, 90000, 0, null]], "activity"),
    };
    const d = await loadDataset(await folder(files));
    expect(d.activity.map((a) => a.emissions)).toEqual([5000, 90000]);
    files["activity.xlsx"] = await xlsx(["installation", "year", "emissions", "electricity_mwh", "output"], [["S1", 2008, 5000, 100, 3000], ["P1", 2008, -1, 0, null]], "activity");
    const e = await failure(loadDataset(await folder(files)));
    expect(e.file).toMatch(/activity\.xlsx\[activity\]$/);
    expect([e.line, e.column]).toEqual([3, "emissions"]);
  });

  it("round-trips through writeDataset in both formats", async () => {
    const d = await loadDataset(await folder(csvFiles()));
    for (const format of ["csv", "xlsx"] as const) {
      const out = await mkdtemp(join(tmpdir(), "ets-ds-out-"));
      dirs.push(out);
      await writeDataset(out, d, format);
      const back: Dataset = await loadDataset(out);
      expect(back.activity.map(({ line: _l, ...a }) => a)).toEqual(d.activity.map(({ line: _l, ...a }) => a));
      expect(back.installations.map(({ line: _l, ...a }) => a)).toEqual(d.installations.map(({ line: _l, ...a }) => a));
      expect(back.meta).toEqual(d.meta);
    }
  });
});
