//! Findings: what a check reports, with a stable code, a severity, a place and a message.

use std::fmt;

use kaiji_catalog::{Confidence, Lang, Text};
use serde::Serialize;

/// Stable, documented finding codes. The kebab-case name is part of kaiji's interface: it appears
/// in JSON output, reports and `kaiji explain`, and never changes meaning.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    strum::Display,
    strum::EnumString,
    strum::EnumIter,
    strum::IntoStaticStr,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
#[non_exhaustive]
pub enum Code {
    MissingAnswer,
    InvalidAnswer,
    RemarkRequired,
    UnknownItem,
    ItemNotInForm,
    RuleViolated,
    MissingSubjectField,
    BadDate,
    UnknownCatalog,
    InvalidField,
    DuplicateKey,
    UnreadableAnswer,
    ConflictingAnswers,
    StrayText,
    FormulaWithoutValue,
    CatalogNotDetected,
    PolicyViolation,
    RemarkMissingJustification,
    OutdatedRevision,
    StaleDisclosure,
    WaiverExpired,
    PolicyNotApplicable,
    RssNoMfa,
    RssAlwaysOn,
    RssSharedAccounts,
    RssLogsUnreviewed,
    RssDeviceUnsupported,
    RssDeviceSupportUnknown,
    RssKnownVulnerable,
    RssRelevantNa,
    RssUnrelatedAnswered,
    RssCommunicationMethod,
    RssRemarkWithoutControl,
    PolicyNoChecklist,
    PolicyUnknownItem,
    PolicyUnknownSection,
    PolicyUnknownGlEntry,
    PolicySelectsNothing,
    PolicyDuplicateWaiver,
    ThreatBadScale,
    ThreatNoControl,
    ThreatBadResponse,
    ThreatUnknownControl,
    MhlwNoSystems,
    MhlwDisclosureUnreadable,
    MhlwRemoteNotStated,
    MhlwRemoteUnconfirmed,
    MhlwRemoteContradicted,
    MhlwProfileFindings,
    MhlwNoDisclosure,
    MhlwOtherProduct,
    MhlwOlderRevision,
    MhlwOtherVersion,
    DiffOtherProduct,
    FutureDate,
    BetsushiUnassessed,
    BetsushiReviewExpired,
    BetsushiRecordNotNeeded,
    BetsushiNoItem,
    BetsushiAcceptedAboveThreshold,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn severity(self) -> Severity {
        match self {
            Self::UnknownItem
            | Self::StrayText
            | Self::FormulaWithoutValue
            | Self::CatalogNotDetected
            | Self::OutdatedRevision
            | Self::StaleDisclosure
            | Self::WaiverExpired
            | Self::PolicyNotApplicable
            | Self::RssAlwaysOn
            | Self::RssDeviceSupportUnknown
            | Self::RssRemarkWithoutControl
            | Self::PolicySelectsNothing
            | Self::MhlwOlderRevision
            | Self::MhlwOtherVersion
            | Self::DiffOtherProduct
            | Self::FutureDate
            | Self::BetsushiRecordNotNeeded
            | Self::BetsushiNoItem
            | Self::BetsushiAcceptedAboveThreshold => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// What the code means and what to do about it.
    pub fn description(self) -> Text {
        match self {
            Self::MissingAnswer => Text::new(
                "この様式で回答すべき項目に回答がありません。はい・いいえ・該当なしのいずれかを記入してください。条件付きの項目(only-if)は、条件が成り立つときだけ回答が必要です。",
                "An item that this form must answer has no answer. Answer yes, no or not applicable. Conditional items (only-if) need an answer only when their condition holds.",
            ),
            Self::InvalidAnswer => Text::new(
                "回答の値が使えません。使える値は \"yes\"(はい)・\"no\"(いいえ)・\"na\"(該当なし)・null(未回答)で、項目によっては該当なしを選べません。",
                "The answer value is not allowed. Allowed are \"yes\", \"no\", \"na\" (not applicable) and null (unanswered); some items do not allow \"na\".",
            ),
            Self::RemarkRequired => Text::new(
                "この回答には備考が必要です(例: いいえ・該当なしの理由、代替策、対応予定)。チェックリストの規則がそう求めています。",
                "This answer needs a remark (for example why the answer is no or not applicable, the compensating control, or the plan). The checklist's rule asks for it.",
            ),
            Self::UnknownItem => Text::new(
                "文書にある項目 id がこのチェックリストの版にありません。内容は保持され、削除されません。版の取り違えや入力ミスでないか確認してください。",
                "The document has an item id that this checklist revision does not know. It is kept, never dropped. Check for a wrong revision or a typo.",
            ),
            Self::ItemNotInForm => Text::new(
                "この項目はチェックリストにありますが、文書の様式(MDS/SDS)の項目ではありません。",
                "The item exists in the checklist but not in the document's form (MDS or SDS).",
            ),
            Self::RuleViolated => Text::new(
                "条件付き項目の規則に反しています: 前提となる項目の回答が条件を満たさないのに、はい・いいえで回答されています。前提の回答か、この項目の回答を見直してください。",
                "A conditional rule is broken: the item is answered yes or no although the item it depends on does not have the required answer. Check either answer.",
            ),
            Self::MissingSubjectField => Text::new(
                "表紙の必須項目(製造業者名/サービス事業者名、製品名/サービス名称、型番(MDS)、バージョン、作成日、連絡先)が空です。",
                "A required cover field (organisation, product or service name, model for an MDS, version, date, contact) is empty.",
            ),
            Self::BadDate => Text::new(
                "日付が YYYY-MM-DD 形式の実在する日付ではありません(例: 2026-04-01)。和暦や全角数字は取り込み時に変換されます。",
                "The date is not a real date in YYYY-MM-DD form (for example 2026-04-01). Japanese era dates and full-width digits are converted on import.",
            ),
            Self::UnknownCatalog => Text::new(
                "文書が参照するチェックリスト(id と revision)が見つからないか、文書の様式を含みません。`kaiji catalog list` で一覧を確認するか、--catalog-file で読み込んでください。",
                "The checklist the document refers to (id and revision) is not known, or does not contain the document's form. See `kaiji catalog list`, or load it with --catalog-file.",
            ),
            Self::DuplicateKey => Text::new(
                "同じ JSON オブジェクトに同じキーが2回以上あります。JSON の読み手は最後のものだけを使うため、それ以前の内容は失われます。どちらを残すか決めて1つにしてください。",
                "The same key occurs more than once in one JSON object. JSON readers keep only the last one, so the earlier content would be lost. Decide which to keep and leave one.",
            ),
            Self::UnreadableAnswer => Text::new(
                "ワークブックの回答セルを はい・いいえ・該当なし として読めませんでした。書かれていた文字は source_answer に残してあります。回答を選び直してください。",
                "The workbook's answer cell could not be read as yes, no or not applicable. What it said is kept in source_answer; choose the answer again.",
            ),
            Self::ConflictingAnswers => Text::new(
                "はい・いいえ・該当なし の列のうち2つ以上に印が付いています。どれが回答か決められないため未回答として取り込み、印の内容は source_answer に残しました。",
                "More than one of the yes / no / not-applicable columns is marked. kaiji cannot tell which is meant, so the item is imported unanswered and the marks are kept in source_answer.",
            ),
            Self::StrayText => Text::new(
                "想定外の列に文字が書かれていました。失われないよう備考の末尾に加え、元のセルを示しています。",
                "Text stood in a column kaiji did not expect. So that nothing is lost it was appended to the remark; the finding names the cell it came from.",
            ),
            Self::FormulaWithoutValue => Text::new(
                "数式セルに計算済みの値が保存されていません(保存前に再計算されていないファイル)。Excel で開いて保存し直すと値が入ります。",
                "A formula cell has no saved result (the file was not recalculated before saving). Open and save it in Excel to store the values.",
            ),
            Self::CatalogNotDetected => Text::new(
                "ワークブックからチェックリストの版(例: Rev.5.0h, Ver.4.1)を読み取れなかったため、最新版とみなしました。違う場合は --catalog で指定してください。",
                "The checklist revision (such as Rev.5.0h or Ver.4.1) could not be read from the workbook, so the newest was assumed. Give --catalog if that is wrong.",
            ),
            Self::PolicyViolation => Text::new(
                "回答が病院の方針(kaiji review --policy)の求める回答ではありません。指摘には項目が対応する安全管理GL の箇所を、引用する版(--guideline、既定は第7.0版)で示します(確度が V でなければ確度も)。ベンダーに確認し、受け入れる場合は方針に期限付きの免除(waivers)を書きます。kaiji は方針からの逸脱を示すだけで、適合を判定しません。",
                "The answer is not one the hospital's policy (kaiji review --policy) accepts. The finding cites the parts of the MHLW guideline the item serves, in the cited edition (--guideline, 7.0 by default), with their confidence where it is not V. Ask the vendor; to accept the departure, add a waiver with an expiry date to the policy. kaiji flags departures; it never declares compliance.",
            ),
            Self::RemarkMissingJustification => Text::new(
                "方針はこの回答を、理由を示す備考があれば受け入れますが、備考が空です。ベンダーに理由(代替策や対応予定)を備考に書いてもらってください。",
                "The policy accepts this answer when the remark says why, but the remark is empty. Ask the vendor to give the reason (compensating control, plan) in the remark.",
            ),
            Self::OutdatedRevision => Text::new(
                "開示書が旧版のチェックリスト(例: Ver.4.1)で書かれています。新しい版があります。kaiji migrate で回答を移し、新設・変更された項目をベンダーに確認してください。",
                "The disclosure answers an older checklist revision (such as 4.1) and a newer one exists. kaiji migrate carries the answers over; ask the vendor about the new and changed items.",
            ),
            Self::StaleDisclosure => Text::new(
                "開示書の作成日が方針の上限(max_age_days)より古く、現行の製品・サービスを表していない可能性があります。現行版を求めてください。",
                "The disclosure is older than the policy allows (max_age_days) and may not describe the current product or service. Ask for a current one.",
            ),
            Self::WaiverExpired => Text::new(
                "この項目の方針からの逸脱を認める免除の期限が切れています。逸脱は再び指摘されます。免除を更新するか、対応を求めてください。",
                "The waiver that accepted this item's departure from the policy has expired, so the departure is reported again. Renew the waiver or ask for a fix.",
            ),
            Self::PolicyNotApplicable => Text::new(
                "方針はこの開示書のチェックリスト向けではありません(方針の applies_to)。方針による確認は行わず、文書の検証結果だけを示します。",
                "The policy is not written for this disclosure's checklist (the policy's applies_to). Only the document's validation findings are shown.",
            ),
            Self::RssNoMfa => Text::new(
                "リモート保守の接続に多要素認証がありません。盗まれた・使い回されたパスワードだけで院内に入れます。証明書やワンタイムパスワードを組み合わせてください。",
                "Remote maintenance sessions have no multi-factor authentication: a stolen or reused password alone opens the way in. Add certificates or one-time passwords.",
            ),
            Self::RssAlwaysOn => Text::new(
                "VPN トンネルが常時接続です。作業のない時間も侵入口が開いています。作業時だけ施設側で開通するオンデマンド接続にしてください。",
                "The VPN tunnel is always on, so the way in stays open when nobody works. Use on-demand connections that the facility opens per session.",
            ),
            Self::RssSharedAccounts => Text::new(
                "保守用アカウントを複数の保守員(または施設間)で共用しています。誰が操作したか分からず、退職者も使えます。保守員ごとの専用アカウントにしてください。",
                "Maintenance accounts are shared among engineers (or facilities): actions cannot be traced and leavers keep access. Give each engineer an account of their own.",
            ),
            Self::RssLogsUnreviewed => Text::new(
                "保守接続のログを取得していない、または誰も確認していません。不正な接続に気づけません。ログを取得し、少なくとも月次で確認してください。",
                "Maintenance sessions are not logged, or nobody reviews the logs, so a break-in goes unnoticed. Log them and review at least monthly.",
            ),
            Self::RssDeviceUnsupported => Text::new(
                "接続点の機器(VPN 装置など)がサポート終了後も使われています。修正が出ないため既知の脆弱性が残ります。日本ではサポート切れ・未更新の VPN 装置がランサムウェアの主な侵入口です。",
                "A device at the connection point (a VPN device, say) is used past its end of support, so known flaws stay unfixed. In Japan, unsupported or unpatched VPN devices are the main ransomware entry route.",
            ),
            Self::RssDeviceSupportUnknown => Text::new(
                "接続点の機器のサポート終了日が記録されていません。期限切れに気づけないため、台帳に記録してください。",
                "The end of support of a connection-point device is not recorded, so its expiry goes unnoticed. Record it.",
            ),
            Self::RssKnownVulnerable => Text::new(
                "接続点の機器のファームウェアが、読み込んだ脆弱性情報(CISA KEV、OSV)の対象です。更新してください。バージョンの記載がない情報と、ファームウェアのバージョンが未記入の機器は警告として示します。",
                "A connection-point device's firmware is named by an advisory you loaded (CISA KEV, OSV). Update it. Advisories that state no versions, and devices whose firmware version is blank, are shown as warnings.",
            ),
            Self::RssRelevantNa => Text::new(
                "RSS SDS で、リモートサービスに関係する項目(RSS オーバーレイで relevant)が該当なしと回答されています。リモートサービスとしての回答を記入してください。",
                "In an RSS SDS, an item that concerns the remote service (relevant in the RSS overlay) is answered not applicable. Answer it for the remote service.",
            ),
            Self::RssUnrelatedAnswered => Text::new(
                "RSS SDS では、リモートサービスに関係しない項目は該当なしと回答します(RSS の規則2)。",
                "In an RSS SDS, items unrelated to the remote service are answered not applicable (RSS rule 2).",
            ),
            Self::RssCommunicationMethod => Text::new(
                "通信方式の項目は、回答と、該当する方式(回線種別・VPN 方式・オンデマンドか常時接続か・接続の開始者)の記載が必要です(RSS の規則4)。",
                "Communication-method items need an answer and a remark stating what applies (line type, VPN type, on demand or always on, who starts it) (RSS rule 4).",
            ),
            Self::RssRemarkWithoutControl => Text::new(
                "リモートサービスに関係する項目の備考には、リモートサービスセンターで行っている具体的な管理策を記します(RSS の規則3)。",
                "Remarks of items that concern the remote service describe the concrete controls at the remote service centre (RSS rule 3).",
            ),
            Self::PolicyNoChecklist => Text::new(
                "方針の applies_to に書かれたチェックリストが1つも読み込まれていません。id の綴りを確認するか、--catalog-file で読み込んでください。",
                "No loaded checklist matches the policy's applies_to. Check the ids, or load the checklist with --catalog-file.",
            ),
            Self::PolicyUnknownItem => Text::new(
                "方針の規則または免除が、どのチェックリストにもない項目 id を挙げています(多くは入力ミスです)。その規則はこの項目に働きません。",
                "A rule or waiver of the policy names an item id that no checklist has (most often a typo); the rule never applies to it.",
            ),
            Self::PolicyUnknownSection => Text::new(
                "方針の規則が、どのチェックリストにもないセクション id を挙げています。",
                "A rule of the policy names a section id that no checklist has.",
            ),
            Self::PolicyUnknownGlEntry => Text::new(
                "方針の規則が、その GL 選択の版(方針の guideline、なければ引用する版)にない安全管理GL の項目を挙げているか、方針の guideline が読み込まれていない版です。`kaiji catalog show mhlw-gl@7.0`(または @6.0)で項目の id を確認してください。",
                "A rule of the policy names a guideline entry that does not exist in the edition its selectors name (the policy's `guideline`, else the cited edition), or the policy's `guideline` is not a loaded edition. See `kaiji catalog show mhlw-gl@7.0` (or @6.0) for the entry ids.",
            ),
            Self::PolicySelectsNothing => Text::new(
                "方針の規則が、読み込まれたどのチェックリストの項目も選びません。その規則はスコアにも指摘にも効きません。",
                "A rule of the policy selects no item of any loaded checklist, so it affects neither the score nor the findings.",
            ),
            Self::PolicyDuplicateWaiver => Text::new(
                "同じ項目・製品・事業者の免除が2回書かれています。どちらが有効か分かりにくいため1つにしてください。",
                "The same item, product and vendor is waived twice; keep one so that it is clear which holds.",
            ),
            Self::ThreatBadScale => Text::new(
                "脅威カタログの尺度が範囲外です(資産の C/I/A、脅威、脆弱性は 1〜3、影響と可能性は 1〜5)。リスク値が計算できないため、そのカタログは使えません。",
                "A scale of the threat catalogue is out of range (the asset's C/I/A, threat and weakness 1-3; impact and likelihood 1-5); the risk value cannot be computed, so the catalogue is not used.",
            ),
            Self::ThreatNoControl => Text::new(
                "脅威に ISO/IEC 27001:2022 附属書A の管理策が1つもありません。リスク対応の根拠を示せません。",
                "A threat names no ISO/IEC 27001:2022 Annex A control, so its treatment cites nothing.",
            ),
            Self::ThreatBadResponse => Text::new(
                "脅威の response は閾値以上のリスクの対応(reduce、avoid、transfer)です。accept は閾値未満のリスクにだけ付きます。",
                "A threat's response is how a risk at or above the threshold is treated (reduce, avoid or transfer); accept is only what happens below it.",
            ),
            Self::ThreatUnknownControl => Text::new(
                "脅威が挙げる管理策が、読み込まれた ISO/IEC 27001:2022 附属書A の一覧(iso27001-annex-a)にありません(多くは入力ミスです)。",
                "A control a threat names is not in the loaded ISO/IEC 27001:2022 Annex A list (iso27001-annex-a); most often a typo.",
            ),
            Self::MhlwNoSystems => Text::new(
                "システム台帳にシステムが1件もありません。根拠がないため、チェックリストの項目を「はい」にしません。",
                "The system inventory lists no system; without evidence the checklist line is not yes.",
            ),
            Self::MhlwDisclosureUnreadable => Text::new(
                "台帳が示す開示書ファイルを読めません(ファイルがない、または開示書として読めない)。",
                "The disclosure file the inventory names cannot be read (missing, or not a disclosure).",
            ),
            Self::MhlwRemoteNotStated => Text::new(
                "台帳に、このシステムがリモート保守を使うかどうかが書かれていません。事業者に確認して記入してください。",
                "The inventory does not say whether this system is remotely maintained; ask the vendor and record it.",
            ),
            Self::MhlwRemoteUnconfirmed => Text::new(
                "リモート保守を使うシステムですが、事業者への確認(確認日、開示書の回答、リモートサービスプロファイル)がありません。",
                "The system is remotely maintained but nothing confirms it with the vendor (a confirmation date, a disclosure answer, a remote service profile).",
            ),
            Self::MhlwRemoteContradicted => Text::new(
                "台帳のリモート保守の記載と、事業者の開示書の回答が食い違っています。どちらが正しいか事業者に確認してください。",
                "The inventory and the vendor's disclosure disagree on remote maintenance; ask the vendor which is right.",
            ),
            Self::MhlwProfileFindings => Text::new(
                "リモートサービスプロファイルの接続点の確認(kaiji rss check)にエラーがあります。",
                "The connection checks of the remote service profile (kaiji rss check) report errors.",
            ),
            Self::MhlwNoDisclosure => Text::new(
                "このシステムの MDS/SDS を受け取っていません(台帳に開示書がない)。事業者に求めてください。",
                "No MDS/SDS has been received for this system (the inventory names none); request one from the vendor.",
            ),
            Self::MhlwOtherProduct => Text::new(
                "台帳が示す開示書は、別の事業者または別の製品のものです。",
                "The disclosure the inventory names is for another vendor or product.",
            ),
            Self::MhlwOlderRevision => Text::new(
                "開示書は旧版のチェックリストで書かれています(新しい版があります)。",
                "The disclosure answers an older checklist revision; a newer one exists.",
            ),
            Self::MhlwOtherVersion => Text::new(
                "開示書の製品バージョンが、台帳に記録された稼働中のバージョンと違います。",
                "The disclosure is for another product version than the one the inventory records.",
            ),
            Self::DiffOtherProduct => Text::new(
                "kaiji diff で比べた2つの開示書の製造業者名/サービス事業者名または製品名が違います。同じ製品の旧版と新版を比べているか確認してください。",
                "The two disclosures given to kaiji diff name another organisation or product. Check that you compare an old and a new version of one product.",
            ),
            Self::FutureDate => Text::new(
                "日付が未来にあります: 開示書の作成日が今日より後、または免除の期限・機器のサポート終了日・リスク評価の見直し日(kaiji betsushi)が確認日より20年以上先です。9999-12-31 のような日付は仮の値であることが多いため、実際の日付を確認してください。",
                "A date lies in the future: a disclosure's cover date after today, or a waiver's expiry, a device's end of support or a risk record's review date (kaiji betsushi) more than 20 years after the review date. Dates such as 9999-12-31 are mostly placeholders; check the real date.",
            ),
            Self::BetsushiUnassessed => Text::new(
                "GL 第7.0版 保守委託機関編【別紙】の行に、事業者の開示書が「はい」でも「対象外」でもない回答(いいえ、または未回答)をしています。医療機関はそのリスクを自ら評価して対応を決め、立入検査に備えて記録します。リスク評価の記録(kaiji betsushi --risk-record、ひな形は kaiji betsushi template)にこの行の評価がありません。",
                "A line of the GL 7.0 maintenance-outsourcing annex (別紙) is not answered yes or not applicable by the vendor's disclosure (no, or not answered). The facility assesses and treats that risk itself and keeps the record for inspection; the risk record (kaiji betsushi --risk-record; template: kaiji betsushi template) has no assessment of this line.",
            ),
            Self::BetsushiReviewExpired => Text::new(
                "別紙の行についての医療機関のリスク評価の見直し日(review)が確認日(--today)より前です。評価を見直し、次の見直し日を記録してください。",
                "The review date of the facility's risk assessment of a 別紙 line lies before the date checked (--today). Review the assessment and record the next review date.",
            ),
            Self::BetsushiRecordNotNeeded => Text::new(
                "リスク評価の記録に、評価の要らない行があります: 開示書がその行に「はい」か「対象外」と回答している、または確認した開示書にその事業者・製品の行がありません。記録は消さずに残します。",
                "The risk record assesses a line that needs no assessment: the disclosure answers it yes or not applicable, or no disclosure checked has that line for the vendor and product. The record is kept as it is.",
            ),
            Self::BetsushiNoItem => Text::new(
                "別紙の行に答える項目が、開示書のチェックリストにありません(対応表で no-item)。開示書からは確認できないため、事業者に直接確認し、必要ならリスク評価の記録に書いてください。kaiji の別紙の行は公式の項目文を読めていない仮の構成です。",
                "No item of the disclosure's checklist answers this 別紙 line (no-item in the mapping), so the disclosure cannot evidence it. Ask the vendor directly and, where needed, record it in the risk record. kaiji's 別紙 lines are a placeholder layout: the official item texts were not available.",
            ),
            Self::BetsushiAcceptedAboveThreshold => Text::new(
                "医療機関のリスク評価で、リスク値が受容基準(threshold)以上なのに対応が受容(accept)です。低減・回避・移転を検討するか、受容の理由を記録してください。",
                "In the facility's risk assessment, the risk value is at or above the threshold but the treatment is accept. Consider reducing, avoiding or transferring it, or record why it is accepted.",
            ),
            Self::InvalidField => Text::new(
                "文書の構造が正しくありません: 必須のフィールドがない、または型が違います(例: answers がオブジェクトでない)。",
                "The document's structure is wrong: a required field is missing or has the wrong type (for example answers is not an object).",
            ),
        }
    }
}

/// How many years ahead of the review date an expiry or end of support may lie before it reads
/// as a placeholder (9999-12-31) rather than a plan (`future-date`).
pub const FAR_FUTURE_YEARS: i16 = 20;

/// Whether `date` lies more than [`FAR_FUTURE_YEARS`] after `reference`.
pub fn far_future(date: jiff::civil::Date, reference: jiff::civil::Date) -> bool {
    reference
        .checked_add(jiff::Span::new().years(FAR_FUTURE_YEARS))
        .is_ok_and(|limit| date > limit)
}

/// How serious a finding is. Ordered: `Info` < `Warning` < `Error`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
    strum::Display,
    strum::EnumString,
    strum::EnumIter,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn label(self) -> Text {
        match self {
            Self::Info => Text::new("情報", "info"),
            Self::Warning => Text::new("警告", "warning"),
            Self::Error => Text::new("エラー", "error"),
        }
    }
}

/// Where a finding points: a JSON pointer into the document, or a cell of a workbook; with
/// `file` when the place is in another file than the one the finding is reported for (a
/// vendor's remote service profile in the review of its disclosure).
#[derive(
    Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema,
)]
pub struct Location {
    /// The file the place is in, when it is not the reviewed document itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// JSON pointer (RFC 6901) into the document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// Sheet name, for workbook input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// Cell reference such as `D42`, for workbook input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
}

