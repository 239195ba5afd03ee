// Goal: JI issuance converts the host's AAUs or RMUs into ERUs with the same serials, the project
// and the track, and refuses with its codes (track eligibility, unit type, issuing Party, project
// type, period, verified reductions), changing nothing.
import { describe, expect, it } from "vitest";
import { loadInternationalRules } from "../../../io/international.ts";
import { convertToErus, type JiConversion } from "./ji.ts";
import { formatKyotoBlock, type KyotoBlock, parseKyotoBlock } from "./serial.ts";

const rules = loadInternationalRules("unfccc").kyoto!;

function block(text: string): KyotoBlock {
  const r = parseKyotoBlock(text);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

const base: JiConversion = {
  project: { number: 1234, host: "UA", track: 1, sink: false },
  blocks: [block("UA-1-0-1001-1500-1-1-0-0-0"), block("UA-1-0-2001-2100-1-1-0-0-0")],
  reductionYears: { from: 2008, to: 2010 },
  verified: 1_000n,
  alreadyConverted: 0n,
  hostMeetsAllEligibility: true,
};

describe("JI conversion", () => {
  it("Track 1: AAUs become ERUs (unit type 3) with the same serials, the project and the track", () => {
    const r = convertToErus(base, rules);
    if (!r.ok) throw new Error(r.message);
    expect(r.value.quantity).toBe(600n);
    expect(r.value.erus.map(formatKyotoBlock)).toEqual(["UA-3-0-1001-1500-1-1-0-1234-1", "UA-3-0-2001-2100-1-1-0-1234-1"]);
  });

  it("a sink project converts RMUs (unit type 4), keeping their LULUCF activity", () => {
    const r = convertToErus({ ...base, project: { ...base.project, sink: true, track: 2 }, blocks: [block("UA-2-0-7001-7100-1-1-3-0-0")], determination: { entity: "AIE-42", reference: "DET-2010-7" } }, rules);
    if (!r.ok) throw new Error(r.message);
    expect(r.value.erus.map(formatKyotoBlock)).toEqual(["UA-4-0-7001-7100-1-1-3-1234-2"]);
  });

  it.each([
    ["Track 1 without full eligibility", { hostMeetsAllEligibility: false }, 10205],
    ["Track 2 without a determination", { project: { ...base.project, track: 2 as const } }, 10206],
    ["a CER block", { blocks: [block("UA-5-0-1-10-1-1-0-77-0")] }, 10202],
    ["another Party's AAUs", { blocks: [block("RU-1-0-1-10-1-1-0-0-0")] }, 10203],
    ["RMUs for a non-sink project", { blocks: [block("UA-2-0-1-10-1-1-3-0-0")] }, 10204],
    ["CP1 units for 2013 reductions", { reductionYears: { from: 2012, to: 2013 } }, 10207],
    ["more than the verified reductions left", { verified: 1_000n, alreadyConverted: 500n }, 10208],
  ] as const)("refuses %s with %i", (_what, change, code) => {
    const c = { ...base, ...change } as JiConversion;
    const before = JSON.stringify(c, (_k, v) => (typeof v === "bigint" ? String(v) : v));
    const r = convertToErus(c, rules);
    expect(r.ok ? 0 : r.code).toBe(code);
    expect(JSON.stringify(c, (_k, v) => (typeof v === "bigint" ? String(v) : v))).toBe(before);
  });
});
