//! The background worker: turns the store's event jobs (queued in the transaction of each change) into
//! in-app notifications for the organisations concerned. Every instance runs one; the store's job claim
//! gives each job to one worker at a time, and each notification's dedupe key (the event's audit number and
//! the recipient) makes it exist once however often a job is retried.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use kaiji_store::{DocumentId, Job, OrgId, OrgKind, QuestionId, RequestId, Store};
use serde_json::{Value, json};

/// How long a claim holds before another worker may take the job again.
const LEASE: Duration = Duration::from_secs(60);

/// How many jobs one claim takes: few enough that a batch is done well inside the lease, enough that
/// the claim is not the cost of a job.
const BATCH: usize = 32;

/// Marks the requests due before `today` overdue (their event job then notifies both sides); returns
/// how many. The server calls it at every tick with today's date in Japan (UTC+9), since the due dates
/// are Japanese calendar dates.
pub async fn sweep_overdue(
    store: &Store,
    today: jiff::civil::Date,
) -> Result<usize, kaiji_store::Error> {
    let ctx = kaiji_store::Ctx::system("worker", Timestamp::now());
    Ok(store.mark_overdue_requests(&ctx, today).await?.len())
}

/// Today's date in Japan (UTC+9, no daylight saving).
pub fn today_in_japan(now: Timestamp) -> jiff::civil::Date {
    now.to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(9)))
        .date()
}

/// Runs every job that is due now; returns how many were done.
pub async fn run_due(store: &Store, worker: &str) -> Result<usize, kaiji_store::Error> {
    run_due_with(store, worker, false).await
}

/// Runs every job that is due now, and with `mail` puts a mail for every member of the organisation a
/// new notification is for in the outbox (see [`crate::mail`]); returns how many jobs were done.
pub async fn run_due_with(
    store: &Store,
    worker: &str,
    mail: bool,
) -> Result<usize, kaiji_store::Error> {
    let mut done = 0;
    loop {
        let jobs = store
            .claim_jobs(Timestamp::now(), worker, LEASE, BATCH)
            .await?;
        if jobs.is_empty() {
            return Ok(done);
        }
        for job in jobs {
            match handle(store, &job, mail).await {
                Ok(()) => {
                    store
                        .complete_job(Timestamp::now(), worker, &job.id)
                        .await?;
                    done += 1;
                }
                Err(e) => {
                    let retry =
                        Timestamp::now() + SignedDuration::from_secs(30 * job.attempts.max(1));
                    store
                        .fail_job(Timestamp::now(), worker, &job.id, &e.to_string(), retry)
                        .await?;
                }
            }
        }
    }
}

fn field<'a>(payload: &'a Value, pointer: &str) -> Result<&'a str, kaiji_store::Error> {
    payload
        .pointer(pointer)
        .and_then(Value::as_str)
        .ok_or_else(|| kaiji_store::Error::Corrupt(format!("event payload lacks {pointer}")))
}

fn parse<T: std::str::FromStr<Err = kaiji_store::Error>>(
    text: &str,
) -> Result<T, kaiji_store::Error> {
    text.parse()
}

async fn handle(store: &Store, job: &Job, mail: bool) -> Result<(), kaiji_store::Error> {
    let p = &job.payload;
    let seq = p.get("seq").and_then(Value::as_i64).unwrap_or(0);
    let now = Timestamp::now();
    let notify = |org: OrgId, kind: &'static str, data: Value| async move {
        let key = format!("event:{seq}:{org}");
        store
            .notify(now, &org, None, kind, &data, Some(&key))
            .await?;
        // Queued after the notification and by the same key: a job retried (or run again after a
        // lost claim) adds neither twice.
        if mail {
            crate::mail::queue_for_members(store, &org, &key, kind, &data).await?;
        }
        Ok::<(), kaiji_store::Error>(())
    };
    match job.kind.as_str() {
        "event:document.publish" => {
            let vendor: OrgId = parse(field(p, "/org")?)?;
            let document: DocumentId = parse(field(p, "/target")?)?;
            let version = p
                .pointer("/details/version")
                .cloned()
                .unwrap_or(Value::Null);
            for share in store.shares(&vendor, &document).await? {
                if share.revoked_at.is_none() {
                    notify(
                        share.hospital,
                        "document.published",
                        json!({"document": document, "version": version}),
                    )
                    .await?;
                }
            }
        }
        "event:share.create" => {
            let hospital: OrgId = parse(field(p, "/details/hospital")?)?;
            let document = field(p, "/target")?;
            notify(hospital, "document.shared", json!({"document": document})).await?;
        }
        "event:request.create" => {
            let vendor: OrgId = parse(field(p, "/details/vendor")?)?;
            notify(
                vendor,
                "request.received",
                json!({"request": field(p, "/target")?, "kind": p.pointer("/details/kind")}),
            )
            .await?;
        }
        "event:request.answer" => {
            let vendor: OrgId = parse(field(p, "/org")?)?;
            let id: RequestId = parse(field(p, "/target")?)?;
            let request = store.request(&vendor, &id).await?;
            notify(
                request.hospital,
                "request.answered",
                json!({"request": id, "document": request.answer_document}),
            )
            .await?;
        }
        "event:request.overdue" => {
            let ids: Vec<&str> = p
                .pointer("/details/requests")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            for hospital in store.organisations(Some(OrgKind::Hospital)).await? {
                for request in store.requests(&hospital.id).await? {
                    if ids.contains(&request.id.as_str()) {
                        let data = json!({"request": request.id, "due_date": request.due_date.to_string()});
                        notify(request.hospital.clone(), "request.overdue", data.clone()).await?;
                        notify(request.vendor.clone(), "request.overdue", data).await?;
                    }
                }
            }
        }
        "event:question.ask" | "event:question.reply" => {
            let by: OrgId = parse(field(p, "/org")?)?;
            let id: QuestionId = parse(field(p, "/target")?)?;
            let question = store.question(&by, &id).await?;
            let (to, kind) = if by == question.vendor {
                (question.hospital.clone(), "question.answered")
            } else if job.kind == "event:question.ask" {
                (question.vendor.clone(), "question.asked")
            } else {
                (question.vendor.clone(), "question.followed-up")
            };
            notify(
                to,
                kind,
                json!({"question": id, "document": question.document, "item": question.item}),
            )
            .await?;
        }
        other => {
            return Err(kaiji_store::Error::BadInput(format!(
                "no worker handles jobs of kind {other:?}"
            )));
        }
    }
    Ok(())
}
