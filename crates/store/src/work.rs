//! Background work and what it produces: the jobs table (claimed by any number of server instances),
//! in-app notifications, the mail outbox, and the files a hospital keeps (policies, system inventory,
//! risk record).
//!
//! Notifications, mail and jobs are the system's own bookkeeping, not changes a person makes, so they
//! are not in the audit log; each may carry a `dedupe_key` (unique), so that the same event enqueued by
//! two instances produces one row, and so one notification, one mail, one job.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use jiff::Timestamp;
use serde::Serialize;
use serde_json::{Value, json};
use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::{
    Backend, Ctx, Error, JobId, NotificationId, OrgId, Page, Paged, Result, Store, UserId,
    check_text, constraint, json as json_col, ms, parsed, text, text_opt, ts, ts_opt,
};

/// A claimed job: run it, then [`Store::complete_job`] or [`Store::fail_job`].
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Job {
    pub id: JobId,
    pub kind: String,
    pub payload: Value,
    /// How many times it has been claimed, this time included.
    pub attempts: i64,
    pub max_attempts: i64,
    /// Until when this claim holds; after that another instance may claim the job again.
    pub locked_until: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Notification {
    pub id: NotificationId,
    pub org: OrgId,
    /// `None`: for every member of the organisation.
    pub user: Option<UserId>,
    pub kind: String,
    pub data: Value,
    pub created_at: Timestamp,
    pub read_at: Option<Timestamp>,
}

/// A mail waiting in the outbox (or sent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Mail {
    pub id: String,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub attempts: i64,
    pub sent_at: Option<Timestamp>,
    pub last_error: Option<String>,
}

/// What a hospital keeps besides received disclosures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum HospitalFileKind {
    /// A review policy (YAML).
    Policy,
    /// The system inventory (YAML).
    Inventory,
    /// The facility's risk record for the GL 7.0 別紙 lines (YAML).
    RiskRecord,
}

impl HospitalFileKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Policy => "policy",
            Self::Inventory => "inventory",
            Self::RiskRecord => "risk-record",
        }
    }
}

impl FromStr for HospitalFileKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "policy" => Ok(Self::Policy),
            "inventory" => Ok(Self::Inventory),
            "risk-record" => Ok(Self::RiskRecord),
            _ => Err(Error::BadInput(format!("hospital file kind {s:?}"))),
        }
    }
}

impl fmt::Display for HospitalFileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct HospitalFile {
    pub org: OrgId,
    pub kind: HospitalFileKind,
    pub name: String,
    pub content: String,
    pub updated_at: Timestamp,
    pub updated_by: Option<UserId>,
}

const JOB_RETURNING: &str = "id, kind, payload, attempts, max_attempts, locked_until";

fn job_from(row: &AnyRow) -> Result<Job> {
    Ok(Job {
        id: parsed(row, "id")?,
        kind: text(row, "kind")?,
        payload: json_col(row, "payload")?,
        attempts: row.try_get("attempts")?,
        max_attempts: row.try_get("max_attempts")?,
        locked_until: ts(row, "locked_until")?,
    })
}

fn notification_from(row: &AnyRow) -> Result<Notification> {
    Ok(Notification {
        id: parsed(row, "id")?,
        org: parsed(row, "org_id")?,
        user: text_opt(row, "user_id")?.map(|s| s.parse()).transpose()?,
        kind: text(row, "kind")?,
        data: json_col(row, "data")?,
        created_at: ts(row, "created_at")?,
        read_at: ts_opt(row, "read_at")?,
    })
}

fn mail_from(row: &AnyRow) -> Result<Mail> {
    Ok(Mail {
        id: text(row, "id")?,
        to: text(row, "to_address")?,
        subject: text(row, "subject")?,
        body: text(row, "body")?,
        attempts: row.try_get("attempts")?,
        sent_at: ts_opt(row, "sent_at")?,
        last_error: text_opt(row, "last_error")?,
    })
}