impl Location {
    /// A location from JSON pointer segments, escaped as RFC 6901 says.
    pub fn pointer<'a>(segments: impl IntoIterator<Item = &'a str>) -> Self {
        let mut p = String::new();
        for s in segments {
            p.push('/');
            if s.contains(['~', '/']) {
                p.push_str(&s.replace('~', "~0").replace('/', "~1"));
            } else {
                p.push_str(s);
            }
        }
        Self {
            pointer: Some(p),
            ..Self::default()
        }
    }
}

impl Location {
    /// The same place, in `file`.
    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{file}: ")?;
        }
        match (&self.sheet, &self.cell, &self.pointer) {
            (Some(sheet), Some(cell), _) => write!(f, "{sheet}!{cell}"),
            (Some(sheet), None, Some(p)) => write!(f, "{sheet} ({p})"),
            (Some(sheet), None, None) => f.write_str(sheet),
            (None, _, Some(p)) if p.is_empty() => f.write_str("(root)"),
            (None, _, Some(p)) => f.write_str(p),
            (None, _, None) => Ok(()),
        }
    }
}

/// A guideline entry a finding or report cites, in the cited edition of the guideline.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
pub struct GlRef {
    /// The entry's id (`システム運用編 13`); for a removed entry, its id in the edition the
    /// citation came from.
    pub id: String,
    /// How sure kaiji is of the citation: the weakest of the entry's own mark in the cited
    /// edition and the marks of the edition-to-edition mapping entries followed to reach it.
    pub confidence: Confidence,
    /// The edition-to-edition mapping says the entry was removed in the cited edition: `id` is
    /// the entry of this older edition (`mhlw-gl@6.0`), and the cited edition has nothing for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removed: Option<String>,
}

