//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use kaiji_catalog::Lang;
use kaiji_model::{DocKind, IsoDate, Severity};

/// kaiji (開示): 医療情報セキュリティ開示書 MDS/SDS の作成・検証 (medical security disclosures)
#[derive(Debug, Parser)]
#[command(
    name = "kaiji",
    version,
    term_width = 100,
    after_help = "終了コード (exit codes): 0 問題なし (clean) / 1 指摘あり (findings) / 2 入力・使い方の誤り (bad input or usage)"
)]
pub(crate) struct Cli {
    /// 表示言語 (language of messages)
    #[arg(long, global = true, default_value = "ja", value_name = "ja|en", value_parser = parse_lang)]
    pub(crate) lang: Lang,

    /// 追加のカタログ (YAML) を読み込む (load an extra catalog file; repeatable)
    #[arg(long = "catalog-file", global = true, value_name = "FILE")]
    pub(crate) catalog_files: Vec<PathBuf>,

    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// チェックリスト・ガイドライン・対応表を表示・検査する (list, show and check catalogs)
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// 未回答の開示書を作る (write a new, unanswered disclosure)
    New(NewArgs),
    /// 開示書を検証する (validate disclosures)
    Validate(ValidateArgs),
    /// Excel ワークブックを開示書に取り込む (import workbooks: .xlsx .xlsm .xls .ods)
    Import(ImportArgs),
    /// 開示書を Excel に書き出す・公式ブランクに記入する (export to a workbook, or fill a blank)
    Export(ExportArgs),
    /// 病院の方針で開示書を確認する (review disclosures against a policy)
    Review(ReviewArgs),
    /// 確認方針を作る・表示する・検査する (write, list, show and check review policies)
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// 複数ベンダーの開示書を並べて比べる (compare vendors side by side: items × vendors)
    Compare(CompareArgs),
    /// 厚労省チェックリストの項目に台帳と開示書から回答する (answer MHLW checklist lines)
    #[command(subcommand)]
    Checklist(ChecklistCommand),
    /// リモートサービス(RSS)のリスクアセスメントなど (remote service: risk register)
    #[command(subcommand)]
    Rss(RssCommand),
    /// GL 第7.0版 保守委託機関編【別紙】の確認とリスク評価の記録 (the GL 7.0 annex check of vendors' disclosures)
    Betsushi(BetsushiArgs),
    /// 同じ製品の開示書の2つの版を比べる (what changed between two versions of a disclosure)
    Diff(DiffArgs),
    /// 開示書を新しい版のチェックリストに移す (carry a disclosure to a newer checklist revision)
    Migrate(MigrateArgs),
    /// 指摘コードの意味を表示する (explain a finding code)
    Explain(ExplainArgs),
    /// 開示書・方針・台帳の JSON Schema を出力する (print the JSON Schema of a file format)
    Schema(SchemaArgs),
    /// ベンダーと病院の交換サーバー (REST API) を起動する (start the server: REST API under /api/v1)
    Serve(ServeArgs),
    /// 開示書をサーバーに公開する (下書きを保存し、指摘を表示して公開) (publish a disclosure to a kaiji server: save the draft, show the findings, publish)
    Publish(PublishArgs),
    /// 病院が受け取った開示書をサーバーから取得する (fetch what a hospital holds on a kaiji server: the newest version of each received disclosure)
    Pull(PullArgs),
    /// サーバーの組織・ユーザー・API トークンを管理する (administer organisations, users, API tokens)
    #[command(subcommand)]
    Admin(AdminCommand),
    /// 監査ログを検証する・書き出す (verify or export the hash-chained audit log)
    #[command(subcommand)]
    Audit(AuditCommand),
}

/// The database of `kaiji serve`, `kaiji admin` and `kaiji audit`.
#[derive(Debug, Args)]
pub(crate) struct DatabaseArg {
    /// データベース (既定: カレントディレクトリの SQLite ファイル kaiji.db) (sqlite:PATH or postgres://…; default sqlite:kaiji.db in the current directory)
    #[arg(
        long = "database-url",
        value_name = "URL",
        default_value = "sqlite:kaiji.db"
    )]
    pub(crate) url: String,
}

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    #[command(flatten)]
    pub(crate) database: DatabaseArg,
    /// 待ち受けるアドレス (ポート 0 で空きポート) (address to listen on; port 0 picks a free one)
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub(crate) bind: std::net::SocketAddr,
    /// 新しいデータベースにデモ用の組織・ユーザー・開示書を入れる (fill a fresh database with demo organisations, users and the shipped examples)
    #[arg(long)]
    pub(crate) demo: bool,
    /// セッション Cookie に Secure を付ける (TLS の背後で) (mark the session cookie Secure, behind TLS)
    #[arg(long = "secure-cookies")]
    pub(crate) secure_cookies: bool,
    /// 通知をメールで送る SMTP サーバー (smtp://HOST:PORT、STARTTLS は ?tls=required、TLS は smtps://) (SMTP relay to mail notifications through: smtp://HOST:PORT, ?tls=required for STARTTLS, smtps:// for TLS)
    #[arg(long = "smtp-url", value_name = "URL")]
    pub(crate) smtp_url: Option<String>,
    /// 通知メールの送信元 (sender of the notification mails; default kaiji <kaiji@localhost>)
    #[arg(long = "mail-from", value_name = "ADDRESS")]
    pub(crate) mail_from: Option<String>,
}

