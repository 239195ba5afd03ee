// The rules behind the auction check codes (src/domain/auction/checks.ts, 110xx-117xx), keyed
// `check.<name>` like the ledger's, the security layer's and compliance's, and written as the rule
// so that one text serves both a refusal ("refused by rule 11308: ...") and a list of checks
// passed. The Japanese follows the terms the project's other Japanese texts use: 市場安定化リザーブ
// (market stability reserve) and 繰入 (its intake), as in checks.ts and the CLI; 流通排出枠総量
// (TNAC), 対象事業者 (covered entity), 入札保証金 (bid guarantee), 非競争入札 (non-competitive bid),
// 落札価格 (clearing price). test/i18n.test.ts checks that every auction check has an entry in both
// languages and that no check name means two rules.
import type { Entry } from "../entry.ts";

export const AUCTION_CHECK_MESSAGES = {
  // ---- 110xx input, ids, rules and accounts
  "check.auction-input-invalid": { en: "Every field of an auction or reserve command must be present, of the right type and within its range.", ja: "オークションまたはリザーブの指示の各項目が存在し、正しい型で、範囲内であること。" },
  "check.auction-unknown": { en: "The auction must exist.", ja: "オークションが存在すること。" },
  "check.auction-command-differs": { en: "A command id used again must carry the same content; the same command again answers its first result.", ja: "同じ指示IDを再び使う場合は同じ内容であること（同じ指示の再送には最初の結果を返す）。" },
  "check.auction-no-rules": { en: "Auctions run on the rulebook the registry records, which must have an auctions section (and a market stability reserve section for the reserve).", ja: "オークションは登録簿が記録したルールブックに基づいて行い、そのルールブックにオークションの節（市場安定化リザーブにはその節）があること。" },
  "check.auction-account-invalid": { en: "The accounts an auction names must exist, be open and be of their role's type: an auction account for the auction, a reserve account for a reserve tier, a holding account for a bidder.", ja: "オークションが指定する口座が存在し、開設中で、役割に応じた種類であること（オークションにはオークション口座、リザーブ区分にはリザーブ口座、入札者には保有口座）。" },
  "check.auction-class-invalid": { en: "An auction sells units of one defined allowance class.", ja: "オークションで売却するのは、定義済みの排出枠クラス1つのユニットであること。" },
  "check.auction-exists": { en: "An auction id is used once.", ja: "オークションIDは一度だけ使えること。" },
  // ---- 111xx the calendar
  "check.calendar-no-volume": { en: "A year's calendar needs the year's auction volume: published in the rulebook or given.", ja: "年間日程には、その年のオークション数量（ルールブックの公表値または指定値）が必要であること。" },
  "check.calendar-no-auctions": { en: "A calendar needs the number of auctions a year, from the rulebook's calendar or auction frequency.", ja: "年間日程には、ルールブックの日程または開催頻度による年間のオークション回数が必要であること。" },
  "check.calendar-negative-volume": { en: "The market stability reserve's monthly changes may not take an auction's volume below zero.", ja: "市場安定化リザーブによる月次の増減で、オークション数量が負にならないこと。" },
  "check.calendar-exists": { en: "A year's calendar is written once.", ja: "年間日程は一度だけ作成できること。" },
  "check.calendar-entry-unknown": { en: "An auction is created for an entry of the year's calendar, so the calendar is written first.", ja: "オークションはその年の日程の回に対して作成すること（日程を先に作成する）。" },
  "check.calendar-entry-taken": { en: "A calendar entry is auctioned once.", ja: "日程の各回は一度だけオークションにかけられること。" },
  // ---- 112xx bidders
  "check.bidder-exists": { en: "A bidder is admitted to an auction once, with one account; an account bids for one bidder.", ja: "入札者は1つのオークションに1つの口座で一度だけ参加を認められ、1つの口座は1入札者のためにのみ入札すること。" },
  "check.bidder-unknown": { en: "Bids are placed for a bidder admitted to the auction.", ja: "入札は、オークションへの参加を認められた入札者のために行うこと。" },
  // ---- 113xx bids
  "check.bid-quantity-not-positive": { en: "A bid is for a positive number of allowances.", ja: "入札は正の数量の排出枠に対するものであること。" },
  "check.bid-not-whole-lots": { en: "A bid is for a whole number of lots.", ja: "入札数量が入札単位（ロット）の整数倍であること。" },
  "check.bid-price-negative": { en: "A bid price is not negative and has at most the auction's number of price decimals.", ja: "入札価格が負でなく、小数の桁数がオークションの定める桁数以内であること。" },
  "check.bid-price-missing": { en: "A bid without a price (non-competitive) is taken only where the rules allow non-competitive bids.", ja: "価格のない入札（非競争入札）は、規則が非競争入札を認める場合に限り受け付けること。" },
  "check.bid-too-large": { en: "A bid's quantity and price are below 2^53.", ja: "入札の数量と価格が 2^53 未満であること。" },
  "check.bidder-not-qualified": { en: "Only bidders admitted to the auction bid.", ja: "入札できるのは、オークションへの参加を認められた入札者のみであること。" },
  "check.bidder-not-covered": { en: "Where only covered entities may bid (or bid without a price), the bidder must be one.", ja: "対象事業者のみが入札（または価格なしの入札）できる場合、入札者が対象事業者であること。" },
  "check.bidder-over-limit": { en: "A bidder's bids together may not exceed its share of the volume offered (RGGI: 25%).", ja: "入札者の入札の合計が、売出数量に対して認められた割合（RGGI では25%）を超えないこと。" },
  "check.bidder-without-guarantee": { en: "Where the rules require a bid guarantee, the bidder must have lodged one when admitted.", ja: "規則が入札保証金を求める場合、入札者が参加を認められた時点で保証金を差し入れていること。" },
  "check.bid-over-guarantee": { en: "A bidder's bids together (quantity x price) may not exceed its bid guarantee.", ja: "入札者の入札の合計（数量×価格）が入札保証金を超えないこと。" },
  "check.noncompetitive-over-cap": { en: "A bidder's non-competitive bids together may not exceed the per-bidder cap.", ja: "入札者の非競争入札の合計が、入札者ごとの上限を超えないこと。" },
  "check.bids-sealed": { en: "Bids are sealed until the auction closes: before it, each bidder sees only its own bids, and nobody else sees any.", ja: "入札は締切まで封印され、締切前は各入札者が自らの入札のみを閲覧でき、他の者はいずれも閲覧できないこと。" },
  // ---- 114xx an auction's status
  "check.auction-not-open": { en: "Bidders are admitted and bids placed only while the auction is open; it closes once.", ja: "入札者の参加承認と入札は、オークションの受付中に限り行えること（締切は一度だけ）。" },
  "check.auction-not-closed": { en: "Results exist, and are published, only once the auction has closed.", ja: "結果はオークションの締切後にのみ確定し、公表されること。" },
  "check.auction-not-settleable": { en: "Only a closed auction with a clearing price is settled; a cancelled auction sells nothing.", ja: "決済できるのは落札価格が決まった締切済みのオークションのみであること（中止されたオークションは何も売却しない）。" },
  "check.reserve-release-pending": { en: "Reserve allowances sold in an auction reach the auction account by a reserve release, approved by a second administrator, before the awards are delivered.", ja: "オークションで売却されたリザーブの排出枠は、落札分の引渡しの前に、2人目の管理者が承認したリザーブからの放出によってオークション口座に移されていること。" },
  // ---- 115xx settlement: the rules on every auction delivery
  "check.delivery-without-settlement": { en: "An auction delivery is written only by the settlement batch of a closed auction, with its payment records in the same database transaction.", ja: "オークションの引渡しは、締切済みオークションの決済の一括処理によってのみ、支払記録と同じデータベーストランザクションで記録されること。" },
  "check.delivery-mismatch": { en: "A settlement delivers each award exactly once: from the auction account, of the auction's class, to the winner's account, the awarded quantity.", ja: "決済は各落札分をちょうど一度だけ、オークション口座から、オークションのクラスで、落札者の口座へ、落札数量どおり引き渡すこと。" },
  "check.delivery-final": { en: "A settled auction delivery is final (delivery against payment): it is not reversed.", ja: "決済済みのオークションの引渡しは代金と引換えの確定した引渡しであり、反対取引の対象にならないこと。" },
  // ---- 116xx the market stability reserve
  "check.msr-not-in-force": { en: "The reserve acts on the TNAC of a year for which the rulebook sets an intake rate.", ja: "市場安定化リザーブは、ルールブックが繰入率を定める年の流通排出枠総量（TNAC）についてのみ作用すること。" },
  "check.msr-negative-input": { en: "The TNAC's figures and the reserve's holdings are not negative.", ja: "流通排出枠総量（TNAC）の各数値とリザーブの保有量が負でないこと。" },
  "check.msr-previous-auction-volume-needed": { en: "Where holdings above the previous year's auction volume are invalidated (2023), that volume must be given.", ja: "前年のオークション数量を超える保有分を無効化する場合（2023年）、その数量が与えられていること。" },
  "check.msr-verified-emissions-missing": { en: "The TNAC needs the verified emissions up to the end of the year: given, or from the compliance records.", ja: "流通排出枠総量（TNAC）の算定には、その年末までの検証済み排出量（指定値または遵守の記録）が必要であること。" },
  "check.msr-decision-exists": { en: "The reserve decides once on the TNAC of a year.", ja: "市場安定化リザーブは、ある年の流通排出枠総量（TNAC）について一度だけ決定すること。" },
  "check.msr-decision-unknown": { en: "A month's intake or release follows a recorded decision on the TNAC of its year.", ja: "各月の繰入または放出は、その年の流通排出枠総量（TNAC）について記録された決定に基づくこと。" },
  "check.msr-month-unknown": { en: "Only a month of the decision's schedule has an intake or release.", ja: "繰入または放出があるのは、決定のスケジュールに含まれる月のみであること。" },
  // ---- 117xx price collars: payment in place of allowances, sale at the ceiling beyond the cap
  "check.ceiling-none": { en: "A payment in place of allowances needs a price ceiling in the rulebook for the year of the compliance period.", ja: "排出枠に代わる支払には、ルールブックに遵守期間の年の上限価格が定められていること。" },
  "check.ceiling-not-payment": { en: "A payment in place of allowances is taken only where the rulebook keeps its ceiling by payment in lieu (as Japan's GX-ETS does).", ja: "排出枠に代わる支払は、ルールブックが上限価格を排出枠に代わる支払で維持する場合（日本の排出量取引制度など）に限り受け付けること。" },
  "check.ceiling-installation-unknown": { en: "A payment in place of allowances is made for an installation registered for compliance.", ja: "排出枠に代わる支払は、遵守の対象として登録された施設について行うこと。" },
  "check.ceiling-period-closed": { en: "A payment counts toward a compliance period only while the period is not closed.", ja: "支払が遵守期間に算入されるのは、その期間が締め切られていない間に限られること。" },
  "check.ceiling-not-sale": { en: "Allowances are sold at the ceiling beyond the cap only where the rulebook keeps its ceiling by fixed-price sales, with a price for the year of the sale.", ja: "上限価格でのキャップを超えた排出枠の売却は、ルールブックが上限価格を固定価格での売却で維持し、売却年の価格を定める場合に限られること。" },
  "check.ceiling-buyer-not-eligible": { en: "A sale at the ceiling is made to a covered entity: an open operator holding account of an installation registered for compliance.", ja: "上限価格での売却の相手は対象事業者、すなわち遵守の対象として登録された施設の開設中の事業者保有口座であること。" },
  "check.ceiling-sale-without-issuance": { en: "A ceiling sale transaction is written only by the sale at the ceiling, one transfer of exactly what its own issuance beyond the cap created; each issuance is sold once.", ja: "上限価格売却の取引は上限価格での売却によってのみ、その売却自身のキャップを超えた発行の数量をそのまま移転する1件として記録され、各発行は一度だけ売却されること。" },
  "check.ceiling-sale-over-limit": { en: "A sale at the ceiling is for at most 10^15 allowances, and its amount (quantity x price) at most 10^30 minor units of the currency.", ja: "上限価格での売却は排出枠 10^15 以下、金額（数量×価格）は通貨の最小単位で 10^30 以下であること。" },
  "check.ceiling-sale-awaiting-issuance": { en: "Allowances issued beyond the cap need a second national administrator: the sale's issuance waits for approval, the same command then completes the sale, and a rejected or expired issuance ends it.", ja: "キャップを超えて発行する排出枠には2人目の国の管理者の承認が必要であること（売却の発行は承認を待ち、承認後に同じ指示で売却が完了し、発行が却下または期限切れとなれば売却は終了する）。" },
  "check.ceiling-sale-unknown": { en: "A sale at the ceiling is completed by its command id only when a sale was requested under that id.", ja: "上限価格での売却を指示IDで完了できるのは、そのIDで売却が指示されている場合に限られること。" },
} as const satisfies Record<string, Entry>;
