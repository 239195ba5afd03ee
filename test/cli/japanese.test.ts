// Goal (issue 15 item 6): every command speaks Japanese when LANG is ja_JP*, from the one message
// catalogue, and English otherwise, unchanged. Each of simulate, allocate, coverage, baseline,
// rulebook, penalty and auction clear runs in-process twice: under ja_JP.UTF-8 its headers and
// labels are the catalogue's Japanese and none of its English labels is left; under LANG=C the
// English labels are there; --json is the same document in both languages; a usage error is in
// the user's language and still names the flag. Tables keep aligning with wide characters.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { displayWidth } from "../../src/cli/io.ts";
import { register as allocate } from "../../src/cli/commands/allocate.ts";
import { register as auction } from "../../src/cli/commands/auction.ts";
import { register as baseline } from "../../src/cli/commands/baseline.ts";
import { register as coverage } from "../../src/cli/commands/coverage.ts";
import { register as penalty } from "../../src/cli/commands/penalty.ts";
import { register as rulebook } from "../../src/cli/commands/rulebook.ts";
import { register as simulate } from "../../src/cli/commands/simulate.ts";

const root = join(import.meta.dirname, "../..");
const sample = join(root, "data/steel-cement");
const fixture = join(root, "test/allocation/fixtures/steel-cement.yaml");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `ets ARGS` in-process under a locale (LANG; LC_ALL and LC_MESSAGES unset), capturing stdout and stderr. */
async function ets(lang: string, ...args: string[]): Promise<Run> {
  const program = new Command().exitOverride();
  for (const r of [allocate, auction, baseline, coverage, penalty, rulebook, simulate]) r(program);
  const saved = { LANG: process.env.LANG, LC_ALL: process.env.LC_ALL, LC_MESSAGES: process.env.LC_MESSAGES };
  delete process.env.LC_ALL;
  delete process.env.LC_MESSAGES;
  process.env.LANG = lang;
  let stdout = "";
  let stderr = "";
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const savedCode = process.exitCode;
  process.exitCode = 0;
  process.stdout.write = ((c: string) => ((stdout += c), true)) as typeof process.stdout.write;
  process.stderr.write = ((c: string) => ((stderr += c), true)) as typeof process.stderr.write;
  try {
    await program.parseAsync(["node", "ets", ...args]);
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = savedCode;
  return { code, stdout, stderr };
}

const JA = "ja_JP.UTF-8";
const EN = "C";

/** The lines of the first table in a text: header, rule and the rows after it that `isRow` accepts (by default, up to a blank line). */
function firstTable(text: string, isRow: (line: string) => boolean = (l) => l.trim() !== ""): string[] {
  const lines = text.split("\n");
  const rule = lines.findIndex((l) => /^-+(  -+)*$/.test(l));
  expect(rule).toBeGreaterThan(0);
  const end = lines.findIndex((l, i) => i > rule && !isRow(l));
  return lines.slice(rule - 1, end === -1 ? undefined : end);
}

/** The two-column gutters between a table's columns are blank on every line, counting wide characters as two columns. */
function expectAligned(table: string[]): void {
  const rule = table[1] as string;
  const ends = [...rule.matchAll(/-+/g)].map((m) => (m.index ?? 0) + m[0].length);
  expect(ends.length).toBeGreaterThan(1);
  for (const line of [table[0] as string, ...table.slice(2)]) {
    const columns: string[] = []; // the character at each display column; a wide one fills two
    for (const ch of line) for (let i = 0; i < displayWidth(ch); i++) columns.push(ch);
    for (const end of ends.slice(0, -1)) expect([columns[end] ?? " ", columns[end + 1] ?? " "], `${JSON.stringify(line)} at ${end}`).toEqual([" ", " "]);
    expect(columns.length).toBeLessThanOrEqual(ends[ends.length - 1] as number);
  }
}

/** Says that none of the English labels appears in the text. */
function expectNone(text: string, labels: readonly (string | RegExp)[]): void {
  const left = labels.filter((l) => (typeof l === "string" ? text.includes(l) : l.test(text)));
  expect(left).toEqual([]);
}

let tmp = "";
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "ets-ja-"));
  await writeFile(join(tmp, "bids.csv"), "bidder,quantity,price\nA,400,80.10\nB,400,80.05\nC,300,80.00\nD,300,80.00\n");
  await writeFile(join(tmp, "series.csv"), "installation,year,emissions\nA,2001,100\nA,2002,110\nA,2003,90\nA,2004,300\nB,2001,5\nB,2003,6\n");
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe("ets in Japanese under LANG=ja_JP*", () => {
  it("simulate: the yearly table, the MSR identity and the sector table", async () => {
    const scenario = join(root, "examples/scenarios/msr.yaml");
    const ja = await ets(JA, "simulate", scenario);
    expect(ja.code).toBe(0);
    expect(ja.stdout).toMatch(/^シナリオ msr: 施設 2、2024-2035 年、割引率 0.05$/m);
    expect(ja.stdout).toMatch(/^\s*年\s+価格\s+排出枠総量\s+排出量\s+削減量\s+バンキング残高/m);
    expect(ja.stdout).toContain("MSR保有量 = 前年の保有量 + 繰入 - 放出 - 無効化");
    expect(ja.stdout).toMatch(/MSR の不動点: 反復 \d+ 回で収束/);
    expect(ja.stdout).toMatch(/^部門\s+施設数\s+削減量\s+排出量\s+無償割当\s+純購入量/m);
    expectNone(ja.stdout, ["scenario ", "discount rate", "abatement", "auctioned", "revenue", "MSR fixed point", "by sector", "free allocation", "net purchases", "windfall", "converged"]);
    expectAligned(firstTable(ja.stdout, (l) => /^\d{4} /.test(l)));
    // the figures are the same: the year 2024 row, as the English run prints it
    const en = await ets(EN, "simulate", scenario);
    expect(en.stdout).toMatch(/^scenario msr: 2 facilities, 2024-2035, discount rate 0.05$/m);
    expect(en.stdout).toMatch(/^year\s+price\s+cap\s+emissions\s+abatement\s+bank\s+auctioned/m);
    expect(en.stdout).toContain("MSR held = previous held + in - out - invalidated");
    const row = (text: string) => /^2024 .*$/m.exec(text)?.[0].split(/\s+/);
    expect(row(ja.stdout)).toEqual(row(en.stdout));
    expect((await ets(JA, "simulate", scenario, "--json")).stdout).toBe((await ets(EN, "simulate", scenario, "--json")).stdout);
  }, 60_000);

  it("simulate compare: the criteria", async () => {
    const ja = await ets(JA, "simulate", join(root, "examples/scenarios/compare.yaml"));
    expect(ja.code).toBe(0);
    expect(ja.stdout).toMatch(/^評価基準\s+grandfathering/m);
    expect(ja.stdout).toContain("削減費用（現在価値）");
    expectNone(ja.stdout, ["criterion", "abatement cost", "least cost", "mean price", "auction revenue"]);
    const bad = await ets(JA, "simulate", join(tmp, "x.txt"));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("シナリオは .yaml、.yml または .json のファイルです");
  }, 60_000);

  it("coverage: summary and the study layout's headers, by company", async () => {
    const ja = await ets(JA, "coverage", "--dataset", sample, "--basis", "company");
    expect(ja.code).toBe(0);
    expect(ja.stdout).toMatch(/^Steel and cement sample .*: 2008 年、集計単位 企業、全国排出量 1138.00 Mt$/m);
    expect(ja.stdout).toContain("報告対象（電力: 間接）: 20 件");
    expect(ja.stdout).toMatch(/^裾切り値（t\/年）\s+企業数（電力: 間接）\s+排出量（Mt）\s+対報告排出量\s+対全国排出量/m);
    expectNone(ja.stdout, ["year ", "basis", "national total", "reported", "entities", "threshold", "companies", "share of"]);
    expectAligned(firstTable(ja.stdout));
    const en = await ets(EN, "coverage", "--dataset", sample, "--basis", "company");
    expect(en.stdout).toContain("year 2008, basis company, national total 1138.00 Mt");
    expect(en.stdout).toMatch(/^threshold \(t\/yr\)\s+companies \(indirect\)\s+emissions \(Mt\)\s+share of reported/m);
    const bad = await ets(JA, "coverage", "--dataset", sample, "--year", "08", "--json");
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout).error).toMatchObject({ code: "usage", field: "--year" });
    expect(bad.stderr).toContain("--year: 年として読めません");
  }, 60_000);

  it("baseline: headers, the excluded year and a series too short, in Japanese; --json keeps the English reason", async () => {
    const ja = await ets(JA, "baseline", "--input", join(tmp, "series.csv"), "--window", "3", "--exclude-abnormal");
    expect(ja.code).toBe(0);
    expect(ja.stdout).toMatch(/^施設\s+変動（全期間）\s+基準期間\s+変動（基準期間）\s+基準排出量（t）$/m);
    expect(ja.stdout).toMatch(/年を除く/);
    expect(ja.stdout).toContain("連続 3 年の期間がありません");
    expectNone(ja.stdout, ["installation", "variation", "window", "baseline", "w/o", "no run of"]);
    expectAligned(firstTable(ja.stdout));
    const en = await ets(EN, "baseline", "--input", join(tmp, "series.csv"), "--window", "3", "--exclude-abnormal");
    expect(en.stdout).toMatch(/^installation\s+variation \(all\)\s+window\s+variation \(window\)\s+baseline \(t\)$/m);
    expect(en.stdout).toContain("no run of 3 consecutive years");
    const json = await ets(JA, "baseline", "--input", join(tmp, "series.csv"), "--window", "3", "--json");
    expect(JSON.parse(json.stdout)).toContainEqual(expect.objectContaining({ installation: "B", reason: "no run of 3 consecutive years" }));
    const bad = await ets(JA, "baseline", "--input", join(tmp, "series.csv"), "--window", "0");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--window: 1 以上の年数");
  });

  it("allocate: summary, table, totals and the explanation rendered from the engine's texts", async () => {
    const args = ["allocate", "--rulebook", fixture, "--dataset", sample, "--year", "2013"];
    const ja = await ets(JA, ...args);
    expect(ja.code).toBe(0);
    expect(ja.stdout).toMatch(/^steel-cement-test 2013 年（期間 P1）: 109 施設に割当、0 施設は対象外$/m);
    expect(ja.stdout).toMatch(/^施設\s+部門\s+方式\s+割当基準量\s+オークション比率\s+オークション分\s+無償割当$/m);
    expect(ja.stdout).toMatch(/^合計: 割当基準量 219347250、オークション分 27420948、無償割当 180000000$/m);
    expect(ja.stdout).toMatch(/^補正（uniform）: 係数 /m);
    expectNone(ja.stdout, ["installations allocated", "skipped", "entitlement", "auction share", "total:", "correction", "free"]);
    expectAligned(firstTable(ja.stdout));
    const explain = await ets(JA, ...args, "--explain");
    expect(explain.stdout).toContain("COKE-01（steel、benchmark）: 無償割当 186220、オークション分 49640");
    expect(explain.stdout).toMatch(/cokeのベンチマーク 0.09 × 活動量/);
    expect(explain.stdout).toMatch(/端数処理 無償割当: 198558.612 -> 198558（切り捨て）/);
    expectNone(explain.stdout, ["factor ", "rounding ", "benchmark 0.09 x activity", "(floor)"]);
    const en = await ets(EN, ...args, "--explain");
    expect(en.stdout).toContain("COKE-01 (steel, benchmark): free 186220, auctioned 49640");
    expect(en.stdout).toMatch(/^total: entitlement 219347250, auctioned 27420948, free 180000000$/m);
    expect((await ets(JA, ...args, "--json")).stdout).toBe((await ets(EN, ...args, "--json")).stdout);
  }, 60_000);

  it("rulebook: list, show, show --year, validate and cap", async () => {
    const list = await ets(JA, "rulebook", "list", "--date", "2025-01-01");
    expect(list.stdout).toMatch(/^名前\s+制度\s+状態\s+年\s+通貨$/m);
    expect(list.stdout).toMatch(/^eu-ets-phase3\s.*\s終了\s+2013-2020\s+EUR$/m);
    expectNone(list.stdout, ["name ", "scheme", "status", "currency", "historical", "in-force"]);
    expectAligned(firstTable(list.stdout));
    expect((await ets(EN, "rulebook", "list", "--date", "2025-01-01")).stdout).toMatch(/^eu-ets-phase3\s.*\shistorical\s+2013-2020\s+EUR$/m);

    const show = await ets(JA, "rulebook", "show", "eu-ets-phase4");
    expect(show.stdout).toContain("排出枠総量: 2021 年 1571583007 -> 2030 年 1184551372（ets rulebook cap eu-ets-phase4）");
    expect(show.stdout).toMatch(/^遵守: 償却期限 09-30（\+1 年）、バンキング 可、ボローイング 不可、罰則 1 トン当たり EUR 100（物価連動）、不足量の償却義務（ets penalty）$/m);
    expect(show.stdout).toMatch(/^ {2}power: オークション（無償割当なし）、2021 年のオークション比率: 100.0%$/m);
    expectNone(show.stdout, ["jurisdiction:", "periods:", "cap:", "coverage:", "issuance:", "compliance:", "sectors:", "notes:", "sources:", "auctioned in", "no free allocation", "shortfall owed"]);
    const en = await ets(EN, "rulebook", "show", "eu-ets-phase4");
    expect(en.stdout).toMatch(/^compliance: deadline 09-30 \+1y; banking yes; borrowing no; penalty EUR 100\/t indexed, shortfall owed \(ets penalty\)$/m);

    const year = await ets(JA, "rulebook", "show", "rggi", "--year", "2024");
    expect(year.stdout).toMatch(/^rggi（2024 年）:$/m);
    expect(year.stdout).toContain("リザーブ区分 ccr: USD 15.92 以上で放出、排出枠 6590000");
    expectNone(year.stdout, ["period:", "cap:", "auctioned:", "reserve tier", "released at or above", "allowances"]);

    expect((await ets(JA, "rulebook", "validate", "tokyo")).stdout).toMatch(/tokyo\.yaml: 有効なルールブックです（tokyo）/);
    const cap = await ets(JA, "rulebook", "cap", "eu-ets-phase4", "--from", "2029", "--to", "2032");
    expect(cap.stdout).toMatch(/^\s*年\s+排出枠総量\s+期間$/m);
    expect(cap.stderr).toContain("注: eu-ets-phase4 の排出枠総量は 2021-2030 年のみです");
    const bad = await ets(JA, "rulebook", "cap", "eu-ets-phase4", "--from", "2030", "--to", "2029", "--json");
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout).error).toMatchObject({ code: "usage", field: "--from", message: "--from が --to より後です" });
  }, 60_000);

  it("penalty: the shortfall's cost, and a refusal with the rule's own words", async () => {
    const ja = await ets(JA, "penalty", "--rules", "eu-ets-phase4", "--shortfall", "1000", "--year", "2024");
    expect(ja.code).toBe(0);
    expect(ja.stdout).toMatch(/^eu-ets-phase4: 2024 年の排出枠の不足量 1,000$/m);
    expect(ja.stdout).toMatch(/^ {2}罰則: EUR 128,670.00（1 トン当たり EUR 128.67）$/m);
    expect(ja.stdout).toMatch(/^ {2}残る償却義務: 排出枠 1,000$/m);
    expect(ja.stdout).toMatch(/^算定:$/m);
    // the lines under 算定 are the penalty rules' own explanation (src/domain/compliance/penalty.ts), in English
    expectNone(ja.stdout.split("算定:")[0] as string, ["shortfall of", "penalty:", "owed:", "per tonne", "name published", "how:"]);
    const en = await ets(EN, "penalty", "--rules", "eu-ets-phase4", "--shortfall", "1000", "--year", "2024");
    expect(en.stdout).toMatch(/^ {2}penalty: EUR 128,670.00 \(EUR 128.67 per tonne\)$/m);
    const refused = await ets(JA, "penalty", "--rules", "eu-ets-phase4", "--not-reported");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^エラー: 「.+」: rulebook eu-ets-phase4 has no penalties.nonReporting（ルール 9401 penalty-rules-missing）$/m);
    const usage = await ets(JA, "penalty", "--rules", "eu-ets-phase4", "--json");
    expect(JSON.parse(usage.stdout).error).toMatchObject({ field: "--shortfall", message: "--shortfall は必須です（報告がない場合は --not-reported）" });
  });

  it("auction clear: the results statement and the awards", async () => {
    const args = ["auction", "clear", "--offered", "1000", "--bids", join(tmp, "bids.csv"), "--seed", "7"];
    const ja = await ets(JA, ...args);
    expect(ja.code).toBe(0);
    expect(ja.stdout).toMatch(/^オークション（既定のルール）: cleared$/m);
    expect(ja.stdout).toMatch(/^ {2}落札価格: 80.00$/m);
    expect(ja.stdout).toMatch(/^ {2}売出 1000、落札 1000（うちリザーブ 0）、留保 0、売れ残り 0、取消 0$/m);
    expect(ja.stdout).toMatch(/^ {2}80.00 で同順位（random で決定、シード 7）: D 5 行目 200\/300, C 4 行目 0\/300$/m);
    expect(ja.stdout).toMatch(/^入札者\s+落札量\s+うち非競争入札\s+支払額$/m);
    expectNone(ja.stdout, ["default rules", "clearing price", "offered", "withheld", "cover ratio", "proceeds", "tie at", "bidder", "payment"]);
    expectAligned(firstTable(ja.stdout));
    const en = await ets(EN, ...args);
    expect(en.stdout).toMatch(/^ {2}tie at 80.00 by random \(seed 7\): D row 5 200\/300, C row 4 0\/300$/m);
    expect((await ets(JA, ...args, "--json")).stdout).toBe((await ets(EN, ...args, "--json")).stdout);
    const usage = await ets(JA, "auction", "clear", "--bids", join(tmp, "bids.csv"), "--json");
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.stdout).error).toMatchObject({ field: "--offered", message: "--offered は必須です（売り出す排出枠の数量）" });
  });
});