/// The server `kaiji publish` and `kaiji pull` talk to, and the API token they present.
#[derive(Debug, Args)]
pub(crate) struct RemoteArgs {
    /// サーバーの URL (the server's URL, e.g. https://kaiji.example.jp; a trailing /api/v1 is accepted)
    // The doc comment is the `--help` text, where the URL reads best bare.
    #[allow(rustdoc::bare_urls)]
    #[arg(long, value_name = "URL")]
    pub(crate) server: String,
    /// API トークン (省略時は環境変数 KAIJI_TOKEN) (API token; default: the environment variable KAIJI_TOKEN)
    #[arg(long, value_name = "TOKEN")]
    pub(crate) token: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct PublishArgs {
    /// 公開する開示書 (the disclosure to publish, *.kaiji.json)
    #[arg(value_name = "FILE")]
    pub(crate) file: PathBuf,
    #[command(flatten)]
    pub(crate) remote: RemoteArgs,
    /// 新しい版を公開する既存の文書の ID (the document to publish a new version of)
    #[arg(
        long,
        value_name = "ID",
        required_unless_present = "release",
        conflicts_with = "release"
    )]
    pub(crate) document: Option<String>,
    /// このリリースに文書を新しく作って公開する (create the document under this product release, then publish)
    #[arg(long, value_name = "ID")]
    pub(crate) release: Option<String>,
    /// 新しく作る文書の題名 (省略時は種類・製品名・バージョン) (title of a document created with --release; default: kind, product, version)
    #[arg(long, value_name = "TITLE", requires = "release")]
    pub(crate) title: Option<String>,
    /// 更新理由 (the update reason published with the version)
    #[arg(long, value_name = "TEXT")]
    pub(crate) reason: String,
    /// 発効日 YYYY-MM-DD(省略時は今日) (effective date; today when omitted)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub(crate) effective: Option<IsoDate>,
    /// 次回見直し日 YYYY-MM-DD (next review date)
    #[arg(long = "next-review", value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub(crate) next_review: IsoDate,
    /// この重大度以上の指摘があれば公開せず終了コード 1(下書きは保存済み) (refuse to publish, exit 1, on findings at or above this level; the draft stays saved)
    #[arg(long, default_value = "error", value_name = "error|warning|info", value_parser = parse_severity)]
    pub(crate) deny: Severity,
    #[command(flatten)]
    pub(crate) format: FormatArg,
}

#[derive(Debug, Args)]
pub(crate) struct PullArgs {
    #[command(flatten)]
    pub(crate) remote: RemoteArgs,
    /// 保存先のディレクトリ (ベンダー/製品/バージョン/種類.kaiji.json) (directory to write into: vendor/product/version/kind.kaiji.json)
    #[arg(short, long, value_name = "DIR", default_value = ".")]
    pub(crate) output: PathBuf,
    #[command(flatten)]
    pub(crate) format: FormatArg,
}

#[derive(Debug, Subcommand)]
pub(crate) enum AuditCommand {
    /// ハッシュチェーンを再計算し、最初に壊れた記録を示す (recompute the chain; exit 1 naming the first broken entry)
    Verify(DatabaseArg),
    /// 監査ログを JSON Lines で書き出す (write the audit log as JSON Lines, for an inspector)
    Export(DatabaseArg),
}

#[derive(Debug, Subcommand)]
pub(crate) enum AdminCommand {
    /// 組織を作る (create an organisation)
    CreateOrg(CreateOrgArgs),
    /// ユーザーを作る (パスワードは標準入力の1行目) (create a user; the password is the first line of stdin)
    CreateUser(CreateUserArgs),
    /// ユーザーを組織に役割付きで加える (add a user to an organisation with a role)
    AddMember(AddMemberArgs),
    /// パスワードを設定し直す (新しいパスワードは標準入力の1行目) (reset a password; the new one is the first line of stdin)
    ResetPassword(ResetPasswordArgs),
    /// API トークンを発行する (issue an API token for one organisation and role)
    IssueToken(IssueTokenArgs),
    /// API トークンを失効させる (revoke an API token)
    RevokeToken(RevokeTokenArgs),
}

#[derive(Debug, Args)]
pub(crate) struct CreateOrgArgs {
    #[command(flatten)]
    pub(crate) database: DatabaseArg,
    /// 種類 (kind)
    #[arg(long, value_name = "vendor|hospital")]
    pub(crate) kind: String,
    /// 組織名 (name)
    pub(crate) name: String,
}

