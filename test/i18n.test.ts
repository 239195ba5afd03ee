// Goal: no interface string lacks either translation. Every message of the catalogue has an
// English and a Japanese text with the same placeholders; the Japanese text is Japanese and the
// English text has no Japanese in it (except language names shown in their own language); no
// key is defined twice; every code of the ledger's, the security layer's and compliance's catalogues (account
// types, transaction kinds, unit types, checks, statuses, roles) and every problem the API
// answers with has its message; every key the console uses exists and every key exists for a use.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ACCOUNT_STATE_CODES, ACCOUNT_TYPES, TRANSACTION_KINDS, UNIT_TYPES } from "../src/domain/ledger/catalog.ts";
import { COMPLIANCE_CHECKS } from "../src/domain/compliance/codes.ts";
import { CHECKS } from "../src/domain/ledger/checks.ts";
import { SECURITY_CHECKS } from "../src/domain/security/codes.ts";
import { ROLES } from "../src/domain/security/roles.ts";
import { AREAS } from "../src/i18n/catalogue.ts";
import { type Entry, MESSAGES } from "../src/i18n/index.ts";

const ROOT = resolve(import.meta.dirname, "..");
const all = MESSAGES as Readonly<Record<string, Entry>>;

/** Kana, kanji, Japanese punctuation (、。「」〜) and the full-width forms Japanese text uses. */
const JAPANESE = /[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]/;
/** Entries that are the same in both languages on purpose: language names in their own language. */
const SAME_IN_BOTH = new Set(["lang.ja", "lang.en"]);

/** Families looked up by code at run time (i.code(family, code)), so their keys are not written out in the console's source. */
const FAMILIES = [
  "accountType", "txKind", "unitType", "check", "txStatus", "accountStatus", "trustedStatus", "role", "problem", "error.status",
  "public.complianceStatus", "signIn.demo", "cpl.state", "cpl.opinions", "cpl.sourceKind", "cpl.category", "cpl.accStatus", "stage", "outcome", "method", "baselines.problem",
  // the allocation engine's texts, rendered from the Texts of an explanation
  "alloc",
];

const placeholders = (s: string) => [...s.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]).sort();

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.(ts|tsx)$/.test(p) ? [p] : [];
  });
}

