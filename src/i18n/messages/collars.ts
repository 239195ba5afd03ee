// The page of payments in place of allowances (web/src/pages/compliance/ceiling-payments.tsx; Japan's
// GX-ETS keeps its price ceiling this way), in English and Japanese. Japanese follows METI's terms:
// 参照上限取引価格 (the reference upper price), 償却 (surrender), 削減義務期間 is not used (GX-ETS
// speaks of 年度, fiscal years). The rules behind checks 11701-11704 are in auction-checks.ts.
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
} as const satisfies Record<string, Entry>;
