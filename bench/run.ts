// `npm run bench -- [name ...] [--json]`: runs the named benchmarks (all when none is named) and
// prints each figure beside a baseline measured in the same run, with the ratio. A name selects
// bench/NAME.bench.ts and every bench/NAME-*.bench.ts (so `ledger` includes `ledger-verify`).
// With --json, one row per figure: {name, value, unit, baseline, ratio, ...}. Never a test:
// nothing here fails on a time.
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Figure } from "./figure.ts";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const json = args.includes("--json");
const available = readdirSync(here)
  .filter((f) => f.endsWith(".bench.ts"))
  .map((f) => f.replace(/\.bench\.ts$/, ""))
  .sort();
const names = args.filter((a) => !a.startsWith("--"));
const selects = (n: string) => available.filter((a) => a === n || a.startsWith(`${n}-`));
for (const n of names) {
  if (selects(n).length === 0) {
    process.stderr.write(`unknown benchmark ${JSON.stringify(n)}; available: ${available.join(", ")}\n`);
    process.exit(2);
  }
}
const all: Figure[] = [];
for (const name of names.length > 0 ? [...new Set(names.flatMap(selects))] : available) {
  const mod = (await import(join(here, `${name}.bench.ts`))) as { run(log: (s: string) => void): Promise<Figure[]> };
  const log = (s: string) => process.stderr.write(`[${name}] ${s}\n`);
  const figures = await mod.run(log);
  all.push(...figures);
  if (!json) {
    for (const f of figures) {
      process.stdout.write(
        `${f.figure}: ${fmt(f.value)} ${f.unit}  baseline (${f.baselineName}): ${fmt(f.baseline)} ${f.unit}  ratio ${f.ratio !== 0 && Math.abs(f.ratio) < 0.001 ? f.ratio.toExponential(2) : f.ratio.toFixed(3)}  goal ${f.goal}\n`,
      );
    }
  }
}
if (json) process.stdout.write(`${JSON.stringify(all.map((f) => ({ name: f.figure, ...f })), null, 2)}\n`);

function fmt(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(4);
}
