// `ets simulate SCENARIO [--json] [--out DIR]` and `ets simulate compare A B ...`: the policy
// simulator on scenario files (YAML or JSON). Tables on stdout, SVG charts in --out, progress for
// Monte Carlo on stderr. Its words come from the shared catalogue (src/i18n/messages/cli-simulate.ts,
// cli.sim.*): Japanese under LANG=ja_JP*; --json keeps its English keys and machine values.
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { basename, dirname, extname, join, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import type { Command } from "commander";
import { lineChartSvg } from "../../report/svg.ts";
import { compareScenarios } from "../../simulator/compare.ts";
import type { Comparison } from "../../simulator/compare.ts";
import { InfeasibleError } from "../../simulator/equilibrium.ts";
import type { MonteCarloSummary } from "../../simulator/montecarlo.ts";
import { monteCarlo } from "../../simulator/pool.ts";
import { listPresets, loadRulebook } from "../../io/rulebook.ts";
import { parseScenarioText } from "../../simulator/scenario.ts";
import type { Scenario } from "../../simulator/scenario.ts";
import { simulate } from "../../simulator/simulate.ts";
import type { SimulationResult } from "../../simulator/simulate.ts";
import { sectoralAnalysis, clusterAnalysis } from "../../simulator/analyses.ts";
import { action, printJson, printTable, progress, t, UsageError, wrote } from "../io.ts";

/** A compare file: `compare: [a.yaml, b.yaml, ...]` (paths relative to the file). Undefined if the file is a scenario. */
async function compareList(file: string): Promise<string[] | undefined> {
  const ext = extname(file).toLowerCase();
  let value: unknown;
  try {
    const text = await readFile(file, "utf8");
    value = ext === ".json" ? JSON.parse(text) : parseYaml(text);
  } catch {
    return undefined; // loadScenario reports it
  }
  if (typeof value !== "object" || value === null || !("compare" in value)) return undefined;
  const list = (value as { compare: unknown }).compare;
  const extra = Object.keys(value).filter((k) => !["compare", "name", "description"].includes(k));
  if (extra.length > 0) throw new UsageError(t("cli.sim.compareExtra", { file, field: String(extra[0]) }));
  if (!Array.isArray(list) || list.length < 2 || !list.every((x) => typeof x === "string")) {
    throw new UsageError(t("cli.sim.compareList", { file }));
  }
  return list.map((x: string) => resolve(dirname(file), x));
}

export async function loadScenario(file: string): Promise<Scenario> {
  const ext = extname(file).toLowerCase();
  if (![".json", ".yaml", ".yml"].includes(ext)) throw new UsageError(t("cli.sim.scenarioExt", { file }));
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new UsageError(t("cli.sim.cannotRead", { file, reason: err instanceof Error ? err.message : String(err) }));
  }
  // a rulebook named by the scenario: a preset name, else a file relative to the scenario
  const rulebook = (name: string) => loadRulebook(listPresets().includes(name) ? name : resolve(dirname(file), name));
  const r = parseScenarioText(text, ext === ".json" ? "json" : "yaml", { rulebook });
  if (!r.ok) throw new UsageError(`${file}: ${r.path ? t("cli.sim.field", { path: r.path }) : ""}${r.message}`);
  if (r.scenario.name === "scenario") r.scenario.name = basename(file, ext);
  return r.scenario;
}

function run(s: Scenario, file: string): SimulationResult {
  try {
    return simulate(s);
  } catch (err) {
    if (err instanceof InfeasibleError) throw new UsageError(`${file}: ${err.message}`);
    throw err;
  }
}

const r2 = (v: number) => Math.round(v * 100) / 100;

function printYears(r: SimulationResult, unsoldToMsr: boolean): void {
  // With an MSR, every flow of its holdings is a column, so that the table adds up:
  // held = previous held + in - out (+ unsold, when unsold allowances go to the MSR) - invalidated.
  const msr = r.msr !== undefined && r.msr !== null;
  printTable(
    [
      t("cli.sim.col.year"), t("cli.sim.col.price"), t("cli.sim.col.cap"), t("cli.sim.col.emissions"), t("cli.sim.col.abatement"), t("cli.sim.col.bank"), t("cli.sim.col.auctioned"),
      t("cli.sim.col.unsold"), t("cli.sim.col.reserve"), t("cli.sim.col.ceiling"), t("cli.sim.col.offsets"),
      ...(msr ? [t("cli.sim.col.msrIn"), t("cli.sim.col.msrOut"), t("cli.sim.col.msrInvalidated"), t("cli.sim.col.msrHeld")] : []),
      t("cli.sim.col.revenue"),
    ],
    r.years.map((y) => [
      y.year, r2(y.price), r2(y.cap), r2(y.emissions), r2(y.abatement), r2(y.bank), r2(y.auctioned), r2(y.unsold), r2(y.reserveSales), r2(y.ceilingSales), r2(y.offsetsUsed),
      ...(msr ? [r2(y.msrIntake), r2(y.msrRelease), r2(y.msrInvalidated), r2(y.msrHoldings)] : []),
      r2(y.auctionRevenue),
    ]),
  );
  if (msr) process.stdout.write(`${t("cli.sim.msrIdentity", { unsold: unsoldToMsr ? t("cli.sim.msrIdentityUnsold") : "" })}\n`);
}

