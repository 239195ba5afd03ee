// Goal: credit attributes are validated field by field, fix one unit class each (equal attributes,
// equal code; any difference, another code), and give a class definition the ledger accepts.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { CLASS_CODE_PATTERN, validateDefineClass } from "../ledger/commands.ts";
import { ReferenceLedger } from "../ledger/reference.ts";
import { type CreditAttributes, classCode, classDefinition, validateAttributes } from "./attributes.ts";

const cer = { mechanism: "CDM", unitType: "CER", creditKind: "reduction", host: "CN", vintage: 2009, methodology: "ACM0002", project: "4087", activityType: "wind", commitmentPeriod: "CP1" };

function valid(input: unknown): CreditAttributes {
  const r = validateAttributes(input);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

describe("credit attributes", () => {
  it("fills absent optional fields with null and sorts labels", () => {
    const a = valid({ ...cer, labels: ["CORSIA-eligible", "CCP"] });
    expect(a).toMatchObject({ sector: null, cooperativeApproach: null, expiry: null, labels: ["CCP", "CORSIA-eligible"] });
  });

  it.each([
    ["mechanism", { mechanism: "CCER" }],
    ["unitType", { unitType: "ERU" }],
    ["creditKind", { creditKind: "offset" }],
    ["host", { host: "China" }],
    ["vintage", { vintage: 1989 }],
    ["methodology", { methodology: "" }],
    ["cooperativeApproach", { cooperativeApproach: "CA1" }],
    ["labels", { labels: ["CCP", "CCP"] }],
    ["expiry", { expiry: "2020-12-31" }],
  ])("refuses a bad %s with 10905 naming it", (field, change) => {
    const r = validateAttributes({ ...cer, ...change });
    expect(r.ok ? 0 : [r.code, r.facts.field]).toEqual([10905, field]);
  });

  it("knows which units are removals, which expire and that AAUs are not credits", () => {
    expect(validateAttributes({ ...cer, unitType: "tCER", creditKind: "reduction", expiry: "2020-12-31" }).ok).toBe(false);
    expect(valid({ ...cer, unitType: "tCER", creditKind: "removal", expiry: "2020-12-31" }).expiry).toBe("2020-12-31");
    expect(validateAttributes({ ...cer, unitType: "lCER", creditKind: "removal" }).ok).toBe(false);
    expect(valid({ mechanism: "kyoto", unitType: "AAU", host: "JP", vintage: 2008 }).creditKind).toBeNull();
  });

  it("the class code reads as scheme, type, host, vintage, project and a fingerprint, within the ledger's pattern", () => {
    const code = classCode(valid(cer));
    expect(code).toMatch(/^CDM-CER-CN-2009-4087-[0-9a-f]{8}$/);
    expect(CLASS_CODE_PATTERN.test(code)).toBe(true);
    expect(classCode(valid({ ...cer, unitType: "tCER", creditKind: "removal", expiry: "2020-12-31" }))).toMatch(/^CDM-tCER-/);
    expect(classCode(valid({ mechanism: "kyoto", unitType: "AAU", host: "JP", vintage: 2008 }))).toMatch(/^KP-AAU-JP-2008-/);
  });

  const perturb = fc.constantFrom<[string, unknown]>(
    ["vintage", 2010],
    ["host", "IN"],
    ["methodology", "AMS-I.D"],
    ["project", "4088"],
    ["sector", "energy"],
    ["activityType", "solar"],
    ["commitmentPeriod", "CP2"],
    ["cooperativeApproach", "CA0001"],
    ["labels", ["CCP"]],
    ["gwp", "AR5"],
    ["creditKind", "avoidance"],
  );
  test.prop([perturb])("any change of one attribute changes the class code; the same attributes keep it", ([k, v]) => {
    const a = valid(cer);
    expect(classCode(valid({ ...cer }))).toBe(classCode(a));
    expect(classCode(valid({ ...cer, [k]: v }))).not.toBe(classCode(a));
  });

  it("a very long project id still gives a code of at most 64 characters", () => {
    const code = classCode(valid({ ...cer, project: "P".repeat(64) }));
    expect(code.length).toBeLessThanOrEqual(64);
    expect(CLASS_CODE_PATTERN.test(code)).toBe(true);
  });

  it("the class definition is accepted by today's ledger for every unit type of every mechanism", () => {
    const samples: unknown[] = [
      cer,
      { mechanism: "kyoto", unitType: "AAU", host: "JP", vintage: 2008, commitmentPeriod: "CP1" },
      { mechanism: "kyoto", unitType: "RMU", creditKind: "removal", host: "JP", vintage: 2010 },
      { ...cer, unitType: "lCER", creditKind: "removal", expiry: "2035-12-31" },
      { mechanism: "JI", unitType: "ERU", creditKind: "reduction", host: "UA", vintage: 2010, project: "1234" },
      { mechanism: "JCM", unitType: "JCM", creditKind: "reduction", host: "MNG", vintage: 2015, methodology: "MN_AM001" },
      { mechanism: "A6.2", unitType: "ITMO", creditKind: "reduction", host: "THA", vintage: 2022, cooperativeApproach: "CA0001" },
      { mechanism: "A6.4", unitType: "A6.4ER", creditKind: "removal", host: "GHA", vintage: 2026 },
      { mechanism: "J-Credit", unitType: "J-Credit", creditKind: "avoidance", host: "JP", vintage: 2024 },
      { mechanism: "voluntary", unitType: "VER", creditKind: "avoidance", host: "BR", vintage: 2021, labels: ["CCP"] },
    ];
    const ledger = new ReferenceLedger(() => "2024-01-01T00:00:00Z");
    samples.forEach((s, i) => {
      const def = classDefinition(valid(s), `define-${i}`);
      expect(validateDefineClass(def.ledger).ok).toBe(true);
      expect(ledger.defineClass(def.ledger)).toEqual({ ok: true, replayed: false });
    });
  });
});
