//! E-mail of notifications (`kaiji serve --smtp-url`): the worker puts a mail per member of the
//! organisation concerned in the store's outbox (once per notification and user, by dedupe key), and the
//! sender of any instance claims due mails, sends them over SMTP and records each attempt with its error,
//! retrying with a doubling delay until the last attempt marks the mail failed (kept, with its error).
//!
//! The text is Japanese, with the English below it (users have no language preference yet). Whatever
//! comes from a vendor (a document's title) is plain text: control characters (CR/LF among them) become
//! spaces in the subject, so no header can be injected, and the body is `text/plain`, never interpreted.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use kaiji_catalog::Text;
use kaiji_store::{OrgId, Store};
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};
use serde_json::Value;

/// How long a sender's claim on a mail holds; a sender that dies leaves its mails to another after it.
const LEASE: Duration = Duration::from_secs(120);

/// Mails claimed per round.
const BATCH: i64 = 20;

/// The SMTP relay and how mail is retried.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The delay before the second attempt; it doubles with each failure (at most an hour).
    pub retry: Duration,
    /// Attempts before a mail is marked failed.
    pub max_attempts: i64,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .field("retry", &self.retry)
            .field("max_attempts", &self.max_attempts)
            .finish_non_exhaustive()
    }
}

impl Mailer {
    /// A relay from its URL: `smtp://host:port` (plain), `smtp://host:port?tls=required` (STARTTLS),
    /// `smtps://host:port` (TLS from the start); `user:password@` in the URL logs in. TLS is rustls with
    /// the webpki roots.
    pub fn new(url: &str, from: &str) -> Result<Self, Text> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| {
                Text::new(
                    format!("SMTP の URL {url:?} を使えません: {e}"),
                    format!("cannot use the SMTP URL {url:?}: {e}"),
                )
            })?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        let from: Mailbox = from.parse().map_err(|e| {
            Text::new(
                format!("送信元アドレス {from:?} が不正です: {e}"),
                format!("the sender address {from:?} is not valid: {e}"),
            )
        })?;
        Ok(Self {
            transport,
            from,
            retry: Duration::from_secs(60),
            max_attempts: 6,
        })
    }

    async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), String> {
        let to: Mailbox = to.parse().map_err(|e| format!("recipient {to:?}: {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(plain_line(subject))
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_owned())
            .map_err(|e| format!("message: {e}"))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// One line of plain text: every control character (CR and LF among them) a space.
pub fn plain_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Sends the due mails of the outbox (those this sender claims); returns how many went out.
pub async fn send_due(
    store: &Store,
    worker: &str,
    mailer: &Mailer,
) -> Result<usize, kaiji_store::Error> {
    let mut sent = 0;
    loop {
        let mails = store
            .claim_mail(Timestamp::now(), worker, LEASE, BATCH)
            .await?;
        if mails.is_empty() {
            return Ok(sent);
        }
        for mail in mails {
            let outcome = mailer.send(&mail.to, &mail.subject, &mail.body).await;
            let retry = mailer
                .retry
                .saturating_mul(1u32 << mail.attempts.clamp(0, 16))
                .min(Duration::from_secs(3600));
            let retry_at = Timestamp::now()
                + SignedDuration::try_from(retry).unwrap_or(SignedDuration::from_secs(3600));
            store
                .record_mail_attempt(
                    Timestamp::now(),
                    worker,
                    &mail.id,
                    outcome.as_ref().err().map(String::as_str),
                    retry_at,
                    mailer.max_attempts,
                )
                .await?;
            if outcome.is_ok() {
                sent += 1;
            }
        }
    }
}

/// Puts a mail about a notification in the outbox for every active member of `org`, once per
/// notification (`key`) and user.
pub(crate) async fn queue_for_members(
    store: &Store,
    org: &OrgId,
    key: &str,
    kind: &str,
    data: &Value,
) -> Result<usize, kaiji_store::Error> {
    let (subject, body) = compose(store, kind, data).await;
    let subject = plain_line(&format!("[kaiji] {} / {}", subject.ja, subject.en));
    let body = format!(
        "{}\n\n----- English -----\n\n{}\n\n-- \nkaiji (開示) からの自動送信です / sent by kaiji\n",
        body.ja, body.en
    );
    let mut queued = 0;
    for member in store.members(org).await? {
        if member.user.disabled_at.is_some() {
            continue;
        }
        let dedupe = format!("mail:{key}:{}", member.user.id);
        if store
            .queue_mail(
                Timestamp::now(),
                &member.user.email,
                &subject,
                &body,
                Some(&dedupe),
            )
            .await?
            .is_some()
        {
            queued += 1;
        }
    }
    Ok(queued)
}

fn str_at<'a>(data: &'a Value, key: &str) -> &'a str {
    data.get(key).and_then(Value::as_str).unwrap_or("")
}