impl Store {
    // ----- jobs -----

    /// Queues a job to run at `run_at` (at most `max_attempts` claims). With a `dedupe_key` that is
    /// queued already, nothing is added and `None` comes back.
    pub async fn enqueue_job(
        &self,
        now: Timestamp,
        kind: &str,
        payload: &Value,
        run_at: Timestamp,
        max_attempts: i64,
        dedupe_key: Option<&str>,
    ) -> Result<Option<JobId>> {
        check_text("job kind", kind, 100)?;
        let id = JobId::new(now)?;
        let done = sqlx::query(
            "INSERT INTO jobs (id, kind, payload, dedupe_key, state, run_at, attempts, max_attempts, created_at) \
             VALUES ($1, $2, $3, $4, 'queued', $5, 0, $6, $7) ON CONFLICT (dedupe_key) DO NOTHING",
        )
        .bind(id.as_str().to_owned())
        .bind(kind.to_owned())
        .bind(kaiji_sign::canonical(payload))
        .bind(dedupe_key.map(str::to_owned))
        .bind(ms(run_at))
        .bind(max_attempts.max(1))
        .bind(ms(now))
        .execute(&self.pool)
        .await?;
        Ok((done.rows_affected() == 1).then_some(id))
    }

    /// Claims the next job that is due for `worker`, for `lease` (see [`Store::claim_jobs`]).
    pub async fn claim_job(
        &self,
        now: Timestamp,
        worker: &str,
        lease: Duration,
    ) -> Result<Option<Job>> {
        Ok(self.claim_jobs(now, worker, lease, 1).await?.pop())
    }

    /// Claims up to `limit` jobs that are due for `worker`, for `lease`, oldest first: queued ones, then
    /// running ones whose claim expired with attempts left. One statement per state: on PostgreSQL the
    /// candidate rows are locked with `FOR UPDATE SKIP LOCKED`, so instances claiming at once take
    /// different jobs; on SQLite each `UPDATE … RETURNING` runs under the database's one write lock. Each
    /// job is claimed by one worker at a time. Both candidate scans follow the `jobs_due` index
    /// (state, run_at, id), so a claim costs the same with a million jobs done as with none.
    pub async fn claim_jobs(
        &self,
        now: Timestamp,
        worker: &str,
        lease: Duration,
        limit: usize,
    ) -> Result<Vec<Job>> {
        // On PostgreSQL the candidates are taken once, as an array: under `id IN (SELECT … SKIP LOCKED
        // LIMIT n)` the planner may rescan the subquery once per row it updates, and each rescan skips
        // the rows just locked, so a claim of one took every job.
        let (open, close, lock) = match self.backend {
            Backend::Postgres => ("= ANY(ARRAY(", "))", "FOR UPDATE SKIP LOCKED"),
            Backend::Sqlite => ("IN (", ")", ""),
        };
        let mut jobs = Vec::new();
        for due in [
            "state = 'queued'",
            "state = 'running' AND locked_until <= $3",
        ] {
            let want = limit.saturating_sub(jobs.len());
            if want == 0 {
                break;
            }
            let sql = format!(
                "UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_by = $1, locked_until = $2 \
                 WHERE id {open}SELECT id FROM jobs WHERE {due} AND run_at <= $3 AND attempts < max_attempts \
                   ORDER BY run_at, id LIMIT {want} {lock}{close} \
                 AND {due} AND attempts < max_attempts \
                 RETURNING {JOB_RETURNING}"
            );
            let rows = sqlx::query(&sql)
                .bind(worker.to_owned())
                .bind(ms(now) + lease.as_millis() as i64)
                .bind(ms(now))
                .fetch_all(&self.pool)
                .await?;
            let mut claimed = rows.iter().map(job_from).collect::<Result<Vec<_>>>()?;
            // RETURNING gives no order; ids begin with their creation time.
            claimed.sort_by(|a, b| a.id.as_str().cmp(b.id.as_str()));
            jobs.append(&mut claimed);
        }
        Ok(jobs)
    }

