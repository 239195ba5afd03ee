// The rules behind the numbered compliance checks (src/domain/compliance/codes.ts, 9xxx), keyed
// `check.<name>` like the ledger's and the security layer's (messages/checks.ts), written as the
// rule so that one text serves a refusal in the console, the API and the CLI. Three names are
// shared with other catalogues and keep their text in messages/checks.ts: input-invalid (9000 and
// the security layer's 8020, the same rule), quantity-not-positive-whole (9213 and the ledger's
// 3001, the same rule) and source-unknown (9009, an activity's source stream, but the ledger's
// 1001 is a source account: the text there speaks of the account).
// test/i18n.test.ts checks that every compliance code has an entry.
import type { Entry } from "../entry.ts";

export const COMPLIANCE_CHECK_MESSAGES = {
  // ---- 90xx monitoring plans and emission reports
  "check.fuel-unknown": { en: "A combustion source names a fuel of the rulebook, or carries its own emission factor and net calorific value.", ja: "燃焼源は、ルールブックにある燃料を指定するか、独自の排出係数と真発熱量を持つこと。" },
  "check.activity-negative": { en: "Activity data (fuel burnt, material used, electricity bought, gas emitted) are quantities of zero or more.", ja: "活動量（燃料使用量、原料使用量、購入電力量、ガス排出量）は0以上であること。" },
  "check.gas-unknown": { en: "A gas must have a global warming potential in the rulebook's set.", ja: "ガスには、ルールブックの地球温暖化係数の一覧に値があること。" },
  "check.gas-not-covered": { en: "A source may emit only gases the rulebook covers.", ja: "排出源が排出するガスは、ルールブックの対象ガスに限られること。" },
  "check.tier-below-minimum": { en: "Each parameter of a source is determined at least at the tier the rulebook requires for the installation's category.", ja: "排出源の各パラメータは、施設区分についてルールブックが求めるティア以上で決定されていること。" },
  "check.parameter-missing": { en: "A source carries every parameter its kind uses (emission factor, net calorific value, supplier factor, gas).", ja: "排出源は、その種類が用いるパラメータ（排出係数、真発熱量、供給事業者の係数、ガス）をすべて持つこと。" },
  "check.unit-mismatch": { en: "Activity data are in the unit the source's factor expects.", ja: "活動量は、排出源の係数が前提とする単位で示されていること。" },
  "check.source-duplicate": { en: "A source id appears once in a monitoring plan, and once in a year's activity data.", ja: "排出源の識別子は、モニタリング計画と各年の活動量にそれぞれ1回だけ現れること。" },
  "check.activity-missing": { en: "Every source of the monitoring plan has activity data for the reporting year (0 when it did not run).", ja: "モニタリング計画のすべての排出源に、報告年の活動量があること（稼働しなかった場合は0）。" },
  "check.factor-out-of-range": { en: "Oxidation and conversion factors and biomass fractions lie between 0 and 1; emission factors are zero or more.", ja: "酸化係数・転換係数・バイオマス比率は0以上1以下、排出係数は0以上であること。" },
  "check.plan-mismatch": { en: "A report is for the installation of its monitoring plan and a year the plan is in force.", ja: "報告は、モニタリング計画の施設について、計画が有効な年のものであること。" },
  // ---- 91xx verification, corrections and estimates
  "check.verifier-not-accredited": { en: "Only a verifier with an accreditation record may give an opinion.", ja: "意見を表明できるのは、認定記録のある検証機関に限られること。" },
  "check.accreditation-not-valid": { en: "The accreditation is valid on the date of the opinion: started, not expired, not suspended or withdrawn.", ja: "認定が意見表明日に有効であること（開始済みで、失効・一時停止・取消されていない）。" },
  "check.scope-not-covered": { en: "The accreditation's scope covers the installation's activity.", ja: "認定の範囲が施設の事業活動を含むこと。" },
  "check.conflict-consecutive-years": { en: "A verifier verifies one installation for at most the rulebook's number of consecutive years.", ja: "検証機関が同一施設を連続して検証できるのは、ルールブックが定める年数までであること。" },
  "check.conflict-cooling-off": { en: "After reaching the maximum, a verifier waits the cooling-off years before verifying that installation again.", ja: "上限に達した検証機関は、冷却期間を経てから同じ施設を再び検証すること。" },
  "check.conflict-services": { en: "A verifier that advised the operator or prepared its monitoring plan or report may not verify it within the period the rulebook sets.", ja: "事業者に助言し、またはそのモニタリング計画や報告を作成した検証機関は、ルールブックが定める期間内はその検証を行えないこと。" },
  "check.conflict-affiliation": { en: "A verifier owned by, owning, or sharing an owner with the operator may never verify it.", ja: "事業者と資本関係にある（所有する、所有される、所有者が共通する）検証機関は、その事業者を検証できないこと。" },
  "check.opinion-inconsistent": { en: "A positive or qualified opinion needs uncorrected misstatements below the materiality level and no unresolved material non-conformity; otherwise the opinion is negative.", ja: "適正または限定付きの意見には、未修正の虚偽表示が重要性の基準値未満で、未解決の重要な不適合がないことが必要であり、そうでなければ意見は不適正となること。" },
  "check.report-already-verified": { en: "A report version is verified once; a change after that is a correction (a new version with reasons).", ja: "報告の各版の検証は1回限りであり、その後の変更は訂正（理由を付した新しい版）とすること。" },
  "check.correction-reason-missing": { en: "A correction of a verified report carries at least one reason.", ja: "検証済みの報告の訂正には、理由を1つ以上付すこと。" },
  "check.correction-base-unknown": { en: "A correction names the current locked version of that installation's report for that year.", ja: "訂正は、その施設・年度の報告の現在の確定版を指定すること。" },
  "check.estimate-over-verified": { en: "A conservative estimate is set only where no verified report is locked for the installation and year.", ja: "保守的な推計値は、その施設・年度に確定した検証済み報告がない場合に限り設定すること。" },
  "check.verifier-not-appointed": { en: "A verifier gives an opinion only on the report of an installation and year whose operator appointed it, and only an accredited verifier is appointed.", ja: "検証機関が意見を表明できるのは、事業者から選任された施設・年度の報告に限られ、選任できるのは認定を受けた検証機関に限られること。" },
  "check.report-not-found": { en: "A verification names a report version that was submitted for that installation and year.", ja: "検証は、その施設・年度について提出された報告の版を指定すること。" },
  // ---- 92xx surrender and unit eligibility
  "check.unit-type-not-eligible": { en: "Only the scheme's allowances and the credit types the rulebook lists count toward an obligation.", ja: "義務の履行に充てられるのは、制度の排出枠とルールブックが認めるクレジットの種類に限られること。" },
  "check.vintage-not-yet-valid": { en: "Allowances of a vintage after the compliance period count only where the rulebook allows borrowing.", ja: "履行期間より後の年次の排出枠は、ルールブックが借入れを認める場合に限り充当できること。" },
  "check.banking-not-allowed": { en: "Allowances of an earlier trading period count only where the rulebook allows banking across periods.", ja: "前の取引期間の排出枠は、ルールブックが期間をまたぐバンキングを認める場合に限り充当できること。" },
  "check.vintage-too-early": { en: "Units older than the rulebook's earliest eligible vintage, or outside the credit type's vintage window, do not count.", ja: "ルールブックの最も古い適格年次より古いユニット、またはクレジットの種類の適格年次の範囲外のユニットは充当できないこと。" },
  "check.credit-limit-obligation": { en: "Credits of a limited type cover at most the rulebook's share of the obligation.", ja: "上限のあるクレジットの充当は、義務量に対するルールブックの比率までであること。" },
  "check.credit-limit-allocation": { en: "Credits of a limited type cover at most the rulebook's share of the free allocation.", ja: "上限のあるクレジットの充当は、無償割当量に対するルールブックの比率までであること。" },
  "check.credit-limit-reduction": { en: "Credits of a limited type cover at most the rulebook's share of the required reduction (Tokyo: one third).", ja: "上限のあるクレジットの充当は、削減義務量に対するルールブックの比率（東京都では3分の1）までであること。" },
  "check.borrowing-limit-exceeded": { en: "Limited borrowing covers at most the rulebook's share of the obligation.", ja: "制限付きの借入れによる充当は、義務量に対するルールブックの比率までであること。" },
  "check.borrowing-too-far-ahead": { en: "Borrowed allowances come from at most the rulebook's number of years ahead.", ja: "借り入れる排出枠は、ルールブックが定める年数より先の年次のものでないこと。" },
  "check.holding-insufficient": { en: "An operator surrenders only units it holds (available, not earmarked).", ja: "事業者が償却できるのは、保有していて利用可能な（引当てのない）ユニットに限られること。" },
  "check.surrender-after-deadline": { en: "Where the rulebook forbids it, nothing is surrendered for a compliance period after its deadline.", ja: "ルールブックが禁じる場合、償却期限の後にその履行期間のための償却はできないこと。" },
  "check.origin-not-eligible": { en: "Allowances count only when issued by the scheme itself or a scheme the rulebook links to.", ja: "排出枠を充当できるのは、その制度またはルールブックがリンクする制度が発行したものに限られること。" },
  "check.surrender-period-closed": { en: "Nothing is surrendered for, or taken back by a reversal from, a compliance period already closed for that installation.", ja: "その施設について締め切られた履行期間には、償却も、取消による償却の戻しもできないこと。" },
  "check.exchange-remainder": { en: "Under an exchange rate a quantity of credits must convert to whole allowances; the nearest quantities that do are named.", ja: "交換比率がある場合、クレジットの数量は排出枠の整数量に換算できること（換算できる最も近い数量を示す）。" },
  // ---- 93xx obligations, periods, changes, true-ups
  "check.period-unknown": { en: "A compliance period is one the rulebook defines (or a single year when it lists none).", ja: "履行期間は、ルールブックが定めるもの（定めがなければ単年）であること。" },
  "check.emissions-not-determined": { en: "An obligation needs verified (or estimated) emissions for every year of the period it covers.", ja: "義務量の算定には、対象期間のすべての年について検証済み（または推計）の排出量が必要であること。" },
  "check.date-outside-period": { en: "A closure, change of owner or entry falls inside the compliance period it changes.", ja: "廃止・事業者の変更・新規参入の日付は、それが変更する履行期間の中にあること。" },
  "check.changes-conflict": { en: "Changes within a period come in date order, with at most one closure and nothing after it.", ja: "期間内の変更は日付順であり、廃止は1回までで、その後に変更がないこと。" },
  "check.base-output-missing": { en: "A pre-allocation needs the base-year output; a true-up needs the verified output.", ja: "事前割当には基準年の生産量が、事後調整には検証済みの生産量が必要であること。" },
  "check.not-ex-post": { en: "Ex-post issuance of excess reductions applies only where the rulebook's obligation is the excess over a facility cap (Tokyo).", ja: "超過削減量の事後発行は、ルールブックの義務が施設上限を超える排出分である場合（東京都）に限られること。" },
  "check.period-not-due": { en: "A compliance period is closed only after its surrender deadline.", ja: "履行期間の締切りは、償却期限の後に限られること。" },
  "check.duplicate-installation": { en: "Closing a period lists each installation once.", ja: "期間の締切りでは、各施設を1回だけ扱うこと。" },
  "check.rulebook-missing": { en: "Compliance in the registry needs the scheme's rulebook, recorded in the store by the server or a played scenario, with a compliance section.", ja: "登録簿での義務履行には、サーバーまたはシナリオ再生が記録した、義務履行の節を持つ制度のルールブックが必要であること。" },
  "check.installation-unknown": { en: "An installation is registered for compliance, with its operator holding account, before plans, reports, verifiers and obligations name it.", ja: "計画・報告・検証機関・義務が施設を指定する前に、その施設が事業者保有口座とともに義務対象として登録されていること。" },
  "check.installation-account-mismatch": { en: "An installation is registered once, with an open operator holding account whose installation it is.", ja: "施設の登録は1回限りで、その施設の開設中の事業者保有口座とともに行うこと。" },
  "check.closure-obligations-open": { en: "The operator holding account of an installation under compliance closes only when every year it reported is verified (or estimated) and every compliance period it surrendered into is closed.", ja: "義務対象施設の事業者保有口座を閉鎖できるのは、報告したすべての年が検証済み（または推計済み）で、償却したすべての履行期間が締め切られた後に限られること。" },
  "check.true-up-not-applicable": { en: "A true-up is booked only for an installation registered with a sector and product whose rule has an ex-ante share (China's power sector).", ja: "事後調整を計上できるのは、事前割当の比率を定める部門・製品で登録された施設（中国の電力部門）に限られること。" },
  "check.true-up-not-verified": { en: "A true-up is booked only once the installation's report for the year is verified; an estimate does not count.", ja: "事後調整は、その年の施設の報告が検証された後に限り計上でき、推計値では計上できないこと。" },
  "check.true-up-booked": { en: "A true-up is booked once per installation and year; asking again with the same verified output answers the booked one, with another figure it is refused.", ja: "事後調整の計上は施設・年ごとに1回限りであり、同じ検証済み生産量での再要求には計上済みの内容を返し、異なる値は拒否すること。" },
  // ---- 94xx penalties
  "check.penalty-rules-missing": { en: "A penalty is computed only from a rulebook that has a penalties section.", ja: "罰則の算定には、罰則の節を持つルールブックが必要であること。" },
  "check.price-required": { en: "A penalty tied to the market price needs that price (or the rulebook's reference price for the year).", ja: "市場価格に連動する罰則には、その価格（またはルールブックのその年の参照価格）が必要であること。" },
  "check.index-missing": { en: "An indexed penalty needs the index of the base year and of the penalty year in the rulebook's table.", ja: "指数連動の罰則には、ルールブックの表に基準年と罰則適用年の指数が必要であること。" },
  "check.year-required": { en: "A penalty that changes by year (indexation, a reference price path) needs the year.", ja: "年によって変わる罰則（指数連動、参照価格の推移）には年の指定が必要であること。" },
} as const satisfies Record<string, Entry>;