impl GlRef {
    /// How the citation reads, given how its id reads (`name`, e.g. from
    /// `Reference::id_text`) and the cited edition's version: `システム運用編 13⑪ (確度 I)`, the
    /// mark left out when it is V; `(第7.0版で削除)` for a removed entry.
    pub fn text(&self, name: &Text, cited_version: &str) -> Text {
        let with = |ja: String, en: String| {
            Text::new(format!("{} ({ja})", name.ja), format!("{} ({en})", name.en))
        };
        if self.removed.is_some() {
            with(
                format!("第{cited_version}版で削除"),
                format!("removed in {cited_version}"),
            )
        } else if self.confidence == Confidence::V {
            name.clone()
        } else {
            with(
                format!("確度 {}", self.confidence),
                format!("confidence {}", self.confidence),
            )
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    pub location: Location,
    /// The checklist item concerned, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// Guideline entries the finding cites, in the edition the review cites (安全管理GL ids such
    /// as `システム運用編 13⑪`), each with how sure kaiji is of it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub refs: Vec<GlRef>,
    pub message: Text,
}

impl Finding {
    pub fn new(code: Code, location: Location, message: Text) -> Self {
        Self {
            code,
            severity: code.severity(),
            location,
            item: None,
            refs: Vec::new(),
            message,
        }
    }

    pub fn with_item(mut self, item: impl Into<String>) -> Self {
        self.item = Some(item.into());
        self
    }

    pub fn message(&self, lang: Lang) -> &str {
        self.message.get(lang)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use strum::IntoEnumIterator;

    use super::*;

    #[test]
    fn codes_are_unique_kebab_case_and_documented() {
        let names: Vec<&str> = Code::iter().map(Code::as_str).collect();
        let unique: BTreeSet<&str> = names.iter().copied().collect();
        assert_eq!(unique.len(), names.len(), "duplicate finding codes");
        for code in Code::iter() {
            let name = code.as_str();
            assert!(
                name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{name} is not kebab-case"
            );
            assert_eq!(name.parse::<Code>().unwrap(), code);
            let d = code.description();
            assert!(!d.ja.is_empty() && !d.en.is_empty(), "{name} undocumented");
        }
        let listing: Vec<String> = Code::iter()
            .map(|c| format!("{} [{}]: {}", c.as_str(), c.severity(), c.description().en))
            .collect();
        insta::assert_yaml_snapshot!("finding-codes", listing);
    }

    #[test]
    fn pointers_are_escaped() {
        let loc = Location::pointer(["answers", "a/b~c"]);
        assert_eq!(loc.to_string(), "/answers/a~1b~0c");
    }
}