    /// Marks a claimed job done (only the worker holding the claim can).
    pub async fn complete_job(&self, now: Timestamp, worker: &str, job: &JobId) -> Result<()> {
        let done = sqlx::query(
            "UPDATE jobs SET state = 'done', finished_at = $1, locked_until = NULL \
             WHERE id = $2 AND locked_by = $3 AND state = 'running'",
        )
        .bind(ms(now))
        .bind(job.as_str().to_owned())
        .bind(worker.to_owned())
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound("job"));
        }
        Ok(())
    }

    /// Records a failed run: queued again at `retry_at` while attempts remain, otherwise failed for good.
    pub async fn fail_job(
        &self,
        now: Timestamp,
        worker: &str,
        job: &JobId,
        error: &str,
        retry_at: Timestamp,
    ) -> Result<()> {
        let done = sqlx::query(
            "UPDATE jobs SET state = CASE WHEN attempts < max_attempts THEN 'queued' ELSE 'failed' END, \
             run_at = $1, last_error = $2, locked_until = NULL, \
             finished_at = CASE WHEN attempts < max_attempts THEN NULL ELSE $3 END \
             WHERE id = $4 AND locked_by = $5 AND state = 'running'",
        )
        .bind(ms(retry_at))
        .bind(error.chars().take(2000).collect::<String>())
        .bind(ms(now))
        .bind(job.as_str().to_owned())
        .bind(worker.to_owned())
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound("job"));
        }
        Ok(())
    }

    /// The state of a job (`queued`, `running`, `done`, `failed`) and its attempts so far.
    pub async fn job_state(&self, job: &JobId) -> Result<(String, i64)> {
        let row = sqlx::query("SELECT state, attempts FROM jobs WHERE id = $1")
            .bind(job.as_str().to_owned())
            .fetch_optional(&self.pool)
            .await?
            .ok_or(Error::NotFound("job"))?;
        Ok((text(&row, "state")?, row.try_get("attempts")?))
    }

    // ----- notifications -----

    /// Adds an in-app notification for an organisation (or one of its users). With a `dedupe_key` seen
    /// before, nothing is added and `None` comes back.
    pub async fn notify(
        &self,
        now: Timestamp,
        org: &OrgId,
        user: Option<&UserId>,
        kind: &str,
        data: &Value,
        dedupe_key: Option<&str>,
    ) -> Result<Option<NotificationId>> {
        check_text("notification kind", kind, 100)?;
        let id = NotificationId::new(now)?;
        let done = sqlx::query(
            "INSERT INTO notifications (id, org_id, user_id, kind, data, dedupe_key, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (dedupe_key) DO NOTHING",
        )
        .bind(id.as_str().to_owned())
        .bind(org.as_str().to_owned())
        .bind(user.map(|u| u.as_str().to_owned()))
        .bind(kind.to_owned())
        .bind(kaiji_sign::canonical(data))
        .bind(dedupe_key.map(str::to_owned))
        .bind(ms(now))
        .execute(&self.pool)
        .await
        .map_err(|e| constraint(e, "notification"))?;
        Ok((done.rows_affected() == 1).then_some(id))
    }

    /// The notifications a user of an organisation sees (those for the organisation and those for them),
    /// newest first; `unread_only` leaves out the read ones.
    pub async fn notifications(
        &self,
        org: &OrgId,
        user: &UserId,
        unread_only: bool,
        limit: i64,
    ) -> Result<Vec<Notification>> {
        let page = Page::first(u32::try_from(limit.clamp(1, 1000)).unwrap_or(1000));
        Ok(self
            .notifications_page(org, user, unread_only, &page)
            .await?
            .items)
    }

    /// A page of them, newest first.
    pub async fn notifications_page(
        &self,
        org: &OrgId,
        user: &UserId,
        unread_only: bool,
        page: &Page,
    ) -> Result<Paged<Notification>> {
        let sql = format!(
            "SELECT id, org_id, user_id, kind, data, created_at, read_at{} FROM notifications \
             WHERE org_id = $1 AND (user_id IS NULL OR user_id = $2) AND ($3 = 0 OR read_at IS NULL){}",
            Page::columns("created_at", "id"),
            page.sql("created_at", "id", 4, true)
        );
        let query = sqlx::query(&sql)
            .bind(org.as_str().to_owned())
            .bind(user.as_str().to_owned())
            .bind(i64::from(unread_only));
        let (rows, next) = page.finish(page.bind(query, true).fetch_all(&self.pool).await?)?;
        Ok(Paged {
            items: rows.iter().map(notification_from).collect::<Result<_>>()?,
            next,
        })
    }

    /// Marks one of the organisation's notifications read.
    pub async fn mark_read(&self, now: Timestamp, org: &OrgId, id: &NotificationId) -> Result<()> {
        let done = sqlx::query(
            "UPDATE notifications SET read_at = $1 WHERE id = $2 AND org_id = $3 AND read_at IS NULL",
        )
        .bind(ms(now))
        .bind(id.as_str().to_owned())
        .bind(org.as_str().to_owned())
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound("notification"));
        }
        Ok(())
    }

    // ----- mail outbox -----

    /// Puts a mail in the outbox (once per `dedupe_key`); the mail worker sends it.
    pub async fn queue_mail(
        &self,
        now: Timestamp,
        to: &str,
        subject: &str,
        body: &str,
        dedupe_key: Option<&str>,
    ) -> Result<Option<String>> {
        check_text("recipient", to, 254)?;
        check_text("subject", subject, 500)?;
        if to.contains(['\r', '\n']) || subject.contains(['\r', '\n']) {
            return Err(Error::BadInput(
                "a mail header contains a line break".into(),
            ));
        }
        let id = crate::ids::new_id(now)?;
        let done = sqlx::query(
            "INSERT INTO mail_outbox (id, to_address, subject, body, dedupe_key, created_at, attempts) \
             VALUES ($1, $2, $3, $4, $5, $6, 0) ON CONFLICT (dedupe_key) DO NOTHING",
        )
        .bind(id.clone())
        .bind(to.to_owned())
        .bind(subject.to_owned())
        .bind(body.to_owned())
        .bind(dedupe_key.map(str::to_owned))
        .bind(ms(now))
        .execute(&self.pool)
        .await?;
        Ok((done.rows_affected() == 1).then_some(id))
    }

    /// Unsent mail with fewer than `max_attempts` attempts, oldest first.
    pub async fn pending_mail(&self, max_attempts: i64, limit: i64) -> Result<Vec<Mail>> {
        let rows = sqlx::query(
            "SELECT id, to_address, subject, body, attempts, sent_at, last_error FROM mail_outbox \
             WHERE sent_at IS NULL AND failed_at IS NULL AND attempts < $1 ORDER BY id LIMIT $2",
        )
        .bind(max_attempts)
        .bind(limit.clamp(1, 1000))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(mail_from).collect()
    }

    /// Records a sending attempt: sent (`error` = `None`) or failed with the SMTP server's answer.
    pub async fn mail_attempted(
        &self,
        now: Timestamp,
        id: &str,
        error: Option<&str>,
    ) -> Result<()> {
        let done = sqlx::query(
            "UPDATE mail_outbox SET attempts = attempts + 1, \
             sent_at = CASE WHEN $1 = '' THEN $2 ELSE NULL END, \
             last_error = CASE WHEN $1 = '' THEN NULL ELSE $1 END \
             WHERE id = $3 AND sent_at IS NULL",
        )
        .bind(
            error
                .unwrap_or_default()
                .chars()
                .take(2000)
                .collect::<String>(),
        )
        .bind(ms(now))
        .bind(id.to_owned())
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound("mail"));
        }
        Ok(())
    }

    /// Claims up to `limit` mails that are due (unsent, not failed, `next_attempt_at` passed, no live
    /// claim) for `worker`, for `lease`, oldest first. One statement: on PostgreSQL the candidate rows are
    /// locked with `FOR UPDATE SKIP LOCKED`, so instances claiming at once take different mails; on SQLite
    /// the single `UPDATE … RETURNING` runs under the database's one write lock. A mail is claimed by one
    /// sender at a time; a sender that dies leaves it to the next claim after the lease.
    pub async fn claim_mail(
        &self,
        now: Timestamp,
        worker: &str,
        lease: Duration,
        limit: i64,
    ) -> Result<Vec<Mail>> {
        let lock = match self.backend {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let due = "sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $3 \
                   AND (locked_until IS NULL OR locked_until <= $3)";
        let sql = format!(
            "UPDATE mail_outbox SET locked_by = $1, locked_until = $2 \
             WHERE id IN (SELECT id FROM mail_outbox WHERE {due} ORDER BY id LIMIT $4 {lock}) AND {due} \
             RETURNING id, to_address, subject, body, attempts, sent_at, last_error"
        );
        let rows = sqlx::query(&sql)
            .bind(worker.to_owned())
            .bind(ms(now) + lease.as_millis() as i64)
            .bind(ms(now))
            .bind(limit.clamp(1, 1000))
            .fetch_all(&self.pool)
            .await?;
        let mut mails = rows.iter().map(mail_from).collect::<Result<Vec<_>>>()?;
        mails.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(mails)
    }

    /// Records the attempt of a mail `worker` claimed: sent (`error` = `None`), or failed with the SMTP
    /// server's answer and tried again from `retry_at`, or (at its `max_attempts`-th attempt) failed for
    /// good, kept with its last error. Only the claim's holder can record.
    pub async fn record_mail_attempt(
        &self,
        now: Timestamp,
        worker: &str,
        id: &str,
        error: Option<&str>,
        retry_at: Timestamp,
        max_attempts: i64,
    ) -> Result<()> {
        let done = sqlx::query(
            "UPDATE mail_outbox SET attempts = attempts + 1, locked_by = NULL, locked_until = NULL, \
             sent_at = CASE WHEN $1 = '' THEN $2 ELSE NULL END, \
             last_error = CASE WHEN $1 = '' THEN NULL ELSE $1 END, \
             next_attempt_at = $3, \
             failed_at = CASE WHEN $1 <> '' AND attempts + 1 >= $4 THEN $2 ELSE NULL END \
             WHERE id = $5 AND locked_by = $6 AND sent_at IS NULL AND failed_at IS NULL",
        )
        .bind(
            error
                .map(|e| if e.is_empty() { "error" } else { e })
                .unwrap_or_default()
                .chars()
                .take(2000)
                .collect::<String>(),
        )
        .bind(ms(now))
        .bind(ms(retry_at))
        .bind(max_attempts)
        .bind(id.to_owned())
        .bind(worker.to_owned())
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound("mail"));
        }
        Ok(())
    }

    /// Every mail of the outbox with its state (`pending`, `sent`, `failed`), oldest first: what an
    /// operator (or a test) inspects.
    pub async fn outbox(&self, limit: i64) -> Result<Vec<(Mail, String)>> {
        let rows = sqlx::query(
            "SELECT id, to_address, subject, body, attempts, sent_at, last_error, failed_at FROM mail_outbox \
             ORDER BY id LIMIT $1",
        )
        .bind(limit.clamp(1, 100_000))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let mail = mail_from(row)?;
                let state = if mail.sent_at.is_some() {
                    "sent"
                } else if ts_opt(row, "failed_at")?.is_some() {
                    "failed"
                } else {
                    "pending"
                };
                Ok((mail, state.to_owned()))
            })
            .collect()
    }

    /// A document's title, for the system's own mail (not scoped to a caller: never answer it to one).
    pub async fn document_title(&self, document: &crate::DocumentId) -> Result<String> {
        let row = sqlx::query("SELECT title FROM documents WHERE id = $1")
            .bind(document.as_str().to_owned())
            .fetch_optional(&self.pool)
            .await?
            .ok_or(Error::NotFound("document"))?;
        text(&row, "title")
    }

    // ----- hospital files -----

    /// Stores (or replaces) a hospital's policy, inventory or risk record under a name.
    pub async fn put_hospital_file(
        &self,
        ctx: &Ctx,
        org: &OrgId,
        kind: HospitalFileKind,
        name: &str,
        content: &str,
    ) -> Result<()> {
        check_text("file name", name, 200)?;
        let mut change = self.begin(ctx).await?;
        if Self::org_kind_in(change.conn(), org).await? != crate::OrgKind::Hospital {
            return Err(Error::BadInput(
                "policies and inventories belong to hospitals".into(),
            ));
        }
        sqlx::query(
            "INSERT INTO hospital_files (org_id, kind, name, content, updated_at, updated_by) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (org_id, kind, name) DO UPDATE SET \
             content = excluded.content, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        )
        .bind(org.as_str().to_owned())
        .bind(kind.as_str())
        .bind(name.to_owned())
        .bind(content.to_owned())
        .bind(ms(ctx.now))
        .bind(ctx.user.as_ref().map(|u| u.as_str().to_owned()))
        .execute(change.conn())
        .await
        .map_err(|e| constraint(e, "hospital file"))?;
        change
            .commit(
                "hospital-file.put",
                &format!("{org}/{kind}/{name}"),
                json!({"sha256": kaiji_sign::ContentAddress::of_bytes(content.as_bytes()).as_str()}),
            )
            .await
    }

    /// The names of the hospital's files of a kind, sorted.
    pub async fn hospital_files(&self, org: &OrgId, kind: HospitalFileKind) -> Result<Vec<String>> {
        Ok(self.hospital_files_page(org, kind, &Page::ALL).await?.items)
    }

    /// A page of their names, in the order of the names.
    pub async fn hospital_files_page(
        &self,
        org: &OrgId,
        kind: HospitalFileKind,
        page: &Page,
    ) -> Result<Paged<String>> {
        let sql = format!(
            "SELECT name FROM hospital_files WHERE org_id = $1 AND kind = $2{}",
            page.sql_by_name("name", 3)
        );
        let query = sqlx::query(&sql)
            .bind(org.as_str().to_owned())
            .bind(kind.as_str());
        let rows = page.bind_by_name(query)?.fetch_all(&self.pool).await?;
        let names = rows
            .iter()
            .map(|r| text(r, "name"))
            .collect::<Result<_>>()?;
        let (items, next) = page.finish_by_name(names);
        Ok(Paged { items, next })
    }

    /// One of the hospital's files.
    pub async fn hospital_file(
        &self,
        org: &OrgId,
        kind: HospitalFileKind,
        name: &str,
    ) -> Result<HospitalFile> {
        let row = sqlx::query(
            "SELECT org_id, kind, name, content, updated_at, updated_by FROM hospital_files \
             WHERE org_id = $1 AND kind = $2 AND name = $3",
        )
        .bind(org.as_str().to_owned())
        .bind(kind.as_str())
        .bind(name.to_owned())
        .fetch_optional(&self.pool)
        .await?
        .ok_or(Error::NotFound("file"))?;
        Ok(HospitalFile {
            org: parsed(&row, "org_id")?,
            kind: parsed(&row, "kind")?,
            name: text(&row, "name")?,
            content: text(&row, "content")?,
            updated_at: ts(&row, "updated_at")?,
            updated_by: text_opt(&row, "updated_by")?
                .map(|s| s.parse())
                .transpose()?,
        })
    }
}
