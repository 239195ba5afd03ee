// The rules behind the international check codes (src/domain/international/codes.ts, 100xx-109xx:
// Kyoto units and serials, JI, the CDM, the JCM, Article 6.2 and 6.4, domestic use, and 1075x-1076x
// for transfers between linked registries), keyed `check.<name>` like the other catalogues and
// written as the rule, so one text serves a refusal ("refused by rule 10602: ...") and a list of
// checks passed. The Japanese uses the terms of the Ministry of the Environment and Japan's
// registries: 締約国 (Party), 約束期間 (commitment period), 割当量 (assigned amount), 共同実施 (JI),
// クリーン開発メカニズム (CDM), 指定運営組織 (DOE), 指定国家機関 (DNA), 収益の一部 (share of
// proceeds), 二国間クレジット制度 (JCM), 合同委員会 (joint committee), 第三者機関 (TPE),
// 国際的に移転される緩和成果 (ITMO), 相当調整 (corresponding adjustment), 国が決定する貢献 (NDC),
// その他の国際的な緩和目的 (OIMP), 監督機関 (Supervisory Body), 世界全体の排出の全体的緩和 (OMGE).
// test/i18n.test.ts checks that every international check has an entry in both languages.
import type { Entry } from "../entry.ts";

export const INTERNATIONAL_CHECK_MESSAGES = {
  // ---- 100xx input
  "check.intl-field-invalid": { en: "Every field of an international command must be present, of the right type and within its range.", ja: "国際ユニットに関する指示の各項目が存在し、正しい型で、範囲内であること。" },
  "check.party-invalid": { en: "A Party is named by its ISO 3166 code: two letters in Kyoto serials, three letters in Article 6 records.", ja: "締約国は ISO 3166 のコードで示すこと（京都議定書のシリアル番号では2文字、パリ協定第6条の記録では3文字）。" },
  "check.date-invalid": { en: "A date is a real calendar date written YYYY-MM-DD.", ja: "日付は実在する暦日を「年（4桁）-月（2桁）-日（2桁）」の形式で記すこと。" },
  "check.intl-quantity-invalid": { en: "A quantity is a positive whole number of units (tonnes of CO2 equivalent) of at most 10^15.", ja: "数量は10^15以下の正の整数（CO2換算トン）であること。" },
  "check.intl-id-exists": { en: "An id (project, methodology, authorization, record) is used once.", ja: "ID（プロジェクト、方法論、承認、記録）は一度だけ使えること。" },
  "check.intl-id-unknown": { en: "A referenced id (project, methodology, authorization, issuance, committee) must exist.", ja: "参照するID（プロジェクト、方法論、承認、発行、委員会）が存在すること。" },
  "check.rules-missing": { en: "The operation needs a rule the registry's international configuration gives (such as a commitment period or a buffer share for a risk rating).", ja: "操作に必要な規則（約束期間、リスク評価ごとのバッファー割合など）が登録簿の国際ユニットの設定に定められていること。" },
  "check.intl-operation-required": { en: "Units of international classes, and the accounts the international service keeps, move only through the international operations that record what the move means (issuance, shares and forwarding, international transfer, use, cancellation).", ja: "国際ユニットのクラスのユニットと、国際ユニットの機能が管理する口座（保留・送出・バッファー）は、移転の意味を記録する国際ユニットの操作（発行、収益の一部などの控除と転送、国際移転、使用、取消）によってのみ動かせること。" },
  // ---- 101xx Kyoto serials
  "check.serial-malformed": { en: "A Kyoto block identifier has ten parts separated by '-': Party, unit type, supplementary unit type, block start and end, original and applicable commitment period, LULUCF activity, project and track.", ja: "京都議定書のブロック識別子は「-」で区切られた10の部分（締約国、ユニット種別、補助ユニット種別、ブロックの開始と終了、当初と適用の約束期間、LULUCF活動、プロジェクト、トラック）から成ること。" },
  "check.serial-part-invalid": { en: "Each part of a Kyoto block identifier has its documented form.", ja: "京都議定書のブロック識別子の各部分が、定められた形式であること。" },
  "check.serial-block-invalid": { en: "A block starts at 1 or later, does not start after its end, and ends at 10^15 at most.", ja: "ブロックの開始番号は1以上で終了番号以下、終了番号は10^15以下であること。" },
  "check.serial-type-pair-invalid": { en: "The unit type and the supplementary unit type are a known pair (Kyoto units carry supplementary type 0).", ja: "ユニット種別と補助ユニット種別が既知の組合せであること（京都ユニットの補助種別は0）。" },
  "check.serial-period-invalid": { en: "Both commitment periods are known, and units apply in their original commitment period or a later one (carry-over), never an earlier one.", ja: "両方の約束期間が既知であり、ユニットが当初の約束期間またはそれ以降の約束期間（繰越し）に適用され、それより前の期間には適用されないこと。" },
  "check.serial-lulucf-invalid": { en: "RMUs, and ERUs converted from RMUs, name the LULUCF activity that generated them; tCERs and lCERs name afforestation and reforestation; other units name none.", ja: "RMU及びRMUから転換されたERUはそれを生んだLULUCF活動を、tCERとlCERは新規植林・再植林を示し、その他のユニットは活動を示さないこと。" },
  "check.serial-project-invalid": { en: "ERUs, CERs, tCERs and lCERs name their project; AAUs and RMUs name none.", ja: "ERU・CER・tCER・lCERはそのプロジェクトを示し、AAUとRMUはプロジェクトを示さないこと。" },
  "check.serial-track-invalid": { en: "ERUs name their JI track (1 or 2); other units name none.", ja: "ERUは共同実施のトラック（第1または第2）を示し、その他のユニットはトラックを示さないこと。" },
  // ---- 102xx Kyoto units and JI
  "check.unit-expired": { en: "A tCER or lCER past its expiry date is no longer transferred, surrendered or used; it must have been replaced.", ja: "有効期限を過ぎたtCERまたはlCERは移転・償却・使用できず、期限までに補填されていなければならないこと。" },
  "check.ji-source-not-convertible": { en: "JI issuance converts only AAUs or RMUs into ERUs.", ja: "共同実施の発行でERUに転換できるのはAAUまたはRMUのみであること。" },
  "check.ji-not-host-units": { en: "A Party converts only units it issued itself, as the JI host.", ja: "締約国が転換できるのは、共同実施のホスト国として自ら発行したユニットのみであること。" },
  "check.ji-source-mismatch": { en: "Where the rules say so, RMUs are converted only for projects enhancing removals by sinks, and AAUs only for other projects.", ja: "規則が定める場合、RMUは吸収源による除去を増大させるプロジェクトについてのみ、AAUはその他のプロジェクトについてのみ転換すること。" },
  "check.ji-track1-ineligible": { en: "Track 1 issuance needs a host that meets all the eligibility requirements; otherwise the Track 2 procedure applies.", ja: "第1トラックの発行には、ホスト国がすべての参加資格要件を満たしていることが必要であり、満たさない場合は第2トラックの手続によること。" },
  "check.ji-track2-undetermined": { en: "Track 2 issuance needs the final determination of an accredited independent entity on the verified reductions.", ja: "第2トラックの発行には、検証された削減量について認定独立機関の最終決定があること。" },
  "check.ji-period-mismatch": { en: "ERUs are issued for reductions in years of the commitment period of the converted units.", ja: "ERUは、転換されるユニットの約束期間内の年の削減量について発行すること。" },
  "check.ji-exceeds-verified": { en: "A conversion may not exceed the verified (Track 1) or determined (Track 2) reductions not yet converted.", ja: "転換量が、まだ転換されていない検証済み（第1トラック）または決定済み（第2トラック）の削減量を超えないこと。" },
  "check.aau-exceeds-assigned-amount": { en: "A Party issues AAUs for a commitment period up to its assigned amount, and RMUs up to the net removals accounted for each LULUCF activity.", ja: "締約国が約束期間について発行するAAUは割当量まで、RMUはLULUCF活動ごとに計上された純吸収量までであること。" },
  "check.carry-over-not-allowed": { en: "Only the unit types the rules allow are carried over (never RMUs, tCERs or lCERs), and only into the next commitment period.", ja: "繰越しできるのは規則が認めるユニット種別のみ（RMU・tCER・lCERは不可）であり、次の約束期間へのみであること。" },
  "check.carry-over-limit": { en: "Carry-over of a unit type limited to a share of the Party's assigned amount (CERs and ERUs: 2.5% each) may not exceed that share.", ja: "締約国の割当量に対する割合で上限のあるユニット種別（CERとERUはそれぞれ2.5%）の繰越しは、その上限を超えないこと。" },
  // ---- 103xx the CDM project cycle
  "check.cdm-bad-transition": { en: "Only the transitions of the CDM project cycle happen: design, validation, registration, then monitoring, verification, issuance and forwarding for each monitoring period.", ja: "クリーン開発メカニズム（CDM）のプロジェクトサイクルの遷移（設計、有効化審査、登録、その後モニタリング期間ごとのモニタリング、検証、発行、転送）のみが行われること。" },
  "check.cdm-methodology-not-approved": { en: "A CDM project is validated only against a methodology the Executive Board approved.", ja: "CDMプロジェクトの有効化審査は、CDM理事会が承認した方法論に基づく場合に限られること。" },
  "check.cdm-host-approval-missing": { en: "Validation needs the written approval of the host Party's designated national authority.", ja: "有効化審査には、ホスト国の指定国家機関（DNA）の書面による承認が必要であること。" },
  "check.cdm-monitoring-period-invalid": { en: "A monitoring period lies within the crediting period, ends after it starts and does not overlap an earlier monitoring period of the project.", ja: "モニタリング期間は、クレジット期間内にあり、開始後に終了し、そのプロジェクトの以前のモニタリング期間と重ならないこと。" },
  "check.cdm-exceeds-verified": { en: "Issuance for a monitoring period may not exceed the reductions the designated operational entity verified and certified for it.", ja: "モニタリング期間についての発行量が、指定運営組織（DOE）がその期間について検証・認証した削減量を超えないこと。" },
  "check.cdm-forwarding-invalid": { en: "Forwarding names project participants of the project and moves exactly the CERs left in the pending account after the share of proceeds.", ja: "転送はそのプロジェクトのプロジェクト参加者を指定し、収益の一部を差し引いた後に保留口座に残るCERをちょうど移すこと。" },
  "check.cdm-crediting-period-invalid": { en: "The crediting period follows the rules: renewable (at most the allowed renewals) or fixed, of the lengths set for the project type.", ja: "クレジット期間が規則に従うこと（更新可能（更新は認められた回数まで）または固定で、プロジェクトの種類に定められた長さ）。" },
  // ---- 104xx JCM
  "check.jcm-no-joint-committee": { en: "JCM work with a partner country needs the joint committee Japan and that country set up.", ja: "二国間クレジット制度（JCM）のパートナー国との手続には、日本とその国が設置した合同委員会が必要であること。" },
  "check.jcm-methodology-not-approved": { en: "A JCM project applies a methodology its own joint committee approved.", ja: "JCMプロジェクトは、そのプロジェクトの合同委員会が承認した方法論を適用すること。" },
  "check.jcm-bad-transition": { en: "Only the transitions of the JCM project cycle happen: proposal, validation, registration, then monitoring, verification and the notification of issuance for each period.", ja: "JCMのプロジェクトサイクルの遷移（提案、妥当性確認、登録、その後期間ごとのモニタリング、検証、発行の通知）のみが行われること。" },
  "check.jcm-allocation-invalid": { en: "A project's credit allocation lists at least one entry, each in the partner country's or Japan's registry, with weights not negative and not all zero.", ja: "プロジェクトのクレジットの配分は1件以上であり、各配分先がパートナー国または日本の登録簿にあり、配分の重みが負でなく、すべてが0ではないこと。" },
  "check.jcm-exceeds-verified": { en: "Credits notified for issuance may not exceed the verified reductions of the period.", ja: "発行を通知するクレジットの量が、その期間の検証済み削減量を超えないこと。" },
  "check.jcm-tpe-not-designated": { en: "Validation and verification are done by a third-party entity the joint committee designated.", ja: "妥当性確認と検証は、合同委員会が指定した第三者機関（TPE）が行うこと。" },
  // ---- 105xx Article 6.2 authorization
  "check.a6-authorize-foreign-units": { en: "A Party authorizes only mitigation outcomes it hosts.", ja: "締約国が承認できるのは、自国がホストする緩和成果のみであること。" },
  "check.a6-authorization-unknown": { en: "The authorization must exist and belong to the acting Party.", ja: "承認が存在し、操作する締約国のものであること。" },
  "check.a6-already-authorized": { en: "Units are covered by at most one authorization.", ja: "ユニットを対象とする承認は1つまでであること。" },
  "check.a6-revocation-not-allowed": { en: "An authorization is revoked only where the Party's rules allow revocation.", ja: "承認の撤回は、締約国の規則が撤回を認める場合に限られること。" },
  "check.a6-revoke-after-deadline": { en: "An authorization is revoked only until the deadline the Party's rules set.", ja: "承認の撤回は、締約国の規則が定める期限までに限られること。" },
  "check.a6-revoke-first-transferred": { en: "A revocation never reaches units already first transferred.", ja: "承認の撤回は、すでに最初の移転を終えたユニットには及ばないこと。" },
  "check.a6-authorized-quantity-exceeded": { en: "An authorization covers at most its authorized quantity of units.", ja: "承認の対象となるユニットは、承認された数量までであること。" },
  "check.a6-purpose-invalid": { en: "An authorization states its purposes (NDC, OIMP or both); an OIMP authorization names the other purposes and a first transfer definition the Party's rules allow.", ja: "承認はその目的（NDC、OIMPまたはその両方）を示し、OIMPのための承認はその他の目的と、締約国の規則が認める最初の移転の定義を示すこと。" },
  "check.a6-authorization-revoked": { en: "A revoked authorization covers no more units.", ja: "撤回された承認は、それ以上ユニットを対象としないこと。" },
  "check.a6-entity-not-authorized": { en: "An entity acts under a cooperative approach only after the Party authorized it.", ja: "事業者が協力的アプローチの下で活動できるのは、締約国がその事業者を承認した後に限られること。" },
  // ---- 106xx first transfer and corresponding adjustments
  "check.a6-second-first-transfer": { en: "A unit is first transferred once; a later transfer is an ordinary transfer.", ja: "ユニットの最初の移転は一度だけであり、その後の移転は通常の移転であること。" },
  "check.a6-first-transfer-unauthorized": { en: "Only authorized units are first transferred.", ja: "最初の移転ができるのは承認されたユニットのみであること。" },
  "check.a6-first-transfer-not-host": { en: "The first transferring Party is the host that authorized the units.", ja: "最初の移転を行う締約国は、そのユニットを承認したホスト国であること。" },
  "check.a6-year-outside-ndc": { en: "A corresponding adjustment or a use is recorded for a year of the Party's NDC implementation period.", ja: "相当調整または使用は、締約国の国が決定する貢献（NDC）の実施期間内の年について記録すること。" },
  "check.a6-ndc-unknown": { en: "A Party's corresponding adjustments need its NDC (single-year or multi-year, period, method) in its rules.", ja: "締約国の相当調整には、その規則にNDC（単年または複数年、期間、方法）が定められていること。" },
  "check.a6-not-first-transferred": { en: "Units are used towards an NDC or for OIMP only once first transferred (the corresponding adjustment applied), or by that use where their first transfer is defined as their use or cancellation.", ja: "ユニットをNDCまたはOIMPに使用できるのは、最初の移転（相当調整の適用）を終えた後に限られること（最初の移転が使用または取消と定義されている場合は、その使用による）。" },
  // ---- 107xx use and cancellation
  "check.a6-use-unauthorized": { en: "Only units authorized for use towards NDCs are used towards an NDC.", ja: "NDCに使用できるのは、NDCへの使用が承認されたユニットのみであること。" },
  "check.a6-use-purpose-not-authorized": { en: "Units are used or cancelled for other international mitigation purposes only when authorized for them.", ja: "ユニットをその他の国際的な緩和目的（OIMP）に使用または取消できるのは、その目的について承認されている場合に限られること。" },
  "check.a6-unit-not-active": { en: "Units already used or cancelled are not transferred, used or cancelled again.", ja: "すでに使用または取消されたユニットは、再び移転・使用・取消できないこと。" },
  "check.a6-not-holder": { en: "A Party transfers, uses or cancels only units held in its registry.", ja: "締約国が移転・使用・取消できるのは、自国の登録簿に保有されるユニットのみであること。" },
  "check.a6-vintage-outside-ndc": { en: "Where the Party's rules require it, units used towards its NDC have a vintage in the NDC implementation period.", ja: "締約国の規則が求める場合、NDCに使用するユニットの年次がNDCの実施期間内であること。" },
  "check.a6-block-unknown": { en: "Every serial of the block must have been issued into the book.", ja: "ブロックのすべてのシリアル番号が台帳に発行済みであること。" },
  "check.a6-block-overlaps": { en: "An issuance uses serials no earlier issuance of the series used.", ja: "発行には、同じ系列の以前の発行で使われていないシリアル番号を用いること。" },
  "check.a6-block-mixed": { en: "An action applies to units in one state; a block whose serials differ (holder, authorization, status) must be split by the caller.", ja: "1つの操作は同じ状態のユニットに対して行い、保有者・承認・状態の異なるシリアル番号を含むブロックは要求者が分割すること。" },
  "check.a6-same-party": { en: "An international transfer goes to another Party's registry.", ja: "国際移転の移転先は、他の締約国の登録簿であること。" },
  "check.a6-untracked-exit": { en: "Units the Article 6 book holds as active ITMOs leave their holding only by an Article 6 international transfer, use or cancellation, which the book records.", ja: "第6条の台帳で有効な国際的に移転される緩和成果（ITMO）とされるユニットは、台帳に記録される第6条の国際移転・使用・取消によってのみ保有口座から出ること。" },
  // ---- 1075x-1076x transfers between linked registries
  "check.link-unknown": { en: "A linked transfer names a link this registry has configured (and, for a transfer, one of its transfers).", ja: "リンクによる移転は、この登録簿に設定されたリンク（移転の場合はそのリンクの移転）を指定すること。" },
  "check.link-invalid": { en: "A link names its id, the peer's URL (http or https), the peer registry's id and the peer's Ed25519 public key.", ja: "リンクには、ID、相手方登録簿のURL（HTTPまたはHTTPS）、相手方登録簿のID、相手方のEd25519公開鍵を指定すること。" },
  "check.link-signature-invalid": { en: "Every message between linked registries is signed with the sender's Ed25519 key over the link id, the message type, the nonce, the time and the body's digest, and verified with the public key the link records.", ja: "リンクされた登録簿間の各メッセージは、リンクID・メッセージ種別・ノンス・時刻・本文のダイジェストに対して送信者のEd25519鍵で署名され、リンクに記録された公開鍵で検証されること。" },
  "check.link-replayed": { en: "A signed message is accepted once: its nonce is new on the link and its time within five minutes of the receiver's clock.", ja: "署名されたメッセージの受理は一度だけであり、ノンスがそのリンクで未使用で、時刻が受信側の時計から5分以内であること。" },
  "check.link-message-invalid": { en: "A link message has its documented fields: transfer id, class, quantity, serial runs summing to the quantity, destination.", ja: "リンクのメッセージが定められた項目（移転ID、クラス、数量、合計が数量と一致するシリアル番号の範囲、移転先）を持つこと。" },
  "check.link-transfer-differs": { en: "A transfer id on a link names one transfer: a message with the same id and other content is refused.", ja: "リンク上の移転IDは1つの移転を指し、同じIDで内容の異なるメッセージは拒否されること。" },
  "check.link-destination-invalid": { en: "A linked transfer is credited to an open holding account of the receiving registry.", ja: "リンクによる移転は、受入側登録簿の開設中の保有口座に記帳されること。" },
  "check.link-class-mismatch": { en: "The receiving registry credits units of the same class: a class it knows under the code has the same unit type, scheme, vintage, host and attributes.", ja: "受入側登録簿は同じクラスのユニットとして記帳し、同じコードで登録済みのクラスはユニット種別・制度・年次・ホスト国・属性が一致すること。" },
  "check.link-decided": { en: "The receiver decides a transfer once (accepted or refused); the decision never changes.", ja: "受入側は移転について一度だけ（受入れまたは拒否を）決定し、その決定は変わらないこと。" },
  "check.link-state": { en: "A linked transfer settles once: delivered after the receiver's acceptance, or returned after its refusal.", ja: "リンクによる移転の決着は一度だけであり、受入側が受け入れた後に引き渡され、または拒否した後に返還されること。" },
  "check.link-not-sent": { en: "A transfer goes over its link once its escrow has completed: while the escrow awaits approval or its delay nothing is in flight yet, and an escrow rejected, cancelled or expired is never sent.", ja: "リンクによる移転は、エスクローが完了してから送信されること。エスクローが承認または遅延期間を待っている間はまだ送信されておらず、却下、取消しまたは失効したエスクローは送信されない。" },
  "check.link-article6-invalid": { en: "The Article 6 facts carried with ITMOs over a link are well formed: each block a run of the transfer's serials, with its issuance, authorization and first transfer facts, and Parties as three-letter ISO 3166 codes.", ja: "リンクでITMOとともに送られる第6条の情報が正しい形式であること（各ブロックが移転のシリアル番号の範囲であり、発行・承認・最初の移転の情報を伴い、締約国はISO 3166の3文字コードで示す）。" },
  "check.link-article6-conflict": { en: "The receiving registry imports ITMOs only when they fit its book and rules: it has an Article 6 Party and is the acquiring Party, the transferring Party is the link's peer, the host authorized them, and an authorization it already holds has the same facts.", ja: "受入側登録簿がITMOを受け入れるのは、その台帳と規則に合う場合に限られること（受入側が第6条の締約国として取得締約国であり、移転する締約国がリンクの相手方で、ホスト国が承認しており、既に保持する承認と内容が一致する）。" },
  // ---- 108xx Article 6.4
  "check.a64-activity-not-registered": { en: "A6.4ERs are issued only for an activity the Supervisory Body registered.", ja: "6条4項排出削減量（A6.4ER）は、監督機関が登録した活動についてのみ発行されること。" },
  "check.a64-already-forwarded": { en: "An issuance leaves the pending account once.", ja: "1つの発行が保留口座から転送されるのは一度だけであること。" },
  "check.a64-forwarding-invalid": { en: "Forwarding moves exactly the A6.4ERs left in the pending account after the share of proceeds, the cancellation for OMGE and any buffer contribution, to named recipients.", ja: "転送は、収益の一部、世界全体の排出の全体的緩和（OMGE）のための取消及びバッファーへの拠出を差し引いた後に保留口座に残るA6.4ERをちょうど、指定された受取人へ移すこと。" },
  "check.a64-not-removal": { en: "Buffer contributions and reversals apply to removal activities only.", ja: "バッファーへの拠出と反転は、除去活動にのみ適用されること。" },
  "check.a64-reversal-invalid": { en: "A reversal is reported for a registered removal activity, with a positive quantity, on a date inside its monitoring period.", ja: "反転は、登録された除去活動について、正の数量で、そのモニタリング期間内の日付で報告すること。" },
  "check.a64-authorize-deducted": { en: "Only forwarded A6.4ERs are authorized: the share of proceeds, OMGE and buffer units never become ITMOs.", ja: "承認できるのは転送済みのA6.4ERのみであり、収益の一部・OMGE・バッファーのユニットはITMOにならないこと。" },
  "check.a64-authorize-not-host": { en: "Only the activity's host Party authorizes its A6.4ERs.", ja: "A6.4ERを承認できるのは、その活動のホスト国のみであること。" },
  // ---- 109xx domestic use and credit attributes
  "check.domestic-not-eligible": { en: "A unit counts for domestic compliance only if a domestic-use rule of the rulebook admits its mechanism and unit type in that year.", ja: "ユニットを国内制度の遵守に充当できるのは、ルールブックの国内使用の規則がその年にそのメカニズムとユニット種別を認める場合に限られること。" },
  "check.domestic-excluded": { en: "A unit counts only if no domestic-use rule excludes its activity, host, label or vintage.", ja: "ユニットを充当できるのは、国内使用の規則がその活動・ホスト国・ラベル・年次によって除外していない場合に限られること。" },
  "check.domestic-authorization-required": { en: "Where a domestic-use rule requires it, a unit counts only if authorized under Article 6 with the corresponding adjustment applied (first transferred).", ja: "国内使用の規則が求める場合、ユニットを充当できるのは第6条の下で承認され、相当調整が適用された（最初の移転を終えた）場合に限られること。" },
  "check.domestic-limit-exceeded": { en: "International units count for compliance only up to the rulebook's credit limits (a share of the obligation, the allocation or the required reduction).", ja: "国際ユニットを遵守に充当できるのは、ルールブックのクレジット上限（義務量・割当量・削減義務量に対する割合）までであること。" },
  "check.credit-attributes-invalid": { en: "Credit attributes name a mechanism, a unit type of that mechanism, a credit kind, a host and a vintage; optional fields have their documented forms.", ja: "クレジットの属性は、メカニズム、そのメカニズムのユニット種別、クレジットの種類、ホスト国、年次を示し、任意の項目は定められた形式であること。" },
} as const satisfies Record<string, Entry>;
