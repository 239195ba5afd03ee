// `ets msr`: what the market stability reserve does with the TNAC of a year under a rulebook's
// rules: intake (or release), invalidation, and the month-by-month change to auction volumes over
// the window, in whole allowances that sum exactly. Its words come from the shared catalogue
// (src/i18n/messages/cli.ts, cli.msr.*): Japanese under LANG=ja_JP*.
import type { Command } from "commander";
import { msrDecision } from "../../domain/stability/index.ts";
import type { MsrDecision } from "../../domain/stability/index.ts";
import { action, printJson, printTable, t, UsageError } from "../io.ts";
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
  const threshold = d.invalidationThreshold === null ? t("cli.msr.noInvalidation") : t("cli.msr.above", { threshold: String(d.invalidationThreshold) });
  const out = [
    t("cli.msr.head", { scheme, tnac: String(d.tnac), year: d.tnacYear, publishedBy: String(d.publishedBy), branch: d.branch }),
    `  ${t("cli.msr.flows", { intake: String(d.intake), rate: String(d.rate), release: String(d.release) })}`,
    `  ${t("cli.msr.invalidated", { invalidated: String(d.invalidated), threshold, holdings: String(d.holdings), after: String(d.holdingsAfter) })}`,
  ];
  process.stdout.write(`${out.join("\n")}\n`);
  if (d.schedule.length) printTable([t("cli.msr.month"), t("cli.msr.intake"), t("cli.msr.release")], d.schedule.map((m) => [m.month, m.intake, m.release]));
}

/** `ets msr` as a function (the tests call it in-process). */
export function runMsr(o: MsrOpts): void {
  const tnac = wholeOption("--tnac", o.tnac);
  if (tnac === undefined) throw new UsageError(t("cli.msr.tnacRequired"), { field: "--tnac" });
  const tnacYear = yearArg("--year", o.year);
  if (tnacYear === undefined) throw new UsageError(t("cli.msr.yearRequired"), { field: "--year" });
  const rb = loadRulebookArg(o.rules);
  const m = rb.stability?.msr;
  if (!m) throw new UsageError(t("cli.msr.noReserve", { scheme: rb.scheme.id }), { field: "--rules" });
  const r = msrDecision(m, { tnacYear, tnac, holdings: wholeOption("--holdings", o.holdings) ?? 0n, previousAuctionVolume: wholeOption("--previous-auction-volume", o.previousAuctionVolume) });
  if (!r.ok) {
    switch (r.code) {
      case "msr-not-in-force":
        throw new UsageError(t("cli.msr.notInForce", { scheme: rb.scheme.id, year: tnacYear, years: String(r.facts.years) }), { field: "--year" });
      case "msr-previous-auction-volume-needed":
        throw new UsageError(t("cli.msr.previousNeeded", { year: String(r.facts.year) }), { field: "--previous-auction-volume" });
      case "msr-negative-input":
        throw new UsageError(t("cli.msr.negative", { field: `--${String(r.facts.field)}` }), { field: `--${String(r.facts.field)}` });
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
