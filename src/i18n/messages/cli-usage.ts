// The CLI's usage errors that several commands share (a year, a whole number, a file name for
// --out, a required option, a warning), in Japanese when LANG is ja_JP*, English otherwise
// (src/cli/io.ts, `t`). Keyed `cli.usage.*`.
import type { Entry } from "../entry.ts";

export const CLI_USAGE_MESSAGES = {
  "cli.usage.notYear": { en: "option {flag}: not a year: {value}", ja: "{flag}: 年として読めません: {value}" },
  "cli.usage.notDate": { en: "option {flag}: not a date (YYYY-MM-DD): {value}", ja: "{flag}: 日付（YYYY-MM-DD）として読めません: {value}" },
  "cli.usage.whole": { en: "option {flag}: expected a whole number >= 0, got {value}", ja: "{flag}: 0 以上の整数を指定してください（指定値: {value}）" },
  "cli.usage.positiveInt": { en: "option {flag}: not a positive integer: {value}", ja: "{flag}: 正の整数ではありません: {value}" },
  "cli.usage.nonNegative": { en: "option {flag}: not a non-negative number: {value}", ja: "{flag}: 0 以上の数値ではありません: {value}" },
  "cli.usage.positive": { en: "option {flag}: not a positive number: {value}", ja: "{flag}: 正の数値ではありません: {value}" },
  "cli.usage.oneOf": { en: "option {flag}: must be one of {allowed}, got {value}", ja: "{flag}: {allowed} のいずれかを指定してください（指定値: {value}）" },
  "cli.usage.negative": { en: "option {flag}: must not be negative", ja: "{flag}: 負の値は指定できません" },
  "cli.usage.tableOut": { en: "option --out: use a .csv or .xlsx file name, got {value}", ja: "--out: .csv または .xlsx のファイル名を指定してください（指定値: {value}）" },
  "cli.usage.yearRequired": { en: "option --year: required", ja: "--year は必須です" },
  "cli.usage.warning": { en: "warning: {text}", ja: "警告: {text}" },
  "cli.usage.noSuchFile": { en: "{file}: no such file or preset (presets: {presets})", ja: "{file}: そのファイルまたはプリセットはありません（プリセット: {presets}）" },
} as const satisfies Record<string, Entry>;
