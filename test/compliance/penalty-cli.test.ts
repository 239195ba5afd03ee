// Goal: `ets penalty` does what docs/reference/cli.md says: JSON keys amount (decimal string),
// currency, owed, explanation; readable text; bad input exits 2 naming the flag. Bad inputs run
// in-process through the handler (runPenalty); one spawn checks the real exit codes and output.
import { describe, expect, it } from "vitest";
import { runPenalty } from "../../src/cli/commands/penalty.ts";
import { UsageError } from "../../src/cli/io.ts";
import { runEts } from "../support/ets.ts";

function capture(fn: () => void): string {
  let out = "";
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((c: string) => ((out += c), true)) as typeof process.stdout.write;
  try {
    fn();
  } finally {
    process.stdout.write = write;
  }
  return out;
}

describe("ets penalty (in-process)", () => {
  it("prints the EU phase 2 what-if as JSON with the documented keys", () => {
    const out = JSON.parse(capture(() => runPenalty({ rules: "eu-ets-phase2", shortfall: "1000", json: true })));
    expect(out).toMatchObject({ amount: "100000.00", currency: "EUR", owed: "1000" });
    expect(out.explanation.length).toBeGreaterThan(1);
  });

  it("prints readable text with the penalty, what is owed and how", () => {
    const out = capture(() => runPenalty({ rules: "tokyo", shortfall: "1000", price: "5000" }));
    expect(out).toMatch(/owed: +1,300 allowances still to surrender \(an order\)/);
    expect(out).toMatch(/if the order is not met: up to JPY 7,000,000/);
    expect(out).toMatch(/^how:/m);
  });

  it.each([
    [{ rules: "eu-ets-phase2", shortfall: "-5" }, /--shortfall: expected a whole number/],
    [{ rules: "eu-ets-phase2", shortfall: "1.5" }, /--shortfall/],
    [{ rules: "eu-ets-phase2" }, /--shortfall: required/],
    [{ rules: "us-kl-bill", shortfall: "10" }, /--price: .*give the price \(check 9402/],
    [{ rules: "us-kl-bill", shortfall: "10", price: "abc" }, /--price: expected a price/],
    [{ rules: "eu-ets-phase3", shortfall: "10" }, /--year: .*9404/],
    [{ rules: "eu-ets-phase3", shortfall: "10", year: "20x0" }, /--year: not a year/],
    [{ rules: "eu-ets-phase3", shortfall: "10", year: "2099" }, /--year: .*no value for 2099 .*9403/],
    [{ rules: "no-such-preset", shortfall: "10" }, /no such file or preset/],
    [{ rules: "eu-ets-phase2", shortfall: "1", notReported: true }, /either --shortfall or --not-reported/],
    [{ rules: "eu-ets-phase2", notReported: true }, /no penalties.nonReporting .*9401/],
    [{ rules: "eu-ets-phase2", shortfall: "1", daysLate: "3" }, /--days-late: only with --not-reported/],
  ])("refuses %j as bad usage", (opts, message) => {
    expect(() => capture(() => runPenalty(opts))).toThrow(UsageError);
    expect(() => capture(() => runPenalty(opts))).toThrow(message);
  });
});

describe("ets penalty (spawned)", () => {
  it("exits 0 with JSON, and 2 with the flag named on stderr", async () => {
    const good = await runEts(["penalty", "--rules", "uk-crc", "--shortfall", "1000", "--json"]);
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ amount: "40000.00", currency: "GBP", owed: "1000" });
    const bad = await runEts(["penalty", "--rules", "korea-kets", "--shortfall", "1000"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/option --price/);
  });
});
