// `ets dataset generate`: writes the synthetic national dataset (calibrated to the FY2008
// coverage study) or the steel and cement sample to a folder.
import type { Command } from "commander";
import { generateNational } from "../../data/national.ts";
import { generateSteelCement } from "../../data/steel-cement.ts";
import { writeDataset } from "../../io/dataset.ts";
import { action, printJson, UsageError } from "../io.ts";
import { oneOf } from "./common-dataset.ts";

export function register(program: Command): void {
  const dataset = program.command("dataset").description("synthetic datasets in the national dataset format");
  dataset
    .command("generate")
    .description("write a reproducible synthetic dataset folder (dataset.json, sectors, installations, activity, products)")
    .requiredOption("--out <dir>", "folder to write (created if missing)")
    .option("--seed <n>", "seed of the generator", "1")
    .option("--sample <name>", "national (default) or steel-cement", "national")
    .option("--format <fmt>", "table format: csv or xlsx", "csv")
    .option("--json", "print what was written as JSON")
    .addHelpText("after", "\nThe national dataset's FY2008 coverage table reproduces the study's (see docs/reference/dataset.md).")
    .action(
      action(async (opts: { out: string; seed: string; sample: string; format: string; json?: boolean }) => {
        if (!/^\d+$/.test(opts.seed)) throw new UsageError(`option --seed: not a whole number: ${JSON.stringify(opts.seed)}`);
        const seed = Number(opts.seed);
        const sample = oneOf("--sample", opts.sample, ["national", "steel-cement"] as const);
        const format = oneOf("--format", opts.format, ["csv", "xlsx"] as const);
        const tty = process.stderr.isTTY === true;
        if (tty) process.stderr.write(`generating ${sample} (seed ${seed}) ...`);
        const d = sample === "national" ? generateNational({ seed }) : generateSteelCement({ seed });
        if (tty) process.stderr.write(`\x1b[2K\rwriting ${d.activity.length} activity rows to ${opts.out} ...`);
        const files = await writeDataset(opts.out, d, format);
        if (tty) process.stderr.write("\x1b[2K\r");
        const summary = { sample, seed, installations: d.installations.length, activityRows: d.activity.length, files };
        if (opts.json) printJson(summary);
        else process.stdout.write(`wrote ${d.installations.length} installations and ${d.activity.length} activity rows to ${opts.out}\n`);
      }),
    );
}
