// Goal: `ets baseline` runs as a user runs it (./bin/ets in a child process): JSON in the
// documented shape, and bad input (values the arithmetic cannot hold too) exiting 2 with file,
// line and column and nothing written.
import { access, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runEts } from "../support/ets.ts";


const ets = (...args: string[]) => runEts(args, { env: { DATABASE_URL: undefined } });
const exists = (p: string) => access(p).then(() => true, () => false);

let tmp = "";
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "ets-baseline-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe("ets baseline", () => {
  it("prints per installation the variations, the steadiest window and the baseline", async () => {
    const input = join(tmp, "series.csv");
    await writeFile(input, "installation,year,emissions\nA,2001,100\nA,2002,130\nA,2003,90\nA,2004,101\nA,2005,100\nA,2006,99\nB,2002,50\nB,2003,55\nB,2004,60\n");
    const r = await ets("baseline", "--input", input, "--json");
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as { installation: string; variationAll: number; window: [number, number]; variationWindow: number; baseline: number }[];
    expect(rows.map((x) => Object.keys(x))).toEqual([["installation", "variationAll", "window", "variationWindow", "baseline"], ["installation", "variationAll", "window", "variationWindow", "baseline"]]);
    expect(rows[0]).toEqual({ installation: "A", variationAll: expect.closeTo(40 / 103.333333333, 9) as unknown as number, window: [2004, 2006], variationWindow: expect.closeTo(0.02, 12) as unknown as number, baseline: 100 });
    expect(rows[1]).toMatchObject({ installation: "B", window: [2002, 2004], baseline: 55 });
    const t = await ets("baseline", "--input", input, "--window", "2", "--within", "2001-2003");
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/A\s+38\.71%\s+2001-2002\s+26\.09%\s+115/);
  });

  it.each([
    ["a missing column", "installation,year\nA,2001\n", /series\.csv:1 column "emissions": missing column/],
    ["negative emissions", "installation,year,emissions\nA,2001,100\nA,2002,-5\n", /series\.csv:3 column "emissions": must be >= 0/],
    // Issue 15 item 8: a value the arithmetic cannot hold printed Infinity and 0% with exit 0.
    ["a value near 1e308", "installation,year,emissions\nA,2001,1e308\nA,2002,1.5e308\n", /series\.csv:2 column "emissions": must be <= 1000000000000, got 1e308/],
    ["a duplicate year", "installation,year,emissions\nA,2001,100\nB,2001,1\nA,2001,90\n", /series\.csv:4 column "year": duplicate year 2001 for installation "A" \(first on line 2\)/],
  ])("rejects %s naming file, line and column, and writes nothing", async (_what, text, message) => {
    const input = join(tmp, "series.csv");
    const out = join(tmp, "baseline-out.csv");
    await writeFile(input, text);
    const r = await ets("baseline", "--input", input, "--out", out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(await exists(out)).toBe(false);
  });

  it("takes the base period from the sector's rule with --rulebook, and rejects an unknown sector by file, line and column", async () => {
    const input = join(tmp, "tokyo.csv");
    // Steadiest overall would be 2008-2010 (flat), but Tokyo's base years lie in FY2002-2007.
    const years = [2002, 2003, 2004, 2005, 2006, 2007, 2008, 2009, 2010];
    const values = [12_000, 10_000, 9_000, 11_000, 13_000, 14_000, 10_000, 10_000, 10_000];
    await writeFile(input, `installation,year,emissions,sector\n${years.map((y, i) => `A,${y},${values[i]},buildings`).join("\n")}\n`);
    const r = await ets("baseline", "--input", input, "--rulebook", "tokyo", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([expect.objectContaining({ installation: "A", window: [2003, 2005], baseline: 10_000 })]);
    await writeFile(input, "installation,year,emissions,sector\nA,2002,12000,buildings\nB,2003,10000,hotels\n");
    const bad = await ets("baseline", "--input", input, "--rulebook", "tokyo");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/tokyo\.csv:3 column "sector": unknown sector "hotels" \(the rulebook has: buildings, factories\)/);
  });
});
