//! The database of the server benchmark (bench/server/run.sh), made through kaiji-store's own API (the
//! same transactions, audit chain and event jobs as the server's routes), then the server's worker run
//! until every event job is done, as a running server would have done it.
//!
//! `cargo run --release -p kaiji-server --example bench-seed -- DATABASE_URL OUT_DIR [VENDORS HOSPITALS
//! DOCUMENTS SHARES_PER_DOCUMENT]` (defaults 100 400 10000 4). Writes to OUT_DIR the request lists the
//! load generator reads: `published.txt` and `inbox.txt` (a hospital's token and path per line) and
//! `publish.txt` (a vendor owner's token and a document of theirs per line), `review.txt` (a hospital's
//! review of a version it holds) and `compare.txt` (a hospital's comparison of 20 documents it holds).

#![allow(
    clippy::disallowed_macros,
    reason = "a benchmark program, not a library: it prints its usage and its figures"
)]

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use jiff::civil::date;
use jiff::{SignedDuration, Timestamp};
use kaiji_store::{Ctx, NewProduct, OrgId, OrgKind, Publication, Role, Store};
use serde_json::json;

/// How many vendors' disclosures one comparison lines up (issue 12: "the comparison of 20 vendors").
const COMPARED: usize = 20;

fn arg(args: &[String], i: usize, default: usize) -> usize {
    args.get(i).map_or(default, |a| {
        a.parse()
            .unwrap_or_else(|_| panic!("argument {i}: {a:?} is not a number"))
    })
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(url), Some(out)) = (args.first(), args.get(1)) else {
        eprintln!("usage: bench-seed DATABASE_URL OUT_DIR [VENDORS HOSPITALS DOCUMENTS SHARES]");
        std::process::exit(2);
    };
    let out = PathBuf::from(out);
    let vendors = arg(&args, 2, 100);
    let hospitals = arg(&args, 3, 400);
    let documents = arg(&args, 4, 10_000);
    let shares = arg(&args, 5, 4).min(hospitals);
    let started = Instant::now();
    let store = Store::open(url).await.expect("the database opens");
    let now = Timestamp::now();
    let ctx = Ctx::system("bench-seed", now);
    let expires = now + SignedDuration::from_hours(24 * 30);
    let content: serde_json::Value =
        serde_json::from_str(include_str!("../../examples/pacs-mds-5.0h.kaiji.json"))
            .expect("the example parses");

    let mut hospital_ids: Vec<(OrgId, String)> = Vec::new();
    // What each hospital holds, in the order shared (for the compare list).
    let mut held: Vec<Vec<String>> = vec![Vec::new(); hospitals];
    for h in 0..hospitals {
        let org = store
            .create_organisation(&ctx, OrgKind::Hospital, &format!("病院 {h:03}"))
            .await
            .expect("hospital");
        let (secret, _) = store
            .issue_api_token(&ctx, &org.id, Role::Viewer, "bench", expires)
            .await
            .expect("hospital token");
        hospital_ids.push((org.id, secret.expose().to_owned()));
    }
    let mut publish = String::new();
    let mut published = String::new();
    let mut review = String::new();
    let per_vendor = documents.div_ceil(vendors);
    let mut made = 0;
    for v in 0..vendors {
        let org = store
            .create_organisation(&ctx, OrgKind::Vendor, &format!("ベンダー {v:03}"))
            .await
            .expect("vendor");
        let (secret, _) = store
            .issue_api_token(&ctx, &org.id, Role::Owner, "bench", expires)
            .await
            .expect("vendor token");
        let vctx = Ctx {
            org: Some(org.id.clone()),
            ..ctx.clone()
        };
        for p in 0..per_vendor {
            if made == documents {
                break;
            }
            let product = store
                .create_product(
                    &vctx,
                    &org.id,
                    &NewProduct {
                        maker: format!("ベンダー {v:03}"),
                        name: format!("製品 {p:03}"),
                        model: format!("M-{v:03}-{p:03}"),
                        device_id: None,
                        purl: None,
                    },
                )
                .await
                .expect("product");
            let release = store
                .create_release(&vctx, &org.id, &product.id, "1.0")
                .await
                .expect("release");
            let document = store
                .create_document(&vctx, &org.id, &release.id, "mds", "MDS")
                .await
                .expect("document");
            store
                .save_draft(&vctx, &org.id, &document.id, &content, &json!([]))
                .await
                .expect("draft");
            store
                .publish(
                    &vctx,
                    &org.id,
                    &document.id,
                    &Publication {
                        effective_date: date(2026, 12, 1),
                        next_review_date: date(2027, 12, 1),
                        update_reason: "初版".into(),
                        findings: json!([]),
                    },
                )
                .await
                .expect("publish");
            // Shared with `shares` hospitals in turn, so that every hospital holds about as many.
            for s in 0..shares {
                let h = (made * shares + s) % hospitals;
                let (hospital, token) = &hospital_ids[h];
                held[h].push(document.id.to_string());
                store
                    .share(&vctx, &org.id, &document.id, hospital)
                    .await
                    .expect("share");
                if s == 0 {
                    let path = format!(
                        "/api/v1/orgs/{hospital}/received/{}/versions/1",
                        document.id
                    );
                    writeln!(published, "{token} {path}").unwrap();
                    writeln!(review, "{token} {path}/review?format=json").unwrap();
                }
            }
            writeln!(
                publish,
                "{} /api/v1/orgs/{}/documents/{}/versions",
                secret.expose(),
                org.id,
                document.id
            )
            .unwrap();
            made += 1;
        }
    }
    let seeded = started.elapsed();
    // The request lists first, so that they exist whatever the worker does.
    let mut inbox = String::new();
    let mut compare = String::new();
    for ((hospital, token), held) in hospital_ids.iter().zip(&held) {
        writeln!(inbox, "{token} /api/v1/orgs/{hospital}/inbox").unwrap();
        if held.len() >= COMPARED {
            writeln!(
                compare,
                "{token} /api/v1/orgs/{hospital}/compare?format=json&documents={}",
                held[..COMPARED].join(",")
            )
            .unwrap();
        }
    }
    std::fs::create_dir_all(&out).expect("output directory");
    for (name, text) in [
        ("published.txt", &published),
        ("inbox.txt", &inbox),
        ("publish.txt", &publish),
        ("review.txt", &review),
        ("compare.txt", &compare),
    ] {
        std::fs::write(out.join(name), text).expect("request list written");
    }
    let jobs = kaiji_server::worker::run_due(&store, "bench-seed")
        .await
        .expect("the worker runs");
    store.close().await;
    println!(
        "seeded {vendors} vendors, {hospitals} hospitals, {made} published disclosures, {} shares in {:.1} s; \
         {jobs} event jobs run in {:.1} s",
        made * shares,
        seeded.as_secs_f64(),
        (started.elapsed() - seeded).as_secs_f64()
    );
}