#[derive(Debug, Args)]
pub(crate) struct CreateUserArgs {
    #[command(flatten)]
    pub(crate) database: DatabaseArg,
    /// メールアドレス (e-mail address, the login)
    pub(crate) email: String,
    /// 表示名 (display name)
    #[arg(long, value_name = "NAME")]
    pub(crate) name: String,
}

#[derive(Debug, Args)]
pub(crate) struct AddMemberArgs {
    #[command(flatten)]
    pub(crate) database: DatabaseArg,
    /// 組織 ID (organisation id)
    #[arg(long, value_name = "ID")]
    pub(crate) org: String,
    /// メールアドレス (the user's e-mail address)
    pub(crate) email: String,
    /// 役割 (role)
    #[arg(long, value_name = "owner|editor|reviewer|viewer")]
    pub(crate) role: String,
}

#[derive(Debug, Args)]
pub(crate) struct ResetPasswordArgs {
    #[command(flatten)]
    pub(crate) database: DatabaseArg,
    /// メールアドレス (the user's e-mail address)
    pub(crate) email: String,
}

#[derive(Debug, Args)]
pub(crate) struct IssueTokenArgs {
    #[command(flatten)]
    pub(crate) database: DatabaseArg,
    /// 組織 ID (organisation id)
    #[arg(long, value_name = "ID")]
    pub(crate) org: String,
    /// 役割 (role)
    #[arg(long, value_name = "owner|editor|reviewer|viewer")]
    pub(crate) role: String,
    /// 有効日数 (days until it expires)
    #[arg(long, value_name = "DAYS", default_value_t = 90)]
    pub(crate) days: u32,
    /// トークンの名前 (a name for the token)
    pub(crate) name: String,
}

#[derive(Debug, Args)]
pub(crate) struct RevokeTokenArgs {
    #[command(flatten)]
    pub(crate) database: DatabaseArg,
    /// 組織 ID (organisation id)
    #[arg(long, value_name = "ID")]
    pub(crate) org: String,
    /// トークン ID (token id)
    pub(crate) token: String,
}

