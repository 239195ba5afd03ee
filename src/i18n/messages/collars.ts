// The pages of the price ceiling, in English and Japanese: payments in place of allowances
// (web/src/pages/compliance/ceiling-payments.tsx; Japan's GX-ETS keeps its ceiling this way) and
// fixed-price sales issued beyond the cap (ceiling-sales.tsx; a hard ceiling). Japanese follows
// METI's terms: 参照上限取引価格 (the reference upper price), 償却 (surrender), 削減義務期間 is not
// used (GX-ETS speaks of 年度, fiscal years); キャップを超えた発行 (issued beyond the cap) and
// 上限価格での売却 (a sale at the ceiling) as auction-checks.ts words checks 11701-11709.
import type { Entry } from "../entry.ts";

export const COLLAR_MESSAGES = {
  "nav.cplCeiling": { en: "Payments at the ceiling", ja: "上限価格での支払" },
  "cp.title": { en: "Payments in place of allowances", ja: "排出枠に代わる上限価格での支払" },
  "cp.intro": {
    en: "Where the rulebook keeps its price ceiling by payment in lieu (GX-ETS), an operator may pay the ceiling price of the compliance year for tonnes of its obligation instead of surrendering allowances. A national administrator records each payment; the tonnes count toward the installation's obligation in the period's status and close.",
    ja: "ルールブックが上限価格を支払により維持する場合（日本の排出量取引制度など）、事業者は排出枠を償却する代わりに、義務量の一部について遵守年度の参照上限取引価格を支払うことができます。国の管理者が支払を記録し、その量は期間の遵守状況と締めで施設の義務に算入されます。",
  },
  "cp.period": { en: "Compliance period", ja: "遵守期間" },
  "cp.listTitle": { en: "Payments for {period}", ja: "{period}の支払" },
  "cp.caption": { en: "Payments in place of allowances for {period}", ja: "{period}の排出枠に代わる支払" },
  "cp.none": { en: "No payments are recorded for this period.", ja: "この期間に記録された支払はありません。" },
  "cp.quantity": { en: "Tonnes (t CO2e)", ja: "量（t CO2e）" },
  "cp.price": { en: "Ceiling price per tonne", ja: "1トン当たりの上限価格" },
  "cp.priceYear": { en: "Price of", ja: "価格の年度" },
  "cp.amount": { en: "Amount", ja: "金額" },
  "cp.reference": { en: "Payment reference", ja: "支払の参照番号" },
  "cp.recorded": { en: "Recorded", ja: "記録" },
  "cp.total": { en: "In all: {quantity} t, {amount}", ja: "合計：{quantity} t、{amount}" },
  "cp.formTitle": { en: "Record a payment for {period}", ja: "{period}の支払を記録" },
  "cp.formIntro": {
    en: "The price is the rulebook's ceiling for the period's last year; the amount is the tonnes times the price, exact. A payment is refused once the period is closed.",
    ja: "価格は期間の最終年度についてルールブックが定める上限価格で、金額は量と価格の積（端数なし）です。期間の締め後は記録できません。",
  },
  "cp.quantityField": { en: "Tonnes paid for", ja: "支払の対象とする量（t）" },
  "cp.referenceField": { en: "Payment reference (optional)", ja: "支払の参照番号（任意）" },
  "cp.submit": { en: "Record the payment", ja: "支払を記録" },
  "cp.recordedNotice": {
    en: "Recorded: {quantity} t for {installation} at {price} a tonne, {amount} in all.",
    ja: "{installation}について{quantity} tを1トン当たり{price}、合計{amount}で記録しました。",
  },
  "nav.cplCeilingSales": { en: "Sales at the ceiling", ja: "上限価格での売却" },
  "cs.title": { en: "Sales at the ceiling, issued beyond the cap", ja: "キャップを超えて発行する上限価格での売却" },
  "cs.intro": {
    en: "Where the rulebook keeps a hard price ceiling by fixed-price sales, the ministry sells a covered entity any quantity of allowances at the ceiling price of the scheme year. The allowances are issued beyond the cap into the national issuance account, which needs a second national administrator's approval, then transferred to the buyer; the sale is recorded with its price and exact amount.",
    ja: "ルールブックが上限価格を固定価格での売却により維持する場合、国は対象事業者に排出枠を制度年度の上限価格で必要な量だけ売却します。排出枠はキャップを超えて国の発行口座に発行され（別の国の管理者の承認が必要です）、その後買い手に移転され、売却は価格と端数のない金額とともに記録されます。",
  },
  "cs.year": { en: "Scheme year", ja: "制度年度" },
  "cs.listTitle": { en: "Sales of {year}", ja: "{year}の売却" },
  "cs.caption": { en: "Sales at the ceiling in {year}", ja: "{year}の上限価格での売却" },
  "cs.none": { en: "No sales at the ceiling are recorded for this year.", ja: "この年度に記録された上限価格での売却はありません。" },
  "cs.buyer": { en: "Buyer account", ja: "買い手の口座" },
  "cs.quantity": { en: "Allowances", ja: "排出枠の量" },
  "cs.price": { en: "Ceiling price", ja: "上限価格" },
  "cs.amount": { en: "Amount", ja: "金額" },
  "cs.currency": { en: "Currency", ja: "通貨" },
  "cs.transfer": { en: "Transfer", ja: "移転" },
  "cs.issuance": { en: "Issuance beyond the cap", ja: "キャップを超えた発行" },
  "cs.recorded": { en: "Sold by, at", ja: "売却者・日時" },
  "cs.total": { en: "In all: {quantity} allowances, {amount}", ja: "合計：排出枠 {quantity}、{amount}" },
  "cs.beyondCap": { en: "Issued beyond the cap in {year} by these sales (the registry's count): {quantity}", ja: "{year}にこれらの売却でキャップを超えて発行された量（登録簿の集計）：{quantity}" },
  "cs.pendingTitle": { en: "Issuances awaiting approval", ja: "承認待ちの発行" },
  "cs.pendingCaption": { en: "Issuances beyond the cap for sales, awaiting a second national administrator", ja: "売却のためのキャップを超えた発行で、別の国の管理者の承認を待っているもの" },
  "cs.pendingPartial": {
    en: "The registry holds more issuances awaiting approval than this table reads ({count}): the approvals page lists them all.",
    ja: "承認待ちの発行がこの表で読み込む件数（{count}件）を超えています。承認待ちの画面ではすべて確認できます。",
  },
  "cs.initiated": { en: "Initiated by, at", ja: "開始者・日時" },
  "cs.next": { en: "Next step", ja: "次の手続" },
  "cs.toApprovals": { en: "A second national administrator approves it on the approvals page", ja: "別の国の管理者が承認待ちの画面で承認します" },
  "cs.formTitle": { en: "Sell at the ceiling", ja: "上限価格で売却" },
  "cs.formIntro": {
    en: "The registry prices the sale from the rulebook (the ceiling of the scheme year of today's date) and refuses a buyer that is not a covered entity (the account of an installation registered for compliance). The issuance then waits for a second national administrator: once approved, sell again with the same figures to complete the sale (the page sends the same command).",
    ja: "売却価格は登録簿がルールブックから定めます（本日の属する制度年度の上限価格）。買い手が対象事業者（遵守のため登録された施設の口座）でなければ拒否されます。発行は別の国の管理者の承認を待ち、承認後に同じ内容で再度売却すると完了します（このページは同じ指示を送ります）。",
  },
  "cs.accountField": { en: "Buyer account", ja: "買い手の口座" },
  "cs.accountHint": { en: "The operator holding account of an installation registered for compliance", ja: "遵守のため登録された施設の事業者保有口座" },
  "cs.classField": { en: "Allowance class", ja: "排出枠のクラス" },
  "cs.quantityField": { en: "Allowances to sell", ja: "売却する排出枠の量" },
  "cs.submit": { en: "Sell at the ceiling", ja: "上限価格で売却" },
  "cs.noClasses": { en: "The registry defines no allowance class yet.", ja: "登録簿には排出枠のクラスがまだ定義されていません。" },
  "cs.fieldRefused": { en: "Refused: the reason is given below.", ja: "拒否されました。理由は下に表示されています。" },
  "cs.awaiting": {
    en: "The sale's issuance beyond the cap, {id}, awaits a second national administrator's approval ({approvals}). Nothing is sold yet: once it is approved, sell again with the same figures to complete the sale.",
    ja: "売却のためのキャップを超えた発行 {id} は別の国の管理者の承認を待っています（{approvals}）。まだ売却されていません。承認後、同じ内容で再度売却すると売却が完了します。",
  },
  "cs.approvalsPage": { en: "approvals page", ja: "承認待ちの画面" },
  "cs.soldNotice": {
    en: "Sold: {quantity} {class} to {account} at {price}, {amount} in all, issued beyond the cap ({issuance}).",
    ja: "{account}に{quantity} {class}を{price}で売却しました（合計{amount}、キャップを超えた発行 {issuance}）。",
  },
} as const satisfies Record<string, Entry>;
