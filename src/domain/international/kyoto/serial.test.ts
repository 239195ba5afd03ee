// Goal: Kyoto block identifiers parse, format and validate by the documented rules, and every
// error names the part that is wrong; tCERs and lCERs expire as Decision 5/CMP.1 says.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import type { Refusal } from "../codes.ts";
import { formatKyotoBlock, type KyotoBlock, parseKyotoBlock, readKyotoBlock, SERIAL_PARTS, splitKyotoBlock, validateKyotoBlock } from "./serial.ts";
import { checkNotExpired, tcerExpiry } from "./units.ts";

// Kyoto Protocol Art. 3.1 and the Doha Amendment; codes as in the UK ETS registry's CommitmentPeriod
const periods = [
  { id: "CP1", code: 1, from: 2008, to: 2012 },
  { id: "CP2", code: 2, from: 2013, to: 2020 },
];
const ctx = { commitmentPeriods: periods };

function refusal(r: { ok: boolean }): Refusal {
  if (r.ok) throw new Error("expected a refusal");
  return r as Refusal;
}

describe("parse and format", () => {
  it("reads an AAU block and a CER block", () => {
    const aau = readKyotoBlock("JP-1-0-1000001-1500000-1-1-0-0-0", ctx);
    expect(aau).toEqual({ ok: true, value: { party: "JP", unitType: 1, supplementaryType: 0, start: 1_000_001n, end: 1_500_000n, originalPeriod: 1, applicablePeriod: 1, lulucfActivity: 0, project: 0, track: 0 } });
    const cer = readKyotoBlock("CN-5-0-117498364-117498400-2-2-0-4087-0", ctx);
    expect(cer.ok && cer.value.project).toBe(4087);
  });

  it.each([
    ["JP-1-0-1-2-1-1-0-0", 10101, undefined],
    ["jp-1-0-1-2-1-1-0-0-0", 10102, "party"],
    ["JP-8-0-1-2-1-1-0-0-0", 10102, "unitType"],
    ["JP-1-100-1-2-1-1-0-0-0", 10102, "supplementaryType"],
    ["JP-1-0-01-2-1-1-0-0-0", 10102, "blockStart"],
    ["JP-1-0-1-x-1-1-0-0-0", 10102, "blockEnd"],
    ["JP-1-0-1-2-11-1-0-0-0", 10102, "originalCommitmentPeriod"],
    ["JP-1-0-1-2-1-A-0-0-0", 10102, "applicableCommitmentPeriod"],
    ["JP-1-0-1-2-1-1-8-0-0", 10102, "lulucfActivity"],
    ["JP-1-0-1-2-1-1-0-007-0", 10102, "project"],
    ["JP-1-0-1-2-1-1-0-0-3", 10102, "track"],
  ])("%s is refused with %i naming %s", (text, code, part) => {
    const r = refusal(parseKyotoBlock(text));
    expect(r.code).toBe(code);
    expect(r.facts.part).toBe(part);
  });

  it("refuses a value that is not a string", () => {
    expect(refusal(parseKyotoBlock(42)).code).toBe(10101);
  });

  const block = fc.record({
    party: fc.constantFrom("JP", "CN", "RU", "DE"),
    unitType: fc.constantFrom(1, 2, 3, 4, 5, 6, 7),
    supplementaryType: fc.integer({ min: 0, max: 99 }),
    start: fc.bigInt({ min: 1n, max: 10n ** 14n }),
    len: fc.bigInt({ min: 0n, max: 10n ** 6n }),
    originalPeriod: fc.integer({ min: 0, max: 9 }),
    applicablePeriod: fc.integer({ min: 0, max: 9 }),
    lulucfActivity: fc.integer({ min: 0, max: 7 }),
    project: fc.integer({ min: 0, max: 999_999 }),
    track: fc.constantFrom(0, 1, 2),
  });
  test.prop([block])("format then parse gives the same block", ({ len, ...b }) => {
    const k = { ...b, end: b.start + len } as KyotoBlock;
    expect(parseKyotoBlock(formatKyotoBlock(k))).toEqual({ ok: true, value: k });
    expect(formatKyotoBlock(k).split("-")).toHaveLength(SERIAL_PARTS.length);
  });
});