#[derive(Debug, Args)]
pub(crate) struct SchemaArgs {
    /// どのファイルの Schema か (which file format)
    #[arg(value_enum, default_value_t = SchemaOf::Disclosure)]
    pub(crate) of: SchemaOf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SchemaOf {
    Disclosure,
    Policy,
    Inventory,
    Profile,
    Terms,
    RiskRecord,
}

#[derive(Debug, Args)]
pub(crate) struct BetsushiArgs {
    /// 開示書ファイル (disclosures, *.kaiji.json)
    #[arg(required = true, value_name = "FILE")]
    pub(crate) files: Vec<PathBuf>,
    /// 医療機関のリスク評価の記録 (YAML) (the facility's risk record)
    #[arg(long = "risk-record", value_name = "RECORD.yaml")]
    pub(crate) risk_record: Option<PathBuf>,
    /// 評価が必要でまだ記録のない行のひな形を書く (write a risk-record template for the lines still needing an assessment)
    #[arg(long = "write-template", value_name = "RECORD.yaml")]
    pub(crate) write_template: Option<PathBuf>,
    /// ひな形に書く医療機関名 (facility name for the template)
    #[arg(long, value_name = "NAME", requires = "write_template")]
    pub(crate) facility: Option<String>,
    /// 確認日 YYYY-MM-DD(見直し期限の判定。省略時は今日) (date checked, for review dates; today when omitted)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub(crate) today: Option<IsoDate>,
    /// この重大度以上の指摘があれば終了コード 1 (exit 1 on findings at or above this level)
    #[arg(long, default_value = "error", value_name = "error|warning|info", value_parser = parse_severity)]
    pub(crate) deny: Severity,
    #[command(flatten)]
    pub(crate) out: OutputArgs,
}

#[derive(Debug, Args)]
pub(crate) struct ReviewArgs {
    /// 開示書ファイル (*.kaiji.json)
    #[arg(required = true, value_name = "FILE")]
    pub(crate) files: Vec<PathBuf>,
    /// 方針: 同梱の名前 (gl7-baseline, gl6-baseline, strict) または YAML ファイル (shipped policy name or file)
    #[arg(long, default_value = "gl7-baseline", value_name = "NAME|FILE")]
    pub(crate) policy: String,
    /// 引用する安全管理GL の版: mhlw-gl@7.0 または mhlw-gl@6.0 (the edition of the MHLW guideline the findings cite)
    #[arg(long, default_value = kaiji_model::review::DEFAULT_GUIDELINE, value_name = "EDITION")]
    pub(crate) guideline: String,
    /// この日数より古い開示書を指摘する(方針の max_age_days より優先) (stale after DAYS)
    #[arg(long, value_name = "DAYS")]
    pub(crate) max_age: Option<u32>,
    /// ベンダーのリモートサービスプロファイル: 接続点の点検結果をそのベンダーの開示書の確認に加える (vendor remote service profiles; their connection checks join that vendor's review)
    #[arg(long = "rss-profile", value_name = "PROFILE.yaml")]
    pub(crate) rss_profiles: Vec<PathBuf>,
    /// 接続点の点検に使う脆弱性情報: CISA KEV・OSV の JSON ファイル、または *.json を含むディレクトリ(複数可。ほかの引数の後に置く) (advisories for the connection checks: CISA KEV or OSV JSON files, or directories of *.json; several may follow one --advisories, so put it after the other arguments)
    #[arg(long = "advisories", value_name = "PATH", num_args = 1..)]
    pub(crate) advisories: Vec<PathBuf>,
    /// 確認日 YYYY-MM-DD(省略時は今日) (review date; today when omitted)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub(crate) today: Option<IsoDate>,
    /// この重大度以上の指摘があれば終了コード 1 (exit 1 on findings at or above this level)
    #[arg(long, default_value = "error", value_name = "error|warning|info", value_parser = parse_severity)]
    pub(crate) deny: Severity,
    #[command(flatten)]
    pub(crate) out: OutputArgs,
}

#[derive(Debug, Args)]
pub(crate) struct CompareArgs {
    /// 開示書ファイル (disclosures, *.kaiji.json)
    #[arg(required = true, value_name = "FILE")]
    pub(crate) files: Vec<PathBuf>,
    /// 方針: 同梱の名前または YAML ファイル (policy that marks departures)
    #[arg(long, default_value = "gl7-baseline", value_name = "NAME|FILE")]
    pub(crate) policy: String,
    /// 引用する安全管理GL の版: mhlw-gl@7.0 または mhlw-gl@6.0 (the edition of the MHLW guideline cited; a policy that names no edition selects its entries)
    #[arg(long, default_value = kaiji_model::review::DEFAULT_GUIDELINE, value_name = "EDITION")]
    pub(crate) guideline: String,
    /// 確認日 YYYY-MM-DD(省略時は今日) (review date; today when omitted)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub(crate) today: Option<IsoDate>,
    #[command(flatten)]
    pub(crate) out: OutputArgs,
}

#[derive(Debug, Subcommand)]
pub(crate) enum RssCommand {
    /// プロファイルに当てはまる脅威を選び、リスク値を算定する (the risk register of a remote service)
    Risk(RiskArgs),
    /// 接続点を点検する: サポート切れ・脆弱性情報・MFA・常時接続・共用アカウント・ログ (check connection points)
    Check(RssCheckArgs),
    /// プロファイルから RSS SDS を作る(RSS の4つの規則) (generate the RSS SDS of a remote service)
    Sds(RssSdsArgs),
    /// リモート保守 SLA を作る(責任分界表つき) (write the remote maintenance SLA)
    Sla(SlaArgs),
}

#[derive(Debug, Args)]
pub(crate) struct SlaArgs {
    /// リモートサービスプロファイル (remote service profile)
    #[arg(value_name = "PROFILE.yaml")]
    pub(crate) profile: PathBuf,
    /// 合意条件 (YAML)。ない条件は未定として報告する (agreed terms; missing ones are reported)
    #[arg(long, value_name = "TERMS.yaml")]
    pub(crate) terms: Option<PathBuf>,
    /// 作成日 YYYY-MM-DD(省略時は今日) (date; today when omitted)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub(crate) today: Option<IsoDate>,
    #[command(flatten)]
    pub(crate) out: OutputArgs,
}

#[derive(Debug, Args)]
pub(crate) struct RssSdsArgs {
    /// リモートサービスプロファイル (remote service profile)
    #[arg(value_name = "PROFILE.yaml")]
    pub(crate) profile: PathBuf,
    /// チェックリスト(RSS オーバーレイのあるもの) (checklist with an RSS overlay)
    #[arg(
        long,
        default_value = "jahis-mds-sds@5.0h",
        value_name = "ID[@REVISION]"
    )]
    pub(crate) catalog: String,
    /// 作成日 YYYY-MM-DD(省略時は今日) (date; today when omitted)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub(crate) today: Option<IsoDate>,
    /// 出力ファイル: *.kaiji.json、または .xlsx(kaiji の様式) (output: a disclosure, or a workbook)
    #[arg(short, long, value_name = "OUT")]
    pub(crate) output: PathBuf,
    /// 既存のファイルを上書きする (overwrite an existing file)
    #[arg(long)]
    pub(crate) force: bool,
}

