// The rules behind the compliance check codes (src/domain/compliance/codes.ts, 9xxx), keyed
// `check.<name>` like the ledger's and the security layer's, written as the rule so a refusal reads
// "refused by rule 9205: ...". Two names are shared with other catalogues because they state the
// same rule there, and keep the entry of checks.ts: input-invalid (security 8020: a field is
// malformed) and quantity-not-positive-whole (ledger 3001). test/i18n.test.ts checks that every
// compliance check has an entry in both languages and that no other name is shared.
import type { Entry } from "../entry.ts";

export const COMPLIANCE_CHECK_MESSAGES = {
  // ---- 90xx monitoring plans and emission reports
  "check.fuel-unknown": { en: "A combustion source names a fuel the rulebook lists, or carries its own emission factor and net calorific value.", ja: "燃焼による排出源は、ルールブックに定める燃料を指定するか、独自の排出係数と真発熱量を備えること。" },
  "check.activity-negative": { en: "Activity data are quantities of zero or more.", ja: "活動量は0以上の数量であること。" },
  "check.gas-unknown": { en: "A gas has a global warming potential in the rulebook's set.", ja: "ガスはルールブックの地球温暖化係数の表に載っていること。" },
  "check.gas-not-covered": { en: "A source emits only gases the rulebook covers.", ja: "排出源はルールブックの対象ガスのみを排出すること。" },
  "check.tier-below-minimum": { en: "Each parameter of a source is determined at least at the tier the rulebook requires.", ja: "排出源の各パラメータは、ルールブックが求めるティア以上で決定されること。" },
  "check.parameter-missing": { en: "A source carries every parameter its kind uses.", ja: "排出源はその種類が用いるすべてのパラメータを備えること。" },
  "check.unit-mismatch": { en: "Activity data are in the unit the source's factor expects.", ja: "活動量は排出源の係数が前提とする単位であること。" },
  "check.source-duplicate": { en: "A source appears once in a monitoring plan and once in a year's activity data.", ja: "排出源はモニタリング計画と各年の活動量にそれぞれ一度だけ現れること。" },
  "check.source-not-in-plan": { en: "Activity data name a source of the installation's monitoring plan.", ja: "活動量は、その施設のモニタリング計画に記載された排出源のものであること。" },
  "check.activity-missing": { en: "Every source of the monitoring plan has activity data for the year (zero when it did not run).", ja: "モニタリング計画の各排出源について、その年の活動量があること（稼働しなかった場合は0）。" },
  "check.factor-out-of-range": { en: "Oxidation and conversion factors and biomass fractions lie between 0 and 1; emission factors are zero or more.", ja: "酸化係数・変換係数・バイオマス比率は0から1の間、排出係数は0以上であること。" },
  "check.plan-mismatch": { en: "A report is for the installation of its monitoring plan and a year the plan is in force.", ja: "報告は、モニタリング計画の施設についての、計画が有効な年のものであること。" },
  // ---- 91xx verification, corrections and estimates
  "check.verifier-not-accredited": { en: "Only a verifier with an accreditation record may give an opinion.", ja: "認定記録のある検証機関のみが検証意見を出せること。" },
  "check.accreditation-not-valid": { en: "The accreditation is valid on the day of the opinion: started, not expired, not suspended or withdrawn.", ja: "認定が意見の日に有効であること（開始済みで、期限切れ・停止・取消でないこと）。" },
  "check.scope-not-covered": { en: "The accreditation's scope covers the installation's sector.", ja: "認定の範囲が施設の業種を含むこと。" },
  "check.conflict-consecutive-years": { en: "A verifier verifies one installation for at most the rulebook's number of consecutive years.", ja: "検証機関が同じ施設を検証できるのは、ルールブックが定める連続年数までであること。" },
  "check.conflict-cooling-off": { en: "After the maximum, a verifier waits the cooling-off years before verifying that installation again.", ja: "上限に達した検証機関は、冷却期間を経るまでその施設を再び検証しないこと。" },
  "check.conflict-services": { en: "A verifier that advised the operator or prepared its plan or report may not verify it within the years the rulebook sets.", ja: "事業者に助言した、または計画や報告を作成した検証機関は、ルールブックの定める期間内はその検証をしないこと。" },
  "check.conflict-affiliation": { en: "A verifier linked to the operator by ownership may never verify it (conflict of interest).", ja: "資本関係で事業者とつながる検証機関は、その検証を一切行わないこと（利益相反）。" },
  "check.opinion-inconsistent": { en: "A positive or qualified opinion needs misstatements below the materiality level and no unresolved material non-conformity; otherwise the opinion is negative.", ja: "適正または限定付きの意見には、重要性の基準を下回る虚偽記載と、未解決の重要な不適合がないことが必要であり、それ以外は否定的意見とすること。" },
  "check.report-already-verified": { en: "A report version is verified once; a change after that is a correction with reasons.", ja: "報告の各版の検証は一度だけであり、その後の変更は理由を付した訂正とすること。" },
  "check.correction-reason-missing": { en: "A correction of a verified report gives at least one reason.", ja: "検証済みの報告の訂正には少なくとも一つの理由を付すこと。" },
  "check.correction-base-unknown": { en: "A correction names the current version of the installation's report for the year.", ja: "訂正は、その施設のその年の報告の現行版を指定すること。" },
  "check.estimate-over-verified": { en: "A conservative estimate is set only where no verified report is locked.", ja: "保守的な推計は、検証済みの報告が確定していない場合に限り設定すること。" },
  "check.verifier-not-appointed": { en: "A verifier gives an opinion only on a report whose operator appointed it.", ja: "検証機関は、事業者から選任された報告についてのみ意見を出すこと。" },
  "check.report-not-found": { en: "A verification names a report version that was submitted.", ja: "検証は提出済みの報告の版を指定すること。" },
  // ---- 92xx surrender and unit eligibility
  "check.unit-type-not-eligible": { en: "Only the scheme's allowances and the eligible credit types count toward an obligation.", ja: "義務に充当できるのは、制度の排出枠と適格なクレジットの種類に限られること。" },
  "check.vintage-not-yet-valid": { en: "Allowances of a later vintage count only where the rulebook allows borrowing.", ja: "後の年次の排出枠は、ルールブックが借入を認める場合に限り充当できること。" },
  "check.banking-not-allowed": { en: "Allowances of an earlier trading period count only where the rulebook allows banking.", ja: "以前の取引期間の排出枠は、ルールブックがバンキングを認める場合に限り充当できること。" },
  "check.vintage-too-early": { en: "Units older than the earliest eligible vintage do not count.", ja: "適格な最も古い年次より古いユニットは充当できないこと。" },
  "check.credit-limit-obligation": { en: "Credits of a limited type cover at most the rulebook's share of the obligation.", ja: "上限のある種類のクレジットで充当できるのは、義務量のうちルールブックが定める割合までであること。" },
  "check.credit-limit-allocation": { en: "Credits of a limited type cover at most the rulebook's share of the free allocation.", ja: "上限のある種類のクレジットで充当できるのは、無償割当量のうちルールブックが定める割合までであること。" },
  "check.credit-limit-reduction": { en: "Credits of a limited type cover at most the rulebook's share of the required reduction.", ja: "上限のある種類のクレジットで充当できるのは、削減義務量のうちルールブックが定める割合までであること。" },
  "check.borrowing-limit-exceeded": { en: "Limited borrowing covers at most the rulebook's share of the obligation.", ja: "制限付きの借入で充当できるのは、義務量のうちルールブックが定める割合までであること。" },
  "check.borrowing-too-far-ahead": { en: "Borrowed allowances come from at most the rulebook's number of years ahead.", ja: "借り入れる排出枠は、ルールブックが定める年数先までのものであること。" },
  "check.holding-insufficient": { en: "An operator surrenders only units it holds and has available.", ja: "事業者は保有し利用可能なユニットのみを償却できること。" },
  "check.surrender-after-deadline": { en: "Where the rulebook forbids it, nothing is surrendered for a period after its deadline.", ja: "ルールブックが禁じる場合、期限後にその期間のための償却はできないこと。" },
  "check.origin-not-eligible": { en: "Allowances count only when issued by the scheme itself or a scheme it links to.", ja: "排出枠は、制度自身またはリンクした制度が発行したものに限り充当できること。" },
  "check.surrender-period-closed": { en: "Nothing is surrendered for, or taken back from, a compliance period already closed.", ja: "締め切られた遵守期間について、償却も取消による戻しもできないこと。" },
  "check.exchange-remainder": { en: "Under an exchange rate, a quantity of credits converts to whole allowances.", ja: "交換比率の下では、クレジットの数量が排出枠の整数量に換算できること。" },
  // ---- 93xx obligations, periods, changes, true-ups
  "check.period-unknown": { en: "A compliance period is one the rulebook defines.", ja: "遵守期間はルールブックが定めるものであること。" },
  "check.emissions-not-determined": { en: "An obligation needs verified or estimated emissions for every year of its period.", ja: "義務量の算定には、期間の各年の検証済みまたは推計の排出量が必要であること。" },
  "check.date-outside-period": { en: "A closure, change of owner or entry falls inside the compliance period it changes.", ja: "廃止・所有者変更・新規参入は、それが変更する遵守期間内の日付であること。" },
  "check.changes-conflict": { en: "Changes within a period come in date order, with at most one closure and nothing after it.", ja: "期間内の変更は日付順であり、廃止は一度までで、その後に変更がないこと。" },
  "check.base-output-missing": { en: "A pre-allocation needs the base-year output; a true-up needs the verified output.", ja: "事前割当には基準年の生産量が、精算には検証済みの生産量が必要であること。" },
  "check.period-not-due": { en: "A compliance period is closed only after its surrender deadline.", ja: "遵守期間は償却期限の後にのみ締め切れること。" },
  "check.duplicate-installation": { en: "Closing a period lists each installation once.", ja: "期間の締切では各施設を一度だけ扱うこと。" },
  "check.rulebook-missing": { en: "Compliance needs the scheme's rulebook with a compliance section, recorded by the server.", ja: "遵守の手続には、サーバーが記録した遵守の節を持つ制度のルールブックが必要であること。" },
  "check.installation-unknown": { en: "An installation is registered for compliance before plans, reports, verifiers and obligations name it.", ja: "施設は、計画・報告・検証機関・義務で指定される前に遵守の対象として登録されていること。" },
  "check.installation-account-mismatch": { en: "An installation is registered once, with an open operator holding account whose installation it is.", ja: "施設の登録は一度だけで、その施設の開設中の事業者保有口座と共に行うこと。" },
  "check.closure-obligations-open": { en: "An installation's account closes only when its reports are verified and its compliance periods are closed.", ja: "施設の口座は、報告が検証され遵守期間が締め切られた後にのみ閉鎖できること。" },
  // 9313-9315: the true-up codes the compliance back end (branch comp3) adds, worded here so the merge keeps every code readable
  "check.true-up-not-applicable": { en: "A true-up is booked only for an installation whose sector and product have an ex-ante share in the rulebook.", ja: "精算は、ルールブックで事前割当の割合が定められた業種・製品の施設に限り記帳できること。" },
  "check.true-up-not-verified": { en: "A true-up is booked only once the installation's report for the year is verified; an estimate does not count.", ja: "精算は、その年の施設の報告が検証された後に限り記帳でき、推計は含まれないこと。" },
  "check.true-up-booked": { en: "A true-up is booked once per installation and year; asking again with another figure is refused.", ja: "精算は施設と年ごとに一度だけ記帳でき、異なる数値での再申請は拒否されること。" },
  "check.ex-post-not-verified": { en: "Excess reductions are issued only once the emissions of every year of the period are verified; an estimate does not count.", ja: "超過削減量は、期間の全年度の排出量が検証された後に限り発行でき、推計は含まれないこと。" },
  "check.ex-post-no-surplus": { en: "Excess reductions are issued only where the period's verified emissions are below the facility cap.", ja: "超過削減量は、期間の検証済み排出量が施設の上限を下回る場合に限り発行できること。" },
  "check.ex-post-issued": { en: "Excess reductions are issued once per installation and compliance period.", ja: "超過削減量の発行は施設と遵守期間ごとに一度だけであること。" },
  "check.ex-post-awaiting-approval": { en: "An ex-post issuance waits for a second national administrator's approval; the same command then completes it.", ja: "事後発行は別の国の管理者の承認を待ち、承認後に同じコマンドで完了すること。" },
  "check.ex-post-without-service": { en: "Ex-post issuance transactions are written only by the ex-post issuance service, for the figure the verified emissions give.", ja: "事後発行の取引は事後発行の手続によってのみ、検証済み排出量から算定した数量で記録されること。" },
  "check.not-ex-post": { en: "Ex-post issuance of excess reductions applies only where the obligation is the excess over a facility cap.", ja: "超過削減量の事後発行は、義務が施設の上限を超える排出量である制度に限られること。" },
  // ---- 94xx penalties
  "check.penalty-rules-missing": { en: "A penalty is computed only from a rulebook with a penalties section.", ja: "罰則はルールブックに罰則の節がある場合にのみ算定できること。" },
  "check.price-required": { en: "A penalty tied to the market price needs that price.", ja: "市場価格に連動する罰則にはその価格が必要であること。" },
  "check.index-missing": { en: "An indexed penalty needs the index of the base year and of the penalty year.", ja: "指数連動の罰則には、基準年と罰則年の指数が必要であること。" },
  "check.year-required": { en: "A penalty that changes by year needs the year.", ja: "年によって変わる罰則には年の指定が必要であること。" },
} as const satisfies Record<string, Entry>;
