// Goal (issue 15, items 5 and 6): the CLI's one output layer. Tables group digits, align decimal
// points, leave calendar years alone, have no float noise and align wide (Japanese) characters;
// errors name the user's flag, not the service's field path; the language follows LANG.
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { studyLayout } from "../../src/domain/coverage/index.ts";
import { cliLang, dec, describeError, displayWidth, flagFor, formatTable, loadCodeTexts, numberText, refusalText, UsageError } from "../../src/cli/io.ts";
import { AUCTION_CHECKS } from "../../src/domain/auction/checks.ts";
import { COMPLIANCE_CHECKS } from "../../src/domain/compliance/codes.ts";
import { INTL_CHECKS } from "../../src/domain/international/codes.ts";
import { CHECKS } from "../../src/domain/ledger/checks.ts";
import { SECURITY_CHECKS } from "../../src/domain/security/codes.ts";

describe("tables", () => {
  it("group digits and align decimal points; years are not grouped", () => {
    const t = formatTable(["year", "cap", "price"], [[2013, 2084301856n, dec("23.5")], [2014, 1000, dec("7.125")]]);
    const lines = t.split("\n");
    expect(lines[2]).toBe("2013  2,084,301,856  23.5");
    expect(lines[3]).toBe("2014          1,000   7.125");
  });

  it("remove float noise", () => {
    expect(numberText(263.9999999990962)).toEqual({ int: "264", frac: "" });
    expect(numberText(0.1 + 0.2)).toEqual({ int: "0", frac: "3" });
  });

  it("count wide characters as two columns", () => {
    expect(displayWidth("排出枠")).toBe(6);
    const t = formatTable(["名称", "n"], [["排出枠", 1], ["ab", 22]]).split("\n");
    expect(displayWidth(t[2] as string)).toBe(displayWidth(t[3] as string));
  });
});

describe("errors", () => {
  const cmd = new Command("transfer").argument("<class>").argument("<quantity>").option("--from <account>").option("--json");
  it("name the user's flag or argument for a service's field path", () => {
    expect(flagFor(cmd, "legs[0].from")).toBe("--from");
    expect(flagFor(cmd, "legs[0].quantity")).toBe("<quantity>");
    expect(flagFor(cmd, "classCode")).toBe("<class>");
    expect(flagFor(cmd, "--already-a-flag")).toBe("--already-a-flag");
  });

  it("are one JSON document with code, message, field and facts; exit 2 for bad input", () => {
    const r = describeError(new UsageError("not a number", { field: "legs[0].from", facts: { known: ["a"] } }), cmd, "en");
    expect(r.exitCode).toBe(2);
    expect(r.json).toEqual({ error: { code: "usage", message: "not a number", field: "--from", facts: { known: ["a"] } } });
    const f = describeError(Object.assign(new Error("x"), { code: "ENOENT", path: "/no/such" }), cmd, "en");
    expect(f.exitCode).toBe(2);
    expect(f.json.error.code).toBe("enoent");
    const unexpected = describeError(new Error("boom"), cmd, "en");
    expect(unexpected.exitCode).toBe(1);
    expect(unexpected.text).not.toMatch(/\n\s+at /);
  });
});

describe("language", () => {
  it("is Japanese for ja_JP locales, English otherwise", () => {
    expect(cliLang({ LANG: "ja_JP.UTF-8" })).toBe("ja");
    expect(cliLang({ LC_ALL: "ja_JP.UTF-8", LANG: "en_US.UTF-8" })).toBe("ja");
    expect(cliLang({ LANG: "en_US.UTF-8" })).toBe("en");
    expect(cliLang({})).toBe("en");
    expect(describeError(new UsageError("x"), undefined, "ja").text).toMatch(/^エラー:/);
  });

  it("a refusal of every check catalogue gives the rule's own Japanese words; English keeps the one line", async () => {
    // The words come from the whole catalogue, which the CLI loads when it speaks Japanese (action and run do it).
    await loadCodeTexts("ja");
    const cases = [
      [CHECKS.INSUFFICIENT_UNITS, "移転元口座が当該クラスのユニットを十分に保有していること"],
      [SECURITY_CHECKS.PERMISSION_DENIED, "あなたの役割でこの操作が認められていること"],
      [COMPLIANCE_CHECKS.SOURCE_NOT_IN_PLAN, "モニタリング計画に記載された排出源のものであること"],
      [AUCTION_CHECKS.CEILING_BUYER_NOT_ELIGIBLE, "上限価格での売却の相手は対象事業者"],
      [AUCTION_CHECKS.BIDDER_OVER_LIMIT, "入札者の入札の合計が、売出数量に対して認められた割合"],
      [INTL_CHECKS.A6_FIRST_TRANSFER_UNAUTHORIZED, "最初の移転ができるのは承認されたユニットのみであること"],
      [INTL_CHECKS.LINK_REPLAYED, "ノンスがそのリンクで未使用"],
    ] as const;
    for (const [c, words] of cases) {
      const ja = refusalText(c.code, c.name, "the specifics", "ja");
      expect(ja).toMatch(new RegExp(`^拒否されました: ルール ${c.code}（${c.name}）「[^」]*${words}[^」]*」: the specifics$`));
      expect(refusalText(c.code, c.name, "the specifics", "en")).toBe(`refused: check ${c.code} (${c.name}): the specifics`);
    }
  });
});

describe("words", () => {
  it("coverage by company says companies", () => {
    const table = { year: 2020, electricity: "included", basis: "company", rows: [], reportedEntities: 0, reportedTonnes: 0, nationalTotalTonnes: 0 };
    expect(studyLayout([table as never]).headers[1]).toBe("companies (included)");
  });
});

describe("bad input files", () => {
  it("a YAML alias bomb as a rulebook is refused as invalid YAML, not a crash", async () => {
    const { parseRulebookText } = await import("../../src/io/rulebook.ts");
    let text = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n';
    for (let i = 1; i < 10; i++) text += `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(",")}]\n`;
    const r = parseRulebookText(text, "bomb.yaml");
    expect(r.ok).toBe(false);
    expect(r.ok ? "" : r.errors[0]?.message).toMatch(/^not valid YAML \(.*alias/i);
  });
});