/// The subject and body of a notification's mail, in both languages. A document's title (the vendor's
/// text) is quoted as it is; the subject is made one plain line by the caller.
async fn compose(store: &Store, kind: &str, data: &Value) -> (Text, Text) {
    let document = str_at(data, "document");
    let title = match document.parse::<kaiji_store::DocumentId>() {
        Ok(id) => store
            .document_title(&id)
            .await
            .ok()
            .unwrap_or_else(|| document.to_owned()),
        Err(_) => document.to_owned(),
    };
    let version = data
        .get("version")
        .map(|v| v.to_string())
        .unwrap_or_default();
    let request = str_at(data, "request");
    let question = str_at(data, "question");
    let item = str_at(data, "item");
    let t = |ja: String, en: String| Text::new(ja, en);
    match kind {
        "document.published" => (
            t(
                format!("新しい版が公開されました: {title}"),
                format!("a new version was published: {title}"),
            ),
            t(
                format!(
                    "受け取っている開示書「{title}」の第 {version} 版が公開されました。\n受信箱で内容と差分をご確認ください。"
                ),
                format!(
                    "Version {version} of the disclosure \"{title}\" you hold was published.\nSee it and its changes in your inbox."
                ),
            ),
        ),
        "document.shared" => (
            t(
                format!("開示書が共有されました: {title}"),
                format!("a disclosure was shared with you: {title}"),
            ),
            t(
                format!("開示書「{title}」が共有されました。受信箱でご確認ください。"),
                format!("The disclosure \"{title}\" was shared with you. See it in your inbox."),
            ),
        ),
        "request.received" => (
            t(
                "開示の依頼が届きました".into(),
                "a disclosure request was received".into(),
            ),
            t(
                format!("医療機関から開示の依頼 ({request}) が届きました。"),
                format!("A hospital sent a disclosure request ({request})."),
            ),
        ),
        "request.answered" => (
            t(
                "開示の依頼に回答がありました".into(),
                "your disclosure request was answered".into(),
            ),
            t(
                format!("開示の依頼 ({request}) に回答がありました。"),
                format!("Your disclosure request ({request}) was answered."),
            ),
        ),
        "request.overdue" => {
            let due = str_at(data, "due_date");
            (
                t(
                    "開示の依頼が期限を過ぎました".into(),
                    "a disclosure request is overdue".into(),
                ),
                t(
                    format!("開示の依頼 ({request}) が期限 {due} を過ぎました。"),
                    format!("The disclosure request ({request}) is past its due date {due}."),
                ),
            )
        }
        "question.asked" | "question.followed-up" => (
            t(
                format!("質問が届きました: {title}"),
                format!("a question was asked: {title}"),
            ),
            t(
                format!("開示書「{title}」の項目 {item} について質問 ({question}) が届きました。"),
                format!("A question ({question}) was asked about item {item} of \"{title}\"."),
            ),
        ),
        "question.answered" => (
            t(
                format!("質問に回答がありました: {title}"),
                format!("your question was answered: {title}"),
            ),
            t(
                format!(
                    "開示書「{title}」の項目 {item} への質問 ({question}) に回答がありました。"
                ),
                format!("Your question ({question}) on item {item} of \"{title}\" was answered."),
            ),
        ),
        other => (
            t(
                format!("お知らせ: {other}"),
                format!("notification: {other}"),
            ),
            t(
                format!("お知らせ ({other}) があります。"),
                format!("There is a notification ({other})."),
            ),
        ),
    }
}
