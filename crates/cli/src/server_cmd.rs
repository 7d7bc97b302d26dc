//! `kaiji serve`, `kaiji admin` and `kaiji audit`: the server and its database from the command line.
//! The server and the store decide; this module starts them and presents what they return.

use std::io::{BufRead as _, Write as _};

use jiff::{SignedDuration, Timestamp};
use kaiji_catalog::Text;
use kaiji_store::{Ctx, OrgId, OrgKind, Role, Store, TokenId};

use crate::cli::{AdminCommand, AuditCommand, ServeArgs};
use crate::output::{Out, escape_controls};
use crate::{Outcome, UserError};

impl From<kaiji_store::Error> for UserError {
    fn from(e: kaiji_store::Error) -> Self {
        Self::of(e.kind(), e.text())
    }
}

impl From<kaiji_server::Error> for UserError {
    fn from(e: kaiji_server::Error) -> Self {
        Self::of(kaiji_catalog::ErrorKind::Internal, e.text())
    }
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, UserError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            UserError::new(
                format!("非同期ランタイムを起動できません: {e}"),
                format!("cannot start the async runtime: {e}"),
            )
        })
}

/// Lines the server prints while it runs go straight to stdout, flushed (a supervisor or a test reads
/// the address before the process ends).
fn say(line: &str) -> Result<(), UserError> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", escape_controls(line))
        .and_then(|()| stdout.flush())
        .map_err(|e| {
            UserError::new(
                format!("出力を書き込めません: {e}"),
                format!("cannot write the output: {e}"),
            )
        })
}

/// Starts the server; drafts are validated against `registry` (the built-in catalogs and any
/// `--catalog-file`).
pub(crate) fn serve(
    args: ServeArgs,
    registry: kaiji_catalog::Registry,
    out: &Out,
) -> Result<Outcome, UserError> {
    let lang = out.lang();
    let mut config = kaiji_server::Config::new(args.database.url.clone(), args.bind);
    config.registry = Some(std::sync::Arc::new(registry));
    config.demo = args.demo;
    config.secure_cookies = args.secure_cookies;
    config.smtp_url = args.smtp_url.clone();
    if let Some(from) = &args.mail_from {
        config.mail_from = from.clone();
    }
    runtime()?.block_on(async move {
        let server = kaiji_server::Server::bind(config).await?;
        let addr = server
            .local_addr()
            .map_err(UserError::from)?;
        say(&format!(
            "{}: http://{addr}/api/v1 ({})",
            Text::new("待ち受け中", "listening").get(lang),
            args.database.url
        ))?;
        if let Some(demo) = server.demo() {
            say(Text::new(
                format!("デモデータを入れました (開示書 {} 件)。ログイン (このデータベース用に生成、表示はこの1回だけ):", demo.published),
                format!("demo data filled ({} disclosures published). Logins (made for this database, shown this once):", demo.published),
            )
            .get(lang))?;
            for login in &demo.logins {
                say(&format!(
                    "  {:<8} {:<8} {:<28} {}  {}",
                    login.kind.as_str(),
                    login.role.as_str(),
                    login.email,
                    login.password,
                    login.organisation
                ))?;
            }
        } else if args.demo {
            say(Text::new(
                "データベースは空ではないため、デモデータは入れませんでした (ログインは最初の起動時に表示済み)",
                "the database is not empty, so no demo data was added (the logins were shown at its first start)",
            )
            .get(lang))?;
        }
        server.run(kaiji_server::shutdown_signal()).await?;
        Ok(Outcome::Clean)
    })
}

async fn open(url: &str) -> Result<Store, UserError> {
    Store::open(url).await.map_err(|e| {
        UserError::of(e.kind(), e.text())
            .map_text(|t| Text::new(format!("{url}: {}", t.ja), format!("{url}: {}", t.en)))
    })
}

