// Goal: `ets auction clear` and `ets msr` as a user runs them: the EU tie example and the
// published MSR intakes as JSON with the keys of issue 12, readable tables by default, bad input
// refused with file, line and column (exit 2) and nothing printed as a result. Most cases run
// in-process through the command handlers; one spawn checks the real exit codes.
// Figures: TNAC 2018 1,654,909,824 -> intake 397,178,358 (Commission communication C(2019) 3288,
// 15 May 2019); TNAC 2017 1,654,574,598 -> 264,731,936 for January-August 2019 at 16%
// (Commission communication C(2018) 2801, 15 May 2018; research/scheme-rules.md 1.1).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { register as registerAuction } from "../../src/cli/commands/auction.ts";
import { register as registerMsr } from "../../src/cli/commands/msr.ts";
import { runEts } from "../support/ets.ts";

async function inProcess(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const program = new Command().exitOverride();
  registerAuction(program);
  registerMsr(program);
  let stdout = "";
  let stderr = "";
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const saved = process.exitCode;
  process.exitCode = 0;
  process.stdout.write = ((c: string) => ((stdout += c), true)) as typeof process.stdout.write;
  process.stderr.write = ((c: string) => ((stderr += c), true)) as typeof process.stderr.write;
  try {
    await program.parseAsync(["node", "ets", ...args]);
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = saved;
  return { code, stdout, stderr };
}

let dir = "";
const file = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ets-auction-"));
  await writeFile(file("eu.csv"), "bidder,quantity,price\nA,400,80.10\nB,400,80.05\nC,300,80.00\nD,300,80.00\n");
  await writeFile(file("bad.csv"), "bidder,quantity,price\nA,400,80.10\nB,400,-1.00\nC,250,80.00\n");
  await writeFile(file("decimals.csv"), "bidder,quantity,price\nA,400,80.105\n");
  await writeFile(file("rggi.csv"), "bidder,quantity,price\nA,2000,15.50\nB,2000,12.00\nC,1000,20.00\nD,2000,14.00\nE,1000,3.00\n");
  await writeFile(file("rggi-bidders.csv"), "bidder,guarantee\nA,31000\nB,24000\nC,20000\nD,28000\nE,3000\n");
  await writeFile(file("eu-under.csv"), "bidder,quantity,price\nA,500,80.10\nB,1000,80.00\n");
  await writeFile(file("ccr.csv"), "bidder,quantity,price\nC1,1000,20.00\nC2,1000,20.00\nA1,1000,15.50\nA2,1000,15.50\nE1,1000,14.88\nE2,1000,14.88\nD1,1000,14.00\n");
  await writeFile(file("ccr-bidders.csv"), `bidder,guarantee\n${["C1", "C2", "A1", "A2", "E1", "E2", "D1"].map((b) => `${b},20000`).join("\n")}\n`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("ets auction clear", () => {
  it("the EU tie example as JSON: clearing 80.00, proceeds to the cent, awards; the same seed gives the same tie order", async () => {
    const r = await inProcess("auction", "clear", "--offered", "1000", "--bids", file("eu.csv"), "--seed", "7", "--json");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ clearingPrice: "80.00", sold: "1000", reserveSold: "0", unsold: "0", proceeds: "80000.00", seed: "7" });
    expect(j.awards.slice(0, 2)).toEqual([
      { bidder: "A", quantity: "400", nonCompetitive: "0", payment: "32000.00" },
      { bidder: "B", quantity: "400", nonCompetitive: "0", payment: "32000.00" },
    ]);
    expect(j.awards.slice(2).map((a: { quantity: string }) => a.quantity)).toEqual(["200"]);
    const again = JSON.parse((await inProcess("auction", "clear", "--offered", "1000", "--bids", file("eu.csv"), "--seed", "7", "--json")).stdout);
    expect(again.awards).toEqual(j.awards);
  });

  it("prints a readable statement and awards table by default, and the seed it drew", async () => {
    const r = await inProcess("auction", "clear", "--offered", "1000", "--bids", file("eu.csv"));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/clearing price: 80\.00/);
    expect(r.stdout).toMatch(/tie at 80\.00 by random \(seed [0-9a-f]{32}\)/);
    expect(r.stdout).toMatch(/^A\s+400\s+0\s+32000\.00$/m);
  });

  it("an undersubscribed auction: cancelled under EU rules (carried over 4 ways), settled at the reserve price under RGGI rules", async () => {
    const eu = await inProcess("auction", "clear", "--offered", "5000", "--bids", file("eu-under.csv"), "--rules", "eu-ets-phase4", "--year", "2024", "--seed", "1", "--json");
    expect(eu.code).toBe(0);
    expect(JSON.parse(eu.stdout)).toMatchObject({ status: "cancelled", reason: "undersubscribed", sold: "0", cancelled: "5000", carryOver: ["1250", "1250", "1250", "1250"], proceeds: "0.00", awards: [] });
    // RGGI 2010: reserve price USD 1.86 (presets/rggi.yaml; auctions of 2009-2010 sold at 1.86)
    const rggi = await inProcess("auction", "clear", "--offered", "10000", "--bids", file("rggi.csv"), "--bidders", file("rggi-bidders.csv"), "--rules", "rggi", "--year", "2010", "--seed", "1", "--json");
    expect(rggi.code).toBe(0);
    expect(JSON.parse(rggi.stdout)).toMatchObject({ status: "undersubscribed", clearingPrice: "1.86", sold: "8000", unsold: "2000", proceeds: "14880.00" });
  });

  it("RGGI 2023 with --ccr: below the ECR trigger (6.87) allowances are withheld; above it the tier is added and the price settles at the trigger with the tier partly sold", async () => {
    const low = await inProcess("auction", "clear", "--offered", "8000", "--bids", file("rggi.csv"), "--bidders", file("rggi-bidders.csv"), "--rules", "rggi", "--year", "2023", "--ccr", "1000", "--seed", "1", "--json");
    expect(low.code).toBe(0);
    // bids reach 8,000 only at 3.00, below the ECR trigger (6.87 in 2023): the ECR withholds 1,000 so the price stays at
    // the trigger, where 7,000 are bid; no CCR
    expect(JSON.parse(low.stdout)).toMatchObject({ clearingPrice: "6.87", sold: "7000", withheld: "1000", reserveSold: "0", unsold: "0" });
    const high = await inProcess("auction", "clear", "--offered", "4000", "--bids", file("ccr.csv"), "--bidders", file("ccr-bidders.csv"), "--rules", "rggi", "--year", "2023", "--ccr", "3000", "--seed", "1", "--json");
    expect(high.code).toBe(0);
    // interim 15.50 >= 14.88: 3,000 CCR added; demand at 14.88 is 6,000 of the 7,000: 2,000 of the CCR sold at the trigger
    const j = JSON.parse(high.stdout);
    expect(j).toMatchObject({ clearingPrice: "14.88", sold: "6000", reserveSold: "2000", unsold: "0", proceeds: "89280.00" });
    expect(j.reserves.find((t: { id: string }) => t.id === "ccr")).toMatchObject({ trigger: "14.88", quantity: "3000", sold: "2000" });
  });

  it("bad input is refused with file, line and column, exit 2: a negative price, a bid not in whole lots, too many decimals, bad options", async () => {
    const bad = await inProcess("auction", "clear", "--offered", "1000", "--bids", file("bad.csv"), "--rules", "rggi", "--year", "2023", "--bidders", file("rggi-bidders.csv"), "--seed", "1");
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toMatch(/bad\.csv:2 column "quantity": quantity 400 is not a whole number of lots of 1000/);
    const neg = await inProcess("auction", "clear", "--offered", "1000", "--bids", file("bad.csv"), "--seed", "1", "--json");
    expect(neg.code).toBe(2);
    expect(JSON.parse(neg.stdout).errors).toEqual([{ file: file("bad.csv"), line: 3, column: "price", code: "bid-price-negative", message: "price must not be negative" }]);
    const dec = await inProcess("auction", "clear", "--offered", "1000", "--bids", file("decimals.csv"));
    expect(dec.stderr).toMatch(/decimals\.csv:2 column "price": 80\.105 has more than 2 decimal places/);
    expect((await inProcess("auction", "clear", "--offered", "-5", "--bids", file("eu.csv"))).stderr).toMatch(/option --offered: expected a whole number/);
    expect((await inProcess("auction", "clear", "--offered", "5", "--bids", file("eu.csv"), "--rules", "rggi")).stderr).toMatch(/option --year: required with --rules/);
    expect((await inProcess("auction", "clear", "--offered", "5", "--bids", file("eu.csv"), "--ccr", "10")).stderr).toMatch(/option --ccr: needs --rules/);
    expect((await inProcess("auction", "clear", "--offered", "5", "--bids", file("eu.csv"), "--rules", "eu-ets-phase4", "--year", "2024", "--ccr", "10")).stderr).toMatch(/no cost containment reserve/);
    expect((await inProcess("auction", "clear", "--offered", "5", "--bids", file("nowhere.csv"))).stderr).toMatch(/nowhere\.csv: file not found/);
    expect((await inProcess("auction", "clear", "--offered", "5", "--bids", file("eu.csv"), "--reserve", "x")).stderr).toMatch(/option --reserve: not a number/);
  });
});

