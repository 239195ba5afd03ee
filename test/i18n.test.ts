// Goal: no interface string lacks either translation. Every message of the catalogue has an
// English and a Japanese text with the same placeholders; the Japanese text is Japanese and the
// English text has no Japanese in it (except language names shown in their own language); no
// key is defined twice; every code of the registry's catalogues (account types, transaction kinds,
// unit types, statuses, roles, and the checks of all five check catalogues: ledger, security,
// compliance, auctions, international units) and every problem the API answers with has its
// message; a check name means one rule in every catalogue (the console and the CLI look rules up
// by name); every key the console uses exists and every key exists for a use; the CLI's own
// catalogue (src/i18n/cli.ts) is exactly the catalogue's cli.* messages.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ACCOUNT_STATE_CODES, ACCOUNT_TYPES, TRANSACTION_KINDS, UNIT_TYPES } from "../src/domain/ledger/catalog.ts";
import { AUCTION_CHECKS } from "../src/domain/auction/checks.ts";
import { COMPLIANCE_CHECKS } from "../src/domain/compliance/codes.ts";
import { INTL_CHECKS } from "../src/domain/international/codes.ts";
import { CHECKS } from "../src/domain/ledger/checks.ts";
import { SECURITY_CHECKS } from "../src/domain/security/codes.ts";
import { ROLES } from "../src/domain/security/roles.ts";
import { AREAS } from "../src/i18n/catalogue.ts";
import { CLI_CATALOGUE } from "../src/i18n/cli.ts";
import { type Entry, type Lang, lookup, MESSAGES, type MessageKey, message, type Params } from "../src/i18n/index.ts";

const ROOT = resolve(import.meta.dirname, "..");

/** The five catalogues of numbered checks; a refusal of any of them carries `check: <name>`, looked up as `check.<name>`. */
const CHECK_CATALOGUES: Readonly<Record<string, Readonly<Record<string, { code: number; name: string; rule: string }>>>> = {
  ledger: CHECKS,
  security: SECURITY_CHECKS,
  compliance: COMPLIANCE_CHECKS,
  auction: AUCTION_CHECKS,
  international: INTL_CHECKS,
};

/**
 * The names two catalogues share on purpose, because they state the same rule there (so one
 * message serves both), with the codes that carry them. Any other shared name would make one
 * message speak for two rules: rename the later catalogue's check instead.
 */
