// The words of allocation explanations, in English and Japanese. Every line, factor name,
// rounding step, skip reason and derivation the engine writes is a Text: a key of this table and
// its parameters (numbers already written exactly, data such as ids and product names as they
// are, or other Texts). The English rendering is what `ets allocate --explain` prints; the console
// renders the same Texts in the reader's language. Pure data: the i18n catalogue (src/i18n) merges
// this table and its completeness test covers it.

export interface Text {
  readonly key: TextKey;
  readonly params: Readonly<Record<string, TextParam>>;
}
/** A string is written as it is (a number, an id, a name from the data); Texts are rendered; a list of Texts is written one after the other. */
export type TextParam = string | Text | readonly Text[];

export const ALLOCATION_TEXTS = {
  // ---- lines of the computation
  "alloc.line.grandfathering": { en: "baseline {baseline} t x (1 - {rate}) = {amount}", ja: "基準排出量 {baseline} t × (1 − {rate}) = {amount}" },
  "alloc.line.rate": { en: "reduction rate {rate}: {note}", ja: "削減率 {rate}：{note}" },
  "alloc.line.timesFactor": { en: "x {name} {value} = {amount}", ja: "× 係数「{name}」{value} = {amount}" },
  "alloc.line.approach": { en: "[{approach}] {text}", ja: "［{approach}］{text}" },
  "alloc.line.product": { en: "{id}: {product} benchmark {benchmark} x activity {activity}{unit}{factors} = {amount}", ja: "{id}：{product}のベンチマーク {benchmark} × 活動量 {activity}{unit}{factors} = {amount}" },
  "alloc.line.heat": { en: "{id}: heat benchmark {benchmark} t/TJ x {activity} TJ = {amount}", ja: "{id}：熱ベンチマーク {benchmark} t/TJ × {activity} TJ = {amount}" },
  "alloc.line.fuel": { en: "{id}: fuel benchmark {benchmark} t/TJ x {activity} TJ = {amount}", ja: "{id}：燃料ベンチマーク {benchmark} t/TJ × {activity} TJ = {amount}" },
  "alloc.line.process": { en: "{id}: process emissions {emissions} t x {factor} = {amount}", ja: "{id}：プロセス排出 {emissions} t × {factor} = {amount}" },
  "alloc.line.rest": { en: "[rest] {line}", ja: "［その他］{line}" },
  "alloc.line.newEntrant": { en: "capacity {capacity} x utilisation {utilisation} x {product} benchmark {benchmark} = {amount}", ja: "能力 {capacity} × 稼働率 {utilisation} × {product}のベンチマーク {benchmark} = {amount}" },
  "alloc.line.outputs": { en: "output {outputs}: average {average}", ja: "生産量 {outputs}：平均 {average}" },
  "alloc.line.outputBased": { en: "{average} x sector intensity {intensity} = {amount}", ja: "{average} × 部門平均原単位 {intensity} = {amount}" },
  "alloc.line.allowed": { en: "allowed = target {target} x output {output} = {allowed}", ja: "許容排出量 = 目標原単位 {target} × 生産量 {output} = {allowed}" },
  "alloc.line.overAchievement": { en: "over-achievement: {allowed} - emissions {emissions} = {diff} -> {balance} (floor)", ja: "超過達成：{allowed} − 排出量 {emissions} = {diff} → {balance}（切り捨て）" },
  "alloc.line.shortfall": { en: "shortfall: {allowed} - emissions {emissions} = {diff} -> {balance} (ceiling of the shortfall)", ja: "不足：{allowed} − 排出量 {emissions} = {diff} → {balance}（不足分を切り上げ）" },
  "alloc.line.baseline": { en: "{what}: years {from}-{to} (variation {variation}%; whole series {variationAll}%), mean {mean}", ja: "{what}：{from}〜{to}年（変動 {variation}%、全期間 {variationAll}%）、平均 {mean}" },
  "alloc.line.baselineWithout": { en: "{what}: years {from}-{to} without {excluded} (variation {variation}%; whole series {variationAll}%), mean {mean}", ja: "{what}：{from}〜{to}年、{excluded}年を除く（変動 {variation}%、全期間 {variationAll}%）、平均 {mean}" },
  "alloc.line.topLevel": { en: "{level}-level status: rate {rate} x {factor} = {reduced}", ja: "{level}レベルの認定：削減率 {rate} × {factor} = {reduced}" },
  "alloc.line.noFreeAuction": { en: "no free allocation: every allowance is bought", ja: "無償割当なし：すべての排出枠を購入" },
  "alloc.line.noFreeExPost": { en: "no ex-ante allocation: allowances follow verified output (ex post)", ja: "事前割当なし：検証済みの生産量に応じて事後に交付" },
  "alloc.line.freeShare": { en: "free share 1 - {share} ({reason}): {amount} x {keep} = {free}", ja: "無償比率 1 − {share}（{reason}）：{amount} × {keep} = {free}" },
  "alloc.line.correctionUniform": { en: "correction: uniform factor {factor} = {available} / {scaled}; {before} -> {after} (largest remainder)", ja: "補正：一律係数 {factor} = {available} / {scaled}、{before} → {after}（最大剰余法）" },
  "alloc.line.correctionPublished": { en: "correction: published factor {factor}: {before} -> {after} (floor)", ja: "補正：公表係数 {factor}、{before} → {after}（切り捨て）" },
  "alloc.line.noReserve": { en: "no new entrants' reserve in the rules: allocated outside the budget", ja: "ルールに新規参入者リザーブなし：予算の外で割当" },
  "alloc.line.reserve": { en: "reserve: {line}", ja: "リザーブ：{line}" },
  "alloc.line.proRata": { en: "start {start}: {active} of {days} days -> {annual} x {active}/{days} = {requested} (floor)", ja: "開始 {start}：{days}日中 {active}日 → {annual} × {active}/{days} = {requested}（切り捨て）" },
  "alloc.line.queue": { en: "queue position {position} (applied {applied}): granted {granted} of {requested}; reserve left {left}", ja: "順番 {position}（申請 {applied}）：{requested} のうち {granted} を配分、リザーブ残 {left}" },
  "alloc.line.reserveExhausted": { en: "reserve exhausted: {unmet} unmet (to buy on the market or at auction)", ja: "リザーブ枯渇：{unmet} が未充足（市場またはオークションで購入）" },
  "alloc.line.gateway": { en: "gateway {from} -> {to}: {accepted} of the {requested} surplus may be sold into {to}", ja: "ゲートウェイ {from} → {to}：余剰 {requested} のうち {accepted} を {to} に売却可能" },
  "alloc.line.gatewayCap": { en: "gateway {from} -> {to}: {accepted} of the {requested} surplus may be sold into {to} (net flow cap {cap})", ja: "ゲートウェイ {from} → {to}：余剰 {requested} のうち {accepted} を {to} に売却可能（純流量の上限 {cap}）" },
  // changes during the year
  "alloc.line.closed": { en: "{why}: closed from {date}; operated {operated} of {days} days", ja: "{why}：{date} から閉鎖、{days}日中 {operated}日稼働" },
  "alloc.line.kept": { en: "kept {annual} x {operated}/{days} = {kept} (floor); returned {returned}", ja: "保持 {annual} × {operated}/{days} = {kept}（切り捨て）、返還 {returned}" },
  "alloc.line.keptAll": { en: "the rules keep the year's allocation with the operator: nothing returns", ja: "ルールにより年度の割当は事業者が保持：返還なし" },
  "alloc.line.surrenderUpTo": { en: "surrender for emissions {from} to {to}", ja: "{from} から {to} までの排出量について償却" },
  "alloc.line.suspendedNothing": { en: "suspended {from} to {to}: {days} days; the rules return nothing for a suspension", ja: "{from} から {to} まで停止：{days}日、停止に対する返還はルール上なし" },
  "alloc.line.suspended": { en: "suspended {from} to {to}: {days} days; kept {annual} x {keptDays}/{total} = {kept} (floor); returned {returned}", ja: "{from} から {to} まで停止：{days}日、保持 {annual} × {keptDays}/{total} = {kept}（切り捨て）、返還 {returned}" },
  "alloc.line.capacityNothing": { en: "capacity down by {share} from {date}: the rules return nothing for a capacity reduction", ja: "{date} から能力が {share} 減少：能力減少に対する返還はルール上なし" },
  "alloc.line.capacity": { en: "capacity down by {share} from {date} ({remaining} of {total} days): returned {annual} x {share} x {remaining}/{total} = {returned} (floor)", ja: "{date} から能力が {share} 減少（{total}日中 {remaining}日）：返還 {annual} × {share} × {remaining}/{total} = {returned}（切り捨て）" },
  "alloc.line.ownerChange": { en: "owner {from} -> {to} on {date}: {from} keeps {annual} x {before}/{days} = {kept} (floor); {moved} move to {to}", ja: "{date} に所有者が {from} から {to} へ変更：{from} が {annual} × {before}/{days} = {kept} を保持（切り捨て）、{moved} を {to} へ移転" },
  "alloc.line.surrendersUpTo": { en: "{holder} surrenders for emissions up to {date}", ja: "{holder} が {date} までの排出量について償却" },
  "alloc.line.surrendersFrom": { en: "{holder} surrenders for emissions from {date}", ja: "{holder} が {date} 以降の排出量について償却" },
  "alloc.why.closure": { en: "closure", ja: "閉鎖" },
  "alloc.why.stop": { en: "stop of {days} days outside normal business, treated as closure", ja: "通常の事業外の{days}日間の停止（閉鎖として扱う）" },
  "alloc.why.stopOverLimit": { en: "stop of {days} days (> {limit}) outside normal business, treated as closure", ja: "通常の事業外の{days}日間の停止（{limit}日超、閉鎖として扱う）" },
  "alloc.why.belowThreshold": { en: "capacity below the coverage threshold, treated as closure", ja: "能力が対象基準を下回ったため閉鎖として扱う" },
  // ---- pieces of lines
  "alloc.note.linear": { en: "{rate} x {years} years since {from}", ja: "{rate} × {years}年（{from}年から）" },
  "alloc.note.compound": { en: "1 - (1 - {rate})^{years} since {from}", ja: "1 − (1 − {rate})^{years}（{from}年から）" },
  "alloc.unit.year": { en: " output {year}", ja: "（{year}年の生産量）" },
  "alloc.unit.window": { en: " {statistic} output {from}-{to} ({count} years)", ja: "（{from}〜{to}年の生産量の{statistic}、{count}年分）" },
  "alloc.stat.mean": { en: "mean", ja: "平均" },
  "alloc.stat.median": { en: "median", ja: "中央値" },
  "alloc.part.factor": { en: " x {name} {value}", ja: " × 係数「{name}」{value}" },
  "alloc.approach.product": { en: "product", ja: "製品" },
  "alloc.approach.heat": { en: "heat", ja: "熱" },
  "alloc.approach.fuel": { en: "fuel", ja: "燃料" },
  "alloc.approach.process": { en: "process", ja: "プロセス" },
  "alloc.what.baseline": { en: "baseline", ja: "基準排出量" },
  "alloc.what.processBaseline": { en: "process emissions baseline", ja: "プロセス排出の基準量" },
  "alloc.shareReason.schedule": { en: "schedule", ja: "スケジュール" },
  "alloc.shareReason.sector-schedule": { en: "sector-schedule", ja: "部門別スケジュール" },
  "alloc.shareReason.leakage-exposed": { en: "leakage-exposed", ja: "カーボンリーケージのおそれ" },
  "alloc.shareReason.fully-auctioned": { en: "fully-auctioned", ja: "全量オークション" },
  "alloc.none": { en: "none", ja: "なし" },
  "alloc.noneParen": { en: "(none)", ja: "（なし）" },
  // ---- factor names
  "alloc.factor.reductionRate": { en: "reduction rate", ja: "削減率" },
  "alloc.factor.reductionRateClass": { en: "reduction rate (class {class})", ja: "削減率（区分 {class}）" },
  "alloc.factor.topLevelOnRate": { en: "{level}-level factor on the rate", ja: "{level}レベルの削減率係数" },
  "alloc.factor.topLevel": { en: "{level}-level factor", ja: "{level}レベル係数" },
  "alloc.factor.productBenchmark": { en: "{product} benchmark", ja: "{product}のベンチマーク" },
  "alloc.factor.heatBenchmark": { en: "heat benchmark", ja: "熱ベンチマーク" },
  "alloc.factor.fuelBenchmark": { en: "fuel benchmark", ja: "燃料ベンチマーク" },
  "alloc.factor.processFactor": { en: "process emissions factor", ja: "プロセス排出係数" },
  "alloc.factor.ofLine": { en: "{id} {name}", ja: "{id}：{name}" },
  "alloc.factor.rest": { en: "rest {name}", ja: "その他：{name}" },
  "alloc.factor.utilisation": { en: "standard utilisation factor", ja: "標準稼働率" },
  "alloc.factor.sectorIntensity": { en: "{sector} average intensity", ja: "{sector}の平均原単位" },
  "alloc.factor.targetIntensity": { en: "target intensity", ja: "目標原単位" },
  "alloc.factor.adjustment": { en: "{name} ({option})", ja: "{name}（{option}）" },
  "alloc.factor.auctionShare": { en: "auction share {year} ({reason})", ja: "{year}年のオークション比率（{reason}）" },
  "alloc.factor.uniformCorrection": { en: "uniform correction factor", ja: "一律補正係数" },
  "alloc.factor.publishedCorrection": { en: "published correction factor", ja: "公表補正係数" },
  // ---- rounding steps and rules
  "alloc.step.freeAllocation": { en: "free allocation", ja: "無償割当" },
  "alloc.step.correction": { en: "correction", ja: "補正" },
  "alloc.step.trueUp": { en: "true-up", ja: "事後調整" },
  "alloc.step.proRata": { en: "pro rata", ja: "日割り" },
  "alloc.step.keptShare": { en: "kept share", ja: "保持分" },
  "alloc.rule.floor": { en: "floor", ja: "切り捨て" },
  "alloc.rule.awayFromZero": { en: "away from zero", ja: "ゼロから遠い方へ丸め" },
  "alloc.rule.largestRemainder": { en: "largest remainder", ja: "最大剰余法" },
  // ---- why an installation got no allocation
  "alloc.skip.noRule": { en: "sector \"{sector}\" has no allocation rule (not covered)", ja: "部門「{sector}」に割当ルールなし（対象外）" },
  "alloc.skip.startsLater": { en: "starts in {start}, after {year}", ja: "{start}年に開始（{year}年より後）" },
  "alloc.skip.unknownClass": { en: "unknown class \"{class}\" (rule has: {classes})", ja: "不明な区分「{class}」（ルールの区分：{classes}）" },
  "alloc.skip.unknownTopLevel": { en: "unknown top-level status \"{level}\"", ja: "不明なトップレベル認定「{level}」" },
  "alloc.skip.noBenchmarkValue": { en: "no benchmark value for {product} (none given and none derived from the data)", ja: "{product}のベンチマーク値なし（指定もデータからの導出もなし）" },
  "alloc.skip.unknownOption": { en: "unknown option \"{option}\" of adjustment factor {name}", ja: "調整係数 {name} の不明な選択肢「{option}」" },
  "alloc.skip.noOutput": { en: "no output of {product} for the activity level and no capacity-based entry", ja: "活動量となる{product}の生産量がなく、能力ベースの新規参入にも当たらない" },
  "alloc.skip.noBenchmark": { en: "no benchmark for product {product} and no process fall-back", ja: "製品 {product} のベンチマークもプロセスによる代替手法もなし" },
  "alloc.skip.outsideWindow": { en: "base years {from}-{to} are outside the window {windowFrom}-{windowTo}", ja: "基準年 {from}〜{to} が期間 {windowFrom}〜{windowTo} の外" },
  "alloc.skip.noExclusion": { en: "the rule allows no abnormal year to be excluded (asked: {year})", ja: "ルール上、異常年は除外できない（指定：{year}）" },
  "alloc.skip.missingYear": { en: "no data for base year {year}", ja: "基準年 {year} のデータなし" },
  "alloc.skip.noWindow": { en: "no run of {years} consecutive years with data in {from}-{to}", ja: "{from}〜{to}にデータのある連続{years}年の期間なし" },
  "alloc.skip.badExclusion": { en: "cannot exclude year {year}: not in the base period", ja: "{year}年は基準期間外のため除外できない" },
  "alloc.skip.noPreviousOutput": { en: "no output in {year} for output-based allocation", ja: "生産量ベースの割当に必要な{year}年の生産量なし" },
  "alloc.skip.noIntensity": { en: "no sector intensity for {sector} (none given and no output in the data)", ja: "{sector}の部門原単位なし（指定もデータ上の生産量もなし）" },
  "alloc.skip.noTarget": { en: "no intensity target for product {product}", ja: "製品 {product} の原単位目標なし" },
  "alloc.skip.noLineData": { en: "line {id}: no product benchmark, heat, fuel or process data to allocate on", ja: "行 {id}：割当の基礎となる製品ベンチマーク・熱・燃料・プロセスのデータなし" },
  "alloc.skip.noPreviousYears": { en: "output-based allocation needs at least one previous year's output", ja: "生産量ベースの割当には前年以前の生産量が1年分以上必要" },
  // ---- how values left to the data were derived
  "alloc.how.derived": { en: "{method} of the top {percent}% by {weighting}, {from}-{to}, {count} installations", ja: "上位 {percent}%（{weighting}基準）の{method}、{from}〜{to}年、{count}施設" },
  "alloc.how.intensity": { en: "sector emissions / sector output in {years}", ja: "{years}年の部門排出量 / 部門生産量" },
  "alloc.deriveMethod.boundary": { en: "boundary", ja: "境界値" },
  "alloc.deriveMethod.average": { en: "average", ja: "平均値" },
  "alloc.weighting.count": { en: "count", ja: "施設数" },
  "alloc.weighting.output": { en: "output", ja: "生産量" },
} as const satisfies Record<string, { en: string; ja: string }>;

export type TextKey = keyof typeof ALLOCATION_TEXTS;

export function text(key: TextKey, params: Readonly<Record<string, TextParam>> = {}): Text {
  return { key, params };
}

/** A Text in a language: parameters that are Texts are rendered in the same language. */
export function renderText(lang: "en" | "ja", t: Text): string {
  const template = ALLOCATION_TEXTS[t.key][lang];
  return template.replace(/\{([A-Za-z0-9_]+)\}/g, (whole, name: string) => {
    const v = t.params[name];
    if (v === undefined) return whole;
    if (typeof v === "string") return v;
    return isText(v) ? renderText(lang, v) : v.map((x) => renderText(lang, x)).join("");
  });
}

function isText(v: Text | readonly Text[]): v is Text {
  return !Array.isArray(v);
}
