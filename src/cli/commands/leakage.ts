// `ets leakage`: carbon and trade intensity per sector against the EU phase 3 or US KL criteria.
import { readFile, writeFile } from "node:fs/promises";
import { extname } from "node:path";
import { parse as parseYaml } from "yaml";
import { parseCriteria } from "../../domain/leakage/criteria.ts";
import type { Command } from "commander";
import { LEAKAGE_CRITERIA, screenSectors, sectorEmissions } from "../../domain/leakage/index.ts";
import type { LeakageCriteria } from "../../domain/leakage/index.ts";
import { scatterSvg } from "../../report/svg.ts";
import type { Region as SvgRegion } from "../../report/svg.ts";
import { action, printJson, printTable, UsageError } from "../io.ts";
import { loadOrExplain, oneOf, positiveNumber } from "./common-dataset.ts";

/** Regions of the (trade, carbon) plane where a clause holds, for shading. */
function regions(c: LeakageCriteria): SvgRegion[] {
  return c.clauses.map((clause) => {
    const r = { x0: 0, x1: Infinity, y0: 0, y1: Infinity };
    for (const cond of clause) {
      if (cond.metric === "tradeIntensity") r.x0 = Math.max(r.x0, cond.above);
      else r.y0 = Math.max(r.y0, cond.above);
    }
    return r;
  });
}

async function loadCriteria(arg: string): Promise<LeakageCriteria> {
  const builtIn = LEAKAGE_CRITERIA[arg];
  if (builtIn) return builtIn;
  const ext = extname(arg).toLowerCase();
  if (![".json", ".yaml", ".yml"].includes(ext)) return LEAKAGE_CRITERIA[oneOf("--criteria", arg, Object.keys(LEAKAGE_CRITERIA))] as LeakageCriteria;
  let value: unknown;
  try {
    const text = await readFile(arg, "utf8");
    value = ext === ".json" ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new UsageError(`${arg}: cannot read the criteria (${err instanceof Error ? err.message : String(err)})`);
  }
  const r = parseCriteria(value);
  if (!r.ok) throw new UsageError(`${arg}: field "${r.path}": ${r.message}`);
  return r.criteria;
}

export function register(program: Command): void {
  program
    .command("leakage")
    .description("carbon-leakage screening: carbon and trade intensity per sector, and the exposed list")
    .requiredOption("--dataset <dir>", "dataset folder (see docs/reference/dataset.md)")
    .requiredOption("--criteria <id|file>", `criteria: ${Object.keys(LEAKAGE_CRITERIA).join(" or ")}, or a .json/.yaml file of the same shape`)
    .option("--price <p>", "carbon price per t in the dataset's currency (default: the criteria's price converted by dataset.json exchangeRates)")
    .option("--year <year>", "year of the emissions (default: the dataset's reference year)")
    .option("--svg <file>", "write a scatter chart (trade vs carbon intensity, criteria regions shaded)")
    .option("--json", "print the result as JSON (intensities as fractions)")
    .action(
      action(async (opts: { dataset: string; criteria: string; price?: string; year?: string; svg?: string; json?: boolean }) => {
        const criteria = await loadCriteria(opts.criteria);
        const explicit = opts.price === undefined ? undefined : positiveNumber("--price", opts.price);
        if (opts.year !== undefined && !/^\d{4}$/.test(opts.year)) throw new UsageError(`option --year: not a year: ${JSON.stringify(opts.year)}`);
        const d = await loadOrExplain(opts.dataset);
        let price = explicit;
        if (price === undefined) {
          if (d.meta.currency === criteria.currency) price = criteria.price;
          else {
            const rate = d.meta.exchangeRates?.[criteria.currency];
            if (rate === undefined) {
              throw new UsageError(`${opts.dataset}/dataset.json: no exchangeRates.${criteria.currency} to convert the criteria's ${criteria.currency} ${criteria.price}/t into ${d.meta.currency}; give --price in ${d.meta.currency}`);
            }
            price = criteria.price * rate;
          }
        }
        const year = opts.year === undefined ? d.meta.year : Number(opts.year);
        const results = screenSectors(d.sectors, sectorEmissions(d.installations, d.activity, year, d.meta.gridFactor), criteria, price);
        const exposed = results.filter((r) => r.exposed).map((r) => r.sector);
        if (opts.svg !== undefined) {
          const svg = scatterSvg({
            title: `Leakage screening ${year}: ${criteria.name}`,
            xLabel: "trade intensity", yLabel: `carbon intensity at ${price} ${d.meta.currency}/t`, percent: true,
            points: results.filter((r) => !r.excluded).map((r) => ({ x: r.tradeIntensity, y: r.carbonIntensity, label: r.sector, highlight: r.exposed })),
            regions: regions(criteria),
          });
          await writeFile(opts.svg, svg);
        }
        if (opts.json) {
          printJson({ criteria: criteria.id, year, currency: d.meta.currency, pricePerTonne: price, exposed, sectors: results });
          return;
        }
        process.stdout.write(`${criteria.name}; price ${price} ${d.meta.currency}/t; year ${year}\n`);
        printTable(
          ["sector", "emissions (Mt)", "carbon intensity", "trade intensity", "exposed"],
          results.map((r) => [r.sector, (r.emissionsTonnes / 1e6).toFixed(2), `${(r.carbonIntensity * 100).toFixed(1)}%`, `${(r.tradeIntensity * 100).toFixed(1)}%`, r.excluded ? "excluded" : r.exposed ? `yes (clause ${(r.clause ?? 0) + 1})` : "no"]),
        );
        process.stdout.write(`exposed: ${exposed.length > 0 ? exposed.join(", ") : "none"}\n`);
      }),
    );
}