function printSectors(r: SimulationResult): void {
  const by = new Map<string, { n: number; abatement: number; emissions: number; free: number; net: number; cost: number; compliance: number; windfall: number }>();
  for (const f of r.facilities) {
    const a = by.get(f.sector) ?? { n: 0, abatement: 0, emissions: 0, free: 0, net: 0, cost: 0, compliance: 0, windfall: 0 };
    a.n++;
    a.abatement += f.abatement;
    a.emissions += f.emissions;
    a.free += f.freeAllocation;
    a.net += f.netPurchases;
    a.cost += f.abatementCost;
    a.compliance += f.complianceCost;
    a.windfall += f.windfall;
    by.set(f.sector, a);
  }
  printTable(
    [
      t("cli.sim.col.sector"), t("cli.sim.col.facilities"), t("cli.sim.col.abatement"), t("cli.sim.col.emissions"), t("cli.sim.col.freeAllocation"),
      t("cli.sim.col.netPurchases"), t("cli.sim.col.abatementCost"), t("cli.sim.col.complianceCost"), t("cli.sim.col.windfall"),
    ],
    [...by].map(([k, a]) => [k, a.n, r2(a.abatement), r2(a.emissions), r2(a.free), r2(a.net), r2(a.cost), r2(a.compliance), r2(a.windfall)]),
  );
}

function printMonteCarlo(mc: MonteCarloSummary): void {
  for (const b of ["perfectForesight", "rollingHorizon"] as const) {
    const m = mc[b];
    if (!m) continue;
    const behaviour = b === "perfectForesight" ? t("cli.sim.perfectForesight") : t("cli.sim.rollingHorizon");
    process.stdout.write(`\n${t("cli.sim.monteCarlo", { behaviour, paths: mc.paths, seed: mc.seed, sigma: mc.bauSigma })}\n`);
    printTable(
      [
        t("cli.sim.col.year"), t("cli.sim.col.priceP10"), t("cli.sim.col.priceP50"), t("cli.sim.col.priceP90"), t("cli.sim.col.emissionsP50"),
        t("cli.sim.col.pFloor"), t("cli.sim.col.pCeiling"), t("cli.sim.col.eReserve"), t("cli.sim.col.eCeiling"),
      ],
      m.year.map((y, i) => [y, r2(m.price[i]!.p10), r2(m.price[i]!.p50), r2(m.price[i]!.p90), r2(m.emissions[i]!.p50), r2(m.probabilityAtFloor[i]!), r2(m.probabilityAtCeiling[i]!), r2(m.expectedReserveSales[i]!), r2(m.expectedCeilingSales[i]!)]),
    );
    if (m.msrNotConverged > 0) process.stdout.write(`${t("cli.sim.mcNotConverged", { paths: m.msrNotConverged })}\n`);
  }
}

const CHART_FILES = ["price.svg", "emissions.svg", "bank.svg"] as const;

/** Refuses, before anything runs, an --out folder that already holds charts (unless --force): a run never overwrites files silently. */
function checkOut(dir: string | undefined, force: boolean | undefined): void {
  if (dir === undefined || force) return;
  const there = CHART_FILES.filter((f) => existsSync(join(dir, f)));
  if (there.length > 0) throw new UsageError(t("cli.sim.outExists", { path: dir, files: there.join(", ") }), { field: "--out", code: "exists", facts: { files: there.map((f) => join(dir, f)) } });
}