#[derive(Debug, Args)]
pub(crate) struct RssCheckArgs {
    /// リモートサービスプロファイル(複数可) (remote service profiles)
    #[arg(required = true, value_name = "PROFILE.yaml")]
    pub(crate) profiles: Vec<PathBuf>,
    /// 接続点の点検に使う脆弱性情報: CISA KEV・OSV の JSON ファイル、または *.json を含むディレクトリ(複数可。ほかの引数の後に置く) (advisories for the connection checks: CISA KEV or OSV JSON files, or directories of *.json; several may follow one --advisories, so put it after the other arguments)
    #[arg(long = "advisories", value_name = "PATH", num_args = 1..)]
    pub(crate) advisories: Vec<PathBuf>,
    /// 基準日 YYYY-MM-DD(省略時は今日) (date for support ends; today when omitted)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub(crate) today: Option<IsoDate>,
    /// この重大度以上の指摘があれば終了コード 1 (exit 1 on findings at or above this level)
    #[arg(long, default_value = "error", value_name = "error|warning|info", value_parser = parse_severity)]
    pub(crate) deny: Severity,
    #[command(flatten)]
    pub(crate) format: FormatArg,
}

#[derive(Debug, Args)]
pub(crate) struct RiskArgs {
    /// リモートサービスプロファイル (YAML) (remote service profile)
    #[arg(value_name = "PROFILE.yaml")]
    pub(crate) profile: PathBuf,
    /// リスク値の算定式 (risk formula)
    #[arg(long, value_enum, default_value_t = FormulaArg::AssetThreatVulnerability)]
    pub(crate) formula: FormulaArg,
    /// 受容基準(この値以上は低減。省略時は式ごとの既定値 18 / 15) (acceptance threshold)
    #[arg(long, value_name = "N")]
    pub(crate) threshold: Option<u32>,
    /// 脅威カタログ(省略時は読み込まれた rss-threats) (threat catalogue; default: the loaded rss-threats)
    #[arg(long, value_name = "THREATS.yaml")]
    pub(crate) threats: Option<PathBuf>,
    /// 基準日 YYYY-MM-DD(サポート期限の判定。省略時は今日) (date for support ends; today when omitted)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub(crate) today: Option<IsoDate>,
    #[command(flatten)]
    pub(crate) out: OutputArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FormulaArg {
    AssetThreatVulnerability,
    ImpactLikelihood,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ChecklistCommand {
    /// 医療機関におけるサイバーセキュリティ対策チェックリスト (the MHLW cybersecurity checklist)
    Mhlw(MhlwArgs),
}

#[derive(Debug, Args)]
pub(crate) struct MhlwArgs {
    /// システム台帳: YAML または Excel (system inventory: YAML, or a workbook)
    #[arg(value_name = "INVENTORY.yaml|.xlsx")]
    pub(crate) inventory: PathBuf,
    /// チェックリストの版: R8(令和8年度版)または R7(令和7年度版、令和8年度には R8 に置き換え済み) (checklist edition: R8, FY2026, or R7, FY2025, superseded by R8 for FY2026)
    #[arg(long, value_name = "R7|R8", default_value = "R8")]
    pub(crate) edition: String,
    /// 接続点の点検に使う脆弱性情報: CISA KEV・OSV の JSON ファイル、または *.json を含むディレクトリ(複数可。ほかの引数の後に置く) (advisories for the connection checks: CISA KEV or OSV JSON files, or directories of *.json; several may follow one --advisories, so put it after the other arguments)
    #[arg(long = "advisories", value_name = "PATH", num_args = 1..)]
    pub(crate) advisories: Vec<PathBuf>,
    /// 確認日 YYYY-MM-DD(省略時は今日) (date checked; today when omitted)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub(crate) today: Option<IsoDate>,
    #[command(flatten)]
    pub(crate) out: OutputArgs,
}

#[derive(Debug, Args)]
pub(crate) struct DiffArgs {
    /// 旧版 (older disclosure)
    #[arg(value_name = "OLD.kaiji.json")]
    pub(crate) old: PathBuf,
    /// 新版 (newer disclosure)
    #[arg(value_name = "NEW.kaiji.json")]
    pub(crate) new: PathBuf,
    #[command(flatten)]
    pub(crate) out: OutputArgs,
}

#[derive(Debug, Args)]
pub(crate) struct MigrateArgs {
    /// 移す開示書 (disclosure to migrate)
    #[arg(value_name = "FILE.kaiji.json")]
    pub(crate) input: PathBuf,
    /// 移行先のチェックリスト (target checklist), e.g. jahis-mds-sds@5.0
    #[arg(long, value_name = "ID@REVISION")]
    pub(crate) to: String,
    /// 出力ファイル (output file)
    #[arg(short, long, value_name = "OUT.kaiji.json")]
    pub(crate) output: PathBuf,
    /// 既存のファイルを上書きする (overwrite an existing file)
    #[arg(long)]
    pub(crate) force: bool,
    #[command(flatten)]
    pub(crate) format: FormatArg,
}

#[derive(Debug, Subcommand)]
pub(crate) enum PolicyCommand {
    /// 説明付きのひな形を書く (write a commented starting policy)
    Init(PolicyInitArgs),
    /// 同梱の方針の一覧 (list the shipped policies)
    List,
    /// 方針を表示する (print a policy as YAML)
    Show(PolicyShowArgs),
    /// 方針ファイルを検査する (check policy files against the loaded checklists)
    Check(PolicyCheckArgs),
}

#[derive(Debug, Args)]
pub(crate) struct PolicyInitArgs {
    /// 書き出すファイル (file to write)
    #[arg(short, long, value_name = "POLICY.yaml")]
    pub(crate) output: PathBuf,
    /// 既存のファイルを上書きする (overwrite an existing file)
    #[arg(long)]
    pub(crate) force: bool,
}

#[derive(Debug, Args)]
pub(crate) struct PolicyShowArgs {
    /// 同梱の名前またはファイル (shipped policy name or file)
    #[arg(value_name = "NAME|FILE")]
    pub(crate) policy: String,
}

#[derive(Debug, Args)]
pub(crate) struct PolicyCheckArgs {
    /// 方針ファイル (policy files)
    #[arg(required = true, value_name = "FILE")]
    pub(crate) files: Vec<PathBuf>,
    /// 版を指定しない方針の GL 項目を照らす安全管理GL の版: mhlw-gl@7.0 または mhlw-gl@6.0 (the guideline edition a policy without its own `guideline` is checked against)
    #[arg(long, default_value = kaiji_model::review::DEFAULT_GUIDELINE, value_name = "EDITION")]
    pub(crate) guideline: String,
}

#[derive(Debug, Subcommand)]
pub(crate) enum CatalogCommand {
    /// 読み込まれているカタログの一覧 (list the loaded catalogs)
    List(FormatArg),
    /// カタログまたは項目を表示する (show a catalog or one item)
    Show(ShowArgs),
    /// カタログの整合性を検査する (self-check catalogs: ids, references, mappings)
    Check(CheckArgs),
    /// 公式ブランクのワークブックからカタログを作る (derive a catalog from an official blank workbook)
    Derive(DeriveArgs),
}

#[derive(Debug, Args)]
pub(crate) struct DeriveArgs {
    /// 公式ブランク (official blank workbook)
    #[arg(value_name = "BLANK.xlsx")]
    pub(crate) blank: PathBuf,
    /// 出力するカタログ (catalog YAML to write)
    #[arg(short, long, value_name = "CATALOG.yaml")]
    pub(crate) output: PathBuf,
    /// カタログ id (catalog id)
    #[arg(long, default_value = "jahis-mds-sds")]
    pub(crate) id: String,
    /// 版 (version), e.g. 5.0
    #[arg(long)]
    pub(crate) version: String,
    /// 改訂 (revision), e.g. 5.0h
    #[arg(long)]
    pub(crate) revision: String,
    /// 既存のファイルを上書きする (overwrite an existing file)
    #[arg(long)]
    pub(crate) force: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// ワークブックまたはディレクトリ (workbooks, or directories to search)
    #[arg(required = true, value_name = "FILE|DIR")]
    pub(crate) inputs: Vec<PathBuf>,
    /// 出力ファイル(入力が1つのとき) (output file, for a single workbook)
    #[arg(short, long, value_name = "OUT.kaiji.json", conflicts_with = "out_dir")]
    pub(crate) output: Option<PathBuf>,
    /// 出力ディレクトリ(省略時は入力と同じ場所) (output directory; default: beside each input)
    #[arg(long, value_name = "DIR")]
    pub(crate) out_dir: Option<PathBuf>,
    /// チェックリスト(ワークブックから読み取れないとき) (checklist, when the workbook does not say)
    #[arg(long, value_name = "ID[@REVISION]")]
    pub(crate) catalog: Option<String>,
    /// このシートだけを読む (read only this sheet)
    #[arg(long)]
    pub(crate) sheet: Option<String>,
    /// 開示書の種類(読み取れないとき) (kind, when the workbook does not say)
    #[arg(long, value_parser = parse_kind, value_name = "mds|sds|rss-sds")]
    pub(crate) kind: Option<DocKind>,
    /// 既存のファイルを上書きする (overwrite existing files)
    #[arg(long)]
    pub(crate) force: bool,
    /// 並列数(省略時は全コア) (parallel jobs; default: all cores)
    #[arg(long, value_name = "N")]
    pub(crate) jobs: Option<usize>,
    /// 進捗表示と指摘の一覧を出さない (no progress bar, no list of findings)
    #[arg(short, long)]
    pub(crate) quiet: bool,
    /// この重大度以上の指摘があれば終了コード 1 (exit 1 on findings at or above this level)
    #[arg(long, default_value = "error", value_name = "error|warning|info", value_parser = parse_severity)]
    pub(crate) deny: Severity,
    #[command(flatten)]
    pub(crate) format: FormatArg,
}

#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    /// 開示書 (disclosure, *.kaiji.json)
    #[arg(value_name = "FILE.kaiji.json")]
    pub(crate) input: PathBuf,
    /// 出力するワークブック (workbook to write)
    #[arg(short, long, value_name = "OUT.xlsx")]
    pub(crate) output: PathBuf,
    /// この公式ブランクに記入する(回答・備考・表紙のセルだけを変える) (fill this blank in place)
    #[arg(long, value_name = "BLANK.xlsx")]
    pub(crate) into: Option<PathBuf>,
    /// 既存のファイルを上書きする (overwrite an existing file)
    #[arg(long)]
    pub(crate) force: bool,
}

#[derive(Debug, Args)]
pub(crate) struct FormatArg {
    /// 出力形式 (output format)
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,
}

#[derive(Debug, Args)]
pub(crate) struct ShowArgs {
    /// カタログ: ID, ID@VERSION または ID@REVISION (catalog reference)
    #[arg(value_name = "ID[@REVISION]")]
    pub(crate) catalog: String,
    /// この項目だけを詳しく表示する (show one item in detail)
    #[arg(long, value_name = "ITEM")]
    pub(crate) item: Option<String>,
    #[command(flatten)]
    pub(crate) format: FormatArg,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// 検査するカタログファイル (省略時は読み込まれた全カタログ) (catalog files; all loaded catalogs when omitted)
    pub(crate) files: Vec<PathBuf>,
    #[command(flatten)]
    pub(crate) format: FormatArg,
}

#[derive(Debug, Args)]
pub(crate) struct NewArgs {
    /// 開示書の種類 (kind of disclosure)
    #[arg(value_parser = parse_kind, value_name = "mds|sds|rss-sds")]
    pub(crate) kind: DocKind,
    /// チェックリスト (checklist), e.g. jahis-mds-sds@5.0h
    #[arg(long, default_value = "jahis-mds-sds", value_name = "ID[@REVISION]")]
    pub(crate) catalog: String,
    /// 製造業者名/サービス事業者名 (organisation)
    #[arg(long)]
    pub(crate) organisation: Option<String>,
    /// 製品名/サービス名称 (product or service name)
    #[arg(long)]
    pub(crate) product: Option<String>,
    /// 型番 (model)
    #[arg(long)]
    pub(crate) model: Option<String>,
    /// バージョン (product version)
    #[arg(long = "product-version", value_name = "VERSION")]
    pub(crate) product_version: Option<String>,
    /// 作成日 YYYY-MM-DD (date; today when omitted)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub(crate) date: Option<IsoDate>,
    /// 連絡先 (contact)
    #[arg(long)]
    pub(crate) contact: Option<String>,
    /// 出力ファイル (output file, *.kaiji.json)
    #[arg(short, long, value_name = "FILE")]
    pub(crate) output: PathBuf,
    /// 既存のファイルを上書きする (overwrite an existing file)
    #[arg(long)]
    pub(crate) force: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ValidateArgs {
    /// 開示書ファイル (*.kaiji.json)
    #[arg(required = true, value_name = "FILE")]
    pub(crate) files: Vec<PathBuf>,
    /// この重大度以上の指摘があれば終了コード 1 (exit 1 on findings at or above this level)
    #[arg(long, default_value = "error", value_name = "error|warning|info", value_parser = parse_severity)]
    pub(crate) deny: Severity,
    #[command(flatten)]
    pub(crate) format: FormatArg,
}

#[derive(Debug, Args)]
pub(crate) struct ExplainArgs {
    /// 指摘コード(省略時は一覧) (finding code, e.g. missing-answer; all codes when omitted)
    pub(crate) code: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
}

/// Where a rendering command's output goes and in which format: shared by review, compare,
/// diff, checklist mhlw, rss risk and rss sla.
#[derive(Debug, Args)]
pub(crate) struct OutputArgs {
    /// 出力ファイル(拡張子で形式を選ぶ。書けない拡張子はエラー) (output file; the extension picks the format)
    #[arg(short, long, value_name = "OUT")]
    pub(crate) output: Option<PathBuf>,
    /// 出力形式(省略時は -o の拡張子、なければ既定) (format; default: from -o, else the command's default)
    #[arg(long, value_enum)]
    pub(crate) format: Option<OutFormat>,
    /// 既存のファイルを上書きする (overwrite an existing file)
    #[arg(long)]
    pub(crate) force: bool,
}

/// The formats `--format` names: text for the terminal, and the render layer's file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum OutFormat {
    Text,
    Json,
    Csv,
    Html,
    Pdf,
    Xlsx,
    #[value(alias = "markdown")]
    Md,
}

impl OutFormat {
    pub(crate) fn choice(self) -> Choice {
        use kaiji_report::Format as F;
        match self {
            Self::Text => Choice::Text,
            Self::Json => Choice::File(F::Json),
            Self::Csv => Choice::File(F::Csv),
            Self::Html => Choice::File(F::Html),
            Self::Pdf => Choice::File(F::Pdf),
            Self::Xlsx => Choice::File(F::Xlsx),
            Self::Md => Choice::File(F::Markdown),
        }
    }
}

/// What a rendering command writes: text for a terminal, or one of the render layer's formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Choice {
    Text,
    File(kaiji_report::Format),
}