describe("the commands' source", () => {
  // A literal passed straight to the output layer (an error, a line written, a progress label,
  // a table's headers) would print in English under ja_JP*: each must come through `t(...)`. A
  // literal made only of placeholders and punctuation (`${file}: ${message}`) is allowed.
  const FILES = ["simulate", "allocate", "coverage", "baseline", "rulebook", "penalty", "auction", "common-dataset"].map((f) => join(root, "src/cli/commands", `${f}.ts`));
  const CALL = /(?:new UsageError|new CommandFailure|progress|process\.(?:stdout|stderr)\.write|out\.push|printTable)\(\s*\[?\s*(["`])/g;

  /** The literal starting at `i` (a quote or backtick), with each `${...}` of a template taken out. */
  function literalAt(src: string, i: number): string {
    const q = src[i] as string;
    let text = "";
    for (let j = i + 1; j < src.length; j++) {
      const c = src[j] as string;
      if (c === "\\") {
        text += " "; // an escape (\n, \x1b) is no word
        j++;
      } else if (c === q) return text;
      else if (q === "`" && c === "$" && src[j + 1] === "{") {
        let depth = 0;
        for (j += 1; j < src.length; j++) {
          if (src[j] === "{") depth++;
          else if (src[j] === "}" && --depth === 0) break;
        }
      } else text += c;
    }
    return text;
  }

  it("passes no English words to the output layer outside the catalogue", async () => {
    const { readFile } = await import("node:fs/promises");
    const found: string[] = [];
    for (const file of FILES) {
      const src = await readFile(file, "utf8");
      for (const m of src.matchAll(CALL)) {
        const start = (m.index ?? 0) + m[0].length - 1;
        const text = literalAt(src, start);
        if (/[A-Za-z]{2,}/.test(text)) found.push(`${file.slice(root.length + 1)}: ${JSON.stringify(text)}`);
      }
    }
    expect(found).toEqual([]);
  });
});