async function writeCharts(dir: string, r: SimulationResult, mc: MonteCarloSummary | undefined): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const x = r.years.map((y) => y.year);
  const pf = mc?.perfectForesight;
  const files: [string, string][] = [
    [
      "price.svg",
      lineChartSvg({
        title: `${r.scenario}: allowance price`,
        xLabel: "year",
        yLabel: "price per allowance",
        x,
        series: [{ name: "price", values: r.years.map((y) => y.price) }],
        ...(pf ? { bands: [{ lower: pf.price.map((q) => q.p10), upper: pf.price.map((q) => q.p90), label: "Monte Carlo 10-90%" }] } : {}),
      }),
    ],
    [
      "emissions.svg",
      lineChartSvg({
        title: `${r.scenario}: emissions against the cap`,
        xLabel: "year",
        yLabel: "allowances / tonnes",
        x,
        series: [
          { name: "emissions", values: r.years.map((y) => y.emissions) },
          { name: "cap", values: r.years.map((y) => y.cap), dashed: true },
        ],
      }),
    ],
    [
      "bank.svg",
      lineChartSvg({
        title: `${r.scenario}: bank and stability reserve`,
        xLabel: "year",
        yLabel: "allowances",
        x,
        series: [
          { name: "bank (end of year)", values: r.years.map((y) => y.bank) },
          { name: "MSR holdings", values: r.years.map((y) => y.msrHoldings), dashed: true },
        ],
      }),
    ],
  ];
  for (const [name, svg] of files) await writeFile(join(dir, name), svg);
  return files.map(([n]) => join(dir, n));
}

async function single(file: string, opts: { json?: boolean; out?: string; threads?: string; force?: boolean }): Promise<void> {
  checkOut(opts.out, opts.force);
  const s = await loadScenario(file);
  const r = run(s, file);
  let mc: MonteCarloSummary | undefined;
  if (s.monteCarlo) {
    const bar = progress(t("cli.sim.progress"), s.monteCarlo.paths * s.monteCarlo.behaviours.length);
    let base = 0;
    let last = 0;
    mc = await monteCarlo(s, {
      ...(opts.threads !== undefined ? { threads: positiveInt("--threads", opts.threads) } : {}),
      onProgress: (done, total) => {
        if (done < last) base += total;
        last = done;
        bar.update(base + done);
      },
    });
    bar.stop();
  }
  const sectoral = sectoralAnalysis(s);
  const clusters = clusterAnalysis(s, r);
  const charts = opts.out !== undefined ? await writeCharts(opts.out, r, mc) : [];
  if (opts.json) {
    printJson({ scenario: r.scenario, rulebook: s.rulebook ?? null, years: r.years, facilities: r.facilities, warnings: r.warnings, msr: r.msr ?? null, monteCarlo: mc ?? null, sectoral, clusters, charts });
    return;
  }
  process.stdout.write(`${t("cli.sim.head", { name: r.scenario, facilities: s.facilities.length, from: String(s.years[0]), to: String(s.years[s.years.length - 1]), rate: s.discountRate })}\n`);
  if (s.rulebook) {
    process.stdout.write(`${t("cli.sim.rulebookUsed", { name: s.rulebook.name })}\n${s.rulebook.used.map((u) => `  ${u}\n`).join("")}`);
    if (s.rulebook.ignored.length > 0) process.stdout.write(`${t("cli.sim.rulebookIgnored")}\n${s.rulebook.ignored.map((u) => `  ${u}\n`).join("")}`);
  }
  printYears(r, s.unsoldAllowances === "msr");
  for (const w of r.warnings) process.stdout.write(`${t("cli.usage.warning", { text: w })}\n`);
  if (r.msr) {
    const state = r.msr.converged ? t("cli.sim.converged") : t("cli.sim.notConverged");
    process.stdout.write(`${t("cli.sim.fixedPoint", { state, iterations: r.msr.iterations, residual: r.msr.residual.toPrecision(3), damping: r.msr.damping })}\n`);
  }
  process.stdout.write(`\n${t("cli.sim.bySector")}\n`);
  printSectors(r);
  if (sectoral.length > 0) {
    process.stdout.write(`\n${t("cli.sim.sectoral")}\n`);
    printTable(
      [
        t("cli.sim.col.sector"), t("cli.sim.col.emissions"), t("cli.sim.col.output"), t("cli.sim.col.benchmark"), t("cli.sim.col.potential"),
        t("cli.sim.col.share"), t("cli.sim.col.priceToReach"), t("cli.sim.col.costToReach"),
      ],
      sectoral.map((x) => [x.sector, r2(x.emissions), r2(x.output), x.benchmark, r2(x.potential), `${(100 * x.share).toFixed(1)}%`, x.priceToReach === null ? t("cli.sim.outOfReach") : r2(x.priceToReach), x.costToReach === null ? "" : r2(x.costToReach)]),
    );
  }
  if (clusters.length > 0) {
    process.stdout.write(`\n${t("cli.sim.clusters")}\n`);
    const headers = [t("cli.sim.col.cluster"), t("cli.sim.col.facilities"), t("cli.sim.col.emissions"), t("cli.sim.col.capacity"), t("cli.sim.col.potential"), t("cli.sim.col.used"), t("cli.sim.col.ofCountry")];
    printTable(headers, clusters.map((c) => [c.id, c.facilities, r2(c.emissions), r2(c.capacity), r2(c.potential), r2(c.used), c.shareOfCountry === null ? "" : `${(100 * c.shareOfCountry).toFixed(1)}%`]));
  }
  if (mc) printMonteCarlo(mc);
  for (const c of charts) wrote(c);
}

