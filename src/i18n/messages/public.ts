// The public pages (web/src/pages/public.tsx): what a registry publishes to everyone.
import type { Entry } from "../entry.ts";

export const PUBLIC_MESSAGES = {
  "public.accountsTitle": { en: "Published account list", ja: "口座一覧（公開）" },
  "public.accountsIntro": { en: "Every account of the registry with its holder, type and status, as the registry publishes it. No sign-in is needed.", ja: "登録簿のすべての口座と、その保有者・種類・状態の公開情報です。サインインは不要です。" },
  "public.accountsCaption": { en: "Accounts", ja: "口座" },
  "public.filterType": { en: "Account type", ja: "口座の種類" },
  "public.allTypes": { en: "All types", ja: "すべての種類" },
  "public.allocationsTitle": { en: "Published free allocations", ja: "無償割当（公開）" },
  "public.allocationsIntro": { en: "Completed free allocations to each operator's account.", ja: "各事業者の口座への無償割当（完了分）です。" },
  "public.allocationsCaption": { en: "Free allocations", ja: "無償割当" },
  "public.transactionsTitle": { en: "Public transaction log", ja: "取引記録（公開）" },
  "public.transactionsIntro": { en: "Completed transactions with their accounts and quantities.", ja: "完了した取引と、その口座・数量です。" },
  "public.transactionsCaption": { en: "Completed transactions", ja: "完了した取引" },
  "public.filterKind": { en: "Kind of transaction", ja: "取引の種別" },
  "public.allKinds": { en: "All kinds", ja: "すべての種別" },
  "public.complianceTitle": { en: "Published compliance status", ja: "義務履行状況（公開）" },
  "public.complianceIntro": { en: "Units surrendered by each operator and, for installations under compliance, the verified emissions and status of the latest year published (after the surrender deadline and the rulebook's publication delay).", ja: "各事業者が償却したユニット数と、義務対象の施設については公表済みの最新年度の検証済み排出量と履行状況です（償却期限と規則集の公表猶予の経過後に表示されます）。" },
  "public.complianceCaption": { en: "Surrenders per operator account", ja: "事業者口座ごとの償却" },
  "public.verifiedEmissions": { en: "Verified emissions", ja: "検証済み排出量" },
  "public.complianceStatus.not-determined": { en: "Not determined yet", ja: "未確定" },
  "public.complianceStatus.compliant": { en: "Compliant", ja: "履行" },
  "public.complianceStatus.non-compliant": { en: "Not compliant", ja: "不履行" },
  "public.surrendered": { en: "Surrendered", ja: "償却数" },
  "public.issuance": { en: "(issuance)", ja: "（発行）" },
} as const satisfies Record<string, Entry>;