describe("validation", () => {
  it.each([
    ["JP-1-0-5-4-1-1-0-0-0", 10103, "blockEnd"], // start after end
    ["JP-1-1-1-2-1-1-0-0-0", 10104, "supplementaryType"], // AAU with supplementary type 1
    ["JP-1-0-1-2-3-3-0-0-0", 10105, "originalCommitmentPeriod"], // no period 3 in the rules
    ["JP-1-0-1-2-2-1-0-0-0", 10105, "applicableCommitmentPeriod"], // applicable before original
    ["JP-2-0-1-2-1-1-0-0-0", 10106, "lulucfActivity"], // an RMU names its activity
    ["JP-1-0-1-2-1-1-3-0-0", 10106, "lulucfActivity"], // an AAU names none
    ["CN-6-0-1-2-1-1-3-77-0", 10106, "lulucfActivity"], // a tCER is from afforestation/reforestation (1)
    ["CN-5-0-1-2-1-1-0-0-0", 10107, "project"], // a CER names its project
    ["JP-1-0-1-2-1-1-0-12-0", 10107, "project"], // an AAU names none
    ["RU-3-0-1-2-1-1-0-12-0", 10108, "track"], // an ERU names its track
    ["CN-5-0-1-2-1-1-0-12-1", 10108, "track"], // a CER names none
  ])("%s is refused with %i at %s", (text, code, part) => {
    const r = refusal(readKyotoBlock(text, ctx));
    expect(r.code).toBe(code);
    expect(r.facts.part).toBe(part);
  });

  it("accepts carry-over to a later period and registry-specific type pairs when configured", () => {
    expect(readKyotoBlock("JP-1-0-1-2-1-2-0-0-0", ctx).ok).toBe(true);
    const former = parseKyotoBlock("DE-1-1-1-2-1-2-0-0-0");
    if (!former.ok) throw new Error("parse");
    expect(validateKyotoBlock(former.value, ctx)?.code).toBe(10104);
    // the UK registry's FORMER_EUA: unit type 1 with supplementary type 1 (UnitType.java)
    expect(validateKyotoBlock(former.value, { ...ctx, extraTypePairs: [[1, 1]] })).toBeUndefined();
  });

  it("splits a block keeping every field but the range", () => {
    const b = readKyotoBlock("RU-3-0-2000-2999-1-1-0-1234-2", ctx);
    if (!b.ok) throw new Error("parse");
    const [first, rest] = splitKyotoBlock(b.value, 100n);
    expect(formatKyotoBlock(first)).toBe("RU-3-0-2000-2099-1-1-0-1234-2");
    expect(rest && formatKyotoBlock(rest)).toBe("RU-3-0-2100-2999-1-1-0-1234-2");
    expect(splitKyotoBlock(b.value, 1000n)[1]).toBeNull();
    expect(() => splitKyotoBlock(b.value, 1001n)).toThrow();
  });
});

describe("expiry of tCERs and lCERs", () => {
  it("a tCER issued for CP1 expires at the end of CP2; one for CP2 has no next period in the rules", () => {
    // Decision 5/CMP.1 annex: a tCER expires at the end of the commitment period subsequent to the one it was issued for
    expect(tcerExpiry(periods, 1)).toEqual({ ok: true, value: "2020-12-31" });
    expect(refusal(tcerExpiry(periods, 2)).code).toBe(10007);
  });

  it("refuses an expired unit after its expiry day, not on it", () => {
    const t = { unitType: "tCER", expiry: "2020-12-31" };
    expect(checkNotExpired(t, "2020-12-31")).toBeUndefined();
    expect(checkNotExpired(t, "2021-01-01")?.code).toBe(10201);
    expect(checkNotExpired({ unitType: "CER", expiry: null }, "2099-01-01")).toBeUndefined();
  });
});