impl OutputArgs {
    /// The format to write: `--format`, else the extension of `-o` (`.txt` is text; none is
    /// `default`), else `default`. A format or extension the command does not write (those in
    /// `supported`, and text when `default` is text) is a usage error listing what it writes.
    pub(crate) fn choose(
        &self,
        command: &str,
        supported: &'static [kaiji_report::Format],
        default: Choice,
    ) -> Result<Choice, crate::UserError> {
        let text_ok = default == Choice::Text;
        // The format an extension of -o names, if any.
        let by_extension = |path: &std::path::Path| {
            let ext = path.extension().and_then(|e| e.to_str())?;
            if ext.eq_ignore_ascii_case("txt") {
                return Some((Choice::Text, ext.to_owned()));
            }
            kaiji_report::Format::from_extension(ext).map(|f| (Choice::File(f), ext.to_owned()))
        };
        if let (Some(f), Some(path)) = (self.format, self.output.as_deref())
            && let Some((named, ext)) = by_extension(path)
            && named != f.choice()
        {
            // `--format text -o x.pdf` would write text into a .pdf file.
            let name = format_name(f);
            return Err(crate::UserError::new(
                format!(
                    "--format {name} と -o の拡張子 .{ext} が合いません(どちらかに揃えてください)"
                ),
                format!(
                    "--format {name} does not match the extension .{ext} of -o (make them agree)"
                ),
            ));
        }
        let (named, asked) = match (self.format, self.output.as_deref()) {
            (Some(f), _) => (f.choice(), format!("--format {}", format_name(f))),
            (None, Some(path)) => match path.extension().and_then(|e| e.to_str()) {
                None => (default, String::new()),
                Some(ext) if ext.eq_ignore_ascii_case("txt") => (Choice::Text, ".txt".to_owned()),
                Some(ext) => match kaiji_report::Format::from_extension(ext) {
                    Some(f) => (Choice::File(f), format!(".{ext}")),
                    None => {
                        return Err(unsupported(command, &format!(".{ext}"), supported, text_ok));
                    }
                },
            },
            (None, None) => (default, String::new()),
        };
        match named {
            Choice::Text if !text_ok => Err(unsupported(command, &asked, supported, text_ok)),
            Choice::File(f) if !supported.contains(&f) => {
                Err(unsupported(command, &asked, supported, text_ok))
            }
            ok => Ok(ok),
        }
    }
}

