// `ets msr`: what the market stability reserve does with the TNAC of a year under a rulebook's
// rules: intake (or release), invalidation, and the month-by-month change to auction volumes over
// the window, in whole allowances that sum exactly.
import type { Command } from "commander";
import { msrDecision } from "../../domain/stability/index.ts";
import type { MsrDecision } from "../../domain/stability/index.ts";
import { action, printJson, printTable, UsageError } from "../io.ts";
import { wholeOption, yearArg } from "./auction.ts";
import { loadRulebookArg } from "./rulebook.ts";

interface MsrOpts {
  tnac?: string;
  year?: string;
  holdings?: string;
  previousAuctionVolume?: string;
  rules: string;
  json?: boolean;
}

function printDecision(d: MsrDecision, scheme: string): void {
  const out = [
    `${scheme}: TNAC ${d.tnac} of ${d.tnacYear} (published by ${d.publishedBy}): ${d.branch}`,
    `  intake ${d.intake} (rate ${d.rate}); release ${d.release}`,
    `  invalidated ${d.invalidated}${d.invalidationThreshold === null ? " (no invalidation rule)" : ` (holdings above ${d.invalidationThreshold})`}; holdings ${d.holdings} -> ${d.holdingsAfter}`,
  ];
  process.stdout.write(`${out.join("\n")}\n`);
  if (d.schedule.length) printTable(["month", "intake", "release"], d.schedule.map((m) => [m.month, m.intake, m.release]));
}

/** `ets msr` as a function (the tests call it in-process). */
export function runMsr(o: MsrOpts): void {
  const tnac = wholeOption("--tnac", o.tnac);
  if (tnac === undefined) throw new UsageError("option --tnac: required (the total number of allowances in circulation)");
  const tnacYear = yearArg("--year", o.year);
  if (tnacYear === undefined) throw new UsageError("option --year: required (the year the TNAC counts up to)");
  const rb = loadRulebookArg(o.rules);
  const m = rb.stability?.msr;
  if (!m) throw new UsageError(`option --rules: ${rb.scheme.id} has no market stability reserve (stability.msr)`);
  const r = msrDecision(m, { tnacYear, tnac, holdings: wholeOption("--holdings", o.holdings) ?? 0n, previousAuctionVolume: wholeOption("--previous-auction-volume", o.previousAuctionVolume) });
  if (!r.ok) {
    switch (r.code) {
      case "msr-not-in-force":
        throw new UsageError(`option --year: ${rb.scheme.id}'s reserve sets no intake rate for the TNAC of ${tnacYear} (TNAC years: ${r.facts.years})`);
      case "msr-previous-auction-volume-needed":
        throw new UsageError(`option --previous-auction-volume: required: in ${r.facts.year} holdings above the previous year's auction volume are invalidated`);
      case "msr-negative-input":
        throw new UsageError(`option --${r.facts.field}: must not be negative`);
    }
  }
  if (o.json) printJson(r.decision);
  else printDecision(r.decision, rb.scheme.id);
}

export function register(program: Command): void {
  program
    .command("msr")
    .description("the market stability reserve's intake, release and invalidation for a year's TNAC, with the monthly schedule of auction volume changes")
    .option("--tnac <n>", "total number of allowances in circulation (required)")
    .option("--year <year>", "the year the TNAC counts up to; it is published the year after (required)")
    .option("--holdings <n>", "allowances the reserve holds (for a release and invalidation)", "0")
    .option("--previous-auction-volume <n>", "the previous year's auction volume (the 2023 invalidation rule)")
    .option("--rules <preset>", "rulebook preset or file with stability.msr", "eu-ets-phase4")
    .option("--json", "print {intake, release, invalidated, schedule, ...} (quantities as strings of digits)")
    .action(action((o: MsrOpts) => runMsr(o)));
}