function positiveInt(name: string, v: string): number {
  if (!/^[1-9]\d*$/.test(v)) throw new UsageError(t("cli.usage.positiveInt", { flag: name, value: JSON.stringify(v) }), { field: name });
  return Number(v);
}

function printComparison(c: Comparison): void {
  const rows: [string, (x: Comparison["scenarios"][number]) => unknown][] = [
    [t("cli.sim.cmp.excess"), (x) => r2(x.environmentalIntegrity.excessEmissions)],
    [t("cli.sim.cmp.toCap"), (x) => x.environmentalIntegrity.emissionsToCap.toFixed(4)],
    [t("cli.sim.cmp.abatementPv"), (x) => r2(x.efficiency.abatementCostPv)],
    [t("cli.sim.cmp.leastPv"), (x) => r2(x.efficiency.leastCostPv)],
    [t("cli.sim.cmp.efficiency"), (x) => x.efficiency.ratio.toFixed(4)],
    [t("cli.sim.cmp.meanCost"), (x) => r2(x.fairness.meanCostPerFirm)],
    [t("cli.sim.cmp.maxCost"), (x) => r2(x.fairness.maxCostPerFirm)],
    [t("cli.sim.cmp.gini"), (x) => x.fairness.costGini.toFixed(3)],
    [t("cli.sim.cmp.windfall"), (x) => r2(x.fairness.windfall)],
    [t("cli.sim.cmp.reward"), (x) => (x.fairness.rewardForPastEffort === null ? t("cli.sim.na") : x.fairness.rewardForPastEffort.toFixed(3))],
    [t("cli.sim.cmp.revenue"), (x) => r2(x.revenue.total)],
    [t("cli.sim.cmp.meanPrice"), (x) => r2(x.priceStability.meanPrice)],
    [t("cli.sim.cmp.priceSd"), (x) => x.priceStability.logChangeSd.toFixed(4)],
    [t("cli.sim.cmp.mcSpread"), (x) => (x.priceStability.monteCarloSpread === null ? t("cli.sim.na") : x.priceStability.monteCarloSpread.toFixed(3))],
  ];
  printTable([t("cli.sim.col.criterion"), ...c.scenarios.map((x) => x.name)], rows.map(([label, f]) => [label, ...c.scenarios.map(f)]));
}

async function compare(files: readonly string[], opts: { json?: boolean; threads?: string }): Promise<void> {
  if (files.length < 2) throw new UsageError(t("cli.sim.compareTwo"));
  const scenarios = await Promise.all(files.map(loadScenario));
  const mcs: (MonteCarloSummary | undefined)[] = [];
  for (const s of scenarios) mcs.push(s.monteCarlo ? await monteCarlo(s, opts.threads !== undefined ? { threads: positiveInt("--threads", opts.threads) } : {}) : undefined);
  let c: Comparison;
  try {
    c = compareScenarios(scenarios, mcs);
  } catch (err) {
    if (err instanceof InfeasibleError) throw new UsageError(err.message);
    throw err;
  }
  if (opts.json) return printJson(c);
  printComparison(c);
}

export function register(program: Command): void {
  program
    .command("simulate")
    .description("policy simulator: market equilibrium over years (banking, collar, reserve, offsets, MSR), Monte Carlo; `simulate compare A B ...` sets scenarios side by side")
    .argument("<scenario...>", "scenario file (.yaml/.json); or `compare` followed by two or more scenario files")
    .option("--json", "print the result as JSON: { years, facilities, monteCarlo, ... }")
    .option("--out <dir>", "write SVG charts (price.svg, emissions.svg, bank.svg) to this folder (refused when they are there already)")
    .option("--force", "with --out: overwrite charts already in the folder")
    .option("--threads <n>", "worker threads for Monte Carlo (default: the scenario's, else the machine's cores)")
    .action(
      action(async (args: string[], opts: { json?: boolean; out?: string; threads?: string; force?: boolean }) => {
        if (args[0] === "compare") return compare(args.slice(1), opts);
        if (args.length !== 1) throw new UsageError(t("cli.sim.oneScenario"));
        const list = await compareList(args[0] as string);
        if (list) return compare(list, opts);
        await single(args[0] as string, opts);
      }),
    );
}
