// `ets benchmark`: the benchmark curve of a product (installations ranked by intensity) and the
// benchmark derived from it (top X%, boundary or average, by count or output-weighted).
import { writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { benchmarkCurve, deriveBenchmark, EU_PHASE4_2021_UPDATE, updateBenchmark } from "../../domain/benchmark/index.ts";
import type { BenchmarkUpdate, BenchmarkUpdateRule } from "../../domain/benchmark/index.ts";
import { rankedCurveSvg } from "../../report/svg.ts";
import { action, printJson, printTable, progress, UsageError } from "../io.ts";
import { loadOrExplain, numberList, positiveNumber } from "./common-dataset.ts";

interface Opts {
  dataset: string;
  product: string;
  top: string;
  weighted?: boolean;
  boundary?: boolean;
  year?: string;
  svg?: string;
  json?: boolean;
  updateFrom?: string;
  years: string;
  rateBounds: string;
}

function updateRule(opts: Opts): BenchmarkUpdateRule {
  const [observationYears, applicationYears, ...restY] = numberList("--years", opts.years);
  const [minAnnualRate, maxAnnualRate, ...restR] = numberList("--rate-bounds", opts.rateBounds);
  if (observationYears === undefined || applicationYears === undefined || restY.length > 0 || !(observationYears > 0)) {
    throw new UsageError(`option --years: give OBSERVATION,APPLICATION years, e.g. 9,15; got ${JSON.stringify(opts.years)}`);
  }
  if (minAnnualRate === undefined || maxAnnualRate === undefined || restR.length > 0 || minAnnualRate > maxAnnualRate) {
    throw new UsageError(`option --rate-bounds: give MIN,MAX annual rates as fractions, e.g. 0.002,0.016; got ${JSON.stringify(opts.rateBounds)}`);
  }
  return { observationYears, applicationYears, minAnnualRate, maxAnnualRate };
}

export function register(program: Command): void {
  program
    .command("benchmark")
    .description("benchmark curve of a product and the benchmark at the top X% (average by default)")
    .requiredOption("--dataset <dir>", "dataset folder (see docs/reference/dataset.md)")
    .requiredOption("--product <p>", "product code (installations.product)")
    .option("--top <percent>", "top share in percent", "10")
    .option("--weighted", "weight by output instead of counting installations")
    .option("--boundary", "take the value at the top-X% boundary instead of the average of the top X%")
    .option("--year <year>", "year (default: the dataset's reference year)")
    .option("--svg <file>", "write the curve (bar width = output) with the benchmark line")
    .option("--json", "print the benchmark and the curve as JSON")
    .option("--update-from <previous>", "also update a previous benchmark with the derived value as the new observation (clamped annual rate)")
    .option("--years <obs,app>", "observation and application years of the update", `${EU_PHASE4_2021_UPDATE.observationYears},${EU_PHASE4_2021_UPDATE.applicationYears}`)
    .option("--rate-bounds <min,max>", "bounds of the annual rate (fractions)", `${EU_PHASE4_2021_UPDATE.minAnnualRate},${EU_PHASE4_2021_UPDATE.maxAnnualRate}`)
    .action(
      action(async (opts: Opts) => {
        const top = positiveNumber("--top", opts.top);
        const previous = opts.updateFrom === undefined ? undefined : positiveNumber("--update-from", opts.updateFrom);
        const rule = updateRule(opts);
        if (top > 100) throw new UsageError(`option --top: a percentage up to 100, got ${opts.top}`);
        if (opts.year !== undefined && !/^\d{4}$/.test(opts.year)) throw new UsageError(`option --year: not a year: ${JSON.stringify(opts.year)}`);
        const d = await loadOrExplain(opts.dataset);
        const year = opts.year === undefined ? d.meta.year : Number(opts.year);
        const ids = new Set(d.installations.filter((i) => i.product === opts.product).map((i) => i.installation));
        if (ids.size === 0) {
          const known = [...new Set(d.installations.map((i) => i.product).filter((p) => p !== undefined))].join(", ");
          throw new UsageError(`option --product: no installation makes "${opts.product}" (products: ${known || "none"})`);
        }
        const bar = progress("reading activity", d.activity.length);
        const points: { installation: string; output: number; emissions: number }[] = [];
        d.activity.forEach((a, i) => {
          if (a.year === year && ids.has(a.installation) && a.output !== undefined) points.push({ installation: a.installation, output: a.output, emissions: a.emissions });
          if (i % 50_000 === 0) bar.update(i);
        });
        bar.stop();
        const method = opts.boundary ? "boundary" : "average";
        const weighting = opts.weighted ? "output" : "count";
        const result = deriveBenchmark(points, { topPercent: top, method, weighting });
        if ("code" in result) throw new UsageError(`no ${opts.product} installation with output in ${year}: cannot derive a benchmark`);
        const curve = benchmarkCurve(points);
        const reference = d.products.find((p) => p.product === opts.product)?.benchmark;
        if (opts.svg !== undefined) {
          await writeFile(opts.svg, rankedCurveSvg({
            title: `${opts.product} ${year}: benchmark curve`, xLabel: "cumulative output", yLabel: "t-CO2 per unit",
            bars: curve.map((p) => ({ width: p.output, height: p.intensity, label: `${p.installation}: ${p.intensity.toFixed(4)}` })),
            line: { value: result.value, label: `${method} of top ${top}% (${weighting}): ${result.value.toFixed(4)}` },
          }));
        }
        const update: (BenchmarkUpdate & { previous: number; rule: BenchmarkUpdateRule }) | undefined =
          previous === undefined ? undefined : { previous, rule, ...updateBenchmark(previous, result.value, rule) };
        const summary = {
          product: opts.product, year, topPercent: top, method, weighting, ...result,
          ...(reference === undefined ? {} : { datasetBenchmark: reference }),
          ...(update === undefined ? {} : { update }),
        };
        if (opts.json) {
          printJson({ ...summary, curve });
          return;
        }
        process.stdout.write(`${opts.product} ${year}: ${method} of the top ${top}% by ${weighting} = ${result.value.toFixed(4)} t-CO2/unit (${result.installationsInTop} of ${result.installations} installations; boundary ${result.boundary})${reference === undefined ? "" : `; dataset's benchmark ${reference}`}\n`);
        if (update) {
          process.stdout.write(`update from ${update.previous}: observed ${(update.observedAnnualRate * 100).toFixed(3)}%/yr over ${rule.observationYears} years, applied ${(update.appliedAnnualRate * 100).toFixed(3)}%/yr over ${rule.applicationYears} years -> ${update.value.toFixed(4)}\n`);
        }
        printTable(["rank", "installation", "output", "emissions (t)", "intensity", "cumulative share"],
          curve.map((p) => [p.rank, p.installation, p.output, p.emissions, Number(p.intensity.toFixed(4)), `${(p.cumulativeShare * 100).toFixed(1)}%`]));
      }),
    );
}
