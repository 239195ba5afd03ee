// `ets penalty`: what a shortfall or a missing report costs, as the command prints it
// (src/cli/commands/penalty.ts). Keyed `cli.pen.*`. The explanation's lines are the penalty
// rules' own (src/domain/compliance/penalty.ts) and stay in English.
import type { Entry } from "../entry.ts";

export const CLI_PENALTY_MESSAGES = {
  "cli.pen.price": { en: "option --price: expected a price >= 0 such as 85.5, got {value}", ja: "--price: 0 以上の価格（例: 85.5）を指定してください（指定値: {value}）" },
  "cli.pen.refused": { en: "{flag}{message} (check {code} {check})", ja: "{flag}{message}（ルール {code} {check}）" },
  "cli.pen.option": { en: "option {flag}: ", ja: "オプション {flag}: " },
  "cli.pen.both": { en: "option --not-reported: give either --shortfall or --not-reported, not both", ja: "--not-reported: --shortfall と --not-reported はどちらか一方だけを指定してください" },
  "cli.pen.daysLateOnly": { en: "option --days-late: only with --not-reported", ja: "--days-late は --not-reported と一緒にだけ指定できます" },
  "cli.pen.shortfallRequired": { en: "option --shortfall: required (or --not-reported for a missing report)", ja: "--shortfall は必須です（報告がない場合は --not-reported）" },
  "cli.pen.shortfall": { en: "{scheme}: shortfall of {shortfall} allowances{year}", ja: "{scheme}: {year}排出枠の不足量 {shortfall}" },
  "cli.pen.inYear": { en: " in {year}", ja: "{year} 年の" },
  "cli.pen.penalty": { en: "  penalty: {upTo}{amount}{perTonne}", ja: "  罰則: {upTo}{amount}{perTonne}" },
  "cli.pen.upTo": { en: "up to ", ja: "最大 " },
  "cli.pen.perTonne": { en: " ({amount} per tonne)", ja: "（1 トン当たり {amount}）" },
  "cli.pen.owed": { en: "  owed:    {owed} allowances still to surrender{order}", ja: "  残る償却義務: 排出枠 {owed}{order}" },
  "cli.pen.order": { en: " (an order)", ja: "（命令）" },
  "cli.pen.orderNotMet": { en: "  if the order is not met: {upTo}{amount}{purchase}{published}", ja: "  命令に従わない場合: {upTo}{amount}{purchase}{published}" },
  "cli.pen.plusPurchase": { en: " plus the billed purchase", ja: "、加えて請求される購入費用" },
  "cli.pen.namePublishedSuffix": { en: "; name published", ja: "、名称を公表" },
  "cli.pen.namePublished": { en: "  name published: yes", ja: "  名称の公表: あり" },
  "cli.pen.how": { en: "how:", ja: "算定:" },
  "cli.pen.notReported": { en: "{scheme}: report not submitted", ja: "{scheme}: 排出量の報告が未提出" },
  "cli.pen.nonReportingPenalty": { en: "  penalty: {upTo}{amount}{published}", ja: "  罰則: {upTo}{amount}{published}" },
} as const satisfies Record<string, Entry>;