const SHARED_NAMES: Readonly<Record<string, readonly number[]>> = {
  // a field of the request is malformed (the field is named): security 8020, compliance 9000
  "input-invalid": [8020, 9000],
  // a quantity is a positive whole number of units: ledger 3001, a surrendered quantity 9213
  "quantity-not-positive-whole": [3001, 9213],
};
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

  it("gives the CLI exactly the catalogue's cli.* messages (src/i18n/cli.ts, what a command loads)", () => {
    const cli = Object.entries(all).filter(([key]) => key.startsWith("cli."));
    expect(cli.length).toBeGreaterThan(300);
    expect(Object.keys(CLI_CATALOGUE).sort()).toEqual(cli.map(([key]) => key).sort());
    for (const [key, e] of cli) expect((CLI_CATALOGUE as Readonly<Record<string, Entry>>)[key], key).toBe(e);
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
      ...Object.values(CHECK_CATALOGUES).flatMap((cat) => Object.values(cat).map((c) => `check.${c.name}`)),
      ...["awaiting_approval", "delayed", "completed", "rejected", "cancelled", "expired"].map((s) => `txStatus.${s}`),
      ...ACCOUNT_STATE_CODES.map((s) => `accountStatus.${s}`),
      ...["awaiting_approval", "pending", "active"].map((s) => `trustedStatus.${s}`),
      ...ROLES.map((r) => `role.${r}`),
    ];
    expect(want.filter((k) => !(k in all))).toEqual([]);
  });

  it("has the rule of every check of the auction and international catalogues, in both languages", () => {
    // Named apart from the test above so that a gap in these two catalogues is reported by code.
    const missing = [...Object.values(AUCTION_CHECKS), ...Object.values(INTL_CHECKS)].filter((c) => !(`check.${c.name}` in all)).map((c) => `${c.code} ${c.name}`);
    expect(missing).toEqual([]);
    expect(Object.keys(AUCTION_CHECKS).length).toBeGreaterThanOrEqual(50);
    expect(Object.keys(INTL_CHECKS).length).toBeGreaterThanOrEqual(90);
  });

  it("gives each check name one rule across the five catalogues", () => {
    const codesOf = new Map<string, number[]>();
    for (const cat of Object.values(CHECK_CATALOGUES)) for (const c of Object.values(cat)) codesOf.set(c.name, [...(codesOf.get(c.name) ?? []), c.code]);
    const shared = Object.fromEntries([...codesOf].filter(([, codes]) => codes.length > 1).map(([name, codes]) => [name, codes.sort((a, b) => a - b)]));
    expect(shared).toEqual(SHARED_NAMES);
    // and a code is one check
    const codes = Object.values(CHECK_CATALOGUES).flatMap((cat) => Object.values(cat).map((c) => c.code));
    expect(codes.filter((c, i) => codes.indexOf(c) !== i)).toEqual([]);
  });

  it("keeps the check messages of each catalogue's own area to that catalogue's checks", () => {
    // A `check.<name>` entry in the auction or international area that no check of its catalogue
    // carries would be a stale rule (a renamed or removed check) shown for nothing.
    for (const [area, cat] of [["auctionChecks", AUCTION_CHECKS], ["internationalChecks", INTL_CHECKS], ["complianceChecks", COMPLIANCE_CHECKS]] as const) {
      const names = new Set(Object.values(cat).map((c) => `check.${c.name}`));
      expect(Object.keys(AREAS[area]).filter((k) => !names.has(k)), area).toEqual([]);
    }
  });

  it("the console shows a refusal of an auction or international check as its rule, in Japanese and English", async () => {
    // web/src/i18n/errors.ts, with the two functions of the console's I18n it uses, bound as
    // web/src/i18n/context.tsx binds them. Imported by URL: the console's files are type-checked
    // by web/tsconfig.json (DOM, JSX), not by this project's.
    const web = (path: string) => import(new URL(`../web/src/${path}`, import.meta.url).href);
    const { errorMessage } = (await web("i18n/errors.ts")) as { errorMessage: (i: unknown, err: unknown) => string };
    const { ApiError } = (await web("api/client.ts")) as { ApiError: new (status: number, problem: Record<string, unknown>) => Error };
    const i18n = (lang: Lang) => ({ lang, t: (key: MessageKey, params?: Params) => message(lang, key, params), code: (family: string, c: string, fallback?: string) => lookup(lang, family, c) ?? fallback ?? c });
    const refusal = (c: { code: number; name: string }) => new ApiError(422, { type: `https://openets.dev/problems/${c.name}`, title: "Refused by a rule", status: 422, detail: "the server's English detail", code: c.code, check: c.name, facts: {} });
    for (const c of [AUCTION_CHECKS.BIDDER_OVER_LIMIT, INTL_CHECKS.A6_FIRST_TRANSFER_UNAUTHORIZED, INTL_CHECKS.JCM_TPE_NOT_DESIGNATED, COMPLIANCE_CHECKS.SOURCE_NOT_IN_PLAN]) {
      const rule = all[`check.${c.name}`] as Entry;
      expect(errorMessage(i18n("ja"), refusal(c))).toBe(`ルール ${c.code} により拒否されました：${rule.ja}`);
      expect(errorMessage(i18n("en"), refusal(c))).toBe(`Refused by rule ${c.code}: ${rule.en}`);
    }
    expect(all["check.a6-first-transfer-unauthorized"]?.ja).toBe("最初の移転ができるのは承認されたユニットのみであること。");
    expect(all["check.jcm-tpe-not-designated"]?.ja).toContain("合同委員会が指定した第三者機関");
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