pub(crate) fn audit(cmd: AuditCommand, out: &mut Out) -> Result<Outcome, UserError> {
    let lang = out.lang();
    runtime()?.block_on(async move {
        match cmd {
            AuditCommand::Verify(db) => {
                let store = open(&db.url).await?;
                let report = store.verify_audit().await?;
                match &report.broken {
                    None => {
                        out.line(
                            Text::new(
                                format!(
                                    "監査ログは検証されました: {} 件、先頭 {}",
                                    report.entries, report.head
                                ),
                                format!(
                                    "the audit log verifies: {} entries, head {}",
                                    report.entries, report.head
                                ),
                            )
                            .get(lang),
                        );
                        Ok(Outcome::Clean)
                    }
                    Some(broken) => {
                        out.line(
                            Text::new(
                                format!(
                                    "監査ログの記録 {} が壊れています: {}",
                                    broken.seq, broken.reason
                                ),
                                format!("audit entry {} is broken: {}", broken.seq, broken.reason),
                            )
                            .get(lang),
                        );
                        Ok(Outcome::Findings)
                    }
                }
            }
            AuditCommand::Export(db) => {
                let store = open(&db.url).await?;
                let mut after = 0;
                loop {
                    let page = store.audit_entries(None, after, 1000).await?;
                    let Some(last) = page.last() else { break };
                    after = last.seq;
                    for entry in &page {
                        out.raw(&serde_json::to_string(entry).unwrap_or_default());
                        out.raw("\n");
                    }
                }
                Ok(Outcome::Clean)
            }
        }
    })
}

/// The first line of stdin: a password is never an argument (it would show in the process list).
fn password_from_stdin() -> Result<String, UserError> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|e| {
        UserError::new(
            format!("標準入力を読めません: {e}"),
            format!("cannot read stdin: {e}"),
        )
    })?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

fn org_id(text: &str) -> Result<OrgId, UserError> {
    Ok(text.parse()?)
}

pub(crate) fn admin(cmd: AdminCommand, out: &mut Out) -> Result<Outcome, UserError> {
    let lang = out.lang();
    let ctx = Ctx::system("admin", Timestamp::now());
    runtime()?.block_on(async move {
        match cmd {
            AdminCommand::CreateOrg(args) => {
                let kind: OrgKind = args.kind.parse()?;
                let store = open(&args.database.url).await?;
                let org = store.create_organisation(&ctx, kind, &args.name).await?;
                out.line(format!("{} {} {}", org.id, org.kind, org.name));
            }
            AdminCommand::CreateUser(args) => {
                let password = password_from_stdin()?;
                let store = open(&args.database.url).await?;
                let user = store
                    .create_user(&ctx, &args.email, &args.name, &password)
                    .await?;
                out.line(format!("{} {}", user.id, user.email));
            }
            AdminCommand::AddMember(args) => {
                let org = org_id(&args.org)?;
                let role: Role = args.role.parse()?;
                let store = open(&args.database.url).await?;
                let user = store.user_by_email(&args.email).await?;
                store.set_membership(&ctx, &org, &user.id, role).await?;
                out.line(format!("{} {} {role}", org, user.email));
            }
            AdminCommand::ResetPassword(args) => {
                let password = password_from_stdin()?;
                let store = open(&args.database.url).await?;
                let user = store.user_by_email(&args.email).await?;
                store.set_password(&ctx, &user.id, &password).await?;
                out.line(
                    Text::new(
                        format!(
                            "{} のパスワードを設定し直しました (セッションは終了)",
                            user.email
                        ),
                        format!("password of {} reset (its sessions ended)", user.email),
                    )
                    .get(lang),
                );
            }
            AdminCommand::IssueToken(args) => {
                let org = org_id(&args.org)?;
                let role: Role = args.role.parse()?;
                let store = open(&args.database.url).await?;
                let expires = ctx.now + SignedDuration::from_hours(24 * i64::from(args.days));
                let (secret, token) = store
                    .issue_api_token(&ctx, &org, role, &args.name, expires)
                    .await?;
                out.line(format!(
                    "{} {} {} {}",
                    token.id,
                    token.role,
                    token.expires_at,
                    secret.expose()
                ));
            }
            AdminCommand::RevokeToken(args) => {
                let org = org_id(&args.org)?;
                let token: TokenId = args.token.parse()?;
                let store = open(&args.database.url).await?;
                store.revoke_api_token(&ctx, &org, &token).await?;
                out.line(token.to_string());
            }
        }
        Ok(Outcome::Clean)
    })
}