describe("message catalogue", () => {
  it("has every message in English and Japanese, with the same placeholders", () => {
    const bad: string[] = [];
    for (const [key, e] of Object.entries(all)) {
      if (typeof e.en !== "string" || e.en.trim() === "") bad.push(`${key}: no English`);
      if (typeof e.ja !== "string" || e.ja.trim() === "") bad.push(`${key}: no Japanese`);
      if (placeholders(e.en).join() !== placeholders(e.ja).join()) bad.push(`${key}: placeholders differ (${placeholders(e.en)} / ${placeholders(e.ja)})`);
    }
    expect(bad).toEqual([]);
    expect(Object.keys(all).length).toBeGreaterThan(300);
  });

  it("writes Japanese in Japanese and keeps Japanese out of English", () => {
    const bad: string[] = [];
    for (const [key, e] of Object.entries(all)) {
      if (SAME_IN_BOTH.has(key)) continue;
      if (!JAPANESE.test(e.ja)) bad.push(`${key}: the Japanese text has no Japanese: ${JSON.stringify(e.ja)}`);
      if (JAPANESE.test(e.en)) bad.push(`${key}: the English text has Japanese: ${JSON.stringify(e.en)}`);
      if (e.en === e.ja) bad.push(`${key}: the same text in both languages`);
    }
    expect(bad).toEqual([]);
  });

  it("defines each key in one area only", () => {
    const seen = new Map<string, string>();
    const twice: string[] = [];
    for (const [area, entries] of Object.entries(AREAS)) {
      for (const key of Object.keys(entries)) {
        const first = seen.get(key);
        if (first) twice.push(`${key} in ${first} and ${area}`);
        seen.set(key, area);
      }
    }
    expect(twice).toEqual([]);
  });

  it("names every code of the registry's catalogues", () => {
    const want = [
      ...ACCOUNT_TYPES.map((a) => `accountType.${a.code}`),
      ...TRANSACTION_KINDS.map((k) => `txKind.${k.code}`),
      ...UNIT_TYPES.map((u) => `unitType.${u.code}`),
      ...Object.values(CHECKS).map((c) => `check.${c.name}`),
      ...Object.values(SECURITY_CHECKS).map((c) => `check.${c.name}`),
      ...Object.values(COMPLIANCE_CHECKS).map((c) => `check.${c.name}`),
      ...["awaiting_approval", "delayed", "completed", "rejected", "cancelled", "expired"].map((s) => `txStatus.${s}`),
      ...ACCOUNT_STATE_CODES.map((s) => `accountStatus.${s}`),
      ...["awaiting_approval", "pending", "active"].map((s) => `trustedStatus.${s}`),
      ...ROLES.map((r) => `role.${r}`),
    ];
    expect(want.filter((k) => !(k in all))).toEqual([]);
  });

  it("the console's filter lists (web/src/codes.ts) are the catalogue's codes", async () => {
    const web = await import("../web/src/codes.ts");
    expect([...web.ACCOUNT_TYPE_CODES]).toEqual(ACCOUNT_TYPES.map((a) => a.code));
    expect([...web.TX_KIND_CODES]).toEqual(TRANSACTION_KINDS.map((k) => k.code));
  });

  it("names every allocation method the engine reports", () => {
    const methods = new Set<string>();
    for (const f of ["methods.ts", "engine.ts", "cases.ts"]) {
      const src = readFileSync(join(ROOT, "src/domain/allocation", f), "utf8");
      for (const m of src.matchAll(/explanation\("([a-z+-]+)"|method: "([a-z+-]+)"/g)) methods.add((m[1] ?? m[2]) as string);
      for (const m of src.matchAll(/"(benchmark\+grandfathering|benchmark|grandfathering)"/g)) methods.add(m[1] as string);
    }
    expect(methods.size).toBeGreaterThanOrEqual(7);
    expect([...methods].filter((m) => !(`method.${m}` in all))).toEqual([]);
  });

  it("has a message for every problem the API answers with", () => {
    const slugs = new Set<string>();
    for (const f of sources(join(ROOT, "src/http"))) {
      for (const m of readFileSync(f, "utf8").matchAll(/\b(?:problem|fail)\(\s*[0-9]{3},\s*"([a-z0-9-]+)"/g)) slugs.add(m[1] as string);
    }
    expect(slugs.size).toBeGreaterThan(10);
    expect([...slugs].filter((s) => !(`problem.${s}` in all) && !(`check.${s}` in all))).toEqual([]);
  });

  it("defines every key the console and the CLI use, and uses every key it defines", () => {
    // The CLI's own words (area cli, src/i18n/messages/cli.ts) are used by src/cli and the server's start-up lines.
    const keysIn = (files: string[]) => new Set([...files.map((f) => readFileSync(f, "utf8")).join("\n").matchAll(/"([a-zA-Z]+(?:\.[A-Za-z0-9_-]+)+)"/g)].map((m) => m[1] as string));
    const web = keysIn(sources(join(ROOT, "web/src")));
    const cliKeys = [...keysIn([...sources(join(ROOT, "src/cli")), join(ROOT, "src/http/server.ts")])].filter((k) => k.startsWith("cli."));
    const used = new Set([...web, ...cliKeys]);
    const unknown = [...used].filter(
      (k) => /^[a-z][A-Za-z]*\.[a-zA-Z]/.test(k) && !(k in all) && !FAMILIES.includes(k) && Object.keys(all).some((a) => a.split(".")[0] === k.split(".")[0]),
    );
    expect(unknown).toEqual([]);
    const unused = Object.keys(all).filter((k) => !used.has(k) && !FAMILIES.some((f) => k.startsWith(`${f}.`)));
    expect(unused).toEqual([]);
  });
});