fn format_name(f: OutFormat) -> String {
    f.to_possible_value()
        .map(|v| v.get_name().to_owned())
        .unwrap_or_default()
}

/// The usage error for a format a command does not write, listing those it does.
fn unsupported(
    command: &str,
    asked: &str,
    supported: &[kaiji_report::Format],
    text_ok: bool,
) -> crate::UserError {
    let list = kaiji_report::list(supported);
    let (text_ja, text_en) = if text_ok {
        (
            "、テキスト(.txt または拡張子なし)",
            ", text (.txt or no extension)",
        )
    } else {
        ("", "")
    };
    crate::UserError::of(
        kaiji_catalog::ErrorKind::Unsupported,
        kaiji_catalog::Text::new(
            format!("kaiji {command} は {asked} の形式を書けません。書ける形式: {list}{text_ja}"),
            format!("kaiji {command} does not write {asked}; it writes: {list}{text_en}"),
        ),
    )
}

/// A file that a command writes in one format only (`new`: a disclosure, `export`: a workbook):
/// another extension is a usage error naming the ones it writes; no extension is accepted.
pub(crate) fn expect_extension(
    command: &str,
    path: &std::path::Path,
    allowed: &[&str],
) -> Result<(), crate::UserError> {
    let Some(ext) = path.extension().and_then(|e| e.to_str()) else {
        return Ok(());
    };
    if allowed.iter().any(|a| a.eq_ignore_ascii_case(ext)) {
        return Ok(());
    }
    let list: Vec<String> = allowed.iter().map(|a| format!(".{a}")).collect();
    let list = list.join(" ");
    Err(crate::UserError::new(
        format!(
            "kaiji {command} は .{ext} の形式を書けません。書ける形式: {list}({} を確かめてください)",
            path.display()
        ),
        format!(
            "kaiji {command} does not write .{ext}; it writes: {list} (check {})",
            path.display()
        ),
    ))
}

/// A date argument (`--today`, `--date`) as an [`IsoDate`], exactly YYYY-MM-DD.
fn parse_date(s: &str) -> Result<IsoDate, String> {
    s.parse::<IsoDate>()
        .map_err(|e| format!("{} ({})", e.message(Lang::Ja), e.message(Lang::En)))
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    s.parse().map_err(|_| "ja | en".to_owned())
}

fn parse_kind(s: &str) -> Result<DocKind, String> {
    s.parse().map_err(|_| "mds | sds | rss-sds".to_owned())
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse().map_err(|_| "error | warning | info".to_owned())
}
