// The page of excess reductions issued ex post (web/src/pages/compliance/ex-post.tsx; Tokyo's
// 超過削減量の発行), in English and Japanese. Japanese follows the Tokyo Metropolitan Government's
// terms: 超過削減量 (excess reductions), 削減義務期間 (compliance period), 排出上限量 (facility cap),
// 発行 (issuance). The rules behind checks 9316-9320 and 9306 are in compliance-checks.ts.
import type { Entry } from "../entry.ts";

export const COMPLIANCE_EX_POST_MESSAGES = {
  "nav.cplExPost": { en: "Excess reductions", ja: "超過削減量" },
  "xp.title": { en: "Excess reductions issued ex post", ja: "超過削減量の発行" },
  "xp.intro": {
    en: "Once every year of a compliance period is verified, what an installation's emissions stay below its facility cap (up to the rulebook's ceiling) is issued as tradable credits into its operator holding account. A national administrator issues them; a second national administrator approves the issuance.",
    ja: "削減義務期間の全年度の排出量が検証された後、施設の排出量が排出上限量を下回った量（規則の上限まで）が、取引可能なクレジットとして事業者保有口座に発行されます。国の管理者が発行し、別の国の管理者が承認します。",
  },
  "xp.period": { en: "Compliance period", ja: "削減義務期間" },
  "xp.listTitle": { en: "Issued for {period}", ja: "{period}の発行実績" },
  "xp.caption": { en: "Excess reductions issued for {period}", ja: "{period}に発行された超過削減量" },
  "xp.none": { en: "No excess reductions have been issued for this period.", ja: "この期間に発行された超過削減量はありません。" },
  "xp.emissions": { en: "Verified emissions (t CO2e)", ja: "検証済み排出量（t CO2e）" },
  "xp.facilityCap": { en: "Facility cap (t CO2e)", ja: "排出上限量（t CO2e）" },
  "xp.surplus": { en: "Below the cap (t CO2e)", ja: "上限を下回った量（t CO2e）" },
  "xp.ceiling": { en: "Ceiling (t CO2e)", ja: "発行の上限（t CO2e）" },
  "xp.noCeiling": { en: "None", ja: "なし" },
  "xp.issued": { en: "Credits issued", ja: "発行量" },
  "xp.transaction": { en: "Transaction", ja: "取引" },
  "xp.next": { en: "Next step", ja: "次の手続" },
  "xp.state.issued": { en: "Issued", ja: "発行済み" },
  "xp.state.awaiting": { en: "Awaiting a second approval", ja: "別の管理者の承認待ち" },
  "xp.state.approved": { en: "Approved, not yet completed", ja: "承認済み・未完了" },
  "xp.pendingTitle": { en: "Issuances in progress", ja: "手続中の発行" },
  "xp.pendingPartial": {
    en: "The registry holds more issuance transactions than this table reads ({count} in each state), so an issuance in progress may be missing here: issuing again from the form completes it, and the transactions page lists them all.",
    ja: "登録簿の発行取引がこの表で読み込む件数（各状態{count}件）を超えているため、手続中の発行が表示されていない場合があります。下のフォームから再度発行すると完了し、取引の一覧ではすべて確認できます。",
  },
  "xp.pendingCaption": { en: "Issuances of {period} awaiting approval or completion", ja: "承認または完了を待つ{period}の発行" },
  "xp.toApprovals": { en: "Approve on the approvals page", ja: "承認待ちの画面で承認" },
  "xp.toComplete": { en: "A national administrator completes it", ja: "国の管理者が完了させます" },
  "xp.complete": { en: "Complete the issuance", ja: "発行を完了" },
  "xp.formTitle": { en: "Issue the excess reductions of {period}", ja: "{period}の超過削減量を発行" },
  "xp.formIntro": {
    en: "The figure is computed from the verified emissions: the surplus below the facility cap, at most the ceiling. After a second national administrator approves the issuance, issue again for the same installation to move the credits to its account.",
    ja: "発行量は検証済み排出量から算定されます（排出上限量を下回った量、ただし上限まで）。別の国の管理者が承認した後、同じ施設について再度発行すると、クレジットが事業者保有口座に移転されます。",
  },
  "xp.submit": { en: "Issue", ja: "発行" },
  "xp.awaiting": {
    en: "The issuance {id} of {quantity} {class} awaits a second national administrator's approval ({approvals}). Once it is approved, issue again to complete it.",
    ja: "{quantity} {class}の発行 {id} は別の国の管理者の承認を待っています（{approvals}）。承認後、再度発行すると完了します。",
  },
  "xp.approvalsPage": { en: "approvals page", ja: "承認待ちの画面" },
  "xp.issuedNotice": { en: "{quantity} {class} are issued to {account}.", ja: "{quantity} {class}を{account}に発行しました。" },
} as const satisfies Record<string, Entry>;