describe("ets msr", () => {
  it("TNAC 1,654,909,824 (2018) -> intake 397,178,358 over September 2019 - August 2020, summing exactly", async () => {
    const r = await inProcess("msr", "--tnac", "1654909824", "--year", "2018", "--json");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ intake: "397178358", release: "0", invalidated: "0" });
    expect(j.schedule.map((m: { month: string }) => m.month)).toEqual(["2019-09", "2019-10", "2019-11", "2019-12", "2020-01", "2020-02", "2020-03", "2020-04", "2020-05", "2020-06", "2020-07", "2020-08"]);
    expect(j.schedule.reduce((s: bigint, m: { intake: string }) => s + BigInt(m.intake), 0n)).toBe(397_178_358n);
  });

  it("TNAC 1,654,574,598 (2017) -> 264,731,936 over January-August 2019 at 16%", async () => {
    const j = JSON.parse((await inProcess("msr", "--tnac", "1654574598", "--year", "2017", "--json")).stdout);
    expect(j.intake).toBe("264731936");
    expect(j.schedule).toHaveLength(8);
    expect(j.schedule[0]).toEqual({ month: "2019-01", intake: "33091492", release: "0" });
  });

  it("release, invalidation and refusals by option", async () => {
    const rel = JSON.parse((await inProcess("msr", "--tnac", "350000000", "--year", "2024", "--holdings", "450000000", "--json")).stdout);
    expect(rel).toMatchObject({ branch: "release", release: "100000000", invalidated: "50000000", invalidationThreshold: "400000000" });
    const text = await inProcess("msr", "--tnac", "1000000000", "--year", "2023");
    expect(text.stdout).toMatch(/intake-buffer/);
    expect(text.stdout).toMatch(/intake 167000000/);
    expect((await inProcess("msr", "--tnac", "1000000000", "--year", "2022", "--holdings", "5")).stderr).toMatch(/option --previous-auction-volume: required/);
    expect((await inProcess("msr", "--tnac", "1000000000", "--year", "2010")).stderr).toMatch(/option --year: .* no intake rate for the TNAC of 2010/);
    expect((await inProcess("msr", "--tnac", "1e9", "--year", "2020")).stderr).toMatch(/option --tnac/);
    expect((await inProcess("msr", "--tnac", "1", "--year", "2020", "--rules", "rggi")).stderr).toMatch(/rggi has no market stability reserve/);
  });

  it("speaks Japanese under LANG=ja_JP*, from the shared message catalogue (issue 15 item 6)", async () => {
    const saved = { LANG: process.env.LANG, LC_ALL: process.env.LC_ALL, LC_MESSAGES: process.env.LC_MESSAGES };
    delete process.env.LC_ALL;
    delete process.env.LC_MESSAGES;
    process.env.LANG = "ja_JP.UTF-8";
    try {
      const text = await inProcess("msr", "--tnac", "1000000000", "--year", "2023");
      expect(text.stdout).toMatch(/^eu-ets-phase4: 2023 年の TNAC 1000000000/);
      expect(text.stdout).toMatch(/繰入 167000000（率 [\d.]+）、放出 0/);
      expect(text.stdout).toMatch(/^月\s+繰入\s+放出/m);
      expect((await inProcess("msr", "--year", "2023")).stderr).toContain("--tnac は必須です");
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});

describe("spawned ets", () => {
  it("exit codes: 0 for a cleared auction, 2 for a refused bid", async () => {
    const [ok, bad] = await Promise.all([
      runEts(["auction", "clear", "--offered", "1000", "--bids", file("eu.csv"), "--seed", "1", "--json"]),
      runEts(["auction", "clear", "--offered", "1000", "--bids", file("bad.csv"), "--seed", "1"]),
    ]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).proceeds).toBe("80000.00");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.csv:3 column "price"/);
  }, 60_000);
});
