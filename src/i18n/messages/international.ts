// The international units' console page (web/src/pages/international): classes with their credit
// attributes and the Article 6.2 book. Terms follow Japan's usage for the Paris Agreement
// (国際的に移転される緩和の成果 ITMO, 相当調整 corresponding adjustment, 初回移転 first transfer).
import type { Entry } from "../entry.ts";

export const INTERNATIONAL_MESSAGES = {
  "intl.title": { en: "International units", ja: "国際クレジット" },
  "intl.intro": {
    en: "Classes of international units with their credit attributes, and the Article 6.2 book: authorizations, first transfers and corresponding adjustments per year, as the registry recorded them.",
    ja: "国際クレジットのクラスとそのクレジット属性、および6条2項の記録（承認、初回移転、年別の相当調整）を登録簿の記録どおりに表示します。",
  },
  "intl.classes": { en: "Classes and their attributes", ja: "クラスと属性" },
  "intl.noClasses": { en: "No international class is defined.", ja: "国際クレジットのクラスはまだ定義されていません。" },
  "intl.class": { en: "Class", ja: "クラス" },
  "intl.mechanism": { en: "Mechanism", ja: "メカニズム" },
  "intl.unitType": { en: "Unit type", ja: "ユニット種別" },
  "intl.host": { en: "Host", ja: "ホスト国" },
  "intl.vintage": { en: "Vintage", ja: "ビンテージ" },
  "intl.cooperativeApproach": { en: "Cooperative approach", ja: "協力的アプローチ" },
  "intl.labels": { en: "Labels", ja: "ラベル" },
  "intl.issued": { en: "Issued", ja: "発行量" },
  "intl.book": { en: "Article 6.2 book of {party}", ja: "{party} の6条2項記録" },
  "intl.authorizations": { en: "Authorizations", ja: "承認" },
  "intl.authorization": { en: "Authorization", ja: "承認" },
  "intl.version": { en: "Version", ja: "版" },
  "intl.purposes": { en: "Purposes", ja: "目的" },
  "intl.parties": { en: "Authorized Parties", ja: "承認された締約国" },
  "intl.quantity": { en: "Quantity", ja: "数量" },
  "intl.covered": { en: "Covered", ja: "対象済み" },
  "intl.firstTransfers": { en: "First transfers", ja: "初回移転" },
  "intl.record": { en: "Record", ja: "記録" },
  "intl.date": { en: "Date", ja: "日付" },
  "intl.to": { en: "Acquiring Party", ja: "取得締約国" },
  "intl.adjustments": { en: "Corresponding adjustments per year", ja: "年別の相当調整" },
  "intl.party": { en: "Party", ja: "締約国" },
  "intl.year": { en: "Year", ja: "年" },
  "intl.firstTransferred": { en: "First transferred", ja: "初回移転量" },
  "intl.used": { en: "Used towards the NDC", ja: "NDCへの使用量" },
  "intl.adjustment": { en: "Adjustment", ja: "調整量" },
  "intl.none": { en: "None.", ja: "なし。" },
  "nav.international": { en: "International units", ja: "国際クレジット" },
} as const satisfies Record<string, Entry>;
